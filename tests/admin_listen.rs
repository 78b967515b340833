//! `[server] admin_listen`: `/metrics`, `/healthz` and `/readyz` on their own address and
//! off the public one, through the real `ferrule serve`.
// Helpers here are test code too (clippy only exempts `#[test]` functions).
#![allow(clippy::unwrap_used)]

mod common;

use std::net::SocketAddr;

use common::gateway::*;

#[test]
fn operator_endpoints_move_to_the_admin_address() {
    let m = vehicle_mock();
    let mut t = sample_gateway(&m.hosts);
    let admin: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    server_mut(&mut t).insert("admin_listen".into(), admin.to_string().into());
    let mut g = Gateway::start(&t);
    // The API answers on the public address; the operator endpoints do not.
    assert_eq!(
        g.get("/v1/vehicles/AB12CDE").status,
        200,
        "{}",
        g.log_text()
    );
    for path in ["/metrics", "/healthz", "/readyz"] {
        assert_problem(&g.get(path), 404, "not-found");
    }
    // The admin address has them, on the live state.
    let get = |path: &str| http(admin, "GET", path, &[], b"");
    assert_eq!(get("/healthz").status, 200);
    let ready = get("/readyz");
    assert_eq!(ready.status, 503, "only the vehicle host runs");
    assert!(ready.text().contains("nominals"), "{}", ready.text());
    let metrics = get("/metrics").text();
    assert!(metrics.contains("ferrule_http_requests_total"), "{metrics}");
    // The API is not served there.
    assert_eq!(get("/v1/vehicles/AB12CDE").status, 404);
    // Both stop on SIGTERM.
    g.signal(Signal::TERM);
    assert!(g.wait_exit().success());
    assert!(std::net::TcpStream::connect(admin).is_err());
}

#[test]
fn check_refuses_a_bad_admin_address() {
    let mut t = sample_gateway(&[]);
    server_mut(&mut t).insert("admin_listen".into(), "localhost-9090".into());
    let err = check_refused(&t);
    assert!(
        err.contains("server.admin_listen: `localhost-9090` is not an address"),
        "{err}"
    );
}
