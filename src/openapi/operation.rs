//! One route as an OpenAPI operation: its id, summary, parameters (from `set`), request
//! body, responses and security.
//!
//! Parameters follow the handler: a `{name}` in `set` is a path parameter when the path
//! has that segment, else a query parameter, and a missing one is a 400, so both are
//! required. A parameter that is a field's whole value takes that field's schema from
//! the request record; one mixed with text is a string. Every `set` field (constant or
//! parameter) is written over the body after it is read, so those fields are not part
//! of the body's schema.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::problem::reference;
use super::responses::{responses, Setting};
use super::schema::{layout_field, record_schema_of, SchemaDirection};
use super::security::Schemes;
use super::sensitive::make_optional;
use super::text::{repertoire_pattern, restrict_text};
use crate::auth::PurposeRule;
use crate::config::{BackendSpec, RouteSpec};
use crate::connector::BackendFraming;
use ferrule_parsers::json::{view_schema, View};

/// What the operations of one document share.
pub struct Shared<'a> {
    /// `None`: no `[auth]`.
    pub schemes: Option<Schemes>,
    pub audit: bool,
    /// Rate limits live in a shared store (`[server.rate_limits] store = "redis"`).
    pub shared_limits: bool,
    pub max_body_bytes: usize,
    /// Operation ids given so far (each must be unique).
    pub ids: &'a mut BTreeSet<String>,
    /// `components.schemas`, which the operation adds its records to.
    pub schemas: &'a mut Map<String, Value>,
}

/// The operation object for `spec`.
pub fn operation(spec: &RouteSpec, backend: &BackendSpec, shared: &mut Shared<'_>) -> Value {
    let id = unique(operation_id(&spec.method, &spec.path), shared.ids);
    let type_name = capitalised(&id);
    let codec = &backend.codec;
    let short_answers = !matches!(backend.framing, BackendFraming::Fixed);
    let mut request = record_schema_of(&spec.request, SchemaDirection::Encode, codec, false, false);
    // Text the backend's code page cannot write is refused (400): say which text fits.
    let text = repertoire_pattern(&codec.codepage);
    if let Some(pattern) = &text {
        restrict_text(&mut request, pattern);
    }
    let response = response_schema(
        record_schema_of(
            &spec.response,
            SchemaDirection::Decode,
            codec,
            short_answers,
            spec.drop_empty_occurs,
        ),
        spec,
    );
    let response_name = format!("{type_name}Response");
    shared.schemas.insert(response_name.clone(), response);

    let mut op = Map::new();
    op.insert("operationId".into(), json!(id));
    op.insert("tags".into(), json!([backend.name]));
    op.insert(
        "summary".into(),
        json!(format!(
            "{} -> {} on backend `{}`",
            spec.request.name, spec.response.name, backend.name
        )),
    );
    op.insert("description".into(), json!(description(spec, backend)));
    let parameters = parameters(spec, &request, text.as_deref());
    if !parameters.is_empty() {
        op.insert("parameters".into(), Value::Array(parameters));
    }
    if matches!(spec.method.as_str(), "POST" | "PUT" | "PATCH") {
        let request_name = format!("{type_name}Request");
        shared
            .schemas
            .insert(request_name.clone(), body_schema(request, spec));
        op.insert(
            "requestBody".into(),
            json!({
                "description": format!(
                    "Record `{}` as JSON. An empty body is `{{}}`; fields left out take \
                     their VALUE clause, or blanks and zeros.",
                    spec.request.name
                ),
                "required": false,
                "content": {
                    "application/json": {"schema": reference("schemas", &request_name)}
                }
            }),
        );
    }
    let setting = Setting {
        backend,
        auth: shared.schemes.is_some(),
        audit: shared.audit,
        shared_limits: shared.shared_limits,
        max_body_bytes: shared.max_body_bytes,
        record: reference("schemas", &response_name),
    };
    op.insert("responses".into(), responses(spec, &setting));
    if let Some(security) = shared
        .schemes
        .as_ref()
        .and_then(|s| s.requirement(&spec.policy))
    {
        op.insert("security".into(), security);
    }
    Value::Object(op)
}

/// The response record as the client gets it: the route's omit and rename applied, and
/// sensitive fields optional (removed for callers without their scope).
fn response_schema(mut record: Value, spec: &RouteSpec) -> Value {
    let view = View {
        omit: spec.omit.clone(),
        rename: spec.rename.clone(),
        ..View::default()
    };
    view.edit_schema(&mut record);
    // Sensitive paths name fields as the client sees them, after omit and rename.
    for field in &spec.policy.sensitive {
        make_optional(&mut record, &field.path, &field.scope);
    }
    record
}

/// The request body: the request record without the fields `set` writes over it.
fn body_schema(mut record: Value, spec: &RouteSpec) -> Value {
    let set = View {
        omit: spec.set.iter().map(|(field, _)| field.clone()).collect(),
        ..View::default()
    };
    set.edit_schema(&mut record);
    record
}

/// A stable id from method and path: `GET /v1/vehicles/{vrm}` -> `getV1VehiclesByVrm`.
pub fn operation_id(method: &str, path: &str) -> String {
    let mut id = method.to_ascii_lowercase();
    let mut words = 0;
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let (param, text) = match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => (true, name),
            None => (false, segment),
        };
        if param {
            id.push_str("By");
        }
        for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
            if !word.is_empty() {
                id.push_str(&capitalised(word));
                words += 1;
            }
        }
    }
    if words == 0 {
        id.push_str("Root");
    }
    id
}

/// `id`, or `id2`, `id3`... when taken; recorded as taken.
fn unique(id: String, taken: &mut BTreeSet<String>) -> String {
    let mut candidate = id.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{id}{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// Path parameters in path order, then query parameters in `set` order.
fn parameters(spec: &RouteSpec, request: &Value, text: Option<&str>) -> Vec<Value> {
    let mut names: Vec<(&str, bool)> = spec
        .path_params
        .iter()
        .map(|p| (p.as_str(), true))
        .collect();
    let set_params = spec.set.iter().flat_map(|(_, t)| t.params());
    for p in set_params.chain(spec.envelope.params()) {
        if !names.iter().any(|(n, _)| *n == p) {
            names.push((p, false));
        }
    }
    let mut out: Vec<Value> = names
        .into_iter()
        .map(|(name, in_path)| parameter(spec, request, name, in_path, text))
        .collect();
    if let PurposeRule::Required { allowed } = &spec.policy.purpose {
        let schema = match allowed {
            Some(codes) => json!({"type": "string", "enum": codes}),
            None => json!({"type": "string", "pattern": "^[A-Za-z0-9._:/-]{1,64}$"}),
        };
        out.push(json!({
            "name": "X-Purpose",
            "in": "header",
            "required": true,
            "description": "Why the caller asks (recorded in the audit log).",
            "schema": schema
        }));
    }
    out
}

fn parameter(
    spec: &RouteSpec,
    request: &Value,
    name: &str,
    in_path: bool,
    text: Option<&str>,
) -> Value {
    let mut fills = Vec::new();
    let mut schema = None;
    for (field, template) in &spec.set {
        if !template.params().contains(&name) {
            continue;
        }
        let dotted = field.join(".");
        let cobol = layout_field(&spec.request, field).map_or("", |f| f.name.as_str());
        fills.push(format!("`{dotted}` ({cobol})"));
        if schema.is_none() && template.whole_param() == Some(name) {
            schema = view_schema::field(request, field).cloned();
        }
    }
    let to_envelope = spec.envelope.params().contains(&name);
    if to_envelope && schema.is_none() {
        let most = spec.envelope.max_client_data().unwrap_or_default();
        schema = Some(json!({"type": "string", "maxLength": most}));
    }
    let mut schema = schema.unwrap_or_else(|| json!({"type": "string"}));
    let is_text = schema["type"] == "string";
    if let (Value::Object(s), true) = (&mut schema, is_text) {
        // A path segment is never empty: an empty value would name another path.
        if in_path {
            s.entry("minLength").or_insert(json!(1));
        }
        // The value goes into a record field (whole or with text around it): only
        // characters the code page can write fit.
        let free = s.contains_key("pattern")
            || s.contains_key("enum")
            || (fills.is_empty() && !to_envelope);
        if let (Some(p), false) = (text, free) {
            s.insert("pattern".into(), json!(p));
        }
    }
    let mut filled = Vec::new();
    if !fills.is_empty() {
        filled.push(format!("request field {}", fills.join(", ")));
    }
    if to_envelope {
        filled.push("the CICS listener's client data".to_string());
    }
    let description = if filled.is_empty() {
        "A path segment; not sent to the host.".to_string()
    } else {
        format!("Fills {}.", filled.join(" and "))
    };
    let mut param = json!({
        "name": name,
        "in": if in_path { "path" } else { "query" },
        "required": true,
        "description": description,
        "schema": schema
    });
    if let (Some(example), Value::Object(p)) = (spec.examples.get(name), &mut param) {
        p.insert("example".into(), example_value(example, &schema));
    }
    param
}

/// A config example as the parameter's schema types it: a number for a numeric field
/// (the URL carries text either way), else the text.
fn example_value(example: &str, schema: &Value) -> Value {
    let numeric = matches!(schema["type"].as_str(), Some("integer" | "number"));
    match serde_json::from_str::<serde_json::Number>(example) {
        Ok(n) if numeric => Value::Number(n),
        _ => Value::String(example.to_string()),
    }
}

/// What the operation does, in a few lines of Markdown.
fn description(spec: &RouteSpec, backend: &BackendSpec) -> String {
    let mut lines = vec![format!(
        "Sends record `{}` ({} bytes) to backend `{}` and answers with record `{}` \
         ({} bytes) as JSON.",
        spec.request.name,
        spec.request.max_len(),
        backend.name,
        spec.response.name,
        spec.response.max_len()
    )];
    let filled: Vec<String> = spec
        .set
        .iter()
        .filter(|(_, t)| t.params().is_empty())
        .map(|(f, _)| format!("`{}`", f.join(".")))
        .collect();
    if !filled.is_empty() {
        lines.push(format!("Filled in by the gateway: {}.", filled.join(", ")));
    }
    if let PurposeRule::Required { .. } = spec.policy.purpose {
        lines.push("Callers state their purpose in `X-Purpose`.".into());
    }
    if !spec.policy.sensitive.is_empty() {
        let list: Vec<String> = spec
            .policy
            .sensitive
            .iter()
            .map(|s| format!("`{}` (scope `{}`)", s.path.join("."), s.scope))
            .collect();
        lines.push(format!(
            "Sent only to callers holding the scope: {}.",
            list.join(", ")
        ));
    }
    lines.join("\n\n")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;
    use crate::auth::{AuthConfig, RouteAuthConfig, RoutePolicy};
    use crate::config::{BackendKind, Template};

    #[test]
    fn ids_come_from_method_and_path() {
        assert_eq!(
            operation_id("GET", "/v1/vehicles/{vrm}"),
            "getV1VehiclesByVrm"
        );
        assert_eq!(operation_id("POST", "/v1/incidents"), "postV1Incidents");
        assert_eq!(
            operation_id("DELETE", "/v1/custody-records/{record_id}"),
            "deleteV1CustodyRecordsByRecordId"
        );
        // The root path, and a path of separators only, still get a word.
        assert_eq!(operation_id("GET", "/"), "getRoot");
        assert_eq!(operation_id("GET", "/-/"), "getRoot");
        // A clash gets a number.
        let mut taken = BTreeSet::new();
        assert_eq!(unique("getA".into(), &mut taken), "getA");
        assert_eq!(unique("getA".into(), &mut taken), "getA2");
        assert_eq!(unique("getA".into(), &mut taken), "getA3");
    }

    fn load(src: &str) -> Arc<ferrule_parsers::layout::Layout> {
        Arc::new(ferrule_parsers::registry::load(src, "t.cpy", None, &Default::default()).unwrap())
    }

    fn route(method: &str, path: &str, set: &[(&str, &str)]) -> RouteSpec {
        RouteSpec {
            method: method.into(),
            path: path.into(),
            backend: 0,
            request: load(
                "       01 VEHENQ-REQ.\n           05 TRAN-CODE PIC X(4).\n           05 VRM PIC X(8).\n           05 REF PIC X(12).\n           05 DOB PIC 9(8).\n",
            ),
            response: load("       01 VEHENQ-RSP.\n           05 RC PIC 99.\n"),
            set: set
                .iter()
                .map(|(f, t)| (f.split('.').map(str::to_string).collect(), Template::parse(t).unwrap()))
                .collect(),
            path_params: path
                .split('/')
                .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                .map(str::to_string)
                .collect(),
            status: None,
            omit: vec![],
            rename: vec![],
            policy: Arc::new(RoutePolicy::open()),
            audit_keys: vec![],
            examples: Default::default(),
            drop_empty_occurs: false,
            envelope: Default::default(),
        }
    }

    /// The request record's schema as the records crate writes it.
    fn request_schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "tran_code": {"type": "string", "maxLength": 4},
                "vrm": {"type": "string", "maxLength": 8},
                "ref": {"type": "string", "maxLength": 12},
                "dob": {"type": "integer", "minimum": 0, "maximum": 99999999}
            },
            "required": ["tran_code", "vrm"],
            "additionalProperties": false
        })
    }

    #[test]
    fn set_templates_become_path_and_query_parameters() {
        // vrm from the path, dob from the query, ref mixes text and the path's vrm, and
        // tran_code is a constant: not a parameter.
        let spec = route(
            "GET",
            "/v1/vehicles/{vrm}",
            &[
                ("tran_code", "VEHQ"),
                ("vrm", "{vrm}"),
                ("dob", "{dob}"),
                ("ref", "R-{vrm}"),
            ],
        );
        let ps = parameters(&spec, &request_schema(), None);
        let names: Vec<(&str, &str)> = ps
            .iter()
            .map(|p| (p["name"].as_str().unwrap(), p["in"].as_str().unwrap()))
            .collect();
        assert_eq!(names, [("vrm", "path"), ("dob", "query")]);
        assert!(ps.iter().all(|p| p["required"] == true));
        // Whole-value parameters take their field's schema; path strings are never empty.
        assert_eq!(
            ps[0]["schema"],
            json!({"type": "string", "maxLength": 8, "minLength": 1})
        );
        assert_eq!(
            ps[1]["schema"],
            json!({"type": "integer", "minimum": 0, "maximum": 99999999})
        );
        assert_eq!(
            ps[0]["description"],
            "Fills request field `vrm` (VRM), `ref` (REF)."
        );
    }

    #[test]
    fn cics_client_data_parameters_are_query_parameters_with_the_listener_limit() {
        use crate::connector::envelope::RouteEnvelope;
        use crate::connector::protocol::cics::CicsSettings;
        use ferrule_parsers::protocol::HeaderEncoding;
        let mut spec = route("GET", "/v1/vehicles/{vrm}", &[("vrm", "{vrm}")]);
        spec.envelope = RouteEnvelope::CicsData {
            tranid: None,
            client_data: Template::parse("REF={ref},{vrm}").unwrap(),
            backend: Arc::new(CicsSettings {
                enhanced: false,
                prefix: Vec::new(),
                encoding: HeaderEncoding::Ebcdic,
                tranid: "VEHQ".into(),
                client_data: String::new(),
                msglen: 35,
                page: ferrule_parsers::codepage::CodePage::by_name("cp037").unwrap(),
            }),
        };
        let ps = parameters(&spec, &request_schema(), None);
        let names: Vec<(&str, &str)> = ps
            .iter()
            .map(|p| (p["name"].as_str().unwrap(), p["in"].as_str().unwrap()))
            .collect();
        assert_eq!(names, [("vrm", "path"), ("ref", "query")]);
        assert_eq!(ps[1]["schema"], json!({"type": "string", "maxLength": 35}));
        assert_eq!(
            ps[1]["description"],
            "Fills the CICS listener's client data."
        );
        assert_eq!(
            ps[0]["description"],
            "Fills request field `vrm` (VRM) and the CICS listener's client data."
        );
    }

    #[test]
    fn parameters_without_a_field_schema_are_strings() {
        // The placeholder schema knows no fields; a path segment `set` does not use.
        let spec = route("GET", "/v1/{area}/x", &[("ref", "R-{id}")]);
        let ps = parameters(&spec, &json!({"type": "object"}), Some("^[a]*$"));
        assert_eq!(ps[0]["name"], "area");
        // Not sent to the host: any text; `id` goes into a record field: the repertoire.
        assert_eq!(ps[0]["schema"], json!({"type": "string", "minLength": 1}));
        assert_eq!(
            ps[0]["description"],
            "A path segment; not sent to the host."
        );
        assert_eq!(ps[1]["name"], "id");
        assert_eq!(ps[1]["in"], "query");
        assert_eq!(
            ps[1]["schema"],
            json!({"type": "string", "pattern": "^[a]*$"})
        );
    }

    #[test]
    fn a_required_purpose_is_a_header_parameter() {
        let server = AuthConfig::default();
        let mut spec = route("GET", "/x", &[]);
        let with_codes = RouteAuthConfig {
            require_purpose: true,
            purposes: vec!["TRAFFIC".into(), "CRIME".into()],
            ..RouteAuthConfig::default()
        };
        spec.policy = Arc::new(RoutePolicy::from_config(&with_codes, &server, "auth").unwrap());
        let ps = parameters(&spec, &request_schema(), None);
        assert_eq!(ps[0]["name"], "X-Purpose");
        assert_eq!(ps[0]["in"], "header");
        assert_eq!(ps[0]["schema"]["enum"], json!(["CRIME", "TRAFFIC"]));
        // Any code: the pattern the gateway checks.
        let any = RouteAuthConfig {
            require_purpose: true,
            ..RouteAuthConfig::default()
        };
        spec.policy = Arc::new(RoutePolicy::from_config(&any, &server, "auth").unwrap());
        let ps = parameters(&spec, &request_schema(), None);
        assert!(ps[0]["schema"]["pattern"].is_string());
        // Not required: no header parameter.
        spec.policy = Arc::new(RoutePolicy::open());
        assert!(parameters(&spec, &request_schema(), None).is_empty());
    }

    fn backend() -> BackendSpec {
        BackendSpec {
            name: "vehicles".into(),
            kind: BackendKind::Tcp {
                address: "127.0.0.1:1".into(),
            },
            framing: crate::connector::BackendFraming::Len4,
            codec: Default::default(),
            max_sessions: 1,
            max_queue: 0,
            queue_timeout: Duration::ZERO,
            timeout: Duration::from_secs(2),
            connect_timeout: Duration::from_secs(1),
            breaker: None,
        }
    }

    fn build(spec: &RouteSpec, schemes: Option<Schemes>) -> (Value, Map<String, Value>) {
        let mut ids = BTreeSet::new();
        let mut schemas = Map::new();
        let mut shared = Shared {
            schemes,
            audit: false,
            shared_limits: false,
            max_body_bytes: 100,
            ids: &mut ids,
            schemas: &mut schemas,
        };
        let op = operation(spec, &backend(), &mut shared);
        (op, schemas)
    }

    #[test]
    fn bodies_only_for_methods_that_carry_one() {
        // POST: a body schema of its own; GET: none. Both get a response schema.
        let (post, schemas) = build(
            &route("POST", "/v1/incidents", &[("tran_code", "INCL")]),
            None,
        );
        assert_eq!(
            post["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/PostV1IncidentsRequest"
        );
        assert_eq!(post["requestBody"]["required"], false);
        assert!(schemas.contains_key("PostV1IncidentsResponse"));
        assert!(post.get("security").is_none());
        assert!(post.get("parameters").is_none());
        assert_eq!(post["tags"], json!(["vehicles"]));
        assert_eq!(
            post["summary"],
            "VEHENQ-REQ -> VEHENQ-RSP on backend `vehicles`"
        );
        assert!(post["description"]
            .as_str()
            .unwrap()
            .contains("Filled in by the gateway: `tran_code`."));
        let (get, schemas) = build(
            &route("GET", "/v1/vehicles/{vrm}", &[("vrm", "{vrm}")]),
            None,
        );
        assert!(get.get("requestBody").is_none());
        assert_eq!(schemas.len(), 1);
        assert_eq!(get["operationId"], "getV1VehiclesByVrm");
    }

    #[test]
    fn set_fields_leave_the_body_and_the_view_shapes_the_answer() {
        // Constants and parameters alike are written over the body: not in its schema.
        let spec = route(
            "POST",
            "/v1/{vrm}",
            &[("tran_code", "VEHQ"), ("vrm", "{vrm}")],
        );
        let body = body_schema(request_schema(), &spec);
        let props: Vec<&String> = body["properties"].as_object().unwrap().keys().collect();
        assert_eq!(props, ["ref", "dob"]);
        assert!(body.get("required").is_none());
        // Omit, rename, then sensitive (named after the rename) made optional.
        let mut spec = spec;
        spec.omit = vec![vec!["rc".into()]];
        spec.rename = vec![(vec!["name".into()], "keeper".into())];
        let mut policy = RoutePolicy::open();
        policy.sensitive.push(crate::auth::SensitiveField {
            path: vec!["keeper".into()],
            scope: "keeper:read".into(),
        });
        spec.policy = Arc::new(policy);
        let record = json!({
            "type": "object",
            "properties": {"rc": {"type": "integer"}, "name": {"type": "string"}, "vrm": {"type": "string"}},
            "required": ["rc", "name", "vrm"]
        });
        let answer = response_schema(record, &spec);
        let props: Vec<&String> = answer["properties"].as_object().unwrap().keys().collect();
        assert_eq!(props, ["keeper", "vrm"]);
        assert_eq!(answer["required"], json!(["vrm"]));
        assert!(answer["properties"]["keeper"]["description"]
            .as_str()
            .unwrap()
            .contains("keeper:read"));
    }

    #[test]
    fn operations_carry_security_when_auth_is_configured() {
        let schemes = Schemes {
            api_key: true,
            ..Schemes::default()
        };
        let mut spec = route("GET", "/x", &[]);
        let scoped = RouteAuthConfig {
            scopes: vec!["x:read".into()],
            ..RouteAuthConfig::default()
        };
        spec.policy =
            Arc::new(RoutePolicy::from_config(&scoped, &AuthConfig::default(), "auth").unwrap());
        let (op, _) = build(&spec, Some(schemes));
        assert_eq!(op["security"], json!([{"apiKey": ["x:read"]}]));
        assert!(op["responses"]["401"].is_object());
        assert!(op["responses"]["403"].is_object());
    }
}
