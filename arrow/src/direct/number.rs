//! Numeric item bytes straight to the unscaled integer an Arrow column stores, for the
//! values `ferrule_parsers::numeric` decodes without error and nothing else: `None` means
//! "not sure" (an invalid nibble, a sign the codec refuses, a value beyond its PIC ...),
//! and the caller then leaves the whole batch to the generic decoder, which finds the
//! exact error. Being unsure of more than the codec refuses only costs speed; giving a
//! value where the codec gives an error would be a bug (`direct/tests.rs` compares them).

use ferrule_parsers::dialect::Endian;
use ferrule_parsers::layout::SignPosition;

/// A packed byte's two digit nibbles as one value 0-99, or [`BAD`].
const PAIRS: [u8; 256] = {
    let mut t = [BAD; 256];
    let mut b = 0;
    while b < 256 {
        let (hi, lo) = (b >> 4, b & 0x0F);
        if hi <= 9 && lo <= 9 {
            t[b] = (hi * 10 + lo) as u8;
        }
        b += 1;
    }
    t
};
const BAD: u8 = 0xFF;

/// How one packed item reads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Packed {
    pub signed: bool,
    /// The PIC has an even digit count and TRUNC holds values to it: the pad nibble in
    /// front must be 0 (the codec refuses the extra digit).
    pub pad_zero: bool,
}

impl Packed {
    /// The signed integer of the digit nibbles (A, C, E, F positive; B, D negative when
    /// signed), as `packed::decode` reads it.
    #[inline]
    pub fn read(self, bytes: &[u8]) -> Option<i128> {
        let (&last, body) = bytes.split_last()?;
        if self.pad_zero && body.first().is_some_and(|&b| b >> 4 != 0) {
            return None;
        }
        let hi = last >> 4;
        let negative = match last & 0x0F {
            0xB | 0xD if self.signed => true,
            0xA | 0xC | 0xE | 0xF => false,
            _ => return None,
        };
        if hi > 9 {
            return None;
        }
        // Up to 19 digit nibbles fit a u64 (9 999 999 999 999 999 999 < 2^64).
        let m = if body.len() <= 9 {
            // Pairs are below 0x80 and BAD is not: OR-ing them checks every byte with
            // no branch in the loop (the sum may wrap then, and is thrown away).
            let mut v = 0u64;
            let mut bad = 0u8;
            for &b in body {
                let p = PAIRS[usize::from(b)];
                bad |= p;
                v = v.wrapping_mul(100).wrapping_add(u64::from(p));
            }
            if bad & 0x80 != 0 {
                return None;
            }
            i128::from(v * 10 + u64::from(hi))
        } else {
            let mut v = 0i128;
            for &b in body {
                let p = PAIRS[usize::from(b)];
                if p == BAD {
                    return None;
                }
                v = v.checked_mul(100)?.checked_add(i128::from(p))?;
            }
            v.checked_mul(10)?.checked_add(i128::from(hi))?
        };
        Some(if negative { -m } else { m })
    }
}

/// How one zoned item reads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Zoned {
    pub signed: bool,
    pub sign: SignPosition,
    pub ebcdic: bool,
}

impl Zoned {
    fn zero(self) -> u8 {
        if self.ebcdic {
            0xF0
        } else {
            b'0'
        }
    }

    /// An overpunched byte's digit and sign, by `zoned::decode`'s rules.
    #[inline]
    fn overpunch(self, b: u8) -> Option<(u8, bool)> {
        if self.ebcdic {
            let d = b & 0x0F;
            if d > 9 {
                return None;
            }
            return match b >> 4 {
                0xC | 0xA | 0xE | 0xF => Some((d, false)),
                0xD | 0xB => Some((d, true)),
                _ => None,
            };
        }
        match b {
            b'0'..=b'9' => Some((b - b'0', false)),
            b'{' => Some((0, false)),
            b'A'..=b'I' => Some((b - b'A' + 1, false)),
            b'}' => Some((0, true)),
            b'J'..=b'R' => Some((b - b'J' + 1, true)),
            b'p'..=b'y' => Some((b - b'p', true)),
            _ => None,
        }
    }

    /// The signed integer of a zoned item's digits (as many as its bytes hold, less a
    /// separate sign byte).
    #[inline]
    pub fn read(self, bytes: &[u8]) -> Option<i128> {
        let zero = self.zero();
        let (digits, negative) = match (self.sign, self.signed) {
            (SignPosition::TrailingSeparate, _) => {
                let (&s, d) = bytes.split_last()?;
                (d, self.separate(s)?)
            }
            (SignPosition::LeadingSeparate, _) => {
                let (&s, d) = bytes.split_first()?;
                (d, self.separate(s)?)
            }
            (_, false) => (bytes, false),
            (SignPosition::TrailingOverpunch, true) => {
                let (&o, d) = bytes.split_last()?;
                let (digit, negative) = self.overpunch(o)?;
                let v = plain(d, zero)?;
                let v = v.checked_mul(10)?.checked_add(i128::from(digit))?;
                return Some(if negative { -v } else { v });
            }
            (SignPosition::LeadingOverpunch, true) => {
                let (&o, d) = bytes.split_first()?;
                let (digit, negative) = self.overpunch(o)?;
                let scale = 10i128.checked_pow(u32::try_from(d.len()).ok()?)?;
                let v = i128::from(digit)
                    .checked_mul(scale)?
                    .checked_add(plain(d, zero)?)?;
                return Some(if negative { -v } else { v });
            }
        };
        if negative && !self.signed {
            return None;
        }
        let v = plain(digits, zero)?;
        Some(if negative { -v } else { v })
    }

    /// A separate sign byte: `+` or `-` in the code page.
    fn separate(self, b: u8) -> Option<bool> {
        let (plus, minus) = if self.ebcdic {
            (0x4E, 0x60)
        } else {
            (b'+', b'-')
        };
        match b {
            _ if b == plus => Some(false),
            _ if b == minus => Some(true),
            _ => None,
        }
    }
}

/// Plain digit bytes (`zero`..`zero + 9`) as an integer.
#[inline]
fn plain(digits: &[u8], zero: u8) -> Option<i128> {
    if digits.len() <= 19 {
        let mut v = 0u64;
        let mut worst = 0u8;
        for &b in digits {
            let d = b.wrapping_sub(zero);
            worst = worst.max(d);
            v = v.wrapping_mul(10).wrapping_add(u64::from(d));
        }
        return (worst <= 9).then_some(i128::from(v));
    }
    let mut v = 0i128;
    for &b in digits {
        let d = b.wrapping_sub(zero);
        if d > 9 {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(i128::from(d))?;
    }
    Some(v)
}

/// How one binary (COMP, COMP-4, COMP-5, COMP-X) item reads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Binary {
    pub signed: bool,
    pub endian: Endian,
    /// TRUNC holds values to the PIC: the magnitude must be below this (10^digits).
    pub below: Option<u128>,
}

impl Binary {
    /// The stored integer: 1 to 8 bytes, two's complement when signed.
    #[inline]
    pub fn read(self, bytes: &[u8]) -> Option<i128> {
        if bytes.is_empty() || bytes.len() > 8 {
            return None;
        }
        let mut raw = 0u64;
        match self.endian {
            Endian::Big => bytes.iter().for_each(|&b| raw = (raw << 8) | u64::from(b)),
            Endian::Little => bytes
                .iter()
                .rev()
                .for_each(|&b| raw = (raw << 8) | u64::from(b)),
        }
        let v = if self.signed {
            let bits = 8 * bytes.len() as u32;
            i128::from(((raw << (64 - bits)) as i64) >> (64 - bits))
        } else {
            i128::from(raw)
        };
        match self.below {
            Some(limit) if v.unsigned_abs() >= limit => None,
            _ => Some(v),
        }
    }
}
