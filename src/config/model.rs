//! The file as written: serde structs, `deny_unknown_fields`, units in names.

use std::collections::BTreeMap;

use ferrule_parsers::dialect::EditSymbols;
use ferrule_parsers::registry::LoadOptions;
use serde::Deserialize;

use super::threads::Threads;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub server: ServerConfig,
    /// `[[backend]]` tables, read in parts by [`super::backend::BackendConfig::from_table`]
    /// so that every problem in one names its key.
    #[serde(default, rename = "backend")]
    pub backends: Vec<toml::Table>,
    #[serde(default, rename = "route")]
    pub routes: Vec<RouteConfig>,
    /// `[auth]`: who may call. Absent: every route is open.
    pub auth: Option<crate::auth::AuthConfig>,
    /// `[audit]`: the hash-chained log of every call. Absent: no audit log.
    pub audit: Option<super::security::AuditFileConfig>,
    /// `[[listener]]` tables (inbound: sockets legacy programs call), read in parts by
    /// [`super::inbound::validate`].
    #[serde(default, rename = "listener")]
    pub listeners: Vec<toml::Table>,
    /// `[[inbound]]` routes: a listener's records -> a JSON API -> response records.
    #[serde(default)]
    pub inbound: Vec<toml::Table>,
    /// `[telemetry]`: span export. Absent: trace ids only (logs, audit, backends).
    pub telemetry: Option<crate::trace::TelemetryConfig>,
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
    /// Proxies (load balancers) whose forwarding headers name the caller: addresses or
    /// networks (`10.0.0.0/8`). Empty: the TCP peer is always the caller.
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
    /// Where rate-limit buckets live: this process (default) or Redis, shared by replicas.
    pub rate_limits: Option<RateLimitsConfig>,
    /// `"auto"` (default): one serving thread per core; N: N threads, each serving its
    /// connections to the end on its own single-threaded runtime (thread-per-core);
    /// 0: one work-stealing runtime.
    #[serde(default = "defaults::threads")]
    pub threads: Threads,
    /// The operator endpoints (`/metrics`, `/healthz`, `/readyz`) on their own address,
    /// and no longer on `listen`. Absent: they stay on `listen`.
    pub admin_listen: Option<String>,
    /// HTTP/2 over TLS, chosen by ALPN beside HTTP/1.1 (default true; needs `[server.tls]`).
    #[serde(default = "defaults::http2")]
    pub http2: bool,
    /// HTTP/2 without TLS ("prior knowledge" h2c) on a plain listener (default false).
    #[serde(default)]
    pub h2c: bool,
    /// HTTP/2 streams one connection may have open at once.
    #[serde(default = "defaults::max_concurrent_streams")]
    pub max_concurrent_streams: u32,
}

/// `[server.cors]` as written.
/// `[server.rate_limits]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitsConfig {
    /// `memory` (each replica its own buckets) or `redis` (one limit across replicas).
    #[serde(default = "defaults::rate_limit_store")]
    pub store: String,
    /// `redis://host:port/db` (or `rediss://`); required with `store = "redis"`.
    pub redis_url: Option<String>,
    /// A check that takes longer is a store error (the route's `on_store_error` decides).
    #[serde(default = "defaults::rate_limit_timeout_ms")]
    pub timeout_ms: u64,
    /// Prepended to every key (several gateways can share one Redis).
    #[serde(default = "defaults::rate_limit_key_prefix")]
    pub key_prefix: String,
}

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
pub struct LayoutRef {
    /// A copybook or any registered layout file, relative to the config file.
    pub copybook: String,
    /// The 01 record to use when the copybook holds several.
    pub record: Option<String>,
    /// Directories searched for COPY members (after the copybook's own), relative to
    /// the config file.
    #[serde(default)]
    pub include: Vec<String>,
    /// `"comma"`: the layout's numeric-edited pictures were written under
    /// DECIMAL-POINT IS COMMA (default `"period"`).
    pub decimal_point: Option<String>,
    /// The currency sign of numeric-edited pictures (one character, e.g. `"£"`).
    pub currency_sign: Option<String>,
    /// The PICTURE symbol standing for `currency_sign` (default: the sign itself).
    pub currency_symbol: Option<String>,
}

impl LayoutRef {
    /// How to load this layout: the record and the editing symbols.
    pub fn load_options(&self) -> Result<LoadOptions, String> {
        let mut symbols = EditSymbols::STANDARD;
        if let Some(dp) = &self.decimal_point {
            symbols.decimal_comma = EditSymbols::decimal_point_by_name(dp)
                .ok_or_else(|| format!("decimal_point `{dp}`: expected \"comma\" or \"period\""))?;
        }
        match (&self.currency_sign, &self.currency_symbol) {
            (Some(sign), symbol) => {
                symbols = symbols
                    .with_currency(sign, symbol.as_deref())
                    .map_err(|e| format!("currency_sign: {e}"))?;
            }
            (None, Some(_)) => {
                return Err(
                    "currency_symbol needs currency_sign (the character the data shows)".into(),
                )
            }
            (None, None) => {}
        }
        // `include` is resolved against the config file's folder by the caller.
        Ok(LoadOptions {
            record: self.record.clone(),
            symbols,
            ..Default::default()
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusConfig {
    /// Response field whose value picks the HTTP status.
    pub field: String,
    /// Field value -> status; `*` for any other value.
    pub map: BTreeMap<String, u16>,
    /// A mapped status of 400 or more is answered as `application/problem+json`; its
    /// `detail` is this response field's text (the host's message) as the caller would
    /// see it (not when omitted or stripped as sensitive). Absent: a generic detail
    /// naming the return code.
    pub detail_field: Option<String>,
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
    /// A working value for each path/query parameter (`{ vrm = "AB12CDE" }`), shown by
    /// `/docs` and the OpenAPI document; checked to fit its field like a constant.
    #[serde(default)]
    pub examples: BTreeMap<String, String>,
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
    /// Leave the trailing empty occurrences of fixed OCCURS tables out of answers
    /// (`["VI","WE","",""]` is sent as `["VI","WE"]`).
    #[serde(default = "defaults::drop_empty_occurs")]
    pub drop_empty_occurs: bool,
    /// On an `ims-connect` backend: this route's transaction code.
    pub ims: Option<crate::connector::protocol::ims::RouteImsConfig>,
    /// On a `cics-listener` backend: this route's tranid and client data.
    pub cics: Option<crate::connector::protocol::cics::RouteCicsConfig>,
}

impl Config {
    /// The index of the `[[backend]]` called `name` (routes refer to backends by it).
    pub fn backend_index(&self, name: &str) -> Option<usize> {
        self.backends
            .iter()
            .position(|b| b.get("name").and_then(toml::Value::as_str) == Some(name))
    }
}

/// Every default, in one place (documented in docs/configuration.md); a `ferrule mock`
/// host shares the backend's (`super::wire`).
pub mod defaults {
    use super::Threads;

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
    pub fn blank_numbers() -> String {
        "error".into()
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
    pub fn rate_limit_store() -> String {
        "memory".into()
    }
    pub fn rate_limit_timeout_ms() -> u64 {
        200
    }
    pub fn rate_limit_key_prefix() -> String {
        "ferrule:rl:".into()
    }
    pub fn threads() -> Threads {
        Threads::Auto
    }
    pub fn http2() -> bool {
        true
    }
    pub fn max_concurrent_streams() -> u32 {
        100
    }
    /// A caller reads a table's filled slots; the slots a fixed-size COBOL table leaves
    /// blank are layout, not data.
    pub fn drop_empty_occurs() -> bool {
        true
    }
}

#[cfg(test)]
mod layout_ref_tests {
    use super::*;

    fn layout_ref(extra: &str) -> LayoutRef {
        toml::from_str(&format!("copybook = \"a.cpy\"\n{extra}")).expect("toml")
    }

    #[test]
    fn route_layouts_take_decimal_point_and_currency() {
        // `request = { copybook = ..., decimal_point = "comma", currency_sign = "£" }`.
        let o = layout_ref("decimal_point = \"comma\"\ncurrency_sign = \"£\"")
            .load_options()
            .expect("valid");
        assert!(o.symbols.decimal_comma);
        assert_eq!(o.symbols.currency_sign, '£');
        assert!(layout_ref("")
            .load_options()
            .expect("valid")
            .symbols
            .is_standard());
        // Bad values name the key.
        let e = layout_ref("decimal_point = \"semi\"")
            .load_options()
            .unwrap_err();
        assert!(e.contains("decimal_point `semi`"), "{e}");
        let e = layout_ref("currency_symbol = \"L\"")
            .load_options()
            .unwrap_err();
        assert!(e.contains("needs currency_sign"), "{e}");
        let e = layout_ref("currency_sign = \"EUR\"")
            .load_options()
            .unwrap_err();
        assert!(e.starts_with("currency_sign:"), "{e}");
        // Unknown keys stay refused.
        assert!(toml::from_str::<LayoutRef>("copybook = \"a\"\ncurrency = \"x\"").is_err());
    }
}
