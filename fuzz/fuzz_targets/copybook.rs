//! Fuzz target: the copybook parser must return a layout or an error, never panic.
//!
//! The input is a bundle: a copybook, then COPY members each after a line `@@ NAME`
//! (`MemberMap::split_bundle`), so COPY, REPLACING and REPLACE are reached with members
//! from memory.
#![no_main]

use ferrule_parsers::copybook::{parse_all_with, MemberMap, SourceFormat};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (main, members) = MemberMap::split_bundle(&text);
    if let Err(e) = parse_all_with(&main, "fuzz.cpy", SourceFormat::Auto, &members) {
        // Rendering reads the source again by line and column: it must not panic either.
        let _ = e.render(&main, "fuzz.cpy");
        let _ = e.to_string();
    }
});
