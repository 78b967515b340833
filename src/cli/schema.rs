//! `ferrule schema`: the JSON Schema (2020-12) of one record, as the codec reads or writes it.

use std::io::Write;

use clap::{Args, ValueEnum};
use ferrule_parsers::framing::Framing;
use ferrule_parsers::json::{record_schema, SchemaDirection, SchemaOptions};
use serde_json::{Map, Value};

use super::args::{select_help, JsonOutArgs, RecordLayoutArgs};
use super::{CodecArgs, Failure};

/// The JSON Schema dialect of the document (and of OpenAPI 3.1 components).
const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum DirectionName {
    /// What `decode` writes (response bodies).
    Decode,
    /// What `encode` accepts (request bodies).
    Encode,
}

#[derive(Args, Debug)]
#[command(mut_arg("select", |a| a.help(select_help::SCHEMA)))]
pub struct SchemaArgs {
    #[command(flatten)]
    layout: RecordLayoutArgs,
    #[command(flatten)]
    codec: CodecArgs,
    #[command(flatten)]
    json: JsonOutArgs,
    /// Describe the decoder's output or the encoder's input.
    #[arg(long, value_enum, default_value = "decode")]
    direction: DirectionName,
    /// Print the Arrow schema `decode --to parquet|arrow` writes instead.
    #[arg(long, conflicts_with = "direction")]
    arrow: bool,
    /// With --arrow: the flattened columns (`decode --flatten`, and CSV).
    #[arg(long, requires = "arrow")]
    flatten: bool,
}

pub fn run(args: SchemaArgs) -> Result<(), Failure> {
    let layout = args.layout.load(args.codec.dialect.dialect())?;
    let mut codec = args.codec.codec_options()?;
    args.json.apply(&mut codec);
    if args.arrow {
        let plan = ferrule_arrow::PlanOptions {
            flatten: args.flatten,
        };
        let schema = ferrule_arrow::arrow_schema(&layout, &codec, plan)
            .map_err(|e| Failure::usage(format!("error: {e}")))?;
        std::io::stdout()
            .lock()
            .write_all(ferrule_arrow::describe(&schema).as_bytes())?;
        return Ok(());
    }
    let direction = match args.direction {
        DirectionName::Decode => SchemaDirection::Decode,
        DirectionName::Encode => SchemaDirection::Encode,
    };
    let mut opts = SchemaOptions::for_codec(direction, &codec);
    // Variable-length framings may carry records cut short: nothing is always present.
    let framing = Framing::parse(&args.codec.framing)
        .map_err(|e| Failure::usage(format!("error: --framing: {e}")))?;
    opts.short_records = !matches!(framing, Framing::Fixed { .. });
    let fragment = record_schema(&layout, &opts);
    let mut doc = Map::new();
    doc.insert("$schema".into(), DIALECT.into());
    doc.insert("title".into(), layout.name.clone().into());
    if let Value::Object(m) = fragment {
        doc.extend(m);
    }
    let mut text = serde_json::to_string_pretty(&Value::Object(doc))
        .map_err(|e| Failure::data(format!("error: {e}")))?;
    text.push('\n');
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}
