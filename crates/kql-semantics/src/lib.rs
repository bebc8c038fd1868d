//! KQL semantic analysis: the table catalog, the function catalog, the binder and KQL's type
//! rules.
//!
//! Second stage of Quarry's data flow: it takes the AST from `kql-syntax`, resolves every name
//! against a [`Catalog`] of tables, gives every expression its KQL [`Type`], and reports what
//! Kusto would reject (unknown tables, columns and functions, wrong argument types...) as
//! diagnostics. No DataFusion here: the binder builds and tests in seconds.

mod binder;
pub mod catalog;
pub mod codes;
pub mod functions;
pub mod naming;
pub mod schema;
pub mod types;

pub use binder::{Analysis, BoundValue, bind};
pub use schema::Schema;

pub use catalog::{Catalog, Column, SchemaCatalog, TableSchema};
pub use types::Type;
