//! Checked `[[listener]]` and `[[inbound]]` settings: what the inbound side runs.
//! Built by `config::inbound`; swapped with the rest of the config on reload.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use ferrule_parsers::json::{CodecOptions, Encoder};
use ferrule_parsers::layout::{Field, Layout};
use serde_json::{Map, Value};

pub use super::credentials::Credentials;
pub use super::target::{header_name, Target};
pub use super::text::{json_path, JsonPath, Text};
pub use crate::connector::http::https_tls;
use crate::connector::BackendFraming;
use crate::gateway::tls::ServerTls;

/// Every listener and inbound route of a config.
#[derive(Debug, Clone, Default)]
pub struct InboundSet {
    pub listeners: Vec<ListenerSpec>,
    pub routes: Vec<Arc<InboundRoute>>,
}

impl InboundSet {
    /// Whether `other` has the same sockets: names, addresses, framing, code page,
    /// limits, quarantine and TLS presence (what a reload cannot change).
    pub fn same_listeners(&self, other: &InboundSet) -> bool {
        let key = |l: &ListenerSpec| {
            (
                l.name.clone(),
                l.listen.clone(),
                l.framing,
                l.codec.codepage.name(),
                l.max_connections,
                l.idle_timeout,
                l.quarantine.clone(),
                l.quarantine_max_bytes,
                l.tls.is_some(),
            )
        };
        self.listeners
            .iter()
            .map(key)
            .eq(other.listeners.iter().map(key))
    }

    /// The routes of listener `i`, in config order.
    pub fn routes_of(&self, i: usize) -> impl Iterator<Item = &Arc<InboundRoute>> {
        self.routes.iter().filter(move |r| r.listener == i)
    }
}

/// One `[[listener]]`, checked. Read once at start: a reload changes routes, not sockets.
#[derive(Debug, Clone)]
pub struct ListenerSpec {
    pub name: String,
    pub listen: String,
    pub framing: BackendFraming,
    pub codec: CodecOptions,
    pub max_connections: usize,
    pub idle_timeout: Duration,
    pub quarantine: Option<PathBuf>,
    pub quarantine_max_bytes: u64,
    pub tls: Option<Arc<ServerTls>>,
}

/// One `[[inbound]]` route, checked.
#[derive(Debug)]
pub struct InboundRoute {
    pub name: String,
    /// Index into [`InboundSet::listeners`].
    pub listener: usize,
    pub matches: MatchSpec,
    pub request: Arc<Layout>,
    pub response: Arc<Layout>,
    pub method: String,
    pub url: Text,
    pub query: Vec<(String, Text)>,
    /// Request headers, filled from the record like the URL.
    pub headers: Vec<(hyper::header::HeaderName, Text)>,
    pub body: BodySpec,
    /// Response field (dotted) <- where in the answer its value is.
    pub fields: Vec<(Vec<String>, FieldFill)>,
    /// Response field (dotted) <- a constant, in every record sent back.
    pub reply: Vec<(Vec<String>, String)>,
    pub errors: ErrorSpec,
    pub timeout: Duration,
    pub target: Target,
}

/// How one `fields` entry fills the response record.
#[derive(Debug, Clone)]
pub enum FieldFill {
    /// An elementary field <- the value at a JSON path.
    Value(JsonPath),
    /// A table (OCCURS) <- an array in the answer, element by element.
    Table(TableFill),
}

#[derive(Debug, Clone)]
pub struct TableFill {
    pub from: JsonPath,
    /// `from` as configured, for messages.
    pub from_text: String,
    /// A table of groups: member (path within an element) <- JSON path within the
    /// array's element. Empty: an elementary table, filled with the elements themselves.
    pub each: Vec<(Vec<String>, JsonPath)>,
    /// A response field that gets the number of elements placed.
    pub count: Option<Vec<String>>,
    /// How many elements the table holds.
    pub max: usize,
    /// More elements than `max`: keep the first ones (else the answer is refused).
    pub truncate: bool,
}

/// The bytes a request record holds at the match field's place when it is this route's.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchSpec {
    pub offset: usize,
    pub bytes: Vec<u8>,
}

impl MatchSpec {
    /// Encodes `value` into `field` (at `path` of `layout`) as the program would send it.
    pub fn new(
        layout: &Layout,
        codec: CodecOptions,
        field: &Field,
        path: &[String],
        value: &str,
    ) -> Result<MatchSpec, String> {
        let mut record = Map::new();
        super::text::set_path(&mut record, path, Value::String(value.into()));
        let mut out = Vec::new();
        Encoder::new(layout, codec)
            .and_then(|mut e| e.encode(&Value::Object(record), &mut out, false))
            .map_err(|e| format!("`{value}` does not fit `{}`: {}", path.join("."), e.kind))?;
        let bytes = out
            .get(field.offset..field.offset + field.size)
            .ok_or_else(|| format!("`{}` lies past the record's end", path.join(".")))?;
        Ok(MatchSpec {
            offset: field.offset,
            bytes: bytes.to_vec(),
        })
    }

    /// Whether `record` is this route's.
    pub fn hit(&self, record: &[u8]) -> bool {
        record.get(self.offset..self.offset + self.bytes.len()) == Some(self.bytes.as_slice())
    }
}

/// What goes in the request body.
#[derive(Debug, Clone)]
pub enum BodySpec {
    None,
    /// The whole decoded request record.
    Record,
    /// A JSON object built from these (dotted JSON path, value).
    Fields(Vec<(Vec<String>, Text)>),
}

/// `errors`: where the return code and message go, and which code each outcome gets.
#[derive(Debug, Clone)]
pub struct ErrorSpec {
    pub field: Vec<String>,
    pub message: Option<Vec<String>>,
    pub map: BTreeMap<String, i64>,
}

impl ErrorSpec {
    /// The return code for an outcome (its name, or an HTTP status), falling back to
    /// the status class, then `*`; `ok` falls back to 0.
    pub fn code(&self, outcome: &str) -> i64 {
        if let Some(&c) = self.map.get(outcome) {
            return c;
        }
        if outcome == "ok" {
            return 0;
        }
        if outcome.len() == 3 && outcome.bytes().all(|b| b.is_ascii_digit()) {
            let class = format!("{}xx", outcome.get(..1).unwrap_or_default());
            if let Some(&c) = self.map.get(&class) {
                return c;
            }
        }
        self.map.get("*").copied().unwrap_or(12)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_codes_by_outcome_status_class_then_star() {
        let e = ErrorSpec {
            field: vec!["rc".into()],
            message: None,
            map: [("404", 4), ("5xx", 9), ("timeout", 8), ("*", 12)]
                .map(|(k, v)| (k.to_string(), v))
                .into(),
        };
        assert_eq!(e.code("ok"), 0);
        assert_eq!(e.code("404"), 4);
        assert_eq!(e.code("503"), 9);
        assert_eq!(e.code("400"), 12);
        assert_eq!(e.code("timeout"), 8);
        assert_eq!(e.code("no_route"), 12);
    }
}
