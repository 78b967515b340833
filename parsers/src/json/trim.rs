//! The rule for leaving out a fixed table's trailing empty occurrences (a view's
//! `drop_empty_occurs`), in one place for both decode walks: the tree walk and the
//! flat program differ only in how they write one element.

use super::view::{empty_bytes, empty_json};

/// Writes the elements `0..count` of a table into `out`, without its trailing empty
/// ones. `bytes(i)` is element `i`'s bytes (fewer than `size` where the record ends
/// inside it, none past its end); `element(i, out)` writes it with its separating comma.
///
/// An element whose bytes are all spaces or low-values is written only once a later
/// one proves it is not trailing (packed fields of a slot never filled hold such bytes,
/// which are no valid number, so it is not even decoded); one that decodes to blanks
/// and zeros is written, and cut off again if nothing follows it.
pub(crate) fn drop_trailing_empty<'r, E>(
    out: &mut Vec<u8>,
    count: usize,
    size: usize,
    space: u8,
    bytes: impl Fn(usize) -> &'r [u8],
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
        let begin = out.len() + usize::from(i > 0);
        element(i, out)?;
        if !empty_json(out.get(begin..).unwrap_or_default()) {
            keep = out.len();
        }
    }
    out.truncate(keep);
    Ok(())
}
