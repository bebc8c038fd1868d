//! KQL network functions: IPv4 parsing, formatting, comparison and range tests in IP-prefix
//! notation, IPv6 comparison, and geolocation (which has no data offline).

pub(crate) mod geo;
pub(crate) mod ip;
pub(crate) mod ipv4;
pub(crate) mod ipv6;

use datafusion::logical_expr::ScalarUDF;

/// Every function of this group.
pub fn all() -> Vec<ScalarUDF> {
    vec![
        ipv4::kql_parse_ipv4(),
        ipv4::kql_parse_ipv4_mask(),
        ipv4::kql_ipv4_compare(),
        ipv4::kql_ipv4_is_match(),
        ipv4::kql_ipv4_is_in_range(),
        ipv4::kql_ipv4_is_in_any_range(),
        ipv4::kql_ipv4_is_private(),
        ipv4::kql_ipv4_netmask_suffix(),
        ipv4::kql_format_ipv4(),
        ipv4::kql_format_ipv4_mask(),
        ipv6::kql_ipv6_compare(),
        ipv6::kql_ipv6_is_match(),
        geo::kql_geo_info_from_ip_address(),
    ]
}
