//! Where a query's bytes came from in the file it was loaded from.
//!
//! A query taken out of a rule YAML file is not a slice of that file: the block scalar's
//! indentation is removed, a folded scalar joins lines, a quoted scalar loses its escapes. The
//! parser reports byte offsets into the extracted query; an [`Origin`] maps each of them back to
//! a byte offset, a line and a column in the original file, so that diagnostics point at the text
//! a person edits.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// A 1-based line and column in a file. Columns count Unicode scalar values, as editors do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

/// The decoded text of a file (without a byte-order mark) and the start of each of its lines.
#[derive(Debug)]
pub(crate) struct FileText {
    text: String,
    line_starts: Vec<usize>,
}

impl FileText {
    pub(crate) fn new(text: String) -> Arc<Self> {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Arc::new(FileText { text, line_starts })
    }

    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    fn position(&self, offset: usize) -> Position {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let column = self.text[start..offset].chars().count() + 1;
        Position { line: saturating_u32(line + 1), column: saturating_u32(column) }
    }

    fn offset_of(&self, position: Position) -> usize {
        let Some(line) = position.line.checked_sub(1).and_then(|l| usize::try_from(l).ok()) else {
            return 0;
        };
        let Some(&start) = self.line_starts.get(line) else { return self.text.len() };
        let line_text = self.line_text(position.line).unwrap_or("");
        let skip = usize::try_from(position.column.saturating_sub(1)).unwrap_or(usize::MAX);
        start + line_text.char_indices().nth(skip).map_or(line_text.len(), |(i, _)| i)
    }

    fn line_text(&self, line: u32) -> Option<&str> {
        let index = usize::try_from(line.checked_sub(1)?).ok()?;
        let start = *self.line_starts.get(index)?;
        let end = self.line_starts.get(index + 1).map_or(self.text.len(), |next| next - 1);
        let text = &self.text[start..end];
        Some(text.strip_suffix('\r').unwrap_or(text))
    }
}

/// Maps byte offsets in an extracted query to positions in the file it came from.
#[derive(Clone)]
pub struct Origin {
    file: Arc<FileText>,
    map: OffsetMap,
}

#[derive(Clone, Debug)]
enum OffsetMap {
    /// The query is the file's text from this byte offset on, unchanged.
    Shift(usize),
    /// `table[i]` is the file offset of query byte `i`; one extra entry for the end.
    Table(Vec<usize>),
}

impl Origin {
    /// The query is a verbatim slice of the file starting at byte `start`.
    pub(crate) fn shifted(file: Arc<FileText>, start: usize) -> Self {
        Origin { file, map: OffsetMap::Shift(start) }
    }

    /// The query is `value`, decoded from the raw `lines` of the file (see [`align`]).
    pub(crate) fn aligned(file: Arc<FileText>, value: &str, lines: &[RawLine], style: ScalarStyle) -> Self {
        let table = align(&file.text, value, lines, style);
        Origin { file, map: OffsetMap::Table(table) }
    }

    /// The whole text of the original file (decoded, without a byte-order mark). File offsets
    /// returned by this type index into it.
    pub fn file_text(&self) -> &str {
        &self.file.text
    }

    /// The text of 1-based `line` of the original file, without its line terminator; empty if the
    /// file has no such line.
    pub fn line_text(&self, line: u32) -> &str {
        self.file.line_text(line).unwrap_or("")
    }

    /// The byte offset in the original file of byte `query_offset` of the query. Offsets past
    /// the end of the query map to the end of its last character.
    pub fn file_offset(&self, query_offset: usize) -> usize {
        let offset = match &self.map {
            OffsetMap::Shift(start) => start.saturating_add(query_offset),
            OffsetMap::Table(table) => match table.get(query_offset) {
                Some(&offset) => offset,
                None => table.last().copied().unwrap_or(0),
            },
        };
        floor_char_boundary(&self.file.text, offset.min(self.file.text.len()))
    }

    /// The byte range in the original file covered by `query_range` of the query. The end is
    /// the end of the character holding the range's last byte, so a range never spans the
    /// indentation that was removed at the start of the next line.
    pub fn file_range(&self, query_range: Range<usize>) -> Range<usize> {
        let start = self.file_offset(query_range.start);
        if query_range.end <= query_range.start {
            return start..start;
        }
        let last = self.file_offset(query_range.end - 1);
        let end = last + self.file.text[last..].chars().next().map_or(0, char::len_utf8);
        start..end.max(start)
    }

    /// The line and column in the original file of byte `query_offset` of the query.
    pub fn position(&self, query_offset: usize) -> Position {
        self.file.position(self.file_offset(query_offset))
    }

    /// The line and column of byte `file_offset` of the original file.
    pub fn file_position(&self, file_offset: usize) -> Position {
        self.file.position(file_offset)
    }

    /// The byte offset in the original file of a line and column; a column past the end of its
    /// line gives the line's end, a line past the end of the file the file's end.
    pub fn file_offset_at(&self, position: Position) -> usize {
        self.file.offset_of(position)
    }
}

impl fmt::Debug for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Origin");
        s.field("file_len", &self.file.text.len());
        match &self.map {
            OffsetMap::Shift(start) => s.field("shift", start),
            OffsetMap::Table(table) => s.field("table_len", &table.len()),
        };
        s.finish()
    }
}

/// One line of the file that a scalar value was decoded from: where its content starts (after
/// the indentation or opening quote that is not part of the value) and that content, without
/// the line terminator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawLine {
    pub offset: usize,
    pub len: usize,
}

impl RawLine {
    fn text<'a>(&self, file: &'a str) -> &'a str {
        &file[self.offset..self.offset + self.len]
    }
}

/// How a YAML scalar was written, which decides how its text differs from the raw lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ScalarStyle {
    /// `|` or `>` blocks and plain scalars: characters are copied, line breaks may fold.
    Block,
    /// `'...'`: `''` stands for `'`.
    SingleQuoted,
    /// `"..."`: backslash escapes.
    DoubleQuoted,
}

/// Finds, for every byte of `value`, the file offset it was decoded from.
///
/// Walks `value` and the raw lines together: equal characters map to each other; a space or
/// line break in the value at the end of a raw line stands for that line break; a value
/// character that is not found at the end of a raw line continues on the next one. Anything
/// else (an escape, a character the decoder changed) maps to the raw character at the same
/// place, so the mapping degrades gracefully and never loses its place by more than a character
/// or two.
fn align(file: &str, value: &str, lines: &[RawLine], style: ScalarStyle) -> Vec<usize> {
    let mut table = Vec::with_capacity(value.len() + 1);
    let mut line = 0;
    let mut col = 0;
    let end_of_last = lines.last().map_or(0, |l| l.offset + l.len);
    for c in value.chars() {
        let pos = loop {
            let Some(raw_line) = lines.get(line) else { break end_of_last };
            let rest = &raw_line.text(file)[col..];
            let mut chars = rest.chars();
            match chars.next() {
                None => {
                    if c == '\n' || c == ' ' {
                        line += 1;
                        col = 0;
                        break raw_line.offset + raw_line.len;
                    }
                    line += 1;
                    col = 0;
                }
                Some(r) if r == c => {
                    col += r.len_utf8();
                    break raw_line.offset + col - r.len_utf8();
                }
                Some('\\') if style == ScalarStyle::DoubleQuoted => {
                    let at = raw_line.offset + col;
                    col += escape_len(rest);
                    break at;
                }
                Some(r) => {
                    let at = raw_line.offset + col;
                    col += r.len_utf8();
                    // A doubled quote (or a similar two-character spelling) stands for one.
                    if style == ScalarStyle::SingleQuoted && chars.next() == Some(c) {
                        col += c.len_utf8();
                    }
                    break at;
                }
            }
        };
        for k in 0..c.len_utf8() {
            table.push(pos + k);
        }
    }
    let end = match lines.get(line) {
        Some(raw_line) => raw_line.offset + col,
        None => end_of_last,
    };
    table.push(end);
    table
}

/// Length in bytes of the backslash escape at the start of `rest`.
fn escape_len(rest: &str) -> usize {
    let mut chars = rest.chars();
    chars.next();
    let digits = match chars.next() {
        None => return 1,
        Some('x') => 2,
        Some('u') => 4,
        Some('U') => 8,
        Some(c) => return 1 + c.len_utf8(),
    };
    2 + chars.take(digits).take_while(char::is_ascii_hexdigit).count()
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn saturating_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(file: &str, indent: usize, first_line: usize) -> Vec<RawLine> {
        let mut offset = 0;
        let mut out = Vec::new();
        for (i, line) in file.split_inclusive('\n').enumerate() {
            let content = line.trim_end_matches(['\n', '\r']);
            if i >= first_line {
                let skip = indent.min(content.len());
                out.push(RawLine { offset: offset + skip, len: content.len() - skip });
            }
            offset += line.len();
        }
        out
    }

    #[test]
    fn shifted_origin_counts_lines_and_characters() {
        let file = FileText::new("// header\nT | where x == 'é' | take 1\n".to_string());
        let origin = Origin::shifted(file, 10);
        assert_eq!(origin.position(0), Position { line: 2, column: 1 });
        // 'é' is two bytes; the `|` after it is byte 20 of the line but its 20th character.
        assert_eq!(origin.position(20), Position { line: 2, column: 20 });
        assert_eq!(origin.line_text(2), "T | where x == 'é' | take 1");
        assert_eq!(origin.line_text(9), "");
        assert_eq!(origin.file_offset_at(Position { line: 2, column: 20 }), 10 + 20);
        assert_eq!(origin.file_offset_at(Position { line: 1, column: 99 }), 9);
        assert_eq!(origin.file_offset_at(Position { line: 99, column: 1 }), origin.file_text().len());
    }

    #[test]
    fn literal_block_maps_through_indentation() {
        let file = "query: |\n  T\n  | where a\n\n  | take 1\nnext: x\n";
        let text = FileText::new(file.to_string());
        let lines = lines_of(file, 2, 1)[..4].to_vec();
        let value = "T\n| where a\n\n| take 1\n";
        let origin = Origin::aligned(text, value, &lines, ScalarStyle::Block);
        let take = value.find("take").unwrap();
        assert_eq!(origin.position(take), Position { line: 5, column: 5 });
        assert_eq!(&file[origin.file_range(take..take + 4)], "take");
        let where_ = value.find("where").unwrap();
        assert_eq!(origin.position(where_), Position { line: 3, column: 5 });
        // A range ending at a line end does not swallow the next line's indentation.
        assert_eq!(&file[origin.file_range(where_..where_ + 7)], "where a");
    }

    #[test]
    fn folded_value_maps_joined_lines() {
        let file = "q: >\n  T\n  | take 1\n";
        let text = FileText::new(file.to_string());
        let lines = lines_of(file, 2, 1);
        let value = "T | take 1\n";
        let origin = Origin::aligned(text, value, &lines, ScalarStyle::Block);
        assert_eq!(origin.position(2), Position { line: 3, column: 3 });
        assert_eq!(origin.position(4), Position { line: 3, column: 5 });
    }

    #[test]
    fn quoted_values_survive_escapes() {
        let file = r#"query: "T | where a == \"x\" | take 1""#;
        let text = FileText::new(file.to_string());
        let start = file.find('"').unwrap() + 1;
        let lines = vec![RawLine { offset: start, len: file.len() - start }];
        let value = r#"T | where a == "x" | take 1"#;
        let origin = Origin::aligned(text, value, &lines, ScalarStyle::DoubleQuoted);
        let take = value.find("take").unwrap();
        assert_eq!(&file[origin.file_range(take..take + 4)], "take");

        let file = "query: 'T | where a == ''x'' | take 1'";
        let text = FileText::new(file.to_string());
        let start = file.find('\'').unwrap() + 1;
        let lines = vec![RawLine { offset: start, len: file.len() - start }];
        let value = "T | where a == 'x' | take 1";
        let origin = Origin::aligned(text, value, &lines, ScalarStyle::SingleQuoted);
        let take = value.find("take").unwrap();
        assert_eq!(&file[origin.file_range(take..take + 4)], "take");
    }

    #[test]
    fn offsets_past_the_end_are_clamped() {
        let file = "query: |\n  T\n";
        let text = FileText::new(file.to_string());
        let lines = lines_of(file, 2, 1);
        let origin = Origin::aligned(text, "T\n", &lines, ScalarStyle::Block);
        assert_eq!(origin.position(100), origin.position(2));
        let range = origin.file_range(0..100);
        assert!(range.start <= range.end && range.end <= file.len());
    }
}
