//! KQL logic functions: null and emptiness tests, `iff`, `coalesce`, `not`.

pub(crate) mod choice;
pub(crate) mod empty;

use datafusion::logical_expr::ScalarUDF;

/// Every function of this group.
pub fn all() -> Vec<ScalarUDF> {
    let mut all = vec![empty::kql_isempty(), empty::kql_isnull(), choice::kql_coalesce(), choice::kql_not()];
    all.extend(empty::kql_isnotempty());
    all.extend(empty::kql_isnotnull());
    all.extend(choice::kql_iff());
    all
}
