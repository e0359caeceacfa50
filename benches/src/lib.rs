//! Benchmark support: a deterministic generator of realistic Kubernetes manifests.

use std::fmt::Write;

/// A small deterministic pseudo-random generator (so every run scans the same corpus).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let i = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        items[i]
    }
}

const IMAGES: &[&str] = &[
    "nginx:1.27",
    "registry.example.com/payments/api:3.4.1",
    "ghcr.io/acme/worker@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945",
    "redis:7",
    "quay.io/prometheus/node-exporter:v1.8.2",
    "busybox",
];
const KINDS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "CronJob",
    "Job",
    "Pod",
];

fn container(rng: &mut Rng, out: &mut String, indent: &str, name: &str) {
    let image = rng.pick(IMAGES);
    let _ = writeln!(out, "{indent}- name: {name}");
    let _ = writeln!(out, "{indent}  image: {image}");
    let _ = writeln!(out, "{indent}  imagePullPolicy: IfNotPresent");
    let _ = writeln!(
        out,
        "{indent}  args: [\"--port=8080\", \"--log-level=info\", \"--metrics\"]"
    );
    let _ = writeln!(out, "{indent}  env:");
    for i in 0..rng.below(6) + 2 {
        let _ = writeln!(
            out,
            "{indent}    - name: SETTING_{i}\n{indent}      value: \"value-{}\"",
            rng.below(1000)
        );
    }
    let _ = writeln!(out, "{indent}    - name: DB_PASSWORD\n{indent}      valueFrom:\n{indent}        secretKeyRef: {{name: db, key: password}}");
    let _ = writeln!(
        out,
        "{indent}  ports:\n{indent}    - containerPort: {}\n{indent}      protocol: TCP",
        [80, 443, 8080, 9090][usize::try_from(rng.below(4)).unwrap_or(0)]
    );
    let _ = writeln!(out, "{indent}  resources:\n{indent}    requests: {{cpu: 100m, memory: 128Mi}}\n{indent}    limits: {{cpu: \"1\", memory: 512Mi}}");
    let _ = writeln!(out, "{indent}  readinessProbe:\n{indent}    httpGet: {{path: /healthz, port: 8080}}\n{indent}    periodSeconds: 10");
    let _ = writeln!(out, "{indent}  volumeMounts:\n{indent}    - name: config\n{indent}      mountPath: /etc/app\n{indent}      readOnly: true");
    match rng.below(4) {
        0 => {}
        1 => {
            let _ = writeln!(
                out,
                "{indent}  securityContext:\n{indent}    privileged: {}\n{indent}    runAsUser: 0",
                rng.pick(&["true", "yes", "false"])
            );
        }
        2 => {
            let _ = writeln!(out, "{indent}  securityContext:\n{indent}    allowPrivilegeEscalation: false\n{indent}    runAsNonRoot: true\n{indent}    capabilities:\n{indent}      drop: [ALL]");
        }
        _ => {
            let _ = writeln!(out, "{indent}  securityContext:\n{indent}    capabilities:\n{indent}      add: [NET_ADMIN]");
        }
    }
}

fn workload(rng: &mut Rng, out: &mut String, n: usize) {
    let name = workload_only(rng, out, n);
    companions(rng, out, &name);
}

/// One workload document followed by `---`; returns its name.
fn workload_only(rng: &mut Rng, out: &mut String, n: usize) -> String {
    let kind = rng.pick(KINDS);
    let name = format!("app-{n}");
    let api = match kind {
        "Pod" => "v1",
        "CronJob" | "Job" => "batch/v1",
        _ => "apps/v1",
    };
    let _ = writeln!(out, "apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: {name}\n  namespace: team-{}\n  labels:\n    app: {name}\n    tier: backend\n  annotations:\n    owner: team-{}@example.com", rng.below(20), rng.below(20));
    let (spec_indent, pod_prefix) = match kind {
        "Pod" => ("  ", String::from("spec:\n")),
        "CronJob" => ("          ", format!("spec:\n  schedule: \"*/5 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        metadata:\n          labels:\n            app: {name}\n        spec:\n")),
        "Job" => ("      ", format!("spec:\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n")),
        _ => ("      ", format!("spec:\n  replicas: {}\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n", rng.below(5) + 1)),
    };
    out.push_str(&pod_prefix);
    if matches!(kind, "Job" | "CronJob") {
        let _ = writeln!(out, "{spec_indent}restartPolicy: OnFailure");
    }
    if rng.below(8) == 0 {
        let _ = writeln!(out, "{spec_indent}hostNetwork: true");
    }
    let _ = writeln!(
        out,
        "{spec_indent}serviceAccountName: {name}\n{spec_indent}containers:"
    );
    for c in 0..rng.below(3) + 1 {
        container(rng, out, spec_indent, &format!("c{c}"));
    }
    let _ = writeln!(out, "{spec_indent}volumes:\n{spec_indent}  - name: config\n{spec_indent}    configMap: {{name: {name}, defaultMode: 0644}}");
    if rng.below(10) == 0 {
        let _ = writeln!(
            out,
            "{spec_indent}  - name: host\n{spec_indent}    hostPath: {{path: /var/run}}"
        );
    }
    out.push_str("---\n");
    name
}

/// The Service and ConfigMap of workload `name`, each followed by `---`.
fn companions(rng: &mut Rng, out: &mut String, name: &str) {
    let _ = writeln!(out, "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector:\n    app: {}\n  ports:\n    - port: 80\n      targetPort: 8080\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  config.yaml: |\n    listen: 0.0.0.0:8080\n    retries: 3\n    features: [a, b, c]\n---", if rng.below(6) == 0 { "missing" } else { name });
}

/// Generates files of realistic manifests (workloads, Services, ConfigMaps) totalling at
/// least `min_bytes`. Returns `(name, text)` pairs.
#[must_use]
pub fn corpus(min_bytes: usize) -> Vec<(String, String)> {
    let mut rng = Rng(42);
    let mut files = Vec::new();
    let mut total = 0;
    let mut n = 0;
    while total < min_bytes {
        let mut text = String::new();
        for _ in 0..10 {
            workload(&mut rng, &mut text, n);
            n += 1;
        }
        total += text.len();
        files.push((format!("gen/file-{:04}.yaml", files.len()), text));
    }
    files
}

/// One document of another kind than a workload (RBAC, network, storage, secrets),
/// followed by `---`.
fn other(rng: &mut Rng, out: &mut String, n: usize) {
    let ns = rng.below(20);
    let name = format!("obj-{n}");
    match n % 6 {
        0 => {
            let verbs = rng.pick(&["[get, list, watch]", "[\"*\"]", "[create, delete]"]);
            let resources = rng.pick(&["[pods, services]", "[secrets]", "[\"*\"]"]);
            let _ = writeln!(out, "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: {name}\n  namespace: team-{ns}\nrules:\n  - apiGroups: [\"\"]\n    resources: {resources}\n    verbs: {verbs}");
        }
        1 => {
            let subject = rng.pick(&["ServiceAccount", "Group", "User"]);
            let _ = writeln!(out, "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: {name}\n  namespace: team-{ns}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: {}\nsubjects:\n  - kind: {subject}\n    name: app-{}\n    namespace: team-{ns}", rng.pick(&["view", "edit", "cluster-admin"]), rng.below(100));
        }
        2 => {
            let _ = writeln!(out, "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {name}\n  namespace: team-{ns}\n  annotations:\n    nginx.ingress.kubernetes.io/ssl-redirect: \"{}\"\nspec:\n  ingressClassName: nginx\n  rules:\n    - host: {name}.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service: {{name: app-{}, port: {{number: 80}}}}", rng.pick(&["true", "false"]), rng.below(100));
            if rng.below(2) == 0 {
                let _ = writeln!(
                    out,
                    "  tls:\n    - hosts: [{name}.example.com]\n      secretName: {name}-tls"
                );
            }
        }
        3 => {
            let _ = writeln!(out, "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {name}\n  namespace: team-{ns}\nspec:\n  podSelector:\n    matchLabels: {{app: app-{}}}\n  policyTypes: [Ingress, Egress]\n  ingress:\n    - from:\n        - namespaceSelector: {{matchLabels: {{team: \"{ns}\"}}}}\n      ports:\n        - {{port: 8080, protocol: TCP}}", rng.below(100));
        }
        4 => {
            let _ = writeln!(out, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}\n  namespace: team-{ns}\ntype: Opaque\ndata:\n  username: YWRtaW4=\n  password: {}", rng.pick(&["c2VjcmV0", "MWYyZDFlMmU2N2Rm", "aHVudGVyMg=="]));
        }
        _ => {
            let _ = writeln!(out, "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {name}\n  namespace: team-{ns}\nautomountServiceAccountToken: {}", rng.pick(&["true", "false"]));
        }
    }
    out.push_str("---\n");
}

/// Exactly `count` generated resources, `per_file` documents to a file: workloads with
/// their Services and ConfigMaps, RBAC, Ingresses, NetworkPolicies, Secrets and
/// ServiceAccounts, in a fixed mix. Returns `(name, text)` pairs.
#[must_use]
pub fn resources(count: usize, per_file: usize) -> Vec<(String, String)> {
    let mut rng = Rng(7);
    let per_file = per_file.max(1);
    let mut files = Vec::new();
    let mut text = String::new();
    let mut in_file = 0;
    for n in 0..count {
        // Half of the documents are workloads, the rest other kinds.
        if n % 2 == 0 {
            workload_only(&mut rng, &mut text, n);
        } else {
            other(&mut rng, &mut text, n);
        }
        in_file += 1;
        if in_file == per_file || n + 1 == count {
            files.push((
                format!("gen/resources-{:05}.yaml", files.len()),
                std::mem::take(&mut text),
            ));
            in_file = 0;
        }
    }
    files
}
