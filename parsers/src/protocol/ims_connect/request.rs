//! IMS Connect requests: `LLLL | IRM | LLZZ trancode+data | LLZZ data ... | 0004 0000`.
//!
//! [`encode_request`] is the client side; [`RequestDecoder`] is the host side (the mock),
//! which reads one whole message and checks every header field the way IMS Connect and
//! HWSSMPL1 would.

use super::irm::{IrmSettings, IRM_LEN};
use super::segments::{put_segment, put_segment_parts, read_segment, SegmentRead};
use super::{ImsError, DEFAULT_MAX_MESSAGE_BYTES, END_OF_MESSAGE, MAX_MESSAGE_LEN};
use crate::protocol::text::hex;
pub use crate::protocol::Progress;

/// A decoded request: the IRM's values and the data segments, the transaction code
/// taken off the front of the first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub settings: IrmSettings,
    pub segments: Vec<Vec<u8>>,
}

/// Builds a whole request message. The first segment carries the transaction code
/// (8 bytes, blank-padded) in front of `segments[0]`; with no segments it carries only
/// the code. ACK, NAK and DEALLOCATE messages take no segments.
pub fn encode_request<S: AsRef<[u8]>>(
    settings: &IrmSettings,
    segments: &[S],
) -> Result<Vec<u8>, ImsError> {
    let mut out = Vec::with_capacity(
        4 + IRM_LEN + 12 + segments.iter().map(|s| s.as_ref().len() + 4).sum::<usize>() + 4,
    );
    out.extend_from_slice(&[0; 4]); // LLLL, filled in below
    settings.encode_into(&mut out)?;
    if settings.message_type.carries_data() {
        let mut trancode = Vec::with_capacity(8);
        settings
            .encoding
            .put_field("trancode", &settings.trancode, 8, &mut trancode)?;
        let first = segments.first().map(AsRef::as_ref).unwrap_or_default();
        put_segment_parts(0, &trancode, first, &mut out)?;
        for (i, seg) in segments.iter().enumerate().skip(1) {
            let data = seg.as_ref();
            if data.is_empty() {
                return Err(ImsError::Setting {
                    field: "segments",
                    reason: format!(
                        "segment {i} is empty; an empty segment reads as end of message"
                    ),
                });
            }
            put_segment(i, data, &mut out)?;
        }
    } else if !segments.is_empty() {
        return Err(ImsError::Setting {
            field: "segments",
            reason: format!("a {:?} message carries no data", settings.message_type),
        });
    }
    out.extend_from_slice(&END_OF_MESSAGE);
    if out.len() > MAX_MESSAGE_LEN {
        return Err(ImsError::MessageTooLong {
            len: out.len(),
            max: MAX_MESSAGE_LEN,
        });
    }
    let llll = u32::try_from(out.len()).unwrap_or(u32::MAX).to_be_bytes();
    if let Some(head) = out.get_mut(..4) {
        head.copy_from_slice(&llll);
    }
    Ok(out)
}

/// Smallest request: LLLL + an 80-byte IRM + end of message (IBM: "The minimum length
/// for all messages is X'58'").
pub const MIN_REQUEST_LEN: usize = 4 + IRM_LEN + 4;

/// Reads request messages from bytes fed to it (the host side). One message per
/// [`RequestDecoder::poll`] that returns [`Progress::Done`]; bytes after it stay
/// buffered for the next (a persistent socket) or for [`RequestDecoder::finish`].
#[derive(Debug)]
pub struct RequestDecoder {
    buf: Vec<u8>,
    eof: bool,
    max_bytes: usize,
}

impl Default for RequestDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl RequestDecoder {
    /// A decoder refusing messages over [`DEFAULT_MAX_MESSAGE_BYTES`].
    pub fn new() -> Self {
        RequestDecoder {
            buf: Vec::new(),
            eof: false,
            max_bytes: DEFAULT_MAX_MESSAGE_BYTES,
        }
    }

    /// Sets the largest LLLL accepted (capped at IBM's X'7FFFFFFF').
    pub fn with_max_bytes(mut self, max: usize) -> Self {
        self.max_bytes = max.min(MAX_MESSAGE_LEN);
        self
    }

    /// Adds received bytes.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// No more bytes will come: a partial message is now an error, not a wait.
    pub fn set_eof(&mut self) {
        self.eof = true;
    }

    /// Bytes received and not yet part of a returned message.
    pub fn buffered(&self) -> &[u8] {
        &self.buf
    }

    /// Reads the next message if it has arrived whole.
    pub fn poll(&mut self) -> Result<Progress<Request>, ImsError> {
        let Some(head) = self.buf.get(..4) else {
            return self.wait(4 - self.buf.len(), self.buf.len());
        };
        let mut llll = [0u8; 4];
        llll.copy_from_slice(head);
        let total = usize::try_from(u32::from_be_bytes(llll)).unwrap_or(usize::MAX);
        if total < MIN_REQUEST_LEN {
            return Err(ImsError::BadLength {
                field: "LLLL",
                offset: 0,
                value: total,
                reason:
                    "a request is at least 88 bytes (X'58'): LLLL, an 80-byte IRM, end of message",
            });
        }
        if total > self.max_bytes {
            return Err(ImsError::MessageTooLong {
                len: total,
                max: self.max_bytes,
            });
        }
        let Some(msg) = self.buf.get(..total) else {
            return self.wait(total - self.buf.len(), self.buf.len());
        };
        let request = decode_message(msg)?;
        self.buf.drain(..total);
        Ok(Progress::Done(request))
    }

    /// Ends the stream: an error when bytes are left over (a partial message, or garbage
    /// after the last one).
    pub fn finish(&self) -> Result<(), ImsError> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(ImsError::TrailingBytes {
                offset: 0,
                extra: self.buf.len(),
                bytes: hex(&self.buf),
            })
        }
    }

    fn wait(&self, needed: usize, offset: usize) -> Result<Progress<Request>, ImsError> {
        if self.eof {
            Err(ImsError::Truncated { offset, needed })
        } else {
            Ok(Progress::NeedMore(needed))
        }
    }
}

/// Reads one whole message (`msg` is exactly LLLL bytes long).
fn decode_message(msg: &[u8]) -> Result<Request, ImsError> {
    let total = msg.len();
    let irm_len = usize::from(u16::from_be_bytes([
        msg.get(4).copied().unwrap_or(0),
        msg.get(5).copied().unwrap_or(0),
    ]));
    if irm_len < IRM_LEN || 4 + irm_len + 4 > total {
        return Err(ImsError::BadLength {
            field: "IRM_LEN",
            offset: 4,
            value: irm_len,
            reason: "must be at least 80 (X'50') and leave room for end of message within LLLL",
        });
    }
    let irm = msg.get(4..4 + irm_len).unwrap_or_default();
    let settings = IrmSettings::decode(irm, 4)?;
    let mut segments: Vec<Vec<u8>> = Vec::new();
    let mut at = 4 + irm_len;
    loop {
        let seg = match read_segment(msg, at, 0)? {
            SegmentRead::Segment(s) => s,
            SegmentRead::NeedMore(_) => {
                return Err(ImsError::BadLength {
                    field: "segment LL",
                    offset: at,
                    value: total - at,
                    reason: "the segments run past LLLL before the end of message X'00040000'",
                })
            }
        };
        if seg.zz != [0, 0] {
            return Err(ImsError::BadField {
                field: "segment ZZ",
                offset: at + 2,
                found: hex(&seg.zz),
                reason: "must be 00 00",
            });
        }
        if seg.ll == 4 {
            // X'00040000': the end of message must end the message.
            at += 4;
            if at != total {
                return Err(ImsError::TrailingBytes {
                    offset: at,
                    extra: total - at,
                    bytes: hex(msg.get(at..).unwrap_or_default()),
                });
            }
            break;
        }
        segments.push(seg.data.to_vec());
        at += seg.ll;
    }
    if settings.message_type.carries_data() {
        let mut expected = Vec::with_capacity(8);
        settings
            .encoding
            .put_field("trancode", &settings.trancode, 8, &mut expected)?;
        let first_at = 4 + irm_len + 4;
        let Some(first) = segments.first_mut() else {
            return Err(ImsError::BadField {
                field: "segments",
                offset: first_at - 4,
                found: "end of message".into(),
                reason: "a send-receive message needs a segment carrying the transaction code",
            });
        };
        if first.get(..8) != Some(expected.as_slice()) {
            return Err(ImsError::BadField {
                field: "segment 0 transaction code",
                offset: first_at,
                found: hex(first.get(..8).unwrap_or(first)),
                reason: "must repeat IRM_TRNCOD, blank-padded to 8 bytes",
            });
        }
        first.drain(..8);
        if first.is_empty() && segments.len() == 1 {
            segments.clear();
        }
    } else if !segments.is_empty() {
        return Err(ImsError::BadField {
            field: "segments",
            offset: 4 + irm_len,
            found: format!("{} segments", segments.len()),
            reason: "ACK, NAK and DEALLOCATE messages carry no data",
        });
    }
    Ok(Request { settings, segments })
}
