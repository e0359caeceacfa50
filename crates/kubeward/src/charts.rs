//! Helm charts as scan inputs: rendered natively by [`kubeward_helm`], then decoded like
//! any manifest.

use kubeward_helm::chart::{self, Chart, ChartError, RenderOptions};

use crate::inputs;
use crate::{ErrorEntry, Limits, SourceFile, TemplateMap, TemplateRef, ValuesRef};
use kubeward_helm::chart::Rendered;
use kubeward_helm::value::Origin;

/// The report entry for a chart error. `name` is the chart as the user gave it; a template
/// named in the error (`web/templates/x.yaml`, Helm's name) is reported under that path
/// (`charts/web/templates/x.yaml`) when the chart is a folder, so that it can be opened.
#[must_use]
pub fn chart_error(name: &str, err: &ChartError) -> ErrorEntry {
    let is_archive = name.ends_with(".tgz") || name.ends_with(".tar.gz");
    let file = match err.file.as_deref() {
        Some(file) if !is_archive => match file.split_once('/') {
            Some((_, rest)) => format!("{}/{rest}", name.trim_end_matches('/')),
            None => file.to_string(),
        },
        Some(file) => file.to_string(),
        None => name.to_string(),
    };
    ErrorEntry {
        file,
        line: err.line.unwrap_or(0),
        column: err.column.unwrap_or(0),
        message: err.message.clone(),
    }
}

/// Renders `chart` as `helm template` would.
///
/// # Errors
///
/// The chart cannot be rendered; the entry names the template and line when known.
pub fn render_chart(name: &str, chart: &Chart, opts: &RenderOptions) -> Result<String, ErrorEntry> {
    chart::render(chart, opts)
        .map(|r| r.text)
        .map_err(|e| chart_error(name, &e))
}

/// [`render_chart`] within `limits` (they replace `opts.limits`).
///
/// # Errors
///
/// As [`render_chart`], or a template limit is exceeded.
pub fn render_chart_with(
    name: &str,
    chart: &Chart,
    opts: &RenderOptions,
    limits: &Limits,
) -> Result<String, ErrorEntry> {
    let opts = with_limits(opts, limits);
    chart::render(chart, &opts)
        .map(|r| r.text)
        .map_err(|e| limit_error(name, &e, limits))
}

/// Renders `chart` and decodes its output (what `helm template` prints) as the source file
/// `name` with file index `index`. A chart that cannot be rendered gives a source file
/// holding the error.
#[must_use]
pub fn chart_file(name: &str, chart: &Chart, opts: &RenderOptions, index: usize) -> SourceFile {
    render_file(name, chart, opts, index, &Limits::default())
}

/// [`chart_file`] within `limits` (they replace `opts.limits`; the decoding limits apply
/// to the output).
#[must_use]
pub fn chart_file_with(
    name: &str,
    chart: &Chart,
    opts: &RenderOptions,
    index: usize,
    limits: &Limits,
) -> SourceFile {
    render_file(name, chart, &with_limits(opts, limits), index, limits)
}

/// `opts` with the template limits of `limits`.
fn with_limits(opts: &RenderOptions, limits: &Limits) -> RenderOptions {
    let mut opts = opts.clone();
    opts.limits = limits.template();
    opts
}

fn render_file(
    name: &str,
    chart: &Chart,
    opts: &RenderOptions,
    index: usize,
    limits: &Limits,
) -> SourceFile {
    match chart::render(chart, opts) {
        Ok(mut rendered) => {
            let map = template_map(chart, opts, &rendered);
            let text = std::mem::take(&mut rendered.text);
            let mut file =
                crate::model::load_decoded(name, text.into_bytes(), index, &limits.decode());
            file.template_map = Some(map);
            file
        }
        Err(e) => {
            let mut file = inputs::unreadable(name, String::new());
            file.errors = vec![limit_error(name, &e, limits)];
            file
        }
    }
}

/// [`chart_error`], naming the limit when Helm's include recursion limit was hit (the
/// message itself stays Helm's).
fn limit_error(name: &str, err: &ChartError, limits: &Limits) -> ErrorEntry {
    let mut entry = chart_error(name, err);
    if entry.message.ends_with("unable to execute template")
        && entry
            .message
            .contains("rendering template has a nested reference name")
    {
        let max = limits.max_include_depth();
        entry.message = format!(
            "{} {}",
            entry.message,
            crate::limits::suffix("max-include-depth", max)
        );
    }
    entry
}

/// Loads the chart at `path` (a folder with `Chart.yaml`, or a `.tgz`), renders it and
/// decodes the output, as [`chart_file`] does.
#[must_use]
pub fn load_chart_path(
    path: &std::path::Path,
    name: &str,
    opts: &RenderOptions,
    index: usize,
) -> SourceFile {
    load_chart_path_with(path, name, opts, index, &Limits::default())
}

/// [`load_chart_path`] within `limits`.
#[must_use]
pub fn load_chart_path_with(
    path: &std::path::Path,
    name: &str,
    opts: &RenderOptions,
    index: usize,
    limits: &Limits,
) -> SourceFile {
    match load_chart(path, name, limits) {
        Ok(chart) => chart_file_with(name, &chart, opts, index, limits),
        Err(entry) => {
            let mut file = inputs::unreadable(name, String::new());
            file.errors = vec![entry];
            file
        }
    }
}

/// Loads the chart at `path` (a folder with `Chart.yaml`, or a `.tgz`, shown as `name`)
/// within the chart limits of `limits`.
///
/// # Errors
///
/// The chart cannot be read or is invalid, or breaks a limit.
pub fn load_chart(
    path: &std::path::Path,
    name: &str,
    limits: &Limits,
) -> Result<Chart, ErrorEntry> {
    let load_limits = limits.chart_load();
    let loaded = if path.is_dir() {
        chart::load_dir_with(path, &load_limits)
    } else {
        let bytes = read_bounded(path, name, load_limits.max_total_bytes)
            .map_err(|message| inputs::file_error(name, message))?;
        chart::load_archive_with(&bytes, &load_limits)
    };
    loaded.map_err(|e| chart_error(name, &e))
}

/// Reads a chart archive, refusing one larger than `max` bytes before reading it.
fn read_bounded(path: &std::path::Path, name: &str, max: u64) -> Result<Vec<u8>, String> {
    let io = |e: std::io::Error| inputs::io_message(&format!("`{name}`"), &e);
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > max {
        return Err(format!(
            "chart archive of {len} bytes is larger than {max} bytes {}",
            crate::limits::suffix("max-chart-bytes", max)
        ));
    }
    std::fs::read(path).map_err(io)
}

/// Maps each line of a rendered chart to the template line that wrote it.
fn template_map(chart: &Chart, opts: &RenderOptions, rendered: &Rendered) -> TemplateMap {
    let line_count = rendered.text.lines().count();
    let mut lines: Vec<Option<TemplateRef>> = vec![None; line_count];
    let values = ValuesFiles::new(chart, opts);
    // Lines before each manifest, counted on from the previous one (manifests come in
    // output order; from the start again otherwise).
    let (mut counted_to, mut lines_before) = (0, 0);
    for manifest in &rendered.manifests {
        if manifest.offset < counted_to {
            (counted_to, lines_before) = (0, 0);
        }
        let Some(between) = rendered.text.get(counted_to..manifest.offset) else {
            continue;
        };
        lines_before += memchr::memchr_iter(b'\n', between.as_bytes()).count();
        counted_to = manifest.offset;
        let first = lines_before;
        let text: Vec<&str> = manifest.text.split('\n').collect();
        for (k, origin) in manifest.origins.iter().enumerate() {
            if let (Some(slot), Some(origin)) = (lines.get_mut(first + k), origin) {
                let keys = block_keys(&text, &manifest.origins, k);
                *slot = Some(template_ref(origin, &values, &keys));
            }
        }
    }
    TemplateMap { lines }
}

/// The YAML key of a rendered line (`  runAsUser: 0` → `runAsUser`; `- name: x` → `name`),
/// with its indentation.
fn line_key(line: &str) -> Option<(usize, &str)> {
    let body = line.trim_start();
    let indent = line.len() - body.len();
    let body = body.strip_prefix("- ").unwrap_or(body);
    let (key, _) = body.split_once(':')?;
    let key = key.trim().trim_matches(|c| c == '"' || c == '\'');
    let plain = !key.is_empty() && !key.contains(char::is_whitespace) && !key.starts_with('#');
    plain.then_some((indent, key))
}

/// For line `k` of a block that one action printed from `.Values` (`toYaml
/// .Values.securityContext | nindent 12`), the keys from the block's top down to the line
/// (`["runAsUser"]`), so the values path can name the exact value.
fn block_keys(text: &[&str], origins: &[Option<Origin>], k: usize) -> Vec<String> {
    let Some(Some(origin)) = origins.get(k) else {
        return Vec::new();
    };
    let Some((mut indent, key)) = text.get(k).and_then(|l| line_key(l)) else {
        return Vec::new();
    };
    let mut keys = vec![key.to_string()];
    let mut i = k;
    while i > 0 {
        i -= 1;
        // Only lines the same action printed belong to the block.
        if origins.get(i).and_then(Option::as_ref) != Some(origin) {
            break;
        }
        if let Some((parent_indent, parent)) = text.get(i).and_then(|l| line_key(l)) {
            if parent_indent < indent {
                keys.push(parent.to_string());
                indent = parent_indent;
            }
        }
    }
    keys.reverse();
    keys
}

/// `mychart/templates/x.yaml` → (`mychart`, `templates/x.yaml`);
/// `mychart/charts/db/templates/x.yaml` → (`db`, `charts/db/templates/x.yaml`).
fn split_template_name(name: &str) -> (String, String) {
    let relative = name.split_once('/').map_or(name, |(_, rest)| rest);
    let chart = match relative.rfind("/templates/") {
        Some(i) => relative[..i].rsplit('/').next().unwrap_or_default(),
        None => name.split('/').next().unwrap_or_default(),
    };
    let chart = if chart.is_empty() {
        name.split('/').next().unwrap_or_default()
    } else {
        chart
    };
    (chart.to_string(), relative.to_string())
}

/// The template reference of a rendered line; `keys` are the line's keys inside a block
/// printed from `.Values` (see [`block_keys`]): the values path is extended with as many of
/// them as a values file has.
fn template_ref(origin: &Origin, values: &ValuesFiles, keys: &[String]) -> TemplateRef {
    let (chart, file) = split_template_name(&origin.template);
    TemplateRef {
        chart,
        values: origin.values_path.as_ref().map(|path| {
            (0..=keys.len())
                .rev()
                .find_map(|n| {
                    let mut longer = path.to_string();
                    for key in keys.get(keys.len() - n..).unwrap_or_default() {
                        longer.push('.');
                        longer.push_str(key);
                    }
                    let found = values.locate(&file, &longer);
                    (n == 0 || found.line.is_some()).then_some(found)
                })
                .unwrap_or_else(|| values.locate(&file, path))
        }),
        file,
        line: origin.line,
        column: Some(origin.column),
    }
}

/// The values files that can set a value: `-f` files (the last wins), then the chart's
/// `values.yaml` and its subcharts' own; a value the `--set` family gives is set by no file.
struct ValuesFiles {
    /// Key paths the `--set` family sets (they win over every file).
    set: Vec<Vec<String>>,
    /// (name, decoded root), most important first.
    user: Vec<(String, kubeward_yaml::Node)>,
    /// Chart-relative folder (`""` for the root chart, `charts/db/` for a subchart) →
    /// its decoded `values.yaml`.
    charts: Vec<(String, kubeward_yaml::Node)>,
}

impl ValuesFiles {
    fn new(chart: &Chart, opts: &RenderOptions) -> Self {
        let decode = |text: &[u8]| kubeward_yaml::decode_document(text).ok().flatten();
        let user = opts
            .values
            .iter()
            .rev()
            .filter_map(|(name, text)| Some((name.clone(), decode(text.as_bytes())?)))
            .collect();
        let charts = chart
            .files()
            .filter_map(|(path, bytes)| {
                let dir = path.strip_suffix("values.yaml")?;
                let is_chart_dir =
                    dir.is_empty() || (dir.starts_with("charts/") && !dir.contains("/templates/"));
                is_chart_dir.then(|| Some((dir.to_string(), decode(bytes)?)))?
            })
            .collect();
        ValuesFiles {
            set: set_keys(opts),
            user,
            charts,
        }
    }

    /// Where `path` (relative to the `.Values` of the chart owning `template`) is set.
    fn locate(&self, template: &str, path: &str) -> ValuesRef {
        let keys: Vec<&str> = path.split('.').filter(|k| !k.is_empty()).collect();
        // Folder of the chart owning the template, and the keys of its values in the
        // root chart's values (`charts/db/` → `db.`).
        let dir = template.rfind("templates/").map_or("", |i| &template[..i]);
        let mut prefix: Vec<&str> = dir
            .split('/')
            .collect::<Vec<_>>()
            .chunks(2)
            .filter_map(|pair| match pair {
                ["charts", name] => Some(*name),
                _ => None,
            })
            .collect();
        prefix.extend(keys.iter().copied());
        let from_set = self
            .set
            .iter()
            .any(|set| set.len() <= prefix.len() && set.iter().zip(&prefix).all(|(a, b)| a == b));
        if from_set {
            return ValuesRef {
                path: path.to_string(),
                file: None,
                line: None,
            };
        }
        let found = self
            .user
            .iter()
            .find_map(|(name, root)| Some((name.clone(), key_line(root, &prefix)?)))
            .or_else(|| {
                self.charts
                    .iter()
                    .filter(|(d, _)| d.is_empty())
                    .find_map(|(_, root)| {
                        Some(("values.yaml".to_string(), key_line(root, &prefix)?))
                    })
            })
            .or_else(|| {
                self.charts
                    .iter()
                    .filter(|(d, _)| !d.is_empty() && d == dir)
                    .find_map(|(d, root)| Some((format!("{d}values.yaml"), key_line(root, &keys)?)))
            });
        ValuesRef {
            path: path.to_string(),
            file: found.as_ref().map(|(f, _)| f.clone()),
            line: found.map(|(_, l)| l),
        }
    }
}

/// The key paths of every `--set`, `--set-string`, `--set-json`, `--set-literal` and
/// `--set-file` argument (`a.b[0].c=1,d=2` → `[a, b, c]`, `[d]`; list indexes are left out,
/// as values paths have none). Only keys matter here: a malformed argument fails the render
/// itself with Helm's message.
fn set_keys(opts: &RenderOptions) -> Vec<Vec<String>> {
    let mut keys = Vec::new();
    let pairs = opts
        .set
        .iter()
        .chain(&opts.set_string)
        .chain(&opts.set_json);
    for arg in pairs {
        for pair in split_unescaped(arg, ',') {
            if let Some(key) = split_unescaped(&pair, '=').first() {
                keys.push(key_path(key));
            }
        }
    }
    for arg in &opts.set_literal {
        if let Some(key) = split_unescaped(arg, '=').first() {
            keys.push(key_path(key));
        }
    }
    keys.extend(opts.set_file.iter().map(|(key, _)| key_path(key)));
    keys.retain(|k| !k.is_empty());
    keys
}

/// `s` split at each `sep` not escaped by a backslash (escapes kept in the pieces).
fn split_unescaped(s: &str, sep: char) -> Vec<String> {
    let mut pieces = vec![String::new()];
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        let Some(current) = pieces.last_mut() else {
            break;
        };
        if c == '\\' {
            current.push(c);
            if let Some(next) = chars.next() {
                current.push(next);
            }
        } else if c == sep {
            pieces.push(String::new());
        } else {
            current.push(c);
        }
    }
    pieces
}

/// `a.b\.c[0].d` → `[a, b.c, d]`.
fn key_path(key: &str) -> Vec<String> {
    split_unescaped(key, '.')
        .iter()
        .map(|part| {
            let name = part.find('[').map_or(part.as_str(), |i| &part[..i]);
            name.replace('\\', "")
        })
        .filter(|part| !part.is_empty())
        .collect()
}

/// The line of the last key of `keys` in a values document.
fn key_line(root: &kubeward_yaml::Node, keys: &[&str]) -> Option<u32> {
    let (last, parents) = keys.split_last()?;
    let mut node = root;
    for key in parents {
        node = node.get(key)?;
    }
    Some(node.as_map()?.entry(last)?.key_span.start.line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_arguments_give_their_key_paths() {
        let opts = RenderOptions {
            set: vec!["a.b[0].c=1,d=x\\,y".into()],
            set_string: vec![r"e\.f=On".into()],
            set_literal: vec!["g=1,h=2".into()],
            set_file: vec![("i.j".into(), "file.txt".into())],
            ..RenderOptions::default()
        };
        let keys: Vec<String> = set_keys(&opts).iter().map(|k| k.join("/")).collect();
        assert_eq!(keys, ["a/b/c", "d", "e.f", "g", "i/j"]);
    }

    #[test]
    fn chart_errors_name_an_openable_template_path() {
        let err = ChartError {
            message: "boom".into(),
            file: Some("web/templates/deploy.yaml".into()),
            line: Some(3),
            column: Some(5),
        };
        assert_eq!(
            chart_error("charts/web", &err).file,
            "charts/web/templates/deploy.yaml"
        );
        assert_eq!(
            chart_error("web-1.0.0.tgz", &err).file,
            "web/templates/deploy.yaml"
        );
    }

    #[test]
    fn template_names_split_into_chart_and_path() {
        assert_eq!(
            split_template_name("web/templates/deploy.yaml"),
            ("web".to_string(), "templates/deploy.yaml".to_string())
        );
        assert_eq!(
            split_template_name("web/charts/db/templates/sts.yaml"),
            ("db".to_string(), "charts/db/templates/sts.yaml".to_string())
        );
    }
}
