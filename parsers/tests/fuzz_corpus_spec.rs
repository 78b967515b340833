//! Replays the spec fuzz corpus (`fuzz/corpus/spec/`) through the parser on every test
//! run, so inputs that once crashed it keep being checked without cargo-fuzz. Fails when
//! the folder is missing or empty: a corpus that silently moved would test nothing.

use ferrule_parsers::spec::{parse, ParseOptions};
use std::path::Path;

#[test]
fn spec_fuzz_corpus_replays_without_panics() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/spec");
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("fuzz corpus {} is missing: {e}", dir.display()));
    let mut replayed = 0;
    for entry in entries {
        let path = entry.expect("readable corpus entry").path();
        if !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path).expect("readable corpus file");
        // The same steps as fuzz/fuzz_targets/spec.rs.
        let text = String::from_utf8_lossy(&bytes);
        match parse(&text, &ParseOptions::default()) {
            Ok(layout) => {
                let max = layout.max_len();
                for (field_path, field) in layout.walk() {
                    assert!(
                        field.offset + field.total_size() <= max,
                        "{}: `{field_path}` ends past the record",
                        path.display()
                    );
                }
            }
            Err(e) => drop(e.render(&text, &path.display().to_string())),
        }
        replayed += 1;
    }
    assert!(replayed > 0, "fuzz corpus {} is empty", dir.display());
}
