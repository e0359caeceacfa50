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
use std::rc::Rc;

use kubeward_helm::template::{strip_no_value, ExecOptions, Templates};
use kubeward_helm::value::{Map, MapType, Object, Value};

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

/// `.Chart`: Helm 3's `struct { chart.Metadata; IsRoot bool }` for `t` 0.1.0.
struct ChartObj;

impl Object for ChartObj {
    fn type_name(&self) -> String {
        "struct { chart.Metadata; IsRoot bool }".into()
    }
    fn field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "Name" => Value::str("t"),
            "Version" => Value::str("0.1.0"),
            "APIVersion" => Value::str("v2"),
            "IsRoot" => Value::Bool(true),
            "AppVersion" | "Description" | "Home" | "Icon" | "Condition" | "Tags"
            | "KubeVersion" | "Type" => Value::str(""),
            "Deprecated" => Value::Bool(false),
            _ => return None,
        })
    }
    fn format(&self) -> String {
        "{{t  [] 0.1.0  [] [] v2      false map[] [] } true}".into()
    }
    fn to_data(&self) -> Value {
        Value::empty_map()
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn values_map(entries: BTreeMap<String, Value>) -> Value {
    Value::Map(Map {
        entries: Rc::new(std::cell::RefCell::new(entries)),
        ty: MapType::Values,
    })
}

fn build_dot(values: &str) -> Result<Value, String> {
    let vals = match kubeward_yaml::decode_document(values.as_bytes()) {
        Ok(Some(node)) => Value::from_yaml(&node),
        Ok(None) => Value::empty_map(),
        Err(e) => return Err(format!("values: {e:?}")),
    };
    let vals = match vals {
        Value::Map(m) => Value::Map(Map {
            entries: m.entries,
            ty: MapType::Values,
        }),
        _ => values_map(BTreeMap::new()),
    };
    let mut release = BTreeMap::new();
    release.insert("Name".into(), Value::str("release-name"));
    release.insert("Namespace".into(), Value::str("default"));
    release.insert("IsUpgrade".into(), Value::Bool(false));
    release.insert("IsInstall".into(), Value::Bool(true));
    release.insert("Revision".into(), Value::Int(1));
    release.insert("Service".into(), Value::str("Helm"));
    let mut top = BTreeMap::new();
    top.insert("Values".into(), vals);
    top.insert("Release".into(), Value::map(release));
    top.insert("Chart".into(), Value::Object(Rc::new(ChartObj)));
    top.insert("Capabilities".into(), Value::empty_map());
    top.insert("Subcharts".into(), Value::empty_map());
    top.insert("Files".into(), Value::empty_map());
    Ok(values_map(top))
}

/// Helm's `sortTemplates`: more `/` first, ties in reverse lexical order.
fn helm_order(mut names: Vec<String>) -> Vec<String> {
    names.sort_by(|a, b| {
        let (ca, cb) = (a.matches('/').count(), b.matches('/').count());
        cb.cmp(&ca).then_with(|| b.cmp(a))
    });
    names
}

fn render(c: &Case) -> Result<String, String> {
    let dot = build_dot(&c.values)?;
    let mut files: BTreeMap<String, &str> = BTreeMap::new();
    files.insert("t/templates/t.yaml".into(), &c.template);
    for (k, v) in &c.files {
        if k.starts_with("templates/") {
            files.insert(format!("t/{k}"), v);
        }
    }
    let order = helm_order(files.keys().cloned().collect());
    let mut set = Templates::new();
    for name in &order {
        set.parse(name, files.get(name).copied().unwrap_or(""))
            .map_err(|e| e.helm_message(name))?;
    }
    let mut out = String::new();
    for name in &order {
        if name.rsplit('/').next().is_some_and(|b| b.starts_with('_')) {
            continue;
        }
        if let Value::Map(m) = &dot {
            let mut t = BTreeMap::new();
            t.insert("Name".into(), Value::str(name.as_str()));
            t.insert("BasePath".into(), Value::str("t/templates"));
            m.entries
                .borrow_mut()
                .insert("Template".into(), values_map(t));
        }
        let mut opts = ExecOptions::default();
        // Helm's include limit (1 000) must fire before ours; this runner has a big stack.
        opts.limits.max_exec_depth = 1100;
        let s = set
            .execute(name, dot.clone(), &mut opts)
            .map_err(|e| e.helm_message(name))?;
        if name == "t/templates/t.yaml" {
            out = strip_no_value(&s).as_str().to_string();
        }
    }
    Ok(out)
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
    for f in &failures {
        eprintln!("MISMATCH {f}");
    }
    eprintln!(
        "helm cases: {passed} passed, {} failed, {} skipped",
        failures.len(),
        skipped.len()
    );
    assert!(failures.is_empty(), "{} helm cases differ", failures.len());
}

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
