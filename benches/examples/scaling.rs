//! Scaling curves: scan time against the number of resources (1 to 100,000 generated
//! resources) and against the number of policies, single-threaded, printed as Markdown
//! tables: `cargo run --release -p kubeward-bench --example scaling [-- MAX_RESOURCES]`.
use std::time::{Duration, Instant};

use kubeward::{load, Date, Engine, EngineOptions, Report, Scan, Suppressions};

/// CPU time of this thread so far (Linux: `/proc/thread-self/schedstat`), so that other
/// work on a busy machine does not count; `None` elsewhere.
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// The fastest of `runs` runs of `f` (the least disturbed by other work on the machine),
/// in CPU time where the system tells it and the run is long enough, else in wall time.
fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs.max(1) {
        let cpu = thread_cpu();
        let t = Instant::now();
        let value = f();
        let wall = t.elapsed();
        // The scheduler's count moves in steps: short runs are timed on the wall clock.
        let spent = match (cpu, thread_cpu()) {
            (Some(a), Some(b)) if wall > Duration::from_millis(200) => b.saturating_sub(a),
            _ => wall,
        };
        best = best.min(spent);
        last = Some(value);
    }
    match last {
        Some(value) => (best, value),
        None => (best, f()),
    }
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// Decode, load and evaluate + report of `files` with `engine`; returns the three times and
/// the number of findings.
fn scan(engine: &Engine, files: &[(String, String)], runs: usize) -> [Duration; 3] {
    let (decode, _) = best(runs, || {
        files
            .iter()
            .map(|(_, t)| kubeward::yaml::decode(t.as_bytes()).documents.len())
            .sum::<usize>()
    });
    let (loading, scan) = best(runs, || Scan {
        files: files
            .iter()
            .enumerate()
            .map(|(i, (n, t))| load(n, t.as_bytes(), i))
            .collect(),
    });
    let suppressions = Suppressions::new(Vec::new(), Date::today_utc());
    let (evaluate, _) = best(runs, || {
        Report::build(&scan, engine.evaluate(&scan), &suppressions)
            .summary
            .findings
    });
    [decode, loading, evaluate]
}

fn engine(options: EngineOptions) -> Option<Engine> {
    match Engine::new(options) {
        Ok(engine) => Some(engine),
        Err(errors) => {
            eprintln!("policies failed to load: {errors:?}");
            None
        }
    }
}

fn main() {
    let max: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let Some(default) = engine(EngineOptions::default()) else {
        return;
    };
    println!("Scan time against input size (generated resources, 20 to a file, default packs, one thread, CPU time for runs over 0.2 s, best of 3 below 10,000):\n");
    println!("| resources | MB | decode | decode + model | evaluate + report | total | µs per resource |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    let mut n = 1;
    while n <= max {
        let files = kubeward_bench::resources(n, 20);
        let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
        let runs = if n >= 10_000 { 1 } else { 3 };
        let [decode, loading, evaluate] = scan(&default, &files, runs);
        let total = loading + evaluate;
        #[allow(clippy::cast_precision_loss)]
        let per = micros(total) / n as f64;
        #[allow(clippy::cast_precision_loss)]
        let mb = bytes as f64 / 1e6;
        println!(
            "| {n} | {mb:.2} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {per:.1} |",
            micros(decode) / 1e3,
            micros(loading) / 1e3,
            micros(evaluate) / 1e3,
            micros(total) / 1e3
        );
        n *= 10;
    }

    // Policy count: the first k built-in policies (by path) on 10,000 resources.
    let count = max.min(10_000);
    let files = kubeward_bench::resources(count, 20);
    let scan = Scan {
        files: files
            .iter()
            .enumerate()
            .map(|(i, (n, t))| load(n, t.as_bytes(), i))
            .collect(),
    };
    let suppressions = Suppressions::new(Vec::new(), Date::today_utc());
    let all: Vec<(String, String)> = kubeward::builtin_policies()
        .iter()
        .map(|(p, t)| ((*p).to_string(), (*t).to_string()))
        .collect();
    println!(
        "\nEvaluation time against the number of policies ({} generated resources, one thread, CPU time, best of 3):\n",
        count
    );
    println!("| policies | evaluate + report | µs per policy and resource |");
    println!("|---:|---:|---:|");
    let mut k = 1;
    loop {
        let k_now = k.min(all.len());
        let Some(engine) = engine(EngineOptions {
            packs: vec!["none".to_string()],
            policy_files: all.iter().take(k_now).cloned().collect(),
            ..EngineOptions::default()
        }) else {
            return;
        };
        let (evaluate, _) = best(3, || {
            Report::build(&scan, engine.evaluate(&scan), &suppressions)
                .summary
                .findings
        });
        #[allow(clippy::cast_precision_loss)]
        let per = micros(evaluate) / (k_now * count) as f64;
        println!("| {k_now} | {:.1} ms | {per:.3} |", micros(evaluate) / 1e3);
        if k_now == all.len() {
            break;
        }
        k *= 2;
    }

    // Each policy alone, to find the ones that cost more than the others.
    let mut each: Vec<(Duration, String)> = Vec::new();
    for (path, text) in &all {
        let Some(engine) = engine(EngineOptions {
            packs: vec!["none".to_string()],
            policy_files: vec![(path.clone(), text.clone())],
            ..EngineOptions::default()
        }) else {
            return;
        };
        let (spent, _) = best(1, || engine.evaluate(&scan).len());
        each.push((spent, path.rsplit('/').next().unwrap_or(path).to_string()));
    }
    each.sort();
    println!("\nThe slowest policies alone ({count} generated resources, one thread, evaluation only):\n");
    println!("| policy | evaluate |");
    println!("|---|---:|");
    for (spent, name) in each.iter().rev().take(8) {
        println!("| {name} | {:.1} ms |", micros(*spent) / 1e3);
    }
}
