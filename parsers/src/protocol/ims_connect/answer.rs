//! IMS Connect answers from HWSSMPL0/HWSSMPL1: `[LLLL] | LLZZ data ... | CSM`, or
//! `[LLLL] | RSM` when the request failed.
//!
//! The complete-status message (CSM) is `LL=12 | flags | protocol level | *CSMOKY*`; the
//! request-status message (RSM) is `LL=20 | flags | RACF/OTMA reason | *REQSTS* |
//! return code (4) | reason code (4)`. HWSSMPL1 puts a 4-byte total length in front;
//! HWSSMPL0 does not, so there the CSM alone says where the answer ends. IDs are read in
//! either encoding: the exit answers in the one the request used.

use super::request::Progress;
use super::segments::{put_segment, read_segment, SegmentRead};
use super::{ImsError, DEFAULT_MAX_MESSAGE_BYTES, MAX_MESSAGE_LEN};
use crate::protocol::text::{hex, HeaderEncoding};

const CSM_ID: &str = "*CSMOKY*";
const RSM_ID: &str = "*REQSTS*";
/// LL of the complete-status message.
pub const CSM_LEN: usize = 12;
/// LL of the request-status message.
pub const RSM_LEN: usize = 20;

/// CSM_FLG1 and CSM_PRLVLFLG of a complete-status message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CompleteStatus {
    /// X'80' async message queued, X'40' conversational, X'20' ACK/NAK required,
    /// X'10' protocol level present.
    pub flags: u8,
    /// IMS Connect protocol level (meaningful when flags has X'10').
    pub protocol_level: u8,
}

/// A request-status message: IMS Connect or the exit refused the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RequestStatus {
    /// RSM_FLG1.
    pub flags: u8,
    /// RSM_RACFRC (after a RACF failure) or RSM_OTMRSN (an OTMA reason).
    pub racf_or_otma: u8,
    /// RSM_RETCOD: 4, 8, 12, 16 (OTMA sense code in the reason), 20, 24, 28, 32 (timer).
    pub return_code: u32,
    /// RSM_RSNCOD.
    pub reason_code: u32,
}

impl std::fmt::Display for RequestStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "IMS Connect request status *REQSTS*: return code {}, reason code {} (RACF/OTMA byte {:02X}, flags {:02X})",
            self.return_code, self.reason_code, self.racf_or_otma, self.flags
        )
    }
}

/// A successful answer: the output segments' data and the closing status.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Answer {
    pub segments: Vec<Vec<u8>>,
    pub status: CompleteStatus,
}

/// How answers are framed and bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnswerFormat {
    /// A 4-byte total length leads the answer (HWSSMPL1 and most user exits).
    pub length_prefix: bool,
    /// Largest answer accepted.
    pub max_bytes: usize,
}

impl Default for AnswerFormat {
    fn default() -> Self {
        AnswerFormat {
            length_prefix: true,
            max_bytes: DEFAULT_MAX_MESSAGE_BYTES,
        }
    }
}

/// Which status structure, if any, a structure's first 8 data bytes name.
fn status_id(data: &[u8], id: &str) -> bool {
    let Some(head) = data.get(..8) else {
        return false;
    };
    [HeaderEncoding::Ebcdic, HeaderEncoding::Ascii]
        .iter()
        .any(|e| e.encode("id", id).ok().as_deref() == Some(head))
}

fn is_csm(ll: usize, data: &[u8]) -> bool {
    ll == CSM_LEN && status_id(data, CSM_ID)
}

fn is_rsm(ll: usize, data: &[u8]) -> bool {
    ll == RSM_LEN && status_id(data, RSM_ID)
}

/// Builds a successful answer (the host side).
pub fn encode_answer<S: AsRef<[u8]>>(
    segments: &[S],
    status: CompleteStatus,
    format: AnswerFormat,
    encoding: HeaderEncoding,
) -> Result<Vec<u8>, ImsError> {
    let mut out = Vec::new();
    if format.length_prefix {
        out.extend_from_slice(&[0; 4]);
    }
    for (i, seg) in segments.iter().enumerate() {
        let data = seg.as_ref();
        // A data segment that reads as a status structure would end the answer early.
        if is_csm(data.len() + 4, data) || is_rsm(data.len() + 4, data) {
            return Err(ImsError::Setting {
                field: "segments",
                reason: format!("segment {i} would read as a *CSMOKY*/*REQSTS* status message"),
            });
        }
        put_segment(i, data, &mut out)?;
    }
    out.extend_from_slice(&(CSM_LEN as u16).to_be_bytes());
    out.push(status.flags);
    out.push(status.protocol_level);
    encoding.put_field("CSM_ID", CSM_ID, 8, &mut out)?;
    finish_length(out, format)
}

/// Builds a request-status answer (the host side refusing a request).
pub fn encode_request_status(
    status: &RequestStatus,
    format: AnswerFormat,
    encoding: HeaderEncoding,
) -> Result<Vec<u8>, ImsError> {
    let mut out = Vec::with_capacity(4 + RSM_LEN);
    if format.length_prefix {
        out.extend_from_slice(&[0; 4]);
    }
    out.extend_from_slice(&(RSM_LEN as u16).to_be_bytes());
    out.push(status.flags);
    out.push(status.racf_or_otma);
    encoding.put_field("RSM_ID", RSM_ID, 8, &mut out)?;
    out.extend_from_slice(&status.return_code.to_be_bytes());
    out.extend_from_slice(&status.reason_code.to_be_bytes());
    finish_length(out, format)
}

fn finish_length(mut out: Vec<u8>, format: AnswerFormat) -> Result<Vec<u8>, ImsError> {
    let max = format.max_bytes.min(MAX_MESSAGE_LEN);
    if out.len() > max {
        return Err(ImsError::MessageTooLong {
            len: out.len(),
            max,
        });
    }
    if format.length_prefix {
        let llll = u32::try_from(out.len()).unwrap_or(u32::MAX).to_be_bytes();
        if let Some(head) = out.get_mut(..4) {
            head.copy_from_slice(&llll);
        }
    }
    Ok(out)
}

/// Reads answers from bytes fed to it (the client side), without rescanning: segments
/// are taken as they complete.
///
/// A request-status message comes out as `Err(ImsError::RequestStatus(..))`, after which
/// the decoder is ready for the next answer (the RSM is consumed); every other error is
/// final. Bytes after an answer stay in [`AnswerDecoder::buffered`].
#[derive(Debug)]
pub struct AnswerDecoder {
    format: AnswerFormat,
    buf: Vec<u8>,
    /// Offset of the next structure.
    at: usize,
    /// End of the current answer, once its LLLL is read.
    end: Option<usize>,
    segments: Vec<Vec<u8>>,
    eof: bool,
    failed: Option<ImsError>,
}

impl AnswerDecoder {
    /// A decoder for answers framed as `format` says.
    pub fn new(format: AnswerFormat) -> Self {
        AnswerDecoder {
            format,
            buf: Vec::new(),
            at: 0,
            end: None,
            segments: Vec::new(),
            eof: false,
            failed: None,
        }
    }

    /// Adds received bytes.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// No more bytes will come.
    pub fn set_eof(&mut self) {
        self.eof = true;
    }

    /// Bytes not yet part of a returned answer (garbage after an answer shows up here).
    pub fn buffered(&self) -> &[u8] {
        &self.buf
    }

    /// Reads the next answer if it has arrived whole.
    pub fn poll(&mut self) -> Result<Progress<Answer>, ImsError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let result = self.step();
        if let Err(e) = &result {
            if !matches!(e, ImsError::RequestStatus(_)) {
                self.failed = Some(e.clone());
            }
        }
        result
    }

    fn step(&mut self) -> Result<Progress<Answer>, ImsError> {
        let max = self.format.max_bytes.min(MAX_MESSAGE_LEN);
        if self.format.length_prefix && self.end.is_none() {
            let Some(head) = self.buf.get(..4) else {
                return self.wait(4 - self.buf.len());
            };
            let mut llll = [0u8; 4];
            llll.copy_from_slice(head);
            let total = usize::try_from(u32::from_be_bytes(llll)).unwrap_or(usize::MAX);
            if total < 4 + CSM_LEN {
                return Err(ImsError::BadLength {
                    field: "LLLL",
                    offset: 0,
                    value: total,
                    reason: "an answer holds at least LLLL and a 12-byte *CSMOKY*",
                });
            }
            if total > max {
                return Err(ImsError::MessageTooLong { len: total, max });
            }
            self.end = Some(total);
            self.at = 4;
        }
        if let Some(end) = self.end {
            if self.buf.len() < end {
                return self.wait(end - self.buf.len());
            }
        }
        loop {
            let at = self.at;
            let window = match self.end {
                Some(end) => self.buf.get(..end).unwrap_or_default(),
                None => &self.buf,
            };
            if let Some(end) = self.end {
                if at >= end {
                    return Err(ImsError::BadLength {
                        field: "LLLL",
                        offset: 0,
                        value: end,
                        reason: "the answer ends before its *CSMOKY* complete-status message",
                    });
                }
            }
            let read = read_segment(window, at, 0)?;
            // Without LLLL only the running total bounds the answer; check it as soon as a
            // segment's LL is known, so the verdict does not depend on how bytes arrive.
            if self.end.is_none() {
                if let (Some(&l0), Some(&l1)) = (window.get(at), window.get(at + 1)) {
                    let next = at + usize::from(u16::from_be_bytes([l0, l1]));
                    if next > max {
                        return Err(ImsError::MessageTooLong { len: next, max });
                    }
                }
            }
            let seg = match read {
                SegmentRead::Segment(s) => s,
                SegmentRead::NeedMore(n) => {
                    if self.end.is_some() {
                        return Err(ImsError::BadLength {
                            field: "segment LL",
                            offset: at,
                            value: window.len() - at,
                            reason: "the segment runs past LLLL",
                        });
                    }
                    return self.wait(n);
                }
            };
            let next = at + seg.ll;
            if is_csm(seg.ll, seg.data) {
                self.check_end(next)?;
                let answer = Answer {
                    segments: std::mem::take(&mut self.segments),
                    status: CompleteStatus {
                        flags: seg.zz[0],
                        protocol_level: seg.zz[1],
                    },
                };
                self.consume(next);
                return Ok(Progress::Done(answer));
            }
            if is_rsm(seg.ll, seg.data) {
                if !self.segments.is_empty() {
                    return Err(ImsError::BadField {
                        field: "RSM",
                        offset: at,
                        found: format!("after {} data segments", self.segments.len()),
                        reason: "a *REQSTS* message is the only structure of its answer",
                    });
                }
                self.check_end(next)?;
                let word = |off: usize| {
                    let mut w = [0u8; 4];
                    if let Some(src) = seg.data.get(off..off + 4) {
                        w.copy_from_slice(src);
                    }
                    u32::from_be_bytes(w)
                };
                let status = RequestStatus {
                    flags: seg.zz[0],
                    racf_or_otma: seg.zz[1],
                    return_code: word(8),
                    reason_code: word(12),
                };
                self.consume(next);
                return Err(ImsError::RequestStatus(status));
            }
            self.segments.push(seg.data.to_vec());
            self.at = next;
        }
    }

    /// With a length prefix the status structure must end the LLLL exactly.
    fn check_end(&self, next: usize) -> Result<(), ImsError> {
        match self.end {
            Some(end) if next != end => Err(ImsError::TrailingBytes {
                offset: next,
                extra: end - next,
                bytes: hex(self.buf.get(next..end).unwrap_or_default()),
            }),
            _ => Ok(()),
        }
    }

    fn consume(&mut self, upto: usize) {
        self.buf.drain(..upto.min(self.buf.len()));
        self.at = 0;
        self.end = None;
        self.segments.clear();
    }

    fn wait(&self, needed: usize) -> Result<Progress<Answer>, ImsError> {
        if self.eof {
            Err(ImsError::Truncated {
                offset: self.buf.len(),
                needed,
            })
        } else {
            Ok(Progress::NeedMore(needed))
        }
    }
}
