//! `[[backend]]` as written: what every backend has, its [wire](super::wire), and its
//! kind: an enum tagged by `kind` whose variant owns the kind's own settings and their
//! checks, in the connector's file (`connector/tcp.rs`, `http.rs`, `exec.rs`).
//!
//! Adding a kind of backend: its connector file (settings, checks, the [`Connector`]),
//! then in this file one variant of [`BackendKindConfig`] (as written) and one of
//! [`BackendKind`] (checked), plus the match arms the compiler points at.
//!
//! The table is read in parts ([`super::table`]) rather than with serde's derive for
//! tagged enums, which buffers the table and loses the key and line of an error.
//!
//! [`Connector`]: crate::connector::Connector

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use toml::{Table, Value};

use super::model::defaults;
use super::table::{self, Problems};
use super::wire::WireConfig;
use crate::connector::protocol::TcpProtocol;
use crate::connector::tls::BackendTls;
use crate::connector::{exec::ExecConfig, http::HttpConfig, tcp::TcpConfig};

/// One `[[backend]]`, read.
#[derive(Debug, Clone)]
pub struct BackendConfig {
    pub common: BackendCommon,
    pub wire: WireConfig,
    pub kind: BackendKindConfig,
}

/// The keys every kind of backend has.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackendCommon {
    pub name: String,
    /// Never more concurrent sessions (connections, processes) than this.
    #[serde(default = "defaults::max_sessions")]
    pub max_sessions: usize,
    /// Requests allowed to wait for a session; beyond it, 503 at once.
    #[serde(default = "defaults::max_queue")]
    pub max_queue: usize,
    /// How long a request may wait for a session before 503.
    #[serde(default = "defaults::queue_timeout_ms")]
    pub queue_timeout_ms: u64,
    /// Whole exchange with the host (connect, write, wait, read); 504 beyond.
    #[serde(default = "defaults::timeout_ms")]
    pub timeout_ms: u64,
    /// tcp, http: establishing a connection.
    #[serde(default = "defaults::connect_timeout_ms")]
    pub connect_timeout_ms: u64,
    /// A circuit breaker in front of the host (absent: none).
    pub breaker: Option<crate::connector::breaker::BreakerConfig>,
}

/// A backend's kind with its settings checked: what the connector is built from, and
/// compared on reload (an unchanged kind keeps its running connector and pool).
#[derive(Debug, Clone, PartialEq)]
pub enum BackendKind {
    Tcp {
        address: String,
    },
    /// A tcp backend reached over TLS (`tls = { ... }`).
    TcpTls {
        address: String,
        tls: Arc<BackendTls>,
    },
    /// A tcp backend speaking a transaction manager's protocol (`protocol = "..."`).
    TcpProtocol {
        address: String,
        tls: Option<Arc<BackendTls>>,
        protocol: Arc<TcpProtocol>,
    },
    /// An http backend; `tls` is set exactly when the URL is `https://`.
    Http {
        url: String,
        tls: Option<Arc<BackendTls>>,
    },
    Exec {
        command: PathBuf,
        args: Vec<String>,
    },
}

/// `kind = "..."` and the settings only that kind has, as written.
#[derive(Debug, Clone)]
pub enum BackendKindConfig {
    Tcp(TcpConfig),
    Http(HttpConfig),
    Exec(ExecConfig),
}

impl BackendKindConfig {
    /// The variant `kind` names, from the keys no other part took.
    fn read(kind: &str, rest: Table) -> Result<BackendKindConfig, Problems> {
        match kind {
            "tcp" => table::read(rest).map(BackendKindConfig::Tcp),
            "http" => table::read(rest).map(BackendKindConfig::Http),
            "exec" => table::read(rest).map(BackendKindConfig::Exec),
            other => Err(vec![(
                "kind".into(),
                format!("`{other}`: expected tcp, http or exec"),
            )]),
        }
    }

    /// `framing` when the backend names none: a socket needs records cut (a 4-byte
    /// length prefix, the common convention of host listeners); a program run per
    /// request has its pipes to itself, so stdin gets the record bytes alone and all of
    /// stdout is the record (`fixed`: what a batch COBOL program reading and writing one
    /// record does). http delimits bodies itself and ignores it.
    pub fn default_framing(&self) -> &'static str {
        match self {
            BackendKindConfig::Exec(_) => "fixed",
            BackendKindConfig::Tcp(_) | BackendKindConfig::Http(_) => "len4",
        }
    }

    /// The kind's own checks (`base`: the config file's folder, for relative paths).
    pub fn validate(&self, base: &Path) -> Result<BackendKind, Problems> {
        match self {
            BackendKindConfig::Tcp(c) => c.validate(base),
            BackendKindConfig::Http(c) => c.validate(base),
            BackendKindConfig::Exec(c) => c.validate(base),
        }
    }
}

impl BackendConfig {
    /// Reads one `[[backend]]` table: every problem, each at its key.
    pub fn from_table(mut t: Table) -> Result<BackendConfig, Problems> {
        let mut ps: Problems = Vec::new();
        let kind = match t.remove("kind") {
            Some(Value::String(k)) => Some(k),
            Some(_) => {
                ps.push(("kind".into(), "expected a string: tcp, http or exec".into()));
                None
            }
            None => {
                ps.push(("kind".into(), "missing: tcp, http or exec".into()));
                None
            }
        };
        let common = table::take::<BackendCommon>(&mut t)
            .map_err(|e| ps.extend(e))
            .ok();
        let wire = table::take::<WireConfig>(&mut t)
            .map_err(|e| ps.extend(e))
            .ok();
        let kind = kind.and_then(|k| {
            BackendKindConfig::read(&k, t)
                .map_err(|e| ps.extend(e))
                .ok()
        });
        match (common, wire, kind) {
            (Some(common), Some(wire), Some(kind)) if ps.is_empty() => {
                Ok(BackendConfig { common, wire, kind })
            }
            _ => Err(ps),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<BackendConfig, Problems> {
        BackendConfig::from_table(text.parse().unwrap())
    }

    fn keys(ps: &Problems) -> Vec<&str> {
        ps.iter().map(|(k, _)| k.as_str()).collect()
    }

    #[test]
    fn each_kind_owns_its_keys() {
        // The shared keys in their parts, the kind's own in its variant.
        let b = read("name = \"v\"\nkind = \"tcp\"\naddress = \"h:1\"\ncodepage = \"cp285\"\nmax_sessions = 3")
            .unwrap();
        assert_eq!(b.common.name, "v");
        assert_eq!(b.common.max_sessions, 3);
        assert_eq!(b.wire.codepage, "cp285");
        assert!(matches!(&b.kind, BackendKindConfig::Tcp(_)));
        assert_eq!(b.kind.default_framing(), "len4");
        let b = read("name = \"p\"\nkind = \"exec\"\ncommand = \"/bin/cat\"").unwrap();
        assert_eq!(b.kind.default_framing(), "fixed");
        // Another kind's key is unknown here, and named.
        let ps = read("name = \"h\"\nkind = \"http\"\nurl = \"http://h/x\"\naddress = \"h:1\"")
            .unwrap_err();
        assert_eq!(keys(&ps), ["address"]);
        assert!(ps[0].1.contains("unknown field `address`"), "{ps:?}");
    }

    #[test]
    fn every_problem_at_its_key() {
        // No kind, a wrong type in the shared keys, a bad wire key type: all reported.
        let ps = read("name = \"v\"\nmax_sessions = \"many\"\ndelimiter = 300").unwrap_err();
        assert_eq!(keys(&ps), ["kind", "max_sessions", "delimiter"]);
        let ps = read("name = \"v\"\nkind = \"tcpx\"").unwrap_err();
        assert_eq!(keys(&ps), ["kind"]);
        assert!(ps[0].1.contains("expected tcp, http or exec"), "{ps:?}");
        // A required key, missing: named at its own path.
        let ps = read("name = \"v\"\nkind = \"tcp\"").unwrap_err();
        assert_eq!(keys(&ps), ["address"]);
        assert!(ps[0].1.contains("missing field `address`"), "{ps:?}");
        let ps = read("kind = \"tcp\"\naddress = \"h:1\"").unwrap_err();
        assert_eq!(keys(&ps), ["name"]);
        // A nested key of the kind's own table.
        let ps =
            read("name = \"v\"\nkind = \"tcp\"\naddress = \"h:1\"\ntls = { ca = \"c\", pin = 1 }")
                .unwrap_err();
        assert_eq!(keys(&ps), ["tls.pin"]);
    }
}
