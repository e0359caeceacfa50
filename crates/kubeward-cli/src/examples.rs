//! `kubeward test`: runs the examples of policy files.

use std::path::PathBuf;

use clap::Args;
use kubeward::Expectation;

use crate::policies;

pub(crate) const LONG_ABOUT: &str = "\
Run the examples of policy files: every `fail` example must produce a finding of its policy
(exactly `count` when it says), every `pass` example none. With no PATH, runs the examples of
every built-in policy. Exit status: 0 all examples hold, 1 some do not, 2 a policy file does
not load.";

#[derive(Debug, Args)]
pub(crate) struct TestArgs {
    /// Policy files or folders whose examples to run [default: the built-in policies]
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Print every example, not only the ones that do not hold
    #[arg(long, short = 'v')]
    verbose: bool,
}

pub(crate) fn run(args: TestArgs) -> u8 {
    // Given files: their policies only, no built-in one.
    let packs = if args.paths.is_empty() {
        vec!["all".to_string()]
    } else {
        vec!["none".to_string()]
    };
    let Some(engine) = policies::engine(packs, &args.paths) else {
        return 2;
    };
    let results = engine.test_examples();
    let failed = results.iter().filter(|r| !r.ok).count();
    for r in &results {
        if r.ok && !args.verbose {
            continue;
        }
        let expect = match r.expect {
            Expectation::Pass => "pass",
            Expectation::Fail => "fail",
        };
        let status = if r.ok { "ok  " } else { "FAIL" };
        println!(
            "{status} {} {expect} example `{}` ({}:{})",
            r.policy, r.name, r.file, r.line
        );
        if !r.ok {
            if !r.message.is_empty() {
                println!("     {}", r.message);
            }
            for f in &r.findings {
                println!(
                    "     found {}:{}:{} {}: {}",
                    f.file, f.region.line, f.region.column, f.path, f.message
                );
            }
        }
    }
    let policies: std::collections::BTreeSet<&str> =
        results.iter().map(|r| r.policy.as_str()).collect();
    println!(
        "test result: {}. {} passed; {failed} failed ({} examples of {} policies)",
        if failed == 0 { "ok" } else { "FAILED" },
        results.len() - failed,
        results.len(),
        policies.len()
    );
    if results.is_empty() {
        crate::term::warning("no examples found: add `examples:` with `pass` and `fail` manifests to the policy files");
    }
    u8::from(failed > 0)
}
