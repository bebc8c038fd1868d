//! The start and end of the day, week, month or year holding a datetime, optionally shifted by
//! a whole number of those periods (`offset`, default 0). Weeks start on Sunday. An end is the
//! last tick (100 ns) of the period: `endofday(datetime(2017-01-01 10:10:17))` is
//! `2017-01-01 23:59:59.9999999`. A null date or offset gives null.
//!
//! - <https://learn.microsoft.com/en-us/kusto/query/startofday-function>
//! - <https://learn.microsoft.com/en-us/kusto/query/startofweek-function>
//! - <https://learn.microsoft.com/en-us/kusto/query/startofmonth-function>
//! - <https://learn.microsoft.com/en-us/kusto/query/startofyear-function>
//! - <https://learn.microsoft.com/en-us/kusto/query/endofday-function>
//! - <https://learn.microsoft.com/en-us/kusto/query/endofweek-function>
//! - <https://learn.microsoft.com/en-us/kusto/query/endofmonth-function>
//! - <https://learn.microsoft.com/en-us/kusto/query/endofyear-function>

use datafusion::arrow::array::ArrayRef;
use datafusion::common::Result;
use datafusion::logical_expr::ScalarUDF;

use super::calendar::{NS_PER_DAY, NS_PER_TICK, ns_from_days, start_of_month, start_of_year, weekday};
use crate::functions::scalar::conversion::udf::{Args, ints, ret, times, timestamp_array, udf};

#[derive(Clone, Copy)]
enum Period {
    Day,
    Week,
    Month,
    Year,
}

/// The start of the period holding `ns`, moved by `offset` periods.
fn start(period: Period, ns: i64, offset: i64) -> Option<i64> {
    match period {
        Period::Day => ns_from_days(ns.div_euclid(NS_PER_DAY).checked_add(offset)?),
        Period::Week => {
            let days = ns.div_euclid(NS_PER_DAY);
            let sunday = days - i64::from(weekday(days));
            ns_from_days(sunday.checked_add(offset.checked_mul(7)?)?)
        }
        Period::Month => start_of_month(ns, offset),
        Period::Year => start_of_year(ns, offset),
    }
}

fn eval(args: &Args, period: Period, end: bool) -> Result<ArrayRef> {
    let dates = times(args.arg(0), "date")?;
    let offsets = args.arrays.get(1).map(|a| ints(a, "offset")).transpose()?;
    Ok(timestamp_array((0..args.rows).map(|i| {
        let offset = match &offsets {
            Some(o) => o.get(i)?,
            None => 0,
        };
        let ns = dates.get(i)?;
        if end {
            start(period, ns, offset.checked_add(1)?)?.checked_sub(NS_PER_TICK)
        } else {
            start(period, ns, offset)
        }
    })))
}

macro_rules! period_fn {
    ($fn_name:ident, $name:literal, $period:expr, $end:expr, $doc:literal) => {
        #[doc = $doc]
        pub fn $fn_name() -> ScalarUDF {
            udf($name, 1..=2, ret::datetime, |args: &Args| eval(args, $period, $end)).build()
        }
    };
}

period_fn!(
    kql_startofday,
    "kql_startofday",
    Period::Day,
    false,
    "`kql_startofday(datetime, [offset]) -> Timestamp`. <https://learn.microsoft.com/en-us/kusto/query/startofday-function>"
);
period_fn!(
    kql_startofweek,
    "kql_startofweek",
    Period::Week,
    false,
    "`kql_startofweek(datetime, [offset]) -> Timestamp` (Sunday). <https://learn.microsoft.com/en-us/kusto/query/startofweek-function>"
);
period_fn!(
    kql_startofmonth,
    "kql_startofmonth",
    Period::Month,
    false,
    "`kql_startofmonth(datetime, [offset]) -> Timestamp`. <https://learn.microsoft.com/en-us/kusto/query/startofmonth-function>"
);
period_fn!(
    kql_startofyear,
    "kql_startofyear",
    Period::Year,
    false,
    "`kql_startofyear(datetime, [offset]) -> Timestamp`. <https://learn.microsoft.com/en-us/kusto/query/startofyear-function>"
);
period_fn!(
    kql_endofday,
    "kql_endofday",
    Period::Day,
    true,
    "`kql_endofday(datetime, [offset]) -> Timestamp`. <https://learn.microsoft.com/en-us/kusto/query/endofday-function>"
);
period_fn!(
    kql_endofweek,
    "kql_endofweek",
    Period::Week,
    true,
    "`kql_endofweek(datetime, [offset]) -> Timestamp` (Saturday). <https://learn.microsoft.com/en-us/kusto/query/endofweek-function>"
);
period_fn!(
    kql_endofmonth,
    "kql_endofmonth",
    Period::Month,
    true,
    "`kql_endofmonth(datetime, [offset]) -> Timestamp`. <https://learn.microsoft.com/en-us/kusto/query/endofmonth-function>"
);
period_fn!(
    kql_endofyear,
    "kql_endofyear",
    Period::Year,
    true,
    "`kql_endofyear(datetime, [offset]) -> Timestamp`. <https://learn.microsoft.com/en-us/kusto/query/endofyear-function>"
);

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{Int64Array, TimestampNanosecondArray};
    use datafusion::arrow::datatypes::TimestampNanosecondType;
    use datafusion::common::ScalarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call_arrays, call_scalars, col, dt};
    use crate::functions::scalar::datetime::calendar::ns_from_parts;

    fn at(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32, ns: u32) -> i64 {
        ns_from_parts(y, mo, d, h, mi, s, ns).unwrap()
    }

    fn with_offsets(f: &ScalarUDF, date: i64) -> Vec<ScalarValue> {
        (-1..=1).map(|o| call_scalars(f, vec![dt(date), ScalarValue::Int64(Some(o))])).collect()
    }

    const LAST: u32 = 999_999_900;

    #[test]
    fn starts_follow_the_reference() {
        let d = at(2017, 1, 1, 10, 10, 17, 0);
        // https://learn.microsoft.com/en-us/kusto/query/startofday-function example.
        assert_eq!(
            with_offsets(&kql_startofday(), d),
            vec![dt(at(2016, 12, 31, 0, 0, 0, 0)), dt(at(2017, 1, 1, 0, 0, 0, 0)), dt(at(2017, 1, 2, 0, 0, 0, 0))]
        );
        // https://learn.microsoft.com/en-us/kusto/query/startofweek-function example.
        assert_eq!(
            with_offsets(&kql_startofweek(), d),
            vec![dt(at(2016, 12, 25, 0, 0, 0, 0)), dt(at(2017, 1, 1, 0, 0, 0, 0)), dt(at(2017, 1, 8, 0, 0, 0, 0))]
        );
        // https://learn.microsoft.com/en-us/kusto/query/startofmonth-function example.
        assert_eq!(
            with_offsets(&kql_startofmonth(), d),
            vec![dt(at(2016, 12, 1, 0, 0, 0, 0)), dt(at(2017, 1, 1, 0, 0, 0, 0)), dt(at(2017, 2, 1, 0, 0, 0, 0))]
        );
        // https://learn.microsoft.com/en-us/kusto/query/startofyear-function example.
        assert_eq!(
            with_offsets(&kql_startofyear(), d),
            vec![dt(at(2016, 1, 1, 0, 0, 0, 0)), dt(at(2017, 1, 1, 0, 0, 0, 0)), dt(at(2018, 1, 1, 0, 0, 0, 0))]
        );
    }

    #[test]
    fn ends_follow_the_reference() {
        let d = at(2017, 1, 1, 10, 10, 17, 0);
        // https://learn.microsoft.com/en-us/kusto/query/endofday-function example.
        assert_eq!(
            with_offsets(&kql_endofday(), d),
            vec![
                dt(at(2016, 12, 31, 23, 59, 59, LAST)),
                dt(at(2017, 1, 1, 23, 59, 59, LAST)),
                dt(at(2017, 1, 2, 23, 59, 59, LAST))
            ]
        );
        // https://learn.microsoft.com/en-us/kusto/query/endofweek-function example.
        assert_eq!(
            with_offsets(&kql_endofweek(), d),
            vec![
                dt(at(2016, 12, 31, 23, 59, 59, LAST)),
                dt(at(2017, 1, 7, 23, 59, 59, LAST)),
                dt(at(2017, 1, 14, 23, 59, 59, LAST))
            ]
        );
        // https://learn.microsoft.com/en-us/kusto/query/endofmonth-function example.
        assert_eq!(
            with_offsets(&kql_endofmonth(), d),
            vec![
                dt(at(2016, 12, 31, 23, 59, 59, LAST)),
                dt(at(2017, 1, 31, 23, 59, 59, LAST)),
                dt(at(2017, 2, 28, 23, 59, 59, LAST))
            ]
        );
        // https://learn.microsoft.com/en-us/kusto/query/endofyear-function example.
        assert_eq!(
            with_offsets(&kql_endofyear(), d),
            vec![
                dt(at(2016, 12, 31, 23, 59, 59, LAST)),
                dt(at(2017, 12, 31, 23, 59, 59, LAST)),
                dt(at(2018, 12, 31, 23, 59, 59, LAST))
            ]
        );
    }

    #[test]
    fn nulls_and_arrays() {
        let f = kql_startofday();
        assert_eq!(
            call_scalars(&f, vec![ScalarValue::TimestampNanosecond(None, None)]),
            ScalarValue::TimestampNanosecond(None, None)
        );
        assert_eq!(
            call_scalars(&f, vec![dt(0), ScalarValue::Int64(None)]),
            ScalarValue::TimestampNanosecond(None, None)
        );
        assert_eq!(call_scalars(&f, vec![dt(-1)]), dt(-NS_PER_DAY));
        let out = call_arrays(
            &kql_startofweek(),
            vec![
                col(TimestampNanosecondArray::from(vec![
                    Some(at(2024, 6, 15, 1, 0, 0, 0)),
                    Some(at(2024, 6, 16, 0, 0, 0, 0)),
                    None,
                ])),
                col(Int64Array::from(vec![Some(0), Some(1), Some(0)])),
            ],
        );
        assert_eq!(
            out.as_any()
                .downcast_ref::<datafusion::arrow::array::PrimitiveArray<TimestampNanosecondType>>()
                .unwrap()
                .iter()
                .collect::<Vec<_>>(),
            vec![Some(at(2024, 6, 9, 0, 0, 0, 0)), Some(at(2024, 6, 23, 0, 0, 0, 0)), None]
        );
        // Out of the representable range: null rather than a wrong date.
        assert_eq!(
            call_scalars(&kql_startofyear(), vec![dt(0), ScalarValue::Int64(Some(1000))]),
            ScalarValue::TimestampNanosecond(None, None)
        );
    }
}
