//! Loading charts: Helm's `loader.LoadFiles` (the split of a chart's files into
//! `Chart.yaml`, values, schema, templates, subcharts and other files), `LoadDir` (with
//! `.helmignore`) and `LoadArchive`.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::archive::read_archive;
use super::ignore::Rules;
use super::metadata::Metadata;
use super::values::decode_values;
use super::{ChartError, LoadLimits, Loaded, MAX_CHART_DEPTH};

/// Files by path, with their bytes shared.
type SharedFiles = Vec<(String, Arc<[u8]>)>;

/// What one load may still decompress, shared by nested archives.
pub(crate) struct Budget {
    pub(crate) remaining: u64,
}

/// Helm's `LoadFiles`: builds a chart (and its subcharts) from its files in load order.
pub(crate) fn load_buffered(
    files: SharedFiles,
    limits: &LoadLimits,
    budget: &mut Budget,
    depth: usize,
) -> Result<Loaded, ChartError> {
    if depth > MAX_CHART_DEPTH {
        return Err(ChartError::msg(format!(
            "subcharts are nested more than {MAX_CHART_DEPTH} levels deep"
        )));
    }
    let mut c = Loaded::default();
    let mut metadata: Option<Metadata> = None;
    let mut subcharts: BTreeMap<String, SharedFiles> = BTreeMap::new();
    for (_, data) in files.iter().filter(|(name, _)| name == "Chart.yaml") {
        let m = metadata.get_or_insert_with(Metadata::default);
        let node = Metadata::decode(data)
            .map_err(|e| ChartError::msg(format!("cannot load Chart.yaml: {e}")))?;
        if let Some(node) = node {
            m.apply_node(&node)
                .map_err(|e| ChartError::msg(format!("cannot load Chart.yaml: {e}")))?;
            c.chart_yaml.push(node);
        }
        if m.api_version.is_empty() {
            "v1".clone_into(&mut m.api_version);
        }
    }
    for (name, data) in files {
        match name.as_str() {
            "Chart.yaml" | "Chart.lock" => {}
            "values.yaml" => {
                c.values = Some(
                    decode_values(&data)
                        .map_err(|e| ChartError::msg(format!("cannot load values.yaml: {e}")))?,
                );
            }
            "values.schema.json" => c.schema = Some(data),
            "requirements.yaml" => {
                let m = metadata.get_or_insert_with(Metadata::default);
                let node = Metadata::decode(&data)
                    .map_err(|e| ChartError::msg(format!("cannot load requirements.yaml: {e}")))?;
                if let Some(node) = node {
                    m.apply_node(&node).map_err(|e| {
                        ChartError::msg(format!("cannot load requirements.yaml: {e}"))
                    })?;
                    c.requirements_yaml.push(node);
                }
                if m.api_version == "v1" {
                    c.other_files.push((name, data));
                }
            }
            "requirements.lock" => {
                let m = metadata.get_or_insert_with(Metadata::default);
                if m.api_version == "v1" {
                    c.other_files.push((name, data));
                }
            }
            n if n.starts_with("templates/") => c.templates.push((name, data)),
            n if n.starts_with("charts/") => {
                if n.ends_with(".prov") {
                    c.other_files.push((name, data));
                    continue;
                }
                let fname = &n["charts/".len()..];
                let cname = fname.split('/').next().unwrap_or("").to_string();
                subcharts
                    .entry(cname)
                    .or_default()
                    .push((fname.to_string(), data));
            }
            _ => c.other_files.push((name, data)),
        }
    }
    let Some(mut metadata) = metadata else {
        return Err(ChartError::msg("Chart.yaml file is missing"));
    };
    metadata.validate().map_err(ChartError::msg)?;
    c.name.clone_from(&metadata.name);
    c.version.clone_from(&metadata.version);
    for (n, files) in subcharts {
        if n.starts_with('_') || n.starts_with('.') {
            continue;
        }
        let sub = if n.ends_with(".tgz") {
            let Some((fname, data)) = files.into_iter().next() else {
                continue;
            };
            if fname != n {
                return Err(ChartError::msg(format!(
                    "error unpacking subchart tar in {}: expected {n}, got {fname}",
                    c.name
                )));
            }
            read_archive_budgeted(&data, limits, budget)
                .and_then(|files| load_buffered(shared(files), limits, budget, depth + 1))
        } else {
            let inner = files
                .into_iter()
                .filter_map(|(name, data)| {
                    name.split_once('/')
                        .map(|(_, rest)| (rest.to_string(), data))
                })
                .collect();
            load_buffered(inner, limits, budget, depth + 1)
        };
        match sub {
            Ok(sub) => c.dependencies.push(sub),
            Err(e) => {
                return Err(ChartError::msg(format!(
                    "error unpacking subchart {n} in {}: {}",
                    c.name, e.message
                )))
            }
        }
    }
    Ok(c)
}

/// Files with their bytes shared.
pub(crate) fn shared(files: Vec<(String, Vec<u8>)>) -> SharedFiles {
    files
        .into_iter()
        .map(|(name, data)| (name, Arc::from(data)))
        .collect()
}

/// Reads an archive against the budget shared by the whole load.
pub(crate) fn read_archive_budgeted(
    data: &[u8],
    limits: &LoadLimits,
    budget: &mut Budget,
) -> Result<Vec<(String, Vec<u8>)>, ChartError> {
    let mut per = limits.clone();
    per.max_total_bytes = per.max_total_bytes.min(budget.remaining);
    let files = read_archive(data, &per)?;
    let used: u64 = files.iter().map(|(_, d)| d.len() as u64).sum();
    budget.remaining = budget.remaining.saturating_sub(used);
    Ok(files)
}

/// Applies `.helmignore` (and Helm's default rule) to a chart folder's files, strips byte
/// order marks and checks the file size limit, as `LoadDir` does.
pub(crate) fn from_folder(
    mut files: Vec<(String, Vec<u8>)>,
    limits: &LoadLimits,
) -> Result<Vec<(String, Vec<u8>)>, ChartError> {
    let mut rules = match files.iter().find(|(n, _)| n == ".helmignore") {
        Some((_, data)) => Rules::parse(data).map_err(ChartError::msg)?,
        None => Rules::default(),
    };
    rules.add_defaults();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let files = rules.filter(files);
    if files.len() > limits.max_files {
        return Err(ChartError::msg(format!(
            "chart has more than {} files (limit max-chart-files={0})",
            limits.max_files
        )));
    }
    let mut out = Vec::with_capacity(files.len());
    let mut total: u64 = 0;
    for (name, mut data) in files {
        if data.len() as u64 > limits.max_file_bytes {
            let base = name.rsplit('/').next().unwrap_or(&name);
            return Err(ChartError::msg(format!(
                "chart file {base:?} is larger than the maximum file size {0} (limit max-chart-file-bytes={0})",
                limits.max_file_bytes
            )));
        }
        total = total.saturating_add(data.len() as u64);
        if total > limits.max_total_bytes {
            return Err(ChartError::msg(format!(
                "chart is larger than the maximum size {0} (limit max-chart-bytes={0})",
                limits.max_total_bytes
            )));
        }
        if data.starts_with(&[0xEF, 0xBB, 0xBF]) {
            data.drain(..3);
        }
        out.push((name, data));
    }
    Ok(out)
}

/// Reads a chart folder from the file system (following symbolic links, as Helm's
/// `sympath.Walk` does), skipping what `.helmignore` ignores.
pub(crate) fn read_dir(
    root: &std::path::Path,
    limits: &LoadLimits,
) -> Result<Vec<(String, Vec<u8>)>, ChartError> {
    let io = |e: std::io::Error| ChartError::msg(e.to_string());
    let mut rules = Rules::default();
    let ignore_file = root.join(".helmignore");
    if ignore_file.is_file() {
        let data = std::fs::read(&ignore_file).map_err(io)?;
        rules = Rules::parse(&data).map_err(ChartError::msg)?;
    }
    rules.add_defaults();
    let mut out = Vec::new();
    let mut stack = vec![(root.to_path_buf(), String::new(), 0usize)];
    while let Some((dir, rel, depth)) = stack.pop() {
        if depth > 64 {
            return Err(ChartError::msg(format!(
                "{}: folders nested too deeply (symbolic link loop?)",
                dir.display()
            )));
        }
        let mut entries: Vec<(String, Option<std::fs::FileType>)> = std::fs::read_dir(&dir)
            .map_err(io)?
            .filter_map(Result::ok)
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    e.file_type().ok(),
                )
            })
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        // Reverse so that popping visits folders in lexical order.
        for (name, file_type) in entries.into_iter().rev() {
            let path = dir.join(&name);
            let n = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            // The entry's type comes with the listing; a symbolic link is followed.
            let (is_dir, is_file) = match file_type {
                Some(t) if !t.is_symlink() => (t.is_dir(), t.is_file()),
                _ => {
                    let meta = std::fs::metadata(&path).map_err(io)?;
                    (meta.is_dir(), meta.is_file())
                }
            };
            if is_dir {
                if !rules.ignore(&n, true) {
                    stack.push((path, n, depth + 1));
                }
                continue;
            }
            if rules.ignore(&n, false) {
                continue;
            }
            if !is_file {
                return Err(ChartError::msg(format!(
                    "cannot load irregular file {} as it has file mode type bits set",
                    path.display()
                )));
            }
            let reading = |e: std::io::Error| ChartError::msg(format!("error reading {n}: {e}"));
            // One `open` and `fstat`; the checks come in the order of a `stat` first.
            let opened = std::fs::File::open(&path);
            let len = match &opened {
                Ok(file) => file.metadata().map_err(io)?.len(),
                Err(_) => std::fs::metadata(&path).map_err(io)?.len(),
            };
            if len > limits.max_file_bytes {
                return Err(ChartError::msg(format!(
                    "chart file {name:?} is larger than the maximum file size {0} (limit max-chart-file-bytes={0})",
                    limits.max_file_bytes
                )));
            }
            if out.len() >= limits.max_files {
                return Err(ChartError::msg(format!(
                    "chart has more than {} files (limit max-chart-files={0})",
                    limits.max_files
                )));
            }
            let mut file = opened.map_err(reading)?;
            let mut data = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
            std::io::Read::read_to_end(&mut file, &mut data).map_err(reading)?;
            if data.starts_with(&[0xEF, 0xBB, 0xBF]) {
                data.drain(..3);
            }
            out.push((n, data));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}
