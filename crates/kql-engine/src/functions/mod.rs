//! The KQL function library as DataFusion functions, and the registry that installs them.
//!
//! Every KQL function with Kusto semantics is a `ScalarUDF` or `AggregateUDF` named `kql_<name>`
//! (so that it can never be confused with DataFusion's SQL function of the same name), one per
//! file under `scalar/<group>/` or `aggregate/`, each with unit tests for nulls and empty strings
//! and a link to its Kusto reference page.

pub mod aggregate;
pub mod scalar;

use datafusion::prelude::SessionContext;

/// Registers every KQL function with `ctx`.
pub fn register_all(ctx: &SessionContext) {
    for udf in scalar::all() {
        ctx.register_udf(udf);
    }
    for udaf in aggregate::all() {
        ctx.register_udaf(udaf);
    }
}
