//! Fuzz properties for the protocol decoders, shared by the cargo-fuzz targets and the
//! corpus replay tests (`parsers/tests/fuzz_corpus_protocol.rs`).
//!
//! Checked for arbitrary bytes: no panic; reading in small chunks gives the same
//! messages and errors as reading at once; every message read comes back unchanged after
//! encoding and reading it again.

use super::cics_listener::{self, TransactionRequest};
use super::ims_connect::answer::{encode_answer, encode_request_status};
use super::ims_connect::{encode_request, AnswerDecoder, AnswerFormat, ImsError, RequestDecoder};
use super::{HeaderEncoding, Progress};

/// Answers (or errors) in the order a decoder gives them; stops at the first final
/// error or when it waits.
fn answers(
    format: AnswerFormat,
    data: &[u8],
    chunk: usize,
) -> Vec<Result<Progress<super::ims_connect::Answer>, ImsError>> {
    let mut dec = AnswerDecoder::new(format);
    let mut out = Vec::new();
    let chunks: Vec<&[u8]> = data.chunks(chunk.max(1)).collect();
    let last = chunks.len();
    for (i, piece) in chunks.into_iter().enumerate() {
        dec.feed(piece);
        if i + 1 == last {
            dec.set_eof();
        }
        loop {
            match dec.poll() {
                Ok(Progress::NeedMore(_)) => break,
                r @ Ok(Progress::Done(_)) => out.push(r),
                r @ Err(ImsError::RequestStatus(_)) => out.push(r),
                r @ Err(_) => {
                    out.push(r);
                    return out;
                }
            }
        }
    }
    if data.is_empty() {
        dec.set_eof();
        out.push(dec.poll());
    }
    out
}

/// IMS Connect answers. First byte: bit 0 selects the LLLL prefix, bits 1-7 the chunk size.
pub fn check_ims_answer(data: &[u8]) {
    let (sel, rest) = data.split_first().unwrap_or((&0, &[]));
    let format = AnswerFormat {
        length_prefix: sel & 1 == 1,
        max_bytes: 1 << 20,
    };
    let whole = answers(format, rest, rest.len());
    let chunked = answers(format, rest, usize::from(sel >> 1) + 1);
    assert_eq!(whole, chunked, "chunked reading differs");
    for r in &whole {
        match r {
            Ok(Progress::Done(a)) => {
                for enc in [HeaderEncoding::Ebcdic, HeaderEncoding::Ascii] {
                    let bytes = encode_answer(&a.segments, a.status, format, enc)
                        .unwrap_or_else(|e| panic!("re-encoding {a:?}: {e}"));
                    let again = answers(format, &bytes, bytes.len());
                    assert_eq!(again.first(), Some(&Ok(Progress::Done(a.clone()))));
                }
            }
            Err(ImsError::RequestStatus(s)) => {
                let bytes = encode_request_status(s, format, HeaderEncoding::Ascii)
                    .unwrap_or_else(|e| panic!("re-encoding {s:?}: {e}"));
                let again = answers(format, &bytes, bytes.len());
                assert_eq!(again.first(), Some(&Err(ImsError::RequestStatus(*s))));
            }
            _ => {}
        }
    }
}

fn requests(
    data: &[u8],
    chunk: usize,
) -> Vec<Result<Progress<super::ims_connect::Request>, ImsError>> {
    let mut dec = RequestDecoder::new().with_max_bytes(1 << 20);
    let mut out = Vec::new();
    let chunks: Vec<&[u8]> = data.chunks(chunk.max(1)).collect();
    let last = chunks.len();
    for (i, piece) in chunks.into_iter().enumerate() {
        dec.feed(piece);
        if i + 1 == last {
            dec.set_eof();
        }
        loop {
            match dec.poll() {
                Ok(Progress::NeedMore(_)) => break,
                r @ Ok(Progress::Done(_)) => out.push(r),
                r @ Err(_) => {
                    out.push(r);
                    return out;
                }
            }
        }
    }
    out
}

/// IMS Connect requests. First byte: chunk size - 1.
pub fn check_ims_request(data: &[u8]) {
    let (sel, rest) = data.split_first().unwrap_or((&0, &[]));
    let whole = requests(rest, rest.len());
    let chunked = requests(rest, usize::from(*sel) + 1);
    assert_eq!(whole, chunked, "chunked reading differs");
    for r in &whole {
        if let Ok(Progress::Done(req)) = r {
            let bytes = encode_request(&req.settings, &req.segments)
                .unwrap_or_else(|e| panic!("re-encoding {req:?}: {e}"));
            let again = requests(&bytes, bytes.len());
            assert_eq!(again.first(), Some(&Ok(Progress::Done(req.clone()))));
        }
    }
}

/// CICS listener messages. First byte: bit 0 picks ASCII or EBCDIC; bits 1-2 the message
/// (0 TRM, 1 enhanced header with MSGLEN = next byte * 4, 2-3 a reply).
pub fn check_cics(data: &[u8]) {
    let (sel, rest) = data.split_first().unwrap_or((&0, &[]));
    let encoding = if sel & 1 == 1 {
        HeaderEncoding::Ascii
    } else {
        HeaderEncoding::Ebcdic
    };
    let Some(page) = encoding.code_page() else {
        return;
    };
    match (sel >> 1) & 3 {
        0 => {
            if let Ok(trm) = TransactionRequest::decode(rest, page) {
                let bytes = trm
                    .encode(page)
                    .unwrap_or_else(|e| panic!("re-encoding {trm:?}: {e}"));
                assert_eq!(TransactionRequest::decode(&bytes, page), Ok(trm));
            }
        }
        1 => {
            let (len, body) = rest.split_first().unwrap_or((&0, &[]));
            let msglen = usize::from(*len) * 4;
            if let Ok(Progress::Done(text)) = cics_listener::decode_header(body, msglen, page, true)
            {
                let bytes = cics_listener::encode_header(&text, msglen, page)
                    .unwrap_or_else(|e| panic!("re-encoding {text:?}: {e}"));
                assert_eq!(
                    cics_listener::decode_header(&bytes, msglen, page, true),
                    Ok(Progress::Done(text))
                );
            }
        }
        _ => {
            let whole = cics_listener::classify_reply(rest, true);
            // Growing the buffer byte by byte settles on the same answer.
            let mut settled = None;
            for end in 0..=rest.len() {
                let eof = end == rest.len();
                match cics_listener::classify_reply(rest.get(..end).unwrap_or_default(), eof) {
                    cics_listener::Reply::NeedMore(_) => {}
                    r => {
                        settled = Some(r);
                        break;
                    }
                }
            }
            match (settled, whole) {
                (
                    Some(cics_listener::Reply::ListenerError(a)),
                    cics_listener::Reply::ListenerError(b),
                ) => {
                    assert_eq!(a.message_id, b.message_id);
                }
                (Some(cics_listener::Reply::Application), cics_listener::Reply::Application) => {}
                (a, b) => panic!("reading byte by byte gave {a:?}, at once {b:?}"),
            }
        }
    }
}
