//! The shared pieces every error response refers to: the RFC 9457 problem document as
//! `gateway::problem` writes it, and the headers the gateway sets.

use serde_json::{json, Value};

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// `components.schemas` name of the problem document.
pub const PROBLEM: &str = "Problem";

/// `components.headers` names.
pub const REQUEST_ID: &str = "XRequestId";
pub const RETRY_AFTER: &str = "RetryAfter";
pub const WWW_AUTHENTICATE: &str = "WwwAuthenticate";

/// The problem document: exactly the members `ApiError::body` writes.
pub fn problem_schema() -> Value {
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
                "description": "The kind of error: `https://ferrule.dev/problems/<kind>` \
                    (invalid-request, invalid-purpose, unauthenticated, forbidden, not-found, \
                    method-not-allowed, payload-too-large, unsupported-media-type, rate-limited, \
                    backend-unavailable, bad-backend-response, backend-saturated, backend-timeout, \
                    audit-unavailable, not-ready, internal-error, host-error: the host's \
                    return code mapped to this status).",
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

/// The headers components: request id on every response, `Retry-After`, and the 401
/// challenge.
pub fn headers() -> Value {
    json!({
        REQUEST_ID: {
            "description": "The caller's `x-request-id`, or a new UUID; logs and the audit \
                line carry the same id.",
            "schema": {"type": "string"}
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
        for name in [REQUEST_ID, RETRY_AFTER, WWW_AUTHENTICATE] {
            assert!(h.get(name).is_some(), "{name}");
        }
        assert!(h.get("Nope").is_none());
    }
}
