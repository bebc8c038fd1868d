//! `quarry gen`.

use crate::Outcome;
use crate::args::GenArgs;

/// Runs `quarry gen`.
pub fn run(_args: GenArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("quarry gen is being built")
}
