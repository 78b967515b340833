//! `ferrule mock --config mock.toml`: run simulated legacy hosts until Ctrl-C/SIGTERM.

use std::path::PathBuf;

use clap::Args;

use super::problems::config_file_problems;
use super::signals::terminated;
use super::Failure;
use crate::mock;

#[derive(Args, Debug)]
pub struct MockArgs {
    /// The mock hosts' configuration file.
    #[arg(long, default_value = "mock.toml", value_name = "FILE")]
    config: PathBuf,
    /// Only validate the config (copybooks, record files, answers) and exit.
    #[arg(long)]
    check: bool,
}

pub fn run(args: MockArgs) -> Result<(), Failure> {
    let set = mock::load(&args.config).map_err(|ps| config_file_problems(&args.config, &ps))?;
    if args.check {
        let apis = match set.apis.len() {
            0 => String::new(),
            n => format!(", {n} apis"),
        };
        say!(
            "{}: ok ({} hosts{apis})",
            args.config.display(),
            set.hosts.len()
        );
        return Ok(());
    }
    // Warnings (undecodable requests, injected faults) go to stderr; RUST_LOG overrides.
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .try_init();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        // Handlers first: a script may send SIGTERM as soon as it reads the ports.
        let stop = terminated();
        let running = mock::start(set)
            .await
            .map_err(|e| Failure::data(format!("error: {e}")))?;
        // Tests and scripts read the ports from these lines.
        for (name, addr) in &running.hosts {
            say!("ferrule mock: {name} listening on {addr}");
        }
        if let Some(addr) = running.status {
            say!("ferrule mock: status listening on http://{addr}/status");
        }
        stop.await;
        for line in running.summary() {
            say!("{line}");
        }
        Ok(())
    })
}
