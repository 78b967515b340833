//! Records on a backend's wire: write one framed request, read one framed response.
//!
//! Async twin of the batch framers in `ferrule_parsers::framing`, for one record at a time
//! over a socket or a pipe. Every length read from the peer is checked against a cap before
//! anything is allocated, so a garbage header can never make us reserve gigabytes.

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt};
#[cfg(test)]
use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::{BackendFraming, ConnectorError};

/// Largest record accepted from a length header (and for `fixed` responses).
pub const MAX_RECORD: usize = 16 << 20;
/// Largest record accepted before its delimiter is seen.
pub const MAX_DELIMITED: usize = 1 << 20;

/// The bytes that go on the wire for `record`: header (if any), record, delimiter (if any).
///
/// Fails with `BadFrame` when the record cannot be framed: too long for its length header,
/// or (delimiter framing) containing the delimiter, which the host would cut the record at.
pub fn encode(framing: BackendFraming, record: &[u8]) -> Result<Vec<u8>, ConnectorError> {
    let too_long = |max: usize| {
        ConnectorError::BadFrame(format!(
            "request record of {} bytes exceeds the {max}-byte limit of {framing:?} framing",
            record.len()
        ))
    };
    let mut out = Vec::with_capacity(record.len() + 4);
    match framing {
        BackendFraming::Len4 => {
            let len = u32::try_from(record.len())
                .ok()
                .filter(|&n| n as usize <= MAX_RECORD)
                .ok_or_else(|| too_long(MAX_RECORD))?;
            out.extend_from_slice(&len.to_be_bytes());
        }
        BackendFraming::Len2 => {
            let len = u16::try_from(record.len()).map_err(|_| too_long(usize::from(u16::MAX)))?;
            out.extend_from_slice(&len.to_be_bytes());
        }
        BackendFraming::Rdw => {
            // The RDW length counts its own 4 header bytes.
            let len = record
                .len()
                .checked_add(4)
                .and_then(|n| u16::try_from(n).ok())
                .ok_or_else(|| too_long(usize::from(u16::MAX) - 4))?;
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(&[0, 0]);
        }
        BackendFraming::Fixed => {}
        BackendFraming::Delimiter(d) => {
            if let Some(at) = record.iter().position(|&b| b == d) {
                return Err(ConnectorError::BadFrame(format!(
                    "request record contains the delimiter byte 0x{d:02X} at offset {at}"
                )));
            }
        }
    }
    out.extend_from_slice(record);
    if let BackendFraming::Delimiter(d) = framing {
        out.push(d);
    }
    Ok(out)
}

/// Writes one framed request and flushes it, in a single buffer so small records leave in
/// one segment. A write failure means the peer is gone: `Closed`. (The connectors frame
/// with [`encode`] and write themselves; this serves the tests' peers.)
#[cfg(test)]
pub async fn write_frame<W: AsyncWrite + Unpin>(
    w: &mut W,
    framing: BackendFraming,
    record: &[u8],
) -> Result<(), ConnectorError> {
    let wire = encode(framing, record)?;
    w.write_all(&wire)
        .await
        .map_err(|e| closed("writing the request", &e))?;
    w.flush()
        .await
        .map_err(|e| closed("writing the request", &e))
}

/// Reads one framed response record (without its framing).
///
/// `response_len` is the record length for `fixed` framing and ignored otherwise. The peer
/// closing or resetting before the whole record is `Closed`; an impossible header or an
/// over-long record is `BadFrame`.
pub async fn read_frame<R: AsyncBufRead + Unpin>(
    r: &mut R,
    framing: BackendFraming,
    response_len: usize,
) -> Result<Bytes, ConnectorError> {
    let len = match framing {
        BackendFraming::Len4 => {
            let mut h = [0u8; 4];
            read_exact(r, &mut h, "the length header").await?;
            usize::try_from(u32::from_be_bytes(h)).unwrap_or(usize::MAX)
        }
        BackendFraming::Len2 => {
            let mut h = [0u8; 2];
            read_exact(r, &mut h, "the length header").await?;
            usize::from(u16::from_be_bytes(h))
        }
        BackendFraming::Rdw => {
            let mut h = [0u8; 4];
            read_exact(r, &mut h, "the RDW").await?;
            rdw_record_len(h)?
        }
        BackendFraming::Fixed => response_len,
        BackendFraming::Delimiter(d) => return read_delimited(r, d).await,
    };
    if len > MAX_RECORD {
        return Err(ConnectorError::BadFrame(format!(
            "record length {len} exceeds the {MAX_RECORD}-byte limit"
        )));
    }
    let mut buf = BytesMut::zeroed(len);
    read_exact(r, &mut buf, "the record").await?;
    Ok(buf.freeze())
}

/// The record length an RDW announces (its own 4 bytes excluded), checking the reserved half.
fn rdw_record_len(h: [u8; 4]) -> Result<usize, ConnectorError> {
    let [l0, l1, z0, z1] = h;
    if z0 != 0 || z1 != 0 {
        return Err(ConnectorError::BadFrame(format!(
            "RDW reserved bytes are {z0:02X} {z1:02X}, expected 00 00"
        )));
    }
    let total = usize::from(u16::from_be_bytes([l0, l1]));
    total.checked_sub(4).ok_or_else(|| {
        ConnectorError::BadFrame(format!(
            "RDW length {total} is shorter than the 4-byte RDW itself"
        ))
    })
}

/// Bytes up to (not including) `d`, consuming `d`; at most [`MAX_DELIMITED`] bytes.
async fn read_delimited<R: AsyncBufRead + Unpin>(
    r: &mut R,
    d: u8,
) -> Result<Bytes, ConnectorError> {
    let mut out = BytesMut::new();
    loop {
        let chunk = r
            .fill_buf()
            .await
            .map_err(|e| closed("reading the record", &e))?;
        if chunk.is_empty() {
            return Err(ConnectorError::Closed(format!(
                "peer closed after {} bytes, before the delimiter 0x{d:02X}",
                out.len()
            )));
        }
        let (take, found) = match chunk.iter().position(|&b| b == d) {
            Some(at) => (at, true),
            None => (chunk.len(), false),
        };
        if out.len() + take > MAX_DELIMITED {
            return Err(ConnectorError::BadFrame(format!(
                "no delimiter 0x{d:02X} within {MAX_DELIMITED} bytes"
            )));
        }
        out.extend_from_slice(chunk.get(..take).unwrap_or_default());
        // Consume the delimiter too, so the next read starts at the next record.
        r.consume(if found { take + 1 } else { take });
        if found {
            return Ok(out.freeze());
        }
    }
}

/// `read_exact` with the error named after what was being read and how far it got.
async fn read_exact<R: AsyncBufRead + Unpin>(
    r: &mut R,
    buf: &mut [u8],
    what: &str,
) -> Result<(), ConnectorError> {
    let want = buf.len();
    let mut got = 0;
    while let Some(rest) = buf.get_mut(got..).filter(|rest| !rest.is_empty()) {
        match r.read(rest).await {
            Ok(0) => {
                return Err(ConnectorError::Closed(format!(
                    "peer closed after {got} of {want} bytes of {what}"
                )))
            }
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(closed(&format!("reading {what}"), &e)),
        }
    }
    Ok(())
}

fn closed(doing: &str, e: &std::io::Error) -> ConnectorError {
    ConnectorError::Closed(format!("{doing}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use BackendFraming::*;

    /// Writes `record` with `framing` into a buffer, then reads it back from those bytes.
    async fn round_trip(framing: BackendFraming, record: &[u8], response_len: usize) -> Bytes {
        let mut wire = Vec::new();
        write_frame(&mut wire, framing, record).await.unwrap();
        let mut r: &[u8] = &wire;
        let got = read_frame(&mut r, framing, response_len).await.unwrap();
        assert!(r.is_empty(), "{framing:?} left {} bytes unread", r.len());
        got
    }

    async fn read(
        framing: BackendFraming,
        wire: &[u8],
        response_len: usize,
    ) -> Result<Bytes, ConnectorError> {
        let mut r: &[u8] = wire;
        read_frame(&mut r, framing, response_len).await
    }

    #[tokio::test]
    async fn every_framing_round_trips() {
        let rec = b"\xC1\xC2\x00\x25\xF1";
        for framing in [Len4, Len2, Rdw, Fixed, Delimiter(b'\n')] {
            assert_eq!(
                &round_trip(framing, rec, rec.len()).await[..],
                rec,
                "{framing:?}"
            );
        }
        // An empty record is a valid record for every framing.
        for framing in [Len4, Len2, Rdw, Fixed, Delimiter(b'\n')] {
            assert!(round_trip(framing, b"", 0).await.is_empty(), "{framing:?}");
        }
    }

    #[tokio::test]
    async fn headers_are_big_endian_and_count_as_specified() {
        // len4: 4-byte length counting the record only.
        assert_eq!(encode(Len4, b"AB").unwrap(), b"\x00\x00\x00\x02AB");
        // len2: 2-byte length counting the record only.
        assert_eq!(encode(Len2, b"AB").unwrap(), b"\x00\x02AB");
        // RDW: length counts the 4 header bytes, then two zero bytes.
        assert_eq!(encode(Rdw, b"AB").unwrap(), b"\x00\x06\x00\x00AB");
        // fixed: the record as is.
        assert_eq!(encode(Fixed, b"AB").unwrap(), b"AB");
        // delimiter: the record then the delimiter.
        assert_eq!(encode(Delimiter(0x25), b"AB").unwrap(), b"AB\x25");
    }

    #[tokio::test]
    async fn reads_one_record_and_leaves_the_next() {
        // Two len2 records back to back: the first read takes only the first.
        let mut r: &[u8] = b"\x00\x01A\x00\x01B";
        assert_eq!(&read_frame(&mut r, Len2, 0).await.unwrap()[..], b"A");
        assert_eq!(r, b"\x00\x01B");
        // Two lines: the delimiter is consumed, the next line stays.
        let mut r: &[u8] = b"one\ntwo\n";
        assert_eq!(
            &read_frame(&mut r, Delimiter(b'\n'), 0).await.unwrap()[..],
            b"one"
        );
        assert_eq!(r, b"two\n");
        // fixed: exactly response_len bytes.
        let mut r: &[u8] = b"ABCDEF";
        assert_eq!(&read_frame(&mut r, Fixed, 4).await.unwrap()[..], b"ABCD");
    }

    #[tokio::test]
    async fn too_long_requests_cannot_be_framed() {
        // 65,536 bytes do not fit a len2 header.
        let big = vec![0u8; 65_536];
        assert!(matches!(
            encode(Len2, &big),
            Err(ConnectorError::BadFrame(_))
        ));
        // 65,532 bytes + 4 RDW bytes do not fit an RDW.
        let big = vec![0u8; 65_532];
        assert!(matches!(
            encode(Rdw, &big),
            Err(ConnectorError::BadFrame(_))
        ));
        // Over the 16 MiB cap for len4.
        let big = vec![0u8; MAX_RECORD + 1];
        assert!(matches!(
            encode(Len4, &big),
            Err(ConnectorError::BadFrame(_))
        ));
        // A record holding its own delimiter would be cut short by the host.
        assert!(matches!(
            encode(Delimiter(b'\n'), b"A\nB"),
            Err(ConnectorError::BadFrame(_))
        ));
    }

    #[tokio::test]
    async fn peer_closing_mid_record_is_closed() {
        // Header says 5 bytes, only 2 arrive.
        assert!(matches!(
            read(Len4, b"\x00\x00\x00\x05AB", 0).await,
            Err(ConnectorError::Closed(_))
        ));
        // Half a header.
        assert!(matches!(
            read(Len4, b"\x00\x00", 0).await,
            Err(ConnectorError::Closed(_))
        ));
        // Nothing at all.
        assert!(matches!(
            read(Len2, b"", 0).await,
            Err(ConnectorError::Closed(_))
        ));
        // RDW header then a short body.
        assert!(matches!(
            read(Rdw, b"\x00\x08\x00\x00AB", 0).await,
            Err(ConnectorError::Closed(_))
        ));
        // fixed: 3 of 4 bytes.
        assert!(matches!(
            read(Fixed, b"ABC", 4).await,
            Err(ConnectorError::Closed(_))
        ));
        // delimiter: EOF before the delimiter.
        assert!(matches!(
            read(Delimiter(b'\n'), b"ABC", 0).await,
            Err(ConnectorError::Closed(_))
        ));
    }

    #[tokio::test]
    async fn impossible_headers_are_bad_frames() {
        // len4 garbage: 0xFFFFFFFF is far above the 16 MiB cap.
        assert!(matches!(
            read(Len4, b"\xFF\xFF\xFF\xFFAB", 0).await,
            Err(ConnectorError::BadFrame(_))
        ));
        // RDW with non-zero reserved bytes.
        assert!(matches!(
            read(Rdw, b"\x00\x06\x00\x01AB", 0).await,
            Err(ConnectorError::BadFrame(_))
        ));
        // RDW length below its own 4 bytes.
        assert!(matches!(
            read(Rdw, b"\x00\x03\x00\x00", 0).await,
            Err(ConnectorError::BadFrame(_))
        ));
        // fixed with a layout longer than the cap.
        assert!(matches!(
            read(Fixed, b"", MAX_RECORD + 1).await,
            Err(ConnectorError::BadFrame(_))
        ));
    }

    #[tokio::test]
    async fn delimiter_search_is_capped() {
        // 1 MiB + 1 bytes without a newline: refused before reading more.
        let wire = vec![b'A'; MAX_DELIMITED + 1];
        assert!(matches!(
            read(Delimiter(b'\n'), &wire, 0).await,
            Err(ConnectorError::BadFrame(_))
        ));
        // Exactly at the cap, then the delimiter: accepted.
        let mut wire = vec![b'A'; MAX_DELIMITED];
        wire.push(b'\n');
        assert_eq!(
            read(Delimiter(b'\n'), &wire, 0).await.unwrap().len(),
            MAX_DELIMITED
        );
    }

    #[tokio::test]
    async fn works_over_a_socket_pair_in_small_pieces() {
        // A duplex with a 3-byte buffer forces every read and write to come in pieces.
        let (mut a, b) = tokio::io::duplex(3);
        let writer = tokio::spawn(async move {
            for framing in [Len4, Len2, Rdw, Fixed, Delimiter(b'|')] {
                write_frame(&mut a, framing, b"HELLO-WORLD").await.unwrap();
            }
        });
        let mut r = tokio::io::BufReader::new(b);
        for framing in [Len4, Len2, Rdw, Fixed, Delimiter(b'|')] {
            assert_eq!(
                &read_frame(&mut r, framing, 11).await.unwrap()[..],
                b"HELLO-WORLD"
            );
        }
        writer.await.unwrap();
    }
}
