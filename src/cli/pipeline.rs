//! Decode on every core, output in input order.
//!
//! Workers take turns cutting the input into batches of whole records with the file's
//! framing (the deframer is cheap and sequential; fixed-length records are read straight
//! into the batch, see [`source`]) and each decodes the batch it cut, on its own core;
//! the calling thread writes each batch's output in input order, then deals
//! with its bad records (quarantine, `--on-error`, warnings) in the order the
//! one-threaded loop would. Batches are cut the same way whatever the thread count, so
//! the output of `--threads 1` and `--threads N` is the same, byte for byte.
//!
//! Memory is bounded: a batch holds at most [`BATCH_BYTES`] of input (or one record, if
//! a record is larger) and at most `2 * threads + 1` batches exist at once (read,
//! queued, being decoded or waiting for their turn to be written).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::sync::Mutex;
use std::time::Instant;

use ferrule_parsers::framing::RecordReader;
use ferrule_parsers::json::RecordError;

use super::convert::OnError;
use super::quarantine::{Quarantine, Tally};
use super::Failure;
use source::Source;

mod source;

/// Input bytes per batch: large enough that handing a batch over costs nothing next to
/// decoding it, small enough that the batches in flight stay far below 64 MB per thread.
pub const BATCH_BYTES: usize = 1 << 20;
/// Records per batch at most (the Arrow batch size of columnar output).
pub const BATCH_RECORDS: usize = 8192;

/// Whole records cut from the input, back to back, with where each came from.
#[derive(Debug, Default)]
pub struct Batch {
    data: Vec<u8>,
    /// End of each record in `data` (empty when `stride` is set).
    ends: Vec<usize>,
    /// Input offset of each record's framing (empty when `stride` is set).
    offsets: Vec<u64>,
    /// Fixed-length records read straight in: each is `stride` bytes, the first at
    /// input offset `start` (0: `ends` and `offsets` say).
    stride: usize,
    start: u64,
    /// Number (1-based) of the first record.
    first: u64,
    /// Input bytes consumed once this batch was cut.
    pub bytes_read: u64,
    /// The reader stopped after this batch: a framing or I/O error, as text.
    stop: Option<String>,
}

impl Batch {
    /// Records in the batch.
    pub fn len(&self) -> usize {
        match self.stride {
            0 => self.ends.len(),
            len => self.data.len() / len,
        }
    }

    /// Bytes of the records in the batch.
    pub fn data_len(&self) -> usize {
        self.data.len()
    }

    /// Record `i`: its bytes, number and input offset.
    pub fn record(&self, i: usize) -> (&[u8], u64, u64) {
        if self.stride > 0 {
            let at = i.saturating_mul(self.stride);
            let bytes = self
                .data
                .get(at..at.saturating_add(self.stride))
                .unwrap_or_default();
            return (bytes, self.first + i as u64, self.start + at as u64);
        }
        let start = match i.checked_sub(1) {
            Some(p) => self.ends.get(p).copied().unwrap_or(0),
            None => 0,
        };
        let end = self.ends.get(i).copied().unwrap_or(start);
        let bytes = self.data.get(start..end).unwrap_or_default();
        let offset = self.offsets.get(i).copied().unwrap_or(0);
        (bytes, self.first + i as u64, offset)
    }
}

/// Where the reader cuts batches: at most this many records, and this many bytes of input
/// while records keep their length (one record more may run over: a batch stops once
/// another record as long as the last would not fit; a record larger than `bytes` is a
/// batch of its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchSize {
    pub records: usize,
    pub bytes: usize,
}

impl Default for BatchSize {
    fn default() -> Self {
        BatchSize {
            records: BATCH_RECORDS,
            bytes: BATCH_BYTES,
        }
    }
}

/// A record that did not decode cleanly, for the writer to quarantine and report.
#[derive(Debug)]
pub struct BadRecord {
    pub raw: Vec<u8>,
    pub offset: u64,
    /// Already numbered ([`RecordError::at_record`]).
    pub errors: Vec<RecordError>,
}

/// What a worker made of one batch.
#[derive(Debug)]
pub struct Done<O> {
    pub out: O,
    /// Records decoded cleanly.
    pub good: u64,
    /// In input order. With `--on-error fail` the batch stops at the first: `out` holds
    /// the records before it.
    pub bad: Vec<BadRecord>,
}

/// Decodes batches into some output (JSON Lines text, an Arrow batch).
pub trait Work {
    type Out: Send;
    fn run(&mut self, batch: &Batch, on_error: OnError) -> Result<Done<Self::Out>, Failure>;
}

/// How many threads decode, and what they do with bad records.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub threads: usize,
    pub on_error: OnError,
    pub batch: BatchSize,
}

/// How the run went, for the summary line.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub records: u64,
    pub bad: u64,
}

impl Counts {
    /// The line every decode ends with on stderr, whatever happened: records read (good
    /// and bad, up to a stop), bad records, how many went to the quarantine, wall time.
    pub fn summary_line(&self, quarantined: bool, seconds: f64) -> String {
        let q = if quarantined { self.bad } else { 0 };
        format!(
            "ferrule: summary: {} records, {} bad, {q} quarantined, {seconds:.2} s",
            self.records, self.bad
        )
    }
}

/// A progress bar on a terminal (bytes, bytes/s, records/s), nothing otherwise.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    start: Instant,
}

impl Progress {
    pub fn new(total: Option<u64>, off: bool) -> Progress {
        let bar = (!off && std::io::stderr().is_terminal()).then(|| {
            let (bar, template) = match total {
                Some(t) => (
                    indicatif::ProgressBar::new(t),
                    "{bar:30} {bytes}/{total_bytes} {bytes_per_sec} {msg} eta {eta}",
                ),
                None => (
                    indicatif::ProgressBar::new_spinner(),
                    "{spinner} {bytes} {bytes_per_sec} {msg}",
                ),
            };
            let style = indicatif::ProgressStyle::with_template(template)
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        Progress {
            bar,
            start: Instant::now(),
        }
    }

    fn update(&self, bytes: u64, records: u64) {
        if let Some(b) = &self.bar {
            b.set_position(bytes);
            let secs = self.start.elapsed().as_secs_f64().max(1e-3);
            b.set_message(format!("{:.0} records/s", records as f64 / secs));
        }
    }

    pub fn seconds(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

/// Reads `reader` to the end (or the first stop), decoding batches with `threads`
/// workers made by `make` and handing each batch's output to `write` in input order;
/// bad records go to `bad` in input order (it returns an error to stop the run), and
/// `counts` counts both, however the run ends.
/// Whatever stops the run, every batch before the stop has been written.
pub fn run<R, W, M>(
    reader: RecordReader<R>,
    policy: Policy,
    make: M,
    progress: &Progress,
    counts: &mut Counts,
    mut write: impl FnMut(W::Out) -> Result<(), Failure>,
    mut bad: impl FnMut(BadRecord) -> Result<(), Failure>,
) -> Result<(), Failure>
where
    R: Read + Send,
    W: Work,
    M: Fn() -> Result<W, Failure> + Sync,
{
    let Policy {
        threads,
        on_error,
        batch: size,
    } = policy;
    let mut settle = |batch_stop: Option<String>,
                      bytes_read: u64,
                      done: Result<Done<W::Out>, Failure>|
     -> Result<(), Failure> {
        let done = done?;
        counts.records += done.good;
        write(done.out)?;
        for b in done.bad {
            counts.records += 1;
            counts.bad += 1;
            bad(b)?;
        }
        progress.update(bytes_read, counts.records);
        match batch_stop {
            Some(e) => Err(Failure::data(format!("error: {e}"))),
            None => Ok(()),
        }
    };
    if threads <= 1 {
        // One core: no threads at all, the same batches.
        let mut source = Source::new(reader, size);
        let mut worker = make()?;
        while let Some(batch) = source.cut() {
            let done = worker.run(&batch, on_error);
            settle(batch.stop, batch.bytes_read, done)?;
        }
        return Ok(());
    }
    // Built once here, so a layout the decoder refuses fails before any thread starts.
    drop(make()?);
    let in_flight = 2 * threads + 1;
    let (credit_tx, credit_rx) = mpsc::sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        // The channel has room for every credit: this cannot block or fail.
        let _ = credit_tx.send(());
    }
    // Each worker cuts its own batches, so a batch is read on the core that decodes it
    // (from a reader thread, every batch crossed cores: ~8% of a 2-thread Parquet run).
    let cutter = Mutex::new(Cutter {
        source: Source::new(reader, size),
        seq: 0,
    });
    let credits = Mutex::new(credit_rx);
    let (done_tx, done_rx) = mpsc::channel::<Finished<W::Out>>();
    std::thread::scope(|s| {
        // Owned by this closure: returning early drops them, so the workers see their
        // channels closed and stop before the scope joins them.
        let (credit_tx, done_rx) = (credit_tx, done_rx);
        for _ in 0..threads {
            let (done_tx, cutter, credits, make) = (done_tx.clone(), &cutter, &credits, &make);
            s.spawn(move || work(cutter, credits, make, on_error, done_tx));
        }
        drop(done_tx);
        // Batches finish out of order: each waits here for its turn.
        let mut waiting = BTreeMap::new();
        let mut next = 0u64;
        for f in done_rx.iter() {
            waiting.insert(f.seq, f);
            while let Some(f) = waiting.remove(&next) {
                settle(f.stop, f.bytes_read, f.done)?;
                next += 1;
                // A batch written: another may be cut.
                let _ = credit_tx.send(());
            }
        }
        if !waiting.is_empty() {
            return Err(Failure::data("error: a decode worker stopped early"));
        }
        Ok(())
    })
}

/// The input, shared by the workers: whoever holds it cuts the next batch and numbers it.
struct Cutter<R: Read> {
    source: Source<R>,
    seq: u64,
}

/// A decoded batch on its way to the writer.
struct Finished<O> {
    seq: u64,
    stop: Option<String>,
    bytes_read: u64,
    done: Result<Done<O>, Failure>,
}

/// A worker thread: cuts and decodes batches until there are none or nobody takes
/// results. One credit per batch, given back by the writer, bounds the batches in memory.
fn work<R: Read, W: Work, M: Fn() -> Result<W, Failure>>(
    cutter: &Mutex<Cutter<R>>,
    credits: &Mutex<Receiver<()>>,
    make: &M,
    on_error: OnError,
    results: mpsc::Sender<Finished<W::Out>>,
) {
    let mut worker = make();
    loop {
        // Each lock is held only while waiting for one credit, or cutting one batch.
        if credits.lock().ok().and_then(|rx| rx.recv().ok()).is_none() {
            return;
        }
        let job = cutter.lock().ok().and_then(|mut c| {
            let batch = c.source.cut()?;
            let seq = c.seq;
            c.seq += 1;
            Some((seq, batch))
        });
        let Some((seq, batch)) = job else { return };
        let done = match worker.as_mut() {
            Ok(w) => w.run(&batch, on_error),
            Err(e) => Err(Failure {
                message: e.message.clone(),
                code: e.code,
            }),
        };
        let finished = Finished {
            seq,
            stop: batch.stop,
            bytes_read: batch.bytes_read,
            done,
        };
        if results.send(finished).is_err() {
            return;
        }
    }
}

/// The input file, or standard input, for the workers to cut.
pub fn open_input(path: &Option<PathBuf>) -> Result<(Box<dyn Read + Send>, Option<u64>), Failure> {
    match path {
        Some(p) if p.as_os_str() != "-" => {
            let f = File::open(p)
                .map_err(|e| Failure::usage(format!("error: cannot open {}: {e}", p.display())))?;
            let len = f.metadata().ok().map(|m| m.len());
            Ok((Box::new(f), len))
        }
        _ => Ok((Box::new(std::io::stdin()), None)),
    }
}

/// What happens to a bad record once its turn comes: quarantined, then the run stops
/// (`--on-error fail`) or it is counted and reported (the output already kept it with
/// nulls or left it out).
pub fn settle_bad(
    quarantine: &mut Quarantine,
    tally: &mut Tally,
    on_error: OnError,
    bad: BadRecord,
) -> Result<(), Failure> {
    quarantine.record(&bad.raw, bad.offset, &bad.errors)?;
    if on_error == OnError::Fail {
        let first = bad
            .errors
            .first()
            .map(ToString::to_string)
            .unwrap_or_default();
        return Err(Failure::data(format!("error: {first}")));
    }
    tally.bad(&bad.errors);
    Ok(())
}

/// How a pipelined decode ends, whatever stopped it: the progress bar cleared, the
/// output closed by `close` (the records decoded before a stop are still written), the
/// quarantine closed, the warnings tally and the summary line printed; then the first
/// failure of the run, the output and the quarantine, in that order.
pub fn finish_run(
    progress: &Progress,
    counts: &Counts,
    mut tally: Tally,
    quarantine: (Quarantine, Option<&Path>),
    ran: Result<(), Failure>,
    close: impl FnOnce() -> Result<(), Failure>,
) -> Result<(), Failure> {
    progress.finish();
    let written = close();
    let (quarantine, path) = quarantine;
    let finished = quarantine.finish();
    tally.good = counts.records - counts.bad;
    tally.summary("decoded", path);
    eprintln!(
        "{}",
        counts.summary_line(path.is_some(), progress.seconds())
    );
    ran?;
    written?;
    finished
}

/// `--threads`: at least 1; by default every core.
pub fn threads(asked: Option<usize>) -> Result<usize, Failure> {
    match asked {
        Some(0) => Err(Failure::usage("error: --threads must be at least 1")),
        Some(n) => Ok(n),
        None => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
    }
}

#[cfg(test)]
mod tests;
