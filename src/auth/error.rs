//! Why presented credentials were refused. Every variant becomes a 401 with
//! `error="invalid_token"`; the variant itself goes to logs and metrics, never to the
//! client (telling an attacker "expired" versus "bad signature" helps only them).

/// Credentials were presented but cannot be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// A credential header that cannot be read (not ASCII, no value, too long).
    #[error("malformed credentials: {0}")]
    Malformed(&'static str),
    /// More than one credential (two `Authorization` headers, or a bearer token and an
    /// API key): refused rather than guessing which one counts.
    #[error("more than one credential presented")]
    Ambiguous,
    /// An `Authorization` scheme other than `Bearer` or `ApiKey`.
    #[error("unsupported authorization scheme")]
    UnsupportedScheme,
    /// The API key matches no configured key (or none are configured).
    #[error("unknown API key")]
    UnknownApiKey,
    /// A bearer token, but `[auth.jwt]` is not configured.
    #[error("bearer tokens are not accepted")]
    JwtNotConfigured,
    /// Not three base64url parts with a JSON header naming a known algorithm
    /// (this includes `alg: none`).
    #[error("malformed token")]
    MalformedToken,
    /// The header's `alg` is not one the matching key(s) are configured for.
    #[error("token algorithm not accepted")]
    AlgorithmNotAllowed,
    /// The header's `kid` names no configured key.
    #[error("no key for the token's kid")]
    UnknownKey,
    /// No candidate key verifies the signature.
    #[error("token signature does not verify")]
    BadSignature,
    /// `exp` is past (beyond the leeway).
    #[error("token expired")]
    Expired,
    /// `nbf` is in the future (beyond the leeway).
    #[error("token not yet valid")]
    NotYetValid,
    /// `aud` names none of the configured audiences.
    #[error("token audience not accepted")]
    WrongAudience,
    /// `iss` is not one of the configured issuers.
    #[error("token issuer not accepted")]
    WrongIssuer,
    /// A required claim is missing or has the wrong type.
    #[error("token claim `{0}` missing or invalid")]
    BadClaim(String),
}

impl AuthError {
    /// A stable, bounded name for metrics labels and log fields.
    pub fn kind(&self) -> &'static str {
        match self {
            AuthError::Malformed(_) => "malformed",
            AuthError::Ambiguous => "ambiguous",
            AuthError::UnsupportedScheme => "unsupported_scheme",
            AuthError::UnknownApiKey => "unknown_api_key",
            AuthError::JwtNotConfigured => "jwt_not_configured",
            AuthError::MalformedToken => "malformed_token",
            AuthError::AlgorithmNotAllowed => "algorithm_not_allowed",
            AuthError::UnknownKey => "unknown_key",
            AuthError::BadSignature => "bad_signature",
            AuthError::Expired => "expired",
            AuthError::NotYetValid => "not_yet_valid",
            AuthError::WrongAudience => "wrong_audience",
            AuthError::WrongIssuer => "wrong_issuer",
            AuthError::BadClaim(_) => "bad_claim",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_never_carries_the_credential() {
        // Messages are fixed text (plus a claim name), so no token or key can leak.
        assert_eq!(
            AuthError::BadSignature.to_string(),
            "token signature does not verify"
        );
        assert_eq!(
            AuthError::BadClaim("sub".into()).to_string(),
            "token claim `sub` missing or invalid"
        );
        assert_eq!(AuthError::Expired.kind(), "expired");
    }
}
