//! The reader trait, and reading one file of any format into a [`TableSet`].

use std::path::Path;

use kql_semantics::Catalog;

use crate::codes;
use crate::discover::{SourceKind, TableSource, kind_of};
use crate::error::DataError;
use crate::formats::ndjson::NdJsonReader;
use crate::sink::TableSet;
use crate::table::{Location, ReadOptions, TableData};

/// Reads the tables of one [`SourceKind`] into Arrow record batches.
pub trait TableReader {
    /// The kind of source this reader reads.
    fn kind(&self) -> SourceKind;

    /// Reads `source` (of this reader's kind), with the catalog's schema for the table when the
    /// catalog knows it. Bad records are counted in the result; only I/O problems fail.
    fn read(&self, source: &TableSource, catalog: &dyn Catalog, options: &ReadOptions) -> Result<TableData, DataError>;
}

/// The reader for `kind`, or `None` when the engine reads that kind itself (Parquet).
pub fn reader_for(kind: SourceKind) -> Option<&'static dyn TableReader> {
    match kind {
        SourceKind::NdJson | SourceKind::Csv => Some(&NdJsonReader),
        SourceKind::Parquet => None,
    }
}

/// Reads `source` with the reader for its kind. Fails with [`DataError::Unsupported`] for
/// Parquet, which the engine registers with DataFusion directly.
pub fn read_table(source: &TableSource, catalog: &dyn Catalog, options: &ReadOptions) -> Result<TableData, DataError> {
    match reader_for(source.kind) {
        Some(reader) => reader.read(source, catalog, options),
        None => Err(DataError::Unsupported { table: source.name.clone(), kind: source.kind.name() }),
    }
}

/// Reads one JSON or CSV file (gzipped or not) into `set`; `table` names records that do not
/// name their own table. Nothing here fails: a file that cannot be read is a rejection.
pub fn read_into(path: &Path, table: &str, set: &mut TableSet<'_>) {
    let table = set.canonical(table);
    let progress = set.progress();
    progress.file(path);
    let kind = kind_of(path).unwrap_or(SourceKind::NdJson);
    let reader = match crate::input::open(path, progress) {
        Ok(r) => r,
        Err(e) => {
            let at = Location { file: path.into(), line: 0 };
            return set.reject(&table, &at, codes::UNREADABLE_FILE, format!("cannot read the file: {e}"), None);
        }
    };
    let before = (set.rows_total(), set.rejects.count);
    read_from(reader, path, kind, &table, set);
    // An empty file still declares its table (queries over it find no rows, not no table).
    if (set.rows_total(), set.rejects.count) == before {
        set.touch(&table);
    }
    set.flush_progress();
}

/// Reads JSON or CSV text from `reader` into `set`; `path` names it in reports.
pub fn read_from(reader: impl std::io::BufRead, path: &Path, kind: SourceKind, table: &str, set: &mut TableSet<'_>) {
    match kind {
        SourceKind::Csv => crate::formats::csv::read_csv(reader, path, table, set),
        SourceKind::Parquet => {
            let at = Location { file: path.into(), line: 0 };
            let reason = "a Parquet file cannot be read here".to_string();
            set.reject(table, &at, codes::UNREADABLE_FILE, reason, None);
        }
        SourceKind::NdJson => crate::formats::json::read_json(reader, path, table, set),
    }
}
