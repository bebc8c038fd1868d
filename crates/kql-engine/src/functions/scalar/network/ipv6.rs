//! IPv6 comparison; IPv4 addresses are compared as their IPv4-mapped IPv6 form
//! (`127.0.0.1` equals `::ffff:7f00:1`), and the smallest of the written prefixes and the optional
//! `prefix` argument (0 to 128) is used. Text that is not an address gives null.
//!
//! - `ipv6_compare(ip1, ip2, [prefix])`: <https://learn.microsoft.com/en-us/kusto/query/ipv6-compare-function>
//! - `ipv6_is_match(ip1, ip2, [prefix])`: <https://learn.microsoft.com/en-us/kusto/query/ipv6-is-match-function>

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, BooleanArray, Int64Array};
use datafusion::common::Result;
use datafusion::logical_expr::ScalarUDF;

use super::ip::{mask6, parse_v6, prefix_arg};
use super::ipv4::text_at;
use crate::functions::scalar::conversion::udf::{Args, ints, ret, udf};

fn pairs(args: &Args) -> Result<Vec<Option<(u128, u128)>>> {
    let p = args.arrays.get(2).map(|a| ints(a, "ipv6 prefix")).transpose()?;
    Ok((0..args.rows)
        .map(|i| {
            let a = parse_v6(&text_at(args.arg(0), i)?)?;
            let b = parse_v6(&text_at(args.arg(1), i)?)?;
            let prefix = match &p {
                Some(p) => prefix_arg(p.get(i)?, 128)?,
                None => 128,
            };
            let m = mask6(prefix.min(a.prefix).min(b.prefix));
            Some((a.addr & m, b.addr & m))
        })
        .collect())
}

/// `kql_ipv6_compare(string, string, [prefix]) -> Int64`: -1, 0 or 1.
///
/// <https://learn.microsoft.com/en-us/kusto/query/ipv6-compare-function>
pub fn kql_ipv6_compare() -> ScalarUDF {
    udf("kql_ipv6_compare", 2..=3, ret::long, |args: &Args| {
        let out: Int64Array = pairs(args)?.into_iter().map(|p| p.map(|(a, b)| a.cmp(&b) as i64)).collect();
        Ok(Arc::new(out) as ArrayRef)
    })
    .build()
}

/// `kql_ipv6_is_match(string, string, [prefix]) -> Boolean`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/ipv6-is-match-function>
pub fn kql_ipv6_is_match() -> ScalarUDF {
    udf("kql_ipv6_is_match", 2..=3, ret::boolean, |args: &Args| {
        let out: BooleanArray = pairs(args)?.into_iter().map(|p| p.map(|(a, b)| a == b)).collect();
        Ok(Arc::new(out) as ArrayRef)
    })
    .build()
}

#[cfg(test)]
mod tests {
    use datafusion::common::ScalarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call_scalars, s};

    fn i(v: i64) -> ScalarValue {
        ScalarValue::Int64(Some(v))
    }

    #[test]
    fn follows_the_reference() {
        let c = kql_ipv6_compare();
        let m = kql_ipv6_is_match();
        // https://learn.microsoft.com/en-us/kusto/query/ipv6-compare-function and
        // https://learn.microsoft.com/en-us/kusto/query/ipv6-is-match-function examples: all equal.
        for (a, b) in [
            ("192.168.1.1", "192.168.1.1"),
            ("192.168.1.1/24", "192.168.1.255"),
            ("192.168.1.1/30", "192.168.1.255/24"),
            ("fe80::85d:e82c:9446:7994/120", "fe80::85d:e82c:9446:7998"),
            ("fe80::85d:e82c:9446:7994", "fe80::85d:e82c:9446:7998/120"),
            ("192.168.1.1", "::ffff:c0a8:0101"),
            ("192.168.1.1/24", "::ffff:c0a8:01ff"),
            ("::ffff:c0a8:0101", "192.168.1.255/24"),
            ("::192.168.1.1/30", "192.168.1.255/24"),
        ] {
            assert_eq!(call_scalars(&c, vec![s(a), s(b)]), i(0), "{a} {b}");
            assert_eq!(call_scalars(&m, vec![s(a), s(b)]), ScalarValue::Boolean(Some(true)), "{a} {b}");
        }
        for (a, b, p) in [
            ("fe80::85d:e82c:9446:7994", "fe80::85d:e82c:9446:7995", 127),
            ("fe80::85d:e82c:9446:7994/127", "fe80::85d:e82c:9446:7998", 120),
            ("192.168.1.1/24", "::ffff:c0a8:01ff", 127),
            ("::ffff:c0a8:0101", "192.168.1.255", 120),
        ] {
            assert_eq!(call_scalars(&c, vec![s(a), s(b), i(p)]), i(0), "{a} {b} {p}");
            assert_eq!(call_scalars(&m, vec![s(a), s(b), i(p)]), ScalarValue::Boolean(Some(true)), "{a} {b} {p}");
        }
    }

    #[test]
    fn order_and_invalid_input() {
        let c = kql_ipv6_compare();
        let m = kql_ipv6_is_match();
        assert_eq!(call_scalars(&c, vec![s("fe80::2"), s("fe80::1")]), i(1));
        assert_eq!(call_scalars(&c, vec![s("fe80::1"), s("fe80::2")]), i(-1));
        assert_eq!(call_scalars(&m, vec![s("fe80::1"), s("fe80::2")]), ScalarValue::Boolean(Some(false)));
        assert_eq!(call_scalars(&m, vec![s("fe80::1"), s("bad")]), ScalarValue::Boolean(None));
        assert_eq!(call_scalars(&m, vec![s(""), s("fe80::1")]), ScalarValue::Boolean(None));
        assert_eq!(call_scalars(&m, vec![s("fe80::1"), s("fe80::1"), i(129)]), ScalarValue::Boolean(None));
        assert_eq!(
            call_scalars(&c, vec![s("fe80::1"), s("fe80::1"), ScalarValue::Int64(None)]),
            ScalarValue::Int64(None)
        );
    }
}
