//! The enhanced listener's header: the first MSGLEN bytes on the connection (EZACICD
//! `MSGLEN`, 0 to 999), which the listener passes to its security exit and to the
//! transaction it starts (CSTRAN) instead of a `TRAN,data` request. Here the header is
//! client data as text in the chosen code page, blank-padded to MSGLEN; what follows is
//! the application record in the backend's framing, each way.

use super::CicsError;
use crate::codepage::CodePage;
use crate::protocol::Progress;

/// Largest MSGLEN the listener accepts.
pub const MAX_MSGLEN: usize = 999;

fn check_msglen(msglen: usize) -> Result<(), CicsError> {
    if msglen > MAX_MSGLEN {
        return Err(CicsError::MsgLen {
            value: msglen,
            max: MAX_MSGLEN,
        });
    }
    Ok(())
}

/// The header bytes: `client_data` in `page`, blank-padded to `msglen`.
pub fn encode_header(
    client_data: &str,
    msglen: usize,
    page: CodePage,
) -> Result<Vec<u8>, CicsError> {
    check_msglen(msglen)?;
    let mut out = page.encode(client_data).map_err(|source| CicsError::Text {
        field: "client_data",
        source,
    })?;
    if out.len() > msglen {
        return Err(CicsError::ClientDataTooLong {
            len: out.len(),
            max: msglen,
        });
    }
    out.resize(msglen, page.space());
    Ok(out)
}

/// Reads the header from the front of `buf` (the host side): the client data with its
/// padding blanks removed, once MSGLEN bytes are there. At `eof` a short buffer is an
/// error. The caller removes `msglen` bytes afterwards.
pub fn decode_header(
    buf: &[u8],
    msglen: usize,
    page: CodePage,
    eof: bool,
) -> Result<Progress<String>, CicsError> {
    check_msglen(msglen)?;
    let Some(head) = buf.get(..msglen) else {
        let needed = msglen - buf.len();
        if eof {
            return Err(CicsError::Truncated {
                offset: buf.len(),
                needed,
            });
        }
        return Ok(Progress::NeedMore(needed));
    };
    let text = page.decode(head).map_err(|source| CicsError::Text {
        field: "enhanced listener header",
        source,
    })?;
    Ok(Progress::Done(text.trim_end_matches(' ').to_owned()))
}
