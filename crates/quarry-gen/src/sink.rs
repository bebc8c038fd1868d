//! Writing batches to disk: Parquet by table and day, NDJSON per table, or the Defender
//! streaming-API Storage layout. Each sink keeps at most a few files open per table and never
//! holds more than the batch it is given plus the Parquet writer's current row group.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use arrow::array::{
    Array, BooleanArray, Int32Array, Int64Array, LargeStringArray, RecordBatch, StringArray, TimestampNanosecondArray,
};
use arrow::datatypes::DataType;

use crate::GenError;
use crate::pq::{Codecs, PqFile};
use crate::table::{Batch, SENTINEL_ONLY, Table};
use crate::time::{self, DAY, HOUR};

/// Where batches go.
pub trait Sink {
    /// Writes the rows of `batch` (sorted by Timestamp, all on `day`, days since the epoch,
    /// later than any written before) and empties it.
    fn write(&mut self, day: i64, batch: &mut Batch) -> Result<(), GenError>;
    /// Closes every file; returns what was written.
    fn finish(self: Box<Self>) -> Result<Finished, GenError>;
}

/// What a sink wrote.
pub struct Finished {
    /// The files, in path order.
    pub files: Vec<PathBuf>,
    /// Store parts, for the store's manifest ([`write_store_manifest`]); empty for the JSON
    /// layouts.
    pub parts: Vec<quarry_data::store::PartEntry>,
}

/// Writes a generated store's `manifest.json` listing `parts` (of every table), once all
/// tables are written.
pub fn write_store_manifest(out: &Path, mut parts: Vec<quarry_data::store::PartEntry>) -> Result<(), GenError> {
    parts.sort_by(|a, b| (&a.table, &a.day).cmp(&(&b.table, &b.day)));
    let manifest = quarry_data::store::Manifest {
        format: quarry_data::store::FORMAT.to_string(),
        version: 1,
        inputs: Vec::new(),
        parts,
    };
    quarry_data::store::write_manifest(out, &manifest).map_err(|e| match e {
        // A file that cannot be written is the user's to fix, not an internal error.
        quarry_data::DataError::Io { path, source } => GenError::Io(path, source),
        other => GenError::Internal(other.to_string()),
    })
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> GenError + '_ {
    move |e| GenError::Io(path.to_path_buf(), e)
}

fn create(path: &Path) -> Result<BufWriter<File>, GenError> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(io(parent))?;
    }
    Ok(BufWriter::with_capacity(1 << 20, File::create(path).map_err(io(path))?))
}

fn timestamps(batch: &RecordBatch) -> Option<&TimestampNanosecondArray> {
    batch.column_by_name("Timestamp")?.as_any().downcast_ref::<TimestampNanosecondArray>()
}

/// A Quarry store (see `quarry_data::store`): `<Table>/day=YYYY-MM-DD/part-gen-0-0.parquet`,
/// one file per table and day, rows sorted by Timestamp, with page statistics, and the
/// store's `manifest.json` listing the parts, so `quarry query -d`, `quarry hunt --data` and
/// a later `quarry ingest` treat it as a store. Each batch is one row group (see
/// [`crate::pq`]).
pub struct ParquetSink {
    out: PathBuf,
    /// The file being written: its day and path. (A sink is given one table's rows,
    /// a day at a time; a batch of the next day closes it.)
    open: Option<(i64, PathBuf, PqFile)>,
    /// The sink's table, set by its first batch.
    table: Option<Table>,
    /// Which of the table's columns are compressed, kept from file to file.
    codecs: Codecs,
    written: Vec<PathBuf>,
    parts: Vec<quarry_data::store::PartEntry>,
}

impl ParquetSink {
    /// A sink writing under `out`.
    pub fn new(out: &Path) -> ParquetSink {
        ParquetSink {
            out: out.to_path_buf(),
            open: None,
            table: None,
            codecs: Codecs::default(),
            written: Vec::new(),
            parts: Vec::new(),
        }
    }

    fn close(&mut self) -> Result<(), GenError> {
        if let (Some((day, path, file)), Some(table)) = (self.open.take(), self.table) {
            let rows = file.close()?;
            let relative = path.strip_prefix(&self.out).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            self.parts.push(quarry_data::store::PartEntry {
                table: table.name().to_string(),
                day: time::day_text(day * DAY),
                path: relative,
                rows,
                run: "gen".to_string(),
            });
            self.written.push(path);
        }
        Ok(())
    }
}

impl Sink for ParquetSink {
    fn write(&mut self, day: i64, batch: &mut Batch) -> Result<(), GenError> {
        let table = batch.table();
        if batch.rows() == 0 {
            return Ok(());
        }
        // Files are named by table and day: rows of a second table would overwrite them.
        match self.table {
            Some(t) if t != table => {
                return Err(GenError::Internal(format!(
                    "a Parquet sink for {} was given rows of {}",
                    t.name(),
                    table.name()
                )));
            }
            Some(_) => {}
            None => self.table = Some(table),
        }
        if self.open.as_ref().is_some_and(|(d, ..)| *d != day) {
            self.close()?;
        }
        if self.open.is_none() {
            let path = self
                .out
                .join(table.name())
                .join(format!("day={}", time::day_text(day * DAY)))
                .join("part-gen-0-0.parquet");
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(io(parent))?;
            }
            let file = PqFile::create(&path, batch.schema())?;
            self.open = Some((day, path, file));
        }
        batch.pad();
        if let Some((.., file)) = &mut self.open {
            file.write(batch, &mut self.codecs)?;
        }
        batch.clear();
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<Finished, GenError> {
        self.close()?;
        self.written.sort();
        Ok(Finished { files: self.written, parts: self.parts })
    }
}

/// How dynamic values are written in JSON.
#[derive(Clone, Copy, PartialEq, Eq)]
enum DynamicAs {
    /// As the JSON value itself (NDJSON files).
    Value,
    /// As JSON text inside a string, as the streaming API writes `AdditionalFields`.
    Text,
}

/// A batch's columns, downcast once, with their keys already written as JSON.
struct JsonColumns<'a> {
    cols: Vec<(String, Col<'a>)>,
}

enum Col<'a> {
    Str(&'a StringArray),
    Dyn(&'a LargeStringArray),
    Long(&'a Int64Array),
    Int(&'a Int32Array),
    Bool(&'a BooleanArray),
    Time(&'a TimestampNanosecondArray),
    /// A type no generated column has: written as null.
    Other,
}

impl<'a> JsonColumns<'a> {
    /// The columns of `batch` except the Sentinel-only ones.
    fn new(batch: &'a RecordBatch) -> JsonColumns<'a> {
        let schema = batch.schema();
        let mut cols = Vec::new();
        for (i, field) in schema.fields().iter().enumerate() {
            if SENTINEL_ONLY.contains(&field.name().as_str()) {
                continue;
            }
            let mut key = String::new();
            push_str(&mut key, field.name());
            key.push(':');
            let array = batch.column(i).as_ref();
            let any = array.as_any();
            let col = match field.data_type() {
                DataType::Utf8 => any.downcast_ref::<StringArray>().map(Col::Str),
                DataType::LargeUtf8 => any.downcast_ref::<LargeStringArray>().map(Col::Dyn),
                DataType::Int64 => any.downcast_ref::<Int64Array>().map(Col::Long),
                DataType::Int32 => any.downcast_ref::<Int32Array>().map(Col::Int),
                DataType::Boolean => any.downcast_ref::<BooleanArray>().map(Col::Bool),
                DataType::Timestamp(..) => any.downcast_ref::<TimestampNanosecondArray>().map(Col::Time),
                _ => None,
            }
            .unwrap_or(Col::Other);
            cols.push((key, col));
        }
        JsonColumns { cols }
    }

    /// Appends one row as a JSON object of its non-empty columns (`nulls`: keep empty columns
    /// as `null`, as the streaming API does).
    fn row(&self, out: &mut String, row: usize, nulls: bool, dynamic: DynamicAs) {
        use std::fmt::Write as _;
        out.push('{');
        let mut first = true;
        for (key, col) in &self.cols {
            let empty = match col {
                Col::Str(a) => a.is_null(row) || a.value(row).is_empty(),
                Col::Dyn(a) => a.is_null(row),
                Col::Long(a) => a.is_null(row),
                Col::Int(a) => a.is_null(row),
                Col::Bool(a) => a.is_null(row),
                Col::Time(a) => a.is_null(row),
                Col::Other => true,
            };
            if empty && !nulls {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(key);
            if empty {
                out.push_str("null");
                continue;
            }
            match col {
                Col::Str(a) => push_str(out, a.value(row)),
                Col::Dyn(a) => match dynamic {
                    DynamicAs::Value => out.push_str(a.value(row)),
                    DynamicAs::Text => push_str(out, a.value(row)),
                },
                Col::Long(a) => {
                    let _ = write!(out, "{}", a.value(row));
                }
                Col::Int(a) => {
                    let _ = write!(out, "{}", a.value(row));
                }
                Col::Bool(a) => out.push_str(if a.value(row) { "true" } else { "false" }),
                Col::Time(a) => {
                    out.push('"');
                    time::write_iso(out, a.value(row));
                    out.push('"');
                }
                Col::Other => out.push_str("null"),
            }
        }
        out.push('}');
    }
}

/// Appends a JSON string literal.
fn push_str(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if esc.is_empty() {
            out.push_str(&format!("\\u{b:04x}"));
        } else {
            out.push_str(esc);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// One NDJSON file per table, `<Table>.json`, LF-terminated; empty columns and the
/// Sentinel-only columns are left out.
pub struct NdjsonSink {
    out: PathBuf,
    files: BTreeMap<Table, (PathBuf, BufWriter<File>)>,
    line: String,
}

impl NdjsonSink {
    /// A sink writing under `out`.
    pub fn new(out: &Path) -> NdjsonSink {
        NdjsonSink { out: out.to_path_buf(), files: BTreeMap::new(), line: String::with_capacity(8192) }
    }
}

impl Sink for NdjsonSink {
    fn write(&mut self, _day: i64, batch: &mut Batch) -> Result<(), GenError> {
        let table = batch.table();
        let batch = &batch.finish()?;
        if !self.files.contains_key(&table) {
            let path = self.out.join(format!("{}.json", table.name()));
            let w = create(&path)?;
            self.files.insert(table, (path, w));
        }
        let cols = JsonColumns::new(batch);
        let Some((path, w)) = self.files.get_mut(&table) else { return Ok(()) };
        for row in 0..batch.num_rows() {
            self.line.clear();
            cols.row(&mut self.line, row, false, DynamicAs::Value);
            self.line.push('\n');
            w.write_all(self.line.as_bytes()).map_err(io(path))?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<Finished, GenError> {
        let mut files = Vec::new();
        for (_, (path, mut w)) in self.files {
            w.flush().map_err(io(&path))?;
            files.push(path);
        }
        Ok(Finished { files, parts: Vec::new() })
    }
}

/// The Defender streaming API's Storage layout:
/// `insights-logs-advancedhunting-<table>/tenantId=<id>/y=/m=/d=/h=/m=00/PT1H.json`, one record
/// per line, CRLF-terminated, each `{"time","tenantId","operationName","category",
/// "_TimeReceivedBySvc","properties","Tenant"}`. Blobs are by the hour Defender received the
/// record (`time`), which is a little after the event.
pub struct StreamingSink {
    out: PathBuf,
    tenant: String,
    open: BTreeMap<Table, BTreeMap<i64, (PathBuf, BufWriter<File>)>>,
    written: Vec<PathBuf>,
    line: String,
    seed: u64,
}

impl StreamingSink {
    /// A sink writing under `out` for tenant `tenant`.
    pub fn new(out: &Path, tenant: &str, seed: u64) -> StreamingSink {
        StreamingSink {
            out: out.to_path_buf(),
            tenant: tenant.to_string(),
            open: BTreeMap::new(),
            written: Vec::new(),
            line: String::with_capacity(8192),
            seed,
        }
    }

    fn blob(&self, table: Table, hour: i64) -> PathBuf {
        let (y, m, d, h, ..) = time::parts(hour * HOUR);
        self.out
            .join(format!("insights-logs-advancedhunting-{}", table.name().to_ascii_lowercase()))
            .join(format!("tenantId={}", self.tenant))
            .join(format!("y={y:04}"))
            .join(format!("m={m:02}"))
            .join(format!("d={d:02}"))
            .join(format!("h={h:02}"))
            .join("m=00")
            .join("PT1H.json")
    }
}

impl Sink for StreamingSink {
    fn write(&mut self, _day: i64, batch: &mut Batch) -> Result<(), GenError> {
        let table = batch.table();
        let batch = &batch.finish()?;
        let Some(ts) = timestamps(batch) else { return Ok(()) };
        let cols = JsonColumns::new(batch);
        let key = table.index() as u64;
        for row in 0..batch.num_rows() {
            let event = ts.value(row);
            // Received 20 s to 4 min after the event, published up to 2 min later.
            let k = crate::rng::mix(self.seed ^ key << 56 ^ event as u64 ^ row as u64);
            let received = event + (20_000 + (k % 220_000) as i64) * 1_000_000 + (k >> 40) as i64 % 10_000 * 100;
            let published =
                received + (5_000 + ((k >> 20) % 115_000) as i64) * 1_000_000 + 100 * ((k >> 8) % 10_000) as i64;
            let hour = published.div_euclid(HOUR);
            // No later record can be received in an hour before this event's.
            let floor = event.div_euclid(HOUR);
            let stale: Vec<i64> =
                self.open.get(&table).map(|m| m.keys().copied().filter(|&h| h < floor).collect()).unwrap_or_default();
            for h in stale {
                if let Some((path, mut w)) = self.open.get_mut(&table).and_then(|m| m.remove(&h)) {
                    w.flush().map_err(io(&path))?;
                    self.written.push(path);
                }
            }
            if !self.open.get(&table).is_some_and(|m| m.contains_key(&hour)) {
                let path = self.blob(table, hour);
                // A later run of the same hour appends (only when a blob was closed early).
                let exists = path.exists();
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent).map_err(io(parent))?;
                }
                let file = fs::OpenOptions::new().create(true).append(true).open(&path).map_err(io(&path))?;
                if exists {
                    self.written.retain(|p| p != &path);
                }
                self.open.entry(table).or_default().insert(hour, (path, BufWriter::with_capacity(1 << 18, file)));
            }
            self.line.clear();
            self.line.push_str("{\"time\":\"");
            time::write_iso(&mut self.line, published);
            self.line.push_str("\",\"tenantId\":\"");
            self.line.push_str(&self.tenant);
            self.line.push_str("\",\"operationName\":\"Publish\",\"category\":\"AdvancedHunting-");
            self.line.push_str(table.name());
            self.line.push_str("\",\"_TimeReceivedBySvc\":\"");
            time::write_iso(&mut self.line, received);
            self.line.push_str("\",\"properties\":");
            cols.row(&mut self.line, row, true, DynamicAs::Text);
            self.line.push_str(",\"Tenant\":\"DefaultTenant\"}\r\n");
            if let Some((path, w)) = self.open.get_mut(&table).and_then(|m| m.get_mut(&hour)) {
                w.write_all(self.line.as_bytes()).map_err(io(path))?;
            }
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<Finished, GenError> {
        for (_, files) in std::mem::take(&mut self.open) {
            for (_, (path, mut w)) in files {
                w.flush().map_err(io(&path))?;
                self.written.push(path);
            }
        }
        self.written.sort();
        self.written.dedup();
        Ok(Finished { files: self.written, parts: Vec::new() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parquet_sink_writes_one_table_and_refuses_another() {
        let dir = tempfile::tempdir().unwrap();
        let mut sink = Box::new(ParquetSink::new(dir.path()));
        let batch_of = |table: Table, ts: i64| {
            let spec = crate::table::TableSpec::new(table).unwrap();
            let mut b = Batch::new(&spec, 4);
            b.t(spec.ix.Timestamp, ts);
            b.s(spec.ix.DeviceName, "ws-1");
            b.end_row();
            b
        };
        // Two days of one table: two files.
        sink.write(0, &mut batch_of(Table::Logon, 1)).unwrap();
        sink.write(1, &mut batch_of(Table::Logon, DAY + 1)).unwrap();
        let err = sink.write(1, &mut batch_of(Table::Info, DAY + 2)).unwrap_err();
        assert!(err.to_string().contains("DeviceInfo"), "{err}");
        let finished = sink.finish().unwrap();
        assert_eq!(finished.files.len(), 2);
        assert!(finished.parts.iter().all(|p| p.table == "DeviceLogonEvents" && p.rows == 1));
    }

    #[test]
    fn a_manifest_that_cannot_be_written_is_reported_with_its_path() {
        let out = Path::new("/nonexistent-quarry-store/out");
        match write_store_manifest(out, Vec::new()) {
            Err(e @ GenError::Io(..)) => {
                let text = e.to_string();
                assert!(text.starts_with("/nonexistent-quarry-store/out/"), "{text}");
                assert!(text.contains("manifest.json"), "{text}");
            }
            other => panic!("expected an I/O error naming the file, got {other:?}"),
        }
    }

    #[test]
    fn json_strings_escape_windows_paths_and_controls() {
        let mut s = String::new();
        push_str(&mut s, "C:\\Windows\\\"x\"\u{1}");
        assert_eq!(s, r#""C:\\Windows\\\"x\"\u0001""#);
    }
}
