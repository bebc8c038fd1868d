//! The reader trait every format implements.

use kql_semantics::Catalog;

use crate::discover::{SourceKind, TableSource};
use crate::error::DataError;
use crate::formats::ndjson::NdJsonReader;
use crate::table::{ReadOptions, TableData};

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
        SourceKind::NdJson => Some(&NdJsonReader),
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
