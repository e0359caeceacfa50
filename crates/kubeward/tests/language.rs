//! The policy language, operator by operator, on small manifests. Expected results follow
//! Kubernetes' reading of the manifests (YAML 1.1 scalars, `null` is unset, last duplicate
//! key wins, numbers by value) and the documented semantics of each operator.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kubeward::{load, Engine, EngineOptions, ErrorEntry, Finding, Scan};

/// A user policy around `rule` (YAML, indented by two) for `view`.
fn policy(view: &str, rule: &str, extra: &str) -> String {
    format!(
        "id: T-1\ntitle: test\nseverity: low\ncategory: test\ndocs: {{why: w, fix: f}}\n\
         target: {{view: {view}}}\nmessage: \"{{{{value}}}}\"\n{extra}rule:\n{rule}\n"
    )
}

fn engine(text: &str) -> Result<Engine, Vec<ErrorEntry>> {
    Engine::new(EngineOptions {
        packs: vec!["none".to_string()],
        policy_files: vec![("t.yaml".to_string(), text.to_string())],
        ..EngineOptions::default()
    })
}

fn run(view: &str, rule: &str, manifest: &str) -> Vec<Finding> {
    run_with(view, rule, "", manifest)
}

fn run_with(view: &str, rule: &str, extra: &str, manifest: &str) -> Vec<Finding> {
    let e = engine(&policy(view, rule, extra)).unwrap_or_else(|e| panic!("{e:#?}"));
    let file = load("m.yaml", manifest.as_bytes(), 0);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    e.evaluate(&Scan { files: vec![file] })
}

fn pod_with(container_fields: &str) -> String {
    format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n    - {{name: app, image: nginx, {container_fields}}}\n")
}

fn count(view: &str, rule: &str, manifest: &str) -> usize {
    run(view, rule, manifest).len()
}

#[test]
fn equals_reads_yaml_11_booleans_and_numbers_by_value() {
    let rule = "  deny: {path: securityContext.privileged, equals: true}";
    for (value, expected) in [
        ("true", 1),
        ("yes", 1),
        ("on", 1),
        ("Y", 1),
        ("\"true\"", 0),
        ("false", 0),
        ("no", 0),
        ("~", 0),
    ] {
        let m = pod_with(&format!("securityContext: {{privileged: {value}}}"));
        assert_eq!(
            count("container", rule, &m),
            expected,
            "privileged: {value}"
        );
    }
    let rule = "  deny: {path: securityContext.runAsUser, equals: 0}";
    for (value, expected) in [
        ("0", 1),
        ("0.0", 1),
        ("00", 1),
        ("-0", 1),
        ("1", 0),
        ("0.5", 0),
        ("\"0\"", 0),
    ] {
        let m = pod_with(&format!("securityContext: {{runAsUser: {value}}}"));
        assert_eq!(count("container", rule, &m), expected, "runAsUser: {value}");
    }
}

#[test]
fn equals_compares_structures() {
    let rule = "  deny: {path: securityContext.capabilities, equals: {drop: [ALL], add: [NET_BIND_SERVICE]}}";
    let same = pod_with("securityContext: {capabilities: {add: [NET_BIND_SERVICE], drop: [ALL]}}");
    assert_eq!(
        count("container", rule, &same),
        1,
        "key order does not matter"
    );
    let other =
        pod_with("securityContext: {capabilities: {add: [NET_BIND_SERVICE, CHOWN], drop: [ALL]}}");
    assert_eq!(count("container", rule, &other), 0);
}

#[test]
fn not_equals_holds_for_unset_fields() {
    let rule = "  deny: {path: securityContext.allowPrivilegeEscalation, notEquals: false}";
    assert_eq!(
        count("container", rule, &pod_with("securityContext: {}")),
        1
    );
    assert_eq!(
        count(
            "container",
            rule,
            &pod_with("securityContext: {allowPrivilegeEscalation: true}")
        ),
        1
    );
    assert_eq!(
        count(
            "container",
            rule,
            &pod_with("securityContext: {allowPrivilegeEscalation: off}")
        ),
        0
    );
}

#[test]
fn in_and_not_in() {
    let rule = "  deny: {path: imagePullPolicy, in: [Always, IfNotPresent]}";
    assert_eq!(
        count("container", rule, &pod_with("imagePullPolicy: Always")),
        1
    );
    assert_eq!(
        count("container", rule, &pod_with("imagePullPolicy: Never")),
        0
    );
    assert_eq!(
        count("container", rule, &pod_with("ports: []")),
        0,
        "unset is in no list"
    );
    let rule = "  deny: {path: imagePullPolicy, notIn: [Always]}";
    assert_eq!(
        count("container", rule, &pod_with("imagePullPolicy: Never")),
        1
    );
    assert_eq!(
        count("container", rule, &pod_with("ports: []")),
        1,
        "unset is not in the list"
    );
    assert_eq!(
        count("container", rule, &pod_with("imagePullPolicy: Always")),
        0
    );
}

#[test]
fn contains_and_not_contains() {
    let rule = "  require: {path: securityContext.capabilities.drop, contains: ALL}";
    assert_eq!(
        count(
            "container",
            rule,
            &pod_with("securityContext: {capabilities: {drop: [NET_RAW, ALL]}}")
        ),
        0
    );
    assert_eq!(
        count(
            "container",
            rule,
            &pod_with("securityContext: {capabilities: {drop: [all]}}")
        ),
        1,
        "case-sensitive"
    );
    assert_eq!(
        count("container", rule, &pod_with("securityContext: {}")),
        1
    );
    let rule = "  deny: {path: securityContext.capabilities.drop, notContains: NET_RAW}";
    assert_eq!(
        count(
            "container",
            rule,
            &pod_with("securityContext: {capabilities: {drop: [ALL]}}")
        ),
        1
    );
    assert_eq!(
        count(
            "container",
            rule,
            &pod_with("securityContext: {capabilities: {drop: [NET_RAW]}}")
        ),
        0
    );
}

#[test]
fn matches_and_not_matches() {
    let rule = r"  deny: {path: image, notMatches: '^registry\.example\.com/'}";
    assert_eq!(
        count(
            "container",
            rule,
            &pod_with("ports: []").replace("image: nginx", "image: registry.example.com/web:1")
        ),
        0
    );
    assert_eq!(count("container", rule, &pod_with("ports: []")), 1);
    let rule = "  deny: {path: image, matches: ':latest$'}";
    assert_eq!(
        count(
            "container",
            rule,
            &pod_with("ports: []").replace("nginx", "nginx:latest")
        ),
        1
    );
    assert_eq!(count("container", rule, &pod_with("ports: []")), 0);
    // A number is not a string: `matches` does not hold, `notMatches` does.
    let rule = "  deny: {path: securityContext.runAsUser, matches: '0'}";
    assert_eq!(
        count(
            "container",
            rule,
            &pod_with("securityContext: {runAsUser: 0}")
        ),
        0
    );
}

#[test]
fn numeric_comparisons() {
    let port = |p: &str| pod_with(&format!("ports: [{{containerPort: {p}}}]"));
    let some = |op: &str, n: &str| {
        format!("  deny:\n    some: ports\n    where: {{path: containerPort, {op}: {n}}}")
    };
    assert_eq!(count("container", &some("lt", "1024"), &port("1023")), 1);
    assert_eq!(count("container", &some("lt", "1024"), &port("1024")), 0);
    assert_eq!(count("container", &some("le", "1024"), &port("1024")), 1);
    assert_eq!(count("container", &some("gt", "1024"), &port("1024")), 0);
    assert_eq!(count("container", &some("ge", "1024"), &port("1024")), 1);
    assert_eq!(
        count("container", &some("lt", "1024"), &port("0x50")),
        1,
        "hex 80"
    );
    assert_eq!(
        count("container", &some("lt", "1024"), &port("0120")),
        1,
        "YAML 1.1 octal 80"
    );
    assert_eq!(count("container", &some("lt", "1024"), &port("80.0")), 1);
    assert_eq!(count("container", &some("lt", "80.5"), &port("80")), 1);
    assert_eq!(
        count("container", &some("lt", "1024"), &port("\"80\"")),
        0,
        "a string is not a number"
    );
    assert_eq!(
        count(
            "container",
            &some("gt", "9223372036854775807"),
            &port("18446744073709551615")
        ),
        1,
        "beyond i64"
    );
}

#[test]
fn exists_and_null() {
    let rule = "  deny: {path: securityContext.seccompProfile, exists: true}";
    assert_eq!(
        count(
            "container",
            rule,
            &pod_with("securityContext: {seccompProfile: {type: RuntimeDefault}}")
        ),
        1
    );
    assert_eq!(
        count(
            "container",
            rule,
            &pod_with("securityContext: {seccompProfile: null}")
        ),
        0,
        "null is unset"
    );
    assert_eq!(
        count("container", rule, &pod_with("securityContext: {}")),
        0
    );
    let rule = "  deny: {path: resources.limits, exists: false}";
    assert_eq!(
        count(
            "container",
            rule,
            &pod_with("resources: {limits: {cpu: 1}}")
        ),
        0
    );
    assert_eq!(count("container", rule, &pod_with("resources: ~")), 1);
}

#[test]
fn empty_and_type() {
    let rule = "  deny: {path: args, empty: true}";
    for (v, n) in [
        ("[]", 1),
        ("\"\"", 1),
        ("{}", 1),
        ("~", 1),
        ("[a]", 0),
        ("x", 0),
        ("0", 0),
    ] {
        assert_eq!(
            count("container", rule, &pod_with(&format!("args: {v}"))),
            n,
            "args: {v}"
        );
    }
    assert_eq!(
        count("container", rule, &pod_with("ports: []")),
        1,
        "unset is empty"
    );
    let t = |t: &str| format!("  deny: {{path: securityContext.runAsUser, type: {t}}}");
    assert_eq!(
        count(
            "container",
            &t("integer"),
            &pod_with("securityContext: {runAsUser: 3.0}")
        ),
        1
    );
    assert_eq!(
        count(
            "container",
            &t("integer"),
            &pod_with("securityContext: {runAsUser: 3.5}")
        ),
        0
    );
    assert_eq!(
        count(
            "container",
            &t("string"),
            &pod_with("securityContext: {runAsUser: \"3\"}")
        ),
        1
    );
    assert_eq!(
        count(
            "container",
            &t("number"),
            &pod_with("securityContext: {runAsUser: 3}")
        ),
        1
    );
    assert_eq!(
        count("container", &t("'null'"), &pod_with("securityContext: {}")),
        1
    );
    assert_eq!(
        count(
            "container",
            &t("boolean"),
            &pod_with("securityContext: {runAsUser: yes}")
        ),
        1
    );
}

#[test]
fn version_gates_compare_minor_versions_numerically() {
    let extra = "parameters:\n  pssVersion: {default: latest}\n";
    let rule = "  when: {param: pssVersion, versionGe: v1.25}\n  deny: {path: name, exists: true}";
    let m = pod_with("ports: []");
    let with = |v: &str| {
        let e = Engine::new(EngineOptions {
            packs: vec!["none".to_string()],
            policy_files: vec![("t.yaml".to_string(), policy("container", rule, extra))],
            pss_version: Some(v.to_string()),
            ..EngineOptions::default()
        })
        .unwrap();
        e.evaluate(&Scan {
            files: vec![load("m.yaml", m.as_bytes(), 0)],
        })
        .len()
    };
    assert_eq!(with("latest"), 1);
    assert_eq!(with("v1.25"), 1);
    assert_eq!(with("v1.100"), 1);
    assert_eq!(
        with("v1.9"),
        0,
        "v1.9 is older than v1.25 (not compared as text)"
    );
    assert_eq!(with("v1.24"), 0);
    assert_eq!(
        run_with("container", rule, extra, &m).len(),
        1,
        "default latest"
    );
    for (op, v, n) in [
        ("versionLt", "latest", 0),
        ("versionLe", "latest", 1),
        ("versionGt", "v1.99", 1),
        ("versionLt", "v1.99", 0),
    ] {
        let r = format!("  deny: {{param: pssVersion, {op}: {v}}}");
        assert_eq!(run_with("container", &r, extra, &m).len(), n, "{op} {v}");
    }
}

#[test]
fn combinators() {
    let m = pod_with("securityContext: {privileged: true, runAsUser: 0}");
    let all = "  deny:\n    all:\n      - {path: securityContext.privileged, equals: true}\n      - {path: securityContext.runAsUser, equals: 0}";
    let f = run("container", all, &m);
    assert_eq!(f.len(), 1);
    assert!(
        f[0].path.ends_with("/privileged"),
        "`all` blames its first witness: {}",
        f[0].path
    );
    let any = "  deny:\n    any:\n      - {path: securityContext.runAsUser, equals: 5}\n      - {path: securityContext.runAsUser, equals: 0}";
    assert_eq!(count("container", any, &m), 1);
    let none = "  deny:\n    any:\n      - {path: securityContext.runAsUser, equals: 5}\n      - {path: securityContext.runAsUser, equals: 6}";
    assert_eq!(count("container", none, &m), 0);
    let not = "  deny:\n    not: {path: securityContext.privileged, equals: false}";
    assert_eq!(count("container", not, &m), 1);
}

#[test]
fn quantifiers_over_lists_and_maps() {
    let m = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    container.apparmor.security.beta.kubernetes.io/app: unconfined\n    team: web\nspec:\n  containers:\n    - {name: app, image: nginx, env: [{name: A, value: x}, {name: B, value: y}]}\n";
    let every = "  require:\n    every: env\n    where: {path: name, matches: '^[A-Z]+$'}";
    assert_eq!(count("container", every, m), 0);
    let every_fail = "  require:\n    every: env\n    where: {path: value, equals: x}";
    let f = run("container", every_fail, m);
    assert_eq!(f.len(), 1, "one finding per failing item");
    assert_eq!(f[0].path, "/spec/containers/0/env/1/value");
    let some_map = "  deny:\n    some: metadata.annotations\n    where:\n      all:\n        - {path: $key, matches: '^container\\.apparmor\\.security\\.beta\\.kubernetes\\.io/'}\n        - {notIn: [runtime/default, '']}";
    let f = run("resource", some_map, m);
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].path,
        "/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1app"
    );
    assert_eq!(
        (f[0].region.line, f[0].region.column),
        (6, 5),
        "a map item is blamed from its key"
    );
    // Over an unset list, `some` is false and `every` is true.
    assert_eq!(
        count(
            "container",
            "  deny:\n    some: ports\n    where: {exists: true}",
            m
        ),
        0
    );
    assert_eq!(
        count(
            "container",
            "  require:\n    every: ports\n    where: {exists: false}",
            m
        ),
        0
    );
}

#[test]
fn roots() {
    let m = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      hostNetwork: true\n      containers:\n        - {name: app, image: nginx}\n";
    assert_eq!(
        count(
            "container",
            "  deny: {path: $pod.hostNetwork, equals: true}",
            m
        ),
        1
    );
    assert_eq!(
        count(
            "container",
            "  deny: {path: $podMeta.labels.app, equals: web}",
            m
        ),
        1
    );
    assert_eq!(
        count(
            "podSpec",
            "  deny: {path: $resource.metadata.namespace, equals: shop}",
            m
        ),
        1
    );
    assert_eq!(
        count(
            "podSpec",
            "  deny: {path: $podMeta.labels.app, equals: web}",
            m
        ),
        1
    );
    assert_eq!(
        count(
            "container",
            "  deny:\n    some: $pod.containers\n    where: {path: $container.name, equals: app}",
            m
        ),
        1
    );
    assert_eq!(
        count("container", "  deny: {path: '/image', equals: nginx}", m),
        1,
        "JSON pointer from the target"
    );
    assert_eq!(
        count(
            "resource",
            "  deny: {path: 'spec.template.metadata.labels[\"app\"]', equals: web}",
            m
        ),
        1
    );
    assert_eq!(
        count(
            "resource",
            "  deny: {path: 'spec.template.spec.containers[0].name', equals: app}",
            m
        ),
        1
    );
}

#[test]
fn effective_security_context() {
    let pod = |pod_sc: &str, c_sc: &str| {
        format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  securityContext: {pod_sc}\n  containers:\n    - {{name: app, image: nginx, securityContext: {c_sc}}}\n")
    };
    let rule = "  deny: {path: effective.runAsNonRoot, equals: true}";
    assert_eq!(
        count("container", rule, &pod("{runAsNonRoot: true}", "{}")),
        1,
        "from the pod"
    );
    assert_eq!(
        count(
            "container",
            rule,
            &pod("{runAsNonRoot: true}", "{runAsNonRoot: false}")
        ),
        0,
        "the container wins"
    );
    assert_eq!(
        count("container", rule, &pod("{}", "{}")),
        0,
        "default: not enforced"
    );
    // Whole-struct precedence: the container's seccompProfile hides the pod's.
    let rule = "  deny: {path: effective.seccompProfile.type, equals: RuntimeDefault}";
    assert_eq!(
        count(
            "container",
            rule,
            &pod("{seccompProfile: {type: RuntimeDefault}}", "{}")
        ),
        1
    );
    assert_eq!(
        count(
            "container",
            rule,
            &pod(
                "{seccompProfile: {type: RuntimeDefault}}",
                "{seccompProfile: {localhostProfile: x.json}}"
            )
        ),
        0
    );
    // windowsOptions merges field by field.
    let rule = "  deny: {path: effective.windowsOptions.hostProcess, equals: true}";
    assert_eq!(
        count(
            "container",
            rule,
            &pod(
                "{windowsOptions: {hostProcess: true}}",
                "{windowsOptions: {runAsUserName: app}}"
            )
        ),
        1
    );
    // Container-only fields ignore the pod (the pod has no such field).
    let rule = "  deny: {path: effective.allowPrivilegeEscalation, equals: true}";
    assert_eq!(
        count("container", rule, &pod("{}", "{}")),
        1,
        "default true"
    );
    assert_eq!(
        count(
            "container",
            rule,
            &pod("{}", "{allowPrivilegeEscalation: false}")
        ),
        0
    );
    assert_eq!(
        count(
            "container",
            rule,
            &pod("{}", "{allowPrivilegeEscalation: false, privileged: true}")
        ),
        1
    );
    let rule = "  deny: {path: effective.procMount, equals: Default}";
    assert_eq!(count("container", rule, &pod("{}", "{}")), 1);
    // exists is false for a default.
    let rule = "  deny: {path: effective.runAsUser, exists: false}";
    assert_eq!(count("container", rule, &pod("{}", "{}")), 1);
    assert_eq!(count("container", rule, &pod("{runAsUser: 5}", "{}")), 0);
}

#[test]
fn missing_fields_blame_the_nearest_parent_and_say_what_is_missing() {
    let m = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: app\n      image: nginx\n      resources: {}\n";
    let f = run(
        "container",
        "  require: {path: resources.limits.memory, exists: true}",
        m,
    );
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].path, "/spec/containers/0/resources");
    assert_eq!((f[0].region.line, f[0].region.column), (8, 7));
    assert!(
        f[0].message
            .contains("`resources.limits.memory` is not set"),
        "{}",
        f[0].message
    );
}

#[test]
fn blame_overrides_the_witness() {
    let m = pod_with("securityContext: {privileged: true}");
    let rule = "  deny: {path: securityContext.privileged, equals: true}\n  blame: securityContext";
    let f = run("container", rule, &m);
    assert_eq!(f[0].path, "/spec/containers/0/securityContext");
    let rule = "  deny: {path: securityContext.privileged, equals: true}\n  blame: securityContext.seccompProfile";
    let f = run("container", rule, &m);
    assert_eq!(
        f[0].path, "/spec/containers/0/securityContext",
        "missing: its parent"
    );
}

#[test]
fn selectors() {
    let scan = |docs: &str| Scan {
        files: vec![load("m.yaml", docs.as_bytes(), 0)],
    };
    let np = "  require:\n    related:\n      kinds: [NetworkPolicy]\n      where: {path: spec.podSelector, labelSelectorSelects: {path: $self.$podMeta.labels}}";
    let e = engine(&policy("podSpec", np, "")).unwrap();
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: web, tier: front}}\nspec: {containers: [{name: a, image: b}]}\n";
    let cases = [
        ("{}", 0),
        ("{matchLabels: {app: web}}", 0),
        ("{matchLabels: {app: api}}", 1),
        ("{matchExpressions: [{key: tier, operator: In, values: [front, back]}]}", 0),
        ("{matchExpressions: [{key: tier, operator: NotIn, values: [front]}]}", 1),
        ("{matchExpressions: [{key: env, operator: NotIn, values: [prod]}]}", 0),
        ("{matchExpressions: [{key: app, operator: Exists}]}", 0),
        ("{matchExpressions: [{key: app, operator: DoesNotExist}]}", 1),
        ("{matchLabels: {app: web}, matchExpressions: [{key: tier, operator: In, values: [back]}]}", 1),
        ("null", 1),
    ];
    for (selector, n) in cases {
        let docs = format!("{pod}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: np}}\nspec:\n  podSelector: {selector}\n");
        assert_eq!(e.evaluate(&scan(&docs)).len(), n, "podSelector: {selector}");
    }
    // Equality selectors: every pair must be a pod label; an empty selector selects nothing.
    let svc = "  require:\n    related:\n      where: {path: $self.spec.selector, mapSelects: {path: $podMeta.labels}}";
    let e = engine(&policy("resource", svc, "")).unwrap();
    for (selector, n) in [
        ("{app: web}", 0),
        ("{app: web, tier: front}", 0),
        ("{app: web, tier: back}", 1),
        ("{}", 1),
        ("{replicas: 1}", 1),
    ] {
        let docs = format!("apiVersion: v1\nkind: Service\nmetadata: {{name: s}}\nspec:\n  selector: {selector}\n---\n{pod}");
        let f: Vec<_> = e
            .evaluate(&scan(&docs))
            .into_iter()
            .filter(|f| f.resource.kind == "Service")
            .collect();
        assert_eq!(f.len(), n, "selector: {selector}");
    }
    // The other way round: the candidate's selector selects the target's labels (an index
    // narrows the candidates to Services whose selector shares a label with the pod).
    let reached = "  require:\n    related:\n      kinds: [Service]\n      where: {path: spec.selector, mapSelects: {path: $self.$podMeta.labels}}";
    let e = engine(&policy("podSpec", reached, "")).unwrap();
    for (selector, n) in [
        ("{app: web}", 0),
        ("{app: web, tier: front}", 0),
        ("{app: web, tier: back}", 1),
        ("{}", 1),
        ("{tier: front, replicas: 1}", 1),
    ] {
        let docs = format!("apiVersion: v1\nkind: Service\nmetadata: {{name: s}}\nspec:\n  selector: {selector}\n---\n{pod}");
        assert_eq!(e.evaluate(&scan(&docs)).len(), n, "selector: {selector}");
    }
    let unlabeled = "apiVersion: v1\nkind: Pod\nmetadata: {name: q}\nspec: {containers: [{name: a, image: b}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selector: {app: web}}\n";
    assert_eq!(e.evaluate(&scan(unlabeled)).len(), 1);
}

#[test]
fn load_errors_have_locations_and_say_what_was_expected() {
    let errs = engine(&policy("container", "  deny: {path: a, equal: true}", "")).unwrap_err();
    assert_eq!((errs[0].line, errs[0].column), (9, 19));
    assert!(
        errs[0].message.contains("unknown field `equal`") && errs[0].message.contains("equals"),
        "{}",
        errs[0].message
    );

    let errs = engine(&format!(
        "{}id: again\n",
        policy("container", "  deny: {path: a, equals: 1}", "")
    ))
    .unwrap_err();
    assert!(
        errs[0].message.contains("duplicate key `id`"),
        "{}",
        errs[0].message
    );
    assert_eq!(errs[0].line, 10);

    let errs = engine(&policy("container", "  deny: {path: a, matches: '(['}", "")).unwrap_err();
    assert!(
        errs[0].message.starts_with("invalid regular expression"),
        "{}",
        errs[0].message
    );
    assert_eq!((errs[0].line, errs[0].column), (9, 28));

    for (rule, expected) in [
        (
            "  deny: {path: a, equals: 1, lt: 3}",
            "exactly one operator",
        ),
        (
            "  deny: {path: '$nope.x', exists: true}",
            "unknown path root",
        ),
        (
            "  deny: {path: effective.nope, equals: 1}",
            "security-context field",
        ),
        (
            "  deny: {param: nope, equals: 1}",
            "unknown parameter `nope`",
        ),
        ("  deny: {some: ports}", "needs `where`"),
        ("  deny: {path: a, in: 3}", "expects a list"),
        ("  deny: {path: a, lt: x}", "expected a number"),
        (
            "  deny: {path: '$self.a', exists: true}",
            "`$self` only means something inside",
        ),
        (
            "  deny: {path: '$key', exists: true}",
            "`$key` only means something",
        ),
        ("  deny: {}", "empty condition"),
        (
            "  deny: {path: a, equals: 1}\n  require: {path: a, equals: 1}",
            "both `deny` and `require`",
        ),
    ] {
        let errs = engine(&policy("container", rule, "")).unwrap_err();
        assert!(
            errs.iter()
                .any(|e| e.message.contains(expected) && e.line >= 9),
            "{rule}: {errs:#?}"
        );
    }
    let errs = engine(&policy(
        "resource",
        "  deny: {path: $container.name, exists: true}",
        "",
    ))
    .unwrap_err();
    assert!(
        errs[0].message.contains("needs the container view"),
        "{errs:?}"
    );
    let errs = engine(
        &policy("container", "  deny: {path: a, exists: true}", "")
            .replace("\"{{value}}\"", "\"{{nope}}\""),
    )
    .unwrap_err();
    assert!(errs[0].message.contains("unknown placeholder"), "{errs:?}");
    assert_eq!(errs[0].line, 7);
}

/// A pod with an init container, a container and an ephemeral container.
const THREE_CONTAINERS: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    container.seccomp.security.alpha.kubernetes.io/app: unconfined
    container.seccomp.security.alpha.kubernetes.io/gone: unconfined
spec:
  securityContext: {runAsUser: 0}
  initContainers:
    - {name: init, image: busybox, securityContext: {runAsUser: 0}}
  containers:
    - {name: app, image: nginx, securityContext: {runAsUser: 1000}}
  ephemeralContainers:
    - {name: debug, image: busybox, securityContext: {runAsUser: 0}}
";

#[test]
fn union_reports_every_holding_condition() {
    let union = "  deny:\n    union:\n      - {path: securityContext.runAsUser, equals: 0}\n      - {path: hostNetwork, equals: true}\n      - {path: 'initContainers[0].securityContext.runAsUser', equals: 0}";
    let f = run("podSpec", union, THREE_CONTAINERS);
    let paths: Vec<&str> = f.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/spec/securityContext/runAsUser",
            "/spec/initContainers/0/securityContext/runAsUser"
        ],
        "one finding per holding condition (in file order)"
    );
    // `any` keeps the first holding condition's witnesses.
    let any = union.replace("union:", "any:");
    assert_eq!(count("podSpec", &any, THREE_CONTAINERS), 1);
    let none = "  deny:\n    union:\n      - {path: hostNetwork, equals: true}\n      - {path: hostPID, equals: true}";
    assert_eq!(count("podSpec", none, THREE_CONTAINERS), 0);
    // `require` fails when none holds.
    assert_eq!(
        count(
            "podSpec",
            &none.replace("deny", "require"),
            THREE_CONTAINERS
        ),
        1
    );
}

#[test]
fn containers_quantifier_visits_every_container_with_its_context() {
    let rule =
        "  deny:\n    some: $containers\n    where: {path: securityContext.runAsUser, equals: 0}";
    let f = run("podSpec", rule, THREE_CONTAINERS);
    let got: Vec<(&str, Option<&str>)> = f
        .iter()
        .map(|f| (f.path.as_str(), f.container.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "/spec/initContainers/0/securityContext/runAsUser",
                Some("init")
            ),
            (
                "/spec/ephemeralContainers/0/securityContext/runAsUser",
                Some("debug")
            )
        ],
        "init, regular and ephemeral containers; findings name the container"
    );
    // `effective.` and `$container` inside: the container's value, else the pod's.
    let effective = "  deny:\n    some: $containers\n    where:\n      all:\n        - {path: effective.runAsUser, equals: 0}\n        - {path: $container.name, notEquals: debug}";
    let f = run("podSpec", effective, THREE_CONTAINERS);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(
        f[0].path,
        "/spec/initContainers/0/securityContext/runAsUser"
    );
    // `every`: each failing container is a witness.
    let every =
        "  require:\n    every: $containers\n    where: {path: securityContext.runAsUser, gt: 0}";
    assert_eq!(count("podSpec", every, THREE_CONTAINERS), 2);
    // From the container view: the other containers of the pod.
    let siblings = "  deny:\n    some: $containers\n    where: {path: name, equals: debug}";
    assert_eq!(count("container", siblings, THREE_CONTAINERS), 3);
    // No container: `some` is false, `every` true.
    let empty = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {}\n";
    assert_eq!(count("podSpec", rule, empty), 0);
    assert_eq!(count("podSpec", every, empty), 0);
}

#[test]
fn concat_builds_strings_from_paths() {
    // The seccomp annotation of each container, by its name.
    let rule = "  deny:\n    some: $containers\n    where:\n      some: $podMeta.annotations\n      where:\n        all:\n          - {path: $key, equals: {concat: [container.seccomp.security.alpha.kubernetes.io/, {path: $container.name}]}}\n          - {equals: unconfined}";
    let f = run("podSpec", rule, THREE_CONTAINERS);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(
        f[0].path,
        "/metadata/annotations/container.seccomp.security.alpha.kubernetes.io~1app"
    );
    assert_eq!(f[0].container.as_deref(), Some("app"));
    // Numbers join as written; an absent part makes the whole operand absent.
    let m = pod_with("securityContext: {runAsUser: 1000}");
    let num = "  deny: {path: name, equals: {concat: [app, {path: securityContext.runAsUser}]}}";
    assert_eq!(
        count(
            "container",
            num,
            &pod_with("securityContext: {runAsUser: 1000}")
        ),
        0
    );
    let m2 = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: app1000, image: nginx, securityContext: {runAsUser: 1000}}\n";
    assert_eq!(count("container", num, m2), 1);
    let absent =
        "  deny: {path: name, notEquals: {concat: [app, {path: securityContext.runAsGroup}]}}";
    assert_eq!(
        count("container", absent, &m),
        1,
        "an absent part: nothing equals it"
    );
}

#[test]
fn new_constructs_are_checked_when_policies_load() {
    let error = |view: &str, rule: &str, extra: &str| -> String {
        match engine(&policy(view, rule, extra)) {
            Ok(_) => panic!("accepted: {rule}"),
            Err(e) => e
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; "),
        }
    };
    let e = error(
        "resource",
        "  deny:\n    some: $containers\n    where: {exists: true}",
        "",
    );
    assert!(
        e.contains("`$containers` needs the podSpec or container view"),
        "{e}"
    );
    let e = error("podSpec", "  deny: {path: $containers, exists: true}", "");
    assert!(e.contains("only the list of `some`/`every`"), "{e}");
    let e = error("podSpec", "  deny: {path: $container.name, equals: a}", "");
    assert!(
        e.contains("`$container` needs the container view or a quantifier over `$containers`"),
        "{e}"
    );
    let e = error(
        "podSpec",
        "  deny: {path: hostPID, equals: {concat: []}}",
        "",
    );
    assert!(e.contains("`concat` takes a list"), "{e}");
    let e = error(
        "podSpec",
        "  deny: {path: hostPID, equals: {concat: [a, [b]]}}",
        "",
    );
    assert!(e.contains("`concat` joins strings and numbers"), "{e}");
    let e = error("podSpec", "  deny:\n    union: []", "");
    assert!(e.contains("empty list of conditions"), "{e}");
    let e = error(
        "podSpec",
        "  deny: {path: hostPID, equals: true}",
        "overrides:\n  - policy: KW-SEC-009\n    when: {path: hostPID, equals: true}\n",
    );
    assert!(e.contains("`overrides.when` tests parameters only"), "{e}");
    let e = error(
        "podSpec",
        "  deny: {path: hostPID, equals: true}",
        "overrides:\n  - {policy: 'not an id'}\n",
    );
    assert!(e.contains("invalid policy id"), "{e}");
}

#[test]
fn overrides_replace_loaded_policies_while_their_condition_holds() {
    let replacing = |when: &str| {
        format!(
            "id: T-2\ntitle: strict\nseverity: low\ncategory: test\ndocs: {{why: w, fix: f}}\n\
             parameters: {{pssVersion: {{default: latest}}}}\n\
             target: {{view: podSpec}}\nmessage: m\n\
             overrides: [{{policy: T-1{when}}}]\n\
             rule:\n  deny: {{path: hostPID, equals: true}}\n"
        )
    };
    let replaced = policy("podSpec", "  deny: {path: hostIPC, equals: true}", "");
    let m = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostIPC: true\n  hostPID: true\n  containers: [{name: a, image: b}]\n";
    let ids = |when: &str, version: Option<&str>| -> (Vec<String>, Vec<String>) {
        let e = Engine::new(EngineOptions {
            packs: vec!["none".to_string()],
            policy_files: vec![
                ("t1.yaml".to_string(), replaced.clone()),
                ("t2.yaml".to_string(), replacing(when)),
            ],
            pss_version: version.map(str::to_string),
            ..EngineOptions::default()
        })
        .unwrap_or_else(|e| panic!("{e:#?}"));
        let file = load("m.yaml", m.as_bytes(), 0);
        let found = e
            .evaluate(&Scan { files: vec![file] })
            .into_iter()
            .map(|f| f.policy)
            .collect();
        (found, e.overridden())
    };
    assert_eq!(
        ids("", None),
        (vec!["T-2".to_string()], vec!["T-1".to_string()])
    );
    let gated = ", when: {param: pssVersion, versionGe: v1.22}";
    assert_eq!(ids(gated, Some("v1.22")).0, ["T-2"]);
    assert_eq!(ids(gated, Some("latest")).0, ["T-2"]);
    let (found, overridden) = ids(gated, Some("v1.21"));
    assert_eq!(found, ["T-1", "T-2"]);
    assert!(overridden.is_empty());
    // The replaced policy still runs its own examples and is still listed.
    let e = engine(&replaced).unwrap();
    assert_eq!(e.rules().len(), 1);
}
