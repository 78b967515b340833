//! The shared pieces every error response refers to: the RFC 9457 problem document as
//! `gateway::problem` writes it, and the headers the gateway sets.

use serde_json::{json, Value};

use crate::gateway::problems::{KINDS, TYPE_BASE};

pub use crate::gateway::PROBLEM_JSON;

/// `components.schemas` name of the problem document.
pub const PROBLEM: &str = "Problem";

/// `components.headers` names.
pub const REQUEST_ID: &str = "XRequestId";
pub const TRACE_RESPONSE: &str = "Traceresponse";
pub const RETRY_AFTER: &str = "RetryAfter";
pub const WWW_AUTHENTICATE: &str = "WwwAuthenticate";

/// The problem document: exactly the members `ApiError::body` writes.
pub fn problem_schema() -> Value {
    let kinds: Vec<String> = KINDS
        .iter()
        .map(|k| {
            let status = k.status.map_or_else(
                || "the status the route maps the host's return code to".into(),
                |s| s.as_u16().to_string(),
            );
            format!("{} ({status}, {} fault)", k.name, k.source.as_str())
        })
        .collect();
    let type_doc = format!(
        "The kind of error: `{TYPE_BASE}<kind>`: {}. Each response names the kinds it \
         stands for in `x-problem-types`.",
        kinds.join(", ")
    );
    json!({
        "type": "object",
        "description": "An RFC 9457 problem document. `type` is stable per kind of error; \
            nothing from the host or its records is in it, except the host's message as the \
            `detail` of a `host-error` when the route names the field that carries it.",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {
                "type": "string",
                "format": "uri",
                "description": type_doc,
                "examples": ["https://ferrule.dev/problems/invalid-request"]
            },
            "title": {"type": "string", "description": "A short summary of the kind."},
            "status": {
                "type": "integer",
                "minimum": 400,
                "maximum": 599,
                "description": "The HTTP status of the response."
            },
            "detail": {"type": "string", "description": "What went wrong with this request."},
            "instance": {"type": "string", "description": "The request path."},
            "request_id": {
                "type": "string",
                "description": "The request's `x-request-id`, as in the response header."
            },
            "errors": {
                "type": "array",
                "description": "Every invalid field of the request (`invalid-request`).",
                "items": {
                    "type": "object",
                    "required": ["field", "detail"],
                    "properties": {
                        "field": {
                            "type": "string",
                            "description": "The field's dotted JSON path, or `(record)`."
                        },
                        "detail": {"type": "string", "description": "What is wrong with it."}
                    },
                    "additionalProperties": false
                }
            },
            "backends": {
                "type": "array",
                "description": "Unreachable backends (`not-ready`, from `/readyz` only).",
                "items": {"type": "string"}
            }
        },
        "additionalProperties": false
    })
}

/// The headers components: request id and trace on every response, `Retry-After`,
/// and the 401 challenge.
pub fn headers() -> Value {
    json!({
        REQUEST_ID: {
            "description": "The caller's `x-request-id`, or a new UUID; logs and the audit \
                line carry the same id.",
            "schema": {"type": "string"}
        },
        TRACE_RESPONSE: {
            "description": "W3C Trace Context (level 2): `00-<trace-id>-<span-id>-<flags>` \
                of the gateway's span for this call. The trace id is the caller's \
                `traceparent` trace, or a new one; logs and the audit line carry it too.",
            "schema": {"type": "string", "pattern": "^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"}
        },
        RETRY_AFTER: {
            "description": "Seconds to wait before calling again (at least 1).",
            "schema": {"type": "integer", "minimum": 1}
        },
        WWW_AUTHENTICATE: {
            "description": "How to authenticate, e.g. `Bearer realm=\"ferrule\"` \
                (with `error=\"invalid_token\"` when a credential was refused).",
            "required": true,
            "schema": {"type": "string"}
        }
    })
}

/// A `$ref` to a components entry.
pub fn reference(kind: &str, name: &str) -> Value {
    json!({"$ref": format!("#/components/{kind}/{name}")})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_schema_lists_every_member_the_gateway_writes() {
        // The same members as `ApiError::body`: four always, the rest when they apply.
        let s = problem_schema();
        let props: Vec<&str> = s["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            props,
            [
                "type",
                "title",
                "status",
                "detail",
                "instance",
                "request_id",
                "errors",
                "backends"
            ]
        );
        assert_eq!(s["required"], json!(["type", "title", "status", "detail"]));
        assert_eq!(s["additionalProperties"], false);
        // Every kind of the gateway's table is named, with its status.
        let doc = s["properties"]["type"]["description"].as_str().unwrap();
        for kind in KINDS {
            let named = match kind.status {
                Some(st) => format!("{} ({},", kind.name, st.as_u16()),
                None => format!("{} (", kind.name),
            };
            assert!(doc.contains(&named), "{named}: {doc}");
        }
        assert_eq!(
            s["properties"]["errors"]["items"]["required"],
            json!(["field", "detail"])
        );
    }

    #[test]
    fn references_point_into_components() {
        assert_eq!(
            reference("schemas", PROBLEM),
            json!({"$ref": "#/components/schemas/Problem"})
        );
        // Every header a response can name is defined.
        let h = headers();
        for name in [REQUEST_ID, TRACE_RESPONSE, RETRY_AFTER, WWW_AUTHENTICATE] {
            assert!(h.get(name).is_some(), "{name}");
        }
        assert!(h.get("Nope").is_none());
    }
}
