//! The project config file, `.kubeward.yaml`.
//!
//! ```yaml
//! packs: [pss-restricted, hardening]   # built-in packs (default: the default set)
//! policies: [policies/]                # extra policy files or folders, relative to this file
//! failOn: high                         # critical | high | medium | low | info | never
//! pssVersion: v1.30                    # or latest
//! parameters:                          # policy parameters
//!   allowedRegistries: [registry.example.com]
//! exemptions:
//!   - policy: KW-SEC-001               # globs: * ? [a-z] {a,b}; ** across folders in `file`
//!     kind: DaemonSet
//!     namespace: kube-system
//!     name: "cilium-*"
//!     file: "deploy/**"
//!     reason: the CNI agent needs privileges to program the node's network
//!     expires: 2026-06-30              # optional; the last day it applies
//! ```
//!
//! Unknown keys are errors (a typo must not silently drop an exemption or a setting).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::report::{ErrorEntry, FailOn};
use crate::suppress::{Date, Exemption, Pattern};

/// The default config file name, looked up in the current folder.
pub const CONFIG_FILE: &str = ".kubeward.yaml";

/// Settings from a config file. Command-line flags override them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// Built-in packs to apply (`None`: not set).
    pub packs: Option<Vec<String>>,
    /// Extra policy files or folders, as written (relative to the config file's folder).
    pub policies: Option<Vec<String>>,
    /// Lowest severity that fails the run.
    pub fail_on: Option<FailOn>,
    /// Pod Security Standards version (`v1.30`, `latest`).
    pub pss_version: Option<String>,
    /// Policy parameters.
    pub parameters: BTreeMap<String, serde_json::Value>,
    /// Exemptions, in file order.
    pub exemptions: Vec<Exemption>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawConfig {
    packs: Option<Vec<String>>,
    policies: Option<Vec<String>>,
    fail_on: Option<Spanned<String>>,
    pss_version: Option<String>,
    #[serde(default)]
    parameters: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    exemptions: Vec<Spanned<RawExemption>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExemption {
    policy: Option<Spanned<String>>,
    kind: Option<Spanned<String>>,
    namespace: Option<Spanned<String>>,
    name: Option<Spanned<String>>,
    file: Option<Spanned<String>>,
    reason: Option<String>,
    expires: Option<Spanned<String>>,
}

fn line_col<T>(spanned: &Spanned<T>) -> (u32, u32) {
    let at = spanned.referenced;
    (
        u32::try_from(at.line()).unwrap_or(u32::MAX),
        u32::try_from(at.column()).unwrap_or(u32::MAX),
    )
}

impl Config {
    /// Parses the text of a config file; `name` is used in error locations and in the
    /// `suppressedBy` of findings its exemptions silence.
    ///
    /// # Errors
    /// Every problem found, with its line and column: invalid YAML, unknown or misspelt keys,
    /// wrong types, invalid globs or dates, exemptions without a reason or a selector.
    pub fn parse(name: &str, text: &str) -> Result<Config, Vec<ErrorEntry>> {
        let error = |(line, column): (u32, u32), message: String| ErrorEntry {
            file: name.to_string(),
            line,
            column,
            message,
        };
        let raw: RawConfig = serde_saphyr::from_str(text).map_err(|e| {
            let at = e.location().map_or((0, 0), |l| {
                (
                    u32::try_from(l.line()).unwrap_or(u32::MAX),
                    u32::try_from(l.column()).unwrap_or(u32::MAX),
                )
            });
            let plain = e.without_snippet().to_string();
            let message = match plain.rfind(" at line ") {
                Some(i) if at.0 > 0 => plain[..i].to_string(),
                _ => plain,
            };
            vec![error(at, format!("invalid config: {message}"))]
        })?;

        let mut errors = Vec::new();
        let fail_on = raw.fail_on.and_then(|s| match s.value.parse::<FailOn>() {
            Ok(f) => Some(f),
            Err(message) => {
                errors.push(error(line_col(&s), format!("failOn: {message}")));
                None
            }
        });

        let mut exemptions = Vec::new();
        for (i, spanned) in raw.exemptions.iter().enumerate() {
            let at = line_col(spanned);
            let label = format!("exemption #{}", i + 1);
            let e = &spanned.value;
            let mut pattern = |field: &str, value: &Option<Spanned<String>>| {
                value.as_ref().and_then(|v| match Pattern::new(&v.value) {
                    Ok(p) => Some(p),
                    Err(message) => {
                        errors.push(error(line_col(v), format!("{label}: {field}: {message}")));
                        None
                    }
                })
            };
            let exemption = Exemption {
                policy: pattern("policy", &e.policy),
                kind: pattern("kind", &e.kind),
                namespace: pattern("namespace", &e.namespace),
                name: pattern("name", &e.name),
                file: pattern("file", &e.file),
                reason: e.reason.as_deref().unwrap_or_default().trim().to_string(),
                expires: None,
                source: name.to_string(),
                line: at.0,
            };
            let expires = e.expires.as_ref().and_then(|d| {
                let date = Date::parse(d.value.trim());
                if date.is_none() {
                    errors.push(error(
                        line_col(d),
                        format!(
                            "{label}: expires: `{}` is not a date: write it as YYYY-MM-DD",
                            d.value
                        ),
                    ));
                }
                date
            });
            if exemption.reason.is_empty() {
                errors.push(error(
                    at,
                    format!("{label} has no reason, so it is refused: add `reason:` saying why the findings are accepted"),
                ));
            }
            let selectors = [&e.policy, &e.kind, &e.namespace, &e.name, &e.file];
            if selectors.iter().all(|s| s.is_none()) {
                errors.push(error(
                    at,
                    format!(
                        "{label} selects nothing, so it would silence every finding: give at least one of \
                         policy, kind, namespace, name, file"
                    ),
                ));
            }
            exemptions.push(Exemption {
                expires,
                ..exemption
            });
        }

        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Config {
            packs: raw.packs,
            policies: raw.policies,
            fail_on,
            pss_version: raw.pss_version,
            parameters: raw.parameters,
            exemptions,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::report::Severity;

    #[test]
    fn parses_every_setting() {
        let text = "\
packs: [pss-restricted]
policies: [own/]
failOn: high
pssVersion: v1.30
parameters:
  allowedRegistries: [registry.example.com]
exemptions:
  - policy: KW-SEC-*
    namespace: kube-system
    reason: the CNI agent needs it
    expires: 2026-06-30
  - {file: \"vendor/**\", reason: not ours}
";
        let config = Config::parse(".kubeward.yaml", text).unwrap();
        assert_eq!(config.packs, Some(vec!["pss-restricted".to_string()]));
        assert_eq!(config.policies, Some(vec!["own/".to_string()]));
        assert_eq!(config.fail_on, Some(FailOn::Severity(Severity::High)));
        assert_eq!(config.pss_version.as_deref(), Some("v1.30"));
        assert_eq!(
            config.parameters["allowedRegistries"],
            serde_json::json!(["registry.example.com"])
        );
        assert_eq!(config.exemptions.len(), 2);
        let first = &config.exemptions[0];
        assert_eq!(first.line, 8);
        assert_eq!(first.reason, "the CNI agent needs it");
        assert_eq!(first.expires, Date::parse("2026-06-30"));
        assert!(first.policy.as_ref().unwrap().matches("KW-SEC-001"));
        assert_eq!(config.exemptions[1].line, 12);
        assert!(config.exemptions[1]
            .file
            .as_ref()
            .unwrap()
            .matches("vendor/a/b.yaml"));
    }

    #[test]
    fn empty_config_is_fine() {
        assert_eq!(Config::parse("c.yaml", "").unwrap(), Config::default());
        assert_eq!(
            Config::parse("c.yaml", "# nothing yet\n").unwrap(),
            Config::default()
        );
    }

    #[test]
    fn unknown_keys_are_errors_with_their_location() {
        let errors = Config::parse(".kubeward.yaml", "packs: [a]\nfailon: high\n").unwrap_err();
        assert_eq!((errors[0].line, errors[0].column), (2, 1));
        assert!(
            errors[0].message.contains("unknown field `failon`"),
            "{}",
            errors[0].message
        );
        assert!(
            errors[0].message.contains("failOn"),
            "names the right key: {}",
            errors[0].message
        );

        let errors =
            Config::parse("c.yaml", "exemptions:\n  - policy: X\n    reasn: typo\n").unwrap_err();
        assert_eq!((errors[0].line, errors[0].column), (3, 5));
    }

    #[test]
    fn invalid_values_are_errors_with_their_location() {
        let text = "\
failOn: severe
exemptions:
  - policy: \"a[\"
    reason: r
    expires: 2024-02-30
  - kind: Pod
  - reason: everything
";
        let errors = Config::parse("c.yaml", text).unwrap_err();
        let got: Vec<(u32, u32, &str)> = errors
            .iter()
            .map(|e| (e.line, e.column, e.message.as_str()))
            .collect();
        assert_eq!(got.len(), 5, "{got:#?}");
        assert_eq!((got[0].0, got[0].1), (1, 9));
        assert!(got[0].2.contains("not a severity"));
        assert_eq!((got[1].0, got[1].1), (3, 13));
        assert!(got[1].2.contains("invalid glob"));
        assert_eq!((got[2].0, got[2].1), (5, 14));
        assert!(got[2].2.contains("YYYY-MM-DD"));
        assert_eq!(got[3].0, 6);
        assert!(got[3].2.contains("has no reason"));
        assert_eq!(got[4].0, 7);
        assert!(got[4].2.contains("selects nothing"));
    }

    #[test]
    fn wrong_types_are_errors() {
        let errors = Config::parse("c.yaml", "packs: 3\n").unwrap_err();
        assert_eq!((errors[0].line, errors[0].column), (1, 8));
        assert!(errors[0].message.starts_with("invalid config: "));
    }
}
