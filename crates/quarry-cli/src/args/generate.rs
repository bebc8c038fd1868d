//! Arguments of `quarry gen`.

/// Arguments of `quarry gen`.
#[derive(Debug, clap::Args)]
pub struct GenArgs {}
