#![allow(clippy::unwrap_used)] // tests may unwrap

use super::*;
use crate::numeric::text;
use proptest::prelude::*;

/// The digit word of ASCII digits.
fn word(digits: &[u8]) -> u128 {
    digits
        .iter()
        .fold(0u128, |w, &c| w << 8 | u128::from(c - b'0'))
}

fn general(negative: bool, digits: &[u8], scale: i16) -> Vec<u8> {
    let lead = digits.iter().take_while(|&&c| c == b'0').count();
    let mut out = b"x".to_vec();
    text::write_number(negative, &digits[lead..], scale, &mut out);
    out
}

fn fast(negative: bool, digits: &[u8], scale: i16) -> Option<Vec<u8>> {
    let mut out = b"x".to_vec();
    write_number(negative, word(digits), scale, &mut out).then_some(out)
}

#[test]
fn writes_what_the_general_writer_writes() {
    // Integer, fraction, both, leading zeros, all zeros, fewer digits than the scale.
    for (digits, scale) in [
        (&b"12345"[..], 0),
        (b"12345", 2),
        (b"00012345", 2),
        (b"000", 2),
        (b"000", 0),
        (b"5", 3),
        (b"0000000000000", 14),
        (b"999999999999999", 14),
        (b"9999999999999999", 15),
        (b"1000000000000000", 0),
        (b"12", 15),
        (b"", 0),
        (b"", 3),
    ] {
        for negative in [false, true] {
            assert_eq!(
                fast(negative, digits, scale),
                Some(general(negative, digits, scale)),
                "{:?} scale {scale}",
                std::str::from_utf8(digits)
            );
        }
    }
}

#[test]
fn leaves_odd_scales_to_the_general_writer() {
    // A negative scale or one above 15: nothing written, false.
    let mut out = b"x".to_vec();
    assert!(!write_number(false, word(b"12"), -1, &mut out));
    assert!(!write_number(true, word(b"12"), 16, &mut out));
    assert_eq!(out, b"x");
}

#[test]
fn loads_any_length_big_endian() {
    // Every length 0..=16 through the 8/4/2/1-byte loads.
    let bytes: Vec<u8> = (1..=16).collect();
    for n in 0..=16 {
        let want = bytes[..n]
            .iter()
            .fold(0u128, |w, &b| w << 8 | u128::from(b));
        assert_eq!(load(&bytes[..n]), want, "n {n}");
    }
}

#[test]
fn digit_check_and_nibble_spread() {
    // 9 passes, 10, 0x7F, 0x80 and 0xFF fail, in any byte.
    assert!(all_digits(ONES * 9));
    for bad in [10u8, 0x7F, 0x80, 0xFF] {
        for at in [0, 7, 15] {
            assert!(!all_digits(
                ((ONES * 9) & !(0xFF << (8 * at))) | (u128::from(bad) << (8 * at))
            ));
        }
    }
    assert_eq!(spread_nibbles(0x1234), 0x01_02_03_04);
    assert_eq!(
        spread_nibbles(0xFEDC_BA98_7654_3210),
        0x0F0E_0D0C_0B0A_0908_0706_0504_0302_0100
    );
}

proptest! {
    #[test]
    fn agrees_with_the_general_writer(
        digits in proptest::collection::vec(
            prop_oneof![3 => Just(b'0'), 7 => b'0'..=b'9'], 0..=16),
        scale in -2i16..17,
        negative: bool,
    ) {
        let want = general(negative, &digits, scale);
        match fast(negative, &digits, scale) {
            Some(got) => prop_assert_eq!(got, want),
            // Only the shapes it is documented to leave alone.
            None => prop_assert!(!(0..=15).contains(&scale)),
        }
    }

    #[test]
    fn all_digits_is_exact(bytes in proptest::collection::vec(
        prop_oneof![6 => 0u8..10, 1 => any::<u8>()], 16)) {
        let w = load(&bytes);
        prop_assert_eq!(all_digits(w), bytes.iter().all(|&b| b <= 9));
    }
}

proptest! {
    #[test]
    fn digits_of_gives_the_digit_word(m in 0u64..10_000_000_000_000_000) {
        // The word of the number's own ASCII digits.
        prop_assert_eq!(digits_of(m), word(m.to_string().as_bytes()));
    }
}

#[test]
fn digits_of_at_the_edges() {
    // Zero, every power of ten and the largest value a word holds.
    for m in [0u64, 9, 10, 99_999_999, 100_000_000, 9_999_999_999_999_999] {
        assert_eq!(digits_of(m), word(m.to_string().as_bytes()), "{m}");
    }
    for p in 0..16 {
        let t = 10u64.pow(p);
        assert_eq!(digits_of(t), word(t.to_string().as_bytes()), "{t}");
        assert_eq!(
            digits_of(t - 1),
            word((t - 1).to_string().as_bytes()),
            "{t}"
        );
    }
}
