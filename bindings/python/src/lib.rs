//! `kubeward._native`: the Rust half of the `kubeward` Python module.
//!
//! A thin layer over [`kubeward::Scanner`]: it converts arguments, releases the GIL while
//! the library works, turns library errors into the exceptions of `kubeward._errors`, and
//! wraps report entries in read-only Python objects. Anything about Kubernetes or reports
//! belongs in the library.
// PyO3's macros expand to `unsafe` impls and FFI trampolines; this crate writes no
// `unsafe` code of its own.
#![allow(unsafe_code)]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use kubeward::helm::chart::{self, Chart, RenderOptions as ChartRender};
use kubeward::inputs;
use kubeward::{
    Config, EngineOptions, ErrorEntry, FailOn, Format, RuleInfo, Scanned, ScannerOptions, Source,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyMapping, PyString};

// ---------------------------------------------------------------------------------------
// Errors

/// Which exception of `kubeward._errors` to raise.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Base,
    Policy,
    Chart,
    Input,
}

impl Kind {
    fn class(self) -> &'static str {
        match self {
            Kind::Base => "KubewardError",
            Kind::Policy => "PolicyError",
            Kind::Chart => "ChartError",
            Kind::Input => "InputError",
        }
    }
}

/// The exception `kind` for `entries`; its message names each location.
fn error(py: Python<'_>, kind: Kind, entries: Vec<ErrorEntry>) -> PyErr {
    let message = match entries.as_slice() {
        [one] => format!("{}: {}", one.location(), one.message),
        many => {
            let lines: Vec<String> = many
                .iter()
                .map(|e| format!("  {}: {}", e.location(), e.message))
                .collect();
            format!("{} errors:\n{}", many.len(), lines.join("\n"))
        }
    };
    let build = || -> PyResult<PyErr> {
        let entries = entries
            .into_iter()
            .map(|e| Py::new(py, PyErrorEntry(e)))
            .collect::<PyResult<Vec<_>>>()?;
        let class = py.import("kubeward._errors")?.getattr(kind.class())?;
        Ok(PyErr::from_value(class.call1((message, entries))?))
    };
    build().unwrap_or_else(|e| e)
}

/// An error about a whole input (`file` is its name).
fn whole(kind: Kind, py: Python<'_>, file: &str, message: String) -> PyErr {
    error(py, kind, vec![inputs::file_error(file, message)])
}

/// The variable that makes an entry point panic on purpose, for the test suite: `entry`
/// panics on entry (GIL held), `unlocked` inside the library call (GIL released). Only
/// these exact values act; scanned input cannot set it, and the panic ends as a
/// `KubewardError`, never as a result.
const TEST_PANIC_VAR: &str = "KUBEWARD_TEST_PANIC";

/// Panics when [`TEST_PANIC_VAR`] is `when`.
#[allow(clippy::panic)]
fn test_panic(when: &str) {
    if std::env::var(TEST_PANIC_VAR).as_deref() == Ok(when) {
        panic!("deliberate panic ({TEST_PANIC_VAR}={when})");
    }
}

/// A panic caught at the boundary, as `KubewardError` asking for a bug report.
fn panic_error(py: Python<'_>, payload: &(dyn std::any::Any + Send)) -> PyErr {
    let what = payload
        .downcast_ref::<&str>()
        .map(ToString::to_string)
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    whole(
        Kind::Base,
        py,
        "<kubeward>",
        format!(
            "internal error: kubeward {} panicked: {what} (this is a bug; please report it at \
             https://github.com/kubeward/kubeward/issues)",
            env!("CARGO_PKG_VERSION")
        ),
    )
}

/// Runs an entry point's body with the GIL held; a panic becomes `KubewardError` instead of
/// PyO3's `PanicException` (a `BaseException` that `except Exception` does not catch).
/// Every `#[pyfunction]` and every method that does more than return a field goes
/// through it (or through [`unlocked`]).
fn guarded<T>(py: Python<'_>, work: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    catch_unwind(AssertUnwindSafe(|| {
        test_panic("entry");
        work()
    }))
    .unwrap_or_else(|payload| Err(panic_error(py, payload.as_ref())))
}

/// Runs `work` without the GIL; a panic becomes `KubewardError` instead of unwinding into
/// Python.
fn unlocked<T, F>(py: Python<'_>, work: F) -> PyResult<T>
where
    F: FnOnce() -> T + Send,
    T: Send,
{
    py.detach(|| {
        catch_unwind(AssertUnwindSafe(|| {
            test_panic("unlocked");
            work()
        }))
    })
    .map_err(|payload| panic_error(py, payload.as_ref()))
}

// ---------------------------------------------------------------------------------------
// Reading what Python passes

/// Where text comes from: `os.PathLike` and one-line strings are paths, strings with a line
/// break are the text itself (named `name`).
fn text_or_path(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Result<(String, String), PathBuf>> {
    if let Ok(s) = obj.cast::<PyString>() {
        let text: String = s.extract()?;
        if text.contains('\n') {
            return Ok(Ok((name.to_string(), text)));
        }
    }
    Ok(Err(obj.extract::<PathBuf>()?))
}

/// Reads a UTF-8 file named by the caller; `InputError` when it cannot be read.
fn read_text(py: Python<'_>, path: &std::path::Path) -> PyResult<(String, String)> {
    let name = inputs::display_name(path);
    let bytes = std::fs::read(path).map_err(|e| {
        whole(
            Kind::Input,
            py,
            &name,
            inputs::io_message(&format!("`{name}`"), &e),
        )
    })?;
    let text = String::from_utf8(bytes)
        .map_err(|_| whole(Kind::Input, py, &name, "not UTF-8 text".to_string()))?;
    Ok((name, text))
}

/// A path the caller named must exist: `InputError` otherwise.
fn must_exist(py: Python<'_>, path: &str) -> PyResult<()> {
    std::fs::metadata(path).map(|_| ()).map_err(|e| {
        let name = inputs::display_name(std::path::Path::new(path));
        whole(
            Kind::Input,
            py,
            &name,
            inputs::io_message(&format!("`{name}`"), &e),
        )
    })
}

/// Policy files from `policies=`: paths of files or folders, policy texts, `PolicySet`s.
fn policy_files(
    py: Python<'_>,
    policies: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<(String, String)>> {
    let Some(policies) = policies else {
        return Ok(Vec::new());
    };
    let items: Vec<Bound<'_, PyAny>> =
        if policies.is_instance_of::<PyString>() || policies.cast::<PolicySet>().is_ok() {
            vec![policies.clone()]
        } else if let Ok(path) = policies.extract::<PathBuf>() {
            vec![path.into_pyobject(py)?.into_any()]
        } else {
            policies.try_iter()?.collect::<PyResult<_>>()?
        };
    let mut files = Vec::new();
    for (index, item) in items.iter().enumerate() {
        if let Ok(set) = item.cast::<PolicySet>() {
            files.extend(set.get().files.iter().cloned());
            continue;
        }
        match text_or_path(item, &format!("<policy {index}>"))? {
            Ok(text) => files.push(text),
            Err(path) => {
                must_exist(py, &path.to_string_lossy())?;
                let (found, errors) = inputs::read_policy_files(&[path]);
                if !errors.is_empty() {
                    return Err(error(py, Kind::Input, errors));
                }
                files.extend(found);
            }
        }
    }
    Ok(files)
}

/// `json.dumps(value)`.
fn json_dumps(value: &Bound<'_, PyAny>) -> PyResult<String> {
    value
        .py()
        .import("json")?
        .call_method1("dumps", (value,))?
        .extract()
}

/// `--set`-style arguments: a list of `key=value` strings, one such string, or a mapping
/// whose values are turned into strings by `value`.
fn assignments(
    arg: Option<&Bound<'_, PyAny>>,
    value: impl Fn(&Bound<'_, PyAny>) -> PyResult<String>,
) -> PyResult<Vec<String>> {
    let Some(arg) = arg else {
        return Ok(Vec::new());
    };
    if let Ok(s) = arg.extract::<String>() {
        return Ok(vec![s]);
    }
    if let Ok(map) = arg.cast::<PyMapping>() {
        let mut out = Vec::new();
        for item in map.items()?.iter() {
            let (key, v): (String, Bound<'_, PyAny>) = item.extract()?;
            out.push(format!("{key}={}", value(&v)?));
        }
        return Ok(out);
    }
    arg.extract::<Vec<String>>()
}

/// A value of a `set_string` mapping, escaped for Helm's `--set` grammar.
fn plain_string(v: &Bound<'_, PyAny>) -> PyResult<String> {
    let s: String = v.str()?.extract()?;
    Ok(s.replace('\\', "\\\\").replace(',', "\\,"))
}

// ---------------------------------------------------------------------------------------
// Chart options

/// What `helm template` is told: values files, `--set` family, release, capabilities.
///
/// Every argument is keyword-only and optional:
///
/// - `values`: values files merged in order; each a path (`str` or `os.PathLike`), a YAML
///   text (a `str` with a line break), or a mapping of values.
/// - `set`: a mapping `{"image.tag": "1.2"}` (each value set with its exact Python type, as
///   `--set-json` does), or `--set` strings `["image.tag=1.2"]` (Helm's type guessing).
/// - `set_string`: a mapping (values as strings) or `--set-string` strings.
/// - `set_file`: a mapping of keys to files whose content becomes the value.
/// - `set_json`: a mapping (values written as JSON) or `--set-json` strings.
/// - `set_literal`: a mapping or `--set-literal` strings.
/// - `release_name`, `namespace`, `kube_version`, `api_versions`, `show_only`,
///   `include_crds`, `skip_tests`, `is_upgrade`: as the `helm template` flags.
///
/// Files that cannot be read raise `InputError`.
#[pyclass(frozen, module = "kubeward", name = "ChartOptions")]
#[derive(Debug, Clone, Default)]
struct PyChartOptions(ChartRender);

#[pymethods]
impl PyChartOptions {
    #[new]
    #[pyo3(signature = (*, values=None, set=None, set_string=None, set_file=None, set_json=None,
        set_literal=None, release_name=None, namespace=None, kube_version=None,
        api_versions=None, show_only=None, include_crds=false, skip_tests=false, is_upgrade=false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        values: Option<Vec<Bound<'_, PyAny>>>,
        set: Option<&Bound<'_, PyAny>>,
        set_string: Option<&Bound<'_, PyAny>>,
        set_file: Option<&Bound<'_, PyDict>>,
        set_json: Option<&Bound<'_, PyAny>>,
        set_literal: Option<&Bound<'_, PyAny>>,
        release_name: Option<String>,
        namespace: Option<String>,
        kube_version: Option<String>,
        api_versions: Option<Vec<String>>,
        show_only: Option<Vec<String>>,
        include_crds: bool,
        skip_tests: bool,
        is_upgrade: bool,
    ) -> PyResult<Self> {
        guarded(py, || {
            let mut opts = ChartRender {
                release_name,
                namespace,
                kube_version,
                api_versions: api_versions.unwrap_or_default(),
                show_only: show_only.unwrap_or_default(),
                include_crds,
                skip_tests,
                is_upgrade,
                ..ChartRender::default()
            };
            for (index, v) in values.iter().flatten().enumerate() {
                let name = format!("<values {index}>");
                if v.cast::<PyMapping>().is_ok() && !v.is_instance_of::<PyString>() {
                    opts.values.push((name, json_dumps(v)?));
                    continue;
                }
                opts.values.push(match text_or_path(v, &name)? {
                    Ok(text) => text,
                    Err(path) => read_text(py, &path)?,
                });
            }
            // A mapping for `set` keeps Python's types exactly: it goes through `--set-json`.
            let (set_list, set_map) = match set {
                Some(s) if s.cast::<PyMapping>().is_ok() => (None, Some(s)),
                other => (other, None),
            };
            opts.set = assignments(set_list, |v| v.str()?.extract())?;
            opts.set_json = assignments(set_map, json_dumps)?;
            opts.set_json.extend(assignments(set_json, json_dumps)?);
            opts.set_string = assignments(set_string, plain_string)?;
            opts.set_literal = assignments(set_literal, |v| v.str()?.extract())?;
            for item in set_file.map(|d| d.items()).iter().flat_map(|l| l.iter()) {
                let (key, path): (String, PathBuf) = item.extract()?;
                opts.set_file.push((key, read_text(py, &path)?.1));
            }
            Ok(PyChartOptions(opts))
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "ChartOptions(values={}, set={:?}, set_json={:?}, set_string={:?}, release_name={:?}, namespace={:?})",
            self.0.values.len(),
            self.0.set,
            self.0.set_json,
            self.0.set_string,
            self.0.release_name,
            self.0.namespace
        )
    }
}

/// The chart options from an optional `ChartOptions` and keyword arguments (which build
/// one when given).
fn options_from(
    py: Python<'_>,
    options: Option<&Bound<'_, PyChartOptions>>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<ChartRender> {
    match (options, kwargs.filter(|k| !k.is_empty())) {
        (Some(_), Some(_)) => Err(PyTypeError::new_err(
            "give either a ChartOptions or chart keyword arguments, not both",
        )),
        (Some(o), None) => Ok(o.get().0.clone()),
        (None, Some(k)) => {
            let built = py.get_type::<PyChartOptions>().call((), Some(k))?;
            Ok(built.cast::<PyChartOptions>()?.get().0.clone())
        }
        (None, None) => Ok(ChartRender::default()),
    }
}

/// Resource limits from a `limits=` mapping (names as in docs/limits.md); an unknown name or
/// a value out of range is a `kind` error.
fn limits_from(
    py: Python<'_>,
    kind: Kind,
    limits: Option<&std::collections::BTreeMap<String, u64>>,
) -> PyResult<kubeward::Limits> {
    kubeward::Limits::from_pairs(
        limits
            .into_iter()
            .flatten()
            .map(|(name, value)| (name.as_str(), *value)),
    )
    .map_err(|e| whole(kind, py, "<options>", e.to_string()))
}

/// Loads a chart folder or `.tgz` file within the chart limits of `limits`; `InputError`
/// when the path cannot be read, `ChartError` when it is no valid chart or breaks a limit.
fn load_chart(
    py: Python<'_>,
    path: &std::path::Path,
    limits: &kubeward::Limits,
) -> PyResult<(String, Chart)> {
    let name = inputs::display_name(path);
    must_exist(py, &path.to_string_lossy())?;
    let owned = path.to_path_buf();
    let load_limits = limits.chart_load();
    let loaded = unlocked(py, move || {
        if owned.is_dir() {
            return Ok(chart::load_dir_with(&owned, &load_limits));
        }
        // An archive larger than the whole chart may be is refused before it is read.
        let len = std::fs::metadata(&owned)?.len();
        let max = load_limits.max_total_bytes;
        if len > max {
            return Ok(Err(chart::ChartError {
                message: format!(
                    "chart archive of {len} bytes is larger than {max} bytes (limit max-chart-bytes={max})"
                ),
                file: None,
                line: None,
                column: None,
            }));
        }
        std::fs::read(&owned).map(|bytes| chart::load_archive_with(&bytes, &load_limits))
    })?;
    match loaded {
        Ok(Ok(chart)) => Ok((name, chart)),
        Ok(Err(e)) => Err(error(
            py,
            Kind::Chart,
            vec![kubeward::charts::chart_error(&name, &e)],
        )),
        Err(e) => Err(whole(
            Kind::Input,
            py,
            &name,
            inputs::io_message(&format!("`{name}`"), &e),
        )),
    }
}

/// Renders a loaded chart within the template limits of `limits`; `ChartError` when a
/// template fails or breaks a limit.
fn render(
    py: Python<'_>,
    name: String,
    chart: Chart,
    opts: ChartRender,
    limits: kubeward::Limits,
) -> PyResult<String> {
    unlocked(py, move || {
        kubeward::charts::render_chart_with(&name, &chart, &opts, &limits)
    })?
    .map_err(|e| error(py, Kind::Chart, vec![e]))
}

/// Renders the chart at `chart` (a folder with `Chart.yaml`, or a `.tgz` file) and returns
/// what `helm template` prints. Chart options as in `ChartOptions`; `limits` as for
/// `Scanner` (the chart and template limits apply).
///
/// Raises `InputError` when the path cannot be read, `ChartError` when the chart cannot be
/// loaded or rendered (the error names the template file and line), breaks a limit (the
/// error names it), or `limits` names an unknown limit.
#[pyfunction]
#[pyo3(signature = (chart, options=None, /, *, limits=None, **chart_options))]
fn render_chart(
    py: Python<'_>,
    chart: PathBuf,
    options: Option<&Bound<'_, PyChartOptions>>,
    limits: Option<std::collections::BTreeMap<String, u64>>,
    chart_options: Option<&Bound<'_, PyDict>>,
) -> PyResult<String> {
    guarded(py, || {
        let limits = limits_from(py, Kind::Chart, limits.as_ref())?;
        let opts = options_from(py, options, chart_options)?;
        let (name, loaded) = load_chart(py, &chart, &limits)?;
        render(py, name, loaded, opts, limits)
    })
}

/// Renders a chart packaged as a `.tgz` archive (`bytes`, as `helm package` writes it) and
/// returns what `helm template` prints. Chart options as in `ChartOptions`; `limits` as
/// for `render_chart`.
///
/// Raises `ChartError` when the archive is no valid chart, cannot be rendered or breaks a
/// limit, or `limits` names an unknown limit.
#[pyfunction]
#[pyo3(signature = (data, options=None, /, *, limits=None, **chart_options))]
fn render_chart_archive(
    py: Python<'_>,
    data: pyo3::pybacked::PyBackedBytes,
    options: Option<&Bound<'_, PyChartOptions>>,
    limits: Option<std::collections::BTreeMap<String, u64>>,
    chart_options: Option<&Bound<'_, PyDict>>,
) -> PyResult<String> {
    guarded(py, || {
        let limits = limits_from(py, Kind::Chart, limits.as_ref())?;
        let opts = options_from(py, options, chart_options)?;
        let name = "<archive>".to_string();
        let load_limits = limits.chart_load();
        let loaded =
            unlocked(py, move || chart::load_archive_with(&data, &load_limits))?.map_err(|e| {
                error(
                    py,
                    Kind::Chart,
                    vec![kubeward::charts::chart_error(&name, &e)],
                )
            })?;
        render(py, name, loaded, opts, limits)
    })
}

// ---------------------------------------------------------------------------------------
// Report entries

/// An input that could not be read, decoded or rendered, or a policy that could not be
/// loaded: `file`, `line` and `column` (1-based; 0 when the error concerns the whole file)
/// and `message`.
#[pyclass(frozen, eq, module = "kubeward", name = "ErrorEntry")]
#[derive(Debug, Clone, PartialEq)]
struct PyErrorEntry(ErrorEntry);

#[pymethods]
impl PyErrorEntry {
    /// File (or policy file) name.
    #[getter]
    fn file(&self) -> &str {
        &self.0.file
    }
    /// 1-based line, 0 when the error concerns the whole file.
    #[getter]
    fn line(&self) -> u32 {
        self.0.line
    }
    /// 1-based column, 0 when the error concerns the whole file.
    #[getter]
    fn column(&self) -> u32 {
        self.0.column
    }
    /// What is wrong.
    #[getter]
    fn message(&self) -> &str {
        &self.0.message
    }
    /// `file:line:column`, or `file` when the error concerns the whole file.
    #[getter]
    fn location(&self) -> String {
        self.0.location()
    }
    /// The entry as in the JSON report.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.0)
    }
    fn __str__(&self) -> String {
        format!("{}: {}", self.0.location(), self.0.message)
    }
    fn __repr__(&self) -> String {
        format!(
            "ErrorEntry(file={:?}, line={}, column={}, message={:?})",
            self.0.file, self.0.line, self.0.column, self.0.message
        )
    }
}

/// Any serializable value as Python objects, through its JSON form.
fn to_python<'py, T: serde::Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    guarded(py, || {
        let text = serde_json::to_string(value)
            .map_err(|e| whole(Kind::Base, py, "<kubeward>", e.to_string()))?;
        py.import("json")?.call_method1("loads", (text,))
    })
}

/// The Kubernetes object a finding is about.
#[pyclass(frozen, eq, module = "kubeward", name = "Resource")]
#[derive(Debug, Clone, PartialEq)]
struct PyResource(kubeward::ResourceRef);

#[pymethods]
impl PyResource {
    /// `apiVersion`.
    #[getter]
    fn api_version(&self) -> &str {
        &self.0.api_version
    }
    /// `kind`.
    #[getter]
    fn kind(&self) -> &str {
        &self.0.kind
    }
    /// `metadata.namespace`, or `None` when not set.
    #[getter]
    fn namespace(&self) -> Option<&str> {
        self.0.namespace.as_deref()
    }
    /// `metadata.name` (or `generateName`), empty when neither is set.
    #[getter]
    fn name(&self) -> &str {
        &self.0.name
    }
    /// 0-based index of the document in its file.
    #[getter]
    fn document(&self) -> usize {
        self.0.document
    }
    /// The resource as in the JSON report.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "Resource(api_version={:?}, kind={:?}, namespace={}, name={:?}, document={})",
            self.0.api_version,
            self.0.kind,
            self.0
                .namespace
                .as_ref()
                .map_or_else(|| "None".to_string(), |n| format!("{n:?}")),
            self.0.name,
            self.0.document
        )
    }
}

/// For a manifest rendered from a Helm chart: the template line that produced the node.
#[pyclass(frozen, eq, module = "kubeward", name = "TemplateRef")]
#[derive(Debug, Clone, PartialEq)]
struct PyTemplateRef(kubeward::TemplateRef);

#[pymethods]
impl PyTemplateRef {
    /// Chart name.
    #[getter]
    fn chart(&self) -> &str {
        &self.0.chart
    }
    /// Template path inside the chart (`templates/deployment.yaml`).
    #[getter]
    fn file(&self) -> &str {
        &self.0.file
    }
    /// 1-based line in the template.
    #[getter]
    fn line(&self) -> u32 {
        self.0.line
    }
    /// 1-based column in the template, when known.
    #[getter]
    fn column(&self) -> Option<u32> {
        self.0.column
    }
    /// When the node's text was printed from `.Values`: the value's path and where a values
    /// file sets it.
    #[getter]
    fn values(&self) -> Option<PyValuesRef> {
        self.0.values.clone().map(PyValuesRef)
    }
    fn __repr__(&self) -> String {
        format!(
            "TemplateRef(chart={:?}, file={:?}, line={})",
            self.0.chart, self.0.file, self.0.line
        )
    }
}

/// A chart value a finding's text came from: its dotted path (`securityContext.runAsUser`)
/// and the values file and line that set it, when one does.
#[pyclass(frozen, eq, module = "kubeward", name = "ValuesRef")]
#[derive(Debug, Clone, PartialEq)]
struct PyValuesRef(kubeward::ValuesRef);

#[pymethods]
impl PyValuesRef {
    /// Dotted path in the chart's values.
    #[getter]
    fn path(&self) -> &str {
        &self.0.path
    }
    /// The values file that sets it (`values.yaml` or a `values=` file), when one does.
    #[getter]
    fn file(&self) -> Option<&str> {
        self.0.file.as_deref()
    }
    /// 1-based line of the key in that file.
    #[getter]
    fn line(&self) -> Option<u32> {
        self.0.line
    }
    fn __repr__(&self) -> String {
        format!(
            "ValuesRef(path={:?}, file={:?}, line={:?})",
            self.0.path, self.0.file, self.0.line
        )
    }
}

/// One violated policy at one place. Lines and columns count from 1, columns in
/// characters; `end_line`/`end_column` is just past the end of the blamed node.
#[pyclass(frozen, eq, module = "kubeward", name = "Finding")]
#[derive(Debug, Clone, PartialEq)]
struct PyFinding(kubeward::Finding);

#[pymethods]
impl PyFinding {
    /// Policy id (`KW-SEC-001`).
    #[getter]
    fn policy(&self) -> &str {
        &self.0.policy
    }
    /// Policy title.
    #[getter]
    fn title(&self) -> &str {
        &self.0.title
    }
    /// Severity: `critical`, `high`, `medium`, `low` or `info`.
    #[getter]
    fn severity(&self) -> &'static str {
        self.0.severity.as_str()
    }
    /// What is wrong here, and what to do.
    #[getter]
    fn message(&self) -> &str {
        &self.0.message
    }
    /// Ids of the same check in other tools (checkov, trivy, Pod Security...).
    #[getter]
    fn aliases(&self) -> Vec<String> {
        self.0.aliases.clone()
    }
    /// File name as given to the scan.
    #[getter]
    fn file(&self) -> &str {
        &self.0.file
    }
    /// First line of the blamed node.
    #[getter]
    fn line(&self) -> u32 {
        self.0.region.line
    }
    /// First column of the blamed node.
    #[getter]
    fn column(&self) -> u32 {
        self.0.region.column
    }
    /// Line of the end of the blamed node.
    #[getter]
    fn end_line(&self) -> u32 {
        self.0.region.end_line
    }
    /// Column just past the end of the blamed node.
    #[getter]
    fn end_column(&self) -> u32 {
        self.0.region.end_column
    }
    /// JSON pointer into the decoded document.
    #[getter]
    fn path(&self) -> &str {
        &self.0.path
    }
    /// The resource.
    #[getter]
    fn resource(&self) -> PyResource {
        PyResource(self.0.resource.clone())
    }
    /// The container, for container policies; else `None`.
    #[getter]
    fn container(&self) -> Option<&str> {
        self.0.container.as_deref()
    }
    /// The chart template that produced the node, or `None` for plain manifests.
    #[getter]
    fn template(&self) -> Option<PyTemplateRef> {
        self.0.template.clone().map(PyTemplateRef)
    }
    /// The finding as in the JSON report.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "Finding(policy={:?}, severity={:?}, file={:?}, line={}, column={}, message={:?})",
            self.0.policy,
            self.0.severity.as_str(),
            self.0.file,
            self.0.region.line,
            self.0.region.column,
            self.0.message
        )
    }
}

/// A finding that a suppression silenced: `finding`, `reason`, and `suppressed_by`
/// (`annotation`, `comment` or `config`, with its location).
#[pyclass(frozen, eq, module = "kubeward", name = "Suppressed")]
#[derive(Debug, Clone, PartialEq)]
struct PySuppressed(kubeward::Suppressed);

#[pymethods]
impl PySuppressed {
    /// The silenced finding.
    #[getter]
    fn finding(&self) -> PyFinding {
        PyFinding(self.0.finding.clone())
    }
    /// Why, as the suppression says.
    #[getter]
    fn reason(&self) -> &str {
        &self.0.reason
    }
    /// Where it was silenced.
    #[getter]
    fn suppressed_by(&self) -> &str {
        &self.0.suppressed_by
    }
    /// The entry as in the JSON report.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "Suppressed(policy={:?}, file={:?}, line={}, reason={:?})",
            self.0.finding.policy, self.0.finding.file, self.0.finding.region.line, self.0.reason
        )
    }
}

/// What a scan found. Entries are built on first access; the object is read-only and can
/// be shared between threads.
#[pyclass(frozen, module = "kubeward", name = "Report")]
struct PyReport {
    scanned: Scanned,
    scanner: Arc<kubeward::Scanner>,
    findings: OnceLock<Vec<Py<PyFinding>>>,
}

impl PyReport {
    fn render(&self, py: Python<'_>, format: Format) -> PyResult<String> {
        guarded(py, || {
            unlocked(py, || self.scanner.render(&self.scanned, format))
        })
    }
}

#[pymethods]
impl PyReport {
    /// Active findings (`list[Finding]`), sorted by file, line, column, policy.
    #[getter]
    fn findings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        guarded(py, || {
            if self.findings.get().is_none() {
                let built = self
                    .scanned
                    .report
                    .findings
                    .iter()
                    .map(|f| Py::new(py, PyFinding(f.clone())))
                    .collect::<PyResult<Vec<_>>>()?;
                // Another thread may have built them first: either list is the same.
                let _ = self.findings.set(built);
            }
            let items = self.findings.get().map(Vec::as_slice).unwrap_or_default();
            PyList::new(py, items.iter().map(|f| f.clone_ref(py)))
        })
    }
    /// Findings silenced by annotations, comments or config exemptions.
    #[getter]
    fn suppressed(&self) -> Vec<PySuppressed> {
        self.scanned
            .report
            .suppressed
            .iter()
            .cloned()
            .map(PySuppressed)
            .collect()
    }
    /// Inputs that could not be read, decoded or rendered, each with its location. Any
    /// error makes `exit_code` 2; the other documents and files are still scanned.
    #[getter]
    fn errors(&self) -> Vec<PyErrorEntry> {
        self.scanned
            .report
            .errors
            .iter()
            .cloned()
            .map(PyErrorEntry)
            .collect()
    }
    /// Warnings about the scan itself (unused or expired exemptions...).
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.scanned.report.warnings.clone()
    }
    /// Counts: `{"files", "resources", "findings", "bySeverity"}` as in the JSON report.
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guarded(py, || to_python(py, &self.scanned.report.summary))
    }
    /// The exit status the CLI would give: 2 when there is any error, 1 when a finding is
    /// at or above the scanner's `fail_on`, else 0.
    #[getter]
    fn exit_code(&self) -> u8 {
        self.scanned.exit_code()
    }
    /// The version-1 JSON report, exactly as `kubeward scan --format json` prints it.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        self.render(py, Format::Json)
    }
    /// The JSON report as Python objects (`json.loads(report.to_json())`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let text = self.to_json(py)?;
        py.import("json")?.call_method1("loads", (text,))
    }
    /// The SARIF 2.1.0 report (GitHub code scanning and other SARIF viewers).
    fn to_sarif(&self, py: Python<'_>) -> PyResult<String> {
        self.render(py, Format::Sarif)
    }
    /// The JUnit XML report (CI test reports).
    fn to_junit(&self, py: Python<'_>) -> PyResult<String> {
        self.render(py, Format::Junit)
    }
    /// The text report with code frames, as the CLI prints it (without colours).
    fn to_text(&self, py: Python<'_>) -> PyResult<String> {
        self.render(py, Format::Text)
    }
    fn __repr__(&self) -> String {
        let r = &self.scanned.report;
        format!(
            "Report(findings={}, suppressed={}, errors={}, exit_code={})",
            r.findings.len(),
            r.suppressed.len(),
            r.errors.len(),
            self.scanned.exit_code()
        )
    }
}

// ---------------------------------------------------------------------------------------
// Policies

/// What a policy is: `id`, `title`, `severity`, `category`, `packs`, `aliases`,
/// `description` and `fix` (Markdown), and `docs`, its full documentation page.
#[pyclass(frozen, module = "kubeward", name = "PolicyInfo")]
struct PyPolicyInfo {
    rule: RuleInfo,
    files: Arc<Vec<(String, String)>>,
}

#[pymethods]
impl PyPolicyInfo {
    /// Policy id (`KW-SEC-001`).
    #[getter]
    fn id(&self) -> &str {
        &self.rule.id
    }
    /// Title.
    #[getter]
    fn title(&self) -> &str {
        &self.rule.title
    }
    /// Severity: `critical`, `high`, `medium`, `low` or `info`.
    #[getter]
    fn severity(&self) -> &'static str {
        self.rule.severity.as_str()
    }
    /// Category.
    #[getter]
    fn category(&self) -> &str {
        &self.rule.category
    }
    /// Built-in packs it belongs to.
    #[getter]
    fn packs(&self) -> Vec<String> {
        self.rule.packs.clone()
    }
    /// Ids of the same check in other tools.
    #[getter]
    fn aliases(&self) -> Vec<String> {
        self.rule.aliases.clone()
    }
    /// Why it matters (Markdown), then its parameters and references.
    #[getter]
    fn description(&self) -> &str {
        &self.rule.description
    }
    /// How to fix it (Markdown).
    #[getter]
    fn fix(&self) -> &str {
        &self.rule.fix
    }
    /// The policy's documentation page (Markdown), as `kubeward policies ID` prints it.
    #[getter]
    fn docs(&self, py: Python<'_>) -> PyResult<String> {
        guarded(py, || {
            let id = self.rule.id.clone();
            let files = Arc::clone(&self.files);
            unlocked(py, move || kubeward::docs::page_for(&id, &files))?
                .map_err(|m| whole(Kind::Policy, py, &self.rule.id, m))
        })
    }
    /// The policy as `kubeward policies --format json` prints it.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.rule)
    }
    fn __repr__(&self) -> String {
        format!(
            "PolicyInfo(id={:?}, severity={:?}, title={:?})",
            self.rule.id,
            self.rule.severity.as_str(),
            self.rule.title
        )
    }
}

fn policy_infos(rules: &[RuleInfo], files: &Arc<Vec<(String, String)>>) -> Vec<PyPolicyInfo> {
    rules
        .iter()
        .map(|rule| PyPolicyInfo {
            rule: rule.clone(),
            files: Arc::clone(files),
        })
        .collect()
}

/// Compiles policies; `PolicyError` with every location when any is invalid.
fn build(py: Python<'_>, options: ScannerOptions) -> PyResult<kubeward::Scanner> {
    unlocked(py, move || kubeward::Scanner::new(options))?
        .map_err(|errors| error(py, Kind::Policy, errors))
}

/// Custom policy files, checked: what `load_policies` returns and `policies=` accepts.
/// Iterating gives their `PolicyInfo`s.
#[pyclass(frozen, module = "kubeward", name = "PolicySet")]
struct PolicySet {
    files: Arc<Vec<(String, String)>>,
    rules: Vec<RuleInfo>,
}

#[pymethods]
impl PolicySet {
    /// The policies' `PolicyInfo`s.
    #[getter]
    fn policies(&self) -> Vec<PyPolicyInfo> {
        policy_infos(&self.rules, &self.files)
    }
    /// The policy files, as `(name, text)` pairs.
    #[getter]
    fn files(&self) -> Vec<(String, String)> {
        self.files.as_ref().clone()
    }
    fn __len__(&self) -> usize {
        self.rules.len()
    }
    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyList::new(py, self.policies())?
            .into_any()
            .try_iter()?
            .into_any())
    }
    fn __repr__(&self) -> String {
        let ids: Vec<&str> = self.rules.iter().map(|r| r.id.as_str()).collect();
        format!("PolicySet({ids:?})")
    }
}

/// Loads and checks custom policy files: `source` is a path (`str` or `os.PathLike`) of a
/// policy file or a folder of them, a policy's YAML text (a `str` with a line break), or a
/// list of these. Returns a `PolicySet` to pass as `policies=`.
///
/// Raises `PolicyError` (each error names `file:line:column`) when a policy is invalid,
/// `InputError` when a path cannot be read.
#[pyfunction]
fn load_policies(py: Python<'_>, source: &Bound<'_, PyAny>) -> PyResult<PolicySet> {
    guarded(py, || {
        let files = policy_files(py, Some(source))?;
        let scanner = build(
            py,
            ScannerOptions {
                engine: EngineOptions {
                    packs: vec!["none".to_string()],
                    policy_files: files.clone(),
                    ..EngineOptions::default()
                },
                ..ScannerOptions::default()
            },
        )?;
        Ok(PolicySet {
            files: Arc::new(files),
            rules: scanner.rules().to_vec(),
        })
    })
}

/// The policies of the built-in `packs` (default: every built-in policy) and of the custom
/// `policies` (as `Scanner` takes them), as `PolicyInfo`s.
#[pyfunction]
#[pyo3(signature = (packs=None, policies=None))]
fn policies(
    py: Python<'_>,
    packs: Option<Vec<String>>,
    policies: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<PyPolicyInfo>> {
    guarded(py, || {
        let files = policy_files(py, policies)?;
        let scanner = build(
            py,
            ScannerOptions {
                engine: EngineOptions {
                    packs: packs.unwrap_or_else(|| vec!["all".to_string()]),
                    policy_files: files.clone(),
                    ..EngineOptions::default()
                },
                ..ScannerOptions::default()
            },
        )?;
        Ok(policy_infos(scanner.rules(), &Arc::new(files)))
    })
}

// ---------------------------------------------------------------------------------------
// Scanner

/// Compiled policies that scan any number of inputs; safe to share between threads, and
/// scans run without the GIL.
///
/// - `packs`: built-in packs (`pss-baseline`, `pss-restricted`, `hardening`, `rbac`,
///   `best-practices`, `yaml`, `all`, `none`); default: the `default` pack.
/// - `policies`: custom policies: paths of files or folders, policy texts, `PolicySet`s.
/// - `pss_version`: Pod Security Standards version (`v1.25`, `latest`).
/// - `fail_on`: lowest severity that makes `exit_code` 1 (`critical` ... `info`, `never`);
///   default `low`.
/// - `parameters`: policy parameter overrides (`name` or `POLICY-ID.name` to a value).
/// - `config`: a `.kubeward.yaml` file (packs, policies, exemptions...); the arguments
///   above replace its settings. Not read unless given.
///
/// Raises `PolicyError` for invalid policies or options, `InputError` for unreadable paths.
#[pyclass(frozen, module = "kubeward", name = "Scanner")]
struct PyScanner {
    inner: Arc<kubeward::Scanner>,
    files: Arc<Vec<(String, String)>>,
}

impl PyScanner {
    fn report(&self, scanned: Scanned) -> PyReport {
        PyReport {
            scanned,
            scanner: Arc::clone(&self.inner),
            findings: OnceLock::new(),
        }
    }
}

#[pymethods]
impl PyScanner {
    #[new]
    #[pyo3(signature = (*, packs=None, policies=None, pss_version=None, fail_on=None, parameters=None, config=None, limits=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        packs: Option<Vec<String>>,
        policies: Option<&Bound<'_, PyAny>>,
        pss_version: Option<String>,
        fail_on: Option<String>,
        parameters: Option<&Bound<'_, PyDict>>,
        config: Option<PathBuf>,
        limits: Option<std::collections::BTreeMap<String, u64>>,
    ) -> PyResult<Self> {
        guarded(py, || {
            let limits = limits_from(py, Kind::Policy, limits.as_ref())?;
            let (config, config_dir) = match config {
                Some(path) => {
                    let (name, text) = read_text(py, &path)?;
                    let parsed =
                        Config::parse(&name, &text).map_err(|e| error(py, Kind::Policy, e))?;
                    (parsed, path.parent().map(PathBuf::from).unwrap_or_default())
                }
                None => (Config::default(), PathBuf::new()),
            };
            let mut files = match policies {
                Some(_) => policy_files(py, policies)?,
                None => {
                    let paths: Vec<PathBuf> = config
                        .policies
                        .iter()
                        .flatten()
                        .map(|p| config_dir.join(p))
                        .collect();
                    let (found, errors) = inputs::read_policy_files(&paths);
                    if !errors.is_empty() {
                        return Err(error(py, Kind::Input, errors));
                    }
                    found
                }
            };
            files.dedup();
            let fail_on = match fail_on {
                Some(name) => name
                    .parse::<FailOn>()
                    .map_err(|m| whole(Kind::Policy, py, "<options>", m))?,
                None => config.fail_on.unwrap_or_default(),
            };
            let mut parameters_map = config.parameters.clone();
            if let Some(p) = parameters {
                let json: String = json_dumps(p.as_any())?;
                let given: std::collections::BTreeMap<String, serde_json::Value> =
                    serde_json::from_str(&json)
                        .map_err(|e| whole(Kind::Policy, py, "<options>", e.to_string()))?;
                parameters_map.extend(given);
            }
            let options = ScannerOptions {
                engine: EngineOptions {
                    packs: packs.or(config.packs).unwrap_or_default(),
                    policy_files: files.clone(),
                    pss_version: pss_version.or(config.pss_version),
                    parameters: parameters_map,
                    limits,
                },
                exemptions: config.exemptions,
                fail_on,
            };
            Ok(PyScanner {
                inner: Arc::new(build(py, options)?),
                files: Arc::new(files),
            })
        })
    }

    /// Scans one manifest text (YAML or JSON, any number of documents) named `filename` in
    /// the report.
    #[pyo3(signature = (text, filename="<text>".to_string()), text_signature = "(self, text, filename='<text>')")]
    fn scan_text(&self, py: Python<'_>, text: String, filename: String) -> PyResult<PyReport> {
        guarded(py, || {
            let scanner = Arc::clone(&self.inner);
            let scanned = unlocked(py, move || scanner.scan_text(&filename, &text))?;
            Ok(self.report(scanned))
        })
    }

    /// Scans several in-memory inputs in one report: a mapping of names to texts (`str` or
    /// `bytes`), or an iterable of `(name, text)` pairs. Relations between resources
    /// (Services and workloads...) are checked across all of them.
    fn scan_sources(&self, py: Python<'_>, sources: &Bound<'_, PyAny>) -> PyResult<PyReport> {
        guarded(py, || {
            let pairs: Vec<Bound<'_, PyAny>> = match sources.cast::<PyMapping>() {
                Ok(map) => map.items()?.iter().collect(),
                Err(_) => sources.try_iter()?.collect::<PyResult<_>>()?,
            };
            let mut list = Vec::with_capacity(pairs.len());
            for pair in pairs {
                let (name, content): (String, Bound<'_, PyAny>) = pair.extract()?;
                let bytes = match content.extract::<String>() {
                    Ok(text) => text.into_bytes(),
                    Err(_) => content.extract::<pyo3::pybacked::PyBackedBytes>()?.to_vec(),
                };
                list.push(Source { name, bytes });
            }
            let scanner = Arc::clone(&self.inner);
            let scanned = unlocked(py, move || scanner.scan_sources(&list))?;
            Ok(self.report(scanned))
        })
    }

    /// Scans files, folders (recursively, `*.yaml`, `*.yml`, `*.json`), chart folders
    /// (with `Chart.yaml`) and `.tgz` charts, as `kubeward scan PATH...` does. `paths` is
    /// one path or a list; charts are rendered with the chart options (see
    /// `ChartOptions`). Raises `InputError` when a path does not exist; files that cannot
    /// be read or decoded inside folders, and charts that cannot be rendered, are entries
    /// of `report.errors`.
    #[pyo3(signature = (paths, options=None, /, **chart_options))]
    fn scan_paths(
        &self,
        py: Python<'_>,
        paths: &Bound<'_, PyAny>,
        options: Option<&Bound<'_, PyChartOptions>>,
        chart_options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyReport> {
        guarded(py, || {
            let list: Vec<PathBuf> = match paths.extract::<PathBuf>() {
                Ok(one) if paths.is_instance_of::<PyString>() || !paths.hasattr("__iter__")? => {
                    vec![one]
                }
                _ => paths.extract()?,
            };
            let list: Vec<String> = list
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            for path in &list {
                must_exist(py, path)?;
            }
            let charts = options_from(py, options, chart_options)?;
            let scanner = Arc::clone(&self.inner);
            let scanned = unlocked(py, move || scanner.scan_paths(&list, &charts))?;
            Ok(self.report(scanned))
        })
    }

    /// The active policies, as `PolicyInfo`s.
    fn policies(&self) -> Vec<PyPolicyInfo> {
        policy_infos(self.inner.rules(), &self.files)
    }

    fn __repr__(&self) -> String {
        format!("Scanner(policies={})", self.inner.rules().len())
    }
}

// ---------------------------------------------------------------------------------------
// Decoding

/// Decodes a manifest stream as Kubernetes does; returns each document as one JSON text
/// (as `kubeward decode` prints it) and the decode errors as `ErrorEntry`s.
#[pyfunction]
#[pyo3(signature = (text, filename="<text>".to_string()), text_signature = "(text, filename='<text>')")]
fn decode_json(
    py: Python<'_>,
    text: pyo3::pybacked::PyBackedBytes,
    filename: String,
) -> PyResult<(Vec<String>, Vec<PyErrorEntry>)> {
    guarded(py, || {
        let (documents, errors) = unlocked(py, move || {
            let decoded = kubeward::yaml::decode(&text);
            let documents: Vec<String> = decoded
                .documents
                .iter()
                .map(|d| kubeward::yaml::to_json_string(&d.root))
                .collect();
            let errors: Vec<PyErrorEntry> = decoded
                .errors
                .iter()
                .map(|e| {
                    PyErrorEntry(ErrorEntry {
                        file: filename.clone(),
                        line: e.pos.line,
                        column: e.pos.column,
                        message: e.message.clone(),
                    })
                })
                .collect();
            (documents, errors)
        })?;
        Ok((documents, errors))
    })
}

/// The Rust half of the `kubeward` module; use `kubeward` itself.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<PyScanner>()?;
    m.add_class::<PyReport>()?;
    m.add_class::<PyFinding>()?;
    m.add_class::<PyResource>()?;
    m.add_class::<PyTemplateRef>()?;
    m.add_class::<PyValuesRef>()?;
    m.add_class::<PySuppressed>()?;
    m.add_class::<PyErrorEntry>()?;
    m.add_class::<PyPolicyInfo>()?;
    m.add_class::<PolicySet>()?;
    m.add_class::<PyChartOptions>()?;
    m.add_function(wrap_pyfunction!(render_chart, m)?)?;
    m.add_function(wrap_pyfunction!(render_chart_archive, m)?)?;
    m.add_function(wrap_pyfunction!(load_policies, m)?)?;
    m.add_function(wrap_pyfunction!(policies, m)?)?;
    m.add_function(wrap_pyfunction!(decode_json, m)?)?;
    Ok(())
}
