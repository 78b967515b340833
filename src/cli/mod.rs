//! Command-line interface: clap commands and their runners.

/// `println!` for servers that run on (`demo`, `mock`): a closed or full stdout drops the
/// line instead of panicking the process.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

mod args;
mod audit;
mod auth;
mod check;
mod columnar;
mod convert;
mod demo;
mod init;
mod inspect;
mod layout_cmd;
mod mock;
mod odo_hint;
mod openapi;
mod pipeline;
mod problems;
mod quarantine;
mod schema;
mod segmented;
mod serve;
mod signals;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use args::{CodecArgs, RecordLayoutArgs};

/// Legacy-system adapter: COBOL copybooks and EBCDIC records to JSON and back.
#[derive(Parser)]
#[command(name = "ferrule", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Decode legacy records to JSON Lines, Parquet, Arrow or CSV.
    Decode(convert::DecodeArgs),
    /// Encode JSON Lines to legacy records (the exact inverse of decode).
    Encode(convert::EncodeArgs),
    /// Find the options that read a file of unknown provenance: framings, code pages and
    /// ODO modes ranked by how many of its first records decode cleanly.
    Inspect(inspect::InspectArgs),
    /// Print a copybook's field listing: level, name, offset, length, type, occurs.
    Layout(layout_cmd::LayoutCmdArgs),
    /// Print the JSON Schema (2020-12) of a record: what decode writes or encode accepts.
    Schema(schema::SchemaArgs),
    /// Validate a gateway configuration: every problem `serve` would hit, all listed.
    Check(check::CheckArgs),
    /// Serve JSON/HTTP routes in front of legacy hosts, as a config file describes.
    Serve(serve::ServeArgs),
    /// Start simulated legacy hosts and the gateway in front of them, with curl examples
    /// (`--records`: decode the built-in EBCDIC custody file instead).
    Demo(demo::DemoArgs),
    /// Write a starter ferrule.toml with a route for a request/response copybook pair.
    Init(init::InitArgs),
    /// Simulate legacy hosts from copybooks and sample records (for building and testing against).
    Mock(mock::MockArgs),
    /// Audit log tools: `verify` checks the hash chain.
    Audit(audit::AuditArgs),
    /// Auth tools: `hash-key` prints the hash of an API key for the config.
    Auth(auth::AuthArgs),
    /// Print the OpenAPI 3.1 document of a gateway configuration (what `/openapi.json` serves).
    Openapi(openapi::OpenapiArgs),
}

/// `1 record`, `2 records`: a count with its noun agreeing (every noun the CLI counts
/// takes a plain `s`).
pub(crate) fn counted(n: impl Into<u64>, noun: &str) -> String {
    let n = n.into();
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// A failure the CLI reports and exits non-zero with.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    /// Bad input data: exit 1.
    pub fn data(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: 1,
        }
    }
    /// Bad usage or definitions (copybook, options): exit 2.
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: 2,
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::data(format!("error: {e}"))
    }
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let r = match cli.command {
        Command::Decode(a) => convert::decode(a),
        Command::Inspect(a) => inspect::inspect(a),
        Command::Encode(a) => convert::encode(a),
        Command::Layout(a) => layout_cmd::run(a),
        Command::Schema(a) => schema::run(a),
        Command::Demo(a) => demo::run(a),
        Command::Check(a) => check::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Mock(a) => mock::run(a),
        Command::Init(a) => init::run(a),
        Command::Audit(a) => audit::run(a),
        Command::Auth(a) => auth::run(a),
        Command::Openapi(a) => openapi::run(a),
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) if f.message.is_empty() => ExitCode::from(f.code),
        Err(f) => {
            // A closed pipe (`| head`) is not an error worth a message.
            if f.message.contains("Broken pipe") {
                return ExitCode::SUCCESS;
            }
            // Not eprintln!: it panics when stderr cannot be written (`2>/dev/full`, a
            // closed pipe), turning exit 2 into 101. The exit code still says what happened.
            let _ = writeln!(std::io::stderr(), "{}", f.message);
            ExitCode::from(f.code)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_agree_with_their_nouns() {
        assert_eq!(super::counted(0u64, "route"), "0 routes");
        assert_eq!(super::counted(1u64, "backend"), "1 backend");
        assert_eq!(super::counted(2u64, "record"), "2 records");
    }
}
