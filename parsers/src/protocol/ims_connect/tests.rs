//! IMS Connect codec tests. Expected buffers are written from IBM's tables (offsets as
//! IBM counts them, from the LLLL field), not from the encoder's output.
#![allow(clippy::unwrap_used)]

use super::answer::{encode_answer, encode_request_status};
use super::*;
use crate::protocol::HeaderEncoding;

/// "00 0E C1 | comment" lines -> bytes; text after `|` is a comment, so tables read like
/// IBM's.
fn hx(s: &str) -> Vec<u8> {
    s.lines()
        .flat_map(|line| line.split('|').next().unwrap_or("").split_whitespace())
        .map(|t| u8::from_str_radix(t, 16).unwrap())
        .collect()
}

fn settings() -> IrmSettings {
    IrmSettings {
        exit_id: "*SAMPL1*".into(),
        datastore: "IMSA".into(),
        trancode: "IVTNO".into(),
        client_id: "CLIENT01".into(),
        lterm: "LTERM1".into(),
        racf_user: "USER1".into(),
        racf_group: "GRP1".into(),
        racf_password: "SECRET".into(),
        timer: 0x19,
        ..IrmSettings::default()
    }
}

/// The request of `settings()` with one segment C1 C2, in EBCDIC (cp037).
fn expected_request() -> Vec<u8> {
    hx("
        00 00 00 66                 | 0  llll: 102 bytes in all
        00 50                       | 4  IRM_LEN X'50' (HWSSMPL0/1 minimum)
        00                          | 6  IRM_ARCH 0
        00                          | 7  IRM_F0
        5C E2 C1 D4 D7 D3 F1 5C     | 8  IRM_ID *SAMPL1*
        00 00                       | 16 IRM_NAK_RSNCDE
        00 00                       | 18 IRM_RES
        00                          | 20 IRM_F5
        19                          | 21 IRM_TIMER X'19' = 0.25 s
        00                          | 22 IRM_SOCT transaction socket
        00                          | 23 IRM_ES
        C3 D3 C9 C5 D5 E3 F0 F1     | 24 IRM_CLIENTID CLIENT01
        00                          | 32 IRM_F1
        20                          | 33 IRM_F2 X'20' commit mode 1
        00                          | 34 IRM_F3 sync level none
        40                          | 35 IRM_F4 X'40' send-receive
        C9 E5 E3 D5 D6 40 40 40     | 36 IRM_TRNCOD IVTNO
        C9 D4 E2 C1 40 40 40 40     | 44 IRM_IMSDESTID IMSA
        D3 E3 C5 D9 D4 F1 40 40     | 52 IRM_LTERM LTERM1
        E4 E2 C5 D9 F1 40 40 40     | 60 IRM_RACF_USERID USER1
        C7 D9 D7 F1 40 40 40 40     | 68 IRM_RACF_GRNAME GRP1
        E2 C5 C3 D9 C5 E3 40 40     | 76 IRM_RACF_PW SECRET
        00 0E 00 00                 | 84 LLZZ: 14 bytes
        C9 E5 E3 D5 D6 40 40 40     | 88 the trancode leads the first segment
        C1 C2                       | 96 data
        00 04 00 00                 | 98 end of message
    ")
}

fn decode_request(bytes: &[u8]) -> Result<Request, ImsError> {
    let mut dec = RequestDecoder::new();
    dec.feed(bytes);
    dec.set_eof();
    match dec.poll()? {
        Progress::Done(r) => {
            dec.finish()?;
            Ok(r)
        }
        Progress::NeedMore(n) => panic!("need {n} more"),
    }
}

fn decode_answer(format: AnswerFormat, bytes: &[u8]) -> Result<Answer, ImsError> {
    let mut dec = AnswerDecoder::new(format);
    dec.feed(bytes);
    dec.set_eof();
    match dec.poll()? {
        Progress::Done(a) => Ok(a),
        Progress::NeedMore(n) => panic!("need {n} more"),
    }
}

#[test]
fn request_bytes_match_ibm_layout() {
    let bytes = encode_request(&settings(), &[b"\xC1\xC2"]).unwrap();
    assert_eq!(bytes, expected_request());
    assert_eq!(bytes.len(), 102);
}

#[test]
fn ascii_request_spells_header_text_in_ascii() {
    let s = IrmSettings {
        encoding: HeaderEncoding::Ascii,
        socket: SocketType::Persistent,
        commit_mode: CommitMode::Cm0,
        sync_level: SyncLevel::Confirm,
        ..settings()
    };
    let bytes = encode_request(&s, &[b"x"]).unwrap();
    // 8: IRM_ID in ASCII, which is how IMS Connect learns the client is ASCII.
    assert_eq!(&bytes[8..16], b"*SAMPL1*");
    assert_eq!(bytes[22], 0x10); // IRM_SOCT persistent
    assert_eq!(bytes[33], 0x40); // IRM_F2 commit mode 0
    assert_eq!(bytes[34], 0x01); // IRM_F3 confirm
    assert_eq!(&bytes[36..44], b"IVTNO   ");
    assert_eq!(&bytes[88..96], b"IVTNO   ");
    assert_eq!(decode_request(&bytes).unwrap().settings, s);
}

#[test]
fn minimal_message_is_x58_bytes() {
    // An ACK: no segments, LLLL + IRM + end of message = X'58', IBM's stated minimum.
    let s = IrmSettings {
        message_type: MessageType::Ack,
        ..settings()
    };
    let bytes = encode_request::<&[u8]>(&s, &[]).unwrap();
    assert_eq!(bytes.len(), 0x58);
    assert_eq!(&bytes[..4], &[0, 0, 0, 0x58]);
    assert_eq!(bytes[35], 0xC1); // IRM_F4 'A' in EBCDIC
    assert_eq!(&bytes[84..], &END_OF_MESSAGE);
    let back = decode_request(&bytes).unwrap();
    assert_eq!(back.settings, s);
    assert!(back.segments.is_empty());
}

#[test]
fn request_round_trips_multi_segment() {
    let segs: Vec<Vec<u8>> = vec![b"first".to_vec(), b"second".to_vec(), vec![0; 300]];
    let bytes = encode_request(&settings(), &segs).unwrap();
    let back = decode_request(&bytes).unwrap();
    assert_eq!(back.settings, settings());
    assert_eq!(back.segments, segs);
}

#[test]
fn request_decoder_waits_then_reads_byte_by_byte() {
    let bytes = expected_request();
    let mut dec = RequestDecoder::new();
    let mut done = None;
    for (i, b) in bytes.iter().enumerate() {
        dec.feed(&[*b]);
        match dec.poll().unwrap() {
            Progress::NeedMore(n) => assert!(n >= 1 && i + 1 < bytes.len()),
            Progress::Done(r) => done = Some(r),
        }
    }
    let r = done.unwrap();
    assert_eq!(r.segments, vec![b"\xC1\xC2".to_vec()]);
    assert!(dec.buffered().is_empty());
}

#[test]
fn two_requests_on_one_persistent_socket() {
    let mut both = expected_request();
    both.extend(expected_request());
    let mut dec = RequestDecoder::new();
    dec.feed(&both);
    assert!(matches!(dec.poll().unwrap(), Progress::Done(_)));
    assert!(matches!(dec.poll().unwrap(), Progress::Done(_)));
    assert_eq!(dec.poll().unwrap(), Progress::NeedMore(4));
}

/// Decoding a request with byte `at` replaced by `value` fails naming `field`.
fn bad_request(at: usize, value: u8, field: &str) {
    let mut bytes = expected_request();
    bytes[at] = value;
    let err = decode_request(&bytes).unwrap_err();
    assert!(err.to_string().contains(field), "{err}");
}

#[test]
fn request_header_errors_name_the_field() {
    bad_request(3, 0x50, "LLLL"); // below X'58'
    bad_request(5, 0x4F, "IRM_LEN"); // 79: shorter than the user portion
    bad_request(6, 0x01, "IRM_ARCH");
    bad_request(7, 0x80, "IRM_F0");
    bad_request(8, 0xC1, "IRM_ID"); // not '*'
    bad_request(15, 0xC1, "IRM_ID"); // does not end with *
    bad_request(16, 0x01, "IRM_NAK_RSNCDE");
    bad_request(18, 0x01, "IRM_RES");
    bad_request(20, 0x01, "IRM_F5");
    bad_request(22, 0x20, "IRM_SOCT");
    bad_request(23, 0x08, "IRM_ES");
    bad_request(32, 0x40, "IRM_F1");
    bad_request(33, 0x10, "IRM_F2");
    bad_request(34, 0x03, "IRM_F3");
    bad_request(35, 0x00, "IRM_F4");
    bad_request(36, 0x81, "trancode"); // lowercase 'a' in EBCDIC
    bad_request(86, 0x01, "segment ZZ");
    bad_request(88, 0xC1, "segment 0 transaction code");
    bad_request(85, 0x03, "segment LL"); // LL below 4
    bad_request(85, 0x40, "segment LL"); // runs past LLLL
}

#[test]
fn undecodable_header_text_names_the_field() {
    let s = IrmSettings {
        encoding: HeaderEncoding::Ascii,
        ..settings()
    };
    let mut bytes = encode_request(&s, &[b"x"]).unwrap();
    bytes[52] = 0x80; // IRM_LTERM: not 7-bit ASCII
    let err = decode_request(&bytes).unwrap_err();
    assert!(
        matches!(&err, ImsError::Field(e) if e.to_string().contains("lterm")),
        "{err}"
    );
}

#[test]
fn debug_output_hides_the_racf_password() {
    let shown = format!("{:?}", settings());
    assert!(!shown.contains("SECRET"), "{shown}");
    assert!(shown.contains("<redacted>"));
    // Nor do errors about it.
    let long = IrmSettings {
        racf_password: "SECRET123".into(),
        ..settings()
    };
    let err = encode_request(&long, &[b"x"]).unwrap_err().to_string();
    assert!(
        err.contains("racf_password") && !err.contains("SECRET"),
        "{err}"
    );
    let mut bytes = encode_request(
        &IrmSettings {
            encoding: HeaderEncoding::Ascii,
            ..settings()
        },
        &[b"x"],
    )
    .unwrap();
    bytes[76] = 0x80; // IRM_RACF_PW
    let err = decode_request(&bytes).unwrap_err().to_string();
    assert!(
        err.contains("racf_password") && !err.contains("53 45"),
        "{err}"
    );
}

#[test]
fn blank_datastore_is_refused() {
    let mut bytes = expected_request();
    bytes[44..52].fill(0x40);
    let err = decode_request(&bytes).unwrap_err();
    assert!(err.to_string().contains("datastore"), "{err}");
}

#[test]
fn request_missing_end_of_message_or_with_garbage_fails() {
    // LLLL one byte longer than the message: truncated at eof.
    let mut bytes = expected_request();
    bytes[3] = 0x67;
    let err = decode_request(&bytes).unwrap_err();
    assert_eq!(
        err,
        ImsError::Truncated {
            offset: 102,
            needed: 1
        }
    );
    // Bytes inside LLLL after the end of message.
    let mut bytes = expected_request();
    bytes[3] = 0x68;
    bytes.extend([0xAA, 0xBB]);
    let err = decode_request(&bytes).unwrap_err();
    assert!(
        matches!(
            err,
            ImsError::TrailingBytes {
                offset: 102,
                extra: 2,
                ..
            }
        ),
        "{err}"
    );
    // Bytes after the message: finish reports them.
    let mut dec = RequestDecoder::new();
    dec.feed(&expected_request());
    dec.feed(&[0xEE]);
    assert!(matches!(dec.poll().unwrap(), Progress::Done(_)));
    assert!(matches!(
        dec.finish(),
        Err(ImsError::TrailingBytes { extra: 1, .. })
    ));
}

#[test]
fn request_over_the_limit_is_refused_before_buffering() {
    let mut dec = RequestDecoder::new().with_max_bytes(1000);
    dec.feed(&[0x7F, 0xFF, 0xFF, 0xFF]);
    assert_eq!(
        dec.poll().unwrap_err(),
        ImsError::MessageTooLong {
            len: 0x7FFF_FFFF,
            max: 1000
        }
    );
}

#[test]
fn ack_with_data_is_refused_both_ways() {
    let s = IrmSettings {
        message_type: MessageType::Ack,
        ..settings()
    };
    assert!(matches!(
        encode_request(&s, &[b"x"]),
        Err(ImsError::Setting {
            field: "segments",
            ..
        })
    ));
    let mut bytes = expected_request();
    bytes[35] = 0xC1; // IRM_F4 = ACK, segment still present
    let err = decode_request(&bytes).unwrap_err();
    assert!(err.to_string().contains("carry no data"), "{err}");
}

#[test]
fn encoder_checks_settings_and_lengths() {
    let with = |f: fn(&mut IrmSettings)| {
        let mut s = settings();
        f(&mut s);
        encode_request(&s, &[b"x"]).unwrap_err()
    };
    assert!(matches!(
        with(|s| s.datastore.clear()),
        ImsError::Setting {
            field: "datastore",
            ..
        }
    ));
    assert!(matches!(
        with(|s| s.trancode = "9ABC".into()),
        ImsError::Setting {
            field: "trancode",
            ..
        }
    ));
    assert!(matches!(
        with(|s| s.trancode = "ABCDEFGHI".into()),
        ImsError::Setting {
            field: "trancode",
            ..
        }
    ));
    assert!(matches!(
        with(|s| s.trancode.clear()),
        ImsError::Setting {
            field: "trancode",
            ..
        }
    ));
    assert!(matches!(
        with(|s| s.exit_id = "SAMPL1".into()),
        ImsError::Setting {
            field: "exit_id",
            ..
        }
    ));
    let e = with(|s| s.lterm = "LTERM1234".into());
    assert!(e.to_string().contains("lterm"), "{e}");
    let e = with(|s| s.racf_user = "€".into());
    assert!(e.to_string().contains("racf_user"), "{e}");
    let e = with(|s| {
        s.encoding = HeaderEncoding::Ascii;
        s.client_id = "é".into();
    });
    assert!(e.to_string().contains("client_id"), "{e}");
    // LL is a signed halfword: 32763 data bytes at most, 32755 after the 8-byte trancode.
    let big = vec![0u8; 32_756];
    let r = encode_request(&settings(), &[&big]);
    assert!(
        matches!(
            r,
            Err(ImsError::SegmentTooLong {
                index: 0,
                len: 32_764,
                max: 32_755
            })
        ),
        "{:?}",
        r.map(|b| b.len())
    );
    assert!(encode_request(&settings(), &[&big[..32_755]]).is_ok());
    // An empty later segment would read as end of message.
    let e = encode_request(&settings(), &[b"a".as_slice(), b""]).unwrap_err();
    assert!(e.to_string().contains("end of message"), "{e}");
}

/// An HWSSMPL1 answer: two segments and a CSM with protocol level 2.
fn expected_answer() -> Vec<u8> {
    hx("
        00 00 00 1E                 | total length (HWSSMPL1 output)
        00 06 00 00 C1 C2           | LLZZ data
        00 08 00 00 C3 C4 C5 C6     | LLZZ data
        00 0C                       | CSM_LEN 12
        10                          | CSM_FLG1 X'10' protocol level available
        02                          | CSM_PRLVLFLG X'02'
        5C C3 E2 D4 D6 D2 E8 5C     | CSM_ID *CSMOKY*
    ")
}

fn answer() -> Answer {
    Answer {
        segments: vec![b"\xC1\xC2".to_vec(), b"\xC3\xC4\xC5\xC6".to_vec()],
        status: CompleteStatus {
            flags: 0x10,
            protocol_level: 2,
        },
    }
}

#[test]
fn answer_bytes_match_ibm_layout() {
    let fmt = AnswerFormat::default();
    let a = answer();
    assert_eq!(
        encode_answer(&a.segments, a.status, fmt, HeaderEncoding::Ebcdic).unwrap(),
        expected_answer()
    );
    assert_eq!(decode_answer(fmt, &expected_answer()).unwrap(), a);
}

#[test]
fn hwssmpl0_answer_has_no_length_prefix() {
    let fmt = AnswerFormat {
        length_prefix: false,
        ..AnswerFormat::default()
    };
    let bytes = &expected_answer()[4..];
    assert_eq!(decode_answer(fmt, bytes).unwrap(), answer());
    let a = answer();
    assert_eq!(
        encode_answer(&a.segments, a.status, fmt, HeaderEncoding::Ebcdic).unwrap(),
        bytes
    );
    let s = IrmSettings {
        exit_id: "*SAMPLE*".into(),
        ..settings()
    };
    assert!(!s.answer_has_length_prefix());
    assert!(settings().answer_has_length_prefix());
}

#[test]
fn ascii_csm_is_recognised() {
    let mut bytes = hx("00 00 00 10 00 0C 00 00");
    bytes.extend(b"*CSMOKY*");
    let a = decode_answer(AnswerFormat::default(), &bytes).unwrap();
    assert!(a.segments.is_empty());
}

#[test]
fn request_status_carries_return_and_reason_codes() {
    let bytes = hx("
        00 00 00 18                 | total length
        00 14                       | RSM_LEN 20
        00                          | RSM_FLG1
        00                          | RSM_RACFRC / RSM_OTMRSN
        5C D9 C5 D8 E2 E3 E2 5C     | RSM_ID *REQSTS*
        00 00 00 08                 | RSM_RETCOD 8
        00 00 00 28                 | RSM_RSNCOD 40
    ");
    let status = RequestStatus {
        return_code: 8,
        reason_code: 40,
        ..RequestStatus::default()
    };
    let err = decode_answer(AnswerFormat::default(), &bytes).unwrap_err();
    assert_eq!(err, ImsError::RequestStatus(status));
    assert!(err.to_string().contains("return code 8, reason code 40"));
    assert_eq!(
        encode_request_status(&status, AnswerFormat::default(), HeaderEncoding::Ebcdic).unwrap(),
        bytes
    );
}

#[test]
fn decoder_reads_the_next_answer_after_a_request_status() {
    let status = RequestStatus {
        flags: 0,
        racf_or_otma: 0x08,
        return_code: 16,
        reason_code: 0x1A,
    };
    let fmt = AnswerFormat::default();
    let mut bytes = encode_request_status(&status, fmt, HeaderEncoding::Ascii).unwrap();
    bytes.extend(expected_answer());
    let mut dec = AnswerDecoder::new(fmt);
    dec.feed(&bytes);
    assert_eq!(dec.poll(), Err(ImsError::RequestStatus(status)));
    assert_eq!(dec.poll(), Ok(Progress::Done(answer())));
    assert!(dec.buffered().is_empty());
}

#[test]
fn answer_byte_by_byte_equals_at_once() {
    for fmt in [
        AnswerFormat::default(),
        AnswerFormat {
            length_prefix: false,
            ..AnswerFormat::default()
        },
    ] {
        let bytes = if fmt.length_prefix {
            expected_answer()
        } else {
            expected_answer()[4..].to_vec()
        };
        let mut dec = AnswerDecoder::new(fmt);
        let mut got = None;
        for b in &bytes {
            dec.feed(&[*b]);
            if let Progress::Done(a) = dec.poll().unwrap() {
                got = Some(a);
            }
        }
        assert_eq!(got, Some(answer()));
    }
}

#[test]
fn answer_errors() {
    let fmt = AnswerFormat::default();
    let no_prefix = AnswerFormat {
        length_prefix: false,
        ..fmt
    };
    let err = |fmt, bytes: &[u8]| decode_answer(fmt, bytes).unwrap_err();
    // Truncated: the peer closed half way through a segment.
    let bytes = expected_answer();
    assert!(matches!(err(fmt, &bytes[..10]), ImsError::Truncated { .. }));
    assert!(matches!(
        err(no_prefix, &bytes[4..10]),
        ImsError::Truncated { offset: 6, .. }
    ));
    // An LLLL too small to hold a CSM, and one over the limit.
    assert!(matches!(
        err(fmt, &hx("00 00 00 08 00 04 00 00")),
        ImsError::BadLength { field: "LLLL", .. }
    ));
    let small = AnswerFormat {
        max_bytes: 16,
        ..fmt
    };
    assert!(matches!(
        err(small, &bytes),
        ImsError::MessageTooLong { len: 30, max: 16 }
    ));
    // Garbage after the CSM inside LLLL.
    let mut g = bytes.clone();
    g[3] = 0x20;
    g.extend([0xAB, 0xCD]);
    assert!(matches!(
        err(fmt, &g),
        ImsError::TrailingBytes {
            offset: 30,
            extra: 2,
            ..
        }
    ));
    // LLLL ends before any CSM.
    let mut cut = bytes[..18].to_vec();
    cut[3] = 18;
    let e = err(fmt, &cut);
    assert!(e.to_string().contains("*CSMOKY*"), "{e}");
    // A segment running past LLLL.
    let mut past = bytes.clone();
    past[11] = 0x40;
    assert!(matches!(
        err(fmt, &past),
        ImsError::BadLength {
            field: "segment LL",
            offset: 10,
            ..
        }
    ));
    // LL below 4.
    assert!(matches!(
        err(no_prefix, &hx("00 02 00 00")),
        ImsError::BadLength {
            field: "segment LL",
            ..
        }
    ));
    // An RSM after data segments.
    let mut mixed = hx("00 06 00 00 C1 C2");
    mixed.extend(
        encode_request_status(&RequestStatus::default(), no_prefix, HeaderEncoding::Ebcdic)
            .unwrap(),
    );
    let e = err(no_prefix, &mixed);
    assert!(e.to_string().contains("only structure"), "{e}");
    // After a framing error the decoder stays failed.
    let mut dec = AnswerDecoder::new(no_prefix);
    dec.feed(&hx("00 02"));
    assert!(dec.poll().is_err());
    dec.feed(&expected_answer()[4..]);
    assert!(dec.poll().is_err());
    // Without a prefix an endless stream of segments hits the limit.
    let tiny = AnswerFormat {
        max_bytes: 8,
        ..no_prefix
    };
    let mut dec = AnswerDecoder::new(tiny);
    dec.feed(&hx("00 06 00 00 C1 C2 00 06"));
    assert_eq!(
        dec.poll(),
        Err(ImsError::MessageTooLong { len: 12, max: 8 })
    );
    // The same verdict when the over-long segment is there whole.
    let mut dec = AnswerDecoder::new(tiny);
    dec.feed(&hx("00 06 00 00 C1 C2 00 06 00 00 C3 C4"));
    assert_eq!(
        dec.poll(),
        Err(ImsError::MessageTooLong { len: 12, max: 8 })
    );
}

#[test]
fn garbage_after_an_answer_stays_buffered() {
    let mut bytes = expected_answer();
    bytes.extend([0x01, 0x02]);
    let mut dec = AnswerDecoder::new(AnswerFormat::default());
    dec.feed(&bytes);
    assert_eq!(dec.poll(), Ok(Progress::Done(answer())));
    assert_eq!(dec.buffered(), &[0x01, 0x02]);
}

#[test]
fn answer_encoder_refuses_segments_that_read_as_status() {
    let csm_like = b"*CSMOKY*".to_vec();
    let e = encode_answer(
        &[csm_like],
        CompleteStatus::default(),
        AnswerFormat::default(),
        HeaderEncoding::Ascii,
    )
    .unwrap_err();
    assert!(matches!(
        e,
        ImsError::Setting {
            field: "segments",
            ..
        }
    ));
    let too_big = AnswerFormat {
        max_bytes: 10,
        ..AnswerFormat::default()
    };
    assert!(matches!(
        encode_answer(
            &[b"abc"],
            CompleteStatus::default(),
            too_big,
            HeaderEncoding::Ascii
        ),
        Err(ImsError::MessageTooLong { .. })
    ));
}
