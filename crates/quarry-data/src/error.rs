//! Errors that stop reading a data path. Bad records are not errors: they are counted in
//! [`crate::TableData`] and reading goes on.

use std::io;
use std::path::PathBuf;

/// Why a data path could not be found or read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// The path given does not exist.
    #[error("{}: no such file or folder", path.display())]
    NotFound {
        /// The path as given.
        path: PathBuf,
    },
    /// A file whose format is not recognised from its name.
    #[error(
        "{}: unknown data format{}; expected JSON (.json, .jsonl, .ndjson), CSV (.csv), either gzipped (.gz), or Parquet (.parquet)",
        path.display(),
        extension.as_deref().map(|e| format!(" '.{e}'")).unwrap_or_default()
    )]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// Its extension, when it has one.
        extension: Option<String>,
    },
    /// A file name that is not valid UTF-8, so no table name can be made from it.
    #[error("{}: the file name is not valid UTF-8", path.display())]
    BadFileName {
        /// The file.
        path: PathBuf,
    },
    /// One table found in two formats, e.g. `X.jsonl` and `X.parquet`.
    #[error("table '{table}' is found both as {first_kind} ({}) and as {second_kind} ({})", first.display(), second.display())]
    MixedFormats {
        /// The table name.
        table: String,
        /// The first file seen and its format name.
        first: PathBuf,
        /// Its format name.
        first_kind: &'static str,
        /// The conflicting file.
        second: PathBuf,
        /// Its format name.
        second_kind: &'static str,
    },
    /// Folders nested deeper than [`crate::discover::MAX_DEPTH`] (or a symlink loop).
    #[error("{}: folders are nested too deeply (more than {max} levels; a symbolic-link loop?)", path.display())]
    TooDeep {
        /// The folder where the walk stopped.
        path: PathBuf,
        /// The limit.
        max: usize,
    },
    /// An I/O error reading a file or folder.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The error.
        #[source]
        source: io::Error,
    },
    /// A source this reader does not read (e.g. Parquet, which the engine reads itself).
    #[error("table '{table}': {kind} files are not read by this reader")]
    Unsupported {
        /// The table.
        table: String,
        /// The format name.
        kind: &'static str,
    },
    /// A folder that looks like a Quarry store but whose manifest cannot be read.
    #[error("{}: not a readable Quarry store manifest: {reason}", path.display())]
    BadStore {
        /// The manifest.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A bug: Arrow refused the arrays built for a batch.
    #[error("internal error building table '{table}': {message}")]
    Internal {
        /// The table.
        table: String,
        /// Arrow's message.
        message: String,
    },
}

impl DataError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        DataError::Io { path: path.into(), source }
    }
}
