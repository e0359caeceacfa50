//! Chart loading and rendering. Input starting with the gzip magic is a packaged chart
//! (`.tgz`); anything else is a chart folder written as text: `@@ PATH` lines start files
//! (a default `Chart.yaml` is added when the input has none). Every loaded chart is
//! rendered under tight limits.
#![no_main]

use std::collections::BTreeMap;

use kubeward_helm::chart::{self, LoadLimits, RenderOptions};
use kubeward_helm::template::Limits;
use libfuzzer_sys::fuzz_target;

const CHART_YAML: &str = "apiVersion: v2\nname: fuzz\nversion: 0.1.0\n";

/// Splits `@@ PATH\n` records into files.
fn files(data: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let text = String::from_utf8_lossy(data);
    let mut current: Option<(String, String)> = None;
    for line in text.split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("@@ ") {
            if let Some((p, c)) = current.take() {
                files.insert(p, c.into_bytes());
            }
            current = Some((path.trim_end_matches('\n').to_string(), String::new()));
        } else if let Some((_, c)) = current.as_mut() {
            c.push_str(line);
        }
    }
    if let Some((p, c)) = current {
        files.insert(p, c.into_bytes());
    }
    files
        .entry("Chart.yaml".to_string())
        .or_insert_with(|| CHART_YAML.as_bytes().to_vec());
    files
}

fuzz_target!(|data: &[u8]| {
    let limits = LoadLimits {
        max_total_bytes: 8 << 20,
        max_file_bytes: 1 << 20,
        max_files: 500,
    };
    let loaded = if data.starts_with(&[0x1f, 0x8b]) {
        chart::load_archive_with(data, &limits)
    } else {
        chart::load_files_with(files(data), &limits)
    };
    let Ok(chart) = loaded else {
        return;
    };
    let opts = RenderOptions {
        include_crds: true,
        limits: Limits {
            max_include_depth: 50,
            max_exec_depth: 100,
            max_steps: 200_000,
            max_output_bytes: 1 << 20,
            max_value_nodes: 200_000,
            max_string_bytes: 1 << 20,
            max_list_len: 100_000,
        },
        ..RenderOptions::default()
    };
    let _ = chart::computed_values(&chart, &opts);
    let _ = chart::render(&chart, &opts);
});
