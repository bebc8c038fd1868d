//! Loads `-d/--data` paths into the engine: NDJSON tables are decoded with the catalog's
//! schema, Parquet files are registered for DataFusion to read lazily. Bad records are
//! reported on stderr and skipped; the good ones are kept.

use std::path::PathBuf;

use anyhow::Context;
use kql_engine::Engine;
use quarry_data::{ReadOptions, SourceKind, discover_all, read_table};

/// Finds the tables under `paths` and registers each with `engine`.
pub async fn register(engine: &mut Engine, paths: &[PathBuf]) -> anyhow::Result<()> {
    if paths.is_empty() {
        return Ok(());
    }
    let sources = discover_all(paths).context("cannot read the data")?;
    let catalog = kql_semantics::SchemaCatalog::defender();
    for source in sources {
        match source.kind {
            SourceKind::Parquet => engine
                .register_parquet(&source.name, &source.paths)
                .await
                .with_context(|| format!("cannot read the Parquet files of table {}", source.name))?,
            _ => {
                let data = read_table(&source, &catalog, &ReadOptions::default())
                    .with_context(|| format!("cannot read table {}", source.name))?;
                for rejected in &data.rejected {
                    eprintln!(
                        "quarry: warning: {}:{}: record skipped ({}): {}",
                        rejected.file.display(),
                        rejected.line,
                        rejected.code,
                        rejected.reason
                    );
                }
                if data.rejected_count > data.rejected.len() {
                    eprintln!("quarry: warning: table {}: {} records skipped in all", data.name, data.rejected_count);
                }
                engine.register_batches(&data.name, data.schema, data.batches)?;
            }
        }
    }
    Ok(())
}
