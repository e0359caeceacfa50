//! Property: a suppression removes exactly the findings it names, and every removed
//! finding is kept in `suppressed` (annotations on the resource, config exemptions).

use std::collections::BTreeSet;

use kubeward::{
    load, Date, Engine, EngineOptions, Exemption, Finding, Pattern, Report, Scan, Suppressions,
};
use proptest::prelude::*;

/// Policies the generated pods can violate.
const POLICIES: &[&str] = &[
    "KW-SEC-001",
    "KW-SEC-004",
    "KW-SEC-005",
    "KW-SEC-006",
    "KW-SEC-008",
    "KW-SEC-009",
];

#[derive(Debug, Clone)]
struct PodPlan {
    privileged: bool,
    host_network: bool,
    root: bool,
    host_path: bool,
    capability: bool,
    /// Policies silenced by annotations on this pod.
    annotated: Vec<&'static str>,
}

fn pod_plan() -> impl Strategy<Value = PodPlan> {
    (
        any::<[bool; 5]>(),
        prop::sample::subsequence(POLICIES, 0..=3),
    )
        .prop_map(|(f, annotated)| PodPlan {
            privileged: f[0],
            host_network: f[1],
            root: f[2],
            host_path: f[3],
            capability: f[4],
            annotated,
        })
}

fn manifest(pods: &[PodPlan], annotate: bool) -> String {
    let mut out = String::new();
    for (i, p) in pods.iter().enumerate() {
        out.push_str(&format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-{i}\n"
        ));
        if annotate && !p.annotated.is_empty() {
            out.push_str("  annotations:\n");
            for id in &p.annotated {
                out.push_str(&format!(
                    "    ignore.kubeward.io/{id}: accepted for the test\n"
                ));
            }
        }
        out.push_str("spec:\n");
        if p.host_network {
            out.push_str("  hostNetwork: true\n");
        }
        out.push_str("  containers:\n    - name: app\n      image: registry.example.com/app:1\n      securityContext:\n");
        out.push_str(&format!("        privileged: {}\n", p.privileged));
        out.push_str(&format!(
            "        runAsUser: {}\n",
            if p.root { 0 } else { 1000 }
        ));
        if p.capability {
            out.push_str("        capabilities: {add: [NET_ADMIN]}\n");
        }
        if p.host_path {
            out.push_str("  volumes:\n    - name: h\n      hostPath: {path: /etc}\n");
        }
    }
    out
}

/// Identity of a finding that does not depend on line numbers.
fn key(f: &Finding) -> (String, String, Option<String>, String) {
    (
        f.policy.clone(),
        f.resource.name.clone(),
        f.container.clone(),
        f.path.clone(),
    )
}

fn report(engine: &Engine, text: &str, exemptions: Vec<Exemption>) -> Report {
    let scan = Scan {
        files: vec![load("pods.yaml", text.as_bytes(), 0)],
    };
    let findings = engine.evaluate(&scan);
    let today = Date::new(2026, 1, 1).unwrap_or_else(Date::today_utc);
    Report::build(&scan, findings, &Suppressions::new(exemptions, today))
}

fn exemption(policy: &str, name: &str) -> Option<Exemption> {
    Some(Exemption {
        policy: Some(Pattern::new(policy).ok()?),
        kind: None,
        namespace: None,
        name: Some(Pattern::new(name).ok()?),
        file: None,
        reason: "accepted for the test".into(),
        expires: None,
        source: ".kubeward.yaml".into(),
        line: 1,
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn suppressions_remove_exactly_what_they_name(
        pods in prop::collection::vec(pod_plan(), 1..5),
        exempt in prop::collection::vec((prop::sample::select(POLICIES), 0usize..5), 0..4),
    ) {
        let engine = Engine::new(EngineOptions::default()).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let baseline = report(&engine, &manifest(&pods, false), Vec::new());
        prop_assert!(baseline.suppressed.is_empty());

        let exemptions: Vec<Exemption> = exempt.iter().filter_map(|(p, i)| exemption(p, &format!("pod-{i}"))).collect();
        let silenced = report(&engine, &manifest(&pods, true), exemptions);

        let named = |f: &Finding| {
            let index: usize = f.resource.name.trim_start_matches("pod-").parse().unwrap_or(usize::MAX);
            let annotated = pods.get(index).is_some_and(|p| p.annotated.contains(&f.policy.as_str()));
            let exempted = exempt.iter().any(|(p, i)| *p == f.policy && *i == index);
            annotated || exempted
        };
        let expect_active: BTreeSet<_> = baseline.findings.iter().filter(|f| !named(f)).map(key).collect();
        let expect_suppressed: BTreeSet<_> = baseline.findings.iter().filter(|f| named(f)).map(key).collect();
        let active: BTreeSet<_> = silenced.findings.iter().map(key).collect();
        let suppressed: BTreeSet<_> = silenced.suppressed.iter().map(|s| key(&s.finding)).collect();
        prop_assert_eq!(active, expect_active);
        prop_assert_eq!(suppressed, expect_suppressed);
        prop_assert!(silenced.suppressed.iter().all(|s| !s.reason.is_empty()));
        prop_assert_eq!(silenced.summary.findings, silenced.findings.len());
    }
}
