//! The table-at-a-time reader over every JSON and CSV format (see [`crate::formats::json`]
//! and [`crate::formats::csv`]).

use kql_semantics::Catalog;

use crate::discover::{SourceKind, TableSource};
use crate::error::DataError;
use crate::progress::NoProgress;
use crate::reader::{TableReader, read_into};
use crate::sink::{RejectLog, TableSet};
use crate::table::{ReadOptions, TableBuilder, TableData};

/// Reads JSON and CSV tables.
#[derive(Clone, Copy, Debug, Default)]
pub struct NdJsonReader;

impl TableReader for NdJsonReader {
    fn kind(&self) -> SourceKind {
        SourceKind::NdJson
    }

    fn read(&self, source: &TableSource, catalog: &dyn Catalog, options: &ReadOptions) -> Result<TableData, DataError> {
        let progress = NoProgress;
        let mut set = TableSet::new(catalog, options, RejectLog::default(), &progress);
        for path in &source.paths {
            read_into(path, &source.name, &mut set);
        }
        let name = set.canonical(&source.name);
        let builder = set.builders.remove(&name).unwrap_or_else(|| TableBuilder::new(&name, catalog, options));
        let mut data = builder.finish()?;
        let rejects = std::mem::take(&mut set.rejects);
        data.rejected_count += rejects.count;
        data.rejected.extend(rejects.details);
        Ok(data)
    }
}

/// Reads every file of a table. See [`NdJsonReader`].
pub fn read_ndjson(source: &TableSource, catalog: &dyn Catalog, options: &ReadOptions) -> Result<TableData, DataError> {
    NdJsonReader.read(source, catalog, options)
}
