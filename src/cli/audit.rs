//! `ferrule audit verify`: checks an audit log's hash chain and names the first broken line.
//! With `--config`, the log, chain key and checkpoint come from the gateway's `[audit]`,
//! as `serve` reads them; options given on the command line win.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use serde::Deserialize;

use super::Failure;
use crate::audit::{verify, Anchor, VerifyOptions};
use crate::config::AuditFileConfig;

#[derive(Args, Debug)]
pub struct AuditArgs {
    #[command(subcommand)]
    command: AuditCommand,
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Check the hash chain: prints `ok: N lines, chain intact (seq A..B)` and the head hash,
    /// or `error: FILE line L: why` (exit 1) for the first broken line, or (exit 1) how the
    /// chain fails to reach a head given with `--expect-head` or `--checkpoint`.
    Verify(VerifyArgs),
}

#[derive(Args, Debug)]
struct VerifyArgs {
    /// One path: the live log, with its rotated siblings `PATH.<seq>` found beside it.
    /// Several: the files in chain order, oldest first. [default with --config: its
    /// `[audit] path`]
    #[arg(required_unless_present = "config")]
    files: Vec<PathBuf>,
    /// The gateway config: the log (`path`), chain key (`chain_key_env` /
    /// `chain_key_file`) and `checkpoint_file` of its `[audit]`, each unless given here.
    #[arg(long, short = 'c', value_name = "FILE")]
    config: Option<PathBuf>,
    /// Accept a chain that starts after seq 1 (older files archived elsewhere).
    #[arg(long)]
    partial: bool,
    /// File holding the chain key the log was written with (its bytes, as is).
    #[arg(long, value_name = "FILE", conflicts_with = "chain_key_env")]
    chain_key_file: Option<PathBuf>,
    /// Environment variable holding the chain key (as `[audit] chain_key_env`).
    #[arg(long, value_name = "VAR")]
    chain_key_env: Option<String>,
    /// A head hash recorded earlier (the `head:` verify printed, 64 hex digits): some line
    /// must have it, else lines were cut off the end. May be given more than once.
    #[arg(long, value_name = "HEX", value_parser = parse_head)]
    expect_head: Vec<[u8; 32]>,
    /// A checkpoint file the gateway wrote (`[audit] checkpoint_file`): the line it names
    /// must be there with its hash. May be given more than once.
    #[arg(long, value_name = "FILE")]
    checkpoint: Vec<PathBuf>,
}

/// 64 hex digits as a hash.
fn parse_head(s: &str) -> Result<[u8; 32], String> {
    let mut h = [0u8; 32];
    hex::decode_to_slice(s.trim(), &mut h)
        .map_err(|e| format!("`{s}`: not a 64-digit hex hash ({e})"))?;
    Ok(h)
}

pub fn run(args: AuditArgs) -> Result<(), Failure> {
    match args.command {
        AuditCommand::Verify(v) => verify_cmd(v),
    }
}

fn verify_cmd(mut args: VerifyArgs) -> Result<(), Failure> {
    if let Some(config) = args.config.clone() {
        from_config(&mut args, &config)?;
    }
    let chain_key = match (&args.chain_key_file, &args.chain_key_env) {
        (Some(p), _) => Some(
            std::fs::read(p)
                .map_err(|e| Failure::usage(format!("error: chain key {}: {e}", p.display())))?,
        ),
        (None, Some(var)) => match std::env::var(var) {
            Ok(k) if !k.is_empty() => Some(k.into_bytes()),
            _ => {
                return Err(Failure::usage(format!(
                    "error: chain key: environment variable `{var}` is not set (or empty)"
                )))
            }
        },
        (None, None) => None,
    };
    let mut anchors: Vec<Anchor> = args
        .expect_head
        .iter()
        .map(|h| Anchor::head("--expect-head", *h))
        .collect();
    for c in &args.checkpoint {
        anchors.push(Anchor::checkpoint(c).map_err(|e| Failure::usage(format!("error: {e}")))?);
    }
    let opts = VerifyOptions {
        chain_key,
        partial: args.partial,
        anchors,
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

/// Only the `[audit]` table of a gateway config; the other sections are `serve`'s.
#[derive(Deserialize)]
struct AuditOnly {
    audit: Option<AuditFileConfig>,
}

/// Fills what the command line left out from the config's `[audit]`: the files, the
/// chain key (either option given on the command line replaces both config keys) and
/// the checkpoints. Paths in the config are relative to its directory, as for `serve`.
fn from_config(args: &mut VerifyArgs, config: &Path) -> Result<(), Failure> {
    let name = config.display();
    let text = std::fs::read_to_string(config)
        .map_err(|e| Failure::usage(format!("error: --config {name}: cannot read: {e}")))?;
    let parsed: AuditOnly = toml::from_str(&text).map_err(|e| {
        let at = e
            .span()
            .map(|s| {
                let upto = text.get(..s.start).unwrap_or_default();
                let line = upto.matches('\n').count() + 1;
                let column = upto.rsplit('\n').next().unwrap_or_default().chars().count() + 1;
                format!(":{line}:{column}")
            })
            .unwrap_or_default();
        Failure::usage(format!("{name}{at}: error: {}", e.message().trim_end()))
    })?;
    let audit = parsed.audit.ok_or_else(|| {
        Failure::usage(format!(
            "error: --config {name}: no [audit] section (name the log file instead)"
        ))
    })?;
    let base = match config.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if args.files.is_empty() {
        args.files.push(base.join(&audit.path));
    }
    if args.chain_key_file.is_none() && args.chain_key_env.is_none() {
        args.chain_key_env = audit.chain_key_env;
        args.chain_key_file = audit.chain_key_file.map(|f| base.join(f));
        if args.chain_key_env.is_some() && args.chain_key_file.is_some() {
            return Err(Failure::usage(format!(
                "error: --config {name}: audit.chain_key_file: set one of chain_key_env and \
                 chain_key_file, not both"
            )));
        }
    }
    if args.checkpoint.is_empty() {
        args.checkpoint
            .extend(audit.checkpoint_file.map(|f| base.join(f)));
    }
    Ok(())
}
