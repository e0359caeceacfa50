//! The YAML/JSON front end on arbitrary bytes: `decode` and `decode_document` must never
//! panic, and every decoded document must survive a JSON round trip (the JSON kubeward
//! prints decodes back to the same value).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let decoded = kubeward_yaml::decode(data);
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
        assert_eq!(kubeward_yaml::to_json_string(&first.root), json);
    }
    if let Ok(Some(node)) = kubeward_yaml::decode_document(data) {
        let _ = kubeward_yaml::to_yaml(&node);
    }
});
