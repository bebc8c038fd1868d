//! Finding the tables in a `-d/--data` path.
//!
//! - A file is one table, named after its file name up to the first dot:
//!   `DeviceProcessEvents.jsonl` and `DeviceProcessEvents.2024-05-01.jsonl` are both table
//!   `DeviceProcessEvents`. The format comes from the last extension: `.json`, `.jsonl`,
//!   `.ndjson` (NDJSON) or `.parquet`, in any case.
//! - A folder: each file directly inside it as above (several files of one table are merged),
//!   and each sub-folder is one table named after the sub-folder, made of every data file
//!   anywhere below it (their names do not matter).
//! - Names starting with `.` or `_` inside folders are skipped (`.DS_Store`, Spark's `_SUCCESS`
//!   and `.crc` files). Any other file with an unknown extension is an error that names it.
//!
//! Tables and their files are returned sorted by name, so reading is deterministic.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::DataError;

/// How deep folders are walked below a table folder, to stop symbolic-link loops.
pub const MAX_DEPTH: usize = 32;

/// A table found in a data path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableSource {
    /// The table name queries use, e.g. `DeviceProcessEvents`.
    pub name: String,
    /// The format of its files.
    pub kind: SourceKind,
    /// Its files, sorted; all of the same kind. Read them in this order.
    pub paths: Vec<PathBuf>,
}

/// The format of a table's files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SourceKind {
    /// JSON (`.json`, `.jsonl`, `.ndjson`, optionally gzipped `.gz`): NDJSON, streaming-API
    /// records, API responses; the content says which.
    NdJson,
    /// CSV (`.csv`, optionally `.csv.gz`), as the portal exports it.
    Csv,
    /// Apache Parquet (`.parquet`); the engine reads these itself.
    Parquet,
}

impl SourceKind {
    /// The format's name for messages: `NDJSON`, `Parquet`.
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::NdJson => "NDJSON",
            SourceKind::Csv => "CSV",
            SourceKind::Parquet => "Parquet",
        }
    }

    /// The kind for a file extension (without the dot, any case).
    pub fn from_extension(ext: &str) -> Option<SourceKind> {
        match ext.to_ascii_lowercase().as_str() {
            "json" | "jsonl" | "ndjson" => Some(SourceKind::NdJson),
            "csv" => Some(SourceKind::Csv),
            "parquet" => Some(SourceKind::Parquet),
            _ => None,
        }
    }
}

/// Finds the tables under `path`, a file or a folder (see the module documentation).
pub fn discover(path: &Path) -> Result<Vec<TableSource>, DataError> {
    let mut found = Found::default();
    found.add_path(path)?;
    Ok(found.finish())
}

/// Finds the tables under every path and merges tables of the same name (as for repeated
/// `-d` options). Fails if one table appears in two formats.
pub fn discover_all<P: AsRef<Path>>(paths: &[P]) -> Result<Vec<TableSource>, DataError> {
    let mut found = Found::default();
    for path in paths {
        found.add_path(path.as_ref())?;
    }
    Ok(found.finish())
}

/// A file set aside by [`discover_all_lenient`], with why.
pub type Skipped = (PathBuf, DataError);

/// As [`discover_all`], but files of an unknown format inside folders (a `README.txt`, Event
/// Hub `.avro` captures) are returned apart, with the reason, instead of failing: a run over a
/// folder reads what it can. A file named directly is still an error.
pub fn discover_all_lenient<P: AsRef<Path>>(paths: &[P]) -> Result<(Vec<TableSource>, Vec<Skipped>), DataError> {
    let mut found = Found { lenient: true, ..Found::default() };
    for path in paths {
        found.add_path(path.as_ref())?;
    }
    let skipped = std::mem::take(&mut found.skipped);
    Ok((found.finish(), skipped))
}

/// Tables found so far, by name.
#[derive(Default)]
struct Found {
    tables: BTreeMap<String, TableSource>,
    /// Lenient mode: files of unknown format inside folders are set aside here, not errors.
    lenient: bool,
    skipped: Vec<(PathBuf, DataError)>,
}

impl Found {
    fn add_path(&mut self, path: &Path) -> Result<(), DataError> {
        let meta = metadata(path)?;
        if meta.is_dir() {
            for entry in list_dir(path)? {
                let entry_meta = metadata(&entry)?;
                if entry_meta.is_dir() {
                    let table = table_of_folder(file_name(&entry)?);
                    let mut files = Vec::new();
                    let skipped = if self.lenient { Some(&mut self.skipped) } else { None };
                    collect_table_files(&entry, 0, &mut files, skipped)?;
                    for (file, kind) in files {
                        self.add(&table, kind, file)?;
                    }
                } else {
                    match classify(&entry) {
                        Ok((table, kind)) => self.add(&table, kind, entry)?,
                        Err(e @ DataError::UnknownFormat { .. }) if self.lenient => self.skipped.push((entry, e)),
                        Err(e) => return Err(e),
                    }
                }
            }
            Ok(())
        } else {
            let (table, kind) = classify(path)?;
            self.add(&table, kind, path.to_path_buf())
        }
    }

    fn add(&mut self, table: &str, kind: SourceKind, path: PathBuf) -> Result<(), DataError> {
        let source = self.tables.entry(table.to_string()).or_insert_with(|| TableSource {
            name: table.to_string(),
            kind,
            paths: Vec::new(),
        });
        // JSON and CSV files of one table are read alike; Parquet is registered as it is.
        if source.kind != kind && (source.kind == SourceKind::Parquet || kind == SourceKind::Parquet) {
            return Err(DataError::MixedFormats {
                table: table.to_string(),
                first: source.paths[0].clone(),
                first_kind: source.kind.name(),
                second: path,
                second_kind: kind.name(),
            });
        }
        if !source.paths.contains(&path) {
            source.paths.push(path);
        }
        Ok(())
    }

    fn finish(self) -> Vec<TableSource> {
        self.tables
            .into_values()
            .map(|mut t| {
                t.paths.sort();
                t
            })
            .collect()
    }
}

/// Every data file below a table folder, with its kind.
fn collect_table_files(
    dir: &Path,
    depth: usize,
    out: &mut Vec<(PathBuf, SourceKind)>,
    mut skipped: Option<&mut Vec<(PathBuf, DataError)>>,
) -> Result<(), DataError> {
    if depth >= MAX_DEPTH {
        return Err(DataError::TooDeep { path: dir.to_path_buf(), max: MAX_DEPTH });
    }
    for entry in list_dir(dir)? {
        if metadata(&entry)?.is_dir() {
            collect_table_files(&entry, depth + 1, out, skipped.as_deref_mut())?;
        } else {
            match (classify(&entry), skipped.as_deref_mut()) {
                (Ok((_, kind)), _) => out.push((entry, kind)),
                (Err(e @ DataError::UnknownFormat { .. }), Some(skipped)) => skipped.push((entry, e)),
                (Err(e), _) => return Err(e),
            }
        }
    }
    Ok(())
}

/// The kind of a data file, from its name.
pub fn kind_of(path: &Path) -> Option<SourceKind> {
    classify(path).ok().map(|(_, k)| k)
}

/// The table name and kind of a data file, from its name.
fn classify(path: &Path) -> Result<(String, SourceKind), DataError> {
    let name = crate::input::strip_gz(file_name(path)?);
    let unknown = |extension: Option<&str>| DataError::UnknownFormat {
        path: path.to_path_buf(),
        extension: extension.map(str::to_string),
    };
    let Some((stem, _)) = name.split_once('.') else {
        return Err(unknown(None));
    };
    let ext = name.rsplit('.').next().unwrap_or_default();
    let kind = SourceKind::from_extension(ext).ok_or_else(|| unknown(Some(ext)))?;
    if stem.is_empty() {
        return Err(unknown(Some(ext)));
    }
    Ok((stem.to_string(), kind))
}

/// The table a folder holds: its name, less the prefix of Defender's Storage containers
/// (`insights-logs-advancedhunting-deviceprocessevents`; readers restore the catalog's case).
fn table_of_folder(name: &str) -> String {
    const PREFIX: &str = "insights-logs-advancedhunting-";
    match name.get(..PREFIX.len()) {
        Some(p) if p.eq_ignore_ascii_case(PREFIX) && name.len() > PREFIX.len() => name[PREFIX.len()..].to_string(),
        _ => name.to_string(),
    }
}

/// The entries of a folder that are not hidden, sorted by path.
fn list_dir(dir: &Path) -> Result<Vec<PathBuf>, DataError> {
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| DataError::io(dir, e))? {
        let entry = entry.map_err(|e| DataError::io(dir, e))?;
        let name = entry.file_name();
        let hidden = name.as_encoded_bytes().first().is_some_and(|&b| b == b'.' || b == b'_');
        if !hidden {
            entries.push(entry.path());
        }
    }
    entries.sort();
    Ok(entries)
}

fn metadata(path: &Path) -> Result<fs::Metadata, DataError> {
    fs::metadata(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            DataError::NotFound { path: path.to_path_buf() }
        } else {
            DataError::io(path, e)
        }
    })
}

fn file_name(path: &Path) -> Result<&str, DataError> {
    path.file_name().and_then(|n| n.to_str()).ok_or_else(|| DataError::BadFileName { path: path.to_path_buf() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_come_from_the_name_up_to_the_first_dot() {
        let c = |n: &str| classify(Path::new(n)).map_err(|e| e.to_string());
        assert_eq!(c("DeviceProcessEvents.jsonl"), Ok(("DeviceProcessEvents".into(), SourceKind::NdJson)));
        assert_eq!(c("dir/DeviceEvents.2024-05-01.JSON"), Ok(("DeviceEvents".into(), SourceKind::NdJson)));
        assert_eq!(c("X.ndjson"), Ok(("X".into(), SourceKind::NdJson)));
        assert_eq!(c("X.snappy.parquet"), Ok(("X".into(), SourceKind::Parquet)));
        assert_eq!(
            c("notes.txt"),
            Err(
                "notes.txt: unknown data format '.txt'; expected JSON (.json, .jsonl, .ndjson), CSV (.csv), either gzipped (.gz), or Parquet (.parquet)"
                    .into()
            )
        );
        assert!(c("README").unwrap_err().starts_with("README: unknown data format;"));
        assert_eq!(c("X.json.gz"), Ok(("X".into(), SourceKind::NdJson)));
        assert_eq!(c("PT1H.json"), Ok(("PT1H".into(), SourceKind::NdJson)));
        assert_eq!(c("export.csv.gz"), Ok(("export".into(), SourceKind::Csv)));
        assert_eq!(table_of_folder("insights-logs-advancedhunting-deviceinfo"), "deviceinfo");
    }
}
