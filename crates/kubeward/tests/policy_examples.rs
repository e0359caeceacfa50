//! Every built-in policy's examples hold, and the built-in policy files are well formed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kubeward::{builtin_policies, Engine, EngineOptions, Expectation};

fn all() -> Engine {
    Engine::new(EngineOptions {
        packs: vec!["all".to_string()],
        ..EngineOptions::default()
    })
    .unwrap_or_else(|e| panic!("built-in policies do not load: {e:#?}"))
}

#[test]
fn every_builtin_example_holds() {
    let results = all().test_examples();
    assert!(!results.is_empty());
    let failed: Vec<String> = results
        .iter()
        .filter(|r| !r.ok)
        .map(|r| {
            format!(
                "{} {} ({}:{}): {}",
                r.policy, r.name, r.file, r.line, r.message
            )
        })
        .collect();
    assert!(
        failed.is_empty(),
        "{} example(s) failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

#[test]
fn every_builtin_policy_has_pass_and_fail_examples() {
    let results = all().test_examples();
    for rule in all().rules() {
        let mine: Vec<_> = results.iter().filter(|r| r.policy == rule.id).collect();
        assert!(
            mine.iter().any(|r| r.expect == Expectation::Pass),
            "{} has no passing example",
            rule.id
        );
        assert!(
            mine.iter().any(|r| r.expect == Expectation::Fail),
            "{} has no failing example",
            rule.id
        );
    }
}

#[test]
fn builtin_file_names_start_with_their_id() {
    let engine = all();
    assert_eq!(engine.rules().len(), builtin_policies().len());
    for rule in engine.rules() {
        let (path, _) = builtin_policies()
            .iter()
            .find(|(_, text)| text.lines().any(|l| l == format!("id: {}", rule.id)))
            .unwrap_or_else(|| panic!("no file for {}", rule.id));
        let name = path.rsplit('/').next().unwrap_or_default();
        assert!(
            name.starts_with(&format!("{}-", rule.id)),
            "{path} does not start with {}",
            rule.id
        );
        assert!(path.starts_with("policies/"), "{path}");
    }
}
