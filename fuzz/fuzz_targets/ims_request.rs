//! IMS Connect requests as the mock host reads them: no panic, chunk-independent, and
//! every request read survives encode and read again
//! (see `ferrule_parsers::protocol::fuzz::check_ims_request`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ferrule_parsers::protocol::fuzz::check_ims_request(data);
});
