//! Values of any KQL type as elements of a `dynamic` (JSON) value, the way `make_set`,
//! `make_list` and `make_bag` build their results.
//!
//! | KQL type   | JSON element |
//! |------------|--------------|
//! | `string`   | a JSON string; a null string is `""` (Kusto strings are never null) |
//! | `long`, `int`, `real`, `decimal` | a JSON number; a non-finite real is the string `"NaN"`, `"Infinity"` or `"-Infinity"` |
//! | `bool`     | `true` / `false` |
//! | `datetime` | an ISO-8601 UTC string with up to 7 fractional digits, trailing zeros trimmed: `"2024-01-02T03:04:05.1234567Z"` |
//! | `timespan` | Kusto's `[-][d.]hh:mm:ss[.fffffff]` string |
//! | `dynamic`  | the JSON value itself, re-serialized compactly (text that is not valid JSON becomes a JSON string) |

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{
    DataType, DurationNanosecondType, Float64Type, Int64Type, TimeUnit, TimestampNanosecondType, UInt64Type,
};
use datafusion::common::{Result, exec_err};
use quarry_data::values::{Fraction, write_datetime_nanos, write_timespan_nanos};
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Null,
    Bool,
    Int,
    UInt,
    Real,
    String,
    Dynamic,
    DateTime,
    TimeSpan,
    Decimal(i8),
}

/// One column, read row by row as JSON.
pub(super) struct JsonColumn {
    array: ArrayRef,
    kind: Kind,
}

impl JsonColumn {
    /// Reads `array`; fails for Arrow types with no KQL counterpart.
    pub fn new(array: &ArrayRef) -> Result<JsonColumn> {
        let (array, kind) = match array.data_type() {
            DataType::Null => (Arc::clone(array), Kind::Null),
            DataType::Boolean => (Arc::clone(array), Kind::Bool),
            DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32 => (cast(array, &DataType::Int64)?, Kind::Int),
            DataType::UInt64 => (Arc::clone(array), Kind::UInt),
            DataType::Float16 | DataType::Float32 | DataType::Float64 => (cast(array, &DataType::Float64)?, Kind::Real),
            DataType::Utf8 | DataType::Utf8View => (cast(array, &DataType::Utf8)?, Kind::String),
            DataType::LargeUtf8 => (Arc::clone(array), Kind::Dynamic),
            DataType::Timestamp(_, tz) => {
                // Same zone: the stored instants stay UTC; only the unit changes.
                (cast(array, &DataType::Timestamp(TimeUnit::Nanosecond, tz.clone()))?, Kind::DateTime)
            }
            DataType::Date32 | DataType::Date64 => {
                (cast(array, &DataType::Timestamp(TimeUnit::Nanosecond, None))?, Kind::DateTime)
            }
            DataType::Duration(_) => (cast(array, &DataType::Duration(TimeUnit::Nanosecond))?, Kind::TimeSpan),
            DataType::Decimal128(_, scale) => (Arc::clone(array), Kind::Decimal(*scale)),
            DataType::Decimal256(..) => (cast(array, &DataType::Float64)?, Kind::Real),
            other => return exec_err!("values of type {other} cannot be put into a dynamic value"),
        };
        Ok(JsonColumn { array, kind })
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.array.len()
    }

    /// Row `row` as a JSON value; `None` when it is null (a null `string` is `""`, and a
    /// `dynamic` holding JSON `null` is null).
    pub fn value(&self, row: usize) -> Option<Value> {
        if self.kind == Kind::Null || self.array.is_null(row) {
            return (self.kind == Kind::String).then(|| Value::String(String::new()));
        }
        Some(match self.kind {
            Kind::Null => return None,
            Kind::Bool => Value::Bool(self.array.as_boolean().value(row)),
            Kind::Int => Value::from(self.array.as_primitive::<Int64Type>().value(row)),
            Kind::UInt => Value::from(self.array.as_primitive::<UInt64Type>().value(row)),
            Kind::Real => real(self.array.as_primitive::<Float64Type>().value(row)),
            Kind::String => Value::String(self.array.as_string::<i32>().value(row).to_owned()),
            Kind::Dynamic => match parse_dynamic(self.array.as_string::<i64>().value(row)) {
                Value::Null => return None,
                value => value,
            },
            Kind::DateTime => {
                Value::String(format_datetime(self.array.as_primitive::<TimestampNanosecondType>().value(row)))
            }
            Kind::TimeSpan => {
                Value::String(format_timespan(self.array.as_primitive::<DurationNanosecondType>().value(row)))
            }
            Kind::Decimal(scale) => {
                let unscaled = self.array.as_primitive::<datafusion::arrow::datatypes::Decimal128Type>().value(row);
                real(unscaled as f64 / 10f64.powi(i32::from(scale)))
            }
        })
    }

    /// Row `row` as compact JSON text; `None` when it is null (see [`JsonColumn::value`]).
    #[cfg(test)]
    pub fn text(&self, row: usize) -> Option<String> {
        let mut out = String::new();
        self.write_text(row, &mut out).then_some(out)
    }

    /// Writes row `row` as compact JSON text into `out` (cleared first); false when it is null
    /// (see [`JsonColumn::value`]).
    pub fn write_text(&self, row: usize, out: &mut String) -> bool {
        use std::fmt::Write;
        out.clear();
        if self.kind == Kind::Null || self.array.is_null(row) {
            if self.kind == Kind::String {
                out.push_str("\"\"");
                return true;
            }
            return false;
        }
        match self.kind {
            Kind::String => write_json_string(self.array.as_string::<i32>().value(row), out),
            Kind::Int => {
                let _ = write!(out, "{}", self.array.as_primitive::<Int64Type>().value(row));
            }
            Kind::Bool => out.push_str(if self.array.as_boolean().value(row) { "true" } else { "false" }),
            // Datetime and timespan text has nothing to escape.
            Kind::DateTime => {
                out.push('"');
                write_datetime_nanos(
                    out,
                    self.array.as_primitive::<TimestampNanosecondType>().value(row),
                    Fraction::Trimmed,
                );
                out.push('"');
            }
            Kind::TimeSpan => {
                out.push('"');
                write_timespan_nanos(
                    out,
                    self.array.as_primitive::<DurationNanosecondType>().value(row),
                    Fraction::IfAny,
                );
                out.push('"');
            }
            _ => match self.value(row) {
                Some(value) => {
                    let _ = write!(out, "{value}");
                }
                None => return false,
            },
        }
        true
    }
}

/// Appends `text` as a JSON string literal (escaped as `serde_json` does).
fn write_json_string(text: &str, out: &mut String) {
    use std::fmt::Write;
    out.reserve(text.len() + 2);
    out.push('"');
    let mut start = 0;
    for (i, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        out.push_str(&text[start..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{byte:04x}");
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&text[start..]);
    out.push('"');
}

/// A `real` as JSON: a number, or a string for the values JSON cannot hold.
fn real(value: f64) -> Value {
    if value.is_nan() {
        Value::String("NaN".into())
    } else if value.is_infinite() {
        Value::String(if value > 0.0 { "Infinity" } else { "-Infinity" }.into())
    } else {
        Value::from(value)
    }
}

/// The JSON value held by a `dynamic`'s text; text that is not JSON is kept as a string.
pub(super) fn parse_dynamic(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

/// A `datetime` (nanoseconds since the Unix epoch, UTC) as Kusto prints it: ISO-8601 with `Z`
/// and up to 7 fractional digits (100 ns ticks), trailing zeros trimmed.
pub(super) fn format_datetime(nanos: i64) -> String {
    let mut out = String::with_capacity(28);
    write_datetime_nanos(&mut out, nanos, Fraction::Trimmed);
    out
}

/// A `timespan` (nanoseconds) as Kusto prints it: `[-][d.]hh:mm:ss[.fffffff]`.
pub(super) fn format_timespan(nanos: i64) -> String {
    let mut out = String::with_capacity(20);
    write_timespan_nanos(&mut out, nanos, Fraction::IfAny);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{
        BooleanArray, DurationNanosecondArray, Float64Array, Int32Array, LargeStringArray, StringArray,
        TimestampNanosecondArray,
    };

    #[test]
    fn datetimes_print_as_iso_8601_with_trimmed_ticks() {
        assert_eq!(format_datetime(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_datetime(1_704_164_645_123_456_700), "2024-01-02T03:04:05.1234567Z");
        assert_eq!(format_datetime(1_704_164_645_500_000_000), "2024-01-02T03:04:05.5Z");
        // Sub-tick nanoseconds are dropped, as Kusto has 100 ns resolution.
        assert_eq!(format_datetime(1_704_164_645_000_000_099), "2024-01-02T03:04:05Z");
        assert_eq!(format_datetime(-1), "1969-12-31T23:59:59.9999999Z");
        assert_eq!(format_datetime(951_782_400_000_000_000), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn timespans_print_in_kusto_form() {
        assert_eq!(format_timespan(0), "00:00:00");
        assert_eq!(format_timespan(90 * 1_000_000_000), "00:01:30");
        assert_eq!(format_timespan(1_500_000_000), "00:00:01.5000000");
        assert_eq!(format_timespan((2 * 86_400 + 3 * 3600) * 1_000_000_000), "2.03:00:00");
        assert_eq!(format_timespan(-1_000_000_000), "-00:00:01");
        assert_eq!(format_timespan(i64::MIN), "-106751.23:47:16.8547758");
    }

    #[test]
    fn strings_escape_as_serde_json_does() {
        for text in ["plain", "quote\" back\\ slash", "new\nline\ttab\r\u{8}\u{c}", "\u{1}\u{1f}", "ünï €"] {
            let mut out = String::new();
            write_json_string(text, &mut out);
            assert_eq!(out, serde_json::to_string(text).unwrap());
        }
    }

    #[test]
    fn columns_read_as_json_elements() {
        let text = |array: ArrayRef| {
            let column = JsonColumn::new(&array).unwrap();
            (0..column.len()).map(|row| column.text(row)).collect::<Vec<_>>()
        };
        assert_eq!(text(Arc::new(Int32Array::from(vec![Some(1), None]))), vec![Some("1".into()), None]);
        assert_eq!(
            text(Arc::new(Float64Array::from(vec![5.0, f64::NAN]))),
            vec![Some("5.0".into()), Some("\"NaN\"".into())]
        );
        assert_eq!(
            text(Arc::new(StringArray::from(vec![Some("a\"b"), None]))),
            vec![Some("\"a\\\"b\"".into()), Some("\"\"".into())]
        );
        assert_eq!(
            text(Arc::new(LargeStringArray::from(vec![Some("{\"a\": [1, 2]}"), Some("null"), None, Some("not json")]))),
            vec![Some("{\"a\":[1,2]}".into()), None, None, Some("\"not json\"".into())]
        );
        assert_eq!(text(Arc::new(BooleanArray::from(vec![true]))), vec![Some("true".into())]);
        assert_eq!(
            text(Arc::new(TimestampNanosecondArray::from(vec![1_704_164_645_123_456_700]))),
            vec![Some("\"2024-01-02T03:04:05.1234567Z\"".into())]
        );
        assert_eq!(
            text(Arc::new(DurationNanosecondArray::from(vec![3_600_000_000_000]))),
            vec![Some("\"01:00:00\"".into())]
        );
    }
}
