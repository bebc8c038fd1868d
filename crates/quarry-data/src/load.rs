//! Loading `-d/--data` paths for a query or a hunt: JSON and CSV files are decoded into
//! memory, Parquet files and Quarry stores are left for the engine to read lazily.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kql_semantics::Catalog;

use crate::discover::{SourceKind, discover_all_lenient};
use crate::error::DataError;
use crate::progress::Progress;
use crate::sink::{RejectLog, TableSet};
use crate::store::{is_store, store_tables};
use crate::table::{ReadOptions, TableData};

/// The tables found under the data paths.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Tables decoded into memory (JSON and CSV inputs).
    pub tables: Vec<TableData>,
    /// Tables to register from Parquet files (Parquet inputs and stores), with their files.
    pub parquet: Vec<(String, Vec<PathBuf>)>,
    /// Records rejected while reading.
    pub rejects: RejectLog,
}

/// Finds and reads the tables under `paths`. Bad records are counted in
/// [`Loaded::rejects`]; only a missing path, an unknown file type or an I/O error on a folder
/// fails.
pub fn load<P: AsRef<Path>>(
    paths: &[P],
    catalog: &dyn Catalog,
    options: &ReadOptions,
    progress: &dyn Progress,
) -> Result<Loaded, DataError> {
    let mut parquet: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    let mut other = Vec::new();
    for path in paths {
        let path = path.as_ref();
        if path.is_dir() && is_store(path) {
            for (table, files) in store_tables(path)? {
                parquet.entry(table).or_default().extend(files);
            }
        } else {
            other.push(path.to_path_buf());
        }
    }
    let mut set = TableSet::new(catalog, options, RejectLog::default(), progress);
    if !other.is_empty() {
        let (sources, skipped) = discover_all_lenient(&other)?;
        for (path, why) in skipped {
            let at = crate::table::Location { file: path.as_path().into(), line: 0 };
            set.reject("", &at, crate::codes::UNREADABLE_FILE, format!("skipped: {why}"), None);
        }
        for source in sources {
            if source.kind == SourceKind::Parquet {
                let name = set.canonical(&source.name);
                parquet.entry(name).or_default().extend(source.paths);
                continue;
            }
            for path in &source.paths {
                crate::reader::read_into(path, &source.name, &mut set);
            }
        }
    }
    let rejects = std::mem::take(&mut set.rejects);
    let mut tables = Vec::new();
    for (name, builder) in std::mem::take(&mut set.builders) {
        if let Some(files) = parquet.get(&name) {
            return Err(DataError::MixedFormats {
                table: name,
                first: files[0].clone(),
                first_kind: "Parquet",
                second: PathBuf::from("(JSON or CSV input)"),
                second_kind: "JSON/CSV",
            });
        }
        tables.push(builder.finish()?);
    }
    Ok(Loaded { tables, parquet: parquet.into_iter().collect(), rejects })
}
