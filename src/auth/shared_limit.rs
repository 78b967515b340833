//! Rate limits shared by every replica: `[server.rate_limits] store = "redis"`.
//!
//! Each check is one Lua script in Redis implementing GCRA (the generic cell rate
//! algorithm: the same `per_second` and `burst` as the in-memory token bucket) against
//! Redis's own clock (`TIME`), so replicas with skewed clocks still share one limit and
//! one key per caller and route is all the state (it expires when the bucket would be
//! full again). The connection reconnects by itself; a check that fails or takes longer
//! than `timeout_ms` is a store error, which the route's `on_store_error` turns into its
//! local bucket or a 503.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::Script;
use tokio::sync::OnceCell;

use super::config::RateLimitConfig;

/// GCRA. KEYS[1]: the bucket; ARGV: the emission interval and the burst tolerance, in
/// microseconds. Returns {1, 0} (allowed) or {0, microseconds until allowed}.
const GCRA: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]))
if tat == nil or tat < now then tat = now end
if tat - now > tolerance then
  return {0, tat - tolerance - now}
end
local next_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%d', next_tat), 'PX', math.floor((next_tat - now) / 1000) + 1)
return {1, 0}
";

/// `[server.rate_limits]`, checked: where the shared buckets live.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedStoreSettings {
    pub redis_url: String,
    pub timeout: Duration,
    pub key_prefix: String,
}

/// Why the store did not answer (logged; the route's policy decides what the caller gets).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("rate-limit store: {0}")]
pub struct StoreError(pub String);

/// The Redis-backed limiter, shared by the gateway's routes.
pub struct SharedLimiter {
    settings: SharedStoreSettings,
    client: redis::Client,
    /// Connected on first use (no network at start-up or in `check`).
    conn: OnceCell<ConnectionManager>,
    script: Script,
}

impl std::fmt::Debug for SharedLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedLimiter")
            .field("settings", &self.settings)
            .finish()
    }
}

impl SharedLimiter {
    /// Parses the URL; connects nothing yet.
    pub fn new(settings: SharedStoreSettings) -> Result<SharedLimiter, String> {
        let client = redis::Client::open(settings.redis_url.as_str())
            .map_err(|e| format!("`{}`: {e}", settings.redis_url))?;
        Ok(SharedLimiter {
            settings,
            client,
            conn: OnceCell::new(),
            script: Script::new(GCRA),
        })
    }

    pub fn settings(&self) -> &SharedStoreSettings {
        &self.settings
    }

    /// Takes a token for `who` on `route`: `Ok(Err(wait))` when limited.
    pub async fn check(
        &self,
        who: &str,
        route: &str,
        limit: &RateLimitConfig,
    ) -> Result<Result<(), Duration>, StoreError> {
        let timeout = self.settings.timeout;
        tokio::time::timeout(timeout, self.check_now(who, route, limit))
            .await
            .unwrap_or_else(|_| Err(StoreError(format!("no answer within {timeout:?}"))))
    }

    async fn check_now(
        &self,
        who: &str,
        route: &str,
        limit: &RateLimitConfig,
    ) -> Result<Result<(), Duration>, StoreError> {
        let mut conn = self
            .conn
            .get_or_try_init(|| async {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(self.settings.timeout)
                    .set_response_timeout(self.settings.timeout)
                    .set_number_of_retries(1);
                ConnectionManager::new_with_config(self.client.clone(), config).await
            })
            .await
            .map_err(|e| StoreError(e.to_string()))?
            .clone();
        let interval_us = (1_000_000.0 / limit.per_second).ceil() as u64;
        let tolerance_us = interval_us.saturating_mul(u64::from(limit.burst.saturating_sub(1)));
        let key = format!("{}{route}|{who}", self.settings.key_prefix);
        let (allowed, wait_us): (i64, i64) = self
            .script
            .key(key)
            .arg(interval_us)
            .arg(tolerance_us)
            .invoke_async(&mut conn)
            .await
            .map_err(|e| StoreError(e.to_string()))?;
        if allowed == 1 {
            Ok(Ok(()))
        } else {
            Ok(Err(Duration::from_micros(wait_us.max(0).unsigned_abs())))
        }
    }
}
