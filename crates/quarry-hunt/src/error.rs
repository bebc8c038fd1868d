//! Why a file gave no query.

use std::io;
use std::path::{Path, PathBuf};

/// A file or folder that could not be loaded. Loading goes on with the other files; the caller
/// counts these and reports them.
#[derive(Debug, thiserror::Error)]
#[error("{}: {kind}", path.display())]
pub struct LoadError {
    path: PathBuf,
    kind: LoadErrorKind,
}

/// What went wrong while loading a file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadErrorKind {
    /// The path could not be read (missing, no permission, a folder that cannot be listed).
    #[error("cannot read: {0}")]
    Io(#[from] io::Error),
    /// The file is neither UTF-8 nor UTF-16 with a byte-order mark.
    #[error("not valid UTF-8 text")]
    NotText,
    /// The file was read but holds no query: a rule YAML file with no `query` field, a seed
    /// document with nothing after its `KQL Query` line, an empty `.kql` file.
    #[error("no query found: {0}")]
    NoQuery(String),
}

impl LoadError {
    pub(crate) fn new(path: &Path, kind: LoadErrorKind) -> Self {
        LoadError { path: path.to_path_buf(), kind }
    }

    /// The file or folder that failed.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What went wrong.
    pub fn kind(&self) -> &LoadErrorKind {
        &self.kind
    }

    /// The stable diagnostic code: `QH001` when the file could not be read or decoded, `QH002`
    /// when it holds no query.
    pub fn code(&self) -> &'static str {
        match self.kind {
            LoadErrorKind::Io(_) | LoadErrorKind::NotText => codes::UNREADABLE,
            LoadErrorKind::NoQuery(_) => codes::NO_QUERY,
        }
    }

    /// The reason alone, without the path.
    pub fn reason(&self) -> String {
        self.kind.to_string()
    }
}

/// Diagnostic codes of the rule loader. Numbers are never reused.
pub mod codes {
    /// A file or folder could not be read, or is not text.
    ///
    /// Why: a rule that cannot be read is a rule that does not run; `quarry check` fails rather
    /// than skip it silently.
    pub const UNREADABLE: &str = "QH001";
    /// A file holds no query: a YAML file without a `query` field, an empty `.kql` file, a seed
    /// document with nothing after `KQL Query`.
    ///
    /// Example: `rules/notes.yaml` containing only `id:` and `name:`.
    pub const NO_QUERY: &str = "QH002";
    /// A rule file is not valid YAML, but its query could still be found by scanning its lines.
    /// Sentinel would reject the file, so this is a warning.
    ///
    /// Example: a `dataTypes:` key indented under `- connectorId:` by the wrong amount.
    pub const INVALID_YAML: &str = "QH003";
}
