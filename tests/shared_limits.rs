//! Rate limits shared by replicas, end to end: two `ferrule serve` processes with one real
//! `redis-server` (Debian's, started here on a free port) hold one per-caller limit
//! between them; with Redis gone, a route falls back to its own bucket or fails closed,
//! as it says.
// Helpers here are test code too (clippy only exempts `#[test]` functions).
#![allow(clippy::unwrap_used)]

mod common;

use common::gateway::*;
use common::redis::Redis;
use toml::Table;

/// A replica: the sample gateway with buckets in Redis at `redis_port`; `/v1/vehicles`
/// falls back to its local bucket when Redis is gone, `/v1/closed` refuses instead. Both
/// allow 5 calls per caller (anonymous: per address), then one per 1,000 s.
fn replica(mock: &Mock, redis_port: u16) -> Gateway {
    let mut t = sample_gateway(&mock.hosts);
    let extra: Table = format!(
        "[auth]\n[[auth.api_key]]\nid = \"unused\"\nhash = \"sha256:{}\"",
        "0".repeat(64)
    )
    .parse()
    .unwrap();
    t.extend(extra);
    let store: Table = format!(
        "store = \"redis\"\nredis_url = \"redis://127.0.0.1:{redis_port}/0\"\ntimeout_ms = 300"
    )
    .parse()
    .unwrap();
    server_mut(&mut t).insert("rate_limits".into(), store.into());
    let limited = |fallback: &str| -> Table {
        format!(
            "require_auth = false\nrate_limit = {{ per_second = 0.001, burst = 5, on_store_error = \"{fallback}\" }}"
        )
        .parse()
        .unwrap()
    };
    let vehicles = route_mut(&mut t, "/v1/vehicles/{vrm}");
    vehicles.insert("auth".into(), limited("local").into());
    let mut closed = vehicles.clone();
    closed.insert("path".into(), "/v1/closed/{vrm}".into());
    closed.insert("auth".into(), limited("fail_closed").into());
    add_route(&mut t, closed);
    Gateway::start(&t)
}

#[test]
fn two_replicas_share_one_limit_and_follow_their_fallback_when_redis_goes() {
    let redis = Redis::start();
    let m = vehicle_mock();
    let (a, b) = (replica(&m, redis.port), replica(&m, redis.port));
    // 12 calls, alternating replicas: the caller's 5 pass, wherever they land.
    let statuses: Vec<u16> = (0..12)
        .map(|i| {
            let g = if i % 2 == 0 { &a } else { &b };
            g.get("/v1/vehicles/AB12CDE").status
        })
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        5,
        "{statuses:?}\n{}",
        a.log_text()
    );
    assert!(
        statuses.iter().all(|s| [200, 429].contains(s)),
        "{statuses:?}"
    );
    let r = b.get("/v1/vehicles/AB12CDE");
    assert_problem(&r, 429, "rate-limited");
    assert!(r.header("retry-after").is_some());
    // Each route has its own bucket.
    assert_eq!(a.get("/v1/closed/AB12CDE").status, 200);
    drop(redis);
    // Redis gone: the local route limits with this replica's own bucket (fresh: 5 more),
    // the fail-closed one refuses with 503.
    let local: Vec<u16> = (0..7)
        .map(|_| a.get("/v1/vehicles/AB12CDE").status)
        .collect();
    assert_eq!(
        local,
        [200, 200, 200, 200, 200, 429, 429],
        "{}",
        a.log_text()
    );
    assert_problem(&a.get("/v1/closed/AB12CDE"), 503, "rate-limit-unavailable");
    assert!(
        a.log_text().contains("rate-limit store"),
        "{}",
        a.log_text()
    );
    assert!(a
        .metric(
            "ferrule_rate_limit_store_errors_total",
            &["fallback=\"local\""]
        )
        .is_some_and(|n| n >= 7.0));
}

#[test]
fn check_names_bad_rate_limit_store_settings() {
    let mut t = sample_gateway(&[]);
    let store: Table = "store = \"redis\"".parse().unwrap();
    server_mut(&mut t).insert("rate_limits".into(), store.into());
    let err = check_refused(&t);
    assert!(
        err.contains("server.rate_limits.redis_url: required with store = \"redis\""),
        "{err}"
    );
    let store: Table = "store = \"memcached\"".parse().unwrap();
    server_mut(&mut t).insert("rate_limits".into(), store.into());
    let err = check_refused(&t);
    assert!(
        err.contains("server.rate_limits.store: `memcached`: expected memory or redis"),
        "{err}"
    );
}
