//! `mock.toml` as written: serde structs with `deny_unknown_fields`. A host's wire keys
//! (`framing`, `delimiter`, `codepage`, `dialect`, `trunc`) are a gateway backend's
//! ([`WireConfig`]), with the same defaults and checks; the mock's own defaults are in
//! [`defaults`] (all listed in the module doc of [`crate::mock`]).

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::config::table::{self, Problems};
use crate::config::{LayoutRef, WireConfig};

/// The whole file: one or more simulated hosts.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MockFile {
    /// Optional HTTP endpoint answering connection and request counts as JSON.
    pub status_listen: Option<String>,
    /// `[[host]]` tables, each read by [`HostConfig::from_table`].
    #[serde(default, rename = "host")]
    pub hosts: Vec<toml::Table>,
    /// `[[api]]`: HTTP JSON APIs simulated for inbound routes ([`super::api`]).
    #[serde(default, rename = "api")]
    pub apis: Vec<super::api::ApiConfig>,
}

/// One simulated legacy host.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostConfig {
    pub name: String,
    /// `host:port`; port 0 picks a free port (the real one is printed).
    #[serde(default = "defaults::listen")]
    pub listen: String,
    /// Framing, code page, dialect, TRUNC: as a backend has them (read from the host's
    /// table by [`HostConfig::from_table`], not by serde).
    #[serde(skip)]
    pub wire: WireConfig,
    pub request: LayoutRef,
    pub response: LayoutRef,
    /// `lookup` answers from `records`; `append` answers every request with `reply`.
    #[serde(default)]
    pub mode: Mode,
    /// lookup: response records as JSON Lines, relative to the config file.
    pub records: Option<String>,
    /// lookup: which request field is matched against which response field.
    pub key: Option<KeyConfig>,
    /// lookup: fields set on every found response (e.g. the return code).
    #[serde(default)]
    pub found: Map<String, Value>,
    /// The answer when no record matches: blank/zero defaults plus these fields.
    #[serde(default)]
    pub not_found: Map<String, Value>,
    /// The answer to a request that does not decode; `not_found` when absent.
    pub invalid: Option<Map<String, Value>>,
    /// append: fields of every answer.
    #[serde(default)]
    pub reply: Map<String, Value>,
    /// append: a field that gets a new number per request.
    pub sequence: Option<SequenceConfig>,
    /// A response field set to the current UTC time (YYYYMMDDhhmmss, or YYYYMMDD when
    /// the field holds 8 to 13 digits).
    pub timestamp: Option<String>,
    /// Wait this long before each answer.
    #[serde(default)]
    pub latency_ms: u64,
    pub faults: Option<FaultsConfig>,
    /// `ims-connect` or `cics-listener`: the host speaks that envelope ([`super::protocol`]).
    pub protocol: Option<String>,
    pub ims: Option<super::protocol::MockImsConfig>,
    pub cics: Option<super::protocol::MockCicsConfig>,
}

impl HostConfig {
    /// Reads one `[[host]]`: the wire keys a backend has, then the mock's own; every
    /// problem at its key.
    pub fn from_table(mut t: toml::Table) -> Result<HostConfig, Problems> {
        let wire = table::take::<WireConfig>(&mut t);
        let host = table::read::<HostConfig>(t);
        match (wire, host) {
            (Ok(wire), Ok(mut host)) => {
                host.wire = wire;
                Ok(host)
            }
            (wire, host) => Err([wire.err(), host.err()]
                .into_iter()
                .flatten()
                .flatten()
                .collect()),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    #[default]
    Lookup,
    Append,
}

/// Dotted JSON paths of the key in the request and in the response records.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyConfig {
    pub request: String,
    pub response: String,
    /// Compare text keys without regard to ASCII case.
    #[serde(default)]
    pub ignore_case: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SequenceConfig {
    /// Response field that receives the number.
    pub field: String,
    /// The first number handed out.
    #[serde(default = "defaults::sequence_start")]
    pub start: u64,
    /// Text put before the number (text fields only).
    #[serde(default)]
    pub prefix: String,
}

/// What goes wrong on purpose, on every n-th request to the host.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultsConfig {
    /// 0 turns faults off.
    #[serde(default)]
    pub every_nth: u64,
    pub kind: FaultKind,
    /// Inject at most this many faults, then behave (0 = no limit): a host that
    /// recovers.
    #[serde(default)]
    pub max_faults: u64,
}

/// One misbehaviour of a legacy host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FaultKind {
    /// Half of the framed answer, then a TCP reset.
    Reset,
    /// No answer; the connection stays open until the client closes it.
    Stall,
    /// A well-framed answer of 0xFF bytes, which decodes as nothing valid.
    Garbage,
    /// A well-framed answer holding only the first half of the record (fixed framing:
    /// half the bytes, then the connection closes).
    Short,
    /// No answer; the connection is closed cleanly.
    Close,
}

impl FaultKind {
    /// Name as written in the config.
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::Reset => "reset",
            FaultKind::Stall => "stall",
            FaultKind::Garbage => "garbage",
            FaultKind::Short => "short",
            FaultKind::Close => "close",
        }
    }
}

/// The mock's own defaults (its wire's are the backend's).
pub mod defaults {
    pub fn listen() -> String {
        "127.0.0.1:0".into()
    }
    /// A host is a socket listener: a tcp backend's default.
    pub fn framing() -> &'static str {
        "len4"
    }
    pub fn sequence_start() -> u64 {
        1
    }
}
