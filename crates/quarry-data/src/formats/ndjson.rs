//! NDJSON: one JSON object per line (`.json`, `.jsonl`, `.ndjson`).
//!
//! Files are streamed line by line. A UTF-8 byte-order mark at the start of a file is skipped,
//! `\r\n` and `\n` both end lines, blank lines are ignored. A line that is not valid UTF-8, not
//! valid JSON, not an object, or longer than [`ReadOptions::max_line_bytes`] is rejected with
//! its file and line, and reading goes on.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::Arc;

use kql_semantics::Catalog;

use crate::codes;
use crate::discover::{SourceKind, TableSource};
use crate::error::DataError;
use crate::reader::TableReader;
use crate::table::{Location, ReadOptions, TableBuilder, TableData};

/// Reads NDJSON tables.
#[derive(Clone, Copy, Debug, Default)]
pub struct NdJsonReader;

impl TableReader for NdJsonReader {
    fn kind(&self) -> SourceKind {
        SourceKind::NdJson
    }

    fn read(&self, source: &TableSource, catalog: &dyn Catalog, options: &ReadOptions) -> Result<TableData, DataError> {
        let mut builder = TableBuilder::new(&source.name, catalog, options);
        for path in &source.paths {
            read_file(path, options, &mut builder)?;
        }
        builder.finish()
    }
}

/// Reads every file of an NDJSON table. See [`NdJsonReader`].
pub fn read_ndjson(source: &TableSource, catalog: &dyn Catalog, options: &ReadOptions) -> Result<TableData, DataError> {
    NdJsonReader.read(source, catalog, options)
}

/// Feeds the records of one NDJSON file to `builder`.
pub fn read_file(path: &Path, options: &ReadOptions, builder: &mut TableBuilder) -> Result<(), DataError> {
    let file = File::open(path).map_err(|e| DataError::io(path, e))?;
    read_lines(BufReader::with_capacity(1 << 16, file), path, options, builder)
}

/// Feeds the records of NDJSON text from `reader` to `builder`; `path` names it in reports.
pub fn read_lines(
    mut reader: impl BufRead,
    path: &Path,
    options: &ReadOptions,
    builder: &mut TableBuilder,
) -> Result<(), DataError> {
    let file: Arc<Path> = Arc::from(path);
    let mut buf = Vec::new();
    let mut at = Location { file, line: 0 };
    loop {
        buf.clear();
        let (consumed, too_long) =
            read_line_bounded(&mut reader, &mut buf, options.max_line_bytes).map_err(|e| DataError::io(path, e))?;
        if consumed == 0 {
            return Ok(());
        }
        at.line += 1;
        if too_long {
            let reason = format!("line longer than {} bytes", options.max_line_bytes);
            builder.reject(&at, codes::LINE_TOO_LONG, reason);
            continue;
        }
        let mut line = buf.as_slice();
        if let Some(rest) = line.strip_suffix(b"\n") {
            line = rest;
        }
        if let Some(rest) = line.strip_suffix(b"\r") {
            line = rest;
        }
        if at.line == 1
            && let Some(rest) = line.strip_prefix(b"\xEF\xBB\xBF")
        {
            line = rest;
        }
        if line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r')) {
            continue;
        }
        match std::str::from_utf8(line) {
            Ok(text) => builder.push_json(text, &at),
            Err(e) => {
                let reason = format!("invalid UTF-8 at byte {}", e.valid_up_to() + 1);
                builder.reject(&at, codes::INVALID_UTF8, reason);
            }
        }
    }
}

/// Reads one line (with its `\n`) into `buf`, keeping at most `max` bytes: a longer line is
/// consumed to its end but not kept, and reported as too long. Returns the bytes consumed.
fn read_line_bounded(reader: &mut impl BufRead, buf: &mut Vec<u8>, max: usize) -> std::io::Result<(usize, bool)> {
    let mut consumed = 0;
    let mut too_long = false;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok((consumed, too_long));
        }
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if !too_long {
            if buf.len() + take > max.saturating_add(1) {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        reader.consume(take);
        consumed += take;
        if done {
            return Ok((consumed, too_long));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kql_semantics::SchemaCatalog;

    fn read(bytes: &[u8], options: &ReadOptions) -> TableData {
        let mut builder = TableBuilder::new("T", &SchemaCatalog::empty(), options);
        read_lines(bytes, Path::new("t.jsonl"), options, &mut builder).unwrap();
        builder.finish().unwrap()
    }

    #[test]
    fn line_endings_blank_lines_and_a_missing_final_newline() {
        let t = read(b"{\"a\":1}\r\n\r\n   \n{\"a\":2}\n{\"a\":3}", &ReadOptions::default());
        assert_eq!((t.rows, t.rejected_count), (3, 0));
    }

    #[test]
    fn overlong_lines_are_rejected_and_reading_goes_on() {
        let options = ReadOptions { max_line_bytes: 10, ..ReadOptions::default() };
        let t = read(b"{\"a\":1}\n{\"a\":\"0123456789\"}\n{\"a\":3}\n", &options);
        assert_eq!(t.rows, 2);
        assert_eq!(t.rejected.iter().map(|r| (r.line, r.code)).collect::<Vec<_>>(), [(2, codes::LINE_TOO_LONG)]);
    }

    #[test]
    fn a_bom_is_skipped_only_at_the_start() {
        let t = read(b"\xEF\xBB\xBF{\"a\":1}\n\xEF\xBB\xBF{\"a\":2}\n", &ReadOptions::default());
        assert_eq!(t.rows, 1);
        assert_eq!(t.rejected[0].line, 2);
    }
}
