//! Criterion benchmarks of scanning, on generated realistic manifests (`kubeward_bench`),
//! all on one thread:
//! - `decode`: kubeward-yaml alone, and decode + model (`load`), over 10 MB;
//! - `pack`: evaluation + report of each built-in pack (compiled once) over 2,000 resources;
//! - `policy`: evaluation of each built-in policy alone (compiled once) over 2,000 resources
//!   (filter with `cargo bench -p kubeward-bench --bench scan -- policy/KW-SEC`);
//! - `scan`: whole scans (load, evaluate with the default packs, report) of corpora of
//!   100, 1,000 and 10,000 resources, and of the 10 MB corpus.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use kubeward::{load, Date, Engine, EngineOptions, Report, Scan, Suppressions};

const CORPUS_BYTES: usize = 10 * 1024 * 1024 + 1;

fn engine(options: EngineOptions) -> Option<Engine> {
    match Engine::new(options) {
        Ok(engine) => Some(engine),
        Err(errors) => {
            eprintln!("policies failed to load: {errors:?}");
            None
        }
    }
}

fn loaded(files: &[(String, String)]) -> Scan {
    Scan {
        files: files
            .iter()
            .enumerate()
            .map(|(i, (name, text))| load(name, text.as_bytes(), i))
            .collect(),
    }
}

fn scan_once(engine: &Engine, files: &[(String, String)], suppressions: &Suppressions) -> usize {
    let scan = loaded(files);
    let findings = engine.evaluate(&scan);
    Report::build(&scan, findings, suppressions)
        .summary
        .findings
}

fn decode(c: &mut Criterion) {
    let corpus = kubeward_bench::corpus(CORPUS_BYTES);
    let bytes: usize = corpus.iter().map(|(_, text)| text.len()).sum();
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.bench_function("yaml", |b| {
        b.iter(|| {
            corpus
                .iter()
                .map(|(_, text)| kubeward::yaml::decode(text.as_bytes()).documents.len())
                .sum::<usize>()
        });
    });
    group.bench_function("load", |b| b.iter(|| loaded(&corpus).files.len()));
    group.finish();
}

fn packs(c: &mut Criterion) {
    let files = kubeward_bench::resources(2_000, 20);
    let scan = loaded(&files);
    let suppressions = Suppressions::new(Vec::new(), Date::today_utc());
    let mut group = c.benchmark_group("pack");
    group.throughput(Throughput::Elements(2_000));
    group.sample_size(20);
    for pack in [
        "default",
        "pss-baseline",
        "pss-restricted",
        "hardening",
        "rbac",
        "best-practices",
        "openshift",
        "all",
    ] {
        let Some(engine) = engine(EngineOptions {
            packs: vec![pack.to_string()],
            ..EngineOptions::default()
        }) else {
            return;
        };
        group.bench_function(pack, |b| {
            b.iter(|| {
                Report::build(&scan, engine.evaluate(&scan), &suppressions)
                    .summary
                    .findings
            });
        });
    }
    group.finish();
}

fn policies(c: &mut Criterion) {
    let files = kubeward_bench::resources(2_000, 20);
    let scan = loaded(&files);
    let mut group = c.benchmark_group("policy");
    group.throughput(Throughput::Elements(2_000));
    group.sample_size(10);
    for (path, text) in kubeward::builtin_policies() {
        let id = path
            .rsplit('/')
            .next()
            .and_then(|f| f.get(..10))
            .unwrap_or(path);
        let Some(engine) = engine(EngineOptions {
            packs: vec!["none".to_string()],
            policy_files: vec![((*path).to_string(), (*text).to_string())],
            ..EngineOptions::default()
        }) else {
            continue;
        };
        group.bench_function(id, |b| b.iter(|| engine.evaluate(&scan).len()));
    }
    group.finish();
}

fn scans(c: &mut Criterion) {
    let Some(engine) = engine(EngineOptions::default()) else {
        return;
    };
    let suppressions = Suppressions::new(Vec::new(), Date::today_utc());
    let mut group = c.benchmark_group("scan");
    group.sample_size(10);
    for n in [100, 1_000, 10_000] {
        let files = kubeward_bench::resources(n, 20);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("resources", n), &files, |b, files| {
            b.iter(|| scan_once(&engine, files, &suppressions));
        });
    }
    let corpus = kubeward_bench::corpus(CORPUS_BYTES);
    let bytes: usize = corpus.iter().map(|(_, text)| text.len()).sum();
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("corpus-10MB", |b| {
        b.iter(|| scan_once(&engine, &corpus, &suppressions));
    });
    group.finish();
}

criterion_group!(benches, decode, packs, policies, scans);
criterion_main!(benches);
