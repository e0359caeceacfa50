//! Hostile templates stop with an error naming the limit they hit, instead of running
//! away: recursion through `include`, `template` and `tpl`, huge `until` lists, strings and
//! structures that double in a loop, long loops. (How fast they stop is measured by
//! `kubeward render` in the benchmarks, not asserted here.)

#![allow(clippy::panic)]

use std::collections::BTreeMap;

use kubeward_helm::chart::{load_files, render, RenderOptions};

fn render_error(template: &str) -> String {
    let mut files = BTreeMap::new();
    files.insert(
        "Chart.yaml".to_string(),
        b"apiVersion: v2\nname: lim\nversion: 0.1.0\n".to_vec(),
    );
    files.insert("templates/t.yaml".to_string(), template.as_bytes().to_vec());
    let chart = match load_files(files) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    match render(&chart, &RenderOptions::default()) {
        Ok(r) => panic!("rendered: {}", r.text),
        Err(e) => e.message,
    }
}

fn run(cases: &[(&str, &str)]) {
    // Debug builds need room for the nesting the limits allow.
    let cases: Vec<(String, String)> = cases
        .iter()
        .map(|(t, w)| ((*t).to_string(), (*w).to_string()))
        .collect();
    let handle = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            cases
                .iter()
                .filter_map(|(template, want)| {
                    let got = render_error(template);
                    // `want` may list alternatives separated by ` OR `.
                    (!want.split(" OR ").any(|w| got.contains(w)))
                        .then(|| format!("{template}\n  want `{want}` in: {got}"))
                })
                .collect::<Vec<_>>()
        });
    let failures = match handle.map(std::thread::JoinHandle::join) {
        Ok(Ok(f)) => f,
        _ => panic!("the runner failed"),
    };
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn recursion_stops_with_the_limit_named() {
    run(&[
        (
            r#"{{ define "a" }}{{ include "a" . }}{{ end }}{{ include "a" . }}"#,
            // Helm's own limit (1 000 nested includes) in release builds; the exec-depth
            // limit comes first in debug builds, whose stack frames are larger.
            "rendering template has a nested reference name: a OR (limit max-template-depth=",
        ),
        (
            r#"{{ define "b" }}{{ template "b" . }}{{ end }}{{ template "b" . }}"#,
            "(limit max-template-depth=",
        ),
        (
            r#"{{ define "t" }}{{ tpl "{{ include \"t\" . }}" . }}{{ end }}{{ include "t" . }}"#,
            "error calling include",
        ),
    ]);
}

#[test]
fn growth_stops_with_the_limit_named() {
    let doubling = |expr: &str, print: &str| {
        format!("{{{{ $x := {expr} }}}}{{{{ range until 60 }}}}{{{{ $x = {print} }}}}{{{{ end }}}}{{{{ len $x }}}}")
    };
    let list_bomb = |use_it: &str| {
        format!("{{{{ $l := list 1 }}}}{{{{ range until 60 }}}}{{{{ $l = list $l $l }}}}{{{{ end }}}}{use_it}")
    };
    run(&[
        (
            "{{ range until 100000000 }}x{{ end }}",
            "(limit max-list-len=",
        ),
        (r#"{{ repeat 100000000 "x" }}"#, "(limit max-string-bytes="),
        (
            &doubling(r#""x""#, "print $x $x"),
            "(limit max-string-bytes=",
        ),
        (
            &doubling(r#""x\n""#, r#"printf "%s%s" $x $x"#),
            "(limit max-string-bytes=",
        ),
        (&list_bomb("{{ toJson $l }}"), "(limit max-template-values"),
        (&list_bomb("{{ toYaml $l }}"), "(limit max-template-values"),
        (&list_bomb("{{ $l }}"), "(limit max-template-values"),
        (
            &list_bomb("{{ deepCopy $l | len }}"),
            "(limit max-template-values",
        ),
        (
            &list_bomb(r#"{{ printf "%v" $l }}"#),
            "(limit max-template-values",
        ),
        (
            r#"{{ $d := dict "x" 1 }}{{ range until 60 }}{{ $d = dict "a" $d "b" $d }}{{ end }}{{ toToml $d }}"#,
            "(limit max-template-values",
        ),
        (
            "{{ range until 1000000 }}{{ range until 1000000 }}{{ end }}{{ end }}",
            "(limit max-template-steps=",
        ),
    ]);
}
