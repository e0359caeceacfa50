//! The engine: findings' regions and paths, relations across files, options, order.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use kubeward::{load, Engine, EngineOptions, Finding, Scan, Severity};

fn default_engine() -> Engine {
    Engine::new(EngineOptions::default()).unwrap_or_else(|e| panic!("{e:#?}"))
}

fn only(packs: &[&str]) -> EngineOptions {
    EngineOptions {
        packs: packs.iter().map(|p| (*p).to_string()).collect(),
        ..EngineOptions::default()
    }
}

fn scan(files: &[(&str, &str)]) -> Scan {
    Scan {
        files: files
            .iter()
            .enumerate()
            .map(|(i, (name, text))| load(name, text.as_bytes(), i))
            .collect(),
    }
}

fn of<'a>(findings: &'a [Finding], policy: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.policy == policy).collect()
}

/// The DESIGN.md example: `      privileged: true` on line 11 is blamed from column 7 (where
/// the key starts) to column 23 (just past `true`).
const POD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: nginx:1.27
    imagePullPolicy: Always
    securityContext:
      privileged: true
";

#[test]
fn privileged_true_on_line_11_is_blamed_from_column_7_to_23() {
    let findings = default_engine().evaluate(&scan(&[("deploy/app.yaml", POD)]));
    let f = of(&findings, "KW-SEC-001");
    assert_eq!(f.len(), 1);
    let f = f[0];
    assert_eq!(
        (
            f.region.line,
            f.region.column,
            f.region.end_line,
            f.region.end_column
        ),
        (11, 7, 11, 23)
    );
    let line_start = POD.match_indices('\n').nth(9).unwrap().0 + 1;
    assert_eq!(
        f.offsets,
        (line_start + 6, line_start + 6 + "privileged: true".len())
    );
    assert_eq!(f.path, "/spec/containers/0/securityContext/privileged");
    assert_eq!(f.file, "deploy/app.yaml");
    assert_eq!(f.container.as_deref(), Some("app"));
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(f.title, "Container runs privileged");
    assert!(f.aliases.contains(&"CKV_K8S_16".to_string()));
    assert_eq!(f.resource.kind, "Pod");
    assert_eq!(f.resource.name, "web");
    assert_eq!(f.resource.document, 0);
    assert!(
        f.message.contains("app") && f.message.contains("privileged"),
        "{}",
        f.message
    );
}

#[test]
fn a_missing_security_context_blames_the_container_item() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n";
    let findings = default_engine().evaluate(&scan(&[("p.yaml", pod)]));
    for id in ["KW-SEC-007", "KW-SEC-008"] {
        let f = of(&findings, id);
        assert_eq!(f.len(), 1, "{id}");
        let f = f[0];
        // The item: from its `-` (DESIGN.md) to the end of `nginx:1.27`.
        assert_eq!(
            (
                f.region.line,
                f.region.column,
                f.region.end_line,
                f.region.end_column
            ),
            (7, 3, 8, 22),
            "{id}"
        );
        assert_eq!(f.path, "/spec/containers/0");
        assert!(
            f.message.contains("is not set") || f.message.contains("neither"),
            "{id}: {}",
            f.message
        );
    }
    let f = of(&findings, "KW-SEC-007")[0];
    assert!(
        f.message.contains(
            "`securityContext.runAsNonRoot` is set neither on the container nor on the pod"
        ),
        "{}",
        f.message
    );
}

#[test]
fn a_security_context_without_the_field_is_blamed_from_its_key() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx\n    securityContext:\n      readOnlyRootFilesystem: true\n";
    let findings = default_engine().evaluate(&scan(&[("p.yaml", pod)]));
    let f = of(&findings, "KW-SEC-008")[0];
    assert_eq!(
        (
            f.region.line,
            f.region.column,
            f.region.end_line,
            f.region.end_column
        ),
        (9, 5, 10, 35)
    );
    assert_eq!(f.path, "/spec/containers/0/securityContext");
}

#[test]
fn list_items_get_document_pointers() {
    let list = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n  spec:\n    hostPID: true\n    containers: [{name: c, image: i}]\n";
    let findings = default_engine().evaluate(&scan(&[("l.yaml", list)]));
    let f = of(&findings, "KW-SEC-002");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].path, "/items/0/spec/hostPID");
    assert_eq!((f[0].region.line, f[0].region.column), (8, 5));
}

const SERVICE: &str = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec:\n  selector:\n    app: web\n  ports: [{port: 80, targetPort: 8080}]\n";
const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop, labels: {app: other}}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata:\n      labels: {app: web, version: v1}\n    spec:\n      containers: [{name: app, image: nginx}]\n";

#[test]
fn a_service_selecting_a_workload_of_another_file_is_fine() {
    let e = default_engine();
    let findings = e.evaluate(&scan(&[("svc.yaml", SERVICE), ("deploy.yaml", DEPLOYMENT)]));
    assert!(of(&findings, "KW-REL-001").is_empty());
    let findings = e.evaluate(&scan(&[("deploy.yaml", DEPLOYMENT), ("svc.yaml", SERVICE)]));
    assert!(
        of(&findings, "KW-REL-001").is_empty(),
        "order of files does not matter"
    );
}

#[test]
fn a_service_selecting_nothing_is_blamed_at_its_selector() {
    let e = default_engine();
    let wrong_labels =
        DEPLOYMENT.replace("labels: {app: web, version: v1}", "labels: {app: webapp}");
    for files in [
        vec![("svc.yaml", SERVICE)],
        vec![
            ("svc.yaml", SERVICE),
            ("deploy.yaml", wrong_labels.as_str()),
        ],
    ] {
        let findings = e.evaluate(&scan(&files));
        let f = of(&findings, "KW-REL-001");
        assert_eq!(f.len(), 1, "{files:?}");
        assert_eq!(f[0].file, "svc.yaml");
        assert_eq!(f[0].path, "/spec/selector");
        assert_eq!(
            (
                f[0].region.line,
                f[0].region.column,
                f[0].region.end_line,
                f[0].region.end_column
            ),
            (5, 3, 6, 13)
        );
        assert!(
            f[0].message.contains(r#"{"app":"web"}"#),
            "{}",
            f[0].message
        );
    }
    // A workload in another namespace does not count; one without a namespace does.
    let other_ns = DEPLOYMENT.replace("namespace: shop", "namespace: staging");
    let findings = e.evaluate(&scan(&[
        ("svc.yaml", SERVICE),
        ("d.yaml", other_ns.as_str()),
    ]));
    assert_eq!(of(&findings, "KW-REL-001").len(), 1);
    let no_ns = DEPLOYMENT.replace(", namespace: shop", "");
    let findings = e.evaluate(&scan(&[("svc.yaml", SERVICE), ("d.yaml", no_ns.as_str())]));
    assert!(of(&findings, "KW-REL-001").is_empty());
}

#[test]
fn duplicate_keys_are_findings_at_the_kept_value() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n    - name: app\n      image: nginx\n      image: evil\n";
    let findings = default_engine().evaluate(&scan(&[("d.yaml", text)]));
    let f = of(&findings, "KW-YML-001");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].path, "/spec/containers/0/image");
    assert_eq!(
        (
            f[0].region.line,
            f[0].region.column,
            f[0].region.end_line,
            f[0].region.end_column
        ),
        (8, 7, 8, 18)
    );
    assert_eq!(f[0].resource.name, "web");
}

#[test]
fn findings_are_sorted_by_file_line_column_and_policy() {
    let findings = default_engine().evaluate(&scan(&[("b.yaml", POD), ("a.yaml", SERVICE)]));
    let keys: Vec<(usize, u32, u32, String)> = findings
        .iter()
        .map(|f| {
            (
                usize::from(f.file == "a.yaml"),
                f.region.line,
                f.region.column,
                f.policy.clone(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(
        keys, sorted,
        "scan order of files, then line, column, policy"
    );
    assert!(findings.len() >= 4);
}

#[test]
fn packs_select_policies() {
    let ids = |opts: EngineOptions| -> Vec<String> {
        Engine::new(opts)
            .unwrap()
            .rules()
            .into_iter()
            .map(|r| r.id)
            .collect()
    };
    let default = ids(EngineOptions::default());
    let all = ids(only(&["all"]));
    assert!(default.iter().all(|id| all.contains(id)));
    assert!(default.len() >= 13);
    for id in ids(only(&["pss-baseline"])) {
        assert!(
            default.contains(&id),
            "the default pack holds {id} (pss-baseline)"
        );
    }
    assert!(ids(only(&["none"])).is_empty());
    let baseline = ids(only(&["pss-baseline"]));
    assert!(baseline.contains(&"KW-SEC-001".to_string()));
    assert!(
        !baseline.contains(&"KW-SEC-007".to_string()),
        "runAsNonRoot is restricted only"
    );
    let restricted = ids(only(&["pss-restricted"]));
    assert!(
        baseline.iter().all(|id| restricted.contains(id)),
        "restricted includes baseline"
    );
    let mut sorted = default.clone();
    sorted.sort();
    assert_eq!(default, sorted, "rules() is sorted by id");
    let errs = Engine::new(only(&["nope"])).unwrap_err();
    assert!(
        errs[0].message.contains("unknown pack `nope`") && errs[0].message.contains("pss-baseline"),
        "{errs:?}"
    );
}

#[test]
fn rule_infos_carry_docs_for_sarif() {
    let rules = default_engine().rules();
    let r = rules.iter().find(|r| r.id == "KW-NET-001").unwrap();
    assert_eq!(r.severity, Severity::Medium);
    assert!(
        r.description.contains("`lowestPort` = `1024`"),
        "{}",
        r.description
    );
    assert!(r.fix.contains("```yaml"), "{}", r.fix);
    assert!(r.packs.contains(&"default".to_string()));
    for r in &rules {
        assert!(
            !r.title.is_empty() && !r.description.is_empty() && !r.fix.is_empty(),
            "{}",
            r.id
        );
        assert!(!r.category.is_empty(), "{}", r.id);
    }
}

#[test]
fn parameters_and_pss_version_override_defaults() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: app, image: nginx, ports: [{containerPort: 80}], securityContext: {runAsUser: 0}}\n";
    let count = |opts: EngineOptions, id: &str| {
        of(
            &Engine::new(opts)
                .unwrap()
                .evaluate(&scan(&[("p.yaml", pod)])),
            id,
        )
        .len()
    };
    assert_eq!(count(EngineOptions::default(), "KW-NET-001"), 1);
    let mut params = BTreeMap::new();
    params.insert("lowestPort".to_string(), serde_json::json!(80));
    assert_eq!(
        count(
            EngineOptions {
                parameters: params,
                ..EngineOptions::default()
            },
            "KW-NET-001"
        ),
        0
    );
    let mut params = BTreeMap::new();
    params.insert("KW-NET-001.lowestPort".to_string(), serde_json::json!(80));
    assert_eq!(
        count(
            EngineOptions {
                parameters: params,
                ..EngineOptions::default()
            },
            "KW-NET-001"
        ),
        0
    );
    assert_eq!(count(EngineOptions::default(), "KW-SEC-006"), 1);
    let v122 = EngineOptions {
        pss_version: Some("v1.22".to_string()),
        ..EngineOptions::default()
    };
    assert_eq!(
        count(v122, "KW-SEC-006"),
        0,
        "the runAsUser check exists from v1.23"
    );

    let bad = |opts: EngineOptions, expected: &str| {
        let errs = Engine::new(opts).unwrap_err();
        assert!(
            errs.iter().any(|e| e.message.contains(expected)),
            "{expected}: {errs:#?}"
        );
    };
    let mut params = BTreeMap::new();
    params.insert("lowestPort".to_string(), serde_json::json!("80"));
    bad(
        EngineOptions {
            parameters: params,
            ..EngineOptions::default()
        },
        "expects a number",
    );
    let mut params = BTreeMap::new();
    params.insert("lowestPrt".to_string(), serde_json::json!(80));
    bad(
        EngineOptions {
            parameters: params,
            ..EngineOptions::default()
        },
        "no loaded policy declares it",
    );
    let mut params = BTreeMap::new();
    params.insert("KW-SEC-001.lowestPort".to_string(), serde_json::json!(80));
    bad(
        EngineOptions {
            parameters: params,
            ..EngineOptions::default()
        },
        "has no parameter `lowestPort`",
    );
    for v in ["1.25", "v1.025", "v2.0", "newest", "v1."] {
        bad(
            EngineOptions {
                pss_version: Some(v.to_string()),
                ..EngineOptions::default()
            },
            "invalid Pod Security Standards version",
        );
    }
}

#[test]
fn user_policies_load_next_to_builtins_and_ids_are_unique() {
    let text = r#"id: ACME-001
title: Image from an untrusted registry
severity: high
category: supply-chain
docs: {why: w, fix: f}
parameters:
  registry: {default: '^registry\.acme\.io/'}
target: {view: container}
rule:
  deny: {path: image, notMatches: {param: registry}}
message: "image {{value}} is not from {{params.registry}}"
examples:
  fail: [{manifest: "{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a, image: nginx}]}}"}]
  pass: [{manifest: "{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a, image: registry.acme.io/web}]}}"}]
"#;
    let e = Engine::new(EngineOptions {
        policy_files: vec![("acme.yaml".to_string(), text.to_string())],
        ..EngineOptions::default()
    })
    .unwrap();
    assert!(e.rules().iter().any(|r| r.id == "ACME-001"));
    let results: Vec<_> = e
        .test_examples()
        .into_iter()
        .filter(|r| r.policy == "ACME-001")
        .collect();
    assert_eq!(results.len(), 2);
    assert!(results.iter().all(|r| r.ok), "{results:#?}");
    let findings = e.evaluate(&scan(&[("p.yaml", POD)]));
    let f = of(&findings, "ACME-001");
    assert_eq!(
        f[0].message,
        r"image nginx:1.27 is not from ^registry\.acme\.io/"
    );
    assert_eq!(f[0].path, "/spec/containers/0/image");

    let copy = text.replace("ACME-001", "KW-SEC-001");
    let errs = Engine::new(EngineOptions {
        policy_files: vec![("mine.yaml".to_string(), copy)],
        ..EngineOptions::default()
    })
    .unwrap_err();
    assert!(
        errs[0].message.contains("duplicate policy id `KW-SEC-001`"),
        "{errs:?}"
    );
}

#[test]
fn failing_examples_are_reported() {
    let text = r#"id: T-2
title: t
severity: low
category: c
docs: {why: w, fix: f}
target: {view: podSpec}
rule:
  deny: {path: hostNetwork, equals: true}
message: m
examples:
  fail: [{name: wrong, manifest: "{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: []}}"}]
  pass: [{name: also-wrong, manifest: "{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {hostNetwork: yes}}"},
         {name: broken, manifest: "a: ["}]
"#;
    let e = Engine::new(EngineOptions {
        packs: vec!["none".to_string()],
        policy_files: vec![("t.yaml".to_string(), text.to_string())],
        ..EngineOptions::default()
    })
    .unwrap();
    let results = e.test_examples();
    assert_eq!(results.len(), 3);
    assert!(results.iter().all(|r| !r.ok), "{results:#?}");
    let by = |n: &str| results.iter().find(|r| r.name == n).unwrap();
    assert!(by("wrong").message.contains("expected a finding"));
    assert!(by("also-wrong").message.contains("expected no finding"));
    assert!(
        by("broken").message.contains("does not load"),
        "{}",
        by("broken").message
    );
    assert_eq!(by("wrong").line, 11);
}

#[test]
fn unknown_kinds_and_crds_are_resources() {
    let crd = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec:\n  privileged: true\n";
    let text = "id: T-3\ntitle: t\nseverity: low\ncategory: c\ndocs: {why: w, fix: f}\ntarget: {view: resource, kinds: [Widget]}\n\
rule:\n  deny: {path: spec.privileged, equals: true}\nmessage: \"{{resource.kind}} {{resource.name}}\"\n";
    let e = Engine::new(EngineOptions {
        packs: vec!["none".to_string()],
        policy_files: vec![("t.yaml".to_string(), text.to_string())],
        ..EngineOptions::default()
    })
    .unwrap();
    let findings = e.evaluate(&scan(&[("w.yaml", crd)]));
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].message, "Widget w");
    assert_eq!(findings[0].container, None);
}

#[test]
fn a_10000_deep_document_does_not_overflow() {
    // Kubernetes accepts nesting up to 10 000; evaluation must not recurse that deep.
    let depth = 9_990;
    let deep = format!(
        "{{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{{\"name\":\"p\"}},\"spec\":{{\"containers\":[{{\"name\":\"a\",\"image\":\"i\",\"args\":{}{}}}]}}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    // The policy is compiled on the test's own thread: only decoding and evaluation of the
    // deep document run on the small stack.
    let text = "id: T-4\ntitle: t\nseverity: low\ncategory: c\ndocs: {why: w, fix: f}\ntarget: {view: container}\n\
rule:\n  deny:\n    any:\n      - {path: args, equals: [[[1]]]}\n      - {path: args, empty: false}\nmessage: \"{{value}}\"\n";
    let e = Engine::new(EngineOptions {
        policy_files: vec![("t.yaml".to_string(), text.to_string())],
        ..EngineOptions::default()
    })
    .unwrap();
    let handle = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            let s = scan(&[("deep.json", deep.as_str())]);
            let findings = e.evaluate(&s);
            (
                s.files[0].errors.len(),
                findings.iter().filter(|f| f.policy == "T-4").count(),
            )
        })
        .unwrap();
    let (errors, n) = handle.join().expect("evaluation overflowed the stack");
    assert_eq!(errors, 0, "the decoder accepts 10 000 levels");
    assert_eq!(n, 1);
}

#[test]
fn the_engine_can_be_shared_between_threads() {
    fn shared<T: Send + Sync + Clone>() {}
    shared::<Engine>();
    shared::<EngineOptions>();
}
