//! Property tests: the decoder never panics, and emitted YAML decodes to the same value.

use kubeward_yaml::{decode, to_json_string, to_yaml, Entry, Mapping, Node, Span, Value};
use proptest::prelude::*;

/// Fragments that exercise YAML's syntax and Kubernetes' quirks when glued at random.
const FRAGMENTS: &[&str] = &[
    "a",
    "kind",
    ":",
    ": ",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\r",
    "- ",
    "-",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&x ",
    "*x",
    "<<",
    "<<: ",
    "!!binary ",
    "!!str ",
    "!!int ",
    "!foo ",
    "\"",
    "'",
    "\\",
    "# c",
    "---",
    "--- ",
    "...",
    "|",
    ">-",
    "\t",
    "\u{2028}",
    "\u{85}",
    "\u{2029}",
    "\u{feff}",
    "0x1F",
    "0777",
    "yes",
    "on",
    "~",
    "null",
    "?",
    ".inf",
    "1e400",
    "Lw==",
    "\"\\/\"",
    "%YAML 1.1",
    "é",
    "{\"k\":1}",
    "items",
    "0.0",
];

fn yamlish() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..40).prop_map(|parts| parts.concat())
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(
            &["a", "yes", "on", "<<", "1", "0x10", "~", "", "-", "#", "k: v", "\u{2028}"][..]
        )
        .prop_map(str::to_string),
        any::<String>(),
    ]
}

fn value_tree() -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        (i64::MAX as u64 + 1..=u64::MAX).prop_map(Value::UInt),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::Float),
        any::<String>().prop_map(Value::String),
        prop::sample::select(
            &[
                "yes",
                "0777",
                "~",
                "1e3",
                "<<",
                "- x",
                "a: b",
                "#",
                "\u{feff}x",
                "0b1",
                ".inf",
                "---"
            ][..]
        )
        .prop_map(|s| Value::String(s.to_string())),
    ]
    .prop_map(Node::detached);
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6)
                .prop_map(|items| Node::detached(Value::Seq(items))),
            prop::collection::vec((key(), inner), 0..6).prop_map(|pairs| {
                let mut map = Mapping::new();
                for (k, v) in pairs {
                    map.insert(Entry::new(k, Span::default(), v));
                }
                Node::detached(Value::Map(map))
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let decoded = decode(&bytes);
        for doc in &decoded.documents {
            let _ = to_json_string(&doc.root);
        }
    }

    #[test]
    fn decoding_yaml_like_text_never_panics_and_round_trips(text in yamlish()) {
        let decoded = decode(text.as_bytes());
        if decoded.errors.is_empty() {
            for doc in &decoded.documents {
                let again = decode(to_yaml(&doc.root).as_bytes());
                prop_assert!(again.errors.is_empty(), "{:?}", again.errors.first());
                prop_assert_eq!(again.documents.len(), usize::from(!doc.root.is_null()));
                prop_assert_eq!(to_json_string(&again.documents[0].root), to_json_string(&doc.root));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn emitted_documents_decode_to_the_same_value(node in value_tree()) {
        let text = to_yaml(&node);
        let decoded = decode(text.as_bytes());
        prop_assert!(decoded.errors.is_empty(), "{text:?}: {:?}", decoded.errors.first());
        if node.is_null() {
            // kubectl skips `null` documents.
            prop_assert!(decoded.documents.is_empty());
        } else {
            prop_assert_eq!(decoded.documents.len(), 1, "{:?}", text);
            prop_assert_eq!(to_json_string(&decoded.documents[0].root), to_json_string(&node), "{:?}", text);
        }
    }
}
