//! `ferrule auth hash-key [KEY]`: the `sha256:<hex>` form of an API key, as `[[auth.api_key]]`
//! stores it (the key itself never goes into the config).

use std::io::Read;

use clap::{Args, Subcommand};

use super::Failure;
use crate::auth::hash_api_key;

#[derive(Args, Debug)]
pub struct AuthArgs {
    #[command(subcommand)]
    command: AuthCommand,
}

#[derive(Subcommand, Debug)]
enum AuthCommand {
    /// Print `sha256:<hex>` of an API key for `[[auth.api_key]] hash`. Without KEY the key
    /// is read from stdin (one line), which keeps it out of the shell history.
    HashKey(HashKeyArgs),
}

#[derive(Args, Debug)]
struct HashKeyArgs {
    /// The API key; omit to read it from stdin.
    key: Option<String>,
}

pub fn run(args: AuthArgs) -> Result<(), Failure> {
    match args.command {
        AuthCommand::HashKey(a) => {
            let key = match a.key {
                Some(k) => k,
                None => {
                    let mut text = String::new();
                    std::io::stdin().read_to_string(&mut text)?;
                    // One trailing newline (from `echo` or a file) is not part of the key.
                    text.trim_end_matches(['\n', '\r']).to_string()
                }
            };
            if key.is_empty() {
                return Err(Failure::usage("error: the key is empty"));
            }
            println!("{}", hash_api_key(&key));
            Ok(())
        }
    }
}
