//! Records on a backend's wire: write one framed request, read one framed response.
//!
//! No framing knowledge lives here: the bytes are cut and written by the same sans-I/O
//! framers files use (`ferrule_parsers::framing::{Deframer, RecordWriter}`); this file only
//! moves bytes between them and an async stream, and names the failures in the connector's
//! terms. The mock host reads its requests with [`next_record`] too.

use bytes::Bytes;
use ferrule_parsers::framing::{Advance, Deframer, Framing, FramingError, RecordWriter};
use tokio::io::{AsyncBufRead, AsyncBufReadExt};
#[cfg(test)]
use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::{BackendFraming, ConnectorError};

/// Largest record accepted or sent: one limit for files, backends and the mock host.
pub const MAX_RECORD: usize = ferrule_parsers::framing::DEFAULT_MAX_RECORD_LEN;

/// The bytes that go on the wire for `record`: header (if any), record, delimiter (if any).
///
/// Fails with `BadFrame` when the record cannot be framed: too long for its length header
/// or the record limit, or (delimiter framing) containing the delimiter, which the host
/// would cut the record at.
pub fn encode(framing: BackendFraming, record: &[u8]) -> Result<Vec<u8>, ConnectorError> {
    let wire = framing.wire(0);
    if record.len() > MAX_RECORD {
        return Err(ConnectorError::BadFrame(format!(
            "request record of {} bytes exceeds the {MAX_RECORD}-byte limit of {wire} framing",
            record.len()
        )));
    }
    frame_bytes(wire, record).map_err(|e| ConnectorError::BadFrame(format!("request {e}")))
}

/// `record` with `framing`'s bytes around it, in one buffer.
pub fn frame_bytes(framing: Framing, record: &[u8]) -> Result<Vec<u8>, FramingError> {
    let mut w = RecordWriter::unbuffered(Vec::with_capacity(record.len() + 8), framing);
    w.write_record(record)?;
    w.finish()
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

/// Reads one record cut by `framing` from `r`, taking no byte past its end (the rest stays
/// in `r`'s buffer). `None` when the stream ends cleanly before the record's first byte.
pub async fn next_record<R: AsyncBufRead + Unpin>(
    r: &mut R,
    framing: Framing,
    max_record_len: usize,
) -> Result<Option<Bytes>, FramingError> {
    next_record_sized(r, framing, max_record_len, 4096).await
}

/// [`next_record`] with the cutter's first buffer sized for the record expected: the
/// buffer is zeroed when made, and 4 KiB of zeroes per backend call for a ~500-byte
/// answer was ~4% of the gateway's instructions. A longer record grows it as before.
async fn next_record_sized<R: AsyncBufRead + Unpin>(
    r: &mut R,
    framing: Framing,
    max_record_len: usize,
    initial_buffer: usize,
) -> Result<Option<Bytes>, FramingError> {
    let mut frames = Deframer::new(framing)
        .with_max_record_len(max_record_len)
        .with_initial_buffer(initial_buffer);
    loop {
        match frames.advance()? {
            Advance::Record => return Ok(Some(Bytes::copy_from_slice(frames.record()))),
            Advance::End => return Ok(None),
            Advance::Pending(want) => {
                let chunk = r.fill_buf().await?;
                if chunk.is_empty() {
                    frames.set_eof();
                    continue;
                }
                let take = frames.take_hint(want, chunk);
                frames.extend_from_slice(chunk.get(..take).unwrap_or_default());
                r.consume(take);
            }
        }
    }
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
    let wire = framing.wire(response_len);
    if wire == (Framing::Fixed { len: 0 }) {
        // A zero-length answer: nothing to wait for.
        return Ok(Bytes::new());
    }
    // The expected record and a length header or delimiter in one buffer, at most the 4 KiB
    // it always was (larger records grow it, as before).
    let expected = if response_len > 0 { response_len } else { 512 };
    let initial = expected.saturating_add(8).min(4096);
    match next_record_sized(r, wire, MAX_RECORD, initial).await {
        Ok(Some(record)) => Ok(record),
        Ok(None) => Err(ConnectorError::Closed(format!(
            "peer closed before the first byte of a {wire} record"
        ))),
        Err(e @ FramingError::Truncated { .. }) => {
            Err(ConnectorError::Closed(format!("peer closed early: {e}")))
        }
        Err(FramingError::Io(e)) => Err(closed("reading the record", &e)),
        Err(e) => Err(ConnectorError::BadFrame(e.to_string())),
    }
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
    async fn records_longer_than_expected_still_read_whole() {
        // The first buffer is sized from response_len (at most 4 KiB); a host answering
        // with a longer record (variable-length framings) is read whole, as is one at the
        // expected length, or with no length expected.
        let rec: Vec<u8> = (0..9_000u32)
            .map(|i| match (i % 251) as u8 {
                b'\n' => b'x',
                b => b,
            })
            .collect();
        for framing in [Len4, Len2, Rdw, Delimiter(b'\n')] {
            for expected in [0, 1, 100, 8_999, 9_000, 20_000] {
                assert_eq!(
                    &round_trip(framing, &rec, expected).await[..],
                    &rec[..],
                    "{framing:?} expecting {expected}"
                );
            }
        }
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
        // One byte past the record limit without a newline: refused before reading more.
        let wire = vec![b'A'; MAX_RECORD + 2];
        assert!(matches!(
            read(Delimiter(b'\n'), &wire, 0).await,
            Err(ConnectorError::BadFrame(_))
        ));
        // Exactly at the cap, then the delimiter: accepted.
        let mut wire = vec![b'A'; MAX_RECORD];
        wire.push(b'\n');
        assert_eq!(
            read(Delimiter(b'\n'), &wire, 0).await.unwrap().len(),
            MAX_RECORD
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
