//! The little-endian length prefixes added as one framer each (`len2-le`, `len4-le`) are
//! usable everywhere at once: `ferrule serve` in front of `ferrule mock` speaking them, and
//! `encode` / `decode` of files. A mismatch between the two sides is the host's fault (502).
// Helpers here are test code too (clippy only exempts `#[test]` functions).
#![allow(clippy::unwrap_used)]

mod common;

use common::gateway::*;

const VEHICLE: &str = "/v1/vehicles/AB12CDE";

/// The vehicle host and the sample gateway, each side with its own framing.
fn pair(host_framing: &str, gateway_framing: &str) -> (Mock, Gateway) {
    let mut cfg = sample_mock(false);
    keep_hosts(&mut cfg, &["vehicles"]);
    host_mut(&mut cfg, "vehicles").insert("framing".into(), host_framing.into());
    let mock = Mock::start(&cfg);
    let mut g = sample_gateway(&mock.hosts);
    backend_mut(&mut g, "vehicles").insert("framing".into(), gateway_framing.into());
    (mock, Gateway::start(&g))
}

#[test]
fn serve_and_mock_speak_little_endian_prefixes() {
    for framing in ["len2-le", "len4-le"] {
        let (_mock, gw) = pair(framing, framing);
        let r = gw.get(VEHICLE);
        assert_eq!(r.status, 200, "{framing}: {}", r.text());
        assert_eq!(r.json()["make"], "VAUXHALL", "{framing}");
    }
}

#[test]
fn a_byte_order_mismatch_is_the_hosts_fault() {
    // The gateway reads the host's big-endian 400 (00 00 01 90) as 0x90010000 bytes: more
    // than the record limit, so the answer is refused, never waited for.
    let (_mock, gw) = pair("len4", "len4-le");
    let r = gw.get(VEHICLE);
    assert_eq!(r.status, 502, "{}", r.text());
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
}

#[test]
fn files_encode_and_decode_with_little_endian_prefixes() {
    let person = common::repo().join("samples").join("person.cpy");
    let copybook = person.to_str().unwrap();
    let json = b"{\"nominal_ref\":\"P1\"}\n{\"nominal_ref\":\"P2\"}\n";
    for (framing, header) in [("len2-le", 2usize), ("len4-le", 4)] {
        let enc = common::ferrule(&["encode", "-c", copybook, "--framing", framing], json);
        assert!(enc.status.success(), "{framing}: {}", common::stderr(&enc));
        let bytes = enc.stdout;
        // The first prefix is the record length, least significant byte first.
        let len = bytes
            .iter()
            .take(header)
            .rev()
            .fold(0usize, |n, &b| n * 256 + usize::from(b));
        assert!(
            len > 0 && bytes.len() == 2 * (len + header),
            "{framing}: {len} {}",
            bytes.len()
        );
        let dec = common::ferrule(&["decode", "-c", copybook, "--framing", framing], &bytes);
        assert!(dec.status.success(), "{framing}: {}", common::stderr(&dec));
        let out = common::stdout(&dec);
        assert_eq!(out.lines().count(), 2, "{out}");
        assert!(out.contains("\"nominal_ref\":\"P2\""), "{out}");
    }
}
