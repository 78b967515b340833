use axum::http::HeaderValue;

use super::*;

fn proxies(list: &[&str]) -> TrustedProxies {
    TrustedProxies::parse(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
}

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.append(*k, HeaderValue::from_str(v).unwrap());
    }
    h
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn without_trusted_proxies_the_peer_is_the_caller_whatever_the_headers_say() {
    let h = headers(&[("x-forwarded-for", "203.0.113.7")]);
    assert_eq!(
        TrustedProxies::default().client(ip("10.0.0.2"), &h),
        ip("10.0.0.2")
    );
    // A peer that is not a trusted proxy cannot name another caller.
    let p = proxies(&["10.0.0.0/8"]);
    assert_eq!(p.client(ip("198.51.100.9"), &h), ip("198.51.100.9"));
}

#[test]
fn x_forwarded_for_is_read_right_to_left_past_trusted_hops() {
    let p = proxies(&["10.0.0.0/8", "192.168.1.1"]);
    // client, a spoofed entry the client sent, our two proxies.
    let h = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.7, 192.168.1.1")]);
    assert_eq!(p.client(ip("10.0.0.2"), &h), ip("203.0.113.7"));
    // Two headers count as one list, in order.
    let h = headers(&[
        ("x-forwarded-for", "203.0.113.7"),
        ("x-forwarded-for", "10.1.1.1"),
    ]);
    assert_eq!(p.client(ip("10.0.0.2"), &h), ip("203.0.113.7"));
    // Only our proxies: the leftmost is the caller as far as we can tell.
    let h = headers(&[("x-forwarded-for", "10.9.9.9, 10.1.1.1")]);
    assert_eq!(p.client(ip("10.0.0.2"), &h), ip("10.9.9.9"));
    // No header: the proxy itself.
    assert_eq!(p.client(ip("10.0.0.2"), &HeaderMap::new()), ip("10.0.0.2"));
}

#[test]
fn forwarded_is_preferred_and_its_node_forms_are_understood() {
    let p = proxies(&["10.0.0.0/8", "2001:db8:ffff::/48"]);
    let h = headers(&[
        ("x-forwarded-for", "198.51.100.1"),
        (
            "forwarded",
            "for=\"[2001:db8::17]:4711\";proto=https, For=\"10.0.0.9:8080\";by=10.0.0.2",
        ),
    ]);
    assert_eq!(p.client(ip("10.0.0.2"), &h), ip("2001:db8::17"));
    let h = headers(&[("forwarded", "for=192.0.2.60;proto=http;by=203.0.113.43")]);
    assert_eq!(p.client(ip("10.0.0.2"), &h), ip("192.0.2.60"));
}

#[test]
fn an_entry_that_is_not_an_address_stops_the_walk_at_the_proxy_that_wrote_it() {
    let p = proxies(&["10.0.0.0/8"]);
    for chain in [
        "203.0.113.7, unknown, 10.0.0.5",
        "203.0.113.7, _hidden, 10.0.0.5",
        "x, 10.0.0.5",
    ] {
        let h = headers(&[("x-forwarded-for", chain)]);
        assert_eq!(p.client(ip("10.0.0.2"), &h), ip("10.0.0.5"), "{chain}");
    }
    let h = headers(&[("forwarded", "for=unknown, for=10.0.0.5")]);
    assert_eq!(p.client(ip("10.0.0.2"), &h), ip("10.0.0.5"));
}

#[test]
fn ipv4_mapped_ipv6_peers_and_entries_match_ipv4_networks() {
    let p = proxies(&["127.0.0.1"]);
    let h = headers(&[("x-forwarded-for", "::ffff:203.0.113.7")]);
    assert_eq!(p.client(ip("::ffff:127.0.0.1"), &h), ip("203.0.113.7"));
}

#[test]
fn bad_entries_are_problems_at_their_index() {
    let e = TrustedProxies::parse(&["10.0.0.0/8".into(), "ten".into(), "10.0.0.0/33".into()])
        .unwrap_err();
    assert_eq!(e.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [1, 2]);
    assert!(e[0].1.contains("`ten`"), "{e:?}");
    // A network written with host bits is the network.
    assert_eq!(proxies(&["10.1.2.3/8"]), proxies(&["10.0.0.0/8"]));
}
