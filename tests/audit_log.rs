//! `ferrule audit verify` on logs written by the real audit writer: an intact chain passes,
//! and each kind of tampering is reported at the right file and line with exit code 1.

mod common;

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use common::*;
use ferrule::audit::{self, AuditConfig, AuditEvent, AuditLog};

fn event(i: usize) -> AuditEvent {
    AuditEvent {
        time: UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000 + i as u64),
        request_id: format!("req-{i}"),
        trace_id: format!("{i:032x}"),
        principal: Some("pc1234".into()),
        client_addr: "127.0.0.1:40000".into(),
        route: "/vehicles/{vrm}".into(),
        method: "GET".into(),
        purpose: Some("INV".into()),
        keys: vec![("vrm".into(), format!("AB{i:02}CDE"))],
        status: 200,
        latency_ms: 2.5,
        backend_ms: Some(2.0),
        direction: None,
        outcome: None,
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

/// Writes `n` lines under `chain_key` (none: plain SHA-256) with the real writer.
fn write_keyed_log(n: usize, chain_key: Option<&[u8]>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = AuditConfig {
        chain_key: chain_key.map(<[u8]>::to_vec),
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

/// The forger: someone who can edit the file but holds no chain key. Applies `edit` to line
/// `at` (0-based), then re-chains that line and every later one as the format says: `prev`
/// is the previous line's hash, `hash` the plain SHA-256 of the line up to `,"hash":`.
fn forge(lines: &mut [String], at: usize, edit: impl Fn(&str) -> String) {
    use sha2::{Digest, Sha256};
    const HASH: &str = ",\"hash\":\"";
    let hash_of = |l: &str| l[l.rfind(HASH).expect("hash") + HASH.len()..][..64].to_string();
    let mut prev = if at == 0 {
        "0".repeat(64)
    } else {
        hash_of(&lines[at - 1])
    };
    for (i, line) in lines.iter_mut().enumerate().skip(at) {
        let mut body = line[..line.rfind(HASH).expect("hash")].to_string();
        if i == at {
            body = edit(&body);
        }
        let p = body.rfind(",\"prev\":\"").expect("prev") + 9;
        body.replace_range(p..p + 64, &prev);
        let hash = hex::encode(Sha256::digest(body.as_bytes()));
        *line = format!("{body}{HASH}{hash}\"}}");
        prev = hash;
    }
}

#[test]
fn a_rehashed_forgery_passes_without_a_chain_key_and_fails_with_one() {
    let status_500 = |b: &str| b.replace("\"status\":200", "\"status\":500");
    // Without a chain key the forger wins: verify says the chain is intact. (This is
    // what the start-up warning and `ferrule check` warn about.)
    let (_d, p) = write_keyed_log(5, None);
    let mut l = read_lines(&p);
    forge(&mut l, 1, status_500);
    write_lines(&p, &l);
    let out = verify(&[path_str(&p)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(read_to_string(&p).contains("\"status\":500"));

    // With one, the same forgery fails at the edited line: the forger could not compute
    // the HMAC, and plain hashes are not what the keyed chain holds.
    let (d, p) = write_keyed_log(5, Some(b"kept-off-the-log-host"));
    let key = d.path().join("chain.key");
    std::fs::write(&key, b"kept-off-the-log-host").expect("key");
    let out = verify(&["--chain-key-file", path_str(&key), path_str(&p)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut l = read_lines(&p);
    forge(&mut l, 1, status_500);
    write_lines(&p, &l);
    let out = verify(&["--chain-key-file", path_str(&key), path_str(&p)]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let want = format!(
        "error: {} line 2: content does not match its hash",
        p.display()
    );
    assert!(stderr(&out).starts_with(&want), "{}", stderr(&out));
    // The key from the environment works the same way.
    let out = ferrule_env(
        &[
            "audit",
            "verify",
            "--chain-key-env",
            "AUDIT_TEST_CHAIN_KEY",
            path_str(&p),
        ],
        ("AUDIT_TEST_CHAIN_KEY", "kept-off-the-log-host"),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stderr(&out).starts_with(&want), "{}", stderr(&out));
}

fn read_to_string(p: &Path) -> String {
    std::fs::read_to_string(p).expect("read")
}

/// `ferrule` with one environment variable set.
fn ferrule_env(args: &[&str], (k, v): (&str, &str)) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_ferrule"))
        .args(args)
        .env(k, v)
        .output()
        .expect("ferrule runs")
}

/// The `head:` line verify printed.
fn printed_head(out: &std::process::Output) -> String {
    let text = stdout(out);
    text.lines()
        .find_map(|l| l.strip_prefix("head: "))
        .expect("a head line")
        .to_string()
}

#[test]
fn lines_cut_off_the_end_fail_against_the_expected_head() {
    let (_d, p) = write_log(5, None);
    let out = verify(&[path_str(&p)]);
    let head = printed_head(&out);
    // Intact: the head is reached.
    let out = verify(&["--expect-head", &head, path_str(&p)]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The last two lines cut: the chain left is intact, but does not reach the head.
    let l = read_lines(&p);
    write_lines(&p, &l[..3]);
    assert!(verify(&[path_str(&p)]).status.success());
    let out = verify(&["--expect-head", &head, path_str(&p)]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!(
            "error: --expect-head: head {head} is not the hash of any line; the log ends at seq 3"
        )),
        "{err}"
    );
    assert!(err.contains("cut off the end"), "{err}");
    // Not a hash at all: a usage error naming the value.
    let out = verify(&["--expect-head", "xyz", path_str(&p)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`xyz`: not a 64-digit hex hash"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_checkpoint_file_is_checked_and_a_bad_one_refused() {
    let (d, p) = write_log(4, None);
    let l = read_lines(&p);
    let out = verify(&[path_str(&p)]);
    let head = printed_head(&out);
    let cp = d.path().join("audit.checkpoint");
    let checkpoint = format!(
        r#"{{"file":"audit.log","lines":4,"head":"{head}","time":"2024-03-01T00:00:00.000Z"}}"#
    );
    std::fs::write(&cp, checkpoint).expect("checkpoint");
    let out = verify(&["--checkpoint", path_str(&cp), path_str(&p)]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The last line cut: named as such, with the checkpoint file.
    write_lines(&p, &l[..3]);
    let out = verify(&["--checkpoint", path_str(&cp), path_str(&p)]);
    assert_eq!(out.status.code(), Some(1));
    let want = format!(
        "error: checkpoint {}: head is line seq 4 ({head}) but the log ends at seq 3",
        cp.display()
    );
    assert!(stderr(&out).starts_with(&want), "{}", stderr(&out));
    // A checkpoint that is not one, or is missing: refused with its path (exit 2).
    std::fs::write(&cp, "lines = 4").expect("write");
    let out = verify(&["--checkpoint", path_str(&cp), path_str(&p)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a checkpoint"),
        "{}",
        stderr(&out)
    );
    let gone = d.path().join("gone.checkpoint");
    let out = verify(&["--checkpoint", path_str(&gone), path_str(&p)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no such file"), "{}", stderr(&out));
}
