//! The current UTC time as a legacy host writes it: `YYYYMMDDhhmmss` digits.

use std::time::{SystemTime, UNIX_EPOCH};

/// Now, as `YYYYMMDDhhmmss`.
pub fn now_digits() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    digits_at(secs)
}

/// A Unix time as `YYYYMMDDhhmmss` (UTC).
pub fn digits_at(unix_secs: u64) -> String {
    let days = (unix_secs / 86_400) as i64;
    let rem = unix_secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm:
/// count in 400-year eras that start on 1 March, so leap days fall at the end).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        // The epoch, a leap day, and the last second of a century leap year.
        assert_eq!(digits_at(0), "19700101000000");
        assert_eq!(digits_at(951_782_400), "20000229000000");
        assert_eq!(digits_at(978_307_199), "20001231235959");
        assert_eq!(digits_at(1_718_101_800), "20240611103000");
    }

    #[test]
    fn now_has_fourteen_digits() {
        // Whatever the clock says, the shape is fixed.
        let n = now_digits();
        assert_eq!(n.len(), 14);
        assert!(n.bytes().all(|b| b.is_ascii_digit()));
    }
}
