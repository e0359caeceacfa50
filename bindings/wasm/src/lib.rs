//! kubeward for JavaScript: a thin wasm-bindgen layer over [`kubeward::Scanner`].
//!
//! Options come in as plain objects (read through `JSON.stringify` into serde structs),
//! reports go out as plain objects shaped exactly like the CLI's JSON report. Invalid
//! arguments and policy files throw an `Error` naming the location; findings and input
//! errors are data in the report, as in the CLI. A panic throws an `Error` too; the
//! JavaScript wrapper (`js/`) then replaces the instance (see [`on_panic`]).

use std::cell::RefCell;
use std::collections::BTreeMap;

use js_sys::{Object, Reflect, Uint8Array};
use kubeward::helm::chart::{self, Chart, RenderOptions};
use kubeward::{Date, EngineOptions, ErrorEntry, FailOn, Scanned, Scanner, ScannerOptions};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = include_str!("types.d.ts");

/// Installs the panic hook when the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(on_panic));
}

/// `wasm32-unknown-unknown` only has `panic=abort`: a panic would trap with no message.
/// Instead, throw the panic's message to the caller as an `Error`. The instance is not
/// reusable afterwards (the panic never unwound): the JavaScript wrapper replaces it with a
/// fresh one when a call throws anything but a `KubewardError`.
fn on_panic(info: &std::panic::PanicHookInfo<'_>) {
    wasm_bindgen::throw_str(&format!(
        "kubeward panicked (please report this bug): {info}"
    ));
}

/// Options shared by `scan` and `scanChart`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
struct Policies {
    filename: Option<String>,
    packs: Vec<String>,
    policies: Texts,
    pss_version: Option<String>,
    parameters: BTreeMap<String, serde_json::Value>,
    fail_on: Option<String>,
    /// Resource limits by name (`{"max-input-bytes": 8388608}`); docs/limits.md.
    limits: BTreeMap<String, u64>,
}

/// The limits `{name: value}` asks for; an unknown name is an error.
fn limits(given: &BTreeMap<String, u64>) -> Result<kubeward::Limits, JsValue> {
    kubeward::Limits::from_pairs(given.iter().map(|(k, v)| (k.as_str(), *v)))
        .map_err(|e| error(&format!("limits: {e}"), &[]))
}

/// Texts given as an array (named `<prefix>-1.yaml`…) or as an object `{name: text}`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Texts {
    List(Vec<String>),
    Named(BTreeMap<String, String>),
}

impl Default for Texts {
    fn default() -> Self {
        Texts::List(Vec::new())
    }
}

impl Texts {
    fn named(self, prefix: &str) -> Vec<(String, String)> {
        match self {
            Texts::List(texts) => (1..)
                .zip(texts)
                .map(|(i, text)| (format!("{prefix}-{i}.yaml"), text))
                .collect(),
            Texts::Named(texts) => texts.into_iter().collect(),
        }
    }
}

/// What `helm template` is told, plus the policy options.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
struct ChartOptions {
    #[serde(flatten)]
    policies: Policies,
    values: Texts,
    set: Vec<String>,
    set_string: Vec<String>,
    set_json: Vec<String>,
    set_literal: Vec<String>,
    set_file: BTreeMap<String, String>,
    release_name: Option<String>,
    namespace: Option<String>,
    kube_version: Option<String>,
    api_versions: Vec<String>,
    show_only: Vec<String>,
    include_crds: bool,
    skip_tests: bool,
    is_upgrade: bool,
}

impl ChartOptions {
    fn render_options(self) -> (Policies, RenderOptions) {
        let render = RenderOptions {
            release_name: self.release_name,
            namespace: self.namespace,
            values: self.values.named("values"),
            set: self.set,
            set_string: self.set_string,
            set_file: self.set_file.into_iter().collect(),
            set_json: self.set_json,
            set_literal: self.set_literal,
            kube_version: self.kube_version,
            api_versions: self.api_versions,
            show_only: self.show_only,
            include_crds: self.include_crds,
            skip_tests: self.skip_tests,
            is_upgrade: self.is_upgrade,
            ..RenderOptions::default()
        };
        (self.policies, render)
    }
}

/// An `Error` named `KubewardError` with `message`, and `errors` (the entries) as a
/// property when given.
fn error(message: &str, errors: &[ErrorEntry]) -> JsValue {
    let err = js_sys::Error::new(message);
    err.set_name("KubewardError");
    if !errors.is_empty() {
        // Setting a property on a fresh Error cannot fail.
        let _ = Reflect::set(&err, &"errors".into(), &to_js(&errors));
    }
    err.into()
}

/// Errors from policy files, one `file:line:column: message` per line.
fn entries_error(what: &str, errors: &[ErrorEntry]) -> JsValue {
    let lines: Vec<String> = errors
        .iter()
        .map(|e| format!("{}: {}", e.location(), e.message))
        .collect();
    error(&format!("{what}:\n{}", lines.join("\n")), errors)
}

/// A plain JS value from anything serializable (through JSON, the fastest way across).
fn to_js<T: serde::Serialize + ?Sized>(value: &T) -> JsValue {
    let text = serde_json::to_string(value).unwrap_or_default();
    js_sys::JSON::parse(&text).unwrap_or(JsValue::NULL)
}

/// Reads an options object (`undefined` and `null` are the defaults).
fn options<T: Default + for<'de> Deserialize<'de>>(
    value: &JsValue,
    what: &str,
) -> Result<T, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    let text = js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| error(&format!("{what} must be a plain object"), &[]))?;
    serde_json::from_str(&text).map_err(|e| {
        let message = e.to_string();
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m);
        error(&format!("{what}: {message}"), &[])
    })
}

thread_local! {
    /// The last scanner built, by the options it was built from: typing in an editor
    /// rescans with the same policies, which need compiling only once.
    static SCANNER: RefCell<Option<(String, Scanner)>> = const { RefCell::new(None) };
}

/// Runs `f` with a scanner for the policies the options ask for, and the file name.
fn with_scanner<T>(opts: Policies, f: impl FnOnce(&Scanner, String) -> T) -> Result<T, JsValue> {
    let name = opts.filename.clone().unwrap_or_default();
    let policy_files = opts.policies.named("policy");
    let key = format!(
        "{:?}",
        (
            &opts.packs,
            &policy_files,
            &opts.pss_version,
            &opts.parameters,
            &opts.fail_on,
            &opts.limits
        )
    );
    SCANNER.with(|cell| {
        let mut cached = cell.borrow_mut();
        if let Some((k, scanner)) = cached.as_ref() {
            if *k == key {
                return Ok(f(scanner, name));
            }
        }
        let fail_on = match opts.fail_on {
            Some(text) => text
                .parse::<FailOn>()
                .map_err(|e| error(&format!("failOn: {e}"), &[]))?,
            None => FailOn::default(),
        };
        let engine = EngineOptions {
            packs: opts.packs,
            policy_files,
            pss_version: opts.pss_version,
            parameters: opts.parameters,
            limits: limits(&opts.limits)?,
        };
        let scanner = Scanner::new(ScannerOptions {
            engine,
            exemptions: Vec::new(),
            fail_on,
        })
        .map_err(|errors| entries_error("invalid policies or options", &errors))?
        .with_today(today());
        let result = f(&scanner, name);
        *cached = Some((key, scanner));
        Ok(result)
    })
}

/// Today, from the JavaScript clock (WebAssembly has none).
fn today() -> Date {
    let now = js_sys::Date::new_0();
    let days = now.get_time() / 86_400_000.0;
    // Days since 1970 fit an i64 for any date a JS Date can hold.
    #[allow(clippy::cast_possible_truncation)]
    Date::from_days_since_epoch(days.floor() as i64)
}

/// The report as a plain object, with `exitCode` (what the CLI would exit with) as a
/// non-enumerable property, so the object serializes exactly like the CLI's report.
fn report(scanned: &Scanned) -> JsValue {
    let value = to_js(&scanned.report.to_json());
    if let Some(obj) = value.dyn_ref::<Object>() {
        let descriptor = Object::new();
        let _ = Reflect::set(&descriptor, &"value".into(), &scanned.exit_code().into());
        Object::define_property(obj, &"exitCode".into(), &descriptor);
    }
    value
}

/// Scans manifests (YAML or JSON, one or many documents) and returns the report.
///
/// # Errors
///
/// Invalid options or policy files.
#[wasm_bindgen(skip_typescript)]
pub fn scan(text: &str, options_value: JsValue) -> Result<JsValue, JsValue> {
    with_scanner(options(&options_value, "scan options")?, |scanner, name| {
        let name = if name.is_empty() {
            "manifest.yaml"
        } else {
            &name
        };
        report(&scanner.scan_text(name, text))
    })
}

/// Reads a chart given as a `.tgz` (`Uint8Array` or `ArrayBuffer`) or as `{path: text or
/// bytes}`.
fn chart_files(files: &JsValue) -> Result<Result<Chart, ErrorEntry>, JsValue> {
    let load = |r: Result<Chart, chart::ChartError>| {
        r.map_err(|e| kubeward::charts::chart_error("chart", &e))
    };
    if files.is_instance_of::<Uint8Array>() || files.is_instance_of::<js_sys::ArrayBuffer>() {
        return Ok(load(chart::load_archive(&Uint8Array::new(files).to_vec())));
    }
    let Some(obj) = files.dyn_ref::<Object>() else {
        return Err(error(
            "chart files must be a .tgz (Uint8Array) or an object {path: string | Uint8Array}",
            &[],
        ));
    };
    let mut map = BTreeMap::new();
    for entry in Object::entries(obj) {
        let pair = js_sys::Array::from(&entry);
        let path = pair.get(0).as_string().unwrap_or_default();
        let content = pair.get(1);
        let bytes = if let Some(text) = content.as_string() {
            text.into_bytes()
        } else if content.is_instance_of::<Uint8Array>() {
            Uint8Array::new(&content).to_vec()
        } else {
            return Err(error(
                &format!("chart file `{path}` must be a string or a Uint8Array"),
                &[],
            ));
        };
        map.insert(path, bytes);
    }
    Ok(load(chart::load_files(map)))
}

/// Renders a chart and scans its output; findings name the template line. A chart that
/// cannot be loaded or rendered is an error in the report, as in the CLI.
///
/// # Errors
///
/// Invalid arguments, options or policy files.
#[wasm_bindgen(js_name = scanChart, skip_typescript)]
pub fn scan_chart(files: JsValue, options_value: JsValue) -> Result<JsValue, JsValue> {
    let (policies, render) =
        options::<ChartOptions>(&options_value, "chart options")?.render_options();
    let chart = chart_files(&files)?;
    with_scanner(policies, |scanner, name| {
        let name = if name.is_empty() {
            "chart".to_string()
        } else {
            name
        };
        let scanned = match chart {
            Ok(chart) => scanner.scan_chart(&name, &chart, &render),
            Err(entry) => {
                let mut scanned = scanner.scan_files(Vec::new());
                scanned.report.add_errors([ErrorEntry {
                    file: name,
                    ..entry
                }]);
                scanned
            }
        };
        report(&scanned)
    })
}

/// Renders a chart; returns what `helm template` prints.
///
/// # Errors
///
/// Invalid arguments or options, or the chart cannot be loaded or rendered.
#[wasm_bindgen(js_name = renderChart, skip_typescript)]
pub fn render_chart(files: JsValue, options_value: JsValue) -> Result<String, JsValue> {
    let (policies, render) =
        options::<ChartOptions>(&options_value, "chart options")?.render_options();
    let limits = limits(&policies.limits)?;
    let name = policies.filename.unwrap_or_else(|| "chart".to_string());
    let chart = chart_files(&files)?.map_err(|e| entries_error("cannot load the chart", &[e]))?;
    kubeward::charts::render_chart_with(&name, &chart, &render, &limits)
        .map_err(|e| entries_error("cannot render the chart", &[e]))
}

/// Decodes manifests exactly as Kubernetes does; one value per document, before list
/// flattening.
///
/// # Errors
///
/// Any part of the input Kubernetes would reject, with its line and column.
#[wasm_bindgen(skip_typescript)]
pub fn decode(text: &str, filename: Option<String>) -> Result<JsValue, JsValue> {
    let decoded = kubeward::yaml::decode(text.as_bytes());
    if !decoded.errors.is_empty() {
        let file = filename.unwrap_or_else(|| "input".to_string());
        let entries: Vec<ErrorEntry> = decoded
            .errors
            .iter()
            .map(|e| ErrorEntry {
                file: file.clone(),
                line: e.pos.line,
                column: e.pos.column,
                message: e.message.clone(),
            })
            .collect();
        return Err(entries_error("cannot decode", &entries));
    }
    let documents: Vec<serde_json::Value> =
        decoded.documents.iter().map(|d| d.root.to_json()).collect();
    Ok(to_js(&documents))
}

/// Every built-in policy: id, title, severity, category, description, fix, aliases, packs.
///
/// # Errors
///
/// Never in practice (the built-in policies are checked when they are built).
#[wasm_bindgen(skip_typescript)]
pub fn policies() -> Result<JsValue, JsValue> {
    let engine = EngineOptions {
        packs: vec!["all".to_string()],
        ..EngineOptions::default()
    };
    let scanner = Scanner::new(ScannerOptions {
        engine,
        ..ScannerOptions::default()
    })
    .map_err(|errors| entries_error("built-in policies", &errors))?;
    Ok(to_js(scanner.rules()))
}

/// The kubeward version.
#[wasm_bindgen(skip_typescript)]
#[must_use]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// For the test suite only: panics (an index out of bounds), to check that the module
/// stays usable afterwards.
#[doc(hidden)]
#[wasm_bindgen(js_name = __panicForTests, skip_typescript)]
#[must_use]
pub fn panic_for_tests(index: usize) -> u8 {
    let empty: Vec<u8> = Vec::new();
    #[allow(clippy::indexing_slicing)]
    empty[index]
}
