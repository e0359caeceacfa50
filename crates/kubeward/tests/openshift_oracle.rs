//! OpenShift SCC admission against OpenShift's own code: `tests/openshift/expected.json`
//! holds what `github.com/openshift/apiserver-library-go` decides (written by
//! `tests/scc-oracle/build.sh`) for every Pod Security fixture (`../shared/conformance/pss`
//! beside the checkout, or `KUBEWARD_PSS_FIXTURES`) and every case of
//! `tests/openshift/cases`, each under every SCC of KW-OCP-001's `sccs` parameter.
//!
//! For each case (identical files are one case; every copy is evaluated), the library must
//! give the same SCCs that admit the pod, in the same admission order, the same first and
//! least privileged SCC, and the same fields that restricted-v2 refuses; and KW-OCP-001
//! must report the pod exactly when restricted-v2 refuses it (and it is not a Windows pod),
//! also when the pod is the template of a Deployment, StatefulSet, DaemonSet, ReplicaSet,
//! Job, CronJob, ReplicationController, DeploymentConfig or PodTemplate.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use kubeward::openshift::{self, Allocation, SccSet};
use kubeward::{load, Engine, EngineOptions, Scan};
use serde_json::Value as Json;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn pss_fixtures() -> Option<PathBuf> {
    match std::env::var_os("KUBEWARD_PSS_FIXTURES") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            assert!(
                dir.is_dir(),
                "KUBEWARD_PSS_FIXTURES={} is not a folder",
                dir.display()
            );
            Some(dir)
        }
        None => {
            let dir = repo().join("../shared/conformance/pss");
            dir.is_dir().then_some(dir)
        }
    }
}

fn shout(text: &str) {
    let _ = std::io::stderr().write_all(text.as_bytes());
}

fn yaml_json(text: &str) -> Vec<Json> {
    kubeward::yaml::decode(text.as_bytes())
        .documents
        .iter()
        .map(|d| d.root.to_json())
        .collect()
}

/// Every `*.yaml` under `dir`, as paths relative to it (`/`-separated), sorted.
fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml") {
                let rel = p
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

struct Params {
    sccs: SccSet,
    uid: String,
    mcs: String,
    safe: Vec<String>,
}

fn params() -> Params {
    let text = std::fs::read_to_string(
        repo().join("policies/openshift/KW-OCP-001-needs-more-than-restricted-v2.yaml"),
    )
    .unwrap();
    let policy = yaml_json(&text).remove(0);
    let p = &policy["parameters"];
    Params {
        sccs: SccSet::from_json(&p["sccs"]["default"]).unwrap(),
        uid: p["namespaceDefaults"]["default"]["uidRange"]
            .as_str()
            .unwrap()
            .to_string(),
        mcs: p["namespaceDefaults"]["default"]["mcs"]
            .as_str()
            .unwrap()
            .to_string(),
        safe: p["safeSysctls"]["default"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect(),
    }
}

/// What the library says about one file; `Err` names a difference from `want`.
/// The pod wrapped into each workload kind that has a pod template.
fn wrappings(pod: &Json) -> Vec<(&'static str, Json)> {
    let meta = &pod["metadata"];
    let mut outer = serde_json::json!({"name": meta["name"]});
    if let Some(ns) = meta.get("namespace") {
        outer["namespace"] = ns.clone();
    }
    let mut tmeta = serde_json::json!({"labels": {"app": "x"}});
    if let Some(a) = meta.get("annotations") {
        tmeta["annotations"] = a.clone();
    }
    let template = serde_json::json!({"metadata": tmeta, "spec": pod["spec"]});
    let selector = serde_json::json!({"matchLabels": {"app": "x"}});
    let with = |api: &str, kind: &str, spec: Json| serde_json::json!({"apiVersion": api, "kind": kind, "metadata": outer, "spec": spec});
    vec![
        (
            "Deployment",
            with(
                "apps/v1",
                "Deployment",
                serde_json::json!({"selector": selector, "template": template}),
            ),
        ),
        (
            "StatefulSet",
            with(
                "apps/v1",
                "StatefulSet",
                serde_json::json!({"selector": selector, "serviceName": "x", "template": template}),
            ),
        ),
        (
            "DaemonSet",
            with(
                "apps/v1",
                "DaemonSet",
                serde_json::json!({"selector": selector, "template": template}),
            ),
        ),
        (
            "ReplicaSet",
            with(
                "apps/v1",
                "ReplicaSet",
                serde_json::json!({"selector": selector, "template": template}),
            ),
        ),
        (
            "Job",
            with("batch/v1", "Job", serde_json::json!({"template": template})),
        ),
        (
            "CronJob",
            with(
                "batch/v1",
                "CronJob",
                serde_json::json!({"schedule": "@hourly", "jobTemplate": {"spec": {"template": template}}}),
            ),
        ),
        (
            "ReplicationController",
            with(
                "v1",
                "ReplicationController",
                serde_json::json!({"selector": {"app": "x"}, "template": template}),
            ),
        ),
        (
            "DeploymentConfig",
            with(
                "apps.openshift.io/v1",
                "DeploymentConfig",
                serde_json::json!({"selector": {"app": "x"}, "template": template}),
            ),
        ),
        (
            "PodTemplate",
            serde_json::json!({"apiVersion": "v1", "kind": "PodTemplate", "metadata": outer, "template": template}),
        ),
    ]
}

fn check(
    params: &Params,
    engine: &Engine,
    name: &str,
    text: &str,
    want: &Json,
    wrap: bool,
) -> Result<(), String> {
    let docs = yaml_json(text);
    let pod = docs.iter().find(|d| d["kind"] == "Pod").ok_or("no Pod")?;
    let ns = docs.iter().find(|d| d["kind"] == "Namespace");
    let ann = |k: &str| {
        ns.and_then(|n| n["metadata"]["annotations"][k].as_str())
            .map(str::to_string)
    };
    let alloc = Allocation::from_annotations(
        Some(&ann("openshift.io/sa.scc.uid-range").unwrap_or_else(|| params.uid.clone())),
        Some(&ann("openshift.io/sa.scc.mcs").unwrap_or_else(|| params.mcs.clone())),
        ann("openshift.io/sa.scc.supplemental-groups").as_deref(),
    );
    let spec = &pod["spec"];
    let meta = &pod["metadata"];
    let got = openshift::admission(&params.sccs, &alloc, spec, meta, &params.safe);
    let strings = |v: &Json| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut diffs = Vec::new();
    if got.admits != strings(&want["admits"]) {
        diffs.push(format!(
            "admits {:?}, OpenShift {}",
            got.admits, want["admits"]
        ));
    }
    let opt = |v: &Json| v.as_str().filter(|s| !s.is_empty()).map(str::to_string);
    if got.first != opt(&want["first"]) {
        diffs.push(format!(
            "first {:?}, OpenShift {}",
            got.first, want["first"]
        ));
    }
    if got.least_privileged != opt(&want["leastPrivileged"]) {
        diffs.push(format!(
            "least privileged {:?}, OpenShift {}",
            got.least_privileged, want["leastPrivileged"]
        ));
    }
    let v2 = params.sccs.get("restricted-v2").ok_or("no restricted-v2")?;
    let refused: BTreeSet<String> = openshift::refusals(v2, &alloc, spec, meta, &params.safe)
        .into_iter()
        .map(|r| r.field)
        .collect();
    let want_refused: BTreeSet<String> =
        strings(&want["restrictedV2Refuses"]).into_iter().collect();
    if refused != want_refused {
        diffs.push(format!(
            "restricted-v2 refuses {refused:?}, OpenShift {want_refused:?}"
        ));
    }
    // the policy, through the engine
    let file = load(name, text.as_bytes(), 0);
    let findings = engine.evaluate(&Scan { files: vec![file] });
    let reported = findings.iter().any(|f| f.policy == "KW-OCP-001");
    let windows = want["windows"].as_bool().unwrap_or(false);
    let expected = !want_refused.is_empty() && !windows;
    if reported != expected {
        diffs.push(format!(
            "KW-OCP-001 {} but restricted-v2 {}",
            if reported { "reports it" } else { "is silent" },
            if want_refused.is_empty() {
                "admits it"
            } else {
                "refuses it"
            }
        ));
    }
    // the same pod in every workload shape (each distinct pod once)
    if wrap {
        for (kind, wrapped) in wrappings(pod) {
            let mut docs: Vec<String> = ns.iter().map(|n| n.to_string()).collect();
            docs.push(wrapped.to_string());
            let text = docs.join("\n---\n");
            let file = load(name, text.as_bytes(), 0);
            let findings = engine.evaluate(&Scan { files: vec![file] });
            if findings.iter().any(|f| f.policy == "KW-OCP-001") != expected {
                diffs.push(format!(
                    "KW-OCP-001 on the pod as a {kind} differs from the Pod"
                ));
            }
        }
    }
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(diffs.join("; "))
    }
}

#[test]
fn scc_admission_matches_openshift() {
    let expected: Json = serde_json::from_str(
        &std::fs::read_to_string(repo().join("tests/openshift/expected.json")).unwrap(),
    )
    .unwrap();
    let params = params();
    let order: Vec<String> = params
        .sccs
        .admission_order()
        .iter()
        .map(|s| s.name().to_string())
        .collect();
    let want_order: Vec<String> = expected["order"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    assert_eq!(order, want_order, "admission order");
    let engine = Engine::new(EngineOptions {
        packs: vec!["openshift".to_string()],
        ..EngineOptions::default()
    })
    .unwrap();

    let cases: BTreeMap<String, &Json> = expected["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["case"].as_str().unwrap().to_string(), c))
        .collect();
    let mut roots: Vec<(&str, PathBuf)> = vec![("openshift", repo().join("tests/openshift/cases"))];
    match pss_fixtures() {
        Some(dir) => roots.push(("pss", dir)),
        None => shout(
            "\n!! WARNING: the Pod Security fixtures are missing (../shared/conformance/pss or \
             KUBEWARD_PSS_FIXTURES): only the OpenShift cases are compared\n\n",
        ),
    }
    let (mut files, mut distinct, mut failures) = (0usize, BTreeSet::new(), Vec::new());
    for (prefix, dir) in &roots {
        // identical files are one case of the oracle, named by the first of them
        let mut first_of: BTreeMap<String, String> = BTreeMap::new();
        for rel in walk(dir) {
            let text = std::fs::read_to_string(dir.join(&rel)).unwrap();
            let name = format!("{prefix}/{rel}");
            let case = first_of.entry(text.clone()).or_insert(name.clone()).clone();
            let Some(want) = cases.get(&case) else {
                failures.push(format!(
                    "{name}: not in expected.json (rerun tests/scc-oracle/build.sh)"
                ));
                continue;
            };
            files += 1;
            let wrap = distinct.insert(case.clone());
            if let Err(e) = check(&params, &engine, &name, &text, want, wrap) {
                failures.push(format!("{name}: {e}"));
            }
        }
    }
    shout(&format!(
        "OpenShift SCC oracle: {files} files ({} distinct pods, each also in 9 workload kinds) x {} SCCs, {} differences\n",
        distinct.len(),
        order.len(),
        failures.len()
    ));
    assert!(
        failures.is_empty(),
        "{} of {files} files differ from OpenShift:\n{}",
        failures.len(),
        failures
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
