//! The policy loader: an arbitrary policy file, compiled alone; when it compiles, its
//! examples run (which evaluates the compiled policy).
#![no_main]

use kubeward::{Engine, EngineOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let opts = EngineOptions {
        packs: vec!["none".to_string()],
        policy_files: vec![("fuzz.yaml".to_string(), text.to_string())],
        ..EngineOptions::default()
    };
    if let Ok(engine) = Engine::new(opts) {
        let _ = engine.rules();
        let _ = engine.test_examples();
    }
});
