//! Template-side evasion: the chart `tests/charts/evasion` hides an insecure setting behind
//! a template trick in each template (a YAML 1.1 boolean printed from a string value, `tpl`,
//! `toYaml` of `mergeOverwrite`/`merge`, `include` of a partial, `default` replacing
//! `false`, `--set`, `range`). Each finding must come out at the line of `helm template`'s
//! output where Helm 3.17.3 printed the field (the committed goldens
//! `tests/charts/evasion.golden/*.yaml`, which the CLI's golden test also renders natively),
//! and name the template line that wrote it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use kubeward::helm::chart::RenderOptions;
use kubeward::{Finding, Scanner, ScannerOptions};

fn charts() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/charts")
}

fn scan(opts: &RenderOptions) -> Vec<Finding> {
    let chart = charts().join("evasion");
    let scanner = Scanner::new(ScannerOptions::default()).unwrap();
    let scanned = scanner.scan_paths(&[chart.to_string_lossy().into_owned()], opts);
    assert!(
        scanned.report.errors.is_empty(),
        "{:?}",
        scanned.report.errors
    );
    scanned.report.findings
}

/// The 1-based line of `needle` in the document of Helm's output that comes from
/// `template`: where Helm printed the field.
fn helm_line(golden: &str, template: &str, needle: &str) -> u32 {
    let text = std::fs::read_to_string(charts().join(golden)).unwrap();
    let source = format!("# Source: evasion/templates/{template}\n");
    let start = text
        .find(&source)
        .unwrap_or_else(|| panic!("{golden}: no document from {template}"));
    let end = text[start + source.len()..]
        .find("\n---\n")
        .map_or(text.len(), |i| start + source.len() + i);
    let doc = &text[start..end];
    let mut hits = doc.match_indices(needle);
    let (at, _) = hits
        .next()
        .unwrap_or_else(|| panic!("{golden}: {needle:?} not in {template}'s document"));
    assert!(hits.next().is_none(), "{golden}: {needle:?} is ambiguous");
    u32::try_from(text[..start + at].matches('\n').count() + 1).unwrap()
}

/// One expected finding.
struct Case {
    trick: &'static str,
    policy: &'static str,
    resource: &'static str,
    path: &'static str,
    /// The template and the text Helm printed for the field.
    template: &'static str,
    printed: &'static str,
    /// The file and line of the template action that wrote it.
    written_in: &'static str,
    written_at: u32,
}

fn cases() -> Vec<Case> {
    let c = |trick, policy, resource, path, template, printed, written_in, written_at| Case {
        trick,
        policy,
        resource,
        path,
        template,
        printed,
        written_in,
        written_at,
    };
    vec![
        c(
            "a string value printed bare is a YAML 1.1 boolean",
            "KW-SEC-001",
            "yaml11-bool",
            "/spec/containers/0/securityContext/privileged",
            "yaml11-bool.yaml",
            "privileged: yes",
            "templates/yaml11-bool.yaml",
            10,
        ),
        c(
            "tpl renders a values string as a template",
            "KW-SEC-001",
            "tpl",
            "/spec/containers/0/securityContext/privileged",
            "tpl.yaml",
            "privileged: true",
            "templates/tpl.yaml",
            10,
        ),
        c(
            "toYaml of mergeOverwrite: values over safe defaults",
            "KW-SEC-001",
            "merge-overwrite",
            "/spec/template/spec/containers/0/securityContext/privileged",
            "merge-overwrite.yaml",
            "privileged: true",
            "templates/merge-overwrite.yaml",
            17,
        ),
        c(
            "toYaml of mergeOverwrite: a second key",
            "KW-SEC-006",
            "merge-overwrite",
            "/spec/template/spec/containers/0/securityContext/runAsUser",
            "merge-overwrite.yaml",
            "runAsUser: 0",
            "templates/merge-overwrite.yaml",
            17,
        ),
        c(
            "toYaml of merge: the earlier map wins over safe defaults",
            "KW-SEC-001",
            "merge",
            "/spec/containers/0/securityContext/privileged",
            "merge.yaml",
            "privileged: true",
            "templates/merge.yaml",
            10,
        ),
        c(
            "include of a define",
            "KW-SEC-001",
            "include",
            "/spec/containers/0/securityContext/privileged",
            "include.yaml",
            "privileged: true",
            "templates/_helpers.tpl",
            2,
        ),
        c(
            "default replaces a false value by true",
            "KW-SEC-004",
            "default",
            "/spec/hostNetwork",
            "default.yaml",
            "hostNetwork: true",
            "templates/default.yaml",
            6,
        ),
        c(
            "range emits the container",
            "KW-SEC-001",
            "range",
            "/spec/containers/2/securityContext/privileged",
            "range.yaml",
            "privileged: true",
            "templates/range.yaml",
            13,
        ),
    ]
}

fn check(findings: &[Finding], golden: &str, case: &Case, failures: &mut Vec<String>) {
    let label = format!("{golden} / {}", case.trick);
    let Some(f) = findings.iter().find(|f| {
        f.policy == case.policy && f.resource.name == case.resource && f.path == case.path
    }) else {
        failures.push(format!("{label}: no {} on {}", case.policy, case.path));
        return;
    };
    let want = helm_line(golden, case.template, case.printed);
    if f.region.line != want {
        failures.push(format!(
            "{label}: rendered line {}, Helm printed it on line {want}",
            f.region.line
        ));
    }
    match &f.template {
        Some(t)
            if t.chart == "evasion" && t.file == case.written_in && t.line == case.written_at => {}
        other => failures.push(format!(
            "{label}: template {other:?}, expected {}:{}",
            case.written_in, case.written_at
        )),
    }
}

#[test]
fn every_template_trick_is_found_at_helms_line_and_the_template_line() {
    let findings = scan(&RenderOptions::default());
    let mut failures = Vec::new();
    let cases = cases();
    for case in &cases {
        check(
            &findings,
            "evasion.golden/default.yaml",
            case,
            &mut failures,
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(cases.len(), 8);
    // The sidecar the range emits with `privileged: false` is not reported.
    assert!(!findings
        .iter()
        .any(|f| f.policy == "KW-SEC-001" && f.path.starts_with("/spec/containers/1/")));
    // Without --set the Pod runs as user 1000.
    assert!(!findings
        .iter()
        .any(|f| f.policy == "KW-SEC-006" && f.resource.name == "set"));
}

#[test]
fn a_value_forced_with_set_is_found() {
    let findings = scan(&RenderOptions {
        set: vec!["user=0".into()],
        ..RenderOptions::default()
    });
    let mut failures = Vec::new();
    let golden = "evasion.golden/set-root.yaml";
    check(
        &findings,
        golden,
        &Case {
            trick: "--set user=0",
            policy: "KW-SEC-006",
            resource: "set",
            path: "/spec/securityContext/runAsUser",
            template: "set.yaml",
            printed: "runAsUser: 0",
            written_in: "templates/set.yaml",
            written_at: 7,
        },
        &mut failures,
    );
    // The other tricks are still found, at the same places.
    for case in &cases() {
        check(&findings, golden, case, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn set_string_on_is_a_yaml_1_1_boolean() {
    let findings = scan(&RenderOptions {
        set_string: vec!["legacy.privileged=On".into()],
        ..RenderOptions::default()
    });
    let mut failures = Vec::new();
    check(
        &findings,
        "evasion.golden/set-string-on.yaml",
        &Case {
            trick: "--set-string legacy.privileged=On",
            policy: "KW-SEC-001",
            resource: "yaml11-bool",
            path: "/spec/containers/0/securityContext/privileged",
            template: "yaml11-bool.yaml",
            printed: "privileged: On",
            written_in: "templates/yaml11-bool.yaml",
            written_at: 10,
        },
        &mut failures,
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The values reference of a value given with `--set` must not name the values file's line,
/// which holds the value `--set` replaced (`ValuesRef.file`: "the values file that sets it,
/// when one does").
#[test]
fn a_value_forced_with_set_does_not_blame_the_values_file() {
    let findings = scan(&RenderOptions {
        set: vec!["user=0".into()],
        ..RenderOptions::default()
    });
    let f = findings
        .iter()
        .find(|f| f.policy == "KW-SEC-006" && f.resource.name == "set")
        .unwrap();
    let values = f.template.as_ref().and_then(|t| t.values.as_ref()).unwrap();
    assert_eq!(values.path, "user");
    assert_eq!(values.file, None, "{values:?}");
}
