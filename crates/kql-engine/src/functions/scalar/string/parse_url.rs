//! `parse_url()`: the parts of an absolute URL as a dynamic property bag.
//!
//! <https://learn.microsoft.com/kusto/query/parse-url-function>: the bag has `Scheme`, `Host`,
//! `Port`, `Path`, `Username`, `Password`, `Query Parameters` and `Fragment`, in that order; the
//! port is a string; query parameters are a bag of decoded names to decoded values. Parts that
//! are absent are `""`; a string that is not an absolute URL (`scheme://...`) gives every part
//! empty.
//!
//! One deliberate difference from the page: its example prints the path of
//! `scheme://username:password@host:1234/this/is/a/path?...` as `this/is/a/path` (and the query
//! bag as a quoted string, which is not valid JSON). Here the path keeps its leading `/`
//! (`/this/is/a/path`), as in the URL and as queries comparing `Path` with `"/..."` expect.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::{ColumnarValue, ScalarUDF};

use super::common::{KqlFunction, Param, finish_dynamic, push_json_str, result_len, strs};

#[derive(Default, Debug, PartialEq)]
struct Url<'a> {
    scheme: &'a str,
    host: &'a str,
    port: &'a str,
    path: &'a str,
    username: &'a str,
    password: &'a str,
    query: &'a str,
    fragment: &'a str,
}

fn split_url(url: &str) -> Url<'_> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return Url::default();
    };
    let valid_scheme = scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !valid_scheme {
        return Url::default();
    }
    let (rest, fragment) = rest.split_once('#').unwrap_or((rest, ""));
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, path) = match rest.find('/') {
        Some(k) => (&rest[..k], &rest[k..]),
        None => (rest, ""),
    };
    let (userinfo, hostport) = match authority.rfind('@') {
        Some(k) => (&authority[..k], &authority[k + 1..]),
        None => ("", authority),
    };
    let (username, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let (host, port) = if hostport.starts_with('[') {
        match hostport.find(']') {
            Some(k) => (&hostport[..=k], hostport[k + 1..].strip_prefix(':').unwrap_or("")),
            None => (hostport, ""),
        }
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) => (h, p),
            _ => (hostport, ""),
        }
    };
    Url { scheme, host, port, path, username, password, query, fragment }
}

/// Decodes a query component: `+` is a space, `%xx` a byte; malformed escapes are kept.
fn decode_component(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (bytes.get(i + 1).and_then(|&c| hex(c)), bytes.get(i + 2).and_then(|&c| hex(c))) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn to_json(url: &Url<'_>) -> String {
    let mut out = String::with_capacity(128);
    let fields = [
        ("Scheme", url.scheme),
        ("Host", url.host),
        ("Port", url.port),
        ("Path", url.path),
        ("Username", url.username),
        ("Password", url.password),
    ];
    out.push('{');
    for (name, value) in fields {
        push_json_str(&mut out, name);
        out.push(':');
        push_json_str(&mut out, value);
        out.push(',');
    }
    push_json_str(&mut out, "Query Parameters");
    out.push_str(":{");
    // Later values of a repeated name replace earlier ones, keeping the first position.
    let mut params: Vec<(String, String)> = Vec::new();
    for pair in url.query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let (k, v) = (decode_component(k), decode_component(v));
        match params.iter_mut().find(|(name, _)| *name == k) {
            Some(existing) => existing.1 = v,
            None => params.push((k, v)),
        }
    }
    for (i, (k, v)) in params.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_str(&mut out, k);
        out.push(':');
        push_json_str(&mut out, v);
    }
    out.push_str("},");
    push_json_str(&mut out, "Fragment");
    out.push(':');
    push_json_str(&mut out, url.fragment);
    out.push('}');
    out
}

fn parse_url(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let (len, scalar) = result_len(args, rows);
    let text = strs(&args[0])?;
    finish_dynamic((0..len).map(|i| Some(to_json(&split_url(text.get(i))))), scalar)
}

pub(crate) fn functions() -> Vec<ScalarUDF> {
    // https://learn.microsoft.com/kusto/query/parse-url-function
    vec![KqlFunction::new("kql_parse_url", &[Param::Str], 1, DataType::LargeUtf8, parse_url).udf()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::scalar::string::common::test_util::*;

    fn parse(url: &str) -> serde_json::Value {
        let f = functions().remove(0);
        serde_json::from_str(&call_str(&f, vec![s(url)]).unwrap()).unwrap()
    }

    #[test]
    fn documented_example() {
        // parse_url page example, with the path's leading "/" kept (see the module notes).
        let v = parse("scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment");
        assert_eq!(
            v,
            serde_json::json!({
                "Scheme": "scheme", "Host": "host", "Port": "1234", "Path": "/this/is/a/path",
                "Username": "username", "Password": "password",
                "Query Parameters": {"k1": "v1", "k2": "v2"}, "Fragment": "fragment"
            })
        );
        // Keys come in the documented order.
        let f = functions().remove(0);
        let text = call_str(&f, vec![s("https://a.b/")]).unwrap();
        assert_eq!(
            text,
            r#"{"Scheme":"https","Host":"a.b","Port":"","Path":"/","Username":"","Password":"","Query Parameters":{},"Fragment":""}"#
        );
    }

    #[test]
    fn other_urls() {
        let v = parse("https://www.bing.com/search?q=kusto+query&x=%2Fa%2F&q=again&flag");
        assert_eq!(v["Host"], "www.bing.com");
        assert_eq!(v["Path"], "/search");
        assert_eq!(v["Port"], "");
        assert_eq!(v["Query Parameters"], serde_json::json!({"q": "again", "x": "/a/", "flag": ""}));
        let v = parse("http://[::1]:8080");
        assert_eq!(
            (v["Host"].as_str(), v["Port"].as_str(), v["Path"].as_str()),
            (Some("[::1]"), Some("8080"), Some(""))
        );
        let v = parse("ftp://user@files.example.com#top");
        assert_eq!(
            (v["Username"].as_str(), v["Password"].as_str(), v["Fragment"].as_str()),
            (Some("user"), Some(""), Some("top"))
        );
        for not_absolute in ["bing.com", "", "://x", "1a://x"] {
            let v = parse(not_absolute);
            assert_eq!(v["Scheme"], "", "{not_absolute}");
            assert_eq!(v["Host"], "", "{not_absolute}");
        }
        let f = functions().remove(0);
        let r = invoke(&f, vec![str_col(&[Some("https://x.y/z"), None])]).unwrap();
        let out = strings_of(r);
        assert!(out[0].as_deref().unwrap().contains(r#""Host":"x.y""#));
        assert!(out[1].as_deref().unwrap().contains(r#""Host":"""#));
    }
}
