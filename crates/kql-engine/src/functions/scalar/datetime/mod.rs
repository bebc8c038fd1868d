//! KQL datetime and timespan functions: binning, calendar periods, parts, arithmetic,
//! formatting, construction, and time-zone conversion for fixed-offset zones. `now()`/`ago()`
//! are planned as literals from the pinned query time, and `totimespan()`/`todatetime()` live
//! with the conversions.

pub(crate) mod arith;
pub(crate) mod bin;
pub(crate) mod calendar;
pub(crate) mod format;
pub(crate) mod make;
pub(crate) mod parts;
pub(crate) mod startof;
pub(crate) mod timezone;

use datafusion::logical_expr::ScalarUDF;

/// Every function of this group.
pub fn all() -> Vec<ScalarUDF> {
    let mut all = vec![
        bin::kql_bin(),
        bin::kql_bin_at(),
        startof::kql_startofday(),
        startof::kql_startofweek(),
        startof::kql_startofmonth(),
        startof::kql_startofyear(),
        startof::kql_endofday(),
        startof::kql_endofweek(),
        startof::kql_endofmonth(),
        startof::kql_endofyear(),
        arith::kql_datetime_add(),
        arith::kql_datetime_diff(),
        parts::kql_datetime_part(),
        parts::kql_dayofweek(),
        parts::kql_dayofmonth(),
        parts::kql_dayofyear(),
        parts::kql_hourofday(),
        parts::kql_getmonth(),
        parts::kql_monthofyear(),
        parts::kql_getyear(),
        format::kql_format_datetime(),
        format::kql_format_timespan(),
        make::kql_make_datetime(),
        make::kql_make_timespan(),
        make::kql_unixtime_seconds_todatetime(),
        make::kql_unixtime_milliseconds_todatetime(),
        make::kql_unixtime_microseconds_todatetime(),
        make::kql_unixtime_nanoseconds_todatetime(),
        timezone::kql_datetime_utc_to_local(),
        timezone::kql_datetime_local_to_utc(),
    ];
    all.extend(parts::kql_week_of_year());
    all
}
