//! `ferrule serve` with `[audit]` keyed and anchored: the real binary in front of
//! `ferrule mock`, a chain key from a file, the head copied to a checkpoint file every few
//! lines and at SIGTERM; `ferrule audit verify` with the key and the checkpoint passes, and
//! fails once the last line is cut; a restart on the cut log is refused. Without a chain key
//! `serve` logs a warning and `ferrule check` prints one (and still exits 0).
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::gateway::*;
use serde_json::Value;
use toml::Table;

const VEHICLE: &str = "/v1/vehicles/AB12CDE";
const KEY: &[u8] = b"test-only-chain-key-kept-off-the-log-host";

/// The sample gateway with `[audit]` in `dir`: `audit` is the rest of the table.
fn audited(hosts: &[(String, std::net::SocketAddr)], dir: &Path, audit: &str) -> Table {
    let mut t = sample_gateway(hosts);
    let extra: Table = format!(
        "[audit]\npath = \"{}\"\n{audit}\n",
        dir.join("audit.log").display()
    )
    .parse()
    .unwrap();
    t.extend(extra);
    t
}

fn verify(args: &[&str]) -> std::process::Output {
    common::ferrule(&[&["audit", "verify"], args].concat(), b"")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn serve_writes_a_checkpoint_that_verify_holds_the_log_to() {
    let mock = Mock::start(&sample_mock(false));
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("chain.key");
    std::fs::write(&key, KEY).unwrap();
    let cp = dir.path().join("audit.checkpoint");
    let log = dir.path().join("audit.log");
    let config = audited(
        &mock.hosts,
        dir.path(),
        &format!(
            "chain_key_file = \"{}\"\ncheckpoint_file = \"{}\"\ncheckpoint_every_lines = 2",
            key.display(),
            cp.display()
        ),
    );
    let mut g = Gateway::start(&config);
    // A chain key: no warning at start-up.
    assert!(!g.log_text().contains("no chain key"), "{}", g.log_text());
    for _ in 0..5 {
        assert_eq!(g.get(VEHICLE).status, 200);
    }
    g.signal(Signal::TERM);
    assert!(g.wait_exit().success());

    // The checkpoint holds the log's head: 5 lines, the hash verify reports.
    let c: Value = serde_json::from_str(&std::fs::read_to_string(&cp).unwrap()).unwrap();
    assert_eq!(c["lines"], 5, "{c}");
    assert_eq!(c["file"], "audit.log", "{c}");
    assert!(!dir.path().join("audit.checkpoint.tmp").exists());
    let out = verify(&["--chain-key-file", s(&key), "--checkpoint", s(&cp), s(&log)]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let text = common::stdout(&out);
    assert!(
        text.starts_with("ok: 5 lines, chain intact (seq 1..5)"),
        "{text}"
    );
    assert!(
        text.contains(&format!("head: {}", c["head"].as_str().unwrap())),
        "{text}"
    );
    // Without the key the keyed chain does not verify at all.
    assert_eq!(verify(&[s(&log)]).status.code(), Some(1));

    // The last line cut off: the chain left is intact, the checkpoint says what is missing.
    let text = std::fs::read_to_string(&log).unwrap();
    let kept: String = text.lines().take(4).map(|l| format!("{l}\n")).collect();
    std::fs::write(&log, kept).unwrap();
    let out = verify(&["--chain-key-file", s(&key), s(&log)]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let out = verify(&["--chain-key-file", s(&key), "--checkpoint", s(&cp), s(&log)]);
    assert_eq!(out.status.code(), Some(1));
    let err = common::stderr(&out);
    assert!(
        err.contains("head is line seq 5") && err.contains("the log ends at seq 4"),
        "{err}"
    );
    assert!(err.contains("cut off the end"), "{err}");

    // Serving on from the cut log is refused (writing on would bury the evidence).
    let out = serve_until_exit(&g.config);
    assert!(!out.status.success());
    let err = common::stderr(&out);
    assert!(
        err.contains("audit checkpoint") && err.contains("cut off the end"),
        "{err}"
    );
}

/// Runs `ferrule serve` on `config`, expecting it to stop by itself; killed if it listens.
fn serve_until_exit(config: &Path) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ferrule"))
        .args(["serve", "--config", s(config)])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let exited = wait_for("serve to refuse the log", || {
        child.try_wait().unwrap().map(|_| true)
    });
    assert!(exited);
    child.wait_with_output().unwrap()
}

#[test]
fn no_chain_key_is_warned_about_at_start_and_by_check() {
    let mock = Mock::start(&sample_mock(false));
    let dir = tempfile::tempdir().unwrap();
    let g = Gateway::start(&audited(&mock.hosts, dir.path(), ""));
    wait_for("the start-up warning", || {
        g.log_text().contains("no chain key").then_some(())
    });
    assert_eq!(g.get(VEHICLE).status, 200);
    // `check`: a warning on stderr, the usual ok line, exit 0.
    let out = common::ferrule(&["check", "--config", s(&g.config)], b"");
    assert!(out.status.success(), "{}", common::stderr(&out));
    let err = common::stderr(&out);
    assert!(err.starts_with("warning: audit: no chain key"), "{err}");
    assert!(common::stdout(&out).contains(": ok ("));
    // With a key from the environment: no warning.
    let keyed = audited(
        &mock.hosts,
        dir.path(),
        "chain_key_env = \"FERRULE_TEST_AUDIT_CHAIN_KEY\"",
    );
    let path = dir.path().join("keyed.toml");
    std::fs::write(&path, toml::to_string(&keyed).unwrap()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ferrule"))
        .args(["check", "--config", s(&path)])
        .env("FERRULE_TEST_AUDIT_CHAIN_KEY", "k")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(
        !common::stderr(&out).contains("warning"),
        "{}",
        common::stderr(&out)
    );
    // The variable unset: a problem at its path, exit 2.
    let out = common::ferrule(&["check", "--config", s(&path)], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::stderr(&out).contains("audit.chain_key_env: environment variable"),
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn verify_reads_log_key_and_checkpoint_from_the_config() {
    let mock = Mock::start(&sample_mock(false));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("chain.key"), KEY).unwrap();
    // Every path relative to the config file, as an operator writes them.
    let mut t = sample_gateway(&mock.hosts);
    let extra: Table = "[audit]\npath = \"audit.log\"\nchain_key_file = \"chain.key\"\n\
                        checkpoint_file = \"audit.checkpoint\"\n"
        .parse()
        .unwrap();
    t.extend(extra);
    let config = dir.path().join("ferrule.toml");
    write_toml(&config, &t);
    let mut g = Gateway::start_file(&config, &dir.path().join("serve.log"));
    for _ in 0..3 {
        assert_eq!(g.get(VEHICLE).status, 200);
    }
    g.signal(Signal::TERM);
    assert!(g.wait_exit().success());

    // The test runs elsewhere: the paths resolve from the config's directory.
    let out = verify(&["--config", s(&config)]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(
        common::stdout(&out).starts_with("ok: 3 lines, chain intact (seq 1..3)"),
        "{}",
        common::stdout(&out)
    );
    // Explicit options win: another key does not verify the keyed chain.
    let wrong = dir.path().join("wrong.key");
    std::fs::write(&wrong, b"not the key").unwrap();
    let out = verify(&["--config", s(&config), "--chain-key-file", s(&wrong)]);
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    // ... and so does a file given by name (a missing one here).
    let out = verify(&["--config", s(&config), s(&dir.path().join("other.log"))]);
    assert_ne!(out.status.code(), Some(0));

    // The last line cut: the config's checkpoint catches it without --checkpoint.
    let log = dir.path().join("audit.log");
    let text = std::fs::read_to_string(&log).unwrap();
    let kept: String = text.lines().take(2).map(|l| format!("{l}\n")).collect();
    std::fs::write(&log, kept).unwrap();
    let out = verify(&["--config", s(&config)]);
    assert_eq!(out.status.code(), Some(1));
    let err = common::stderr(&out);
    assert!(err.contains("cut off the end"), "{err}");

    // A config without [audit], and one that is not TOML: refused, named, located.
    let plain = dir.path().join("plain.toml");
    write_toml(&plain, &sample_gateway(&[]));
    let out = verify(&["--config", s(&plain)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("no [audit] section"));
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "[server]\nlisten = \n").unwrap();
    let out = verify(&["--config", s(&broken)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::stderr(&out).contains("broken.toml:2:"),
        "{}",
        common::stderr(&out)
    );
    // Neither files nor --config: a usage error.
    assert_eq!(verify(&[]).status.code(), Some(2));
}
