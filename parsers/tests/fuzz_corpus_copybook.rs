//! Replays the copybook fuzz corpus: every input must parse or fail cleanly, never panic.
//!
//! Hand-written seeds (`*.cpy`) also state their outcome in their name: `*error*` seeds
//! must be rejected with a located error, the others must parse. Files the fuzzer adds
//! (no extension) only have to not panic. A missing or empty folder fails the test, so
//! the replay cannot silently stop running when the corpus moves. Each input is a bundle
//! (a copybook, then members after `@@ NAME` lines), as the fuzz target reads it.
#![allow(clippy::unwrap_used)]

mod common;

use ferrule_parsers::copybook::{parse_all_with, MemberMap, SourceFormat};

#[test]
fn corpus_replays_without_panics() {
    for (name, bytes) in common::corpus("copybook") {
        let bundle = String::from_utf8_lossy(&bytes);
        let (text, members) = MemberMap::split_bundle(&bundle);
        let result = parse_all_with(&text, &name, SourceFormat::Auto, &members);
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
    }
}
