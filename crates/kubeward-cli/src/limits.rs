//! `--limit NAME=VALUE` and `kubeward limits`.

use clap::Args;
use kubeward::{Limits, LIMITS};

/// The `--limit` flag of the commands that read input.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct LimitArgs {
    /// Change a resource limit, e.g. `--limit max-input-bytes=16MiB` (repeatable; `kubeward
    /// limits` lists the names, defaults and what each bounds)
    #[arg(long = "limit", value_name = "NAME=VALUE", value_parser = parse_limit)]
    limits: Vec<String>,
}

/// Checks one `NAME=VALUE` when the command line is parsed, so that a bad one is a usage
/// error (exit status 2) naming the fix.
fn parse_limit(text: &str) -> Result<String, String> {
    Limits::default()
        .apply_assignment(text)
        .map(|()| text.to_string())
        .map_err(|e| e.to_string())
}

impl LimitArgs {
    /// The limits: the defaults with each `--limit` applied in order.
    pub(crate) fn to_limits(&self) -> Limits {
        self.applied_to(Limits::default())
    }

    /// `base` with each `--limit` applied in order.
    pub(crate) fn applied_to(&self, base: Limits) -> Limits {
        let mut limits = base;
        for assignment in &self.limits {
            // Each was checked by `parse_limit`.
            let _ = limits.apply_assignment(assignment);
        }
        limits
    }
}

pub(crate) const LONG_ABOUT: &str = "\
List the resource limits: every bound on what a scan may read, decode, render and evaluate,
with its default, its largest value, what it bounds and the Kubernetes or Helm value it
matches. Input that breaks a limit is an error naming it (`(limit NAME=VALUE)`) and makes the
run exit 2; raise a limit with `kubeward scan --limit NAME=VALUE`. docs/limits.md has the same
table.";

/// `kubeward limits`.
#[derive(Debug, Args)]
pub(crate) struct LimitsArgs {
    #[command(flatten)]
    limit: LimitArgs,
}

pub(crate) fn run(args: &LimitsArgs) -> u8 {
    use std::fmt::Write as _;
    let limits = args.limit.to_limits();
    let width = LIMITS.iter().map(|l| l.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for info in LIMITS {
        let value = limits.get(info.name).unwrap_or(info.default);
        let _ = writeln!(
            out,
            "{:width$}  {value} {}\n{:width$}  {}\n{:width$}  {}\n",
            info.name, info.unit, "", info.bounds, "", info.reference
        );
    }
    print!("{out}");
    0
}
