//! Verified bearer tokens remembered until they expire, so a client that sends the
//! same token on every call pays for the signature check once, not per request
//! (an RS256 or ES256 verification costs far more than the rest of auth).
//!
//! Keyed by the SHA-256 of the whole token, so only a byte-identical token hits; only
//! successes are stored. A hit is still refused once `exp` (plus leeway) has passed.
//! The cache belongs to one verifier, which a config reload replaces, so rotated keys
//! and changed claim rules take effect at once. Bounded: expired entries go first
//! when full, and if all are live the cache starts again empty.

use std::collections::HashMap;
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use super::{AuthError, Principal};

/// Tokens remembered at most.
pub const DEFAULT_CAPACITY: usize = 10_000;

#[derive(Debug, Clone)]
struct Entry {
    principal: Principal,
    /// The token's `exp`, seconds since the epoch.
    exp: u64,
}

/// Principals of tokens already verified, by token digest.
#[derive(Debug)]
pub struct TokenCache {
    entries: Mutex<HashMap<[u8; 32], Entry>>,
    capacity: usize,
    leeway: u64,
}

impl TokenCache {
    /// A cache of at most `capacity` tokens, honouring `leeway` seconds past `exp`.
    pub fn new(capacity: usize, leeway: u64) -> Self {
        TokenCache {
            entries: Mutex::new(HashMap::new()),
            capacity: capacity.max(1),
            leeway,
        }
    }

    /// The cache key of a token.
    pub fn digest(token: &str) -> [u8; 32] {
        Sha256::digest(token.as_bytes()).into()
    }

    /// `None`: not seen (verify it). `Some(Ok)`: verified before and still in date.
    /// `Some(Err(Expired))`: verified before, expired since.
    pub fn get(&self, digest: &[u8; 32], now: u64) -> Option<Result<Principal, AuthError>> {
        let mut entries = self.lock();
        let entry = entries.get(digest)?;
        if entry.exp.saturating_add(self.leeway) < now {
            entries.remove(digest);
            return Some(Err(AuthError::Expired));
        }
        Some(Ok(entry.principal.clone()))
    }

    /// Remembers a verified token's principal until `exp`.
    pub fn put(&self, digest: [u8; 32], principal: Principal, exp: u64, now: u64) {
        let mut entries = self.lock();
        if entries.len() >= self.capacity {
            let leeway = self.leeway;
            entries.retain(|_, e| e.exp.saturating_add(leeway) >= now);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(digest, Entry { principal, exp });
    }

    /// Tokens held now (tests watch the memory bound with it).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Entry>> {
        // Every update is a single insert or remove: a poisoned map is still sound.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::AuthMethod;

    fn alice() -> Principal {
        Principal {
            id: "alice".into(),
            scopes: Default::default(),
            via: AuthMethod::Jwt,
        }
    }

    #[test]
    fn hit_until_expiry_plus_leeway_then_expired() {
        // exp 1000, leeway 30: a hit at 1030, refused (and forgotten) at 1031.
        let c = TokenCache::new(10, 30);
        let d = TokenCache::digest("t");
        assert!(c.get(&d, 900).is_none());
        c.put(d, alice(), 1000, 900);
        assert_eq!(c.get(&d, 1030), Some(Ok(alice())));
        assert_eq!(c.get(&d, 1031), Some(Err(AuthError::Expired)));
        assert!(c.get(&d, 1031).is_none());
    }

    #[test]
    fn only_identical_tokens_hit() {
        // One byte different is another key.
        let c = TokenCache::new(10, 0);
        c.put(TokenCache::digest("token"), alice(), u64::MAX, 0);
        assert!(c.get(&TokenCache::digest("tokeN"), 0).is_none());
    }

    #[test]
    fn capacity_is_a_hard_bound() {
        // Expired entries go first; with all live, the cache starts again.
        let c = TokenCache::new(3, 0);
        c.put(TokenCache::digest("old"), alice(), 5, 0);
        c.put(TokenCache::digest("a"), alice(), 100, 0);
        c.put(TokenCache::digest("b"), alice(), 100, 0);
        c.put(TokenCache::digest("c"), alice(), 100, 10);
        assert_eq!(c.len(), 3);
        assert!(c.get(&TokenCache::digest("old"), 10).is_none());
        c.put(TokenCache::digest("d"), alice(), 100, 10);
        assert_eq!(c.len(), 1);
        for i in 0..100 {
            c.put(TokenCache::digest(&i.to_string()), alice(), 100, 10);
            assert!(c.len() <= 3);
        }
    }
}
