//! From the file as written to a [`Gateway`] ready to serve: layouts parsed, names
//! resolved, every problem collected with its config path.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use ferrule_parsers::json::CodecOptions;
use ferrule_parsers::layout::{FieldKind, Layout};
use ferrule_parsers::registry;

use super::backend::BackendConfig;
pub use super::backend::BackendKind;
use super::constant;
use super::locate::Location;
use super::model::{Config, LayoutRef, RouteConfig, ServerTlsConfig};
use super::security::{self, Security};
use super::threads::Threads;
use crate::auth::RoutePolicy;
use crate::connector::envelope::RouteEnvelope;
use crate::connector::BackendFraming;
use crate::gateway::tls::{ClientAuth, ServerTls};
use crate::gateway::ListenerSettings;

/// One thing wrong with a config, at its path (`route[1].set.vrm`).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// A validated configuration.
#[derive(Debug, Clone)]
pub struct Gateway {
    pub listen: String,
    pub max_body_bytes: usize,
    pub shutdown_grace: Duration,
    pub json_logs: bool,
    /// HTTPS settings for the listener; plain HTTP when `None`.
    pub tls: Option<Arc<ServerTls>>,
    /// Connection limits and CORS (`[server]`, `[server.cors]`); read once at start.
    pub listener: ListenerSettings,
    pub backends: Vec<Arc<BackendSpec>>,
    pub routes: Vec<Arc<RouteSpec>>,
    /// Where the config was read from (for reloads).
    pub source: PathBuf,
    /// `[auth]` and `[audit]`.
    pub security: Security,
    /// `server.docs`: serve `/openapi.json` and `/docs`.
    pub docs: bool,
    /// `server.threads` resolved: 0 for the work-stealing runtime, else thread-per-core
    /// threads (`"auto"`: one per core).
    pub threads: usize,
    /// `[server] admin_listen`: the operator endpoints' own address (read at start).
    pub admin_listen: Option<String>,
    /// `[[listener]]` and `[[inbound]]`: legacy programs calling JSON APIs.
    pub inbound: Arc<crate::inbound::spec::InboundSet>,
    /// `[telemetry]` with an `otlp_endpoint`: where spans go (read at start).
    pub telemetry: Option<crate::trace::Telemetry>,
}

#[derive(Debug, Clone)]
pub struct BackendSpec {
    pub name: String,
    pub kind: BackendKind,
    pub framing: BackendFraming,
    pub codec: CodecOptions,
    pub max_sessions: usize,
    pub max_queue: usize,
    pub queue_timeout: Duration,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// The circuit breaker's settings, when the backend has one.
    pub breaker: Option<crate::connector::breaker::BreakerSettings>,
}

/// A value for a request field: literal text with `{param}` holes.
#[derive(Debug, Clone, PartialEq)]
pub enum Template {
    Const(String),
    /// The whole value is one parameter: its text is taken as is.
    Param(String),
    /// Text and parameters mixed: `PREFIX-{id}`.
    Mixed(Vec<Template>),
}

impl Template {
    pub fn parse(s: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut rest = s;
        while let Some(open) = rest.find('{') {
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| format!("unclosed `{{` in `{s}`"))?
                + open;
            if open > 0 {
                parts.push(Template::Const(rest[..open].to_string()));
            }
            let name = rest[open + 1..close].trim();
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(format!("bad parameter name `{name}` in `{s}`"));
            }
            parts.push(Template::Param(name.to_string()));
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Template::Const(rest.to_string()));
        }
        Ok(match parts.len() {
            0 => Template::Const(String::new()),
            1 => parts.remove(0),
            _ => Template::Mixed(parts),
        })
    }

    /// The parameters the template reads, in order (repeats included).
    pub fn params(&self) -> Vec<&str> {
        match self {
            Template::Const(_) => Vec::new(),
            Template::Param(p) => vec![p.as_str()],
            Template::Mixed(ps) => ps.iter().flat_map(Template::params).collect(),
        }
    }

    /// The parameter, when the whole value is one (its text is the field's value).
    pub fn whole_param(&self) -> Option<&str> {
        match self {
            Template::Param(p) => Some(p),
            _ => None,
        }
    }

    /// The text with parameters filled in; `None` names a missing parameter.
    pub fn render(&self, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
        match self {
            Template::Const(s) => Ok(s.clone()),
            Template::Param(p) => lookup(p).ok_or_else(|| p.clone()),
            Template::Mixed(ps) => ps.iter().map(|t| t.render(lookup)).collect(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct StatusSpec {
    /// Dotted JSON path of the return-code field in the response.
    pub field: Vec<String>,
    pub map: BTreeMap<String, u16>,
    pub default: Option<u16>,
    /// Dotted JSON path of the field whose text is the `detail` of a mapped error.
    pub detail: Option<Vec<String>>,
}

#[derive(Debug, Clone)]
pub struct RouteSpec {
    pub method: String,
    pub path: String,
    /// Index into `Gateway::backends`.
    pub backend: usize,
    pub request: Arc<Layout>,
    pub response: Arc<Layout>,
    /// Dotted JSON path of a request field -> its value.
    pub set: Vec<(Vec<String>, Template)>,
    /// Parameters taken from the path (the rest of `set`'s parameters come from the query).
    pub path_params: Vec<String>,
    pub status: Option<StatusSpec>,
    pub omit: Vec<Vec<String>>,
    pub rename: Vec<(Vec<String>, String)>,
    /// Who may call, for what purpose; which response fields they may see.
    pub policy: Arc<RoutePolicy>,
    /// Request fields recorded in the audit line: dotted name and path.
    pub audit_keys: Vec<(String, Vec<String>)>,
    /// Parameter name -> a value that works (`examples` in the config).
    pub examples: BTreeMap<String, String>,
    /// Answers leave out the trailing empty occurrences of fixed tables.
    pub drop_empty_occurs: bool,
    /// The route's part of a protocol backend's envelope (`ims`/`cics` on the route).
    pub envelope: RouteEnvelope,
}

/// Reads and validates a config file.
pub fn load(path: &Path) -> Result<Gateway, Vec<Problem>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![Problem {
            path: String::new(),
            message: format!("cannot read {}: {e}", path.display()),
        }]
    })?;
    load_str(&text, path)
}

/// Validates config text as if read from `path` (relative paths resolve against its
/// directory): `ferrule init` checks what it would write before writing it.
pub fn load_str(text: &str, path: &Path) -> Result<Gateway, Vec<Problem>> {
    let one = |m: String| {
        vec![Problem {
            path: String::new(),
            message: m,
        }]
    };
    let config: Config = toml::from_str(text).map_err(|e| {
        // Located here, as a compiler would: the typed model keeps no positions.
        let at = e
            .span()
            .map(|s| {
                let at = Location::of_offset(text, s.start);
                format!("{}:{}:{}: error: ", path.display(), at.line, at.column)
            })
            .unwrap_or_default();
        one(format!("{at}{}", e.message()))
    })?;
    validate(&config, path)
}

/// Checks everything `serve` relies on; every problem is reported.
pub fn validate(config: &Config, source: &Path) -> Result<Gateway, Vec<Problem>> {
    let base = source.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut problems = Vec::new();
    let mut bad = |path: String, message: String| problems.push(Problem { path, message });
    let s = &config.server;
    if let Some(a) = s
        .admin_listen
        .as_ref()
        .filter(|a| a.parse::<std::net::SocketAddr>().is_err())
    {
        bad(
            "server.admin_listen".into(),
            format!("`{a}` is not an address like 127.0.0.1:9090"),
        );
    }
    if s.listen.parse::<std::net::SocketAddr>().is_err() {
        bad(
            "server.listen".into(),
            format!("`{}` is not an address like 127.0.0.1:8080", s.listen),
        );
    }
    // A zero limit would refuse every body, so every POST route would be dead on arrival.
    if s.max_body_bytes == 0 {
        bad(
            "server.max_body_bytes".into(),
            "0 would refuse every request body: give a size in bytes (default 1048576)".into(),
        );
    }
    match s.threads {
        Threads::Count(n) if n > MAX_THREADS => bad(
            "server.threads".into(),
            format!(
                "{n} threads: at most {MAX_THREADS} (one per core is the point: \"auto\" does that; 0 for one work-stealing runtime)"
            ),
        ),
        _ => {}
    }
    let json_logs = match s.log_format.as_str() {
        "text" => false,
        "json" => true,
        other => {
            bad(
                "server.log_format".into(),
                format!("`{other}`: expected text or json"),
            );
            false
        }
    };
    let tls = match &s.tls {
        Some(t) => match server_tls(t, &base) {
            Ok(tls) if s.http2 => Some(Arc::new(tls.offering_h2())),
            Ok(tls) => Some(Arc::new(tls)),
            Err(ps) => {
                ps.into_iter()
                    .for_each(|(p, m)| bad(format!("server.tls.{p}"), m));
                None
            }
        },
        None => None,
    };
    let listener = ListenerSettings::from_config(s).unwrap_or_else(|ps| {
        ps.into_iter()
            .for_each(|(p, m)| bad(format!("server.{p}"), m));
        ListenerSettings::default()
    });
    let mut backends = Vec::new();
    for (i, table) in config.backends.iter().enumerate() {
        let at = format!("backend[{i}]");
        let name = table.get("name").and_then(toml::Value::as_str);
        if let Some(name) = name.filter(|&n| config.backend_index(n) != Some(i)) {
            bad(
                format!("{at}.name"),
                format!("`{name}` is used by an earlier backend"),
            );
        }
        match BackendConfig::from_table(table.clone()).and_then(|b| backend(&b, &base)) {
            Ok(spec) => backends.push(Arc::new(spec)),
            Err(ps) => ps.into_iter().for_each(|(p, m)| bad(joined(&at, &p), m)),
        }
    }
    let telemetry = match config.telemetry.as_ref().map(|t| t.validate(&base)) {
        Some(Ok(t)) => t,
        Some(Err(ps)) => {
            ps.into_iter()
                .for_each(|(p, m)| bad(format!("telemetry.{p}"), m));
            None
        }
        None => None,
    };
    let mut security_problems = Vec::new();
    let security = security::server(config, &base, &mut security_problems);
    problems.append(&mut security_problems);
    let mut bad = |path: String, message: String| problems.push(Problem { path, message });
    let inbound = super::inbound::validate(&config.listeners, &config.inbound, &base, &mut bad);
    let mut routes = Vec::new();
    for (i, r) in config.routes.iter().enumerate() {
        let at = format!("route[{i}]");
        if config.routes[..i]
            .iter()
            .any(|o| o.path == r.path && o.method.eq_ignore_ascii_case(&r.method))
        {
            bad(
                at.clone(),
                format!("{} {} is defined twice", r.method, r.path),
            );
        }
        // The backend's codec, to encode `set` constants as calls will (None: its own
        // problems are reported above).
        let checked_backend = backends.iter().find(|b| b.name == r.backend);
        let codec = checked_backend.map(|b| b.codec);
        match route(r, &base, config, codec, checked_backend.map(|b| &b.kind)) {
            Ok(spec) => routes.push(Arc::new(spec)),
            Err(ps) => ps.into_iter().for_each(|(p, m)| {
                bad(
                    if p.is_empty() {
                        at.clone()
                    } else {
                        format!("{at}.{p}")
                    },
                    m,
                )
            }),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Gateway {
        listen: s.listen.clone(),
        max_body_bytes: s.max_body_bytes,
        shutdown_grace: Duration::from_millis(s.shutdown_grace_ms),
        json_logs,
        tls,
        listener,
        backends,
        routes,
        source: source.to_path_buf(),
        security,
        docs: s.docs,
        threads: s.threads.resolve(),
        admin_listen: s.admin_listen.clone(),
        inbound: Arc::new(inbound),
        telemetry,
    })
}

/// The most `server.threads`: far past any core count, short of a thread bomb.
const MAX_THREADS: usize = 1024;

type Problems = Vec<(String, String)>;

/// `at.key`, or `at` alone for a problem with the whole table.
pub(super) fn joined(at: &str, key: &str) -> String {
    if key.is_empty() {
        at.to_string()
    } else {
        format!("{at}.{key}")
    }
}

fn backend(b: &BackendConfig, base: &Path) -> Result<BackendSpec, Problems> {
    let mut ps: Problems = Vec::new();
    let wire = b.wire.validate(b.kind.default_framing(), &mut ps);
    let kind = b.kind.validate(base).map_err(|e| ps.extend(e)).ok();
    let c = &b.common;
    if c.max_sessions == 0 {
        ps.push(("max_sessions".into(), "must be at least 1".into()));
    }
    for (key, v) in [
        ("timeout_ms", c.timeout_ms),
        ("connect_timeout_ms", c.connect_timeout_ms),
    ] {
        if v == 0 {
            ps.push((key.into(), "must be more than 0".into()));
        }
    }
    let breaker = c.breaker.as_ref().and_then(|b| b.validate(&mut ps));
    match (wire, kind) {
        (Some(wire), Some(kind)) if ps.is_empty() => Ok(BackendSpec {
            name: c.name.clone(),
            kind,
            framing: wire.framing,
            codec: wire.codec,
            max_sessions: c.max_sessions,
            max_queue: c.max_queue,
            queue_timeout: Duration::from_millis(c.queue_timeout_ms),
            timeout: Duration::from_millis(c.timeout_ms),
            connect_timeout: Duration::from_millis(c.connect_timeout_ms),
            breaker,
        }),
        _ => Err(ps),
    }
}

pub(super) fn server_tls(t: &ServerTlsConfig, base: &Path) -> Result<ServerTls, Problems> {
    let mut ps: Problems = Vec::new();
    let client_auth = match t.client_auth.as_str() {
        "none" => ClientAuth::None,
        "optional" => ClientAuth::Optional,
        "required" => ClientAuth::Required,
        other => {
            ps.push((
                "client_auth".into(),
                format!("`{other}`: expected none, optional or required"),
            ));
            ClientAuth::None
        }
    };
    let client_ca = t.client_ca.as_ref().map(|p| base.join(p));
    match (client_auth, &client_ca) {
        (ClientAuth::None, Some(_)) => ps.push((
            "client_ca".into(),
            "set, but client_auth = \"none\" never asks for a client certificate".into(),
        )),
        (ClientAuth::Optional | ClientAuth::Required, None) => ps.push((
            "client_ca".into(),
            "required when client_auth is optional or required".into(),
        )),
        _ => {}
    }
    if t.handshake_timeout_ms == 0 {
        ps.push(("handshake_timeout_ms".into(), "must be more than 0".into()));
    }
    if !ps.is_empty() {
        return Err(ps);
    }
    ServerTls::load(
        &base.join(&t.cert),
        &base.join(&t.key),
        client_ca.as_deref(),
        client_auth,
        Duration::from_millis(t.handshake_timeout_ms),
    )
    .map_err(|(key, m)| vec![(key.into(), m)])
}

/// `codec`: the backend's, when it is valid (its dialect sizes pointer items).
pub(super) fn load_layout(
    r: &LayoutRef,
    base: &Path,
    codec: Option<CodecOptions>,
) -> Result<Layout, String> {
    let path = base.join(&r.copybook);
    let source = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let name = path.display().to_string();
    let mut opts = r.load_options()?;
    opts.include = r.include.iter().map(|d| base.join(d)).collect();
    if let Some(c) = codec {
        opts.dialect = c.dialect;
    }
    registry::load(&source, &name, None, &opts).map_err(|e| e.rendered)
}

fn split(path: &str) -> Vec<String> {
    path.split('.').map(str::to_string).collect()
}

/// The field at a dotted JSON path, if the path names one.
fn field_at<'l>(layout: &'l Layout, path: &[String]) -> Option<&'l ferrule_parsers::layout::Field> {
    layout.field_by_json_path(path)
}

/// A route's `ims`/`cics` table against its backend's protocol; problems at `ims.*`/`cics.*`.
fn route_envelope(r: &RouteConfig, kind: &BackendKind, ps: &mut Problems) -> RouteEnvelope {
    use crate::connector::protocol::TcpProtocol;
    let protocol = match kind {
        BackendKind::TcpProtocol { protocol, .. } => Some(&**protocol),
        _ => None,
    };
    let only = |name: &str| format!("only on a route whose backend has protocol = \"{name}\"");
    let mut envelope = RouteEnvelope::Backend;
    match (&r.ims, protocol) {
        (Some(ims), Some(TcpProtocol::Ims(s))) => {
            if let Some(e) = ims.validate(s, ps) {
                envelope = RouteEnvelope::Fixed(e);
            }
        }
        (Some(_), _) => ps.push(("ims".into(), only("ims-connect"))),
        (None, _) => {}
    }
    match (&r.cics, protocol) {
        (Some(cics), Some(TcpProtocol::Cics(s))) => {
            if let Some(e) = cics.validate(s, ps) {
                envelope = e;
            }
        }
        (Some(_), _) => ps.push(("cics".into(), only("cics-listener"))),
        (None, _) => {}
    }
    envelope
}

/// `kind`: the route's backend, checked (None when it is missing or has problems of its own).
fn route(
    r: &RouteConfig,
    base: &Path,
    config: &Config,
    codec: Option<CodecOptions>,
    kind: Option<&BackendKind>,
) -> Result<RouteSpec, Problems> {
    let mut ps: Problems = Vec::new();
    let envelope = kind
        .map(|k| route_envelope(r, k, &mut ps))
        .unwrap_or_default();
    let method = r.method.to_ascii_uppercase();
    if !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method.as_str()) {
        ps.push((
            "method".into(),
            format!("`{}`: expected GET, POST, PUT, PATCH or DELETE", r.method),
        ));
    }
    if !r.path.starts_with('/') {
        ps.push(("path".into(), format!("`{}` must start with /", r.path)));
    }
    let path_params: Vec<String> = r
        .path
        .split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(str::to_string)
        .collect();
    let backend = config.backend_index(&r.backend);
    if backend.is_none() {
        ps.push((
            "backend".into(),
            format!("no backend named `{}`", r.backend),
        ));
    }
    let request = load_layout(&r.request, base, codec)
        .map_err(|e| ps.push(("request.copybook".into(), e)))
        .ok();
    let response = load_layout(&r.response, base, codec)
        .map_err(|e| ps.push(("response.copybook".into(), e)))
        .ok();
    let mut set = Vec::new();
    for (field, value) in &r.set {
        let path = split(field);
        if let Some(l) = &request {
            match field_at(l, &path) {
                Some(f) if matches!(f.kind, FieldKind::Item(_)) && f.occurs.is_none() => {
                    // A constant that cannot be encoded fails every call: refuse it here.
                    if let (Ok(Template::Const(text)), Some(codec)) =
                        (Template::parse(value), codec)
                    {
                        if let Err(m) = constant::fits(l, codec, &path, &text) {
                            ps.push((format!("set.{field}"), m));
                        }
                    }
                }
                Some(_) => ps.push((
                    format!("set.{field}"),
                    "must name an elementary, non-repeating field".into(),
                )),
                None => ps.push((
                    format!("set.{field}"),
                    format!("no field `{field}` in the request layout"),
                )),
            }
        }
        match Template::parse(value) {
            Ok(t) => set.push((path, t)),
            Err(e) => ps.push((format!("set.{field}"), e)),
        }
    }
    if let (Some(l), Some(codec)) = (&request, codec) {
        example_problems(r, &path_params, &set, &envelope, l, codec, &mut ps);
    }
    let status = r.status.as_ref().map(|s| {
        let field = split(&s.field);
        if let Some(l) = &response {
            if !field_at(l, &field).is_some_and(|f| matches!(f.kind, FieldKind::Item(_))) {
                ps.push((
                    "status.field".into(),
                    format!("no elementary field `{}` in the response layout", s.field),
                ));
            }
        }
        let mut map = BTreeMap::new();
        let mut default = None;
        for (k, &v) in &s.map {
            if !(100..=599).contains(&v) {
                ps.push((
                    format!("status.map.{k}"),
                    format!("{v} is not an HTTP status"),
                ));
            }
            if k == "*" {
                default = Some(v);
            } else {
                map.insert(k.trim().to_string(), v);
            }
        }
        let detail = s.detail_field.as_ref().map(|d| {
            let path = split(d);
            if let Some(l) = &response {
                let ok = field_at(l, &path)
                    .is_some_and(|f| matches!(f.kind, FieldKind::Item(_)) && f.occurs.is_none());
                if !ok {
                    ps.push((
                        "status.detail_field".into(),
                        format!("no elementary, non-repeating field `{d}` in the response layout"),
                    ));
                }
            }
            path
        });
        StatusSpec {
            field,
            map,
            default,
            detail,
        }
    });
    let mut check_response_path = |key: String, p: &str| {
        if let Some(l) = &response {
            if field_at(l, &split(p)).is_none() {
                ps.push((key, format!("no field `{p}` in the response layout")));
            }
        }
    };
    for (i, o) in r.omit.iter().enumerate() {
        check_response_path(format!("omit[{i}]"), o);
    }
    for k in r.rename.keys() {
        check_response_path(format!("rename.{k}"), k);
    }
    let exists = |l: &Layout, p: &[String]| field_at(l, p).is_some();
    let secured = security::route(r, config, request.as_ref(), &exists)
        .map_err(|mut e| ps.append(&mut e))
        .ok();
    if !ps.is_empty() {
        return Err(ps);
    }
    let (Some(request), Some(response), Some(backend), Some((policy, audit_keys))) =
        (request, response, backend, secured)
    else {
        return Err(vec![(String::new(), "incomplete route".into())]);
    };
    Ok(RouteSpec {
        method,
        path: r.path.clone(),
        backend,
        request: Arc::new(request),
        response: Arc::new(response),
        set,
        path_params,
        status,
        omit: r.omit.iter().map(|o| split(o)).collect(),
        rename: r
            .rename
            .iter()
            .map(|(k, v)| (split(k), v.clone()))
            .collect(),
        policy,
        audit_keys,
        examples: r.examples.clone(),
        drop_empty_occurs: r.drop_empty_occurs,
        envelope,
    })
}

/// `examples`: each names a parameter of the route, and fills every field it goes
/// into (with the other parameters' examples) the way a call with it would.
fn example_problems(
    r: &RouteConfig,
    path_params: &[String],
    set: &[(Vec<String>, Template)],
    envelope: &RouteEnvelope,
    request: &Layout,
    codec: CodecOptions,
    ps: &mut Problems,
) {
    for name in r.examples.keys() {
        let used = path_params.iter().any(|p| p == name)
            || set.iter().any(|(_, t)| t.params().contains(&name.as_str()))
            || envelope.params().contains(&name.as_str());
        if !used {
            ps.push((
                format!("examples.{name}"),
                format!("`{name}` is not a parameter of this route"),
            ));
        }
    }
    let lookup = |p: &str| r.examples.get(p).cloned();
    for (field, template) in set {
        if template.params().is_empty() {
            continue;
        }
        let Ok(text) = template.render(&lookup) else {
            continue; // a parameter without an example: nothing to check
        };
        if let Err(m) = constant::fits(request, codec, field, &text) {
            let name = template.params().first().copied().unwrap_or_default();
            ps.push((
                format!("examples.{name}"),
                format!("into {}: {m}", field.join(".")),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_split_text_and_parameters() {
        assert_eq!(Template::parse("VEHQ"), Ok(Template::Const("VEHQ".into())));
        assert_eq!(Template::parse("{vrm}"), Ok(Template::Param("vrm".into())));
        let t = Template::parse("REF-{id}-X").expect("parses");
        let lookup = |p: &str| (p == "id").then(|| "42".to_string());
        assert_eq!(t.render(&lookup), Ok("REF-42-X".into()));
        // A parameter the request lacks is named.
        assert_eq!(
            Template::parse("{nope}").expect("parses").render(&lookup),
            Err("nope".into())
        );
        // The parameters read, and whether the value is one parameter whole.
        assert_eq!(t.params(), ["id"]);
        assert_eq!(t.whole_param(), None);
        assert_eq!(
            Template::parse("{vrm}").expect("parses").whole_param(),
            Some("vrm")
        );
        assert!(Template::parse("VEHQ").expect("parses").params().is_empty());
        assert!(Template::parse("{unclosed").is_err());
        assert!(Template::parse("{bad name}").is_err());
    }

    #[test]
    fn framing_defaults_by_backend_kind() {
        // No `framing` key: tcp cuts records with a length prefix; exec passes the plain
        // record on its pipes. A key given is used whatever the kind.
        let text = r#"
            [server]
            [[backend]]
            name = "host"
            kind = "tcp"
            address = "127.0.0.1:7001"
            [[backend]]
            name = "batch"
            kind = "exec"
            command = "/bin/cat"
            [[backend]]
            name = "framed"
            kind = "exec"
            command = "/bin/cat"
            framing = "len4"
        "#;
        let g = load_str(text, Path::new("ferrule.toml")).expect("valid");
        let framings: Vec<_> = g.backends.iter().map(|b| b.framing).collect();
        assert_eq!(
            framings,
            [
                BackendFraming::Len4,
                BackendFraming::Fixed,
                BackendFraming::Len4
            ]
        );
        // A bad name is still a problem at its key.
        let bad = text.replace("\"len4\"", "\"len9\"");
        let ps = load_str(&bad, Path::new("ferrule.toml")).expect_err("invalid");
        assert!(ps.iter().any(|p| p.path.ends_with("framing")), "{ps:?}");
    }

    #[test]
    fn a_backends_dialect_sizes_pointer_items_in_its_routes_layouts() {
        // USAGE POINTER: 4 bytes for an IBM (31-bit) host, 8 for GnuCOBOL on 64-bit.
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("p.cpy"),
            "       01 R.\n           05 A POINTER.\n           05 B PIC X.\n",
        )
        .expect("copybook written");
        for (dialect, len) in [("ibm", 5), ("gnucobol", 9)] {
            let text = format!(
                "[server]\n[[backend]]\nname = \"host\"\nkind = \"tcp\"\n\
                 address = \"127.0.0.1:7001\"\ndialect = \"{dialect}\"\n\
                 [[route]]\nmethod = \"POST\"\npath = \"/p\"\nbackend = \"host\"\n\
                 request = {{ copybook = \"p.cpy\" }}\nresponse = {{ copybook = \"p.cpy\" }}\n"
            );
            let g = match load_str(&text, &dir.path().join("ferrule.toml")) {
                Ok(g) => g,
                Err(ps) => panic!("{ps:?}"),
            };
            assert_eq!(g.routes[0].request.max_len(), len, "{dialect}");
            assert_eq!(g.routes[0].response.max_len(), len, "{dialect}");
        }
    }
}
