//! A panic in the `kubeward` binary is an error asking for a bug report, with exit status 2
//! (the status of every error), never Rust's status 101. The panic is triggered by the
//! test-only variable `KUBEWARD_TEST_PANIC` (see `src/crash.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_kubeward");
const VERSION: &str = env!("CARGO_PKG_VERSION");

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(panic: Option<&str>, args: &[&str]) -> Run {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"))
        .env_remove("RUST_BACKTRACE")
        .env_remove("KUBEWARD_TEST_PANIC");
    if let Some(value) = panic {
        cmd.env("KUBEWARD_TEST_PANIC", value);
    }
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

const SCAN: &[&str] = &["scan", "--no-config", "--format", "json", "clean/pod.yaml"];

#[test]
fn a_panic_on_the_main_thread_is_a_bug_report_with_status_2() {
    let r = run(Some("main"), SCAN);
    assert_eq!(r.code, Some(2), "stderr: {}", r.stderr);
    assert_eq!(r.stdout, "", "no report after a panic");
    let expected = format!("kubeward: internal error: kubeward {VERSION} panicked at ");
    assert!(r.stderr.starts_with(&expected), "{}", r.stderr);
    assert!(r.stderr.contains("src/crash.rs:"), "location: {}", r.stderr);
    assert!(r.stderr.contains("(thread main)"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("deliberate panic (KUBEWARD_TEST_PANIC=main)"),
        "{}",
        r.stderr
    );
    assert!(r
        .stderr
        .contains("Please report it at https://github.com/kubeward/kubeward/issues"));
    assert!(r.stderr.contains("RUST_BACKTRACE=1"));
    // Rust's own hook is replaced: its message would appear on top of ours.
    assert!(!r.stderr.contains("note: run with"), "{}", r.stderr);
}

#[test]
fn a_panic_on_a_worker_thread_is_reported_once_with_status_2() {
    let r = run(Some("worker"), SCAN);
    assert_eq!(r.code, Some(2), "stderr: {}", r.stderr);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr.matches("internal error").count(),
        1,
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("(thread main)"), "{}", r.stderr);
    assert!(r
        .stderr
        .contains("deliberate panic (KUBEWARD_TEST_PANIC=worker)"));
}

#[test]
fn the_backtrace_is_added_on_request() {
    let mut cmd = Command::new(BIN);
    cmd.args(["policies", "--format", "json"])
        .env("KUBEWARD_TEST_PANIC", "main")
        .env("RUST_BACKTRACE", "1");
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("backtrace:\n"), "{stderr}");
}

#[test]
fn every_command_is_guarded() {
    for args in [
        SCAN,
        &["decode", "clean/pod.yaml"],
        &["policies"],
        &["test", "policies"],
        &["render", "../../../../tests/charts/plain"],
    ] {
        let r = run(Some("main"), args);
        assert_eq!(r.code, Some(2), "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("internal error"),
            "{args:?}: {}",
            r.stderr
        );
    }
}

#[test]
fn only_the_exact_test_values_panic() {
    // Anything else, like a stray `KUBEWARD_TEST_PANIC=1`, leaves the run alone.
    for value in ["1", "true", "MAIN", ""] {
        let r = run(Some(value), &["decode", "clean/pod.yaml"]);
        assert_eq!(r.code, Some(0), "{value:?}: {}", r.stderr);
        assert!(!r.stderr.contains("internal error"));
    }
}

#[test]
fn no_profile_turns_panics_into_aborts() {
    // With `panic = "abort"` the CLI could not catch a panic (and Python would abort); only
    // the WebAssembly profile may set it (wasm32 has no unwinding on stable Rust).
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.toml");
    let text = std::fs::read_to_string(root).unwrap();
    let mut section = String::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line.to_string();
        } else if section.starts_with("[profile") && line.replace(' ', "").starts_with("panic=") {
            assert_eq!(
                section, "[profile.wasm-release]",
                "{section} sets `{line}`: panics would abort"
            );
        }
    }
}
