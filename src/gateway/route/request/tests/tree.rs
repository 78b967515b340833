//! The request record built through the borrowed tree against the `Value` reference:
//! random bodies (valid and broken JSON; missing, extra, repeated and wrong-typed
//! fields), random `set` templates and parameters; the same record bytes, or the same
//! problems in the same order, and the same audit keys.

use std::sync::Arc;

use ferrule_parsers::json::Encoder;
use proptest::prelude::*;

use super::super::reference;
use super::*;
use crate::gateway::route::tests as route_tests;
use crate::gateway::route::RouteCtx;

const REQUEST: &str = "\
       01 Q.
           05 TRAN PIC X(4).
           05 VRM PIC X(8).
           05 FORCE PIC 9(2).
           05 OWNER.
              10 NAME PIC X(6).
              10 DOB PIC 9(8).
           05 AMT PIC S9(5)V99 COMP-3.
           05 TAGS PIC X(2) OCCURS 3.
           05 FILLER PIC X(5).
";

/// A route over `REQUEST` (POST `/t/{vrm}`) with these `set` fields and audit keys;
/// its backend is never called.
fn ctx(set: &[(String, String)]) -> RouteCtx {
    let Ok(mut c) = Arc::try_unwrap(route_tests::ctx(b"", None, None)) else {
        panic!("shared ctx");
    };
    let layout =
        ferrule_parsers::registry::load(REQUEST, "q.cpy", None, &Default::default()).unwrap();
    let mut spec = (*c.spec).clone();
    spec.request = Arc::new(layout);
    spec.set = set
        .iter()
        .map(|(f, t)| (p(f), Template::parse(t).unwrap()))
        .collect();
    spec.audit_keys = ["vrm", "owner.dob", "force", "tags"]
        .iter()
        .map(|k| (k.to_string(), p(k)))
        .collect();
    c.spec = Arc::new(spec);
    c
}

/// The record or the problems, and the audit keys read.
type Outcome = (Result<Vec<u8>, ApiError>, Vec<(String, String)>);

/// The reference: the body as `Value`, `set` applied, audit keys read, then encoded.
fn by_value(ctx: &RouteCtx, given: &Given<HashMap<String, String>>) -> Outcome {
    let spec = &ctx.spec;
    let mut keys = Vec::new();
    let r = (|| {
        let mut v = reference::parse_body(&given.body, spec.set.len())?;
        reference::apply_set(spec, &mut v, &given.path, &given.query)?;
        keys = reference::audit_keys(spec, &v);
        let mut enc = Encoder::new(&spec.request, ctx.backend.codec).unwrap();
        reference::encode(&mut enc, &v)
    })();
    (r, keys)
}

fn by_tree(ctx: &RouteCtx, given: &Given<HashMap<String, String>>) -> Outcome {
    let mut keys = Vec::new();
    let r = record(ctx, given, Some(&mut keys));
    (r, keys)
}

fn given(body: &str, vrm: Option<&str>, q: Option<&str>) -> Given<HashMap<String, String>> {
    Given {
        path: vrm
            .map(|v| ("vrm".to_string(), v.to_string()))
            .into_iter()
            .collect(),
        query: q
            .map(|v| ("q".to_string(), v.to_string()))
            .into_iter()
            .collect(),
        body: Bytes::copy_from_slice(body.as_bytes()),
    }
}

fn same(ctx: &RouteCtx, g: &Given<HashMap<String, String>>) {
    let (a, ka) = by_tree(ctx, g);
    let (b, kb) = by_value(ctx, g);
    assert_eq!(a, b, "body {:?}", String::from_utf8_lossy(&g.body));
    assert_eq!(ka, kb, "body {:?}", String::from_utf8_lossy(&g.body));
}

#[test]
fn the_tree_path_gives_the_reference_record_problems_and_keys() {
    let set = [
        ("tran".to_string(), "VEHQ".to_string()),
        ("vrm".to_string(), "{vrm}".to_string()),
        ("owner.dob".to_string(), "{q}".to_string()),
    ];
    let ctx = ctx(&set);
    for (body, vrm, q) in [
        // The GET of the benchmark: no body, everything from `set`.
        ("", Some("AB12CDE"), Some("19800101")),
        // A body with fields of its own, one `set` replaces.
        (
            r#"{"vrm":"ZZ","force":62,"owner":{"name":"SMITH"},"amt":"-12.5","tags":["A","B"]}"#,
            Some("AB12CDE"),
            Some("1"),
        ),
        // Every kind of bad field at once, and a missing parameter.
        (
            r#"{"force":"x","owner":{"nam":1},"amt":true,"tags":"A","extra":null}"#,
            None,
            Some("1"),
        ),
        // A value too long from the path, a date not a number.
        ("{}", Some("MUCH TOO LONG"), Some("1980-01")),
        // `owner` as text where `set` needs an object; a body that is not an object.
        (r#"{"owner":"x"}"#, Some("A"), Some("1")),
        ("[1,2]", Some("A"), Some("1")),
        ("7", Some("A"), Some("1")),
        // Broken JSON: the parser's message.
        (r#"{"vrm":"#, Some("A"), Some("1")),
        // Escapes and repeated keys.
        (
            r#"{"owner":{"name":"S\u00c9N"},"force":1,"force":"2"}"#,
            Some("A\"B"),
            Some("1"),
        ),
    ] {
        same(&ctx, &given(body, vrm, q));
    }
}

/// JSON text for the request layout: its field names and some others, values of every
/// kind (right and wrong types), repeated keys.
fn body() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        "-?[0-9]{1,9}(\\.[0-9]{1,3})?",
        "\"[A-Z0-9 .\\-]{0,10}\"",
        Just("\"S\\u00c9\"".to_string()),
    ];
    let value = leaf.prop_recursive(3, 24, 4, |inner| {
        let key = prop_oneof![
            Just("name".to_string()),
            Just("dob".to_string()),
            Just("nme".to_string()),
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec((key, inner), 0..4).prop_map(|v| {
                let m: Vec<String> = v.into_iter().map(|(k, x)| format!("\"{k}\":{x}")).collect();
                format!("{{{}}}", m.join(","))
            }),
        ]
    });
    let key = prop_oneof![
        Just("tran"),
        Just("vrm"),
        Just("force"),
        Just("owner"),
        Just("amt"),
        Just("tags"),
        Just("extra"),
        Just("filler"),
    ];
    let object = prop::collection::vec((key, value.clone()), 0..8).prop_map(|v| {
        let m: Vec<String> = v.into_iter().map(|(k, x)| format!("\"{k}\":{x}")).collect();
        format!("{{{}}}", m.join(","))
    });
    prop_oneof![
        6 => object,
        1 => Just(String::new()),
        1 => value,
        1 => "[{}\\[\\]\":,a-z0-9 ]{0,12}",
    ]
}

/// `set` fields: right and wrong places, constants, parameters and mixed templates.
fn set_fields() -> impl Strategy<Value = Vec<(String, String)>> {
    let field = prop_oneof![
        Just("tran"),
        Just("vrm"),
        Just("force"),
        Just("owner"),
        Just("owner.dob"),
        Just("owner.name"),
        Just("amt"),
        Just("tags"),
        Just("extra.deep"),
    ];
    let template = prop_oneof![
        Just("VEHQ"),
        Just("62"),
        Just("{vrm}"),
        Just("{q}"),
        Just("{other}"),
        Just("R-{vrm}"),
        Just("{q}{vrm}"),
    ];
    prop::collection::vec((field, template), 0..5).prop_map(|v| {
        v.into_iter()
            .map(|(f, t)| (f.to_string(), t.to_string()))
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_requests_give_the_reference_record_or_problems(
        set in set_fields(),
        body in body(),
        vrm in proptest::option::of("[A-Z0-9 ]{0,10}"),
        q in proptest::option::of("[0-9.\\-]{0,9}"),
    ) {
        let ctx = ctx(&set);
        same(&ctx, &given(&body, vrm.as_deref(), q.as_deref()));
    }
}
