//! `kubeward scan`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use kubeward::{
    Config, Date, Engine, EngineOptions, ErrorEntry, FailOn, Format, RenderOptions, Report,
    RuleInfo, Scan, Severity, Suppressions, CONFIG_FILE,
};

use crate::inputs::{self, Input};
use crate::term::{self, ColorChoice};

pub(crate) const LONG_ABOUT: &str = "\
Scan Kubernetes manifests for security problems.

Manifests are read exactly as kubectl reads them (YAML 1.1 booleans and octals, merge keys,
last duplicate key wins, multi-document streams, JSON, List objects). Folders are searched
recursively for *.yaml, *.yml and *.json files in name order; hidden files and folders
(.git, .github, .kubeward.yaml...) are skipped unless named. A folder with a Chart.yaml,
or a .tgz named on the command line, is a Helm chart: it is rendered natively as `helm
template` renders it (with -f/--set and the other chart flags), and each finding also names
the template line, and the values file line, behind it. \"-\", or no PATH with piped input,
reads standard input. Input that cannot be read, decoded or rendered is an error in the
report (exit status 2), and the other documents and files are still scanned.";

pub(crate) const AFTER_LONG_HELP: &str = "\
Settings come from the config file (--config, default: .kubeward.yaml in the current folder
when present); each flag given on the command line replaces the config's setting.

Suppressing a finding (a reason is required; suppressed findings stay in the report):
  metadata.annotations:  ignore.kubeward.io/KW-SEC-001: \"why it is accepted\"
      (on the resource or on its pod template)
  comment:               # kubeward:ignore KW-SEC-001 why it is accepted
      (on the finding's line, or on a comment line right above it)
  config exemptions:     exemptions: [{policy: KW-SEC-001, namespace: kube-system,
                                       reason: why, expires: 2026-06-30}]

Exit status: 0 no finding at or above --fail-on; 1 findings at or above it;
2 an input, policy or config error (also when there are findings).";

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    /// Code frames for people
    Text,
    /// The version-1 JSON report
    Json,
    /// SARIF 2.1.0 (GitHub code scanning)
    Sarif,
    /// JUnit XML (CI test reports)
    Junit,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Junit => Format::Junit,
        }
    }
}

/// `--fail-on` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOnArg {
    /// Only critical findings fail the run
    Critical,
    /// High and critical findings fail the run
    High,
    /// Medium findings and above fail the run
    Medium,
    /// Every finding but info ones fails the run (the default)
    Low,
    /// Every finding fails the run
    Info,
    /// Findings never fail the run (errors still do)
    Never,
}

impl From<FailOnArg> for FailOn {
    fn from(f: FailOnArg) -> FailOn {
        match f {
            FailOnArg::Critical => FailOn::Severity(Severity::Critical),
            FailOnArg::High => FailOn::Severity(Severity::High),
            FailOnArg::Medium => FailOn::Severity(Severity::Medium),
            FailOnArg::Low => FailOn::Severity(Severity::Low),
            FailOnArg::Info => FailOn::Severity(Severity::Info),
            FailOnArg::Never => FailOn::Never,
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    /// Files or folders to scan; "-" reads standard input (the default when input is piped)
    #[arg(value_name = "PATH")]
    paths: Vec<String>,

    /// Report format
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    format: FormatArg,

    /// Write the report to FILE instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,

    /// Built-in policy pack to apply (repeatable; `all`, `none`, or a pack `kubeward policies`
    /// shows) [default: the config's `packs`, else the default set]
    #[arg(long = "pack", value_name = "NAME")]
    packs: Vec<String>,

    /// Extra policy file or folder (repeatable) [default: the config's `policies`]
    #[arg(long = "policy", value_name = "PATH")]
    policies: Vec<PathBuf>,

    /// Pod Security Standards version to evaluate: vX.Y or latest [default: latest]
    #[arg(long, value_name = "VERSION")]
    pss_version: Option<String>,

    /// Lowest severity that makes the exit status 1 [default: the config's `failOn`, else low:
    /// every finding but info ones fails the run]
    #[arg(long, value_enum, value_name = "SEVERITY")]
    fail_on: Option<FailOnArg>,

    /// Config file [default: .kubeward.yaml in the current folder, if present]
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,

    /// Do not read .kubeward.yaml from the current folder
    #[arg(long, conflicts_with = "config")]
    no_config: bool,

    #[command(flatten)]
    chart_args: crate::chart_args::ChartArgs,

    #[command(flatten)]
    limit: crate::limits::LimitArgs,

    /// When to colour the text report
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

/// The config to use: `--config`, else `.kubeward.yaml` when present; with the folder its
/// relative paths start from.
fn load_config(args: &ScanArgs) -> Result<(Config, PathBuf), Vec<ErrorEntry>> {
    let path = match (&args.config, args.no_config) {
        (Some(path), _) => path.clone(),
        (None, true) => return Ok((Config::default(), PathBuf::new())),
        (None, false) if Path::new(CONFIG_FILE).is_file() => PathBuf::from(CONFIG_FILE),
        (None, false) => return Ok((Config::default(), PathBuf::new())),
    };
    let name = inputs::display_name(&path);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::NotFound {
            ": check the --config path"
        } else {
            ""
        };
        vec![inputs::file_error(
            &name,
            format!("cannot read config file: {e}{hint}"),
        )]
    })?;
    let config = Config::parse(&name, &text)?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok((config, dir))
}

pub(crate) fn run(args: ScanArgs) -> u8 {
    let format = Format::from(args.format);
    let (config, config_dir) = match load_config(&args) {
        Ok(found) => found,
        Err(errors) => {
            let mut report = Report::default();
            report.add_errors(errors);
            return emit(&report, format, &args, None, &[], FailOn::default());
        }
    };
    let fail_on = args
        .fail_on
        .map(FailOn::from)
        .or(config.fail_on)
        .unwrap_or_default();

    // Policies.
    let packs = if args.packs.is_empty() {
        config.packs.clone().unwrap_or_default()
    } else {
        args.packs.clone()
    };
    let policy_paths: Vec<PathBuf> = if args.policies.is_empty() {
        config
            .policies
            .iter()
            .flatten()
            .map(|p| config_dir.join(p))
            .collect()
    } else {
        args.policies.clone()
    };
    let limits = args.limit.to_limits();
    let (policy_files, mut errors) = inputs::read_policy_files_with(&policy_paths, &limits);
    // A broken policy file is an error in the report; the other policies still run.
    let (engine, policy_errors) = Engine::new_partial(EngineOptions {
        packs,
        policy_files,
        pss_version: args
            .pss_version
            .clone()
            .or_else(|| config.pss_version.clone()),
        parameters: {
            // `--kube-version` is also the cluster version policies check API versions
            // against (a config's explicit `kubeVersion` parameter wins).
            let mut parameters = config.parameters.clone();
            if let Some(version) = &args.chart_args.kube_version {
                parameters
                    .entry("kubeVersion".to_string())
                    .or_insert_with(|| serde_json::Value::String(version.clone()));
            }
            parameters
        },
        limits: limits.clone(),
    });
    errors.extend(policy_errors);

    // Inputs.
    let mut paths = args.paths.clone();
    let implicit_stdin = paths.is_empty();
    if implicit_stdin {
        if !inputs::stdin_is_piped() {
            term::error(
                "nothing to scan: give files, folders or charts (`kubeward scan deploy/`), or pipe \
                 manifests in (`kubectl get deploy -o yaml | kubeward scan -`)",
            );
            return 2;
        }
        paths.push("-".to_string());
    }
    let chart_options = match args.chart_args.to_options() {
        Ok(opts) => opts,
        Err(message) => {
            let mut report = Report::default();
            report.add_errors([inputs::file_error("<flags>", message)]);
            return emit(&report, format, &args, None, &[], fail_on);
        }
    };
    let inputs = inputs::collect(&paths, &["yaml", "yml", "json"]);
    let scan = Scan {
        files: inputs::load_all(&inputs, &chart_options, &limits),
    };

    let (findings, evaluation_errors) = engine.evaluate_checked(&scan);
    errors.extend(evaluation_errors);
    let exemptions = config.exemptions;
    let mut report = Report::build(
        &scan,
        findings,
        &Suppressions::new(exemptions, Date::today_utc()),
    );
    report.add_errors(errors);
    let empty_stdin = inputs.contains(&Input::Stdin)
        && scan.files.iter().any(|f| {
            f.name == inputs::STDIN_NAME && f.text.trim().is_empty() && f.errors.is_empty()
        });
    if empty_stdin && implicit_stdin {
        // `kubeward scan` in a CI step whose stdin is empty: scanning nothing is no pass.
        report.add_errors([inputs::file_error(
            inputs::STDIN_NAME,
            "no PATH was given and standard input is empty: give the files or folders to scan \
             (`kubeward scan .`), or pipe manifests in"
                .to_string(),
        )]);
    } else if empty_stdin {
        report
            .warnings
            .push("standard input was empty: nothing was read from it".to_string());
    } else if report.summary.resources == 0 && report.errors.is_empty() {
        report.warnings.push(format!(
            "no Kubernetes resources found in {} input(s): check the paths (folders are searched for \
             *.yaml, *.yml and *.json files)",
            report.summary.files
        ));
    }
    let rules = engine.rules();
    emit(&report, format, &args, Some(&scan), &rules, fail_on)
}

/// Prints warnings, writes the report, and returns the exit status.
fn emit(
    report: &Report,
    format: Format,
    args: &ScanArgs,
    scan: Option<&Scan>,
    rules: &[RuleInfo],
    fail_on: FailOn,
) -> u8 {
    for warning in &report.warnings {
        term::warning(warning);
    }
    let root = std::env::current_dir()
        .ok()
        .map(|d| d.to_string_lossy().into_owned());
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let options = RenderOptions {
        scan,
        rules,
        color: format == Format::Text && args.output.is_none() && args.color.enabled(to_terminal),
        root_dir: root.as_deref(),
    };
    let text = report.render(format, &options);
    let code = report.exit_code(fail_on);
    match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, text) {
                term::error(&format!(
                    "cannot write the report to `{}`: {e}: check that its folder exists and is writable",
                    path.display()
                ));
                return 2;
            }
            eprintln!(
                "kubeward: {format} report written to {}: {} finding(s), {} error(s), {} suppressed",
                path.display(),
                report.findings.len(),
                report.errors.len(),
                report.suppressed.len()
            );
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            if stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
                .is_err()
            {
                // A closed pipe (`| head`): nothing more can be said on stdout.
                return code.max(2);
            }
        }
    }
    code
}
