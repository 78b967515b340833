//! CICS socket listener messages: transaction request messages, enhanced-listener headers
//! and listener replies (see `ferrule_parsers::protocol::fuzz::check_cics`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ferrule_parsers::protocol::fuzz::check_cics(data);
});
