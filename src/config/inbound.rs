//! `[[listener]]` and `[[inbound]]` as written, and their checks into the
//! [`InboundSet`] that `ferrule serve` runs (legacy programs calling JSON APIs; see
//! `docs/inbound.md`). A listener's wire keys are a backend's ([`WireConfig`]); its TLS
//! is `[server.tls]`'s; every problem is named by its key path so `check` can locate it.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use ferrule_parsers::json::CodecOptions;
use ferrule_parsers::layout::{DataType, FieldKind, Layout};
use serde::Deserialize;

use super::model::{defaults, BackendTlsConfig, LayoutRef, ServerTlsConfig};
use super::table::{self, Problems};
use super::wire::WireConfig;
use crate::inbound::spec::{
    BodySpec, Credentials, ErrorSpec, FieldFill, InboundRoute, InboundSet, ListenerSpec, MatchSpec,
    Target, Text,
};

/// One `[[listener]]`: where legacy programs connect, and how their records look.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListenerConfig {
    pub name: String,
    /// `host:port`; port 0 picks a free port (`serve` prints the real one).
    pub listen: String,
    /// Connections served at once; further programs wait in the listen backlog.
    #[serde(default = "default_max_connections")]
    pub max_connections: usize,
    /// A connection with no record for this long is closed.
    #[serde(default = "default_idle_timeout_ms")]
    pub idle_timeout_ms: u64,
    /// Records that cannot be served (undecodable, no route) are appended here, in the
    /// listener's framing, with `<file>.errors.jsonl` beside it. Relative to the config.
    pub quarantine: Option<String>,
    /// The quarantine file moves to `<file>.1` once it would pass this size.
    #[serde(default = "default_quarantine_max_bytes")]
    pub quarantine_max_bytes: u64,
    /// TLS on the listener, as `[server.tls]` (`client_auth = "required"` for mTLS).
    pub tls: Option<ServerTlsConfig>,
    /// Framing, code page, dialect, TRUNC (read by [`table::take`], not by serde).
    #[serde(skip)]
    pub wire: WireConfig,
}

fn default_quarantine_max_bytes() -> u64 {
    64 * 1024 * 1024
}

fn default_max_connections() -> usize {
    1_000
}

fn default_idle_timeout_ms() -> u64 {
    300_000
}

fn default_inbound_timeout_ms() -> u64 {
    5_000
}

fn default_concurrency() -> usize {
    100
}

fn default_method() -> String {
    "GET".into()
}

/// `match = { field, value }`: the request field that picks the route.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchConfig {
    pub field: String,
    pub value: String,
}

/// `errors = { field, message_field, map }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorsConfig {
    /// Response field that gets the return code.
    pub field: String,
    /// Response field that gets a short message on failures.
    pub message_field: Option<String>,
    /// Outcome -> return code: `ok`, an HTTP status (`"404"`), a class (`"4xx"`), a
    /// failure kind (`timeout`, `unreachable`, `bad_response`, `bad_record`, `no_route`,
    /// `busy`), and `*` for any other.
    pub map: BTreeMap<String, i64>,
}

/// `credentials = { bearer_env }`, `{ api_key = { ... } }` or `{ oauth2 = { ... } }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialsConfig {
    /// Environment variable holding a static bearer token.
    pub bearer_env: Option<String>,
    /// A key sent in a header of its own (`X-Api-Key: ...`).
    pub api_key: Option<ApiKeyConfig>,
    /// OAuth2 client credentials.
    pub oauth2: Option<OAuth2Config>,
}

/// `api_key = { header, env }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyConfig {
    /// The header's name (`X-Api-Key`).
    pub header: String,
    /// Environment variable holding the key.
    pub env: String,
}

/// How an OAuth2 client proves itself to the token endpoint (RFC 6749 §2.3.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientAuth {
    /// HTTP Basic (`client_secret_basic`), which every server must accept.
    #[default]
    Basic,
    /// In the form body (`client_secret_post`), for servers that want it there.
    Body,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuth2Config {
    pub token_url: String,
    pub client_id_env: String,
    pub client_secret_env: String,
    pub scope: Option<String>,
    /// Client id and secret as HTTP Basic (default) or in the form body.
    #[serde(default)]
    pub client_auth: ClientAuth,
    /// TLS towards an `https://` token URL.
    pub tls: Option<BackendTlsConfig>,
}

/// One `[[inbound]]` route.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InboundConfig {
    pub name: String,
    pub listener: String,
    #[serde(rename = "match")]
    pub matches: MatchConfig,
    pub request: LayoutRef,
    pub response: LayoutRef,
    /// `http(s)://host/path/{field}`: `{dotted.field}` holes filled from the request.
    pub url: String,
    #[serde(default = "default_method")]
    pub method: String,
    /// Query parameters: name -> template.
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// Request headers: name -> template (`X-Request-Ref = "{ref}"`).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// JSON body: dotted JSON path -> template (`"{field}"` alone keeps its JSON type).
    /// Absent: POST, PUT and PATCH send the whole decoded request record.
    pub body: Option<BTreeMap<String, String>>,
    /// Response field (dotted) -> JSON path in the answer (`address.lines[0]`), or for a
    /// table, the array that fills it ([`occurs::TableSource`]).
    #[serde(default)]
    pub fields: BTreeMap<String, occurs::FieldSource>,
    /// Response field (dotted) -> a constant in every record sent back (a reply's
    /// transaction code); `fields` and `errors` write over it.
    #[serde(default)]
    pub reply: BTreeMap<String, String>,
    pub errors: ErrorsConfig,
    #[serde(default = "default_inbound_timeout_ms")]
    pub timeout_ms: u64,
    #[serde(default = "defaults::connect_timeout_ms")]
    pub connect_timeout_ms: u64,
    /// Calls in flight to this target at once; more fail with `busy`.
    #[serde(default = "default_concurrency")]
    pub concurrency: usize,
    pub credentials: Option<CredentialsConfig>,
    /// TLS towards an `https://` URL: the CA bundle to trust.
    pub tls: Option<BackendTlsConfig>,
}

/// Reads and checks every `[[listener]]` and `[[inbound]]`; problems go to `bad` with
/// their config path.
pub fn validate(
    listeners: &[toml::Table],
    routes: &[toml::Table],
    base: &Path,
    bad: &mut dyn FnMut(String, String),
) -> InboundSet {
    let mut set = InboundSet::default();
    for (i, t) in listeners.iter().enumerate() {
        let at = format!("listener[{i}]");
        match read_listener(t.clone()).and_then(|l| listener(&l, base)) {
            Ok(spec) => {
                if set.listeners.iter().any(|o| o.name == spec.name) {
                    bad(
                        format!("{at}.name"),
                        format!("`{}` is used by an earlier listener", spec.name),
                    );
                }
                set.listeners.push(spec);
            }
            Err(ps) => ps
                .into_iter()
                .for_each(|(p, m)| bad(super::validate::joined(&at, &p), m)),
        }
    }
    // Every listener written, valid or not: a route on one with problems of its own
    // is not told the listener is missing.
    let listener_names: Vec<&str> = listeners
        .iter()
        .filter_map(|t| t.get("name").and_then(toml::Value::as_str))
        .collect();
    for (i, t) in routes.iter().enumerate() {
        let at = format!("inbound[{i}]");
        let r = table::read::<InboundConfig>(t.clone());
        match r.and_then(|r| route(&r, &set, &listener_names, base)) {
            Ok(spec) => {
                if set.routes.iter().any(|o| o.name == spec.name) {
                    bad(
                        format!("{at}.name"),
                        format!("`{}` is used by an earlier inbound route", spec.name),
                    );
                }
                set.routes.push(Arc::new(spec));
            }
            Err(ps) => ps
                .into_iter()
                .for_each(|(p, m)| bad(super::validate::joined(&at, &p), m)),
        }
    }
    // `fixed` cuts every request at one length: the listener's routes must agree on it.
    // (Indexes line up with the file only when every route loaded.)
    let all_loaded = set.routes.len() == routes.len();
    for (i, r) in set.routes.iter().enumerate().filter(|_| all_loaded) {
        let first = set.routes_of(r.listener).next();
        let fixed = set
            .listeners
            .get(r.listener)
            .is_some_and(|l| l.framing == crate::connector::BackendFraming::Fixed);
        if let Some(first) = first.filter(|f| fixed && f.request.max_len() != r.request.max_len()) {
            bad(
                format!("inbound[{i}].request"),
                format!(
                    "{} bytes, but route `{}` on this fixed-framing listener has {}: \
                     fixed framing cuts every request at one length",
                    r.request.max_len(),
                    first.name,
                    first.request.max_len()
                ),
            );
        }
    }
    // Named by a route, even one with problems of its own (those are reported already).
    let used = |name: &str| {
        routes
            .iter()
            .any(|t| t.get("listener").and_then(toml::Value::as_str) == Some(name))
    };
    for (i, l) in set.listeners.iter().enumerate() {
        if !used(&l.name) {
            bad(
                format!("listener[{i}]"),
                format!("no [[inbound]] route uses listener `{}`", l.name),
            );
        }
    }
    set
}

fn read_listener(mut t: toml::Table) -> Result<ListenerConfig, Problems> {
    let wire = table::take::<WireConfig>(&mut t);
    let l = table::read::<ListenerConfig>(t);
    match (wire, l) {
        (Ok(wire), Ok(mut l)) => {
            l.wire = wire;
            Ok(l)
        }
        (w, l) => Err(w
            .err()
            .into_iter()
            .flatten()
            .chain(l.err().into_iter().flatten())
            .collect()),
    }
}

fn listener(l: &ListenerConfig, base: &Path) -> Result<ListenerSpec, Problems> {
    let mut ps: Problems = Vec::new();
    // A program's socket carries records one after another: they must be cut.
    let wire = l.wire.validate("len4", &mut ps);
    if l.listen.parse::<std::net::SocketAddr>().is_err() {
        ps.push((
            "listen".into(),
            format!("`{}` is not an address like 127.0.0.1:7100", l.listen),
        ));
    }
    if l.max_connections == 0 {
        ps.push(("max_connections".into(), "must be at least 1".into()));
    }
    if l.idle_timeout_ms == 0 {
        ps.push(("idle_timeout_ms".into(), "must be more than 0".into()));
    }
    if l.quarantine_max_bytes == 0 {
        ps.push(("quarantine_max_bytes".into(), "must be more than 0".into()));
    }
    let tls = match &l.tls {
        Some(t) => match super::validate::server_tls(t, base) {
            Ok(tls) => Some(Arc::new(tls)),
            Err(e) => {
                ps.extend(e.into_iter().map(|(p, m)| (format!("tls.{p}"), m)));
                None
            }
        },
        None => None,
    };
    match wire {
        Some(wire) if ps.is_empty() => Ok(ListenerSpec {
            name: l.name.clone(),
            listen: l.listen.clone(),
            framing: wire.framing,
            codec: wire.codec,
            max_connections: l.max_connections,
            idle_timeout: Duration::from_millis(l.idle_timeout_ms),
            quarantine: l.quarantine.as_ref().map(|q| base.join(q)),
            quarantine_max_bytes: l.quarantine_max_bytes,
            tls,
        }),
        _ => Err(ps),
    }
}

fn split(path: &str) -> Vec<String> {
    path.split('.').map(str::to_string).collect()
}

/// The elementary, non-repeating field at `path`, or a problem at `key`.
fn item<'l>(
    layout: &'l Layout,
    path: &str,
    key: String,
    which: &str,
    ps: &mut Problems,
) -> Option<&'l ferrule_parsers::layout::Field> {
    match layout.field_by_json_path(&split(path)) {
        Some(f) if matches!(f.kind, FieldKind::Item(_)) && f.occurs.is_none() => Some(f),
        Some(_) => {
            ps.push((key, "must name an elementary, non-repeating field".into()));
            None
        }
        None => {
            ps.push((key, format!("no field `{path}` in the {which} layout")));
            None
        }
    }
}

fn route(
    r: &InboundConfig,
    set: &InboundSet,
    written: &[&str],
    base: &Path,
) -> Result<InboundRoute, Problems> {
    let mut ps: Problems = Vec::new();
    let listener = set.listeners.iter().position(|l| l.name == r.listener);
    let codec: Option<CodecOptions> = listener.and_then(|i| set.listeners.get(i).map(|l| l.codec));
    if !written.contains(&r.listener.as_str()) {
        ps.push((
            "listener".into(),
            format!("no [[listener]] named `{}`", r.listener),
        ));
    }
    let request = super::validate::load_layout(&r.request, base, codec)
        .map_err(|e| ps.push(("request.copybook".into(), e)))
        .ok();
    let response = super::validate::load_layout(&r.response, base, codec)
        .map_err(|e| ps.push(("response.copybook".into(), e)))
        .ok();
    let method = r.method.to_ascii_uppercase();
    let method_ok = ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method.as_str());
    if !method_ok {
        ps.push((
            "method".into(),
            format!("`{}`: expected GET, POST, PUT, PATCH or DELETE", r.method),
        ));
    }
    // Where the match field sits and the bytes it must hold there.
    let match_field = request.as_ref().and_then(|l| {
        item(
            l,
            &r.matches.field,
            "match.field".into(),
            "request",
            &mut ps,
        )
    });
    let matches = match (&request, match_field, codec) {
        (Some(l), Some(f), Some(c)) => {
            MatchSpec::new(l, c, f, &split(&r.matches.field), &r.matches.value)
                .map_err(|m| ps.push(("match.value".into(), m)))
                .ok()
        }
        _ => None,
    };
    let request_field = |key: String, name: &str, ps: &mut Problems| {
        if let Some(l) = &request {
            if l.field_by_json_path(&split(name)).is_none() {
                ps.push((key, format!("no field `{name}` in the request layout")));
            }
        }
    };
    let url = Text::parse(&r.url)
        .map_err(|m| ps.push(("url".into(), m)))
        .ok();
    for name in url.iter().flat_map(Text::fields) {
        request_field("url".into(), &name, &mut ps);
    }
    let mut query = Vec::new();
    for (k, v) in &r.query {
        match Text::parse(v) {
            Ok(t) => {
                for name in t.fields() {
                    request_field(format!("query.{k}"), &name, &mut ps);
                }
                query.push((k.clone(), t));
            }
            Err(m) => ps.push((format!("query.{k}"), m)),
        }
    }
    let mut headers = Vec::new();
    for (k, v) in &r.headers {
        let key = format!("headers.{k}");
        let name = crate::inbound::spec::header_name(k).map_err(|m| ps.push((key.clone(), m)));
        match Text::parse(v) {
            Ok(t) => {
                for field in t.fields() {
                    request_field(key.clone(), &field, &mut ps);
                }
                if let Ok(name) = name {
                    headers.push((name, t));
                }
            }
            Err(m) => ps.push((key, m)),
        }
    }
    let body = match &r.body {
        Some(map) => {
            let mut fields = Vec::new();
            for (k, v) in map {
                match Text::parse(v) {
                    Ok(t) => {
                        for name in t.fields() {
                            request_field(format!("body.{k}"), &name, &mut ps);
                        }
                        fields.push((split(k), t));
                    }
                    Err(m) => ps.push((format!("body.{k}"), m)),
                }
            }
            BodySpec::Fields(fields)
        }
        None if ["POST", "PUT", "PATCH"].contains(&method.as_str()) => BodySpec::Record,
        None => BodySpec::None,
    };
    let mut fields = Vec::new();
    for (k, v) in &r.fields {
        match v {
            occurs::FieldSource::Path(v) => {
                if let Some(l) = &response {
                    item(l, k, format!("fields.{k}"), "response", &mut ps);
                }
                match crate::inbound::spec::json_path(v) {
                    Ok(p) => fields.push((split(k), FieldFill::Value(p))),
                    Err(m) => ps.push((format!("fields.{k}"), m)),
                }
            }
            occurs::FieldSource::Table(t) => {
                if let Some(fill) = occurs::table_fill(response.as_ref(), k, t, &mut ps) {
                    fields.push((split(k), fill));
                }
            }
        }
    }
    let mut reply = Vec::new();
    for (k, v) in &r.reply {
        let key = format!("reply.{k}");
        if let Some(l) = &response {
            if item(l, k, key.clone(), "response", &mut ps).is_some() {
                // A constant that cannot be encoded would spoil every answer: refuse it here.
                if let Some(c) = codec {
                    if let Err(m) = super::constant::fits(l, c, &split(k), v) {
                        ps.push((key, m));
                    }
                }
            }
        }
        reply.push((split(k), v.clone()));
    }
    let errors = errors(&r.errors, response.as_ref(), &mut ps);
    let target = Target::new(r, base).map_err(|e| ps.extend(e)).ok();
    for (key, v) in [
        ("timeout_ms", r.timeout_ms),
        ("connect_timeout_ms", r.connect_timeout_ms),
    ] {
        if v == 0 {
            ps.push((key.into(), "must be more than 0".into()));
        }
    }
    if r.concurrency == 0 {
        ps.push(("concurrency".into(), "must be at least 1".into()));
    }
    if !ps.is_empty() {
        return Err(ps);
    }
    let (
        Some(listener),
        Some(request),
        Some(response),
        Some(matches),
        Some(url),
        Some(errors),
        Some(target),
    ) = (listener, request, response, matches, url, errors, target)
    else {
        return Err(vec![(String::new(), "incomplete inbound route".into())]);
    };
    Ok(InboundRoute {
        name: r.name.clone(),
        listener,
        matches,
        request: Arc::new(request),
        response: Arc::new(response),
        method,
        url,
        query,
        headers,
        body,
        fields,
        reply,
        errors,
        timeout: Duration::from_millis(r.timeout_ms),
        target,
    })
}

/// The outcome names `errors.map` may use besides HTTP statuses and `*`.
pub const OUTCOMES: &[&str] = &[
    "ok",
    "timeout",
    "unreachable",
    "bad_response",
    "bad_record",
    "no_route",
    "busy",
];

fn errors(e: &ErrorsConfig, response: Option<&Layout>, ps: &mut Problems) -> Option<ErrorSpec> {
    let mut ok = true;
    if let Some(l) = response {
        ok &= item(l, &e.field, "errors.field".into(), "response", ps).is_some();
        if let Some(m) = &e.message_field {
            let f = item(l, m, "errors.message_field".into(), "response", ps);
            // The message is text: a numeric field could not hold it.
            let text = f.is_some_and(|f| {
                matches!(
                    f.kind,
                    FieldKind::Item(DataType::Alphanumeric { .. } | DataType::National { .. })
                )
            });
            if f.is_some() && !text {
                ps.push((
                    "errors.message_field".into(),
                    format!("`{m}` is not a text field (PIC X, A or N)"),
                ));
            }
            ok &= text;
        }
    }
    for k in e.map.keys() {
        let status = k.parse::<u16>().is_ok_and(|s| (100..=599).contains(&s));
        let class = matches!(k.as_str(), "1xx" | "2xx" | "3xx" | "4xx" | "5xx");
        if !(status || class || k == "*" || OUTCOMES.contains(&k.as_str())) {
            ps.push((
                format!("errors.map.{k}"),
                format!(
                    "`{k}`: expected an HTTP status (\"404\"), a class (\"4xx\"), *, or one of {}",
                    OUTCOMES.join(", ")
                ),
            ));
            ok = false;
        }
    }
    if !e.map.contains_key("*") {
        ps.push((
            "errors.map".into(),
            "needs \"*\", the return code of any failure not listed".into(),
        ));
        ok = false;
    }
    ok.then(|| ErrorSpec {
        field: split(&e.field),
        message: e.message_field.as_deref().map(split),
        map: e.map.clone(),
    })
}

impl Credentials {
    /// `credentials` as written, checked (variables are read per call, so a rotated
    /// token is picked up without a reload).
    pub fn from_config(c: Option<&CredentialsConfig>, base: &Path) -> Result<Self, Problems> {
        let Some(c) = c else {
            return Ok(Credentials::None);
        };
        match (&c.bearer_env, &c.api_key, &c.oauth2) {
            (Some(v), None, None) => Ok(Credentials::Bearer { env: v.clone() }),
            (None, Some(k), None) => Credentials::api_key(&k.header, &k.env)
                .map_err(|m| vec![("credentials.api_key.header".into(), m)]),
            (None, None, Some(o)) => {
                let tls = crate::inbound::spec::https_tls(&o.token_url, o.tls.as_ref(), base)
                    .map_err(|(k, m)| vec![(format!("credentials.oauth2.{k}"), m)])?;
                Ok(Credentials::oauth2(o, tls))
            }
            _ => Err(vec![(
                "credentials".into(),
                "give exactly one of bearer_env, api_key and oauth2".into(),
            )]),
        }
    }
}

mod occurs;

#[cfg(test)]
mod tests;
