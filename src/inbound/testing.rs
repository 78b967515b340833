//! For unit tests: a config with one Latin-1 listener and one inbound route over the
//! test copybooks (`tests/cobol/inbound`), loaded as `serve` would.

use std::path::Path;

use crate::config::{load_str, Gateway};

/// The config text: the route calls `url`; `extra` adds keys to the route's table.
pub fn one_route(url: &str, extra: &str) -> String {
    let cpy = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cobol/inbound");
    format!(
        r#"[server]
[[listener]]
name = "l"
listen = "127.0.0.1:0"
codepage = "latin1"
[[inbound]]
name = "r"
listener = "l"
match = {{ field = "tran_code", value = "ADDRQ" }}
request = {{ copybook = "{cpy}/addrq-req.cpy" }}
response = {{ copybook = "{cpy}/addrq-rsp.cpy" }}
url = "{url}"
{extra}
"#
    )
}

/// `text` loaded as if from `dir/ferrule.toml`; panics with the problems.
pub fn load(dir: &Path, text: &str) -> Gateway {
    match load_str(text, &dir.join("ferrule.toml")) {
        Ok(g) => g,
        Err(ps) => panic!("{ps:?}"),
    }
}
