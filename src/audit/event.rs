//! One audited call and its JSON line (before sealing). Only what the caller passes is
//! written: never payloads, and key fields already reduced (or HMACed) by the caller.

use std::io::Write;
use std::time::SystemTime;

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::time::Stamp;

/// One call, as the gateway saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    /// When the call arrived (written as RFC 3339 UTC with milliseconds).
    pub time: SystemTime,
    pub request_id: String,
    /// The W3C trace id the call belongs to (32 lowercase hex digits).
    pub trace_id: String,
    /// The authenticated principal, if any.
    pub principal: Option<String>,
    /// The client's address (`ip:port`) as the listener saw it.
    pub client_addr: String,
    /// The route pattern (`/vehicles/{vrm}`), not the concrete path, which may hold a key.
    pub route: String,
    pub method: String,
    /// The declared purpose code (`X-Purpose`), if any.
    pub purpose: Option<String>,
    /// Configured key fields in order: name and value, plain or already keyed with
    /// [`super::AuditLog::keyed`]. Names should be unique (they become a JSON object).
    pub keys: Vec<(String, String)>,
    /// The HTTP status answered.
    pub status: u16,
    /// Total time in the gateway, in milliseconds.
    pub latency_ms: f64,
    /// Time spent waiting on the backend, when one was called.
    pub backend_ms: Option<f64>,
    /// `inbound` for a legacy program's call to a JSON API (`[[inbound]]`); absent for
    /// the gateway's own API calls, whose lines stay as they were.
    pub direction: Option<&'static str>,
    /// For inbound lines: how the record ended (`ok`, `timeout`, `unreachable`, ...; the
    /// metrics' outcome labels), since `status` is 0 whenever the API gave no answer.
    pub outcome: Option<&'static str>,
}

/// The line's members between `seq` (first) and `prev` (last), in their written order;
/// `hash` is appended by the chain. Serialised by the caller, before the line's number
/// and predecessor are known, so the writer only splices those in.
#[derive(Serialize)]
struct Members<'a> {
    time: &'a str,
    request_id: &'a str,
    trace_id: &'a str,
    principal: Option<&'a str>,
    client_addr: &'a str,
    route: &'a str,
    method: &'a str,
    purpose: Option<&'a str>,
    keys: Keys<'a>,
    status: u16,
    latency_ms: f64,
    backend_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    direction: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    outcome: Option<&'a str>,
}

/// Key fields as a JSON object in the configured order.
struct Keys<'a>(&'a [(String, String)]);

impl Serialize for Keys<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// Milliseconds rounded to microseconds: enough for latency, short lines.
fn round_us(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1000.0
}

/// An event serialised up to its chain members: `"time":…,"backend_ms":…` (no braces).
/// [`Prepared::body`] adds `seq` in front and `prev` behind.
#[derive(Debug, Clone)]
pub(crate) struct Prepared(Vec<u8>);

impl AuditEvent {
    /// Serialises the event's own members; the costly part of a line, done by each caller
    /// in parallel rather than by whoever holds the file.
    pub(crate) fn prepare(&self) -> Prepared {
        let stamp = Stamp::of(self.time);
        let members = Members {
            time: stamp.as_str(),
            request_id: &self.request_id,
            trace_id: &self.trace_id,
            principal: self.principal.as_deref(),
            client_addr: &self.client_addr,
            route: &self.route,
            method: &self.method,
            purpose: self.purpose.as_deref(),
            keys: Keys(&self.keys),
            status: self.status,
            latency_ms: round_us(self.latency_ms),
            backend_ms: self.backend_ms.map(round_us),
            direction: self.direction,
            outcome: self.outcome,
        };
        // Serialising plain strings and numbers into a Vec cannot fail; an empty object
        // would still be sealed and fail verification loudly rather than vanish.
        let mut v = serde_json::to_vec(&members).unwrap_or_else(|_| b"{}".to_vec());
        // Drop the braces: the members are spliced between `seq` and `prev`.
        v.pop();
        if !v.is_empty() {
            v.remove(0);
        }
        Prepared(v)
    }

    /// The line's JSON object without its closing brace, ready for [`super::chain::ChainHash::seal`].
    #[cfg(test)]
    pub(crate) fn body(&self, seq: u64, prev: &[u8; 32]) -> Vec<u8> {
        let mut line = Vec::new();
        self.prepare().body_into(seq, prev, &mut line);
        line
    }
}

impl Prepared {
    /// Replaces `line` with the whole line without its closing brace: `{"seq":N,` +
    /// members + `,"prev":"<hex>"`, byte for byte what serialising all members in order
    /// gives.
    pub(crate) fn body_into(&self, seq: u64, prev: &[u8; 32], line: &mut Vec<u8>) {
        line.clear();
        line.extend_from_slice(b"{\"seq\":");
        // Writing into a Vec cannot fail.
        let _ = write!(line, "{seq}");
        if !self.0.is_empty() {
            line.push(b',');
            line.extend_from_slice(&self.0);
        }
        line.extend_from_slice(b",\"prev\":\"");
        let mut hex = [0u8; 64];
        // 32 bytes always fit 64 hex digits.
        if hex::encode_to_slice(prev, &mut hex).is_ok() {
            line.extend_from_slice(&hex);
        }
        line.push(b'"');
    }
}

#[cfg(test)]
pub(crate) fn sample(request_id: &str) -> AuditEvent {
    AuditEvent {
        time: std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_709_251_200_123),
        request_id: request_id.into(),
        trace_id: "4bf92f3577b34da6a3ce929d0e0e4736".into(),
        principal: Some("pc1234".into()),
        client_addr: "127.0.0.1:50000".into(),
        route: "/vehicles/{vrm}".into(),
        method: "GET".into(),
        purpose: Some("INV".into()),
        keys: vec![("vrm".into(), "AB12CDE".into())],
        status: 200,
        latency_ms: 1.234_567,
        backend_ms: None,
        direction: None,
        outcome: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_every_member_in_order() {
        // A full event: members in the documented order, latency rounded to µs, no brace.
        let b = sample("r1").body(7, &[0xab; 32]);
        let s = String::from_utf8(b).unwrap();
        let expected = format!(
            r#"{{"seq":7,"time":"2024-03-01T00:00:00.123Z","request_id":"r1","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","principal":"pc1234","client_addr":"127.0.0.1:50000","route":"/vehicles/{{vrm}}","method":"GET","purpose":"INV","keys":{{"vrm":"AB12CDE"}},"status":200,"latency_ms":1.235,"backend_ms":null,"prev":"{}""#,
            "ab".repeat(32)
        );
        assert_eq!(s, expected);
        // An inbound call says so at the end; outbound lines have no such member.
        let mut inbound = sample("r1");
        inbound.direction = Some("inbound");
        inbound.outcome = Some("timeout");
        let b = String::from_utf8(inbound.body(7, &[0xab; 32])).unwrap();
        assert!(
            b.contains(r#""backend_ms":null,"direction":"inbound","outcome":"timeout","prev""#),
            "{b}"
        );
    }

    #[test]
    fn hostile_values_stay_inside_their_strings() {
        // Quotes, newlines and a fake hash member in a value are escaped, so one event is
        // always one line and cannot forge chain members.
        let mut e = sample("r\"1\n");
        e.keys = vec![("vrm".into(), "\",\"hash\":\"00\"}\n".into())];
        let mut b = e.body(1, &[0; 32]);
        b.push(b'}');
        assert!(!b.contains(&b'\n'));
        let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
        assert_eq!(v["request_id"], "r\"1\n");
        assert!(v.get("hash").is_none());
    }

    #[test]
    fn non_finite_latency_is_null() {
        // NaN cannot be JSON: it is written as null rather than breaking the line.
        let mut e = sample("r1");
        e.latency_ms = f64::NAN;
        let mut b = e.body(1, &[0; 32]);
        b.push(b'}');
        let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
        assert!(v["latency_ms"].is_null());
    }
}
