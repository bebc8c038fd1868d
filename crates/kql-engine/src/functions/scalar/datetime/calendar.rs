//! Proleptic Gregorian calendar arithmetic on nanoseconds since the Unix epoch (UTC), the
//! carrier of KQL `datetime`. Kusto counts 100 ns ticks from 0001-01-01; these helpers work on
//! the same calendar, limited to the instants an `i64` of nanoseconds can hold (1677 to 2262).

/// Nanoseconds per unit.
pub(crate) const NS_PER_TICK: i64 = 100;
pub(crate) const NS_PER_MICRO: i64 = 1_000;
pub(crate) const NS_PER_MILLI: i64 = 1_000_000;
pub(crate) const NS_PER_SEC: i64 = 1_000_000_000;
pub(crate) const NS_PER_MIN: i64 = 60 * NS_PER_SEC;
pub(crate) const NS_PER_HOUR: i64 = 60 * NS_PER_MIN;
pub(crate) const NS_PER_DAY: i64 = 24 * NS_PER_HOUR;

/// Days from 0001-01-01 to 1970-01-01: converts Unix nanoseconds to Kusto ticks.
pub(crate) const DAYS_0001_TO_1970: i64 = 719_162;

/// Days since 1970-01-01 of the civil date `y-m-d` (month 1..=12, day 1..=31, not checked).
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date `(year, month, day)` of `days` since 1970-01-01.
pub(crate) use quarry_data::values::civil_from_days;

/// True for Gregorian leap years.
pub(crate) fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// The number of days in month `m` of year `y`.
pub(crate) fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// A datetime split into its calendar fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// Nanoseconds within the second.
    pub nanos: u32,
    /// Days since 1970-01-01.
    pub days: i64,
}

impl Civil {
    /// Splits `ns` (nanoseconds since the Unix epoch).
    pub fn from_ns(ns: i64) -> Civil {
        let days = ns.div_euclid(NS_PER_DAY);
        let in_day = ns.rem_euclid(NS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        let secs = in_day / NS_PER_SEC;
        Civil {
            year,
            month,
            day,
            hour: (secs / 3600) as u32,
            minute: (secs / 60 % 60) as u32,
            second: (secs % 60) as u32,
            nanos: (in_day % NS_PER_SEC) as u32,
            days,
        }
    }

    /// Day of the week, 0 for Sunday to 6 for Saturday.
    pub fn weekday(&self) -> u32 {
        weekday(self.days)
    }

    /// Day of the year, 1 to 366.
    pub fn day_of_year(&self) -> u32 {
        (self.days - days_from_civil(self.year, 1, 1) + 1) as u32
    }

    /// The ISO 8601 week number (weeks start on Monday; week 1 holds the year's first Thursday).
    pub fn iso_week(&self) -> u32 {
        iso_week(self.days)
    }
}

/// Day of the week of `days` since 1970-01-01 (a Thursday), 0 for Sunday.
pub(crate) fn weekday(days: i64) -> u32 {
    (days + 4).rem_euclid(7) as u32
}

/// The ISO 8601 week number of `days` since 1970-01-01.
pub(crate) fn iso_week(days: i64) -> u32 {
    // Monday-based weekday, 1..=7.
    let iso_wd = i64::from((weekday(days) + 6) % 7 + 1);
    // The Thursday of this ISO week decides its year.
    let thursday = days - iso_wd + 4;
    let (y, _, _) = civil_from_days(thursday);
    ((thursday - days_from_civil(y, 1, 1)) / 7 + 1) as u32
}

/// Nanoseconds since the Unix epoch of a civil date and time, or `None` when out of range.
pub(crate) fn ns_from_parts(y: i64, m: u32, d: u32, hh: u32, mm: u32, ss: u32, nanos: u32) -> Option<i64> {
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) || hh > 23 || mm > 59 || ss > 59 {
        return None;
    }
    let days = i128::from(days_from_civil(y, m, d));
    let total = days * i128::from(NS_PER_DAY)
        + i128::from(hh) * i128::from(NS_PER_HOUR)
        + i128::from(mm) * i128::from(NS_PER_MIN)
        + i128::from(ss) * i128::from(NS_PER_SEC)
        + i128::from(nanos);
    i64::try_from(total).ok()
}

/// Years beyond this distance from 1970 are far outside the `i64` nanosecond range; rejecting
/// them early keeps the calendar arithmetic from overflowing.
const MAX_YEAR_SPAN: i64 = 1_000_000;

/// Days since 1970-01-01 of `y-m-1`, `None` for absurd years.
fn month_start_days(y: i64, m: u32) -> Option<i64> {
    (-MAX_YEAR_SPAN..=MAX_YEAR_SPAN).contains(&y).then(|| days_from_civil(y, m, 1))
}

/// Nanoseconds since the Unix epoch of midnight on `days` since 1970-01-01, `None` on overflow.
pub(crate) fn ns_from_days(days: i64) -> Option<i64> {
    days.checked_mul(NS_PER_DAY)
}

/// `ns` moved by `months` calendar months, keeping the time of day and clamping the day to the
/// target month's length (as .NET `AddMonths`, which Kusto uses).
pub(crate) fn add_months(ns: i64, months: i64) -> Option<i64> {
    let c = Civil::from_ns(ns);
    let total = c.year.checked_mul(12)?.checked_add(i64::from(c.month) - 1)?.checked_add(months)?;
    let (y, m) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u32);
    let d = c.day.min(days_in_month(y, m));
    let in_day = ns.rem_euclid(NS_PER_DAY);
    ns_from_days(month_start_days(y, m)? + i64::from(d) - 1)?.checked_add(in_day)
}

/// Midnight starting the month `months` after the month of `ns`.
pub(crate) fn start_of_month(ns: i64, months: i64) -> Option<i64> {
    let c = Civil::from_ns(ns);
    let total = c.year.checked_mul(12)?.checked_add(i64::from(c.month) - 1)?.checked_add(months)?;
    ns_from_days(month_start_days(total.div_euclid(12), (total.rem_euclid(12) + 1) as u32)?)
}

/// Midnight starting the year `years` after the year of `ns`.
pub(crate) fn start_of_year(ns: i64, years: i64) -> Option<i64> {
    let c = Civil::from_ns(ns);
    ns_from_days(month_start_days(c.year.checked_add(years)?, 1)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trips() {
        for days in [-719_162_i64, -1, 0, 1, 59, 365, 10_957, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{days}");
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-719_162), (1, 1, 1));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn weekdays_and_iso_weeks() {
        // 1970-01-01 was a Thursday.
        assert_eq!(weekday(0), 4);
        // https://learn.microsoft.com/en-us/kusto/query/week-of-year-function examples.
        assert_eq!(iso_week(days_from_civil(2020, 12, 31)), 53);
        assert_eq!(iso_week(days_from_civil(2020, 6, 15)), 25);
        assert_eq!(iso_week(days_from_civil(1970, 1, 1)), 1);
        assert_eq!(iso_week(days_from_civil(2000, 1, 1)), 52);
        assert_eq!(iso_week(days_from_civil(2017, 10, 30)), 44);
    }

    #[test]
    fn month_arithmetic_clamps_the_day() {
        let jan31 = ns_from_parts(2024, 1, 31, 10, 0, 0, 0).unwrap();
        assert_eq!(add_months(jan31, 1), ns_from_parts(2024, 2, 29, 10, 0, 0, 0));
        assert_eq!(add_months(jan31, -2), ns_from_parts(2023, 11, 30, 10, 0, 0, 0));
        assert_eq!(start_of_month(jan31, 13), ns_from_parts(2025, 2, 1, 0, 0, 0, 0));
        assert_eq!(start_of_year(jan31, -1), ns_from_parts(2023, 1, 1, 0, 0, 0, 0));
        assert_eq!(ns_from_parts(2023, 2, 29, 0, 0, 0, 0), None);
        assert_eq!(ns_from_parts(3000, 1, 1, 0, 0, 0, 0), None);
        // Absurd offsets give None instead of overflowing.
        assert_eq!(add_months(0, i64::MAX / 2), None);
        assert_eq!(add_months(0, i64::MIN / 2), None);
        assert_eq!(start_of_month(0, i64::MAX - 100), None);
        assert_eq!(start_of_year(0, i64::MAX - 5000), None);
    }
}
