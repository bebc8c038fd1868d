//! Datetime and timespan literals as nanoseconds, parsed exactly as `todatetime()` and
//! `totimespan()` parse text, so that a literal and a conversion never disagree.

use crate::functions::scalar::conversion::text;

/// A timespan literal in nanoseconds: `5d`, `1.5h`, `30m`, `10s`, `100ms`, `10microsecond`,
/// `3tick`, or the `[-][d.]hh:mm[:ss[.fffffff]]` form used inside `time(...)`/`timespan(...)`.
pub fn parse_timespan(text: &str) -> Option<i64> {
    text::parse_timespan(text)
}

/// A datetime literal as nanoseconds since the Unix epoch (UTC): `2024-01-02`,
/// `2024-01-02T03:04:05.1234567Z`, `2024-01-02 03:04`, `01/16/2022 08:00 AM`, RFC 822..., with
/// an optional `Z` or `+hh:mm` offset.
pub fn parse_datetime(text: &str) -> Option<i64> {
    text::parse_datetime(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NANOS_PER_SECOND: i64 = 1_000_000_000;

    #[test]
    fn timespans_in_every_form() {
        assert_eq!(parse_timespan("5d"), Some(5 * 86_400 * NANOS_PER_SECOND));
        assert_eq!(parse_timespan("1.5h"), Some(5_400 * NANOS_PER_SECOND));
        assert_eq!(parse_timespan("100ms"), Some(100_000_000));
        assert_eq!(parse_timespan("3tick"), Some(300));
        assert_eq!(parse_timespan("1.02:03:04.5"), Some(((26 * 60 + 3) * 60 + 4) * NANOS_PER_SECOND + 500_000_000));
        assert_eq!(parse_timespan("00:05:00"), Some(300 * NANOS_PER_SECOND));
        assert_eq!(parse_timespan("-00:00:01"), Some(-NANOS_PER_SECOND));
        assert_eq!(parse_timespan("2"), Some(2 * 86_400 * NANOS_PER_SECOND));
        assert_eq!(parse_timespan("5x"), None);
    }

    #[test]
    fn datetimes_in_every_form() {
        assert_eq!(parse_datetime("1970-01-01"), Some(0));
        assert_eq!(parse_datetime("2024-01-02T03:04:05Z"), Some(1_704_164_645 * NANOS_PER_SECOND));
        assert_eq!(parse_datetime("2024-01-02 03:04:05"), Some(1_704_164_645 * NANOS_PER_SECOND));
        assert_eq!(
            parse_datetime("2024-01-02T03:04:05.1234567Z"),
            Some(1_704_164_645 * NANOS_PER_SECOND + 123_456_700)
        );
        assert_eq!(parse_datetime("2024-01-02T05:04:05+02:00"), Some(1_704_164_645 * NANOS_PER_SECOND));
        assert_eq!(parse_datetime("2024-02-30"), None);
        assert_eq!(parse_datetime("2024-13-01"), None);
    }
}
