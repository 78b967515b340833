//! `ferrule check --config F`: everything `serve` would trip over, all listed at once.

use std::path::PathBuf;

use clap::Args;

use super::Failure;
use crate::config;

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The gateway configuration file.
    #[arg(long, default_value = "ferrule.toml", value_name = "FILE")]
    config: PathBuf,
}

pub fn run(args: CheckArgs) -> Result<(), Failure> {
    // Route paths the router cannot take are found by the gateway, as `serve` finds them.
    let loaded = config::load(&args.config).and_then(|g| {
        let more = crate::gateway::path_problems(&g.routes);
        if more.is_empty() {
            Ok(g)
        } else {
            Err(more)
        }
    });
    match loaded {
        Ok(g) => {
            println!(
                "{}: ok ({} backends, {} routes)",
                args.config.display(),
                g.backends.len(),
                g.routes.len()
            );
            Ok(())
        }
        Err(problems) => {
            let mut msg = String::new();
            for p in &problems {
                msg.push_str(&format!("error: {p}\n"));
            }
            msg.push_str(&format!(
                "{}: {} problem{} found",
                args.config.display(),
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            ));
            Err(Failure::usage(msg))
        }
    }
}
