//! Literal values and string decoding.

/// A literal as written in the query. Date, time and guid literals keep their raw text; the
/// binder parses and validates them, since their accepted forms are a semantic matter.
#[derive(Clone, Debug, PartialEq)]
pub struct Literal {
    /// The value.
    pub kind: LiteralKind,
}

/// The kinds of literal.
#[derive(Clone, Debug, PartialEq)]
pub enum LiteralKind {
    /// `true`, `false`.
    Bool(bool),
    /// An integer literal (KQL `long`). `None` if it does not fit in 64 bits.
    Long(Option<i64>),
    /// A real literal.
    Real(f64),
    /// A string literal, decoded (escapes resolved, adjacent literals joined).
    String(String),
    /// `5d`, `1.5h`, or the raw text inside `timespan(...)`/`time(...)`.
    Timespan(String),
    /// The raw text inside `datetime(...)`.
    DateTime(String),
    /// The raw text inside `guid(...)`.
    Guid(String),
    /// `dynamic(...)`.
    Dynamic(DynamicValue),
    /// `long(null)`, `int(5)`, `real(nan)`, `bool(true)`, `decimal(1.5)`: a type and the raw text
    /// of its argument.
    Typed {
        /// The type name.
        ty: String,
        /// The argument text, e.g. `null`, `5`, `-1.5`, `nan`.
        value: String,
    },
}

/// The value inside `dynamic(...)`: JSON, plus KQL literals inside arrays and bags.
#[derive(Clone, Debug, PartialEq)]
pub enum DynamicValue {
    /// `null`
    Null,
    /// A literal: bool, number, string, datetime, timespan, guid.
    Scalar(Box<LiteralKind>),
    /// `[...]`
    Array(Vec<DynamicValue>),
    /// `{"k": v, ...}` in source order.
    Object(Vec<(String, DynamicValue)>),
}

/// Decodes the text of a string token in any of KQL's forms: `'..'`, `".."` (backslash escapes),
/// `@'..'`, `@".."` (verbatim, quote doubled), `h'..'`/`h@'..'` (obfuscated: the value is the
/// same, only logging hides it), and ```` ```..``` ```` / `~~~..~~~` (multi-line, verbatim).
///
/// Returns an error message for an invalid escape sequence.
pub fn decode_string(raw: &str) -> Result<String, String> {
    let raw = raw.strip_prefix(['h', 'H']).filter(|r| r.starts_with(['\'', '"', '@'])).unwrap_or(raw);
    for fence in ["```", "~~~"] {
        if let Some(body) = raw.strip_prefix(fence) {
            return Ok(body.strip_suffix(fence).unwrap_or(body).to_string());
        }
    }
    if let Some(verbatim) = raw.strip_prefix('@') {
        let quote = verbatim.chars().next().unwrap_or('"');
        let body = &verbatim[1.min(verbatim.len())..];
        let body = body.strip_suffix(quote).unwrap_or(body);
        let doubled: String = [quote, quote].iter().collect();
        return Ok(body.replace(&doubled, &quote.to_string()));
    }
    let quote = raw.chars().next().unwrap_or('"');
    let body = &raw[1.min(raw.len())..];
    let body = body.strip_suffix(quote).unwrap_or(body);
    unescape(body)
}

fn unescape(body: &str) -> Result<String, String> {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some('a') => out.push('\u{07}'),
            Some('b') => out.push('\u{08}'),
            Some('f') => out.push('\u{0C}'),
            Some('v') => out.push('\u{0B}'),
            Some(c @ ('\\' | '\'' | '"' | '/' | '?')) => out.push(c),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let code = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                out.push(code.ok_or_else(|| format!("invalid escape `\\u{hex}`: expected four hex digits"))?);
            }
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                let code = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                out.push(code.ok_or_else(|| format!("invalid escape `\\x{hex}`: expected two hex digits"))?);
            }
            Some(other) => {
                return Err(format!(
                    "invalid escape `\\{other}`: write `\\\\{other}` for a backslash, or use a verbatim string @'...'"
                ));
            }
            None => out.push('\\'),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_every_string_form() {
        assert_eq!(decode_string(r"'a\'b\\c'").unwrap(), r"a'b\c");
        assert_eq!(decode_string(r#""tab\there""#).unwrap(), "tab\there");
        assert_eq!(decode_string(r"@'C:\Windows\''x'").unwrap(), r"C:\Windows\'x");
        assert_eq!(decode_string(r#"@"say ""hi""""#).unwrap(), r#"say "hi""#);
        assert_eq!(decode_string("h'secret'").unwrap(), "secret");
        assert_eq!(decode_string("H@'s\\x'").unwrap(), "s\\x");
        assert_eq!(decode_string("```a\nb```").unwrap(), "a\nb");
        assert_eq!(decode_string(r"'\u0041'").unwrap(), "A");
    }

    #[test]
    fn rejects_unknown_escapes() {
        assert!(decode_string(r"'C:\Windows'").is_err());
    }
}
