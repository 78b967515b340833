//! `ferrule audit verify`: checks an audit log's hash chain and names the first broken line.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::Failure;
use crate::audit::{verify, VerifyOptions};

#[derive(Args, Debug)]
pub struct AuditArgs {
    #[command(subcommand)]
    command: AuditCommand,
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Check the hash chain: prints `ok: N lines, chain intact (seq A..B)` and the head hash,
    /// or `error: FILE line L: why` (exit 1) for the first broken line.
    Verify(VerifyArgs),
}

#[derive(Args, Debug)]
struct VerifyArgs {
    /// One path: the live log, with its rotated siblings `PATH.<seq>` found beside it.
    /// Several: the files in chain order, oldest first.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Accept a chain that starts after seq 1 (older files archived elsewhere).
    #[arg(long)]
    partial: bool,
    /// File holding the chain key the log was written with (its bytes, as is).
    #[arg(long, value_name = "FILE")]
    chain_key_file: Option<PathBuf>,
}

pub fn run(args: AuditArgs) -> Result<(), Failure> {
    match args.command {
        AuditCommand::Verify(v) => verify_cmd(v),
    }
}

fn verify_cmd(args: VerifyArgs) -> Result<(), Failure> {
    let chain_key = match &args.chain_key_file {
        Some(p) => Some(
            std::fs::read(p)
                .map_err(|e| Failure::usage(format!("error: chain key {}: {e}", p.display())))?,
        ),
        None => None,
    };
    let opts = VerifyOptions {
        chain_key,
        partial: args.partial,
    };
    let report = verify(&args.files, &opts).map_err(|e| Failure::data(format!("error: {e}")))?;
    let range = match (report.first_seq, report.last_seq) {
        (Some(a), Some(b)) => format!("seq {a}..{b}"),
        _ => "empty".to_string(),
    };
    println!(
        "ok: {} lines, chain intact ({range})\nhead: {}",
        report.lines,
        hex::encode(report.head)
    );
    Ok(())
}
