//! Values through the public API: `--set` family grammar, `-f` merging, coalescing with
//! chart and subchart defaults, dependencies (alias, condition, tags, import-values).
//! Every expected value was produced by Helm 3.17.3 (`helm template` on the same chart
//! with a template printing `toJson .Values` and `typeOf` of each top-level value).

#![allow(clippy::panic)]

use std::collections::BTreeMap;

use kubeward_helm::chart::{computed_values, load_files, Chart, RenderOptions};
use kubeward_helm::Value;

/// Go's `json.Marshal` for the shapes these tests use.
fn json(v: &Value) -> String {
    match v {
        Value::Invalid | Value::Nil => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) | Value::Int64(i) => i.to_string(),
        Value::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e21 {
                format!("{f:.0}")
            } else {
                f.to_string()
            }
        }
        Value::String(s) => serde_json::to_string(s.as_str()).unwrap_or_default(),
        Value::List(l) => format!(
            "[{}]",
            l.items
                .borrow()
                .iter()
                .map(json)
                .collect::<Vec<_>>()
                .join(",")
        ),
        Value::Map(m) => format!(
            "{{{}}}",
            m.entries
                .borrow()
                .iter()
                .map(|(k, v)| format!(
                    "{}:{}",
                    serde_json::to_string(k).unwrap_or_default(),
                    json(v)
                ))
                .collect::<Vec<_>>()
                .join(",")
        ),
        other => other.to_go_string(),
    }
}

/// `{{ range $k, $v := .Values }}{{ $k }}={{ typeOf $v }};{{ end }}`.
fn types(v: &Value) -> String {
    let mut out = String::new();
    if let Value::Map(m) = v {
        for (k, v) in m.entries.borrow().iter() {
            out.push_str(&format!("{k}={};", v.type_name()));
        }
    }
    out
}

fn chart(files: &[(&str, &str)]) -> Chart {
    let map: BTreeMap<String, Vec<u8>> = files
        .iter()
        .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
        .collect();
    match load_files(map) {
        Ok(c) => c,
        Err(e) => panic!("load: {e:?}"),
    }
}

fn simple() -> Chart {
    chart(&[("Chart.yaml", "apiVersion: v2\nname: sv\nversion: 0.1.0\n")])
}

fn with_set(kind: &str, args: &[&str]) -> Result<Value, String> {
    let mut opts = RenderOptions::default();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    match kind {
        "set" => opts.set = args,
        "string" => opts.set_string = args,
        "json" => opts.set_json = args,
        "literal" => opts.set_literal = args,
        _ => {}
    }
    computed_values(&simple(), &opts).map_err(|e| e.message)
}

#[test]
fn set_values_are_typed_like_helm() {
    let v = with_set(
        "set",
        &["a=1,b=1.5,c=true,d=FALSE,e=null,f=0,g=007,h=-3,i=,j=+4"],
    );
    let v = v.unwrap_or_default();
    assert_eq!(
        json(&v),
        r#"{"a":1,"b":"1.5","c":true,"d":false,"e":null,"f":0,"g":"007","h":-3,"i":"","j":4}"#
    );
    assert_eq!(
        types(&v),
        "a=int64;b=string;c=bool;d=bool;e=<nil>;f=int64;g=string;h=int64;i=string;j=int64;"
    );
    let big = with_set("set", &["a=9223372036854775808"]).unwrap_or_default();
    assert_eq!(types(&big), "a=string;");
}

#[test]
fn set_grammar_matches_helm() {
    let ok = [
        (
            "set",
            vec!["a.b.c=x,a.d=y"],
            r#"{"a":{"b":{"c":"x"},"d":"y"}}"#,
        ),
        ("set", vec!["l[0]=a,l[2]=c"], r#"{"l":["a",null,"c"]}"#),
        (
            "set",
            vec!["l={x,2,true},m=z"],
            r#"{"l":["x",2,true],"m":"z"}"#,
        ),
        ("set", vec![r"a\.b=c,x=a\,b"], r#"{"a.b":"c","x":"a,b"}"#),
        ("set", vec!["a=b,"], r#"{"a":"b"}"#),
        ("set", vec!["a[0]"], r#"{"a":[]}"#),
        (
            "set",
            vec!["a[0].b=1,a[0].c=2,a[1][1]=z"],
            r#"{"a":[{"b":1,"c":2},[null,"z"]]}"#,
        ),
        ("set", vec!["l[1]=b", "l[0].x=1"], r#"{"l":[{"x":1},"b"]}"#),
        ("set", vec!["=1,b=2"], r#"{"b":2}"#),
        ("set", vec!["a={}"], r#"{"a":[""]}"#),
        ("set", vec!["a={x},b=1"], r#"{"a":["x"],"b":1}"#),
        ("set", vec!["a=é\"q"], r#"{"a":"é\"q"}"#),
        (
            "string",
            vec!["a=1,b=true,c=null"],
            r#"{"a":"1","b":"true","c":"null"}"#,
        ),
        (
            "json",
            vec![r#"a={"b":[1,2]},c=3,d="#],
            r#"{"a":{"b":[1,2]},"c":3,"d":null}"#,
        ),
        ("literal", vec![r"a.b=x,y=z\w"], r#"{"a":{"b":"x,y=z\\w"}}"#),
    ];
    for (kind, args, want) in ok {
        let got = with_set(kind, &args).map(|v| json(&v));
        assert_eq!(got.as_deref(), Ok(want), "{kind} {args:?}");
    }
    let deep = "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.A.B.C.D.E=1";
    assert!(with_set("set", &[deep]).is_ok());
    let too_deep = format!("Z.{deep}");
    assert!(with_set("set", &[too_deep.as_str()]).is_err_and(|e| e
        .contains("value name nested level is greater than maximum supported nested level of 30")));
    let json_types = with_set("json", &[r#"a={"b":[1,2]},c=3,d="#]).unwrap_or_default();
    assert_eq!(
        types(&json_types),
        "a=map[string]interface {};c=float64;d=<nil>;"
    );
}

#[test]
fn set_errors_match_helm() {
    let cases = [
        ("set", vec!["a"], r#"failed parsing --set data: key "a" has no value"#),
        ("set", vec!["a.b"], r#"failed parsing --set data: key "b" has no value"#),
        (
            "set",
            vec!["a[x]=1"],
            r#"failed parsing --set data: error parsing index: strconv.Atoi: parsing "x": invalid syntax"#,
        ),
        (
            "set",
            vec!["a[-1]=1"],
            "failed parsing --set data: negative -1 index not allowed",
        ),
        (
            "set",
            vec!["a[65537]=1"],
            "failed parsing --set data: index of 65537 is greater than maximum supported index of 65536",
        ),
        (
            "set",
            vec!["a=1", "a.b=2"],
            "failed parsing --set data: unable to parse key: interface conversion: interface {} is int64, not map[string]interface {}",
        ),
        (
            "set",
            vec!["a=x", "a[0]=1"],
            "failed parsing --set data: unable to parse key: interface conversion: interface {} is string, not []interface {}",
        ),
        (
            "set",
            vec!["l={a,b"],
            "failed parsing --set data: list must terminate with '}'",
        ),
        ("json", vec!["a=[1"], "failed parsing --set-json data a=[1"),
    ];
    for (kind, args, want) in cases {
        assert_eq!(
            with_set(kind, &args).err().as_deref(),
            Some(want),
            "{args:?}"
        );
    }
}

fn dependency_chart() -> Chart {
    chart(&[
        (
            "Chart.yaml",
            "apiVersion: v2\nname: co\nversion: 0.1.0\ndependencies:\n- name: sub\n  version: \">=0.1.0\"\n  alias: first\n  import-values:\n  - data\n  - child: deep\n    parent: imported.deep\n- name: sub\n  version: \"~0.1\"\n  alias: second\n  condition: second.enabled,global.never\n- name: other\n  tags: [extra]\n",
        ),
        (
            "values.yaml",
            "global: {region: eu, nested: {a: 1}}\nkeep: 1\ndrop: 2\ntable: {x: 1, y: {z: 2}}\nsecond: {enabled: false}\ntags: {extra: false}\nfirst: {own: yes}\n",
        ),
        ("charts/sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 0.1.2\n"),
        (
            "charts/sub/values.yaml",
            "global: {region: us, sub: true, nested: {b: 2}}\nown: no\nexports: {data: {fromSub: 1}}\ndeep: {k: v}\n",
        ),
        ("charts/other/Chart.yaml", "apiVersion: v2\nname: other\nversion: 1.0.0\n"),
        ("charts/other/values.yaml", "x: 1\n"),
    ])
}

#[test]
fn coalescing_and_dependencies_match_helm() {
    let opts = RenderOptions {
        set: vec!["drop=null".into(), "table.y=3".into()],
        values: vec![("over.yaml".into(), "table:\n  x: null\n".into())],
        ..RenderOptions::default()
    };
    let v = computed_values(&dependency_chart(), &opts).map(|v| json(&v));
    assert_eq!(
        v.as_deref(),
        Ok(
            r#"{"first":{"deep":{"k":"v"},"exports":{"data":{"fromSub":1}},"global":{"nested":{"a":1,"b":2},"region":"eu","sub":true},"own":true},"fromSub":1,"global":{"nested":{"a":1},"region":"eu"},"imported":{"deep":{"k":"v"}},"keep":1,"second":{"enabled":false},"table":{"true":{"z":2},"y":3},"tags":{"extra":false}}"#
        )
    );
}

#[test]
fn loading_errors_match_helm() {
    let load = |files: &[(&str, &str)]| {
        let map: BTreeMap<String, Vec<u8>> = files
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
            .collect();
        load_files(map).err().map(|e| e.message)
    };
    assert_eq!(
        load(&[("values.yaml", "a: 1\n")]).as_deref(),
        Some("Chart.yaml file is missing")
    );
    assert_eq!(
        load(&[("Chart.yaml", "name: x\n")]).as_deref(),
        Some("validation: chart.metadata.version is required")
    );
    assert_eq!(
        load(&[("Chart.yaml", "name: x\nversion: abc\n")]).as_deref(),
        Some("validation: chart.metadata.version \"abc\" is invalid")
    );
    assert_eq!(
        load(&[("Chart.yaml", "name: x\nversion: 1.0.0\ntype: plugin\n")]).as_deref(),
        Some("validation: chart.metadata.type must be application or library")
    );
    assert_eq!(
        load(&[
            ("Chart.yaml", "name: x\nversion: 1.0.0\n"),
            ("charts/sub/Chart.yaml", "name: sub\n"),
        ])
        .as_deref(),
        Some("error unpacking subchart sub in x: validation: chart.metadata.version is required")
    );
    // .helmignore applies to a folder's files; ignored files never reach the loader.
    let c = chart(&[
        ("Chart.yaml", "apiVersion: v2\nname: x\nversion: 1.0.0\n"),
        (".helmignore", "*.md\nsecret/\n"),
        ("README.md", "r"),
        ("secret/key", "k"),
        ("files/a.txt", "a"),
        ("templates/.hidden", "h"),
        ("templates/a.yaml", "a: 1"),
    ]);
    let mut names: Vec<&str> = c.files().map(|(n, _)| n).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        vec![
            ".helmignore",
            "Chart.yaml",
            "files/a.txt",
            "templates/a.yaml"
        ]
    );
}

#[test]
fn kube_version_and_installability() {
    let c = chart(&[(
        "Chart.yaml",
        "apiVersion: v2\nname: k\nversion: 1.0.0\nkubeVersion: \">=1.33.0\"\n",
    )]);
    let e = computed_values(&c, &RenderOptions::default())
        .err()
        .map(|e| e.message);
    assert_eq!(
        e.as_deref(),
        Some("chart requires kubeVersion: >=1.33.0 which is incompatible with Kubernetes v1.32.0")
    );
    let opts = RenderOptions {
        kube_version: Some("1.33".into()),
        ..RenderOptions::default()
    };
    assert!(computed_values(&c, &opts).is_ok());
    let lib = chart(&[(
        "Chart.yaml",
        "apiVersion: v2\nname: l\nversion: 1.0.0\ntype: library\n",
    )]);
    assert_eq!(
        computed_values(&lib, &RenderOptions::default())
            .err()
            .map(|e| e.message)
            .as_deref(),
        Some("library charts are not installable")
    );
}
