//! Turning JSON records into Arrow record batches with a table's schema.
//!
//! Every JSON-based reader (NDJSON now; Defender streaming and API exports later) feeds its
//! records to a [`TableBuilder`], which owns the schema rules:
//!
//! - A table the catalog knows gets the catalog's columns, in the catalog's order and types.
//! - Keys the catalog does not know (newer exports add columns), and every key of a table the
//!   catalog does not know, become columns after those, in order of first appearance, typed by
//!   [`crate::infer`] from the first [`ReadOptions::infer_rows`] records. A key first seen after
//!   that is typed from its first non-null value, and earlier rows get a missing value.
//! - Values are decoded by their column's type from their JSON text; see the crate
//!   documentation for the rules.
//! - A record that is not a JSON object, or that has a value that does not fit its column, is
//!   rejected; the others are kept.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, BooleanArray, RecordBatch, RecordBatchOptions};
use arrow::datatypes::{Field, Schema, SchemaRef};
use kql_semantics::{Catalog, Column, TableSchema, Type};

use crate::arrow_types::arrow_type;
use crate::codes;
use crate::column::{ColumnData, missing_array};
use crate::error::DataError;
use crate::fasthash::FastMap;
use crate::formats::scan::Field as ScannedField;
use crate::infer::{Inference, type_of_single};
use crate::row::RawRow;

/// How many rejected records and field warnings are kept with their details; all are counted.
pub const MAX_DETAILS: usize = 1000;

/// At most this many bytes of records are held back to type unknown columns.
const MAX_SAMPLE_BYTES: usize = 64 << 20;

/// Options for reading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadOptions {
    /// Rows per record batch (at least 1).
    pub batch_rows: usize,
    /// How many records are looked at to type columns the catalog does not know.
    pub infer_rows: usize,
    /// Longer lines are rejected without being parsed.
    pub max_line_bytes: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions { batch_rows: 8192, infer_rows: 1000, max_line_bytes: 64 << 20 }
    }
}

/// Where a record came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file.
    pub file: Arc<Path>,
    /// The 1-based line of the record.
    pub line: u64,
}

/// A record that was not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    /// The file.
    pub file: PathBuf,
    /// The table the record was for (the file's table when the record does not say).
    pub table: String,
    /// The 1-based line.
    pub line: u64,
    /// A stable code from [`crate::codes`].
    pub code: &'static str,
    /// Why, e.g. `invalid JSON at column 12: expected `:``.
    pub reason: String,
}

/// A value that was read as null (or skipped) because it does not fit its column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldWarning {
    /// The file.
    pub file: PathBuf,
    /// The 1-based line of the record.
    pub line: u64,
    /// The column (key).
    pub column: String,
    /// A stable code from [`crate::codes`].
    pub code: &'static str,
    /// Why, e.g. `"yesterday": not an ISO-8601 datetime`.
    pub reason: String,
}

/// A table read into memory.
#[derive(Clone, Debug)]
pub struct TableData {
    /// The table name.
    pub name: String,
    /// The Arrow schema of every batch.
    pub schema: SchemaRef,
    /// The columns with their KQL types (the catalog's, then inferred ones), for the binder.
    pub kql_schema: TableSchema,
    /// The rows, in batches of at most [`ReadOptions::batch_rows`] rows.
    pub batches: Vec<RecordBatch>,
    /// How many rows were read.
    pub rows: usize,
    /// The first [`MAX_DETAILS`] rejected records.
    pub rejected: Vec<Rejected>,
    /// How many records were rejected in all.
    pub rejected_count: usize,
    /// The first [`MAX_DETAILS`] field warnings.
    pub warnings: Vec<FieldWarning>,
    /// How many field warnings there were in all.
    pub warning_count: usize,
}

/// One column being built.
struct ColumnState {
    name: String,
    ty: Type,
    data: ColumnData,
    /// The row that last set this column, to spot duplicate keys and missing ones.
    stamp: u64,
    /// Whether the type comes from the catalog or the export's own schema (not inferred).
    known: bool,
}

/// Records waiting for the schema to be settled.
struct Sample {
    records: Vec<(String, Location)>,
    /// Their total size.
    bytes: usize,
    /// Keys not in the catalog, in order of first appearance.
    keys: Vec<(String, Inference)>,
    key_index: HashMap<String, usize>,
}

/// Builds a table's record batches from JSON records. See the module documentation.
pub struct TableBuilder {
    name: String,
    options: ReadOptions,
    known: Option<TableSchema>,
    sample: Option<Sample>,
    columns: Vec<ColumnState>,
    index: FastMap<String, usize>,
    /// The columns of the last record pushed by [`TableBuilder::push_scanned`], in its key
    /// order: records of an export list their keys in the same order, so each key is found by
    /// one comparison.
    order: Vec<usize>,
    resolved: Vec<usize>,
    row_stamp: u64,
    rows_in_batch: usize,
    /// Per row of the batch being built: false for a record rejected after its cells were
    /// appended (a value of the wrong type).
    keep: Vec<bool>,
    dropped_in_batch: usize,
    finished: Vec<(usize, Vec<ArrayRef>)>,
    rows: usize,
    rejected: Vec<Rejected>,
    rejected_count: usize,
    warnings: Vec<FieldWarning>,
    warning_count: usize,
    scratch: String,
}

impl TableBuilder {
    /// A builder for table `name`, with the catalog's schema for it when there is one.
    pub fn new(name: &str, catalog: &dyn Catalog, options: &ReadOptions) -> TableBuilder {
        TableBuilder::with_schema(name, catalog.table(name).cloned(), options)
    }

    /// A builder for table `name` whose known columns are `known` (the catalog's, or those an
    /// export declares), or inferred from the data when `None`.
    pub fn with_schema(name: &str, known: Option<TableSchema>, options: &ReadOptions) -> TableBuilder {
        let mut options = options.clone();
        options.batch_rows = options.batch_rows.max(1);
        let mut builder = TableBuilder {
            name: name.to_string(),
            sample: Some(Sample { records: Vec::new(), bytes: 0, keys: Vec::new(), key_index: HashMap::new() }),
            options,
            known,
            columns: Vec::new(),
            index: FastMap::default(),
            order: Vec::new(),
            resolved: Vec::new(),
            row_stamp: 0,
            rows_in_batch: 0,
            keep: Vec::new(),
            dropped_in_batch: 0,
            finished: Vec::new(),
            rows: 0,
            rejected: Vec::new(),
            rejected_count: 0,
            warnings: Vec::new(),
            warning_count: 0,
            scratch: String::new(),
        };
        if builder.options.infer_rows == 0 {
            builder.settle_schema();
        }
        builder
    }

    /// Adds one record, `text` holding one JSON object. Anything else is rejected with its
    /// reason; reading goes on.
    pub fn push_json(&mut self, text: &str, at: &Location) {
        if let Err(reason) = self.try_push_json(text, at) {
            self.reject(at, codes::INVALID_RECORD, reason);
        }
    }

    /// Adds one record, `text` holding one JSON object; otherwise returns why it is not one
    /// (and nothing is counted: the caller reports the rejection).
    pub fn try_push_json(&mut self, text: &str, at: &Location) -> Result<(), String> {
        let row = RawRow::parse(text)?;
        self.push_row(&row, text, at);
        Ok(())
    }

    /// Adds one parsed record; `text` is its JSON text.
    pub(crate) fn push_row(&mut self, row: &RawRow<'_>, text: &str, at: &Location) {
        if let Some(sample) = &mut self.sample {
            for (key, raw) in &row.fields {
                if self.known.as_ref().is_some_and(|t| t.column(key).is_some()) {
                    continue;
                }
                let i = match sample.key_index.get(key.as_ref()) {
                    Some(&i) => i,
                    None => {
                        sample.keys.push((key.to_string(), Inference::default()));
                        sample.key_index.insert(key.to_string(), sample.keys.len() - 1);
                        sample.keys.len() - 1
                    }
                };
                sample.keys[i].1.add(raw.get());
            }
            sample.records.push((text.to_string(), at.clone()));
            sample.bytes += text.len();
            // Few records, but huge ones, settle the schema early so memory stays bounded.
            if sample.records.len() >= self.options.infer_rows || sample.bytes > MAX_SAMPLE_BYTES {
                self.settle_schema();
            }
            return;
        }
        self.decode_row(row, at);
    }

    /// Records a rejected record (for readers: a line that is not UTF-8, too long...).
    pub fn reject(&mut self, at: &Location, code: &'static str, reason: String) {
        self.rejected_count += 1;
        // Every rejection is kept (not only the first MAX_DETAILS): readers that log rejects
        // drain them as they go (`take_rejected`), and `finish` keeps the first MAX_DETAILS.
        self.rejected.push(Rejected {
            file: at.file.to_path_buf(),
            table: self.name.clone(),
            line: at.line,
            code,
            reason,
        });
    }

    /// The table name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether records are still held back to settle the schema (they need their text).
    pub(crate) fn sampling(&self) -> bool {
        self.sample.is_some()
    }

    /// Whether completed batches are waiting.
    pub fn has_batches(&self) -> bool {
        !self.finished.is_empty()
    }

    /// How many rows were added so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Roughly how many bytes the completed batches waiting in the builder hold.
    pub fn buffered_bytes(&self) -> usize {
        self.finished.iter().flat_map(|(_, arrays)| arrays).map(|a| a.get_array_memory_size()).sum()
    }

    /// Takes the completed batches so far (with the columns known now); with `all`, also the
    /// rows of the batch being built and the records still held back to settle the schema.
    /// Later batches may have more columns (keys first seen later), never fewer.
    pub fn take_batches(&mut self, all: bool) -> Result<(SchemaRef, Vec<RecordBatch>), DataError> {
        if all {
            if self.sample.is_some() {
                self.settle_schema();
            }
            if self.rows_in_batch > 0 {
                self.flush();
            }
        }
        let schema = self.arrow_schema();
        let mut batches = Vec::with_capacity(self.finished.len());
        for (n, mut arrays) in std::mem::take(&mut self.finished) {
            for col in &self.columns[arrays.len()..] {
                arrays.push(missing_array(col.ty, n));
            }
            let options = RecordBatchOptions::new().with_row_count(Some(n));
            let batch = RecordBatch::try_new_with_options(schema.clone(), arrays, &options)
                .map_err(|e| DataError::Internal { table: self.name.clone(), message: e.to_string() })?;
            batches.push(batch);
        }
        Ok((schema, batches))
    }

    /// The Arrow schema of the columns known now.
    pub fn arrow_schema(&self) -> SchemaRef {
        let fields: Vec<Field> = self.columns.iter().map(|c| Field::new(&c.name, arrow_type(c.ty), true)).collect();
        Arc::new(Schema::new(fields))
    }

    /// The rejected records and field warnings so far, taken out of the builder.
    pub fn take_reports(&mut self) -> (Vec<Rejected>, usize, Vec<FieldWarning>, usize) {
        let r = (
            std::mem::take(&mut self.rejected),
            self.rejected_count,
            std::mem::take(&mut self.warnings),
            self.warning_count,
        );
        self.rejected_count = 0;
        self.warning_count = 0;
        r
    }

    /// Decodes the records held back to settle the schema, so that every record pushed so far
    /// is either a row or a rejection.
    pub fn settle(&mut self) {
        if self.sample.is_some() {
            self.settle_schema();
        }
    }

    /// The records rejected since the last call, taken out of the builder (they stay counted in
    /// the total that [`TableBuilder::take_reports`] and [`TableBuilder::finish`] give).
    pub fn take_rejected(&mut self) -> Vec<Rejected> {
        std::mem::take(&mut self.rejected)
    }

    /// Whether rejected records are waiting for [`TableBuilder::take_rejected`].
    pub fn has_rejected(&self) -> bool {
        !self.rejected.is_empty()
    }

    /// The table read so far.
    pub fn finish(mut self) -> Result<TableData, DataError> {
        let (schema, batches) = self.take_batches(true)?;
        self.rejected.truncate(MAX_DETAILS);
        let kql_schema = TableSchema::new(
            self.name.clone(),
            self.columns.iter().map(|c| Column::new(c.name.clone(), c.ty)).collect(),
        );
        Ok(TableData {
            name: self.name,
            schema,
            kql_schema,
            batches,
            rows: self.rows,
            rejected: self.rejected,
            rejected_count: self.rejected_count,
            warnings: self.warnings,
            warning_count: self.warning_count,
        })
    }

    /// Fixes the columns from the catalog and the sample, then decodes the sampled records.
    fn settle_schema(&mut self) {
        let Some(sample) = self.sample.take() else { return };
        if let Some(known) = self.known.take() {
            for col in &known.columns {
                self.add_column(&col.name, col.ty, true);
            }
            self.known = Some(known);
        }
        for (key, inference) in &sample.keys {
            if !key.is_empty() {
                self.add_column(key, inference.ty(), false);
            }
        }
        for (text, at) in &sample.records {
            // These parsed once already, so they parse again.
            if let Ok(row) = RawRow::parse(text) {
                self.decode_row(&row, at);
            }
        }
    }

    fn add_column(&mut self, name: &str, ty: Type, known: bool) -> usize {
        let mut data = ColumnData::new(ty, self.options.batch_rows.min(1024));
        data.append_missing_n(self.rows_in_batch);
        self.columns.push(ColumnState { name: name.to_string(), ty, data, stamp: 0, known });
        self.index.insert(name.to_string(), self.columns.len() - 1);
        self.columns.len() - 1
    }

    fn decode_row(&mut self, row: &RawRow<'_>, at: &Location) {
        self.row_stamp += 1;
        let stamp = self.row_stamp;
        let mut bad: Option<String> = None;
        for (key, raw) in &row.fields {
            let i = match self.index.get(key.as_ref()) {
                Some(&i) => i,
                None if key.is_empty() => {
                    self.warn(at, "", codes::EMPTY_KEY, "a record has an empty key; it is skipped".into());
                    continue;
                }
                None => match type_of_single(raw.get()) {
                    Some(ty) => self.add_column(key, ty, false),
                    None => continue,
                },
            };
            let col = &mut self.columns[i];
            if col.stamp == stamp {
                let reason = format!("key '{key}' appears more than once; the first value is kept");
                self.warn(at, key, codes::DUPLICATE_KEY, reason);
                continue;
            }
            col.stamp = stamp;
            self.put_value(i, raw.get(), at, &mut bad);
        }
        self.end_row(stamp, at, bad);
    }

    /// Adds one record scanned by [`crate::formats::scan`]: `fields` are spans of `line`.
    /// Returns `false`, having added nothing, when the record needs the general path: the
    /// schema is not settled yet, or a key is new, empty or repeated.
    pub(crate) fn push_scanned(&mut self, line: &str, fields: &[ScannedField], at: &Location) -> bool {
        if self.sample.is_some() {
            return false;
        }
        self.row_stamp += 1;
        let stamp = self.row_stamp;
        let mut resolved = std::mem::take(&mut self.resolved);
        resolved.clear();
        for (k, f) in fields.iter().enumerate() {
            let key = &line[f.key.0..f.key.1];
            let i = match self.order.get(k) {
                Some(&i) if same_bytes(self.columns[i].name.as_bytes(), key.as_bytes()) => i,
                _ => match self.index.get(key) {
                    Some(&i) => i,
                    None => {
                        self.resolved = resolved;
                        return false;
                    }
                },
            };
            let col = &mut self.columns[i];
            if col.stamp == stamp {
                self.resolved = resolved;
                return false;
            }
            col.stamp = stamp;
            resolved.push(i);
        }
        let mut bad: Option<String> = None;
        for (f, &i) in fields.iter().zip(&resolved) {
            let raw = &line[f.value.0..f.value.1];
            if !self.columns[i].data.append_scanned(f.kind, raw, &mut self.scratch) {
                self.put_value(i, raw, at, &mut bad);
            }
        }
        if self.order != resolved {
            self.order.clone_from(&resolved);
        }
        self.resolved = resolved;
        self.end_row(stamp, at, bad);
        true
    }

    /// Appends the value whose JSON text is `raw` to column `i`; a value that does not fit is
    /// null, and makes the record bad when the column's type is known.
    fn put_value(&mut self, i: usize, raw: &str, at: &Location, bad: &mut Option<String>) {
        let col = &mut self.columns[i];
        if let Err(reason) = col.data.append_json(raw, &mut self.scratch) {
            col.data.append_missing();
            if !col.known {
                // The type was inferred from earlier records and guessed too narrow: the
                // data is not wrong, so the record is kept with this value null.
                let key = col.name.clone();
                self.warn(at, &key, codes::BAD_VALUE, reason);
            } else if bad.is_none() {
                *bad = Some(format!("column '{}': {reason}", col.name));
            }
        }
    }

    /// Completes the record `stamp`: missing columns, and whether it is kept.
    fn end_row(&mut self, stamp: u64, at: &Location, bad: Option<String>) {
        for col in &mut self.columns {
            if col.stamp != stamp {
                col.data.append_missing();
            }
        }
        // A value of the wrong type makes the whole record bad: it is rejected (counted, reported,
        // written to the rejects file), not kept with a null, so that the rows kept are exactly
        // the good records. Its cells are already appended; they are filtered out at flush.
        self.keep.push(bad.is_none());
        match bad {
            Some(reason) => {
                self.dropped_in_batch += 1;
                self.reject(at, codes::BAD_VALUE, reason);
            }
            None => self.rows += 1,
        }
        self.rows_in_batch += 1;
        if self.rows_in_batch >= self.options.batch_rows {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let mut arrays: Vec<ArrayRef> = self.columns.iter_mut().map(|c| c.data.finish()).collect();
        let mut rows = self.rows_in_batch;
        if self.dropped_in_batch > 0 {
            let mask = BooleanArray::from(std::mem::take(&mut self.keep));
            // Filtering arrays of equal length with a mask of that length cannot fail.
            arrays =
                arrays.iter().map(|a| arrow::compute::filter(a, &mask).unwrap_or_else(|_| a.slice(0, 0))).collect();
            rows -= self.dropped_in_batch;
        }
        self.keep.clear();
        self.finished.push((rows, arrays));
        self.rows_in_batch = 0;
        self.dropped_in_batch = 0;
    }

    fn warn(&mut self, at: &Location, column: &str, code: &'static str, reason: String) {
        self.warning_count += 1;
        if self.warnings.len() < MAX_DETAILS {
            self.warnings.push(FieldWarning {
                file: at.file.to_path_buf(),
                line: at.line,
                column: column.to_string(),
                code,
                reason,
            });
        }
    }
}

/// `a == b` for short byte strings, compared a word at a time inline (keys are 10 to 40 bytes;
/// a call to `memcmp` per key was a measurable share of decoding).
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i + 8 <= a.len() {
        let mut x = [0u8; 8];
        let mut y = [0u8; 8];
        x.copy_from_slice(&a[i..i + 8]);
        y.copy_from_slice(&b[i..i + 8]);
        if x != y {
            return false;
        }
        i += 8;
    }
    a[i..] == b[i..]
}
