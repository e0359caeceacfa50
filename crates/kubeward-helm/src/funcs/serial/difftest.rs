//! Local differential harness (not committed).
use crate::value::Value;

#[test]
#[ignore = "needs SERIAL_DIFF_IN"]
fn dump() {
    let Ok(path) = std::env::var("SERIAL_DIFF_IN") else { return };
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let inputs: Vec<String> = serde_json::from_str(&text).unwrap_or_default();
    let mut out = Vec::new();
    for input in inputs {
        let mut r = serde_json::Map::new();
        let node = kubeward_yaml::decode_document(input.as_bytes());
        let v = match node {
            Ok(Some(n)) => Value::from_yaml(&n),
            _ => { out.push(serde_json::Value::Object(r)); continue; }
        };
        let v = v.as_map().and_then(|m| m.entries.borrow().get("v").cloned()).unwrap_or(Value::Nil);
        r.insert("toYaml".into(), super::to_yaml(&v).into());
        r.insert("toJson".into(), super::to_json(&v).into());
        r.insert("toPrettyJson".into(), super::to_pretty_json(&v).into());
        r.insert("toRawJson".into(), super::to_raw_json(&v).unwrap_or_else(|e| format!("panic: {e}")).into());
        r.insert("toYamlPretty".into(), super::to_yaml_pretty(&v).into());
        r.insert("toToml".into(), super::to_toml(&v).unwrap_or_else(|e| format!("PANIC: {e}")).into());
        out.push(serde_json::Value::Object(r));
    }
    let _ = std::fs::write(format!("{path}.rust"), serde_json::to_string_pretty(&out).unwrap_or_default());
}

#[test]
#[ignore = "manual"]
fn yaml_errors() {
    for s in ["a: b: c", "a:\n  - b\n c: d", "[a", "{a: 1", "a: 'x", "\tx: 1", "a: *x", "- a\nb: c"] {
        println!("{s:?} => {:?}", kubeward_yaml::decode_document(s.as_bytes()).err());
    }
}

#[test]
#[ignore = "manual"]
fn from_cases() {
    let text = std::fs::read_to_string("../../tests/helm-cases/serial.json").unwrap_or_default();
    let cases: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap_or_default();
    let re = regex::Regex::new(r#"^\{\{ \$m := (\w+) ("(?:[^"\\]|\\.)*") \}\}\{\{ toJson \$m \}\}\|\{\{ typeOf \$m \}\}(.*)$"#).unwrap_or_else(|_| unreachable!());
    let (mut ok, mut bad) = (0, 0);
    for c in cases {
        let t = c["template"].as_str().unwrap_or("");
        let Some(m) = re.captures(t) else { continue };
        let func = &m[1];
        let arg: String = serde_json::from_str(&m[2]).unwrap_or_default();
        let v = match func {
            "fromYaml" => Ok(super::from_yaml(&arg)),
            "fromYamlArray" => Ok(super::from_yaml_array(&arg)),
            "fromJson" => Ok(super::from_json(&arg)),
            "fromJsonArray" => Ok(super::from_json_array(&arg)),
            "mustFromJson" => super::json_in::parse(&arg),
            "fromToml" => Ok(super::from_toml(&arg)),
            _ => continue,
        };
        let got = match v {
            Ok(v) => {
                let mut s = format!("{}|{}", super::to_json(&v), v.type_name());
                if !m[3].is_empty() {
                    let a = v.as_map().and_then(|m| m.entries.borrow().get("a").cloned()).unwrap_or(Value::Nil);
                    s.push_str(&format!("|{}", a.type_name()));
                }
                (Some(s), None)
            }
            Err(e) => (None, Some(e)),
        };
        let want_out = c.get("output").and_then(|o| o.as_str()).map(str::to_string);
        let want_err = c.get("error").and_then(|o| o.as_str()).map(str::to_string);
        let matches = match (&got, &want_out, &want_err) {
            ((Some(g), _), Some(w), _) => g == w,
            ((_, Some(g)), _, Some(w)) => w.ends_with(g.as_str()),
            _ => false,
        };
        if matches { ok += 1 } else {
            bad += 1;
            println!("--- {}\n  want {:?} {:?}\n  got  {:?}", c["name"], want_out, want_err, got);
        }
    }
    println!("ok {ok} bad {bad}");
}
