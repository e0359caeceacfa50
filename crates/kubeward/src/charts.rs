//! Helm charts as scan inputs: rendered natively by [`kubeward_helm`], then decoded like
//! any manifest.

use kubeward_helm::chart::{self, Chart, ChartError, RenderOptions};

use crate::inputs;
use crate::{ErrorEntry, SourceFile};

/// The report entry for a chart error.
#[must_use]
pub fn chart_error(name: &str, err: &ChartError) -> ErrorEntry {
    ErrorEntry {
        file: err.file.clone().unwrap_or_else(|| name.to_string()),
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

/// Renders `chart` and decodes its output (what `helm template` prints) as the source file
/// `name` with file index `index`. A chart that cannot be rendered gives a source file
/// holding the error.
#[must_use]
pub fn chart_file(name: &str, chart: &Chart, opts: &RenderOptions, index: usize) -> SourceFile {
    match chart::render(chart, opts) {
        Ok(rendered) => crate::load(name, rendered.text.as_bytes(), index),
        Err(e) => {
            let mut file = inputs::unreadable(name, String::new());
            file.errors = vec![chart_error(name, &e)];
            file
        }
    }
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
    let loaded = if path.is_dir() {
        chart::load_dir(path)
    } else {
        match std::fs::read(path) {
            Ok(bytes) => chart::load_archive(&bytes),
            Err(e) => {
                return inputs::unreadable(name, inputs::io_message(&format!("`{name}`"), &e))
            }
        }
    };
    match loaded {
        Ok(chart) => chart_file(name, &chart, opts, index),
        Err(e) => {
            let mut file = inputs::unreadable(name, String::new());
            file.errors = vec![chart_error(name, &e)];
            file
        }
    }
}
