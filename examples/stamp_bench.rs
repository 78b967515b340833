//! Cost of one audit line's timestamp (`src/audit/time.rs`), against a baseline measured in
//! the same run: `format!` of the same fields already split into numbers (one allocation,
//! the std formatting machinery, no date arithmetic). Timings depend on the machine and its
//! load; compare the ratio.
//!
//! ```text
//! cargo run --release --example stamp_bench -- [ITERATIONS]
//! ```

use std::hint::black_box;

use ferrule::audit::time as stamp;
use std::time::{Duration, Instant, UNIX_EPOCH};

/// Nanoseconds per call of `f(i)` over `n` calls, best of three rounds (the least disturbed
/// by other work on the machine).
fn ns_per_call(n: u64, mut f: impl FnMut(u64) -> usize) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        let mut sink = 0usize;
        for i in 0..n {
            sink = sink.wrapping_add(f(black_box(i)));
        }
        black_box(sink);
        best = best.min(start.elapsed().as_nanos() as f64 / n as f64);
    }
    best
}

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2_000_000);
    // One call a millisecond apart from the last, from 2024-03-01 on.
    let base = UNIX_EPOCH + Duration::from_millis(1_709_251_200_000);
    let stamp = ns_per_call(n, |i| {
        let s = stamp::Stamp::of(base + Duration::from_millis(i));
        s.as_str().len()
    });
    let baseline = ns_per_call(n, |i| {
        let (ms, s) = (i % 1000, i / 1000);
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{ms:03}Z",
            2024,
            3,
            1 + s / 86_400 % 28,
            s / 3600 % 24,
            s / 60 % 60,
            s % 60
        )
        .len()
    });
    println!("iterations {n}");
    println!("{:<22} {:>10} {:>10}", "what", "ns/call", "vs format!");
    println!(
        "{:<22} {stamp:>10.1} {:>10.3}",
        "Stamp::of",
        stamp / baseline
    );
    println!("{:<22} {baseline:>10.1} {:>10.3}", "format! baseline", 1.0);
}
