//! Benchmark baseline: a plain `serde_json` serialisation of the same values the decoder
//! writes, timed in the same run as `ferrule decode`, so its figure is a ratio, not a
//! number that depends on the machine.
//!
//! The JSON Lines that `ferrule decode` wrote are parsed into `serde_json::Value`s before
//! the clock starts (numbers stay `serde_json::Number`s with their exact text, as the
//! workspace enables `arbitrary_precision`). The timed part serialises every value into a
//! reused buffer and writes it to the sink in 64 KiB pieces, the way the decoder's output
//! loop does; it is what serde_json alone costs for the same output, with no record
//! decoding at all. Throughput is given in MB of *record* bytes (the size of the file the
//! decoder read), so it compares directly with the decoder's MB/s.
//!
//! ```text
//! cargo run --release --example bench_serde_baseline -- DECODED.jsonl RECORDS.bin [--reps 5]
//! ```
//! Prints one line: `serde_baseline records=N input_bytes=B best_s=.. median_s=.. best_mbps=..`.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::process::ExitCode;
use std::time::Instant;

use serde_json::Value;

/// Serialises every value as one JSON line into `out`, buffered as the decoder does.
fn serialise(values: &[Value], out: &mut dyn Write) -> io::Result<u64> {
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 17);
    let mut written = 0u64;
    for v in values {
        serde_json::to_writer(&mut buf, v)?;
        buf.push(b'\n');
        if buf.len() >= 1 << 16 {
            out.write_all(&buf)?;
            written += buf.len() as u64;
            buf.clear();
        }
    }
    out.write_all(&buf)?;
    written += buf.len() as u64;
    out.flush()?;
    Ok(written)
}

fn run(args: &[String]) -> Result<(), String> {
    let mut pos = Vec::new();
    let mut reps = 5usize;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--reps" => {
                reps = it
                    .next()
                    .and_then(|s| s.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or("--reps needs a positive number")?
            }
            _ => pos.push(a.clone()),
        }
    }
    let [jsonl, records] = pos.as_slice() else {
        return Err("usage: bench_serde_baseline DECODED.jsonl RECORDS.bin [--reps 5]".into());
    };
    let input_bytes = std::fs::metadata(records)
        .map_err(|e| format!("{records}: {e}"))?
        .len();
    let file = File::open(jsonl).map_err(|e| format!("{jsonl}: {e}"))?;
    let mut values = Vec::new();
    for line in BufReader::with_capacity(1 << 16, file).lines() {
        let line = line.map_err(|e| e.to_string())?;
        if !line.is_empty() {
            values.push(serde_json::from_str::<Value>(&line).map_err(|e| e.to_string())?);
        }
    }
    // /dev/null, like the decoder's runs; any write error there is a real problem.
    let mut sink = File::create("/dev/null").map_err(|e| e.to_string())?;
    let mut times = Vec::with_capacity(reps);
    let mut json_bytes = 0;
    for _ in 0..reps {
        let t = Instant::now();
        json_bytes = serialise(&values, &mut sink).map_err(|e| e.to_string())?;
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let best = times[0];
    let median = times[times.len() / 2];
    println!(
        "serde_baseline records={} input_bytes={input_bytes} json_bytes={json_bytes} \
         best_s={best:.4} median_s={median:.4} best_mbps={:.1}",
        values.len(),
        input_bytes as f64 / best / 1e6
    );
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_serde_baseline: {e}");
            ExitCode::FAILURE
        }
    }
}
