//! Scanning a Helm chart: findings in the rendered output name the template line that wrote
//! the node — in `_helpers.tpl`-style partials and subcharts too — and, for values printed
//! from `.Values`, the values file and line that set them. The chart is
//! `tests/charts/webapp`; where each insecure setting comes from is listed in
//! `tests/charts/README.md`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use kubeward::helm::chart::RenderOptions;
use kubeward::{Finding, Scanner, ScannerOptions};

fn scan_webapp(opts: &RenderOptions) -> Vec<Finding> {
    let chart = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/charts/webapp");
    let scanner = Scanner::new(ScannerOptions::default()).unwrap();
    let scanned = scanner.scan_paths(&[chart.to_string_lossy().into_owned()], opts);
    assert!(
        scanned.report.errors.is_empty(),
        "{:?}",
        scanned.report.errors
    );
    scanned.report.findings
}

fn find<'a>(findings: &'a [Finding], policy: &str, kind: &str, path: &str) -> &'a Finding {
    findings
        .iter()
        .find(|f| f.policy == policy && f.resource.kind == kind && f.path == path)
        .unwrap_or_else(|| panic!("no {policy} finding on {kind} {path}"))
}

/// A values path with the file and line that set it.
type ValuesAt = Option<(String, Option<String>, Option<u32>)>;

/// (chart, template file, line, values path, values file, values line) of a finding.
fn traced(f: &Finding) -> (String, String, u32, ValuesAt) {
    let t = f.template.as_ref().expect("a template reference");
    (
        t.chart.clone(),
        t.file.clone(),
        t.line,
        t.values
            .as_ref()
            .map(|v| (v.path.clone(), v.file.clone(), v.line)),
    )
}

fn values(path: &str, file: &str, line: u32) -> ValuesAt {
    Some((path.to_string(), Some(file.to_string()), Some(line)))
}

#[test]
fn findings_name_the_template_line_and_the_values_line() {
    let findings = scan_webapp(&RenderOptions::default());
    let deploy = "/spec/template/spec";
    // `toYaml .Values.securityContext | nindent 12` on deployment.yaml line 27: the
    // finding names the exact key of values.yaml (line 29).
    let privileged = find(
        &findings,
        "KW-SEC-001",
        "Deployment",
        &format!("{deploy}/containers/0/securityContext/privileged"),
    );
    assert_eq!(
        traced(privileged),
        (
            "webapp".into(),
            "templates/deployment.yaml".into(),
            27,
            values("securityContext.privileged", "values.yaml", 29)
        )
    );
    let root = find(
        &findings,
        "KW-SEC-006",
        "Deployment",
        &format!("{deploy}/securityContext/runAsUser"),
    );
    assert_eq!(
        traced(root),
        (
            "webapp".into(),
            "templates/deployment.yaml".into(),
            21,
            values("podSecurityContext.runAsUser", "values.yaml", 24)
        )
    );
    let host_network = find(
        &findings,
        "KW-SEC-004",
        "Deployment",
        &format!("{deploy}/hostNetwork"),
    );
    assert_eq!(
        traced(host_network),
        (
            "webapp".into(),
            "templates/deployment.yaml".into(),
            19,
            values("hostNetwork", "values.yaml", 33)
        )
    );
}

#[test]
fn findings_in_subcharts_and_partials_name_their_own_files() {
    let findings = scan_webapp(&RenderOptions::default());
    let ds = "/spec/template/spec";
    // The worker subchart's own values.yaml.
    let host_network = find(
        &findings,
        "KW-SEC-004",
        "DaemonSet",
        &format!("{ds}/hostNetwork"),
    );
    assert_eq!(
        traced(host_network),
        (
            "worker".into(),
            "charts/worker/templates/daemonset.yaml".into(),
            17,
            values("hostNetwork", "charts/worker/values.yaml", 6)
        )
    );
    // Written by a partial of the libcommon library chart, through `include`.
    let privileged = find(
        &findings,
        "KW-SEC-001",
        "DaemonSet",
        &format!("{ds}/containers/0/securityContext/privileged"),
    );
    let (chart, file, line, _) = traced(privileged);
    assert_eq!(
        (chart.as_str(), file.as_str(), line),
        ("libcommon", "charts/libcommon/templates/_labels.tpl", 12)
    );
}

#[test]
fn a_values_file_given_with_f_is_named_when_it_sets_the_value() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/charts/webapp");
    let text = std::fs::read_to_string(dir.join("values-prod.yaml")).unwrap();
    let opts = RenderOptions {
        values: vec![("values-prod.yaml".into(), text)],
        ..RenderOptions::default()
    };
    let findings = scan_webapp(&opts);
    // The prod values turn privileged off in the webapp, not in the worker.
    assert!(!findings
        .iter()
        .any(|f| f.policy == "KW-SEC-001" && f.resource.kind == "Deployment"));
    let hostpath = findings
        .iter()
        .find(|f| f.policy == "KW-SEC-005" && f.resource.kind == "DaemonSet")
        .expect("the worker's hostPath");
    let t = hostpath.template.as_ref().unwrap();
    assert_eq!(t.file, "charts/worker/templates/daemonset.yaml");
}
