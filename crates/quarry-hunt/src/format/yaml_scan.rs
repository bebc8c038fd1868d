//! A line scanner for the top-level scalars of a rule YAML file.
//!
//! Real rule files are often not valid YAML (a mis-indented `dataTypes:` list, a tab, a
//! duplicated key) while their `query` block is fine. This scanner finds top-level `key:` lines
//! without parsing the rest of the document, and reads their scalar values: block scalars
//! (`|`, `|-`, `|+`, `>`, `>-`, with an optional indentation digit), quoted and plain scalars.
//! Besides the value it returns the raw lines the value came from, so that positions in the
//! value can be mapped back to the file even when a real YAML parser produced the value.

use super::{Line, is_blank, lines};
use crate::origin::{RawLine, ScalarStyle};

/// A scalar value found by the scanner, with the raw lines it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ScannedScalar {
    pub value: String,
    pub lines: Vec<RawLine>,
    pub style: ScalarStyle,
    /// 0-based index of the `key:` line.
    pub key_line: usize,
}

/// The value of the first top-level `key:` line of `text`, if any.
pub(crate) fn scan_key(text: &str, key: &str) -> Option<ScannedScalar> {
    let all = lines(text);
    let (index, value_start) = all.iter().enumerate().find_map(|(i, line)| {
        let start = top_level_value(line.text(text), key)?;
        Some((i, line.start + start))
    })?;
    Some(read_scalar(text, &all, index, value_start))
}

/// If `line` is the top-level mapping entry `key:`, the byte offset in `line` where its value
/// starts (after the colon and any spaces).
fn top_level_value(line: &str, key: &str) -> Option<usize> {
    let after_key =
        ["", "\"", "'"].iter().find_map(|quote| line.strip_prefix(quote)?.strip_prefix(key)?.strip_prefix(quote))?;
    let after_colon = after_key.trim_start_matches([' ', '\t']).strip_prefix(':')?;
    if !(after_colon.is_empty() || after_colon.starts_with([' ', '\t'])) {
        return None;
    }
    let value = after_colon.trim_start_matches([' ', '\t']);
    Some(line.len() - value.len())
}

fn read_scalar(text: &str, all: &[Line], index: usize, value_start: usize) -> ScannedScalar {
    let line = all[index];
    let head = &text[value_start..line.end];
    let rest = &all[index + 1..];
    let (value, lines, style) = match head.chars().next() {
        Some('|' | '>') => read_block(text, head, rest),
        Some(quote @ ('"' | '\'')) => read_quoted(text, value_start + 1, line, rest, quote),
        _ => read_plain(text, value_start, line, rest),
    };
    ScannedScalar { value, lines, style, key_line: index }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Chomp {
    Clip,
    Strip,
    Keep,
}

fn read_block(text: &str, header: &str, rest: &[Line]) -> (String, Vec<RawLine>, ScalarStyle) {
    let folded = header.starts_with('>');
    let mut chomp = Chomp::Clip;
    let mut explicit = None;
    for c in header[1..].chars() {
        match c {
            '-' => chomp = Chomp::Strip,
            '+' => chomp = Chomp::Keep,
            '1'..='9' => explicit = Some(c as usize - '0' as usize),
            _ => break,
        }
    }
    let leading_spaces = |l: &Line| l.text(text).len() - l.text(text).trim_start_matches(' ').len();
    let indent = explicit.unwrap_or_else(|| rest.iter().find(|l| !is_blank(l.text(text))).map_or(0, leading_spaces));
    let mut raw = Vec::new();
    if indent > 0 {
        for line in rest {
            let spaces = leading_spaces(line);
            let skip = if is_blank(line.text(text)) {
                spaces.min(indent)
            } else if spaces < indent {
                break;
            } else {
                indent
            };
            raw.push(RawLine { offset: line.start + skip, len: line.end - line.start - skip });
        }
    }
    let contents: Vec<&str> = raw.iter().map(|r| &text[r.offset..r.offset + r.len]).collect();
    let last = contents.iter().rposition(|c| !is_blank(c));
    let body = last.map_or(&contents[..0], |last| &contents[..=last]);
    let mut value = if folded { fold(body) } else { body.join("\n") };
    // Clip and keep add the final line break only if the file has one.
    let has_final_break = last.is_some_and(|last| text[raw[last].offset + raw[last].len..].starts_with(['\n', '\r']));
    if has_final_break {
        match chomp {
            Chomp::Strip => {}
            Chomp::Clip => value.push('\n'),
            Chomp::Keep => {
                value.push('\n');
                for _ in body.len()..contents.len() {
                    value.push('\n');
                }
            }
        }
    }
    (value, raw, ScalarStyle::Block)
}

/// Folds the lines of a `>` block: a single line break between two lines becomes a space,
/// blank lines become line breaks, and lines indented more than the block keep their breaks.
fn fold(lines: &[&str]) -> String {
    let mut value = String::new();
    let mut blanks = 0;
    let mut previous_more_indented = false;
    let mut started = false;
    for line in lines {
        if is_blank(line) {
            blanks += 1;
            continue;
        }
        let more_indented = line.starts_with([' ', '\t']);
        if started {
            if more_indented || previous_more_indented {
                value.push('\n');
            } else if blanks == 0 {
                value.push(' ');
            }
            for _ in 0..blanks {
                value.push('\n');
            }
        } else {
            for _ in 0..blanks {
                value.push('\n');
            }
        }
        value.push_str(line);
        started = true;
        blanks = 0;
        previous_more_indented = more_indented;
    }
    value
}

/// A quoted scalar starting at `start` (after the opening quote), possibly over several lines.
fn read_quoted(
    text: &str,
    start: usize,
    first: Line,
    rest: &[Line],
    quote: char,
) -> (String, Vec<RawLine>, ScalarStyle) {
    let style = if quote == '"' { ScalarStyle::DoubleQuoted } else { ScalarStyle::SingleQuoted };
    let mut raw = Vec::new();
    let mut pieces = Vec::new();
    let mut segment = (start, first.end);
    let mut next = rest.iter();
    loop {
        let body = &text[segment.0..segment.1];
        if let Some(close) = closing_quote(body, quote) {
            raw.push(RawLine { offset: segment.0, len: close });
            pieces.push(&body[..close]);
            break;
        }
        raw.push(RawLine { offset: segment.0, len: body.len() });
        pieces.push(body);
        match next.next() {
            Some(line) => {
                let content = line.text(text);
                let trimmed = content.trim_start_matches([' ', '\t']);
                segment = (line.end - trimmed.len(), line.end);
            }
            None => break,
        }
    }
    let joined = join_folded(&pieces);
    let value = if quote == '"' { unescape_double(&joined) } else { joined.replace("''", "'") };
    (value, raw, style)
}

/// The byte offset of the quote that closes a quoted scalar in `body`, if it is on this line.
fn closing_quote(body: &str, quote: char) -> Option<usize> {
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            if quote == '\'' && chars.peek().is_some_and(|&(_, n)| n == '\'') {
                chars.next();
            } else {
                return Some(i);
            }
        }
    }
    None
}

/// A plain scalar: the rest of the line (without a ` #` comment), continued on following lines
/// that are indented.
fn read_plain(text: &str, start: usize, first: Line, rest: &[Line]) -> (String, Vec<RawLine>, ScalarStyle) {
    let head = strip_comment(&text[start..first.end]).trim_end();
    let mut raw = vec![RawLine { offset: start, len: head.len() }];
    let mut pieces = vec![head];
    for line in rest {
        let content = line.text(text);
        if !is_blank(content) && !content.starts_with([' ', '\t']) {
            break;
        }
        let trimmed = content.trim_start_matches([' ', '\t']);
        if trimmed.starts_with('#') {
            break;
        }
        let trimmed = trimmed.trim_end();
        let indent = content.len() - content.trim_start_matches([' ', '\t']).len();
        raw.push(RawLine { offset: line.start + indent, len: trimmed.len() });
        pieces.push(trimmed);
    }
    while pieces.last().is_some_and(|p| p.is_empty()) {
        pieces.pop();
    }
    let value = join_folded(&pieces).trim().to_string();
    (value, raw, ScalarStyle::Block)
}

fn strip_comment(value: &str) -> &str {
    if value.starts_with('#') {
        return "";
    }
    match value.find(" #").or_else(|| value.find("\t#")) {
        Some(i) => &value[..i],
        None => value,
    }
}

/// Joins the lines of a flow scalar: one line break is a space, each blank line a line break.
fn join_folded(pieces: &[&str]) -> String {
    let mut value = String::new();
    let mut blanks = 0;
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 && piece.is_empty() {
            blanks += 1;
            continue;
        }
        if i > 0 {
            if blanks == 0 {
                value.push(' ');
            }
            for _ in 0..blanks {
                value.push('\n');
            }
        }
        value.push_str(piece);
        blanks = 0;
    }
    value
}

fn unescape_double(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        let digits = match e {
            'x' => 2,
            'u' => 4,
            'U' => 8,
            _ => {
                out.push(match e {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '0' => '\0',
                    '/' => '/',
                    ' ' => ' ',
                    other => other,
                });
                continue;
            }
        };
        let hex: String = chars.clone().take(digits).collect();
        match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
            Some(decoded) if hex.len() == digits => {
                out.push(decoded);
                for _ in 0..digits {
                    chars.next();
                }
            }
            _ => {
                out.push('\\');
                out.push(e);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str, key: &str) -> Option<String> {
        scan_key(text, key).map(|s| s.value)
    }

    #[test]
    fn block_scalars_follow_chomping() {
        let text = "query: |\n  a\n    b\n\n  c\n\nnext: 1\n";
        assert_eq!(value(text, "query").as_deref(), Some("a\n  b\n\nc\n"));
        let text = "query: |-\n  a\n  c\n\n";
        assert_eq!(value(text, "query").as_deref(), Some("a\nc"));
        let text = "query: |+\n  a\n\n";
        assert_eq!(value(text, "query").as_deref(), Some("a\n\n"));
        let text = "query: |4\n      a\n    b\n";
        assert_eq!(value(text, "query").as_deref(), Some("  a\nb\n"));
        // No line break at the end of the file, none in the value.
        assert_eq!(value("query: |\n  a\n  b", "query").as_deref(), Some("a\nb"));
    }

    #[test]
    fn folded_blocks_join_lines() {
        let text = "query: >\n  T\n  | take 1\n\n  | count\n";
        assert_eq!(value(text, "query").as_deref(), Some("T | take 1\n| count\n"));
        let text = "query: >-\n  a\n    b\n  c\n";
        assert_eq!(value(text, "query").as_deref(), Some("a\n  b\nc"));
    }

    #[test]
    fn block_ends_at_a_less_indented_line() {
        let text = "query: |\n  a\n b\n";
        assert_eq!(value(text, "query").as_deref(), Some("a\n"));
        // Content at column 1 is not part of a top-level block.
        assert_eq!(value("query: |\na\n", "query").as_deref(), Some(""));
    }

    #[test]
    fn quoted_and_plain_scalars() {
        assert_eq!(value("id: 'a''b' # c\n", "id").as_deref(), Some("a'b"));
        assert_eq!(value("id: \"a\\\"b\\u00e9\"\n", "id").as_deref(), Some("a\"bé"));
        assert_eq!(value("name: A rule # comment\n", "name").as_deref(), Some("A rule"));
        assert_eq!(value("name: A\n  long name\nx: 1\n", "name").as_deref(), Some("A long name"));
        assert_eq!(value("query: \"T\n  | take 1\"\n", "query").as_deref(), Some("T | take 1"));
        assert_eq!(value("\"name\": quoted key\n", "name").as_deref(), Some("quoted key"));
    }

    #[test]
    fn only_top_level_keys_count() {
        let text = "meta:\n  id: inner\nidentifier: no\nid: outer\n";
        assert_eq!(value(text, "id").as_deref(), Some("outer"));
        assert_eq!(value("ids: 1\n", "id"), None);
        assert_eq!(value("id:x\n", "id"), None);
    }

    #[test]
    fn raw_lines_point_past_indentation() {
        let text = "query: |\r\n  T\r\n  | take 1\r\n";
        let scanned = scan_key(text, "query").unwrap();
        assert_eq!(scanned.value, "T\n| take 1\n");
        assert_eq!(scanned.key_line, 0);
        let raw: Vec<&str> = scanned.lines.iter().map(|r| &text[r.offset..r.offset + r.len]).collect();
        assert_eq!(raw, ["T", "| take 1"]);
    }
}
