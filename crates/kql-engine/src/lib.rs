//! KQL execution on Apache DataFusion.
//!
//! Third stage of Quarry's data flow: the AST (checked by `kql-semantics`) is planned straight
//! into DataFusion `LogicalPlan`s, never through SQL text, and KQL's own behaviour lives in the
//! scalar and aggregate functions of [`functions`], never in a DataFusion or SQL function whose
//! meaning differs.

mod dealt_files;
mod engine;
pub mod functions;
pub mod plan;
pub mod types;

pub use engine::{Engine, Explain, QueryError, QueryResult};
pub use plan::PlanError;

pub use engine::ScanCounts;
