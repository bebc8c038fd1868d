//! One module per way a query is stored in a file. Each turns the file's text into an
//! [`Extracted`] query with its [`Origin`], or says why there is none.

pub(crate) mod kql;
pub(crate) mod seed;
pub(crate) mod yaml;
mod yaml_scan;

use crate::lint::RuleMetadata;
use crate::origin::Origin;
use crate::source::SourceNote;

/// What a format module found in a file.
pub(crate) struct Extracted {
    pub rule_id: Option<String>,
    pub name: Option<String>,
    pub query: String,
    pub origin: Origin,
    pub notes: Vec<SourceNote>,
    /// The rule's metadata, for rule YAML and seed documents with a flattened rule.
    pub metadata: Option<RuleMetadata>,
}

/// One line of a text: `start..end` is its content without the terminator (`\n` or `\r\n`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Line {
    pub start: usize,
    pub end: usize,
}

impl Line {
    pub fn text(self, text: &str) -> &str {
        &text[self.start..self.end]
    }
}

/// The lines of `text`. A final line with no terminator counts; an empty text has no lines.
pub(crate) fn lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0;
    for piece in text.split_inclusive('\n') {
        let content = piece.strip_suffix('\n').unwrap_or(piece);
        let content = content.strip_suffix('\r').unwrap_or(content);
        out.push(Line { start, end: start + content.len() });
        start += piece.len();
    }
    out
}

/// Whether a line holds nothing but spaces and tabs.
pub(crate) fn is_blank(line: &str) -> bool {
    line.trim_matches([' ', '\t']).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_drop_terminators() {
        let text = "a\r\nbc\n\nd";
        let got: Vec<&str> = lines(text).into_iter().map(|l| l.text(text)).collect();
        assert_eq!(got, ["a", "bc", "", "d"]);
        assert!(lines("").is_empty());
    }
}
