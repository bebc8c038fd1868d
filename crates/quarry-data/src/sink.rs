//! Where readers put records: one [`TableBuilder`] per table, and one log of rejected records.
//!
//! A file does not always hold one table: a Defender streaming export names each record's
//! table in its `category`, and a Log Analytics response may mix tables. So readers hand each
//! record to a [`TableSet`] with the table it belongs to, and the set keeps a builder per table.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use arrow::array::RecordBatch;
use kql_semantics::{Catalog, TableSchema};

use crate::error::DataError;

use crate::codes;
use crate::progress::Progress;
use crate::row::RawRow;
use crate::table::{FieldWarning, Location, MAX_DETAILS, ReadOptions, Rejected, TableBuilder};

/// How much of a rejected record's text is kept in a rejects file.
const MAX_REJECT_TEXT: usize = 4096;

/// Every rejected record: counted in all, kept in detail up to [`MAX_DETAILS`], and written in
/// full (one JSON object per line) to a rejects file when one is given.
#[derive(Default)]
pub struct RejectLog {
    /// How many records were rejected.
    pub count: usize,
    /// How many were rejected per table (the table of the file when a record's own table is
    /// unknown).
    pub per_table: BTreeMap<String, usize>,
    /// The first [`MAX_DETAILS`].
    pub details: Vec<Rejected>,
    writer: Option<Box<dyn Write + Send>>,
    /// The first error writing the rejects file.
    pub write_error: Option<std::io::Error>,
}

impl RejectLog {
    /// A log that also writes every rejected record to `writer` as JSON Lines.
    pub fn with_writer(writer: Box<dyn Write + Send>) -> RejectLog {
        RejectLog { writer: Some(writer), ..RejectLog::default() }
    }

    /// Records one rejected record.
    pub fn add(&mut self, rejected: Rejected, text: Option<&[u8]>) {
        self.count += 1;
        *self.per_table.entry(rejected.table.clone()).or_default() += 1;
        if let Some(w) = &mut self.writer
            && self.write_error.is_none()
        {
            let mut obj = serde_json::Map::new();
            obj.insert("file".into(), rejected.file.display().to_string().into());
            obj.insert("line".into(), rejected.line.into());
            obj.insert("table".into(), rejected.table.clone().into());
            obj.insert("code".into(), rejected.code.into());
            obj.insert("reason".into(), rejected.reason.clone().into());
            if let Some(text) = text {
                let cut = &text[..text.len().min(MAX_REJECT_TEXT)];
                obj.insert("text".into(), String::from_utf8_lossy(cut).into_owned().into());
                if text.len() > MAX_REJECT_TEXT {
                    obj.insert("text_truncated".into(), true.into());
                }
            }
            let line = serde_json::Value::Object(obj).to_string();
            if let Err(e) = w.write_all(line.as_bytes()).and_then(|()| w.write_all(b"\n")) {
                self.write_error = Some(e);
            }
        }
        if self.details.len() < MAX_DETAILS {
            self.details.push(rejected);
        }
    }

    /// Writes a field warning (a value read as null) to the rejects file.
    pub fn add_warning(&mut self, w: &FieldWarning, table: &str) {
        if let Some(out) = &mut self.writer
            && self.write_error.is_none()
        {
            let mut obj = serde_json::Map::new();
            obj.insert("file".into(), w.file.display().to_string().into());
            obj.insert("line".into(), w.line.into());
            obj.insert("table".into(), table.into());
            obj.insert("column".into(), w.column.clone().into());
            obj.insert("code".into(), w.code.into());
            obj.insert("reason".into(), format!("value read as null: {}", w.reason).into());
            let line = serde_json::Value::Object(obj).to_string();
            if let Err(e) = out.write_all(line.as_bytes()).and_then(|()| out.write_all(b"\n")) {
                self.write_error = Some(e);
            }
        }
    }

    /// Adds the counts and details of `other` (its records were written already).
    pub fn merge(&mut self, other: RejectLog) {
        self.count += other.count;
        for (t, n) in other.per_table {
            *self.per_table.entry(t).or_default() += n;
        }
        for r in other.details {
            if self.details.len() < MAX_DETAILS {
                self.details.push(r);
            }
        }
        if self.write_error.is_none() {
            self.write_error = other.write_error;
        }
    }

    /// Flushes the rejects file.
    pub fn flush(&mut self) {
        if let Some(w) = &mut self.writer
            && let Err(e) = w.flush()
            && self.write_error.is_none()
        {
            self.write_error = Some(e);
        }
    }
}

impl std::fmt::Debug for RejectLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RejectLog").field("count", &self.count).field("per_table", &self.per_table).finish()
    }
}

/// The tables being read, by name, and the rejected records.
pub struct TableSet<'a> {
    catalog: &'a dyn Catalog,
    options: ReadOptions,
    /// Catalog table names by lower case, to name tables from lower-case folder names.
    lower: HashMap<String, String>,
    /// The builders, by table name.
    pub builders: BTreeMap<String, TableBuilder>,
    /// Schemas declared by the export itself (API responses), for tables the catalog lacks.
    declared: HashMap<String, TableSchema>,
    /// Rejected records.
    pub rejects: RejectLog,
    /// Field warnings per table, once drained from the builders.
    pub warning_counts: BTreeMap<String, u64>,
    /// The first field warnings drained.
    pub warning_details: Vec<FieldWarning>,
    /// Rows kept per table so far (JSON and CSV records, and Parquet rows).
    pub row_counts: BTreeMap<String, u64>,
    progress: &'a dyn Progress,
    pending_rows: u64,
    /// Where completed batches go as they are made (ingest); `None` keeps them in memory.
    batch_sink: Option<Box<dyn BatchSink + 'a>>,
    sink_error: Option<DataError>,
    /// The last streaming-API table name seen, and its canonical name (saves a lookup and an
    /// allocation per record).
    last_table: (String, String),
    /// Scratch for the streaming-line scanner.
    pub(crate) scan_fields: Vec<crate::formats::scan::Field>,
}

/// Receives record batches as soon as they are complete, so a large input is never held in
/// memory whole.
pub trait BatchSink: Send {
    /// One batch of `table`.
    fn batch(&mut self, table: &str, batch: RecordBatch) -> Result<(), DataError>;
    /// No more batches.
    fn finish(&mut self) -> Result<(), DataError>;
    /// For getting the concrete sink back.
    fn into_any(self: Box<Self>) -> Box<dyn std::any::Any>;
}

impl<'a> TableSet<'a> {
    /// An empty set.
    pub fn new(
        catalog: &'a dyn Catalog,
        options: &ReadOptions,
        rejects: RejectLog,
        progress: &'a dyn Progress,
    ) -> Self {
        let lower = catalog.table_names().into_iter().map(|n| (n.to_ascii_lowercase(), n.to_string())).collect();
        TableSet {
            catalog,
            options: options.clone(),
            lower,
            builders: BTreeMap::new(),
            declared: HashMap::new(),
            rejects,
            row_counts: BTreeMap::new(),
            warning_counts: BTreeMap::new(),
            warning_details: Vec::new(),
            progress,
            pending_rows: 0,
            batch_sink: None,
            sink_error: None,
            last_table: (String::new(), String::new()),
            scan_fields: Vec::new(),
        }
    }

    /// Sends completed batches to `sink` from now on.
    pub fn set_batch_sink(&mut self, sink: Box<dyn BatchSink + 'a>) {
        self.batch_sink = Some(sink);
    }

    /// The first error the batch sink gave, if any (it then gets no more batches).
    pub fn check_sink(&mut self) -> Result<(), DataError> {
        match self.sink_error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Sends every row still held to the batch sink and finishes it.
    pub fn finish_sink(&mut self) -> Result<(), DataError> {
        self.check_sink()?;
        let Some(sink) = &mut self.batch_sink else { return Ok(()) };
        for (name, builder) in &mut self.builders {
            let (_, batches) = builder.take_batches(true)?;
            for b in batches {
                sink.batch(name, b)?;
            }
        }
        sink.finish()
    }

    /// Moves the field warnings out of the builders: counted per table, and written to the
    /// rejects file (the first [`MAX_DETAILS`] of each table per call).
    pub fn drain_warnings(&mut self) {
        for (name, b) in &mut self.builders {
            // Records still held back to settle the schema are decoded now, so that the
            // rejections of this input are counted with it.
            b.settle();
            Self::drain_rejected(b, name, &mut self.rejects, &mut self.row_counts);
            let (_, _, warnings, count) = b.take_reports();
            if count > 0 {
                *self.warning_counts.entry(name.clone()).or_default() += count as u64;
                for w in &warnings {
                    self.rejects.add_warning(w, name);
                }
                for w in warnings {
                    if self.warning_details.len() < MAX_DETAILS {
                        self.warning_details.push(w);
                    }
                }
            }
        }
    }

    /// The rejects, the field-warning counts per table, and the batch sink.
    pub fn into_parts(mut self) -> (RejectLog, BTreeMap<String, u64>, Option<Box<dyn BatchSink + 'a>>) {
        self.drain_warnings();
        (std::mem::take(&mut self.rejects), std::mem::take(&mut self.warning_counts), self.batch_sink)
    }

    /// Adds a batch read as it is (a Parquet input) to `table`.
    pub fn push_batch(&mut self, table: &str, batch: RecordBatch) {
        let rows = batch.num_rows() as u64;
        if let Some(sink) = &mut self.batch_sink
            && self.sink_error.is_none()
            && let Err(e) = sink.batch(table, batch)
        {
            self.sink_error = Some(e);
        }
        self.progress.advance(0, rows);
        *self.row_counts.entry(table.to_string()).or_default() += rows;
    }

    /// The read options.
    pub fn options(&self) -> &ReadOptions {
        &self.options
    }

    /// The progress display.
    pub fn progress(&self) -> &'a dyn Progress {
        self.progress
    }

    /// The catalog.
    pub fn catalog(&self) -> &dyn Catalog {
        self.catalog
    }

    /// The name a table goes by: the catalog's spelling when only the case differs (Storage
    /// containers are lower case), the name as given otherwise.
    pub fn canonical(&self, name: &str) -> String {
        if self.catalog.table(name).is_some() {
            return name.to_string();
        }
        self.lower.get(&name.to_ascii_lowercase()).cloned().unwrap_or_else(|| name.to_string())
    }

    /// Declares the columns an export gives for `table`; used only when the catalog does not
    /// know the table and no record of it was read yet.
    pub fn declare(&mut self, table: &str, schema: TableSchema) {
        if self.catalog.table(table).is_none() && !self.builders.contains_key(table) {
            self.declared.insert(table.to_string(), schema);
        }
    }

    fn builder(&mut self, table: &str) -> &mut TableBuilder {
        if !self.builders.contains_key(table) {
            let known = self.catalog.table(table).cloned().or_else(|| self.declared.get(table).cloned());
            self.builders.insert(table.to_string(), TableBuilder::with_schema(table, known, &self.options));
        }
        self.builders.get_mut(table).expect("inserted above")
    }

    /// Rows kept so far, all tables.
    pub fn rows_total(&self) -> u64 {
        self.row_counts.values().sum()
    }

    /// Makes sure `table` exists, even with no rows.
    pub fn touch(&mut self, table: &str) {
        self.builder(table);
    }

    /// Adds a record (JSON object text) to `table`; rejects it when it is not one.
    pub fn record(&mut self, table: &str, text: &str, at: &Location) {
        match RawRow::parse(text) {
            Ok(row) => self.record_row(table, &row, text, at),
            Err(reason) => self.reject(table, at, codes::INVALID_RECORD, reason, Some(text.as_bytes())),
        }
    }

    /// Adds a parsed record whose text is not at hand; `false` (nothing done) when the table's
    /// builder still needs record texts to settle its schema.
    pub(crate) fn try_record_row(&mut self, table: &str, row: &RawRow<'_>, at: &Location) -> bool {
        match self.builders.get(table) {
            Some(b) if !b.sampling() => {
                self.record_row(table, row, "", at);
                true
            }
            _ => false,
        }
    }

    /// Adds a streaming-API record scanned by [`crate::formats::scan`] to the table named
    /// `name` (as the record spells it); `false` (nothing done) when it needs the general path.
    pub(crate) fn try_record_scanned(
        &mut self,
        name: &str,
        line: &str,
        fields: &[crate::formats::scan::Field],
        at: &Location,
    ) -> bool {
        if self.last_table.0 != name {
            let canonical = self.canonical(name);
            self.last_table = (name.to_string(), canonical);
        }
        let table = std::mem::take(&mut self.last_table.1);
        let pushed = self.builders.get_mut(&table).map(|b| (b.push_scanned(line, fields, at), b));
        let done = match pushed {
            Some((true, b)) => {
                match self.row_counts.get_mut(&table) {
                    Some(n) => *n += 1,
                    None => {
                        self.row_counts.insert(table.clone(), 1);
                    }
                }
                if b.has_rejected() || b.has_batches() {
                    self.after_push(&table);
                } else {
                    self.count_progress();
                }
                true
            }
            _ => false,
        };
        self.last_table.1 = table;
        done
    }

    /// Adds a parsed record to `table`.
    pub(crate) fn record_row(&mut self, table: &str, row: &RawRow<'_>, text: &str, at: &Location) {
        match self.row_counts.get_mut(table) {
            Some(n) => *n += 1,
            None => {
                self.row_counts.insert(table.to_string(), 1);
            }
        }
        self.builder(table).push_row(row, text, at);
        self.after_push(table);
    }

    /// After a record was pushed to `table`'s builder: its rejections to the log, its completed
    /// batches to the sink, progress.
    fn after_push(&mut self, table: &str) {
        let Some(builder) = self.builders.get_mut(table) else { return };
        if builder.has_rejected() {
            Self::drain_rejected(builder, table, &mut self.rejects, &mut self.row_counts);
        }
        if builder.has_batches()
            && let Some(sink) = &mut self.batch_sink
        {
            match builder.take_batches(false) {
                Ok((_, batches)) => {
                    for b in batches {
                        if self.sink_error.is_none()
                            && let Err(e) = sink.batch(table, b)
                        {
                            self.sink_error = Some(e);
                        }
                    }
                }
                Err(e) => self.sink_error = Some(e),
            }
        }
        self.count_progress();
    }

    fn count_progress(&mut self) {
        self.pending_rows += 1;
        if self.pending_rows >= 4096 {
            self.progress.advance(0, self.pending_rows);
            self.pending_rows = 0;
        }
    }

    /// Moves the records `builder` rejected while decoding (a value of the wrong type) to the
    /// rejects log; they were counted as rows when pushed, so they are taken off `row_counts`.
    fn drain_rejected(
        builder: &mut TableBuilder,
        table: &str,
        rejects: &mut RejectLog,
        row_counts: &mut BTreeMap<String, u64>,
    ) {
        if !builder.has_rejected() {
            return;
        }
        let rejected = builder.take_rejected();
        if let Some(n) = row_counts.get_mut(table) {
            *n = n.saturating_sub(rejected.len() as u64);
        }
        for r in rejected {
            rejects.add(r, None);
        }
    }

    /// Rejects a record of `table` (or of the file's table when its own is unknown).
    pub fn reject(&mut self, table: &str, at: &Location, code: &'static str, reason: String, text: Option<&[u8]>) {
        let rejected = Rejected { file: at.file.to_path_buf(), line: at.line, table: table.to_string(), code, reason };
        self.rejects.add(rejected, text);
    }

    /// Reports rows not yet reported to the progress display.
    pub fn flush_progress(&mut self) {
        if self.pending_rows > 0 {
            self.progress.advance(0, self.pending_rows);
            self.pending_rows = 0;
        }
    }

    /// A location in `path`.
    pub fn location(path: &Path) -> Location {
        Location { file: Arc::from(path), line: 0 }
    }
}
