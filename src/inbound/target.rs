//! The modern side of an inbound route: one HTTP(S) call per record, within the
//! route's timeout and concurrency limit, with its credentials.
//!
//! The same pooled hyper client as http backends (`connector::http::client`): plain for
//! `http://`, TLS with the route's `tls = { ca = ... }` only for `https://`.

use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE};
use hyper::{Method, Request, Uri};
use serde_json::{Map, Value};
use tokio::sync::Semaphore;

use super::spec::{BodySpec, InboundRoute};
use super::text::{lookup, percent, set_path};
use crate::config::inbound::InboundConfig;
use crate::config::table::Problems;
use crate::connector::http::{client, https_tls, HttpClient};
use crate::trace::context::{TraceContext, TRACEPARENT};

/// Largest answer read from an API.
const MAX_ANSWER: usize = 16 << 20;

/// An inbound route's HTTP client, limit and credentials.
#[derive(Debug, Clone)]
pub struct Target {
    client: HttpClient,
    limit: Arc<Semaphore>,
    pub credentials: super::spec::Credentials,
}

/// Why a call gave no HTTP answer (an answer with any status is not a failure here).
#[derive(Debug, Clone, PartialEq)]
pub enum CallError {
    /// No answer within the route's `timeout_ms`.
    Timeout,
    /// No connection, or it failed mid-exchange, or no credentials.
    Unreachable(String),
    /// `concurrency` calls already in flight.
    Busy,
    /// The answer could not be read (too big, broken body).
    BadResponse(String),
}

/// A status and body.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: Bytes,
}

impl Target {
    /// The client, limit and credentials of `r` (problems at `url`, `tls`, `credentials`).
    pub fn new(r: &InboundConfig, base: &Path) -> Result<Target, Problems> {
        let tls = https_tls(&r.url, r.tls.as_ref(), base).map_err(|p| vec![p])?;
        let credentials = super::spec::Credentials::from_config(r.credentials.as_ref(), base)?;
        let connect = std::time::Duration::from_millis(r.connect_timeout_ms.max(1));
        Ok(Target {
            client: client(tls, connect, r.concurrency.max(1)),
            limit: Arc::new(Semaphore::new(r.concurrency.max(1))),
            credentials,
        })
    }

    /// Calls the route's API for one decoded request record.
    pub async fn call(
        &self,
        route: &InboundRoute,
        record: &Value,
        trace: &TraceContext,
    ) -> Result<Answer, CallError> {
        // No queue: a program waiting on a full target would only time out later.
        let _permit = self
            .limit
            .clone()
            .try_acquire_owned()
            .map_err(|_| CallError::Busy)?;
        let answer = tokio::time::timeout(route.timeout, self.exchange(route, record, trace))
            .await
            .map_err(|_| CallError::Timeout)??;
        if answer.status == 401 {
            self.credentials.forget().await;
        }
        Ok(answer)
    }

    async fn exchange(
        &self,
        route: &InboundRoute,
        record: &Value,
        trace: &TraceContext,
    ) -> Result<Answer, CallError> {
        let uri = uri(route, record)?;
        let method = Method::from_bytes(route.method.as_bytes())
            .map_err(|e| CallError::Unreachable(format!("method: {e}")))?;
        let body = body(&route.body, record);
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(TRACEPARENT, trace.traceparent(trace.span_id));
        if body.is_some() {
            req = req.header(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        for (name, text) in &route.headers {
            // A record field holding a line break or other control byte cannot go in a
            // header: refused, never sent altered.
            let value =
                HeaderValue::from_str(&text.render(record, &|v| v.to_string())).map_err(|_| {
                    CallError::Unreachable(format!(
                        "header {name}: the value from the record is not a valid header value"
                    ))
                })?;
            req = req.header(name, value);
        }
        if let Some((name, value)) = self
            .credentials
            .header()
            .await
            .map_err(CallError::Unreachable)?
        {
            req = req.header(name, value);
        }
        let req = req
            .body(Full::new(body.unwrap_or_default()))
            .map_err(|e| CallError::Unreachable(format!("request: {e}")))?;
        let res = self.client.request(req).await.map_err(|e| {
            let mut msg = e.to_string();
            if let Some(src) = std::error::Error::source(&e) {
                msg = format!("{msg}: {src}");
            }
            CallError::Unreachable(msg)
        })?;
        let status = res.status().as_u16();
        let body = Limited::new(res.into_body(), MAX_ANSWER)
            .collect()
            .await
            .map_err(|e| CallError::BadResponse(format!("reading the answer: {e}")))?
            .to_bytes();
        Ok(Answer { status, body })
    }
}

/// A header a route may set (`headers`, an API key): a valid name, and none of those
/// the HTTP layer or this module sets itself.
pub fn header_name(name: &str) -> Result<HeaderName, String> {
    let header = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("`{name}` is not a valid header name"))?;
    let ours = [
        "host",
        "content-length",
        "content-type",
        "transfer-encoding",
        "connection",
        "accept",
        "traceparent",
        "tracestate",
    ];
    if ours.contains(&header.as_str()) {
        return Err(format!("`{name}` is set by Ferrule itself"));
    }
    Ok(header)
}

/// The URL with holes filled (percent-encoded) and the query appended.
fn uri(route: &InboundRoute, record: &Value) -> Result<Uri, CallError> {
    let mut url = route.url.render(record, &|s| percent(s));
    let mut sep = if url.contains('?') { '&' } else { '?' };
    for (name, value) in &route.query {
        url.push(sep);
        url.push_str(&percent(name));
        url.push('=');
        url.push_str(&value.render(record, &|s| percent(s)));
        sep = '&';
    }
    url.parse()
        .map_err(|e| CallError::Unreachable(format!("URL `{url}`: {e}")))
}

/// The JSON body, if the route sends one.
fn body(spec: &BodySpec, record: &Value) -> Option<Bytes> {
    let value = match spec {
        BodySpec::None => return None,
        BodySpec::Record => record.clone(),
        BodySpec::Fields(fields) => {
            let mut m = Map::new();
            for (path, text) in fields {
                let v = match text.whole_field() {
                    Some(f) => lookup(record, f).cloned().unwrap_or(Value::Null),
                    None => Value::String(text.render(record, &|s| s.to_string())),
                };
                set_path(&mut m, path, v);
            }
            Value::Object(m)
        }
    };
    serde_json::to_vec(&value).ok().map(Bytes::from)
}

#[cfg(test)]
mod tests;
