//! The current UTC time as a legacy host writes it: `YYYYMMDDhhmmss` digits, the calendar
//! from the `time` crate (the audit log's timestamps use the same).

use std::time::{SystemTime, UNIX_EPOCH};

use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::OffsetDateTime;

const DIGITS: &[BorrowedFormatItem<'static>] =
    format_description!("[year][month][day][hour][minute][second]");

/// Now, as `YYYYMMDDhhmmss`.
pub fn now_digits() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    digits_at(secs)
}

/// A Unix time as `YYYYMMDDhhmmss` (UTC). Past the year 9999 (a host clock that far off
/// is wrong, and the field has four year digits) it clamps to 9999's last second.
pub fn digits_at(unix_secs: u64) -> String {
    let at = i64::try_from(unix_secs)
        .ok()
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
        .unwrap_or(LAST);
    // Formatting a four-digit year with numeric components cannot fail.
    at.format(DIGITS)
        .unwrap_or_else(|_| "99991231235959".to_string())
}

/// The last second a four-digit year holds.
const LAST: OffsetDateTime = time::macros::datetime!(9999-12-31 23:59:59 UTC);

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
    fn far_future_clamps() {
        // Year 10000 and u64::MAX seconds: fourteen digits, no panic.
        assert_eq!(digits_at(253_402_300_800), "99991231235959");
        assert_eq!(digits_at(u64::MAX), "99991231235959");
    }

    #[test]
    fn now_has_fourteen_digits() {
        // Whatever the clock says, the shape is fixed.
        let n = now_digits();
        assert_eq!(n.len(), 14);
        assert!(n.bytes().all(|b| b.is_ascii_digit()));
    }
}
