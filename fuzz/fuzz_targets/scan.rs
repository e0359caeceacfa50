//! A whole scan of arbitrary text (decode, resources, every policy of the default pack, or
//! of every pack for inputs of odd length), rendered in every report format.
#![no_main]

use std::sync::OnceLock;

use kubeward::{EngineOptions, Format, Scanner, ScannerOptions, Source};
use libfuzzer_sys::fuzz_target;

fn scanner(packs: &[&str]) -> Scanner {
    let options = ScannerOptions {
        engine: EngineOptions {
            packs: packs.iter().map(|p| (*p).to_string()).collect(),
            ..EngineOptions::default()
        },
        ..ScannerOptions::default()
    };
    match Scanner::new(options) {
        Ok(s) => s,
        Err(e) => panic!("the built-in policies do not load: {e:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    static DEFAULT: OnceLock<Scanner> = OnceLock::new();
    static ALL: OnceLock<Scanner> = OnceLock::new();
    let scanner = if data.len() % 2 == 0 {
        DEFAULT.get_or_init(|| scanner(&[]))
    } else {
        ALL.get_or_init(|| scanner(&["all"]))
    };
    let scanned = scanner.scan_sources(&[Source {
        name: "fuzz.yaml".to_string(),
        bytes: data.to_vec(),
    }]);
    for format in Format::ALL {
        let _ = scanner.render(&scanned, format);
    }
    let _ = scanned.exit_code();
});
