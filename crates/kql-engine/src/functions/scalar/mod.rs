//! Scalar functions, one module per group. Each function is a `ScalarUDF` named `kql_<name>`.

pub mod conversion;
pub mod datetime;
pub mod dynamic;
pub mod logic;
pub mod math;
pub mod network;
pub mod string;

use datafusion::logical_expr::ScalarUDF;

/// Every scalar KQL function.
pub fn all() -> Vec<ScalarUDF> {
    let mut all = Vec::new();
    all.extend(string::all());
    all.extend(conversion::all());
    all.extend(dynamic::all());
    all.extend(datetime::all());
    all.extend(logic::all());
    all.extend(network::all());
    all.extend(math::all());
    all
}
