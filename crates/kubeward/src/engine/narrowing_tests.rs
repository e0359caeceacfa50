//! The relation indexes (`eval::narrow`) must not change any finding: every built-in
//! policy is evaluated on generated scans with the indexes and without them (each
//! relation's `where` then runs on every candidate of its kinds and namespace), and the
//! findings must be the same. The scans mix the shapes the indexes treat differently:
//! selectors that are empty, `null`, not maps, with numbers, booleans or expressions
//! only; labels that are numbers; names that repeat across namespaces; resources without a
//! namespace.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::{evaluate_in, Engine, EngineOptions};
use crate::model::{load, Scan};

/// A small deterministic generator (xorshift), so that a failure can be replayed.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }

    fn pick<'x>(&mut self, items: &[&'x str]) -> &'x str {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// A flow map of up to three labels; values are sometimes numbers or booleans.
    fn labels(&mut self) -> String {
        let n = self.next() % 4;
        let mut pairs = Vec::new();
        for key in ["app", "tier", "team"]
            .iter()
            .take(usize::try_from(n).unwrap_or(0))
        {
            let value = self.pick(&["web", "db", "'1'", "1", "true", "web", "db"]);
            pairs.push(format!("{key}: {value}"));
        }
        format!("{{{}}}", pairs.join(", "))
    }

    /// A `LabelSelector` in one of the shapes that select differently.
    fn label_selector(&mut self) -> String {
        match self.next() % 9 {
            0 => "{}".to_string(),
            1 => "{matchLabels: null}".to_string(),
            2 => "{matchLabels: {}}".to_string(),
            3 => "web".to_string(),
            4 => "{matchLabels: web}".to_string(),
            5 => format!(
                "{{matchExpressions: [{{key: {}, operator: {}, values: [web, db]}}]}}",
                self.pick(&["app", "tier"]),
                self.pick(&["In", "NotIn", "Exists", "DoesNotExist"])
            ),
            6 => format!(
                "{{matchLabels: {}, matchExpressions: [{{key: team, operator: {}}}]}}",
                self.labels(),
                self.pick(&["Exists", "DoesNotExist"])
            ),
            _ => format!("{{matchLabels: {}}}", self.labels()),
        }
    }

    fn namespace(&mut self) -> String {
        match self.pick(&["shop", "billing", "", "lab"]) {
            "" => String::new(),
            ns => format!(", namespace: {ns}"),
        }
    }

    /// Network policies stay out of `lab` (and are never without a namespace, which would
    /// count in every namespace), so that some pods are isolated by none.
    fn policy_namespace(&mut self) -> String {
        format!(", namespace: {}", self.pick(&["shop", "billing"]))
    }

    fn resource(&mut self, i: usize) -> String {
        let ns = self.namespace();
        let name = self.pick(&["web", "db", "default", "sa1", "3"]);
        match self.next() % 16 {
            0..=3 => {
                let kind = self.pick(&["Pod", "Deployment", "StatefulSet", "DaemonSet", "Job"]);
                let mut pod = String::new();
                match self.next() % 4 {
                    0 => pod.push_str(&format!(
                        "serviceAccountName: {}, ",
                        self.pick(&["default", "sa1", "sa2", "3", "''"])
                    )),
                    1 => pod.push_str(&format!("serviceAccount: {}, ", self.pick(&["sa1", "sa2"]))),
                    _ => {}
                }
                if self.chance(20) {
                    pod.push_str("automountServiceAccountToken: false, ");
                }
                if self.chance(10) {
                    pod.push_str("hostNetwork: true, ");
                }
                let source = self.pick(&["configMapKeyRef", "secretKeyRef"]);
                let (from, key) = (self.pick(&["web", "db"]), self.pick(&["a", "b", "1"]));
                pod.push_str(&format!(
                    "containers: [{{name: c, image: registry.example.com/c:1.0, \
                     ports: [{{containerPort: 8080, name: http}}], \
                     env: [{{name: E, valueFrom: {{{source}: {{name: {from}, key: {key}}}}}}}]}}]"
                ));
                let labels = self.labels();
                if kind == "Pod" {
                    format!(
                        "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}-{i}{ns}, labels: {labels}}}\nspec: {{{pod}}}\n"
                    )
                } else {
                    let api = if kind == "Job" { "batch/v1" } else { "apps/v1" };
                    format!(
                        "apiVersion: {api}\nkind: {kind}\nmetadata: {{name: {name}{ns}}}\nspec:\n  selector: {{matchLabels: {labels}}}\n  template:\n    metadata: {{labels: {labels}}}\n    spec: {{{pod}}}\n"
                    )
                }
            }
            4 => {
                let selector = match self.next() % 4 {
                    0 => "{}".to_string(),
                    1 => "web".to_string(),
                    _ => self.labels(),
                };
                format!(
                    "apiVersion: v1\nkind: Service\nmetadata: {{name: {name}{ns}}}\nspec: {{selector: {selector}, ports: [{{port: 80, targetPort: http}}]}}\n"
                )
            }
            5 | 6 => {
                let ns = self.policy_namespace();
                let api = self.pick(&["networking.k8s.io/v1", "networking.k8s.io/v1", "v1"]);
                let selector = self.label_selector();
                format!(
                    "apiVersion: {api}\nkind: NetworkPolicy\nmetadata: {{name: np-{i}{ns}}}\nspec: {{podSelector: {selector}, policyTypes: [Ingress]}}\n"
                )
            }
            7 => {
                let ns = self.policy_namespace();
                let selector = self.label_selector();
                let kind = self.pick(&[
                    "CiliumNetworkPolicy",
                    "CiliumNetworkPolicy",
                    "CiliumNetworkPolicy",
                    "CiliumClusterwideNetworkPolicy",
                ]);
                if self.chance(50) {
                    format!("apiVersion: cilium.io/v2\nkind: {kind}\nmetadata: {{name: c-{i}{ns}}}\nspec: {{endpointSelector: {selector}}}\n")
                } else {
                    format!("apiVersion: cilium.io/v2\nkind: {kind}\nmetadata: {{name: c-{i}{ns}}}\nspecs: [{{endpointSelector: {selector}}}]\n")
                }
            }
            8 => {
                let automount = self.pick(&["false", "true", "null"]);
                format!(
                    "apiVersion: v1\nkind: ServiceAccount\nmetadata: {{name: {name}{ns}}}\nautomountServiceAccountToken: {automount}\n"
                )
            }
            9 => {
                let selector = self.label_selector();
                format!(
                    "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: pdb-{i}{ns}}}\nspec: {{minAvailable: 1, selector: {selector}}}\n"
                )
            }
            10 => {
                let target = self.pick(&["Deployment", "StatefulSet"]);
                format!(
                    "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {{name: hpa-{i}{ns}}}\nspec: {{scaleTargetRef: {{apiVersion: apps/v1, kind: {target}, name: {name}}}, minReplicas: 2, maxReplicas: 5}}\n"
                )
            }
            12 | 13 => {
                let kind = self.pick(&["RoleBinding", "ClusterRoleBinding"]);
                let subjects = match self.below(5) {
                    0 => "null".to_string(),
                    1 => "{name: sa1}".to_string(),
                    _ => {
                        let mut list = Vec::new();
                        for _ in 0..self.below(4) {
                            let ns = match self.pick(&["shop", "billing", ""]) {
                                "" => String::new(),
                                ns => format!(", namespace: {ns}"),
                            };
                            list.push(format!(
                                "{{kind: {}, name: {}{ns}}}",
                                self.pick(&["ServiceAccount", "ServiceAccount", "User"]),
                                self.pick(&["default", "sa1", "sa2", "3"])
                            ));
                        }
                        format!("[{}]", list.join(", "))
                    }
                };
                format!(
                    "apiVersion: rbac.authorization.k8s.io/v1\nkind: {kind}\nmetadata: {{name: rb-{i}{ns}}}\nsubjects: {subjects}\nroleRef: {{apiGroup: rbac.authorization.k8s.io, kind: {}, name: {}}}\n",
                    self.pick(&["Role", "ClusterRole"]),
                    self.pick(&["admin", "view", "cluster-admin"])
                )
            }
            14 => {
                let kind = self.pick(&["Role", "ClusterRole"]);
                let role = self.pick(&["admin", "view"]);
                let rule = self.pick(&[
                    "{apiGroups: ['*'], resources: ['*'], verbs: ['*']}",
                    "{apiGroups: [''], resources: [secrets], verbs: [get, list]}",
                    "{apiGroups: [''], resources: [pods/exec], verbs: [create]}",
                ]);
                format!(
                    "apiVersion: rbac.authorization.k8s.io/v1\nkind: {kind}\nmetadata: {{name: {role}{ns}}}\nrules: [{rule}]\n"
                )
            }
            15 => {
                let kind = self.pick(&["ConfigMap", "Secret"]);
                let data = self.pick(&["{a: x}", "{a: x, b: y}", "{'1': x}", "{}", "null"]);
                format!(
                    "apiVersion: v1\nkind: {kind}\nmetadata: {{name: {name}{ns}}}\ndata: {data}\n"
                )
            }
            _ => {
                let ns_name = self.pick(&["shop", "billing"]);
                format!(
                    "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns_name}\n  annotations: {{openshift.io/sa.scc.uid-range: 1000/{}}}\n",
                    self.pick(&["1000", "10"])
                )
            }
        }
    }
}

fn scan(seed: u64, resources: usize) -> Scan {
    let mut generate = Gen(seed);
    let files = (0..4)
        .map(|f| {
            let text: Vec<String> = (0..resources / 4)
                .map(|i| generate.resource(f * 1000 + i))
                .collect();
            load(&format!("gen-{f}.yaml"), text.join("---\n").as_bytes(), f)
        })
        .collect();
    Scan { files }
}

#[test]
fn relation_indexes_change_no_finding() {
    let engine = Engine::new(EngineOptions {
        packs: vec!["all".to_string()],
        ..EngineOptions::default()
    })
    .expect("the built-in policies load");
    let policies: Vec<_> = engine.policies.iter().map(|l| &l.policy).collect();
    let mut compared = 0;
    let mut reported = std::collections::BTreeSet::new();
    for seed in 1..=12_u64 {
        let scan = scan(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15), 240);
        for file in &scan.files {
            assert!(file.errors.is_empty(), "seed {seed}: {:?}", file.errors);
        }
        let (indexed, errors) = evaluate_in(&policies, &scan, u64::MAX, |w| w);
        assert!(errors.is_empty());
        let (plain, _) = evaluate_in(&policies, &scan, u64::MAX, |w| w.without_narrowing());
        assert_eq!(
            indexed.len(),
            plain.len(),
            "seed {seed}: number of findings"
        );
        for (a, b) in indexed.iter().zip(&plain) {
            assert_eq!(a, b, "seed {seed}");
        }
        compared += plain.len();
        reported.extend(plain.iter().map(|f| f.policy.clone()));
    }
    assert!(compared > 1000, "only {compared} findings compared");
    // The policies whose relations go through the indexes report something on these scans.
    for id in [
        "KW-NET-009",
        "KW-NET-010",
        "KW-HRD-011",
        "KW-RBC-030",
        "KW-RBC-031",
        "KW-RBC-032",
        "KW-REL-013",
    ] {
        assert!(
            reported.contains(id),
            "{id} reports nothing on the generated scans"
        );
    }
}
