//! Framed records -> record batches on one thread: the loop `ferrule decode --to parquet`
//! runs on fixed-framed OCCURS DEPENDING ON files and the Python package runs on every
//! file, kept in one place so that the two agree value for value and bad record for bad
//! record. What happens to batches and bad records is the caller's ([`RecordSink`]).

use std::io::Read;

use ferrule_parsers::framing::{MeasuredError, RecordReader};
use ferrule_parsers::json::{FieldErrorMode, RecordError};
use ferrule_parsers::values::{RecordValues, ValueDecoder};

use crate::{ColumnarError, DirectPlan, RecordBatch, RecordBatchBuilder};

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
pub struct ReadPlan<'d> {
    /// `Some(max_len)`: fixed framing without lengths, each record as long as its OCCURS
    /// DEPENDING ON counters say (at most `max_len` bytes).
    pub measured: Option<usize>,
    /// Rows per batch handed to [`RecordSink::batch`].
    pub batch_rows: usize,
    /// The layout's direct path, if it has one (unused with `measured`): each run of
    /// `batch_rows` records goes through it, or the generic way when it is not sure.
    pub direct: Option<&'d DirectPlan>,
}

/// The generic decode of one record at a time, and where its rows go.
struct Generic<'a, 'l> {
    decoder: &'a mut ValueDecoder<'l>,
    builder: &'a mut RecordBatchBuilder,
    rv: RecordValues,
    batch_rows: usize,
}

/// Decodes every record `reader` cuts into `builder`'s rows, handing `sink` a batch every
/// `plan.batch_rows` rows and each bad record. Whatever stops the read, the rows decoded
/// before the stop are handed over as a last batch.
pub fn read_batches<R: Read, S: RecordSink>(
    reader: &mut RecordReader<R>,
    decoder: &mut ValueDecoder<'_>,
    builder: &mut RecordBatchBuilder,
    plan: ReadPlan<'_>,
    sink: &mut S,
) -> Result<(), S::Error> {
    let mut g = Generic {
        decoder,
        builder,
        rv: RecordValues::default(),
        batch_rows: plan.batch_rows,
    };
    let ran = match (plan.direct, plan.measured) {
        (Some(direct), None) => read_direct(reader, direct, &mut g, sink),
        (_, measured) => read_each(reader, measured, &mut g, sink),
    };
    // The rows decoded before a stop are handed over too.
    let flushed = flush(g.builder, sink, 1);
    ran?;
    flushed
}

/// One record at a time (measured records are decoded while they are measured).
fn read_each<R: Read, S: RecordSink>(
    reader: &mut RecordReader<R>,
    measured: Option<usize>,
    g: &mut Generic<'_, '_>,
    sink: &mut S,
) -> Result<(), S::Error> {
    loop {
        // A measured record is decoded while it is measured: keep that outcome.
        let mut outcome: Option<Result<(), RecordError>> = None;
        let next = match measured {
            Some(max_len) => reader.next_measured(max_len, |bytes| {
                g.decoder.decode(bytes, FieldErrorMode::Null, &mut g.rv)?;
                outcome = Some(Ok(()));
                Ok::<usize, RecordError>(g.rv.consumed)
            }),
            None => reader.next_record().map_err(MeasuredError::Framing),
        };
        let Some(record) = next.map_err(ReadError::Read)? else {
            return Ok(());
        };
        let result = match outcome.take() {
            Some(r) => r,
            None => g.decoder.decode(record, FieldErrorMode::Null, &mut g.rv),
        };
        let clean = matches!(result, Ok(()) if g.rv.field_errors.is_empty());
        let raw = if clean { Vec::new() } else { record.to_vec() };
        let at = (reader.record_number(), reader.record_offset());
        g.settle(result, raw, at, sink)?;
    }
}

/// Runs of `batch_rows` records through the direct path, each kept until it is decoded.
fn read_direct<R: Read, S: RecordSink>(
    reader: &mut RecordReader<R>,
    direct: &DirectPlan,
    g: &mut Generic<'_, '_>,
    sink: &mut S,
) -> Result<(), S::Error> {
    let mut chunk = Chunk::default();
    loop {
        let record = match reader.next_record() {
            Ok(Some(record)) => record,
            Ok(None) => return chunk.decode(direct, g, sink),
            Err(e) => {
                // The records before the stop are decoded first, as they would have been
                // one at a time.
                chunk.decode(direct, g, sink)?;
                return Err(ReadError::Read(MeasuredError::Framing(e)).into());
            }
        };
        chunk.data.extend_from_slice(record);
        chunk.ends.push(chunk.data.len());
        chunk
            .at
            .push((reader.record_number(), reader.record_offset()));
        if chunk.ends.len() >= g.batch_rows {
            chunk.decode(direct, g, sink)?;
        }
    }
}

/// Records read but not yet decoded: their bytes back to back, where each ends, and
/// each one's number and input offset.
#[derive(Default)]
struct Chunk {
    data: Vec<u8>,
    ends: Vec<usize>,
    at: Vec<(u64, u64)>,
}

impl Chunk {
    /// Decodes the records held, as one batch when the direct path is sure of them all,
    /// else one by one the generic way (bad records to the sink), then forgets them.
    fn decode<S: RecordSink>(
        &mut self,
        direct: &DirectPlan,
        g: &mut Generic<'_, '_>,
        sink: &mut S,
    ) -> Result<(), S::Error> {
        if self.ends.is_empty() {
            return Ok(());
        }
        let mut start = 0;
        let records: Vec<&[u8]> = self
            .ends
            .iter()
            .map(|&end| {
                let r = self.data.get(start..end).unwrap_or_default();
                start = end;
                r
            })
            .collect();
        let ran = match direct.decode(&records) {
            Some(batch) => sink.batch(batch),
            None => records
                .iter()
                .zip(&self.at)
                .try_for_each(|(record, &at)| g.one(record, at, sink))
                .and_then(|()| flush(g.builder, sink, 1)),
        };
        self.data.clear();
        self.ends.clear();
        self.at.clear();
        ran
    }
}

impl Generic<'_, '_> {
    /// Decodes one record (`at`: its number and input offset) and settles it.
    fn one<S: RecordSink>(
        &mut self,
        record: &[u8],
        at: (u64, u64),
        sink: &mut S,
    ) -> Result<(), S::Error> {
        let result = self
            .decoder
            .decode(record, FieldErrorMode::Null, &mut self.rv);
        let clean = matches!(result, Ok(()) if self.rv.field_errors.is_empty());
        let raw = if clean { Vec::new() } else { record.to_vec() };
        self.settle(result, raw, at, sink)
    }

    /// A decoded record's row, or the bad record to the sink (and its row if kept).
    fn settle<S: RecordSink>(
        &mut self,
        result: Result<(), RecordError>,
        raw: Vec<u8>,
        (number, offset): (u64, u64),
        sink: &mut S,
    ) -> Result<(), S::Error> {
        let (errors, whole) = match result {
            Ok(()) if self.rv.field_errors.is_empty() => {
                return append(self.builder, &self.rv, number, sink, self.batch_rows);
            }
            Ok(()) => (std::mem::take(&mut self.rv.field_errors), false),
            Err(e) => (vec![e], true),
        };
        let bad = BadRecord {
            raw,
            offset,
            errors: errors.into_iter().map(|e| e.at_record(number)).collect(),
            whole,
        };
        if sink.bad(bad)? && !whole {
            append(self.builder, &self.rv, number, sink, self.batch_rows)?;
        }
        Ok(())
    }
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
