//! Replays the spec fuzz corpus (`fuzz/corpus/spec/`) through the parser on every test
//! run, so inputs that once crashed it keep being checked without cargo-fuzz. Fails when
//! the folder is missing or empty: a corpus that silently moved would test nothing.

mod common;

use ferrule_parsers::spec::{parse, ParseOptions};

#[test]
fn spec_fuzz_corpus_replays_without_panics() {
    for (name, bytes) in common::corpus("spec") {
        // The same steps as fuzz/fuzz_targets/spec.rs.
        let text = String::from_utf8_lossy(&bytes);
        match parse(&text, &ParseOptions::default()) {
            Ok(layout) => {
                let max = layout.max_len();
                for (field_path, field) in layout.walk() {
                    assert!(
                        field.offset + field.total_size() <= max,
                        "{name}: `{field_path}` ends past the record"
                    );
                }
            }
            Err(e) => drop(e.render(&text, &name)),
        }
    }
}
