//! Go's `text/template`: lexer, parser, executor and `fmt`-style printing, with Helm's
//! `include` and `tpl`.
//!
//! All templates of a chart tree share one namespace ([`Templates`]), as in Helm: every file
//! is a template named by its path (`mychart/templates/deploy.yaml`), and `define`s are
//! visible everywhere.

use std::collections::HashMap;
use std::rc::Rc;

use crate::funcs::FuncCtx;
use crate::value::{Str, Value};

mod builtins;
mod exec;
pub mod fmt;
mod lex;
mod parse;

/// Bounds on one execution, so hostile templates stop with an error in bounded time and
/// memory.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Nested uses of one template name through `include` (Helm: 1 000).
    pub max_include_depth: usize,
    /// Nested template calls (`template`, `include`, `tpl`) and control structures (`if`,
    /// `with`, `range`) together. Go allows 100 000 template calls; the bound here keeps
    /// the Rust stack within 8 MiB: 1 100 in release builds (so Helm's own limit of 1 000
    /// nested `include`s of one name fires first, with Helm's message), 600 in debug
    /// builds, whose frames are about four times larger.
    pub max_exec_depth: usize,
    /// Evaluation steps (actions, commands, range iterations) per execution.
    pub max_steps: u64,
    /// Bytes of output per execution.
    pub max_output_bytes: usize,
    /// Value nodes visited by printing, serialising, copying and comparing values, per
    /// execution (shared structure makes these exponential otherwise).
    pub max_value_nodes: u64,
    /// The longest string a function may build, in bytes (copied to
    /// [`FuncCtx::max_string_bytes`] when the execution starts).
    pub max_string_bytes: usize,
    /// The longest list a function may build (copied to [`FuncCtx::max_list_len`]).
    pub max_list_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_include_depth: 1000,
            max_exec_depth: if cfg!(debug_assertions) { 600 } else { 1100 },
            max_steps: 10_000_000,
            max_output_bytes: 16 << 20,
            max_value_nodes: 2_000_000,
            max_string_bytes: 16 << 20,
            max_list_len: 1 << 20,
        }
    }
}

/// Options of executions. The step and output limits apply to all the executions that
/// share one `ExecOptions` (a chart's templates together).
#[derive(Debug, Clone, Default)]
pub struct ExecOptions {
    /// `missingkey=error` (Helm's `--strict`); Helm's default is `missingkey=zero`.
    pub missing_key_error: bool,
    /// The limits.
    pub limits: Limits,
    /// State handed to functions.
    pub funcs: FuncCtx,
    /// Steps taken by the executions so far.
    pub steps_used: u64,
    /// Bytes written by the executions so far.
    pub output_used: usize,
}

/// Which phase produced a [`TemplateError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Parsing (`template: NAME:LINE: msg`).
    Parse,
    /// Execution (`template: NAME:LINE:COL: executing "NAME" at <...>: msg`).
    Exec,
}

/// A parse or execution error, with Go's message and the template position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// The message as Go formats it, e.g. `template: t/templates/t.yaml:1:10: executing
    /// "t/templates/t.yaml" at <.Values.a.b>: nil pointer evaluating interface {}.b`.
    pub message: String,
    /// The template source where the (innermost) error happened.
    pub template: String,
    /// 1-based line in that template.
    pub line: u32,
    /// 1-based column in that template (1 for parse errors, which Go reports by line).
    pub column: u32,
    /// Parse or execution.
    pub kind: ErrorKind,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TemplateError {}

impl TemplateError {
    /// The message Helm prints for this error when rendering `filename`
    /// (`engine.go`: `cleanupParseError` / `cleanupExecError`): `parse error at
    /// (file:line): msg`, or `execution error at (file:line:col): msg` for `required` and
    /// `fail`, or Go's message unchanged.
    #[must_use]
    pub fn helm_message(&self, filename: &str) -> String {
        match self.kind {
            ErrorKind::Parse => {
                let tokens: Vec<&str> = self.message.split(": ").collect();
                if tokens.len() == 1 {
                    return format!("parse error in ({filename}): {}", self.message);
                }
                let location = tokens.get(1).copied().unwrap_or("");
                let msg = tokens.last().copied().unwrap_or("");
                format!("parse error at ({location}): {msg}")
            }
            ErrorKind::Exec => {
                let tokens: Vec<&str> = self.message.splitn(3, ": ").collect();
                if tokens.len() != 3 {
                    return format!("execution error in ({filename}): {}", self.message);
                }
                let rest = tokens[2];
                if let Some(a) = rest.find(WARN_START) {
                    if let Some(b) = rest.rfind(WARN_END) {
                        if b >= a + WARN_START.len() {
                            return format!(
                                "execution error at ({}): {}",
                                tokens[1],
                                &rest[a + WARN_START.len()..b]
                            );
                        }
                    }
                }
                self.message.clone()
            }
        }
    }
}

/// Helm's markers around `required`/`fail` messages.
pub(crate) const WARN_START: &str = "HELM_ERR_START";
/// See [`WARN_START`].
pub(crate) const WARN_END: &str = "HELM_ERR_END";

/// A set of parsed templates sharing one namespace.
#[derive(Default)]
pub struct Templates {
    trees: HashMap<Rc<str>, Rc<parse::Tree>>,
}

impl Templates {
    /// An empty set.
    #[must_use]
    pub fn new() -> Self {
        Templates::default()
    }

    /// Parses `text` as the template `name` and adds its `define`s to the set (a later
    /// non-empty definition replaces an earlier one, as in Go). On error the set is
    /// unchanged.
    ///
    /// # Errors
    ///
    /// Go's parse error.
    pub fn parse(&mut self, name: &str, text: &str) -> Result<(), TemplateError> {
        let parsed = parse::parse(name, text).map_err(|e| TemplateError {
            message: e.message,
            template: name.to_string(),
            line: e.line,
            column: 1,
            kind: ErrorKind::Parse,
        })?;
        for tree in parsed.trees {
            if tree.is_empty() && self.trees.contains_key(&*tree.name) {
                continue;
            }
            self.trees.insert(tree.name.clone(), Rc::new(tree));
        }
        Ok(())
    }

    /// Whether a template of that name exists.
    #[must_use]
    pub fn contains(&self, name: &str) -> bool {
        self.trees.contains_key(name)
    }

    /// The names of the templates, sorted.
    #[must_use]
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.trees.keys().map(|k| k.to_string()).collect();
        v.sort();
        v
    }

    /// Executes template `name` with `dot`, returning the output with the origin of each
    /// of its lines. The output still contains `<no value>` where Go prints it; Helm's
    /// removal of it is the caller's ([`strip_no_value`]).
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
        let Some(tree) = self.trees.get(name).cloned() else {
            return Err(TemplateError {
                message: format!(
                    "template: no template {} associated with template {}",
                    fmt::go_quote(name),
                    fmt::go_quote(exec::ROOT_NAME)
                ),
                template: name.to_string(),
                line: 1,
                column: 1,
                kind: ErrorKind::Exec,
            });
        };
        crate::value::budget::reset(opts.limits.max_value_nodes);
        opts.funcs.max_string_bytes = opts.limits.max_string_bytes;
        opts.funcs.max_list_len = opts.limits.max_list_len;
        let (steps, out_total) = (opts.steps_used, opts.output_used);
        let mut sh = exec::Shared {
            set: self,
            overlays: Vec::new(),
            opts,
            include_counts: HashMap::new(),
            steps,
            depth: 0,
            out_total,
            err_loc: None,
        };
        let mut out = exec::Out::new();
        let dot = match dot {
            Value::Nil => Value::Invalid,
            other => other,
        };
        let result = exec::run(&mut sh, &tree, dot, &mut out);
        let (steps, out_total) = (sh.steps, sh.out_total);
        let err_loc = sh.err_loc.take();
        opts.steps_used = steps;
        opts.output_used = out_total;
        match result {
            Ok(()) => Ok(out.into_str()),
            Err(message) => {
                let (template, line, column) = match err_loc {
                    Some((t, l, c)) => (t.to_string(), l, c + 1),
                    None => (name.to_string(), 1, 1),
                };
                Err(TemplateError {
                    message,
                    template,
                    line,
                    column,
                    kind: ErrorKind::Exec,
                })
            }
        }
    }
}

/// Helm's removal of every `<no value>` from a rendered file, keeping the line origins
/// (the removal never changes the number of lines).
#[must_use]
pub fn strip_no_value(s: &Str) -> Str {
    if !s.as_str().contains("<no value>") {
        return s.clone();
    }
    let text = s.as_str().replace("<no value>", "");
    match s.origins() {
        Some(o) => Str::with_origins(text, o.to_vec()),
        None => Str::new(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn source_map_points_into_included_templates_and_values() {
        let mut set = Templates::new();
        let helpers = "{{ define \"x\" }}\nname: a\n  port: 1\n{{- end }}";
        assert!(set.parse("c/templates/_helpers.tpl", helpers).is_ok());
        let main = "kind: A\nmeta:\n{{ include \"x\" . }}\nuser: {{ .Values.sc.user }}\n";
        assert!(set.parse("c/templates/a.yaml", main).is_ok());
        let mut sc = BTreeMap::new();
        sc.insert("user".to_string(), Value::Int(7));
        let mut vals = BTreeMap::new();
        vals.insert("sc".to_string(), Value::map(sc));
        let mut top = BTreeMap::new();
        top.insert("Values".to_string(), Value::map(vals));
        let mut opts = ExecOptions::default();
        let out = set.execute("c/templates/a.yaml", Value::map(top), &mut opts);
        let Ok(out) = out else {
            unreachable!("render failed");
        };
        assert_eq!(
            out.as_str(),
            "kind: A\nmeta:\n\nname: a\n  port: 1\nuser: 7\n"
        );
        let origins = out.origins().unwrap_or(&[]);
        let pos = |i: usize| {
            origins
                .get(i)
                .cloned()
                .flatten()
                .map(|o| (o.template.to_string(), o.line, o.column, o.values_path))
        };
        assert_eq!(pos(0), Some(("c/templates/a.yaml".into(), 1, 1, None)));
        assert_eq!(
            pos(3),
            Some(("c/templates/_helpers.tpl".into(), 2, 1, None))
        );
        assert_eq!(
            pos(4),
            Some(("c/templates/_helpers.tpl".into(), 3, 3, None))
        );
        assert_eq!(
            pos(5),
            Some((
                "c/templates/a.yaml".into(),
                4,
                1,
                Some(std::sync::Arc::from("sc.user"))
            ))
        );
        assert_eq!(origins.get(5).cloned().flatten().map(|o| o.line), Some(4));
    }

    #[test]
    fn values_path_is_recorded_for_actions() {
        let mut set = Templates::new();
        assert!(set.parse("u", "{{ printf \"%v\" $.Values.a.b }}").is_ok());
        let mut a = BTreeMap::new();
        a.insert("b".to_string(), Value::Int(1));
        let mut vals = BTreeMap::new();
        vals.insert("a".to_string(), Value::map(a));
        let mut top = BTreeMap::new();
        top.insert("Values".to_string(), Value::map(vals));
        let mut opts = ExecOptions::default();
        let Ok(out) = set.execute("u", Value::map(top), &mut opts) else {
            unreachable!("render failed");
        };
        let vp = out
            .origins()
            .and_then(|o| o.first().cloned().flatten())
            .and_then(|o| o.values_path);
        assert_eq!(vp.as_deref(), Some("a.b"));
    }
}
