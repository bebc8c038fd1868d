//! Datetime arithmetic and formatting: nanoseconds since the Unix epoch, UTC.

/// Nanoseconds in a second, minute, hour and day.
pub const SECOND: i64 = 1_000_000_000;
/// One minute.
pub const MINUTE: i64 = 60 * SECOND;
/// One hour.
pub const HOUR: i64 = 60 * MINUTE;
/// One day.
pub const DAY: i64 = 24 * HOUR;

/// The civil date of a day number since 1970-01-01.
pub use quarry_data::values::civil_from_days as civil;

/// .NET ticks (100 ns) between 0001-01-01 and 1970-01-01.
const TICKS_AT_EPOCH: i64 = 621_355_968_000_000_000;

/// The parts of a time: (year, month, day, hour, minute, second, nanosecond).
pub fn parts(ns: i64) -> (i64, u32, u32, u32, u32, u32, u32) {
    let days = ns.div_euclid(DAY);
    let rem = ns.rem_euclid(DAY);
    let (y, m, d) = civil(days);
    let secs = rem / SECOND;
    (y, m, d, (secs / 3600) as u32, (secs / 60 % 60) as u32, (secs % 60) as u32, (rem % SECOND) as u32)
}

/// Appends ISO-8601 UTC with `Z` and up to seven fractional digits, trailing zeros trimmed, as
/// Defender writes datetimes (`2024-05-01T10:00:00.5Z`).
pub fn write_iso(out: &mut String, ns: i64) {
    let (y, mo, d, h, mi, s, frac) = parts(ns);
    push_num(out, y.clamp(0, 9999) as u32, 4);
    out.push('-');
    push_num(out, mo, 2);
    out.push('-');
    push_num(out, d, 2);
    out.push('T');
    push_num(out, h, 2);
    out.push(':');
    push_num(out, mi, 2);
    out.push(':');
    push_num(out, s, 2);
    let mut ticks = frac / 100;
    if ticks > 0 {
        let mut digits = 7;
        while ticks % 10 == 0 {
            ticks /= 10;
            digits -= 1;
        }
        out.push('.');
        push_num(out, ticks, digits);
    }
    out.push('Z');
}

/// ISO-8601 text of a time.
pub fn iso(ns: i64) -> String {
    let mut s = String::with_capacity(28);
    write_iso(&mut s, ns);
    s
}

/// .NET ticks of a time (Defender's 18-digit DeviceInfo ReportIds are of this size).
pub fn ticks(ns: i64) -> i64 {
    TICKS_AT_EPOCH + ns / 100
}

/// `YYYY-MM-DD` of a time.
pub fn day_text(ns: i64) -> String {
    let (y, m, d) = civil(ns.div_euclid(DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

fn push_num(out: &mut String, mut v: u32, width: usize) {
    let mut buf = [b'0'; 10];
    for i in (0..width).rev() {
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    // The buffer holds ASCII digits only.
    out.push_str(std::str::from_utf8(&buf[..width]).unwrap_or("0"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_defender() {
        // 2024-05-01T10:00:00Z
        let t = 1_714_557_600 * SECOND;
        assert_eq!(iso(t), "2024-05-01T10:00:00Z");
        assert_eq!(iso(t + 500_000_000), "2024-05-01T10:00:00.5Z");
        assert_eq!(iso(t + 123_456_700), "2024-05-01T10:00:00.1234567Z");
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(day_text(t), "2024-05-01");
        assert_eq!(iso(951_782_400 * SECOND), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn ticks_have_eighteen_digits_today() {
        assert_eq!(ticks(1_714_557_600 * SECOND).to_string().len(), 18);
    }
}
