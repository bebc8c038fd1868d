//! CSV, as the Defender portal exports query results: UTF-8 (a byte-order mark is skipped),
//! a header row of column names, RFC 4180 quoting. Values are text; each becomes a JSON
//! value for the table's schema: a catalog `dynamic` column gets the JSON the cell holds; in
//! a column the catalog does not know, numbers and `true`/`false` are kept as such so that
//! inference can type them. An empty cell is a missing value.
//!
//! A row with more or fewer fields than the header, or with invalid UTF-8, is rejected with
//! its line; the others are kept.

use std::io::BufRead;
use std::path::Path;
use std::sync::Arc;

use kql_semantics::{TableSchema, Type};
use serde::de::IgnoredAny;

use crate::codes;
use crate::formats::json::push_json_string;
use crate::sink::TableSet;
use crate::table::Location;

/// How a cell becomes JSON.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cell {
    /// Always a JSON string (the decoder parses numbers and datetimes from strings).
    Text,
    /// The JSON the cell holds, or a string when it holds none.
    Json,
    /// A column not in the schema: numbers, booleans and JSON as such, else a string.
    Guess,
}

/// Reads one CSV file into `table` (or, when the file is not named after a catalog table, a
/// table named after the file whose header matches exactly one catalog table's columns is
/// decoded with that table's types).
pub fn read_csv(reader: impl BufRead, path: &Path, table: &str, set: &mut TableSet<'_>) {
    let file: Arc<Path> = Arc::from(path);
    let mut csv = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(reader);
    let mut record = csv::ByteRecord::new();
    let mut header: Option<Vec<String>> = None;
    let mut kinds: Vec<Cell> = Vec::new();
    let mut out = String::new();
    loop {
        let line = csv.position().line().max(1);
        let at = Location { file: file.clone(), line };
        match csv.read_byte_record(&mut record) {
            Ok(false) => return,
            Ok(true) => {}
            Err(e) => {
                let code =
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) { codes::TRUNCATED } else { codes::INVALID_RECORD };
                set.reject(table, &at, code, format!("cannot read CSV: {e}"), None);
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    return;
                }
                continue;
            }
        }
        let line = record.position().map(|p| p.line()).unwrap_or(line);
        let at = Location { file: file.clone(), line };
        if record.len() == 1 && record[0].is_empty() {
            continue;
        }
        let Some(names) = &header else {
            let mut names = Vec::with_capacity(record.len());
            for (i, field) in record.iter().enumerate() {
                let field = if i == 0 { field.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(field) } else { field };
                names.push(String::from_utf8_lossy(field).trim().to_string());
            }
            let schema = schema_for(table, &names, set);
            kinds = names
                .iter()
                .map(|n| match schema.as_ref().and_then(|s| s.column(n)) {
                    Some(c) if c.ty == Type::Dynamic => Cell::Json,
                    Some(_) => Cell::Text,
                    None => Cell::Guess,
                })
                .collect();
            header = Some(names);
            continue;
        };
        if record.len() != names.len() {
            let reason = format!("a row has {} fields; the header has {}", record.len(), names.len());
            set.reject(table, &at, codes::RAGGED_ROW, reason, Some(record.as_slice()));
            continue;
        }
        out.clear();
        out.push('{');
        let mut bad = None;
        for (i, field) in record.iter().enumerate() {
            let Ok(text) = std::str::from_utf8(field) else {
                bad = Some(i);
                break;
            };
            if i > 0 {
                out.push(',');
            }
            push_json_string(&mut out, &names[i]);
            out.push(':');
            push_cell(&mut out, text, kinds[i]);
        }
        if let Some(i) = bad {
            let reason = format!("invalid UTF-8 in column '{}'", names[i]);
            set.reject(table, &at, codes::INVALID_UTF8, reason, Some(record.as_slice()));
            continue;
        }
        out.push('}');
        set.record(table, &out, &at);
    }
}

fn push_cell(out: &mut String, text: &str, kind: Cell) {
    if text.is_empty() {
        out.push_str("null");
        return;
    }
    let json_like = matches!(text.as_bytes()[0], b'{' | b'[');
    match kind {
        Cell::Text => push_json_string(out, text),
        Cell::Json | Cell::Guess if json_like && serde_json::from_str::<IgnoredAny>(text).is_ok() => out.push_str(text),
        Cell::Guess if text == "true" || text == "false" || is_json_number(text) => out.push_str(text),
        _ => push_json_string(out, text),
    }
}

/// Whether `text` is a JSON number (so it can be written as one).
fn is_json_number(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = b.strip_prefix(b"-").unwrap_or(b);
    // No leading zeros ("007" is an identifier, not a number), as JSON requires.
    !digits.is_empty()
        && digits[0].is_ascii_digit()
        && !(digits.len() > 1 && digits[0] == b'0' && digits[1].is_ascii_digit())
        && serde_json::from_str::<serde_json::Number>(text).is_ok()
}

/// The schema CSV cells are decoded with: the catalog's for the table, or the one catalog
/// table whose columns include every header column (a portal export is named by the user).
fn schema_for(table: &str, names: &[String], set: &mut TableSet<'_>) -> Option<TableSchema> {
    if let Some(t) = set.catalog().table(table) {
        return Some(t.clone());
    }
    let catalog = set.catalog();
    let mut matches = catalog
        .table_names()
        .into_iter()
        .filter_map(|n| catalog.table(n))
        .filter(|t| names.iter().all(|n| t.column(n).is_some()));
    let first = matches.next()?.clone();
    if matches.next().is_some() {
        return None;
    }
    // The export's own columns, in its order, typed as that table types them.
    let columns = names.iter().filter_map(|n| first.column(n).cloned()).collect();
    let schema = TableSchema::new(table.to_string(), columns);
    set.declare(table, schema.clone());
    Some(schema)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells() {
        let c = |t: &str, k| {
            let mut s = String::new();
            push_cell(&mut s, t, k);
            s
        };
        assert_eq!(c("", Cell::Text), "null");
        assert_eq!(c("42", Cell::Text), "\"42\"");
        assert_eq!(c("42", Cell::Guess), "42");
        assert_eq!(c("007", Cell::Guess), "\"007\"");
        assert_eq!(c("{\"a\":1}", Cell::Json), "{\"a\":1}");
        assert_eq!(c("{not json", Cell::Json), "\"{not json\"");
        assert_eq!(c("a\"b", Cell::Text), "\"a\\\"b\"");
    }
}
