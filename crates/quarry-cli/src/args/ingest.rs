//! Arguments of `quarry ingest`.

/// Arguments of `quarry ingest`.
#[derive(Debug, clap::Args)]
pub struct IngestArgs {}
