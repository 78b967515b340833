//! Tests of the JSON codec that span several of its modules, one file per subject.

mod blank_numbers;
mod cut;
mod filler;
mod hidden_text;
mod mf_usage;
mod odo;
mod unknown_keys;
mod zoned_digits;
