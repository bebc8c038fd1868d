//! Loads `-d/--data` paths into the engine: JSON and CSV exports (every Defender and Sentinel
//! shape, see quarry-data) are decoded with the catalog's schema, Parquet files and Quarry
//! stores are registered for DataFusion to read lazily (pruning files by their time
//! statistics). Bad records are reported on stderr and skipped; the good ones are kept.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use kql_engine::Engine;
use quarry_data::{Progress, ReadOptions, load};

/// Inputs smaller than this are read without a progress bar (it would only flicker).
const BAR_FROM_BYTES: u64 = 64 << 20;

/// A progress bar on stderr (bytes read of the total, rate, records), drawn only when stderr
/// is a terminal.
pub struct Bar(ProgressBar, AtomicU64);

impl Bar {
    /// A bar for reading `paths`; hidden unless `show` and stderr is a terminal.
    pub fn new(paths: &[PathBuf], show: bool) -> Bar {
        let total: u64 = paths.iter().map(|p| size_of(p)).sum();
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        if show && std::io::stderr().is_terminal() {
            let style = ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} {msg} records",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.set_message("0");
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(200));
        }
        Bar(bar, AtomicU64::new(0))
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}

impl Progress for Bar {
    fn advance(&self, bytes: u64, records: u64) {
        if bytes > 0 {
            self.0.inc(bytes);
        }
        if records > 0 {
            // Reader threads report concurrently: count in an atomic, show the total.
            let n = self.1.fetch_add(records, Ordering::Relaxed) + records;
            self.0.set_message(n.to_string());
        }
    }
}

/// The total size of the files under `path`.
fn size_of(path: &Path) -> u64 {
    let Ok(meta) = std::fs::metadata(path) else { return 0 };
    if meta.is_file() {
        return meta.len();
    }
    let Ok(entries) = std::fs::read_dir(path) else { return 0 };
    entries.flatten().map(|e| size_of(&e.path())).sum()
}

/// How many rejected records are described one by one on stderr.
const SHOW_REJECTED: usize = 20;

/// Finds the tables under `paths` and registers each with `engine`. Returns how many records
/// were rejected.
pub async fn register(engine: &mut Engine, paths: &[PathBuf]) -> anyhow::Result<usize> {
    if paths.is_empty() {
        return Ok(0);
    }
    let catalog = kql_semantics::SchemaCatalog::defender();
    let total: u64 = paths.iter().map(|p| size_of(p)).sum();
    let bar = Bar::new(paths, total >= BAR_FROM_BYTES);
    let loaded = load(paths, &catalog, &ReadOptions::default(), &bar);
    bar.finish();
    let loaded = loaded.context("cannot read the data")?;
    for (name, files) in &loaded.parquet {
        engine
            .register_parquet(name, files)
            .await
            .with_context(|| format!("cannot read the Parquet files of table {name}"))?;
    }
    for rejected in loaded.rejects.details.iter().take(SHOW_REJECTED) {
        eprintln!(
            "quarry: warning: {}:{}: record skipped ({}): {}",
            rejected.file.display(),
            rejected.line,
            rejected.code,
            rejected.reason
        );
    }
    if loaded.rejects.count > SHOW_REJECTED.min(loaded.rejects.details.len()) {
        let per_table: Vec<String> = loaded.rejects.per_table.iter().map(|(t, n)| format!("{t}: {n}")).collect();
        eprintln!("quarry: warning: {} records skipped in all ({})", loaded.rejects.count, per_table.join(", "));
    }
    for data in loaded.tables {
        engine.register_batches(&data.name, data.schema, data.batches)?;
    }
    Ok(loaded.rejects.count)
}
