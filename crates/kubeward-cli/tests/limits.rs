//! Every resource limit against a hostile input: the CLI must stop with an error naming the
//! limit (exit status 2) within 2 s and 512 MB of peak memory.
//!
//! The bounds hold for a release build. `cargo test` builds the CLI in debug mode, about ten
//! times slower: without `KUBEWARD_BIN` the time bound is loosened to 30 s (the memory bound
//! stays). `scripts/limits` builds the release CLI and runs this test against it with
//! `KUBEWARD_BIN` set, so the real bounds are checked. Peak memory is measured by
//! `/usr/bin/time` (GNU time, `%M`); where it is missing only the time is checked.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const MIB: usize = 1 << 20;
/// Kubernetes' request body limit: every input up to this size must be handled in bounds.
const THREE_MIB: usize = 3 * MIB;
const MAX_RSS_KB: u64 = 512 * 1024;

struct Bin {
    path: PathBuf,
    max_time: Duration,
}

fn bin() -> Bin {
    match std::env::var_os("KUBEWARD_BIN") {
        Some(path) => Bin {
            path: PathBuf::from(path),
            max_time: Duration::from_secs(2),
        },
        None => Bin {
            path: PathBuf::from(env!("CARGO_BIN_EXE_kubeward")),
            max_time: Duration::from_secs(30),
        },
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kubeward-limits-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    rss_kb: Option<u64>,
}

/// Runs the CLI with `args`, measuring wall time and (with GNU time) peak RSS.
fn run(args: &[&str]) -> Run {
    let bin = bin();
    let gnu_time = Path::new("/usr/bin/time");
    let rss_file = std::env::temp_dir().join(format!(
        "kubeward-limits-rss-{}-{}",
        std::process::id(),
        args.join("_").len()
    ));
    let mut cmd = if gnu_time.exists() {
        let mut c = Command::new(gnu_time);
        c.arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(&rss_file)
            .arg(&bin.path);
        c
    } else {
        Command::new(&bin.path)
    };
    cmd.args(args);
    let start = Instant::now();
    let out = cmd.output().unwrap();
    let elapsed = start.elapsed();
    let rss_kb = std::fs::read_to_string(&rss_file)
        .ok()
        .and_then(|t| t.lines().last().and_then(|l| l.trim().parse().ok()));
    let _ = std::fs::remove_file(&rss_file);
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed,
        rss_kb,
    }
}

/// Scans `path` (with `extra` flags) and checks the error names `limit`, exit status 2, and
/// the time and memory bounds.
fn rejects(case: &str, path: &Path, extra: &[&str], limit: &str) {
    let p = path.to_string_lossy().into_owned();
    let mut args = vec!["scan", "--no-config", "--format", "json", p.as_str()];
    args.extend_from_slice(extra);
    let r = run(&args);
    let max_time = bin().max_time;
    eprintln!(
        "{case}: exit {} in {:.2} s, peak RSS {} KB",
        r.code,
        r.elapsed.as_secs_f64(),
        r.rss_kb.map_or("?".to_string(), |k| k.to_string())
    );
    assert_eq!(
        r.code,
        2,
        "{case}: {}\n{}",
        r.stderr,
        &r.stdout[..r.stdout.len().min(2000)]
    );
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let messages: Vec<&str> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["message"].as_str())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains(limit)),
        "{case}: no error names {limit}: {:?}",
        &messages[..messages.len().min(5)]
    );
    assert!(r.elapsed <= max_time, "{case}: took {:?}", r.elapsed);
    if let Some(rss) = r.rss_kb {
        assert!(rss <= MAX_RSS_KB, "{case}: peak RSS {rss} KB");
    }
}

fn write(dir: &Path, name: &str, text: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// `text` repeated, cut to at most `max` bytes at a line break.
fn fill(unit: &str, max: usize) -> String {
    let mut s = unit.repeat(max / unit.len());
    if let Some(i) = s.rfind('\n') {
        s.truncate(i + 1);
    }
    s
}

#[test]
fn yaml_limits() {
    let dir = scratch("yaml");
    // The billion laughs: nine levels of nine aliases.
    let mut laughs = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    for w in names.windows(2) {
        laughs.push_str(&format!(
            "{}: &{} [{}]\n",
            w[1],
            w[1],
            vec![format!("*{}", w[0]); 9].join(", ")
        ));
    }
    rejects(
        "billion laughs",
        &write(&dir, "laughs.yaml", laughs.as_bytes()),
        &[],
        "excessive aliasing",
    );

    // Under go-yaml's ratio, but an absolute flood of aliased nodes.
    let mut flood = String::from("kind: ConfigMap\n");
    for i in 0..20_000 {
        flood.push_str(&format!("p{i}: 1\n"));
    }
    flood.push_str(&format!("base: &b [{}]\n", vec!["x"; 2000].join(", ")));
    flood.push_str("many:\n");
    for _ in 0..200 {
        flood.push_str("- *b\n");
    }
    rejects(
        "alias node flood",
        &write(&dir, "flood.yaml", flood.as_bytes()),
        &["--limit", "max-keys=100000"],
        "(limit max-alias-nodes=100000)",
    );

    // One big string copied by few aliases (the ratio never notices).
    let mut copies = format!("a: &a \"{}\"\n", "x".repeat(MIB - 16));
    for i in 0..600 {
        copies.push_str(&format!("p{i}: 1\n"));
    }
    for i in 0..400 {
        copies.push_str(&format!("k{i}: *a\n"));
    }
    rejects(
        "alias string copies",
        &write(&dir, "copies.yaml", copies.as_bytes()),
        &[],
        "(limit max-alias-bytes=",
    );

    // 3 MiB of `[` (libyaml is quadratic in flow depth), `{a: {a: …`, and block nesting.
    let brackets = "[".repeat(THREE_MIB);
    rejects(
        "deep flow [[[",
        &write(&dir, "brackets.yaml", brackets.as_bytes()),
        &[],
        "(limit max-flow-depth=64)",
    );
    let maps = "{a: ".repeat(THREE_MIB / 4);
    rejects(
        "deep flow {a: {a:",
        &write(&dir, "maps.yaml", maps.as_bytes()),
        &[],
        "(limit max-flow-depth=64)",
    );
    let flows = fill(
        &format!("---\n{}{}\n", "[".repeat(64), "]".repeat(64)),
        THREE_MIB,
    );
    rejects(
        "3 MiB of documents 64 deep",
        &write(&dir, "flows.yaml", flows.as_bytes()),
        &[],
        "(limit max-documents=10000)",
    );
    let block = "- ".repeat(THREE_MIB / 2);
    rejects(
        "deep block - - -",
        &write(&dir, "block.yaml", block.as_bytes()),
        &[],
        "(limit max-depth=10000)",
    );
    // JSON too deep fails, and Kubernetes' decoder then reads the stream as YAML, which
    // fails too.
    let json = format!("{{\"a\": {}{}}}", "[".repeat(20_000), "]".repeat(20_000));
    rejects(
        "deep JSON",
        &write(&dir, "deep.json", json.as_bytes()),
        &[],
        "(limit max-flow-depth=64)",
    );

    // Many keys, a huge scalar, many documents, 3 MiB of tiny documents, a file too large.
    let keys: String = (0..250_000).map(|i| format!("k{i}: 1\n")).collect();
    rejects(
        "many keys",
        &write(&dir, "keys.yaml", keys.as_bytes()),
        &[],
        "(limit max-keys=10000)",
    );
    let scalar = format!("a: {}\n", "x".repeat(THREE_MIB - 8));
    rejects(
        "huge scalar",
        &write(&dir, "scalar.yaml", scalar.as_bytes()),
        &[],
        "(limit max-scalar-bytes=1048576)",
    );
    let docs = fill(
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
        THREE_MIB,
    );
    rejects(
        "many documents",
        &write(&dir, "docs.yaml", docs.as_bytes()),
        &[],
        "(limit max-documents=10000)",
    );
    let tiny = fill("---\n", THREE_MIB);
    rejects(
        "3 MiB of empty documents",
        &write(&dir, "tiny.yaml", tiny.as_bytes()),
        &[],
        "(limit max-documents=10000)",
    );
    let big = fill("# padding\n", 64 * MIB + 4096);
    rejects(
        "input over 64 MiB",
        &write(&dir, "big.yaml", big.as_bytes()),
        &[],
        "(limit max-input-bytes=67108864)",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Writes a chart with one template (`text`) under `dir/name`.
fn chart(dir: &Path, name: &str, templates: &[(&str, &str)]) -> PathBuf {
    let root = dir.join(name);
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("Chart.yaml"),
        format!("apiVersion: v2\nname: {name}\nversion: 0.1.0\n"),
    )
    .unwrap();
    for (file, text) in templates {
        std::fs::write(root.join("templates").join(file), text).unwrap();
    }
    root
}

#[test]
fn template_limits() {
    let dir = scratch("templates");
    let include = chart(
        &dir,
        "include",
        &[
            ("_h.tpl", "{{ define \"r\" }}{{ include \"r\" . }}{{ end }}"),
            ("t.yaml", "{{ include \"r\" . }}"),
        ],
    );
    // Release builds reach Helm's include limit first; debug builds, with larger frames,
    // the nesting limit.
    let want = if std::env::var_os("KUBEWARD_BIN").is_some() {
        "(limit max-include-depth=1000)"
    } else {
        "(limit max-template-depth="
    };
    rejects("include recursion", &include, &[], want);
    let tpl = chart(
        &dir,
        "tpl",
        &[(
            "t.yaml",
            "{{ $t := \"{{ tpl $.t $ }}\" }}{{ tpl $t (dict \"t\" $t) }}",
        )],
    );
    rejects("tpl recursion", &tpl, &[], "(limit max-template-depth=");
    let until = chart(
        &dir,
        "until",
        &[("t.yaml", "{{ range until 100000000 }}x{{ end }}")],
    );
    rejects(
        "until 100000000",
        &until,
        &[],
        "(limit max-list-len=1048576)",
    );
    let forever = chart(
        &dir,
        "forever",
        &[(
            "t.yaml",
            "{{ range until 1000000 }}{{ range until 1000000 }}{{ end }}{{ end }}",
        )],
    );
    rejects(
        "nested ranges",
        &forever,
        &[],
        "(limit max-template-steps=10000000)",
    );
    let output = chart(
        &dir,
        "output",
        &[(
            "t.yaml",
            "{{ range until 1000000 }}{{ repeat 100 \"x\" }}{{ end }}",
        )],
    );
    rejects(
        "output explosion",
        &output,
        &[],
        "(limit max-render-bytes=16777216)",
    );
    let doubling = chart(
        &dir,
        "doubling",
        &[(
            "t.yaml",
            "{{ $s := \"xx\" }}{{ range until 40 }}{{ $s = print $s $s }}{{ end }}",
        )],
    );
    rejects(
        "string doubling",
        &doubling,
        &[],
        "(limit max-string-bytes=16777216)",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn tgz(path: &Path, files: &[(&str, Vec<u8>)]) {
    let file = std::fs::File::create(path).unwrap();
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::best());
    let mut tar = tar::Builder::new(gz);
    for (name, data) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, name, data.as_slice()).unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap().flush().unwrap();
}

#[test]
fn chart_limits() {
    let dir = scratch("charts");
    let meta = b"apiVersion: v2\nname: bomb\nversion: 0.1.0\n".to_vec();
    // A gzip bomb: 200 MiB of zeros in one file, a few hundred KiB compressed.
    let bomb = dir.join("bomb-0.1.0.tgz");
    tgz(
        &bomb,
        &[
            ("bomb/Chart.yaml", meta.clone()),
            ("bomb/templates/z.yaml", vec![0; 200 * MIB]),
        ],
    );
    rejects(
        "gzip bomb, one file",
        &bomb,
        &[],
        "(limit max-chart-bytes=104857600)",
    );
    let big = dir.join("big-0.1.0.tgz");
    tgz(
        &big,
        &[
            ("bomb/Chart.yaml", meta.clone()),
            ("bomb/templates/z.yaml", vec![b'#'; 6 * MIB]),
        ],
    );
    rejects(
        "one file too large",
        &big,
        &[],
        "(limit max-chart-file-bytes=5242880)",
    );
    // Many files just under the file limit: the total limit.
    let wide = dir.join("wide-0.1.0.tgz");
    let mut files = vec![("bomb/Chart.yaml".to_string(), meta.clone())];
    for i in 0..30 {
        files.push((format!("bomb/files/f{i}"), vec![b'x'; 4 * MIB]));
    }
    let refs: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, d)| (n.as_str(), d.clone())).collect();
    tgz(&wide, &refs);
    rejects(
        "gzip bomb, many files",
        &wide,
        &[],
        "(limit max-chart-bytes=104857600)",
    );
    // An archive larger than the (lowered) chart limit is refused before it is read.
    rejects(
        "archive over the limit",
        &wide,
        &["--limit", "max-chart-bytes=64KiB"],
        "(limit max-chart-bytes=65536)",
    );
    // Too many files.
    let many: Vec<(String, Vec<u8>)> = (0..300)
        .map(|i| (format!("bomb/files/f{i}"), b"x".to_vec()))
        .collect();
    let mut refs: Vec<(&str, Vec<u8>)> = vec![("bomb/Chart.yaml", meta)];
    refs.extend(many.iter().map(|(n, d)| (n.as_str(), d.clone())));
    let many_path = dir.join("many-0.1.0.tgz");
    tgz(&many_path, &refs);
    rejects(
        "too many files",
        &many_path,
        &["--limit", "max-chart-files=100"],
        "(limit max-chart-files=100)",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

const POLICY: &str = "id: X-RE-001\ntitle: t\nseverity: low\ncategory: c\ndocs: {why: w, fix: f}\ntarget: {view: resource, kinds: [Pod]}\nrule:\n  deny: {path: metadata.name, matches: 'PATTERN'}\nmessage: m\n";

#[test]
fn policy_limits() {
    let dir = scratch("policies");
    let pod = write(&dir, "pod.yaml", b"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: c, image: nginx, securityContext: {privileged: true}}\n");
    let p = pod.to_string_lossy().into_owned();
    // A regex whose compiled program explodes; the pod is still scanned (a finding of a
    // built-in policy comes out), and the broken policy is an error.
    let blowup = write(
        &dir,
        "blowup.yaml",
        POLICY.replace("PATTERN", "(?:a{1000}){1000}").as_bytes(),
    );
    rejects(
        "regex blowup",
        &pod,
        &["--policy", blowup.to_str().unwrap()],
        "(limit max-regex-size=1048576)",
    );
    let r = run(&[
        "scan",
        "--no-config",
        "--format",
        "json",
        "--policy",
        blowup.to_str().unwrap(),
        &p,
    ]);
    assert_eq!(r.code, 2);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["policy"] == "KW-SEC-001"),
        "{}",
        r.stdout
    );
    let long = write(
        &dir,
        "long.yaml",
        POLICY.replace("PATTERN", &"a".repeat(5000)).as_bytes(),
    );
    rejects(
        "regex too long",
        &pod,
        &["--policy", long.to_str().unwrap()],
        "(limit max-regex-bytes=4096)",
    );

    // A policy nested 5 000 levels deep (the recursive deserializer would overflow).
    let deep = POLICY.replace(
        "deny: {path: metadata.name, matches: 'PATTERN'}",
        &format!(
            "deny: {}{{path: a, equals: 1}}{}",
            "{not: ".repeat(5000),
            "}".repeat(5000)
        ),
    );
    let deep = write(&dir, "deep.yaml", deep.as_bytes());
    rejects(
        "deep policy",
        &pod,
        &["--policy", deep.to_str().unwrap()],
        "at most 64 levels deep",
    );

    // Relation fan-out: 1 500 Services and 1 500 Pods.
    let mut text = String::new();
    for i in 0..1500 {
        text.push_str(&format!("---\napiVersion: v1\nkind: Service\nmetadata: {{name: s{i}}}\nspec: {{selector: {{app: x, tier: y}}, ports: [{{port: 80}}]}}\n"));
    }
    for i in 0..1500 {
        let labels = if i % 2 == 0 {
            "{app: x, tier: z}"
        } else {
            "{app: w, tier: y}"
        };
        text.push_str(&format!("---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}, labels: {labels}}}\nspec: {{containers: [{{name: c, image: nginx}}]}}\n"));
    }
    let fan = write(&dir, "fanout.yaml", text.as_bytes());
    // A relation with no condition to look up in an index (a regex): every Service looks at
    // every Pod.
    let related = write(
        &dir,
        "related.yaml",
        b"id: X-REL-001\ntitle: t\nseverity: low\ncategory: c\ndocs: {why: w, fix: f}\ntarget: {view: resource, kinds: [Service]}\nrule:\n  require:\n    related:\n      kinds: [Pod]\n      where: {path: metadata.name, matches: ^no-pod-has-this-name$}\nmessage: m\n",
    );
    rejects(
        "relation fan-out",
        &fan,
        &["--pack", "none", "--policy", related.to_str().unwrap()],
        "(limit max-relation-checks=1000000)",
    );
    // The same relation looking a name up (an index answers it) stays in bounds.
    let by_name = write(
        &dir,
        "by-name.yaml",
        b"id: X-REL-002\ntitle: t\nseverity: low\ncategory: c\ndocs: {why: w, fix: f}\ntarget: {view: resource, kinds: [Service]}\nrule:\n  require:\n    related:\n      kinds: [Pod]\n      where: {path: metadata.name, equals: no-pod-has-this-name}\nmessage: m\n",
    );
    let r = run(&[
        "scan",
        "--no-config",
        "--format",
        "json",
        "--pack",
        "none",
        "--policy",
        by_name.to_str().unwrap(),
        fan.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stdout.matches("\"X-REL-002\"").count(), 1500);
    // The built-in relation policies go through an index: the same scan stays in bounds.
    let r = run(&[
        "scan",
        "--no-config",
        "--format",
        "json",
        fan.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.elapsed <= bin().max_time);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn limits_are_listed_and_checked() {
    let r = run(&["limits"]);
    assert_eq!(r.code, 0);
    for name in [
        "max-input-bytes",
        "max-depth",
        "max-flow-depth",
        "max-include-depth",
        "max-relation-checks",
    ] {
        assert!(r.stdout.contains(name), "{name}");
    }
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("max-input-bytes "))
        .unwrap();
    assert!(line.ends_with(" 67108864 bytes"), "{line}");
    let r = run(&["scan", "--limit", "max-kees=1", "x.yaml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("unknown limit `max-kees`"),
        "{}",
        r.stderr
    );
    let r = run(&["scan", "--limit", "max-depth=20000", "x.yaml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("out of range"), "{}", r.stderr);
}
