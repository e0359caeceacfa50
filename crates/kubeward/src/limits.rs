//! [`Limits`]: every bound on what one scan may read, decode, render and evaluate, in one
//! place, so that hostile input stops with an error naming the limit in bounded time and
//! memory. The defaults match Kubernetes' and Helm's own limits, or are tighter; each is
//! listed with its source in `docs/limits.md`.
//!
//! A limit is named as the configuration knows it (`max-depth`); an input that breaks one
//! is an error whose message ends with `(limit NAME=VALUE)`.

use std::fmt;

/// The bounds a [`crate::Scanner`] applies. Build it with [`Limits::default`], then
/// [`Limits::set`] or [`Limits::from_pairs`] for the ones a user raises or lowers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    values: [u64; COUNT],
}

/// What one limit is: its name, default, the largest value it may be set to, what it
/// bounds and the Kubernetes or Helm value it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitInfo {
    /// Name as used in configuration (`max-depth`).
    pub name: &'static str,
    /// Default value.
    pub default: u64,
    /// Largest accepted value (above it, other parts of the scanner are no longer
    /// protected, such as the stack depth of recursive code).
    pub max: u64,
    /// The unit of the value (`bytes`, `levels`...).
    pub unit: &'static str,
    /// What it bounds.
    pub bounds: &'static str,
    /// The Kubernetes or Helm value it matches, or why it is tighter.
    pub reference: &'static str,
}

/// A name or value that [`Limits::set`] refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LimitError {
    /// No limit has this name.
    #[error("unknown limit `{0}`: run `kubeward limits` for the list")]
    Unknown(String),
    /// The value is not a whole number in range.
    #[error("limit `{name}`: {reason}")]
    Value {
        /// The limit.
        name: String,
        /// Why the value is refused.
        reason: String,
    },
}

const MIB: u64 = 1 << 20;

/// Template calls nested deeper than this overflow an 8 MiB stack in debug builds, whose
/// frames are about four times larger than in release builds.
const TEMPLATE_DEPTH: u64 = if cfg!(debug_assertions) { 600 } else { 1100 };

macro_rules! limits {
    ($( $(#[$doc:meta])* $idx:ident $getter:ident = ($name:literal, $default:expr, $max:expr, $unit:literal, $bounds:literal, $reference:literal); )*) => {
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        #[derive(Clone, Copy)]
        enum Idx { $($idx,)* }
        /// Every limit, in documentation order.
        pub const LIMITS: &[LimitInfo] = &[
            $(LimitInfo { name: $name, default: $default, max: $max, unit: $unit, bounds: $bounds, reference: $reference },)*
        ];
        const COUNT: usize = [$(Idx::$idx,)*].len();
        impl Limits {
            $(
                $(#[$doc])*
                #[must_use]
                pub fn $getter(&self) -> u64 {
                    self.values[Idx::$idx as usize]
                }
            )*
        }
    };
}

limits! {
    /// `max-input-bytes`: bytes of one input (file, standard input, text, policy file).
    INPUT max_input_bytes = ("max-input-bytes", 64 * MIB, 1 << 40, "bytes",
        "bytes of one input: manifest file, standard input, text given to the library, policy file, values file",
        "kubectl reads a file of any size and sends it object by object, each under the API server's 3 MiB request limit (apiserver `MaxRequestBodyBytes`); real bundles exceed 3 MiB (prometheus-operator's CRDs render to 4.5 MB), so a file may hold 64 MiB");
    /// `max-documents`: YAML or JSON documents in one input.
    DOCUMENTS max_documents = ("max-documents", 10_000, 1 << 32, "documents",
        "documents (`---`-separated YAML or concatenated JSON) in one input, chart output included",
        "kubectl has none; 10 000 objects is far beyond any real bundle, and bounds the per-document work");
    /// `max-depth`: nesting of mappings and sequences.
    DEPTH max_depth = ("max-depth", 10_000, 10_000, "levels",
        "nesting depth of mappings and sequences in a document",
        "10 000: go-yaml v2's and Go encoding/json's depth limit (the decoders behind kubectl); cannot be raised");
    /// `max-flow-depth`: nesting of YAML flow collections.
    FLOW max_flow_depth = ("max-flow-depth", 64, 10_000, "levels",
        "nesting depth of YAML flow collections (`[…]`, `{…}`) in a YAML document; JSON input is bounded by max-depth only",
        "Kubernetes allows 10 000 (max-depth); tighter, as libyaml's scanner takes time growing with the square of this depth (a 3 MiB `[[[[…` file would take minutes); serde-saphyr's default is 255");
    /// `max-keys`: keys of one mapping.
    KEYS max_keys = ("max-keys", 10_000, 1 << 32, "keys",
        "keys in one mapping",
        "Kubernetes has none; tighter, as no object field or map (labels, data) needs more");
    /// `max-scalar-bytes`: bytes of one scalar.
    SCALAR max_scalar_bytes = ("max-scalar-bytes", MIB, 1 << 40, "bytes",
        "bytes of one scalar (string) of a decoded document",
        "1 MiB: the largest Secret or ConfigMap the API server accepts (`MaxSecretSize`)");
    /// `max-alias-nodes`: nodes created by expanding aliases in one document.
    ALIAS_NODES max_alias_nodes = ("max-alias-nodes", 100_000, 1 << 40, "nodes",
        "nodes created by expanding aliases (`*a`) in one document; go-yaml v2's alias ratio (\"document contains excessive aliasing\") applies as well",
        "go-yaml v2 (sigs.k8s.io/yaml) refuses aliases making over 99 % of 400 000 decode steps, falling to 10 % at 4 000 000; tighter, as an absolute bound");
    /// `max-alias-bytes`: scalar bytes copied by aliases in one document.
    ALIAS_BYTES max_alias_bytes = ("max-alias-bytes", 3 * MIB, 1 << 40, "bytes",
        "bytes of scalars copied by expanding aliases in one document (few aliases of one large string)",
        "3 MiB: an expanded object larger than this could not be sent to the API server (`MaxRequestBodyBytes`)");
    /// `max-include-depth`: nested `include`s of one template name.
    INCLUDE max_include_depth = ("max-include-depth", 1000, 1000, "calls",
        "nested `include`s of one template name",
        "1 000: Helm's recursion limit for `include` (\"rendering template has a nested reference name\"); cannot be raised");
    /// `max-template-depth`: nested template calls and control structures.
    TEMPLATE_DEPTH_ max_template_depth = ("max-template-depth", TEMPLATE_DEPTH, TEMPLATE_DEPTH, "levels",
        "nested template calls (`template`, `include`, `tpl`) and control structures (`if`, `with`, `range`) together",
        "Go's text/template allows 100 000 nested calls; tighter, to keep within an 8 MiB stack (1 100; 600 in debug builds); cannot be raised");
    /// `max-template-steps`: evaluation steps of one chart render.
    STEPS max_template_steps = ("max-template-steps", 10_000_000, 1 << 40, "steps",
        "evaluation steps (actions, commands, range iterations) of one template execution",
        "Helm has none (a template may loop forever); 10 000 000 steps render any real chart");
    /// `max-render-bytes`: bytes one template execution may write.
    RENDER max_render_bytes = ("max-render-bytes", 16 * MIB, 1 << 40, "bytes",
        "bytes written by one template execution",
        "Helm has none; a chart's output is sent to the API server object by object (3 MiB each)");
    /// `max-template-values`: value nodes printed, serialised, copied or compared.
    VALUES max_template_values = ("max-template-values", 2_000_000, 1 << 40, "nodes",
        "value nodes printed, serialised, copied or compared by one template execution (shared structure makes these exponential otherwise)",
        "Helm has none");
    /// `max-string-bytes`: the longest string a template function may build.
    STRING max_string_bytes = ("max-string-bytes", 16 * MIB, 1 << 40, "bytes",
        "bytes of one string built by a template function (`repeat`, `indent`, `join`, `print`...)",
        "Helm has none; Go strings are unbounded");
    /// `max-list-len`: the longest list a template function may build.
    LIST max_list_len = ("max-list-len", 1 << 20, 1 << 40, "items",
        "items of one list built by a template function (`until`, `untilStep`, `seq`...)",
        "Helm has none");
    /// `max-chart-bytes`: decompressed bytes of one chart.
    CHART_BYTES max_chart_bytes = ("max-chart-bytes", 100 * MIB, 1 << 40, "bytes",
        "decompressed bytes of one chart, subchart archives included",
        "100 MiB: Helm's `MaxDecompressedChartSize`");
    /// `max-chart-file-bytes`: bytes of one file of a chart.
    CHART_FILE max_chart_file_bytes = ("max-chart-file-bytes", 5 * MIB, 1 << 40, "bytes",
        "bytes of one file of a chart",
        "5 MiB: Helm's `MaxDecompressedFileSize`");
    /// `max-chart-files`: files of one chart.
    CHART_FILES max_chart_files = ("max-chart-files", 20_000, 1 << 32, "files",
        "files of one chart or chart archive",
        "Helm has none; tighter");
    /// `max-regex-bytes`: length of one regular expression of a policy.
    REGEX_BYTES max_regex_bytes = ("max-regex-bytes", 4096, 1 << 20, "bytes",
        "length of one regular expression (`matches`, `notMatches`) in a policy",
        "Kubernetes' validation regexes are fixed; 4 KiB is ample for an allow-list of registries");
    /// `max-regex-size`: compiled size of one regular expression of a policy.
    REGEX_SIZE max_regex_size = ("max-regex-size", MIB, 1 << 30, "bytes",
        "compiled size of one regular expression in a policy (the regex crate's `size_limit` and `dfa_size_limit`; `a{1000}{1000}` exceeds it)",
        "the regex crate defaults to 10 MiB and 2 MiB; tighter. Matching is linear in the input: no backtracking blowup exists");
    /// `max-relation-checks`: candidate evaluations of relations per scan.
    RELATION max_relation_checks = ("max-relation-checks", 1_000_000, 1 << 40, "checks",
        "candidate resources examined by relations (`related`: a Service selecting no pod...) in one scan",
        "Kubernetes has none; bounds services × pods fan-out");
}

impl Default for Limits {
    fn default() -> Self {
        let mut values = [0; COUNT];
        for (slot, info) in values.iter_mut().zip(LIMITS) {
            *slot = info.default;
        }
        Limits { values }
    }
}

impl Limits {
    /// What each limit is, with its default.
    #[must_use]
    pub fn describe() -> &'static [LimitInfo] {
        LIMITS
    }

    /// The value of the limit `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<u64> {
        let i = LIMITS.iter().position(|l| l.name == name)?;
        self.values.get(i).copied()
    }

    /// Sets the limit `name`.
    ///
    /// # Errors
    ///
    /// No limit has this name, or the value is 0 or above the limit's largest value.
    pub fn set(&mut self, name: &str, value: u64) -> Result<(), LimitError> {
        let Some(i) = LIMITS.iter().position(|l| l.name == name) else {
            return Err(LimitError::Unknown(name.to_string()));
        };
        let info = LIMITS[i];
        if value == 0 || value > info.max {
            return Err(LimitError::Value {
                name: name.to_string(),
                reason: format!("{value} is out of range: 1 to {}", info.max),
            });
        }
        if let Some(slot) = self.values.get_mut(i) {
            *slot = value;
        }
        Ok(())
    }

    /// [`Limits::set`] with the value as text (`3145728`, `3MiB`, `64KiB`, `1_000`).
    ///
    /// # Errors
    ///
    /// As [`Limits::set`], or the text is not a number.
    pub fn set_text(&mut self, name: &str, value: &str) -> Result<(), LimitError> {
        let number = parse_value(value).ok_or_else(|| LimitError::Value {
            name: name.to_string(),
            reason: format!(
                "`{value}` is not a whole number (a number, optionally with KiB, MiB or GiB)"
            ),
        })?;
        self.set(name, number)
    }

    /// The defaults with `pairs` applied, in order.
    ///
    /// # Errors
    ///
    /// The first pair [`Limits::set`] refuses.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, u64)>,
    ) -> Result<Limits, LimitError> {
        let mut limits = Limits::default();
        for (name, value) in pairs {
            limits.set(name, value)?;
        }
        Ok(limits)
    }

    /// Parses `NAME=VALUE` (the CLI's `--limit`) and applies it.
    ///
    /// # Errors
    ///
    /// No `=`, or as [`Limits::set_text`].
    pub fn apply_assignment(&mut self, assignment: &str) -> Result<(), LimitError> {
        let Some((name, value)) = assignment.split_once('=') else {
            return Err(LimitError::Value {
                name: assignment.to_string(),
                reason: "expected NAME=VALUE".to_string(),
            });
        };
        self.set_text(name.trim(), value.trim())
    }

    /// The bounds of YAML and JSON decoding.
    #[must_use]
    pub fn decode(&self) -> kubeward_yaml::DecodeLimits {
        kubeward_yaml::DecodeLimits {
            max_depth: to_usize(self.max_depth()),
            max_flow_depth: to_usize(self.max_flow_depth()),
            max_documents: to_usize(self.max_documents()),
            max_keys: to_usize(self.max_keys()),
            max_scalar_bytes: to_usize(self.max_scalar_bytes()),
            max_alias_nodes: self.max_alias_nodes(),
            max_alias_bytes: self.max_alias_bytes(),
        }
    }

    /// The bounds of one template execution.
    #[must_use]
    pub fn template(&self) -> kubeward_helm::template::Limits {
        kubeward_helm::template::Limits {
            max_include_depth: to_usize(self.max_include_depth()),
            max_exec_depth: to_usize(self.max_template_depth()),
            max_steps: self.max_template_steps(),
            max_output_bytes: to_usize(self.max_render_bytes()),
            max_value_nodes: self.max_template_values(),
            max_string_bytes: to_usize(self.max_string_bytes()),
            max_list_len: to_usize(self.max_list_len()),
        }
    }

    /// The bounds of chart loading.
    #[must_use]
    pub fn chart_load(&self) -> kubeward_helm::chart::LoadLimits {
        kubeward_helm::chart::LoadLimits {
            max_total_bytes: self.max_chart_bytes(),
            max_file_bytes: self.max_chart_file_bytes(),
            max_files: to_usize(self.max_chart_files()),
        }
    }

    /// The error for an input over [`Limits::max_input_bytes`], or `None`.
    #[must_use]
    pub fn check_input_len(&self, len: u64) -> Option<String> {
        let max = self.max_input_bytes();
        (len > max).then(|| {
            format!(
                "input of {len} bytes is larger than {max} bytes {}",
                suffix("max-input-bytes", max)
            )
        })
    }
}

impl fmt::Display for Limits {
    /// One `name=value` per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (info, value) in LIMITS.iter().zip(self.values) {
            writeln!(f, "{}={value}", info.name)?;
        }
        Ok(())
    }
}

/// `(limit NAME=VALUE)`, the end of every message of a broken limit.
#[must_use]
pub(crate) fn suffix(name: &str, value: u64) -> String {
    format!("(limit {name}={value})")
}

fn to_usize(v: u64) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

/// `1000`, `1_000`, `3MiB`, `64 KiB`, `1GiB`.
fn parse_value(text: &str) -> Option<u64> {
    let text: String = text.chars().filter(|c| *c != '_' && *c != ' ').collect();
    let (digits, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => text.split_at(i),
        None => (text.as_str(), ""),
    };
    let n: u64 = digits.parse().ok()?;
    let factor: u64 = match unit.to_ascii_lowercase().as_str() {
        "" => 1,
        "kib" | "ki" | "k" => 1 << 10,
        "mib" | "mi" | "m" => 1 << 20,
        "gib" | "gi" | "g" => 1 << 30,
        _ => return None,
    };
    n.checked_mul(factor)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn names_are_unique_and_defaults_within_range() {
        let mut names: Vec<&str> = LIMITS.iter().map(|l| l.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), LIMITS.len());
        for l in LIMITS {
            assert!(l.default >= 1 && l.default <= l.max, "{}", l.name);
        }
    }

    #[test]
    fn kubernetes_values() {
        let l = Limits::default();
        // apiserver MaxRequestBodyBytes = 3 * 1024 * 1024 bounds what an alias expands to.
        assert_eq!(l.max_alias_bytes(), 3_145_728);
        // go-yaml v2 and encoding/json: 10000.
        assert_eq!(l.max_depth(), 10_000);
        // Helm's include recursion limit: 1000.
        assert_eq!(l.max_include_depth(), 1000);
        // Helm's MaxDecompressedChartSize / MaxDecompressedFileSize.
        assert_eq!(l.max_chart_bytes(), 100 * 1024 * 1024);
        assert_eq!(l.max_chart_file_bytes(), 5 * 1024 * 1024);
    }

    #[test]
    fn set_checks_names_and_ranges() {
        let mut l = Limits::default();
        l.set("max-keys", 5).unwrap();
        assert_eq!(l.max_keys(), 5);
        assert_eq!(l.get("max-keys"), Some(5));
        assert!(matches!(l.set("max-kees", 5), Err(LimitError::Unknown(_))));
        assert!(l.set("max-depth", 10_001).is_err());
        assert!(l.set("max-depth", 0).is_err());
        l.apply_assignment("max-input-bytes=8MiB").unwrap();
        assert_eq!(l.max_input_bytes(), 8 << 20);
        assert!(l.apply_assignment("max-input-bytes").is_err());
        assert!(l.apply_assignment("max-input-bytes=lots").is_err());
        let l = Limits::from_pairs([("max-documents", 3)]).unwrap();
        assert_eq!(l.max_documents(), 3);
    }
}
