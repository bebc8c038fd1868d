//! The KQL string form of values, as `tostring()` and the functions that "forcibly convert their
//! arguments to string" (`strcat`, `strcat_delim`, `indexof`, `reverse`, the hashes) produce it.
//!
//! Documented examples this module follows:
//! - `reverse(datetime(2017-10-15 12:00))` is `Z0000000.00:00:21T51-01-7102`, so a datetime is
//!   written `2017-10-15T12:00:00.0000000Z`, always with seven fractional digits
//!   (<https://learn.microsoft.com/kusto/query/reverse-function>); `hash_sha256(datetime(2020-01-01))`
//!   is the SHA-256 of `2020-01-01T00:00:00.0000000Z`
//!   (<https://learn.microsoft.com/kusto/query/hash-sha256-function>).
//! - `reverse(3h)` is `00:00:30` and `strcat_delim('-', 1, '2', 'A', 1s)` is `1-2-A-00:00:01`
//!   (<https://learn.microsoft.com/kusto/query/strcat-delim-function>): a timespan is
//!   `[-][d.]hh:mm:ss[.fffffff]`, the fraction only when it is not zero.
//! - `reverse(123.45)` is `54.321`: reals are written in their shortest round-trip form.
//! - `tostring()` of a null is `""` (<https://learn.microsoft.com/kusto/query/tostring-function>).

use std::fmt::Write as _;

use datafusion::arrow::array::{Array, AsArray, StringArray, StringBuilder};
use datafusion::arrow::datatypes::{
    DataType, Date32Type, Date64Type, Decimal128Type, DurationMicrosecondType, DurationMillisecondType,
    DurationNanosecondType, DurationSecondType, Float16Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type,
    Int64Type, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::common::Result;
use quarry_data::values::{Fraction, write_datetime_nanos, write_timespan_nanos};

const NANOS_PER_SEC: i64 = 1_000_000_000;

/// Appends the KQL string form of `array[i]` to `out`; a null appends nothing.
pub(crate) fn write_value(array: &dyn Array, i: usize, out: &mut String) -> Result<()> {
    if array.is_null(i) {
        return Ok(());
    }
    match array.data_type() {
        DataType::Boolean => out.push_str(if array.as_boolean().value(i) { "true" } else { "false" }),
        DataType::Int8 => write_int(out, array.as_primitive::<Int8Type>().value(i)),
        DataType::Int16 => write_int(out, array.as_primitive::<Int16Type>().value(i)),
        DataType::Int32 => write_int(out, array.as_primitive::<Int32Type>().value(i)),
        DataType::Int64 => write_int(out, array.as_primitive::<Int64Type>().value(i)),
        DataType::UInt8 => write_int(out, array.as_primitive::<UInt8Type>().value(i)),
        DataType::UInt16 => write_int(out, array.as_primitive::<UInt16Type>().value(i)),
        DataType::UInt32 => write_int(out, array.as_primitive::<UInt32Type>().value(i)),
        DataType::UInt64 => write_int(out, array.as_primitive::<UInt64Type>().value(i)),
        DataType::Float16 => write_real(out, array.as_primitive::<Float16Type>().value(i).to_f64()),
        DataType::Float32 => {
            let v = array.as_primitive::<Float32Type>().value(i);
            write_real_digits(out, v.is_nan(), v.is_infinite(), v.is_sign_negative(), v == 0.0, || format!("{v:e}"));
        }
        DataType::Float64 => write_real(out, array.as_primitive::<Float64Type>().value(i)),
        DataType::Decimal128(_, scale) => write_decimal(out, array.as_primitive::<Decimal128Type>().value(i), *scale),
        DataType::Timestamp(unit, _) => {
            let ns = match unit {
                TimeUnit::Second => array.as_primitive::<TimestampSecondType>().value(i).saturating_mul(NANOS_PER_SEC),
                TimeUnit::Millisecond => {
                    array.as_primitive::<TimestampMillisecondType>().value(i).saturating_mul(1_000_000)
                }
                TimeUnit::Microsecond => {
                    array.as_primitive::<TimestampMicrosecondType>().value(i).saturating_mul(1_000)
                }
                TimeUnit::Nanosecond => array.as_primitive::<TimestampNanosecondType>().value(i),
            };
            write_datetime(out, ns);
        }
        DataType::Date32 => write_datetime(
            out,
            i64::from(array.as_primitive::<Date32Type>().value(i)).saturating_mul(86_400 * NANOS_PER_SEC),
        ),
        DataType::Date64 => write_datetime(out, array.as_primitive::<Date64Type>().value(i).saturating_mul(1_000_000)),
        DataType::Duration(unit) => {
            let ns = match unit {
                TimeUnit::Second => array.as_primitive::<DurationSecondType>().value(i).saturating_mul(NANOS_PER_SEC),
                TimeUnit::Millisecond => {
                    array.as_primitive::<DurationMillisecondType>().value(i).saturating_mul(1_000_000)
                }
                TimeUnit::Microsecond => array.as_primitive::<DurationMicrosecondType>().value(i).saturating_mul(1_000),
                TimeUnit::Nanosecond => array.as_primitive::<DurationNanosecondType>().value(i),
            };
            write_timespan(out, ns);
        }
        DataType::Utf8 => out.push_str(array.as_string::<i32>().value(i)),
        DataType::Utf8View => out.push_str(array.as_string_view().value(i)),
        DataType::LargeUtf8 => out.push_str(&dynamic_to_string(array.as_string::<i64>().value(i))),
        DataType::Null => {}
        _ => {
            let formatter = ArrayFormatter::try_new(array, &FormatOptions::default())?;
            let _ = write!(out, "{}", formatter.value(i));
        }
    }
    Ok(())
}

/// The KQL string forms of a whole array (nulls become `""`).
pub(crate) fn to_string_array(array: &dyn Array) -> Result<StringArray> {
    let mut builder = StringBuilder::with_capacity(array.len(), array.len() * 8);
    let mut buf = String::new();
    for i in 0..array.len() {
        buf.clear();
        write_value(array, i, &mut buf)?;
        builder.append_value(&buf);
    }
    Ok(builder.finish())
}

/// `tostring()` of a dynamic value held as JSON text: a JSON string gives its contents, JSON
/// null gives `""`, anything else its JSON text.
pub(crate) fn dynamic_to_string(json: &str) -> String {
    let t = json.trim();
    if t.starts_with('"') {
        serde_json::from_str::<String>(t).unwrap_or_else(|_| json.to_string())
    } else if t == "null" {
        String::new()
    } else {
        json.to_string()
    }
}

fn write_int(out: &mut String, v: impl std::fmt::Display) {
    let _ = write!(out, "{v}");
}

/// Writes a real as .NET's round-trip `ToString()` does, which Kusto uses: the shortest digits
/// that read back to the same value, in fixed notation for decimal exponents from -4 to 14
/// and in scientific notation (`1E+15`, `1E-05`) outside that range.
pub(crate) fn write_real(out: &mut String, v: f64) {
    write_real_digits(out, v.is_nan(), v.is_infinite(), v.is_sign_negative(), v == 0.0, || format!("{v:e}"));
}

fn write_real_digits(out: &mut String, nan: bool, inf: bool, negative: bool, zero: bool, sci: impl FnOnce() -> String) {
    if nan {
        out.push_str("NaN");
        return;
    }
    if negative {
        out.push('-');
    }
    if inf {
        out.push_str("Infinity");
        return;
    }
    if zero {
        out.push('0');
        return;
    }
    // Rust's `{:e}` is the shortest round-trip form: "-1.2345e-5", "1e21".
    let sci = sci();
    let sci = sci.trim_start_matches('-');
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    if !(-4..15).contains(&exp) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let _ = write!(out, "E{}{:02}", if exp < 0 { '-' } else { '+' }, exp.unsigned_abs());
    } else if exp >= 0 {
        let int_len = exp as usize + 1;
        if digits.len() <= int_len {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', int_len - digits.len()));
        } else {
            out.push_str(&digits[..int_len]);
            out.push('.');
            out.push_str(&digits[int_len..]);
        }
    } else {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-exp - 1) as usize));
        out.push_str(&digits);
    }
}

fn write_decimal(out: &mut String, v: i128, scale: i8) {
    if scale <= 0 {
        let _ = write!(out, "{v}");
        out.extend(std::iter::repeat_n('0', scale.unsigned_abs() as usize));
        return;
    }
    let scale = scale as usize;
    if v < 0 {
        out.push('-');
    }
    let digits = v.unsigned_abs().to_string();
    let (int_part, frac) = if digits.len() > scale {
        (digits[..digits.len() - scale].to_string(), digits[digits.len() - scale..].to_string())
    } else {
        ("0".to_string(), format!("{digits:0>scale$}"))
    };
    out.push_str(&int_part);
    let frac = frac.trim_end_matches('0');
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
}

/// `yyyy-MM-ddTHH:mm:ss.fffffffZ` from nanoseconds since the Unix epoch (UTC), in 100 ns ticks.
pub(crate) fn write_datetime(out: &mut String, ns: i64) {
    write_datetime_nanos(out, ns, Fraction::Always);
}

/// `[-][d.]hh:mm:ss[.fffffff]` from nanoseconds, in 100 ns ticks.
fn write_timespan(out: &mut String, ns: i64) {
    write_timespan_nanos(out, ns, Fraction::IfAny);
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use datafusion::arrow::array::{
        ArrayRef, BooleanArray, Decimal128Array, DurationNanosecondArray, Float32Array, Float64Array, Int32Array,
        LargeStringArray, TimestampNanosecondArray,
    };

    use super::*;

    fn one(array: ArrayRef) -> String {
        let mut out = String::new();
        write_value(array.as_ref(), 0, &mut out).unwrap();
        out
    }

    fn real(v: f64) -> String {
        let mut out = String::new();
        write_real(&mut out, v);
        out
    }

    #[test]
    fn reals_follow_round_trip_form() {
        assert_eq!(real(123.45), "123.45"); // reverse(123.45) == "54.321"
        assert_eq!(real(1.0), "1");
        assert_eq!(real(-0.5), "-0.5");
        assert_eq!(real(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(real(1e14), "100000000000000");
        assert_eq!(real(1e15), "1E+15");
        assert_eq!(real(1.5e300), "1.5E+300");
        assert_eq!(real(0.0001), "0.0001");
        assert_eq!(real(0.00001), "1E-05");
        assert_eq!(real(0.0), "0");
        assert_eq!(real(f64::NAN), "NaN");
        assert_eq!(real(f64::INFINITY), "Infinity");
        assert_eq!(real(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(one(Arc::new(Float32Array::from(vec![0.1f32]))), "0.1");
        assert_eq!(one(Arc::new(Float64Array::from(vec![None]))), "");
    }

    #[test]
    fn datetimes_have_seven_fractional_digits() {
        // datetime(2017-10-15 12:00), from the reverse() example.
        let ns = 1_508_068_800 * NANOS_PER_SEC;
        assert_eq!(one(Arc::new(TimestampNanosecondArray::from(vec![ns]))), "2017-10-15T12:00:00.0000000Z");
        assert_eq!(
            one(Arc::new(TimestampNanosecondArray::from(vec![ns + 123_456_789]))),
            "2017-10-15T12:00:00.1234567Z"
        );
        assert_eq!(one(Arc::new(TimestampNanosecondArray::from(vec![-1]))), "1969-12-31T23:59:59.9999999Z");
        assert_eq!(one(Arc::new(TimestampNanosecondArray::from(vec![0]))), "1970-01-01T00:00:00.0000000Z");
        // 2000-02-29, a leap day in a century year.
        assert_eq!(
            one(Arc::new(TimestampNanosecondArray::from(vec![951_782_400 * NANOS_PER_SEC]))),
            "2000-02-29T00:00:00.0000000Z"
        );
    }

    #[test]
    fn timespans_use_the_constant_format() {
        let span = |ns: i64| one(Arc::new(DurationNanosecondArray::from(vec![ns])));
        assert_eq!(span(NANOS_PER_SEC), "00:00:01");
        assert_eq!(span(3 * 3600 * NANOS_PER_SEC), "03:00:00");
        assert_eq!(span(NANOS_PER_SEC + 500_000_000), "00:00:01.5000000");
        assert_eq!(span(-(2 * 86_400 + 3661) * NANOS_PER_SEC), "-2.01:01:01");
        assert_eq!(span(0), "00:00:00");
    }

    #[test]
    fn other_types() {
        assert_eq!(one(Arc::new(BooleanArray::from(vec![true]))), "true");
        assert_eq!(one(Arc::new(Int32Array::from(vec![-42]))), "-42");
        let d = Decimal128Array::from(vec![12_500]).with_precision_and_scale(38, 3).unwrap();
        assert_eq!(one(Arc::new(d)), "12.5");
        let d = Decimal128Array::from(vec![-5]).with_precision_and_scale(38, 3).unwrap();
        assert_eq!(one(Arc::new(d)), "-0.005");
        assert_eq!(one(Arc::new(LargeStringArray::from(vec![r#""a\"b""#]))), "a\"b");
        assert_eq!(one(Arc::new(LargeStringArray::from(vec!["null"]))), "");
        assert_eq!(one(Arc::new(LargeStringArray::from(vec![r#"{"a":1}"#]))), r#"{"a":1}"#);
    }
}
