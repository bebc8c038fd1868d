//! IPv4 functions. Addresses are strings in IP-prefix notation (`192.168.1.1/24`): the prefix
//! masks the address, and when two addresses or an address and an optional `prefix` argument
//! are combined, the smallest prefix is used. Text that is not an IPv4 address gives null
//! (the empty string for the `format_*` functions).
//!
//! - `parse_ipv4(ip)`: <https://learn.microsoft.com/en-us/kusto/query/parse-ipv4-function>
//! - `parse_ipv4_mask(ip, prefix)`: <https://learn.microsoft.com/en-us/kusto/query/parse-ipv4-mask-function>
//! - `ipv4_compare(ip1, ip2, [prefix])`: <https://learn.microsoft.com/en-us/kusto/query/ipv4-compare-function>
//! - `ipv4_is_match(ip1, ip2, [prefix])`: <https://learn.microsoft.com/en-us/kusto/query/ipv4-is-match-function>
//! - `ipv4_is_in_range(ip, range)`: <https://learn.microsoft.com/en-us/kusto/query/ipv4-is-in-range-function>
//! - `ipv4_is_in_any_range(ip, range, ...)` or `(ip, dynamic_array_of_ranges)`:
//!   <https://learn.microsoft.com/en-us/kusto/query/ipv4-is-in-any-range-function>
//! - `ipv4_is_private(ip)`: 10.0.0.0/8, 172.16.0.0/12 and 192.168.0.0/16:
//!   <https://learn.microsoft.com/en-us/kusto/query/ipv4-is-private-function>
//! - `ipv4_netmask_suffix(ip)`: <https://learn.microsoft.com/en-us/kusto/query/ipv4-netmask-suffix-function>
//! - `format_ipv4(ip, [prefix])`: <https://learn.microsoft.com/en-us/kusto/query/format-ipv4-function>
//! - `format_ipv4_mask(ip, [prefix])`: <https://learn.microsoft.com/en-us/kusto/query/format-ipv4-mask-function>

use std::borrow::Cow;
use std::net::Ipv4Addr;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Int64Array, StringArray};
use datafusion::arrow::datatypes::{DataType, Int32Type, Int64Type};
use datafusion::common::Result;
use datafusion::logical_expr::ScalarUDF;

use super::ip::{V4, mask4, parse_v4, prefix_arg};
use crate::functions::scalar::conversion::udf::{Args, Ints, ints, ret, udf};
use crate::functions::scalar::dynamic::json::{Json, dynamic_at};

/// The text at row `i` of a string or dynamic-string argument (a null string is `""`).
pub(crate) fn text_at(a: &ArrayRef, i: usize) -> Option<Cow<'_, str>> {
    match a.data_type() {
        DataType::Utf8 => Some(Cow::Borrowed(a.as_string::<i32>().value(i))),
        DataType::Utf8View => Some(Cow::Borrowed(a.as_string_view().value(i))),
        DataType::LargeUtf8 => match dynamic_at(a, i) {
            Json::Str(s) => Some(Cow::Owned(s)),
            _ => None,
        },
        _ => None,
    }
}

/// The IPv4 address at row `i` of a string argument.
fn v4_at(a: &ArrayRef, i: usize) -> Option<V4> {
    parse_v4(&text_at(a, i)?)
}

/// The optional prefix argument `k` (0 to 32), `Some(32)` when absent, `None` when null or out
/// of range.
fn prefix_at(p: &Option<Ints>, i: usize) -> Option<u8> {
    match p {
        None => Some(32),
        Some(p) => prefix_arg(p.get(i)?, 32),
    }
}

fn opt_ints<'a>(args: &'a Args, k: usize, what: &str) -> Result<Option<Ints<'a>>> {
    args.arrays.get(k).map(|a| ints(a, what)).transpose()
}

/// `kql_parse_ipv4(string) -> Int64`: the masked address as a number.
///
/// <https://learn.microsoft.com/en-us/kusto/query/parse-ipv4-function>
pub fn kql_parse_ipv4() -> ScalarUDF {
    udf("kql_parse_ipv4", 1..=1, ret::long, |args: &Args| {
        let out: Int64Array = (0..args.rows).map(|i| v4_at(args.arg(0), i).map(|v| i64::from(v.masked()))).collect();
        Ok(Arc::new(out) as ArrayRef)
    })
    .build()
}

/// `kql_parse_ipv4_mask(string, prefix) -> Int64`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/parse-ipv4-mask-function>
pub fn kql_parse_ipv4_mask() -> ScalarUDF {
    udf("kql_parse_ipv4_mask", 2..=2, ret::long, |args: &Args| {
        let p = opt_ints(args, 1, "parse_ipv4_mask prefix")?;
        let out: Int64Array = (0..args.rows)
            .map(|i| {
                let v = v4_at(args.arg(0), i)?;
                let prefix = prefix_at(&p, i)?.min(v.prefix);
                Some(i64::from(v.addr & mask4(prefix)))
            })
            .collect();
        Ok(Arc::new(out) as ArrayRef)
    })
    .build()
}

/// The two addresses of row `i` masked with their combined prefix.
fn pair(args: &Args, p: &Option<Ints>, i: usize) -> Option<(u32, u32)> {
    let (a, b) = (v4_at(args.arg(0), i)?, v4_at(args.arg(1), i)?);
    let m = mask4(prefix_at(p, i)?.min(a.prefix).min(b.prefix));
    Some((a.addr & m, b.addr & m))
}

/// `kql_ipv4_compare(string, string, [prefix]) -> Int64`: -1, 0 or 1.
///
/// <https://learn.microsoft.com/en-us/kusto/query/ipv4-compare-function>
pub fn kql_ipv4_compare() -> ScalarUDF {
    udf("kql_ipv4_compare", 2..=3, ret::long, |args: &Args| {
        let p = opt_ints(args, 2, "ipv4_compare prefix")?;
        let out: Int64Array = (0..args.rows).map(|i| pair(args, &p, i).map(|(a, b)| a.cmp(&b) as i64)).collect();
        Ok(Arc::new(out) as ArrayRef)
    })
    .build()
}

/// `kql_ipv4_is_match(string, string, [prefix]) -> Boolean`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/ipv4-is-match-function>
pub fn kql_ipv4_is_match() -> ScalarUDF {
    udf("kql_ipv4_is_match", 2..=3, ret::boolean, |args: &Args| {
        let p = opt_ints(args, 2, "ipv4_is_match prefix")?;
        let out: BooleanArray = (0..args.rows).map(|i| pair(args, &p, i).map(|(a, b)| a == b)).collect();
        Ok(Arc::new(out) as ArrayRef)
    })
    .build()
}

/// True when `ip` (masked by its own prefix) is inside `range`.
fn in_range(ip: V4, range: V4) -> bool {
    let m = mask4(range.prefix);
    ip.masked() & m == range.addr & m
}

/// `kql_ipv4_is_in_range(string, string) -> Boolean`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/ipv4-is-in-range-function>
pub fn kql_ipv4_is_in_range() -> ScalarUDF {
    udf("kql_ipv4_is_in_range", 2..=2, ret::boolean, |args: &Args| {
        let out: BooleanArray =
            (0..args.rows).map(|i| Some(in_range(v4_at(args.arg(0), i)?, v4_at(args.arg(1), i)?))).collect();
        Ok(Arc::new(out) as ArrayRef)
    })
    .build()
}

/// `kql_ipv4_is_in_any_range(string, string... | dynamic) -> Boolean`: true when any range
/// holds the address; null when the address is invalid, or when no range holds it and some
/// range is invalid.
///
/// <https://learn.microsoft.com/en-us/kusto/query/ipv4-is-in-any-range-function>
pub fn kql_ipv4_is_in_any_range() -> ScalarUDF {
    udf("kql_ipv4_is_in_any_range", 2..=usize::MAX, ret::boolean, |args: &Args| {
        let out: BooleanArray = (0..args.rows)
            .map(|i| {
                let ip = v4_at(args.arg(0), i)?;
                let mut invalid = false;
                let mut check = |text: &str| match parse_v4(text) {
                    Some(r) => in_range(ip, r),
                    None => {
                        invalid = true;
                        false
                    }
                };
                for a in &args.arrays[1..] {
                    let hit = match a.data_type() {
                        DataType::LargeUtf8 => match dynamic_at(a, i) {
                            Json::Arr(items) => items.iter().any(|r| match r {
                                Json::Str(s) => check(s),
                                _ => false,
                            }),
                            Json::Str(s) => check(&s),
                            _ => false,
                        },
                        _ => text_at(a, i).is_some_and(|t| check(&t)),
                    };
                    if hit {
                        return Some(true);
                    }
                }
                (!invalid).then_some(false)
            })
            .collect();
        Ok(Arc::new(out) as ArrayRef)
    })
    .build()
}

/// `kql_ipv4_is_private(string) -> Boolean`.
///
/// <https://learn.microsoft.com/en-us/kusto/query/ipv4-is-private-function>
pub fn kql_ipv4_is_private() -> ScalarUDF {
    const PRIVATE: [(u32, u8); 3] = [(0x0A00_0000, 8), (0xAC10_0000, 12), (0xC0A8_0000, 16)];
    udf("kql_ipv4_is_private", 1..=1, ret::boolean, |args: &Args| {
        let out: BooleanArray = (0..args.rows)
            .map(|i| {
                let ip = v4_at(args.arg(0), i)?;
                Some(PRIVATE.iter().any(|&(addr, prefix)| in_range(ip, V4 { addr, prefix })))
            })
            .collect();
        Ok(Arc::new(out) as ArrayRef)
    })
    .build()
}

/// `kql_ipv4_netmask_suffix(string) -> Int64`: the prefix length, 32 when none is written.
///
/// <https://learn.microsoft.com/en-us/kusto/query/ipv4-netmask-suffix-function>
pub fn kql_ipv4_netmask_suffix() -> ScalarUDF {
    udf("kql_ipv4_netmask_suffix", 1..=1, ret::long, |args: &Args| {
        let out: Int64Array = (0..args.rows).map(|i| v4_at(args.arg(0), i).map(|v| i64::from(v.prefix))).collect();
        Ok(Arc::new(out) as ArrayRef)
    })
    .build()
}

/// An address given as text or as a number (0 to 2^32 - 1).
fn v4_or_number_at(a: &ArrayRef, i: usize) -> Option<V4> {
    let n = match a.data_type() {
        DataType::Int64 => {
            let v = a.as_primitive::<Int64Type>();
            v.is_valid(i).then(|| v.value(i))?
        }
        DataType::Int32 => {
            let v = a.as_primitive::<Int32Type>();
            v.is_valid(i).then(|| i64::from(v.value(i)))?
        }
        _ => return v4_at(a, i),
    };
    u32::try_from(n).ok().map(|addr| V4 { addr, prefix: 32 })
}

fn format_with(args: &Args, with_suffix: bool) -> Result<ArrayRef> {
    let p = opt_ints(args, 1, "format_ipv4 prefix")?;
    let out: StringArray = (0..args.rows)
        .map(|i| {
            let text = v4_or_number_at(args.arg(0), i).zip(prefix_at(&p, i)).map(|(v, prefix)| {
                let prefix = prefix.min(v.prefix);
                let addr = Ipv4Addr::from(v.addr & mask4(prefix));
                if with_suffix { format!("{addr}/{prefix}") } else { addr.to_string() }
            });
            Some(text.unwrap_or_default())
        })
        .collect();
    Ok(Arc::new(out))
}

/// `kql_format_ipv4(string | long, [prefix]) -> Utf8`: the masked address as dotted text.
///
/// <https://learn.microsoft.com/en-us/kusto/query/format-ipv4-function>
pub fn kql_format_ipv4() -> ScalarUDF {
    udf("kql_format_ipv4", 1..=2, ret::utf8, |args: &Args| format_with(args, false)).build()
}

/// `kql_format_ipv4_mask(string | long, [prefix]) -> Utf8`: the masked address and its prefix
/// in CIDR form.
///
/// <https://learn.microsoft.com/en-us/kusto/query/format-ipv4-mask-function>
pub fn kql_format_ipv4_mask() -> ScalarUDF {
    udf("kql_format_ipv4_mask", 1..=2, ret::utf8, |args: &Args| format_with(args, true)).build()
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{LargeStringArray, StringArray};
    use datafusion::arrow::datatypes::Int64Type;
    use datafusion::common::ScalarValue;
    use datafusion::logical_expr::ColumnarValue;

    use super::*;
    use crate::functions::scalar::conversion::udf::testing::{call_arrays, call_scalars, col, dy, s};

    fn i(v: i64) -> ScalarValue {
        ScalarValue::Int64(Some(v))
    }

    fn b(v: Option<bool>) -> ScalarValue {
        ScalarValue::Boolean(v)
    }

    #[test]
    fn parse_ipv4_follows_the_reference() {
        // https://learn.microsoft.com/en-us/kusto/query/parse-ipv4-function example.
        let out = call_arrays(
            &kql_parse_ipv4(),
            vec![col(StringArray::from(vec![
                Some("192.168.1.1"),
                Some("192.168.1.1/24"),
                Some("255.255.255.255/31"),
                Some("x"),
                None,
            ]))],
        );
        assert_eq!(
            out.as_primitive::<Int64Type>().iter().collect::<Vec<_>>(),
            vec![Some(3_232_235_777), Some(3_232_235_776), Some(4_294_967_294), None, None]
        );
        // https://learn.microsoft.com/en-us/kusto/query/parse-ipv4-mask-function example.
        assert_eq!(call_scalars(&kql_parse_ipv4_mask(), vec![s("127.0.0.1"), i(24)]), i(2_130_706_432));
        assert_eq!(call_scalars(&kql_parse_ipv4_mask(), vec![s("127.0.0.1"), i(33)]), ScalarValue::Int64(None));
        assert_eq!(call_scalars(&kql_parse_ipv4(), vec![dy("\"10.0.0.1\"")]), i(167_772_161));
    }

    #[test]
    fn compare_and_match_follow_the_reference() {
        // https://learn.microsoft.com/en-us/kusto/query/ipv4-compare-function and
        // https://learn.microsoft.com/en-us/kusto/query/ipv4-is-match-function examples.
        for (a, b2) in [
            ("192.168.1.0", "192.168.1.0"),
            ("192.168.1.1/24", "192.168.1.255"),
            ("192.168.1.1", "192.168.1.255/24"),
            ("192.168.1.1/30", "192.168.1.255/24"),
        ] {
            assert_eq!(call_scalars(&kql_ipv4_compare(), vec![s(a), s(b2)]), i(0), "{a} {b2}");
            assert_eq!(call_scalars(&kql_ipv4_is_match(), vec![s(a), s(b2)]), b(Some(true)), "{a} {b2}");
        }
        for (a, b2, p) in [
            ("192.168.1.1", "192.168.1.0", 31),
            ("192.168.1.1/24", "192.168.1.255", 31),
            ("192.168.1.1", "192.168.1.255", 24),
        ] {
            assert_eq!(call_scalars(&kql_ipv4_compare(), vec![s(a), s(b2), i(p)]), i(0));
            assert_eq!(call_scalars(&kql_ipv4_is_match(), vec![s(a), s(b2), i(p)]), b(Some(true)));
        }
        assert_eq!(call_scalars(&kql_ipv4_compare(), vec![s("10.0.0.2"), s("10.0.0.1")]), i(1));
        assert_eq!(call_scalars(&kql_ipv4_compare(), vec![s("10.0.0.1"), s("10.0.0.2")]), i(-1));
        assert_eq!(call_scalars(&kql_ipv4_is_match(), vec![s("10.0.0.1"), s("10.0.0.2")]), b(Some(false)));
        assert_eq!(call_scalars(&kql_ipv4_is_match(), vec![s("10.0.0.1"), s("bad")]), b(None));
        assert_eq!(call_scalars(&kql_ipv4_compare(), vec![s(""), s("10.0.0.1")]), ScalarValue::Int64(None));
    }

    #[test]
    fn ranges_follow_the_reference() {
        let f = kql_ipv4_is_in_range();
        // https://learn.microsoft.com/en-us/kusto/query/ipv4-is-in-range-function example.
        assert_eq!(call_scalars(&f, vec![s("192.168.1.1"), s("192.168.1.1")]), b(Some(true)));
        assert_eq!(call_scalars(&f, vec![s("192.168.1.1"), s("192.168.1.255/24")]), b(Some(true)));
        assert_eq!(call_scalars(&f, vec![s("192.168.2.1"), s("192.168.1.255/24")]), b(Some(false)));
        assert_eq!(call_scalars(&f, vec![s("192.168.2.1"), s("nope")]), b(None));

        let f = kql_ipv4_is_in_any_range();
        // https://learn.microsoft.com/en-us/kusto/query/ipv4-is-in-any-range-function examples.
        assert_eq!(
            call_scalars(&f, vec![s("192.168.1.6"), s("192.168.1.1/24"), s("10.0.0.1/8"), s("127.1.0.1/16")]),
            b(Some(true))
        );
        assert_eq!(call_scalars(&f, vec![s("127.0.0.1"), dy(r#"["127.0.0.1", "192.168.1.1"]"#)]), b(Some(true)));
        let local = dy(r#"["192.168.1.1/16", "127.0.0.1/8", "10.0.0.1/8"]"#);
        let out = call_arrays(
            &f,
            vec![
                col(StringArray::from(vec!["10.1.2.3", "192.168.1.5", "123.1.11.21", "1.1.1.1"])),
                ColumnarValue::Scalar(local),
            ],
        );
        assert_eq!(out.as_boolean().iter().collect::<Vec<_>>(), vec![Some(true), Some(true), Some(false), Some(false)]);
        assert_eq!(call_scalars(&f, vec![s("bad"), s("10.0.0.0/8")]), b(None));
        assert_eq!(call_scalars(&f, vec![s("10.0.0.1"), s("bad"), s("10.0.0.0/8")]), b(Some(true)));
        assert_eq!(call_scalars(&f, vec![s("11.0.0.1"), s("bad"), s("10.0.0.0/8")]), b(None));
    }

    #[test]
    fn private_and_suffix_follow_the_reference() {
        let f = kql_ipv4_is_private();
        // https://learn.microsoft.com/en-us/kusto/query/ipv4-is-private-function examples.
        for (ip, want) in [
            ("192.168.1.1/24", true),
            ("10.1.2.3/24", true),
            ("202.1.2.3", false),
            ("127.0.0.1", false),
            ("172.31.255.255", true),
            ("172.32.0.0", false),
        ] {
            assert_eq!(call_scalars(&f, vec![s(ip)]), b(Some(want)), "{ip}");
        }
        assert_eq!(call_scalars(&f, vec![s("")]), b(None));
        // https://learn.microsoft.com/en-us/kusto/query/ipv4-netmask-suffix-function example.
        let out = call_arrays(
            &kql_ipv4_netmask_suffix(),
            vec![col(LargeStringArray::from(vec![
                Some("\"10.1.2.3\""),
                Some("\"192.168.1.1/24\""),
                Some("\"127.0.0.1/16\""),
                None,
            ]))],
        );
        assert_eq!(
            out.as_primitive::<Int64Type>().iter().collect::<Vec<_>>(),
            vec![Some(32), Some(24), Some(16), None]
        );
    }

    #[test]
    fn format_follows_the_reference() {
        // https://learn.microsoft.com/en-us/kusto/query/format-ipv4-function example.
        let addrs = || col(StringArray::from(vec!["192.168.1.1", "192.168.1.1", "192.168.1.1/24", "192.168.1.1/24"]));
        let masks = || col(datafusion::arrow::array::Int64Array::from(vec![24, 32, 32, -1]));
        let out = call_arrays(&kql_format_ipv4(), vec![addrs(), masks()]);
        let out = out.as_string::<i32>();
        assert_eq!(
            (0..4).map(|k| out.value(k)).collect::<Vec<_>>(),
            vec!["192.168.1.0", "192.168.1.1", "192.168.1.0", ""]
        );
        assert_eq!(out.null_count(), 0);
        let out = call_arrays(&kql_format_ipv4_mask(), vec![addrs(), masks()]);
        let out = out.as_string::<i32>();
        assert_eq!(
            (0..4).map(|k| out.value(k)).collect::<Vec<_>>(),
            vec!["192.168.1.0/24", "192.168.1.1/32", "192.168.1.0/24", ""]
        );
        assert_eq!(call_scalars(&kql_format_ipv4(), vec![i(3_232_235_777)]), s("192.168.1.1"));
        assert_eq!(call_scalars(&kql_format_ipv4(), vec![i(-1)]), s(""));
        assert_eq!(call_scalars(&kql_format_ipv4(), vec![s("bad")]), s(""));
        assert_eq!(call_scalars(&kql_format_ipv4_mask(), vec![s("10.1.2.3")]), s("10.1.2.3/32"));
    }
}
