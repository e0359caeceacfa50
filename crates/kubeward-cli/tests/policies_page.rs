//! `kubeward policies ID` prints the policy's page of `docs/policies/`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::process::Command;

use kubeward::builtin_policies;
use kubeward::docs::{self, Peers};

fn policies(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kubeward"))
        .arg("policies")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn every_builtin_page_is_the_docs_page() {
    let peers = Peers::builtin().unwrap();
    let docs = docs::parse_all(builtin_policies()).unwrap();
    assert!(!docs.is_empty());
    for doc in &docs {
        let (code, stdout) = policies(&[&doc.id]);
        assert_eq!(code, 0, "{}", doc.id);
        assert_eq!(stdout, docs::policy_page(doc, &peers), "{}", doc.id);
    }
}

#[test]
fn an_alias_finds_the_page() {
    let docs = docs::parse_all(builtin_policies()).unwrap();
    // An alias of one policy only.
    let unique = docs.iter().find_map(|d| {
        d.aliases
            .iter()
            .find(|a| {
                docs.iter()
                    .filter(|o| o.aliases.iter().any(|b| b.eq_ignore_ascii_case(a)))
                    .count()
                    == 1
            })
            .map(|a| (d, a))
    });
    let Some((doc, alias)) = unique else {
        return;
    };
    let (code, stdout) = policies(&[&alias.to_ascii_lowercase()]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with(&format!("# {}: ", doc.id)), "{stdout}");
}
