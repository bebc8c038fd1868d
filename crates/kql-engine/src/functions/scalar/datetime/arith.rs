//! Calendar arithmetic. Periods are case-insensitive: `Year`, `Quarter`, `Month`, `Week`, `Day`,
//! `Hour`, `Minute`, `Second`, `Millisecond`, `Microsecond`, `Nanosecond`; an unknown period is
//! an error. Null arguments give null.
//!
//! - `datetime_add(period, amount, datetime)`: <https://learn.microsoft.com/en-us/kusto/query/datetime-add-function>.
//!   Years, quarters and months move the calendar month and clamp the day to the target month's
//!   length (`datetime_add('month', 1, datetime(2024-01-31))` is 2024-02-29); the other periods
//!   add a fixed length.
//! - `datetime_diff(period, datetime1, datetime2)`: <https://learn.microsoft.com/en-us/kusto/query/datetime-diff-function>.
//!   Counts the period boundaries between the two (datetime1 minus datetime2), not the number of
//!   whole periods elapsed: `datetime_diff('year', datetime(2017-01-01), datetime(2000-12-31))` is
//!   17, and one minute before midnight to midnight is one day. Weeks start on Sunday.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, Int64Array};
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::ScalarUDF;

use super::calendar::{Civil, NS_PER_DAY, NS_PER_HOUR, NS_PER_MICRO, NS_PER_MILLI, NS_PER_MIN, NS_PER_SEC, add_months};
use crate::functions::scalar::conversion::udf::{Args, ints, ret, strs, times, timestamp_array, udf};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Period {
    Year,
    Quarter,
    Month,
    Week,
    Fixed(i64),
}

fn period(name: &str) -> Option<Period> {
    Some(match name.to_ascii_lowercase().as_str() {
        "year" => Period::Year,
        "quarter" => Period::Quarter,
        "month" => Period::Month,
        "week" => Period::Week,
        "day" => Period::Fixed(NS_PER_DAY),
        "hour" => Period::Fixed(NS_PER_HOUR),
        "minute" => Period::Fixed(NS_PER_MIN),
        "second" => Period::Fixed(NS_PER_SEC),
        "millisecond" => Period::Fixed(NS_PER_MILLI),
        "microsecond" => Period::Fixed(NS_PER_MICRO),
        "nanosecond" => Period::Fixed(1),
        _ => return None,
    })
}

/// The period named at row `i`, or an error naming the function.
fn period_at(name: &str, func: &str) -> Result<Period> {
    match period(name) {
        Some(p) => Ok(p),
        None => exec_err!("{func}(): unknown period '{name}'"),
    }
}

fn add(p: Period, amount: i64, ns: i64) -> Option<i64> {
    match p {
        Period::Year => add_months(ns, amount.checked_mul(12)?),
        Period::Quarter => add_months(ns, amount.checked_mul(3)?),
        Period::Month => add_months(ns, amount),
        Period::Week => ns.checked_add(amount.checked_mul(7 * NS_PER_DAY)?),
        Period::Fixed(unit) => ns.checked_add(amount.checked_mul(unit)?),
    }
}

/// The index of the period holding `ns`, counted from a fixed origin.
fn period_index(p: Period, ns: i64) -> i64 {
    match p {
        Period::Year => Civil::from_ns(ns).year,
        Period::Quarter => {
            let c = Civil::from_ns(ns);
            c.year * 4 + i64::from((c.month - 1) / 3)
        }
        Period::Month => {
            let c = Civil::from_ns(ns);
            c.year * 12 + i64::from(c.month - 1)
        }
        // Weeks from Sunday 1970-01-04 (day 3 of the epoch).
        Period::Week => (ns.div_euclid(NS_PER_DAY) + 4).div_euclid(7),
        Period::Fixed(unit) => ns.div_euclid(unit),
    }
}

/// `kql_datetime_add(period, amount, datetime) -> Timestamp`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/datetime-add-function>
pub fn kql_datetime_add() -> ScalarUDF {
    udf("kql_datetime_add", 3..=3, ret::datetime, |args: &Args| {
        let names = strs(args.arg(0), "datetime_add period")?;
        let amounts = ints(args.arg(1), "datetime_add amount")?;
        let dates = times(args.arg(2), "datetime_add datetime")?;
        let out = (0..args.rows)
            .map(|i| {
                let p = period_at(names.str(i), "datetime_add")?;
                Ok(match (amounts.get(i), dates.get(i)) {
                    (Some(n), Some(d)) => add(p, n, d),
                    _ => None,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(timestamp_array(out))
    })
    .build()
}

/// `kql_datetime_diff(period, datetime1, datetime2) -> Int64`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/datetime-diff-function>
pub fn kql_datetime_diff() -> ScalarUDF {
    udf("kql_datetime_diff", 3..=3, ret::long, |args: &Args| {
        let names = strs(args.arg(0), "datetime_diff period")?;
        let (d1, d2) = (times(args.arg(1), "datetime_diff datetime1")?, times(args.arg(2), "datetime_diff datetime2")?);
        let out = (0..args.rows)
            .map(|i| {
                let p = period_at(names.str(i), "datetime_diff")?;
                Ok(match (d1.get(i), d2.get(i)) {
                    (Some(a), Some(b)) => period_index(p, a).checked_sub(period_index(p, b)),
                    _ => None,
                })
            })
            .collect::<Result<Int64Array>>()?;
        Ok(Arc::new(out) as ArrayRef)
    })
    .build()
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{AsArray, TimestampNanosecondArray};
    use datafusion::arrow::datatypes::Int64Type;
    use datafusion::common::ScalarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call, call_arrays, call_scalars, col, dt, s};
    use crate::functions::scalar::datetime::calendar::ns_from_parts;

    fn at(y: i64, mo: u32, d: u32, h: u32, mi: u32, sec: u32, ns: u32) -> i64 {
        ns_from_parts(y, mo, d, h, mi, sec, ns).unwrap()
    }

    fn i(v: i64) -> ScalarValue {
        ScalarValue::Int64(Some(v))
    }

    #[test]
    fn datetime_add_follows_the_reference() {
        let f = kql_datetime_add();
        let base = dt(at(2017, 1, 1, 0, 0, 0, 0));
        // https://learn.microsoft.com/en-us/kusto/query/datetime-add-function examples.
        for (p, n, want) in [
            ("year", 1, at(2018, 1, 1, 0, 0, 0, 0)),
            ("quarter", 1, at(2017, 4, 1, 0, 0, 0, 0)),
            ("month", 1, at(2017, 2, 1, 0, 0, 0, 0)),
            ("week", 1, at(2017, 1, 8, 0, 0, 0, 0)),
            ("day", 1, at(2017, 1, 2, 0, 0, 0, 0)),
            ("hour", 1, at(2017, 1, 1, 1, 0, 0, 0)),
            ("minute", 1, at(2017, 1, 1, 0, 1, 0, 0)),
            ("second", 1, at(2017, 1, 1, 0, 0, 1, 0)),
            ("year", -5, at(2012, 1, 1, 0, 0, 0, 0)),
            ("quarter", 12, at(2020, 1, 1, 0, 0, 0, 0)),
            ("month", -15, at(2015, 10, 1, 0, 0, 0, 0)),
            ("week", 100, at(2018, 12, 2, 0, 0, 0, 0)),
            ("Millisecond", 5, at(2017, 1, 1, 0, 0, 0, 5_000_000)),
            ("nanosecond", 7, at(2017, 1, 1, 0, 0, 0, 7)),
        ] {
            assert_eq!(call_scalars(&f, vec![s(p), i(n), base.clone()]), dt(want), "{p} {n}");
        }
        assert_eq!(
            call_scalars(&f, vec![s("month"), i(1), dt(at(2024, 1, 31, 5, 0, 0, 0))]),
            dt(at(2024, 2, 29, 5, 0, 0, 0))
        );
        assert_eq!(
            call_scalars(&f, vec![s("day"), ScalarValue::Int64(None), base.clone()]),
            ScalarValue::TimestampNanosecond(None, None)
        );
        assert_eq!(
            call_scalars(&f, vec![s("year"), i(1000), base.clone()]),
            ScalarValue::TimestampNanosecond(None, None)
        );
        assert_eq!(
            call_scalars(&f, vec![s("day"), ScalarValue::Int32(Some(2)), base.clone()]),
            dt(at(2017, 1, 3, 0, 0, 0, 0))
        );
        assert!(call(&f, vec![s("decade").into(), i(1).into(), base.into()]).is_err());
    }

    #[test]
    fn datetime_diff_follows_the_reference() {
        let f = kql_datetime_diff();
        // https://learn.microsoft.com/en-us/kusto/query/datetime-diff-function example.
        for (p, a, b, want) in [
            ("year", at(2017, 1, 1, 0, 0, 0, 0), at(2000, 12, 31, 0, 0, 0, 0), 17),
            ("quarter", at(2017, 7, 1, 0, 0, 0, 0), at(2017, 3, 30, 0, 0, 0, 0), 2),
            ("month", at(2017, 1, 1, 0, 0, 0, 0), at(2015, 12, 30, 0, 0, 0, 0), 13),
            ("week", at(2017, 10, 29, 0, 0, 0, 0), at(2017, 9, 30, 23, 59, 0, 0), 5),
            ("day", at(2017, 10, 29, 0, 0, 0, 0), at(2017, 9, 30, 23, 59, 0, 0), 29),
            ("hour", at(2017, 10, 31, 1, 0, 0, 0), at(2017, 10, 30, 23, 59, 0, 0), 2),
            ("minute", at(2017, 10, 30, 23, 5, 1, 0), at(2017, 10, 30, 23, 0, 59, 0), 5),
            ("second", at(2017, 10, 30, 23, 0, 10, 100_000_000), at(2017, 10, 30, 23, 0, 0, 900_000_000), 10),
            ("millisecond", at(2017, 10, 30, 23, 0, 0, 200_100_000), at(2017, 10, 30, 23, 0, 0, 100_900_000), 100),
            ("microsecond", at(2017, 10, 30, 23, 0, 0, 100_900_100), at(2017, 10, 30, 23, 0, 0, 100_800_900), 100),
            ("nanosecond", at(2017, 10, 30, 23, 0, 0, 0), at(2017, 10, 30, 23, 0, 0, 700), -700),
            ("Day", at(2024, 1, 1, 0, 0, 0, 0), at(2023, 12, 31, 23, 59, 0, 0), 1),
            ("day", at(2023, 12, 31, 23, 59, 0, 0), at(2024, 1, 1, 0, 0, 0, 0), -1),
        ] {
            assert_eq!(call_scalars(&f, vec![s(p), dt(a), dt(b)]), i(want), "{p}");
        }
        assert_eq!(
            call_scalars(&f, vec![s("day"), dt(0), ScalarValue::TimestampNanosecond(None, None)]),
            ScalarValue::Int64(None)
        );
        assert!(call(&f, vec![s("eon").into(), dt(0).into(), dt(0).into()]).is_err());

        let out = call_arrays(
            &f,
            vec![
                s("hour").into(),
                col(TimestampNanosecondArray::from(vec![Some(3 * NS_PER_HOUR), None])),
                dt(0).into(),
            ],
        );
        assert_eq!(out.as_primitive::<Int64Type>().iter().collect::<Vec<_>>(), vec![Some(3), None]);
    }
}
