//! Arguments of `quarry hunt`.

/// Arguments of `quarry hunt`.
#[derive(Debug, clap::Args)]
pub struct HuntArgs {}
