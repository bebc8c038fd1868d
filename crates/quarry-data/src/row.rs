//! One JSON object as a list of keys and the JSON text of their values.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// The fields of one JSON object in source order, each value as its (valid) JSON text.
/// Duplicate keys are kept; the reader decides what to do with them.
#[derive(Debug)]
pub struct RawRow<'a> {
    /// `(key, value)` pairs.
    pub fields: Vec<(Cow<'a, str>, &'a RawValue)>,
}

impl<'a> RawRow<'a> {
    /// Parses `text`, which must hold exactly one JSON object. The error is a reason for a
    /// rejected record, e.g. `not a JSON object (found an array)` or
    /// `invalid JSON at column 12: expected `:``.
    pub fn parse(text: &'a str) -> Result<RawRow<'a>, String> {
        let first = text.trim_start_matches([' ', '\t', '\n', '\r']).as_bytes().first().copied();
        let found = match first {
            Some(b'{') | None => None,
            Some(b'[') => Some("an array"),
            Some(b'"') => Some("a string"),
            Some(b't' | b'f') => Some("a boolean"),
            Some(b'n') => Some("null"),
            Some(b'-' | b'0'..=b'9') => Some("a number"),
            Some(_) => None,
        };
        if let Some(found) = found {
            // Only if the whole text is valid JSON; otherwise say why it is not.
            if serde_json::from_str::<de::IgnoredAny>(text).is_ok() {
                return Err(format!("not a JSON object (found {found})"));
            }
        }
        serde_json::from_str::<RawRow<'a>>(text).map_err(|e| {
            let message = e.to_string();
            let message = match message.rfind(" at line ") {
                Some(i) => &message[..i],
                None => &message,
            };
            format!("invalid JSON at column {}: {message}", e.column())
        })
    }
}

impl<'de> Deserialize<'de> for RawRow<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(RowVisitor)
    }
}

struct RowVisitor;

impl<'de> Visitor<'de> for RowVisitor {
    type Value = RawRow<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(32));
        while let Some(Key(key)) = map.next_key()? {
            let value: &'de RawValue = map.next_value()?;
            fields.push((key, value));
        }
        Ok(RawRow { fields })
    }
}

/// A key, borrowed from the text unless it has escapes.
pub(crate) struct Key<'a>(pub(crate) Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// The shape of a JSON value, from its first byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Null,
    Bool(bool),
    Number,
    String,
    Nested,
}

/// The shape of valid JSON text `raw`.
pub fn shape(raw: &str) -> Shape {
    match raw.as_bytes().first() {
        Some(b'n') | None => Shape::Null,
        Some(b't') => Shape::Bool(true),
        Some(b'f') => Shape::Bool(false),
        Some(b'"') => Shape::String,
        Some(b'{' | b'[') => Shape::Nested,
        Some(_) => Shape::Number,
    }
}

/// The content of the JSON string literal `raw` (with its quotes), unescaped.
pub fn unquote(raw: &str) -> Cow<'_, str> {
    if !raw.contains('\\') && raw.len() >= 2 {
        return Cow::Borrowed(&raw[1..raw.len() - 1]);
    }
    // `raw` is valid JSON text of a string, so this cannot fail; fall back to the raw text.
    serde_json::from_str::<String>(raw).map(Cow::Owned).unwrap_or(Cow::Borrowed(raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_fields_in_order_with_duplicates() {
        let row = RawRow::parse(r#"{"b": 1, "a\u0041": {"x": [1, 2]}, "b": null}"#).unwrap();
        let fields: Vec<(&str, &str)> = row.fields.iter().map(|(k, v)| (k.as_ref(), v.get())).collect();
        assert_eq!(fields, [("b", "1"), ("aA", r#"{"x": [1, 2]}"#), ("b", "null")]);
    }

    #[test]
    fn reasons_for_rejection() {
        assert_eq!(RawRow::parse("[1,2]").unwrap_err(), "not a JSON object (found an array)");
        assert_eq!(RawRow::parse("42").unwrap_err(), "not a JSON object (found a number)");
        assert_eq!(RawRow::parse(r#"{"a" 1}"#).unwrap_err(), "invalid JSON at column 6: expected `:`");
        assert_eq!(RawRow::parse(r#"{"a": 1} x"#).unwrap_err(), "invalid JSON at column 10: trailing characters");
        assert!(RawRow::parse(r#"{"a": tru}"#).unwrap_err().starts_with("invalid JSON at column"));
        assert!(RawRow::parse("[1,").unwrap_err().starts_with("invalid JSON"));
    }

    #[test]
    fn unquotes_strings() {
        assert_eq!(unquote(r#""plain""#), "plain");
        assert_eq!(unquote(r#""a\"b\\c\u00e9""#), "a\"b\\cé");
    }
}
