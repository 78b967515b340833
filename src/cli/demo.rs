//! `ferrule demo`: decodes a built-in sample so a new user sees the point in one command.
//!
//! Until the gateway lands this is the custody sample: an EBCDIC (cp285, UK) file of
//! RDW-framed records with an OCCURS DEPENDING ON table of charges, packed decimals
//! and a binary counter.

use std::io::Write;

use clap::Args;
use ferrule_parsers::copybook::{self, ParseOptions};
use ferrule_parsers::framing::{Framing, RecordReader};
use ferrule_parsers::json::{CodecOptions, Decoder, FieldErrorMode};

use super::Failure;

const COPYBOOK: &str = include_str!("../../samples/custody.cpy");
const RECORDS: &[u8] = include_bytes!("../../samples/custody.rdw.bin");

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Also print the layout listing before the records.
    #[arg(long)]
    layout: bool,
}

pub fn run(args: DemoArgs) -> Result<(), Failure> {
    let layout = copybook::parse(COPYBOOK, &ParseOptions::default())
        .map_err(|e| Failure::usage(e.render(COPYBOOK, "samples/custody.cpy")))?;
    let mut out = std::io::stdout().lock();
    if args.layout {
        out.write_all(super::layout_cmd::listing(&layout).as_bytes())?;
    }
    let framing = Framing::parse("rdw").map_err(|e| Failure::usage(e.to_string()))?;
    let opts = CodecOptions {
        codepage: ferrule_parsers::codepage::CodePage::by_name("cp285")
            .ok_or_else(|| Failure::usage("cp285 missing"))?,
        ..CodecOptions::default()
    };
    let mut decoder = Decoder::new(&layout, opts).map_err(|e| Failure::usage(e.to_string()))?;
    let mut reader = RecordReader::new(RECORDS, framing);
    let mut buf = Vec::new();
    eprintln!(
        "ferrule demo: decoding samples/custody.rdw.bin (cp285, RDW) with samples/custody.cpy"
    );
    let mut n = 0;
    while let Some(rec) = reader
        .next_record()
        .map_err(|e| Failure::data(e.to_string()))?
    {
        n += 1;
        buf.clear();
        decoder
            .decode(rec, &mut buf, FieldErrorMode::Fail)
            .map_err(|e| Failure::data(format!("error: {}", e.at_record(n))))?;
        buf.push(b'\n');
        out.write_all(&buf)?;
    }
    Ok(())
}
