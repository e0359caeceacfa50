//! `kubeward decode`.

use std::io::Write;

use clap::Args;

use crate::inputs::{self, Input};
use crate::term;

pub(crate) const LONG_ABOUT: &str = "\
Print each document as one line of compact JSON, exactly as Kubernetes' decoder yields it
(YAML 1.1 scalars, merge keys applied, last duplicate key wins), before List objects are
flattened, with keys in source order. Errors go to standard error as FILE:LINE:COLUMN, and
make the exit status 2; the other documents are still printed. Surprising but accepted
constructs (duplicate keys, overriding merges) are printed to standard error as warnings.";

#[derive(Debug, Args)]
pub(crate) struct DecodeArgs {
    /// Files or folders to decode; "-" reads standard input (the default when input is piped)
    #[arg(value_name = "PATH")]
    paths: Vec<String>,

    #[command(flatten)]
    limit: crate::limits::LimitArgs,
}

pub(crate) fn run(args: &DecodeArgs) -> u8 {
    let mut paths = args.paths.clone();
    if paths.is_empty() {
        if !inputs::stdin_is_piped() {
            term::error("nothing to decode: give files or folders, or pipe a manifest in (`cat x.yaml | kubeward decode`)");
            return 2;
        }
        paths.push("-".to_string());
    }
    let inputs = inputs::collect(&paths, &["yaml", "yml", "json"]);
    // Kubernetes' own flow depth: `decode` shows exactly what Kubernetes reads (`scan`
    // refuses flow collections deeper than 64 levels, as libyaml is quadratic in them).
    let mut base = kubeward::Limits::default();
    let _ = base.set("max-flow-depth", kubeward::yaml::MAX_DEPTH as u64);
    let limits = args.limit.applied_to(base);
    let decode_limits = limits.decode();
    let decoded = inputs::par_read(&inputs, &limits, |_, input, bytes| {
        let bytes = match input {
            Input::Chart(..) => Err(
                "is a Helm chart: `kubeward render CHART` prints what it renders to".to_string(),
            ),
            _ => bytes,
        };
        (
            input.name().to_string(),
            bytes.map(|b| kubeward::yaml::decode_with(&b, &decode_limits)),
        )
    });

    let mut failed = false;
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    for (name, result) in decoded {
        let decoded = match result {
            Ok(decoded) => decoded,
            Err(message) => {
                failed = true;
                eprintln!("{name}: error: {message}");
                continue;
            }
        };
        for document in &decoded.documents {
            // Iterative writer: documents as deep as Kubernetes allows print safely.
            let line = kubeward::yaml::to_json_string(&document.root);
            if writeln!(stdout, "{line}").is_err() {
                return 2;
            }
        }
        // Keep the two streams in step when they go to the same place.
        if stdout.flush().is_err() {
            return 2;
        }
        for d in &decoded.diagnostics {
            eprintln!(
                "{name}:{}:{}: warning: {}",
                d.span.start.line, d.span.start.column, d.message
            );
        }
        for e in &decoded.errors {
            failed = true;
            eprintln!(
                "{name}:{}:{}: error: {}",
                e.pos.line, e.pos.column, e.message
            );
        }
    }
    if stdout.flush().is_err() {
        return 2;
    }
    if failed {
        2
    } else {
        0
    }
}
