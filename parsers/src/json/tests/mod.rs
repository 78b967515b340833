//! Tests of the JSON codec that span several of its modules, one file per subject.

mod blank_numbers;
mod cut;
mod filler;
mod mf_usage;
mod odo;
