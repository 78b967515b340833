//! Framed records -> record batches on one thread: the loop `ferrule decode --to parquet`
//! runs on fixed-framed OCCURS DEPENDING ON files and the Python package runs on every
//! file, kept in one place so that the two agree value for value and bad record for bad
//! record. What happens to batches and bad records is the caller's ([`RecordSink`]).

use std::io::Read;

use ferrule_parsers::framing::{MeasuredError, RecordReader};
use ferrule_parsers::json::{FieldErrorMode, RecordError};
use ferrule_parsers::values::{RecordValues, ValueDecoder};

use crate::{ColumnarError, RecordBatch, RecordBatchBuilder};

/// Why [`read_batches`] stopped on its own.
#[derive(Debug)]
pub enum ReadError {
    /// The input could not be read or cut into records, or (measured records) a record's
    /// length could not be worked out, so where the next one starts is unknown.
    Read(MeasuredError<RecordError>),
    /// A row could not be appended (a bug: the plan does not fit the decoder).
    Columnar(ColumnarError),
}

/// A record that did not decode cleanly.
#[derive(Debug)]
pub struct BadRecord {
    /// Its bytes (copied: only bad records are, so that the reader can be asked where
    /// they were).
    pub raw: Vec<u8>,
    /// Where its framing starts in the input.
    pub offset: u64,
    /// Already numbered ([`RecordError::at_record`]).
    pub errors: Vec<RecordError>,
    /// Nothing of it decoded (a row with null fields is not possible).
    pub whole: bool,
}

/// Where the batches and the bad records go.
pub trait RecordSink {
    type Error: From<ReadError>;
    /// A batch of rows, in input order.
    fn batch(&mut self, batch: RecordBatch) -> Result<(), Self::Error>;
    /// A bad record, in input order: `Ok(true)` keeps it as a row with its bad fields
    /// null (asked only when it is not `whole`), `Ok(false)` leaves it out, an error
    /// stops the read.
    fn bad(&mut self, bad: BadRecord) -> Result<bool, Self::Error>;
}

/// How records are cut and batched.
#[derive(Debug, Clone, Copy)]
pub struct ReadPlan {
    /// `Some(max_len)`: fixed framing without lengths, each record as long as its OCCURS
    /// DEPENDING ON counters say (at most `max_len` bytes).
    pub measured: Option<usize>,
    /// Rows per batch handed to [`RecordSink::batch`].
    pub batch_rows: usize,
}

/// Decodes every record `reader` cuts into `builder`'s rows, handing `sink` a batch every
/// `plan.batch_rows` rows and each bad record. Whatever stops the read, the rows decoded
/// before the stop are handed over as a last batch.
pub fn read_batches<R: Read, S: RecordSink>(
    reader: &mut RecordReader<R>,
    decoder: &mut ValueDecoder<'_>,
    builder: &mut RecordBatchBuilder,
    plan: ReadPlan,
    sink: &mut S,
) -> Result<(), S::Error> {
    let mut read = || -> Result<(), S::Error> {
        let mut rv = RecordValues::default();
        loop {
            // A measured record is decoded while it is measured: keep that outcome.
            let mut outcome: Option<Result<(), RecordError>> = None;
            let next = match plan.measured {
                Some(max_len) => reader.next_measured(max_len, |bytes| {
                    decoder.decode(bytes, FieldErrorMode::Null, &mut rv)?;
                    outcome = Some(Ok(()));
                    Ok::<usize, RecordError>(rv.consumed)
                }),
                None => reader.next_record().map_err(MeasuredError::Framing),
            };
            let Some(record) = next.map_err(ReadError::Read)? else {
                return Ok(());
            };
            let result = match outcome.take() {
                Some(r) => r,
                None => decoder.decode(record, FieldErrorMode::Null, &mut rv),
            };
            let clean = matches!(result, Ok(()) if rv.field_errors.is_empty());
            let raw = if clean { Vec::new() } else { record.to_vec() };
            let number = reader.record_number();
            let (errors, whole) = match result {
                Ok(()) if clean => {
                    append(builder, &rv, number, sink, plan.batch_rows)?;
                    continue;
                }
                Ok(()) => (std::mem::take(&mut rv.field_errors), false),
                Err(e) => (vec![e], true),
            };
            let bad = BadRecord {
                raw,
                offset: reader.record_offset(),
                errors: errors.into_iter().map(|e| e.at_record(number)).collect(),
                whole,
            };
            if sink.bad(bad)? && !whole {
                append(builder, &rv, number, sink, plan.batch_rows)?;
            }
        }
    };
    let ran = read();
    // The rows decoded before a stop are handed over too.
    let flushed = flush(builder, sink, 1);
    ran?;
    flushed
}

/// Appends record `number`'s row, handing over a batch once there are `batch_rows`.
fn append<S: RecordSink>(
    builder: &mut RecordBatchBuilder,
    rv: &RecordValues,
    number: u64,
    sink: &mut S,
    batch_rows: usize,
) -> Result<(), S::Error> {
    builder.append(rv, number).map_err(ReadError::Columnar)?;
    flush(builder, sink, batch_rows)
}

/// Hands over the rows built so far once there are at least `min` of them.
fn flush<S: RecordSink>(
    builder: &mut RecordBatchBuilder,
    sink: &mut S,
    min: usize,
) -> Result<(), S::Error> {
    if builder.len() >= min {
        let batch = builder.finish().map_err(ReadError::Columnar)?;
        sink.batch(batch)?;
    }
    Ok(())
}
