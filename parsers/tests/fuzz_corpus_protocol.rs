//! Replays the protocol fuzz corpora (`fuzz/corpus/ims_answer`, `ims_request`, `cics`)
//! through the fuzz targets' properties, so every input the fuzzer kept is checked by
//! `cargo test`.
#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

mod common;

use ferrule_parsers::protocol::fuzz::{check_cics, check_ims_answer, check_ims_request};
use ferrule_parsers::protocol::ims_connect::answer::{encode_answer, encode_request_status};
use ferrule_parsers::protocol::ims_connect::{
    encode_request, AnswerFormat, CompleteStatus, IrmSettings, RequestStatus,
};
use ferrule_parsers::protocol::HeaderEncoding;

fn replay(target: &str, check: fn(&[u8])) {
    for (name, data) in common::corpus(target) {
        let result = std::panic::catch_unwind(|| check(&data));
        assert!(
            result.is_ok(),
            "corpus file {target}/{name} fails its property"
        );
    }
}

#[test]
fn replay_ims_answer_corpus() {
    replay("ims_answer", check_ims_answer);
}

#[test]
fn replay_ims_request_corpus() {
    replay("ims_request", check_ims_request);
}

#[test]
fn replay_cics_corpus() {
    replay("cics", check_cics);
}

/// Seeds: a selector byte (see each `check_*`) then a meaningful message. Run with
/// FERRULE_WRITE_FUZZ_SEEDS=1 to (re)write them.
#[test]
fn write_protocol_seeds() {
    if std::env::var_os("FERRULE_WRITE_FUZZ_SEEDS").is_none() {
        return;
    }
    let with = |sel: u8, body: Vec<u8>| [vec![sel], body].concat();
    let settings = IrmSettings {
        datastore: "IMSA".into(),
        trancode: "IVTNO".into(),
        client_id: "CLIENT01".into(),
        ..IrmSettings::default()
    };
    let ascii = IrmSettings {
        encoding: HeaderEncoding::Ascii,
        ..settings.clone()
    };
    let prefixed = AnswerFormat::default();
    let bare = AnswerFormat {
        length_prefix: false,
        ..prefixed
    };
    let status = CompleteStatus {
        flags: 0x10,
        protocol_level: 2,
    };
    let rsm = RequestStatus {
        return_code: 8,
        reason_code: 40,
        ..RequestStatus::default()
    };
    let answer = |f, e| encode_answer(&[b"AB".as_slice(), b"CDEF"], status, f, e).unwrap();
    let mut garbage = answer(prefixed, HeaderEncoding::Ebcdic);
    garbage.extend([0xDE, 0xAD]);
    let mut two = encode_request_status(&rsm, prefixed, HeaderEncoding::Ebcdic).unwrap();
    two.extend(answer(prefixed, HeaderEncoding::Ebcdic));
    let request = encode_request(&settings, &[b"first".as_slice(), b"second"]).unwrap();
    let mut truncated = request.clone();
    truncated.truncate(60);
    let seeds: Vec<(&str, &str, Vec<u8>)> = vec![
        (
            "ims_answer",
            "sampl1-two-segments",
            with(0x01, answer(prefixed, HeaderEncoding::Ebcdic)),
        ),
        (
            "ims_answer",
            "sample-ascii",
            with(0x06, answer(bare, HeaderEncoding::Ascii)),
        ),
        ("ims_answer", "rsm-then-answer", with(0x03, two)),
        ("ims_answer", "garbage-after", with(0x01, garbage)),
        (
            "ims_answer",
            "rsm-bare",
            with(
                0x00,
                encode_request_status(&rsm, bare, HeaderEncoding::Ascii).unwrap(),
            ),
        ),
        ("ims_request", "ebcdic-two-segments", with(0x07, request)),
        (
            "ims_request",
            "ascii-one-segment",
            with(0x00, encode_request(&ascii, &[b"x"]).unwrap()),
        ),
        ("ims_request", "truncated", with(0x02, truncated)),
        (
            "cics",
            "trm-ascii",
            with(0x01, b"TRN1,userdataishere".to_vec()),
        ),
        (
            "cics",
            "trm-ic-ebcdic",
            with(
                0x00,
                vec![
                    0xE3, 0xD9, 0xD5, 0xF2, 0x6B, 0x6B, 0xC9, 0xC3, 0x6B, 0xF0, 0xF0, 0xF0, 0xF0,
                    0xF0, 0xF3,
                ],
            ),
        ),
        (
            "cics",
            "enhanced-header",
            with(0x03, [vec![2], b"CLIENTDATA".to_vec()].concat()),
        ),
        (
            "cics",
            "listener-error",
            with(
                0x05,
                b"EZY1353E 10/11/05 14:02:56 COMMA MISSING AFTER IC\n".to_vec(),
            ),
        ),
    ];
    for (target, name, data) in seeds {
        let dir = common::corpus_dir(target);
        std::fs::create_dir_all(&dir).unwrap();
        match target {
            "ims_answer" => check_ims_answer(&data),
            "ims_request" => check_ims_request(&data),
            _ => check_cics(&data),
        }
        std::fs::write(dir.join(format!("seed-{name}")), data).unwrap();
    }
}
