//! Terminal output: colours and messages on stderr.

use std::io::IsTerminal;

use clap::ValueEnum;

/// When to use colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    /// When writing to a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always (to standard output).
    Always,
    /// Never.
    Never,
}

/// Whether `NO_COLOR` asks for no colour (set and not empty, as no-color.org says).
fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

impl ColorChoice {
    /// Whether to colour a stream that is (or not) a terminal.
    pub(crate) fn enabled(self, is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && !no_color(),
        }
    }
}

fn stderr_color() -> bool {
    ColorChoice::Auto.enabled(std::io::stderr().is_terminal())
}

fn print(label: &str, style: &str, message: &str) {
    if stderr_color() {
        eprintln!("{style}{label}\x1b[0m\x1b[1m: {message}\x1b[0m");
    } else {
        eprintln!("{label}: {message}");
    }
}

/// `warning: ...` on stderr.
pub(crate) fn warning(message: &str) {
    print("warning", "\x1b[1;33m", message);
}

/// `error: ...` on stderr.
pub(crate) fn error(message: &str) {
    print("error", "\x1b[1;31m", message);
}

/// `FILE:LINE:COLUMN: error: MESSAGE` on stderr (`FILE: error: ...` for whole-file errors).
pub(crate) fn error_entry(e: &kubeward::ErrorEntry) {
    eprintln!("{}: error: {}", e.location(), e.message);
}
