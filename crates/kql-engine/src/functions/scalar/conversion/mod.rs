//! KQL conversion functions (`tostring`, `toint`, `tolong`, `toreal`, `todecimal`, `tobool`,
//! `todatetime`, `totimespan`, `toguid`, `parse_json`), and the scaffolding and text forms
//! shared by the conversion, dynamic, datetime, logic and network groups.

pub(crate) mod convert;
pub(crate) mod numbers;
pub(crate) mod parse_json;
pub(crate) mod temporal;
pub(crate) mod text;
pub(crate) mod tobool;
pub(crate) mod toguid;
pub(crate) mod tostring;
pub(crate) mod udf;

use datafusion::logical_expr::ScalarUDF;

/// Every function of this group.
pub fn all() -> Vec<ScalarUDF> {
    let mut all = vec![
        tostring::kql_tostring(),
        numbers::kql_toint(),
        numbers::kql_tolong(),
        numbers::kql_todecimal(),
        temporal::kql_todatetime(),
        toguid::kql_toguid(),
    ];
    all.extend(numbers::kql_toreal());
    all.extend(tobool::kql_tobool());
    all.extend(temporal::kql_totimespan());
    all.extend(parse_json::kql_parse_json());
    all
}
