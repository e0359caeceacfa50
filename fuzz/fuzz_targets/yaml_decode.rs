//! The YAML/JSON front end on arbitrary bytes: `decode` and `decode_document` must never
//! panic, and every decoded document must survive a JSON round trip (the JSON kubeward
//! prints decodes back to the same value).
//!
//! Inputs up to [`KUBERNETES_MODE_BYTES`] are decoded with the library's default limits
//! (Kubernetes' own flow depth of 10 000), longer ones with kubeward's (flow depth 64): the
//! YAML scanner's time grows with flow depth times tokens, so 16 KiB of `[[[[…` takes
//! seconds in the Kubernetes mode, which is why kubeward never uses it on its input
//! (docs/limits.md, `max-flow-depth`). Timeouts would otherwise only rediscover that.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Whether two JSON texts are equal, numbers compared by value (a JSON integer beyond 64
/// bits is read back as a float, as Go's JSON decoding into Kubernetes objects does).
fn same_json_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j, mut in_string) = (0, 0, false);
    while i < a.len() && j < b.len() {
        if !in_string && is_number_start(a[i]) && is_number_start(b[j]) {
            let (x, ni) = number(a, i);
            let (y, nj) = number(b, j);
            if x != y && x.parse::<f64>().ok() != y.parse::<f64>().ok() {
                return false;
            }
            (i, j) = (ni, nj);
            continue;
        }
        if a[i] != b[j] {
            return false;
        }
        if in_string && a[i] == b'\\' {
            if a.get(i + 1) != b.get(j + 1) {
                return false;
            }
            i += 1;
            j += 1;
        } else if a[i] == b'"' {
            in_string = !in_string;
        }
        i += 1;
        j += 1;
    }
    i == a.len() && j == b.len()
}

fn is_number_start(c: u8) -> bool {
    c == b'-' || c.is_ascii_digit()
}

fn number(s: &[u8], start: usize) -> (&str, usize) {
    let mut end = start + 1;
    while end < s.len() && matches!(s[end], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-') {
        end += 1;
    }
    (std::str::from_utf8(&s[start..end]).unwrap_or(""), end)
}

/// The longest input decoded with Kubernetes' flow depth.
const KUBERNETES_MODE_BYTES: usize = 2048;

fuzz_target!(|data: &[u8]| {
    let limits = if data.len() <= KUBERNETES_MODE_BYTES {
        kubeward_yaml::DecodeLimits::default()
    } else {
        kubeward::Limits::default().decode()
    };
    let decoded = kubeward_yaml::decode_with(data, &limits);
    for doc in &decoded.documents {
        let json = kubeward_yaml::to_json_string(&doc.root);
        let _ = kubeward_yaml::to_json_prefix(&doc.root, 80);
        let _ = kubeward_yaml::to_yaml(&doc.root);
        let again = kubeward_yaml::decode(json.as_bytes());
        assert!(
            again.errors.is_empty(),
            "the JSON of a decoded document does not decode: {:?}\n{json}",
            again.errors
        );
        let Some(first) = again.documents.first() else {
            panic!("the JSON of a decoded document decodes to nothing: {json}");
        };
        assert_eq!(again.documents.len(), 1, "{json}");
        let back = kubeward_yaml::to_json_string(&first.root);
        assert!(same_json_text(&back, &json), "{json}\nbecomes\n{back}");
    }
    if let Ok(Some(node)) = kubeward_yaml::decode_document_with(data, &limits) {
        let _ = kubeward_yaml::to_yaml(&node);
    }
});
