//! The rule for leaving out a fixed table's trailing empty occurrences (a view's
//! `drop_empty_occurs`), in one place for both decode walks: the tree walk and the
//! flat program differ only in how they write one element.

use super::view::{empty_bytes, empty_json};

/// Per element index of one table: bytes once seen to decode to blanks and zeros, and
/// the text they wrote (see [`drop_trailing_empty`]).
pub(crate) type Memo = Vec<(Vec<u8>, Vec<u8>)>;

/// Writes the elements `0..count` of a table into `out`, without its trailing empty
/// ones. `bytes(i)` is element `i`'s bytes (fewer than `size` where the record ends
/// inside it, none past its end); `element(i, out)` writes it with its separating comma.
///
/// An element whose bytes are all spaces or low-values is written only once a later
/// one proves it is not trailing (packed fields of a slot never filled hold such bytes,
/// which are no valid number, so it is not even decoded); one that decodes to blanks
/// and zeros is written, and cut off again if nothing follows it.
///
/// `memo`, when given, remembers per element index the bytes and text of an element
/// that decoded to blanks and zeros (without errors): where an element decodes from
/// its own bytes alone, the same bytes at the same index write the same text, so it is
/// copied instead of decoded and scanned again (a host fills unused slots the same way
/// every time). Everything else happens as for a decoded element: the deferred ones
/// before it are written first (and may fail), and it is cut off if nothing follows.
/// A caller passes it only when decoding an element can neither fail differently nor
/// capture anything.
pub(crate) fn drop_trailing_empty<'r, E>(
    out: &mut Vec<u8>,
    count: usize,
    size: usize,
    space: u8,
    bytes: impl Fn(usize) -> &'r [u8],
    mut memo: Option<&mut Memo>,
    mut element: impl FnMut(usize, &mut Vec<u8>) -> Result<(), E>,
) -> Result<(), E> {
    let mut keep = out.len();
    // The first of the empty elements not written yet.
    let mut deferred = None;
    for i in 0..count {
        let b = bytes(i);
        if b.is_empty() {
            break;
        }
        // A slot cut short by the record's end is decoded (and reported) as it is.
        if b.len() == size && empty_bytes(b, space) {
            deferred.get_or_insert(i);
            continue;
        }
        for j in deferred.take().unwrap_or(i)..i {
            element(j, out)?;
        }
        let seen = memo
            .as_deref()
            .and_then(|m| m.get(i))
            .filter(|(bytes, _)| bytes == b);
        if let Some((_, text)) = seen {
            out.extend_from_slice(text);
            continue;
        }
        let start = out.len();
        let begin = start + usize::from(i > 0);
        element(i, out)?;
        if !empty_json(out.get(begin..).unwrap_or_default()) {
            keep = out.len();
        } else if let (Some(m), true) = (memo.as_deref_mut(), b.len() == size) {
            if m.len() < count {
                m.resize(count, (Vec::new(), Vec::new()));
            }
            if let Some((bytes, text)) = m.get_mut(i) {
                bytes.clear();
                bytes.extend_from_slice(b);
                text.clear();
                text.extend_from_slice(out.get(start..).unwrap_or_default());
            }
        }
    }
    out.truncate(keep);
    Ok(())
}

#[cfg(test)]
mod tests;
