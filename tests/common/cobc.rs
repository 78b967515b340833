//! GnuCOBOL as an oracle: the cobc flags that lay records out the IBM way, whether cobc is
//! there, and exact decimal comparison of what COBOL DISPLAYs with what Ferrule writes.
//!
//! `tests/cobol/README.md` explains every flag. (`tests/cobol_oracle.rs` keeps its own copy
//! of these for now; it can switch to this module.)

use std::process::Command;

/// cobc flags for IBM-like storage: IBM binary sizes (1-4 digits in 2 bytes, 5-9 in 4,
/// 10-18 in 8), big-endian COMP, sign and point shown by DISPLAY, no dialect config.
pub const COBC_FLAGS: &[&str] = &[
    "-std=default",
    "-fbinary-size=2-4-8",
    "-fbinary-byteorder=big-endian",
    "-fpretty-display",
    "-fsign=ASCII",
];

/// Whether `cobc` can be run; panics under CI (`CI=true`) when it cannot, because a
/// silently skipped oracle is no oracle.
pub fn cobc_available(what: &str) -> bool {
    let ok = Command::new("cobc")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!(
                "cobc (GnuCOBOL) is not installed but CI=true: {what} cannot run. \
                 Install GnuCOBOL 3.x (e.g. `apt-get install gnucobol3`)."
            );
        }
        eprintln!("note: cobc (GnuCOBOL) not found; skipping {what}");
    }
    ok
}

/// An exact decimal normalised for comparison: no leading zeros, no trailing zeros
/// (the scale absorbs them), and zero has no sign.
#[derive(Debug, PartialEq, Eq)]
pub struct Dec {
    pub negative: bool,
    pub digits: String,
    pub scale: i64,
}

impl Dec {
    /// Accepts COBOL's DISPLAY forms (`-00012.50`, `00012.50-`, `+.5`, `   -12300`) and
    /// JSON numbers (`-12.50`, `1.5E+3`).
    pub fn parse(s: &str) -> Option<Dec> {
        let mut s = s.trim();
        let mut negative = false;
        if let Some(r) = s.strip_prefix('-') {
            negative = true;
            s = r;
        } else if let Some(r) = s.strip_prefix('+') {
            s = r;
        } else if let Some(r) = s.strip_suffix('-') {
            negative = true;
            s = r;
        } else if let Some(r) = s.strip_suffix('+') {
            s = r;
        }
        let (mantissa, exp) = match s.split_once(['e', 'E']) {
            Some((m, e)) => (m, e.parse::<i64>().ok()?),
            None => (s, 0),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
            return None;
        }
        let all = format!("{int}{frac}");
        let mut scale = frac.len() as i64 - exp;
        let mut digits = all.trim_start_matches('0').to_string();
        while digits.ends_with('0') {
            digits.pop();
            scale -= 1;
        }
        if digits.is_empty() {
            return Some(Dec {
                negative: false,
                digits,
                scale: 0,
            });
        }
        Some(Dec {
            negative,
            digits,
            scale,
        })
    }
}

/// Digits after the decimal point (before any exponent).
pub fn fraction_digits(s: &str) -> usize {
    let s = s.trim();
    let mantissa = s.split(['e', 'E']).next().unwrap_or(s);
    mantissa
        .split_once('.')
        .map_or(0, |(_, f)| f.chars().filter(char::is_ascii_digit).count())
}
