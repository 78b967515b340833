//! Replays the copybook fuzz corpus: every input must parse or fail cleanly, never panic.
//!
//! Hand-written seeds (`*.cpy`) also state their outcome in their name: `*error*` seeds
//! must be rejected with a located error, the others must parse. Files the fuzzer adds
//! (no extension) only have to not panic. A missing or empty folder fails the test, so
//! the replay cannot silently stop running when the corpus moves.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use ferrule_parsers::copybook::{parse_all, SourceFormat};

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/copybook")
}

#[test]
fn corpus_replays_without_panics() {
    let dir = corpus_dir();
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("fuzz corpus {} is missing: {e}", dir.display()));
    let mut count = 0;
    for entry in entries {
        let path = entry.unwrap().path();
        if !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let result = parse_all(&text, SourceFormat::Auto);
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".cpy") {
            match (&result, name.contains("error")) {
                (Ok(_), true) => panic!("{name}: expected an error"),
                (Err(e), false) => panic!("{name}: {}", e.render(&text, &name)),
                (Err(e), true) => assert!(e.line().is_some(), "{name}: error without a line"),
                (Ok(_), false) => {}
            }
        }
        if let Err(e) = result {
            let _ = e.render(&text, &name);
        }
        count += 1;
    }
    assert!(count > 0, "fuzz corpus {} is empty", dir.display());
}
