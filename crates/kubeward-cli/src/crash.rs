//! A panic never ends the CLI with Rust's status 101 and a bare backtrace: it becomes an
//! error on stderr that asks for a bug report, and exit status 2, like any input that
//! could not be scanned (a scan that stopped half-way must not pass in CI).

use std::panic::{self, AssertUnwindSafe, PanicHookInfo};
use std::sync::atomic::{AtomicBool, Ordering};

/// Exit status of a run that panicked: the status of every other error.
pub(crate) const PANIC_STATUS: u8 = 2;

/// Set by the hook: a panic happened on some thread, even one nobody joins.
static PANICKED: AtomicBool = AtomicBool::new(false);

/// The environment variable that makes a run panic on purpose, for the CLI's tests.
///
/// It only acts on the exact values `main` (a panic on the main thread) and `worker` (a
/// panic on a rayon worker, which rayon carries back to the main thread). Scanned files
/// cannot set it, and a run it stops ends with status 2 like any other error, so it can
/// never make a scan pass.
const TEST_PANIC_VAR: &str = "KUBEWARD_TEST_PANIC";

/// Runs `work` (the whole command) and returns its exit status; a panic anywhere in it,
/// or on any thread it started, is reported on stderr and gives [`PANIC_STATUS`].
pub(crate) fn run(work: impl FnOnce() -> u8) -> u8 {
    panic::set_hook(Box::new(report));
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        test_panic();
        work()
    }));
    match outcome {
        Ok(_) if PANICKED.load(Ordering::SeqCst) => PANIC_STATUS,
        Ok(code) => code,
        Err(_) => PANIC_STATUS,
    }
}

/// The panic hook: one message per panic, naming the version and where it happened.
fn report(info: &PanicHookInfo<'_>) {
    PANICKED.store(true, Ordering::SeqCst);
    let payload = info.payload();
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    // `print!` panics when stdout is closed (`kubeward policies | head -1`): not a bug.
    if message.starts_with("failed printing to stdout") {
        eprintln!("kubeward: error: {message}");
        return;
    }
    let location = info
        .location()
        .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
        .unwrap_or_else(|| "an unknown location".to_string());
    let thread = std::thread::current();
    let thread = thread.name().unwrap_or("unnamed");
    eprintln!(
        "kubeward: internal error: kubeward {} panicked at {location} (thread {thread}): {message}\n\
         This is a bug in kubeward, and the scan did not complete. Please report it at \
         https://github.com/kubeward/kubeward/issues with this message and, if you can, the \
         input that caused it (exit status {PANIC_STATUS}).",
        env!("CARGO_PKG_VERSION"),
    );
    let backtrace = std::backtrace::Backtrace::capture();
    if backtrace.status() == std::backtrace::BacktraceStatus::Captured {
        eprintln!("backtrace:\n{backtrace}");
    } else {
        eprintln!("(run with RUST_BACKTRACE=1 to add a backtrace to the report)");
    }
}

/// Panics on purpose when [`TEST_PANIC_VAR`] asks for it.
#[allow(clippy::panic)]
fn test_panic() {
    match std::env::var(TEST_PANIC_VAR).as_deref() {
        Ok("main") => panic!("deliberate panic ({TEST_PANIC_VAR}=main)"),
        Ok("worker") => {
            rayon::join(
                || panic!("deliberate panic ({TEST_PANIC_VAR}=worker)"),
                || (),
            );
        }
        _ => {}
    }
}
