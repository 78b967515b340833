use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The value of the credentials' header, checking that it is `Authorization`.
async fn authorization(c: &Credentials) -> Result<Option<String>, String> {
    Ok(c.header().await?.map(|(name, value)| {
        assert_eq!(name, AUTHORIZATION);
        value
    }))
}

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
                // Or client_secret_post: the id and secret in the form, no header.
                let in_body =
                    auth.is_empty() && body.ends_with("&client_id=id&client_secret=secret");
                if !(auth == "Basic aWQ6c2VjcmV0" || in_body)
                    || !body.starts_with("grant_type=client_credentials&scope=addr.read")
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
    oauth2_with(url, id_env, secret_env, "")
}

fn oauth2_with(url: &str, id_env: &str, secret_env: &str, extra: &str) -> Credentials {
    let c: OAuth2Config = toml::from_str(&format!(
        "token_url = \"{url}\"\nclient_id_env = \"{id_env}\"\nclient_secret_env = \"{secret_env}\"\nscope = \"addr.read\"\n{extra}"
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
    assert_eq!(
        authorization(&c).await.unwrap().as_deref(),
        Some("Bearer t1")
    );
    // Cached: no second fetch.
    assert_eq!(
        authorization(&c).await.unwrap().as_deref(),
        Some("Bearer t1")
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    // The API said 401: the next call fetches a new token.
    c.forget().await;
    assert_eq!(
        authorization(&c).await.unwrap().as_deref(),
        Some("Bearer t2")
    );
    // A missing variable or a refused client is an error naming the cause, never a panic.
    let c = oauth2(&url, "FERRULE_TEST_OAUTH_NOPE", "FERRULE_TEST_OAUTH_SECRET");
    let e = authorization(&c).await.unwrap_err();
    assert!(e.contains("FERRULE_TEST_OAUTH_NOPE is not set"), "{e}");
    std::env::set_var("FERRULE_TEST_OAUTH_WRONG", "wrong");
    let c = oauth2(&url, "FERRULE_TEST_OAUTH_ID", "FERRULE_TEST_OAUTH_WRONG");
    let e = authorization(&c).await.unwrap_err();
    assert!(e.contains("answered 401"), "{e}");
}

#[tokio::test]
async fn bearer_tokens_come_from_the_environment() {
    std::env::set_var("FERRULE_TEST_BEARER", "s3cret");
    let c = Credentials::Bearer {
        env: "FERRULE_TEST_BEARER".into(),
    };
    assert_eq!(
        authorization(&c).await.unwrap().as_deref(),
        Some("Bearer s3cret")
    );
    let c = Credentials::Bearer {
        env: "FERRULE_TEST_BEARER_UNSET".into(),
    };
    assert!(authorization(&c).await.is_err());
    assert_eq!(authorization(&Credentials::None).await.unwrap(), None);
}

#[tokio::test]
async fn client_credentials_can_go_in_the_form_body() {
    let calls = Arc::new(AtomicUsize::new(0));
    let url = token_endpoint(Arc::clone(&calls)).await;
    std::env::set_var("FERRULE_TEST_POST_ID", "id");
    std::env::set_var("FERRULE_TEST_POST_SECRET", "secret");
    let c = oauth2_with(
        &url,
        "FERRULE_TEST_POST_ID",
        "FERRULE_TEST_POST_SECRET",
        "client_auth = \"body\"",
    );
    assert_eq!(
        authorization(&c).await.unwrap().as_deref(),
        Some("Bearer t1")
    );
    // A mode the server does not know is refused when the config is read.
    let bad = format!("token_url = \"{url}\"\nclient_id_env = \"I\"\nclient_secret_env = \"S\"\nclient_auth = \"jwt\"");
    let e = toml::from_str::<OAuth2Config>(&bad)
        .unwrap_err()
        .to_string();
    assert!(e.contains("basic") && e.contains("body"), "{e}");
}

#[tokio::test]
async fn api_keys_go_in_their_own_header() {
    std::env::set_var("FERRULE_TEST_API_KEY", "k-123");
    let c = Credentials::api_key("X-Api-Key", "FERRULE_TEST_API_KEY").unwrap();
    let (name, value) = c.header().await.unwrap().unwrap();
    assert_eq!((name.as_str(), value.as_str()), ("x-api-key", "k-123"));
    let c = Credentials::api_key("X-Api-Key", "FERRULE_TEST_API_KEY_UNSET").unwrap();
    let e = c.header().await.unwrap_err();
    assert!(e.contains("FERRULE_TEST_API_KEY_UNSET is not set"), "{e}");
    // Not a header name, or one Ferrule sets itself: refused when the config is read.
    let e = Credentials::api_key("X Api Key", "E").unwrap_err();
    assert!(e.contains("not a valid header name"), "{e}");
    let e = Credentials::api_key("Content-Type", "E").unwrap_err();
    assert!(e.contains("set by Ferrule itself"), "{e}");
}
