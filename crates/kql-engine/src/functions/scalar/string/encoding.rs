//! `base64_encode_tostring()` (old name `base64_encodestring()`), `base64_decode_tostring()`
//! (old name `base64_decodestring()`), `base64_decode_toarray()`, `base64_encode_fromarray()`,
//! `url_encode()`, `url_encode_component()`, `url_decode()`.
//!
//! Base64 is written here rather than taken from a crate: the standard alphabet with padding is
//! a few lines, and no base64 crate is a dependency of ours.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::{ColumnarValue, ScalarUDF};

use super::common::{KqlFunction, Param, finish_dynamic, finish_strings, result_len, strs};
use crate::functions::scalar::dynamic::json::{Json, dynamic_at};

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn sextet(c: u8) -> Option<u32> {
    Some(u32::from(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    }))
}

/// Decodes standard base64 with padding (whitespace ignored); `None` when malformed.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let chars: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !chars.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(chars.len() / 4 * 3);
    for (q, quad) in chars.chunks(4).enumerate() {
        let last = q == chars.len() / 4 - 1;
        let pad = quad.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut n = 0u32;
        for &c in &quad[..4 - pad] {
            n = (n << 6) | sextet(c)?;
        }
        n <<= 6 * pad as u32;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

fn base64_encode_tostring(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let text = strs(&args[0])?;
    finish_strings((0..len).map(|i| base64_encode(text.get(i).as_bytes())), scalar)
}

/// Invalid base64, or bytes that are not UTF-8, decode to null, that is `""`.
fn base64_decode_tostring(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let text = strs(&args[0])?;
    finish_strings(
        (0..len).map(|i| base64_decode(text.get(i)).and_then(|b| String::from_utf8(b).ok()).unwrap_or_default()),
        scalar,
    )
}

/// `base64_decode_toarray(text)`: the decoded bytes as a dynamic array of longs; null when the
/// text is not valid base64.
fn base64_decode_toarray(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let text = strs(&args[0])?;
    finish_dynamic(
        (0..len).map(|i| {
            let bytes = base64_decode(text.get(i))?;
            Some(Json::Arr(bytes.into_iter().map(|b| Json::Int(i64::from(b))).collect()).to_text())
        }),
        scalar,
    )
}

/// `base64_encode_fromarray(bytes)`: the base64 text of a dynamic array of byte values; `""`
/// (a null string) when the argument is not an array or an element is not an integer from 0
/// to 255.
fn base64_encode_fromarray(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let array = args[0].to_array(len)?;
    finish_strings(
        (0..len).map(|i| {
            let Json::Arr(items) = dynamic_at(&array, i) else { return String::new() };
            let bytes: Option<Vec<u8>> = items
                .iter()
                .map(|v| match v {
                    Json::Int(n) => u8::try_from(*n).ok(),
                    _ => None,
                })
                .collect();
            bytes.map(|b| base64_encode(&b)).unwrap_or_default()
        }),
        scalar,
    )
}

/// Form encoding (`application/x-www-form-urlencoded`): letters, digits and `-_.!*()` are
/// kept, a space becomes `+`, every other byte of the UTF-8 form becomes `%xx` in lowercase
/// hex.
fn url_encode_one(text: &str) -> String {
    url_encode_with(text, "+")
}

/// `url_encode_component`: as [`url_encode_one`] but a space becomes `%20`.
fn url_encode_component_one(text: &str) -> String {
    url_encode_with(text, "%20")
}

fn url_encode_with(text: &str, space: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'!' | b'*' | b'(' | b')' => {
                out.push(b as char)
            }
            b' ' => out.push_str(space),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push('%');
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 15)] as char);
            }
        }
    }
    out
}

fn hex_value(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Decodes `%xx` escapes (and `%uxxxx`) and `+` as a space; malformed escapes are kept as they
/// are and bytes that are not UTF-8 become U+FFFD.
fn url_decode_one(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                if let (Some(h), Some(l)) =
                    (bytes.get(i + 1).and_then(|&c| hex_value(c)), bytes.get(i + 2).and_then(|&c| hex_value(c)))
                {
                    out.push(h << 4 | l);
                    i += 3;
                } else if matches!(bytes.get(i + 1), Some(b'u' | b'U'))
                    && bytes.len() >= i + 6
                    && bytes[i + 2..i + 6].iter().all(|&c| hex_value(c).is_some())
                {
                    let code =
                        bytes[i + 2..i + 6].iter().fold(0u32, |n, &c| n << 4 | u32::from(hex_value(c).unwrap_or(0)));
                    let c = char::from_u32(code).unwrap_or('\u{FFFD}');
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    i += 6;
                } else {
                    out.push(b'%');
                    i += 1;
                }
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn url_encode(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let text = strs(&args[0])?;
    finish_strings((0..len).map(|i| url_encode_one(text.get(i))), scalar)
}

fn url_encode_component(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let text = strs(&args[0])?;
    finish_strings((0..len).map(|i| url_encode_component_one(text.get(i))), scalar)
}

fn url_decode(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let text = strs(&args[0])?;
    finish_strings((0..len).map(|i| url_decode_one(text.get(i))), scalar)
}

const STR: &[Param] = &[Param::Str];

pub(crate) fn functions() -> Vec<ScalarUDF> {
    vec![
        // https://learn.microsoft.com/kusto/query/base64-encode-tostring-function
        KqlFunction::new("kql_base64_encode_tostring", STR, 1, DataType::Utf8, base64_encode_tostring).udf(),
        // https://learn.microsoft.com/kusto/query/base64-decode-tostring-function
        KqlFunction::new("kql_base64_decode_tostring", STR, 1, DataType::Utf8, base64_decode_tostring).udf(),
        // Deprecated aliases, listed on the same pages.
        KqlFunction::new("kql_base64_encodestring", STR, 1, DataType::Utf8, base64_encode_tostring).udf(),
        KqlFunction::new("kql_base64_decodestring", STR, 1, DataType::Utf8, base64_decode_tostring).udf(),
        // https://learn.microsoft.com/kusto/query/base64-decode-toarray-function
        KqlFunction::new("kql_base64_decode_toarray", STR, 1, DataType::LargeUtf8, base64_decode_toarray).udf(),
        // https://learn.microsoft.com/kusto/query/base64-encode-fromarray-function
        KqlFunction::new("kql_base64_encode_fromarray", &[Param::Any], 1, DataType::Utf8, base64_encode_fromarray)
            .udf(),
        // https://learn.microsoft.com/kusto/query/url-encode-component-function
        KqlFunction::new("kql_url_encode_component", STR, 1, DataType::Utf8, url_encode_component).udf(),
        // https://learn.microsoft.com/kusto/query/url-encode-function
        KqlFunction::new("kql_url_encode", STR, 1, DataType::Utf8, url_encode).udf(),
        // https://learn.microsoft.com/kusto/query/url-decode-function
        KqlFunction::new("kql_url_decode", STR, 1, DataType::Utf8, url_decode).udf(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::scalar::string::common::test_util::*;

    fn str1(name: &str, arg: ColumnarValue) -> String {
        let f = functions().into_iter().find(|f| f.name() == name).unwrap();
        call_str(&f, vec![arg]).unwrap()
    }

    #[test]
    fn base64_examples() {
        // base64_encode_tostring and base64_decode_tostring page examples.
        assert_eq!(str1("kql_base64_encode_tostring", s("Kusto")), "S3VzdG8=");
        assert_eq!(str1("kql_base64_decode_tostring", s("S3VzdG8=")), "Kusto");
        // Decodes to bytes that are not UTF-8: null, that is "".
        assert_eq!(str1("kql_base64_decode_tostring", s("U3RyaW5n0KHR0tGA0L7Rh9C60LA=")), "");
        for text in ["", "a", "ab", "abc", "abcd", "héllo wörld", "\u{1F600}"] {
            let encoded = str1("kql_base64_encode_tostring", s(text));
            assert_eq!(str1("kql_base64_decode_tostring", s(&encoded)), text, "{encoded}");
        }
        assert_eq!(str1("kql_base64_encode_tostring", s("ab")), "YWI=");
        assert_eq!(str1("kql_base64_decode_tostring", s("YWI")), "");
        assert_eq!(str1("kql_base64_decode_tostring", s("Y=WI")), "");
        assert_eq!(str1("kql_base64_decode_tostring", s("YW=I")), "");
        assert_eq!(str1("kql_base64_decode_tostring", s("YW I=")), "ab");
        assert_eq!(str1("kql_base64_decode_tostring", s("!!!!")), "");
        assert_eq!(str1("kql_base64_decode_tostring", null_str()), "");
        assert_eq!(str1("kql_base64_encode_tostring", null_str()), "");
        let f = functions().into_iter().find(|f| f.name() == "kql_base64_decode_tostring").unwrap();
        let r = invoke(&f, vec![str_col(&[Some("S3VzdG8="), None, Some("x")])]).unwrap();
        assert_eq!(strings_of(r), vec![Some("Kusto".into()), Some("".into()), Some("".into())]);
    }

    #[test]
    fn base64_arrays_and_aliases() {
        // base64_decode_toarray and base64_encode_fromarray page examples.
        let f = functions().into_iter().find(|f| f.name() == "kql_base64_decode_toarray").unwrap();
        assert_eq!(call_str(&f, vec![s("S3VzdG8=")]).as_deref(), Some("[75,117,115,116,111]"));
        assert_eq!(call_str(&f, vec![s("")]).as_deref(), Some("[]"));
        assert_eq!(call_str(&f, vec![s("U3RyaW5n0KHR0tGA0L7Rh9C60LA")]), None);
        assert_eq!(call_str(&f, vec![null_str()]).as_deref(), Some("[]"));
        let r = invoke(&f, vec![str_col(&[Some("AP8="), Some("!"), None])]).unwrap();
        assert_eq!(strings_of(r), vec![Some("[0,255]".into()), None, Some("[]".into())]);
        assert_eq!(str1("kql_base64_encode_fromarray", dynamic("[75,117,115,116,111]")), "S3VzdG8=");
        assert_eq!(str1("kql_base64_encode_fromarray", dynamic("[]")), "");
        assert_eq!(str1("kql_base64_encode_fromarray", dynamic("[256]")), "");
        assert_eq!(str1("kql_base64_encode_fromarray", dynamic("[1.5]")), "");
        assert_eq!(str1("kql_base64_encode_fromarray", dynamic("{}")), "");
        assert_eq!(str1("kql_base64_encode_fromarray", s("[0,255]")), "AP8=");
        assert_eq!(str1("kql_base64_encode_fromarray", null_str()), "");
        assert_eq!(str1("kql_base64_encodestring", s("Kusto")), "S3VzdG8=");
        assert_eq!(str1("kql_base64_decodestring", s("S3VzdG8=")), "Kusto");
    }

    #[test]
    fn url_examples() {
        // url_encode and url_decode page examples.
        assert_eq!(
            str1("kql_url_encode", s("https://www.bing.com/hello world")),
            "https%3a%2f%2fwww.bing.com%2fhello+world"
        );
        assert_eq!(str1("kql_url_decode", s("https%3a%2f%2fwww.bing.com%2f")), "https://www.bing.com/");
        assert_eq!(str1("kql_url_encode", s("é")), "%c3%a9");
        assert_eq!(str1("kql_url_decode", s("%C3%A9+x")), "é x");
        assert_eq!(str1("kql_url_decode", s("%u00e9")), "é");
        assert_eq!(str1("kql_url_decode", s("100%")), "100%");
        assert_eq!(str1("kql_url_decode", s("%zz%4")), "%zz%4");
        assert_eq!(str1("kql_url_decode", s("%ff")), "\u{FFFD}");
        assert_eq!(str1("kql_url_encode", null_str()), "");
        // url_encode_component page example: a space is %20.
        assert_eq!(
            str1("kql_url_encode_component", s("https://www.bing.com/hello world/")),
            "https%3a%2f%2fwww.bing.com%2fhello%20world%2f"
        );
        assert_eq!(str1("kql_url_encode_component", null_str()), "");
        assert_eq!(str1("kql_url_decode", null_str()), "");
    }
}
