//! `kubeward policies`.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use kubeward::{builtin_policies, docs, Engine, EngineOptions, RuleInfo};

use crate::inputs;
use crate::term;

/// Output formats of `kubeward policies`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ListFormat {
    /// A table, or the Markdown page of one policy (as in docs/policies/)
    Text,
    /// JSON: an array of policies, or one policy
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct PoliciesArgs {
    /// Policy id (or an alias such as CKV_K8S_16 or a Pod Security check name) to explain
    #[arg(value_name = "ID")]
    id: Option<String>,

    /// Only the policies of this built-in pack (repeatable) [default: all built-in policies]
    #[arg(long = "pack", value_name = "NAME")]
    packs: Vec<String>,

    /// Also list the policies of this file or folder (repeatable)
    #[arg(long = "policy", value_name = "PATH")]
    policies: Vec<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    format: ListFormat,
}

/// Builds an engine with `packs` (default: `all`) and the policy files under `paths`; prints
/// the errors and returns `None` when anything fails to load.
pub(crate) fn engine(packs: Vec<String>, paths: &[PathBuf]) -> Option<Engine> {
    load(packs, paths).map(|(engine, _)| engine)
}

/// [`engine`], with the policy files read from `paths` as `(name, text)`.
fn load(packs: Vec<String>, paths: &[PathBuf]) -> Option<(Engine, Vec<(String, String)>)> {
    let (policy_files, mut errors) = inputs::read_policy_files(paths);
    let engine = Engine::new(EngineOptions {
        packs: if packs.is_empty() {
            vec!["all".to_string()]
        } else {
            packs
        },
        policy_files: policy_files.clone(),
        ..EngineOptions::default()
    })
    .map_err(|e| errors.extend(e))
    .ok();
    for e in &errors {
        term::error_entry(e);
    }
    engine
        .filter(|_| errors.is_empty())
        .map(|engine| (engine, policy_files))
}

fn packs(r: &RuleInfo) -> String {
    if r.packs.is_empty() {
        "-".to_string()
    } else {
        r.packs.join(", ")
    }
}

fn table(rules: &[RuleInfo]) -> String {
    let width = |f: fn(&RuleInfo) -> usize, head: &str| {
        rules.iter().map(f).chain([head.len()]).max().unwrap_or(0)
    };
    let id_w = width(|r| r.id.len(), "ID");
    let sev_w = width(|r| r.severity.as_str().len(), "SEVERITY");
    let title_w = width(|r| r.title.chars().count(), "TITLE");
    let mut out = format!(
        "{:id_w$}  {:sev_w$}  {:title_w$}  PACKS\n",
        "ID", "SEVERITY", "TITLE"
    );
    for r in rules {
        let line = format!(
            "{:id_w$}  {:sev_w$}  {:title_w$}  {}",
            r.id,
            r.severity.as_str(),
            r.title,
            packs(r)
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let _ = writeln!(
        out,
        "\n{} policies. `kubeward policies ID` explains one.",
        rules.len()
    );
    out
}

/// The page of `rule`, as in `docs/policies/<ID>.md`: rendered from its policy file (one of
/// `files`, else a built-in one) by the same code as the generated docs.
fn page(rule: &RuleInfo, files: &[(String, String)]) -> Result<String, String> {
    let peers = docs::Peers::builtin().map_err(|e| e.message)?;
    let user = files.iter().map(|(f, t)| (f.as_str(), t.as_str()));
    for (file, text) in user.chain(builtin_policies().iter().copied()) {
        if !text.contains(rule.id.as_str()) {
            continue;
        }
        if let Ok(doc) = docs::PolicyDoc::parse(file, text) {
            if doc.id == rule.id {
                return Ok(docs::policy_page(&doc, &peers));
            }
        }
    }
    Err(format!("no policy file defines `{}`", rule.id))
}

/// The rule `wanted` names: its id (any case) or one of its aliases.
fn find<'a>(rules: &'a [RuleInfo], wanted: &str) -> Option<&'a RuleInfo> {
    rules
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(wanted))
        .or_else(|| {
            rules
                .iter()
                .find(|r| r.aliases.iter().any(|a| a.eq_ignore_ascii_case(wanted)))
        })
}

pub(crate) fn run(args: PoliciesArgs) -> u8 {
    let Some((engine, files)) = load(args.packs, &args.policies) else {
        return 2;
    };
    let rules = engine.rules();
    let text = match &args.id {
        None => match args.format {
            ListFormat::Text => table(&rules),
            ListFormat::Json => serde_json::to_string_pretty(&rules).unwrap_or_default() + "\n",
        },
        Some(wanted) => {
            let Some(rule) = find(&rules, wanted) else {
                let close: Vec<&str> = rules
                    .iter()
                    .filter(|r| {
                        r.id.to_ascii_lowercase()
                            .contains(&wanted.to_ascii_lowercase())
                    })
                    .map(|r| r.id.as_str())
                    .collect();
                let hint = if close.is_empty() {
                    String::new()
                } else {
                    format!(" (did you mean {}?)", close.join(", "))
                };
                term::error(&format!(
                    "no policy has the id or alias `{wanted}`{hint}: `kubeward policies` lists them"
                ));
                return 2;
            };
            match args.format {
                ListFormat::Text => match page(rule, &files) {
                    Ok(page) => page,
                    Err(message) => {
                        term::error(&message);
                        return 2;
                    }
                },
                ListFormat::Json => serde_json::to_string_pretty(rule).unwrap_or_default() + "\n",
            }
        }
    };
    print!("{text}");
    0
}
