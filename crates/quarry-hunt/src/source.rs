//! One query loaded from one file, and the loader that picks the file's format.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{LoadError, LoadErrorKind};
use crate::format::{self, Extracted};
use crate::lint::RuleMetadata;
use crate::origin::{FileText, Origin, Position};

/// A KQL query found in a file, with what the file says about it.
#[derive(Clone, Debug)]
pub struct QuerySource {
    /// The file, as it was given or found while walking a folder.
    pub path: PathBuf,
    /// How the query was found in the file.
    pub format: SourceFormat,
    /// The rule's `id`, for rule YAML and seed documents that have one.
    pub rule_id: Option<String>,
    /// The rule's `name`, for rule YAML and seed documents that have one.
    pub name: Option<String>,
    /// The KQL text, as Sentinel would receive it.
    pub query: String,
    /// Maps byte offsets in [`query`](Self::query) to lines and columns of the file.
    pub origin: Origin,
    /// Problems with the file that did not stop the query from being found, e.g. invalid YAML.
    pub notes: Vec<SourceNote>,
    /// What a Sentinel rule YAML file, or the flattened rule of a seed document, says about the
    /// rule (id, tactics, data connectors, ...), each value with its position in the file.
    /// `None` for `.kql` files and seed documents without a flattened rule.
    pub metadata: Option<RuleMetadata>,
}

/// How a query is stored in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SourceFormat {
    /// The whole file is the query: `.kql`, `.csl`, `.kusto`, or any file given by name that is
    /// neither of the other formats.
    Kql,
    /// A Sentinel hunting or analytics rule: YAML with `id`, `name` and `query` fields.
    RuleYaml,
    /// A seed document: a hypothesis, a `KQL Query` line, the query, then a flattened rule
    /// starting at an `id:` line, a table and false-positive scenarios.
    SeedDocument,
}

impl SourceFormat {
    /// The format implied by a file's extension alone, if any. `.txt` files need their content
    /// looked at (see [`is_seed_document`]), so they give `None`.
    pub fn from_extension(path: &Path) -> Option<SourceFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "kql" | "csl" | "kusto" => Some(SourceFormat::Kql),
            "yaml" | "yml" => Some(SourceFormat::RuleYaml),
            _ => None,
        }
    }

    /// The format of a file: by extension where that is decisive, else by content.
    pub fn detect(path: &Path, text: &str) -> SourceFormat {
        if let Some(format) = SourceFormat::from_extension(path) {
            return format;
        }
        if is_seed_document(text) {
            SourceFormat::SeedDocument
        } else if format::yaml::looks_like_rule(text) {
            SourceFormat::RuleYaml
        } else {
            SourceFormat::Kql
        }
    }

    /// A short lower-case name: `kql`, `rule-yaml`, `seed`.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceFormat::Kql => "kql",
            SourceFormat::RuleYaml => "rule-yaml",
            SourceFormat::SeedDocument => "seed",
        }
    }
}

/// Whether `text` has a `KQL Query` line, the marker of a seed document.
pub fn is_seed_document(text: &str) -> bool {
    format::seed::find_marker(text).is_some()
}

/// A problem with a file that still gave a query, e.g. YAML that Sentinel would reject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceNote {
    /// Stable code (see [`crate::codes`]).
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// Where in the file, when known.
    pub position: Option<Position>,
    /// What follows from it or how to fix it.
    pub help: Option<String>,
}

/// Reads `path` and extracts its query, choosing the format with [`SourceFormat::detect`].
pub fn load_file(path: &Path) -> Result<QuerySource, LoadError> {
    let text = read_text(path)?;
    let format = SourceFormat::detect(path, &text);
    load_text(path, text, format)
}

/// Reads and decodes a file (see [`decode`]).
pub(crate) fn read_text(path: &Path) -> Result<String, LoadError> {
    let bytes = fs::read(path).map_err(|e| LoadError::new(path, LoadErrorKind::Io(e)))?;
    decode(&bytes).ok_or_else(|| LoadError::new(path, LoadErrorKind::NotText))
}

/// Extracts the query from `text`, the contents of `path`, read as `format`. A leading
/// byte-order mark is dropped; positions count from the character after it.
pub fn load_text(path: &Path, text: impl Into<String>, format: SourceFormat) -> Result<QuerySource, LoadError> {
    let mut text: String = text.into();
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    let file = FileText::new(text);
    let extracted = match format {
        SourceFormat::Kql => format::kql::extract(&file),
        SourceFormat::RuleYaml => format::yaml::extract(&file),
        SourceFormat::SeedDocument => format::seed::extract(&file),
    };
    let Extracted { rule_id, name, query, origin, notes, metadata } =
        extracted.map_err(|reason| LoadError::new(path, LoadErrorKind::NoQuery(reason)))?;
    Ok(QuerySource { path: path.to_path_buf(), format, rule_id, name, query, origin, notes, metadata })
}

/// Decodes a file: UTF-8 (with or without a byte-order mark), or UTF-16 with a byte-order mark,
/// as some Windows tools write.
fn decode(bytes: &[u8]) -> Option<String> {
    let utf16 = |rest: &[u8], from: fn([u8; 2]) -> u16| {
        if rest.len() % 2 != 0 {
            return None;
        }
        let units: Vec<u16> = rest.chunks_exact(2).map(|c| from([c[0], c[1]])).collect();
        String::from_utf16(&units).ok()
    };
    match bytes {
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes),
        _ => String::from_utf8(bytes.to_vec()).ok(),
    }
}

/// Shared by the format modules: an origin for a query that is a verbatim slice of the file.
pub(crate) fn slice_origin(file: &Arc<FileText>, start: usize) -> Origin {
    Origin::shifted(Arc::clone(file), start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_format_by_extension_then_content() {
        let p = Path::new;
        assert_eq!(SourceFormat::detect(p("a.KQL"), "KQL Query\n"), SourceFormat::Kql);
        assert_eq!(SourceFormat::detect(p("a.yml"), "T"), SourceFormat::RuleYaml);
        assert_eq!(SourceFormat::detect(p("a.txt"), "x\nKQL Query\nT\n"), SourceFormat::SeedDocument);
        assert_eq!(SourceFormat::detect(p("a.rule"), "id: 1\nquery: |\n  T\n"), SourceFormat::RuleYaml);
        assert_eq!(SourceFormat::detect(p("a.txt"), "T | take 1"), SourceFormat::Kql);
    }

    #[test]
    fn decodes_utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("T | take 1".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&bytes).as_deref(), Some("T | take 1"));
        assert_eq!(decode(&[0xC3, 0x28]), None);
    }

    #[test]
    fn bom_is_dropped_and_positions_count_after_it() {
        let source = load_text(Path::new("q.kql"), "\u{feff}T | take 1\n", SourceFormat::Kql).unwrap();
        assert_eq!(source.query, "T | take 1\n");
        assert_eq!(source.origin.position(4), Position { line: 1, column: 5 });
    }
}
