//! `protocol = "ims-connect"` / `"cics-listener"` on a `[[host]]`: the host speaks the
//! transaction manager's envelope around its records, checking every header field with
//! the protocol decoders of `ferrule_parsers::protocol`, and refuses a wrong one the way
//! the product does: IMS Connect with a `*REQSTS*` request-status message, a CICS
//! listener with an `EZYnnnnE` message and a close.
//!
//! Return, reason and message codes the simulator sends (docs/mainframe-protocols.md):
//! IMS Connect, malformed header: 8/40; datastore not the host's: 8/24; transaction code
//! not the host's: 16/26 (chosen by the simulator, not taken from IBM's tables). CICS:
//! a malformed TRM gets `EZY1353E` (IBM's example of a refusal); an unknown tranid or a
//! short enhanced header `EZY1281E` (the simulator's choice).

use std::sync::Arc;

use ferrule_parsers::protocol::cics_listener::{
    decode_header, encode_listener_error, TransactionRequest,
};
use ferrule_parsers::protocol::ims_connect::{
    encode_answer, encode_request_status, AnswerFormat, CompleteStatus, Request, RequestDecoder,
    RequestStatus, SocketType,
};
use ferrule_parsers::protocol::{HeaderEncoding, Progress};
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use super::answer::answer;
use super::frame::{self, read_frame};
use super::host::Host;
use super::stats::Counters;
use crate::config::table::Problems;
use crate::connector::protocol::{default_encoding, encoding};

/// `[host.ims]`: what the simulated IMS Connect accepts.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MockImsConfig {
    /// The only IRM_IMSDESTID accepted.
    pub datastore: String,
    /// The only transaction code accepted.
    pub trancode: String,
    /// Largest data segment in answers (default and most 32,763): smaller values make
    /// multi-segment output.
    pub segment_bytes: Option<usize>,
}

/// `[host.cics]`: what the simulated listener accepts.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MockCicsConfig {
    /// `standard` (default) or `enhanced`.
    #[serde(default = "standard")]
    pub mode: String,
    /// standard: the only tranid started.
    pub tranid: Option<String>,
    /// enhanced: the header length (default 35).
    pub msglen: Option<usize>,
    /// `ebcdic` (default) or `ascii`: the TRM's and messages' text.
    #[serde(default = "default_encoding")]
    pub encoding: String,
}

fn standard() -> String {
    "standard".into()
}

/// A host's protocol, checked.
#[derive(Debug, Clone)]
pub enum HostProtocol {
    Ims {
        datastore: String,
        trancode: String,
        segment_bytes: usize,
    },
    Cics {
        /// standard: the tranid; enhanced: None.
        tranid: Option<String>,
        msglen: usize,
        encoding: HeaderEncoding,
    },
}

const MAX_SEGMENT: usize = ferrule_parsers::protocol::ims_connect::segments::MAX_SEGMENT_DATA;

/// Checks `protocol` and its table; problems at their keys.
pub fn validate(
    protocol: Option<&str>,
    ims: Option<&MockImsConfig>,
    cics: Option<&MockCicsConfig>,
    ps: &mut Problems,
) -> Option<HostProtocol> {
    match (protocol, ims, cics) {
        (None, None, None) => None,
        (Some("ims-connect"), Some(c), None) => {
            let segment_bytes = c.segment_bytes.unwrap_or(MAX_SEGMENT);
            if !(1..=MAX_SEGMENT).contains(&segment_bytes) {
                ps.push((
                    "ims.segment_bytes".into(),
                    format!("{segment_bytes}: expected 1 to {MAX_SEGMENT}"),
                ));
            }
            Some(HostProtocol::Ims {
                datastore: c.datastore.clone(),
                trancode: c.trancode.clone(),
                segment_bytes,
            })
        }
        (Some("cics-listener"), None, Some(c)) => {
            let encoding = encoding(&c.encoding, "cics.encoding", ps);
            let enhanced = match c.mode.as_str() {
                "standard" => false,
                "enhanced" => true,
                other => {
                    ps.push((
                        "cics.mode".into(),
                        format!("`{other}`: expected standard or enhanced"),
                    ));
                    false
                }
            };
            if c.mode == "standard" && c.tranid.is_none() {
                ps.push((
                    "cics.tranid".into(),
                    "required with mode = \"standard\"".into(),
                ));
            }
            let msglen = c.msglen.unwrap_or(35);
            if msglen > ferrule_parsers::protocol::cics_listener::MAX_MSGLEN {
                ps.push(("cics.msglen".into(), format!("{msglen}: at most 999")));
            }
            Some(HostProtocol::Cics {
                tranid: (!enhanced).then(|| c.tranid.clone().unwrap_or_default()),
                msglen,
                encoding,
            })
        }
        (Some("ims-connect"), _, _) => {
            ps.push((
                "ims".into(),
                "required (and no cics table) with protocol = \"ims-connect\"".into(),
            ));
            None
        }
        (Some("cics-listener"), _, _) => {
            ps.push((
                "cics".into(),
                "required (and no ims table) with protocol = \"cics-listener\"".into(),
            ));
            None
        }
        (Some(other), _, _) => {
            ps.push((
                "protocol".into(),
                format!("`{other}`: expected ims-connect or cics-listener"),
            ));
            None
        }
        (None, _, _) => {
            ps.push((
                "protocol".into(),
                "missing: ims-connect or cics-listener (an ims or cics table is set)".into(),
            ));
            None
        }
    }
}

/// Serves one connection of a protocol host until it ends.
pub async fn serve(
    host: &Host,
    protocol: &HostProtocol,
    counters: &Arc<Counters>,
    stream: TcpStream,
) {
    match protocol {
        HostProtocol::Ims {
            datastore,
            trancode,
            segment_bytes,
        } => serve_ims(host, datastore, trancode, *segment_bytes, counters, stream).await,
        HostProtocol::Cics {
            tranid,
            msglen,
            encoding,
        } => {
            // One request per connection.
            let _busy = counters.request();
            serve_cics(host, tranid.as_deref(), *msglen, *encoding, stream).await
        }
    }
}

fn rsm(return_code: u32, reason_code: u32) -> RequestStatus {
    RequestStatus {
        return_code,
        reason_code,
        ..RequestStatus::default()
    }
}

async fn serve_ims(
    host: &Host,
    datastore: &str,
    trancode: &str,
    segment_bytes: usize,
    counters: &Arc<Counters>,
    mut stream: TcpStream,
) {
    let mut decoder = RequestDecoder::new();
    let mut buf = vec![0u8; 8192];
    loop {
        let request = match decoder.poll() {
            Ok(Progress::Done(r)) => r,
            Ok(Progress::NeedMore(_)) => {
                match stream.read(&mut buf).await {
                    Ok(n) if n > 0 => decoder.feed(buf.get(..n).unwrap_or_default()),
                    _ => return,
                }
                continue;
            }
            Err(e) => {
                tracing::info!(host = %host.name, error = %e, "IMS Connect request refused");
                let ebcdic = HeaderEncoding::Ebcdic;
                let wire = encode_request_status(&rsm(8, 40), AnswerFormat::default(), ebcdic);
                if let Ok(wire) = wire {
                    let _ = frame::write_all(&mut stream, &wire).await;
                }
                return;
            }
        };
        let _busy = counters.request();
        let reply = ims_reply(host, datastore, trancode, segment_bytes, &request);
        if frame::write_all(&mut stream, &reply).await.is_err()
            || request.settings.socket != SocketType::Persistent
        {
            return;
        }
    }
}

/// The answer to one well-formed request: its record in segments, or a `*REQSTS*`.
fn ims_reply(
    host: &Host,
    datastore: &str,
    trancode: &str,
    segment_bytes: usize,
    request: &Request,
) -> Vec<u8> {
    let s = &request.settings;
    let format = AnswerFormat {
        length_prefix: s.answer_has_length_prefix(),
        ..AnswerFormat::default()
    };
    let refusal = if !s.datastore.trim_end().eq_ignore_ascii_case(datastore) {
        Some(rsm(8, 24))
    } else if !s.trancode.trim_end().eq_ignore_ascii_case(trancode) {
        Some(rsm(16, 26))
    } else {
        None
    };
    if let Some(status) = refusal {
        tracing::info!(host = %host.name, return_code = status.return_code,
            reason_code = status.reason_code, "IMS Connect request refused");
        return encode_request_status(&status, format, s.encoding).unwrap_or_default();
    }
    let (record, outcome) = answer(host, &request.segments.concat());
    tracing::debug!(host = %host.name, outcome = ?outcome, "answered");
    let parts: Vec<&[u8]> = record.chunks(segment_bytes.max(1)).collect();
    encode_answer(&parts, CompleteStatus::default(), format, s.encoding)
        .or_else(|_| encode_request_status(&rsm(8, 40), format, s.encoding))
        .unwrap_or_default()
}

async fn serve_cics(
    host: &Host,
    tranid: Option<&str>,
    msglen: usize,
    encoding: HeaderEncoding,
    mut stream: TcpStream,
) {
    let Some(page) = encoding.code_page() else {
        return;
    };
    let refuse = |id: &str, text: &str| {
        encode_listener_error(&format!("{id} {text}"), encoding).unwrap_or_default()
    };
    // The listener's first read: the TRM, or the enhanced header.
    let mut first = vec![0u8; 1024];
    let Ok(n) = stream.read(&mut first).await else {
        return;
    };
    first.truncate(n);
    let rest = match tranid {
        Some(want) => {
            // The TRM is text; a length-prefixed record sent right behind it starts with a
            // control byte, so the TRM ends at the first one.
            let blank = encoding.space();
            let end = first.iter().position(|&b| b < blank).unwrap_or(first.len());
            let (trm, rest) = first.split_at(end);
            match TransactionRequest::decode(trm, page) {
                Err(e) => {
                    tracing::info!(host = %host.name, error = %e, "CICS listener refused the TRM");
                    let _ =
                        frame::write_all(&mut stream, &refuse("EZY1353E", &e.to_string())).await;
                    return;
                }
                Ok(t) if !t.tranid.eq_ignore_ascii_case(want) => {
                    let text = format!("TRANSACTION {} NOT DEFINED TO THE LISTENER", t.tranid);
                    tracing::info!(host = %host.name, tranid = %t.tranid, "CICS listener refused the tranid");
                    let _ = frame::write_all(&mut stream, &refuse("EZY1281E", &text)).await;
                    return;
                }
                Ok(_) => rest.to_vec(),
            }
        }
        None => {
            while first.len() < msglen {
                let mut more = vec![0u8; msglen - first.len()];
                match stream.read(&mut more).await {
                    Ok(n) if n > 0 => first.extend_from_slice(more.get(..n).unwrap_or_default()),
                    _ => break,
                }
            }
            match decode_header(&first, msglen, page, true) {
                Ok(Progress::Done(_)) => first.get(msglen..).unwrap_or_default().to_vec(),
                _ => {
                    let text = "ENHANCED LISTENER HEADER TOO SHORT";
                    let _ = frame::write_all(&mut stream, &refuse("EZY1281E", text)).await;
                    return;
                }
            }
        }
    };
    let (read_half, mut write_half) = stream.into_split();
    let mut io = BufReader::new(AsyncReadExt::chain(&rest[..], read_half));
    let request = match read_frame(&mut io, host.framing, host.request.max_len()).await {
        Ok(Some(r)) => r,
        _ => return,
    };
    let (record, outcome) = answer(host, &request);
    tracing::debug!(host = %host.name, outcome = ?outcome, "answered");
    let wire = frame::frame(
        host.framing,
        &record,
        host.response.max_len(),
        host.codec.codepage.space(),
    );
    let _ = write_half.write_all(&wire).await;
    let _ = write_half.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(protocol: Option<&str>, ims: Option<&str>, cics: Option<&str>) -> Problems {
        let ims: Option<MockImsConfig> = ims.map(|t| toml::from_str(t).unwrap());
        let cics: Option<MockCicsConfig> = cics.map(|t| toml::from_str(t).unwrap());
        let mut ps = Problems::new();
        validate(protocol, ims.as_ref(), cics.as_ref(), &mut ps);
        ps
    }

    fn keys(ps: &Problems) -> Vec<&str> {
        ps.iter().map(|(k, _)| k.as_str()).collect()
    }

    #[test]
    fn protocol_tables_are_checked_at_their_keys() {
        let ims = "datastore = \"IMS1\"\ntrancode = \"VEHQ\"";
        assert!(check(Some("ims-connect"), Some(ims), None).is_empty());
        assert!(check(None, None, None).is_empty());
        // A table without its protocol, a protocol without its table, an unknown one.
        assert_eq!(keys(&check(None, Some(ims), None)), ["protocol"]);
        assert_eq!(keys(&check(Some("ims-connect"), None, None)), ["ims"]);
        assert_eq!(keys(&check(Some("mq"), None, None)), ["protocol"]);
        // Segment size beyond an LL's reach; a standard listener without its tranid.
        let big = "datastore = \"I\"\ntrancode = \"T\"\nsegment_bytes = 40000";
        assert_eq!(
            keys(&check(Some("ims-connect"), Some(big), None)),
            ["ims.segment_bytes"]
        );
        let cics = "mode = \"standard\"\nencoding = \"utf8\"";
        assert_eq!(
            keys(&check(Some("cics-listener"), None, Some(cics))),
            ["cics.encoding", "cics.tranid"]
        );
        let cics = "mode = \"odd\"\nmsglen = 1000";
        assert_eq!(
            keys(&check(Some("cics-listener"), None, Some(cics))),
            ["cics.mode", "cics.msglen"]
        );
        // Unknown keys are refused.
        assert!(
            toml::from_str::<MockImsConfig>("datastore = \"I\"\ntrancode = \"T\"\nx = 1").is_err()
        );
    }
}
