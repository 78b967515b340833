//! CICS listener codec tests. Expected bytes come from IBM's examples ("Examples of
//! client input and the listener processing", message EZY1353E), written out by hand.
#![allow(clippy::unwrap_used)]

use super::*;
use crate::codepage::CodePage;
use crate::protocol::{HeaderEncoding, Progress};

fn ascii() -> CodePage {
    CodePage::by_name("ascii").unwrap()
}
fn ebcdic() -> CodePage {
    CodePage::by_name("cp037").unwrap()
}

fn trm(tranid: &str, data: &str, start: StartType) -> TransactionRequest {
    TransactionRequest {
        tranid: tranid.into(),
        client_data: data.into(),
        start,
    }
}

#[test]
fn ibm_examples_encode_byte_for_byte() {
    let cases = [
        (
            trm("TRN1", "userdataishere", StartType::Default),
            "TRN1,userdataishere",
        ),
        (
            trm(
                "TRN2",
                "",
                StartType::Ic {
                    delay: "000003".into(),
                },
            ),
            "TRN2,,IC,000003",
        ),
        (
            trm("TRN3", "userdataishere", StartType::Td),
            "TRN3,userdataishere,TD",
        ),
        (trm("TRN3", "", StartType::Td), "TRN3,,TD"),
        (trm("TRN4", "", StartType::Default), "TRN4"),
    ];
    for (t, text) in cases {
        assert_eq!(t.encode(ascii()).unwrap(), text.as_bytes(), "{text}");
        assert_eq!(
            TransactionRequest::decode(text.as_bytes(), ascii()).unwrap(),
            t
        );
    }
}

#[test]
fn ebcdic_trm_uses_ebcdic_comma() {
    // T=E3 R=D9 N=D5 1=F1 ,=6B a=81 b=82
    let bytes = trm("TRN1", "ab", StartType::Kc).encode(ebcdic()).unwrap();
    assert_eq!(
        bytes,
        [0xE3, 0xD9, 0xD5, 0xF1, 0x6B, 0x81, 0x82, 0x6B, 0xD2, 0xC3]
    );
    assert_eq!(
        TransactionRequest::decode(&bytes, ebcdic()).unwrap(),
        trm("TRN1", "ab", StartType::Kc)
    );
}

#[test]
fn decode_accepts_lowercase_start_and_trailing_comma() {
    let t = TransactionRequest::decode(b"TRN1,data,kc,", ascii()).unwrap();
    assert_eq!(t, trm("TRN1", "data", StartType::Kc));
}

#[test]
fn trm_limits() {
    let e = trm("TOOLONG", "", StartType::Default)
        .encode(ascii())
        .unwrap_err();
    assert!(matches!(e, CicsError::Tranid { .. }), "{e}");
    let e = trm("", "x", StartType::Default)
        .encode(ascii())
        .unwrap_err();
    assert!(matches!(e, CicsError::Tranid { .. }), "{e}");
    let e = trm("A B", "", StartType::Default)
        .encode(ascii())
        .unwrap_err();
    assert!(matches!(e, CicsError::Tranid { .. }), "{e}");
    let d35 = "x".repeat(35);
    assert_eq!(
        trm("T", &d35, StartType::Default)
            .encode(ascii())
            .unwrap()
            .len(),
        37
    );
    let e = trm("T", &"x".repeat(36), StartType::Default)
        .encode(ascii())
        .unwrap_err();
    assert_eq!(e, CicsError::ClientDataTooLong { len: 36, max: 35 });
    let e = trm("T", "a,b", StartType::Default)
        .encode(ascii())
        .unwrap_err();
    assert_eq!(e, CicsError::ClientDataComma { offset: 1 });
    let e = trm("T", "", StartType::Ic { delay: "3".into() })
        .encode(ascii())
        .unwrap_err();
    assert!(matches!(e, CicsError::Delay { .. }));
    let e = trm("T", "é", StartType::Default)
        .encode(ascii())
        .unwrap_err();
    assert!(
        matches!(
            e,
            CicsError::Text {
                field: "client_data",
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn trm_decode_errors() {
    let bad = |s: &[u8]| TransactionRequest::decode(s, ascii()).unwrap_err();
    // EZY1353E's example: no comma between IC and the time.
    assert!(matches!(
        bad(b"SCCS,DATA,IC000010"),
        CicsError::Malformed { .. }
    ));
    assert!(matches!(bad(b"SCCS,DATA,IC"), CicsError::Malformed { .. }));
    assert!(matches!(bad(b"SCCS,DATA,XX"), CicsError::Malformed { .. }));
    assert!(matches!(
        bad(b"SCCS,DATA,TD,extra"),
        CicsError::Malformed { .. }
    ));
    assert!(matches!(
        bad(b"SCCS,DATA,IC,000010,"),
        CicsError::Malformed { .. }
    ));
    assert!(matches!(bad(b"SCCS,,IC,12345x"), CicsError::Delay { .. }));
    assert!(matches!(bad(b",DATA"), CicsError::Tranid { .. }));
    assert!(matches!(bad(&[0x80]), CicsError::Text { .. }));
    let long = [b"T,".as_slice(), &[b'x'; 36]].concat();
    assert!(matches!(bad(&long), CicsError::ClientDataTooLong { .. }));
    assert!(matches!(bad(&[b'x'; 51]), CicsError::Malformed { .. }));
}

#[test]
fn enhanced_header_is_blank_padded_to_msglen() {
    // A=C1 B=C2 C=C3, blanks X'40' to MSGLEN 8.
    let h = encode_header("ABC", 8, ebcdic()).unwrap();
    assert_eq!(h, [0xC1, 0xC2, 0xC3, 0x40, 0x40, 0x40, 0x40, 0x40]);
    assert_eq!(encode_header("ABC", 5, ascii()).unwrap(), b"ABC  ");
    assert_eq!(encode_header("", 0, ascii()).unwrap(), b"");
    let mut stream = h.clone();
    stream.extend(b"record");
    assert_eq!(
        decode_header(&stream, 8, ebcdic(), false).unwrap(),
        Progress::Done("ABC".to_owned())
    );
    assert_eq!(
        decode_header(&h[..3], 8, ebcdic(), false).unwrap(),
        Progress::NeedMore(5)
    );
}

#[test]
fn enhanced_header_errors() {
    assert_eq!(
        encode_header("x", 1000, ascii()).unwrap_err(),
        CicsError::MsgLen {
            value: 1000,
            max: 999
        }
    );
    assert_eq!(
        encode_header("abcdef", 5, ascii()).unwrap_err(),
        CicsError::ClientDataTooLong { len: 6, max: 5 }
    );
    assert!(matches!(
        decode_header(b"ab", 1000, ascii(), false),
        Err(CicsError::MsgLen { .. })
    ));
    assert_eq!(
        decode_header(b"ab", 4, ascii(), true).unwrap_err(),
        CicsError::Truncated {
            offset: 2,
            needed: 2
        }
    );
    assert!(matches!(
        decode_header(&[0xFF], 1, ascii(), true),
        Err(CicsError::Text { .. })
    ));
}

#[test]
fn listener_refusal_is_recognised_in_both_encodings() {
    let text = "EZY1353E 10/11/05 14:02:56 COMMA MISSING AFTER IC TRANSACTION ID= SCCS";
    for enc in [HeaderEncoding::Ascii, HeaderEncoding::Ebcdic] {
        let mut bytes = encode_listener_error(text, enc).unwrap();
        bytes.push(if enc == HeaderEncoding::Ascii {
            b'\n'
        } else {
            0x15
        });
        bytes.extend(b"junk");
        match classify_reply(&bytes, false) {
            Reply::ListenerError(e) => {
                assert_eq!(e.message_id, "EZY1353E");
                assert_eq!(e.text, text);
                assert_eq!(e.encoding, enc);
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn short_or_other_replies() {
    assert_eq!(classify_reply(b"", false), Reply::NeedMore(8));
    assert_eq!(classify_reply(b"EZY1", false), Reply::NeedMore(4));
    assert_eq!(classify_reply(b"EZY1", true), Reply::Application);
    assert_eq!(classify_reply(b"EZX1234E", false), Reply::Application);
    assert_eq!(classify_reply(b"EZY12a4E", false), Reply::Application);
    assert_eq!(classify_reply(&[0xC1, 0xC2], false), Reply::Application);
    // EBCDIC "EZ" waits for more.
    assert_eq!(classify_reply(&[0xC5, 0xE9], false), Reply::NeedMore(6));
    assert!(encode_listener_error("É", HeaderEncoding::Ascii).is_err());
}
