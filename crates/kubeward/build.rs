//! Embeds the built-in policies: walks `policies/` at the repository root and generates a
//! table of `include_str!`s. Rejects duplicate ids and files whose name does not start
//! with their id.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() -> Result<(), String> {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let root = manifest.join("..").join("..").join("policies");
    println!("cargo:rerun-if-changed={}", root.display());
    let out =
        PathBuf::from(env::var("OUT_DIR").map_err(|e| e.to_string())?).join("builtin_policies.rs");

    let mut files = Vec::new();
    if root.is_dir() {
        collect(&root, &mut files)?;
    } else {
        println!(
            "cargo:warning=no policies/ folder at {}: no built-in policy",
            root.display()
        );
    }
    // `policies/peers.yaml` lists the checks of other scanners (for the docs), not a policy.
    let peers = root.join("peers.yaml");
    files.retain(|f| *f != peers);
    files.sort();

    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    let mut table = String::from(
        "/// Built-in policy files: (path from the repository root, text).\n\
         pub(crate) static BUILTIN_POLICIES: &[(&str, &str)] = &[\n",
    );
    for file in &files {
        let text = fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let rel = file
            .strip_prefix(root.parent().unwrap_or(&root))
            .unwrap_or(file)
            .to_string_lossy()
            .replace('\\', "/");
        let id = top_level_id(&text).ok_or_else(|| format!("{rel}: no top-level `id:`"))?;
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !(stem == id || stem.starts_with(&format!("{id}-"))) {
            return Err(format!(
                "{rel}: the file name must start with the policy id `{id}-`"
            ));
        }
        if !valid_builtin_id(&id) {
            return Err(format!(
                "{rel}: built-in policy ids look like KW-SEC-001, not `{id}`"
            ));
        }
        if let Some(other) = ids.insert(id.clone(), rel.clone()) {
            return Err(format!("duplicate policy id `{id}`: {other} and {rel}"));
        }
        let abs = file.canonicalize().map_err(|e| format!("{rel}: {e}"))?;
        writeln!(
            table,
            "    ({rel:?}, include_str!({:?})),",
            abs.to_string_lossy()
        )
        .map_err(|e| e.to_string())?;
    }
    table.push_str("];\n");
    fs::write(&out, table).map_err(|e| format!("{}: {e}", out.display()))?;
    Ok(())
}

/// Every `*.yaml` policy file under `dir` (iterative).
fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                out.push(path);
            }
        }
    }
    Ok(())
}

/// The value of the top-level `id:` line.
fn top_level_id(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let rest = line.strip_prefix("id:")?;
        let value = rest.split(" #").next().unwrap_or(rest).trim();
        Some(value.trim_matches(|c| c == '"' || c == '\'').to_string())
    })
}

/// `KW-` + three capitals + `-` + three digits.
fn valid_builtin_id(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 10
        && id.starts_with("KW-")
        && b.get(3..6)
            .is_some_and(|c| c.iter().all(u8::is_ascii_uppercase))
        && b.get(6) == Some(&b'-')
        && b.get(7..10)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
}
