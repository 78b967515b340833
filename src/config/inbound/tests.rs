use crate::config::{load_str, Problem};

/// A folder with the inbound test copybooks and `ferrule.toml` of `text`'s inbound part.
fn load(inbound: &str) -> Result<crate::config::Gateway, Vec<Problem>> {
    let dir = tempfile::tempdir().expect("temp dir");
    let cpy = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cobol/inbound");
    for f in ["addrq-req.cpy", "addrq-rsp.cpy", "addrl-rsp.cpy"] {
        std::fs::copy(format!("{cpy}/{f}"), dir.path().join(f)).expect("copy");
    }
    let text = format!("[server]\n{inbound}");
    load_str(&text, &dir.path().join("ferrule.toml"))
}

const LISTENER: &str = r#"
[[listener]]
name = "legacy"
listen = "127.0.0.1:0"
framing = "delimiter"
codepage = "latin1"
"#;

fn route(extra: &str) -> String {
    format!(
        r#"
[[inbound]]
name = "address"
listener = "legacy"
match = {{ field = "tran_code", value = "ADDRQ" }}
request = {{ copybook = "addrq-req.cpy" }}
response = {{ copybook = "addrq-rsp.cpy" }}
url = "http://127.0.0.1:9/addresses/{{postcode}}"
errors = {{ field = "result_code", message_field = "message_text", map = {{ "404" = 4, "*" = 12 }} }}
{extra}"#
    )
}

fn paths(ps: &[Problem]) -> Vec<&str> {
    ps.iter().map(|p| p.path.as_str()).collect()
}

#[test]
fn a_listener_and_its_route_load() {
    let g = match load(&format!(
        "{LISTENER}{}",
        route("method = \"post\"\nfields = { street = \"address.lines[0]\" }")
    )) {
        Ok(g) => g,
        Err(ps) => panic!("{ps:?}"),
    };
    let set = &g.inbound;
    assert_eq!(set.listeners.len(), 1);
    assert_eq!(
        set.listeners[0].framing,
        crate::connector::BackendFraming::Delimiter(b'\n')
    );
    let r = &set.routes[0];
    assert_eq!(r.method, "POST");
    // POST without `body`: the whole record goes.
    assert!(matches!(r.body, crate::inbound::spec::BodySpec::Record));
    // The match bytes are ADDRQ in Latin-1 at offset 0.
    assert!(r.matches.hit(b"ADDRQAB12CD  0012"));
    assert!(!r.matches.hit(b"ADDRXAB12CD  0012"));
    assert!(!r.matches.hit(b"ADD"));
    // No inbound tables: an empty set.
    assert!(load("").expect("valid").inbound.listeners.is_empty());
}

#[test]
fn every_problem_is_named_at_its_key() {
    let bad_listener = LISTENER
        .replace("\"delimiter\"", "\"len9\"")
        .replace("127.0.0.1:0", "nowhere");
    let ps = load(&format!(
        "{bad_listener}max_connections = 0\nquarantine_max_bytes = 0\n{}",
        route(
            "fields = { street = \"a[x]\", nothing = \"a\" }\n\
             query = { h = \"{missing}\" }\n\
             credentials = { bearer_env = \"T\", oauth2 = { token_url = \"http://t/\", \
             client_id_env = \"I\", client_secret_env = \"S\" } }\n\
             concurrency = 0"
        )
        .replace("\"404\" = 4", "\"404\" = 4, \"teapot\" = 5")
        .replace("field = \"tran_code\"", "field = \"nope\"")
    ))
    .expect_err("invalid");
    let mut got = paths(&ps);
    got.sort();
    assert_eq!(
        got,
        [
            "inbound[0].concurrency",
            "inbound[0].credentials",
            "inbound[0].errors.map.teapot",
            "inbound[0].fields.nothing",
            "inbound[0].fields.street",
            "inbound[0].match.field",
            "inbound[0].query.h",
            "listener[0].framing",
            "listener[0].listen",
            "listener[0].max_connections",
            "listener[0].quarantine_max_bytes",
        ],
        "{ps:?}"
    );
}

#[test]
fn routes_need_a_known_listener_a_fallback_code_and_tls_for_https() {
    let ps = load(&format!(
        "{LISTENER}{}",
        route("")
            .replace("listener = \"legacy\"", "listener = \"other\"")
            .replace(", \"*\" = 12", "")
            .replace("http://", "https://")
    ))
    .expect_err("invalid");
    let mut got = paths(&ps);
    got.sort();
    assert_eq!(
        got,
        [
            "inbound[0].errors.map",
            "inbound[0].listener",
            "inbound[0].tls",
            // The listener no route uses is named too.
            "listener[0]",
        ],
        "{ps:?}"
    );
    // A match value that does not fit its field.
    let ps = load(&format!(
        "{LISTENER}{}",
        route("").replace("value = \"ADDRQ\"", "value = \"TOOLONG\"")
    ))
    .expect_err("invalid");
    assert_eq!(paths(&ps), ["inbound[0].match.value"], "{ps:?}");
    // A message field that cannot hold text.
    let ps = load(&format!(
        "{LISTENER}{}",
        route("").replace(
            "message_field = \"message_text\"",
            "message_field = \"uprn\""
        )
    ))
    .expect_err("invalid");
    assert_eq!(paths(&ps), ["inbound[0].errors.message_field"], "{ps:?}");
    // Two listeners of one name, and an unknown key.
    let ps = load(&format!("{LISTENER}{LISTENER}color = 1\n{}", route(""))).expect_err("invalid");
    assert_eq!(paths(&ps), ["listener[1].color"], "{ps:?}");
    let ps = load(&format!("{LISTENER}{LISTENER}{}", route(""))).expect_err("invalid");
    assert_eq!(paths(&ps), ["listener[1].name"], "{ps:?}");
}

#[test]
fn a_fixed_listener_needs_one_request_length() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cpy = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cobol/inbound");
    for f in ["addrq-req.cpy", "addrq-rsp.cpy"] {
        std::fs::copy(format!("{cpy}/{f}"), dir.path().join(f)).expect("copy");
    }
    let fixed = LISTENER.replace("\"delimiter\"", "\"fixed\"");
    // The second route's request is the 104-byte response layout: not one length.
    let second = route("")
        .replace("name = \"address\"", "name = \"other\"")
        .replace("ADDRQ", "OTHER")
        .replace(
            "request = { copybook = \"addrq-req.cpy\" }",
            "request = { copybook = \"addrq-rsp.cpy\" }",
        )
        .replace("field = \"tran_code\"", "field = \"message_text\"")
        .replace("{postcode}", "x");
    let text = format!("[server]\n{fixed}{}{second}", route(""));
    let ps = load_str(&text, &dir.path().join("ferrule.toml")).expect_err("invalid");
    assert_eq!(paths(&ps), ["inbound[1].request"], "{ps:?}");
    assert!(ps[0].message.contains("104 bytes"), "{ps:?}");
    // With delimiter framing the lengths may differ.
    let text = format!("[server]\n{LISTENER}{}{second}", route(""));
    assert!(load_str(&text, &dir.path().join("ferrule.toml")).is_ok());
}

/// The route answering with the list layout (`addrl-rsp.cpy`: tables) and `fields`.
fn list_route(fields: &str) -> String {
    format!("{LISTENER}{}", route(fields)).replace("addrq-rsp.cpy", "addrl-rsp.cpy")
}

#[test]
fn table_entries_are_checked_against_the_layout_at_their_keys() {
    let good = list_route(
        "fields = { matches = { from = \"results\", each = { house = \"premises\" }, \
         count = \"match_count\", overflow = \"truncate\" }, tags = { from = \"tags\" }, \
         nearby = { from = \"near\", each = { name = \"town\" } }, message_text = \"note\" }",
    );
    let g = load(&good).unwrap_or_else(|ps| panic!("{ps:?}"));
    assert_eq!(g.inbound.routes[0].fields.len(), 4);
    let ps = load(&list_route(
        "fields = { nothing = { from = \"r\" }, result_code = { from = \"r\" }, \
         \"matches.phone\" = { from = \"p\" }, \
         matches = { from = \"r[\", each = { phone = \"p\", nope = \"x\", house = \"a[b]\" }, \
         count = \"matches\" }, \
         tags = { from = \"t\", each = { x = \"y\" } }, \
         nearby = { from = \"n\", each = { name = \"t\" }, count = \"match_count\" } }",
    ))
    .expect_err("invalid");
    let mut got = paths(&ps);
    got.sort();
    assert_eq!(
        got,
        [
            "inbound[0].fields.matches.count",
            "inbound[0].fields.matches.each.house",
            "inbound[0].fields.matches.each.nope",
            "inbound[0].fields.matches.each.phone",
            "inbound[0].fields.matches.from",
            "inbound[0].fields.matches.phone",
            "inbound[0].fields.nearby.count",
            "inbound[0].fields.nothing",
            "inbound[0].fields.result_code",
            "inbound[0].fields.tags.each",
        ],
        "{ps:?}"
    );
    let text = format!("{ps:?}");
    assert!(
        text.contains("OCCURS DEPENDING ON counter (NEAR-COUNT)"),
        "{text}"
    );
    // A table of groups needs `each`.
    let ps = load(&list_route("fields = { matches = { from = \"r\" } }")).expect_err("invalid");
    assert_eq!(paths(&ps), ["inbound[0].fields.matches.each"], "{ps:?}");
    // Unknown keys and overflow modes are named by serde, at the route.
    for (bad, word) in [
        ("tags = { from = \"t\", size = 3 }", "size"),
        ("tags = { from = \"t\", overflow = \"drop\" }", "truncate"),
        ("tags = 3", "a JSON path, or a table"),
    ] {
        let ps = load(&list_route(&format!("fields = {{ {bad} }}"))).expect_err("invalid");
        assert!(format!("{ps:?}").contains(word), "{bad}: {ps:?}");
    }
}
