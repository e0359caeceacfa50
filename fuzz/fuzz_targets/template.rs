//! The template engine (Go `text/template` with Sprig and Helm functions): parse and
//! execute an arbitrary template against a small fixed dot, under tight limits. Errors are
//! fine; panics, hangs and unbounded memory are not.
#![no_main]

use std::sync::OnceLock;

use kubeward_helm::template::{strip_no_value, ExecOptions, Limits, Templates};
use kubeward_helm::Value;
use libfuzzer_sys::fuzz_target;

const DOT: &str = "\
Values:
  name: nginx
  port: 8080
  half: 0.5
  flag: true
  empty: \"\"
  nul: null
  list: [a, b, c]
  nums: [1, 2, 3]
  m: {b: 2, a: 1, c: {x: y}}
  text: \"{{ .Values.name }}\"
Release: {Name: release-name, Namespace: default, Service: Helm, IsInstall: true}
Chart: {Name: t, Version: 0.1.0}
Template: {Name: t/templates/f.yaml, BasePath: t/templates}
";

/// The dot as YAML text: values are rebuilt per run (they are not `Sync`).
fn dot_node() -> &'static kubeward_yaml::Node {
    static NODE: OnceLock<kubeward_yaml::Node> = OnceLock::new();
    NODE.get_or_init(|| match kubeward_yaml::decode_document(DOT.as_bytes()) {
        Ok(Some(node)) => node,
        other => panic!("the fixed dot does not decode: {other:?}"),
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let name = "t/templates/f.yaml";
    let mut set = Templates::new();
    if set.parse(name, text).is_err() {
        return;
    }
    let mut opts = ExecOptions {
        missing_key_error: text.len() % 2 == 1,
        limits: Limits {
            max_include_depth: 50,
            max_exec_depth: 100,
            max_steps: 100_000,
            max_output_bytes: 1 << 20,
            max_value_nodes: 100_000,
            max_string_bytes: 1 << 20,
            max_list_len: 100_000,
        },
        ..ExecOptions::default()
    };
    let dot = Value::from_yaml(dot_node());
    for template in set.names() {
        if let Ok(out) = set.execute(&template, dot.clone(), &mut opts) {
            let _ = strip_no_value(&out);
        }
    }
});
