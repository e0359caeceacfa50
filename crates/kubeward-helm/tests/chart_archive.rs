//! Packaged charts (`.tgz`) read from memory: layout, nested archives, path checks and
//! limits (messages as Helm's `loader.LoadArchiveFiles`).

#![allow(clippy::panic)]

use kubeward_helm::chart::{
    computed_values, load_archive, load_archive_with, render, LoadLimits, RenderOptions,
};

fn tgz(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut b = tar::Builder::new(enc);
    for (name, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        // Written raw so that hostile names (`..`) reach the archive as is.
        let bytes = name.as_bytes();
        h.as_old_mut().name[..bytes.len()].copy_from_slice(bytes);
        h.set_cksum();
        b.append(&h, *data).unwrap_or_default();
    }
    b.into_inner()
        .and_then(flate2::write::GzEncoder::finish)
        .unwrap_or_default()
}

const CHART: &[u8] = b"apiVersion: v2\nname: pkg\nversion: 1.2.3\n";

#[test]
fn archive_with_nested_subchart() {
    let sub = tgz(&[
        (
            "sub/Chart.yaml",
            b"apiVersion: v2\nname: sub\nversion: 0.1.0\n",
        ),
        ("sub/templates/a.yaml", b"a: 1\n"),
    ]);
    let outer = tgz(&[
        ("pkg/Chart.yaml", CHART),
        ("pkg/values.yaml", b"\xEF\xBB\xBFx: 1\n"),
        ("pkg/templates/t.yaml", b"t: 1\n"),
        ("pkg/files/f.txt", b"f"),
        ("pkg/charts/sub-0.1.0.tgz", &sub),
    ]);
    let c = match load_archive(&outer) {
        Ok(c) => c,
        Err(e) => panic!("{e:?}"),
    };
    assert_eq!(c.name(), "pkg");
    assert_eq!(c.version(), "1.2.3");
    let mut names: Vec<&str> = c.files().map(|(n, _)| n).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        vec![
            "Chart.yaml",
            "charts/sub-0.1.0.tgz",
            "files/f.txt",
            "templates/t.yaml",
            "values.yaml"
        ]
    );
    let values = computed_values(&c, &RenderOptions::default()).map(|v| v.to_go_string());
    assert_eq!(
        values.ok().as_deref().map(|v| v.contains("x:1")),
        Some(true)
    );
    let rendered = render(&c, &RenderOptions::default()).map(|r| r.text);
    let text = rendered.unwrap_or_default();
    assert!(
        text.contains("# Source: pkg/templates/t.yaml\nt: 1\n"),
        "{text}"
    );
    assert!(
        text.contains("# Source: pkg/charts/sub/templates/a.yaml\na: 1\n"),
        "{text}"
    );
}

#[test]
fn archive_errors() {
    let msg = |b: &[u8]| load_archive(b).err().map(|e| e.message);
    assert_eq!(msg(b"not gzip").as_deref(), Some("gzip: invalid header"));
    assert_eq!(
        msg(&tgz(&[("pkg/../../etc/passwd", b"x")])).as_deref(),
        Some("chart illegally references parent directory")
    );
    assert_eq!(
        msg(&tgz(&[("Chart.yaml", CHART)])).as_deref(),
        Some("chart illegally contains content outside the base directory: \"Chart.yaml\"")
    );
    assert_eq!(
        msg(&tgz(&[("pkg/values.yaml", b"a: 1\n")])).as_deref(),
        Some("Chart.yaml file is missing")
    );
    let limits = LoadLimits {
        max_file_bytes: 4,
        ..LoadLimits::default()
    };
    let e = load_archive_with(&tgz(&[("pkg/Chart.yaml", CHART)]), &limits)
        .err()
        .map(|e| e.message);
    assert_eq!(
        e.as_deref(),
        Some("decompressed chart file \"pkg/Chart.yaml\" is larger than the maximum file size 4 (limit max-chart-file-bytes=4)")
    );
    let limits = LoadLimits {
        max_total_bytes: 10,
        ..LoadLimits::default()
    };
    let e = load_archive_with(&tgz(&[("pkg/Chart.yaml", CHART)]), &limits)
        .err()
        .map(|e| e.message);
    assert_eq!(
        e.as_deref(),
        Some(
            "decompressed chart is larger than the maximum file size 10 (limit max-chart-bytes=10)"
        )
    );
}
