//! The `kubeward` command line.
#![forbid(unsafe_code)]

mod chart_args;
mod crash;
mod decode;
mod examples;
mod inputs;
mod limits;
mod policies;
mod render;
mod scan;
mod term;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The CLI allocates many small nodes while decoding and rendering; mimalloc handles that
/// pattern markedly faster than the system allocator. It is built without transparent huge
/// pages (feature `no_thp`): a scan is short and touches its memory once, and faulting in
/// whole 2 MiB pages made the 11 MB benchmark corpus take about 135 MB instead of 97 MB
/// and, on a machine where that memory was not just used, 0.64–0.77 s instead of 0.35–0.43 s
/// (docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const AFTER_HELP: &str = "\
Exit status: 0 no finding at or above --fail-on; 1 findings at or above it;
2 an input, policy or config error (also when there are findings).

Examples:
  kubeward scan deploy/                          scan every manifest under deploy/
  kubeward scan ./chart -f prod.yaml            scan a Helm chart, rendered natively
  kubeward render ./chart                        print what `helm template` prints
  kubeward scan . --format sarif -o kubeward.sarif
  kubeward policies KW-SEC-001                   explain a policy";

/// Find insecure Kubernetes workloads before they reach a cluster.
#[derive(Parser)]
#[command(name = "kubeward", version, propagate_version = true, after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan manifests for security problems
    #[command(long_about = scan::LONG_ABOUT, after_long_help = scan::AFTER_LONG_HELP)]
    Scan(scan::ScanArgs),
    /// Render a Helm chart natively and print what `helm template` prints
    #[command(long_about = render::LONG_ABOUT)]
    Render(render::RenderArgs),
    /// Print each document as one line of JSON, exactly as Kubernetes decodes it
    #[command(long_about = decode::LONG_ABOUT)]
    Decode(decode::DecodeArgs),
    /// List the policies, or explain one
    Policies(policies::PoliciesArgs),
    /// Run the examples of policy files (for policy authors)
    #[command(long_about = examples::LONG_ABOUT)]
    Test(examples::TestArgs),
    /// List the resource limits, their defaults and what each bounds
    #[command(long_about = limits::LONG_ABOUT)]
    Limits(limits::LimitsArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A panic is a bug report on stderr and exit status 2, never status 101 (crash.rs).
    let code = crash::run(|| match cli.command {
        Command::Scan(args) => scan::run(args),
        Command::Render(args) => render::run(&args),
        Command::Decode(args) => decode::run(&args),
        Command::Policies(args) => policies::run(args),
        Command::Test(args) => examples::run(args),
        Command::Limits(args) => limits::run(&args),
    });
    ExitCode::from(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
