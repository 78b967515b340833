//! RFC 3339 UTC timestamps with milliseconds (`2024-03-01T12:34:56.789Z`), without a date crate.

use std::time::{SystemTime, UNIX_EPOCH};

/// Formats `t` as RFC 3339 UTC with milliseconds; times before 1970 clamp to the epoch
/// (an audit clock that far off is a misconfiguration, not a date to print).
pub fn rfc3339_ms(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs();
    let ms = d.subsec_millis();
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, day) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{day:02}T{:02}:{:02}:{:02}.{ms:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
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
        rfc3339_ms(UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_millis(ms))
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
    fn before_epoch_clamps() {
        // A clock set before 1970 prints the epoch rather than panicking.
        let t = UNIX_EPOCH - Duration::from_secs(10);
        assert_eq!(rfc3339_ms(t), "1970-01-01T00:00:00.000Z");
    }
}
