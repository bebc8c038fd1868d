//! Synthetic Defender XDR telemetry for trying and benchmarking Quarry without real data.
//!
//! [`generate`] writes seven advanced-hunting tables (`DeviceProcessEvents`,
//! `DeviceNetworkEvents`, `DeviceFileEvents`, `DeviceRegistryEvents`, `DeviceLogonEvents`,
//! `DeviceFileCertificateInfo`, `DeviceInfo`) for a fleet of Windows devices, with every column
//! of the catalog filled the way Defender fills it, and plants RMM tool activity from the
//! built-in catalogue on some devices, near misses that no rule may match on others, and a
//! `ground-truth.json` saying what the rules should find.
//!
//! Output is a function of the options alone: the same options give byte-identical files.
//! Generation is streamed: each table is built one row group (at most 256K rows) at a time,
//! so memory stays bounded whatever the number of events.

#![deny(missing_docs)]

pub mod fleet;
pub mod matching;
pub mod model;
pub mod plant;
pub mod pq;
pub mod rng;
pub mod rows;
pub mod sink;
pub mod table;
pub mod time;
pub mod truth;
pub mod vocab;

use std::path::{Path, PathBuf};

pub use plant::PlantSpec;
pub use table::{Table, TableSpec};

use crate::fleet::Fleet;
use crate::model::Model;
use crate::rng::Rng;
use crate::rows::Ctx;
use crate::sink::{NdjsonSink, ParquetSink, Sink, StreamingSink};
use crate::table::Batch;
use crate::time::{DAY, HOUR};

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum GenError {
    /// Bad options.
    #[error("{0}")]
    Options(String),
    /// A file could not be read or written.
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
    /// Parquet writing failed.
    #[error("{0}: cannot write Parquet: {1}")]
    Parquet(PathBuf, String),
    /// The plant file is malformed.
    #[error("{file}:{line}:{column}: {message}")]
    PlantFile {
        /// The file.
        file: PathBuf,
        /// 1-based line (0 when the whole file is concerned).
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was expected.
        message: String,
    },
    /// A tool named in the plant file is not in the catalogue.
    #[error("no tool called `{0}` in the RMM catalogue (see `quarry rules list`)")]
    UnknownTool(String),
    /// The table catalog lacks something the generator needs.
    #[error("table catalog: {0}")]
    Catalog(String),
    /// A bug.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Output layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// Parquet by table and day (`<Table>/day=YYYY-MM-DD/part-00000.parquet`).
    #[default]
    Store,
    /// One NDJSON file per table (`<Table>.json`).
    Ndjson,
    /// The Defender streaming API's Storage layout.
    Streaming,
}

impl Format {
    /// The format's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Store => "store",
            Format::Ndjson => "ndjson",
            Format::Streaming => "streaming",
        }
    }
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct GenOptions {
    /// Output folder (created; must be empty if it exists).
    pub out: PathBuf,
    /// Rows in all, across the seven tables (planted rows included).
    pub events: u64,
    /// Devices in the fleet.
    pub devices: usize,
    /// Seed: the same options and seed give the same bytes.
    pub seed: u64,
    /// First instant (ns since the epoch), inclusive.
    pub start: i64,
    /// Last instant (ns since the epoch), exclusive; also the `now()` to hunt with.
    pub end: i64,
    /// Layout.
    pub format: Format,
    /// What to plant.
    pub plant: PlantSpec,
    /// The tools to plant from (the built-in catalogue); empty: a small built-in list.
    pub tools: Vec<quarry_hunt::catalog::Tool>,
    /// Tables generated at once (each table is one thread's work); 0: one per core. The output
    /// does not depend on it.
    pub threads: usize,
}

/// What was written.
#[derive(Clone, Debug)]
pub struct Summary {
    /// Rows per table, in [`Table::ALL`] order.
    pub rows: [u64; 7],
    /// Data files written.
    pub files: Vec<PathBuf>,
    /// The ground-truth file.
    pub ground_truth: PathBuf,
    /// Devices with planted tool activity.
    pub planted_devices: usize,
    /// Distinct tools planted.
    pub planted_tools: usize,
    /// Decoy-only devices.
    pub decoy_devices: usize,
}

/// Rows per batch, and so per Parquet row group at most (a day's rows of a table may take
/// several). Each row group writes its own dictionaries, so every device's and program's
/// strings are added again in each: at 5,000 devices and 64K rows that was nearly one
/// dictionary value per row. 256K rows (about a day of a table at 10M events) cost ~100 MB
/// more memory per thread.
const ROW_GROUP: usize = 256 * 1024;

/// Share of background rows per table, in [`Table::ALL`] order (per mille).
const SHARES: [u64; 7] = [180, 300, 250, 160, 40, 55, 15];

/// Every file under `dir` with its bytes, by path relative to `dir`: what "the same options
/// give byte-identical output" compares (the determinism tests of this crate and of the
/// `quarry gen` command use it).
pub fn files(dir: &Path) -> std::io::Result<std::collections::BTreeMap<PathBuf, Vec<u8>>> {
    fn walk(root: &Path, dir: &Path, out: &mut std::collections::BTreeMap<PathBuf, Vec<u8>>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                walk(root, &path, out)?;
            } else {
                let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
                out.insert(relative, std::fs::read(&path)?);
            }
        }
        Ok(())
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, &mut out)?;
    Ok(out)
}

/// Checks the options.
pub fn validate(opts: &GenOptions) -> Result<(), GenError> {
    if opts.devices == 0 {
        return Err(GenError::Options("--devices must be at least 1".into()));
    }
    if opts.devices > 10_000_000 {
        return Err(GenError::Options("--devices must be at most 10000000".into()));
    }
    if opts.end <= opts.start {
        return Err(GenError::Options("--end must be after --start".into()));
    }
    if opts.end - opts.start < HOUR {
        return Err(GenError::Options("--start and --end must be at least an hour apart".into()));
    }
    if opts.events > 10_000_000_000 {
        return Err(GenError::Options("--events must be at most 10000000000".into()));
    }
    opts.plant.validate().map_err(GenError::Options)?;
    Ok(())
}

fn check_out(out: &Path) -> Result<(), GenError> {
    match std::fs::read_dir(out) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(GenError::Options(format!(
                    "{}: the output folder is not empty; give a new or empty folder",
                    out.display()
                )));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(out).map_err(|e| GenError::Io(out.to_path_buf(), e))
        }
        Err(e) => Err(GenError::Io(out.to_path_buf(), e)),
    }
}

/// Relative activity at an instant: busier in working hours, quieter at weekends.
fn activity_at(t: i64) -> f64 {
    let days = t.div_euclid(DAY);
    let hour = t.rem_euclid(DAY) / HOUR;
    // 1970-01-01 was a Thursday; 0 = Sunday.
    let weekday = (days + 4).rem_euclid(7);
    let day = if weekday == 0 || weekday == 6 { 0.4 } else { 1.0 };
    let h = match hour {
        8..=17 => 1.0,
        6 | 7 | 18 | 19 => 0.6,
        _ => 0.3,
    };
    day * h
}

/// What every table's generator reads.
struct TableWork<'a> {
    opts: &'a GenOptions,
    fleet: &'a Fleet,
    model: &'a Model,
    plan: &'a plant::Plan,
    pools: &'a rows::BackgroundPools,
    domains: &'a [Vec<&'static str>],
    file_ok: &'a [bool],
    registry_ok: &'a [bool],
    /// Time-slice bounds, and the cumulative share of activity before each.
    bounds: &'a [i64],
    cum: &'a [f64],
}

/// What one table's generator wrote.
struct TableOut {
    rows: u64,
    /// (index in the plan's rows, ReportId) of each planted row.
    reports: Vec<(usize, i64)>,
    files: Vec<PathBuf>,
    parts: Vec<quarry_data::store::PartEntry>,
}

impl<'a> TableWork<'a> {
    /// Generates all of one table: `total` background rows spread over the time slices by
    /// activity, and its planted rows (`planted`, indices into the plan's rows, in time order).
    fn table(&self, spec: &TableSpec, total: u64, planted: &[usize]) -> Result<TableOut, GenError> {
        let opts = self.opts;
        let plan = self.plan;
        let fleet = self.fleet;
        let mut sink: Box<dyn Sink> = match opts.format {
            Format::Store => Box::new(ParquetSink::new(&opts.out)),
            Format::Ndjson => Box::new(NdjsonSink::new(&opts.out)),
            Format::Streaming => Box::new(StreamingSink::new(&opts.out, &fleet.tenant_id, opts.seed)),
        };
        let mut ctx =
            Ctx::new(opts.seed, fleet, self.model, spec.table, self.domains.to_vec(), self.file_ok, self.registry_ok);
        let mut batch = Batch::new(spec, 8192);
        let t = spec.table.index();
        let slices = self.bounds.len() - 1;
        // The day the batch's rows are on: a batch is one Parquet row group, within one day.
        let mut batch_day = 0i64;
        let mut cursor = 0usize;
        let mut rows = 0u64;
        let mut reports = Vec::with_capacity(planted.len());
        let mut info_counter = 0u64;
        let mut times: Vec<i64> = Vec::new();
        let mut sort_scratch: Vec<i64> = Vec::new();
        for s in 0..slices {
            let (a, b) = (self.bounds[s], self.bounds[s + 1]);
            let before = (total as f64 * self.cum[s]).round() as u64;
            let after = if s + 1 == slices { total } else { (total as f64 * self.cum[s + 1]).round() as u64 };
            let n = after.saturating_sub(before);
            let mut rng = Rng::new(opts.seed, (s as u64) << 8 | t as u64);
            times.clear();
            times.extend((0..n).map(|_| (a + rng.below((b - a) as u64) as i64) / 100 * 100));
            // Draws are rounded down to 100 ns, so they can fall below `a` by as much.
            rng::sort_spread(&mut times, a.div_euclid(100) * 100, b, &mut sort_scratch);
            let mut bi = 0usize;
            loop {
                let next_plant = planted.get(cursor).copied().filter(|&i| plan.rows[i].ts < b);
                let next_bg = times.get(bi).copied();
                let (plant, ts) = match (next_plant, next_bg) {
                    (None, None) => break,
                    (Some(pi), bg) if bg.is_none_or(|ts| plan.rows[pi].ts <= ts) => (Some(pi), plan.rows[pi].ts),
                    (_, Some(ts)) => (None, ts),
                    (Some(_), None) => unreachable!("the guard above takes a plant when there is no background row"),
                };
                let day = ts.div_euclid(DAY);
                if batch.rows() >= ROW_GROUP || (batch.rows() > 0 && day != batch_day) {
                    rows += batch.rows() as u64;
                    sink.write(batch_day, &mut batch)?;
                }
                batch_day = day;
                match plant {
                    Some(pi) => {
                        reports.push((pi, ctx.planted(spec, &mut batch, &mut rng, &plan.rows[pi])));
                        cursor += 1;
                    }
                    None => {
                        let dev = if spec.table == Table::Info {
                            // Every device reports its state in turn.
                            let d = (info_counter % fleet.devices.len() as u64) as usize;
                            info_counter += 1;
                            d
                        } else {
                            fleet.by_activity.draw(&mut rng)
                        };
                        ctx.background(spec, &mut batch, &mut rng, &fleet.devices[dev], ts, self.pools);
                        bi += 1;
                    }
                }
            }
        }
        if batch.rows() > 0 {
            rows += batch.rows() as u64;
            sink.write(batch_day, &mut batch)?;
        }
        let finished = sink.finish()?;
        Ok(TableOut { rows, reports, files: finished.files, parts: finished.parts })
    }
}

/// Generates the data set. See the crate documentation.
pub fn generate(opts: &GenOptions) -> Result<Summary, GenError> {
    validate(opts)?;
    check_out(&opts.out)?;
    let specs: Vec<TableSpec> = Table::ALL.iter().map(|&t| TableSpec::new(t)).collect::<Result<_, _>>()?;
    let fleet = Fleet::new(opts.seed, opts.devices);
    let mut model = Model::new(opts.seed, opts.end);
    let (tools, source) = if opts.tools.is_empty() {
        (plant::fallback_tools(), "built-in test list")
    } else {
        (opts.tools.clone(), "catalogue")
    };
    let selected = plant::select_tools(&tools, &opts.plant.tools)?;
    let plan = plant::plan(opts.seed, &opts.plant, tools, &selected, &fleet, &mut model, opts.start, opts.end);

    // Background software that looks like any tool is left out, so findings come only from
    // what was planted.
    let allowed: Vec<bool> = (0..model.background)
        .map(|i| {
            let p = &model.procs[i];
            let cert = &model.certs[p.cert];
            let view = matching::RowView {
                company: &p.company,
                product: &p.product,
                file_name: &p.file,
                original: &p.original,
                folder_path: &p.path,
                signer: &cert.signer,
                ..matching::RowView::default()
            };
            matching::none_match(&plan.matchers, &view, matching::ToolMatcher::any)
        })
        .collect();
    let pools = fleet::pools(&allowed);
    let domains: Vec<Vec<&'static str>> = vocab::DOMAIN_GROUPS
        .iter()
        .map(|g| g.iter().copied().filter(|d| !plan.matchers.iter().any(|m| m.url(d))).collect())
        .collect();

    // Planted rows by table, as indices into plan.rows (already sorted by time).
    let mut planted: [Vec<usize>; 7] = Default::default();
    for (i, r) in plan.rows.iter().enumerate() {
        planted[r.kind.table().index()].push(i);
    }
    let planted_total = plan.rows.len() as u64;
    let background = opts.events.saturating_sub(planted_total);
    let mut table_total = [0u64; 7];
    let share_sum: u64 = SHARES.iter().sum();
    let mut assigned = 0;
    for (i, s) in SHARES.iter().enumerate() {
        table_total[i] = background * s / share_sum;
        assigned += table_total[i];
    }
    table_total[1] += background - assigned;

    // Time slices: at most ~32K rows each (bounded memory), at most an hour long (so that the
    // working-day rhythm shows), and not so many that tiny runs make empty slices.
    let span = opts.end - opts.start;
    let hours = ((span + HOUR - 1) / HOUR) as u64;
    let by_rows = opts.events.div_ceil(32_768).max(1);
    let slices = by_rows.max(hours.min((opts.events / 16).max(1))).max(1) as usize;
    let bounds: Vec<i64> =
        (0..=slices).map(|i| opts.start + (span as i128 * i as i128 / slices as i128) as i64).collect();
    let weights: Vec<f64> = (0..slices)
        .map(|i| activity_at((bounds[i] + bounds[i + 1]) / 2) * (bounds[i + 1] - bounds[i]) as f64)
        .collect();
    let total_w: f64 = weights.iter().sum();
    let mut cum = vec![0f64; weights.len() + 1];
    for i in 0..weights.len() {
        cum[i + 1] = cum[i] + weights[i] / total_w;
    }

    // Background file and registry places too: a place is kept only if no tool's file or
    // registry rule matches a path made from it.
    let sample = |template: &str| {
        template
            .replace("{user}", "sample.user")
            .replace("{r}", "0a1b2c3d")
            .replace("{R}", "SVCHOST.EXE-0A1B2C3D")
            .replace("{d}", "Report")
            .replace("{sid}", "S-1-5-21-1-2-3-1001")
    };
    let file_ok: Vec<bool> = vocab::FILE_PLACES
        .iter()
        .map(|p| {
            p.2.iter().all(|ext| {
                let path = if ext.is_empty() { sample(p.0) } else { format!("{}.{ext}", sample(p.0)) };
                let view = matching::RowView { folder_path: &path, ..matching::RowView::default() };
                matching::none_match(&plan.matchers, &view, matching::ToolMatcher::path)
            })
        })
        .collect();
    let registry_ok: Vec<bool> = vocab::REGISTRY_PLACES
        .iter()
        .map(|p| {
            let key = sample(p.0);
            let view = matching::RowView { registry_key: &key, ..matching::RowView::default() };
            matching::none_match(&plan.matchers, &view, matching::ToolMatcher::key)
        })
        .collect();

    // Each table is generated on its own, start to end: its rows draw from random streams of
    // their own (one per time slice and table) and its ReportIds count per device and table
    // (Defender's ReportId is a per-device counter that identifies an event only together
    // with the device and the time), so tables can be made side by side and the bytes do not
    // depend on how many are.
    let work = TableWork {
        opts,
        fleet: &fleet,
        model: &model,
        plan: &plan,
        pools: &pools,
        domains: &domains,
        file_ok: &file_ok,
        registry_ok: &registry_ok,
        bounds: &bounds,
        cum: &cum,
    };
    let threads = match opts.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .clamp(1, Table::ALL.len());
    // The largest tables first, so that the last one to finish is a small one.
    const ORDER: [Table; 7] =
        [Table::File, Table::Network, Table::Process, Table::Registry, Table::Logon, Table::Certificate, Table::Info];
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<(Table, Result<TableOut, GenError>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(&table) = ORDER.get(n) else { break };
                        let t = table.index();
                        out.push((table, work.table(&specs[t], table_total[t], &planted[t])));
                    }
                    out
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap_or_default()).collect()
    });
    // Results (and the first error) in table order, whatever order the threads finished in.
    done.sort_by_key(|(table, _)| *table);
    let mut rows_written = [0u64; 7];
    let mut planted_report = vec![0i64; plan.rows.len()];
    let mut files = Vec::new();
    let mut parts = Vec::new();
    if done.len() != Table::ALL.len() {
        return Err(GenError::Internal("a table's generator thread stopped without a result".into()));
    }
    for (table, result) in done {
        let out = result?;
        rows_written[table.index()] = out.rows;
        for (i, report) in out.reports {
            planted_report[i] = report;
        }
        files.extend(out.files);
        parts.extend(out.parts);
    }
    files.sort();
    if opts.format == Format::Store {
        sink::write_store_manifest(&opts.out, parts)?;
    }
    let truth = truth::build(opts, &plan, &fleet, &planted_report, &rows_written, source);
    let gt_path = opts.out.join("ground-truth.json");
    let text = serde_json::to_string_pretty(&truth).map_err(|e| GenError::Internal(e.to_string()))?;
    std::fs::write(&gt_path, text + "\n").map_err(|e| GenError::Io(gt_path.clone(), e))?;
    let mut distinct: Vec<usize> = plan.plantings.iter().map(|p| p.tool).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let mut devices: Vec<usize> = plan.plantings.iter().map(|p| p.device).collect();
    devices.sort_unstable();
    devices.dedup();
    Ok(Summary {
        rows: rows_written,
        files,
        ground_truth: gt_path,
        planted_devices: devices.len(),
        planted_tools: distinct.len(),
        decoy_devices: plan.decoy_devices.len(),
    })
}
