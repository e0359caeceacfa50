//! Prints every node of a file with its span (a debugging aid).
fn walk(node: &kubeward_yaml::Node, path: &str) {
    let s = node.span;
    println!(
        "{path:<50} {}:{}-{}:{} @{}",
        s.start.line, s.start.column, s.end.line, s.end.column, s.start.offset
    );
    match &node.value {
        kubeward_yaml::Value::Map(m) => {
            for e in m {
                let k = e.key_span;
                println!(
                    "{:<50} key {}:{}-{}:{}",
                    format!("{path}/{}", e.key),
                    k.start.line,
                    k.start.column,
                    k.end.line,
                    k.end.column
                );
                walk(&e.value, &format!("{path}/{}", e.key));
            }
        }
        kubeward_yaml::Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{path}/{i}"));
            }
        }
        _ => {}
    }
}

fn main() {
    for arg in std::env::args().skip(1) {
        let bytes = std::fs::read(&arg).unwrap_or_default();
        let decoded = kubeward_yaml::decode(&bytes);
        for doc in &decoded.documents {
            println!("--- document {}", doc.index);
            walk(&doc.root, "");
        }
        for d in &decoded.diagnostics {
            println!(
                "diagnostic {:?} {} at {}:{}",
                d.kind, d.message, d.span.start.line, d.span.start.column
            );
        }
        for doc in &decoded.documents {
            println!("json {}", kubeward_yaml::to_json_string(&doc.root));
            println!("yaml {}", kubeward_yaml::to_yaml(&doc.root));
        }
        for e in &decoded.errors {
            println!("error {e}");
        }
    }
}
