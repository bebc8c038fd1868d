//! Reading IP addresses in IP-prefix notation (`192.168.1.1/24`, `fe80::1/64`).

use std::net::{Ipv4Addr, Ipv6Addr};

/// An IPv4 address with its prefix length (32 when none is written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct V4 {
    pub addr: u32,
    pub prefix: u8,
}

/// The netmask of a prefix length (0 to 32).
pub(crate) fn mask4(prefix: u8) -> u32 {
    if prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(prefix.min(32))) }
}

/// Parses `a.b.c.d` or `a.b.c.d/n` (four decimal octets, n from 0 to 32), surrounding whitespace
/// allowed; `None` otherwise.
pub(crate) fn parse_v4(s: &str) -> Option<V4> {
    let t = s.trim();
    let (addr, prefix) = match t.split_once('/') {
        Some((a, p)) => (a.trim(), parse_prefix(p.trim(), 32)?),
        None => (t, 32),
    };
    let mut octets = [0u8; 4];
    let mut parts = addr.split('.');
    for o in &mut octets {
        let p = parts.next()?;
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *o = p.parse().ok()?;
    }
    if parts.next().is_some() {
        return None;
    }
    Some(V4 { addr: u32::from(Ipv4Addr::from(octets)), prefix })
}

fn parse_prefix(p: &str, max: u8) -> Option<u8> {
    if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: u8 = p.parse().ok()?;
    (v <= max).then_some(v)
}

impl V4 {
    /// The address with its own netmask applied.
    pub fn masked(self) -> u32 {
        self.addr & mask4(self.prefix)
    }
}

/// A prefix-length argument as `u8` when it is within 0..=max.
pub(crate) fn prefix_arg(v: i64, max: u8) -> Option<u8> {
    (0..=i64::from(max)).contains(&v).then_some(v as u8)
}

/// An IPv6 (or IPv4, mapped to `::ffff:a.b.c.d`) address with its prefix length out of 128.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct V6 {
    pub addr: u128,
    pub prefix: u8,
}

/// The netmask of a prefix length (0 to 128).
pub(crate) fn mask6(prefix: u8) -> u128 {
    if prefix == 0 { 0 } else { u128::MAX << (128 - u32::from(prefix.min(128))) }
}

/// Parses an IPv6 address, or an IPv4 one as an IPv4-mapped IPv6 address, with an optional
/// `/prefix` (0 to 128 for IPv6, 0 to 32 for IPv4).
pub(crate) fn parse_v6(s: &str) -> Option<V6> {
    let t = s.trim();
    if let Some(v4) = parse_v4(t) {
        let mapped = Ipv4Addr::from(v4.addr).to_ipv6_mapped();
        return Some(V6 { addr: u128::from(mapped), prefix: v4.prefix + 96 });
    }
    let (addr, prefix) = match t.split_once('/') {
        Some((a, p)) => (a.trim(), parse_prefix(p.trim(), 128)?),
        None => (t, 128),
    };
    let addr: Ipv6Addr = addr.parse().ok()?;
    Some(V6 { addr: u128::from(addr), prefix })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ipv4_with_prefixes() {
        assert_eq!(parse_v4("192.168.1.1"), Some(V4 { addr: 3_232_235_777, prefix: 32 }));
        assert_eq!(parse_v4(" 192.168.1.1/24 ").map(V4::masked), Some(3_232_235_776));
        assert_eq!(parse_v4("255.255.255.255/31").map(V4::masked), Some(4_294_967_294));
        assert_eq!(parse_v4("10.0.0.1/0").map(V4::masked), Some(0));
        for bad in
            ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4/33", "1.2.3.4/", "a.b.c.d", "1..2.3", "1.2.3.-4", "::1"]
        {
            assert_eq!(parse_v4(bad), None, "{bad}");
        }
        assert_eq!(mask4(24), 0xFFFF_FF00);
        assert_eq!(mask4(0), 0);
        assert_eq!(mask4(32), u32::MAX);
    }

    #[test]
    fn parses_ipv6_and_maps_ipv4() {
        assert_eq!(parse_v6("::ffff:7f00:1"), parse_v6("127.0.0.1"));
        assert_eq!(parse_v6("127.0.0.1/24").map(|v| v.prefix), Some(120));
        assert_eq!(parse_v6("fe80::85d:e82c:9446:7994/120").map(|v| v.prefix), Some(120));
        assert_eq!(parse_v6("fe80::1/129"), None);
        assert_eq!(parse_v6("nope"), None);
        assert_eq!(mask6(128), u128::MAX);
    }
}
