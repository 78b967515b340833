//! Logging never takes the gateway down: the real `ferrule serve` with stderr on a full
//! device, on a pipe its reader closed, and stdout on a full device. Calls keep being
//! answered, `/healthz` too, the process stays up, and `/metrics` counts the log lines
//! it had to drop.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use common::gateway::*;

const VEHICLE: &str = "/v1/vehicles/AB12CDE";

/// A `ferrule serve` child, killed on drop.
struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The sample gateway in front of a sample mock, written to `dir`.
fn config(mock: &Mock, dir: &tempfile::TempDir) -> std::path::PathBuf {
    let path = dir.path().join("ferrule.toml");
    write_toml(&path, &sample_gateway(&mock.hosts));
    path
}

fn spawn(config: &std::path::Path, stdout: Stdio, stderr: Stdio) -> Serve {
    Serve(
        Command::new(env!("CARGO_BIN_EXE_ferrule"))
            .args(["serve", "--config"])
            .arg(config)
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .expect("ferrule serve starts"),
    )
}

/// The port of the `ferrule: listening on http://127.0.0.1:PORT` line.
fn port_of(line: &str) -> Option<u16> {
    line.trim()
        .strip_prefix("ferrule: listening on http://127.0.0.1:")
        .and_then(|p| p.parse().ok())
}

fn dev_full() -> Stdio {
    Stdio::from(
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full"),
    )
}

/// Calls, health and metrics still work with a broken log sink; returns dropped lines.
fn keeps_serving(serve: &mut Serve, port: u16) -> f64 {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    for _ in 0..3 {
        let r = http(addr, "GET", VEHICLE, &[], b"");
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.json()["make"], "VAUXHALL");
        assert_eq!(http(addr, "GET", "/healthz", &[], b"").status, 200);
    }
    assert!(serve.0.try_wait().unwrap().is_none(), "the gateway exited");
    let metrics = http(addr, "GET", "/metrics", &[], b"").text();
    metrics
        .lines()
        .find_map(|l| l.strip_prefix("ferrule_log_lines_dropped_total "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0.0)
}

#[test]
fn stderr_on_a_full_device_drops_log_lines_and_serves() {
    let mock = Mock::start(&sample_mock(false));
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(&mock, &dir);
    let mut serve = spawn(&cfg, Stdio::piped(), dev_full());
    let mut out = BufReader::new(serve.0.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let port = port_of(&line).unwrap_or_else(|| panic!("no listening line: {line:?}"));
    // Every request logs a line at info: each of them was dropped, not a panic.
    let dropped = keeps_serving(&mut serve, port);
    assert!(dropped >= 6.0, "dropped {dropped}");
}

#[test]
fn stderr_on_a_pipe_its_reader_closed_drops_log_lines_and_serves() {
    let mock = Mock::start(&sample_mock(false));
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(&mock, &dir);
    let mut serve = spawn(&cfg, Stdio::piped(), Stdio::piped());
    let mut out = BufReader::new(serve.0.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let port = port_of(&line).unwrap_or_else(|| panic!("no listening line: {line:?}"));
    // Read up to the "listening" log line, then hang up: later writes meet EPIPE.
    let mut err = BufReader::new(serve.0.stderr.take().unwrap());
    let mut log = String::new();
    while !log.contains("listening") {
        log.clear();
        assert!(err.read_line(&mut log).unwrap() > 0, "stderr ended early");
    }
    drop(err);
    let dropped = keeps_serving(&mut serve, port);
    assert!(dropped >= 6.0, "dropped {dropped}");
}

#[test]
fn stdout_on_a_full_device_does_not_stop_the_gateway() {
    let mock = Mock::start(&sample_mock(false));
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(&mock, &dir);
    let log = dir.path().join("serve.log");
    let mut serve = spawn(
        &cfg,
        dev_full(),
        Stdio::from(std::fs::File::create(&log).unwrap()),
    );
    // The listening line is lost with stdout: the address comes from the log instead.
    let port = wait_for("the listening log line", || {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        text.lines()
            .filter(|l| l.contains("listening"))
            .find_map(|l| l.split("address=127.0.0.1:").nth(1))
            .and_then(|rest| rest.split(' ').next())
            .and_then(|p| p.parse::<u16>().ok())
    });
    let dropped = keeps_serving(&mut serve, port);
    // stderr works: nothing was dropped.
    assert_eq!(dropped, 0.0);
}
