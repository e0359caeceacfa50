//! `kubeward render` against `helm template`: every chart and flag set of
//! `tests/charts/goldens.json` must print exactly what Helm 3.17.3 printed (the goldens were
//! produced by the real binary; see `tests/charts/README.md`), or fail with Helm's message.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;

fn charts_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/charts")
}

#[test]
fn render_matches_helm_template_byte_for_byte() {
    let dir = charts_dir();
    let list: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("goldens.json")).unwrap()).unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for entry in list.as_array().unwrap() {
        let chart = entry["chart"].as_str().unwrap();
        let golden_name = entry["golden"].as_str().unwrap();
        let golden = std::fs::read_to_string(dir.join(golden_name)).unwrap();
        let mut args = vec!["render".to_string(), chart.to_string()];
        if let Some(release) = entry["release"].as_str() {
            args.extend(["--release-name".to_string(), release.to_string()]);
        }
        args.extend(
            entry["args"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_string()),
        );
        let out = Command::new(env!("CARGO_BIN_EXE_kubeward"))
            .args(&args)
            .current_dir(&dir)
            .output()
            .unwrap();
        checked += 1;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if golden_name.ends_with(".error") {
            if out.status.code() != Some(2) || !stderr.contains(golden.trim()) {
                failures.push(format!(
                    "{golden_name}: expected exit 2 with `{}`, got {:?}: {stderr}",
                    golden.trim(),
                    out.status.code()
                ));
            }
        } else if out.status.code() != Some(0) || stdout != golden {
            failures.push(format!(
                "{golden_name}: exit {:?}, stderr `{stderr}`, output differs from Helm's",
                out.status.code()
            ));
        }
    }
    assert!(checked >= 11, "only {checked} goldens");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
