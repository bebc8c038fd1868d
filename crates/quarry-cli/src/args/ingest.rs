//! Arguments of `quarry ingest`.

use std::path::PathBuf;

/// Arguments of `quarry ingest`.
#[derive(Debug, clap::Args)]
pub struct IngestArgs {
    /// Files or folders of exports: Defender streaming API (Storage or Event Hub, plain or
    /// gzip), advanced-hunting and Graph API responses, portal CSV, Log Analytics responses,
    /// NDJSON or Parquet per table.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,

    /// The store to create or append to.
    #[arg(long = "store", value_name = "DIR")]
    pub store: PathBuf,

    /// Files read in parallel (default: the number of cores, at most 8).
    #[arg(long = "threads", value_name = "N")]
    pub threads: Option<usize>,

    /// Do not show a progress bar, even on a terminal.
    #[arg(long = "quiet", short = 'q')]
    pub quiet: bool,
}
