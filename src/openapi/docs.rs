//! `GET /docs`: one self-contained page (own HTML, CSS and JS, embedded in the binary)
//! that reads `openapi.json` next to it and offers a form per operation to try calls.
//!
//! The CSS and JS are inlined into the HTML so the page is one response; the
//! Content-Security-Policy allows exactly those two blocks by their SHA-256, and fetch()
//! only to this origin, so nothing the page shows can load or run anything else.

use std::sync::OnceLock;

use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

const TEMPLATE: &str = include_str!("docs.html");
const CSS: &str = include_str!("docs.css");
const JS: &str = include_str!("docs.js");
const CSS_SLOT: &str = "/*@CSS@*/";
const JS_SLOT: &str = "/*@JS@*/";

/// The assembled page and its policy: built once, served as is.
struct Page {
    html: String,
    csp: String,
}

static PAGE: OnceLock<Page> = OnceLock::new();

/// The `/docs` response: the page with its security headers.
pub fn page() -> Response {
    let page = PAGE.get_or_init(assemble);
    // The policy is ASCII by construction; a refusal would still leave a safe page.
    let csp = HeaderValue::from_str(&page.csp)
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"));
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CONTENT_SECURITY_POLICY, csp),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
            // The page changes with the binary, not per request: revalidate, never stale.
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (
                HeaderName::from_static("cross-origin-opener-policy"),
                HeaderValue::from_static("same-origin"),
            ),
        ],
        page.html.clone(),
    )
        .into_response()
}

fn assemble() -> Page {
    let html = TEMPLATE.replacen(CSS_SLOT, CSS, 1).replacen(JS_SLOT, JS, 1);
    let csp = format!(
        "default-src 'self'; script-src 'sha256-{}'; style-src 'sha256-{}'; \
         connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; \
         form-action 'none'; frame-ancestors 'none'",
        base64(&Sha256::digest(JS.as_bytes())),
        base64(&Sha256::digest(CSS.as_bytes())),
    );
    Page { html, csp }
}

/// Standard padded base64, the form CSP hash sources take.
fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csp_hashes_are_base64_as_browsers_print_them() {
        // The CSP form of the empty string's SHA-256.
        assert_eq!(
            base64(&Sha256::digest(b"")),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
    }

    #[test]
    fn the_page_inlines_both_blocks_once() {
        let page = assemble();
        assert!(!page.html.contains(CSS_SLOT) && !page.html.contains(JS_SLOT));
        assert!(page.html.contains(&format!("<style>{CSS}</style>")));
        assert!(page.html.contains(&format!("<script>{JS}</script>")));
        // An early `</script>` or `</style>` in the assets would end the block and
        // break the hash match.
        assert!(!JS.contains("</script") && !CSS.contains("</style"));
    }

    #[test]
    fn the_policy_names_the_hashes_of_what_is_inlined() {
        let page = assemble();
        let js = base64(&Sha256::digest(JS.as_bytes()));
        assert!(page.csp.contains(&format!("script-src 'sha256-{js}'")));
        assert!(page.csp.contains("connect-src 'self'"));
        assert!(!page.csp.contains("unsafe-inline") && !page.csp.contains("unsafe-eval"));
    }

    #[test]
    fn the_page_needs_nothing_from_elsewhere() {
        // No CDN, no remote fonts: every URL in the page is relative.
        let page = assemble();
        for needle in ["http://", "https://", "//cdn", "@import"] {
            assert!(!page.html.contains(needle), "{needle}");
        }
    }

    #[test]
    fn the_response_is_html_with_the_policy() {
        let res = page();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "text/html; charset=utf-8");
        let csp = res.headers()["content-security-policy"].to_str().unwrap();
        assert!(csp.starts_with("default-src 'self'"), "{csp}");
        assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    }
}
