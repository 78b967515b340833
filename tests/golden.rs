//! Golden pairs in `samples/`: every `NAME.bin` decodes to `NAME.jsonl` (by decimal value)
//! and every `NAME.jsonl` encodes to `NAME.bin` byte for byte, through the real binary.

mod common;

use common::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Manifest {
    pair: Vec<Pair>,
}

#[derive(Deserialize)]
struct Pair {
    name: String,
    layout: String,
    args: Vec<String>,
}

fn pairs() -> Vec<Pair> {
    let text = std::fs::read_to_string(sample("golden.toml")).expect("samples/golden.toml");
    let m: Manifest = toml::from_str(&text).expect("golden.toml parses");
    assert!(!m.pair.is_empty(), "golden.toml lists no pairs");
    m.pair
}

fn args<'a>(verb: &'a str, p: &'a Pair, layout: &'a str) -> Vec<&'a str> {
    let mut a = vec![verb, "--copybook", layout];
    a.extend(p.args.iter().map(String::as_str));
    a
}

#[test]
fn every_sample_decodes_to_its_json() {
    for p in pairs() {
        let layout = sample(&p.layout);
        let bin = std::fs::read(sample(&format!("{}.bin", p.name))).expect("bin");
        let want = std::fs::read_to_string(sample(&format!("{}.jsonl", p.name))).expect("jsonl");
        let out = ferrule(&args("decode", &p, path_str(&layout)), &bin);
        assert!(
            out.status.success(),
            "{}: decode failed: {}",
            p.name,
            stderr(&out)
        );
        let got = parse_lines(&stdout(&out));
        let want = parse_lines(&want);
        assert_eq!(got.len(), want.len(), "{}: record count", p.name);
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert!(
                same_json(g, w),
                "{} record {}:\n got  {g}\n want {w}",
                p.name,
                i + 1
            );
        }
    }
}

#[test]
fn every_sample_encodes_to_its_bytes() {
    for p in pairs() {
        let layout = sample(&p.layout);
        let bin = std::fs::read(sample(&format!("{}.bin", p.name))).expect("bin");
        let json = std::fs::read(sample(&format!("{}.jsonl", p.name))).expect("jsonl");
        let out = ferrule(&args("encode", &p, path_str(&layout)), &json);
        assert!(
            out.status.success(),
            "{}: encode failed: {}",
            p.name,
            stderr(&out)
        );
        assert!(
            out.stdout == bin,
            "{}: encoded bytes differ from {}.bin",
            p.name,
            p.name
        );
    }
}
