//! Every evasion trick of the adversarial list (see the Kubernetes decoding notes) applied
//! to a Pod, a Deployment and a CronJob: the scan must report the same policies as for the
//! plain manifest, each at the line where the trick wrote the offending field.

use std::collections::BTreeSet;

use kubeward::{load, Engine, EngineOptions, Finding, Scan};

/// The plain pod spec (indentation 0), with the four violations we track.
const PLAIN: &str = "\
hostNetwork: true
containers:
  - name: app
    image: registry.example.com/app:1.0
    securityContext:
      privileged: true
      runAsUser: 0
volumes:
  - name: host
    hostPath:
      path: /
";

/// Tracked policies and the text whose line they must be reported at (by default).
const TRACKED: &[(&str, &str)] = &[
    ("KW-SEC-001", "privileged: true"),
    ("KW-SEC-004", "hostNetwork: true"),
    ("KW-SEC-005", "path: /"),
    ("KW-SEC-006", "runAsUser: 0"),
];

/// A trick: the pod spec it writes, how it wraps the whole document, and the texts that
/// replace the default needles.
struct Trick {
    name: &'static str,
    spec: String,
    wrap: fn(&str, &str) -> String,
    needles: Vec<(&'static str, &'static str)>,
}

/// The deepest flow nesting a scan accepts (`max-flow-depth`).
const FLOW: usize = 64;

/// `depth` block mappings, one inside the other, under a key at indentation 0: the text
/// after it is the innermost value's indentation.
fn block_nesting(depth: usize) -> String {
    let mut text = String::new();
    for level in 1..=depth {
        text.push_str(&" ".repeat(level));
        text.push_str("a:\n");
    }
    text.push_str(&" ".repeat(depth + 1));
    text
}

fn same(doc: &str, _kind: &str) -> String {
    doc.to_string()
}

fn trick(name: &'static str, spec: &str, needles: &[(&'static str, &'static str)]) -> Trick {
    Trick {
        name,
        spec: spec.to_string(),
        wrap: same,
        needles: needles.to_vec(),
    }
}

fn wrapped(
    name: &'static str,
    wrap: fn(&str, &str) -> String,
    needles: &[(&'static str, &'static str)],
) -> Trick {
    Trick {
        name,
        spec: PLAIN.to_string(),
        wrap,
        needles: needles.to_vec(),
    }
}

/// Indents every line, including lines that YAML 1.1 starts after U+2028, U+2029 or U+0085.
fn indent(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    text.lines()
        .map(|l| {
            let l = l
                .replace('\u{2028}', &format!("\u{2028}{pad}"))
                .replace('\u{85}', &format!("\u{85}{pad}"))
                .replace('\u{2029}', &format!("\u{2029}{pad}"));
            if l.is_empty() {
                String::new()
            } else {
                format!("{pad}{l}\n")
            }
        })
        .collect()
}

/// A full manifest of `kind` around a pod spec.
fn manifest(kind: &str, spec: &str) -> String {
    match kind {
        "Pod" => format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: demo\nspec:\n{}", indent(spec, 2)),
        "Deployment" => format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: demo\nspec:\n  selector:\n    matchLabels: {{app: demo}}\n  template:\n    metadata:\n      labels: {{app: demo}}\n    spec:\n{}",
            indent(spec, 6)
        ),
        _ => format!(
            "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: demo\nspec:\n  schedule: \"0 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n{}",
            indent(spec, 10)
        ),
    }
}

fn api_version(kind: &str) -> &'static str {
    match kind {
        "Pod" => "v1",
        "Deployment" => "apps/v1",
        _ => "batch/v1",
    }
}

fn tricks() -> Vec<Trick> {
    let replace = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .fold(PLAIN.to_string(), |s, (a, b)| s.replacen(a, b, 1))
    };
    vec![
        trick("plain", PLAIN, &[]),
        Trick {
            spec: replace(&[
                ("hostNetwork: true", "hostNetwork: on"),
                ("privileged: true", "privileged: yes"),
                ("runAsUser: 0", "runAsUser: 0x0"),
            ]),
            ..trick(
                "yaml 1.1 booleans, hex zero",
                "",
                &[
                    ("KW-SEC-001", "privileged: yes"),
                    ("KW-SEC-004", "hostNetwork: on"),
                    ("KW-SEC-006", "runAsUser: 0x0"),
                ],
            )
        },
        Trick {
            spec: replace(&[
                ("hostNetwork: true", "hostNetwork: Y"),
                ("privileged: true", "privileged: ON"),
                ("runAsUser: 0", "runAsUser: 0_0"),
            ]),
            ..trick(
                "yaml 1.1 y/ON and underscores",
                "",
                &[
                    ("KW-SEC-001", "privileged: ON"),
                    ("KW-SEC-004", "hostNetwork: Y"),
                    ("KW-SEC-006", "runAsUser: 0_0"),
                ],
            )
        },
        Trick {
            spec: replace(&[("runAsUser: 0", "runAsUser: 00")]),
            ..trick("legacy octal zero", "", &[("KW-SEC-006", "runAsUser: 00")])
        },
        Trick {
            spec: replace(&[("runAsUser: 0", "runAsUser: 0.0")]),
            ..trick("float zero", "", &[("KW-SEC-006", "runAsUser: 0.0")])
        },
        Trick {
            spec: replace(&[
                ("privileged: true", "privileged: !!bool \"yes\""),
                ("runAsUser: 0", "runAsUser: !!int \"0\""),
            ]),
            ..trick(
                "quoted but tagged",
                "",
                &[("KW-SEC-001", "!!bool"), ("KW-SEC-006", "!!int")],
            )
        },
        Trick {
            spec: replace(&[(
                "    securityContext:\n      privileged: true\n      runAsUser: 0\n",
                "    securityContext: !hardened {privileged: true,\n      runAsUser: 0}\n",
            )]),
            ..trick("unknown tag on a mapping", "", &[])
        },
        Trick {
            spec: replace(&[("      path: /\n", "      path: !!binary Lw==\n")]),
            ..trick("binary tag", "", &[("KW-SEC-005", "path: !!binary")])
        },
        Trick {
            spec: replace(&[(
                "      privileged: true\n",
                "      privileged: false\n      <<: {privileged: true}\n",
            )]),
            ..trick("merge key after the explicit key", "", &[])
        },
        Trick {
            spec: replace(&[(
                "      privileged: true\n",
                "      privileged: ~\n      <<: [{privileged: true}, {privileged: false}]\n",
            )]),
            ..trick("merge sequence, first wins", "", &[])
        },
        Trick {
            spec: replace(&[(
                "      privileged: true\n",
                "      privileged: false\n      runAsNonRoot: false\n      privileged: true\n",
            )]),
            ..trick("duplicate key, last wins", "", &[])
        },
        Trick {
            spec: replace(&[
                ("hostNetwork: true", "\"host\\u004eetwork\": true"),
                ("privileged: true", "\"\\x70rivileged\": true"),
            ]),
            ..trick(
                "escaped keys",
                "",
                &[
                    ("KW-SEC-001", "rivileged\": true"),
                    ("KW-SEC-004", "etwork\": true"),
                ],
            )
        },
        Trick {
            spec: replace(&[(
                "      privileged: true\n",
                "      readOnlyRootFilesystem: true # note\u{2028}      privileged: true\n",
            )]),
            ..trick("line separator in a comment", "", &[])
        },
        Trick {
            spec: replace(&[(
                "      privileged: true\n",
                "      readOnlyRootFilesystem: true # note\u{85}      privileged: true\n",
            )]),
            ..trick("next line (NEL) in a comment", "", &[])
        },
        Trick {
            spec: replace(&[("privileged: true", "privileged:\ttrue")]),
            ..trick(
                "tab after the colon",
                "",
                &[("KW-SEC-001", "privileged:\ttrue")],
            )
        },
        Trick {
            spec: replace(&[
                ("      runAsUser: 0\n", "      runAsUser: &root 0\n"),
                (
                    "      path: /\n",
                    "      path: /\n  - name: again\n    hostPath: {path: *root}\n",
                ),
            ]),
            ..trick(
                "anchors and aliases",
                "",
                &[("KW-SEC-006", "runAsUser: &root 0")],
            )
        },
        Trick {
            spec: replace(&[("runAsUser: 0", "runAsUser: 0b0")]),
            ..trick("binary zero", "", &[("KW-SEC-006", "runAsUser: 0b0")])
        },
        Trick {
            spec: replace(&[("runAsUser: 0", "runAsUser: 0o0")]),
            ..trick("0o octal zero", "", &[("KW-SEC-006", "runAsUser: 0o0")])
        },
        Trick {
            spec: replace(&[("runAsUser: 0", "runAsUser: 0e0")]),
            ..trick("exponent zero", "", &[("KW-SEC-006", "runAsUser: 0e0")])
        },
        Trick {
            spec: replace(&[("runAsUser: 0", "runAsUser: -0")]),
            ..trick("negative zero", "", &[("KW-SEC-006", "runAsUser: -0")])
        },
        Trick {
            spec: replace(&[
                ("hostNetwork: true", "x-defaults: &p {privileged: true}\nhostNetwork: true"),
                ("      privileged: true\n", "      privileged: false\n      <<: *p\n"),
            ]),
            // The finding is where `privileged: true` is written: in the anchored map.
            ..trick(
                "merge of an alias after the explicit key",
                "",
                &[("KW-SEC-001", "{privileged: true}")],
            )
        },
        Trick {
            spec: replace(&[
                ("hostNetwork: true", "x-defaults: &p {privileged: true}\nhostNetwork: true"),
                ("      privileged: true\n", "      privileged: false\n      !!merge <<: *p\n"),
            ]),
            ..trick(
                "explicitly tagged merge key",
                "",
                &[("KW-SEC-001", "{privileged: true}")],
            )
        },
        Trick {
            spec: replace(&[(
                "      privileged: true\n",
                "      privileged: true\n      \"<<\": {privileged: false}\n",
            )]),
            ..trick("quoted << is a plain key, not a merge", "", &[])
        },
        Trick {
            spec: replace(&[
                ("  - name: app\n", "  - name: &k privileged\n"),
                ("      privileged: true\n", "      *k : true\n"),
            ]),
            // The key's location is the anchored scalar's (`&k privileged`), not the alias's.
            ..trick("alias as a key", "", &[("KW-SEC-001", "&k privileged")])
        },
        Trick {
            spec: replace(&[(
                "      privileged: true\n",
                "      x-a: &p false\n      x-b: &p true\n      privileged: *p\n      x-c: &p false\n",
            )]),
            ..trick("redefined anchor, the preceding one counts", "", &[("KW-SEC-001", "privileged: *p")])
        },
        Trick {
            spec: replace(&[(
                "      privileged: true\n",
                "      readOnlyRootFilesystem: true\u{2029}      privileged: true\n",
            )]),
            ..trick("paragraph separator (PS) after a plain scalar", "", &[])
        },
        Trick {
            spec: replace(&[(
                "      privileged: true\n",
                "      ? privileged\n      : true\n",
            )]),
            ..trick("explicit key syntax", "", &[("KW-SEC-001", "? privileged")])
        },
        Trick {
            spec: replace(&[
                ("      privileged: true\n", "      privileged: # on purpose\n        true\n"),
                ("      path: /\n", "      path:\n        /\n"),
            ]),
            ..trick(
                "value on the next line",
                "",
                &[("KW-SEC-001", "privileged: #"), ("KW-SEC-005", "path:\n")],
            )
        },
        Trick {
            spec: replace(&[
                ("privileged: true", "'privileged': true"),
                ("hostNetwork: true", "!!str hostNetwork: true"),
            ]),
            ..trick(
                "quoted and tagged keys",
                "",
                &[("KW-SEC-001", "'privileged': true"), ("KW-SEC-004", "!!str hostNetwork")],
            )
        },
        Trick {
            spec: replace(&[("      path: /\n", "      path: >-\n        /\n")]),
            ..trick("block scalar value", "", &[("KW-SEC-005", "path: >-")])
        },
        Trick {
            spec: replace(&[("      path: /\n", "      path: \"\\x2F\"\n")]),
            ..trick("escaped value", "", &[("KW-SEC-005", "path: \"\\x2F\"")])
        },
        Trick {
            // As deep as flow collections may nest (deeper is an error: docs/limits.md).
            spec: replace(&[(
                "hostNetwork: true",
                &format!("x-deep: {}0{}\nhostNetwork: true", "[".repeat(FLOW), "]".repeat(FLOW)),
            )]),
            ..trick("flow nesting at the flow-depth limit in an unknown field", "", &[])
        },
        Trick {
            spec: replace(&[(
                "hostNetwork: true",
                &format!("x-deep:\n{}0\nhostNetwork: true", block_nesting(200)),
            )]),
            ..trick("200-deep block nesting in an unknown field", "", &[])
        },
        wrapped(
            "comment on the separator line",
            |doc, _| {
                format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\n--- # the workload\n{doc}")
            },
            &[],
        ),
        wrapped(
            "separator with trailing blanks and a comment-only document",
            |doc, _| {
                format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\n---  \t\n# nothing here\n---\n{doc}")
            },
            &[],
        ),
        wrapped("CRLF line ends", |doc, _| doc.replace('\n', "\r\n"), &[]),
        wrapped(
            "mixed line ends",
            |doc, _| {
                format!(
                    "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata: {{name: c}}\r\n---\n{}",
                    doc.replacen('\n', "\r\n", 3)
                )
            },
            &[],
        ),
        wrapped("byte order mark", |doc, _| format!("\u{feff}{doc}"), &[]),
        wrapped(
            "byte order mark on a later document",
            |doc, _| {
                format!(
                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\n---\n\u{feff}{doc}"
                )
            },
            &[],
        ),
        wrapped(
            "kind: List",
            |doc, _| {
                format!(
                    "apiVersion: v1\nkind: List\nitems:\n- {}",
                    indent(doc, 2).trim_start()
                )
            },
            &[],
        ),
        wrapped(
            "any object with items",
            |doc, _| {
                format!(
                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\nitems:\n- {}",
                    indent(doc, 2).trim_start()
                )
            },
            &[],
        ),
        wrapped(
            "kind-less items of a typed list",
            |doc, kind| {
                let body: String = doc.lines().skip(2).map(|l| format!("{l}\n")).collect();
                format!(
                    "apiVersion: {}\nkind: {kind}List\nitems:\n- {}",
                    api_version(kind),
                    indent(&body, 2).trim_start()
                )
            },
            &[],
        ),
        wrapped(
            "JSON stream",
            |doc, _| {
                let root = &kubeward::yaml::decode(doc.as_bytes()).documents[0].root;
                let pretty = serde_json::to_string_pretty(&root.to_json()).unwrap_or_default();
                format!("{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"c\"}}}}{pretty}\n")
            },
            &[
                ("KW-SEC-001", "\"privileged\": true"),
                ("KW-SEC-004", "\"hostNetwork\": true"),
                ("KW-SEC-005", "\"path\": \"/\""),
                ("KW-SEC-006", "\"runAsUser\": 0"),
            ],
        ),
        wrapped(
            "JSON then YAML",
            |doc, _| {
                format!("{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"c\"}}}}\n---\n{doc}")
            },
            &[],
        ),
        wrapped(
            "invalid JSON read as YAML",
            |doc, _| {
                format!("{{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {{\"name\": \"c\"}}, \"data\": {{\"a\": yes}}}}\n---\n{doc}")
            },
            &[],
        ),
        wrapped(
            "escaped apiVersion and kind keys",
            |doc, _| {
                doc.replacen("apiVersion:", "\"\\x61piVersion\":", 1)
                    .replacen("kind:", "\"\\u006bind\":", 1)
            },
            &[],
        ),
        wrapped(
            "trailing comment-only document",
            |doc, _| format!("{doc}---\n# end of the stream\n"),
            &[],
        ),
        wrapped(
            "empty documents around",
            |doc, _| format!("---\n---\n{doc}---\n---\n"),
            &[],
        ),
        wrapped(
            "Helm-like text in a ConfigMap first",
            |doc, _| {
                format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\ndata:\n  tpl: \"{{{{ if .Values.x }}}}{{{{ .Values.y }}}}{{{{ end }}}}\"\n---\n{doc}")
            },
            &[],
        ),
        wrapped(
            "flow style document",
            |doc, _| {
                let root = &kubeward::yaml::decode(doc.as_bytes()).documents[0].root;
                let flow = serde_json::to_string_pretty(&root.to_json()).unwrap_or_default();
                // JSON is flow YAML: unquote the keys and give it a YAML start.
                let mut out = String::from("# flow style\n");
                for line in flow.lines() {
                    let trimmed = line.trim_start();
                    let pad = &line[..line.len() - trimmed.len()];
                    match trimmed.strip_prefix('"').and_then(|t| t.split_once("\": ")) {
                        Some((key, rest)) => out.push_str(&format!("{pad}{key}: {rest}\n")),
                        None => out.push_str(&format!("{line}\n")),
                    }
                }
                out
            },
            &[
                ("KW-SEC-001", "privileged: true"),
                ("KW-SEC-004", "hostNetwork: true"),
                ("KW-SEC-005", "path: \"/\""),
                ("KW-SEC-006", "runAsUser: 0"),
            ],
        ),
        wrapped(
            "invalid JSON workload read as YAML",
            |doc, _| {
                // `{"kind":"Pod", ... "privileged": yes}` is no JSON: Kubernetes falls back
                // to YAML, where `yes` is true.
                let root = &kubeward::yaml::decode(doc.as_bytes()).documents[0].root;
                let pretty = serde_json::to_string_pretty(&root.to_json()).unwrap_or_default();
                format!("{}\n", pretty.replacen("\"privileged\": true", "\"privileged\": yes", 1))
            },
            &[
                ("KW-SEC-001", "\"privileged\": yes"),
                ("KW-SEC-004", "\"hostNetwork\": true"),
                ("KW-SEC-005", "\"path\": \"/\""),
                ("KW-SEC-006", "\"runAsUser\": 0"),
            ],
        ),
        wrapped(
            "Helm-like text in a comment",
            |doc, _| format!("# rendered from {{{{ .Values.image }}}}\n{doc}"),
            &[],
        ),
    ]
}

fn line_of(text: &str, needle: &str) -> Result<u32, String> {
    let mut hits = text.match_indices(needle);
    let (at, _) = hits
        .next()
        .ok_or_else(|| format!("needle {needle:?} not in the manifest"))?;
    if hits.next().is_some() {
        return Err(format!("needle {needle:?} is ambiguous"));
    }
    Ok(u32::try_from(text[..at].matches('\n').count() + 1).unwrap_or(0))
}

fn scan(engine: &Engine, text: &str) -> (Vec<Finding>, usize) {
    let file = load("manifest.yaml", text.as_bytes(), 0);
    let errors = file.errors.len();
    let scan = Scan { files: vec![file] };
    (engine.evaluate(&scan), errors)
}

/// Policies found, without the decoder-diagnostic ones (tricks add those on purpose).
fn policies(findings: &[Finding]) -> BTreeSet<String> {
    findings
        .iter()
        .filter(|f| !f.policy.starts_with("KW-YML-"))
        .map(|f| f.policy.clone())
        .collect()
}

#[test]
fn every_trick_yields_the_plain_findings_at_the_right_line() {
    assert_eq!(
        usize::try_from(kubeward::Limits::default().max_flow_depth()).ok(),
        Some(FLOW)
    );
    let engine = Engine::new(EngineOptions::default());
    assert!(
        engine.is_ok(),
        "built-in policies: {:?}",
        engine.as_ref().err()
    );
    let Ok(engine) = engine else { return };
    let mut failures = Vec::new();
    let mut checked = 0;
    for kind in ["Pod", "Deployment", "CronJob"] {
        let (plain_findings, _) = scan(&engine, &manifest(kind, PLAIN));
        let expected = policies(&plain_findings);
        for (policy, _) in TRACKED {
            assert!(
                expected.contains(*policy),
                "{kind}: the plain manifest must trigger {policy}: {expected:?}"
            );
        }
        for t in tricks() {
            let text = (t.wrap)(&manifest(kind, &t.spec), kind);
            let (findings, errors) = scan(&engine, &text);
            let label = format!("{kind} / {}", t.name);
            if errors > 0 {
                failures.push(format!("{label}: {errors} decode errors"));
                continue;
            }
            let got = policies(&findings);
            if got != expected {
                failures.push(format!(
                    "{label}: policies {got:?}, plain form gives {expected:?}"
                ));
            }
            for (policy, default_needle) in TRACKED {
                let needle = t
                    .needles
                    .iter()
                    .find(|(p, _)| p == policy)
                    .map_or(*default_needle, |(_, n)| *n);
                let want = match line_of(&text, needle) {
                    Ok(line) => line,
                    Err(e) => {
                        failures.push(format!("{label}: {e}"));
                        continue;
                    }
                };
                let lines: Vec<u32> = findings
                    .iter()
                    .filter(|f| f.policy == *policy)
                    .map(|f| f.region.line)
                    .collect();
                if !lines.contains(&want) {
                    failures.push(format!(
                        "{label}: {policy} at lines {lines:?}, expected line {want}"
                    ));
                }
            }
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(checked, 3 * tricks().len());
    assert_eq!(tricks().len(), 52, "the trick count in docs/reliability.md");
}
