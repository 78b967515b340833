use super::*;
use crate::cli::pipeline::{BATCH_BYTES, BATCH_RECORDS};

/// A reader that hands out at most `step` bytes per read, and fails once with an I/O
/// error when it reaches `fail_at` (if set).
struct Trickle {
    data: Vec<u8>,
    at: usize,
    step: usize,
    fail_at: Option<usize>,
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.fail_at == Some(self.at) {
            self.fail_at = None;
            return Err(std::io::Error::other("disk on fire"));
        }
        let end = self.data.len().min(self.at + self.step);
        let end = self.fail_at.map_or(end, |f| end.min(f));
        let n = (end - self.at).min(buf.len());
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn trickle(n: usize, step: usize, fail_at: Option<usize>) -> Trickle {
    Trickle {
        data: (0..n).map(|i| (i % 251) as u8).collect(),
        at: 0,
        step,
        fail_at,
    }
}

/// Every batch as (records as (bytes, number, offset), bytes_read, stop).
type Seen = Vec<(Vec<(Vec<u8>, u64, u64)>, u64, Option<String>)>;

fn batches<R: Read>(mut source: Source<R>) -> Seen {
    let mut seen = Vec::new();
    while let Some(b) = source.cut() {
        let records = (0..b.len())
            .map(|i| {
                let (bytes, number, offset) = b.record(i);
                (bytes.to_vec(), number, offset)
            })
            .collect();
        seen.push((records, b.bytes_read, b.stop.clone()));
    }
    seen
}

/// The same input through the deframer and through the direct read.
fn both(len: usize, make: impl Fn() -> Trickle) -> (Seen, Seen) {
    both_sized(len, BatchSize::default(), make)
}

fn both_sized(len: usize, size: BatchSize, make: impl Fn() -> Trickle) -> (Seen, Seen) {
    let framed = Source::Framed {
        reader: RecordReader::new(make(), Framing::Fixed { len }),
        size,
        done: false,
    };
    let direct = Source::new(RecordReader::new(make(), Framing::Fixed { len }), size);
    assert!(
        matches!(direct, Source::Fixed(_)),
        "fixed framing reads directly"
    );
    (batches(framed), batches(direct))
}

#[test]
fn direct_reads_cut_the_batches_the_deframer_cuts() {
    // Whole files, truncated tails, empty input, short reads, batch edges (4,194 records
    // of 250 bytes fill a batch), the record cap (8,192 records of 4 bytes), a record
    // larger than a batch.
    let cases: &[(usize, usize, usize)] = &[
        (250, 0, 4096),
        (250, 250, 4096),
        (250, 4194 * 250, 65536),
        (250, 4194 * 250 + 1, 65536),
        (250, 3 * 4194 * 250 + 100, 7),
        (250, 20_000 * 250 - 3, 1 << 20),
        (4, 50_000 * 4 + 2, 1000),
        (3, 10, 1),
        (BATCH_BYTES + 5, 2 * (BATCH_BYTES + 5) + 1, 1 << 16),
    ];
    for &(len, n, step) in cases {
        let (framed, direct) = both(len, || trickle(n, step, None));
        assert_eq!(framed, direct, "len {len}, {n} bytes, reads of {step}");
        let records: usize = direct.iter().map(|b| b.0.len()).sum();
        assert_eq!(records, n / len, "len {len}, {n} bytes");
    }
    // Smaller batches (`--row-group-rows`, `--row-group-bytes`) are cut alike too.
    for size in [
        BatchSize {
            records: 3,
            bytes: 1 << 20,
        },
        BatchSize {
            records: 100,
            bytes: 1000,
        },
        BatchSize {
            records: 100,
            bytes: 10,
        },
    ] {
        let (framed, direct) = both_sized(250, size, || trickle(250 * 50 + 7, 333, None));
        assert_eq!(framed, direct, "{size:?}");
        assert_eq!(direct[0].0.len(), records_per_batch(250, size), "{size:?}");
    }
}

#[test]
fn an_io_error_stops_after_the_whole_records_before_it() {
    // The error falls mid-record, on a record edge, at the start and in a later batch.
    for fail_at in [0, 1000, 1001, 250 * 5000 + 17] {
        let (framed, direct) = both(250, || trickle(250 * 6000, 4096, Some(fail_at)));
        assert_eq!(framed, direct, "failing at byte {fail_at}");
        let last = direct.last().unwrap();
        assert_eq!(last.2.as_deref(), Some("I/O error: disk on fire"));
        assert_eq!(last.1, (fail_at - fail_at % 250) as u64);
    }
}

#[test]
fn a_truncated_tail_is_located() {
    // 2 records of 3 bytes and 2 bytes over: record 3 at byte 6.
    let mut s = Source::new(
        RecordReader::new(&b"abcdefgh"[..], Framing::Fixed { len: 3 }),
        BatchSize::default(),
    );
    let b = s.cut().unwrap();
    assert_eq!(b.len(), 2);
    assert_eq!(b.record(1), (&b"def"[..], 2, 3));
    assert_eq!(
        b.stop.as_deref(),
        Some("record 3 at byte 6: input ends after 2 of the record's 3 bytes")
    );
    assert!(s.cut().is_none());
}

#[test]
fn other_framings_and_used_readers_are_cut_record_by_record() {
    // Length headers need the deframer.
    let s = Source::new(
        RecordReader::new(&[0u8, 1, 9][..], Framing::Len2),
        BatchSize::default(),
    );
    assert!(matches!(s, Source::Framed { .. }));
    // Bytes already buffered in the reader would be lost to a direct read.
    let mut r = RecordReader::new(&b"abcdef"[..], Framing::Fixed { len: 3 });
    assert_eq!(r.next_record().unwrap(), Some(&b"abc"[..]));
    let mut s = Source::new(r, BatchSize::default());
    assert!(matches!(s, Source::Framed { .. }));
    let b = s.cut().unwrap();
    assert_eq!(b.record(0), (&b"def"[..], 2, 3));
    // A record longer than the reader allows is refused as before.
    let r = RecordReader::new(&b"abcdef"[..], Framing::Fixed { len: 3 }).with_max_record_len(2);
    let mut s = Source::new(r, BatchSize::default());
    assert!(matches!(s, Source::Framed { .. }));
    assert!(s
        .cut()
        .unwrap()
        .stop
        .unwrap()
        .contains("exceeds the limit of 2 bytes"));
}

#[test]
fn records_per_batch_matches_the_byte_and_record_limits() {
    let size = BatchSize::default();
    assert_eq!(records_per_batch(250, size), 4194);
    assert_eq!(records_per_batch(4, size), BATCH_RECORDS);
    assert_eq!(records_per_batch(BATCH_BYTES * 2, size), 1);
    assert_eq!(records_per_batch(BATCH_BYTES, size), 1);
    let small = BatchSize {
        records: 3,
        bytes: 1000,
    };
    assert_eq!(records_per_batch(250, small), 3);
    assert_eq!(records_per_batch(400, small), 2);
}
