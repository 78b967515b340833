//! Framed records on a socket, as a legacy host reads and writes them.
//!
//! The same framers as files and the gateway's connectors (`ferrule_parsers::framing`,
//! through [`crate::connector::frame::next_record`]): one set of spellings, limits and
//! header checks (RDW reserved bytes included). Only fault injection writes raw bytes,
//! deliberately broken, without going through a framer.

use bytes::Bytes;
use ferrule_parsers::framing::{Framing, FramingError};
use tokio::io::{AsyncBufRead, AsyncWrite, AsyncWriteExt};

use crate::connector::frame::{frame_bytes, next_record, MAX_RECORD};
use crate::connector::BackendFraming;

/// Largest record accepted from a client: the one record limit (a bigger length prefix
/// means the stream is not what we think it is, and nothing after it can be trusted).
pub const MAX_FRAME_BYTES: usize = MAX_RECORD;

/// Why no request record could be read.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("connection ended inside a record ({have} of {need} bytes)")]
    Truncated { have: usize, need: usize },
    #[error("length prefix says {0} bytes, more than the {MAX_FRAME_BYTES} accepted")]
    TooLong(usize),
    /// A header no framer accepts (an RDW below 4 bytes or with reserved bytes set...).
    #[error("{0}")]
    Bad(FramingError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Reads one record; `Ok(None)` when the client closed between records. `fixed_len` is
/// the request layout's length, used by `fixed` framing.
pub async fn read_frame<R: AsyncBufRead + Unpin>(
    r: &mut R,
    framing: BackendFraming,
    fixed_len: usize,
) -> Result<Option<Vec<u8>>, FrameError> {
    let wire = framing.wire(fixed_len);
    if wire == (Framing::Fixed { len: 0 }) {
        // A request layout of no bytes: every request is empty.
        return Ok(Some(Vec::new()));
    }
    match next_record(r, wire, MAX_FRAME_BYTES).await {
        Ok(record) => Ok(record.map(Vec::from)),
        Err(FramingError::Truncated { have, need, .. }) => {
            Err(FrameError::Truncated { have, need })
        }
        Err(FramingError::TooLong { len, .. }) => Err(FrameError::TooLong(
            usize::try_from(len).unwrap_or(usize::MAX),
        )),
        Err(FramingError::Io(e)) => Err(FrameError::Io(e)),
        Err(e) => Err(FrameError::Bad(e)),
    }
}

/// The bytes on the wire for one record: header (if any), record, delimiter (if any).
/// `fixed` framing pads a short record (an OCCURS DEPENDING ON table below its maximum)
/// with `pad` to `fixed_len`, because its reader counts bytes. A record no framer can
/// write (longer than its header can say) goes out as is: the client will report it.
pub fn frame(framing: BackendFraming, record: &[u8], fixed_len: usize, pad: u8) -> Bytes {
    if framing == BackendFraming::Fixed {
        let mut out = record.to_vec();
        if out.len() < fixed_len {
            out.resize(fixed_len, pad);
        }
        return Bytes::from(out);
    }
    Bytes::from(frame_bytes(framing.wire(0), record).unwrap_or_else(|_| record.to_vec()))
}

/// Writes bytes and flushes them.
pub async fn write_all<W: AsyncWrite + Unpin>(w: &mut W, bytes: &[u8]) -> std::io::Result<()> {
    w.write_all(bytes).await?;
    w.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::BufReader;

    fn read(
        framing: BackendFraming,
        wire: &[u8],
        fixed: usize,
    ) -> Result<Option<Vec<u8>>, FrameError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut r = BufReader::new(wire);
            read_frame(&mut r, framing, fixed).await
        })
    }

    #[test]
    fn len4_round_trip_and_clean_eof() {
        // Header 00 00 00 03 then three bytes; an empty stream is a clean close.
        let wire = frame(BackendFraming::Len4, b"abc", 0, b' ');
        assert_eq!(&wire[..], b"\0\0\0\x03abc");
        assert_eq!(
            read(BackendFraming::Len4, &wire, 0).unwrap(),
            Some(b"abc".to_vec())
        );
        assert_eq!(read(BackendFraming::Len4, b"", 0).unwrap(), None);
    }

    #[test]
    fn len2_and_rdw_headers() {
        // len2 counts the record; RDW counts its own 4 bytes too.
        assert_eq!(&frame(BackendFraming::Len2, b"ab", 0, 0)[..], b"\0\x02ab");
        let rdw = frame(BackendFraming::Rdw, b"ab", 0, 0);
        assert_eq!(&rdw[..], b"\0\x06\0\0ab");
        assert_eq!(
            read(BackendFraming::Rdw, &rdw, 0).unwrap(),
            Some(b"ab".to_vec())
        );
    }

    #[test]
    fn rdw_shorter_than_its_header_is_refused() {
        // A length of 3 cannot even hold the RDW.
        assert!(matches!(
            read(BackendFraming::Rdw, b"\0\x03\0\0", 0),
            Err(FrameError::Bad(FramingError::BadHeader { .. }))
        ));
    }

    #[test]
    fn truncated_header_and_body() {
        // Two of four header bytes; then a header promising 5 bytes with 2 present.
        assert!(matches!(
            read(BackendFraming::Len4, b"\0\0", 0),
            Err(FrameError::Truncated { have: 2, need: 4 })
        ));
        assert!(matches!(
            read(BackendFraming::Len4, b"\0\0\0\x05ab", 0),
            Err(FrameError::Truncated { have: 6, need: 9 })
        ));
    }

    #[test]
    fn huge_length_prefix_is_refused() {
        // "GET " read as a length is about 1.2 GB: not a record.
        assert!(matches!(
            read(BackendFraming::Len4, b"GET / HTTP/1.1\r\n", 0),
            Err(FrameError::TooLong(_))
        ));
    }

    #[test]
    fn fixed_reads_layout_length_and_pads_answers() {
        // Three-byte requests; a two-byte answer is padded to four with spaces.
        assert_eq!(
            read(BackendFraming::Fixed, b"xyz", 3).unwrap(),
            Some(b"xyz".to_vec())
        );
        assert_eq!(read(BackendFraming::Fixed, b"", 3).unwrap(), None);
        assert!(matches!(
            read(BackendFraming::Fixed, b"xy", 3),
            Err(FrameError::Truncated { have: 2, need: 3 })
        ));
        assert_eq!(&frame(BackendFraming::Fixed, b"ab", 4, b' ')[..], b"ab  ");
    }

    #[test]
    fn delimiter_records() {
        // A newline ends each record; an unterminated tail is truncated.
        let d = BackendFraming::Delimiter(b'\n');
        assert_eq!(&frame(d, b"ab", 0, 0)[..], b"ab\n");
        assert_eq!(read(d, b"ab\ncd\n", 0).unwrap(), Some(b"ab".to_vec()));
        assert!(matches!(
            read(d, b"ab", 0),
            Err(FrameError::Truncated { .. })
        ));
        assert_eq!(read(d, b"", 0).unwrap(), None);
    }
}
