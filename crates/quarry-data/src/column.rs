//! Building one Arrow column of a KQL type from JSON values (schema-directed decoding).

use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, BooleanBuilder, Decimal128Builder, DurationNanosecondBuilder, Float64Builder, Int32Builder,
    Int64Builder, LargeStringBuilder, StringArray, StringBuilder, TimestampNanosecondBuilder, new_null_array,
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
    pub(crate) fn append_scanned(&mut self, kind: Kind, raw: &str, scratch: &mut String) -> bool {
        if kind == Kind::Null {
            self.append_missing();
            return true;
        }
        match (self, kind) {
            (ColumnData::Str(b), Kind::Str) => b.append_value(&raw[1..raw.len() - 1]),
            (ColumnData::Str(b), Kind::EscapedStr) => {
                scratch.clear();
                if !unescape(&raw[1..raw.len() - 1], scratch) {
                    return false;
                }
                b.append_value(&*scratch);
            }
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

    /// The values appended so far as an array; the builder is left empty, with room for as
    /// many values (and bytes) again, so the next batch grows nothing.
    pub(crate) fn finish(&mut self) -> ArrayRef {
        match self {
            ColumnData::Bool(b) => {
                let a = b.finish();
                *b = BooleanBuilder::with_capacity(a.len());
                Arc::new(a)
            }
            ColumnData::Int(b) => {
                let a = b.finish();
                *b = Int32Builder::with_capacity(a.len());
                Arc::new(a)
            }
            ColumnData::Long(b) => {
                let a = b.finish();
                *b = Int64Builder::with_capacity(a.len());
                Arc::new(a)
            }
            ColumnData::Real(b) => {
                let a = b.finish();
                *b = Float64Builder::with_capacity(a.len());
                Arc::new(a)
            }
            ColumnData::Decimal(b) => Arc::new(b.finish()),
            ColumnData::Str(b) => {
                let a = b.finish();
                *b = StringBuilder::with_capacity(a.len(), a.value_data().len());
                Arc::new(a)
            }
            ColumnData::DateTime(b) => {
                let a = b.finish();
                *b = TimestampNanosecondBuilder::with_capacity(a.len());
                Arc::new(a)
            }
            ColumnData::TimeSpan(b) => {
                let a = b.finish();
                *b = DurationNanosecondBuilder::with_capacity(a.len());
                Arc::new(a)
            }
            ColumnData::Dynamic(b) => {
                let a = b.finish();
                *b = LargeStringBuilder::with_capacity(a.len(), a.value_data().len());
                Arc::new(a)
            }
        }
    }
}

/// Appends the content of a JSON string (without its quotes, valid JSON) to `out`, escapes
/// decoded. `false` for a `\u` escape that is not a valid character (a lone surrogate), which
/// the caller leaves to serde's rules.
fn unescape(content: &str, out: &mut String) -> bool {
    let b = content.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            // To the next backslash, eight bytes at a time (in a JSON string's content, the
            // only quote or control bytes follow a backslash).
            i += 1;
            while i + 8 <= b.len() {
                let mut w = [0u8; 8];
                w.copy_from_slice(&b[i..i + 8]);
                let m = crate::formats::scan::special(u64::from_le_bytes(w));
                if m != 0 {
                    i += (m.trailing_zeros() / 8) as usize;
                    break;
                }
                i += 8;
            }
            continue;
        }
        out.push_str(&content[start..i]);
        let c = match b.get(i + 1) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let Some(hi) = hex4(b, i + 2) else { return false };
                if (0xD800..0xDC00).contains(&hi) {
                    // A surrogate pair: `\uD83D\uDE00`.
                    if b.get(i + 6) != Some(&b'\\') || b.get(i + 7) != Some(&b'u') {
                        return false;
                    }
                    let Some(lo) = hex4(b, i + 8) else { return false };
                    if !(0xDC00..0xE000).contains(&lo) {
                        return false;
                    }
                    let Some(c) = char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)) else {
                        return false;
                    };
                    out.push(c);
                    i += 12;
                    start = i;
                    continue;
                }
                let Some(c) = char::from_u32(hi) else { return false };
                out.push(c);
                i += 6;
                start = i;
                continue;
            }
            _ => return false,
        };
        out.push(c);
        i += 2;
        start = i;
    }
    out.push_str(&content[start..]);
    true
}

fn hex4(b: &[u8], at: usize) -> Option<u32> {
    let digits = b.get(at..at + 4)?;
    let mut v = 0u32;
    for &d in digits {
        v = v * 16 + (d as char).to_digit(16)?;
    }
    Some(v)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescape_agrees_with_serde() {
        for raw in [
            r#""C:\\Program Files\\x.exe""#,
            r#""a\"b\/c\b\f\n\r\t""#,
            r#""\u00e9\u20AC\uD83D\uDE00 end""#,
            r#""plain""#,
            r#""\\""#,
        ] {
            let mut out = String::new();
            assert!(unescape(&raw[1..raw.len() - 1], &mut out), "{raw}");
            assert_eq!(out, serde_json::from_str::<String>(raw).unwrap(), "{raw}");
        }
        for lone in [r#""\uD83D""#, r#""\uDE00x""#, r#""\uD83D\u0041""#] {
            assert!(!unescape(&lone[1..lone.len() - 1], &mut String::new()), "{lone}");
        }
    }

    #[test]
    fn scanned_values_decode_as_their_json_text_does() {
        let cases: [(Type, Kind, &str); 9] = [
            (Type::String, Kind::Str, r#""abc""#),
            (Type::String, Kind::EscapedStr, r#""a\\b\u00e9""#),
            (Type::DateTime, Kind::Str, r#""2024-05-01T10:00:00.1234567Z""#),
            (Type::Long, Kind::Number, "639199803770463703"),
            (Type::Int, Kind::Number, "-42"),
            (Type::Bool, Kind::True, "true"),
            (Type::Dynamic, Kind::Nested, r#"{"a":[1,2]}"#),
            (Type::Dynamic, Kind::Str, r#""x""#),
            (Type::Long, Kind::Null, "null"),
        ];
        for (ty, kind, raw) in cases {
            let mut fast = ColumnData::new(ty, 4);
            let mut slow = ColumnData::new(ty, 4);
            let mut scratch = String::new();
            assert!(fast.append_scanned(kind, raw, &mut scratch), "{raw}");
            slow.append_json(raw, &mut scratch).unwrap();
            assert_eq!(fast.finish().to_data(), slow.finish().to_data(), "{raw}");
        }
        // Cases left to append_json append nothing.
        let mut col = ColumnData::new(Type::Int, 4);
        assert!(!col.append_scanned(Kind::Number, "7.0", &mut String::new()));
        assert!(!col.append_scanned(Kind::Number, "99999999999", &mut String::new()));
        let mut col = ColumnData::new(Type::DateTime, 4);
        assert!(!col.append_scanned(Kind::Str, r#""  ""#, &mut String::new()));
        assert_eq!(col.finish().len(), 0);
    }
}
