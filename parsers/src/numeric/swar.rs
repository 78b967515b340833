//! Up to 16 decimal digits held one per byte in a `u128` ("SIMD within a register"):
//! zoned, packed and binary fields are read, checked and written as JSON number text a
//! word at a time instead of a byte at a time. Fields that do not fit a word, and every
//! invalid one, still take their codec's byte loops, which find the exact error.
//!
//! A digit word holds digit *values* (0-9), the most significant digit in the highest
//! of its `n` low bytes; the bytes above them are zero.

/// Most digits a word holds.
pub(crate) const MAX: usize = 16;

/// 0x01 in every byte.
const ONES: u128 = u128::MAX / 0xFF;

/// `b` in every byte.
#[inline]
pub(crate) fn splat(b: u8) -> u128 {
    ONES * u128::from(b)
}

/// The low `n` bytes of a word set.
#[inline]
pub(crate) fn low(n: usize) -> u128 {
    match n {
        0 => 0,
        1..=15 => (1u128 << (8 * n)) - 1,
        _ => u128::MAX,
    }
}

/// `bytes` (at most 16) as the low bytes of a word, the first byte highest: a few
/// fixed-size loads rather than a byte loop.
#[inline]
pub(crate) fn load(bytes: &[u8]) -> u128 {
    let mut w = 0u128;
    let mut rest = bytes;
    if let Some((head, tail)) = rest.split_first_chunk::<8>() {
        w = u128::from(u64::from_be_bytes(*head));
        rest = tail;
    }
    if let Some((head, tail)) = rest.split_first_chunk::<8>() {
        w = (w << 64) | u128::from(u64::from_be_bytes(*head));
        rest = tail;
    }
    if let Some((head, tail)) = rest.split_first_chunk::<4>() {
        w = (w << 32) | u128::from(u32::from_be_bytes(*head));
        rest = tail;
    }
    if let Some((head, tail)) = rest.split_first_chunk::<2>() {
        w = (w << 16) | u128::from(u16::from_be_bytes(*head));
        rest = tail;
    }
    if let Some(&b) = rest.first() {
        w = (w << 8) | u128::from(b);
    }
    w
}

/// Whether every byte of `w` is at most 9. (A byte of 10..=0x7F gets bit 7 from the
/// addition, one above 0x7F has it already; a carry out of a byte only comes from one
/// already caught.)
#[inline]
pub(crate) fn all_digits(w: u128) -> bool {
    (w.wrapping_add(ONES * 0x76) | w) & (ONES * 0x80) == 0
}

/// The 16 nibbles of `x` as the 16 bytes of a word, nibble `i` in byte `i`.
#[inline]
pub(crate) fn spread_nibbles(x: u64) -> u128 {
    let mut t = u128::from(x);
    t = (t | (t << 32)) & 0x0000_0000_FFFF_FFFF_0000_0000_FFFF_FFFF;
    t = (t | (t << 16)) & 0x0000_FFFF_0000_FFFF_0000_FFFF_0000_FFFF;
    t = (t | (t << 8)) & 0x00FF_00FF_00FF_00FF_00FF_00FF_00FF_00FF;
    (t | (t << 4)) & 0x0F0F_0F0F_0F0F_0F0F_0F0F_0F0F_0F0F_0F0F
}

/// Writes `(-1)^negative * digits * 10^-scale`, the digits being those of the digit word
/// `d` (leading zeros allowed): the same text as [`super::text::write_number`] gives for
/// them without their leading zeros. Returns false, writing nothing, when the number
/// needs that general writer (a negative scale, or one above 15).
#[inline(always)]
pub(crate) fn write_number(negative: bool, d: u128, scale: i16, out: &mut Vec<u8>) -> bool {
    let Ok(s) = usize::try_from(scale) else {
        return false;
    };
    if s > 15 {
        return false;
    }
    // Integer digits without their leading zeros, at least one: with the `s` fraction
    // digits at most the word's 16.
    let lead = (d.leading_zeros() / 8) as usize;
    let int = (16 - s).saturating_sub(lead).max(1);
    let digits = (d | splat(b'0')).to_be_bytes();
    // Composed in a stack block from fixed 16-byte copies: the sign, the integer part
    // (read from `digits` padded by the zeros in front), the point and the fraction;
    // then appended as one fixed-size block and cut back. No byte loop, no `memcpy`
    // call, one capacity check.
    let mut padded = [0u8; 32];
    if let Some(head) = padded.first_chunk_mut::<16>() {
        *head = digits;
    }
    let part = |from: usize| -> Option<[u8; 16]> { padded.get(from..from + 16)?.try_into().ok() };
    let (Some(int_part), Some(frac)) = (part(16 - s - int), part(16 - s)) else {
        return false;
    };
    let mut text = [b'-'; 34];
    let at = usize::from(negative);
    let put = |text: &mut [u8; 34], at: usize, src: [u8; 16]| {
        if let Some(dst) = text.get_mut(at..at + 16) {
            dst.copy_from_slice(&src);
        }
    };
    put(&mut text, at, int_part);
    let mut len = at + int;
    if s > 0 {
        put(&mut text, len + 1, frac);
        if let Some(point) = text.get_mut(len) {
            *point = b'.';
        }
        len += 1 + s;
    }
    let end = out.len() + len;
    out.extend_from_slice(&text);
    out.truncate(end);
    true
}

#[cfg(test)]
mod tests;
