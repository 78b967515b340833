//! RFC 3339 UTC timestamps with milliseconds (`2024-03-01T12:34:56.789Z`): the calendar
//! from the `time` crate, the digits written into a fixed buffer on the stack.
//!
//! Measured with `examples/stamp_bench.rs`: `time`'s own formatter (`format_into` with a
//! compile-time description) cost about 2.5 times the hand-written stamp on this hot path
//! (one per audit line), so only the date comes from the crate; the digits are ours.

use std::time::{SystemTime, UNIX_EPOCH};

use time::Date;

/// Julian day number of 1970-01-01.
const UNIX_EPOCH_JULIAN_DAY: i64 = 2_440_588;

/// What every stamp starts from; the epoch is also what a time before it prints.
const EPOCH: [u8; 24] = *b"1970-01-01T00:00:00.000Z";

/// The last millisecond a four-digit year holds: what a time past it prints.
const LAST: [u8; 24] = *b"9999-12-31T23:59:59.999Z";

/// An RFC 3339 UTC timestamp with milliseconds, formatted on the stack: one per audit
/// line, so it avoids the formatting machinery and an allocation.
pub struct Stamp([u8; 24]);

impl Stamp {
    /// `t` as `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC). Times before 1970 clamp to the epoch and
    /// times past 9999 to its last millisecond: an audit clock that far off is a
    /// misconfiguration, not a date to print, and the stamp keeps its fixed width.
    pub fn of(t: SystemTime) -> Stamp {
        let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
        let secs = d.as_secs();
        let date = i64::try_from(secs / 86_400)
            .ok()
            .and_then(|days| days.checked_add(UNIX_EPOCH_JULIAN_DAY))
            .and_then(|jd| i32::try_from(jd).ok())
            .and_then(|jd| Date::from_julian_day(jd).ok());
        let Some(date) = date else {
            return Stamp(LAST);
        };
        let (year, month, day) = date.to_calendar_date();
        let Ok(year) = u64::try_from(year) else {
            return Stamp(EPOCH);
        };
        let rem = secs % 86_400;
        let mut b = EPOCH;
        digits(&mut b[0..4], year);
        digits(&mut b[5..7], u64::from(u8::from(month)));
        digits(&mut b[8..10], u64::from(day));
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
    fn sub_millisecond_time_is_cut_not_rounded() {
        // 123.9999 ms is written as .123, as the hand-written stamp did.
        let t = UNIX_EPOCH + Duration::from_nanos(1_709_251_200_123_999_999);
        assert_eq!(Stamp::of(t).as_str(), "2024-03-01T00:00:00.123Z");
    }

    #[test]
    fn far_future_clamps_to_the_last_four_digit_year() {
        // Year 10000 (and the largest SystemTime offsets): the fixed-width stamp keeps
        // 9999's last millisecond, never panics.
        assert_eq!(at(253_402_300_800, 0), "9999-12-31T23:59:59.999Z");
        assert_eq!(at(u64::MAX / 2, 0), "9999-12-31T23:59:59.999Z");
        // The last millisecond of 9999 itself.
        assert_eq!(at(253_402_300_799, 999), "9999-12-31T23:59:59.999Z");
    }

    #[test]
    fn before_epoch_clamps() {
        // A clock set before 1970 prints the epoch rather than panicking.
        let t = UNIX_EPOCH - Duration::from_secs(10);
        assert_eq!(Stamp::of(t).as_str(), "1970-01-01T00:00:00.000Z");
    }
}
