//! Go's `text/template`: lexer, parser, executor and `fmt`-style printing, with Helm's
//! `include` and `tpl`.
//!
//! All templates of a chart tree share one namespace ([`Templates`]), as in Helm: every file
//! is a template named by its path (`mychart/templates/deploy.yaml`), and `define`s are
//! visible everywhere.

use crate::funcs::FuncCtx;
use crate::value::{Str, Value};

/// Bounds on one execution, so hostile templates stop with an error in bounded time and
/// memory.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Nested uses of one template name through `include` (Helm: 1 000).
    pub max_include_depth: usize,
    /// Nested template calls of any kind (Go: 100 000; lower here to protect the stack).
    pub max_exec_depth: usize,
    /// Evaluation steps (actions, commands, range iterations) per execution.
    pub max_steps: u64,
    /// Bytes of output per execution.
    pub max_output_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_include_depth: 1000,
            max_exec_depth: 1000,
            max_steps: 50_000_000,
            max_output_bytes: 64 << 20,
        }
    }
}

/// Options of one execution.
#[derive(Debug, Clone, Default)]
pub struct ExecOptions {
    /// `missingkey=error` (Helm's `--strict`); Helm's default is `missingkey=zero`.
    pub missing_key_error: bool,
    /// The limits.
    pub limits: Limits,
    /// State handed to functions.
    pub funcs: FuncCtx,
}

/// A parse or execution error, with Go's (and Helm's) message and the template position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// The message as Go formats it, e.g. `template: t/templates/t.yaml:1:10: executing
    /// "t/templates/t.yaml" at <.Values.a.b>: nil pointer evaluating interface {}.b`.
    pub message: String,
    /// The template name where the error happened.
    pub template: String,
    /// 1-based line in that template.
    pub line: u32,
    /// 1-based column in that template.
    pub column: u32,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TemplateError {}

/// A set of parsed templates sharing one namespace.
#[derive(Default)]
pub struct Templates {}

impl Templates {
    /// An empty set.
    #[must_use]
    pub fn new() -> Self {
        Templates {}
    }

    /// Parses `text` as the template `name` and adds its `define`s to the set (a later
    /// non-empty definition replaces an earlier one, as in Go).
    ///
    /// # Errors
    ///
    /// Go's parse error.
    pub fn parse(&mut self, name: &str, text: &str) -> Result<(), TemplateError> {
        let _ = text;
        Err(TemplateError {
            message: "template engine not built yet".into(),
            template: name.into(),
            line: 1,
            column: 1,
        })
    }

    /// Whether a template of that name exists.
    #[must_use]
    pub fn contains(&self, name: &str) -> bool {
        let _ = name;
        false
    }

    /// Executes template `name` with `dot`, returning the output with the origin of each
    /// of its lines. The output still contains `<no value>` where Go prints it; Helm's
    /// removal of it is the caller's.
    ///
    /// # Errors
    ///
    /// Go's execution error.
    pub fn execute(
        &self,
        name: &str,
        dot: Value,
        opts: &mut ExecOptions,
    ) -> Result<Str, TemplateError> {
        let _ = (dot, opts);
        Err(TemplateError {
            message: "template engine not built yet".into(),
            template: name.into(),
            line: 1,
            column: 1,
        })
    }
}
