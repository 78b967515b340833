//! Fuzz target: the copybook parser must return a layout or an error, never panic.
#![no_main]

use ferrule_parsers::copybook::{parse_all, SourceFormat};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = parse_all(&text, SourceFormat::Auto) {
        // Rendering reads the source again by line and column: it must not panic either.
        let _ = e.render(&text, "fuzz.cpy");
    }
});
