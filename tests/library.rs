//! `ferrule` as a library: `load_config` and `serve` on a listener the test bound itself
//! (port 0, read back: nothing races for a port), in front of the real mock host.

mod common;

use std::future::IntoFuture;

use common::gateway::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_answers_on_a_listener_it_is_given_and_stops_when_told() {
    let mut mock_cfg = sample_mock(false);
    keep_hosts(&mut mock_cfg, &["vehicles"]);
    let mock = Mock::start(&mock_cfg);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ferrule.toml");
    // The config's own `listen` names a port nobody binds: the given listener wins.
    let mut cfg = sample_gateway(&mock.hosts);
    server_mut(&mut cfg).insert("listen".into(), "127.0.0.1:1".into());
    write_toml(&path, &cfg);
    let config = ferrule::load_config(&path).expect("the sample config is valid");

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(
        ferrule::serve(listener, config)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .into_future(),
    );

    let reply =
        tokio::task::spawn_blocking(move || http(addr, "GET", "/v1/vehicles/AB12CDE", &[], b""))
            .await
            .unwrap();
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json()["make"], "VAUXHALL");

    stop.send(()).unwrap();
    let served = server.await.unwrap();
    assert!(served.is_ok(), "{served:?}");
    // Stopped: the port no longer answers.
    assert!(std::net::TcpStream::connect(addr).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_with_threads_answers_and_stops_when_told() {
    // `[server] threads = 2`: the given listener is served from two threads of their own.
    let mut mock_cfg = sample_mock(false);
    keep_hosts(&mut mock_cfg, &["vehicles"]);
    let mock = Mock::start(&mock_cfg);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ferrule.toml");
    let mut cfg = sample_gateway(&mock.hosts);
    server_mut(&mut cfg).insert("threads".into(), 2.into());
    write_toml(&path, &cfg);
    let config = ferrule::load_config(&path).expect("the sample config is valid");

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(
        ferrule::serve(listener, config)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .into_future(),
    );
    let replies = tokio::task::spawn_blocking(move || {
        (0..4)
            .map(|_| http(addr, "GET", "/v1/vehicles/AB12CDE", &[], b""))
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    for reply in replies {
        assert_eq!(reply.status, 200, "{}", reply.text());
        assert_eq!(reply.json()["make"], "VAUXHALL");
    }
    stop.send(()).unwrap();
    let served = server.await.unwrap();
    assert!(served.is_ok(), "{served:?}");
    assert!(std::net::TcpStream::connect(addr).is_err());
}

#[test]
fn load_config_lists_every_problem_with_its_config_path() {
    // Two mistakes in one file: both reported, each naming where it is.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ferrule.toml");
    let mut cfg = sample_gateway(&[]);
    server_mut(&mut cfg).insert("listen".into(), "nowhere".into());
    backend_mut(&mut cfg, "vehicles").insert("timeout_ms".into(), 0.into());
    write_toml(&path, &cfg);
    let problems = ferrule::load_config(&path).unwrap_err();
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert!(paths.contains(&"server.listen"), "{paths:?}");
    assert!(
        paths.iter().any(|p| p.starts_with("backend[0].timeout")),
        "{paths:?}"
    );
}
