use super::*;
use ferrule_parsers::framing::Framing;
use ferrule_parsers::json::RecordErrorKind;

/// Output: the numbers of the records decoded; a record starting with `X` is bad.
struct Numbers;

impl Work for Numbers {
    type Out = Vec<u64>;

    fn run(&mut self, batch: &Batch, on_error: OnError) -> Result<Done<Vec<u64>>, Failure> {
        let mut done = Done {
            out: Vec::new(),
            good: 0,
            bad: Vec::new(),
        };
        for i in 0..batch.len() {
            let (rec, number, offset) = batch.record(i);
            if rec.first() == Some(&b'X') {
                done.bad.push(BadRecord {
                    raw: rec.to_vec(),
                    offset,
                    errors: vec![RecordError {
                        record: number,
                        path: "F".into(),
                        offset: 0,
                        bytes: rec.to_vec(),
                        kind: RecordErrorKind::Json("bad".into()),
                    }],
                });
                if on_error == OnError::Fail {
                    break;
                }
                continue;
            }
            done.out.push(number);
            done.good += 1;
        }
        Ok(done)
    }
}

/// `n` 4-byte records; those whose number is in `bad` start with `X`.
fn input(n: u64, bad: &[u64]) -> Vec<u8> {
    (1..=n)
        .flat_map(|i| if bad.contains(&i) { *b"XXXX" } else { *b"good" })
        .collect()
}

/// Runs the pipeline; what was written, the bad records' (number, offset), the counts
/// and the outcome.
fn go(data: &[u8], threads: usize, on_error: OnError) -> (Vec<u64>, Vec<(u64, u64)>, Counts, bool) {
    let reader = RecordReader::new(data, Framing::Fixed { len: 4 });
    let (mut written, mut bad, mut counts) = (Vec::new(), Vec::new(), Counts::default());
    let progress = Progress::new(None, true);
    let ran = run(
        reader,
        Policy {
            threads,
            on_error,
            batch: BatchSize::default(),
        },
        || Ok(Numbers),
        &progress,
        &mut counts,
        |out: Vec<u64>| {
            written.extend(out);
            Ok(())
        },
        |b: BadRecord| {
            let n = b.errors.first().map_or(0, |e| e.record);
            bad.push((n, b.offset));
            if on_error == OnError::Fail {
                return Err(Failure::data("stop"));
            }
            Ok(())
        },
    );
    (written, bad, counts, ran.is_ok())
}

#[test]
fn many_threads_write_what_one_does_in_order() {
    // 50,000 records: several batches of 8192.
    let data = input(50_000, &[3, 8192, 8193, 40_000]);
    let one = go(&data, 1, OnError::Skip);
    let four = go(&data, 4, OnError::Skip);
    assert_eq!(one.0, four.0);
    assert_eq!(one.1, four.1);
    assert!(one.3 && four.3);
    assert_eq!(four.0.len(), 50_000 - 4);
    assert!(four.0.windows(2).all(|w| w[0] < w[1]), "out of order");
    // Bad records by number, at their byte offsets.
    assert_eq!(
        four.1,
        vec![(3, 8), (8192, 32_764), (8193, 32_768), (40_000, 159_996)]
    );
    assert_eq!((four.2.records, four.2.bad), (50_000, 4));
}

#[test]
fn a_stop_writes_everything_before_it_and_nothing_after() {
    let data = input(50_000, &[20_000, 30_000]);
    for threads in [1, 3] {
        let (written, bad, counts, ok) = go(&data, threads, OnError::Fail);
        assert!(!ok, "fail must stop the run");
        assert_eq!(
            written,
            (1..20_000).collect::<Vec<u64>>(),
            "{threads} threads"
        );
        assert_eq!(bad, vec![(20_000, 79_996)]);
        assert_eq!((counts.records, counts.bad), (20_000, 1));
    }
}

#[test]
fn a_framing_error_fails_after_the_records_before_it() {
    // A 2-byte tail: not a whole record.
    let mut data = input(20_000, &[]);
    data.extend_from_slice(b"go");
    for threads in [1, 2] {
        let (written, _, counts, ok) = go(&data, threads, OnError::Skip);
        assert!(!ok);
        assert_eq!(written.len(), 20_000, "{threads} threads");
        assert_eq!(counts.records, 20_000);
    }
}

#[test]
fn an_empty_input_writes_nothing() {
    for threads in [1, 2] {
        let (written, bad, counts, ok) = go(b"", threads, OnError::Fail);
        assert!(ok && written.is_empty() && bad.is_empty());
        assert_eq!(counts.records, 0);
    }
}

#[test]
fn a_worker_that_cannot_be_built_fails_the_run() {
    let data = input(10, &[]);
    for threads in [1, 2] {
        let reader = RecordReader::new(&data[..], Framing::Fixed { len: 4 });
        let mut counts = Counts::default();
        let r = run(
            reader,
            Policy {
                threads,
                on_error: OnError::Skip,
                batch: BatchSize::default(),
            },
            || Err::<Numbers, _>(Failure::usage("error: no decoder")),
            &Progress::new(None, true),
            &mut counts,
            |_: Vec<u64>| Ok(()),
            |_| Ok(()),
        );
        assert_eq!(r.err().map(|f| f.code), Some(2));
    }
}

#[test]
fn threads_zero_is_refused_and_the_default_is_every_core() {
    assert!(threads(Some(0)).is_err());
    assert_eq!(threads(Some(3)).ok(), Some(3));
    assert!(threads(None).ok().is_some_and(|n| n >= 1));
}

#[test]
fn summary_line_says_records_bad_quarantined_and_seconds() {
    let c = Counts {
        records: 12,
        bad: 2,
    };
    assert_eq!(
        c.summary_line(true, 1.234),
        "ferrule: summary: 12 records, 2 bad, 2 quarantined, 1.23 s"
    );
    // Without --quarantine nothing is quarantined.
    assert!(c.summary_line(false, 0.0).contains("0 quarantined"));
}

#[test]
fn batches_are_cut_at_the_size_asked_for() {
    // 10 records of 4 bytes: at most 3 records, then at most 8 bytes (2 records), a batch.
    let data = input(10, &[]);
    for (size, want) in [
        (
            BatchSize {
                records: 3,
                bytes: 1 << 20,
            },
            vec![3, 3, 3, 1],
        ),
        (
            BatchSize {
                records: 100,
                bytes: 8,
            },
            vec![2, 2, 2, 2, 2],
        ),
        // A record larger than the byte limit is a batch of its own.
        (
            BatchSize {
                records: 100,
                bytes: 1,
            },
            vec![1; 10],
        ),
    ] {
        for threads in [1, 2] {
            let mut lens = Vec::new();
            let mut counts = Counts::default();
            let r = run(
                RecordReader::new(&data[..], Framing::Fixed { len: 4 }),
                Policy {
                    threads,
                    on_error: OnError::Skip,
                    batch: size,
                },
                || Ok(Numbers),
                &Progress::new(None, true),
                &mut counts,
                |out: Vec<u64>| {
                    lens.push(out.len());
                    Ok(())
                },
                |_| Ok(()),
            );
            assert!(r.is_ok());
            assert_eq!(lens, want, "{size:?}, {threads} threads");
        }
    }
}
