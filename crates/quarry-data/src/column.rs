//! Building one Arrow column of a KQL type from JSON values (schema-directed decoding).

use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanBuilder, Decimal128Builder, DurationNanosecondBuilder, Float64Builder, Int32Builder, Int64Builder,
    LargeStringBuilder, StringArray, StringBuilder, TimestampNanosecondBuilder, new_null_array,
};
use kql_semantics::Type;

use crate::arrow_types::{DECIMAL_PRECISION, DECIMAL_SCALE, arrow_type};
use crate::formats::scan::Kind;
use crate::row::{Shape, shape, unquote};
use crate::values::{minify_json, parse_datetime, parse_integer, parse_scaled, parse_timespan};

/// An Arrow builder for one KQL type.
pub(crate) enum ColumnData {
    Bool(BooleanBuilder),
    Int(Int32Builder),
    Long(Int64Builder),
    Real(Float64Builder),
    Decimal(Decimal128Builder),
    /// `string` and `guid`.
    Str(StringBuilder),
    DateTime(TimestampNanosecondBuilder),
    TimeSpan(DurationNanosecondBuilder),
    Dynamic(LargeStringBuilder),
}

impl ColumnData {
    pub(crate) fn new(ty: Type, capacity: usize) -> ColumnData {
        match ty {
            Type::Bool => ColumnData::Bool(BooleanBuilder::with_capacity(capacity)),
            Type::Int => ColumnData::Int(Int32Builder::with_capacity(capacity)),
            Type::Long => ColumnData::Long(Int64Builder::with_capacity(capacity)),
            Type::Real => ColumnData::Real(Float64Builder::with_capacity(capacity)),
            Type::Decimal => ColumnData::Decimal(
                Decimal128Builder::with_capacity(capacity)
                    .with_precision_and_scale(DECIMAL_PRECISION, DECIMAL_SCALE)
                    .unwrap_or_else(|_| Decimal128Builder::with_capacity(capacity)),
            ),
            Type::String | Type::Guid | Type::Unknown => {
                ColumnData::Str(StringBuilder::with_capacity(capacity, capacity * 16))
            }
            Type::DateTime => ColumnData::DateTime(TimestampNanosecondBuilder::with_capacity(capacity)),
            Type::TimeSpan => ColumnData::TimeSpan(DurationNanosecondBuilder::with_capacity(capacity)),
            Type::Dynamic => ColumnData::Dynamic(LargeStringBuilder::with_capacity(capacity, capacity * 32)),
        }
    }

    /// Appends the value for a missing key or JSON null: `""` for strings, null otherwise.
    pub(crate) fn append_missing(&mut self) {
        match self {
            ColumnData::Bool(b) => b.append_null(),
            ColumnData::Int(b) => b.append_null(),
            ColumnData::Long(b) => b.append_null(),
            ColumnData::Real(b) => b.append_null(),
            ColumnData::Decimal(b) => b.append_null(),
            ColumnData::Str(b) => b.append_value(""),
            ColumnData::DateTime(b) => b.append_null(),
            ColumnData::TimeSpan(b) => b.append_null(),
            ColumnData::Dynamic(b) => b.append_null(),
        }
    }

    pub(crate) fn append_missing_n(&mut self, n: usize) {
        for _ in 0..n {
            self.append_missing();
        }
    }

    /// Appends the value whose JSON text is `raw`. On error nothing is appended and the reason
    /// is returned; the caller appends a missing value and reports it.
    pub(crate) fn append_json(&mut self, raw: &str, scratch: &mut String) -> Result<(), String> {
        let sh = shape(raw);
        if sh == Shape::Null {
            self.append_missing();
            return Ok(());
        }
        match self {
            ColumnData::Bool(b) => {
                let v = match sh {
                    Shape::Bool(v) => v,
                    Shape::Number => match raw {
                        "0" => false,
                        "1" => true,
                        _ => return Err(mismatch(raw, "bool")),
                    },
                    Shape::String => {
                        let s = unquote(raw);
                        match s.trim() {
                            "" => {
                                b.append_null();
                                return Ok(());
                            }
                            t if t.eq_ignore_ascii_case("true") || t == "1" => true,
                            t if t.eq_ignore_ascii_case("false") || t == "0" => false,
                            _ => return Err(mismatch(raw, "bool")),
                        }
                    }
                    _ => return Err(mismatch(raw, "bool")),
                };
                b.append_value(v);
            }
            ColumnData::Int(b) => match number_text(raw, sh, "int")? {
                None => b.append_null(),
                Some(t) => {
                    let v = parse_integer(&t).map_err(|e| format!("{}: {e}", quote_value(raw)))?;
                    b.append_value(
                        i32::try_from(v).map_err(|_| format!("{} is out of range for int", quote_value(raw)))?,
                    );
                }
            },
            ColumnData::Long(b) => match number_text(raw, sh, "long")? {
                None => b.append_null(),
                Some(t) => {
                    let v = parse_integer(&t).map_err(|e| format!("{}: {e}", quote_value(raw)))?;
                    b.append_value(
                        i64::try_from(v).map_err(|_| format!("{} is out of range for long", quote_value(raw)))?,
                    );
                }
            },
            ColumnData::Real(b) => match number_text(raw, sh, "real")? {
                None => b.append_null(),
                Some(t) => {
                    let v = t.trim().parse::<f64>().map_err(|_| mismatch(raw, "real"))?;
                    b.append_value(v);
                }
            },
            ColumnData::Decimal(b) => match number_text(raw, sh, "decimal")? {
                None => b.append_null(),
                Some(t) => {
                    let (v, _) =
                        parse_scaled(&t, DECIMAL_SCALE as u32).map_err(|e| format!("{}: {e}", quote_value(raw)))?;
                    b.append_value(v);
                }
            },
            ColumnData::Str(b) => match sh {
                Shape::String => b.append_value(unquote(raw)),
                _ => {
                    // A number, a boolean or an object in a string column: its JSON text.
                    scratch.clear();
                    minify_json(raw, scratch);
                    b.append_value(&*scratch);
                }
            },
            ColumnData::DateTime(b) => {
                if sh != Shape::String {
                    return Err(mismatch(raw, "datetime"));
                }
                let s = unquote(raw);
                if s.trim().is_empty() {
                    b.append_null();
                } else {
                    b.append_value(parse_datetime(&s).map_err(|e| format!("{}: {e}", quote_value(raw)))?);
                }
            }
            ColumnData::TimeSpan(b) => {
                if sh != Shape::String {
                    return Err(mismatch(raw, "timespan"));
                }
                let s = unquote(raw);
                if s.trim().is_empty() {
                    b.append_null();
                } else {
                    b.append_value(parse_timespan(&s).map_err(|e| format!("{}: {e}", quote_value(raw)))?);
                }
            }
            ColumnData::Dynamic(b) => {
                scratch.clear();
                minify_json(raw, scratch);
                b.append_value(&*scratch);
            }
        }
        Ok(())
    }

    /// Appends a value the scanner classified, when it is one of the common cases decoded here
    /// without looking at the text again: a plain string into a string column, an ISO datetime,
    /// a plain integer, a boolean, a null. Returns `false`, having appended nothing, for
    /// everything else, which [`ColumnData::append_json`] then decodes (and words the error
    /// for). What this appends is what `append_json` would.
    #[inline]
    pub(crate) fn append_scanned(&mut self, kind: Kind, raw: &str) -> bool {
        if kind == Kind::Null {
            self.append_missing();
            return true;
        }
        match (self, kind) {
            (ColumnData::Str(b), Kind::Str) => b.append_value(&raw[1..raw.len() - 1]),
            (ColumnData::DateTime(b), Kind::Str) => match parse_datetime(&raw[1..raw.len() - 1]) {
                Ok(v) => b.append_value(v),
                Err(_) => return false,
            },
            (ColumnData::Long(b), Kind::Number) => match raw.parse::<i64>() {
                Ok(v) => b.append_value(v),
                Err(_) => return false,
            },
            (ColumnData::Int(b), Kind::Number) => match raw.parse::<i32>() {
                Ok(v) => b.append_value(v),
                Err(_) => return false,
            },
            (ColumnData::Bool(b), Kind::True) => b.append_value(true),
            (ColumnData::Bool(b), Kind::False) => b.append_value(false),
            (ColumnData::Dynamic(b), Kind::Nested | Kind::Str | Kind::Number | Kind::True | Kind::False)
                if !raw.as_bytes().iter().any(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r')) =>
            {
                b.append_value(raw)
            }
            _ => return false,
        }
        true
    }

    /// The values appended so far as an array; the builder is left empty.
    pub(crate) fn finish(&mut self) -> ArrayRef {
        match self {
            ColumnData::Bool(b) => Arc::new(b.finish()),
            ColumnData::Int(b) => Arc::new(b.finish()),
            ColumnData::Long(b) => Arc::new(b.finish()),
            ColumnData::Real(b) => Arc::new(b.finish()),
            ColumnData::Decimal(b) => Arc::new(b.finish()),
            ColumnData::Str(b) => Arc::new(b.finish()),
            ColumnData::DateTime(b) => Arc::new(b.finish()),
            ColumnData::TimeSpan(b) => Arc::new(b.finish()),
            ColumnData::Dynamic(b) => Arc::new(b.finish()),
        }
    }
}

/// An array of `n` missing values of type `ty` (`""` for strings, nulls otherwise).
pub(crate) fn missing_array(ty: Type, n: usize) -> ArrayRef {
    match arrow_type(ty) {
        arrow::datatypes::DataType::Utf8 => Arc::new(StringArray::from_iter_values(std::iter::repeat_n("", n))),
        dt => new_null_array(&dt, n),
    }
}

/// The text to parse as a number: a JSON number's text or a string's content. `None` for an
/// empty string, which is null.
fn number_text<'a>(raw: &'a str, sh: Shape, ty: &str) -> Result<Option<std::borrow::Cow<'a, str>>, String> {
    match sh {
        Shape::Number => Ok(Some(raw.into())),
        Shape::String => {
            let s = unquote(raw);
            Ok(if s.trim().is_empty() { None } else { Some(s) })
        }
        _ => Err(mismatch(raw, ty)),
    }
}

fn mismatch(raw: &str, ty: &str) -> String {
    format!("{} is not a {ty}", quote_value(raw))
}

/// A value for a message, shortened.
fn quote_value(raw: &str) -> String {
    const MAX: usize = 60;
    if raw.len() <= MAX {
        raw.to_string()
    } else {
        let mut end = MAX;
        while !raw.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…", &raw[..end])
    }
}
