//! Scans a folder once, single-threaded, printing the time of each stage (for profiling):
//! `cargo run --release -p kubeward-bench --example profile_scan -- DIR`.
use kubeward::{load, Date, Engine, EngineOptions, Report, Scan, Suppressions};

fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(p);
        }
    }
}

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let mut paths = Vec::new();
    files(std::path::Path::new(&dir), &mut paths);
    let inputs: Vec<(String, Vec<u8>)> = paths
        .iter()
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read(p).unwrap_or_default(),
            )
        })
        .collect();
    let bytes: usize = inputs.iter().map(|(_, b)| b.len()).sum();
    let packs = std::env::var("KW_PACKS")
        .map(|p| p.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    let Ok(engine) = Engine::new(EngineOptions {
        packs,
        ..EngineOptions::default()
    }) else {
        return;
    };
    let t = std::time::Instant::now();
    let decoded: usize = inputs
        .iter()
        .map(|(_, b)| kubeward::yaml::decode(b).documents.len())
        .sum();
    let decode = t.elapsed();
    let t = std::time::Instant::now();
    let scan = Scan {
        files: inputs
            .iter()
            .enumerate()
            .map(|(i, (n, b))| load(n, b, i))
            .collect(),
    };
    let loading = t.elapsed();
    let t = std::time::Instant::now();
    let findings = engine.evaluate(&scan);
    let evaluate = t.elapsed();
    let t = std::time::Instant::now();
    let report = Report::build(
        &scan,
        findings,
        &Suppressions::new(Vec::new(), Date::today_utc()),
    );
    let build = t.elapsed();
    #[allow(clippy::cast_precision_loss)]
    let mb = bytes as f64 / 1_048_576.0;
    println!(
        "{} files, {mb:.1} MiB, {decoded} documents, {} findings\ndecode {decode:?} ({:.1} MiB/s)\nload {loading:?}\nevaluate {evaluate:?}\nreport {build:?}",
        inputs.len(),
        report.summary.findings,
        mb / decode.as_secs_f64()
    );
}
