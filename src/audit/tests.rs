//! The log and the verifier together: what is written verifies, every tampering is caught
//! at the right line, and failures refuse calls.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::event::sample;
use super::*;

fn log_in(dir: &Path) -> AuditConfig {
    AuditConfig::new(dir.join("audit.log"))
}

async fn write_n(log: &AuditLog, n: usize) {
    for i in 0..n {
        log.record(sample(&format!("req-{i}"))).await.unwrap();
    }
}

fn check(path: &Path) -> Result<VerifyReport, VerifyError> {
    verify(&[path.to_path_buf()], &VerifyOptions::default())
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn broken_at(r: Result<VerifyReport, VerifyError>) -> (u64, Broken) {
    match r {
        Err(VerifyError::Broken { line, why, .. }) => (line, why),
        other => panic!("expected a broken line, got {other:?}"),
    }
}

#[tokio::test]
async fn written_chain_verifies() {
    // Three calls: three lines, seq 1..3, head as the log reports it.
    let dir = tempfile::tempdir().unwrap();
    let cfg = log_in(dir.path());
    let log = AuditLog::open(cfg.clone()).unwrap();
    assert_eq!(log.head().0, 0);
    write_n(&log, 3).await;
    let r = check(&cfg.path).unwrap();
    assert_eq!((r.lines, r.first_seq, r.last_seq), (3, Some(1), Some(3)));
    assert_eq!(log.head(), (3, hex::encode(r.head)));
}

#[tokio::test]
async fn every_policy_has_the_line_in_the_file_when_record_returns() {
    // Read through another handle right after each record: the line is there.
    for flush in POLICIES {
        let dir = tempfile::tempdir().unwrap();
        let cfg = AuditConfig {
            flush,
            ..log_in(dir.path())
        };
        let log = AuditLog::open(cfg.clone()).unwrap();
        for i in 0..5 {
            log.record(sample(&format!("r{i}"))).await.unwrap();
            let got = lines(&cfg.path);
            assert_eq!(got.len(), i + 1, "{flush:?}");
            assert!(got[i].contains(&format!("\"request_id\":\"r{i}\"")));
        }
        assert_eq!(check(&cfg.path).unwrap().lines, 5, "{flush:?}");
    }
}

/// Every flush policy: `os` writes inline or queues, the others always queue.
const POLICIES: [FlushPolicy; 3] = [
    FlushPolicy::EveryLine,
    FlushPolicy::Interval(Duration::from_millis(5)),
    FlushPolicy::Os,
];

/// The request ids in the file, in file order.
fn request_ids(path: &Path) -> Vec<String> {
    lines(path)
        .iter()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["request_id"].to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_get_one_gapless_chain() {
    // 200 calls from 200 tasks on two threads, per policy: every line written once, in
    // one chain (with `os` some write their own line and some queue behind a busy file).
    for flush in POLICIES {
        let dir = tempfile::tempdir().unwrap();
        let cfg = AuditConfig {
            flush,
            ..log_in(dir.path())
        };
        let log = AuditLog::open(cfg.clone()).unwrap();
        let tasks: Vec<_> = (0..200)
            .map(|i| {
                let log = log.clone();
                tokio::spawn(async move { log.record(sample(&format!("c{i}"))).await })
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        let r = check(&cfg.path).unwrap();
        assert_eq!((r.lines, r.last_seq), (200, Some(200)), "{flush:?}");
        assert_eq!(log.head(), (200, hex::encode(r.head)), "{flush:?}");
        let mut ids = request_ids(&cfg.path);
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 200, "{flush:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn os_calls_queued_behind_a_busy_file_share_one_batch() {
    // While the file is held, 50 calls queue for the writer thread; none returns before
    // its line is written. Once released they go out as one batch after the line written
    // inline before, then an inline call follows: one chain, each caller answered.
    let dir = tempfile::tempdir().unwrap();
    let cfg = AuditConfig {
        flush: FlushPolicy::Os,
        ..log_in(dir.path())
    };
    let log = AuditLog::open(cfg.clone()).unwrap();
    log.record(sample("first")).await.unwrap();
    let held = log.hold_file();
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let log = log.clone();
            tokio::spawn(async move { log.record(sample(&format!("q{i}"))).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(tasks.iter().all(|t| !t.is_finished()));
    assert_eq!(lines(&cfg.path).len(), 1);
    drop(held);
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    log.record(sample("last")).await.unwrap();
    let r = check(&cfg.path).unwrap();
    assert_eq!((r.lines, r.last_seq), (52, Some(52)));
    let ids = request_ids(&cfg.path);
    assert_eq!(ids[0], "\"first\"");
    assert_eq!(ids[51], "\"last\"");
    let mut queued = ids[1..51].to_vec();
    queued.sort();
    queued.dedup();
    assert_eq!(queued.len(), 50);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn os_queued_calls_each_get_the_failure() {
    // Calls queued behind a busy file when the disk fills: every one of them is refused,
    // as is the next inline call; nothing after the failure reaches the file.
    let dir = tempfile::tempdir().unwrap();
    let cfg = AuditConfig {
        flush: FlushPolicy::Os,
        ..log_in(dir.path())
    };
    let log = AuditLog::open(cfg.clone()).unwrap();
    write_n(&log, 2).await;
    let held = log.hold_file();
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let log = log.clone();
            tokio::spawn(async move { log.record(sample(&format!("q{i}"))).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(20)).await;
    log.inject_write_failure();
    drop(held);
    for t in tasks {
        assert!(t.await.unwrap().is_err());
    }
    assert!(log.is_failed());
    assert!(log.record(sample("later")).await.is_err());
    assert_eq!(check(&cfg.path).unwrap().lines, 2);
}

#[tokio::test]
async fn reopen_resumes_the_chain() {
    // Two lines, close, reopen, one more: one chain of three.
    let dir = tempfile::tempdir().unwrap();
    let cfg = log_in(dir.path());
    write_n(&AuditLog::open(cfg.clone()).unwrap(), 2).await;
    let log = AuditLog::open(cfg.clone()).unwrap();
    assert_eq!(log.head().0, 2);
    write_n(&log, 1).await;
    let r = check(&cfg.path).unwrap();
    assert_eq!((r.lines, r.last_seq), (3, Some(3)));
}

#[tokio::test]
async fn reopen_refuses_an_edited_last_line() {
    // The last line no longer matches its hash: the chain cannot be resumed.
    let dir = tempfile::tempdir().unwrap();
    let cfg = log_in(dir.path());
    write_n(&AuditLog::open(cfg.clone()).unwrap(), 2).await;
    let text = std::fs::read_to_string(&cfg.path).unwrap();
    std::fs::write(&cfg.path, text.replace("\"status\":200", "\"status\":404")).unwrap();
    let r = AuditLog::open(cfg);
    assert!(
        matches!(
            r,
            Err(AuditError::Resume {
                which: "last",
                why: Broken::HashMismatch,
                ..
            })
        ),
        "{:?}",
        r.err()
    );
}

#[tokio::test]
async fn reopen_sets_a_torn_tail_aside() {
    // A write cut short: the fragment is kept in PATH.torn-<offset>, the chain goes on.
    let dir = tempfile::tempdir().unwrap();
    let cfg = log_in(dir.path());
    write_n(&AuditLog::open(cfg.clone()).unwrap(), 2).await;
    let whole = std::fs::metadata(&cfg.path).unwrap().len();
    let mut bytes = std::fs::read(&cfg.path).unwrap();
    bytes.extend_from_slice(b"{\"seq\":3,\"ti");
    std::fs::write(&cfg.path, &bytes).unwrap();
    assert_eq!(broken_at(check(&cfg.path)), (3, Broken::Torn));
    let log = AuditLog::open(cfg.clone()).unwrap();
    write_n(&log, 1).await;
    assert_eq!(check(&cfg.path).unwrap().lines, 3);
    let aside = dir.path().join(format!("audit.log.torn-{whole}"));
    assert_eq!(std::fs::read(aside).unwrap(), b"{\"seq\":3,\"ti");
}

#[tokio::test]
async fn rotation_keeps_the_chain_across_files() {
    // Lines of ~330 bytes, files of at most 1000: several files, one chain.
    let dir = tempfile::tempdir().unwrap();
    let cfg = AuditConfig {
        rotate_bytes: Some(1000),
        ..log_in(dir.path())
    };
    let log = AuditLog::open(cfg.clone()).unwrap();
    write_n(&log, 10).await;
    let r = check(&cfg.path).unwrap();
    assert_eq!((r.lines, r.last_seq), (10, Some(10)));
    assert!(r.files.len() >= 4, "{:?}", r.files);
    for f in &r.files {
        assert!(
            std::fs::metadata(f).unwrap().len() <= 1000,
            "{}",
            f.display()
        );
    }
    // The first rotated file is named after its first seq.
    assert_eq!(r.files[0], dir.path().join("audit.log.000000000001"));
    // Reopen after rotation (and after a crash between rename and create: no live file).
    drop(log);
    let live_first = serde_json::from_str::<serde_json::Value>(&lines(&cfg.path)[0]).unwrap()
        ["seq"]
        .as_u64()
        .unwrap();
    std::fs::rename(&cfg.path, segments::rotated_name(&cfg.path, live_first)).unwrap();
    let log = AuditLog::open(cfg.clone()).unwrap();
    write_n(&log, 3).await;
    let r = check(&cfg.path).unwrap();
    assert_eq!((r.lines, r.last_seq), (13, Some(13)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn os_rotation_under_concurrent_calls_keeps_the_chain() {
    // Inline and queued writers both rotate: one chain, no file past its limit.
    let dir = tempfile::tempdir().unwrap();
    let cfg = AuditConfig {
        rotate_bytes: Some(2000),
        flush: FlushPolicy::Os,
        ..log_in(dir.path())
    };
    let log = AuditLog::open(cfg.clone()).unwrap();
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let log = log.clone();
            tokio::spawn(async move { log.record(sample(&format!("c{i}"))).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let r = check(&cfg.path).unwrap();
    assert_eq!((r.lines, r.last_seq), (100, Some(100)));
    assert!(r.files.len() >= 10, "{:?}", r.files);
    for f in &r.files {
        assert!(std::fs::metadata(f).unwrap().len() <= 2000);
    }
}

#[tokio::test]
async fn keyed_values_are_deterministic_and_depend_on_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let with = |k: &[u8]| {
        AuditLog::open(AuditConfig {
            hmac_key: Some(k.to_vec()),
            ..log_in(dir.path())
        })
        .unwrap()
    };
    let (a, b) = (with(b"key-a"), with(b"key-b"));
    // Same key, same value: same hex; another key: another hex; no key: the value.
    assert_eq!(a.keyed("AB12CDE"), a.keyed("AB12CDE"));
    assert_eq!(a.keyed("AB12CDE").len(), 64);
    assert_ne!(a.keyed("AB12CDE"), b.keyed("AB12CDE"));
    assert_ne!(a.keyed("AB12CDE"), a.keyed("AB12CDF"));
    // RFC 4231 test case 2 pins the construction to HMAC-SHA256.
    let rfc = with(b"Jefe");
    assert_eq!(
        rfc.keyed("what do ya want for nothing?"),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    let plain = AuditLog::open(log_in(dir.path())).unwrap();
    assert_eq!(plain.keyed("AB12CDE"), "AB12CDE");
}

#[tokio::test]
async fn write_failure_fails_closed_and_stays_failed() {
    // A full disk, per policy: this call and every later one is refused, nothing skipped
    // silently.
    for flush in POLICIES {
        let dir = tempfile::tempdir().unwrap();
        let cfg = AuditConfig {
            flush,
            ..log_in(dir.path())
        };
        let log = AuditLog::open(cfg.clone()).unwrap();
        write_n(&log, 1).await;
        log.inject_write_failure();
        let e = log.record(sample("lost")).await.unwrap_err();
        assert!(
            matches!(e, AuditError::Io { op: "write", .. }),
            "{flush:?}: {e}"
        );
        assert!(e.to_string().contains("no space left"), "{e}");
        assert!(log.is_failed());
        let e = log.record(sample("later")).await.unwrap_err();
        assert!(matches!(e, AuditError::Failed(_)), "{flush:?}: {e}");
        // What was written before stays intact; reopening recovers.
        assert_eq!(check(&cfg.path).unwrap().lines, 1);
        write_n(&AuditLog::open(cfg.clone()).unwrap(), 1).await;
        assert_eq!(check(&cfg.path).unwrap().lines, 2);
    }
}

#[tokio::test]
async fn blocked_rotation_fails_closed() {
    // A real I/O failure: the rotation target is taken (a directory), so the line that
    // needs the rotation is refused rather than written past the limit or overwriting.
    for flush in POLICIES {
        let dir = tempfile::tempdir().unwrap();
        let cfg = AuditConfig {
            rotate_bytes: Some(400),
            flush,
            ..log_in(dir.path())
        };
        let log = AuditLog::open(cfg.clone()).unwrap();
        write_n(&log, 1).await;
        std::fs::create_dir(segments::rotated_name(&cfg.path, 1)).unwrap();
        let e = log.record(sample("second")).await.unwrap_err();
        assert!(
            matches!(e, AuditError::Io { op: "rotate", .. }),
            "{flush:?}: {e}"
        );
        assert!(log.record(sample("third")).await.is_err());
    }
}

#[test]
fn open_refuses_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let r = AuditLog::open(AuditConfig::new(dir.path()));
    assert!(matches!(r, Err(AuditError::NotRegularFile { .. })));
}

/// A log of `n` lines written by the real writer, and its lines.
async fn fixture(n: usize) -> (tempfile::TempDir, PathBuf, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let cfg = log_in(dir.path());
    write_n(&AuditLog::open(cfg.clone()).unwrap(), n).await;
    let l = lines(&cfg.path);
    (dir, cfg.path, l)
}

fn rewrite(path: &Path, lines: &[String]) {
    std::fs::write(
        path,
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
}

#[tokio::test]
async fn verify_names_the_line_of_each_tampering() {
    // Edit a middle line: caught there by its own hash.
    let (_d, p, mut l) = fixture(5).await;
    l[2] = l[2].replace("\"status\":200", "\"status\":201");
    rewrite(&p, &l);
    assert_eq!(broken_at(check(&p)), (3, Broken::HashMismatch));

    // Delete line 3: line 3 is now seq 4.
    let (_d, p, mut l) = fixture(5).await;
    l.remove(2);
    rewrite(&p, &l);
    assert_eq!(
        broken_at(check(&p)),
        (
            3,
            Broken::SeqGap {
                expected: 3,
                found: 4
            }
        )
    );

    // Swap lines 2 and 3.
    let (_d, p, mut l) = fixture(5).await;
    l.swap(1, 2);
    rewrite(&p, &l);
    assert_eq!(
        broken_at(check(&p)),
        (
            2,
            Broken::SeqGap {
                expected: 2,
                found: 3
            }
        )
    );

    // Delete the first line: the chain must start at seq 1.
    let (_d, p, mut l) = fixture(3).await;
    l.remove(0);
    rewrite(&p, &l);
    assert_eq!(
        broken_at(check(&p)),
        (
            1,
            Broken::SeqGap {
                expected: 1,
                found: 2
            }
        )
    );
    // ... unless a partial chain is asked for.
    let partial = VerifyOptions {
        partial: true,
        ..VerifyOptions::default()
    };
    assert_eq!(
        verify(std::slice::from_ref(&p), &partial)
            .unwrap()
            .first_seq,
        Some(2)
    );

    // Edit the last line.
    let (_d, p, mut l) = fixture(3).await;
    l[2] = l[2].replace("pc1234", "pc9999");
    rewrite(&p, &l);
    assert_eq!(broken_at(check(&p)), (3, Broken::HashMismatch));

    // Truncate the last line.
    let (_d, p, _) = fixture(3).await;
    let b = std::fs::read(&p).unwrap();
    std::fs::write(&p, &b[..b.len() - 20]).unwrap();
    assert_eq!(broken_at(check(&p)), (3, Broken::Torn));
}

#[tokio::test]
async fn resealed_edit_is_caught_by_the_next_line() {
    // Someone edits line 2 and recomputes its SHA-256: line 3's prev gives it away.
    let (_d, p, mut l) = fixture(3).await;
    let edited = l[1].replace("\"status\":200", "\"status\":403");
    let body = &edited[..edited.rfind(",\"hash\"").unwrap()];
    let mut resealed = body.as_bytes().to_vec();
    chain::ChainHash::Sha256.seal(&mut resealed);
    l[1] = String::from_utf8(resealed).unwrap().trim_end().to_string();
    rewrite(&p, &l);
    assert_eq!(broken_at(check(&p)), (3, Broken::PrevMismatch));
}

#[tokio::test]
async fn chain_key_is_needed_to_verify() {
    // A keyed chain verifies with its key, and fails line 1 without it.
    let dir = tempfile::tempdir().unwrap();
    let cfg = AuditConfig {
        chain_key: Some(b"chain-secret".to_vec()),
        ..log_in(dir.path())
    };
    write_n(&AuditLog::open(cfg.clone()).unwrap(), 2).await;
    let keyed = VerifyOptions {
        chain_key: Some(b"chain-secret".to_vec()),
        ..VerifyOptions::default()
    };
    assert_eq!(
        verify(std::slice::from_ref(&cfg.path), &keyed)
            .unwrap()
            .lines,
        2
    );
    assert_eq!(broken_at(check(&cfg.path)), (1, Broken::HashMismatch));
}

#[test]
fn verify_without_files_fails() {
    // No path, and a base path with nothing there.
    assert!(matches!(
        verify(&[], &VerifyOptions::default()),
        Err(VerifyError::NoFiles { .. })
    ));
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        check(&dir.path().join("none.log")),
        Err(VerifyError::NoFiles { .. })
    ));
}

#[tokio::test]
async fn files_out_of_order_are_caught() {
    // Rotated files given in the wrong order: the second file given starts at seq 1.
    let dir = tempfile::tempdir().unwrap();
    let cfg = AuditConfig {
        rotate_bytes: Some(700),
        ..log_in(dir.path())
    };
    write_n(&AuditLog::open(cfg.clone()).unwrap(), 4).await;
    let mut files = expand(std::slice::from_ref(&cfg.path)).unwrap();
    assert!(files.len() >= 2);
    files.swap(0, 1);
    let r = verify(&files, &VerifyOptions::default());
    assert!(
        matches!(r, Err(VerifyError::Broken { line: 1, .. })),
        "{r:?}"
    );
}

#[test]
fn log_handles_cross_threads() {
    // The gateway shares one log across tasks on every worker thread.
    fn shared<T: Send + Sync + Clone + 'static>() {}
    shared::<AuditLog>();
}

// --- chain key, checkpoints and anchors ------------------------------------------------

fn with_checkpoint(dir: &Path, every_lines: u64, flush: FlushPolicy) -> AuditConfig {
    AuditConfig {
        flush,
        checkpoint: Some(Checkpointing {
            path: dir.join("audit.checkpoint"),
            every_lines,
        }),
        ..log_in(dir)
    }
}

fn read_checkpoint(cfg: &AuditConfig) -> Checkpoint {
    let path = &cfg.checkpoint.as_ref().unwrap().path;
    Checkpoint::read(path).unwrap().unwrap()
}

/// Waits (bounded) for the writer thread to copy a head of `lines` lines: it does so after
/// acknowledging the lines, off the callers' path.
fn await_checkpoint(cfg: &AuditConfig, lines: u64) -> Checkpoint {
    for _ in 0..2000 {
        let c = read_checkpoint(cfg);
        if c.lines >= lines {
            return c;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("no checkpoint of {lines} lines: {:?}", read_checkpoint(cfg));
}

fn anchored(path: &Path, anchors: Vec<Anchor>) -> Result<VerifyReport, VerifyError> {
    let opts = VerifyOptions {
        anchors,
        ..VerifyOptions::default()
    };
    verify(&[path.to_path_buf()], &opts)
}

#[test]
fn the_default_flush_is_os() {
    // One truth for the default: what `[audit]` without `flush` gets (config test pins that).
    assert_eq!(FlushPolicy::default(), FlushPolicy::Os);
    assert_eq!(AuditConfig::new("a.log").flush, FlushPolicy::Os);
}

#[tokio::test]
async fn checkpoints_follow_the_head_at_open_every_n_lines_and_at_close() {
    for flush in POLICIES {
        let dir = tempfile::tempdir().unwrap();
        let cfg = with_checkpoint(dir.path(), 3, flush);
        let log = AuditLog::open(cfg.clone()).unwrap();
        // At open: the empty chain's head.
        let c = read_checkpoint(&cfg);
        assert_eq!((c.lines, c.head.as_str()), (0, "0".repeat(64).as_str()));
        assert_eq!(c.file, "audit.log");
        // Every 3 lines: after 4 lines the checkpoint holds line 3 (or, if the writer ran
        // late, a later line): either way a line the chain has, with its hash.
        write_n(&log, 4).await;
        let c = await_checkpoint(&cfg, 3);
        let r = anchored(
            &cfg.path,
            vec![Anchor::checkpoint(&cfg.checkpoint.as_ref().unwrap().path).unwrap()],
        );
        assert!(r.is_ok(), "{flush:?}: {r:?}");
        assert!(c.lines == 3 || c.lines == 4, "{flush:?}: {c:?}");
        // At close: the last head, and no line after it.
        log.close().unwrap();
        let c = read_checkpoint(&cfg);
        assert_eq!((c.lines, c.head.clone()), (4, log.head().1), "{flush:?}");
        assert!(log.record(sample("late")).await.is_err(), "{flush:?}");
        assert_eq!(check(&cfg.path).unwrap().lines, 4, "{flush:?}");
    }
}

#[tokio::test]
async fn open_refuses_a_log_cut_short_of_its_checkpoint() {
    // Five lines, checkpoint at 5; the last two cut off: the log is not resumed.
    let dir = tempfile::tempdir().unwrap();
    let cfg = with_checkpoint(dir.path(), 1000, FlushPolicy::Os);
    let log = AuditLog::open(cfg.clone()).unwrap();
    write_n(&log, 5).await;
    log.close().unwrap();
    drop(log);
    let l = lines(&cfg.path);
    rewrite(&cfg.path, &l[..3]);
    let e = AuditLog::open(cfg.clone()).err().expect("refused");
    let msg = e.to_string();
    assert!(matches!(e, AuditError::Checkpoint { .. }), "{msg}");
    assert!(
        msg.contains("seq 5") && msg.contains("ends at seq 3"),
        "{msg}"
    );
    assert!(msg.contains("cut off the end"), "{msg}");
    // The whole log deleted: refused too (the checkpoint remembers it).
    std::fs::remove_file(&cfg.path).unwrap();
    assert!(matches!(
        AuditLog::open(cfg.clone()),
        Err(AuditError::Checkpoint { .. })
    ));
    // The checkpoint itself is left as it was: evidence.
    assert_eq!(read_checkpoint(&cfg).lines, 5);
}

#[tokio::test]
async fn open_refuses_a_last_line_rewritten_under_the_checkpoint() {
    // The last line re-sealed (no chain key): its own hash checks, the checkpoint's does not.
    let dir = tempfile::tempdir().unwrap();
    let cfg = with_checkpoint(dir.path(), 1000, FlushPolicy::Os);
    let log = AuditLog::open(cfg.clone()).unwrap();
    write_n(&log, 2).await;
    log.close().unwrap();
    drop(log);
    let mut l = lines(&cfg.path);
    l[1] = reseal(&l[1].replace("\"status\":200", "\"status\":404"));
    rewrite(&cfg.path, &l);
    assert!(
        check(&cfg.path).is_ok(),
        "the forgery passes a plain verify"
    );
    let msg = AuditLog::open(cfg.clone())
        .err()
        .expect("refused")
        .to_string();
    assert!(msg.contains("rewritten"), "{msg}");
}

/// Re-seals a line with plain SHA-256 as a forger without the chain key would.
fn reseal(line: &str) -> String {
    let body = &line[..line.rfind(",\"hash\":").unwrap()];
    let mut b = body.as_bytes().to_vec();
    chain::ChainHash::Sha256.seal(&mut b);
    b.pop();
    String::from_utf8(b).unwrap()
}

#[tokio::test]
async fn anchors_catch_lines_cut_off_the_end() {
    let (_d, path, l) = fixture(5).await;
    let head = check(&path).unwrap().head;
    let line3 = chain::ChainHash::Sha256
        .check(l[2].as_bytes())
        .unwrap()
        .hash;
    // Intact: the head, an earlier head and the genesis head are all reached.
    let ok = anchored(
        &path,
        vec![
            Anchor::head("now", head),
            Anchor::head("earlier", line3),
            Anchor::head("empty", chain::GENESIS),
        ],
    );
    assert!(ok.is_ok(), "{ok:?}");
    // The last two lines cut off: the chain left is intact, the anchor is not reached.
    rewrite(&path, &l[..3]);
    assert!(check(&path).is_ok());
    match anchored(&path, vec![Anchor::head("--expect-head", head)]) {
        Err(VerifyError::Anchor {
            anchor,
            why: Unanchored::HeadNotFound { last_seq: 3, .. },
        }) => assert_eq!(anchor, "--expect-head"),
        other => panic!("{other:?}"),
    }
    // A checkpoint knows the seq, so it says how far the log fell short.
    let cut = Anchor {
        source: "checkpoint c".into(),
        seq: Some(5),
        hash: head,
    };
    let e = anchored(&path, vec![cut]).unwrap_err();
    assert!(
        matches!(
            e,
            VerifyError::Anchor {
                why: Unanchored::CutShort {
                    seq: 5,
                    last_seq: 3,
                    ..
                },
                ..
            }
        ),
        "{e}"
    );
    assert!(
        e.to_string()
            .starts_with("checkpoint c: head is line seq 5"),
        "{e}"
    );
}

#[tokio::test]
async fn anchors_catch_a_rewrite_and_a_head_before_the_files() {
    let (_d, path, l) = fixture(4).await;
    let seal = |line: &str| {
        chain::ChainHash::Sha256
            .check(line.as_bytes())
            .unwrap()
            .hash
    };
    let old3 = seal(&l[2]);
    // Line 3 edited and every later line re-chained (no key): a plain verify passes, the
    // checkpoint's seq 3 has another hash now.
    let mut forged = l.clone();
    forged[2] = reseal(&forged[2].replace("\"status\":200", "\"status\":500"));
    let new3 = hex::encode(seal(&forged[2]));
    forged[3] = reseal(&forged[3].replace(&hex::encode(old3), &new3));
    rewrite(&path, &forged);
    assert!(check(&path).is_ok());
    let at3 = Anchor {
        source: "checkpoint c".into(),
        seq: Some(3),
        hash: old3,
    };
    let e = anchored(&path, vec![at3.clone()]).unwrap_err();
    match &e {
        VerifyError::Anchor {
            why: Unanchored::Rewritten {
                seq: 3, line: 3, ..
            },
            ..
        } => {}
        other => panic!("{other:?}"),
    }
    // A partial chain (lines 3.. only) cannot show seq 2: said, not passed.
    rewrite(&path, &l[2..]);
    let opts = VerifyOptions {
        partial: true,
        anchors: vec![Anchor {
            seq: Some(2),
            ..at3
        }],
        ..VerifyOptions::default()
    };
    let e = verify(std::slice::from_ref(&path), &opts).unwrap_err();
    assert!(
        matches!(
            e,
            VerifyError::Anchor {
                why: Unanchored::BeforeFirst {
                    seq: 2,
                    first_seq: 3
                },
                ..
            }
        ),
        "{e}"
    );
}

#[tokio::test]
async fn a_chain_key_added_to_an_unkeyed_log_is_named_as_such() {
    // Not "line edited": the way out is a new log, and the error says so.
    let dir = tempfile::tempdir().unwrap();
    let cfg = log_in(dir.path());
    write_n(&AuditLog::open(cfg.clone()).unwrap(), 1).await;
    let keyed = AuditConfig {
        chain_key: Some(b"k".to_vec()),
        ..cfg.clone()
    };
    let e = AuditLog::open(keyed).err().expect("refused");
    assert!(matches!(e, AuditError::ChainKey { .. }), "{e}");
    assert!(e.to_string().contains("without a chain key"), "{e}");
    // Another key on a keyed log: an edit cannot be told apart, so the plain resume error.
    let dir = tempfile::tempdir().unwrap();
    let a = AuditConfig {
        chain_key: Some(b"a".to_vec()),
        ..log_in(dir.path())
    };
    write_n(&AuditLog::open(a.clone()).unwrap(), 1).await;
    let b = AuditConfig {
        chain_key: Some(b"b".to_vec()),
        ..a
    };
    assert!(matches!(
        AuditLog::open(b),
        Err(AuditError::Resume {
            why: Broken::HashMismatch,
            ..
        })
    ));
}

#[tokio::test]
async fn rotation_with_a_chain_key_and_checkpoints() {
    // Files of at most 1000 bytes, a keyed chain, a checkpoint every 2 lines; reopened
    // twice (once with no live file, as after a crash right after a rotation).
    let dir = tempfile::tempdir().unwrap();
    let key = b"rotation-key".to_vec();
    let cfg = AuditConfig {
        rotate_bytes: Some(1000),
        chain_key: Some(key.clone()),
        ..with_checkpoint(dir.path(), 2, FlushPolicy::EveryLine)
    };
    let cp = cfg.checkpoint.clone().unwrap().path;
    let log = AuditLog::open(cfg.clone()).unwrap();
    write_n(&log, 7).await;
    log.close().unwrap();
    drop(log);
    let keyed = |anchors| VerifyOptions {
        chain_key: Some(key.clone()),
        anchors,
        ..VerifyOptions::default()
    };
    let r = verify(
        std::slice::from_ref(&cfg.path),
        &keyed(vec![Anchor::checkpoint(&cp).unwrap()]),
    )
    .unwrap();
    assert!(r.files.len() >= 3, "{:?}", r.files);
    assert_eq!(read_checkpoint(&cfg).lines, 7);
    // The live file renamed as if rotated, then a restart: the head is in a rotated file
    // and the checkpoint names it.
    let first = serde_json::from_str::<serde_json::Value>(&lines(&cfg.path)[0]).unwrap()["seq"]
        .as_u64()
        .unwrap();
    let rotated = segments::rotated_name(&cfg.path, first);
    std::fs::rename(&cfg.path, &rotated).unwrap();
    let log = AuditLog::open(cfg.clone()).unwrap();
    let c = read_checkpoint(&cfg);
    assert_eq!(c.lines, 7);
    assert_eq!(c.file, rotated.file_name().unwrap().to_str().unwrap());
    write_n(&log, 2).await;
    log.close().unwrap();
    let r = verify(
        std::slice::from_ref(&cfg.path),
        &keyed(vec![Anchor::checkpoint(&cp).unwrap()]),
    )
    .unwrap();
    assert_eq!(r.last_seq, Some(9));
    // Without the key the keyed chain fails at its first line; the newest rotated file
    // cut off (the files before it stay intact): the checkpoint catches it.
    assert!(check(&cfg.path).is_err());
    drop(log);
    std::fs::remove_file(&cfg.path).unwrap();
    let e = verify(
        std::slice::from_ref(&cfg.path),
        &keyed(vec![Anchor::checkpoint(&cp).unwrap()]),
    )
    .unwrap_err();
    assert!(e.to_string().contains("cut off the end"), "{e}");
}
