//! Native Helm rendering of the fixture charts the project ships (`tests/charts/*`), whole
//! and by phase: load (read the folder, check the chart), values (dependencies, coalescing,
//! schema), parse (every template of the chart tree), execute (values, parse and run every
//! template: what Helm's engine returns), output assembly (split, sort, `# Source:`
//! headers) and the full render as `kubeward render` does it (load and render). One thread.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};
use kubeward_helm::chart::{self, Chart, RenderOptions};
use kubeward_helm::template::Templates;

/// The fixture chart folders: every folder of `tests/charts` with a `Chart.yaml`.
fn fixture_charts() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/charts");
    let mut charts: Vec<(String, PathBuf)> = std::fs::read_dir(&root)
        .map(|dir| {
            dir.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.join("Chart.yaml").is_file())
                .map(|p| {
                    let name = p
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    (name, p)
                })
                .collect()
        })
        .unwrap_or_default();
    charts.sort();
    charts
}

/// The template files of a chart tree (`templates/…` of the chart and of every subchart
/// folder), as (name, text).
fn template_files(chart: &Chart) -> Vec<(String, String)> {
    chart
        .files()
        .filter(|(name, _)| {
            let mut parts = name.split('/');
            // `templates/…`, `charts/<sub>/templates/…`, `charts/<sub>/charts/<sub>/…`.
            loop {
                match parts.next() {
                    Some("templates") => return true,
                    Some("charts") => {
                        if parts.next().is_none() {
                            return false;
                        }
                    }
                    _ => return false,
                }
            }
        })
        .map(|(name, data)| (name.to_string(), String::from_utf8_lossy(data).into_owned()))
        .collect()
}

fn benches(c: &mut Criterion) {
    let opts = RenderOptions::default();
    let mut group = c.benchmark_group("render");
    group.sample_size(20);
    for (name, path) in fixture_charts() {
        let loaded = match chart::load_dir(&path) {
            Ok(chart) => chart,
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                continue;
            }
        };
        if let Err(e) = chart::render(&loaded, &opts) {
            eprintln!("{}: {e}", path.display());
            continue;
        }
        group.bench_function(format!("{name}/load"), |b| {
            b.iter(|| chart::load_dir(&path).map(|c| c.files().count()));
        });
        group.bench_function(format!("{name}/values"), |b| {
            b.iter(|| chart::computed_values(&loaded, &opts).is_ok());
        });
        let templates = template_files(&loaded);
        group.bench_function(format!("{name}/parse"), |b| {
            b.iter(|| {
                let mut set = Templates::new();
                templates
                    .iter()
                    .filter(|(n, text)| set.parse(n, text).is_ok())
                    .count()
            });
        });
        group.bench_function(format!("{name}/execute"), |b| {
            b.iter(|| chart::render_templates(&loaded, &opts).map(|t| t.len()));
        });
        let executed = chart::render_templates(&loaded, &opts).unwrap_or_default();
        group.bench_function(format!("{name}/assemble"), |b| {
            b.iter(|| chart::assemble(executed.clone(), &opts).map(|r| r.text.len()));
        });
        group.bench_function(format!("{name}/render"), |b| {
            b.iter(|| chart::render(&loaded, &opts).map(|r| r.text.len()));
        });
        group.bench_function(format!("{name}/load+render"), |b| {
            b.iter(|| {
                chart::load_dir(&path)
                    .and_then(|c| chart::render(&c, &opts))
                    .map(|r| r.text.len())
            });
        });
    }
    group.finish();
}

criterion_group!(render_benches, benches);
criterion_main!(render_benches);
