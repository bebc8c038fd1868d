//! Parts of a datetime. A null datetime gives null.
//!
//! - `dayofweek(date)`: the time since the preceding Sunday, as a timespan (`0.00:00:00` for a
//!   Sunday, `1.00:00:00` for a Monday): <https://learn.microsoft.com/en-us/kusto/query/dayofweek-function>
//! - `dayofmonth(date)`: <https://learn.microsoft.com/en-us/kusto/query/dayofmonth-function>
//! - `dayofyear(date)`: <https://learn.microsoft.com/en-us/kusto/query/dayofyear-function>
//! - `hourofday(date)`: <https://learn.microsoft.com/en-us/kusto/query/hourofday-function>
//! - `getmonth(date)`, `monthofyear(date)`: <https://learn.microsoft.com/en-us/kusto/query/getmonth-function>,
//!   <https://learn.microsoft.com/en-us/kusto/query/monthofyear-function>
//! - `getyear(date)`: <https://learn.microsoft.com/en-us/kusto/query/getyear-function>
//! - `week_of_year(date)`, deprecated alias `weekofyear`: the ISO 8601 week number
//!   <https://learn.microsoft.com/en-us/kusto/query/week-of-year-function>
//! - `datetime_part(part, date)`: <https://learn.microsoft.com/en-us/kusto/query/datetime-part-function>

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, Int32Array};
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::ScalarUDF;

use super::calendar::{Civil, NS_PER_DAY};
use crate::functions::scalar::conversion::udf::{Args, duration_array, ret, strs, times, udf};

fn int_part(args: &Args, f: fn(&Civil) -> i64) -> Result<ArrayRef> {
    let d = times(args.arg(0), "date")?;
    let out: Int32Array = (0..args.rows).map(|i| d.get(i).map(|ns| f(&Civil::from_ns(ns)) as i32)).collect();
    Ok(Arc::new(out))
}

macro_rules! part_fn {
    ($fn_name:ident, $name:literal, $part:expr, $doc:literal) => {
        #[doc = $doc]
        pub fn $fn_name() -> ScalarUDF {
            udf($name, 1..=1, ret::int, |args: &Args| int_part(args, $part)).build()
        }
    };
}

part_fn!(
    kql_dayofmonth,
    "kql_dayofmonth",
    |c| i64::from(c.day),
    "`kql_dayofmonth(datetime) -> Int32`, 1 to 31. <https://learn.microsoft.com/en-us/kusto/query/dayofmonth-function>"
);
part_fn!(
    kql_dayofyear,
    "kql_dayofyear",
    |c| i64::from(c.day_of_year()),
    "`kql_dayofyear(datetime) -> Int32`, 1 to 366. <https://learn.microsoft.com/en-us/kusto/query/dayofyear-function>"
);
part_fn!(
    kql_hourofday,
    "kql_hourofday",
    |c| i64::from(c.hour),
    "`kql_hourofday(datetime) -> Int32`, 0 to 23. <https://learn.microsoft.com/en-us/kusto/query/hourofday-function>"
);
part_fn!(
    kql_getmonth,
    "kql_getmonth",
    |c| i64::from(c.month),
    "`kql_getmonth(datetime) -> Int32`, 1 to 12. <https://learn.microsoft.com/en-us/kusto/query/getmonth-function>"
);
part_fn!(
    kql_monthofyear,
    "kql_monthofyear",
    |c| i64::from(c.month),
    "`kql_monthofyear(datetime) -> Int32`, 1 to 12. <https://learn.microsoft.com/en-us/kusto/query/monthofyear-function>"
);
part_fn!(
    kql_getyear,
    "kql_getyear",
    |c| c.year,
    "`kql_getyear(datetime) -> Int32`. <https://learn.microsoft.com/en-us/kusto/query/getyear-function>"
);

/// `kql_week_of_year(datetime) -> Int32` (ISO 8601), also as `kql_weekofyear`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/week-of-year-function>
pub fn kql_week_of_year() -> Vec<ScalarUDF> {
    udf("kql_week_of_year", 1..=1, ret::int, |args: &Args| int_part(args, |c| i64::from(c.iso_week())))
        .build_with_aliases(&["kql_weekofyear"])
}

/// `kql_dayofweek(datetime) -> Duration`: days since the preceding Sunday.
///
/// <https://learn.microsoft.com/en-us/kusto/query/dayofweek-function>
pub fn kql_dayofweek() -> ScalarUDF {
    udf("kql_dayofweek", 1..=1, ret::timespan, |args: &Args| {
        let d = times(args.arg(0), "date")?;
        Ok(duration_array(
            (0..args.rows).map(|i| d.get(i).map(|ns| i64::from(Civil::from_ns(ns).weekday()) * NS_PER_DAY)),
        ))
    })
    .build()
}

/// A part name of `datetime_part`, case-insensitive.
fn part_of(name: &str, c: &Civil) -> Option<i64> {
    Some(match name.to_ascii_lowercase().as_str() {
        "year" => c.year,
        "quarter" => i64::from((c.month - 1) / 3 + 1),
        "month" => i64::from(c.month),
        "week_of_year" | "weekofyear" | "week" => i64::from(c.iso_week()),
        "day" => i64::from(c.day),
        "dayofyear" => i64::from(c.day_of_year()),
        "hour" => i64::from(c.hour),
        "minute" => i64::from(c.minute),
        "second" => i64::from(c.second),
        "millisecond" => i64::from(c.nanos / 1_000_000),
        "microsecond" => i64::from(c.nanos / 1_000),
        "nanosecond" => i64::from(c.nanos / 100 * 100),
        _ => return None,
    })
}

/// `kql_datetime_part(part, datetime) -> Int32`. Parts: `Year`, `Quarter`, `Month`,
/// `week_of_year`, `Day`, `DayOfYear`, `Hour`, `Minute`, `Second`, `Millisecond`,
/// `Microsecond`, `Nanosecond` (any case); an unknown part is an error.
///
/// <https://learn.microsoft.com/en-us/kusto/query/datetime-part-function>
pub fn kql_datetime_part() -> ScalarUDF {
    udf("kql_datetime_part", 2..=2, ret::int, |args: &Args| {
        let parts = strs(args.arg(0), "datetime_part part")?;
        let d = times(args.arg(1), "date")?;
        let out = (0..args.rows)
            .map(|i| {
                let part = parts.str(i);
                let c = Civil::from_ns(d.get(i).unwrap_or(0));
                match part_of(part, &c) {
                    Some(v) => Ok(d.get(i).map(|_| v as i32)),
                    None => exec_err!("datetime_part(): unknown part '{part}'"),
                }
            })
            .collect::<Result<Int32Array>>()?;
        Ok(Arc::new(out) as ArrayRef)
    })
    .build()
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{Array, AsArray, TimestampNanosecondArray};
    use datafusion::arrow::datatypes::Int32Type;
    use datafusion::common::ScalarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call, call_arrays, call_scalars, col, dt, s, ts};
    use crate::functions::scalar::datetime::calendar::ns_from_parts;

    fn int(v: i32) -> ScalarValue {
        ScalarValue::Int32(Some(v))
    }

    #[test]
    fn simple_parts() {
        let d = dt(ns_from_parts(2015, 12, 14, 10, 5, 0, 0).unwrap());
        assert_eq!(call_scalars(&kql_dayofmonth(), vec![d.clone()]), int(14));
        assert_eq!(call_scalars(&kql_dayofyear(), vec![d.clone()]), int(348));
        assert_eq!(call_scalars(&kql_hourofday(), vec![d.clone()]), int(10));
        assert_eq!(call_scalars(&kql_getmonth(), vec![d.clone()]), int(12));
        assert_eq!(call_scalars(&kql_monthofyear(), vec![d.clone()]), int(12));
        assert_eq!(call_scalars(&kql_getyear(), vec![d]), int(2015));
        // https://learn.microsoft.com/en-us/kusto/query/dayofweek-function examples: 2015-12-14 and
        // 1970-05-11 were Mondays, 1947-11-29 a Saturday; 2024-06-16 was a Sunday.
        let dow = |y, m, d, h| call_scalars(&kql_dayofweek(), vec![dt(ns_from_parts(y, m, d, h, 0, 5, 0).unwrap())]);
        assert_eq!(dow(2015, 12, 14, 0), ts(NS_PER_DAY));
        assert_eq!(dow(1947, 11, 29, 10), ts(6 * NS_PER_DAY));
        assert_eq!(dow(1970, 5, 11, 0), ts(NS_PER_DAY));
        assert_eq!(dow(2024, 6, 16, 23), ts(0));
        for f in [kql_dayofmonth(), kql_getyear()] {
            assert_eq!(call_scalars(&f, vec![ScalarValue::TimestampNanosecond(None, None)]), ScalarValue::Int32(None));
        }
        assert_eq!(
            call_scalars(&kql_dayofweek(), vec![ScalarValue::TimestampNanosecond(None, None)]),
            ScalarValue::DurationNanosecond(None)
        );
    }

    #[test]
    fn week_of_year_follows_the_reference() {
        for f in kql_week_of_year() {
            // https://learn.microsoft.com/en-us/kusto/query/week-of-year-function examples.
            for ((y, m, d), w) in [((2020, 12, 31), 53), ((2020, 6, 15), 25), ((1970, 1, 1), 1), ((2000, 1, 1), 52)] {
                assert_eq!(call_scalars(&f, vec![dt(ns_from_parts(y, m, d, 0, 0, 0, 0).unwrap())]), int(w));
            }
        }
    }

    #[test]
    fn datetime_part_follows_the_reference() {
        let f = kql_datetime_part();
        // https://learn.microsoft.com/en-us/kusto/query/datetime-part-function example.
        let d = dt(ns_from_parts(2017, 10, 30, 1, 2, 3, 765_432_100).unwrap());
        for (part, want) in [
            ("year", 2017),
            ("quarter", 4),
            ("month", 10),
            ("week_of_year", 44),
            ("day", 30),
            ("dayOfYear", 303),
            ("hour", 1),
            ("minute", 2),
            ("second", 3),
            ("millisecond", 765),
            ("microsecond", 765_432),
            ("nanosecond", 765_432_100),
            ("Year", 2017),
        ] {
            assert_eq!(call_scalars(&f, vec![s(part), d.clone()]), int(want), "{part}");
        }
        assert_eq!(
            call_scalars(&f, vec![s("year"), ScalarValue::TimestampNanosecond(None, None)]),
            ScalarValue::Int32(None)
        );
        assert!(call(&f, vec![s("fortnight").into(), d.into()]).is_err());

        let out = call_arrays(
            &f,
            vec![
                s("month").into(),
                col(TimestampNanosecondArray::from(vec![
                    Some(0),
                    None,
                    Some(ns_from_parts(2024, 2, 29, 0, 0, 0, 0).unwrap()),
                ])),
            ],
        );
        let out = out.as_primitive::<Int32Type>();
        assert_eq!(out.iter().collect::<Vec<_>>(), vec![Some(1), None, Some(2)]);
        assert!(out.is_null(1));
    }
}
