//! `quarry ingest`.

use crate::Outcome;
use crate::args::IngestArgs;

/// Runs `quarry ingest`.
pub fn run(_args: IngestArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("quarry ingest is being built")
}
