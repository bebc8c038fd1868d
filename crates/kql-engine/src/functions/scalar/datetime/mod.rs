//! KQL datetime functions.

pub(crate) mod calendar;

use datafusion::logical_expr::ScalarUDF;

/// Every function of this group.
pub fn all() -> Vec<ScalarUDF> {
    Vec::new()
}
