//! `ferrule serve --listen` and the ways `serve` ends: a reload compares the reloaded
//! config with the override applied (no spurious "listen changed" warning), and the
//! audit log is closed on every way out, a listener that cannot bind included. Real
//! binary, real sockets, 127.0.0.1 and port 0 only.
#![allow(clippy::unwrap_used)]

mod common;

use common::gateway::{sample_gateway, server_mut, wait_for, write_toml, Gateway};
use common::{ferrule, path_str, stderr};
use rustix::process::Signal;
use toml::Table;

const LISTEN_WARNING: &str = "server.listen changed";

/// Sends SIGHUP and waits until the gateway has counted `n` good reloads.
fn reload(gw: &Gateway, n: f64) {
    gw.signal(Signal::HUP);
    wait_for("the reload", || {
        gw.metric("ferrule_config_reloads_total", &[r#"outcome="ok""#])
            .filter(|&v| v >= n)
    });
}

#[test]
fn reload_under_listen_override_does_not_warn_about_listen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ferrule.toml");
    // The file names an address the override replaces (nothing binds it).
    let mut config = sample_gateway(&[]);
    server_mut(&mut config).insert("listen".into(), "127.0.0.1:9".into());
    write_toml(&path, &config);
    let gw = Gateway::start_file_with(
        &path,
        &dir.path().join("serve.log"),
        &["--listen", "127.0.0.1:0"],
    );
    // The file unchanged: its listen is not the override's, yet nothing changed.
    reload(&gw, 1.0);
    let log = gw.log_text();
    assert!(log.contains("config reloaded"), "{log}");
    assert!(!log.contains(LISTEN_WARNING), "{log}");
    // The file's listen edited: under --listen it never applies, so no warning either.
    server_mut(&mut config).insert("listen".into(), "127.0.0.1:10".into());
    gw.rewrite(&config);
    reload(&gw, 2.0);
    let log = gw.log_text();
    assert!(!log.contains(LISTEN_WARNING), "{log}");
    assert_eq!(gw.get("/healthz").status, 200);
}

#[test]
fn reload_without_override_still_warns_about_a_listen_change() {
    let gw = Gateway::start(&sample_gateway(&[]));
    let mut config: Table = toml::from_str(&std::fs::read_to_string(&gw.config).unwrap()).unwrap();
    reload(&gw, 1.0);
    assert!(!gw.log_text().contains(LISTEN_WARNING), "{}", gw.log_text());
    server_mut(&mut config).insert("listen".into(), "127.0.0.1:10".into());
    gw.rewrite(&config);
    reload(&gw, 2.0);
    let log = gw.log_text();
    assert!(log.contains(LISTEN_WARNING), "{log}");
}

#[test]
fn a_listener_that_cannot_bind_still_closes_the_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ferrule.toml");
    let audit = dir.path().join("audit.log");
    let checkpoint = dir.path().join("audit.checkpoint");
    let mut config = sample_gateway(&[]);
    let mut a = Table::new();
    a.insert("path".into(), path_str(&audit).into());
    a.insert("checkpoint_file".into(), path_str(&checkpoint).into());
    config.insert("audit".into(), a.into());
    write_toml(&path, &config);
    // The port is taken (held by this test): the bind fails after the log was opened.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let o = ferrule(
        &["serve", "--config", path_str(&path), "--listen", &addr],
        b"",
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot listen on"), "{err}");
    // Closed on the way out: the final checkpoint written, no line can follow.
    assert!(err.contains("audit log closed"), "{err}");
    assert!(checkpoint.exists());
    let v = ferrule(
        &[
            "audit",
            "verify",
            "--checkpoint",
            path_str(&checkpoint),
            path_str(&audit),
        ],
        b"",
    );
    assert!(v.status.success(), "{}", stderr(&v));
}
