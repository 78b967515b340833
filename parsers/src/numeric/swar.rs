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

/// The digit word of `m` (below 10^16): two halves of 8 digits, each split into lanes
/// of 4, 2 and then 1 digit by multiply-shifts that divide every lane at once (exact for
/// these ranges: `y * 10486 >> 20` is `y / 100` below 43 699, `y * 103 >> 10` is `y / 10`
/// below 179), instead of a division by 10 per digit.
#[inline]
pub(crate) fn digits_of(m: u64) -> u128 {
    #[inline(always)]
    fn eight(x: u64) -> u64 {
        // 4 digits per 32-bit lane, the high ones in the high lane.
        let v = ((x / 10_000) << 32) | (x % 10_000);
        let q = ((v * 10_486) >> 20) & 0x0000_007F_0000_007F;
        // 2 digits per 16-bit lane.
        let v = (q << 16) | (v - q * 100);
        let q = ((v * 103) >> 10) & 0x000F_000F_000F_000F;
        // 1 digit per byte.
        (q << 8) | (v - q * 10)
    }
    (u128::from(eight(m / 100_000_000)) << 64) | u128::from(eight(m % 100_000_000))
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
    let digits = d | splat(b'0');
    // The integer digits moved to the top of the word (the fraction follows them), and
    // the fraction alone at the top: shifts in registers, then whole 16-byte stores into
    // the output, later ones over earlier ones, and the length cut back. Nothing stored
    // is read back while the stores are in flight (a small stack block read at an offset
    // right after being written stalled the CPU more than the instructions it saved).
    let skip = 16 - s - int;
    let int_part = (digits << (8 * skip)).to_be_bytes();
    let frac = if s > 0 {
        (digits << (8 * (16 - s))).to_be_bytes()
    } else {
        [0; 16]
    };
    let start = out.len();
    let at = start + usize::from(negative);
    out.resize(start + 34, b'-');
    let mut len = at + int;
    if let Some(dst) = out.get_mut(at..at + 16) {
        dst.copy_from_slice(&int_part);
    }
    if s > 0 {
        if let Some(dst) = out.get_mut(len + 1..len + 17) {
            dst.copy_from_slice(&frac);
        }
        if let Some(point) = out.get_mut(len) {
            *point = b'.';
        }
        len += 1 + s;
    }
    out.truncate(len);
    true
}

#[cfg(test)]
mod tests;
