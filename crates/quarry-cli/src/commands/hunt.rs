//! `quarry hunt`.

use crate::Outcome;
use crate::args::HuntArgs;

/// Runs `quarry hunt`.
pub fn run(_args: HuntArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("quarry hunt is being built")
}
