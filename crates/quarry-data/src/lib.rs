//! Telemetry readers for Quarry: find the tables in a `-d/--data` path and decode them into
//! Arrow record batches with the KQL schema the engine expects.
//!
//! - [`discover()`] finds tables in files and folders ([`TableSource`]).
//! - [`read_table`] / [`read_ndjson`] read a table ([`TableData`]): one module per format under
//!   [`formats`], each behind the [`TableReader`] trait. Parquet is only discovered: the engine
//!   registers Parquet files with DataFusion itself.
//! - [`TableBuilder`] is the schema-directed JSON decoder all JSON-based formats share.
//!
//! # KQL values in Arrow
//!
//! See [`arrow_type`]. Decoding a JSON value into a column of type:
//!
//! - `string`, `guid`: a JSON string's content; missing or null → `""`; any other value → its
//!   compact JSON text (`5` → `"5"`).
//! - `long`, `int`: a JSON number or a numeric string (`"123"`), parsed from the text so
//!   18-digit values stay exact; `7.0` and `1e3` are accepted, `1.5` and out-of-range values are
//!   not. `real`: a number or numeric string. `decimal`: the same, exactly, rounded to 18
//!   places. `bool`: `true`/`false`, `0`/`1`, or those as strings.
//! - `datetime`: an ISO-8601 string (0–7+ fractional digits, `Z`, an offset, or none = UTC; a
//!   space may replace `T`). `timespan`: `[-][d.]hh:mm[:ss[.fffffff]]`.
//! - `dynamic`: the value's compact JSON text; a JSON string stays a quoted JSON string;
//!   missing or null → null.
//!
//! Missing keys and JSON nulls are null (strings: `""`); an empty string in a non-string
//! column is null too. A record that is not a JSON object, or has a value that does not fit its
//! column, is [`Rejected`]; a duplicate or empty key is a [`FieldWarning`] and the record is
//! kept. Neither stops reading.

pub mod arrow_types;
pub mod codes;
mod column;
pub mod discover;
pub mod error;
mod fasthash;
pub mod formats;
pub mod infer;
pub mod input;
pub mod load;
pub mod progress;
pub mod reader;
mod row;
pub mod sink;
pub mod store;
pub mod table;
pub mod values;

pub use arrow_types::arrow_type;
pub use discover::{SourceKind, TableSource, discover, discover_all, discover_all_lenient};
pub use error::DataError;
pub use formats::ndjson::{NdJsonReader, read_ndjson};
pub use load::{Loaded, load};
pub use progress::{NoProgress, Progress};
pub use reader::{TableReader, read_from, read_into, read_table, reader_for};
pub use sink::{RejectLog, TableSet};
pub use store::{IngestOptions, IngestReport, TableSummary, ingest, is_store};
pub use table::{FieldWarning, Location, MAX_DETAILS, ReadOptions, Rejected, TableBuilder, TableData};
