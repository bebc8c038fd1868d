//! Arguments of `quarry rules`.

/// Arguments of `quarry rules`.
#[derive(Debug, clap::Args)]
pub struct RulesArgs {}
