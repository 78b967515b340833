//! The decode loop: framed bytes -> record batches, with `on_error`'s policy. The loop
//! itself is `ferrule_arrow::read` (as `ferrule decode --to parquet` runs it), so the two
//! agree value for value; this one hands batches back instead of writing them.

use std::io::Read;

use arrow_array::RecordBatch;
use ferrule_arrow::read::{read_batches, BadRecord, ReadError, ReadPlan, RecordSink};
use ferrule_arrow::{ColumnPlan, DirectPlan, PlanOptions, RecordBatchBuilder};
use ferrule_parsers::framing::{Framing, MeasuredError, RecordReader};
use ferrule_parsers::json::{CodecOptions, RecordError};
use ferrule_parsers::layout::Layout;
use ferrule_parsers::values::ValueDecoder;

use crate::errors::DecodeError;
use crate::options::{OnError, ReadOptions};

/// Rows per batch handed to Python by `read` (decode of a buffer gives one batch).
pub const BATCH_ROWS: usize = 65_536;

/// A bad record that was skipped or kept with nulls, and where its framing starts.
pub type Reported = (RecordError, u64);

/// Decodes every record of `input`: batches of at most `batch_rows` rows, and the bad
/// records `on_error` let through (`skip`, `null`).
pub fn decode_all<R: Read>(
    layout: &Layout,
    codec: &CodecOptions,
    read: ReadOptions,
    input: R,
    batch_rows: usize,
) -> Result<(Vec<RecordBatch>, Vec<Reported>), DecodeError> {
    let mut decoder = ValueDecoder::new(layout, *codec).map_err(|e| DecodeError::Record {
        error: Box::new(e),
        input_offset: 0,
    })?;
    let plan = ColumnPlan::from_shape(
        decoder.shape(),
        codec,
        PlanOptions {
            flatten: read.flatten,
        },
    )
    .map_err(DecodeError::Columnar)?;
    // Fixed-offset layouts: clean runs of records straight to columns.
    let direct = DirectPlan::new(layout, codec, &plan);
    let mut builder = RecordBatchBuilder::new(plan).map_err(DecodeError::Columnar)?;
    // Fixed-framed ODO records are as long as their counters say (as the CLI reads them).
    let measured = layout.has_odo()
        && !codec.odo_stored_max
        && matches!(read.framing, Framing::Fixed { len: 0 });
    let framing = match read.framing {
        Framing::Fixed { len: 0 } if !measured => Framing::Fixed {
            len: layout.max_len(),
        },
        other => other,
    };
    let mut reader = RecordReader::new(input, framing);
    let mut sink = Collect {
        on_error: read.on_error,
        batches: Vec::new(),
        reported: Vec::new(),
    };
    let plan = ReadPlan {
        measured: measured.then(|| layout.max_len()),
        batch_rows,
        direct: direct.as_ref(),
    };
    read_batches(&mut reader, &mut decoder, &mut builder, plan, &mut sink)?;
    Ok((sink.batches, sink.reported))
}

/// Keeps the batches; bad records stop the read or are reported, as `on_error` says.
struct Collect {
    on_error: OnError,
    batches: Vec<RecordBatch>,
    reported: Vec<Reported>,
}

impl RecordSink for Collect {
    type Error = DecodeError;

    fn batch(&mut self, batch: RecordBatch) -> Result<(), DecodeError> {
        self.batches.push(batch);
        Ok(())
    }

    fn bad(&mut self, bad: BadRecord) -> Result<bool, DecodeError> {
        let mut errors = bad.errors.into_iter();
        if self.on_error == OnError::Fail {
            if let Some(first) = errors.next() {
                return Err(DecodeError::Record {
                    error: Box::new(first),
                    input_offset: bad.offset,
                });
            }
        }
        self.reported.extend(errors.map(|e| (e, bad.offset)));
        Ok(self.on_error == OnError::Null)
    }
}

impl From<ReadError> for DecodeError {
    fn from(e: ReadError) -> DecodeError {
        match e {
            // The next record's start is unknown, so decoding stops here.
            ReadError::Read(MeasuredError::Measure {
                record,
                offset,
                source,
            }) => DecodeError::Record {
                error: Box::new(source.at_record(record)),
                input_offset: offset,
            },
            ReadError::Read(MeasuredError::Framing(f)) => DecodeError::Framing(f),
            ReadError::Columnar(c) => DecodeError::Columnar(c),
        }
    }
}
