//! RFC 3339 UTC timestamps with milliseconds (`2024-03-01T12:34:56.789Z`), without a date crate.

use std::time::{SystemTime, UNIX_EPOCH};

/// An RFC 3339 UTC timestamp with milliseconds, formatted on the stack: one per audit
/// line, so it avoids the formatting machinery and an allocation.
pub struct Stamp([u8; 24]);

impl Stamp {
    /// `t` as `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC). Times before 1970 clamp to the epoch (an
    /// audit clock that far off is a misconfiguration, not a date to print); years past
    /// 9999 keep only their last four digits (the clock is wrong long before that).
    pub fn of(t: SystemTime) -> Stamp {
        let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
        let secs = d.as_secs();
        let days = secs / 86_400;
        let rem = secs % 86_400;
        let (y, m, day) = civil_from_days(days);
        let mut b = *b"0000-00-00T00:00:00.000Z";
        digits(&mut b[0..4], y);
        digits(&mut b[5..7], m);
        digits(&mut b[8..10], day);
        digits(&mut b[11..13], rem / 3600);
        digits(&mut b[14..16], rem % 3600 / 60);
        digits(&mut b[17..19], rem % 60);
        digits(&mut b[20..23], u64::from(d.subsec_millis()));
        Stamp(b)
    }

    /// The timestamp as text.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits and separators are ever written.
        std::str::from_utf8(&self.0).unwrap_or("1970-01-01T00:00:00.000Z")
    }
}

/// Writes the low `out.len()` decimal digits of `n`, zero-padded.
fn digits(out: &mut [u8], mut n: u64) {
    for slot in out.iter_mut().rev() {
        // n % 10 < 10: always one ASCII digit.
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`, unsigned form since days are never negative here).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(secs: u64, ms: u64) -> String {
        let t = UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_millis(ms);
        Stamp::of(t).as_str().to_string()
    }

    #[test]
    fn known_instants() {
        // The epoch itself.
        assert_eq!(at(0, 0), "1970-01-01T00:00:00.000Z");
        // A leap day: 2024-02-29 23:59:59.999 UTC.
        assert_eq!(at(1_709_251_199, 999), "2024-02-29T23:59:59.999Z");
        // The day after, across a month boundary.
        assert_eq!(at(1_709_251_200, 1), "2024-03-01T00:00:00.001Z");
        // 2000-12-31 (day 366 of a leap century year).
        assert_eq!(at(978_220_800, 0), "2000-12-31T00:00:00.000Z");
    }

    #[test]
    fn far_future_keeps_four_year_digits() {
        // Year 10000 (day 2_932_897): the fixed-width stamp keeps `0000`, never panics.
        assert_eq!(at(253_402_300_800, 0), "0000-01-01T00:00:00.000Z");
        // The last millisecond of 9999.
        assert_eq!(at(253_402_300_799, 999), "9999-12-31T23:59:59.999Z");
    }

    #[test]
    fn before_epoch_clamps() {
        // A clock set before 1970 prints the epoch rather than panicking.
        let t = UNIX_EPOCH - Duration::from_secs(10);
        assert_eq!(Stamp::of(t).as_str(), "1970-01-01T00:00:00.000Z");
    }
}
