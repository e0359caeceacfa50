//! `kubeward render`: what `helm template` prints, rendered natively.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use kubeward::helm::chart;

use crate::chart_args::ChartArgs;
use crate::inputs::display_name;
use crate::term;

pub(crate) const LONG_ABOUT: &str = "\
Render a Helm chart (a folder with Chart.yaml, or a .tgz) and print what `helm template`
prints: every manifest with its `# Source:` line, in Helm's install order, hooks last.
No `helm` binary is used. A chart that cannot be rendered is an error naming the template,
line and column (exit status 2).";

#[derive(Debug, Args)]
pub(crate) struct RenderArgs {
    /// The chart: a folder with Chart.yaml, or a .tgz archive
    #[arg(value_name = "CHART")]
    chart: PathBuf,

    #[command(flatten)]
    chart_args: ChartArgs,

    #[command(flatten)]
    limit: crate::limits::LimitArgs,

    /// Only print manifests from these templates (repeatable; e.g. templates/deploy.yaml)
    #[arg(long, short = 's', value_name = "TEMPLATE")]
    show_only: Vec<String>,

    /// Also print the chart's CRDs (from crds/)
    #[arg(long)]
    include_crds: bool,

    /// Leave out test hooks
    #[arg(long)]
    skip_tests: bool,

    /// Render as an upgrade (`.Release.IsUpgrade`)
    #[arg(long)]
    is_upgrade: bool,
}

pub(crate) fn run(args: &RenderArgs) -> u8 {
    let name = display_name(&args.chart);
    let mut opts = match args.chart_args.to_options() {
        Ok(opts) => opts,
        Err(message) => {
            term::error(&message);
            return 2;
        }
    };
    opts.show_only.clone_from(&args.show_only);
    opts.include_crds = args.include_crds;
    opts.skip_tests = args.skip_tests;
    opts.is_upgrade = args.is_upgrade;
    let limits = args.limit.to_limits();
    opts.limits = limits.template();
    let loaded = match kubeward::charts::load_chart(&args.chart, &name, &limits) {
        Ok(chart) => chart,
        Err(entry) => {
            term::error(&format!("{}: {}", entry.location(), entry.message));
            return 2;
        }
    };
    match chart::render(&loaded, &opts) {
        Ok(rendered) => {
            let mut stdout = std::io::stdout().lock();
            if stdout
                .write_all(rendered.text.as_bytes())
                .and_then(|()| stdout.flush())
                .is_err()
            {
                return 2;
            }
            0
        }
        Err(e) => {
            let entry = kubeward::charts::chart_error(&name, &e);
            term::error(&format!("{}: {}", entry.location(), entry.message));
            2
        }
    }
}
