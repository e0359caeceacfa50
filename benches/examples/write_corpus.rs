//! Writes the benchmark corpus to a folder, to compare scanners on the same files:
//! `cargo run --release -p kubeward-bench --example write_corpus -- DIR`.
fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: write_corpus DIR");
        std::process::exit(2);
    };
    for (name, text) in kubeward_bench::corpus(10 * 1024 * 1024 + 1) {
        let path = std::path::Path::new(&dir).join(name);
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("{}: {e}", path.display());
            std::process::exit(1);
        }
    }
}
