//! Audit log throughput per flush policy: records/s with one caller at a time and with many
//! concurrent callers (as a busy gateway has), each against `Os` (no fsync) measured in the
//! same run as the baseline.
//!
//! ```text
//! cargo run --release --example audit_bench -- [DIR] [RECORDS]
//! ```
//! DIR (default: a temp dir under the system's) should be on the disk the gateway would log
//! to: fsync cost is a property of the device.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, UNIX_EPOCH};

use ferrule::audit::{AuditConfig, AuditEvent, AuditLog, FlushPolicy};

fn event(i: usize) -> AuditEvent {
    AuditEvent {
        time: UNIX_EPOCH + Duration::from_millis(1_700_000_000_000 + i as u64),
        request_id: format!("01HX{i:022}"),
        trace_id: format!("{i:032x}"),
        principal: Some("pc1234".into()),
        client_addr: "10.1.2.3:50412".into(),
        route: "/vehicles/{vrm}".into(),
        method: "GET".into(),
        purpose: Some("INV".into()),
        keys: vec![(
            "vrm".into(),
            "4f1a8c0b9d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e".into(),
        )],
        status: 200,
        latency_ms: 3.2,
        backend_ms: Some(2.9),
        direction: None,
        outcome: None,
    }
}

/// Records `total` events from `callers` concurrent tasks; returns records/s.
async fn run(dir: &Path, name: &str, flush: FlushPolicy, callers: usize, total: usize) -> f64 {
    let path = dir.join(format!("{name}-{callers}.log"));
    let _ = std::fs::remove_file(&path);
    let log = match AuditLog::open(AuditConfig {
        flush,
        ..AuditConfig::new(&path)
    }) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("open: {e}");
            return 0.0;
        }
    };
    let per = total / callers;
    let start = Instant::now();
    let tasks: Vec<_> = (0..callers)
        .map(|c| {
            let log = log.clone();
            tokio::spawn(async move {
                for i in 0..per {
                    if let Err(e) = log.record(event(c * per + i)).await {
                        eprintln!("record: {e}");
                        return;
                    }
                }
            })
        })
        .collect();
    for t in tasks {
        let _ = t.await;
    }
    let rate = (per * callers) as f64 / start.elapsed().as_secs_f64();
    let _ = std::fs::remove_file(&path);
    rate
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (dir, made): (PathBuf, bool) = match args.next() {
        Some(d) => (PathBuf::from(d), false),
        None => {
            let tmp =
                std::env::temp_dir().join(format!("ferrule-audit-bench-{}", std::process::id()));
            let _ = std::fs::create_dir_all(&tmp);
            (tmp, true)
        }
    };
    let total: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(4000);
    let policies = [
        ("os", FlushPolicy::Os),
        ("every_line", FlushPolicy::EveryLine),
        (
            "interval_2ms",
            FlushPolicy::Interval(Duration::from_millis(2)),
        ),
        (
            "interval_10ms",
            FlushPolicy::Interval(Duration::from_millis(10)),
        ),
    ];
    println!("dir {} records {total}", dir.display());
    println!(
        "{:<14} {:>8} {:>14} {:>10}",
        "policy", "callers", "records/s", "vs os"
    );
    for callers in [1usize, 64] {
        let mut baseline = 0.0;
        for (name, flush) in policies {
            // One caller cannot share fsyncs: keep the slow cases short.
            let n = if callers == 1 && flush != FlushPolicy::Os {
                total / 4
            } else {
                total
            };
            let rate = run(&dir, name, flush, callers, n).await;
            if flush == FlushPolicy::Os {
                baseline = rate;
            }
            let ratio = if baseline > 0.0 { rate / baseline } else { 0.0 };
            println!("{name:<14} {callers:>8} {rate:>14.0} {ratio:>10.3}");
        }
    }
    if made {
        let _ = std::fs::remove_dir(&dir);
    }
}
