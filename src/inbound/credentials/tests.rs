use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};

#[test]
fn token_answers_are_read_or_refused() {
    let (t, life) = token_from(br#"{"access_token":"abc","expires_in":3600}"#).unwrap();
    assert_eq!((t.as_str(), life), ("abc", Duration::from_secs(3600)));
    // expires_in as a string (some servers), or absent: the default lifetime.
    let (_, life) = token_from(br#"{"access_token":"abc","expires_in":"120"}"#).unwrap();
    assert_eq!(life, Duration::from_secs(120));
    let (_, life) = token_from(br#"{"access_token":"abc"}"#).unwrap();
    assert_eq!(life, DEFAULT_LIFETIME);
    assert!(token_from(b"nope").unwrap_err().contains("not JSON"));
    assert!(token_from(br#"{"access_token":""}"#)
        .unwrap_err()
        .contains("no access_token"));
}

/// A token endpoint counting its calls; each token is `t<n>`.
async fn token_endpoint(calls: Arc<AtomicUsize>) -> String {
    use axum::routing::post;
    let app = axum::Router::new().route(
        "/token",
        post(move |headers: axum::http::HeaderMap, body: String| {
            let calls = Arc::clone(&calls);
            async move {
                let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
                // Basic base64("id:secret"), and the grant.
                let auth = headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                if auth != "Basic aWQ6c2VjcmV0"
                    || !body.starts_with("grant_type=client_credentials")
                {
                    return (axum::http::StatusCode::UNAUTHORIZED, String::new());
                }
                (
                    axum::http::StatusCode::OK,
                    format!(r#"{{"access_token":"t{n}","expires_in":3600}}"#),
                )
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await });
    format!("http://{addr}/token")
}

fn oauth2(url: &str, id_env: &str, secret_env: &str) -> Credentials {
    let c: OAuth2Config = toml::from_str(&format!(
        "token_url = \"{url}\"\nclient_id_env = \"{id_env}\"\nclient_secret_env = \"{secret_env}\"\nscope = \"addr.read\""
    ))
    .unwrap();
    Credentials::oauth2(&c, None)
}

#[tokio::test]
async fn client_credentials_tokens_are_cached_until_refused() {
    let calls = Arc::new(AtomicUsize::new(0));
    let url = token_endpoint(Arc::clone(&calls)).await;
    // Unique variable names: tests run in parallel in one process.
    std::env::set_var("FERRULE_TEST_OAUTH_ID", "id");
    std::env::set_var("FERRULE_TEST_OAUTH_SECRET", "secret");
    let c = oauth2(&url, "FERRULE_TEST_OAUTH_ID", "FERRULE_TEST_OAUTH_SECRET");
    assert_eq!(c.header().await.unwrap().as_deref(), Some("Bearer t1"));
    // Cached: no second fetch.
    assert_eq!(c.header().await.unwrap().as_deref(), Some("Bearer t1"));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    // The API said 401: the next call fetches a new token.
    c.forget().await;
    assert_eq!(c.header().await.unwrap().as_deref(), Some("Bearer t2"));
    // A missing variable or a refused client is an error naming the cause, never a panic.
    let c = oauth2(&url, "FERRULE_TEST_OAUTH_NOPE", "FERRULE_TEST_OAUTH_SECRET");
    let e = c.header().await.unwrap_err();
    assert!(e.contains("FERRULE_TEST_OAUTH_NOPE is not set"), "{e}");
    std::env::set_var("FERRULE_TEST_OAUTH_WRONG", "wrong");
    let c = oauth2(&url, "FERRULE_TEST_OAUTH_ID", "FERRULE_TEST_OAUTH_WRONG");
    let e = c.header().await.unwrap_err();
    assert!(e.contains("answered 401"), "{e}");
}

#[tokio::test]
async fn bearer_tokens_come_from_the_environment() {
    std::env::set_var("FERRULE_TEST_BEARER", "s3cret");
    let c = Credentials::Bearer {
        env: "FERRULE_TEST_BEARER".into(),
    };
    assert_eq!(c.header().await.unwrap().as_deref(), Some("Bearer s3cret"));
    let c = Credentials::Bearer {
        env: "FERRULE_TEST_BEARER_UNSET".into(),
    };
    assert!(c.header().await.is_err());
    assert_eq!(Credentials::None.header().await.unwrap(), None);
}
