//! IMS Connect answers: any bytes read as HWSSMPL0/HWSSMPL1 output must not panic, read the
//! same in chunks as at once, and every answer read must survive encode and read again
//! (see `ferrule_parsers::protocol::fuzz::check_ims_answer`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ferrule_parsers::protocol::fuzz::check_ims_answer(data);
});
