//! `ferrule check --config F`: everything `serve` would trip over, all listed at once.

use std::path::PathBuf;

use clap::Args;

use super::problems::config_problems;
use super::Failure;

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
            println!(
                "{}: ok ({} backends, {} routes)",
                args.config.display(),
                g.backends.len(),
                g.routes.len()
            );
            Ok(())
        }
        Err(problems) => Err(config_problems(args.config.display(), &problems)),
    }
}
