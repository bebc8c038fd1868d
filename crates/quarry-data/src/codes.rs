//! Stable codes for what readers report (prefix `QD`, never reused).
//!
//! Records that cannot be read are *rejected* (the rest of the file is still read), and so are
//! records with a value that cannot be read as its column's type. Smaller oddities (a duplicate
//! or empty key) produce a *field warning* and the record is kept. Neither stops reading.

/// A record is not valid JSON, or not a JSON object.
/// Example: `{"Timestamp": "2024-01-01T00:00:00Z",` (cut off), or `[1, 2]`.
pub const INVALID_RECORD: &str = "QD001";

/// A line is not valid UTF-8. Exports are UTF-8; a line in another encoding cannot be trusted.
pub const INVALID_UTF8: &str = "QD002";

/// A line is longer than [`crate::ReadOptions::max_line_bytes`]: almost certainly not NDJSON.
pub const LINE_TOO_LONG: &str = "QD003";

/// A value cannot be read as its column's type, e.g. `"yesterday"` in a `datetime` column or
/// `1.5` in a `long` column. The record is rejected; the other records are kept.
pub const BAD_VALUE: &str = "QD101";

/// A key appears twice in one record; the first value is kept.
pub const DUPLICATE_KEY: &str = "QD102";

/// A record has an empty key `""`, which cannot be a column name; it is skipped.
pub const EMPTY_KEY: &str = "QD103";

/// A file ends early: a cut-off gzip stream, a read error, or a JSON document that stops in
/// the middle. The records before it are kept.
pub const TRUNCATED: &str = "QD004";

/// A CSV row (or a Log Analytics row) with more or fewer values than there are columns.
pub const RAGGED_ROW: &str = "QD005";

/// A file that cannot be opened or read at all; it is skipped and the others are read.
pub const UNREADABLE_FILE: &str = "QD006";
