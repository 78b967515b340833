//! `ferrule check --config F`: everything `serve` would trip over, all listed at once.

use std::path::PathBuf;

use clap::Args;

use super::problems::config_file_problems;
use super::{counted, Failure};

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The gateway configuration file.
    #[arg(long, default_value = "ferrule.toml", value_name = "FILE")]
    config: PathBuf,
}

pub fn run(args: CheckArgs) -> Result<(), Failure> {
    match crate::gateway::load(&args.config) {
        Ok(g) => {
            // Allowed but weaker than it looks: said, not refused (exit 0).
            for w in &g.security.warnings {
                eprintln!("warning: {w}");
            }
            // Inbound counts only when there are any: the outbound line stays as it was.
            let inbound = match g.inbound.routes.len() {
                0 => String::new(),
                n => format!(
                    ", {}, {}",
                    counted(g.inbound.listeners.len() as u64, "listener"),
                    counted(n as u64, "inbound route")
                ),
            };
            println!(
                "{}: ok ({}, {}{inbound})",
                args.config.display(),
                counted(g.backends.len() as u64, "backend"),
                counted(g.routes.len() as u64, "route")
            );
            Ok(())
        }
        Err(problems) => Err(config_file_problems(&args.config, &problems)),
    }
}
