//! One module per subcommand. Each takes its options type and returns an [`crate::Outcome`].

pub mod check;
pub mod query;
pub mod shell;
