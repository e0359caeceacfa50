//! Native Helm chart rendering: what `helm template` prints, computed in Rust.
//!
//! The pieces, in data-flow order:
//! - [`chart`]: loading a chart from a folder or an in-memory `.tgz`, its subcharts,
//!   dependencies, values files and the `--set` family of flags, and the assembly of the
//!   output the way `helm template` prints it;
//! - [`template`]: Go's `text/template` (lexer, parser, executor, `fmt`-style printing);
//! - [`funcs`]: Sprig v3.3 and Helm's template functions;
//! - [`value`]: the value model, which keeps the Go type distinctions Helm charts rely on.
//!
//! The library does no I/O while rendering (a chart is a map of file names to bytes), so it
//! runs the same in a browser.
#![forbid(unsafe_code)]

pub mod chart;
pub mod funcs;
pub mod template;
pub mod value;

pub use value::Value;
