//! The Quarry store: Parquet per table, partitioned by day, with a manifest.
//!
//! ```text
//! STORE/manifest.json                                  what was ingested from where, and the parts
//! STORE/<Table>/day=YYYY-MM-DD/part-<run>-<n>.parquet   rows of one table and day, sorted by time
//! STORE/_rejects/<run>.jsonl                           every rejected record of a run
//! ```
//!
//! - Each part is sorted by the table's time column (`Timestamp`, else `TimeGenerated`, else
//!   its first datetime column) and written in row groups with min/max statistics, so a query
//!   bounded in time skips whole files and row groups.
//! - Crash safety: a part is written to a hidden temporary file and renamed into place; the
//!   manifest is replaced the same way, last. Only parts the manifest lists belong to the
//!   store, so a crash leaves the store as it was; leftovers are removed by the next ingest.
//! - Idempotence: an input whose content (size and xxHash64) was ingested before is skipped,
//!   so ingesting the same files twice does not duplicate rows; new files are appended.
//! - Memory stays bounded: records are decoded into batches which are split by day and held
//!   per (table, day) up to a budget; past it, the largest buffers are sorted and written.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch, StringArray, UInt32Array, new_null_array};
use arrow::compute::{interleave_record_batch, take_record_batch};
use arrow::datatypes::{DataType, Schema, SchemaRef, TimeUnit, TimestampNanosecondType};
use kql_semantics::Catalog;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use serde::{Deserialize, Serialize};

use crate::discover::SourceKind;
use crate::error::DataError;
use crate::fasthash::FastSet;
use crate::input::{ReadHash, SharedHash, hash_file, quick_fingerprint};
use crate::progress::Progress;
use crate::sink::{BatchSink, RejectLog, TableSet};
use crate::table::ReadOptions;

/// The manifest's file name.
pub const MANIFEST: &str = "manifest.json";
/// The manifest's `format` marker.
pub const FORMAT: &str = "quarry-store";
const NANOS_PER_DAY: i64 = 86_400_000_000_000;

/// Options for [`ingest`].
#[derive(Clone, Debug)]
pub struct IngestOptions {
    /// How records are read.
    pub read: ReadOptions,
    /// Files read in parallel (at least 1).
    pub threads: usize,
    /// Decoded rows each reader holds before writing parts, in bytes.
    pub buffer_bytes: usize,
    /// Rows per Parquet row group.
    pub row_group_rows: usize,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            read: ReadOptions { batch_rows: 8192, ..ReadOptions::default() },
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()).min(8),
            buffer_bytes: 128 << 20,
            row_group_rows: 64 * 1024,
        }
    }
}

/// The manifest: every input ingested, and every part of the store.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// The manifest version.
    pub version: u32,
    /// Inputs ingested, in order.
    pub inputs: Vec<InputEntry>,
    /// Parquet files, relative to the store.
    pub parts: Vec<PartEntry>,
}

/// One ingested input file.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct InputEntry {
    /// The path as given.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, seconds since the Unix epoch.
    pub mtime: u64,
    /// xxHash64 of the content, hex.
    pub hash: String,
    /// Quick fingerprint (see [`quick_fingerprint`]), hex.
    pub quick: String,
    /// Rows kept per table.
    pub tables: BTreeMap<String, u64>,
    /// Records rejected.
    pub rejected: u64,
    /// The ingest run.
    pub run: String,
}

/// One Parquet file of the store.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PartEntry {
    /// The table.
    pub table: String,
    /// The day (`YYYY-MM-DD`), or `none` for rows without a time.
    pub day: String,
    /// Path relative to the store.
    pub path: String,
    /// Rows.
    pub rows: u64,
    /// The ingest run.
    pub run: String,
}

/// What one table got in an ingest run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableSummary {
    /// Rows kept.
    pub rows: u64,
    /// Records rejected.
    pub rejected: u64,
    /// Earliest and latest time (ns since the epoch).
    pub min_time: Option<i64>,
    /// Latest time.
    pub max_time: Option<i64>,
    /// Distinct `DeviceId` (else `DeviceName`) values seen.
    pub devices: usize,
    /// Values read as null because they did not fit their column.
    pub warnings: u64,
}

/// The result of [`ingest`].
#[derive(Debug, Default)]
pub struct IngestReport {
    /// Inputs read.
    pub files_read: usize,
    /// Inputs skipped because their content was ingested before.
    pub skipped: Vec<PathBuf>,
    /// Per table.
    pub tables: BTreeMap<String, TableSummary>,
    /// Rejected records (counts, and the first ones in detail).
    pub rejects: RejectLog,
    /// The rejects file, when anything was rejected.
    pub rejects_file: Option<PathBuf>,
    /// Parts written.
    pub parts: usize,
    /// The first field warnings (values read as null).
    pub warnings: Vec<crate::table::FieldWarning>,
    /// Input bytes read (as stored).
    pub bytes: u64,
}

/// Whether `dir` is a Quarry store (holds a manifest of this format).
pub fn is_store(dir: &Path) -> bool {
    read_manifest(dir).is_ok_and(|m| m.is_some())
}

/// The manifest of the store at `dir`, `None` when there is none.
pub fn read_manifest(dir: &Path) -> Result<Option<Manifest>, DataError> {
    let path = dir.join(MANIFEST);
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound || e.kind() == std::io::ErrorKind::NotADirectory => {
            return Ok(None);
        }
        Err(e) => return Err(DataError::io(&path, e)),
    };
    let manifest: Manifest =
        serde_json::from_str(&text).map_err(|e| DataError::BadStore { path: path.clone(), reason: e.to_string() })?;
    if manifest.format != FORMAT {
        return Ok(None);
    }
    Ok(Some(manifest))
}

/// The tables of the store at `dir` and their Parquet files (only those the manifest lists).
pub fn store_tables(dir: &Path) -> Result<Vec<(String, Vec<PathBuf>)>, DataError> {
    let manifest = read_manifest(dir)?
        .ok_or_else(|| DataError::BadStore { path: dir.join(MANIFEST), reason: "no Quarry manifest".into() })?;
    let mut tables: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for part in &manifest.parts {
        tables.entry(part.table.clone()).or_default().push(dir.join(&part.path));
    }
    Ok(tables.into_iter().collect())
}

/// One input to read.
struct Job {
    index: usize,
    path: PathBuf,
    table: String,
    kind: SourceKind,
    hash: Option<u64>,
    /// The quick fingerprint, when it was computed before reading.
    quick: Option<u64>,
    /// The size when the inputs were listed.
    size: Option<u64>,
}

/// What reading one input gave.
#[derive(Default)]
struct JobResult {
    tables: BTreeMap<String, u64>,
    rejected: u64,
    hash: u64,
    quick: Option<u64>,
}

/// Ingests the files under `paths` into the store at `store` (created when missing).
pub fn ingest<P: AsRef<Path>>(
    paths: &[P],
    store: &Path,
    catalog: &(dyn Catalog + Sync),
    options: &IngestOptions,
    progress: &dyn Progress,
) -> Result<IngestReport, DataError> {
    fs::create_dir_all(store).map_err(|e| DataError::io(store, e))?;
    let mut manifest =
        read_manifest(store)?.unwrap_or_else(|| Manifest { format: FORMAT.into(), version: 1, ..Manifest::default() });
    remove_leftovers(store, &manifest);
    let run = run_id();

    // The inputs, less those ingested before.
    let store_abs = std::path::absolute(store).unwrap_or_else(|_| store.to_path_buf());
    let (sources, skipped_files) = crate::discover::discover_all_lenient(paths)?;
    let mut report = IngestReport::default();
    let mut jobs = Vec::new();
    let mut known: HashMap<(u64, u64), Vec<String>> = HashMap::new();
    for input in &manifest.inputs {
        if let Ok(q) = u64::from_str_radix(&input.quick, 16) {
            known.entry((input.size, q)).or_default().push(input.hash.clone());
        }
    }
    // Only files whose size equals that of an ingested input, or of another input of this
    // run, can be copies: those are fingerprinted (and, when the fingerprints match, hashed)
    // now; every other file is hashed while it is read, so it is read once.
    let known_sizes: HashSet<u64> = manifest.inputs.iter().map(|i| i.size).collect();
    let mut candidates = Vec::new();
    for source in sources {
        for path in source.paths {
            if std::path::absolute(&path).is_ok_and(|p| p.starts_with(&store_abs)) {
                continue; // never read the store into itself
            }
            let size = fs::metadata(&path).ok().map(|m| m.len());
            candidates.push((path, source.name.clone(), source.kind, size));
        }
    }
    let mut size_count: HashMap<u64, usize> = HashMap::new();
    for (_, _, _, size) in &candidates {
        if let Some(s) = size {
            *size_count.entry(*s).or_default() += 1;
        }
    }
    let mut this_run: HashMap<(u64, u64), Vec<u64>> = HashMap::new();
    for (path, table, kind, size) in candidates {
        let index = jobs.len();
        let mut job = Job { index, path, table, kind, hash: None, quick: None, size };
        let may_be_copy = size.is_some_and(|s| known_sizes.contains(&s) || size_count.get(&s).is_some_and(|&n| n > 1));
        if !may_be_copy {
            jobs.push(job);
            continue;
        }
        let Ok(fp) = quick_fingerprint(&job.path) else {
            // Unreadable: reading it reports the error as a rejection.
            jobs.push(job);
            continue;
        };
        job.quick = Some(fp.1);
        if known.contains_key(&fp) || this_run.contains_key(&fp) {
            let h = hash_file(&job.path).map_err(|e| DataError::io(&job.path, e))?;
            let hex = format!("{h:016x}");
            let seen =
                known.get(&fp).is_some_and(|v| v.contains(&hex)) || this_run.get(&fp).is_some_and(|v| v.contains(&h));
            if seen {
                report.skipped.push(job.path);
                continue;
            }
            job.hash = Some(h);
        }
        match job.hash {
            Some(h) => this_run.entry(fp).or_default().push(h),
            None => {
                this_run.entry(fp).or_default();
            }
        }
        jobs.push(job);
    }

    let rejects_dir = store.join("_rejects");
    fs::create_dir_all(&rejects_dir).map_err(|e| DataError::io(&rejects_dir, e))?;
    let rejects_path = rejects_dir.join(format!("{run}.jsonl"));
    let rejects_file = File::create(&rejects_path).map_err(|e| DataError::io(&rejects_path, e))?;
    let shared = SharedWriter(Arc::new(Mutex::new(BufWriter::new(rejects_file))));

    let mut unknown = RejectLog::with_writer(Box::new(shared.clone()));
    for (path, why) in skipped_files {
        let rejected = crate::table::Rejected {
            file: path.clone(),
            line: 0,
            table: String::new(),
            code: crate::codes::UNREADABLE_FILE,
            reason: format!("skipped: {why}"),
        };
        unknown.add(rejected, None);
    }
    let threads = options.threads.max(1).min(jobs.len().max(1));
    let queue = Mutex::new(split_jobs(&jobs, threads));
    let results: Mutex<Vec<(usize, JobResult)>> = Mutex::new(Vec::new());
    let mut outcomes = Vec::new();
    std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for worker in 0..threads {
            let queue = &queue;
            let jobs = &jobs;
            let results = &results;
            let shared = shared.clone();
            let run = run.clone();
            handles.push(scope.spawn(move || -> Result<WorkerOutput, DataError> {
                let writer = PartWriter::new(store, &run, worker, options);
                let log = RejectLog::with_writer(Box::new(shared));
                let mut set = TableSet::new(catalog, &options.read, log, progress);
                set.set_batch_sink(Box::new(writer));
                loop {
                    let next = next_job(&mut queue.lock().map_err(|_| poisoned())?, worker);
                    let Some(i) = next else { break };
                    let job = &jobs[i];
                    let before = set.row_counts.clone();
                    let rejected_before = set.rejects.count;
                    let (hash, quick) = read_job(job, &mut set);
                    set.drain_warnings();
                    set.check_sink()?;
                    let mut result = JobResult {
                        hash,
                        quick,
                        rejected: (set.rejects.count - rejected_before) as u64,
                        ..Default::default()
                    };
                    for (k, n) in &set.row_counts {
                        let n = n - before.get(k).copied().unwrap_or(0);
                        if n > 0 {
                            result.tables.insert(k.clone(), n);
                        }
                    }
                    results.lock().map_err(|_| poisoned())?.push((i, result));
                }
                set.finish_sink()?;
                set.drain_warnings();
                let details = std::mem::take(&mut set.warning_details);
                let (rejects, warnings, sink) = set.into_parts();
                let writer = sink.and_then(|s| s.into_any().downcast::<PartWriter>().ok());
                Ok(WorkerOutput { writer, warnings, details, rejects })
            }));
        }
        for h in handles {
            outcomes.push(h.join());
        }
    });
    let mut rejects = RejectLog::default();
    rejects.merge(unknown);
    let mut first_error = None;
    let mut writers = Vec::new();
    let mut warnings: BTreeMap<String, u64> = BTreeMap::new();
    for outcome in outcomes {
        match outcome {
            Ok(Ok(out)) => {
                rejects.merge(out.rejects);
                for (t, n) in out.warnings {
                    *warnings.entry(t).or_default() += n;
                }
                for w in out.details {
                    if report.warnings.len() < crate::table::MAX_DETAILS {
                        report.warnings.push(w);
                    }
                }
                writers.extend(out.writer);
            }
            Ok(Err(e)) => {
                first_error.get_or_insert(e);
            }
            Err(_) => {
                first_error.get_or_insert(poisoned());
            }
        }
    }
    let mut shared = shared;
    let flushed = shared.flush();
    if let Some(e) = first_error {
        return Err(e);
    }
    if let Err(e) = flushed {
        return Err(DataError::io(&rejects_path, e));
    }
    if let Some(e) = rejects.write_error.take() {
        return Err(DataError::io(&rejects_path, e));
    }

    // The summary, then the manifest (last: until it is replaced, the store is unchanged).
    let mut results = results.into_inner().map_err(|_| poisoned())?;
    results.sort_by_key(|(i, _)| *i);
    for (i, result) in &results {
        let job = &jobs[*i];
        let meta = fs::metadata(&job.path).ok();
        let size = meta.as_ref().map_or(0, |m| m.len());
        report.bytes += size;
        let mtime = meta
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs());
        for (t, n) in &result.tables {
            report.tables.entry(t.clone()).or_default().rows += n;
        }
        manifest.inputs.push(InputEntry {
            path: job.path.display().to_string(),
            size,
            mtime,
            hash: format!("{:016x}", result.hash),
            quick: result.quick.map(|q| format!("{q:016x}")).unwrap_or_default(),
            tables: result.tables.clone(),
            rejected: result.rejected,
            run: run.clone(),
        });
    }
    report.files_read = results.len();
    for (t, n) in rejects.per_table.iter().filter(|(t, _)| !t.is_empty()) {
        report.tables.entry(t.clone()).or_default().rejected += *n as u64;
    }
    for (t, n) in warnings {
        if n > 0 {
            report.tables.entry(t).or_default().warnings += n;
        }
    }
    let mut devices: BTreeMap<String, FastSet<String>> = BTreeMap::new();
    for w in writers {
        let w = *w;
        report.parts += w.parts.len();
        manifest.parts.extend(w.parts);
        for (t, st) in w.stats {
            let sum = report.tables.entry(t.clone()).or_default();
            sum.min_time = match (sum.min_time, st.min_time) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            sum.max_time = match (sum.max_time, st.max_time) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
            devices.entry(t).or_default().extend(st.devices);
        }
    }
    for (t, d) in devices {
        report.tables.entry(t).or_default().devices = d.len();
    }
    write_manifest(store, &manifest)?;
    let warned = report.tables.values().any(|t| t.warnings > 0);
    if rejects.count == 0 && !warned {
        let _ = fs::remove_file(&rejects_path);
        let _ = fs::remove_dir(&rejects_dir);
    } else {
        report.rejects_file = Some(rejects_path);
    }
    report.rejects = rejects;
    Ok(report)
}

/// The jobs in `threads` runs of consecutive inputs of about equal size, one per worker:
/// inputs are listed by path (table, then time), so each worker holds few (table, day)
/// buffers and writes fewer, larger parts.
fn split_jobs(jobs: &[Job], threads: usize) -> Vec<VecDeque<usize>> {
    let total: u64 = jobs.iter().map(|j| j.size.unwrap_or(0).max(1)).sum();
    let mut runs = vec![VecDeque::new(); threads];
    let mut before = 0u64;
    for job in jobs {
        let w = ((u128::from(before) * threads as u128) / u128::from(total.max(1))) as usize;
        runs[w.min(threads - 1)].push_back(job.index);
        before += job.size.unwrap_or(0).max(1);
    }
    runs
}

/// The next job for `worker`: the next of its own run, else the last of the longest run left
/// (a worker slowed by other work on the machine is helped from the far end of its run).
fn next_job(runs: &mut [VecDeque<usize>], worker: usize) -> Option<usize> {
    if let Some(i) = runs[worker].pop_front() {
        return Some(i);
    }
    runs.iter_mut().max_by_key(|r| r.len()).and_then(|r| r.pop_back())
}

/// Replaces the manifest of `store` atomically (written to a temporary file, synced, renamed),
/// as `ingest` does and as anything else that writes a store (`quarry gen`) must.
pub fn write_manifest(store: &Path, manifest: &Manifest) -> Result<(), DataError> {
    let path = store.join(MANIFEST);
    let tmp = store.join(format!(".{MANIFEST}.tmp"));
    let text = serde_json::to_string_pretty(manifest)
        .map_err(|e| DataError::Internal { table: String::new(), message: e.to_string() })?;
    let mut file = File::create(&tmp).map_err(|e| DataError::io(&tmp, e))?;
    file.write_all(text.as_bytes()).and_then(|()| file.sync_all()).map_err(|e| DataError::io(&tmp, e))?;
    fs::rename(&tmp, &path).map_err(|e| DataError::io(&path, e))
}

struct WorkerOutput {
    writer: Option<Box<PartWriter>>,
    warnings: BTreeMap<String, u64>,
    details: Vec<crate::table::FieldWarning>,
    rejects: RejectLog,
}

fn poisoned() -> DataError {
    DataError::Internal { table: String::new(), message: "a reader thread panicked".into() }
}

/// Reads one input into `set`; returns the content hash and the quick fingerprint.
fn read_job(job: &Job, set: &mut TableSet<'_>) -> (u64, Option<u64>) {
    if job.kind == SourceKind::Parquet {
        read_parquet(job, set);
        let hash = job.hash.or_else(|| hash_file(&job.path).ok()).unwrap_or(0);
        let quick = job.quick.or_else(|| quick_fingerprint(&job.path).ok().map(|(_, q)| q));
        return (hash, quick);
    }
    let hash: SharedHash = Rc::new(RefCell::new(match (job.quick, job.size) {
        (None, Some(size)) => ReadHash::with_quick(size),
        _ => ReadHash::default(),
    }));
    let table = set.canonical(&job.table);
    let progress = set.progress();
    progress.file(&job.path);
    match crate::input::open_hashed(&job.path, progress, Some(hash.clone())) {
        Ok(reader) => {
            crate::reader::read_from(reader, &job.path, job.kind, &table, set);
            set.flush_progress();
        }
        Err(e) => {
            let at = crate::table::Location { file: job.path.as_path().into(), line: 0 };
            set.reject(&table, &at, crate::codes::UNREADABLE_FILE, format!("cannot read the file: {e}"), None);
        }
    }
    let (full, quick) = hash.borrow().finish(&job.path);
    (job.hash.unwrap_or(full), job.quick.or(quick))
}

/// Copies a Parquet input's batches into the store as they are.
fn read_parquet(job: &Job, set: &mut TableSet<'_>) {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let table = set.canonical(&job.table);
    let at = crate::table::Location { file: job.path.as_path().into(), line: 0 };
    let reader = File::open(&job.path)
        .map_err(|e| e.to_string())
        .and_then(|f| ParquetRecordBatchReaderBuilder::try_new(f).map_err(|e| e.to_string()))
        .and_then(|b| b.with_batch_size(8192).build().map_err(|e| e.to_string()));
    match reader {
        Ok(reader) => {
            for batch in reader {
                match batch {
                    Ok(batch) => set.push_batch(&table, batch),
                    Err(e) => {
                        let reason = format!("cannot read the Parquet file: {e}");
                        return set.reject(&table, &at, crate::codes::TRUNCATED, reason, None);
                    }
                }
            }
        }
        Err(e) => set.reject(&table, &at, crate::codes::UNREADABLE_FILE, format!("cannot read the file: {e}"), None),
    }
}

/// A rejects file shared by the reader threads.
#[derive(Clone)]
struct SharedWriter(Arc<Mutex<BufWriter<File>>>);

impl Write for SharedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.write_all(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.flush()
    }
}

/// A unique id for an ingest run: the time, then the process.
fn run_id() -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{nanos:x}-{:x}", std::process::id())
}

/// Removes temporary files and parts no manifest lists (left by a crash).
fn remove_leftovers(store: &Path, manifest: &Manifest) {
    let listed: HashSet<PathBuf> = manifest.parts.iter().map(|p| store.join(&p.path)).collect();
    let Ok(tables) = fs::read_dir(store) else { return };
    for table in tables.flatten() {
        let Ok(days) = fs::read_dir(table.path()) else { continue };
        for day in days.flatten() {
            if !day.file_name().to_string_lossy().starts_with("day=") {
                continue;
            }
            let Ok(files) = fs::read_dir(day.path()) else { continue };
            for file in files.flatten() {
                let name = file.file_name().to_string_lossy().into_owned();
                let ours = (name.starts_with("part-") && name.ends_with(".parquet"))
                    || (name.starts_with(".part-") && name.ends_with(".tmp"));
                if ours && !listed.contains(&file.path()) {
                    let _ = fs::remove_file(file.path());
                }
            }
        }
    }
}

/// Buffers decoded rows per (table, day) and writes them as sorted Parquet parts.
pub(crate) struct PartWriter {
    store: PathBuf,
    run: String,
    worker: usize,
    budget: usize,
    row_group_rows: usize,
    buffered: usize,
    buffers: HashMap<(String, String), Buffer>,
    seq: usize,
    /// Parts written.
    pub parts: Vec<PartEntry>,
    /// Per table: time span and devices.
    pub stats: BTreeMap<String, TableStats>,
}

#[derive(Default)]
struct Buffer {
    batches: Vec<RecordBatch>,
    bytes: usize,
}

/// Time span and devices of a table.
#[derive(Default, Debug)]
pub(crate) struct TableStats {
    pub min_time: Option<i64>,
    pub max_time: Option<i64>,
    pub devices: FastSet<String>,
}

/// Rows gathered in sorted order per write to the Parquet writer.
const GATHER_ROWS: usize = 8192;

/// Distinct devices are counted up to this many per table.
const MAX_DEVICES: usize = 1_000_000;

impl PartWriter {
    fn new(store: &Path, run: &str, worker: usize, options: &IngestOptions) -> PartWriter {
        PartWriter {
            store: store.to_path_buf(),
            run: run.to_string(),
            worker,
            budget: options.buffer_bytes.max(1 << 20),
            row_group_rows: options.row_group_rows.max(1),
            buffered: 0,
            buffers: HashMap::new(),
            seq: 0,
            parts: Vec::new(),
            stats: BTreeMap::new(),
        }
    }

    fn add(&mut self, table: &str, batch: RecordBatch) -> Result<(), DataError> {
        if batch.num_rows() == 0 {
            return Ok(());
        }
        let time = time_column(batch.schema_ref());
        let stats = self.stats.entry(table.to_string()).or_default();
        note_devices(&batch, stats);
        let days: Vec<Option<i64>> = match time {
            Some(i) => {
                let col = batch.column(i).as_primitive::<TimestampNanosecondType>();
                let mut min = stats.min_time;
                let mut max = stats.max_time;
                for v in col.iter().flatten() {
                    min = Some(min.map_or(v, |m| m.min(v)));
                    max = Some(max.map_or(v, |m| m.max(v)));
                }
                stats.min_time = min;
                stats.max_time = max;
                col.iter().map(|v| v.map(|t| t.div_euclid(NANOS_PER_DAY))).collect()
            }
            None => vec![None; batch.num_rows()],
        };
        // Runs of rows of one day. A batch usually holds one day, or a few days one after the
        // other (files are hourly): each run is then a zero-copy slice of the batch.
        let mut runs: Vec<(Option<i64>, usize, usize)> = Vec::new();
        for (row, d) in days.iter().enumerate() {
            match runs.last_mut() {
                Some((day, _, len)) if day == d => *len += 1,
                _ => runs.push((*d, row, 1)),
            }
        }
        let distinct: HashSet<Option<i64>> = runs.iter().map(|r| r.0).collect();
        if runs.len() == 1 {
            self.buffer(table, day_name(runs[0].0), batch, None);
        } else if distinct.len() == runs.len() {
            let n = batch.num_rows();
            let bytes = batch.get_array_memory_size();
            for (d, start, len) in runs {
                let part = batch.slice(start, len);
                self.buffer(table, day_name(d), part, Some(bytes * len / n));
            }
        } else {
            let mut groups: BTreeMap<Option<i64>, Vec<u32>> = BTreeMap::new();
            for (row, d) in days.iter().enumerate() {
                groups.entry(*d).or_default().push(row as u32);
            }
            for (d, rows) in groups {
                let part = take_record_batch(&batch, &UInt32Array::from(rows)).map_err(|e| internal(table, e))?;
                self.buffer(table, day_name(d), part, None);
            }
        }
        while self.buffered > self.budget {
            let Some(key) = self.buffers.iter().max_by_key(|(_, b)| b.bytes).map(|(k, _)| k.clone()) else { break };
            self.write(&key)?;
        }
        Ok(())
    }

    /// Holds `batch` for (table, day); `bytes` is its share of memory when it is a slice.
    fn buffer(&mut self, table: &str, day: String, batch: RecordBatch, bytes: Option<usize>) {
        let bytes = bytes.unwrap_or_else(|| batch.get_array_memory_size());
        let buf = self.buffers.entry((table.to_string(), day)).or_default();
        buf.bytes += bytes;
        buf.batches.push(batch);
        self.buffered += bytes;
    }

    fn finish(&mut self) -> Result<(), DataError> {
        let mut keys: Vec<_> = self.buffers.keys().cloned().collect();
        keys.sort();
        for key in keys {
            self.write(&key)?;
        }
        Ok(())
    }

    /// Sorts one buffer by time and writes it as one part.
    fn write(&mut self, key: &(String, String)) -> Result<(), DataError> {
        let Some(buf) = self.buffers.remove(key) else { return Ok(()) };
        self.buffered -= buf.bytes;
        let (table, day) = key;
        let schema = widest_schema(&buf.batches);
        let batches: Vec<RecordBatch> =
            buf.batches.iter().map(|b| widen(b, &schema)).collect::<Result<_, _>>().map_err(|e| internal(table, e))?;
        drop(buf);
        // The sorted order as (batch, row) pairs; rows are then gathered one row group at a
        // time, so writing needs one row group of memory on top of the buffer, not a copy.
        let mut order: Vec<(i64, u32, u32)> = Vec::with_capacity(batches.iter().map(|b| b.num_rows()).sum());
        let time = time_column(&schema);
        for (bi, b) in batches.iter().enumerate() {
            match time {
                Some(i) => {
                    let col = b.column(i).as_primitive::<TimestampNanosecondType>();
                    // Nulls last.
                    order.extend(col.iter().enumerate().map(|(r, v)| (v.unwrap_or(i64::MAX), bi as u32, r as u32)));
                }
                None => order.extend((0..b.num_rows()).map(|r| (0, bi as u32, r as u32))),
            }
        }
        // (time, batch, row) are distinct, so an unstable sort gives the one order.
        order.sort_unstable();
        let dir_rel = PathBuf::from(table).join(format!("day={day}"));
        let dir = self.store.join(&dir_rel);
        fs::create_dir_all(&dir).map_err(|e| DataError::io(&dir, e))?;
        self.seq += 1;
        let name = format!("part-{}-{}-{}.parquet", self.run, self.worker, self.seq);
        let tmp = dir.join(format!(".{name}.tmp"));
        let file = File::create(&tmp).map_err(|e| DataError::io(&tmp, e))?;
        let mut writer =
            ArrowWriter::try_new(file, schema.clone(), Some(writer_properties(&schema, &batches, self.row_group_rows)))
                .map_err(|e| internal(table, e))?;
        let refs: Vec<&RecordBatch> = batches.iter().collect();
        // Gathered a slice of a row group at a time (the writer makes the row groups), so the
        // sorted copy is small and its memory is reused.
        for chunk in order.chunks(self.row_group_rows.min(GATHER_ROWS)) {
            let indices: Vec<(usize, usize)> = chunk.iter().map(|&(_, b, r)| (b as usize, r as usize)).collect();
            let sorted = interleave_record_batch(&refs, &indices).map_err(|e| internal(table, e))?;
            writer.write(&sorted).map_err(|e| internal(table, e))?;
        }
        let file = writer.into_inner().map_err(|e| internal(table, e))?;
        file.sync_all().map_err(|e| DataError::io(&tmp, e))?;
        drop(file);
        let path = dir.join(&name);
        fs::rename(&tmp, &path).map_err(|e| DataError::io(&path, e))?;
        let rows = order.len();
        self.parts.push(PartEntry {
            table: table.clone(),
            day: day.clone(),
            path: dir_rel.join(&name).to_string_lossy().replace('\\', "/"),
            rows: rows as u64,
            run: self.run.clone(),
        });
        Ok(())
    }
}

impl BatchSink for PartWriter {
    fn batch(&mut self, table: &str, batch: RecordBatch) -> Result<(), DataError> {
        self.add(table, batch)
    }
    fn finish(&mut self) -> Result<(), DataError> {
        PartWriter::finish(self)
    }
    fn into_any(self: Box<Self>) -> Box<dyn std::any::Any> {
        self
    }
}

/// How parts are written: Snappy, row groups of `rows`, min/max statistics on every column
/// but strings. Time statistics are what lets a time-bounded query skip files and row groups;
/// min/max over long strings cost as much as the rest of the writing (profiled) and prune
/// little (hunts match strings case-insensitively or by substring). String columns whose values
/// are nearly all distinct (hashes, ids, command lines: judged on a sample of the part) are
/// written without a dictionary: building one costs a hash and a compare per value and Parquet
/// then falls back to plain encoding anyway.
fn writer_properties(schema: &Schema, batches: &[RecordBatch], rows: usize) -> WriterProperties {
    let mut b = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(rows.max(1)))
        .set_statistics_enabled(EnabledStatistics::Page);
    for (i, f) in schema.fields().iter().enumerate() {
        let path = parquet::schema::types::ColumnPath::from(f.name().as_str());
        if matches!(f.data_type(), DataType::Utf8 | DataType::LargeUtf8) {
            b = b.set_column_statistics_enabled(path.clone(), EnabledStatistics::None);
        }
        if mostly_distinct(batches, i) {
            b = b.set_column_dictionary_enabled(path, false);
        }
    }
    b.build()
}

/// Rows looked at to judge whether a string column is worth a dictionary.
const DICTIONARY_SAMPLE: usize = 1024;

/// Whether more than half of a sample of column `i` (strings, longs, reals, datetimes,
/// timespans) are distinct values (sampled across the part's batches; short parts are not judged).
fn mostly_distinct(batches: &[RecordBatch], i: usize) -> bool {
    let total: usize = batches.iter().map(|b| b.num_rows()).sum();
    if total < 2 * DICTIONARY_SAMPLE {
        return false;
    }
    let per_batch = DICTIONARY_SAMPLE.div_ceil(batches.len()).max(1);
    // Hashes of the values stand for the values: a collision only makes a judgement rougher.
    let hash = |bytes: &[u8]| {
        use std::hash::{BuildHasher, Hasher};
        let mut h = crate::fasthash::FastBuild::default().build_hasher();
        h.write(bytes);
        h.finish()
    };
    let mut seen: FastSet<u64> = FastSet::default();
    let mut sampled = 0usize;
    for b in batches {
        let col = b.column(i);
        let n = b.num_rows().min(per_batch);
        let step = (b.num_rows() / n.max(1)).max(1);
        let strings = col.as_string_opt::<i32>();
        let large = col.as_string_opt::<i64>();
        for k in 0..n {
            let j = k * step;
            sampled += 1;
            if col.is_null(j) {
                continue;
            }
            let h = if let Some(a) = strings {
                hash(a.value(j).as_bytes())
            } else if let Some(a) = large {
                hash(a.value(j).as_bytes())
            } else if let Some(a) = col.as_primitive_opt::<arrow::datatypes::Int64Type>() {
                a.value(j) as u64
            } else if let Some(a) = col.as_primitive_opt::<TimestampNanosecondType>() {
                a.value(j) as u64
            } else if let Some(a) = col.as_primitive_opt::<arrow::datatypes::Float64Type>() {
                a.value(j).to_bits()
            } else if let Some(a) = col.as_primitive_opt::<arrow::datatypes::DurationNanosecondType>() {
                a.value(j) as u64
            } else {
                return false;
            };
            seen.insert(h);
        }
        if sampled >= DICTIONARY_SAMPLE {
            break;
        }
    }
    seen.len() * 2 > sampled
}

fn internal(table: &str, e: impl std::fmt::Display) -> DataError {
    DataError::Internal { table: table.to_string(), message: e.to_string() }
}

fn day_name(day: Option<i64>) -> String {
    match day {
        None => "none".into(),
        Some(d) => {
            let (y, m, dd) = crate::values::civil_from_days(d);
            format!("{y:04}-{m:02}-{dd:02}")
        }
    }
}

/// The column a table is partitioned and sorted by.
fn time_column(schema: &Schema) -> Option<usize> {
    let is_ts = |i: usize| matches!(schema.field(i).data_type(), DataType::Timestamp(TimeUnit::Nanosecond, None));
    for name in ["Timestamp", "TimeGenerated"] {
        if let Ok(i) = schema.index_of(name)
            && is_ts(i)
        {
            return Some(i);
        }
    }
    (0..schema.fields().len()).find(|&i| is_ts(i))
}

fn note_devices(batch: &RecordBatch, stats: &mut TableStats) {
    if stats.devices.len() >= MAX_DEVICES {
        return;
    }
    // A device is its DeviceId, or its DeviceName where the id is empty (API exports).
    let schema = batch.schema_ref();
    let column = |name: &str| {
        schema.index_of(name).ok().and_then(|i| batch.column(i).as_any().downcast_ref::<StringArray>().cloned())
    };
    let (ids, names) = (column("DeviceId"), column("DeviceName"));
    let mut last = "";
    for row in 0..batch.num_rows() {
        let id = ids.as_ref().filter(|a| a.is_valid(row)).map(|a| a.value(row)).unwrap_or("");
        let v = if id.is_empty() {
            names.as_ref().filter(|a| a.is_valid(row)).map(|a| a.value(row)).unwrap_or("")
        } else {
            id
        };
        if !v.is_empty() && v != last && !stats.devices.contains(v) {
            stats.devices.insert(v.to_string());
        }
        last = v;
    }
}

/// The schema with the most columns (columns are only ever added, in order).
fn widest_schema(batches: &[RecordBatch]) -> SchemaRef {
    let mut widest = batches[0].schema();
    for b in batches {
        if b.num_columns() > widest.fields().len() {
            widest = b.schema();
        }
    }
    widest
}

/// `batch` with the columns of `schema` it lacks added as missing values.
fn widen(batch: &RecordBatch, schema: &SchemaRef) -> Result<RecordBatch, arrow::error::ArrowError> {
    if batch.schema_ref().fields().len() == schema.fields().len() && batch.schema_ref() == schema {
        return Ok(batch.clone());
    }
    let n = batch.num_rows();
    let columns: Vec<ArrayRef> = schema
        .fields()
        .iter()
        .map(|f| match batch.schema_ref().index_of(f.name()) {
            Ok(i) if batch.column(i).data_type() == f.data_type() => batch.column(i).clone(),
            _ => match f.data_type() {
                DataType::Utf8 => Arc::new(StringArray::from_iter_values(std::iter::repeat_n("", n))) as ArrayRef,
                dt => new_null_array(dt, n),
            },
        })
        .collect();
    RecordBatch::try_new(schema.clone(), columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days() {
        assert_eq!(day_name(Some(0)), "1970-01-01");
        assert_eq!(day_name(Some(19_723)), "2024-01-01");
        assert_eq!(day_name(Some(-1)), "1969-12-31");
        assert_eq!(day_name(None), "none");
    }
}
