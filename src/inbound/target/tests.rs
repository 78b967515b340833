use super::*;
use serde_json::json;

#[test]
fn bodies_keep_whole_field_types_and_render_mixed_text() {
    let spec = BodySpec::Fields(vec![
        (
            vec!["a".into(), "n".into()],
            super::super::text::Text::parse("{n}").unwrap(),
        ),
        (
            vec!["ref".into()],
            super::super::text::Text::parse("R-{n}").unwrap(),
        ),
    ]);
    let b = body(&spec, &json!({"n": 12})).unwrap();
    let v: Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(v, json!({"a": {"n": 12}, "ref": "R-12"}));
    assert!(body(&BodySpec::None, &json!({})).is_none());
    let b = body(&BodySpec::Record, &json!({"x": "y"})).unwrap();
    assert_eq!(&b[..], br#"{"x":"y"}"#);
}

#[test]
fn urls_need_a_scheme_and_holes_after_the_host() {
    let base = Path::new(".");
    assert_eq!(https_tls("http://h:1/a/{x}", None, base), Ok(None));
    assert_eq!(https_tls("http://h:1/{x}", None, base), Ok(None));
    let e = https_tls("http://{host}/a", None, base).unwrap_err();
    assert_eq!(e.0, "url");
    let e = https_tls("ftp://h/a", None, base).unwrap_err();
    assert_eq!(e.0, "url");
    let e = https_tls("https://h/a", None, base).unwrap_err();
    assert_eq!(e.0, "tls");
}

/// A CA, and an HTTPS API for `localhost` signed by it, answering `GET /x/{anything}`
/// with `{"name": "..."}` when the bearer token is `s3cret` or the `X-Api-Key` header
/// `k-9`, 401 otherwise.
async fn https_api(dir: &Path) -> u16 {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_key = KeyPair::generate().unwrap();
    let ca = p.self_signed(&ca_key).unwrap();
    std::fs::write(dir.join("ca.pem"), ca.pem()).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&key, &ca, &ca_key)
        .unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![cert.der().clone()],
        rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der()).unwrap(),
    )
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let app = axum::Router::new().route(
        "/x/{name}",
        axum::routing::get(
            |axum::extract::Path(name): axum::extract::Path<String>,
             headers: axum::http::HeaderMap| async move {
                let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
                let key = headers.get("x-api-key").and_then(|v| v.to_str().ok());
                if auth != Some("Bearer s3cret") && key != Some("k-9") {
                    return (axum::http::StatusCode::UNAUTHORIZED, String::new());
                }
                let trace = headers.get("traceparent").and_then(|v| v.to_str().ok());
                let mut answer = json!({ "name": name, "traceparent": trace });
                if let Some(r) = headers.get("x-ref").and_then(|v| v.to_str().ok()) {
                    answer["x_ref"] = json!(r);
                }
                (axum::http::StatusCode::OK, answer.to_string())
            },
        ),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = l.accept().await else {
                return;
            };
            let (acceptor, app) = (acceptor.clone(), app.clone());
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let service = hyper_util::service::TowerToHyperService::new(app);
                let _ = hyper_util::server::conn::auto::Builder::new(
                    hyper_util::rt::TokioExecutor::new(),
                )
                .serve_connection(hyper_util::rt::TokioIo::new(tls), service)
                .await;
            });
        }
    });
    port
}

#[tokio::test]
async fn https_apis_are_called_with_the_ca_given_and_the_bearer_token() {
    let dir = tempfile::tempdir().unwrap();
    let port = https_api(dir.path()).await;
    let text = crate::inbound::testing::one_route(
        &format!("https://localhost:{port}/x/{{postcode}}"),
        "tls = { ca = \"ca.pem\" }\n\
         credentials = { bearer_env = \"FERRULE_TEST_INBOUND_TOKEN\" }\n\
         errors = { field = \"result_code\", map = { \"*\" = 12 } }",
    );
    let g = crate::inbound::testing::load(dir.path(), &text);
    let route = &g.inbound.routes[0];
    let record = json!({"tran_code": "ADDRQ", "postcode": "AB 1", "house_no": 1});
    let trace = TraceContext::start(&axum::http::HeaderMap::new());
    // The token unset: no call, `unreachable` naming the variable.
    let e = route.target.call(route, &record, &trace).await.unwrap_err();
    assert!(
        matches!(&e, CallError::Unreachable(m) if m.contains("FERRULE_TEST_INBOUND_TOKEN")),
        "{e:?}"
    );
    std::env::set_var("FERRULE_TEST_INBOUND_TOKEN", "wrong");
    assert_eq!(
        route
            .target
            .call(route, &record, &trace)
            .await
            .unwrap()
            .status,
        401
    );
    std::env::set_var("FERRULE_TEST_INBOUND_TOKEN", "s3cret");
    let a = route.target.call(route, &record, &trace).await.unwrap();
    assert_eq!(a.status, 200);
    // The record's trace reaches the API.
    let sent = trace.traceparent(trace.span_id);
    let expected = json!({"name": "AB 1", "traceparent": sent.to_str().unwrap()});
    assert_eq!(serde_json::from_slice::<Value>(&a.body).unwrap(), expected);
}

#[tokio::test]
async fn api_keys_are_sent_in_the_configured_header() {
    let dir = tempfile::tempdir().unwrap();
    let port = https_api(dir.path()).await;
    let text = crate::inbound::testing::one_route(
        &format!("https://localhost:{port}/x/{{postcode}}"),
        "tls = { ca = \"ca.pem\" }\n\
         credentials = { api_key = { header = \"X-Api-Key\", env = \"FERRULE_TEST_INBOUND_KEY\" } }\n\
         errors = { field = \"result_code\", map = { \"*\" = 12 } }",
    );
    let g = crate::inbound::testing::load(dir.path(), &text);
    let route = &g.inbound.routes[0];
    let record = json!({"tran_code": "ADDRQ", "postcode": "AB 1", "house_no": 1});
    let trace = TraceContext::start(&axum::http::HeaderMap::new());
    std::env::set_var("FERRULE_TEST_INBOUND_KEY", "k-9");
    let a = route.target.call(route, &record, &trace).await.unwrap();
    assert_eq!(a.status, 200);
    // A value that cannot be a header value fails the call, without the value in the message.
    std::env::set_var("FERRULE_TEST_INBOUND_KEY", "k-9\nX: y");
    let e = route.target.call(route, &record, &trace).await.unwrap_err();
    assert!(
        matches!(&e, CallError::Unreachable(m) if !m.contains("k-9")),
        "{e:?}"
    );
    // Two kinds of credentials, or a header Ferrule sets itself: named at their keys.
    let both = text.replace("credentials = { ", "credentials = { bearer_env = \"T\", ");
    let ps = crate::config::load_str(&both, &dir.path().join("ferrule.toml")).unwrap_err();
    assert_eq!(ps[0].path, "inbound[0].credentials", "{ps:?}");
    let ours = text.replace("\"X-Api-Key\"", "\"Traceparent\"");
    let ps = crate::config::load_str(&ours, &dir.path().join("ferrule.toml")).unwrap_err();
    assert_eq!(
        ps[0].path, "inbound[0].credentials.api_key.header",
        "{ps:?}"
    );
}

#[tokio::test]
async fn headers_are_filled_from_the_record_and_never_sent_altered() {
    let dir = tempfile::tempdir().unwrap();
    let port = https_api(dir.path()).await;
    let text = crate::inbound::testing::one_route(
        &format!("https://localhost:{port}/x/{{postcode}}"),
        "tls = { ca = \"ca.pem\" }\n\
         headers = { \"X-Ref\" = \"R-{postcode}-{house_no}\" }\n\
         credentials = { api_key = { header = \"X-Api-Key\", env = \"FERRULE_TEST_HEADERS_KEY\" } }\n\
         errors = { field = \"result_code\", map = { \"*\" = 12 } }",
    );
    std::env::set_var("FERRULE_TEST_HEADERS_KEY", "k-9");
    let g = crate::inbound::testing::load(dir.path(), &text);
    let route = &g.inbound.routes[0];
    let trace = TraceContext::start(&axum::http::HeaderMap::new());
    let record = json!({"tran_code": "ADDRQ", "postcode": "AB 1", "house_no": 7});
    let a = route.target.call(route, &record, &trace).await.unwrap();
    let answer: Value = serde_json::from_slice(&a.body).unwrap();
    assert_eq!(answer["x_ref"], "R-AB 1-7", "{answer}");
    // A line break from the record would split the header: the call is refused instead.
    let record = json!({"tran_code": "ADDRQ", "postcode": "AB\r\nX: 1", "house_no": 7});
    let e = route.target.call(route, &record, &trace).await.unwrap_err();
    assert!(
        matches!(&e, CallError::Unreachable(m) if m.contains("header x-ref")),
        "{e:?}"
    );
    // Bad names, names Ferrule sets, unknown record fields: each named at its key.
    let bad = text.replace(
        "headers = { \"X-Ref\" = \"R-{postcode}-{house_no}\" }",
        "headers = { \"X Ref\" = \"a\", Host = \"b\", \"X-Ok\" = \"{nope}\" }",
    );
    let ps = crate::config::load_str(&bad, &dir.path().join("ferrule.toml")).unwrap_err();
    let mut paths: Vec<_> = ps.iter().map(|p| p.path.as_str()).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "inbound[0].headers.Host",
            "inbound[0].headers.X Ref",
            "inbound[0].headers.X-Ok"
        ],
        "{ps:?}"
    );
}
