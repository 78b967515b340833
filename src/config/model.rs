//! The file as written: serde structs, `deny_unknown_fields`, units in names.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub server: ServerConfig,
    #[serde(default, rename = "backend")]
    pub backends: Vec<BackendConfig>,
    #[serde(default, rename = "route")]
    pub routes: Vec<RouteConfig>,
    /// `[auth]`: who may call. Absent: every route is open.
    pub auth: Option<crate::auth::AuthConfig>,
    /// `[audit]`: the hash-chained log of every call. Absent: no audit log.
    pub audit: Option<AuditFileConfig>,
}

/// `[audit]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditFileConfig {
    /// The live log file, relative to the config file.
    pub path: String,
    /// `os` (written before answering, no fsync: survives a crash of the gateway, not of
    /// the machine; the default, which is what the audit promise asks), `every_line` (fsync
    /// before answering) or `interval` (group fsync every `interval_ms`, still before
    /// answering): these two survive a power loss too.
    #[serde(default = "defaults::audit_flush")]
    pub flush: String,
    #[serde(default = "defaults::audit_interval_ms")]
    pub interval_ms: u64,
    /// Rotate the live file before it would grow past this size.
    pub rotate_bytes: Option<u64>,
    /// Environment variable holding the key that key-field values are HMACed with;
    /// without it they are recorded as sent.
    pub hmac_key_env: Option<String>,
    /// Request fields (dotted JSON paths) recorded on every route that has them, unless
    /// the route lists its own `audit_keys`.
    #[serde(default)]
    pub keys: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// Address the gateway listens on.
    #[serde(default = "defaults::listen")]
    pub listen: String,
    /// Largest request body accepted (413 beyond).
    #[serde(default = "defaults::max_body_bytes")]
    pub max_body_bytes: usize,
    /// In-flight requests are given this long to finish on shutdown.
    #[serde(default = "defaults::shutdown_grace_ms")]
    pub shutdown_grace_ms: u64,
    /// `text` or `json` log lines.
    #[serde(default = "defaults::log_format")]
    pub log_format: String,
    /// `[server.tls]`: HTTPS on the listener (plain HTTP without it).
    pub tls: Option<ServerTlsConfig>,
    /// Largest request head (request line and headers) accepted; 431 beyond.
    #[serde(default = "defaults::max_header_bytes")]
    pub max_header_bytes: usize,
    /// A client must send a whole request head within this (the slowloris defence); an
    /// idle keep-alive connection is closed after it too.
    #[serde(default = "defaults::header_read_timeout_ms")]
    pub header_read_timeout_ms: u64,
    /// Connections served at once; further clients wait in the listen backlog.
    #[serde(default = "defaults::max_connections")]
    pub max_connections: usize,
    /// `[server.cors]`: CORS answers for browsers. Absent: no CORS headers.
    pub cors: Option<CorsConfig>,
    /// Serve the API description (`/openapi.json`, `/docs`); `false` leaves them unrouted.
    #[serde(default = "defaults::docs")]
    pub docs: bool,
}

/// `[server.cors]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorsConfig {
    /// Origins allowed to call, e.g. `https://app.example`; `["*"]` for any.
    pub allow_origins: Vec<String>,
    #[serde(default = "defaults::cors_methods")]
    pub allow_methods: Vec<String>,
    #[serde(default = "defaults::cors_headers")]
    pub allow_headers: Vec<String>,
    /// How long a browser may cache a preflight answer.
    #[serde(default = "defaults::cors_max_age_secs")]
    pub max_age_secs: u64,
}

/// `[server.tls]`: the listener's certificate, and client certificates (mTLS).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerTlsConfig {
    /// PEM certificate chain, leaf first (relative to the config file).
    pub cert: String,
    /// PEM private key for the leaf certificate.
    pub key: String,
    /// PEM CA bundle client certificates are verified against.
    pub client_ca: Option<String>,
    /// `none`, `optional` (verified when sent) or `required`.
    #[serde(default = "defaults::client_auth")]
    pub client_auth: String,
    /// A client that has not finished its TLS handshake by then is disconnected.
    #[serde(default = "defaults::handshake_timeout_ms")]
    pub handshake_timeout_ms: u64,
}

/// A tcp backend's `tls = { ... }`: the host sits behind a TLS terminator.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackendTlsConfig {
    /// PEM CA bundle the host's certificate is verified against.
    pub ca: String,
    /// PEM client certificate chain, when the host asks for one (with `key`).
    pub cert: Option<String>,
    /// PEM private key for `cert`.
    pub key: Option<String>,
    /// Name the host's certificate must carry; the host part of `address` by default.
    pub server_name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackendConfig {
    pub name: String,
    /// `tcp`, `http` or `exec`.
    pub kind: String,
    /// tcp: `host:port`.
    pub address: Option<String>,
    /// http: the URL record bytes are POSTed to.
    pub url: Option<String>,
    /// exec: the program run once per request (record on stdin, answer on stdout).
    pub command: Option<String>,
    #[serde(default)]
    pub args: Vec<String>,
    /// `len4`, `len2`, `fixed`, `delimiter` (and the records layer's other framings).
    #[serde(default = "defaults::framing")]
    pub framing: String,
    /// Byte ending each record with `framing = "delimiter"`.
    #[serde(default = "defaults::delimiter")]
    pub delimiter: u8,
    #[serde(default = "defaults::codepage")]
    pub codepage: String,
    #[serde(default = "defaults::dialect")]
    pub dialect: String,
    /// The host's TRUNC option: `bin`, `std` or `opt` (binary values beyond their PIC).
    #[serde(default = "defaults::trunc")]
    pub trunc: String,
    /// Never more concurrent sessions (connections, processes) than this.
    #[serde(default = "defaults::max_sessions")]
    pub max_sessions: usize,
    /// Requests allowed to wait for a session; beyond it, 503 at once.
    #[serde(default = "defaults::max_queue")]
    pub max_queue: usize,
    /// How long a request may wait for a session before 503.
    #[serde(default = "defaults::queue_timeout_ms")]
    pub queue_timeout_ms: u64,
    /// Whole exchange with the host (write, wait, read); 504 beyond.
    #[serde(default = "defaults::timeout_ms")]
    pub timeout_ms: u64,
    /// tcp: establishing a connection.
    #[serde(default = "defaults::connect_timeout_ms")]
    pub connect_timeout_ms: u64,
    /// tcp: TLS towards the host.
    pub tls: Option<BackendTlsConfig>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayoutRef {
    /// A copybook or any registered layout file, relative to the config file.
    pub copybook: String,
    /// The 01 record to use when the copybook holds several.
    pub record: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusConfig {
    /// Response field whose value picks the HTTP status.
    pub field: String,
    /// Field value -> status; `*` for any other value.
    pub map: BTreeMap<String, u16>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteConfig {
    pub method: String,
    /// Path with `{param}` segments, e.g. `/v1/vehicles/{vrm}`.
    pub path: String,
    pub backend: String,
    pub request: LayoutRef,
    pub response: LayoutRef,
    /// Request fields filled from path/query parameters (`"{vrm}"`) or constants.
    #[serde(default)]
    pub set: BTreeMap<String, String>,
    pub status: Option<StatusConfig>,
    /// Response fields left out of the JSON (dotted paths).
    #[serde(default)]
    pub omit: Vec<String>,
    /// Response fields renamed in the JSON: dotted path -> new name.
    #[serde(default)]
    pub rename: BTreeMap<String, String>,
    /// Who may call this route, with what purpose (needs `[auth]` for credentials).
    pub auth: Option<crate::auth::RouteAuthConfig>,
    /// Request fields whose values go into the audit line (HMACed with a key).
    pub audit_keys: Option<Vec<String>>,
}

/// Every default, in one place (documented in docs/configuration.md).
pub mod defaults {
    pub fn listen() -> String {
        "127.0.0.1:8080".into()
    }
    pub fn max_body_bytes() -> usize {
        1 << 20
    }
    pub fn shutdown_grace_ms() -> u64 {
        10_000
    }
    pub fn log_format() -> String {
        "text".into()
    }
    pub fn framing() -> String {
        "len4".into()
    }
    pub fn delimiter() -> u8 {
        b'\n'
    }
    pub fn codepage() -> String {
        "cp037".into()
    }
    pub fn dialect() -> String {
        "ibm".into()
    }
    pub fn trunc() -> String {
        "bin".into()
    }
    pub fn max_sessions() -> usize {
        10
    }
    pub fn max_queue() -> usize {
        100
    }
    pub fn queue_timeout_ms() -> u64 {
        1_000
    }
    pub fn timeout_ms() -> u64 {
        2_000
    }
    pub fn connect_timeout_ms() -> u64 {
        1_000
    }
    pub fn audit_flush() -> String {
        "os".into()
    }
    pub fn audit_interval_ms() -> u64 {
        100
    }
    pub fn client_auth() -> String {
        "none".into()
    }
    pub fn handshake_timeout_ms() -> u64 {
        10_000
    }
    pub fn max_header_bytes() -> usize {
        16 * 1024
    }
    pub fn header_read_timeout_ms() -> u64 {
        5_000
    }
    pub fn max_connections() -> usize {
        10_000
    }
    pub fn cors_methods() -> Vec<String> {
        vec!["GET".into(), "POST".into()]
    }
    pub fn cors_headers() -> Vec<String> {
        ["authorization", "content-type", "x-purpose", "x-request-id"]
            .map(String::from)
            .to_vec()
    }
    pub fn cors_max_age_secs() -> u64 {
        600
    }
    pub fn docs() -> bool {
        true
    }
}
