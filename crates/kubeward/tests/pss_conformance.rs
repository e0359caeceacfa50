//! The Pod Security Standards packs against the Kubernetes project's own fixtures
//! (`k8s.io/pod-security-admission` `test/testdata`, kept beside the checkout in
//! `../shared/conformance/pss`, or in the folder named by `KUBEWARD_PSS_FIXTURES`).
//!
//! Layout: `<level>/<version>/<pass|fail>/<check><n>.yaml`, one Pod each. At each level
//! (`baseline`, `restricted`) and version (`v1.0` … `v1.37`, the newest also as `latest`),
//! with the level's pack (`pss-baseline`, `pss-restricted`) and `pssVersion` set to the
//! version:
//!
//! - every fixture under `fail/` yields at least one finding, and one of them is from a
//!   policy aliased `pss:<check>` for the check the fixture targets (or the restricted
//!   check that replaces it at that version);
//! - every fixture under `pass/` yields no finding at all;
//! - the same holds for the fixture's pod wrapped into a Deployment, StatefulSet,
//!   DaemonSet, Job, CronJob, ReplicaSet, ReplicationController and PodTemplate.
//!
//! The counts (and a loud warning when the fixtures are missing) go straight to stderr, so
//! `cargo test` shows them even when it captures the tests' output.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use kubeward::{load, Engine, EngineOptions, Finding, Scan};

/// The fixtures folder, or why there is none.
fn fixtures() -> Result<PathBuf, String> {
    match std::env::var_os("KUBEWARD_PSS_FIXTURES") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_dir() {
                Ok(dir)
            } else {
                // Asked for explicitly: a missing folder is an error, not a skip.
                panic!(
                    "KUBEWARD_PSS_FIXTURES={} is not a folder",
                    dir.to_string_lossy()
                )
            }
        }
        None => {
            // `<workspace>/../shared/conformance/pss`
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/pss");
            if dir.is_dir() {
                Ok(dir)
            } else {
                Err(dir.to_string_lossy().into_owned())
            }
        }
    }
}

/// Writes to the process's stderr, past the test harness's capture of `eprintln!`.
fn shout(text: &str) {
    let _ = std::io::stderr().write_all(text.as_bytes());
}

fn warn_missing(dir: &str) {
    let line = "!".repeat(78);
    shout(&format!(
        "\n{line}\n!! WARNING: Pod Security Standards conformance NOT CHECKED\n\
         !! no fixtures at {dir}\n\
         !! (the Kubernetes pod-security-admission test/testdata folder; set\n\
         !! KUBEWARD_PSS_FIXTURES to its path)\n{line}\n\n"
    ));
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

/// The minor of `v1.N`.
fn minor(version: &str) -> u32 {
    version
        .strip_prefix("v1.")
        .and_then(|m| m.parse().ok())
        .unwrap_or_else(|| panic!("unexpected version folder {version}"))
}

/// The version folders of a level, oldest first.
fn versions(level_dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(level_dir)
        .unwrap_or_else(|e| panic!("{}: {e}", level_dir.display()))
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    out.sort_by_key(|v| minor(v));
    out
}

/// The PSS check ids (lower-cased, as in fixture names) whose failure a fixture named
/// after `check` may be reported under, at `level` and `version`: the check itself, or the
/// restricted check that replaces it there (`capabilities_baseline0` is denied by
/// `capabilities_restricted` from v1.22 on).
fn accepted_checks(level: &str, version: &str, check: &str) -> Vec<String> {
    let mut out = vec![check.to_string()];
    if level == "restricted" {
        let m = minor(version);
        let replaced_by = match check {
            "hostpathvolumes" => Some("restrictedvolumes"),
            "seccompprofile_baseline" if m >= 19 => Some("seccompprofile_restricted"),
            "capabilities_baseline" if m >= 22 => Some("capabilities_restricted"),
            "procmount" if m >= 35 => Some("procmount_restricted"),
            _ => None,
        };
        out.extend(replaced_by.map(str::to_string));
    }
    out
}

/// The top-level sections of a fixture (a `kind: Pod` written by `sigs.k8s.io/yaml`: keys
/// at column 0, their content indented below them).
fn section<'t>(text: &'t str, key: &str) -> Vec<&'t str> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if !line.starts_with(' ') && !line.is_empty() {
            inside = line == format!("{key}:");
            continue;
        }
        if inside {
            out.push(line);
        }
    }
    out
}

fn indented(lines: &[&str], by: usize) -> String {
    let pad = " ".repeat(by);
    lines
        .iter()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("{pad}{l}\n")
            }
        })
        .collect()
}

/// The workload kinds a pod is wrapped into.
const WRAPPERS: [&str; 8] = [
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "ReplicaSet",
    "ReplicationController",
    "PodTemplate",
];

/// The fixture's pod (its metadata and spec) as the pod template of `kind`.
fn wrap(text: &str, kind: &str) -> String {
    let meta = section(text, "metadata");
    let spec = section(text, "spec");
    assert!(!spec.is_empty(), "fixture without spec:\n{text}");
    // The template at indentation `depth`, its metadata and spec lines shifted to match.
    let template = |depth: usize| {
        let pad = " ".repeat(depth);
        format!(
            "{pad}metadata:\n{}{pad}spec:\n{}",
            indented(&meta, depth),
            indented(&spec, depth)
        )
    };
    let selector = "  selector:\n    matchLabels: {app: wrapped}\n";
    match kind {
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" => format!(
            "apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: wrapped\nspec:\n{selector}  template:\n{}",
            template(4)
        ),
        "Job" => format!(
            "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: wrapped\nspec:\n  template:\n{}",
            template(4)
        ),
        "CronJob" => format!(
            "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: wrapped\nspec:\n  schedule: \"0 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n{}",
            template(8)
        ),
        "ReplicationController" => format!(
            "apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: wrapped\nspec:\n  selector: {{app: wrapped}}\n  template:\n{}",
            template(4)
        ),
        "PodTemplate" => format!(
            "apiVersion: v1\nkind: PodTemplate\nmetadata:\n  name: wrapped\ntemplate:\n{}",
            template(2)
        ),
        other => panic!("no wrapper for {other}"),
    }
}

fn evaluate(engine: &Engine, name: &str, text: &str) -> Result<Vec<Finding>, String> {
    let file = load(name, text.as_bytes(), 0);
    if let Some(e) = file.errors.first() {
        return Err(format!(
            "does not load: {}:{}: {}",
            e.line, e.column, e.message
        ));
    }
    if file.resources.len() != 1 || file.resources[0].pod_spec().is_none() {
        return Err("is not one workload with a pod spec".to_string());
    }
    Ok(engine.evaluate(&Scan { files: vec![file] }))
}

/// Checks one manifest's verdict; `None` when right, otherwise what went wrong.
fn verdict(
    engine: &Engine,
    name: &str,
    text: &str,
    expect_fail: bool,
    accepted: &[String],
) -> Option<String> {
    let findings = match evaluate(engine, name, text) {
        Ok(f) => f,
        Err(e) => return Some(e),
    };
    if expect_fail {
        if findings.is_empty() {
            return Some("allowed, Kubernetes denies it".to_string());
        }
        let named = findings.iter().any(|f| {
            f.aliases.iter().any(|a| {
                a.strip_prefix("pss:")
                    .is_some_and(|c| accepted.contains(&c.to_ascii_lowercase()))
            })
        });
        if !named {
            return Some(format!(
                "denied, but by none of pss:{accepted:?}: {}",
                findings
                    .iter()
                    .map(|f| format!("{} {}", f.policy, f.message))
                    .collect::<Vec<_>>()
                    .join(" | ")
            ));
        }
        None
    } else if findings.is_empty() {
        None
    } else {
        Some(format!(
            "denied, Kubernetes allows it: {}",
            findings
                .iter()
                .map(|f| format!("{} {}", f.policy, f.message))
                .collect::<Vec<_>>()
                .join(" | ")
        ))
    }
}

/// What one (level, version) run checked.
#[derive(Default)]
struct Tally {
    pass: usize,
    fail: usize,
    /// Wrapped manifests checked, by kind.
    wrapped: BTreeMap<&'static str, usize>,
    problems: Vec<String>,
}

fn run_version(root: &Path, level: &str, version: &str, as_version: &str) -> Tally {
    let engine = Engine::new(EngineOptions {
        packs: vec![format!("pss-{level}")],
        pss_version: Some(as_version.to_string()),
        ..EngineOptions::default()
    })
    .unwrap_or_else(|e| panic!("pss-{level} at {as_version}: {e:#?}"));
    let mut tally = Tally::default();
    let vdir = root.join(level).join(version);
    for (outcome, expect_fail) in [("pass", false), ("fail", true)] {
        for file in yaml_files(&vdir.join(outcome)) {
            let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
            let check = stem.trim_end_matches(|c: char| c.is_ascii_digit());
            let accepted = accepted_checks(level, version, check);
            let text = std::fs::read_to_string(&file).unwrap();
            let label = format!("{level}/{version}/{outcome}/{stem}.yaml at {as_version}");
            if let Some(p) = verdict(&engine, &stem, &text, expect_fail, &accepted) {
                tally.problems.push(format!("{label}: {p}"));
            }
            for kind in WRAPPERS {
                let wrapped = wrap(&text, kind);
                if let Some(p) = verdict(&engine, &stem, &wrapped, expect_fail, &accepted) {
                    tally.problems.push(format!("{label} as a {kind}: {p}"));
                }
                *tally.wrapped.entry(kind).or_default() += 1;
            }
            if expect_fail {
                tally.fail += 1;
            } else {
                tally.pass += 1;
            }
        }
    }
    tally
}

#[test]
fn pod_security_fixtures_at_every_level_and_version() {
    let root = match fixtures() {
        Ok(root) => root,
        Err(dir) => {
            warn_missing(&dir);
            return;
        }
    };
    // Every (level, version) folder, plus the newest one evaluated as `latest`.
    let mut runs: Vec<(&str, String, String)> = Vec::new();
    for level in ["baseline", "restricted"] {
        let vs = versions(&root.join(level));
        assert!(!vs.is_empty(), "no version folder under {level}");
        for v in &vs {
            runs.push((level, v.clone(), v.clone()));
        }
        let newest = vs.last().cloned().unwrap_or_default();
        runs.push((level, newest, "latest".to_string()));
    }
    let results: Vec<((&str, String, String), Tally)> = std::thread::scope(|s| {
        let handles: Vec<_> = runs
            .iter()
            .map(|(level, version, as_version)| {
                let root = &root;
                s.spawn(move || run_version(root, level, version, as_version))
            })
            .collect();
        runs.iter()
            .cloned()
            .zip(handles.into_iter().map(|h| h.join().unwrap()))
            .collect()
    });

    let mut report = String::new();
    let mut problems = Vec::new();
    let mut wrapped: BTreeMap<&str, usize> = BTreeMap::new();
    let mut fixtures_checked = 0;
    let mut manifests_checked = 0;
    let _ = writeln!(report, "Pod Security Standards fixtures (pass / fail):");
    for level in ["baseline", "restricted"] {
        let mut level_total = (0, 0);
        // Consecutive versions with the same counts, as one range.
        let mut ranges: Vec<(String, String, usize, usize)> = Vec::new();
        for ((l, version, as_version), tally) in &results {
            if *l != level {
                continue;
            }
            problems.extend(tally.problems.iter().cloned());
            let n: usize = tally.wrapped.values().sum();
            manifests_checked += tally.pass + tally.fail + n;
            if as_version == "latest" {
                let _ = writeln!(
                    report,
                    "  {level} latest (the {version} fixtures): {} / {}",
                    tally.pass, tally.fail
                );
                continue;
            }
            fixtures_checked += tally.pass + tally.fail;
            for (kind, n) in &tally.wrapped {
                *wrapped.entry(kind).or_default() += n;
            }
            level_total.0 += tally.pass;
            level_total.1 += tally.fail;
            match ranges.last_mut() {
                Some(r) if r.2 == tally.pass && r.3 == tally.fail => r.1.clone_from(version),
                _ => ranges.push((version.clone(), version.clone(), tally.pass, tally.fail)),
            }
        }
        let _ = writeln!(
            report,
            "  {level}: {} / {} ({} fixtures)",
            level_total.0,
            level_total.1,
            level_total.0 + level_total.1
        );
        for (from, to, pass, fail) in ranges {
            let span = if from == to {
                from
            } else {
                format!("{from}–{to}")
            };
            let _ = writeln!(report, "    {span}: {pass} / {fail} per version");
        }
    }
    let _ = writeln!(report, "  total: {fixtures_checked} fixtures");
    let _ = writeln!(report, "  wrapped into workloads (each kind):");
    for (kind, n) in &wrapped {
        let _ = writeln!(report, "    {kind}: {n}");
    }
    let _ = writeln!(
        report,
        "  manifests evaluated (pods, wrapped, latest): {manifests_checked}; problems: {}",
        problems.len()
    );
    shout(&format!("\n{report}\n"));

    assert!(
        fixtures_checked >= 4537,
        "only {fixtures_checked} fixtures found under {}",
        root.display()
    );
    for (kind, n) in &wrapped {
        assert_eq!(*n, fixtures_checked, "{kind}");
    }
    assert!(
        problems.is_empty(),
        "{report}\n{} problem(s):\n{}",
        problems.len(),
        problems
            .iter()
            .take(60)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn wrappers_keep_the_pod_template() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n    a: b\n  name: p\nspec:\n  containers:\n  - image: i\n    name: c\n";
    for kind in WRAPPERS {
        let text = wrap(pod, kind);
        let file = load("w.yaml", text.as_bytes(), 0);
        assert!(file.errors.is_empty(), "{kind}: {:?}\n{text}", file.errors);
        let res = &file.resources[0];
        assert_eq!(res.id.kind, kind);
        let view = res.pod_spec().unwrap_or_else(|| panic!("{kind}:\n{text}"));
        assert_eq!(view.containers().len(), 1, "{kind}");
        let meta = view.metadata.as_ref().unwrap_or_else(|| panic!("{kind}"));
        assert!(meta.node.get("annotations").is_some(), "{kind}");
    }
}

fn findings_at(level: &str, version: &str, manifest: &str) -> Vec<String> {
    let engine = Engine::new(EngineOptions {
        packs: vec![format!("pss-{level}")],
        pss_version: Some(version.to_string()),
        ..EngineOptions::default()
    })
    .unwrap_or_else(|e| panic!("{e:#?}"));
    let mut ids: Vec<String> = evaluate(&engine, "m.yaml", manifest)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|f| f.policy)
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// A restricted check replaces a baseline one from its version on, even where the
/// restricted check then allows what the baseline one denies (Windows pods from v1.25).
#[test]
fn restricted_checks_replace_baseline_checks_as_admission_does() {
    let windows = |extra: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: w}}\nspec:\n  os: {{name: windows}}\n  \
             securityContext: {{runAsNonRoot: true}}\n  containers:\n  - name: c\n    image: i\n    \
             securityContext: {extra}\n"
        )
    };
    let caps = windows("{capabilities: {add: [SYS_ADMIN]}}");
    assert_eq!(findings_at("baseline", "latest", &caps), ["KW-SEC-009"]);
    assert!(findings_at("restricted", "v1.25", &caps).is_empty());
    assert!(findings_at("restricted", "latest", &caps).is_empty());
    assert!(findings_at("restricted", "v1.24", &caps).contains(&"KW-SEC-020".to_string()));
    assert!(!findings_at("restricted", "v1.24", &caps).contains(&"KW-SEC-009".to_string()));
    assert!(findings_at("restricted", "v1.21", &caps).contains(&"KW-SEC-009".to_string()));

    let seccomp = windows("{seccompProfile: {type: Unconfined}}");
    assert_eq!(findings_at("baseline", "v1.25", &seccomp), ["KW-SEC-014"]);
    assert!(findings_at("restricted", "v1.25", &seccomp).is_empty());
    assert!(
        !findings_at("restricted", "v1.18", &seccomp).contains(&"KW-SEC-014".to_string()),
        "before v1.19 only the annotations count"
    );

    let host_path = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n  containers:\n  - name: c\n    image: i\n    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}\n  volumes:\n  - {name: v, hostPath: {path: /}}\n";
    assert_eq!(findings_at("baseline", "latest", host_path), ["KW-SEC-005"]);
    assert_eq!(
        findings_at("restricted", "latest", host_path),
        ["KW-SEC-018"]
    );
    assert_eq!(findings_at("restricted", "v1.0", host_path), ["KW-SEC-018"]);

    let unmasked = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostUsers: false\n  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n  containers:\n  - name: c\n    image: i\n    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, procMount: Unmasked}\n";
    assert!(findings_at("baseline", "v1.35", unmasked).is_empty());
    assert_eq!(findings_at("baseline", "v1.34", unmasked), ["KW-SEC-013"]);
    assert_eq!(findings_at("restricted", "v1.35", unmasked), ["KW-SEC-021"]);
    assert_eq!(findings_at("restricted", "v1.34", unmasked), ["KW-SEC-013"]);

    let overridden = |version: &str| {
        Engine::new(EngineOptions {
            packs: vec!["pss-restricted".to_string()],
            pss_version: Some(version.to_string()),
            ..EngineOptions::default()
        })
        .unwrap()
        .overridden()
    };
    assert_eq!(overridden("v1.18"), ["KW-SEC-005"]);
    assert_eq!(overridden("v1.19"), ["KW-SEC-005", "KW-SEC-014"]);
    assert_eq!(
        overridden("v1.22"),
        ["KW-SEC-005", "KW-SEC-009", "KW-SEC-014"]
    );
    assert_eq!(
        overridden("latest"),
        ["KW-SEC-005", "KW-SEC-009", "KW-SEC-013", "KW-SEC-014"]
    );
    // The baseline pack (and the default one) has no restricted check to replace it.
    let baseline = Engine::new(EngineOptions {
        packs: vec!["pss-baseline".to_string()],
        ..EngineOptions::default()
    })
    .unwrap();
    assert!(baseline.overridden().is_empty());
    assert!(Engine::new(EngineOptions::default())
        .unwrap()
        .overridden()
        .is_empty());
}

/// Every Pod Security check id is one policy's alias in its pack (`pss:<check>`), baseline
/// checks are in both packs and in `default`, restricted-only ones in neither `default`
/// nor `pss-baseline` (except the three starter policies already in `default`).
#[test]
fn every_check_has_its_policy_in_the_right_packs() {
    let baseline = [
        "appArmorProfile",
        "capabilities_baseline",
        "hostNamespaces",
        "hostPathVolumes",
        "hostPorts",
        "hostProbesAndHostLifecycle",
        "privileged",
        "procMount",
        "seLinuxOptions",
        "seccompProfile_baseline",
        "sysctls",
        "windowsHostProcess",
    ];
    let restricted = [
        "allowPrivilegeEscalation",
        "capabilities_restricted",
        "procMount_restricted",
        "restrictedVolumes",
        "runAsNonRoot",
        "runAsUser",
        "seccompProfile_restricted",
    ];
    let rules = Engine::new(EngineOptions {
        packs: vec!["all".to_string()],
        ..EngineOptions::default()
    })
    .unwrap()
    .rules();
    let of = |check: &str| {
        let alias = format!("pss:{check}");
        let found: Vec<_> = rules
            .iter()
            .filter(|r| r.aliases.contains(&alias))
            .collect();
        assert!(!found.is_empty(), "no policy for {alias}");
        found
    };
    for check in baseline {
        for r in of(check) {
            for pack in ["default", "pss-baseline", "pss-restricted"] {
                assert!(r.packs.iter().any(|p| p == pack), "{} not in {pack}", r.id);
            }
        }
    }
    for check in restricted {
        for r in of(check) {
            assert!(r.packs.iter().any(|p| p == "pss-restricted"), "{}", r.id);
            assert!(!r.packs.iter().any(|p| p == "pss-baseline"), "{}", r.id);
            let starter = ["KW-SEC-006", "KW-SEC-007", "KW-SEC-008"].contains(&r.id.as_str());
            assert_eq!(r.packs.iter().any(|p| p == "default"), starter, "{}", r.id);
        }
    }
}
