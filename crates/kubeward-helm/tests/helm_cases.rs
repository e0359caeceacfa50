//! Runs every case of `tests/helm-cases/*.json` through the template engine and compares
//! with what Helm 3.17.3 printed for it (recorded by `tests/helm-oracle`).
//!
//! The dot is built as Helm's engine builds it for a chart named `t`: `Values` from the
//! case's values (a `chartutil.Values`), `Release`, a `Chart` struct, minimal
//! `Capabilities`, `Template`. Every `templates/` file of the case is parsed in Helm's order
//! and every non-partial one executed, as `engine.Render` does.
//!
//! Error messages are compared exactly. Cases that need a function no module implements
//! yet (the parse fails with `function "x" not defined` where Helm did not) are reported as
//! skipped, not failed.

use std::collections::BTreeMap;
use std::path::PathBuf;

use kubeward_helm::chart::{self, RenderOptions};
use kubeward_helm::template::{ExecOptions, Templates};
use kubeward_helm::Value;

#[derive(Debug)]
struct Case {
    file: String,
    name: String,
    template: String,
    values: String,
    files: BTreeMap<String, String>,
    output: Option<String>,
    error: Option<String>,
}

fn load_cases() -> Vec<Case> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/helm-cases");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.retain(|p| p.extension().is_some_and(|e| e == "json"));
    paths.sort();
    let mut cases = Vec::new();
    for p in paths {
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        let json: serde_json::Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                cases.push(Case {
                    file: p.display().to_string(),
                    name: format!("<invalid JSON: {e}>"),
                    template: String::new(),
                    values: String::new(),
                    files: BTreeMap::new(),
                    output: None,
                    error: Some("invalid case file".into()),
                });
                continue;
            }
        };
        let file = p
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        for c in json.as_array().into_iter().flatten() {
            let s = |k: &str| c.get(k).and_then(|v| v.as_str()).map(str::to_string);
            let files = c
                .get("files")
                .and_then(|f| f.as_object())
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                        .collect()
                })
                .unwrap_or_default();
            cases.push(Case {
                file: file.clone(),
                name: s("name").unwrap_or_default(),
                template: s("template").unwrap_or_default(),
                values: s("values").unwrap_or_default(),
                files,
                output: s("output"),
                error: s("error"),
            });
        }
    }
    cases
}

/// Renders a case the way the oracle does: a chart `t` (apiVersion v2, version 0.1.0) whose
/// `values.yaml` is the case's values, `templates/t.yaml` its template, plus its extra
/// files, through the whole chart pipeline; the output of `t/templates/t.yaml`.
fn render(c: &Case) -> Result<String, String> {
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    files.insert(
        "Chart.yaml".into(),
        b"apiVersion: v2\nname: t\nversion: 0.1.0\n".to_vec(),
    );
    files.insert("values.yaml".into(), c.values.as_bytes().to_vec());
    files.insert("templates/t.yaml".into(), c.template.as_bytes().to_vec());
    for (k, v) in &c.files {
        files.insert(k.clone(), v.as_bytes().to_vec());
    }
    let chart = chart::load_files(files).map_err(|e| {
        // The oracle reads values itself and prefixes its errors with `values: `.
        match e.message.strip_prefix("cannot load values.yaml: ") {
            Some(rest) => format!("values: {rest}"),
            None => e.message,
        }
    })?;
    let mut opts = RenderOptions::default();
    // Helm's include limit (1 000) must fire before ours; this runner has a big stack.
    opts.limits.max_exec_depth = 1100;
    let out = chart::render_templates(&chart, &opts).map_err(|e| e.message)?;
    Ok(out.get("t/templates/t.yaml").cloned().unwrap_or_default())
}

fn missing_function(err: &str) -> Option<String> {
    let i = err.find("function \"")?;
    let rest = &err[i + 10..];
    let j = rest.find("\" not defined")?;
    Some(rest[..j].to_string())
}

fn run_all() -> (usize, Vec<String>, Vec<String>) {
    let cases = load_cases();
    let mut failures = Vec::new();
    let mut skipped = Vec::new();
    let mut passed = 0;
    for c in &cases {
        let got = render(c);
        let ok = match (&got, &c.output, &c.error) {
            (Ok(out), Some(want), None) => out == want,
            (Err(e), None, Some(want)) => e == want,
            _ => false,
        };
        if ok {
            passed += 1;
            continue;
        }
        if let Err(e) = &got {
            if let Some(f) = missing_function(e) {
                if !c
                    .error
                    .as_deref()
                    .is_some_and(|w| w.contains("not defined"))
                {
                    skipped.push(format!("{}: {}: function {f:?} missing", c.file, c.name));
                    continue;
                }
            }
        }
        failures.push(format!(
            "{}: {}\n    template: {:?}\n    want: {}\n    got:  {}",
            c.file,
            c.name,
            c.template,
            match (&c.output, &c.error) {
                (Some(o), _) => format!("output {o:?}"),
                (_, Some(e)) => format!("error {e:?}"),
                _ => "nothing recorded (run the oracle)".into(),
            },
            match &got {
                Ok(o) => format!("output {o:?}"),
                Err(e) => format!("error {e:?}"),
            }
        ));
    }
    (passed, failures, skipped)
}

#[test]
fn helm_cases() {
    // Deep include recursion needs a big stack in debug builds.
    let handle = std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(run_all);
    let joined = handle.map(std::thread::JoinHandle::join);
    assert!(matches!(joined, Ok(Ok(_))), "the case runner failed");
    let Ok(Ok((passed, failures, skipped))) = joined else {
        return;
    };
    for s in &skipped {
        eprintln!("skipped: {s}");
    }
    let (known, failures): (Vec<&String>, Vec<&String>) = failures
        .iter()
        .partition(|f| KNOWN_DIVERGENCES.iter().any(|(name, _)| f.contains(name)));
    for f in &known {
        eprintln!("known divergence: {f}");
    }
    for f in &failures {
        eprintln!("MISMATCH {f}");
    }
    eprintln!(
        "helm cases: {passed} passed, {} failed, {} known divergences, {} skipped",
        failures.len(),
        known.len(),
        skipped.len()
    );
    assert!(failures.is_empty(), "{} helm cases differ", failures.len());
    // A divergence that no longer shows has been fixed: take it off the list.
    assert_eq!(known.len(), KNOWN_DIVERGENCES.len(), "{known:?}");
}

/// Cases where kubeward knowingly differs, and why. Each must still differ (the test checks
/// it), so the list cannot go stale.
const KNOWN_DIVERGENCES: &[(&str, &str)] = &[
    (
        ": fromJson null\n",
        "Go returns a nil map, which toJson prints as null; the value model has no nil maps",
    ),
    (
        ": fromJsonArray null\n",
        "Go returns a nil slice, which toJson prints as null; the value model has no nil slices",
    ),
    (
        ": set nil map\n",
        "`set nil` panics on Go's nil map; the value model has no nil maps",
    ),
    (
        ": urlParse s:http://h1:5432,h2:5433/db\n",
        "the oracle runs Go 1.26, whose net/url rejects this host; the Helm 3.17.3 binary's \
         older Go accepts it, and kubeward follows the binary",
    ),
];

/// The default limits keep the Rust stack safe: Helm's include recursion limit (1 000
/// nested includes of one name) and the exec-depth limit both fire inside an 8 MiB stack,
/// even in debug builds.
#[test]
fn deep_recursion_fits_an_8_mib_stack() {
    let run = || {
        let mut set = Templates::new();
        let helpers = "{{ define \"r\" }}{{ if true }}{{ with . }}{{ include \"r\" . | printf \"%s\" }}{{ end }}{{ end }}{{ end }}\
                       {{ define \"s\" }}{{ template \"s\" . }}{{ end }}\
                       {{ define \"u\" }}{{ tpl \"{{ include \\\"u\\\" . }}\" . }}{{ end }}";
        let parsed = set.parse("t/templates/_h.tpl", helpers).is_ok()
            && set
                .parse("t/templates/a.yaml", "{{ include \"r\" . }}")
                .is_ok()
            && set
                .parse("t/templates/b.yaml", "{{ template \"s\" . }}")
                .is_ok()
            && set
                .parse("t/templates/c.yaml", "{{ include \"u\" . }}")
                .is_ok()
            && set
                .parse(
                    "t/templates/d.yaml",
                    &format!(
                        "{}x{}",
                        "{{ if true }}".repeat(999),
                        "{{ end }}".repeat(999)
                    ),
                )
                .is_ok()
            && set
                .parse(
                    "t/templates/e.yaml",
                    &format!("{{{{ {}1{} }}}}", "(".repeat(999), ")".repeat(999)),
                )
                .is_ok();
        let mut msgs = Vec::new();
        for name in [
            "t/templates/a.yaml",
            "t/templates/b.yaml",
            "t/templates/c.yaml",
            "t/templates/d.yaml",
        ] {
            let mut opts = ExecOptions::default();
            let r = set.execute(name, Value::Int(1), &mut opts);
            msgs.push(r.err().map(|e| e.message.len()).unwrap_or(0));
        }
        parsed && msgs.iter().all(|&n| n > 0)
    };
    let joined = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(run)
        .map(std::thread::JoinHandle::join);
    assert!(matches!(joined, Ok(Ok(true))));
}
