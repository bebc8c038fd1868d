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

/// Sorts `values`, which are spread about evenly over `lo..hi` (uniform draws): a counting
/// pass into one bucket per value, then an insertion sort that has only each bucket's few
/// values to order. The result is what `sort_unstable` gives (the values are plain
/// integers), in linear time: a comparison sort of each time slice's draws cost 1% of
/// generation. A value outside `lo..hi` goes to the last bucket (the insertion sort still
/// puts it in place). `scratch` is working memory (the two are swapped).
pub fn sort_spread(values: &mut Vec<i64>, lo: i64, hi: i64, scratch: &mut Vec<i64>) {
    let n = values.len();
    let width = hi.saturating_sub(lo) as u64;
    if n < 32 || n as u64 >= width {
        values.sort_unstable();
        return;
    }
    // bucket(v) = floor((v - lo) * n / width), by one multiplication (it is only needed to
    // grow with v and stay below n); `scale` < 2^64 as n < width.
    let scale = (((n as u128) << 64) / width as u128) as u64;
    let last = n - 1;
    let bucket = |v: i64| ((((v.wrapping_sub(lo)) as u64 as u128 * scale as u128) >> 64) as usize).min(last);
    // starts[b]: where bucket b's values go.
    let mut starts = vec![0u32; n + 1];
    for &v in values.iter() {
        starts[bucket(v) + 1] += 1;
    }
    for b in 1..=n {
        starts[b] += starts[b - 1];
    }
    scratch.clear();
    scratch.resize(n, 0);
    for &v in values.iter() {
        let b = bucket(v);
        scratch[starts[b] as usize] = v;
        starts[b] += 1;
    }
    // Buckets are in order: only values within one bucket can be out of order.
    for i in 1..n {
        let v = scratch[i];
        let mut j = i;
        while j > 0 && scratch[j - 1] > v {
            scratch[j] = scratch[j - 1];
            j -= 1;
        }
        scratch[j] = v;
    }
    std::mem::swap(values, scratch);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_spread_sorts_like_sort_unstable() {
        let mut rng = crate::rng::Rng::new(5, 5);
        let mut scratch = Vec::new();
        for (n, lo, hi) in [
            (0, 0, 10),
            (1, 5, 6),
            (31, 0, 1000),
            (32, 0, 1000),
            (1000, -500, 500),
            (5000, 0, 7),
            (4000, 1 << 40, (1 << 40) + HOUR),
        ] {
            let mut values: Vec<i64> = (0..n).map(|_| lo + rng.below((hi - lo) as u64) as i64).collect();
            // Not spread evenly: every value in one corner.
            if n == 1000 {
                values.iter_mut().for_each(|v| *v = lo + (*v - lo) / 100);
            }
            let mut want = values.clone();
            want.sort_unstable();
            sort_spread(&mut values, lo, hi, &mut scratch);
            assert_eq!(values, want, "{n} values in {lo}..{hi}");
        }
        // Values outside the range are still put in place.
        let mut values: Vec<i64> = (0..100).rev().map(|v| v * 7 - 300).collect();
        let mut want = values.clone();
        want.sort_unstable();
        sort_spread(&mut values, 0, 1000, &mut scratch);
        assert_eq!(values, want);
    }

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
