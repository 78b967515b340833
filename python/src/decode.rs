//! The decode loop: framed bytes -> record batches, with `on_error`'s policy. The same
//! steps as `ferrule decode --to parquet` (src/cli/columnar.rs), so the two agree value for
//! value; this one hands batches back instead of writing them.

use std::io::Read;

use arrow_array::RecordBatch;
use ferrule_arrow::{ColumnPlan, PlanOptions, RecordBatchBuilder};
use ferrule_parsers::framing::{Framing, MeasuredError, RecordReader};
use ferrule_parsers::json::{CodecOptions, FieldErrorMode, RecordError};
use ferrule_parsers::layout::Layout;
use ferrule_parsers::values::{RecordValues, ValueDecoder};

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
    let mut rv = RecordValues::default();
    let mut batches = Vec::new();
    let mut reported = Vec::new();
    let max_len = layout.max_len();
    loop {
        let mut outcome: Option<Result<(), RecordError>> = None;
        let next = if measured {
            reader
                .next_measured(max_len, |bytes| {
                    decoder.decode(bytes, FieldErrorMode::Null, &mut rv)?;
                    outcome = Some(Ok(()));
                    Ok::<usize, RecordError>(rv.consumed)
                })
                .map_err(|e| match e {
                    // The next record's start is unknown, so decoding stops here.
                    MeasuredError::Measure {
                        record,
                        offset,
                        source,
                    } => DecodeError::Record {
                        error: Box::new(source.at_record(record)),
                        input_offset: offset,
                    },
                    MeasuredError::Framing(f) => DecodeError::Framing(f),
                })?
        } else {
            reader.next_record().map_err(DecodeError::Framing)?
        };
        let Some(record) = next else { break };
        let result = match outcome.take() {
            Some(r) => r,
            None => decoder.decode(record, FieldErrorMode::Null, &mut rv),
        };
        let number = reader.record_number();
        let at = reader.record_offset();
        let (errors, whole) = match result {
            Ok(()) if rv.field_errors.is_empty() => {
                builder.append(&rv, number).map_err(DecodeError::Columnar)?;
                flush(&mut builder, &mut batches, batch_rows)?;
                continue;
            }
            Ok(()) => (std::mem::take(&mut rv.field_errors), false),
            Err(e) => (vec![e], true),
        };
        let mut errors = errors.into_iter().map(|e| e.at_record(number));
        if read.on_error == OnError::Fail {
            if let Some(first) = errors.next() {
                return Err(DecodeError::Record {
                    error: Box::new(first),
                    input_offset: at,
                });
            }
        }
        if read.on_error == OnError::Null && !whole {
            builder.append(&rv, number).map_err(DecodeError::Columnar)?;
            flush(&mut builder, &mut batches, batch_rows)?;
        }
        reported.extend(errors.map(|e| (e, at)));
    }
    flush(&mut builder, &mut batches, 1)?;
    Ok((batches, reported))
}

/// Moves the rows built so far into `batches` once there are at least `min` of them.
fn flush(
    builder: &mut RecordBatchBuilder,
    batches: &mut Vec<RecordBatch>,
    min: usize,
) -> Result<(), DecodeError> {
    if builder.len() >= min {
        batches.push(builder.finish().map_err(DecodeError::Columnar)?);
    }
    Ok(())
}
