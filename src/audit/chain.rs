//! The hash chain: how a line is sealed with its own hash and linked to the previous one.
//!
//! A line is a JSON object whose last member is `"hash"`: the hex SHA-256 (or HMAC-SHA256
//! with a chain key) of every byte of the line before `,"hash":`. That content includes
//! `seq` and `prev` (the previous line's `hash`), so the hash covers the whole chain up to
//! this line. An edited line fails its own hash; a deleted, inserted or reordered line breaks
//! `seq` or `prev` on the line where it happened.

use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::error::Broken;

/// `prev` of the very first line of a log (seq 1).
pub const GENESIS: [u8; 32] = [0; 32];

/// The bytes between a line's content and its hash value.
const HASH_OPEN: &[u8] = b",\"hash\":\"";
/// What follows the hash value: the object's closing quote and brace.
const HASH_CLOSE: &[u8] = b"\"}";
/// Length of the sealed tail: `,"hash":"` + 64 hex digits + `"}`.
const TAIL_LEN: usize = HASH_OPEN.len() + 64 + HASH_CLOSE.len();

/// How line hashes are computed: plain SHA-256, or HMAC-SHA256 with a chain key, so that
/// whoever can edit the file but does not hold the key cannot recompute the chain.
#[derive(Clone)]
pub enum ChainHash {
    Sha256,
    Hmac(Vec<u8>),
}

impl ChainHash {
    /// Plain SHA-256 without a key; HMAC-SHA256 with one.
    pub fn new(key: Option<&[u8]>) -> Self {
        match key {
            Some(k) => ChainHash::Hmac(k.to_vec()),
            None => ChainHash::Sha256,
        }
    }

    fn digest(&self, bytes: &[u8]) -> [u8; 32] {
        match self {
            ChainHash::Sha256 => Sha256::digest(bytes).into(),
            ChainHash::Hmac(key) => hmac_sha256(key, bytes),
        }
    }

    /// Seals `body` (a JSON object without its closing brace) into a full line ending in
    /// `\n`, and returns the line's hash.
    pub fn seal(&self, body: &mut Vec<u8>) -> [u8; 32] {
        let hash = self.digest(body);
        body.extend_from_slice(HASH_OPEN);
        let mut hex = [0u8; 64];
        // 32 bytes always fit 64 hex digits.
        if hex::encode_to_slice(hash, &mut hex).is_ok() {
            body.extend_from_slice(&hex);
        }
        body.extend_from_slice(HASH_CLOSE);
        body.push(b'\n');
        hash
    }

    /// Checks one line (without its `\n`) against its own hash and reads its chain fields.
    pub fn check(&self, line: &[u8]) -> Result<Sealed, Broken> {
        let split = line
            .len()
            .checked_sub(TAIL_LEN)
            .ok_or_else(|| Broken::Malformed("too short to hold a hash".into()))?;
        let (body, tail) = line.split_at(split);
        let hex_hash = tail
            .strip_prefix(HASH_OPEN)
            .and_then(|t| t.strip_suffix(HASH_CLOSE))
            .ok_or_else(|| Broken::Malformed("does not end with a \"hash\" member".into()))?;
        let mut claimed = [0u8; 32];
        hex::decode_to_slice(hex_hash, &mut claimed)
            .map_err(|e| Broken::Malformed(format!("hash is not hex: {e}")))?;
        if self.digest(body) != claimed {
            return Err(Broken::HashMismatch);
        }
        let head: Head =
            serde_json::from_slice(line).map_err(|e| Broken::Malformed(e.to_string()))?;
        let mut prev = [0u8; 32];
        hex::decode_to_slice(head.prev.as_bytes(), &mut prev)
            .map_err(|e| Broken::Malformed(format!("prev is not a 64-digit hex hash: {e}")))?;
        Ok(Sealed {
            seq: head.seq,
            prev,
            hash: claimed,
        })
    }
}

/// HMAC-SHA256 of `bytes` under `key` (any key length is valid for HMAC).
pub fn hmac_sha256(key: &[u8], bytes: &[u8]) -> [u8; 32] {
    // new_from_slice only fails for fixed-size-key MACs; HMAC takes keys of any length.
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(bytes);
            mac.finalize().into_bytes().into()
        }
        Err(_) => Sha256::digest(bytes).into(),
    }
}

/// The chain fields of a line whose own hash checked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sealed {
    pub seq: u64,
    pub prev: [u8; 32],
    pub hash: [u8; 32],
}

/// The members of a line the chain needs; the rest are the event's.
#[derive(Deserialize)]
struct Head {
    seq: u64,
    prev: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealed(c: &ChainHash, body: &[u8]) -> Vec<u8> {
        let mut line = body.to_vec();
        c.seal(&mut line);
        line.pop(); // the newline
        line
    }

    const BODY: &[u8] =
        br#"{"seq":1,"prev":"0000000000000000000000000000000000000000000000000000000000000000""#;

    #[test]
    fn sealed_line_checks_out() {
        // A line sealed with SHA-256 checks and gives back its seq and prev.
        let c = ChainHash::Sha256;
        let s = c.check(&sealed(&c, BODY)).unwrap();
        assert_eq!((s.seq, s.prev), (1, GENESIS));
    }

    #[test]
    fn edited_line_fails_its_hash() {
        // seq 1 changed to 2 after sealing.
        let c = ChainHash::Sha256;
        let mut line = sealed(&c, BODY);
        line[7] = b'2';
        assert_eq!(c.check(&line), Err(Broken::HashMismatch));
    }

    #[test]
    fn chain_key_matters() {
        // A line sealed under one key fails under another and under plain SHA-256.
        let a = ChainHash::new(Some(b"key-a"));
        let line = sealed(&a, BODY);
        assert!(a.check(&line).is_ok());
        assert_eq!(
            ChainHash::new(Some(b"key-b")).check(&line),
            Err(Broken::HashMismatch)
        );
        assert_eq!(ChainHash::Sha256.check(&line), Err(Broken::HashMismatch));
    }

    #[test]
    fn line_without_hash_is_malformed() {
        // Plain JSON without the trailing hash member.
        let r = ChainHash::Sha256.check(br#"{"seq":1,"prev":"00","other":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}"#);
        assert!(matches!(r, Err(Broken::Malformed(_))), "{r:?}");
        // Too short to hold a hash at all.
        assert!(matches!(
            ChainHash::Sha256.check(b"{}"),
            Err(Broken::Malformed(_))
        ));
    }

    #[test]
    fn sealed_but_not_json_is_malformed() {
        // The hash checks (it was computed over garbage) but the line is not JSON.
        let c = ChainHash::Sha256;
        let line = sealed(&c, b"{not json");
        assert!(matches!(c.check(&line), Err(Broken::Malformed(_))));
    }
}
