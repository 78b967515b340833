//! Framed records on a socket, as a legacy host reads and writes them.
//!
//! The same framings as a gateway backend ([`BackendFraming`]). The connector has its own
//! copy on the client side; this one is the server side and also writes deliberately
//! broken frames for fault injection.

use bytes::Bytes;
use tokio::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt,
};

use crate::connector::BackendFraming;

/// Largest record accepted from a client; a bigger length prefix means the stream is not
/// what we think it is, and nothing after it can be trusted.
pub const MAX_FRAME_BYTES: usize = 1 << 20;

/// Why no request record could be read.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("connection ended inside a record ({have} of {need} bytes)")]
    Truncated { have: usize, need: usize },
    #[error("length prefix says {0} bytes, more than the {MAX_FRAME_BYTES} accepted")]
    TooLong(usize),
    #[error("RDW length {0} is less than its own 4-byte header")]
    BadRdw(usize),
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
    let len = match framing {
        BackendFraming::Len4 => match header::<R, 4>(r).await? {
            Some(h) => u32::from_be_bytes(h) as usize,
            None => return Ok(None),
        },
        BackendFraming::Len2 => match header::<R, 2>(r).await? {
            Some(h) => usize::from(u16::from_be_bytes(h)),
            None => return Ok(None),
        },
        BackendFraming::Rdw => match header::<R, 4>(r).await? {
            Some([a, b, _, _]) => {
                let total = usize::from(u16::from_be_bytes([a, b]));
                total.checked_sub(4).ok_or(FrameError::BadRdw(total))?
            }
            None => return Ok(None),
        },
        BackendFraming::Fixed => fixed_len,
        BackendFraming::Delimiter(d) => return read_delimited(r, d).await,
    };
    if len > MAX_FRAME_BYTES {
        return Err(FrameError::TooLong(len));
    }
    let mut rec = vec![0u8; len];
    let have = read_full(r, &mut rec).await?;
    match (have, framing) {
        // A fixed record has no header, so EOF before its first byte is a clean close.
        (0, BackendFraming::Fixed) if len > 0 => Ok(None),
        (h, _) if h < len => Err(FrameError::Truncated { have: h, need: len }),
        _ => Ok(Some(rec)),
    }
}

/// Reads an `N`-byte header; `None` on EOF before its first byte.
async fn header<R: AsyncRead + Unpin, const N: usize>(
    r: &mut R,
) -> Result<Option<[u8; N]>, FrameError> {
    let mut h = [0u8; N];
    match read_full(r, &mut h).await? {
        0 => Ok(None),
        n if n < N => Err(FrameError::Truncated { have: n, need: N }),
        _ => Ok(Some(h)),
    }
}

/// Fills `buf` as far as the stream goes; returns how much was read.
async fn read_full<R: AsyncRead + Unpin>(r: &mut R, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut have = 0;
    while let Some(rest) = buf.get_mut(have..).filter(|b| !b.is_empty()) {
        match r.read(rest).await? {
            0 => break,
            n => have += n,
        }
    }
    Ok(have)
}

async fn read_delimited<R: AsyncBufRead + Unpin>(
    r: &mut R,
    delim: u8,
) -> Result<Option<Vec<u8>>, FrameError> {
    let mut rec = Vec::new();
    let n = r
        .take(MAX_FRAME_BYTES as u64 + 1)
        .read_until(delim, &mut rec)
        .await?;
    if n == 0 {
        return Ok(None);
    }
    if rec.last() != Some(&delim) {
        return Err(if rec.len() > MAX_FRAME_BYTES {
            FrameError::TooLong(rec.len())
        } else {
            FrameError::Truncated {
                have: rec.len(),
                need: rec.len() + 1,
            }
        });
    }
    rec.pop();
    Ok(Some(rec))
}

/// The bytes on the wire for one record: header (if any), record, delimiter (if any).
/// `fixed` framing pads a short record (an OCCURS DEPENDING ON table below its maximum)
/// with `pad` to `fixed_len`, because its reader counts bytes.
pub fn frame(framing: BackendFraming, record: &[u8], fixed_len: usize, pad: u8) -> Bytes {
    let mut out = Vec::with_capacity(record.len() + 4);
    match framing {
        // Lengths past the header's range cannot happen for layouts; saturate anyway.
        BackendFraming::Len4 => out.extend_from_slice(
            &u32::try_from(record.len())
                .unwrap_or(u32::MAX)
                .to_be_bytes(),
        ),
        BackendFraming::Len2 => out.extend_from_slice(
            &u16::try_from(record.len())
                .unwrap_or(u16::MAX)
                .to_be_bytes(),
        ),
        BackendFraming::Rdw => {
            let total = u16::try_from(record.len() + 4).unwrap_or(u16::MAX);
            out.extend_from_slice(&total.to_be_bytes());
            out.extend_from_slice(&[0, 0]);
        }
        BackendFraming::Fixed | BackendFraming::Delimiter(_) => {}
    }
    out.extend_from_slice(record);
    match framing {
        BackendFraming::Fixed if record.len() < fixed_len => {
            out.resize(out.len() + (fixed_len - record.len()), pad)
        }
        BackendFraming::Delimiter(d) => out.push(d),
        _ => {}
    }
    Bytes::from(out)
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
            Err(FrameError::BadRdw(3))
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
            Err(FrameError::Truncated { have: 2, need: 5 })
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
