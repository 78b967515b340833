//! The text of the starter `ferrule.toml`: every line written is explained by a
//! comment, and the options left at their defaults are listed, commented out, with
//! those defaults (taken from `config::defaults`, so they cannot drift).

use std::fmt::Write;

use crate::config::defaults;

/// One side of the route: the layout file as the config names it, and what it holds.
pub struct Side {
    /// Path relative to the config file's directory.
    pub copybook: String,
    /// `--request-record` / `--response-record`, when given.
    pub record: Option<String>,
    /// The 01 record's name (`VEHENQ-REQ`).
    pub record_name: String,
    pub bytes: usize,
}

/// The return code and what its values mean.
pub struct Status {
    /// Dotted JSON path.
    pub field: String,
    /// The COBOL name, for the comment.
    pub cobol: String,
    /// Value -> status, in the order written; `*` last.
    pub map: Vec<(String, u16)>,
    /// Where entries other than the defaults came from (one comment line each).
    pub notes: Vec<String>,
}

/// A transaction-code field the route leaves to the request.
pub struct TranCode {
    /// The COBOL name.
    pub cobol: String,
    /// Dotted JSON path.
    pub path: String,
    /// It has a VALUE clause (the encoder sends that value).
    pub has_value: bool,
}

/// Everything the file says, decided before a line is written.
pub struct Plan {
    pub listen: String,
    pub name: String,
    pub address: String,
    pub framing: String,
    pub codepage: String,
    pub dialect: String,
    pub method: String,
    pub path: String,
    pub request: Side,
    pub response: Side,
    /// Request field (dotted JSON path) -> template, in the order written.
    pub set: Vec<(String, String)>,
    pub status: Option<Status>,
    /// The request's transaction-code field, when `set` does not fill it.
    pub tran_code: Option<TranCode>,
    /// A response field to show `rename` with.
    pub rename_example: Option<String>,
    /// Parameter -> a value the host answers (`examples`), in the order written.
    pub examples: Vec<(String, String)>,
    pub curl: Curl,
}

/// The example call at the end of the file.
pub struct Curl {
    /// The command, one line per element (continued with `\`).
    pub lines: Vec<String>,
    /// A comment above the command (without `# `): what to fill in before running it,
    /// when no value the host answers is known.
    pub fill_first: Option<String>,
    /// A comment under it (without `# `), e.g. that the body was cut short.
    pub note: Option<String>,
}

/// A TOML basic string (`"..."`, with `\\`, `\"` and control characters escaped).
pub fn quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(q, "\\u{:04X}", u32::from(c));
            }
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

/// A TOML key: bare when it can be, quoted otherwise (dotted JSON paths are one key).
fn key(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        s.to_string()
    } else {
        quote(s)
    }
}

/// `{ k = "v", ... }` of `set`.
fn inline_strings(pairs: &[(String, String)]) -> String {
    let items: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{} = {}", key(k), quote(v)))
        .collect();
    format!("{{ {} }}", items.join(", "))
}

fn layout_ref(side: &Side) -> String {
    match &side.record {
        Some(r) => format!(
            "{{ copybook = {}, record = {} }}",
            quote(&side.copybook),
            quote(r)
        ),
        None => format!("{{ copybook = {} }}", quote(&side.copybook)),
    }
}

/// The file's text.
pub fn render(plan: &Plan, config_name: &str) -> String {
    let mut out = String::new();
    header(&mut out, plan, config_name);
    server(&mut out, plan);
    backend(&mut out, plan);
    route(&mut out, plan);
    footer(&mut out, plan);
    out
}

/// Where trailing comments start, and the widest line they may make.
const COMMENT_COLUMN: usize = 38;
const WIDTH: usize = 100;

/// `code` with `# comment` after it, the comments lined up; a comment that would make
/// the line too wide goes on its own line above.
fn line(out: &mut String, code: &str, comment: &str) {
    if comment.is_empty() {
        let _ = writeln!(out, "{code}");
    } else if code.len() <= COMMENT_COLUMN && COMMENT_COLUMN + 3 + comment.len() <= WIDTH {
        let _ = writeln!(out, "{code:<COMMENT_COLUMN$} # {comment}");
    } else {
        let _ = writeln!(out, "# {comment}\n{code}");
    }
}

fn comment(out: &mut String, text: &str) {
    let _ = writeln!(out, "# {text}");
}

fn header(out: &mut String, plan: &Plan, config_name: &str) {
    comment(
        out,
        "Written by `ferrule init`: one JSON route in front of one legacy host.",
    );
    for (what, side) in [("request: ", &plan.request), ("response:", &plan.response)] {
        comment(
            out,
            &format!(
                "  {what} {}, {} bytes ({})",
                side.record_name, side.bytes, side.copybook
            ),
        );
    }
    comment(
        out,
        &format!("  check it:  ferrule check --config {config_name}"),
    );
    comment(
        out,
        &format!("  serve it:  ferrule serve --config {config_name}"),
    );
    comment(
        out,
        "Paths are relative to this file. A commented `# key = value` line shows an option at its",
    );
    comment(
        out,
        "default: uncomment and edit it to change it. docs/configuration.md lists all.",
    );
    out.push('\n');
}

fn server(out: &mut String, plan: &Plan) {
    out.push_str("[server]\n");
    line(
        out,
        &format!("listen = {}", quote(&plan.listen)),
        "address the API listens on",
    );
    let d = [
        (
            format!("max_body_bytes = {}", defaults::max_body_bytes()),
            "largest request body (413 beyond)",
        ),
        (
            format!("max_header_bytes = {}", defaults::max_header_bytes()),
            "largest request head (431 beyond)",
        ),
        (
            format!(
                "header_read_timeout_ms = {}",
                defaults::header_read_timeout_ms()
            ),
            "a client must send its request head within this",
        ),
        (
            format!("max_connections = {}", defaults::max_connections()),
            "connections served at once",
        ),
        (
            format!("shutdown_grace_ms = {}", defaults::shutdown_grace_ms()),
            "calls in flight get this long on shutdown",
        ),
        (
            format!("log_format = {}", quote(&defaults::log_format())),
            "or \"json\"",
        ),
    ];
    for (code, what) in d {
        line(out, &format!("# {code}"), what);
    }
    comment(
        out,
        "HTTPS: add a [server.tls] table with cert = \"...\" and key = \"...\" (PEM files).",
    );
    out.push('\n');
}

fn backend(out: &mut String, plan: &Plan) {
    out.push_str(
        "# --- the legacy host ------------------------------------------------------------\n\n",
    );
    out.push_str("[[backend]]\n");
    line(
        out,
        &format!("name = {}", quote(&plan.name)),
        "routes name their backend by this",
    );
    line(
        out,
        "kind = \"tcp\"",
        "tcp | http (url = ...) | exec (command = ...)",
    );
    line(
        out,
        &format!("address = {}", quote(&plan.address)),
        "the host's HOST:PORT",
    );
    comment(
        out,
        "How records are cut on the wire: len4 (4-byte big-endian length first), len2, fixed",
    );
    comment(
        out,
        "(the record's own length), delimiter (a byte after each record: delimiter = 10), rdw.",
    );
    line(out, &format!("framing = {}", quote(&plan.framing)), "");
    line(
        out,
        &format!("codepage = {}", quote(&plan.codepage)),
        "cp037 (EBCDIC US), cp285 (UK), cp1047, latin1, utf-8, ...",
    );
    line(
        out,
        &format!("dialect = {}", quote(&plan.dialect)),
        "COMP-5, float, sign conventions: ibm | gnucobol | microfocus",
    );
    let d = [
        (
            format!("max_sessions = {}", defaults::max_sessions()),
            "never more concurrent connections to the host",
        ),
        (
            format!("max_queue = {}", defaults::max_queue()),
            "calls waiting for a connection (503 beyond)",
        ),
        (
            format!("queue_timeout_ms = {}", defaults::queue_timeout_ms()),
            "how long a call may wait for one (503)",
        ),
        (
            format!("timeout_ms = {}", defaults::timeout_ms()),
            "the whole exchange with the host (504 beyond)",
        ),
        (
            format!("connect_timeout_ms = {}", defaults::connect_timeout_ms()),
            "opening a connection",
        ),
        (
            "tls = { ca = \"host-ca.pem\" }".to_string(),
            "TLS towards the host (default: none)",
        ),
    ];
    for (code, what) in d {
        line(out, &format!("# {code}"), what);
    }
    out.push('\n');
}

fn route(out: &mut String, plan: &Plan) {
    out.push_str(
        "# --- the route ------------------------------------------------------------------\n\n",
    );
    let body = plan.method != "GET" && plan.method != "DELETE";
    if body {
        comment(
            out,
            "The JSON body is the request record: fields left out are sent as spaces or zeros (or",
        );
        comment(
            out,
            "their VALUE clause). The answer is the response record as JSON.",
        );
    } else {
        comment(
            out,
            "The request record is built from `set` (path and query parameters, constants); fields",
        );
        comment(
            out,
            "not set are sent as spaces or zeros (or their VALUE clause). The answer is the response",
        );
        comment(out, "record as JSON.");
    }
    out.push_str("[[route]]\n");
    line(
        out,
        &format!("method = {}", quote(&plan.method)),
        "GET | POST | PUT | PATCH | DELETE",
    );
    line(
        out,
        &format!("path = {}", quote(&plan.path)),
        "`{name}` segments are path parameters",
    );
    line(out, &format!("backend = {}", quote(&plan.name)), "");
    let pick = "add record = \"NAME\" to pick one 01 record of several";
    line(
        out,
        &format!("request = {}", layout_ref(&plan.request)),
        if plan.request.record.is_none() {
            pick
        } else {
            ""
        },
    );
    line(
        out,
        &format!("response = {}", layout_ref(&plan.response)),
        "",
    );
    if plan.set.is_empty() {
        line(
            out,
            "# set = { field = \"{param}\" }",
            "request fields from path/query parameters or constants",
        );
    } else {
        line(
            out,
            &format!("set = {}", inline_strings(&plan.set)),
            "request fields from path/query parameters or constants",
        );
    }
    if !plan.examples.is_empty() {
        comment(
            out,
            "A value per parameter that the host answers (--example or the field's VALUE clause):",
        );
        line(
            out,
            &format!("examples = {}", inline_strings(&plan.examples)),
            "shown by /docs and the OpenAPI document",
        );
    }
    tran_code(out, plan);
    status(out, plan);
    match &plan.rename_example {
        Some(f) => line(
            out,
            &format!("# rename = {{ {} = \"new_name\" }}", key(f)),
            "response fields renamed in the JSON",
        ),
        None => line(
            out,
            "# rename = { field = \"new_name\" }",
            "response fields renamed in the JSON",
        ),
    }
    comment(
        out,
        "Who may call: `auth = { ... }` with an [auth] section; an audit log: [audit] (see docs/security.md).",
    );
    out.push('\n');
}

/// Whether the transaction code is taken care of, and how to set it if not.
fn tran_code(out: &mut String, plan: &Plan) {
    let Some(t) = &plan.tran_code else {
        return;
    };
    if t.has_value {
        comment(
            out,
            &format!(
                "{} has a VALUE clause: the encoder sends it when the request leaves it out.",
                t.cobol
            ),
        );
        return;
    }
    comment(
        out,
        &format!(
            "{} has no VALUE clause: if the host expects a transaction code, set it:",
            t.cobol
        ),
    );
    let mut with = plan.set.clone();
    with.push((t.path.clone(), "CODE".into()));
    comment(out, &format!("set = {}", inline_strings(&with)));
}

fn status(out: &mut String, plan: &Plan) {
    let Some(s) = &plan.status else {
        comment(
            out,
            &format!(
                "No return-code field found in {}: every answer the host sends becomes 200. If it has one:",
                plan.response.record_name
            ),
        );
        comment(
            out,
            "status = { field = \"return_code\", map = { \"0\" = 200, \"4\" = 404, \"*\" = 502 } }",
        );
        line(
            out,
            "# omit = []",
            "response fields left out of the JSON (dotted paths)",
        );
        return;
    };
    let map: Vec<String> = s
        .map
        .iter()
        .map(|(k, v)| format!("{} = {v}", quote(k)))
        .collect();
    comment(
        out,
        &format!(
            "{} picks the HTTP status: a value not in the map takes `*`. Add the host's other codes,",
            s.cobol
        ),
    );
    comment(
        out,
        "e.g. \"4\" = 404 for \"no record\" (values compare as numbers: \"4\" matches 04).",
    );
    for n in &s.notes {
        comment(out, n);
    }
    line(
        out,
        &format!(
            "status = {{ field = {}, map = {{ {} }} }}",
            quote(&s.field),
            map.join(", ")
        ),
        "",
    );
    line(
        out,
        &format!("omit = [{}]", quote(&s.field)),
        "response fields left out of the JSON (dotted paths)",
    );
}

fn footer(out: &mut String, plan: &Plan) {
    comment(
        out,
        "Call it (with the host reachable and `ferrule serve` running):",
    );
    if let Some(f) = &plan.curl.fill_first {
        comment(out, f);
    }
    let n = plan.curl.lines.len();
    for (i, l) in plan.curl.lines.iter().enumerate() {
        let cont = if i + 1 < n { " \\" } else { "" };
        let indent = if i == 0 { "  " } else { "    " };
        comment(out, &format!("{indent}{l}{cont}"));
    }
    if let Some(note) = &plan.curl.note {
        comment(out, note);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_strings() {
        // Plain names stay bare; a dotted path is one quoted key.
        assert_eq!(key("tran_code"), "tran_code");
        assert_eq!(key("keeper.keeper_name"), "\"keeper.keeper_name\"");
        // Quotes and backslashes are escaped.
        assert_eq!(quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(
            inline_strings(&[("vrm".into(), "{vrm}".into())]),
            "{ vrm = \"{vrm}\" }"
        );
    }
}
