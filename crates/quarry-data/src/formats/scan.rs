//! A validating JSON scanner for the hot path of streaming-API lines.
//!
//! `{"time": ..., "category": "AdvancedHunting-<Table>", "properties": {<row>}, ...}` is
//! scanned once, without allocating: the category's span, and for each field of `properties`
//! the spans of its key and value and the value's kind. The values are then decoded by their
//! column's type straight from the line (see `TableBuilder::push_scanned`).
//!
//! Why by hand: serde_json, even with borrowed `&RawValue` fields, builds a map per record and
//! each value is scanned again when it is decoded; with this one pass (and the decoding that
//! reads its spans) ingest went from about 250 to about 430 MB/s per core (docs/notes/data.md).
//!
//! It accepts exactly what `serde_json` accepts or gives up: anything it does not handle
//! (escaped keys, a repeated `category`, deep nesting, a syntax error...) returns `None` and
//! the line takes the general serde path, which decides and words any rejection. So what it
//! accepts must be valid JSON by serde_json's rules (RFC 8259: no trailing commas, no leading
//! zeros, no control characters in strings, only whitespace after the value).

/// The kind of a scanned value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Null,
    True,
    False,
    Number,
    /// A string without escapes: its content is the span less the quotes.
    Str,
    /// A string with escapes.
    EscapedStr,
    /// An object or array.
    Nested,
}

/// One field of the scanned object: byte ranges in the line.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Field {
    /// The key's content (without quotes; the key has no escapes).
    pub key: (usize, usize),
    /// The value's JSON text.
    pub value: (usize, usize),
    pub kind: Kind,
}

/// Nesting deeper than this is left to serde (which has its own limit).
const MAX_DEPTH: u32 = 100;

struct Scanner<'a> {
    b: &'a [u8],
    pos: usize,
}

/// Scans a streaming-API record. Returns the span of `category`'s content, with the fields of
/// `properties` in `fields`; `None` when the line is not one (or not a simple one).
pub(crate) fn scan_streaming(line: &[u8], fields: &mut Vec<Field>) -> Option<(usize, usize)> {
    fields.clear();
    let mut s = Scanner { b: line, pos: 0 };
    s.ws();
    s.eat(b'{')?;
    s.ws();
    let mut category = None;
    let mut properties = false;
    if s.peek()? == b'}' {
        return None;
    }
    loop {
        let (ks, ke) = s.key()?;
        let key = &line[ks..ke];
        s.ws();
        s.eat(b':')?;
        s.ws();
        match key {
            b"category" => {
                if category.is_some() || s.peek()? != b'"' {
                    return None;
                }
                let start = s.pos + 1;
                if s.string()? {
                    return None;
                }
                category = Some((start, s.pos - 1));
            }
            b"properties" => {
                if properties || s.peek()? != b'{' {
                    return None;
                }
                properties = true;
                s.object_fields(fields)?;
            }
            _ => s.value(1)?,
        }
        s.ws();
        match s.next()? {
            b',' => s.ws(),
            b'}' => break,
            _ => return None,
        }
    }
    s.ws();
    if s.pos != line.len() || !properties {
        return None;
    }
    category
}

impl Scanner<'_> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    #[inline]
    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    #[inline]
    fn eat(&mut self, c: u8) -> Option<()> {
        if self.peek()? == c {
            self.pos += 1;
            Some(())
        } else {
            None
        }
    }

    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.b.get(self.pos) {
            self.pos += 1;
        }
    }

    /// A key without escapes: the span of its content.
    #[inline]
    fn key(&mut self) -> Option<(usize, usize)> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.pos + 1;
        if self.string()? {
            return None;
        }
        Some((start, self.pos - 1))
    }

    /// The object at `pos`, its fields pushed to `fields`.
    fn object_fields(&mut self, fields: &mut Vec<Field>) -> Option<()> {
        self.eat(b'{')?;
        self.ws();
        if self.peek()? == b'}' {
            self.pos += 1;
            return Some(());
        }
        loop {
            let key = self.key()?;
            self.ws();
            self.eat(b':')?;
            self.ws();
            let start = self.pos;
            let kind = match self.peek()? {
                b'"' => {
                    if self.string()? {
                        Kind::EscapedStr
                    } else {
                        Kind::Str
                    }
                }
                b'{' | b'[' => {
                    self.value(2)?;
                    Kind::Nested
                }
                b't' => {
                    self.literal(b"true")?;
                    Kind::True
                }
                b'f' => {
                    self.literal(b"false")?;
                    Kind::False
                }
                b'n' => {
                    self.literal(b"null")?;
                    Kind::Null
                }
                _ => {
                    self.number()?;
                    Kind::Number
                }
            };
            fields.push(Field { key, value: (start, self.pos), kind });
            self.ws();
            match self.next()? {
                b',' => self.ws(),
                b'}' => return Some(()),
                _ => return None,
            }
        }
    }

    /// Any value, validated and skipped.
    fn value(&mut self, depth: u32) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'{' => {
                if depth > MAX_DEPTH {
                    return None;
                }
                self.pos += 1;
                self.ws();
                if self.peek()? == b'}' {
                    self.pos += 1;
                    return Some(());
                }
                loop {
                    if self.peek()? != b'"' {
                        return None;
                    }
                    self.string()?;
                    self.ws();
                    self.eat(b':')?;
                    self.ws();
                    self.value(depth + 1)?;
                    self.ws();
                    match self.next()? {
                        b',' => self.ws(),
                        b'}' => return Some(()),
                        _ => return None,
                    }
                }
            }
            b'[' => {
                if depth > MAX_DEPTH {
                    return None;
                }
                self.pos += 1;
                self.ws();
                if self.peek()? == b']' {
                    self.pos += 1;
                    return Some(());
                }
                loop {
                    self.value(depth + 1)?;
                    self.ws();
                    match self.next()? {
                        b',' => self.ws(),
                        b']' => return Some(()),
                        _ => return None,
                    }
                }
            }
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => self.number(),
        }
    }

    #[inline]
    fn literal(&mut self, word: &[u8]) -> Option<()> {
        if self.b[self.pos..].starts_with(word) {
            self.pos += word.len();
            Some(())
        } else {
            None
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    fn number(&mut self) -> Option<()> {
        let b = self.b;
        let mut i = self.pos;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i)? {
            b'0' => i += 1,
            b'1'..=b'9' => {
                i += 1;
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
            }
            _ => return None,
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            if !b.get(i).is_some_and(u8::is_ascii_digit) {
                return None;
            }
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        if let Some(b'e' | b'E') = b.get(i) {
            i += 1;
            if let Some(b'+' | b'-') = b.get(i) {
                i += 1;
            }
            if !b.get(i).is_some_and(u8::is_ascii_digit) {
                return None;
            }
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        self.pos = i;
        Some(())
    }

    /// The string at `pos` (which is `"`); returns whether it has escapes.
    #[inline]
    fn string(&mut self) -> Option<bool> {
        let b = self.b;
        let n = b.len();
        let mut i = self.pos + 1;
        let mut escaped = false;
        loop {
            // Eight bytes at a time to the next quote, backslash or control character.
            if i + 8 <= n {
                let mut w = [0u8; 8];
                w.copy_from_slice(&b[i..i + 8]);
                let m = special(u64::from_le_bytes(w));
                if m == 0 {
                    i += 8;
                    continue;
                }
                i += (m.trailing_zeros() / 8) as usize;
            }
            match *b.get(i)? {
                b'"' => {
                    self.pos = i + 1;
                    return Some(escaped);
                }
                b'\\' => {
                    escaped = true;
                    match b.get(i + 1)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 2,
                        b'u' => {
                            let hex = b.get(i + 2..i + 6)?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return None;
                            }
                            i += 6;
                        }
                        _ => return None,
                    }
                }
                0..=0x1f => return None,
                // Only in the last few bytes, looked at one by one.
                _ => i += 1,
            }
        }
    }
}

/// A mask with the high bit of each byte of `w` (little-endian) that is `"`, `\` or below 0x20.
/// Bytes above the first such byte may be marked wrongly (borrows), but the lowest mark is
/// always exact, and no such byte is ever unmarked.
#[inline]
pub(crate) fn special(w: u64) -> u64 {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let zero = |x: u64| x.wrapping_sub(LO) & !x & HI;
    let quote = zero(w ^ (LO * u64::from(b'"')));
    let backslash = zero(w ^ (LO * u64::from(b'\\')));
    let control = w.wrapping_sub(LO * 0x20) & !w & HI;
    quote | backslash | control
}

#[cfg(test)]
mod tests {
    use super::*;

    type Scanned = (String, Vec<(String, String, Kind)>);

    fn scan(line: &str) -> Option<Scanned> {
        let mut fields = Vec::new();
        let (a, b) = scan_streaming(line.as_bytes(), &mut fields)?;
        let f = fields
            .iter()
            .map(|f| (line[f.key.0..f.key.1].to_string(), line[f.value.0..f.value.1].to_string(), f.kind))
            .collect();
        Some((line[a..b].to_string(), f))
    }

    #[test]
    fn scans_a_record() {
        let line = r#"{"time": "x", "category":"AdvancedHunting-T","properties":{"a":"b\"c","n":-1.5e+3,"o":{"x":[1,{}]},"t":true,"z":null,"e":""}, "Tenant": [] }  "#;
        let (cat, fields) = scan(line).unwrap();
        assert_eq!(cat, "AdvancedHunting-T");
        let kinds: Vec<Kind> = fields.iter().map(|f| f.2).collect();
        assert_eq!(kinds, [Kind::EscapedStr, Kind::Number, Kind::Nested, Kind::True, Kind::Null, Kind::Str]);
        assert_eq!(fields[2].1, r#"{"x":[1,{}]}"#);
        assert_eq!(fields[0].1, r#""b\"c""#);
    }

    #[test]
    fn gives_up_on_what_serde_rejects_or_it_does_not_handle() {
        let ok = r#"{"category":"C","properties":{"a":1}}"#;
        assert!(scan(ok).is_some());
        for bad in [
            r#"{"category":"C","properties":{"a":1,}}"#,
            r#"{"category":"C","properties":{"a":01}}"#,
            r#"{"category":"C","properties":{"a":1.}}"#,
            r#"{"category":"C","properties":{"a":-}}"#,
            r#"{"category":"C","properties":{"a":1e}}"#,
            r#"{"category":"C","properties":{"a":tru}}"#,
            r#"{"category":"C","properties":{"a":"x	y"}}"#,
            r#"{"category":"C","properties":{"a":"\x"}}"#,
            r#"{"category":"C","properties":{"a":"\u12g4"}}"#,
            r#"{"category":"C","properties":{"a":[1,]}}"#,
            r#"{"category":"C","properties":{"a":{"b"}}}"#,
            r#"{"category":"C","properties":{"a":1}} x"#,
            r#"{"category":"C","properties":{"a":1}"#,
            r#"{"category":"C","properties":{"a":"unterminated}}"#,
            r#"{"category":"C","category":"D","properties":{}}"#,
            r#"{"c\u0061tegory":"C","properties":{}}"#,
            r#"{"category":"C","properties":{"k\n":1}}"#,
            r#"{"category":"C","properties":[]}"#,
            r#"{"category":1,"properties":{}}"#,
            r#"{"properties":{}}"#,
            r#"{"category":"C"}"#,
        ] {
            assert!(scan(bad).is_none(), "{bad}");
            // Everything given up on that is valid JSON is valid for serde too, and the rest
            // is invalid for serde as well: the scanner never accepts what serde rejects.
        }
        for valid in [
            r#"{"category":"C","properties":{"a":0.5e-3,"b":"\u00e9\/"}}"#,
            "\t{\"category\":\"C\",\"properties\":{}}\r",
        ] {
            assert!(scan(valid).is_some(), "{valid}");
            assert!(serde_json::from_str::<serde::de::IgnoredAny>(valid).is_ok());
        }
    }

    #[test]
    fn special_bytes() {
        let first = |s: &[u8]| {
            let m = special(u64::from_le_bytes(s.try_into().unwrap()));
            (m != 0).then(|| m.trailing_zeros() / 8)
        };
        assert_eq!(first(b"abcdefgh"), None);
        assert_eq!(first(b"abc\"efgh"), Some(3));
        assert_eq!(first(b"abcdefg\\"), Some(7));
        assert_eq!(first(b"\x01bcdefgh"), Some(0));
        assert_eq!(first(b"ab\x00\x01\"\\\x1f "), Some(2));
        assert_eq!(first("é€abc".as_bytes()), None);
        // Every position and every special byte, behind every other byte.
        for pos in 0..8 {
            for sp in [b'"', b'\\', 0u8, 0x1f, b'\n'] {
                for other in [b'a', 0x20, 0x7f, 0x80, 0xff, b'!', b'#', b'[', b']'] {
                    let mut w = [other; 8];
                    w[pos] = sp;
                    assert_eq!(first(&w), Some(pos as u32), "{w:?}");
                }
            }
        }
    }
}
