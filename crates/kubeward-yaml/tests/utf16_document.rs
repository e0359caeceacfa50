//! A single YAML document in UTF-16 (`decode_document`, as Helm reads values files,
//! `Chart.yaml` and `fromYaml` through `sigs.k8s.io/yaml.Unmarshal`): go-yaml v2 reads it
//! when it starts with a byte order mark. Found by fuzzing (`yaml_decode`): libyaml-safer's
//! own UTF-16 reader trips a debug assertion on an unpaired surrogate and misreads the rest.
//!
//! Expected values: what `sigs.k8s.io/yaml` v1.6.0 `Unmarshal` (go-yaml v2, the versions of
//! `tests/oracle/go.mod`) returns for the same bytes, marshalled to JSON by Go.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// `(input in hex, Go's JSON or "ERROR " and go-yaml's message)`.
const CASES: &[(&str, &str)] = &[
    // "kind: Pod\nspec: {a: 1}\n", little and big endian.
    (
        "fffe6b0069006e0064003a00200050006f0064000a0073007000650063003a0020007b0061003a00200031007d000a00",
        r#"{"kind":"Pod","spec":{"a":1}}"#,
    ),
    (
        "feff006b0069006e0064003a00200050006f0064000a0073007000650063003a0020007b0061003a00200031007d000a",
        r#"{"kind":"Pod","spec":{"a":1}}"#,
    ),
    // A surrogate pair (U+1F600) and a YAML 1.1 boolean (`y`).
    (
        "fffe61003a0020003dd800de0a0062003a0020005b0078002c00200079005d000a00",
        r#"{"a":"😀","b":["x",true]}"#,
    ),
    // The first document only; a second byte order mark is skipped.
    (
        "fffe61003a00200062000a002d002d002d000a0063003a00200064000a00",
        r#"{"a":"b"}"#,
    ),
    ("fffefffe61003a00200031000a00", r#"{"a":1}"#),
    // Broken UTF-16.
    ("fffe61003a00200031000a0000", "ERROR incomplete UTF-16 character"),
    ("fffe61003a00200000dc0a00", "ERROR unexpected low surrogate area"),
    ("fffe00dc", "ERROR unexpected low surrogate area"),
    ("fffe61003a0020003dd862000a00", "ERROR expected low surrogate area"),
    ("fffe61003a0020003dd8", "ERROR incomplete UTF-16 surrogate pair"),
    ("fffe61003a00200001000a00", "ERROR control characters are not allowed"),
    // The input the fuzzer found (cut to where it still failed).
    (
        "fffe6b0000696e006480fe3a00200050006f0064000a0070006d0069f67b0069006c0065006710650064003a00202972740a69567061657273696f6e3a2062617463682f4d4c20312e31756e3b3337323033362e696e66373538303876310a6b696e7466222222222222222222222222222222222222222222dedd",
        "ERROR unexpected low surrogate area",
    ),
];

#[test]
fn utf16_documents_decode_like_go_yaml() {
    for (input, want) in CASES {
        let got = kubeward_yaml::decode_document(&hex(input));
        match want.strip_prefix("ERROR ") {
            Some(message) => {
                let err = got.expect_err(input);
                assert!(
                    err.message.contains(message),
                    "{input}: {} does not say {message}",
                    err.message
                );
            }
            None => {
                let node = got.unwrap().unwrap();
                let json: serde_json::Value =
                    serde_json::from_str(&kubeward_yaml::to_json_string(&node)).unwrap();
                let want: serde_json::Value = serde_json::from_str(want).unwrap();
                assert_eq!(json, want, "{input}");
            }
        }
    }
}

#[test]
fn a_utf16_error_names_its_line() {
    // "a: 1\nb: " then a lone low surrogate: line 2, after `b: `.
    let err = kubeward_yaml::decode_document(&hex("fffe61003a00200031000a0062003a00200000dc"))
        .unwrap_err();
    assert_eq!((err.pos.line, err.pos.column), (2, 4), "{err}");
}

#[test]
fn a_utf16_stream_is_still_rejected_as_kubectl_does() {
    let decoded = kubeward_yaml::decode(&hex("fffe61003a00200062000a00"));
    assert!(decoded.documents.is_empty());
    assert!(decoded.errors[0]
        .message
        .contains("incomplete UTF-16 character"));
}
