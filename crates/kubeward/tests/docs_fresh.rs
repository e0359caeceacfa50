//! `docs/policies/` is generated from the policy files and `policies/peers.yaml`; these
//! tests keep the committed pages fresh (`KUBEWARD_BLESS=1 cargo test -p kubeward --test
//! docs_fresh` rewrites them) and the aliases of the policies free of typos.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use kubeward::builtin_policies;
use kubeward::docs::{self, Coverage, Peers};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn peers() -> Peers {
    Peers::builtin().unwrap_or_else(|e| panic!("{}:{}:{}: {}", e.file, e.line, e.column, e.message))
}

fn pages() -> BTreeMap<String, String> {
    docs::render_all(builtin_policies(), &peers())
        .unwrap_or_else(|e| panic!("policy files do not read: {e:#?}"))
        .into_iter()
        .collect()
}

fn bless() -> bool {
    std::env::var_os("KUBEWARD_BLESS").is_some()
}

/// Compares (or, when blessing, writes) the generated pages whose name `keep` selects, and
/// reports the committed `.md` files of `docs/policies/` that `keep` selects but nothing
/// generates (removed when blessing).
fn check(keep: fn(&str) -> bool) {
    let dir = root().join(docs::DOCS_DIR);
    let fresh: BTreeMap<String, String> = pages()
        .into_iter()
        .filter(|(path, _)| keep(path.rsplit('/').next().unwrap_or_default()))
        .collect();
    if bless() {
        std::fs::create_dir_all(&dir).unwrap();
    }
    let mut stale = Vec::new();
    for (path, text) in &fresh {
        let file = root().join(path);
        if bless() && std::fs::read_to_string(&file).ok().as_ref() != Some(text) {
            std::fs::write(&file, text).unwrap();
        }
        if std::fs::read_to_string(&file).ok().as_ref() != Some(text) {
            stale.push(path.clone());
        }
    }
    let generated: BTreeSet<&str> = fresh.keys().map(String::as_str).collect();
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = format!("{}/{name}", docs::DOCS_DIR);
        if name.ends_with(".md") && keep(&name) && !generated.contains(path.as_str()) {
            if bless() {
                std::fs::remove_file(entry.path()).unwrap();
            } else {
                stale.push(format!("{path} (no policy has this id any more)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated docs:\n  {}\nrun `{}`",
        stale.join("\n  "),
        docs::REGENERATE
    );
}

#[test]
fn policy_pages_and_index_are_fresh() {
    check(|name| name != "crosswalk.md");
}

#[test]
fn crosswalk_is_fresh() {
    check(|name| name == "crosswalk.md");
}

#[test]
fn peers_file_reads_and_ids_are_unique() {
    let peers = peers();
    assert!(!peers.tools.is_empty());
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for tool in &peers.tools {
        assert!(!tool.checks.is_empty(), "{} lists no check", tool.tool);
        for check in &tool.checks {
            assert!(
                !check.meaning.trim().is_empty(),
                "{} {}: no meaning",
                tool.tool,
                check.id
            );
            // A plain alias must name one check of one tool.
            if let Some(other) = seen.insert(&check.id, &tool.tool) {
                panic!(
                    "`{}` is a check of both {other} and {}: aliases could not tell them apart",
                    check.id, tool.tool
                );
            }
        }
    }
}

#[test]
fn checkov_and_trivy_aliases_exist_in_peers() {
    let policies = docs::parse_all(builtin_policies()).unwrap();
    let unknown = peers().unknown_aliases(&policies);
    assert!(
        unknown.is_empty(),
        "aliases that are not checks of {}:\n  {}",
        docs::PEERS_FILE,
        unknown
            .iter()
            .map(|(id, alias, why)| format!("{id}: `{alias}`: {why}"))
            .collect::<Vec<_>>()
            .join("\n  ")
    );
}

#[test]
fn every_peer_check_is_covered_not_applicable_or_missing() {
    let policies = docs::parse_all(builtin_policies()).unwrap();
    for tool in docs::coverage(&policies, &peers()) {
        assert_eq!(
            tool.covered + tool.not_applicable + tool.missing,
            tool.total,
            "{}",
            tool.tool
        );
        for (check, c) in &tool.checks {
            if let Coverage::Covered(ids) = c {
                for id in ids {
                    assert!(policies.iter().any(|p| &p.id == id), "{}: {id}", check.id);
                }
            }
        }
    }
}

#[test]
fn every_policy_page_shows_its_parts() {
    let pages = pages();
    for doc in docs::parse_all(builtin_policies()).unwrap() {
        let page = &pages[&format!("{}/{}.md", docs::DOCS_DIR, doc.id)];
        assert!(page.starts_with(&format!("# {}: ", doc.id)), "{page}");
        for heading in ["## What it checks", "## Suppressing"] {
            assert!(page.contains(heading), "{}: no {heading}", doc.id);
        }
        for example in doc.examples.fail.iter().chain(&doc.examples.pass) {
            if !example.name.is_empty() {
                assert!(page.contains(&example.name), "{}: {}", doc.id, example.name);
            }
        }
        for name in doc.parameters.keys() {
            assert!(page.contains(&format!("`{name}`")), "{}: {name}", doc.id);
        }
        assert!(
            pages[&format!("{}/README.md", docs::DOCS_DIR)]
                .contains(&format!("[{0}]({0}.md)", doc.id)),
            "{} is not in the index",
            doc.id
        );
    }
}
