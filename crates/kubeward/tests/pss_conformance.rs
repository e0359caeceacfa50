//! The Pod Security policies against the Kubernetes project's own fixtures
//! (`shared/conformance/pss`, beside the checkout, or `KUBEWARD_PSS_FIXTURES`): at each
//! level and version, every fixture Kubernetes denies for a check we implement yields a
//! finding of the matching policy, and no fixture Kubernetes allows yields any finding of
//! the level's pack.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use kubeward::{load, Engine, EngineOptions, Scan};

fn fixtures() -> Option<PathBuf> {
    let dir = std::env::var_os("KUBEWARD_PSS_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/pss")
        });
    dir.is_dir().then_some(dir)
}

/// Our policies for a PSS check id (the fixture file name without its number).
fn policies_for(check: &str) -> Option<&'static [&'static str]> {
    Some(match check {
        "privileged" => &["KW-SEC-001"],
        "hostnamespaces" => &["KW-SEC-002", "KW-SEC-003", "KW-SEC-004"],
        "hostpathvolumes" => &["KW-SEC-005"],
        "capabilities_baseline" => &["KW-SEC-009"],
        "runasuser" => &["KW-SEC-006"],
        "runasnonroot" => &["KW-SEC-007"],
        "allowprivilegeescalation" => &["KW-SEC-008"],
        _ => return None,
    })
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

#[test]
fn pod_security_fixtures() {
    let Some(root) = fixtures() else {
        eprintln!("skipped: no PSS fixtures (set KUBEWARD_PSS_FIXTURES)");
        return;
    };
    let mut checked = (0, 0);
    let mut problems = Vec::new();
    for level in ["baseline", "restricted"] {
        let mut versions: Vec<PathBuf> = std::fs::read_dir(root.join(level))
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        versions.sort();
        for vdir in versions {
            let version = vdir.file_name().unwrap().to_string_lossy().into_owned();
            let engine = Engine::new(EngineOptions {
                packs: vec![format!("pss-{level}")],
                pss_version: Some(version.clone()),
                ..EngineOptions::default()
            })
            .unwrap();
            for file in yaml_files(&vdir.join("fail")) {
                let name = file.file_stem().unwrap().to_string_lossy().into_owned();
                let check = name.trim_end_matches(|c: char| c.is_ascii_digit());
                let Some(ids) = policies_for(check) else {
                    continue;
                };
                let text = std::fs::read_to_string(&file).unwrap();
                let findings = engine.evaluate(&Scan {
                    files: vec![load(&name, text.as_bytes(), 0)],
                });
                checked.0 += 1;
                if !findings.iter().any(|f| ids.contains(&f.policy.as_str())) {
                    problems.push(format!(
                        "{level}/{version}/fail/{name}.yaml: no finding of {ids:?}"
                    ));
                }
            }
            for file in yaml_files(&vdir.join("pass")) {
                let name = file.file_stem().unwrap().to_string_lossy().into_owned();
                let text = std::fs::read_to_string(&file).unwrap();
                let findings = engine.evaluate(&Scan {
                    files: vec![load(&name, text.as_bytes(), 0)],
                });
                checked.1 += 1;
                for f in findings {
                    problems.push(format!(
                        "{level}/{version}/pass/{name}.yaml: {} {}",
                        f.policy, f.message
                    ));
                }
            }
        }
    }
    assert!(checked.0 > 500 && checked.1 > 1000, "{checked:?}");
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
