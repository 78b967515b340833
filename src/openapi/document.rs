//! The whole document: info, servers, one path item per route path, tags per backend,
//! and the shared components.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::operation::{operation, Shared};
use super::problem::{headers, problem_schema, PROBLEM};
use super::security::Schemes;
use crate::config::{BackendKind, Gateway};

/// The JSON Schema dialect of every schema in the document.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The OpenAPI 3.1 document describing every route of `gateway`.
pub fn document(gateway: &Gateway) -> Value {
    let schemes = gateway.security.authenticator.as_deref().map(Schemes::of);
    let mut ids = BTreeSet::new();
    let mut schemas = Map::new();
    schemas.insert(PROBLEM.into(), problem_schema());
    let mut paths = Map::new();
    let mut tags: Vec<Value> = Vec::new();
    let mut shared = Shared {
        schemes,
        audit: gateway.security.audit.is_some(),
        shared_limits: gateway.security.shared_limits.is_some(),
        max_body_bytes: gateway.max_body_bytes,
        ids: &mut ids,
        schemas: &mut schemas,
    };
    for spec in &gateway.routes {
        // Validation resolved every backend; a route without one has nothing to describe.
        let Some(backend) = gateway.backends.get(spec.backend) else {
            continue;
        };
        let op = operation(spec, backend, &mut shared);
        let item = paths
            .entry(spec.path.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(item) = item {
            item.insert(spec.method.to_ascii_lowercase(), op);
        }
        if !tags.iter().any(|t| t["name"] == backend.name.as_str()) {
            tags.push(json!({
                "name": backend.name,
                "description": format!("Routes answered by the {} backend `{}`.", kind(&backend.kind), backend.name)
            }));
        }
    }
    let mut components = Map::new();
    components.insert("schemas".into(), Value::Object(schemas));
    components.insert("headers".into(), headers());
    if let Some(s) = schemes.and_then(|s| s.components()) {
        components.insert("securitySchemes".into(), s);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Ferrule gateway",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "JSON over HTTP in front of legacy hosts: each operation sends one \
                record to its backend and answers with the host's record as JSON, both \
                described by COBOL copybooks. Errors are `application/problem+json` \
                (RFC 9457); every response carries `x-request-id`. W3C Trace Context: a \
                caller's `traceparent` and `tracestate` are taken (a malformed one starts a \
                new trace, never an error) and passed on to http backends; every response \
                carries `traceresponse`."
        },
        "jsonSchemaDialect": DIALECT,
        "servers": [{"url": "/", "description": "This gateway."}],
        "tags": tags,
        "paths": paths,
        "components": components
    })
}

/// How a backend is reached, in words (never its address).
fn kind(kind: &BackendKind) -> &'static str {
    match kind {
        BackendKind::Tcp { .. } | BackendKind::TcpTls { .. } => "TCP",
        BackendKind::TcpProtocol { protocol, .. } => protocol.name(),
        BackendKind::Http { .. } => "HTTP",
        BackendKind::Exec { .. } => "program",
    }
}
