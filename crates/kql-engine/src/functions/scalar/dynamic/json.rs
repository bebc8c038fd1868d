//! KQL `dynamic` values, carried as JSON text in `LargeUtf8` columns.
//!
//! A small JSON model of our own keeps property-bag keys in the order they were written (Kusto
//! prints bags that way) whatever serde_json's features are, and prints numbers as Kusto does
//! (`118.0` reads back as `118`). A lazy scanner finds members and elements in JSON text without
//! building the whole value, for member access and `mv-expand`.

use std::borrow::Cow;
use std::fmt::Write as _;

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{DataType, Float64Type, Int32Type, Int64Type, TimeUnit};
use datafusion::common::ScalarValue;

use crate::functions::scalar::conversion::text::{fmt_datetime, fmt_decimal, fmt_real, fmt_timespan};

/// Nesting deeper than this is rejected as invalid rather than risking the stack.
const MAX_DEPTH: usize = 256;

/// A JSON value; objects keep their keys in document order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Int(i64),
    Real(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    /// Parses JSON text (surrounding whitespace allowed), `None` when invalid.
    pub fn parse(text: &str) -> Option<Json> {
        let mut p = Parser { b: text.as_bytes(), i: 0 };
        p.ws();
        let v = p.value(0)?;
        p.ws();
        (p.i == p.b.len()).then_some(v)
    }

    /// Compact JSON text, numbers printed as Kusto prints them.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    /// Appends the compact JSON text of `self` to `out`.
    pub fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Int(v) => {
                let _ = write!(out, "{v}");
            }
            Json::Real(v) => {
                if v.is_finite() {
                    out.push_str(&fmt_real(*v));
                } else {
                    // JSON has no NaN or infinities: keep Kusto's spelling as a string.
                    write_str(&fmt_real(*v), out);
                }
            }
            Json::Str(s) => write_str(s, out),
            Json::Arr(items) => {
                out.push('[');
                for (k, item) in items.iter().enumerate() {
                    if k > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Obj(entries) => {
                out.push('{');
                for (k, (key, value)) in entries.iter().enumerate() {
                    if k > 0 {
                        out.push(',');
                    }
                    write_str(key, out);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }

    /// The string form `tostring()` gives: a string's own text, JSON text for anything else,
    /// `""` for null.
    pub fn to_kusto_string(&self) -> String {
        match self {
            Json::Null => String::new(),
            Json::Str(s) => s.clone(),
            Json::Real(v) => fmt_real(*v),
            other => other.to_text(),
        }
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(entries) => entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// True for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    /// The value as a real, for numbers.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Int(v) => Some(*v as f64),
            Json::Real(v) => Some(*v),
            _ => None,
        }
    }

    /// Equality as Kusto compares dynamic values: numbers by value (`1 == 1.0`), others
    /// structurally.
    pub fn kusto_eq(&self, other: &Json) -> bool {
        match (self, other) {
            (Json::Int(a), Json::Int(b)) => a == b,
            (Json::Int(_) | Json::Real(_), Json::Int(_) | Json::Real(_)) => self.as_f64() == other.as_f64(),
            (Json::Arr(a), Json::Arr(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.kusto_eq(y)),
            (Json::Obj(a), Json::Obj(b)) => {
                a.len() == b.len() && a.iter().all(|(k, v)| other.get(k).is_some_and(|w| v.kusto_eq(w)))
            }
            _ => self == other,
        }
    }

    /// A text key equal for values that are [`Json::kusto_eq`] (numbers print the same whether
    /// integral reals or longs), for hashing in set functions.
    pub fn key(&self) -> String {
        self.to_text()
    }
}

/// Appends `s` as a JSON string literal.
pub(crate) fn write_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `s` as a JSON string literal.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_str(s, &mut out);
    out
}

// ---------------------------------------------------------------------------------------------
// Parser and scanner

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Parser<'a> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn lit(&mut self, word: &[u8]) -> Option<()> {
        if self.b[self.i..].starts_with(word) {
            self.i += word.len();
            Some(())
        } else {
            None
        }
    }

    fn value(&mut self, depth: usize) -> Option<Json> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'{' => {
                self.i += 1;
                let mut entries: Vec<(String, Json)> = Vec::new();
                self.ws();
                if self.peek()? == b'}' {
                    self.i += 1;
                    return Some(Json::Obj(entries));
                }
                loop {
                    self.ws();
                    let key = self.string()?;
                    self.ws();
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.i += 1;
                    self.ws();
                    let value = self.value(depth + 1)?;
                    match entries.iter_mut().find(|(k, _)| *k == key) {
                        Some(slot) => slot.1 = value,
                        None => entries.push((key, value)),
                    }
                    self.ws();
                    match self.peek()? {
                        b',' => self.i += 1,
                        b'}' => {
                            self.i += 1;
                            return Some(Json::Obj(entries));
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.peek()? == b']' {
                    self.i += 1;
                    return Some(Json::Arr(items));
                }
                loop {
                    self.ws();
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    match self.peek()? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            return Some(Json::Arr(items));
                        }
                        _ => return None,
                    }
                }
            }
            b'"' => self.string().map(Json::Str),
            b't' => self.lit(b"true").map(|_| Json::Bool(true)),
            b'f' => self.lit(b"false").map(|_| Json::Bool(false)),
            b'n' => self.lit(b"null").map(|_| Json::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn number(&mut self) -> Option<Json> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let int_start = self.i;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.i += 1;
        }
        if self.i == int_start {
            return None;
        }
        let mut is_int = true;
        if self.peek() == Some(b'.') {
            is_int = false;
            self.i += 1;
            let f = self.i;
            while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                self.i += 1;
            }
            if self.i == f {
                return None;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            is_int = false;
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            let e = self.i;
            while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                self.i += 1;
            }
            if self.i == e {
                return None;
            }
        }
        let text = std::str::from_utf8(&self.b[start..self.i]).ok()?;
        match text.parse::<i64>() {
            Ok(v) if is_int => Some(Json::Int(v)),
            _ => text.parse::<f64>().ok().map(Json::Real),
        }
    }

    /// A string literal, decoded.
    fn string(&mut self) -> Option<String> {
        if self.peek()? != b'"' {
            return None;
        }
        self.i += 1;
        let start = self.i;
        // Fast path: no escapes.
        while let Some(&b) = self.b.get(self.i) {
            match b {
                b'"' => {
                    let s = std::str::from_utf8(&self.b[start..self.i]).ok()?.to_string();
                    self.i += 1;
                    return Some(s);
                }
                b'\\' => break,
                _ => self.i += 1,
            }
        }
        let mut out: Vec<u8> = self.b[start..self.i].to_vec();
        loop {
            let b = *self.b.get(self.i)?;
            self.i += 1;
            match b {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => {
                    let e = *self.b.get(self.i)?;
                    self.i += 1;
                    match e {
                        b'"' => out.push(b'"'),
                        b'\\' => out.push(b'\\'),
                        b'/' => out.push(b'/'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let mut cp = self.hex4()?;
                            if (0xD800..0xDC00).contains(&cp) {
                                // A surrogate pair.
                                if self.b.get(self.i) == Some(&b'\\') && self.b.get(self.i + 1) == Some(&b'u') {
                                    self.i += 2;
                                    let low = self.hex4()?;
                                    if !(0xDC00..0xE000).contains(&low) {
                                        return None;
                                    }
                                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                                } else {
                                    cp = 0xFFFD;
                                }
                            } else if (0xDC00..0xE000).contains(&cp) {
                                cp = 0xFFFD;
                            }
                            let c = char::from_u32(cp).unwrap_or('\u{FFFD}');
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        }
                        _ => return None,
                    }
                }
                _ => out.push(b),
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.b.get(self.i..self.i + 4)?;
        let s = std::str::from_utf8(h).ok()?;
        let v = u32::from_str_radix(s, 16).ok()?;
        self.i += 4;
        Some(v)
    }

    /// Skips one value without building it; `None` when invalid.
    fn skip(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'{' => {
                self.i += 1;
                self.ws();
                if self.peek()? == b'}' {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.ws();
                    self.skip_string()?;
                    self.ws();
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.i += 1;
                    self.ws();
                    self.skip(depth + 1)?;
                    self.ws();
                    match self.peek()? {
                        b',' => self.i += 1,
                        b'}' => {
                            self.i += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.i += 1;
                self.ws();
                if self.peek()? == b']' {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.ws();
                    self.skip(depth + 1)?;
                    self.ws();
                    match self.peek()? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b'"' => self.skip_string(),
            b't' => self.lit(b"true"),
            b'f' => self.lit(b"false"),
            b'n' => self.lit(b"null"),
            b'-' | b'0'..=b'9' => self.number().map(|_| ()),
            _ => None,
        }
    }

    fn skip_string(&mut self) -> Option<()> {
        if self.peek()? != b'"' {
            return None;
        }
        self.i += 1;
        let rest = &self.b[self.i..];
        let mut k = 0;
        loop {
            let p = memchr::memchr2(b'"', b'\\', &rest[k..])?;
            k += p;
            if rest[k] == b'"' {
                self.i += k + 1;
                return Some(());
            }
            // A backslash: skip it and the escaped byte (`\uXXXX` digits need no care).
            k += 2;
            if k > rest.len() {
                return None;
            }
        }
    }
}

/// A top-level JSON value's shape, from its first byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Object,
    Array,
    String,
    Other,
}

/// The shape of JSON text (not validated).
pub(crate) fn shape(text: &str) -> Shape {
    match text.trim_start().as_bytes().first() {
        Some(b'{') => Shape::Object,
        Some(b'[') => Shape::Array,
        Some(b'"') => Shape::String,
        _ => Shape::Other,
    }
}

/// The raw text of each element of a JSON array; `None` when `text` is not a valid array.
pub(crate) fn array_elements(text: &str) -> Option<Vec<&str>> {
    let mut p = Parser { b: text.as_bytes(), i: 0 };
    p.ws();
    if p.peek()? != b'[' {
        return None;
    }
    p.i += 1;
    let mut out = Vec::new();
    p.ws();
    if p.peek()? == b']' {
        p.i += 1;
    } else {
        loop {
            p.ws();
            let start = p.i;
            p.skip(1)?;
            out.push(&text[start..p.i]);
            p.ws();
            match p.peek()? {
                b',' => p.i += 1,
                b']' => {
                    p.i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    p.ws();
    (p.i == p.b.len()).then_some(out)
}

/// The decoded key and raw value text of each member of a JSON object; `None` when `text` is
/// not a valid object.
pub(crate) fn object_members(text: &str) -> Option<Vec<(Cow<'_, str>, &str)>> {
    let mut p = Parser { b: text.as_bytes(), i: 0 };
    p.ws();
    if p.peek()? != b'{' {
        return None;
    }
    p.i += 1;
    let mut out: Vec<(Cow<'_, str>, &str)> = Vec::new();
    p.ws();
    if p.peek()? == b'}' {
        p.i += 1;
    } else {
        loop {
            p.ws();
            let kstart = p.i;
            p.skip_string()?;
            let raw_key = &text[kstart + 1..p.i - 1];
            let key = if raw_key.contains('\\') {
                let mut kp = Parser { b: text.as_bytes(), i: kstart };
                Cow::Owned(kp.string()?)
            } else {
                Cow::Borrowed(raw_key)
            };
            p.ws();
            if p.peek()? != b':' {
                return None;
            }
            p.i += 1;
            p.ws();
            let vstart = p.i;
            p.skip(1)?;
            out.push((key, &text[vstart..p.i]));
            p.ws();
            match p.peek()? {
                b',' => p.i += 1,
                b'}' => {
                    p.i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    p.ws();
    (p.i == p.b.len()).then_some(out)
}

/// One step of a member-access path.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Step<'k> {
    Key(&'k str),
    Index(i64),
}

/// The raw text of the value at `step` inside JSON `text`, `None` when absent, when `text` is not
/// an object (for a key) or an array (for an index), or when it is invalid. A negative index
/// counts from the end.
pub(crate) fn lookup<'t>(text: &'t str, step: Step<'_>) -> Option<&'t str> {
    match step {
        Step::Key(key) => {
            if shape(text) != Shape::Object {
                return None;
            }
            // Duplicate keys: the last one wins, as in `Json::parse`.
            object_members(text)?.into_iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
        }
        Step::Index(idx) => {
            if shape(text) != Shape::Array {
                return None;
            }
            let items = array_elements(text)?;
            let len = items.len() as i64;
            let idx = if idx < 0 { len + idx } else { idx };
            if (0..len).contains(&idx) { Some(items[idx as usize]) } else { None }
        }
    }
}

/// Normalises raw JSON text (a value found by [`lookup`]) to compact Kusto form; `None` for JSON
/// `null`.
pub(crate) fn normalize_text(raw: &str) -> Option<String> {
    match Json::parse(raw)? {
        Json::Null => None,
        v => Some(v.to_text()),
    }
}

// ---------------------------------------------------------------------------------------------
// Reading dynamic arguments

/// Reads the dynamic value at row `i` of `a`: `LargeUtf8` is JSON text (null or invalid text is
/// `null` or the text as a string), `Utf8`/`Utf8View` text is parsed as JSON when valid and kept
/// as a JSON string otherwise (an empty string is `null`), any other type is converted with
/// [`value_at`].
pub(crate) fn dynamic_at(a: &ArrayRef, i: usize) -> Json {
    match a.data_type() {
        DataType::LargeUtf8 => {
            let s = a.as_string::<i64>();
            if s.is_null(i) { Json::Null } else { parse_dynamic_text(s.value(i)) }
        }
        DataType::Utf8 => {
            let s = a.as_string::<i32>();
            if s.is_null(i) { Json::Null } else { parse_dynamic_text(s.value(i)) }
        }
        DataType::Utf8View => {
            let s = a.as_string_view();
            if s.is_null(i) { Json::Null } else { parse_dynamic_text(s.value(i)) }
        }
        _ => value_at(a, i),
    }
}

/// `parse_json` on text: the parsed value, `null` for empty text, the text itself as a string
/// when it is not valid JSON.
pub(crate) fn parse_dynamic_text(text: &str) -> Json {
    if text.trim().is_empty() {
        return Json::Null;
    }
    Json::parse(text).unwrap_or_else(|| Json::Str(text.to_string()))
}

/// The raw JSON text of the dynamic value at row `i` (see [`dynamic_at`]), without normalising;
/// `None` for null. Strings that are not valid JSON become quoted JSON strings.
pub(crate) fn dynamic_text_at(a: &ArrayRef, i: usize) -> Option<Cow<'_, str>> {
    let text = match a.data_type() {
        DataType::LargeUtf8 => {
            let s = a.as_string::<i64>();
            (!s.is_null(i)).then(|| s.value(i))
        }
        DataType::Utf8 => {
            let s = a.as_string::<i32>();
            (!s.is_null(i)).then(|| s.value(i))
        }
        DataType::Utf8View => {
            let s = a.as_string_view();
            (!s.is_null(i)).then(|| s.value(i))
        }
        _ => {
            let v = value_at(a, i);
            return (!v.is_null()).then(|| Cow::Owned(v.to_text()));
        }
    }?;
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed == "null" {
        return None;
    }
    let valid_start = matches!(trimmed.as_bytes()[0], b'{' | b'[' | b'"' | b't' | b'f' | b'-' | b'0'..=b'9');
    if valid_start && a.data_type() == &DataType::LargeUtf8 {
        // Dynamic columns hold JSON; trust the shape and let the scanner validate lazily.
        return Some(Cow::Borrowed(trimmed));
    }
    match Json::parse(trimmed) {
        Some(Json::Null) => None,
        Some(_) => Some(Cow::Borrowed(trimmed)),
        None => Some(Cow::Owned(quote(text))),
    }
}

/// A KQL scalar at row `i` of `a` as a JSON value, as `bag_pack`/`pack_array` embed it: numbers
/// as numbers, strings as strings (a null string is `""`), bools, datetimes and timespans as
/// their Kusto text, decimals as numbers, dynamic as its JSON (null for nulls).
pub(crate) fn value_at(a: &ArrayRef, i: usize) -> Json {
    match a.data_type() {
        DataType::Utf8 => Json::Str(a.as_string::<i32>().value(i).to_string()),
        DataType::Utf8View => Json::Str(a.as_string_view().value(i).to_string()),
        DataType::LargeUtf8 => dynamic_at(a, i),
        _ if a.is_null(i) => Json::Null,
        DataType::Boolean => Json::Bool(a.as_boolean().value(i)),
        DataType::Int32 => Json::Int(i64::from(a.as_primitive::<Int32Type>().value(i))),
        DataType::Int64 => Json::Int(a.as_primitive::<Int64Type>().value(i)),
        DataType::Float64 => Json::Real(a.as_primitive::<Float64Type>().value(i)),
        DataType::Timestamp(TimeUnit::Nanosecond, _) => {
            let v = a.as_any().downcast_ref::<datafusion::arrow::array::TimestampNanosecondArray>().expect("ts");
            Json::Str(fmt_datetime(v.value(i)))
        }
        DataType::Duration(TimeUnit::Nanosecond) => {
            let v = a.as_any().downcast_ref::<datafusion::arrow::array::DurationNanosecondArray>().expect("dur");
            Json::Str(fmt_timespan(v.value(i)))
        }
        DataType::Decimal128(_, scale) => {
            let v = a.as_primitive::<datafusion::arrow::datatypes::Decimal128Type>().value(i);
            let text = fmt_decimal(v, *scale);
            match text.parse::<i64>() {
                Ok(n) => Json::Int(n),
                Err(_) => text.parse::<f64>().map(Json::Real).unwrap_or(Json::Str(text)),
            }
        }
        _ => match ScalarValue::try_from_array(a, i) {
            Ok(ScalarValue::Int8(Some(v))) => Json::Int(i64::from(v)),
            Ok(ScalarValue::Int16(Some(v))) => Json::Int(i64::from(v)),
            Ok(ScalarValue::UInt8(Some(v))) => Json::Int(i64::from(v)),
            Ok(ScalarValue::UInt16(Some(v))) => Json::Int(i64::from(v)),
            Ok(ScalarValue::UInt32(Some(v))) => Json::Int(i64::from(v)),
            Ok(ScalarValue::UInt64(Some(v))) => i64::try_from(v).map(Json::Int).unwrap_or(Json::Real(v as f64)),
            Ok(ScalarValue::Float32(Some(v))) => Json::Real(f64::from(v)),
            Ok(s) => Json::Str(s.to_string()),
            Err(_) => Json::Null,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_in_order_and_kusto_number_form() {
        let v = Json::parse(r#" {"b": 1, "a": [1.0, 2.5, -3, 1e20], "c": {"z": null, "y": "x\"y"}} "#).unwrap();
        assert_eq!(v.to_text(), r#"{"b":1,"a":[1,2.5,-3,1E+20],"c":{"z":null,"y":"x\"y"}}"#);
        // https://learn.microsoft.com/en-us/kusto/query/parse-json-function: 118.0 prints as 118.
        let d = Json::parse(r#"{"duration":{"value":118.0,"count":5.0,"min":100.0}}"#).unwrap();
        assert_eq!(d.to_text(), r#"{"duration":{"value":118,"count":5,"min":100}}"#);
    }

    #[test]
    fn rejects_invalid_json_and_deep_nesting() {
        for bad in ["", "{", "[1,]", "{'a':1}", "tru", "01x", "\"abc", "[1] 2", "{\"a\" 1}", "-", "1.", "\"\\x\""] {
            assert_eq!(Json::parse(bad), None, "{bad}");
        }
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert_eq!(Json::parse(&deep), None);
        assert_eq!(array_elements(&deep), None);
    }

    #[test]
    fn decodes_escapes() {
        assert_eq!(Json::parse(r#""a\u0041\n\ud83d\ude00""#), Some(Json::Str("aA\n😀".to_string())));
        assert_eq!(quote("a\"b\\c\n\u{1}"), r#""a\"b\\c\n\u0001""#);
    }

    #[test]
    fn scans_members_and_elements_lazily() {
        let text = r#"{"a": {"b": [10, {"c": "x"}]}, "k\"q": 2, "a2": true}"#;
        let a = lookup(text, Step::Key("a")).unwrap();
        assert_eq!(a, r#"{"b": [10, {"c": "x"}]}"#);
        let b = lookup(a, Step::Key("b")).unwrap();
        assert_eq!(lookup(b, Step::Index(0)), Some("10"));
        assert_eq!(lookup(b, Step::Index(-1)), Some(r#"{"c": "x"}"#));
        assert_eq!(lookup(b, Step::Index(2)), None);
        assert_eq!(lookup(b, Step::Index(-3)), None);
        assert_eq!(lookup(text, Step::Key("k\"q")), Some("2"));
        assert_eq!(lookup(text, Step::Key("missing")), None);
        assert_eq!(lookup(text, Step::Index(0)), None);
        assert_eq!(lookup("[1,2", Step::Index(0)), None);
        assert_eq!(array_elements(" [ ] "), Some(vec![]));
        assert_eq!(object_members("{}").map(|m| m.len()), Some(0));
        assert_eq!(normalize_text(" 1.50 "), Some("1.5".to_string()));
        assert_eq!(normalize_text("null"), None);
    }

    #[test]
    fn compares_numbers_by_value() {
        assert!(Json::Int(1).kusto_eq(&Json::Real(1.0)));
        assert!(!Json::Int(1).kusto_eq(&Json::Str("1".into())));
        assert_eq!(Json::Int(1).key(), Json::Real(1.0).key());
        let a = Json::parse(r#"{"x":1,"y":[1,2]}"#).unwrap();
        let b = Json::parse(r#"{"y":[1.0,2],"x":1}"#).unwrap();
        assert!(a.kusto_eq(&b));
    }
}
