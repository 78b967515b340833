//! Decode: one record of the copybook and options its first byte picks must decode
//! without panicking, and a clean decode must survive encode and decode unchanged (see
//! `ferrule_parsers::json::fuzz_check`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ferrule_parsers::json::fuzz_check(data);
});
