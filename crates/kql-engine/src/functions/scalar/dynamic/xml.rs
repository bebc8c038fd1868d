//! `parse_xml(text)`: XML as a dynamic value, following the usual XML-to-JSON mapping the
//! reference describes (<https://learn.microsoft.com/en-us/kusto/query/parse-xml-function>):
//! an element is a property named after it; attributes are `@name` properties; text beside
//! attributes or children is `#text`; an element with only text is that text; an empty element
//! is null; repeated children of one name become an array. Text that is not well-formed XML
//! gives null.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, LargeStringBuilder};
use datafusion::logical_expr::ScalarUDF;
use serde_json::{Map, Value};

use crate::functions::scalar::conversion::udf::{Args, ret, strs, udf};

/// `kql_parse_xml(string) -> dynamic`.
pub fn kql_parse_xml() -> ScalarUDF {
    udf("kql_parse_xml", 1..=1, ret::dynamic, |args: &Args| {
        let texts = strs(args.arg(0), "parse_xml")?;
        let mut out = LargeStringBuilder::new();
        for i in 0..args.rows {
            match texts.get(i).and_then(parse) {
                Some(v) => out.append_value(v.to_string()),
                None => out.append_null(),
            }
        }
        Ok(Arc::new(out.finish()) as ArrayRef)
    })
    .build()
}

struct Reader<'t> {
    s: &'t str,
    pos: usize,
}

impl<'t> Reader<'t> {
    fn rest(&self) -> &'t str {
        &self.s[self.pos..]
    }

    /// Skips whitespace, the XML declaration, processing instructions, comments and doctypes.
    fn skip_misc(&mut self) -> Option<()> {
        loop {
            let trimmed = self.rest().trim_start();
            self.pos = self.s.len() - trimmed.len();
            if trimmed.starts_with("<?") {
                self.pos += trimmed.find("?>")? + 2;
            } else if trimmed.starts_with("<!--") {
                self.pos += trimmed.find("-->")? + 3;
            } else if trimmed.starts_with("<!") {
                self.pos += trimmed.find('>')? + 1;
            } else {
                return Some(());
            }
        }
    }

    /// One element at the cursor: its name and value.
    fn element(&mut self, depth: usize) -> Option<(String, Value)> {
        if depth > 200 || !self.rest().starts_with('<') {
            return None;
        }
        self.pos += 1;
        let name_len = self.rest().find(|c: char| c.is_whitespace() || c == '>' || c == '/')?;
        let name = self.rest()[..name_len].to_string();
        self.pos += name_len;
        let mut object = Map::new();
        // Attributes.
        loop {
            let trimmed = self.rest().trim_start();
            self.pos = self.s.len() - trimmed.len();
            if let Some(after) = trimmed.strip_prefix("/>") {
                self.pos = self.s.len() - after.len();
                return Some((name, if object.is_empty() { Value::Null } else { Value::Object(object) }));
            }
            if trimmed.starts_with('>') {
                self.pos += 1;
                break;
            }
            let eq = trimmed.find('=')?;
            let attr = trimmed[..eq].trim().to_string();
            let after_eq = trimmed[eq + 1..].trim_start();
            let quote = after_eq.chars().next()?;
            if quote != '"' && quote != '\'' {
                return None;
            }
            let end = after_eq[1..].find(quote)?;
            let value = unescape(&after_eq[1..1 + end]);
            self.pos = self.s.len() - after_eq.len() + end + 2;
            object.insert(format!("@{attr}"), Value::String(value));
        }
        // Content: text and children, up to the closing tag.
        let mut text = String::new();
        loop {
            let rest = self.rest();
            if let Some(after) = rest.strip_prefix("</") {
                let end = after.find('>')?;
                if after[..end].trim() != name {
                    return None;
                }
                self.pos = self.s.len() - after.len() + end + 1;
                break;
            }
            if rest.starts_with("<!--") {
                self.pos += rest.find("-->")? + 3;
            } else if let Some(after) = rest.strip_prefix("<![CDATA[") {
                let end = after.find("]]>")?;
                text.push_str(&after[..end]);
                self.pos = self.s.len() - after.len() + end + 3;
            } else if rest.starts_with('<') {
                let (child, value) = self.element(depth + 1)?;
                match object.get_mut(&child) {
                    Some(Value::Array(items)) => items.push(value),
                    Some(existing) => {
                        let first = existing.take();
                        *existing = Value::Array(vec![first, value]);
                    }
                    None => {
                        object.insert(child, value);
                    }
                }
            } else {
                let end = rest.find('<')?;
                text.push_str(&unescape(&rest[..end]));
                self.pos += end;
            }
        }
        let text = text.trim().to_string();
        let value = match (object.is_empty(), text.is_empty()) {
            (true, true) => Value::Null,
            (true, false) => Value::String(text),
            (false, true) => Value::Object(object),
            (false, false) => {
                object.insert("#text".into(), Value::String(text));
                Value::Object(object)
            }
        };
        Some((name, value))
    }
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

fn parse(text: &str) -> Option<Value> {
    let mut reader = Reader { s: text, pos: 0 };
    reader.skip_misc()?;
    let (name, value) = reader.element(0)?;
    reader.skip_misc()?;
    if !reader.rest().is_empty() {
        return None;
    }
    let mut root = Map::new();
    root.insert(name, value);
    Some(Value::Object(root))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn elements_attributes_text_and_repeats() {
        let v = parse(r#"<?xml version="1.0"?><e a="1"><b>x</b><b>y</b><c/>t&amp;u</e>"#).expect("parses");
        assert_eq!(v.to_string(), r##"{"e":{"@a":"1","b":["x","y"],"c":null,"#text":"t&u"}}"##);
    }

    #[test]
    fn malformed_text_is_null() {
        assert!(parse("<a><b></a>").is_none());
        assert!(parse("not xml").is_none());
        assert!(parse("<a>").is_none());
    }
}
