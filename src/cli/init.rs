//! `ferrule init --copybook REQ --copybook RSP --backend HOST:PORT`: a starter
//! `ferrule.toml` with one route, which `ferrule check` accepts and `ferrule serve`
//! serves at once.
//!
//! Both copybooks are loaded first (a bad one is reported like every other command
//! reports it, and nothing is written); what can be guessed from them is guessed
//! (`guess`), the file is written with a comment on every line (`render`), and the text
//! is validated by the same checks as `ferrule check` before it reaches the disk.

mod guess;
mod relpath;
mod render;

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use clap::Args;
use ferrule_parsers::codepage::CodePage;
use ferrule_parsers::dialect::Dialect;
use ferrule_parsers::layout::Layout;

use super::problems::config_text_problems;
use super::{Failure, RecordLayoutArgs};
use crate::connector::BackendFraming;
use render::{Curl, Plan, Side, Status, TranCode};

#[derive(Args, Debug)]
pub struct InitArgs {
    /// The request copybook, then the response copybook: give --copybook twice (the same
    /// file twice, with --request-record/--response-record, when it holds both records).
    #[arg(long, short = 'c', value_name = "PATH", required = true)]
    copybook: Vec<PathBuf>,
    /// The 01 record of the request copybook to use, when it holds several.
    #[arg(long, value_name = "NAME")]
    request_record: Option<String>,
    /// The 01 record of the response copybook to use, when it holds several.
    #[arg(long, value_name = "NAME")]
    response_record: Option<String>,
    /// The legacy host: a tcp backend at HOST:PORT.
    #[arg(long, value_name = "HOST:PORT")]
    backend: String,
    /// Record framing on the wire: len4, len2, fixed, delimiter, rdw.
    #[arg(long, default_value = "len4", value_name = "NAME")]
    framing: String,
    /// Code page of text in the records (cp037, cp285, cp1047, cp1140, latin1, utf-8, ...).
    #[arg(long, default_value = "cp037", value_name = "NAME")]
    codepage: String,
    /// Compiler conventions of the records: ibm, gnucobol, microfocus.
    #[arg(long, default_value = "ibm", value_name = "NAME")]
    dialect: String,
    /// Backend and route name [default: the request record's 01 name without a -REQ
    /// suffix, in lower case, or the file name].
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// HTTP method. POST, PUT, PATCH: the JSON body is the request record. GET, DELETE:
    /// the record is built from --key and --set (GET needs --key).
    #[arg(long, default_value = "POST", value_name = "METHOD")]
    method: String,
    /// Request field taken from the URL (COBOL name, JSON name or dotted path): the route
    /// becomes /v1/NAME/{field}, with `set = { field = "{field}" }`.
    #[arg(long, value_name = "FIELD")]
    key: Option<String>,
    /// A request field set to a constant on every call, e.g. tran_code=VEHQ (repeatable).
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    set: Vec<String>,
    /// A value the host answers, for the printed example call: a request field (COBOL
    /// name, JSON name or dotted path) or a route parameter, e.g. vrm=AB12CDE
    /// (repeatable). A parameter's value also becomes the route's `examples` [default: a
    /// parameter's field's VALUE clause].
    #[arg(long = "example", value_name = "FIELD=VALUE")]
    example: Vec<String>,
    /// The response field whose value picks the HTTP status [default: the first field
    /// named like a return code: return_code, ret_code, rc, status_code, *_return_code].
    #[arg(long, value_name = "FIELD")]
    status_field: Option<String>,
    /// A return code value and the HTTP status it means, e.g. 4=404; `*=STATUS` for any
    /// other value (repeatable) [defaults: 0=200, *=502, and level-88 names such as
    /// NOT-FOUND=404 on the return code].
    #[arg(long = "status", value_name = "VALUE=STATUS")]
    status: Vec<String>,
    /// The route's path [default: /v1/NAME, then /{field} with --key].
    #[arg(long, value_name = "PATH")]
    path: Option<String>,
    /// Address the gateway listens on.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    listen: String,
    /// The file to write; copybook paths in it are relative to its directory.
    #[arg(long, short = 'o', default_value = "ferrule.toml", value_name = "FILE")]
    output: PathBuf,
    /// Overwrite --output when it exists.
    #[arg(long)]
    force: bool,
    /// Print the config on stdout instead of writing it (paths still relative to
    /// --output's directory, where it is meant to be saved).
    #[arg(long)]
    stdout: bool,
}

/// How many fields the curl example's body shows before it stops.
const BODY_EXAMPLE_FIELDS: usize = 12;

pub fn run(args: InitArgs) -> Result<(), Failure> {
    let [req_file, rsp_file] = args.copybook.as_slice() else {
        return Err(Failure::usage(format!(
            "error: --copybook needs to be given twice, the request copybook then the response copybook (got {})",
            args.copybook.len()
        )));
    };
    let address = host_port(&args.backend)
        .map_err(|e| Failure::usage(format!("error: --backend `{}`: {e}", args.backend)))?;
    check_options(&args)?;
    let method = args.method.to_ascii_uppercase();
    // Checked by `check_options`; the dialect sizes pointer items.
    let dialect = Dialect::by_name(&args.dialect).unwrap_or_default();
    let request = load(req_file, &args.request_record, dialect)?;
    let response = load(rsp_file, &args.response_record, dialect)?;
    let base = output_dir(&args.output)?;
    if !args.stdout && !args.force && args.output.exists() {
        return Err(refuse_overwrite(&args.output));
    }
    let plan = plan(
        &args,
        method,
        address,
        (req_file, &request),
        (rsp_file, &response),
        &base,
    )?;
    let config_name = args.output.display().to_string();
    let text = render::render(&plan, &config_name);
    validate(&text, &args.output)?;
    if args.stdout {
        std::io::stdout().lock().write_all(text.as_bytes())?;
        eprint!("{}", summary(&plan, "checked (not written)", &config_name));
        return Ok(());
    }
    write(&args.output, &text, args.force)?;
    print!(
        "{}",
        summary(&plan, &format!("wrote {config_name}"), &config_name)
    );
    Ok(())
}

/// Options checked before anything is read, so a typo is named as the option it is.
fn check_options(args: &InitArgs) -> Result<(), Failure> {
    let bad = |opt: &str, v: &str, why: String| {
        Err(Failure::usage(format!("error: --{opt} `{v}`: {why}")))
    };
    if let Err(e) = BackendFraming::parse(&args.framing, b'\n') {
        return bad("framing", &args.framing, e);
    }
    if CodePage::by_name(&args.codepage).is_none() {
        return bad(
            "codepage",
            &args.codepage,
            format!(
                "unknown code page (known: {})",
                CodePage::names().join(", ")
            ),
        );
    }
    if Dialect::by_name(&args.dialect).is_none() {
        return bad(
            "dialect",
            &args.dialect,
            "expected ibm, gnucobol or microfocus".into(),
        );
    }
    let method = args.method.to_ascii_uppercase();
    if !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method.as_str()) {
        return bad(
            "method",
            &args.method,
            "expected GET, POST, PUT, PATCH or DELETE".into(),
        );
    }
    if method == "GET" && args.key.is_none() {
        return Err(Failure::usage(
            "error: --method GET needs --key FIELD: the request field the URL carries (/v1/NAME/{field})",
        ));
    }
    if args.listen.parse::<SocketAddr>().is_err() {
        return bad(
            "listen",
            &args.listen,
            "expected an address like 127.0.0.1:8080".into(),
        );
    }
    if let Some(n) = &args.name {
        if !valid_name(n) {
            return bad(
                "name",
                n,
                "use letters, digits, `-`, `_` and `.` (it goes into the URL)".into(),
            );
        }
    }
    if let Some(p) = &args.path {
        if !p.starts_with('/') {
            return bad("path", p, "must start with /".into());
        }
    }
    Ok(())
}

fn valid_name(n: &str) -> bool {
    !n.is_empty()
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// `HOST:PORT` as a tcp backend takes it: a name or IPv4 address, or `[IPv6]`, and a
/// port from 1 to 65535.
fn host_port(s: &str) -> Result<String, String> {
    let s = s.trim();
    let expected = "expected HOST:PORT, e.g. 127.0.0.1:7001 or mainframe.example:3270";
    let (host, port) = s.rsplit_once(':').ok_or(expected)?;
    match port.parse::<u16>() {
        Ok(0) => return Err("port 0 is not a host's port".into()),
        Ok(_) => {}
        Err(_) => return Err(format!("`{port}` is not a port number; {expected}")),
    }
    let ok_host = if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        v6.parse::<std::net::Ipv6Addr>().is_ok()
    } else {
        !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    };
    if ok_host {
        Ok(s.to_string())
    } else {
        Err(format!(
            "`{host}` is not a host name or address; {expected}"
        ))
    }
}

/// A copybook through the records layer, its errors rendered as every command does
/// (file, line, column, what was expected).
fn load(file: &Path, record: &Option<String>, dialect: Dialect) -> Result<Layout, Failure> {
    RecordLayoutArgs {
        copybook: file.to_path_buf(),
        record: record.clone(),
        ..RecordLayoutArgs::default()
    }
    .load(dialect)
}

/// The output's directory, absolute (copybook paths are made relative to it).
fn output_dir(output: &Path) -> Result<PathBuf, Failure> {
    let dir = match output.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::canonicalize(dir).map_err(|e| {
        Failure::usage(format!(
            "error: --output {}: directory {}: {e}",
            output.display(),
            dir.display()
        ))
    })
}

fn refuse_overwrite(output: &Path) -> Failure {
    Failure::usage(format!(
        "error: {} exists; not overwritten (--force replaces it, --stdout prints instead)",
        output.display()
    ))
}

/// A copybook's path as the config names it.
fn config_path(file: &Path, base: &Path) -> Result<String, Failure> {
    let abs = std::fs::canonicalize(file)
        .map_err(|e| Failure::usage(format!("error: {}: {e}", file.display())))?;
    relpath::toml_path(&relpath::relative_to(&abs, base)).ok_or_else(|| {
        Failure::usage(format!(
            "error: {}: the path is not UTF-8 and cannot go into the config",
            file.display()
        ))
    })
}

/// `FIELD=VALUE` option values split.
fn pair<'a>(opt: &str, s: &'a str) -> Result<(&'a str, &'a str), Failure> {
    s.split_once('=')
        .map(|(k, v)| (k.trim(), v))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| Failure::usage(format!("error: --{opt} `{s}`: expected NAME=VALUE")))
}

type Loaded<'a> = (&'a PathBuf, &'a Layout);

/// Every decision about the file, from the options and the two layouts.
fn plan(
    args: &InitArgs,
    method: String,
    address: String,
    (req_file, request): Loaded,
    (rsp_file, response): Loaded,
    base: &Path,
) -> Result<Plan, Failure> {
    let stem = |f: &Path| {
        f.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let name = match &args.name {
        Some(n) => n.clone(),
        None => guess::route_name(&request.name, &stem(req_file)),
    };
    let side = |file: &Path, layout: &Layout, record: &Option<String>| -> Result<Side, Failure> {
        Ok(Side {
            copybook: config_path(file, base)?,
            record: record.clone(),
            record_name: layout.name.clone(),
            bytes: layout.max_len(),
        })
    };
    let req_side = side(req_file, request, &args.request_record)?;
    let rsp_side = side(rsp_file, response, &args.response_record)?;
    let field_error = |opt: &str, e: String| Failure::usage(format!("error: --{opt}: {e}"));

    // `set`: the key from the URL first, then the constants.
    let mut set: Vec<(String, String)> = Vec::new();
    let mut key_param = None;
    if let Some(k) = &args.key {
        let leaf = guess::find_leaf(request, k).map_err(|e| field_error("key", e))?;
        let param = param_name(&leaf.field.json_name);
        set.push((leaf.path, format!("{{{param}}}")));
        key_param = Some(param);
    }
    for s in &args.set {
        let (field, value) = pair("set", s)?;
        let leaf = guess::find_leaf(request, field).map_err(|e| field_error("set", e))?;
        if set.iter().any(|(p, _)| *p == leaf.path) {
            return Err(Failure::usage(format!(
                "error: --set `{s}`: `{}` is already set",
                leaf.path
            )));
        }
        set.push((leaf.path, value.to_string()));
    }
    let path = match (&args.path, &key_param) {
        (Some(p), _) => p.clone(),
        (None, Some(k)) => format!("/v1/{name}/{{{k}}}"),
        (None, None) => format!("/v1/{name}"),
    };

    let status = status_plan(args, response)?;
    let tran_code = tran_code(request, &set);
    let rename_example = guess::leaves(response)
        .into_iter()
        .map(|l| l.path)
        .find(|p| status.as_ref().is_none_or(|s| s.field != *p));
    let examples = examples(args, &method, &set, request)?;
    let curl = curl(args, &method, &path, &set, &examples, request, req_file);
    Ok(Plan {
        listen: args.listen.clone(),
        name,
        address,
        framing: args.framing.to_ascii_lowercase(),
        codepage: args.codepage.clone(),
        dialect: args.dialect.to_ascii_lowercase(),
        method,
        path,
        request: req_side,
        response: rsp_side,
        set,
        status,
        tran_code,
        rename_example,
        examples: examples.params,
        curl,
    })
}

/// A path parameter's name from a JSON field name (letters, digits, `_`).
fn param_name(json_name: &str) -> String {
    let p: String = json_name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if p.is_empty() {
        "key".into()
    } else {
        p
    }
}

/// The status map: `0` = 200, what the return code's level-88 names suggest, the user's
/// `--status` entries, and `*` (502 unless given).
fn status_plan(args: &InitArgs, response: &Layout) -> Result<Option<Status>, Failure> {
    let leaf = match &args.status_field {
        Some(f) => Some(
            guess::find_leaf(response, f)
                .map_err(|e| Failure::usage(format!("error: --status-field: {e}")))?,
        ),
        None => guess::return_code(response),
    };
    let Some(leaf) = leaf else {
        if !args.status.is_empty() {
            return Err(Failure::usage(format!(
                "error: --status: no return-code field found in {}; name it with --status-field",
                response.name
            )));
        }
        return Ok(None);
    };
    let mut map: Vec<(String, u16)> = vec![("0".into(), 200)];
    let mut notes = Vec::new();
    let put = |map: &mut Vec<(String, u16)>, k: String, v: u16| match map
        .iter_mut()
        .find(|(key, _)| *key == k)
    {
        Some(e) => e.1 = v,
        None => map.push((k, v)),
    };
    for (value, status, condition) in guess::condition_statuses(leaf.field) {
        notes.push(format!(
            "{value} = {status}: from the level-88 name {condition}"
        ));
        put(&mut map, value, status);
    }
    let mut default = 502;
    for s in &args.status {
        let (value, status) = pair("status", s)?;
        let status: u16 = status
            .trim()
            .parse()
            .ok()
            .filter(|n| (100..=599).contains(n))
            .ok_or_else(|| {
                Failure::usage(format!(
                    "error: --status `{s}`: `{status}` is not an HTTP status"
                ))
            })?;
        if value == "*" {
            default = status;
        } else {
            put(&mut map, value.to_string(), status);
        }
    }
    map.push(("*".into(), default));
    Ok(Some(Status {
        field: leaf.path,
        cobol: leaf.field.name.clone(),
        map,
        notes,
    }))
}

/// The request's transaction-code field, unless `set` fills it.
fn tran_code(request: &Layout, set: &[(String, String)]) -> Option<TranCode> {
    let t = guess::tran_code(request)?;
    if set.iter().any(|(p, _)| *p == t.path) {
        return None;
    }
    Some(TranCode {
        cobol: t.field.name.clone(),
        has_value: t.field.value.is_some(),
        path: t.path,
    })
}

/// Values the host answers, for the example call: per route parameter (written as the
/// route's `examples`) and per body field.
#[derive(Default)]
struct Examples {
    /// Parameter -> value, in the order first given.
    params: Vec<(String, String)>,
    /// Dotted request field path -> value.
    body: Vec<(String, String)>,
}

/// `--example` values sorted to parameters and body fields, then each parameter that
/// fills one field whole (`"{vrm}"`) and has none yet gets that field's VALUE clause.
fn examples(
    args: &InitArgs,
    method: &str,
    set: &[(String, String)],
    request: &Layout,
) -> Result<Examples, Failure> {
    let has_body = !matches!(method, "GET" | "DELETE");
    let params: Vec<&str> = set.iter().flat_map(|(_, v)| holes(v)).collect();
    let mut ex = Examples::default();
    for s in &args.example {
        let (name, value) = pair("example", s)?;
        let bad = |why: String| Failure::usage(format!("error: --example `{s}`: {why}"));
        let (to_param, key) = if params.contains(&name) {
            (true, name.to_string())
        } else {
            let leaf = guess::find_leaf(request, name).map_err(bad)?;
            match set.iter().find(|(p, _)| *p == leaf.path) {
                Some((_, t)) => match whole_param(t) {
                    Some(p) => (true, p.to_string()),
                    None if holes(t).is_empty() => {
                        return Err(bad(format!(
                            "`{}` is set to the constant `{t}` on every call",
                            leaf.path
                        )))
                    }
                    None => {
                        let ps: Vec<String> = holes(t).iter().map(|p| format!("{p}=VALUE")).collect();
                        return Err(bad(format!(
                            "`{}` is filled from `{t}`: give its parameters ({})",
                            leaf.path,
                            ps.join(", ")
                        )));
                    }
                },
                None if has_body => (false, leaf.path),
                None => {
                    return Err(bad(format!(
                        "`{}` is not sent: a {method} route builds the record from --key and --set only",
                        leaf.path
                    )))
                }
            }
        };
        let list = if to_param {
            &mut ex.params
        } else {
            &mut ex.body
        };
        if list.iter().any(|(k, _)| *k == key) {
            return Err(bad(format!("`{key}` has an example already")));
        }
        list.push((key, value.to_string()));
    }
    for (path, t) in set {
        let Some(p) = whole_param(t) else { continue };
        if ex.params.iter().any(|(k, _)| k == p) {
            continue;
        }
        let value = guess::find_leaf(request, path)
            .ok()
            .and_then(|l| guess::value_text(l.field));
        if let Some(v) = value {
            ex.params.push((p.to_string(), v));
        }
    }
    Ok(ex)
}

/// The parameter of a template that is one parameter whole (`"{vrm}"`).
fn whole_param(template: &str) -> Option<&str> {
    template
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .map(str::trim)
        .filter(|p| !p.is_empty() && !p.contains(['{', '}']))
}

/// Text for a URL path segment or query value: unreserved characters as they are,
/// every other byte `%XX` (which also keeps `'` out of the shell-quoted URL).
fn url_part(s: &str) -> String {
    crate::inbound::percent(s)
}

/// The curl command for the route, filled with the examples; what to fill in first
/// when values the host answers are not known; a note when the body was cut short.
fn curl(
    args: &InitArgs,
    method: &str,
    path: &str,
    set: &[(String, String)],
    examples: &Examples,
    request: &Layout,
    req_file: &Path,
) -> Curl {
    let host = match args.listen.parse::<SocketAddr>() {
        Ok(a) if a.ip().is_unspecified() => {
            let ip: IpAddr = if a.is_ipv4() {
                [127, 0, 0, 1].into()
            } else {
                std::net::Ipv6Addr::LOCALHOST.into()
            };
            SocketAddr::new(ip, a.port()).to_string()
        }
        _ => args.listen.clone(),
    };
    let example = |p: &str| {
        examples
            .params
            .iter()
            .find(|(k, _)| k == p)
            .map(|(_, v)| url_part(v))
    };
    let mut missing: Vec<&str> = Vec::new();
    let fill = |p: &str| -> String { example(p).unwrap_or_else(|| format!("<{p}>")) };
    // Parameters the path does not carry come from the query string.
    let in_path: Vec<&str> = path
        .split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .collect();
    let mut query = Vec::new();
    for p in set.iter().flat_map(|(_, v)| holes(v)) {
        if !in_path.contains(&p) && !query.iter().any(|(q, _): &(&str, String)| *q == p) {
            query.push((p, fill(p)));
        }
    }
    let mut url_path = path.to_string();
    for p in &in_path {
        url_path = url_path.replace(&format!("{{{p}}}"), &fill(p));
    }
    for p in in_path.iter().copied().chain(query.iter().map(|(q, _)| *q)) {
        if example(p).is_none() && !missing.contains(&p) {
            missing.push(p);
        }
    }
    let mut url = format!("http://{host}{url_path}");
    if !query.is_empty() {
        let q: Vec<String> = query.iter().map(|(p, v)| format!("{p}={v}")).collect();
        url = format!("{url}?{}", q.join("&"));
    }
    let verb = if method == "GET" {
        String::new()
    } else {
        format!("-X {method} ")
    };
    let has_body = !matches!(method, "GET" | "DELETE");
    let skip: Vec<String> = set.iter().map(|(p, _)| p.clone()).collect();
    let mut fill_first = (!missing.is_empty()).then(|| {
        let shown: Vec<String> = missing.iter().map(|p| format!("<{p}>")).collect();
        let flags: Vec<String> = missing
            .iter()
            .map(|p| format!("--example {p}=VALUE"))
            .collect();
        format!(
            "replace {} with what the host knows (init {} writes it here)",
            shown.join(", "),
            flags.join(" ")
        )
    });
    if !has_body {
        return Curl {
            lines: vec![format!("curl {verb}'{url}'")],
            fill_first,
            note: None,
        };
    }
    if fill_first.is_none() && examples.params.is_empty() && examples.body.is_empty() {
        // Blanks and zeros would only find nothing: say which field to give a value.
        fill_first = guess::field_to_fill(request, &skip).map(|f| {
            format!(
                "fill in \"{f}\" below with a value the host knows first; blanks find nothing \
                 (init --example {f}=VALUE writes it here)"
            )
        });
    }
    let (body, cut) = guess::body_example(request, &skip, &examples.body, BODY_EXAMPLE_FIELDS);
    let body = serde_json::to_string(&body)
        .unwrap_or_default()
        .replace('\'', "'\\''");
    let note = cut.then(|| {
        format!(
            "(the first {BODY_EXAMPLE_FIELDS} fields; `ferrule layout --copybook {}` lists them all)",
            req_file.display()
        )
    });
    Curl {
        lines: vec![
            format!("curl {verb}'{url}' -H 'content-type: application/json'"),
            format!("-d '{body}'"),
        ],
        fill_first,
        note,
    }
}

/// The `{param}` names in a `set` value.
fn holes(v: &str) -> Vec<&str> {
    v.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(p, _)| p.trim()))
        .filter(|p| !p.is_empty())
        .collect()
}

/// The text through the checks `ferrule check` runs, as if it were the output file.
fn validate(text: &str, output: &Path) -> Result<(), Failure> {
    let gateway = crate::config::load_str(text, output)
        .map_err(|ps| config_text_problems(output.display(), text, &ps))?;
    let problems = crate::gateway::path_problems(&gateway.routes);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(config_text_problems(output.display(), text, &problems))
    }
}

/// Writes the file; without `force`, only if it does not exist (checked again here, so
/// a file that appeared meanwhile is not replaced either).
fn write(output: &Path, text: &str, force: bool) -> Result<(), Failure> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true);
    if force {
        opts.create(true).truncate(true);
    } else {
        opts.create_new(true);
    }
    let mut f = opts.open(output).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            refuse_overwrite(output)
        } else {
            Failure::usage(format!("error: cannot write {}: {e}", output.display()))
        }
    })?;
    f.write_all(text.as_bytes())
        .map_err(|e| Failure::data(format!("error: cannot write {}: {e}", output.display())))
}

/// What was decided, and the commands to run next.
fn summary(plan: &Plan, headline: &str, config_name: &str) -> String {
    let mut s = format!("{headline}\n");
    s.push_str(&format!(
        "  backend {}: tcp {}, {} framing, {}, {}\n",
        plan.name, plan.address, plan.framing, plan.codepage, plan.dialect
    ));
    s.push_str(&format!(
        "  route {} {}: {} ({} bytes) -> {} ({} bytes)\n",
        plan.method,
        plan.path,
        plan.request.record_name,
        plan.request.bytes,
        plan.response.record_name,
        plan.response.bytes
    ));
    match &plan.status {
        Some(st) => {
            let map: Vec<String> = st.map.iter().map(|(k, v)| format!("{k} -> {v}")).collect();
            s.push_str(&format!(
                "  status from {}: {} (left out of the JSON)\n",
                st.field,
                map.join(", ")
            ));
        }
        None => s.push_str("  no return-code field found: every answer is 200\n"),
    }
    if let Some(t) = plan.tran_code.as_ref().filter(|t| !t.has_value) {
        s.push_str(&format!(
            "  note: {} has no VALUE clause; if the host expects a transaction code, add it \
             (init --set {}=CODE, or `set` in the file)\n",
            t.cobol, t.path
        ));
    }
    s.push_str("next:\n");
    s.push_str(&format!("  ferrule check --config {config_name}\n"));
    s.push_str(&format!("  ferrule serve --config {config_name}\n"));
    if let Some(f) = &plan.curl.fill_first {
        s.push_str(&format!("  # {f}\n"));
    }
    let n = plan.curl.lines.len();
    for (i, l) in plan.curl.lines.iter().enumerate() {
        let cont = if i + 1 < n { " \\" } else { "" };
        let indent = if i == 0 { "  " } else { "    " };
        s.push_str(&format!("{indent}{l}{cont}\n"));
    }
    if let Some(note) = &plan.curl.note {
        s.push_str(&format!("  # {note}\n"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_addresses() {
        // Names, IPv4 and bracketed IPv6 with a port are accepted as written.
        assert_eq!(host_port("127.0.0.1:7001").unwrap(), "127.0.0.1:7001");
        assert_eq!(host_port("mf.example:3270").unwrap(), "mf.example:3270");
        assert_eq!(host_port("[::1]:7001").unwrap(), "[::1]:7001");
        // No port, a bad port, port 0, a URL, an empty host, bare IPv6: refused.
        for bad in [
            "localhost",
            "host:http",
            "host:70000",
            "host:0",
            "http://host:80",
            ":7001",
            "::1:7001",
            "[nope]:1",
        ] {
            assert!(host_port(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn holes_in_values() {
        // Whole, mixed and absent parameters.
        assert_eq!(holes("{vrm}"), vec!["vrm"]);
        assert_eq!(holes("REF-{id}-{n}"), vec!["id", "n"]);
        assert!(holes("VEHQ").is_empty());
        // An unclosed brace holds no parameter.
        assert!(holes("{oops").is_empty());
    }

    #[test]
    fn whole_params_and_url_parts() {
        assert_eq!(whole_param("{vrm}"), Some("vrm"));
        // A constant, a mixed template, two parameters: not one parameter whole.
        assert_eq!(whole_param("VEHQ"), None);
        assert_eq!(whole_param("REF-{id}"), None);
        assert_eq!(whole_param("{a}{b}"), None);
        assert_eq!(whole_param("{}"), None);
        // Unreserved characters stay; spaces, quotes, slashes and UTF-8 are escaped.
        assert_eq!(url_part("AB12CDE"), "AB12CDE");
        assert_eq!(url_part("O'NEIL J/R"), "O%27NEIL%20J%2FR");
        assert_eq!(url_part("é"), "%C3%A9");
    }

    #[test]
    fn param_names() {
        assert_eq!(param_name("vrm"), "vrm");
        // Characters a path parameter cannot hold become `_`.
        assert_eq!(param_name("a$b"), "a_b");
        assert_eq!(param_name(""), "key");
    }
}
