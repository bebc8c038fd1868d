//! One cell of a query result, in the spellings of the command-line contract (DESIGN.md).
//!
//! The engine represents KQL types in Arrow as follows, and [`kql_type_name`] maps them back:
//!
//! | KQL      | Arrow                                   | JSON value                          |
//! |----------|-----------------------------------------|-------------------------------------|
//! | bool     | Boolean                                 | `true` / `false`                    |
//! | int      | Int32                                   | number                              |
//! | long     | Int64                                   | number, exact (no f64 rounding)     |
//! | real     | Float64                                 | number; `"NaN"`, `"Infinity"`, `"-Infinity"` |
//! | decimal  | Decimal128(38, 18)                      | string of the exact decimal, `"2.5"` |
//! | string   | Utf8 (or Utf8View); guid too            | string; a null string is `""`       |
//! | datetime | Timestamp (any unit or zone; UTC)       | `"2024-01-02T03:04:05.12Z"`         |
//! | timespan | Duration (any unit)                     | `"1.02:03:04.5"`                    |
//! | dynamic  | LargeUtf8 holding JSON text             | the JSON value; invalid text as a string |
//!
//! Non-finite reals and decimals follow Kusto's own JSON: its REST responses spell NaN and the
//! infinities as the strings `"NaN"`, `"Infinity"` and `"-Infinity"` (JSON has no such numbers),
//! and send decimals as strings so that no digit is lost to a float parser.
//!
//! Anything else (List, Struct, Map, other integer widths, ...) is typed `dynamic`: nested values
//! become JSON arrays and objects, other scalars their natural JSON form.

use arrow::array::{Array, AsArray};
use arrow::datatypes::{
    DataType, Date32Type, Date64Type, Decimal128Type, Decimal256Type, DurationMicrosecondType, DurationMillisecondType,
    DurationNanosecondType, DurationSecondType, Float16Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type,
    Int64Type, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow::util::display::{ArrayFormatter, FormatOptions};
use quarry_data::values::{Fraction, TICKS_PER_SECOND, write_datetime, write_timespan};
use serde_json::{Map, Number, Value};

/// The KQL type name (`"long"`, `"datetime"`, ...) of an Arrow column type.
pub fn kql_type_name(data_type: &DataType) -> &'static str {
    match data_type {
        DataType::Boolean => "bool",
        DataType::Int32 => "int",
        DataType::Int64 => "long",
        DataType::Float64 => "real",
        DataType::Decimal128(..) | DataType::Decimal256(..) => "decimal",
        DataType::Utf8 | DataType::Utf8View => "string",
        DataType::LargeUtf8 => "dynamic",
        DataType::Timestamp(..) => "datetime",
        DataType::Duration(_) => "timespan",
        // A dictionary-encoded column is its value type to the user.
        DataType::Dictionary(_, value_type) => kql_type_name(value_type),
        _ => "dynamic",
    }
}

/// Whether a column holds numbers (the table right-aligns those).
pub(crate) fn is_numeric(data_type: &DataType) -> bool {
    match data_type {
        DataType::Dictionary(_, value_type) => is_numeric(value_type),
        other => other.is_numeric(),
    }
}

/// The JSON value of row `row` of `array`.
pub fn to_json(array: &dyn Array, row: usize) -> Value {
    if array.is_null(row) {
        return null_value(array.data_type());
    }
    match array.data_type() {
        DataType::Null => Value::Null,
        DataType::Boolean => Value::Bool(array.as_boolean().value(row)),
        DataType::Int8 => array.as_primitive::<Int8Type>().value(row).into(),
        DataType::Int16 => array.as_primitive::<Int16Type>().value(row).into(),
        DataType::Int32 => array.as_primitive::<Int32Type>().value(row).into(),
        DataType::Int64 => array.as_primitive::<Int64Type>().value(row).into(),
        DataType::UInt8 => array.as_primitive::<UInt8Type>().value(row).into(),
        DataType::UInt16 => array.as_primitive::<UInt16Type>().value(row).into(),
        DataType::UInt32 => array.as_primitive::<UInt32Type>().value(row).into(),
        DataType::UInt64 => array.as_primitive::<UInt64Type>().value(row).into(),
        DataType::Float16 => real_json(f64::from(array.as_primitive::<Float16Type>().value(row))),
        // Through the f32's own shortest spelling, so 0.1f32 stays 0.1 rather than 0.100000001.
        DataType::Float32 => {
            let v = array.as_primitive::<Float32Type>().value(row);
            real_json(v.to_string().parse().unwrap_or(f64::from(v)))
        }
        DataType::Float64 => real_json(array.as_primitive::<Float64Type>().value(row)),
        DataType::Decimal128(_, scale) => {
            let v = array.as_primitive::<Decimal128Type>().value(row);
            Value::String(format_decimal(&v.to_string(), *scale))
        }
        DataType::Decimal256(_, scale) => {
            let v = array.as_primitive::<Decimal256Type>().value(row);
            Value::String(format_decimal(&v.to_string(), *scale))
        }
        DataType::Utf8 => Value::String(array.as_string::<i32>().value(row).to_owned()),
        DataType::Utf8View => Value::String(array.as_string_view().value(row).to_owned()),
        DataType::LargeUtf8 => dynamic_json(array.as_string::<i64>().value(row)),
        DataType::Timestamp(unit, _) => {
            let v = match unit {
                TimeUnit::Second => array.as_primitive::<TimestampSecondType>().value(row),
                TimeUnit::Millisecond => array.as_primitive::<TimestampMillisecondType>().value(row),
                TimeUnit::Microsecond => array.as_primitive::<TimestampMicrosecondType>().value(row),
                TimeUnit::Nanosecond => array.as_primitive::<TimestampNanosecondType>().value(row),
            };
            Value::String(format_datetime(v, *unit))
        }
        DataType::Date32 => {
            let days = array.as_primitive::<Date32Type>().value(row);
            Value::String(format_datetime(i64::from(days) * 86_400, TimeUnit::Second))
        }
        DataType::Date64 => {
            let ms = array.as_primitive::<Date64Type>().value(row);
            Value::String(format_datetime(ms, TimeUnit::Millisecond))
        }
        DataType::Duration(unit) => {
            let v = match unit {
                TimeUnit::Second => array.as_primitive::<DurationSecondType>().value(row),
                TimeUnit::Millisecond => array.as_primitive::<DurationMillisecondType>().value(row),
                TimeUnit::Microsecond => array.as_primitive::<DurationMicrosecondType>().value(row),
                TimeUnit::Nanosecond => array.as_primitive::<DurationNanosecondType>().value(row),
            };
            Value::String(format_timespan(v, *unit))
        }
        DataType::List(_) => {
            let list = array.as_list::<i32>();
            list_json(list.value(row).as_ref())
        }
        DataType::LargeList(_) => {
            let list = array.as_list::<i64>();
            list_json(list.value(row).as_ref())
        }
        DataType::FixedSizeList(..) => list_json(array.as_fixed_size_list().value(row).as_ref()),
        DataType::Struct(fields) => {
            let s = array.as_struct();
            let mut object = Map::with_capacity(fields.len());
            for (field, column) in fields.iter().zip(s.columns()) {
                object.insert(field.name().clone(), nested_json(column.as_ref(), row));
            }
            Value::Object(object)
        }
        DataType::Map(..) => {
            let entries = array.as_map().value(row);
            let (keys, values) = (entries.column(0), entries.column(1));
            let mut object = Map::with_capacity(entries.len());
            for i in 0..entries.len() {
                let key = match to_json(keys.as_ref(), i) {
                    Value::String(s) => s,
                    other => compact(&other),
                };
                object.insert(key, nested_json(values.as_ref(), i));
            }
            Value::Object(object)
        }
        DataType::Dictionary(key_type, _) => match dictionary_index(array, key_type, row) {
            Some((values, index)) => to_json(values, index),
            None => fallback_json(array, row),
        },
        _ => fallback_json(array, row),
    }
}

/// The text of row `row` of `array` for the table and CSV: strings raw, numbers and booleans as
/// in JSON (a whole real without its `.0`), datetime and timespan as in JSON, a dynamic string
/// as its text and any other dynamic value as compact JSON, null as `""`.
pub fn to_display(array: &dyn Array, row: usize) -> String {
    if !array.is_null(row) {
        match array.data_type() {
            DataType::Utf8 => return array.as_string::<i32>().value(row).to_owned(),
            DataType::Utf8View => return array.as_string_view().value(row).to_owned(),
            DataType::Float16 | DataType::Float32 | DataType::Float64 => {
                if let Value::Number(n) = to_json(array, row) {
                    let text = n.to_string();
                    return match text.strip_suffix(".0") {
                        Some(whole) => whole.to_owned(),
                        None => text,
                    };
                }
            }
            _ => {}
        }
    }
    json_to_display(to_json(array, row))
}

fn json_to_display(value: Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s,
        other => compact(&other),
    }
}

fn compact(value: &Value) -> String {
    // Serializing a Value to a String cannot fail: its keys are strings.
    serde_json::to_string(value).unwrap_or_default()
}

/// The value of a null cell: KQL strings are never null, so a null string is the empty string.
fn null_value(data_type: &DataType) -> Value {
    match data_type {
        DataType::Utf8 | DataType::Utf8View => Value::String(String::new()),
        DataType::Dictionary(_, value_type) => null_value(value_type),
        _ => Value::Null,
    }
}

/// A value nested in a list, struct or map: there, null is JSON null whatever the type.
fn nested_json(array: &dyn Array, row: usize) -> Value {
    if array.is_null(row) { Value::Null } else { to_json(array, row) }
}

fn list_json(items: &dyn Array) -> Value {
    Value::Array((0..items.len()).map(|i| nested_json(items, i)).collect())
}

/// For a dictionary-encoded cell: the dictionary's values and the index of this cell's value.
fn dictionary_index<'a>(array: &'a dyn Array, key_type: &DataType, row: usize) -> Option<(&'a dyn Array, usize)> {
    macro_rules! lookup {
        ($key:ty) => {{
            let dict = array.as_dictionary::<$key>();
            let index = usize::try_from(dict.keys().value(row)).ok()?;
            (index < dict.values().len()).then(|| (dict.values().as_ref(), index))
        }};
    }
    match key_type {
        DataType::Int8 => lookup!(Int8Type),
        DataType::Int16 => lookup!(Int16Type),
        DataType::Int32 => lookup!(Int32Type),
        DataType::Int64 => lookup!(Int64Type),
        DataType::UInt8 => lookup!(UInt8Type),
        DataType::UInt16 => lookup!(UInt16Type),
        DataType::UInt32 => lookup!(UInt32Type),
        DataType::UInt64 => lookup!(UInt64Type),
        _ => None,
    }
}

/// Types without a KQL meaning (binary, intervals, ...) as Arrow's own display text.
fn fallback_json(array: &dyn Array, row: usize) -> Value {
    match ArrayFormatter::try_new(array, &FormatOptions::default()) {
        Ok(formatter) => Value::String(formatter.value(row).to_string()),
        Err(_) => Value::Null,
    }
}

/// A real as Kusto's JSON spells it.
fn real_json(v: f64) -> Value {
    match Number::from_f64(v) {
        Some(n) => Value::Number(n),
        None if v.is_nan() => Value::String("NaN".to_owned()),
        None if v > 0.0 => Value::String("Infinity".to_owned()),
        None => Value::String("-Infinity".to_owned()),
    }
}

/// A dynamic cell: the JSON value its text holds. Invalid JSON (which the engine should never
/// produce) is kept as a string rather than lost; empty text is dynamic's null.
fn dynamic_json(text: &str) -> Value {
    if text.trim().is_empty() {
        return Value::Null;
    }
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

/// The exact decimal text of an unscaled integer (`"-12345"`) at `scale`, trailing zeros of the
/// fraction trimmed: `format_decimal("12500", 3) == "12.5"`.
fn format_decimal(unscaled: &str, scale: i8) -> String {
    let (negative, digits) = match unscaled.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, unscaled),
    };
    let mut text = String::with_capacity(digits.len() + 4);
    if scale <= 0 {
        text.push_str(digits);
        if digits != "0" {
            text.extend(std::iter::repeat_n('0', usize::from(scale.unsigned_abs())));
        }
    } else {
        let scale = usize::from(scale.unsigned_abs());
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (whole, fraction) = padded.split_at(padded.len() - scale);
        text.push_str(whole);
        let fraction = fraction.trim_end_matches('0');
        if !fraction.is_empty() {
            text.push('.');
            text.push_str(fraction);
        }
    }
    if negative && text.bytes().any(|b| b != b'0' && b != b'.') {
        text.insert(0, '-');
    }
    text
}

/// `value` (in `unit` since the Unix epoch, UTC) as ISO 8601 with `Z` and up to 7 fractional
/// digits, trailing zeros trimmed: `2024-01-02T03:04:05Z`, `2024-01-02T03:04:05.12Z`.
/// Precision below 100 ns is dropped (rounded towards the past). Works from whole seconds and
/// ticks, so second-unit values beyond the years nanoseconds can hold (1677 to 2262) print too.
pub fn format_datetime(value: i64, unit: TimeUnit) -> String {
    let per_second: i64 = match unit {
        TimeUnit::Second => 1,
        TimeUnit::Millisecond => 1_000,
        TimeUnit::Microsecond => 1_000_000,
        TimeUnit::Nanosecond => 1_000_000_000,
    };
    let seconds = value.div_euclid(per_second);
    // Sub-second part in ticks; `rem_euclid < per_second <= 1e9`, so no overflow, and the
    // result is below TICKS_PER_SECOND.
    let ticks = value.rem_euclid(per_second) * i64::from(TICKS_PER_SECOND) / per_second;
    let mut text = String::with_capacity(28);
    write_datetime(&mut text, seconds, ticks as u32, Fraction::Trimmed);
    text
}

/// `value` (in `unit`) in Kusto's timespan form `[-][d.]hh:mm:ss[.fffffff]`, trailing zeros of
/// the fraction trimmed: `00:05:00`, `1.02:03:04.5`, `-00:00:01`. Precision below 100 ns is
/// dropped (towards zero).
pub fn format_timespan(value: i64, unit: TimeUnit) -> String {
    let ticks: i128 = match unit {
        TimeUnit::Second => i128::from(value) * i128::from(TICKS_PER_SECOND),
        TimeUnit::Millisecond => i128::from(value) * 10_000,
        TimeUnit::Microsecond => i128::from(value) * 10,
        TimeUnit::Nanosecond => i128::from(value) / 100,
    };
    let mut text = String::with_capacity(24);
    write_timespan(&mut text, ticks, Fraction::Trimmed);
    text
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::Arc;

    use arrow::array::{
        ArrayRef, BooleanArray, Date32Array, Decimal128Array, DictionaryArray, DurationMicrosecondArray,
        DurationMillisecondArray, DurationNanosecondArray, DurationSecondArray, Float32Array, Float64Array, Int32Array,
        Int64Array, LargeStringArray, ListArray, StringArray, StringViewArray, StructArray, TimestampMicrosecondArray,
        TimestampMillisecondArray, TimestampNanosecondArray, TimestampSecondArray, UInt64Array,
    };
    use arrow::datatypes::{Field, Int32Type, Schema};
    use arrow::record_batch::RecordBatch;
    use serde_json::json;

    use super::*;

    /// One batch with a column of every KQL type and two rows: values, then all nulls.
    pub(crate) fn every_type_batch() -> RecordBatch {
        let columns: Vec<(&str, ArrayRef)> = vec![
            ("b", Arc::new(BooleanArray::from(vec![Some(true), None]))),
            ("i", Arc::new(Int32Array::from(vec![Some(-7), None]))),
            ("l", Arc::new(Int64Array::from(vec![Some(123_456_789_012_345_678), None]))),
            ("r", Arc::new(Float64Array::from(vec![Some(2.5), None]))),
            (
                "d",
                Arc::new(
                    Decimal128Array::from(vec![Some(1_250_000_000_000_000_000), None])
                        .with_precision_and_scale(38, 18)
                        .unwrap(),
                ),
            ),
            ("s", Arc::new(StringArray::from(vec![Some("a, \"b\""), None]))),
            ("t", Arc::new(TimestampNanosecondArray::from(vec![Some(1_704_164_645_120_000_000), None]))),
            ("ts", Arc::new(DurationNanosecondArray::from(vec![Some(93_784_500_000_000), None]))),
            ("g", Arc::new(StringArray::from(vec![Some("0f8fad5b-d9cb-469f-a165-70867728950e"), None]))),
            ("dyn", Arc::new(LargeStringArray::from(vec![Some(r#"{"k": [1, "x"]}"#), None]))),
        ];
        let schema = Schema::new(
            columns.iter().map(|(name, array)| Field::new(*name, array.data_type().clone(), true)).collect::<Vec<_>>(),
        );
        RecordBatch::try_new(Arc::new(schema), columns.into_iter().map(|(_, a)| a).collect()).unwrap()
    }

    fn cell(array: impl Array + 'static) -> (Value, String) {
        (to_json(&array, 0), to_display(&array, 0))
    }

    #[test]
    fn type_names() {
        let batch = every_type_batch();
        let names: Vec<_> = batch.schema().fields().iter().map(|f| kql_type_name(f.data_type())).collect();
        assert_eq!(
            names,
            ["bool", "int", "long", "real", "decimal", "string", "datetime", "timespan", "string", "dynamic"]
        );
        assert_eq!(kql_type_name(&DataType::Utf8View), "string");
        assert_eq!(kql_type_name(&DataType::Timestamp(TimeUnit::Millisecond, Some("+02:00".into()))), "datetime");
        assert_eq!(kql_type_name(&DataType::Duration(TimeUnit::Second)), "timespan");
        assert_eq!(kql_type_name(&DataType::List(Arc::new(Field::new("item", DataType::Int64, true)))), "dynamic");
        assert_eq!(kql_type_name(&DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))), "string");
        assert_eq!(kql_type_name(&DataType::UInt16), "dynamic");
    }

    #[test]
    fn every_type_and_its_null() {
        let batch = every_type_batch();
        let values: Vec<Value> = batch.columns().iter().map(|c| to_json(c.as_ref(), 0)).collect();
        assert_eq!(
            Value::Array(values),
            json!([
                true, -7, 123_456_789_012_345_678_i64, 2.5, "1.25", "a, \"b\"",
                "2024-01-02T03:04:05.12Z", "1.02:03:04.5", "0f8fad5b-d9cb-469f-a165-70867728950e",
                {"k": [1, "x"]}
            ])
        );
        let nulls: Vec<Value> = batch.columns().iter().map(|c| to_json(c.as_ref(), 1)).collect();
        assert_eq!(Value::Array(nulls), json!([null, null, null, null, null, "", null, null, "", null]));
        let displays: Vec<String> = batch.columns().iter().map(|c| to_display(c.as_ref(), 0)).collect();
        assert_eq!(
            displays,
            [
                "true",
                "-7",
                "123456789012345678",
                "2.5",
                "1.25",
                "a, \"b\"",
                "2024-01-02T03:04:05.12Z",
                "1.02:03:04.5",
                "0f8fad5b-d9cb-469f-a165-70867728950e",
                r#"{"k":[1,"x"]}"#
            ]
        );
        for column in batch.columns() {
            assert_eq!(to_display(column.as_ref(), 1), "", "{:?}", column.data_type());
        }
    }

    #[test]
    fn long_beyond_f64_is_exact() {
        let big = (1_i64 << 53) + 1;
        let (value, display) = cell(Int64Array::from(vec![big]));
        assert_eq!(serde_json::to_string(&value).unwrap(), "9007199254740993");
        assert_eq!(display, "9007199254740993");
        let (value, _) = cell(Int64Array::from(vec![i64::MIN]));
        assert_eq!(serde_json::to_string(&value).unwrap(), "-9223372036854775808");
        let (value, _) = cell(UInt64Array::from(vec![u64::MAX]));
        assert_eq!(serde_json::to_string(&value).unwrap(), "18446744073709551615");
    }

    #[test]
    fn reals() {
        let array = Float64Array::from(vec![1.0, 0.1, -0.5, 1e300, f64::NAN, f64::INFINITY, f64::NEG_INFINITY]);
        let json: Vec<String> = (0..array.len()).map(|i| serde_json::to_string(&to_json(&array, i)).unwrap()).collect();
        assert_eq!(json, ["1.0", "0.1", "-0.5", "1e+300", "\"NaN\"", "\"Infinity\"", "\"-Infinity\""]);
        let display: Vec<String> = (0..array.len()).map(|i| to_display(&array, i)).collect();
        assert_eq!(display, ["1", "0.1", "-0.5", "1e+300", "NaN", "Infinity", "-Infinity"]);
        let (value, display) = cell(Float32Array::from(vec![0.1_f32]));
        assert_eq!((value, display.as_str()), (json!(0.1), "0.1"));
    }

    #[test]
    fn decimals() {
        let array = Decimal128Array::from(vec![
            Some(0),
            Some(-5),
            Some(1_000_000_000_000_000_000),
            Some(-123_456_789_000_000_000_000_000),
            Some(i128::MAX),
        ])
        .with_precision_and_scale(38, 18)
        .unwrap();
        let display: Vec<String> = (0..array.len()).map(|i| to_display(&array, i)).collect();
        assert_eq!(
            display,
            ["0", "-0.000000000000000005", "1", "-123456.789", "170141183460469231731.687303715884105727"]
        );
        assert_eq!(to_json(&array, 3), json!("-123456.789"));
        assert_eq!(format_decimal("12", -2), "1200");
        assert_eq!(format_decimal("0", -2), "0");
        assert_eq!(format_decimal("-0", 2), "0");
        assert_eq!(format_decimal("5", 0), "5");
    }

    #[test]
    fn datetimes() {
        let base = 1_704_164_645_i64; // 2024-01-02T03:04:05Z
        let array = TimestampNanosecondArray::from(vec![
            base * 1_000_000_000,
            base * 1_000_000_000 + 123_000_000,
            base * 1_000_000_000 + 123_456_700,
            base * 1_000_000_000 + 123_456_789, // below 100 ns: dropped
            0,
            -1,                                       // one nanosecond before the epoch
            -2_208_988_800_000_000_000 + 500_000_000, // 1900-01-01T00:00:00.5
        ]);
        let text: Vec<String> = (0..array.len()).map(|i| to_display(&array, i)).collect();
        assert_eq!(
            text,
            [
                "2024-01-02T03:04:05Z",
                "2024-01-02T03:04:05.123Z",
                "2024-01-02T03:04:05.1234567Z",
                "2024-01-02T03:04:05.1234567Z",
                "1970-01-01T00:00:00Z",
                "1969-12-31T23:59:59.9999999Z",
                "1900-01-01T00:00:00.5Z",
            ]
        );
        assert_eq!(to_json(&array, 1), json!("2024-01-02T03:04:05.123Z"));

        // Other units, and a zone (Arrow values are UTC whatever the zone).
        let seconds = TimestampSecondArray::from(vec![253_402_300_799]).with_timezone("+05:00");
        assert_eq!(to_display(&seconds, 0), "9999-12-31T23:59:59Z");
        // Seconds reach years that nanoseconds cannot (before 1677, after 2262, before year 1).
        let seconds = TimestampSecondArray::from(vec![-62_135_596_801, 253_402_300_800]);
        assert_eq!(to_display(&seconds, 0), "0000-12-31T23:59:59Z");
        assert_eq!(to_display(&seconds, 1), "10000-01-01T00:00:00Z");
        let micros = TimestampMicrosecondArray::from(vec![-1]);
        assert_eq!(to_display(&micros, 0), "1969-12-31T23:59:59.999999Z");
        let millis = TimestampMillisecondArray::from(vec![951_782_400_010]); // leap day 2000
        assert_eq!(to_display(&millis, 0), "2000-02-29T00:00:00.01Z");
        let date = Date32Array::from(vec![19_724]);
        assert_eq!(to_display(&date, 0), "2024-01-02T00:00:00Z");
    }

    #[test]
    fn timespans() {
        let s = 1_000_000_000_i64;
        let array = DurationNanosecondArray::from(vec![
            0,
            300 * s,
            -s,
            93_784 * s + 500_000_000,
            -(3 * 86_400 * s + 100),
            100,
            99, // below 100 ns: dropped
            i64::MIN,
        ]);
        let text: Vec<String> = (0..array.len()).map(|i| to_display(&array, i)).collect();
        assert_eq!(
            text,
            [
                "00:00:00",
                "00:05:00",
                "-00:00:01",
                "1.02:03:04.5",
                "-3.00:00:00.0000001",
                "00:00:00.0000001",
                "00:00:00",
                "-106751.23:47:16.8547758",
            ]
        );
        assert_eq!(to_json(&array, 2), json!("-00:00:01"));
        assert_eq!(to_display(&DurationSecondArray::from(vec![-90_061]), 0), "-1.01:01:01");
        assert_eq!(to_display(&DurationMillisecondArray::from(vec![1_500]), 0), "00:00:01.5");
        assert_eq!(to_display(&DurationMicrosecondArray::from(vec![-1_500_001]), 0), "-00:00:01.500001");
    }

    #[test]
    fn dynamics() {
        let array = LargeStringArray::from(vec![
            Some(r#"{"b": 1, "a": [true, null]}"#),
            Some("[1, 2.5, \"x\"]"),
            Some("\"plain\""),
            Some("123456789012345678"),
            Some("null"),
            Some("not json {"),
            Some(""),
            None,
        ]);
        let json: Vec<Value> = (0..array.len()).map(|i| to_json(&array, i)).collect();
        assert_eq!(
            Value::Array(json.clone()),
            json!([
                {"b": 1, "a": [true, null]}, [1, 2.5, "x"], "plain", 123_456_789_012_345_678_i64,
                null, "not json {", null, null
            ])
        );
        // Key order is kept (serde_json's preserve_order).
        assert_eq!(serde_json::to_string(&json[0]).unwrap(), r#"{"b":1,"a":[true,null]}"#);
        let display: Vec<String> = (0..array.len()).map(|i| to_display(&array, i)).collect();
        assert_eq!(
            display,
            [r#"{"b":1,"a":[true,null]}"#, r#"[1,2.5,"x"]"#, "plain", "123456789012345678", "", "not json {", "", ""]
        );
    }

    #[test]
    fn strings_views_and_dictionaries() {
        let (value, display) = cell(StringViewArray::from(vec!["a longer string than twelve bytes"]));
        assert_eq!(value, json!("a longer string than twelve bytes"));
        assert_eq!(display, "a longer string than twelve bytes");
        let view_null = StringViewArray::from(vec![None::<&str>]);
        assert_eq!(to_json(&view_null, 0), json!(""));

        let dict: DictionaryArray<Int32Type> = vec![Some("x"), None, Some("y"), Some("x")].into_iter().collect();
        let values: Vec<Value> = (0..dict.len()).map(|i| to_json(&dict, i)).collect();
        assert_eq!(Value::Array(values), json!(["x", "", "y", "x"]));
    }

    #[test]
    fn nested_values_are_json() {
        let list =
            ListArray::from_iter_primitive::<Int64Type, _, _>(vec![Some(vec![Some(1), None, Some(1 << 60)]), None]);
        assert_eq!(to_json(&list, 0), json!([1, null, 1_i64 << 60]));
        assert_eq!(to_display(&list, 0), "[1,null,1152921504606846976]");
        assert_eq!(to_json(&list, 1), Value::Null);

        let strukt = StructArray::from(vec![
            (
                Arc::new(Field::new("name", DataType::Utf8, true)),
                Arc::new(StringArray::from(vec![None::<&str>])) as ArrayRef,
            ),
            (Arc::new(Field::new("n", DataType::Int32, true)), Arc::new(Int32Array::from(vec![4])) as ArrayRef),
        ]);
        assert_eq!(to_json(&strukt, 0), json!({"name": null, "n": 4}));
        assert_eq!(to_display(&strukt, 0), r#"{"name":null,"n":4}"#);
    }
}
