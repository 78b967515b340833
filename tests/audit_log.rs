//! `ferrule audit verify` on logs written by the real audit writer: an intact chain passes,
//! and each kind of tampering is reported at the right file and line with exit code 1.

mod common;

// The audit module is self-contained; including it writes logs exactly as the gateway will.
#[allow(dead_code, unused_imports)]
#[path = "../src/audit/mod.rs"]
mod audit;

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use audit::{AuditConfig, AuditEvent, AuditLog};
use common::*;

fn event(i: usize) -> AuditEvent {
    AuditEvent {
        time: UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000 + i as u64),
        request_id: format!("req-{i}"),
        principal: Some("pc1234".into()),
        client_addr: "127.0.0.1:40000".into(),
        route: "/vehicles/{vrm}".into(),
        method: "GET".into(),
        purpose: Some("INV".into()),
        keys: vec![("vrm".into(), format!("AB{i:02}CDE"))],
        status: 200,
        latency_ms: 2.5,
        backend_ms: Some(2.0),
    }
}

/// Writes `n` lines with the real writer; returns the dir guard and the log's path.
fn write_log(n: usize, rotate_bytes: Option<u64>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = AuditConfig {
        rotate_bytes,
        ..AuditConfig::new(dir.path().join("audit.log"))
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let log = AuditLog::open(cfg.clone()).expect("open");
        for i in 0..n {
            log.record(event(i)).await.expect("record");
        }
    });
    (dir, cfg.path)
}

fn read_lines(p: &Path) -> Vec<String> {
    std::fs::read_to_string(p)
        .expect("read")
        .lines()
        .map(str::to_string)
        .collect()
}

fn write_lines(p: &Path, lines: &[String]) {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(p, text).expect("write");
}

fn verify(args: &[&str]) -> std::process::Output {
    ferrule(&[&["audit", "verify"], args].concat(), b"")
}

/// Runs verify on `p` and expects exit 1 with `error: P line L: ...` containing `why`.
fn expect_broken(p: &Path, line: u64, why: &str) {
    let out = verify(&[path_str(p)]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    let want = format!("error: {} line {line}: ", p.display());
    assert!(err.starts_with(&want), "want {want:?}, got {err:?}");
    assert!(err.contains(why), "want {why:?} in {err:?}");
}

#[test]
fn intact_log_passes() {
    let (_d, p) = write_log(5, None);
    let out = verify(&[path_str(&p)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("ok: 5 lines, chain intact (seq 1..5)\nhead: "),
        "{text}"
    );
}

#[test]
fn edited_middle_line_is_caught_at_that_line() {
    let (_d, p) = write_log(5, None);
    let mut l = read_lines(&p);
    l[2] = l[2].replace("AB02CDE", "ZZ99ZZZ");
    write_lines(&p, &l);
    expect_broken(&p, 3, "line edited");
}

#[test]
fn deleted_line_is_caught_where_it_was() {
    let (_d, p) = write_log(5, None);
    let mut l = read_lines(&p);
    l.remove(1);
    write_lines(&p, &l);
    expect_broken(&p, 2, "seq 3 where 2 was expected");
}

#[test]
fn swapped_lines_are_caught_at_the_first() {
    let (_d, p) = write_log(5, None);
    let mut l = read_lines(&p);
    l.swap(2, 3);
    write_lines(&p, &l);
    expect_broken(&p, 3, "seq 4 where 3 was expected");
}

#[test]
fn truncated_last_line_is_caught() {
    let (_d, p) = write_log(4, None);
    let bytes = std::fs::read(&p).expect("read");
    std::fs::write(&p, &bytes[..bytes.len() - 30]).expect("write");
    expect_broken(&p, 4, "incomplete line");
}

#[test]
fn edited_last_line_is_caught() {
    let (_d, p) = write_log(4, None);
    let mut l = read_lines(&p);
    l[3] = l[3].replace("\"status\":200", "\"status\":404");
    write_lines(&p, &l);
    expect_broken(&p, 4, "line edited");
}

#[test]
fn rotated_files_verify_as_one_chain() {
    // The base path finds its rotated siblings; listing the files in order works too.
    let (_d, p) = write_log(12, Some(1200));
    let out = verify(&[path_str(&p)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("ok: 12 lines, chain intact (seq 1..12)"));

    let files = audit::expand(std::slice::from_ref(&p)).expect("files");
    assert!(files.len() >= 3, "{files:?}");
    let names: Vec<&str> = files.iter().map(|f| path_str(f)).collect();
    let out = verify(&names);
    assert!(out.status.success(), "{}", stderr(&out));

    // A line deleted from a rotated file is reported in that file.
    let mut l = read_lines(&files[1]);
    l.remove(0);
    write_lines(&files[1], &l);
    let out = verify(&[path_str(&p)]);
    assert_eq!(out.status.code(), Some(1));
    let want = format!("error: {} line 1: seq ", files[1].display());
    assert!(stderr(&out).starts_with(&want), "{}", stderr(&out));

    // Files given out of order break at the first line of the misplaced one.
    let out = verify(&[names[1], names[0]]);
    assert_eq!(out.status.code(), Some(1));
    let want = format!("error: {} line 1: seq ", files[1].display());
    assert!(stderr(&out).starts_with(&want), "{}", stderr(&out));
}

#[test]
fn missing_file_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = verify(&[path_str(&dir.path().join("none.log"))]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no audit log files found"));
}

#[test]
fn keyed_chain_needs_its_key_file() {
    // Written under a chain key: verifies with --chain-key-file, fails line 1 without it.
    let dir = tempfile::tempdir().expect("tempdir");
    let key = dir.path().join("chain.key");
    std::fs::write(&key, b"not-on-the-log-host").expect("key");
    let cfg = AuditConfig {
        chain_key: Some(b"not-on-the-log-host".to_vec()),
        ..AuditConfig::new(dir.path().join("audit.log"))
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let log = AuditLog::open(cfg.clone()).expect("open");
        log.record(event(0)).await.expect("record");
    });
    let out = verify(&["--chain-key-file", path_str(&key), path_str(&cfg.path)]);
    assert!(out.status.success(), "{}", stderr(&out));
    expect_broken(&cfg.path, 1, "line edited");
}
