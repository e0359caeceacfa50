//! Decode-only versus full scan (decode, model, starter policies, report) over a generated
//! corpus of more than 10 MB of realistic manifests. Both run on one thread.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kubeward::{load, Date, Engine, EngineOptions, Report, Scan, Suppressions};

const CORPUS_BYTES: usize = 10 * 1024 * 1024 + 1;

fn benches(c: &mut Criterion) {
    let corpus = kubeward_bench::corpus(CORPUS_BYTES);
    let bytes: usize = corpus.iter().map(|(_, text)| text.len()).sum();
    let engine = match Engine::new(EngineOptions::default()) {
        Ok(engine) => engine,
        Err(errors) => {
            eprintln!("built-in policies failed to load: {errors:?}");
            return;
        }
    };
    let suppressions = Suppressions::new(Vec::new(), Date::today_utc());

    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.bench_function("decode", |b| {
        b.iter(|| {
            corpus
                .iter()
                .map(|(_, text)| kubeward::yaml::decode(text.as_bytes()).documents.len())
                .sum::<usize>()
        });
    });
    group.bench_function("scan", |b| {
        b.iter(|| {
            let files = corpus
                .iter()
                .enumerate()
                .map(|(i, (name, text))| load(name, text.as_bytes(), i))
                .collect();
            let scan = Scan { files };
            let findings = engine.evaluate(&scan);
            Report::build(&scan, findings, &suppressions)
                .summary
                .findings
        });
    });
    group.finish();
}

criterion_group!(corpus_benches, benches);
criterion_main!(corpus_benches);
