//! Fuzz target: the TOML layout-spec parser must never panic, whatever the bytes, and a
//! layout it accepts must keep every field inside the record.
#![no_main]

use ferrule_parsers::spec::{parse, ParseOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match parse(&text, &ParseOptions::default()) {
        Ok(layout) => {
            let max = layout.max_len();
            for (path, field) in layout.walk() {
                assert!(
                    field.offset + field.total_size() <= max,
                    "`{path}` ends past the record"
                );
            }
        }
        // Rendering walks the source by line and column: it must not panic either.
        Err(e) => drop(e.render(&text, "fuzz.layout.toml")),
    }
});
