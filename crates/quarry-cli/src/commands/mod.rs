//! One module per subcommand. Each takes its options type and returns an [`crate::Outcome`].

pub mod check;
pub mod generate;
pub mod hunt;
pub mod ingest;
pub mod query;
pub mod rules;
pub mod shell;
