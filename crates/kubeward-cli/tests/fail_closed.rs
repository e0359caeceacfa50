//! Fail closed: input that is not read completely is an error with its location (exit
//! status 2) or a finding, never skipped in silence, and a bad document never hides the
//! documents after it. Each case puts the bad input first and a privileged Pod after it:
//! the Pod must still be reported. What Kubernetes rejects, and with which message, comes
//! from the Kubernetes decoding notes (go-yaml v2 and apimachinery, verified against a
//! cluster); `docs/reliability.md` lists every case with its test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_kubeward");

/// The document every case puts after the bad one; KW-SEC-001 on its `privileged` line.
const GOOD_POD: &str = "apiVersion: v1
kind: Pod
metadata: {name: good}
spec:
  containers:
    - name: app
      image: registry.example.com/app:1.0
      securityContext: {privileged: true}
";

fn temp_dir(name: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "fail-closed-{name}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `kubeward scan --no-config --format json PATH` in `dir`: exit status and report.
fn scan(dir: &Path, path: &str) -> (i32, Value) {
    let out = Command::new(BIN)
        .args(["scan", "--no-config", "--format", "json", path])
        .current_dir(dir)
        .env_remove("KUBEWARD_TEST_PANIC")
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{path}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), report)
}

/// (file, line) of each finding of `policy`.
fn findings(report: &Value, policy: &str) -> Vec<(String, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["policy"] == policy)
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// (file, line, column, message) of each error.
fn errors(report: &Value) -> Vec<(String, u64, u64, String)> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["file"].as_str().unwrap().to_string(),
                e["line"].as_u64().unwrap(),
                e["column"].as_u64().unwrap(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The 1-based line of the privileged Pod's `privileged` key when `GOOD_POD` follows `bad`
/// after a `---` line.
fn pod_line(bad: &[u8]) -> u64 {
    let before = bad.iter().filter(|&&b| b == b'\n').count() + 1; // + the `---` line
    u64::try_from(before).unwrap() + 8
}

/// A bad first document, then `---` and the good Pod: exit status 2, one error at
/// (`line`, `column`) whose message contains `message`, and the Pod's finding.
fn bad_then_good(name: &str, bad: &[u8], line: u64, column: Option<u64>, message: &str) {
    let dir = temp_dir(name);
    let mut text = bad.to_vec();
    text.extend_from_slice(b"---\n");
    text.extend_from_slice(GOOD_POD.as_bytes());
    std::fs::write(dir.join("input.yaml"), &text).unwrap();
    let (code, report) = scan(&dir, "input.yaml");
    assert_eq!(code, 2, "{name}: {report}");
    let errs = errors(&report);
    assert_eq!(errs.len(), 1, "{name}: {errs:?}");
    let (file, l, c, m) = &errs[0];
    assert_eq!((file.as_str(), *l), ("input.yaml", line), "{name}: {m}");
    if let Some(column) = column {
        assert_eq!(*c, column, "{name}: {m}");
    }
    assert!(m.contains(message), "{name}: {m:?} should say {message:?}");
    assert_eq!(
        findings(&report, "KW-SEC-001"),
        [("input.yaml".to_string(), pod_line(bad))],
        "{name}: the document after the bad one is scanned"
    );
}

#[test]
fn encoding_error_not_utf8() {
    // go-yaml v2 rejects a stream with an invalid UTF-8 byte ("invalid leading UTF-8
    // octet"), with no line: the error is on the whole document.
    bad_then_good(
        "latin1",
        b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf\xe9}\n",
        1,
        Some(1),
        "invalid UTF-8",
    );
}

#[test]
fn encoding_error_utf16_is_an_error_for_the_whole_file() {
    // Kubernetes: "incomplete UTF-16 character" (its line splitter cuts the UTF-16 text).
    let dir = temp_dir("utf16");
    let mut bytes = vec![0xff, 0xfe];
    for unit in GOOD_POD.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    std::fs::write(dir.join("input.yaml"), bytes).unwrap();
    let (code, report) = scan(&dir, "input.yaml");
    assert_eq!(code, 2);
    let errs = errors(&report);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "input.yaml");
    assert!(
        errs[0].3.contains("incomplete UTF-16 character"),
        "{errs:?}"
    );
}

#[test]
fn kubernetes_rejects_infinity() {
    // `x: .inf` → "json: unsupported value: +Inf" (YAML to JSON conversion).
    bad_then_good(
        "inf",
        b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {x: .inf}\n",
        4,
        Some(11),
        "json: unsupported value: +Inf",
    );
}

#[test]
fn kubernetes_rejects_a_null_key() {
    // `~: x` → go-yaml's "unsupported map key".
    bad_then_good(
        "null-key",
        b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {~: x}\n",
        4,
        None,
        "unsupported map key",
    );
}

#[test]
fn kubernetes_rejects_a_yaml_directive() {
    // `%YAML 1.2` then `---`: the splitter cuts before `---`, so the directive is a
    // document of its own that go-yaml cannot read.
    bad_then_good(
        "directive",
        b"%YAML 1.2\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
        2,
        None,
        "yaml:",
    );
}

#[test]
fn kubernetes_rejects_content_on_the_separator_line() {
    // apimachinery's YAMLReader: "invalid Yaml document separator: …".
    let dir = temp_dir("separator");
    let text = format!("--- {{apiVersion: v1, kind: ConfigMap}}\n---\n{GOOD_POD}");
    std::fs::write(dir.join("input.yaml"), text).unwrap();
    let (code, report) = scan(&dir, "input.yaml");
    assert_eq!(code, 2);
    let errs = errors(&report);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].1, 1);
    assert!(
        errs[0].3.contains("invalid Yaml document separator"),
        "{errs:?}"
    );
    assert_eq!(
        findings(&report, "KW-SEC-001"),
        [("input.yaml".to_string(), 10)]
    );
}

#[test]
fn kubernetes_rejects_excessive_aliasing() {
    // go-yaml v2's alias ratio: an 8-level ×10 alias bomb is "document contains excessive
    // aliasing".
    let mut bomb = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nx:\n  a: &a [x,x,x,x,x,x,x,x,x,x]\n",
    );
    for (name, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
        .iter()
        .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
    {
        bomb.push_str(&format!(
            "  {name}: &{name} [{}]\n",
            vec![format!("*{prev}"); 10].join(",")
        ));
    }
    let dir = temp_dir("aliases");
    std::fs::write(dir.join("input.yaml"), format!("{bomb}---\n{GOOD_POD}")).unwrap();
    let (code, report) = scan(&dir, "input.yaml");
    assert_eq!(code, 2);
    let errs = errors(&report);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].3.contains("excessive aliasing"), "{errs:?}");
    assert!(errs[0].1 >= 4, "inside the bomb: {errs:?}");
    assert_eq!(findings(&report, "KW-SEC-001").len(), 1);
}

#[test]
fn ambiguous_map_with_1_and_quoted_1() {
    // `{1: a, "1": b}`: both keys become "1", and Kubernetes keeps either at random (Go map
    // order), so the document is not read deterministically: an error at the second key.
    bad_then_good(
        "ambiguous",
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: {1: a, \"1\": b}\n",
        5,
        Some(23),
        "both become \"1\"",
    );
}

#[test]
fn duplicate_keys_are_a_finding_at_the_kept_value() {
    // Kubernetes keeps the last duplicate in silence (kubernetes#125885): KW-YML-001 says so,
    // and the rest of the stream is scanned.
    let dir = temp_dir("duplicate");
    let text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\ndata:\n  a: one\n  a: two\n---\n{GOOD_POD}"
    );
    std::fs::write(dir.join("input.yaml"), text).unwrap();
    let (code, report) = scan(&dir, "input.yaml");
    assert_ne!(code, 0);
    assert_eq!(
        findings(&report, "KW-YML-001"),
        [("input.yaml".to_string(), 6)]
    );
    assert_eq!(
        findings(&report, "KW-SEC-001"),
        [("input.yaml".to_string(), 15)]
    );
}

#[test]
fn unreadable_file_inside_a_folder() {
    // A dangling symbolic link cannot be read: an error naming it, even inside a folder
    // walk, and the other files are still scanned. (Works as root, unlike `chmod 000`.)
    let dir = temp_dir("unreadable");
    std::fs::create_dir_all(dir.join("deploy")).unwrap();
    std::fs::write(dir.join("deploy/pod.yaml"), GOOD_POD).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.join("gone.yaml"), dir.join("deploy/dangling.yaml")).unwrap();
    let (code, report) = scan(&dir, "deploy");
    if cfg!(unix) {
        assert_eq!(code, 2, "{report}");
        let errs = errors(&report);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].0, "deploy/dangling.yaml");
        assert!(errs[0].3.contains("cannot read"), "{errs:?}");
    }
    assert_eq!(
        findings(&report, "KW-SEC-001"),
        [("deploy/pod.yaml".to_string(), 8)]
    );
}

#[test]
#[cfg(unix)]
fn unreadable_file_without_permission() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("no-permission");
    let file = dir.join("secret.yaml");
    std::fs::write(&file, GOOD_POD).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&file).is_ok() {
        // Root reads it anyway: the case does not exist for this user.
        eprintln!("skipped: this user can read a file with mode 000");
        return;
    }
    let (code, report) = scan(&dir, "secret.yaml");
    assert_eq!(code, 2);
    let errs = errors(&report);
    assert_eq!(
        (errs[0].0.as_str(), errs[0].1),
        ("secret.yaml", 0),
        "{errs:?}"
    );
    assert!(errs[0].3.contains("ermission denied"), "{errs:?}");
}

#[test]
fn template_error_names_the_template_line() {
    // Helm 3.17.3 on this chart: `Error: template: badchart/templates/a.yaml:4:18:
    // executing "badchart/templates/a.yaml" at <.Values.missing.name>: nil pointer
    // evaluating interface {}.name`, and it prints nothing: the chart's other template
    // is not rendered either.
    let dir = temp_dir("template-error");
    let chart = dir.join("badchart");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: badchart\nversion: 0.1.0\n",
    )
    .unwrap();
    std::fs::write(
        chart.join("templates/a.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.missing.name }}\n",
    )
    .unwrap();
    std::fs::write(chart.join("templates/b.yaml"), GOOD_POD).unwrap();
    std::fs::write(dir.join("pod.yaml"), GOOD_POD).unwrap();
    let (code, report) = scan(&dir, ".");
    assert_eq!(code, 2, "{report}");
    let errs = errors(&report);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(
        (errs[0].0.as_str(), errs[0].1),
        ("badchart/templates/a.yaml", 4)
    );
    assert!(
        errs[0].3.contains(
            "badchart/templates/a.yaml:4:18: executing \"badchart/templates/a.yaml\" at <.Values.missing.name>: nil pointer evaluating interface {}.name"
        ),
        "{errs:?}"
    );
    // The manifest next to the chart is still scanned.
    assert_eq!(
        findings(&report, "KW-SEC-001"),
        [("pod.yaml".to_string(), 8)]
    );
}

#[test]
fn unknown_policy_field_is_an_error_with_its_location() {
    // The CLI suite's privileged-container policy with `equals` misspelled `equal`.
    let dir = temp_dir("policy-field");
    let policy = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/policies/TEST-001-privileged.yaml"),
    )
    .unwrap();
    assert!(policy.contains("  deny: {path: securityContext.privileged, equals: true}\n"));
    std::fs::write(
        dir.join("X-001-typo.yaml"),
        policy.replacen("equals: true}", "equal: true}", 1),
    )
    .unwrap();
    std::fs::write(dir.join("pod.yaml"), GOOD_POD).unwrap();
    let out = Command::new(BIN)
        .args([
            "scan",
            "--no-config",
            "--policy",
            "X-001-typo.yaml",
            "--format",
            "json",
            "pod.yaml",
        ])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errs = errors(&report);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(
        (errs[0].0.as_str(), errs[0].1, errs[0].2),
        ("X-001-typo.yaml", 11, 44)
    );
    assert!(errs[0].3.contains("unknown field `equal`"), "{errs:?}");
    // No policy set is half-loaded: the scan reports the error, with status 2.
}
