//! End-to-end tests of the `kubeward` binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_kubeward");

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A fresh empty folder for one test.
fn temp_dir(name: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "cli-{name}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}\n{}", self.stdout, self.stderr))
    }
}

fn finish(out: Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// Runs kubeward in `dir` with `args`, with `stdin` piped in (empty when `None`).
fn run_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut pipe = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            pipe.write_all(text.as_bytes()).unwrap();
        }
    }
    finish(child.wait_with_output().unwrap())
}

/// `kubeward scan` in the fixtures folder with the test policies only, no config.
fn scan(args: &[&str]) -> Run {
    let mut all = vec![
        "scan",
        "--no-config",
        "--pack",
        "none",
        "--policy",
        "policies",
    ];
    all.extend_from_slice(args);
    run_in(&fixtures(), &all, None)
}

fn policies_of(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}@{}:{}",
                f["policy"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["line"]
            )
        })
        .collect()
}

#[test]
fn exit_0_when_nothing_is_found() {
    let run = scan(&["clean"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("no findings in 1 file (1 resource)"),
        "{}",
        run.stdout
    );
}

#[test]
fn exit_1_on_findings_at_or_above_fail_on() {
    let run = scan(&["manifests/privileged.yaml"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("critical[TEST-001]: container app runs privileged"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("  --> manifests/privileged.yaml:14:11\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("14 |           privileged: yes\n   |           ^^^^^^^^^^^^^^^\n"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );

    // A medium finding fails the default run, not one that fails on high only.
    let medium = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: a}}\nspec: {hostNetwork: true, containers: [{name: a, image: b}]}\n";
    let dir = temp_dir("fail-on");
    std::fs::write(dir.join("m.yaml"), medium).unwrap();
    let policies = fixtures().join("policies");
    let p = policies.to_str().unwrap();
    let base = [
        "scan",
        "--no-config",
        "--pack",
        "none",
        "--policy",
        p,
        "m.yaml",
    ];
    assert_eq!(run_in(&dir, &base, None).code, 1);
    let with = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        run_in(&dir, &args, None).code
    };
    assert_eq!(with(&["--fail-on", "high"]), 0);
    assert_eq!(with(&["--fail-on", "medium"]), 1);
    assert_eq!(with(&["--fail-on", "never"]), 0);
}

#[test]
fn info_findings_do_not_fail_by_default() {
    let dir = temp_dir("info");
    std::fs::write(
        dir.join("p.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
    )
    .unwrap();
    let p = fixtures().join("policies");
    let args = [
        "scan",
        "--no-config",
        "--pack",
        "none",
        "--policy",
        p.to_str().unwrap(),
        "p.yaml",
    ];
    let run = run_in(&dir, &args, None);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("info[TEST-003]"), "{}", run.stdout);
    let mut strict = args.to_vec();
    strict.extend(["--fail-on", "info"]);
    assert_eq!(run_in(&dir, &strict, None).code, 1);
}

#[test]
fn broken_document_is_an_error_and_the_rest_is_still_scanned() {
    let run = scan(&[
        "--format",
        "json",
        "manifests/multi.yaml",
        "manifests/privileged.yaml",
    ]);
    assert_eq!(run.code, 2, "an error wins over findings: {}", run.stderr);
    let doc = run.json();
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["file"], "manifests/multi.yaml");
    assert_eq!(
        (errors[0]["line"].as_u64(), errors[0]["column"].as_u64()),
        (Some(11), Some(5))
    );
    assert_eq!(
        policies_of(&doc["findings"]),
        [
            "TEST-002@manifests/multi.yaml:5",
            "TEST-001@manifests/multi.yaml:20",
            "TEST-001@manifests/privileged.yaml:14"
        ]
    );
    assert_eq!(doc["summary"]["files"], 2);
    assert_eq!(doc["summary"]["resources"], 3);
}

#[test]
fn json_report_has_exactly_the_contract_keys() {
    let run = scan(&["--format", "json", "manifests/privileged.yaml"]);
    let doc = run.json();
    let keys: Vec<&str> = doc
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "version",
            "tool",
            "findings",
            "suppressed",
            "errors",
            "summary"
        ]
    );
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["tool"]["name"], "kubeward");
    let f = &doc["findings"][0];
    let expected = serde_json::json!({
        "policy": "TEST-001", "title": "Container runs privileged", "severity": "critical",
        "message": "container app runs privileged", "aliases": ["pss:privileged", "CKV_K8S_16"],
        "file": "manifests/privileged.yaml", "line": 14, "column": 11, "endLine": 14, "endColumn": 26,
        "path": "/spec/template/spec/containers/0/securityContext/privileged",
        "resource": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "web", "name": "app",
                     "document": 0},
        "container": "app"
    });
    assert_eq!(f, &expected);
    assert_eq!(
        doc["summary"],
        serde_json::json!({"files": 1, "resources": 1, "findings": 1, "bySeverity": {"critical": 1}})
    );
}

#[test]
fn stdin_is_read_with_dash_or_when_piped() {
    let text = std::fs::read_to_string(fixtures().join("manifests/privileged.yaml")).unwrap();
    let p = fixtures().join("policies");
    let base = [
        "scan",
        "--no-config",
        "--pack",
        "none",
        "--policy",
        p.to_str().unwrap(),
        "--format",
        "json",
    ];
    for extra in [&["-"][..], &[][..]] {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        let run = run_in(&temp_dir("stdin"), &args, Some(&text));
        assert_eq!(run.code, 1, "{}", run.stderr);
        let doc = run.json();
        assert_eq!(doc["findings"][0]["file"], "<stdin>");
        assert_eq!(doc["findings"][0]["line"], 14);
    }
    let mut dash = base.to_vec();
    dash.push("-");
    let run = run_in(&temp_dir("stdin-empty"), &dash, Some(""));
    assert_eq!(run.code, 0);
    assert!(
        run.stderr.contains("warning: standard input was empty"),
        "{}",
        run.stderr
    );
    // No PATH and nothing piped in (a CI step with an empty stdin): scanning nothing fails.
    let run = run_in(&temp_dir("stdin-none"), &base, Some(""));
    assert_eq!(run.code, 2);
    assert!(run.json()["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("no PATH was given"));
}

#[test]
fn output_writes_the_report_to_a_file() {
    let dir = temp_dir("output");
    let out = dir.join("report.json");
    let run = scan(&[
        "--format",
        "json",
        "--output",
        out.to_str().unwrap(),
        "manifests/privileged.yaml",
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains("json report written to"),
        "{}",
        run.stderr
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(doc["summary"]["findings"], 1);

    let missing = dir.join("no/such/folder/r.json");
    let run = scan(&["--output", missing.to_str().unwrap(), "clean"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot write the report"),
        "{}",
        run.stderr
    );
}

#[test]
fn unreadable_paths_are_errors_not_skipped() {
    let run = scan(&[
        "--format",
        "json",
        "does-not-exist.yaml",
        "manifests/privileged.yaml",
    ]);
    assert_eq!(run.code, 2);
    let doc = run.json();
    assert_eq!(doc["errors"][0]["file"], "does-not-exist.yaml");
    assert!(doc["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("check the path"));
    assert_eq!(
        doc["findings"].as_array().unwrap().len(),
        1,
        "the other file is scanned"
    );
}

#[test]
fn folders_are_walked_in_order_skipping_hidden_and_foreign_files() {
    let dir = temp_dir("walk");
    let pod = |name: &str| {
        format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, labels: {{app: a}}}}\nspec: {{hostNetwork: true, containers: [{{name: a, image: b}}]}}\n")
    };
    for (path, text) in [
        ("m/b.yaml", pod("b")),
        ("m/a/z.yml", pod("z")),
        ("m/c.json", r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "c", "labels": {"app": "a"}}, "spec": {"hostNetwork": true}}"#.to_string()),
        ("m/.git/x.yaml", pod("git")),
        ("m/.hidden.yaml", pod("hidden")),
        ("m/notes.txt", "not yaml".to_string()),
        ("explicit.txt", pod("explicit")),
    ] {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let p = fixtures().join("policies");
    let run = run_in(
        &dir,
        &[
            "scan",
            "--no-config",
            "--pack",
            "none",
            "--policy",
            p.to_str().unwrap(),
            "--format",
            "json",
            "./m",
            "explicit.txt",
            "m/b.yaml",
        ],
        None,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc = run.json();
    assert_eq!(
        policies_of(&doc["findings"]),
        [
            "TEST-002@explicit.txt:4",
            "TEST-002@m/a/z.yml:4",
            "TEST-002@m/b.yaml:4",
            "TEST-002@m/c.json:1"
        ]
    );
    assert_eq!(
        doc["summary"]["files"], 4,
        "m/b.yaml named twice is read once"
    );
}

#[test]
fn a_broken_chart_archive_is_an_error() {
    let dir = temp_dir("chart");
    std::fs::write(dir.join("c.tgz"), b"\x1f\x8b").unwrap();
    let run = run_in(
        &dir,
        &["scan", "--no-config", "--format", "json", "c.tgz"],
        None,
    );
    assert_eq!(run.code, 2);
    let doc = run.json();
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["file"], "c.tgz");
    assert!(!errors[0]["message"].as_str().unwrap().is_empty());
}

const CONFIG: &str = "\
failOn: medium
exemptions:
  - policy: TEST-002
    namespace: kube-*
    reason: system pods need the host network
  - policy: TEST-001
    reason: expired long ago
    expires: 2000-01-01
  - kind: CronJob
    reason: matches nothing here
";

fn with_config(config: &str, format: &str) -> Run {
    let dir = temp_dir("config");
    std::fs::write(dir.join(".kubeward.yaml"), config).unwrap();
    std::fs::copy(
        fixtures().join("manifests/suppressed.yaml"),
        dir.join("suppressed.yaml"),
    )
    .unwrap();
    let p = fixtures().join("policies");
    run_in(
        &dir,
        &[
            "scan",
            "--pack",
            "none",
            "--policy",
            p.to_str().unwrap(),
            "--format",
            format,
            ".",
        ],
        None,
    )
}

#[test]
fn suppressions_of_every_kind_stay_in_the_report() {
    let run = with_config(CONFIG, "json");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let doc = run.json();
    assert!(
        doc["findings"].as_array().unwrap().is_empty(),
        "{}",
        doc["findings"]
    );
    let by: Vec<(&str, &str, &str)> = doc["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["policy"].as_str().unwrap(),
                s["suppressedBy"].as_str().unwrap(),
                s["reason"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        by,
        [
            (
                "TEST-002",
                "annotation ignore.kubeward.io/TEST-002 at suppressed.yaml:7",
                "the CNI agent needs the host network"
            ),
            (
                "TEST-001",
                "comment at suppressed.yaml:20",
                "debugging image, never deployed"
            ),
            (
                "TEST-002",
                "config exemption #1 (.kubeward.yaml:3)",
                "system pods need the host network"
            ),
        ]
    );
    assert!(
        run.stderr
            .contains("warning: config exemption #2 (.kubeward.yaml:6) expired on 2000-01-01"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("warning: config exemption #3 (.kubeward.yaml:9) matched no finding"),
        "{}",
        run.stderr
    );
}

#[test]
fn config_errors_name_the_line_and_fail_the_run() {
    let run = with_config("packs: [none]\nfailon: high\n", "json");
    assert_eq!(run.code, 2);
    let doc = run.json();
    assert_eq!(doc["errors"][0]["file"], ".kubeward.yaml");
    assert_eq!(
        (
            doc["errors"][0]["line"].as_u64(),
            doc["errors"][0]["column"].as_u64()
        ),
        (Some(2), Some(1))
    );
    assert!(doc["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("unknown field `failon`"));
}

#[test]
fn suppression_without_reason_is_refused() {
    let dir = temp_dir("refused");
    std::fs::write(
        dir.join("p.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {app: a}\n  annotations:\n    ignore.kubeward.io/TEST-002: \"\"\nspec: {hostNetwork: true, containers: [{name: a, image: b}]}\n",
    )
    .unwrap();
    let p = fixtures().join("policies");
    let run = run_in(
        &dir,
        &[
            "scan",
            "--no-config",
            "--pack",
            "none",
            "--policy",
            p.to_str().unwrap(),
            "--format",
            "json",
            "p.yaml",
        ],
        None,
    );
    assert_eq!(run.code, 2);
    let doc = run.json();
    assert_eq!(
        doc["findings"][0]["policy"], "TEST-002",
        "the finding stays active"
    );
    assert_eq!(
        (
            doc["errors"][0]["line"].as_u64(),
            doc["errors"][0]["column"].as_u64()
        ),
        (Some(7), Some(5))
    );
}

#[test]
fn junit_is_well_formed() {
    let run = with_config(CONFIG, "junit");
    roxmltree::Document::parse(&run.stdout).unwrap_or_else(|e| panic!("{e}\n{}", run.stdout));
    let run = scan(&["--format", "junit", "manifests"]);
    let xml =
        roxmltree::Document::parse(&run.stdout).unwrap_or_else(|e| panic!("{e}\n{}", run.stdout));
    let root = xml.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("failures"), Some("4"));
    assert_eq!(root.attribute("errors"), Some("1"));
    assert!(xml.descendants().any(|n| n.has_tag_name("error")));
}

/// A SARIF report with findings, suppressions of each kind, and an error.
fn sarif_report(dir: &Path) -> PathBuf {
    std::fs::write(dir.join(".kubeward.yaml"), CONFIG).unwrap();
    for name in ["suppressed.yaml", "multi.yaml", "privileged.yaml"] {
        std::fs::copy(fixtures().join("manifests").join(name), dir.join(name)).unwrap();
    }
    let out = dir.join("report.sarif");
    let p = fixtures().join("policies");
    let run = run_in(
        dir,
        &[
            "scan",
            "--pack",
            "none",
            "--policy",
            p.to_str().unwrap(),
            "--format",
            "sarif",
            "-o",
            "report.sarif",
            ".",
        ],
        None,
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    out
}

#[test]
fn sarif_has_regions_suppressions_and_notifications() {
    let dir = temp_dir("sarif");
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(sarif_report(&dir)).unwrap()).unwrap();
    let run = &doc["runs"][0];
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    let results = run["results"].as_array().unwrap();
    let kinds: Vec<&str> = results
        .iter()
        .filter_map(|r| r["suppressions"][0]["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["inSource", "inSource", "external"]);
    let privileged = results
        .iter()
        .find(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "privileged.yaml"
        })
        .unwrap();
    assert_eq!(
        privileged["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"startLine": 14, "startColumn": 11, "endLine": 14, "endColumn": 26})
    );
    // Validated with Microsoft's SARIF Multitool when CI points at it.
    if let Ok(validator) = std::env::var("KUBEWARD_SARIF_VALIDATE") {
        let out = Command::new(validator)
            .arg(dir.join("report.sarif"))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "SARIF validation failed:\n{text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn decode_prints_one_json_line_per_document() {
    let run = run_in(&fixtures(), &["decode", "manifests/multi.yaml"], None);
    assert_eq!(run.code, 2);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(
        lines[0].starts_with(r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"first""#),
        "{}",
        lines[0]
    );
    assert!(
        run.stderr.starts_with("manifests/multi.yaml:11:5: error: "),
        "{}",
        run.stderr
    );

    let run = run_in(
        &temp_dir("decode"),
        &["decode"],
        Some("kind: List\nitems: [{b: yes, a: 0777}]\n---\n{\"z\": 1, \"a\": [1.0]}\n"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "{\"kind\":\"List\",\"items\":[{\"b\":true,\"a\":511}]}\n{\"z\":1,\"a\":[1.0]}\n"
    );
}

#[test]
fn policies_lists_and_explains() {
    let run = run_in(
        &fixtures(),
        &["policies", "--pack", "none", "--policy", "policies"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("ID        SEVERITY  TITLE"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("TEST-002  medium    Pod uses the host network"),
        "{}",
        run.stdout
    );
    let run = run_in(
        &fixtures(),
        &[
            "policies",
            "--pack",
            "none",
            "--policy",
            "policies",
            "ckv_k8s_16",
        ],
        None,
    );
    assert!(
        run.stdout
            .starts_with("# TEST-001: Container runs privileged\n"),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("Set `securityContext.privileged` to `false`"));
    let run = run_in(
        &fixtures(),
        &[
            "policies", "--pack", "none", "--policy", "policies", "TEST-9",
        ],
        None,
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`kubeward policies` lists them"),
        "{}",
        run.stderr
    );
}

#[test]
fn test_command_runs_examples() {
    let run = run_in(&fixtures(), &["test", "policies"], None);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("test result: ok. 3 passed; 0 failed"),
        "{}",
        run.stdout
    );

    let dir = temp_dir("examples");
    let text =
        std::fs::read_to_string(fixtures().join("policies/TEST-002-host-network.yaml")).unwrap();
    let broken = text.replace(
        "hostNetwork: true, containers",
        "hostNetwork: false, containers",
    );
    std::fs::write(dir.join("TEST-002-host-network.yaml"), broken).unwrap();
    let run = run_in(&dir, &["test", "."], None);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("FAIL TEST-002 fail example"),
        "{}",
        run.stdout
    );

    std::fs::write(
        dir.join("TEST-002-host-network.yaml"),
        "id: TEST-002\ntitel: typo\n",
    )
    .unwrap();
    let run = run_in(&dir, &["test", "."], None);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("TEST-002-host-network.yaml:"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_flag_values_are_usage_errors() {
    let run = run_in(&fixtures(), &["scan", "--fail-on", "severe", "clean"], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("possible values"), "{}", run.stderr);
}

#[test]
fn policy_errors_fail_the_run_and_inputs_are_still_checked() {
    let dir = temp_dir("bad-policy");
    std::fs::write(
        dir.join("X-001-bad.yaml"),
        "id: X-001\ntitle: t\nseverty: high\n",
    )
    .unwrap();
    std::fs::write(dir.join("broken.yaml"), "kind: Pod\nmetadata: {name: [\n").unwrap();
    let run = run_in(
        &dir,
        &[
            "scan",
            "--no-config",
            "--pack",
            "none",
            "--policy",
            "X-001-bad.yaml",
            "--format",
            "json",
            "broken.yaml",
        ],
        None,
    );
    assert_eq!(run.code, 2);
    let doc = run.json();
    let files: Vec<&str> = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["file"].as_str().unwrap())
        .collect();
    assert!(files.contains(&"X-001-bad.yaml"), "{files:?}");
    assert!(files.contains(&"broken.yaml"), "{files:?}");
    let policy_error = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["file"] == "X-001-bad.yaml")
        .unwrap();
    assert!(policy_error["line"].as_u64().unwrap() > 0, "{policy_error}");

    let run = run_in(
        &dir,
        &[
            "scan",
            "--no-config",
            "--pack",
            "no-such-pack",
            "broken.yaml",
        ],
        None,
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.contains("unknown pack `no-such-pack`"),
        "{}",
        run.stdout
    );
}

#[test]
fn kube_version_sets_the_cluster_version_policies_check() {
    let dir = temp_dir("kube-version");
    std::fs::write(
        dir.join("ingress.yaml"),
        "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: web}\nspec: {}\n",
    )
    .unwrap();
    let removed = |extra: &[&str]| {
        let mut args = vec![
            "scan",
            "--no-config",
            "--format",
            "json",
            "--pack",
            "best-practices",
            "ingress.yaml",
        ];
        args.extend_from_slice(extra);
        let doc = run_in(&dir, &args, None).json();
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["policy"] == "KW-API-001")
            .count()
    };
    // extensions/v1beta1 Ingress was removed in Kubernetes 1.22.
    assert_eq!(removed(&[]), 1);
    assert_eq!(removed(&["--kube-version", "1.21.4"]), 0);
    assert_eq!(removed(&["--kube-version", "v1.22.0"]), 1);
}
