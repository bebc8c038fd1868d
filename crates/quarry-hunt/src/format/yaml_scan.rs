//! A line scanner for the top-level scalars of a rule YAML file.
//!
//! Real rule files are often not valid YAML (a mis-indented `dataTypes:` list, a tab, a
//! duplicated key) while their `query` block is fine. This scanner finds top-level `key:` lines
//! without parsing the rest of the document, and reads their scalar values: block scalars
//! (`|`, `|-`, `|+`, `>`, `>-`, with an optional indentation digit), quoted and plain scalars.
//! Besides the value it returns the raw lines the value came from, so that positions in the
//! value can be mapped back to the file even when a real YAML parser produced the value.

use super::{Line, is_blank, lines};
use crate::lint::{DataConnector, Located, RuleMetadata};
use crate::origin::{Position, RawLine, ScalarStyle};

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

/// The keys of a Sentinel rule, as they appear at the top level. In a seed document's flattened
/// rule nothing is indented, so only these count as keys there (a description line such as
/// `Note: ...` does not).
const RULE_KEYS: &[&str] = &[
    "id",
    "name",
    "description",
    "severity",
    "status",
    "kind",
    "requiredDataConnectors",
    "connectorId",
    "dataTypes",
    "queryFrequency",
    "queryPeriod",
    "triggerOperator",
    "triggerThreshold",
    "tactics",
    "relevantTechniques",
    "techniques",
    "subTechniques",
    "tags",
    "query",
    "entityMappings",
    "customDetails",
    "alertDetailsOverride",
    "eventGroupingSettings",
    "incidentConfiguration",
    "suppressionDuration",
    "suppressionEnabled",
    "version",
    "metadata",
];

/// Keys that belong to a `requiredDataConnectors` entry. Found at the top level right after
/// `requiredDataConnectors:` (a seed document's flattened rule, a mis-indented YAML file) they
/// continue that list instead of starting a field of their own.
const CONNECTOR_KEYS: &[&str] = &["connectorId", "dataTypes"];

/// Reads a rule's metadata from `region`, lines of `text`, without parsing YAML: top-level
/// `key:` lines, their scalar values, lists written as `- item` lines, `[a, b]` or a
/// comma-separated string, and the `connectorId` and `dataTypes` of `requiredDataConnectors`
/// entries, however they are indented.
///
/// With `flattened`, the region is a seed document's flattened rule: no line is indented, only
/// the keys of a Sentinel rule count, and a `|` block runs up to the next key.
pub(crate) fn scan_metadata(text: &str, region: &[Line], flattened: bool) -> RuleMetadata {
    let locator = Locator::new(text);
    let all = lines(text);
    let first_index = region.first().map_or(all.len(), |first| all.partition_point(|l| l.start < first.start));
    let mut keys: Vec<(usize, &str, usize)> = Vec::new();
    // Connector keys at the top level, read as part of `requiredDataConnectors`.
    let mut continued: Vec<(&str, usize)> = Vec::new();
    for (i, line) in region.iter().enumerate() {
        let content = line.text(text);
        if content.starts_with([' ', '\t', '#', '-']) {
            continue;
        }
        let Some((key, value_at)) = mapping_key(content) else { continue };
        if flattened && !RULE_KEYS.contains(&key) {
            continue;
        }
        if CONNECTOR_KEYS.contains(&key) && keys.last().is_some_and(|&(_, k, _)| k == "requiredDataConnectors") {
            continued.push((key, line.start));
            continue;
        }
        keys.push((i, key, line.start + value_at));
    }
    let start = keys.first().map_or_else(
        || region.first().map_or(Position { line: 1, column: 1 }, |l| locator.position(l.start)),
        |&(i, _, _)| locator.position(region[i].start),
    );
    let mut meta = RuleMetadata::new(start);
    for (n, &(i, key, value_at)) in keys.iter().enumerate() {
        if meta.keys.contains_key(key) {
            // A repeated key: YAML rejects the file; the first one is what the scanner reads.
            continue;
        }
        meta.keys.insert(key.to_string(), locator.position(region[i].start));
        let section_end = keys.get(n + 1).map_or(region.len(), |&(next, _, _)| next);
        let section = &region[i + 1..section_end];
        let key_line = region[i];
        let scalar = || {
            let value = if flattened && text[value_at..key_line.end].starts_with(['|', '>']) {
                flattened_block(text, &text[value_at..key_line.end], section)
            } else {
                read_scalar(text, &all, first_index + i, value_at)
            };
            Some(locator.scalar(value, key_line.start, key_line.start + key.len()))
        };
        match key {
            "id" => meta.id = scalar(),
            "name" => meta.name = scalar(),
            "description" => meta.description = scalar(),
            "severity" => meta.severity = scalar(),
            "kind" => meta.kind = scalar(),
            "queryFrequency" => meta.query_frequency = scalar(),
            "queryPeriod" => meta.query_period = scalar(),
            "tactics" => meta.tactics = list_items(&locator, value_at, key_line.end, section),
            "relevantTechniques" => {
                meta.relevant_techniques = list_items(&locator, value_at, key_line.end, section);
            }
            "requiredDataConnectors" => {
                meta.required_data_connectors = connectors(&locator, section);
            }
            _ => {}
        }
    }
    for (key, at) in continued {
        meta.keys.entry(key.to_string()).or_insert_with(|| locator.position(at));
    }
    meta
}

/// A `|` or `>` block of a flattened rule: every line up to the next key, as written.
fn flattened_block(text: &str, header: &str, section: &[Line]) -> ScannedScalar {
    let last = section.iter().rposition(|l| !is_blank(l.text(text)));
    let body = last.map_or(&section[..0], |last| &section[..=last]);
    let raw: Vec<RawLine> = body.iter().map(|l| RawLine { offset: l.start, len: l.end - l.start }).collect();
    let contents: Vec<&str> = body.iter().map(|l| l.text(text)).collect();
    let value = if header.starts_with('>') { fold(&contents) } else { contents.join("\n") };
    ScannedScalar { value, lines: raw, style: ScalarStyle::Block, key_line: 0 }
}

/// The items of a list-valued key whose value starts at byte `value_at` of the key's line
/// (which ends at `line_end`): a flow list `[a, b]`, a comma-separated scalar on the key's
/// line, or `- item` lines in `section`.
fn list_items(locator: &Locator<'_>, value_at: usize, line_end: usize, section: &[Line]) -> Vec<Located<String>> {
    let text = locator.text;
    let head = strip_comment(&text[value_at..line_end]).trim_end();
    if !head.is_empty() {
        return inline_items(locator, value_at, head);
    }
    let mut items = Vec::new();
    for line in section {
        let content = line.text(text);
        let indent = content.len() - content.trim_start_matches([' ', '\t']).len();
        if let Some((at, item)) = dash_item(&content[indent..]) {
            items.extend(item_value(locator, line.start + indent + at, item));
        }
    }
    items
}

/// The items of a list written on one line, starting at byte `at` of the file: `[a, b]`, or a
/// (possibly quoted) scalar whose comma-separated parts are the items.
fn inline_items(locator: &Locator<'_>, at: usize, head: &str) -> Vec<Located<String>> {
    let (inner_at, inner) = if let Some(rest) = head.strip_prefix('[') {
        (at + 1, rest.rfind(']').map_or(rest, |close| &rest[..close]))
    } else {
        match unquote_span(head) {
            Some((skip, inner)) => (at + skip, inner),
            None => (at, head),
        }
    };
    let mut items = Vec::new();
    let mut offset = 0;
    for piece in inner.split(',') {
        items.extend(item_value(locator, inner_at + offset, piece));
        offset += piece.len() + 1;
    }
    items
}

/// One list item written at byte `at` of the file: trimmed and unquoted; `None` when empty.
fn item_value(locator: &Locator<'_>, at: usize, raw: &str) -> Option<Located<String>> {
    let lead = raw.len() - raw.trim_start().len();
    let trimmed = strip_comment(raw.trim()).trim_end();
    let (skip, value) = unquote_span(trimmed).unwrap_or((0, trimmed));
    if value.trim().is_empty() {
        return None;
    }
    let start = at + lead + skip;
    Some(locator.located(value.to_string(), start, start + value.len()))
}

/// If `value` is wholly quoted, the offset of its content and the content (with `''` and
/// simple backslash escapes left as written).
fn unquote_span(value: &str) -> Option<(usize, &str)> {
    ['"', '\''].iter().find_map(|&quote| {
        let inner = value.strip_prefix(quote)?.strip_suffix(quote)?;
        Some((1, inner))
    })
}

/// If `content` (a line without its indentation) is a block-sequence entry `- item`, the
/// offset of the item in `content` and the item.
fn dash_item(content: &str) -> Option<(usize, &str)> {
    let rest = content.strip_prefix('-')?;
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let item = rest.trim_start_matches([' ', '\t']);
    Some((content.len() - item.len(), item))
}

/// The entries of `requiredDataConnectors`. Each `- ` entry holding a `key:` starts a
/// connector; `connectorId:` and `dataTypes:` lines at any indentation fill the current one,
/// and `- item` lines after `dataTypes:` are its data types.
fn connectors(locator: &Locator<'_>, section: &[Line]) -> Vec<DataConnector> {
    let text = locator.text;
    let mut out: Vec<DataConnector> = Vec::new();
    let mut in_data_types = false;
    for line in section {
        let content = line.text(text);
        let indent = content.len() - content.trim_start_matches([' ', '\t']).len();
        let body = &content[indent..];
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let line_at = line.start + indent;
        let (entry_at, entry, new_entry) = match dash_item(body) {
            Some((at, item)) => match mapping_key(item) {
                Some(_) => (line_at + at, item, true),
                None => {
                    match out.last_mut() {
                        Some(connector) if in_data_types => {
                            connector.data_types.extend(item_value(locator, line_at + at, item));
                        }
                        _ => {}
                    }
                    continue;
                }
            },
            None => (line_at, body, false),
        };
        let Some((key, value_offset)) = mapping_key(entry) else { continue };
        let has_id = out.last().is_some_and(|c| c.connector_id.is_some());
        if new_entry || out.is_empty() || key == "connectorId" && has_id {
            let start = locator.position(if new_entry { line_at } else { entry_at });
            out.push(DataConnector { start, connector_id: None, data_types: Vec::new() });
        }
        let Some(connector) = out.last_mut() else { continue };
        let value_at = entry_at + value_offset;
        let head = strip_comment(&entry[value_offset..]).trim_end();
        in_data_types = false;
        match key {
            "connectorId" => connector.connector_id = item_value(locator, value_at, head),
            "dataTypes" if head.is_empty() => in_data_types = true,
            "dataTypes" => connector.data_types.extend(inline_items(locator, value_at, head)),
            _ => {}
        }
    }
    out
}

/// If `content` (a line without its indentation) starts with a mapping key `key:` followed by
/// a space or the line's end, the key (unquoted) and the byte offset where its value starts.
fn mapping_key(content: &str) -> Option<(&str, usize)> {
    let (key, after) = match content.chars().next()? {
        quote @ ('"' | '\'') => {
            let close = content[1..].find(quote)? + 1;
            (&content[1..close], &content[close + 1..])
        }
        first if first.is_ascii_alphanumeric() || first == '_' => {
            let end = content
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
                .unwrap_or(content.len());
            (&content[..end], &content[end..])
        }
        _ => return None,
    };
    let after_colon = after.trim_start_matches([' ', '\t']).strip_prefix(':')?;
    if !(after_colon.is_empty() || after_colon.starts_with([' ', '\t'])) {
        return None;
    }
    let value = after_colon.trim_start_matches([' ', '\t']);
    Some((key, content.len() - value.len()))
}

/// Turns byte offsets of a text into lines and columns.
pub(crate) struct Locator<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> Locator<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Locator { text, line_starts }
    }

    /// The 1-based line and column (in characters) of byte `offset`.
    pub(crate) fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let column = self.text[self.line_starts[line]..offset].chars().count() + 1;
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Position { line: clamp(line + 1), column: clamp(column) }
    }

    fn located(&self, value: String, start: usize, end: usize) -> Located<String> {
        Located::new(value, self.position(start), self.position(end))
    }

    /// A scanned scalar, placed at its text; an empty one is placed at its key
    /// (`key_start..key_end`).
    fn scalar(&self, scanned: ScannedScalar, key_start: usize, key_end: usize) -> Located<String> {
        let value = scanned.value.trim().to_string();
        let text = self.text;
        let filled = |r: &&RawLine| !is_blank(&text[r.offset..r.offset + r.len]);
        match (scanned.lines.iter().find(filled), scanned.lines.iter().rfind(filled)) {
            (Some(first), Some(last)) if !value.is_empty() => {
                let line = &text[first.offset..first.offset + first.len];
                let lead = line.len() - line.trim_start_matches([' ', '\t']).len();
                let last_text = &text[last.offset..last.offset + last.len];
                let end = last.offset + last_text.trim_end().len();
                self.located(value, first.offset + lead, end)
            }
            _ => self.located(value, key_start, key_end),
        }
    }
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

    fn meta(text: &str, flattened: bool) -> RuleMetadata {
        scan_metadata(text, &lines(text), flattened)
    }

    fn values(items: &[Located<String>]) -> Vec<&str> {
        items.iter().map(|i| i.value.as_str()).collect()
    }

    #[test]
    fn mapping_keys_and_dash_items() {
        assert_eq!(mapping_key("id: x"), Some(("id", 4)));
        assert_eq!(mapping_key("dataTypes:"), Some(("dataTypes", 10)));
        assert_eq!(mapping_key("'tactics' :  a"), Some(("tactics", 13)));
        assert_eq!(mapping_key("https://example"), None);
        assert_eq!(mapping_key("- x: y"), None);
        assert_eq!(mapping_key("\"open: x"), None);
        assert_eq!(dash_item("- a"), Some((2, "a")));
        assert_eq!(dash_item("-"), Some((1, "")));
        assert_eq!(dash_item("-a"), None);
    }

    #[test]
    fn list_items_in_every_shape() {
        let m = meta("tactics:\n- A  # first\n-   'B'\n  -\nrelevantTechniques: [T1, \"T2\" ]\n", false);
        assert_eq!(values(&m.tactics), ["A", "B"]);
        assert_eq!(m.tactics[1].start, Position { line: 3, column: 6 });
        assert_eq!(values(&m.relevant_techniques), ["T1", "T2"]);
        assert_eq!(m.relevant_techniques[1].start, Position { line: 5, column: 27 });
        let m = meta("tactics: \"A, B\"\n", false);
        assert_eq!(values(&m.tactics), ["A", "B"]);
        assert_eq!(m.tactics[1].start, Position { line: 1, column: 14 });
    }

    #[test]
    fn connectors_however_indented() {
        let text = "requiredDataConnectors:\n  - connectorId: A\n    dataTypes:\n      - T1\n  - connectorId: B\n  dataTypes:\n  - T2\n    - T3\nconnectorId: C\ndataTypes: T4, T5\ntactics: X\n";
        let m = meta(text, false);
        let got: Vec<(Option<&str>, Vec<&str>)> = m
            .required_data_connectors
            .iter()
            .map(|c| (c.connector_id.as_ref().map(|i| i.value.as_str()), values(&c.data_types)))
            .collect();
        assert_eq!(got, [(Some("A"), vec!["T1"]), (Some("B"), vec!["T2", "T3"]), (Some("C"), vec!["T4", "T5"])]);
        assert_eq!(values(&m.tactics), ["X"]);
        assert!(m.keys.contains_key("connectorId") && m.keys.contains_key("dataTypes"));
        assert_eq!(meta("requiredDataConnectors: []\n", false).required_data_connectors, []);
    }

    #[test]
    fn flattened_rules_know_their_keys() {
        let text = "id: x\ndescription: |\nFirst line.\nNote: not a key.\n\nseverity: High\nquery: |\nT\n";
        let m = meta(text, true);
        assert_eq!(m.description.as_ref().unwrap().value, "First line.\nNote: not a key.");
        assert_eq!(m.description.as_ref().unwrap().end, Position { line: 4, column: 17 });
        assert_eq!(m.severity.as_ref().unwrap().value, "High");
        assert!(!m.keys.contains_key("Note"));
        // Not flattened, an unindented `Note:` line is a key of its own.
        assert!(meta(text, false).keys.contains_key("Note"));
    }

    #[test]
    fn empty_values_sit_at_their_key_and_first_keys_win() {
        let m = meta("# comment\nid:\nname: a\nname: b\n", false);
        assert_eq!(m.start, Position { line: 2, column: 1 });
        let id = m.id.unwrap();
        assert_eq!(
            (id.value.as_str(), id.start, id.end),
            ("", Position { line: 2, column: 1 }, Position { line: 2, column: 3 })
        );
        assert_eq!(m.name.unwrap().value, "a");
    }

    #[test]
    fn columns_count_characters() {
        let m = meta("name: é\ntactics: Exécution, Impact\n", false);
        assert_eq!(m.tactics[1].start, Position { line: 2, column: 21 });
        assert_eq!(Locator::new("aé\nb").position(3), Position { line: 1, column: 3 });
        assert_eq!(Locator::new("aé\nb").position(2), Position { line: 1, column: 2 });
    }
}
