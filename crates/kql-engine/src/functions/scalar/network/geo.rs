//! `geo_info_from_ip_address(ip)`: geolocation of an IPv4 or IPv6 address
//! (<https://learn.microsoft.com/en-us/kusto/query/geo-info-from-ip-address-function>).
//!
//! Kusto looks the address up in MaxMind's GeoLite2-City data and returns a bag that *may*
//! contain `country`, `state`, `city`, `latitude` and `longitude` ("if the information is
//! available"). Quarry runs offline and has no geolocation data, so every address is one whose
//! information is not available: a valid IPv4 or IPv6 address gives an empty bag `{}` (so
//! `geo.country` is null and `tostring(geo.country)` is `""`, as for a private address), and text
//! that is not an address gives null.

use std::net::IpAddr;

use datafusion::logical_expr::ScalarUDF;

use super::ipv4::text_at;
use crate::functions::scalar::conversion::udf::{Args, ret, udf};
use crate::functions::scalar::dynamic::arrays::dynamic_out;
use crate::functions::scalar::dynamic::json::Json;

/// `kql_geo_info_from_ip_address(string) -> dynamic`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/geo-info-from-ip-address-function>
pub fn kql_geo_info_from_ip_address() -> ScalarUDF {
    udf("kql_geo_info_from_ip_address", 1..=1, ret::dynamic, |args: &Args| {
        Ok(dynamic_out((0..args.rows).map(|i| {
            let text = text_at(args.arg(0), i)?;
            text.trim().parse::<IpAddr>().ok().map(|_| Json::Obj(Vec::new()))
        })))
    })
    .build()
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{Array, AsArray, StringArray};
    use datafusion::common::ScalarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call_arrays, call_scalars, col, dy, s};

    #[test]
    fn every_address_has_no_data() {
        let f = kql_geo_info_from_ip_address();
        // The page's example addresses: Quarry has no data for them.
        assert_eq!(call_scalars(&f, vec![s("20.53.203.50")]), dy("{}"));
        assert_eq!(call_scalars(&f, vec![s("2a03:2880:f12c:83:face:b00c::25de")]), dy("{}"));
        assert_eq!(call_scalars(&f, vec![s("10.0.0.1")]), dy("{}"));
        assert_eq!(call_scalars(&f, vec![dy(r#""8.8.8.8""#)]), dy("{}"));
        assert_eq!(call_scalars(&f, vec![s("not an ip")]), ScalarValue::LargeUtf8(None));
        assert_eq!(call_scalars(&f, vec![s("")]), ScalarValue::LargeUtf8(None));
        assert_eq!(call_scalars(&f, vec![ScalarValue::Utf8(None)]), ScalarValue::LargeUtf8(None));
        let out = call_arrays(&f, vec![col(StringArray::from(vec![Some("1.2.3.4"), None, Some("x")]))]);
        let out = out.as_string::<i64>();
        assert_eq!(out.value(0), "{}");
        assert!(out.is_null(1) && out.is_null(2));
    }
}
