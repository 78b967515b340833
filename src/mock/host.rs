//! From `mock.toml` as written to ready-to-serve [`Host`]s: layouts parsed, record file
//! encoded and indexed, fixed answers encoded once; every problem collected with its
//! config path (`host[1].records: ...`), as `ferrule check` does for the gateway.

use std::path::Path;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use ferrule_parsers::dialect::Dialect;
use ferrule_parsers::json::{CodecOptions, Encoder};
use ferrule_parsers::layout::{DataType, FieldKind, Layout};
use ferrule_parsers::registry;
use serde_json::{Map, Value};

use super::config::{FaultKind, HostConfig, MockFile, Mode};
use super::fields::{field_at, merge, split};
use super::key::{values_at, KeyIndex};
use crate::config::{locate, LayoutRef, Problem};
use crate::connector::BackendFraming;

/// Every host of one config file.
#[derive(Debug)]
pub struct MockSet {
    pub status_listen: Option<String>,
    pub hosts: Vec<Arc<Host>>,
    /// Simulated HTTP JSON APIs (`[[api]]`).
    pub apis: Vec<Arc<super::api::Api>>,
}

/// One simulated host, validated.
#[derive(Debug)]
pub struct Host {
    pub name: String,
    pub listen: String,
    pub framing: BackendFraming,
    pub codec: CodecOptions,
    pub request: Layout,
    pub response: Layout,
    pub behaviour: Behaviour,
    /// Encoded answer when no record matches.
    pub not_found: Bytes,
    /// Encoded answer to a request that does not decode.
    pub invalid: Bytes,
    pub latency: Duration,
    pub faults: Option<Faults>,
    /// append: the next sequence number.
    pub next_seq: AtomicU64,
    /// A transaction manager's envelope around the records, when set.
    pub protocol: Option<super::protocol::HostProtocol>,
}

/// How a host finds its answer.
#[derive(Debug)]
pub enum Behaviour {
    Lookup {
        /// The key's path in the request.
        key: Vec<String>,
        index: KeyIndex,
        /// Encoded answer per record line (with `found` applied).
        answers: Vec<Bytes>,
    },
    Append {
        /// `reply` fields, the base of every answer.
        reply: Map<String, Value>,
        sequence: Option<Sequence>,
        timestamp: Option<Stamp>,
    },
}

/// A field that gets a new number per request.
#[derive(Debug)]
pub struct Sequence {
    pub path: Vec<String>,
    pub prefix: String,
    /// The field is text (the prefix goes in front) rather than a number.
    pub text: bool,
}

/// A field that gets the current time.
#[derive(Debug)]
pub struct Stamp {
    pub path: Vec<String>,
    /// Only `YYYYMMDD` fits.
    pub date_only: bool,
    pub text: bool,
}

/// Fault injection on every n-th request (n > 0).
#[derive(Debug, Clone, Copy)]
pub struct Faults {
    pub every_nth: u64,
    pub kind: FaultKind,
    /// 0: no limit.
    pub max_faults: u64,
}

/// Reads and validates a mock config file; layouts and records are relative to it.
pub fn load(path: &Path) -> Result<MockSet, Vec<Problem>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| one(format!("cannot read {}: {e}", path.display())))?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    load_with(&text, &path.display().to_string(), &|name| {
        std::fs::read_to_string(base.join(name))
            .map_err(|e| format!("cannot read {}: {e}", base.join(name).display()))
    })
}

/// Validates a mock config given as text; `read` returns the text of a file it names
/// (copybooks, record files), so a caller can serve embedded samples.
pub fn load_with(
    text: &str,
    source_name: &str,
    read: &dyn Fn(&str) -> Result<String, String>,
) -> Result<MockSet, Vec<Problem>> {
    let file: MockFile = toml::from_str(text).map_err(|e| {
        let at = e
            .span()
            .map(|s| {
                let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                format!("{source_name}:{line}: ")
            })
            .unwrap_or_default();
        one(format!("{at}{}", e.message()))
    })?;
    // Each host's table read in parts; an error there is located as toml's own are.
    let mut read_errors = Vec::new();
    let mut configs = Vec::new();
    for (i, t) in file.hosts.into_iter().enumerate() {
        match HostConfig::from_table(t) {
            Ok(h) => configs.push(h),
            Err(ps) => read_errors.extend(ps.into_iter().map(|(key, m)| {
                let path = if key.is_empty() {
                    format!("host[{i}]")
                } else {
                    format!("host[{i}].{key}")
                };
                let at = locate(text, &path)
                    .map(|l| format!("{source_name}:{}: ", l.line))
                    .unwrap_or_default();
                Problem {
                    path: String::new(),
                    message: format!("{at}{m}"),
                }
            })),
        }
    }
    if !read_errors.is_empty() {
        return Err(read_errors);
    }
    let mut problems = Vec::new();
    if let Some(s) = &file.status_listen {
        if s.parse::<std::net::SocketAddr>().is_err() {
            problems.push(Problem {
                path: "status_listen".into(),
                message: format!("`{s}` is not an address like 127.0.0.1:7000"),
            });
        }
    }
    if configs.is_empty() && file.apis.is_empty() {
        problems.push(Problem {
            path: "host".into(),
            message: "no [[host]] (or [[api]]) defined".into(),
        });
    }
    let mut apis = Vec::new();
    for (i, a) in file.apis.iter().enumerate() {
        let taken = configs.iter().any(|h| h.name == a.name)
            || file
                .apis
                .get(..i)
                .is_some_and(|o| o.iter().any(|o| o.name == a.name));
        if taken {
            problems.push(Problem {
                path: format!("api[{i}].name"),
                message: format!("`{}` is used by an earlier host or api", a.name),
            });
        }
        match a.validate() {
            Ok(api) => apis.push(Arc::new(api)),
            Err(ps) => problems.extend(ps.into_iter().map(|(p, message)| Problem {
                path: format!("api[{i}].{p}"),
                message,
            })),
        }
    }
    let mut hosts = Vec::new();
    for (i, h) in configs.iter().enumerate() {
        let at = format!("host[{i}]");
        if configs[..i].iter().any(|o| o.name == h.name) {
            problems.push(Problem {
                path: format!("{at}.name"),
                message: format!("`{}` is used by an earlier host", h.name),
            });
        }
        match host(h, read) {
            Ok(spec) => hosts.push(Arc::new(spec)),
            Err(ps) => problems.extend(ps.into_iter().map(|(p, message)| Problem {
                path: format!("{at}.{p}"),
                message,
            })),
        }
    }
    if problems.is_empty() {
        Ok(MockSet {
            status_listen: file.status_listen,
            hosts,
            apis,
        })
    } else {
        Err(problems)
    }
}

fn one(message: String) -> Vec<Problem> {
    vec![Problem {
        path: String::new(),
        message,
    }]
}

type Problems = Vec<(String, String)>;

fn load_layout(
    r: &LayoutRef,
    dialect: Dialect,
    read: &dyn Fn(&str) -> Result<String, String>,
) -> Result<Layout, String> {
    if !r.include.is_empty() {
        // The mock reads files through `read` (embedded samples too), not a search path.
        return Err("include: COPY members are not supported in mock configs yet".into());
    }
    let source = read(&r.copybook)?;
    let opts = registry::LoadOptions {
        dialect,
        ..r.load_options()?
    };
    registry::load(&source, &r.copybook, None, &opts).map_err(|e| e.rendered)
}

/// Encodes one answer; the error names every bad field (without their bytes).
pub fn encode(layout: &Layout, codec: CodecOptions, value: &Value) -> Result<Vec<u8>, String> {
    let mut enc = Encoder::new(layout, codec).map_err(|e| e.kind.to_string())?;
    let mut out = Vec::with_capacity(layout.max_len());
    enc.encode_all(value, &mut out, false).map_err(|errs| {
        errs.iter()
            .map(|e| {
                if e.path.is_empty() {
                    e.kind.to_string()
                } else {
                    format!("{}: {}", e.path, e.kind)
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    Ok(out)
}

fn host(h: &HostConfig, read: &dyn Fn(&str) -> Result<String, String>) -> Result<Host, Problems> {
    let mut ps: Problems = Vec::new();
    if h.listen.parse::<std::net::SocketAddr>().is_err() {
        ps.push((
            "listen".into(),
            format!("`{}` is not an address like 127.0.0.1:7001", h.listen),
        ));
    }
    let wire = h.wire.validate(super::config::defaults::framing(), &mut ps);
    // The dialect sizes POINTER items in the layouts (checked with the wire above).
    let dialect = Dialect::by_name(&h.wire.dialect).unwrap_or_default();
    let request = load_layout(&h.request, dialect, read)
        .map_err(|e| ps.push(("request.copybook".into(), e)))
        .ok();
    let response = load_layout(&h.response, dialect, read)
        .map_err(|e| ps.push(("response.copybook".into(), e)))
        .ok();
    let faults = h.faults.as_ref().and_then(|f| {
        (f.every_nth > 0).then_some(Faults {
            every_nth: f.every_nth,
            kind: f.kind,
            max_faults: f.max_faults,
        })
    });
    let (Some(request), Some(response), Some(wire)) = (request, response, wire) else {
        return Err(ps);
    };
    let codec = wire.codec;
    let answer = |key: &str, fields: &Map<String, Value>, ps: &mut Problems| {
        encode(&response, codec, &Value::Object(fields.clone()))
            .map_err(|e| ps.push((key.into(), e)))
            .unwrap_or_default()
    };
    let not_found = answer("not_found", &h.not_found, &mut ps);
    let invalid = match &h.invalid {
        Some(f) => answer("invalid", f, &mut ps),
        None => not_found.clone(),
    };
    let protocol = super::protocol::validate(
        h.protocol.as_deref(),
        h.ims.as_ref(),
        h.cics.as_ref(),
        &mut ps,
    );
    let behaviour = match h.mode {
        Mode::Lookup => lookup(h, &request, &response, codec, read, &mut ps),
        Mode::Append => append(h, &response, codec, &mut ps),
    };
    if !ps.is_empty() {
        return Err(ps);
    }
    let next_seq = AtomicU64::new(h.sequence.as_ref().map_or(1, |s| s.start));
    Ok(Host {
        name: h.name.clone(),
        listen: h.listen.clone(),
        framing: wire.framing,
        codec,
        request,
        response,
        behaviour,
        not_found: Bytes::from(not_found),
        invalid: Bytes::from(invalid),
        latency: Duration::from_millis(h.latency_ms),
        faults,
        next_seq,
        protocol,
    })
}

/// Settings that belong to the other mode are refused rather than silently ignored.
fn refuse(ps: &mut Problems, present: bool, key: &str, mode: &str) {
    if present {
        ps.push((key.into(), format!("only used with mode = \"{mode}\"")));
    }
}

fn lookup(
    h: &HostConfig,
    request: &Layout,
    response: &Layout,
    codec: CodecOptions,
    read: &dyn Fn(&str) -> Result<String, String>,
    ps: &mut Problems,
) -> Behaviour {
    refuse(ps, !h.reply.is_empty(), "reply", "append");
    refuse(ps, h.sequence.is_some(), "sequence", "append");
    refuse(ps, h.timestamp.is_some(), "timestamp", "append");
    let empty = Behaviour::Lookup {
        key: Vec::new(),
        index: KeyIndex::default(),
        answers: Vec::new(),
    };
    let Some(key) = &h.key else {
        ps.push(("key".into(), "required with mode = \"lookup\"".into()));
        return empty;
    };
    let (req_key, rsp_key) = (split(&key.request), split(&key.response));
    if !field_at(request, &req_key).is_some_and(|f| matches!(f.kind, FieldKind::Item(_))) {
        ps.push((
            "key.request".into(),
            format!(
                "no elementary field `{}` in the request layout",
                key.request
            ),
        ));
    }
    if !field_at(response, &rsp_key).is_some_and(|f| matches!(f.kind, FieldKind::Item(_))) {
        ps.push((
            "key.response".into(),
            format!(
                "no elementary field `{}` in the response layout",
                key.response
            ),
        ));
    }
    let Some(records) = &h.records else {
        ps.push(("records".into(), "required with mode = \"lookup\"".into()));
        return empty;
    };
    let text = match read(records) {
        Ok(t) => t,
        Err(e) => {
            ps.push(("records".into(), e));
            return empty;
        }
    };
    let mut index = KeyIndex::new(key.ignore_case);
    let mut answers = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut bad =
            |m: String| ps.push(("records".into(), format!("{records} line {}: {m}", n + 1)));
        let mut record = match serde_json::from_str::<Value>(line) {
            Ok(v) if v.is_object() => v,
            Ok(_) => {
                bad("not a JSON object".into());
                continue;
            }
            Err(e) => {
                bad(format!("invalid JSON: {e}"));
                continue;
            }
        };
        let keys = values_at(&record, &rsp_key);
        if keys.is_empty() {
            bad(format!("no key at `{}`", key.response));
        }
        keys.into_iter()
            .for_each(|k| index.insert(k, answers.len()));
        if let Value::Object(m) = &mut record {
            merge(m, &h.found);
        }
        match encode(response, codec, &record) {
            Ok(bytes) => answers.push(Bytes::from(bytes)),
            Err(e) => bad(e),
        }
    }
    if answers.is_empty() && !ps.iter().any(|(k, _)| k == "records") {
        ps.push(("records".into(), format!("{records} holds no records")));
    }
    Behaviour::Lookup {
        key: req_key,
        index,
        answers,
    }
}

fn append(h: &HostConfig, response: &Layout, codec: CodecOptions, ps: &mut Problems) -> Behaviour {
    refuse(ps, h.records.is_some(), "records", "lookup");
    refuse(ps, h.key.is_some(), "key", "lookup");
    refuse(ps, !h.found.is_empty(), "found", "lookup");
    if let Err(e) = encode(response, codec, &Value::Object(h.reply.clone())) {
        ps.push(("reply".into(), e));
    }
    let sequence = h.sequence.as_ref().and_then(|s| {
        let path = split(&s.field);
        let text = match field_type(response, &path) {
            Some(DataType::Alphanumeric { .. } | DataType::National { .. }) => true,
            Some(_) if s.prefix.is_empty() => false,
            Some(_) => {
                ps.push((
                    "sequence.prefix".into(),
                    "only text fields take a prefix".into(),
                ));
                return None;
            }
            None => {
                ps.push((
                    "sequence.field".into(),
                    format!("no elementary field `{}` in the response layout", s.field),
                ));
                return None;
            }
        };
        Some(Sequence {
            path,
            prefix: s.prefix.clone(),
            text,
        })
    });
    let timestamp = h.timestamp.as_ref().and_then(|t| {
        let path = split(t);
        let (text, room) = match field_type(response, &path) {
            Some(DataType::Alphanumeric { len }) => (true, *len),
            Some(
                DataType::Zoned { pic, .. }
                | DataType::Packed { pic }
                | DataType::Binary { pic, .. }
                | DataType::CompX { pic, .. }
                | DataType::Comp6 { pic },
            ) if pic.scale == 0 => (false, usize::from(pic.digits)),
            _ => {
                ps.push((
                    "timestamp".into(),
                    format!("`{t}` must be a text or whole-number field of the response"),
                ));
                return None;
            }
        };
        if room < 8 {
            ps.push((
                "timestamp".into(),
                format!("`{t}` is too small for YYYYMMDD"),
            ));
            return None;
        }
        Some(Stamp {
            path,
            date_only: room < 14,
            text,
        })
    });
    Behaviour::Append {
        reply: h.reply.clone(),
        sequence,
        timestamp,
    }
}

fn field_type<'l>(layout: &'l Layout, path: &[String]) -> Option<&'l DataType> {
    match &field_at(layout, path)?.kind {
        FieldKind::Item(t) => Some(t),
        FieldKind::Group(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REQ: &str = "       01  REQ.\n           05  VRM  PIC X(4).\n";
    const RSP: &str = "       01  RSP.\n           05  RC   PIC 9(2).\n           05  VRM  PIC X(4).\n           05  AMT  PIC S9(3)V99 COMP-3.\n";

    fn load(text: &str, records: &str) -> Result<MockSet, Vec<Problem>> {
        let records = records.to_string();
        load_with(text, "t.toml", &move |name| match name {
            "req.cpy" => Ok(REQ.into()),
            "rsp.cpy" => Ok(RSP.into()),
            "recs.jsonl" => Ok(records.clone()),
            other => Err(format!("cannot read {other}")),
        })
    }

    fn paths(ps: &[Problem]) -> Vec<&str> {
        ps.iter().map(|p| p.path.as_str()).collect()
    }

    const HEAD: &str = "[[host]]\nname = \"v\"\nrequest = { copybook = \"req.cpy\" }\nresponse = { copybook = \"rsp.cpy\" }\n";

    #[test]
    fn a_good_lookup_host_loads_with_defaults() {
        // Defaults: port 0, len4, cp037; one answer per record line.
        let s = load(
            &format!("{HEAD}records = \"recs.jsonl\"\nkey = {{ request = \"vrm\", response = \"vrm\" }}\n"),
            "{\"vrm\":\"A1\",\"amt\":\"1.50\"}\n",
        )
        .unwrap();
        let h = &s.hosts[0];
        assert_eq!(h.listen, "127.0.0.1:0");
        assert_eq!(h.framing, BackendFraming::Len4);
        assert!(matches!(&h.behaviour, Behaviour::Lookup { answers, .. } if answers.len() == 1));
        assert!(s.status_listen.is_none());
    }

    #[test]
    fn wire_keys_are_the_backends() {
        // A host takes a backend's wire keys, defaults and checks: trunc included.
        let ok = format!("{HEAD}mode = \"append\"\ntrunc = \"std\"\ndialect = \"gnucobol\"\n");
        let s = load(&ok, "").unwrap();
        let codec = s.hosts[0].codec;
        assert_eq!(codec.trunc, ferrule_parsers::dialect::Trunc::Std);
        assert_eq!(
            Some(codec.dialect),
            ferrule_parsers::dialect::Dialect::by_name("gnucobol")
        );
        let bad = format!("{HEAD}mode = \"append\"\ntrunc = \"never\"\n");
        assert_eq!(paths(&load(&bad, "").unwrap_err()), vec!["host[0].trunc"]);
        // A wrong type among them is located by line, as toml's own errors are.
        let e = load(&format!("{HEAD}delimiter = \"nl\"\n"), "").unwrap_err();
        assert!(
            e[0].message.starts_with("t.toml:5: invalid type"),
            "{}",
            e[0]
        );
    }

    #[test]
    fn every_problem_is_listed_with_its_path() {
        // Bad address, framing and code page, a field that does not exist in
        // not_found, an append-only setting, and a key the request layout lacks.
        let text = format!(
            "{HEAD}listen = \"nowhere\"\nframing = \"smoke\"\ncodepage = \"cp9999\"\n\
             records = \"recs.jsonl\"\nkey = {{ request = \"nope\", response = \"vrm\" }}\n\
             not_found = {{ rc = 4, colour = \"RED\" }}\nreply = {{ rc = 0 }}\n"
        );
        let ps = load(&text, "{\"vrm\":\"A1\"}\n").unwrap_err();
        let p = paths(&ps);
        for want in ["host[0].listen", "host[0].framing", "host[0].codepage"] {
            assert!(p.contains(&want), "{want} missing from {p:?}");
        }
        // With the code page unknown nothing is encoded; fix it to see the rest.
        let text = text.replace("cp9999", "cp037");
        let ps = load(&text, "{\"vrm\":\"A1\"}\n").unwrap_err();
        let p = paths(&ps);
        for want in ["host[0].not_found", "host[0].reply", "host[0].key.request"] {
            assert!(p.contains(&want), "{want} missing from {p:?}");
        }
        assert!(ps
            .iter()
            .any(|p| p.message.contains("unknown field `colour`")));
    }

    #[test]
    fn bad_record_lines_are_named_by_line() {
        // Line 1 fine, line 2 not JSON, line 3 an array, line 4 too long for X(4),
        // line 5 without a key.
        let recs = "{\"vrm\":\"A1\"}\n{oops\n[1]\n{\"vrm\":\"TOOLONG\"}\n{\"amt\":1}\n";
        let ps = load(
            &format!("{HEAD}records = \"recs.jsonl\"\nkey = {{ request = \"vrm\", response = \"vrm\" }}\n"),
            recs,
        )
        .unwrap_err();
        let msgs: Vec<_> = ps.iter().map(|p| p.message.as_str()).collect();
        assert!(msgs
            .iter()
            .any(|m| m.starts_with("recs.jsonl line 2: invalid JSON")));
        assert!(msgs
            .iter()
            .any(|m| m.starts_with("recs.jsonl line 3: not a JSON object")));
        assert!(msgs
            .iter()
            .any(|m| m.starts_with("recs.jsonl line 4: vrm: text of 7 bytes")));
        assert!(msgs
            .iter()
            .any(|m| m.starts_with("recs.jsonl line 5: no key at `vrm`")));
    }

    #[test]
    fn lookup_needs_key_and_records_and_append_refuses_them() {
        // lookup without key/records; append with them.
        let ps = load(HEAD, "").unwrap_err();
        assert_eq!(paths(&ps), vec!["host[0].key"]);
        let ps = load(
            &format!("{HEAD}key = {{ request = \"vrm\", response = \"vrm\" }}\n"),
            "",
        )
        .unwrap_err();
        assert_eq!(paths(&ps), vec!["host[0].records"]);
        let ps = load(
            &format!("{HEAD}mode = \"append\"\nrecords = \"recs.jsonl\"\nfound = {{ rc = 0 }}\n"),
            "",
        )
        .unwrap_err();
        assert_eq!(paths(&ps), vec!["host[0].records", "host[0].found"]);
    }

    #[test]
    fn append_sequence_and_timestamp_fields_are_checked() {
        // A prefix on a numeric field, a missing sequence field, a decimal timestamp.
        let ps = load(
            &format!("{HEAD}mode = \"append\"\nsequence = {{ field = \"rc\", prefix = \"X\" }}\ntimestamp = \"amt\"\n"),
            "",
        )
        .unwrap_err();
        assert_eq!(
            paths(&ps),
            vec!["host[0].sequence.prefix", "host[0].timestamp"]
        );
        let ps = load(
            &format!(
                "{HEAD}mode = \"append\"\nsequence = {{ field = \"none\" }}\ntimestamp = \"rc\"\n"
            ),
            "",
        )
        .unwrap_err();
        assert_eq!(
            paths(&ps),
            vec!["host[0].sequence.field", "host[0].timestamp"]
        );
    }

    #[test]
    fn file_level_problems() {
        // Unknown keys name the line; no hosts; duplicate names; a missing copybook.
        let e = load("[[host]]\nname = \"v\"\ncolour = 1\n", "").unwrap_err();
        assert!(
            e[0].message.starts_with("t.toml:3: unknown field `colour`"),
            "{}",
            e[0]
        );
        let e = load("host = []\nstatus_listen = \"x\"\n", "").unwrap_err();
        assert_eq!(paths(&e), vec!["status_listen", "host"]);
        let two = format!("{HEAD}mode = \"append\"\n{HEAD}mode = \"append\"\n");
        assert_eq!(paths(&load(&two, "").unwrap_err()), vec!["host[1].name"]);
        let missing = HEAD.replace("req.cpy", "gone.cpy") + "mode = \"append\"\n";
        let e = load(&missing, "").unwrap_err();
        assert_eq!(paths(&e), vec!["host[0].request.copybook"]);
        assert!(e[0].message.contains("cannot read gone.cpy"));
    }

    #[test]
    fn faults_with_zero_are_off() {
        // every_nth = 0 keeps the section but injects nothing.
        let s = load(
            &format!("{HEAD}mode = \"append\"\n[host.faults]\nevery_nth = 0\nkind = \"reset\"\n"),
            "",
        )
        .unwrap();
        assert!(s.hosts[0].faults.is_none());
    }
}
