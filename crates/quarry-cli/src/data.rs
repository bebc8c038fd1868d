//! Loads `-d/--data` paths into the engine: JSON and CSV exports (every Defender and Sentinel
//! shape, see quarry-data) are decoded with the catalog's schema, Parquet files and Quarry
//! stores are registered for DataFusion to read lazily (pruning files by their time
//! statistics). Bad records are reported on stderr and skipped; the good ones are kept.

use std::path::PathBuf;

use anyhow::Context;
use kql_engine::Engine;
use quarry_data::{NoProgress, ReadOptions, load};

/// How many rejected records are described one by one on stderr.
const SHOW_REJECTED: usize = 20;

/// Finds the tables under `paths` and registers each with `engine`. Returns how many records
/// were rejected.
pub async fn register(engine: &mut Engine, paths: &[PathBuf]) -> anyhow::Result<usize> {
    if paths.is_empty() {
        return Ok(0);
    }
    let catalog = kql_semantics::SchemaCatalog::defender();
    let loaded = load(paths, &catalog, &ReadOptions::default(), &NoProgress).context("cannot read the data")?;
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
