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

/// Standard padded base64, the form CSP hash sources take (not worth a crate here).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                let six = (n >> (18 - 6 * i)) & 0x3f;
                out.push(char::from(ALPHABET[six as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_4648_vectors() {
        // RFC 4648 section 10, all three padding cases.
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), coded);
        }
        // The CSP form of the empty string's SHA-256, as browsers print it.
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
