//! `ferrule`: legacy records to JSON and back, from the command line.
#![forbid(unsafe_code)]

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
