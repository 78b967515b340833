//! `ferrule openapi --config F [--output FILE]`: the OpenAPI 3.1 document of a config,
//! the same one `serve` answers `/openapi.json` with.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::problems::config_file_problems;
use super::Failure;

#[derive(Args, Debug)]
pub struct OpenapiArgs {
    /// The gateway configuration file.
    #[arg(long, default_value = "ferrule.toml", value_name = "FILE")]
    config: PathBuf,
    /// Write the document here instead of to stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Validates the config as `check` does (every problem listed, exit 2), then prints the
/// document as pretty JSON.
pub fn run(args: OpenapiArgs) -> Result<(), Failure> {
    let gateway =
        crate::gateway::load(&args.config).map_err(|ps| config_file_problems(&args.config, &ps))?;
    let document = crate::openapi::document(&gateway);
    let mut text = serde_json::to_string_pretty(&document)
        .map_err(|e| Failure::data(format!("error: cannot write the document: {e}")))?;
    text.push('\n');
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| Failure::data(format!("error: cannot write {}: {e}", path.display()))),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
            Ok(())
        }
    }
}
