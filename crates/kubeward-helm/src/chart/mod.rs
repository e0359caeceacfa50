//! Charts: loading (folder, in-memory `.tgz`, subcharts), `Chart.yaml`, values and the
//! `--set` family, dependencies, the built-in objects, rendering every template, and the
//! output `helm template` prints, with a source map back to the templates.

use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

use crate::template::{ExecOptions, TemplateError, Templates};
use crate::value::{Map, MapType, Origin, Value};

mod archive;
mod deps;
mod glob;
mod ignore;
mod load;
mod metadata;
mod objects;
pub(crate) mod output;
mod schema;
mod semver;
mod strvals;
mod values;

pub use metadata::{Dependency, Maintainer, Metadata};

/// The deepest subchart nesting accepted (guards recursion on hostile archives).
pub(crate) const MAX_CHART_DEPTH: usize = 32;

/// A chart error: the chart could not be loaded, its values are invalid, or a template
/// failed (with its location).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartError {
    /// The message, in Helm's words where Helm has some.
    pub message: String,
    /// The chart file involved (e.g. `mychart/templates/deploy.yaml`), when known.
    pub file: Option<String>,
    /// 1-based line in that file, when known.
    pub line: Option<u32>,
    /// 1-based column in that file, when known.
    pub column: Option<u32>,
}

impl ChartError {
    /// An error with a message and no location.
    pub(crate) fn msg(message: impl Into<String>) -> Self {
        ChartError {
            message: message.into(),
            file: None,
            line: None,
            column: None,
        }
    }
}

impl std::fmt::Display for ChartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ChartError {}

/// Bounds on what loading a chart may read.
#[derive(Debug, Clone)]
pub struct LoadLimits {
    /// Total decompressed bytes of a load, nested archives included (Helm: 100 MiB per
    /// archive).
    pub max_total_bytes: u64,
    /// Bytes of one file (Helm: 5 MiB).
    pub max_file_bytes: u64,
    /// Number of files of one chart or archive.
    pub max_files: usize,
}

impl Default for LoadLimits {
    fn default() -> Self {
        LoadLimits {
            max_total_bytes: 100 << 20,
            max_file_bytes: 5 << 20,
            max_files: 20_000,
        }
    }
}

/// A loaded chart: its files, checked to form a valid chart (with its subcharts).
///
/// It holds only bytes and decoded YAML, shared, so it can be shared between threads and
/// cloned cheaply; [`render`] builds the chart tree (Helm's `chart.Chart`, whose values are
/// shared, mutable Go maps) afresh from it each time.
#[derive(Debug, Clone)]
pub struct Chart {
    /// The chart's files (after `.helmignore`), by path relative to the chart root, in
    /// load order.
    files: Arc<[(String, Arc<[u8]>)]>,
    /// The chart tree the files make, as loading found it.
    loaded: Arc<Loaded>,
}

impl Chart {
    /// Checks `files` (as [`load::load_buffered`] takes them) and keeps them.
    fn checked(files: Vec<(String, Vec<u8>)>, limits: &LoadLimits) -> Result<Chart, ChartError> {
        let files = load::shared(files);
        let mut budget = load::Budget {
            remaining: limits.max_total_bytes,
        };
        let loaded = load::load_buffered(files.clone(), limits, &mut budget, 0)?;
        Ok(Chart {
            files: files.into(),
            loaded: Arc::new(loaded),
        })
    }

    /// The chart's name (`Chart.yaml` `name`).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.loaded.name
    }

    /// The chart's version (`Chart.yaml` `version`).
    #[must_use]
    pub fn version(&self) -> &str {
        &self.loaded.version
    }

    /// The chart's files, by path relative to the chart root (subcharts in `charts/`
    /// included as loaded: folders file by file, archives as `.tgz` files).
    pub fn files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(n, d)| (n.as_str(), &**d))
    }

    /// The chart tree, as Helm's loader builds it.
    fn tree(&self) -> Result<Tree, ChartError> {
        Tree::build(&self.loaded)
    }
}

/// A chart and its subcharts as loading checked them, in a form threads can share: the
/// decoded `Chart.yaml` and `values.yaml` documents and the files' bytes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Loaded {
    /// The metadata's name and version.
    pub name: String,
    pub version: String,
    /// The `Chart.yaml` documents, in load order.
    pub chart_yaml: Vec<kubeward_yaml::Node>,
    /// The `requirements.yaml` documents, in load order.
    pub requirements_yaml: Vec<kubeward_yaml::Node>,
    /// `values.yaml`, when present: its document (a map or null; none when empty).
    pub values: Option<Option<kubeward_yaml::Node>>,
    /// `values.schema.json`, when present.
    pub schema: Option<Arc<[u8]>>,
    /// The files under `templates/`, in load order.
    pub templates: Vec<(String, Arc<[u8]>)>,
    /// The files `.Files` exposes, in load order.
    pub other_files: Vec<(String, Arc<[u8]>)>,
    /// The subcharts (from `charts/`).
    pub dependencies: Vec<Loaded>,
}

/// A chart tree with its subcharts (Helm's `chart.Chart`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Tree {
    /// `Chart.yaml`.
    pub metadata: Metadata,
    /// `values.yaml` (a map; empty when absent).
    pub values: Value,
    /// `values.schema.json`, when present.
    pub schema: Option<Arc<[u8]>>,
    /// The files under `templates/`, in load order.
    pub templates: Vec<(String, Arc<[u8]>)>,
    /// The files `.Files` exposes (everything but `Chart.yaml`, values, schema, templates
    /// and subcharts), in load order.
    pub other_files: Vec<(String, Arc<[u8]>)>,
    /// The subcharts (from `charts/`).
    pub dependencies: Vec<Tree>,
}

impl Tree {
    /// Builds the tree of a loaded chart: the metadata and values from their documents
    /// (as loading read them), the files shared.
    fn build(c: &Loaded) -> Result<Tree, ChartError> {
        let mut metadata = Metadata::default();
        for node in &c.chart_yaml {
            metadata
                .apply_node(node)
                .map_err(|e| ChartError::msg(format!("cannot load Chart.yaml: {e}")))?;
        }
        if metadata.api_version.is_empty() {
            "v1".clone_into(&mut metadata.api_version);
        }
        for node in &c.requirements_yaml {
            metadata
                .apply_node(node)
                .map_err(|e| ChartError::msg(format!("cannot load requirements.yaml: {e}")))?;
        }
        metadata.validate().map_err(ChartError::msg)?;
        let values = match &c.values {
            Some(node) => Value::Map(values::values_from_node(node.as_ref())),
            None => Value::Invalid,
        };
        Ok(Tree {
            metadata,
            values,
            schema: c.schema.clone(),
            templates: c.templates.clone(),
            other_files: c.other_files.clone(),
            dependencies: c
                .dependencies
                .iter()
                .map(Tree::build)
                .collect::<Result<_, _>>()?,
        })
    }

    /// The chart's name (`Chart.yaml` `name`, or the alias once dependencies are processed).
    #[must_use]
    pub(crate) fn name(&self) -> &str {
        &self.metadata.name
    }

    /// The values of `values.yaml` as a map.
    pub(crate) fn values_map(&self) -> Map {
        match &self.values {
            Value::Map(m) => m.clone(),
            _ => values::new_map(),
        }
    }

    /// Helm's `CRDObjects`: (`<chart path>/crds/<file>`, content) of this chart and its
    /// subcharts.
    fn crd_objects(&self, full_path: &str, out: &mut Vec<(String, String)>) {
        for (name, data) in &self.other_files {
            let lower = name.to_ascii_lowercase();
            if name.starts_with("crds/")
                && (lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json"))
            {
                out.push((
                    format!("{full_path}/{name}"),
                    String::from_utf8_lossy(data).into_owned(),
                ));
            }
        }
        for dep in &self.dependencies {
            dep.crd_objects(&format!("{full_path}/charts/{}", dep.name()), out);
        }
    }
}

/// Loads a chart folder given as its files, by path relative to the folder (what a browser
/// upload of a folder gives): `.helmignore` applies, as for `helm template <folder>`.
///
/// # Errors
///
/// The chart is invalid (no `Chart.yaml`, bad metadata, a broken subchart…), with Helm's
/// message.
pub fn load_files(files: BTreeMap<String, Vec<u8>>) -> Result<Chart, ChartError> {
    load_files_with(files, &LoadLimits::default())
}

/// [`load_files`] with explicit limits.
///
/// # Errors
///
/// As [`load_files`], or a limit is exceeded.
pub fn load_files_with(
    files: BTreeMap<String, Vec<u8>>,
    limits: &LoadLimits,
) -> Result<Chart, ChartError> {
    let files = load::from_folder(files.into_iter().collect(), limits)?;
    Chart::checked(files, limits)
}

/// Loads a packaged chart (`.tgz`) from memory.
///
/// # Errors
///
/// The archive is not a gzipped tar, breaks a limit, has illegal paths, or holds an invalid
/// chart.
pub fn load_archive(bytes: &[u8]) -> Result<Chart, ChartError> {
    load_archive_with(bytes, &LoadLimits::default())
}

/// [`load_archive`] with explicit limits.
///
/// # Errors
///
/// As [`load_archive`].
pub fn load_archive_with(bytes: &[u8], limits: &LoadLimits) -> Result<Chart, ChartError> {
    let mut budget = load::Budget {
        remaining: limits.max_total_bytes,
    };
    let files = load::read_archive_budgeted(bytes, limits, &mut budget)?;
    Chart::checked(files, limits)
}

/// Loads a chart from the file system: a chart folder, or a `.tgz` file. The only function
/// of the crate that reads files.
///
/// # Errors
///
/// The path cannot be read, or the chart is invalid.
pub fn load_dir(path: &std::path::Path) -> Result<Chart, ChartError> {
    load_dir_with(path, &LoadLimits::default())
}

/// [`load_dir`] with explicit limits.
///
/// # Errors
///
/// As [`load_dir`], or a limit is exceeded.
pub fn load_dir_with(path: &std::path::Path, limits: &LoadLimits) -> Result<Chart, ChartError> {
    let limits = limits.clone();
    let meta = std::fs::metadata(path).map_err(|e| ChartError::msg(e.to_string()))?;
    if meta.is_dir() {
        let files = load::read_dir(path, &limits)?;
        return Chart::checked(files, &limits);
    }
    if meta.len() > limits.max_total_bytes {
        return Err(ChartError::msg(format!(
            "chart archive '{}' is larger than {} bytes (limit max-chart-bytes={})",
            path.display(),
            limits.max_total_bytes,
            limits.max_total_bytes
        )));
    }
    let data = std::fs::read(path).map_err(|e| ChartError::msg(e.to_string()))?;
    if !data.starts_with(&[0x1f, 0x8b, 0x08]) {
        let name = path.display();
        let n = name.to_string();
        if n.ends_with(".yml") || n.ends_with(".yaml") {
            return Err(ChartError::msg(format!(
                "file '{n}' seems to be a YAML file, but expected a gzipped archive"
            )));
        }
        return Err(ChartError::msg(format!(
            "file '{n}' does not appear to be a gzipped archive"
        )));
    }
    load_archive_with(&data, &limits)
}

/// What `helm template` is told: values, release, capabilities, output filters.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// `--release-name` (default `release-name`).
    pub release_name: Option<String>,
    /// `--namespace` (default `default`).
    pub namespace: Option<String>,
    /// `-f/--values` files, as (name, text), merged in order.
    pub values: Vec<(String, String)>,
    /// `--set` arguments.
    pub set: Vec<String>,
    /// `--set-string` arguments.
    pub set_string: Vec<String>,
    /// `--set-file` arguments, with the file content already read: (key, content).
    pub set_file: Vec<(String, String)>,
    /// `--set-json` arguments.
    pub set_json: Vec<String>,
    /// `--set-literal` arguments.
    pub set_literal: Vec<String>,
    /// `--kube-version`.
    pub kube_version: Option<String>,
    /// `--api-versions`.
    pub api_versions: Vec<String>,
    /// `--show-only` paths or globs.
    pub show_only: Vec<String>,
    /// `--include-crds`.
    pub include_crds: bool,
    /// `--skip-tests`.
    pub skip_tests: bool,
    /// `--is-upgrade`.
    pub is_upgrade: bool,
    /// `--skip-schema-validation`.
    pub skip_schema_validation: bool,
    /// `--strict`-style rendering: a missing map key is an error (`missingkey=error`).
    pub strict: bool,
    /// Bounds on template execution (recursion, steps, output size).
    pub limits: crate::template::Limits,
}

/// One document of the output.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// The template that produced it (`mychart/templates/deploy.yaml`).
    pub source: String,
    /// Where the document's text starts in [`Rendered::text`] (just after its
    /// `# Source:` line).
    pub offset: usize,
    /// The document's text.
    pub text: String,
    /// For each line of [`Manifest::text`], the template position that produced it.
    pub origins: Vec<Option<Origin>>,
    /// Whether it is a hook.
    pub hook: bool,
}

/// A rendered chart.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// Exactly what `helm template` prints.
    pub text: String,
    /// The documents of [`Rendered::text`], in output order.
    pub manifests: Vec<Manifest>,
}

/// The coalesced values a render would use (`.Values` of the root chart), after
/// dependencies, imports and schema validation: what `helm template --debug` would show as
/// computed values.
///
/// # Errors
///
/// As [`render`], before templates run.
pub fn computed_values(chart: &Chart, opts: &RenderOptions) -> Result<Value, ChartError> {
    let (_, _, vals) = prepare(chart.tree()?, opts)?;
    Ok(Value::Map(vals))
}

/// Everything before templates run: capabilities, user values, installability, dependency
/// processing, coalescing, schema validation and the `kubeVersion` check.
fn prepare(
    mut chart: Tree,
    opts: &RenderOptions,
) -> Result<(Tree, objects::Capabilities, Map), ChartError> {
    let mut kube = objects::KubeVersion {
        version: objects::DEFAULT_KUBE_VERSION.0.into(),
        major: objects::DEFAULT_KUBE_VERSION.1.into(),
        minor: objects::DEFAULT_KUBE_VERSION.2.into(),
    };
    if let Some(kv) = opts.kube_version.as_deref().filter(|s| !s.is_empty()) {
        let v = semver::Version::parse(kv)
            .map_err(|e| ChartError::msg(format!("invalid kube version '{kv}': {e}")))?;
        kube = objects::KubeVersion {
            version: format!("v{}", v.to_go_string()),
            major: v.major().to_string(),
            minor: v.minor().to_string(),
        };
    }
    let mut apis: Vec<String> = objects::DEFAULT_API_VERSIONS
        .iter()
        .map(|s| (*s).to_string())
        .collect();
    // Helm's flag is a string slice: comma-separated values split.
    for a in &opts.api_versions {
        apis.extend(a.split(',').map(str::to_string));
    }
    let caps = objects::Capabilities {
        kube: Rc::new(kube),
        apis: Rc::new(objects::VersionSet(apis)),
    };

    let user = values::user_values(opts)?;
    match chart.metadata.chart_type.as_str() {
        "" | "application" => {}
        other => {
            return Err(ChartError::msg(format!(
                "{other} charts are not installable"
            )))
        }
    }
    let missing: Vec<&str> = chart
        .metadata
        .dependencies
        .iter()
        .flatten()
        .filter(|r| !chart.dependencies.iter().any(|d| d.name() == r.name))
        .map(|r| r.name.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(ChartError::msg(format!(
            "An error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: {}",
            missing.join(", ")
        )));
    }
    let mut warnings = Vec::new();
    deps::process(&mut chart, &user, &mut warnings)?;
    let vals = values::coalesce_values(&chart, Some(&user), false, &mut warnings)?;
    if !opts.skip_schema_validation {
        schema::validate(&chart, &vals).map_err(|e| {
            ChartError::msg(format!(
                "values don't meet the specifications of the schema(s) in the following chart(s):\n{e}"
            ))
        })?;
    }
    let kv = &chart.metadata.kube_version;
    if !kv.is_empty() && !semver::is_compatible_range(kv, &caps.kube.version) {
        return Err(ChartError::msg(format!(
            "chart requires kubeVersion: {kv} which is incompatible with Kubernetes {}",
            caps.kube.version
        )));
    }
    Ok((chart, caps, vals))
}

/// A template to run, with the context of its chart.
struct Renderable {
    text: Arc<[u8]>,
    context: Map,
    base_path: String,
}

fn values_map(entries: Vec<(&str, Value)>) -> Map {
    Map {
        entries: Rc::new(std::cell::RefCell::new(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )),
        ty: MapType::Values,
    }
}

/// Helm's `recAllTpls`: builds each chart's context and collects its templates.
fn collect_templates(
    c: &Tree,
    parent: &Map,
    full_path: &str,
    is_root: bool,
    out: &mut BTreeMap<String, Renderable>,
) -> Map {
    let sub_charts = values::new_map();
    let files: BTreeMap<String, Arc<[u8]>> = c
        .other_files
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let next = values_map(vec![
        (
            "Chart",
            Value::Object(Rc::new(objects::ChartObject {
                meta: Rc::new(c.metadata.clone()),
                is_root,
            })),
        ),
        ("Files", Value::Object(Rc::new(objects::Files::new(files)))),
        (
            "Release",
            values::get(parent, "Release").unwrap_or(Value::Nil),
        ),
        (
            "Capabilities",
            values::get(parent, "Capabilities").unwrap_or(Value::Nil),
        ),
        ("Values", Value::Map(values_map(Vec::new()))),
        ("Subcharts", Value::Map(sub_charts.clone())),
    ]);
    if is_root {
        values::insert(
            &next,
            "Values",
            values::get(parent, "Values").unwrap_or(Value::Nil),
        );
    } else if let Some(t) = values::table(parent, &format!("Values.{}", c.name())) {
        values::insert(
            &next,
            "Values",
            Value::Map(Map {
                entries: t.entries.clone(),
                ty: MapType::Values,
            }),
        );
    }
    for child in &c.dependencies {
        let child_path = format!("{full_path}/charts/{}", child.name());
        let ctx = collect_templates(child, &next, &child_path, false, out);
        values::insert(
            &sub_charts,
            child.name(),
            Value::Map(Map {
                entries: ctx.entries.clone(),
                ty: MapType::Any,
            }),
        );
    }
    let library = c.metadata.chart_type.eq_ignore_ascii_case("library");
    for (name, data) in &c.templates {
        let base = name.rsplit('/').next().unwrap_or(name);
        if library && !base.starts_with('_') {
            continue;
        }
        out.insert(
            join_path(full_path, name),
            Renderable {
                text: data.clone(),
                context: next.clone(),
                base_path: format!("{full_path}/templates"),
            },
        );
    }
    next
}

/// Go's `path.Join` of a chart path and a file name.
fn join_path(a: &str, b: &str) -> String {
    archive::clean_path(&format!("{a}/{b}"))
}

/// Helm's `sortTemplates`: most `/` first, ties in reverse lexical order.
fn sort_templates(names: &mut [String]) {
    names.sort_by(|a, b| {
        let (ca, cb) = (a.matches('/').count(), b.matches('/').count());
        cb.cmp(&ca).then_with(|| b.cmp(a))
    });
}

/// Helm's `cleanupParseError`.
fn parse_error(filename: &str, e: &TemplateError) -> ChartError {
    let tokens: Vec<&str> = e.message.split(": ").collect();
    let message = if tokens.len() == 1 {
        format!("parse error in ({filename}): {}", e.message)
    } else {
        format!(
            "parse error at ({}): {}",
            tokens.get(1).copied().unwrap_or(""),
            tokens.last().copied().unwrap_or("")
        )
    };
    ChartError {
        message,
        file: Some(e.template.clone()),
        line: Some(e.line),
        column: Some(e.column),
    }
}

/// Helm's `cleanupExecError`: `required`/`fail` messages become `execution error at
/// (file:line:col): msg`; other errors keep Go's text.
fn exec_error(filename: &str, e: &TemplateError) -> ChartError {
    let tokens: Vec<&str> = e.message.splitn(3, ": ").collect();
    let message = if tokens.len() == 3 {
        let rest = tokens.get(2).copied().unwrap_or("");
        match (rest.find("HELM_ERR_START"), rest.rfind("HELM_ERR_END")) {
            (Some(s), Some(end)) if s + "HELM_ERR_START".len() <= end => format!(
                "execution error at ({}): {}",
                tokens.get(1).copied().unwrap_or(""),
                &rest[s + "HELM_ERR_START".len()..end]
            ),
            _ => e.message.clone(),
        }
    } else {
        format!("execution error in ({filename}): {}", e.message)
    };
    ChartError {
        message,
        file: Some(e.template.clone()),
        line: Some(e.line),
        column: Some(e.column),
    }
}

/// Renders a chart as `helm template` does.
///
/// # Errors
///
/// Values, dependencies or a template fail, with Helm's message and the location.
pub fn render(chart: &Chart, opts: &RenderOptions) -> Result<Rendered, ChartError> {
    let (tree, files) = render_files(chart, opts)?;
    let mut crds = Vec::new();
    // Only `--include-crds` prints them.
    if opts.include_crds {
        tree.crd_objects(tree.name(), &mut crds);
    }
    output::assemble(files, crds, opts)
}

/// What Helm's engine returns: the output of every template that is not a partial
/// (`NOTES.txt` excluded), by template name (`mychart/templates/deploy.yaml`), with
/// `<no value>` removed, before the output is split into documents.
///
/// # Errors
///
/// As [`render`].
pub fn render_templates(
    chart: &Chart,
    opts: &RenderOptions,
) -> Result<BTreeMap<String, String>, ChartError> {
    let (_, files) = render_files(chart, opts)?;
    Ok(files.into_iter().map(|f| (f.path, f.text)).collect())
}

/// Helm's output assembly alone: what `helm template` prints for the template outputs
/// [`render_templates`] returns (documents split, hooks separated, sorted by kind, `# Source:`
/// headers), without CRDs (`--include-crds` adds none) and with no source map.
///
/// # Errors
///
/// As the assembly step of [`render`]: a document head that is not valid YAML, or a
/// `--show-only` pattern that matches nothing.
pub fn assemble(
    templates: BTreeMap<String, String>,
    opts: &RenderOptions,
) -> Result<Rendered, ChartError> {
    let files = templates
        .into_iter()
        .map(|(path, text)| {
            let lines = text.split('\n').count();
            output::RenderedFile {
                path,
                text,
                origins: vec![None; lines],
            }
        })
        .collect();
    output::assemble(files, Vec::new(), opts)
}

/// Renders every template of the chart tree; returns the prepared tree and the outputs.
fn render_files(
    chart: &Chart,
    opts: &RenderOptions,
) -> Result<(Tree, Vec<output::RenderedFile>), ChartError> {
    let (chart, caps, vals) = prepare(chart.tree()?, opts)?;
    let release = Value::map(
        [
            (
                "Name",
                Value::str(opts.release_name.as_deref().unwrap_or("release-name")),
            ),
            (
                "Namespace",
                Value::str(opts.namespace.as_deref().unwrap_or("default")),
            ),
            ("IsUpgrade", Value::Bool(opts.is_upgrade)),
            ("IsInstall", Value::Bool(!opts.is_upgrade)),
            ("Revision", Value::Int(1)),
            ("Service", Value::str("Helm")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
    );
    let top = values_map(vec![
        ("Release", release),
        ("Capabilities", Value::Object(Rc::new(caps))),
        (
            "Values",
            Value::Map(Map {
                entries: vals.entries.clone(),
                ty: MapType::Values,
            }),
        ),
    ]);
    let mut tpls = BTreeMap::new();
    collect_templates(&chart, &top, chart.name(), true, &mut tpls);
    let mut names: Vec<String> = tpls.keys().cloned().collect();
    sort_templates(&mut names);

    let mut set = Templates::new();
    for name in &names {
        if let Some(r) = tpls.get(name) {
            set.parse(name, &String::from_utf8_lossy(&r.text))
                .map_err(|e| parse_error(name, &e))?;
        }
    }
    let mut exec = ExecOptions {
        missing_key_error: opts.strict,
        limits: opts.limits.clone(),
        ..ExecOptions::default()
    };
    let mut files = Vec::new();
    for name in &names {
        let base = name.rsplit('/').next().unwrap_or(name);
        if base.starts_with('_') {
            continue;
        }
        let Some(r) = tpls.get(name) else { continue };
        values::insert(
            &r.context,
            "Template",
            Value::Map(values_map(vec![
                ("Name", Value::str(name.as_str())),
                ("BasePath", Value::str(r.base_path.as_str())),
            ])),
        );
        let out = set
            .execute(name, Value::Map(r.context.clone()), &mut exec)
            .map_err(|e| exec_error(name, &e))?;
        // NOTES.txt is rendered (so its errors fail the render) but never printed.
        if name.ends_with("NOTES.txt") {
            continue;
        }
        let text = out.as_str().replace("<no value>", "");
        let lines = text.split('\n').count();
        let mut origins: Vec<Option<Origin>> = out
            .origins()
            .map(<[Option<Origin>]>::to_vec)
            .unwrap_or_default();
        origins.resize(lines, None);
        files.push(output::RenderedFile {
            path: name.clone(),
            text,
            origins,
        });
    }
    Ok((chart, files))
}

#[cfg(test)]
mod send_tests {
    use super::*;

    fn assert_shareable<T: Send + Sync>() {}

    #[test]
    fn charts_and_results_cross_threads() {
        assert_shareable::<Chart>();
        assert_shareable::<Rendered>();
        assert_shareable::<ChartError>();
        assert_shareable::<RenderOptions>();
    }
}
