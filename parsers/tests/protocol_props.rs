//! Property tests for the protocol codecs: decode(encode(x)) == x for IMS Connect
//! requests and answers and CICS listener messages, and arbitrary bytes never panic
//! (through the same properties the fuzz targets check).
#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

use ferrule_parsers::codepage::CodePage;
use ferrule_parsers::protocol::cics_listener::{self, StartType, TransactionRequest};
use ferrule_parsers::protocol::ims_connect::answer::{encode_answer, encode_request_status};
use ferrule_parsers::protocol::ims_connect::{
    encode_request, Answer, AnswerDecoder, AnswerFormat, CommitMode, CompleteStatus, ImsError,
    IrmSettings, MessageType, RequestDecoder, RequestStatus, SocketType, SyncLevel,
};
use ferrule_parsers::protocol::{fuzz, HeaderEncoding, Progress};
use proptest::prelude::*;

fn encoding() -> impl Strategy<Value = HeaderEncoding> {
    prop_oneof![Just(HeaderEncoding::Ebcdic), Just(HeaderEncoding::Ascii)]
}

prop_compose! {
    fn settings()(
        exit_id in prop_oneof![Just("*SAMPL1*"), Just("*SAMPLE*"), Just("*USRX*")],
        datastore in "[A-Z][A-Z0-9]{0,7}",
        trancode in "[A-Z][A-Z0-9#$@]{0,7}",
        client_id in "[A-Z0-9]{0,8}",
        lterm in "[A-Z0-9]{0,8}",
        racf_user in "[A-Z0-9]{0,8}",
        racf_group in "[A-Z0-9]{0,8}",
        racf_password in "[A-Za-z0-9]{0,8}",
        timer in any::<u8>(),
        socket in prop_oneof![Just(SocketType::Transaction), Just(SocketType::Persistent), Just(SocketType::NonPersistent)],
        commit_mode in prop_oneof![Just(CommitMode::Cm0), Just(CommitMode::Cm1)],
        sync_level in prop_oneof![Just(SyncLevel::None), Just(SyncLevel::Confirm), Just(SyncLevel::Syncpt)],
        message_type in prop_oneof![Just(MessageType::SendReceive), Just(MessageType::SendOnly), Just(MessageType::Ack), Just(MessageType::Nak), Just(MessageType::Deallocate)],
        encoding in encoding(),
    ) -> IrmSettings {
        IrmSettings {
            exit_id: exit_id.into(), datastore, trancode, client_id, lterm, racf_user,
            racf_group, racf_password, timer, socket, commit_mode, sync_level, message_type,
            encoding,
        }
    }
}

/// Feeds `bytes` in chunks of `chunk` and returns the first result that is not a wait.
fn poll_request(
    bytes: &[u8],
    chunk: usize,
) -> Result<Progress<ferrule_parsers::protocol::ims_connect::Request>, ImsError> {
    let mut dec = RequestDecoder::new();
    for piece in bytes.chunks(chunk.max(1)) {
        dec.feed(piece);
        match dec.poll() {
            Ok(Progress::NeedMore(_)) => {}
            other => return other,
        }
    }
    dec.set_eof();
    dec.poll()
}

fn poll_answer(
    format: AnswerFormat,
    bytes: &[u8],
    chunk: usize,
) -> Result<Progress<Answer>, ImsError> {
    let mut dec = AnswerDecoder::new(format);
    for piece in bytes.chunks(chunk.max(1)) {
        dec.feed(piece);
        match dec.poll() {
            Ok(Progress::NeedMore(_)) => {}
            other => return other,
        }
    }
    dec.set_eof();
    dec.poll()
}

/// Data that an encoder accepts: not a status structure look-alike.
fn answer_segments() -> impl Strategy<Value = Vec<Vec<u8>>> {
    prop::collection::vec(prop::collection::vec(any::<u8>(), 0..80), 0..5).prop_filter(
        "status look-alike",
        |segs| {
            segs.iter().all(|s| {
                !(s.starts_with(b"*CSMOKY*")
                    || s.starts_with(b"*REQSTS*")
                    || s.starts_with(b"\x5C\xC3\xE2\xD4\xD6\xD2\xE8\x5C")
                    || s.starts_with(b"\x5C\xD9\xC5\xD8\xE2\xE3\xE2\x5C"))
            })
        },
    )
}

proptest! {
    #[test]
    fn ims_request_round_trips(
        s in settings(),
        segs in prop::collection::vec(prop::collection::vec(any::<u8>(), 1..120), 0..5),
        chunk in 1usize..64,
    ) {
        let segs = if s.message_type.carries_data() { segs } else { Vec::new() };
        let bytes = encode_request(&s, &segs).unwrap();
        let got = poll_request(&bytes, chunk).unwrap();
        let Progress::Done(req) = got else { panic!("{got:?}") };
        prop_assert_eq!(req.settings, s);
        prop_assert_eq!(req.segments, segs);
    }

    #[test]
    fn ims_answer_round_trips(
        segs in answer_segments(),
        flags in any::<u8>(),
        level in any::<u8>(),
        prefix in any::<bool>(),
        enc in encoding(),
        chunk in 1usize..64,
    ) {
        let format = AnswerFormat { length_prefix: prefix, ..AnswerFormat::default() };
        let status = CompleteStatus { flags, protocol_level: level };
        let bytes = encode_answer(&segs, status, format, enc).unwrap();
        let got = poll_answer(format, &bytes, chunk).unwrap();
        prop_assert_eq!(got, Progress::Done(Answer { segments: segs, status }));
    }

    #[test]
    fn ims_request_status_round_trips(
        flags in any::<u8>(), racf in any::<u8>(), rc in any::<u32>(), rsn in any::<u32>(),
        prefix in any::<bool>(), enc in encoding(),
    ) {
        let format = AnswerFormat { length_prefix: prefix, ..AnswerFormat::default() };
        let status = RequestStatus { flags, racf_or_otma: racf, return_code: rc, reason_code: rsn };
        let bytes = encode_request_status(&status, format, enc).unwrap();
        prop_assert_eq!(poll_answer(format, &bytes, 3), Err(ImsError::RequestStatus(status)));
    }

    #[test]
    fn cics_trm_round_trips(
        tranid in "[A-Z0-9$@#]{1,4}",
        data in "[a-zA-Z0-9 ]{0,35}",
        start in prop_oneof![
            Just(StartType::Default), Just(StartType::Kc), Just(StartType::Td),
            "[0-9]{6}".prop_map(|delay| StartType::Ic { delay }),
        ],
        ebcdic in any::<bool>(),
    ) {
        let page = CodePage::by_name(if ebcdic { "cp037" } else { "ascii" }).unwrap();
        let trm = TransactionRequest { tranid, client_data: data, start };
        let bytes = trm.encode(page).unwrap();
        prop_assert!(bytes.len() <= 50);
        prop_assert_eq!(TransactionRequest::decode(&bytes, page).unwrap(), trm);
    }

    #[test]
    fn cics_enhanced_header_round_trips(
        data in "[A-Za-z0-9]{0,40}",
        extra in 0usize..60,
        ebcdic in any::<bool>(),
    ) {
        let page = CodePage::by_name(if ebcdic { "cp037" } else { "ascii" }).unwrap();
        let msglen = data.len() + extra;
        let bytes = cics_listener::encode_header(&data, msglen, page).unwrap();
        prop_assert_eq!(bytes.len(), msglen);
        prop_assert_eq!(cics_listener::decode_header(&bytes, msglen, page, true).unwrap(), Progress::Done(data));
    }

    #[test]
    fn arbitrary_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..400)) {
        fuzz::check_ims_answer(&data);
        fuzz::check_ims_request(&data);
        fuzz::check_cics(&data);
    }

    /// Arbitrary bytes behind a valid LLLL and IRM reach the segment parser.
    #[test]
    fn arbitrary_segments_never_panic(
        s in settings(),
        tail in prop::collection::vec(any::<u8>(), 0..200),
        chunk in 0u8..20,
    ) {
        let mut bytes = encode_request::<&[u8]>(&IrmSettings { message_type: MessageType::Ack, ..s }, &[]).unwrap();
        bytes.truncate(84);
        bytes.extend(&tail);
        let len = u32::try_from(bytes.len()).unwrap().to_be_bytes();
        bytes[..4].copy_from_slice(&len);
        let mut input = vec![chunk];
        input.extend(&bytes);
        fuzz::check_ims_request(&input);
    }
}
