//! `quarry rules`.

use crate::Outcome;
use crate::args::RulesArgs;

/// Runs `quarry rules`.
pub fn run(_args: RulesArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("quarry rules is being built")
}
