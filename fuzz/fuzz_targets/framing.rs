//! Framing: read any stream with the framing its first byte picks, and check that every
//! record survives writing and reading again (see `ferrule_parsers::framing::fuzz_check`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ferrule_parsers::framing::fuzz_check(data);
});
