//! The caller's address behind load balancers: `[server] trusted_proxies`.
//!
//! The TCP peer is the caller unless it is a trusted proxy. Then the forwarding headers
//! are read right to left (each proxy appends the address it saw): `Forwarded` (RFC 7239,
//! its `for=` parameters) when present, else `X-Forwarded-For`. The first address that is
//! not a trusted proxy is the caller; an entry that is not an address (`unknown`, an
//! obfuscated `_name`, garbage) ends the walk at the proxy that wrote it, since nothing
//! left of it can be trusted either. Headers from an untrusted peer are ignored: anyone
//! can send them.
//!
//! Rate limits key on this address, and the audit line records it.

use std::net::IpAddr;

use axum::http::HeaderMap;
use ipnet::IpNet;

/// Most forwarding entries read from one request (a longer chain is cut at the right).
const MAX_HOPS: usize = 32;

/// `trusted_proxies`, parsed: networks (`10.0.0.0/8`) or single addresses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses the list; each bad entry is a problem at its index.
    pub fn parse(entries: &[String]) -> Result<TrustedProxies, Vec<(usize, String)>> {
        let mut nets = Vec::new();
        let mut problems = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            let e = e.trim();
            match e.parse::<IpNet>() {
                Ok(n) => nets.push(n.trunc()),
                Err(_) => match e.parse::<IpAddr>() {
                    Ok(a) => nets.push(IpNet::from(a)),
                    Err(_) => problems.push((
                        i,
                        format!("`{e}`: expected an address or a network like 10.0.0.0/8"),
                    )),
                },
            }
        }
        if problems.is_empty() {
            Ok(TrustedProxies(nets))
        } else {
            Err(problems)
        }
    }

    fn trusts(&self, a: IpAddr) -> bool {
        let a = canonical(a);
        self.0.iter().any(|n| n.contains(&a))
    }

    /// The caller's address for a request that came from `peer` with `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if self.0.is_empty() || !self.trusts(peer) {
            return peer;
        }
        let hops = forwarded_for(headers);
        let mut nearest = peer;
        for hop in hops.iter().rev().take(MAX_HOPS) {
            match hop {
                Some(a) if self.trusts(*a) => nearest = *a,
                Some(a) => return canonical(*a),
                None => return nearest,
            }
        }
        // Every hop is a proxy of ours: the leftmost is as far as anyone can tell.
        nearest
    }
}

/// An IPv4 address written as IPv6 (`::ffff:10.0.0.1`) is that IPv4 address.
fn canonical(a: IpAddr) -> IpAddr {
    match a {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(a, IpAddr::V4),
        v4 => v4,
    }
}

/// The forwarding chain, left (the original client) to right (the nearest proxy); an
/// entry that is not an address is `None`.
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let rfc: Vec<Option<IpAddr>> = headers
        .get_all("forwarded")
        .iter()
        .flat_map(|v| v.to_str().unwrap_or("").split(','))
        .map(|element| {
            element
                .split(';')
                .filter_map(|pair| pair.split_once('='))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
                .and_then(|(_, v)| node(v))
        })
        .collect();
    if !rfc.is_empty() {
        return rfc;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|v| v.to_str().unwrap_or("").split(','))
        .map(node)
        .collect()
}

/// One node: `192.0.2.1`, `"192.0.2.1:8080"`, `"[2001:db8::1]:4711"`, `2001:db8::1`.
fn node(text: &str) -> Option<IpAddr> {
    let t = text.trim().trim_matches('"');
    if let Ok(a) = t.parse::<IpAddr>() {
        return Some(a);
    }
    if let Some(rest) = t.strip_prefix('[') {
        return rest.split_once(']').and_then(|(a, _)| a.parse().ok());
    }
    // IPv4 with a port.
    t.rsplit_once(':')
        .and_then(|(a, _)| a.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4))
}

#[cfg(test)]
mod tests;
