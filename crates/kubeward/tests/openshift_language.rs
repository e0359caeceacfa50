//! The `sccRefuses` condition of the policy language: a user policy with its own SCCs, the
//! namespace's annotations, and load errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kubeward::{load, Engine, EngineOptions, ErrorEntry, Finding, Scan};

const SCCS: &str = r#"[{metadata: {name: tight}, runAsUser: {type: MustRunAsRange},
  seLinuxContext: {type: MustRunAs}, requiredDropCapabilities: [ALL],
  allowPrivilegeEscalation: false, seccompProfiles: [runtime/default], volumes: [secret]},
 {metadata: {name: loose}, runAsUser: {type: RunAsAny}, seLinuxContext: {type: RunAsAny},
  allowHostNetwork: true, allowHostPorts: true, volumes: ['*']}]"#;

fn policy(view: &str, scc: &str) -> String {
    policy_with(view, scc, "")
}

fn policy_with(view: &str, scc: &str, more: &str) -> String {
    format!(
        "id: T-1\ntitle: test\nseverity: low\ncategory: test\ndocs: {{why: w, fix: f}}\n\
         target: {{view: {view}}}\nmessage: \"{{{{reason}}}} / {{{{scc}}}}\"\n\
         parameters:\n  sccs: {{default: {}}}\n\
         rule:\n  deny:\n    sccRefuses: {{scc: {scc}, sccs: {{param: sccs}}{more}}}\n",
        SCCS.replace('\n', " ")
    )
}

fn engine(text: &str) -> Result<Engine, Vec<ErrorEntry>> {
    Engine::new(EngineOptions {
        packs: vec!["none".to_string()],
        policy_files: vec![("t.yaml".to_string(), text.to_string())],
        ..EngineOptions::default()
    })
}

fn run(manifest: &str) -> Vec<Finding> {
    run_with("", manifest)
}

fn run_with(more: &str, manifest: &str) -> Vec<Finding> {
    let e = engine(&policy_with("podSpec", "tight", more)).unwrap_or_else(|e| panic!("{e:#?}"));
    let file = load("m.yaml", manifest.as_bytes(), 0);
    e.evaluate(&Scan { files: vec![file] })
}

#[test]
fn refused_fields_are_findings_at_their_lines() {
    let defaults = ", namespaceDefaults: {uidRange: 1000/10, mcs: 's0:c1,c2'}";
    let f = run_with(defaults, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  \
                 volumes:\n    - name: data\n      emptyDir: {}\n  containers:\n    - name: a\n      \
                 image: x\n");
    let lines: Vec<u32> = f.iter().map(|f| f.region.line).collect();
    assert_eq!(lines, vec![5, 8], "{f:#?}");
    assert!(
        f[0].message
            .contains("hostNetwork: Host network is not allowed"),
        "{}",
        f[0].message
    );
    assert!(
        f[1].message.contains("emptyDir volumes are not allowed"),
        "{}",
        f[1].message
    );
    assert!(f.iter().all(|f| f.message.ends_with("/ loose")), "{f:#?}");
}

#[test]
fn the_namespace_in_the_scan_gives_the_uid_range() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n  \
               containers:\n    - name: a\n      image: x\n      securityContext: {runAsUser: 5000}\n";
    // no Namespace and no defaults: the SCC cannot take a range from anywhere
    let f = run(pod);
    assert!(
        f.iter()
            .any(|f| f.message.contains("openshift.io/sa.scc.uid-range")),
        "{f:#?}"
    );
    assert_eq!(f[0].region.line, 3);
    let ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations:\n    \
              openshift.io/sa.scc.uid-range: 5000/10\n    openshift.io/sa.scc.mcs: 's0:c1,c2'\n---\n";
    assert!(run(&format!("{ns}{pod}")).is_empty());
    let other = ns.replace("5000/10", "6000-6009");
    let f = run(&format!("{other}{pod}"));
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(
        f[0].message.contains("must be in the ranges: [6000, 6009]"),
        "{}",
        f[0].message
    );
    assert_eq!(f[0].region.line, 16);
}

#[test]
fn load_errors_name_the_problem() {
    let errs = engine(&policy("podSpec", "missing")).unwrap_err();
    assert!(
        errs[0].message.contains("no SCC named `missing`"),
        "{errs:#?}"
    );
    let errs = engine(&policy("resource", "tight")).unwrap_err();
    assert!(
        errs[0].message.contains("podSpec or container view"),
        "{errs:#?}"
    );
    let errs =
        engine(&policy("podSpec", "tight").replace("MustRunAsRange", "Sometimes")).unwrap_err();
    assert!(
        errs[0]
            .message
            .contains("unknown runAsUser strategy `Sometimes`"),
        "{errs:#?}"
    );
}
