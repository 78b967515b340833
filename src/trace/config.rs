//! `[telemetry]`: where spans go. Without `otlp_endpoint` nothing is exported and a
//! request costs only its trace id (still logged, audited and propagated).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use hyper::Uri;
use serde::Deserialize;

use crate::config::table::Problems;
use crate::config::BackendTlsConfig;
use crate::connector::tls::BackendTls;

/// `[telemetry]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelemetryConfig {
    /// The OTLP/HTTP collector, `http://host:4318` or `https://...` (`/v1/traces` is
    /// added to a URL without a path). Absent: spans are not exported.
    pub otlp_endpoint: Option<String>,
    /// TLS towards an `https://` collector, as http backends' `tls` (the CA bundle to
    /// trust; `cert`/`key` for mTLS; `server_name`).
    pub tls: Option<BackendTlsConfig>,
    /// The `service.name` resource attribute of every span.
    #[serde(default = "defaults::service_name")]
    pub service_name: String,
    /// Share of new traces recorded, 0.0 to 1.0; a caller's sampled flag is followed.
    #[serde(default = "defaults::sample_ratio")]
    pub sample_ratio: f64,
    /// One export (a batch of spans, retries included) is given up after this long.
    #[serde(default = "defaults::export_timeout_ms")]
    pub export_timeout_ms: u64,
}

/// Every `[telemetry]` default, in one place.
pub mod defaults {
    pub fn service_name() -> String {
        "ferrule".into()
    }
    pub fn sample_ratio() -> f64 {
        1.0
    }
    pub fn export_timeout_ms() -> u64 {
        10_000
    }
}

/// Validated settings for exporting spans.
#[derive(Debug, Clone, PartialEq)]
pub struct Telemetry {
    /// The full URL spans are POSTed to.
    pub endpoint: Uri,
    /// Set exactly for an `https://` endpoint.
    pub tls: Option<Arc<BackendTls>>,
    pub service_name: String,
    pub sample_ratio: f64,
    pub export_timeout: Duration,
}

impl TelemetryConfig {
    /// `None` when no spans are to be exported; every problem at its key otherwise.
    /// Certificate files are read relative to `base`.
    pub fn validate(&self, base: &Path) -> Result<Option<Telemetry>, Problems> {
        let mut problems: Problems = Vec::new();
        let endpoint = self
            .otlp_endpoint
            .as_deref()
            .map(endpoint)
            .transpose()
            .unwrap_or_else(|m| {
                problems.push(("otlp_endpoint".into(), m));
                None
            });
        let tls = match (&endpoint, &self.otlp_endpoint) {
            (Some(_), Some(url)) => crate::connector::http::https_tls(url, self.tls.as_ref(), base)
                .unwrap_or_else(|(key, m)| {
                    problems.push((key.replace("url", "otlp_endpoint"), m));
                    None
                }),
            _ => None,
        };
        if !(0.0..=1.0).contains(&self.sample_ratio) {
            problems.push((
                "sample_ratio".into(),
                format!(
                    "{}: a share of traces from 0.0 (none) to 1.0 (all)",
                    self.sample_ratio
                ),
            ));
        }
        if self.service_name.trim().is_empty() {
            problems.push((
                "service_name".into(),
                "empty: name the service its spans show under (default \"ferrule\")".into(),
            ));
        }
        if self.export_timeout_ms == 0 {
            problems.push((
                "export_timeout_ms".into(),
                "0 would give up every export at once: give milliseconds (default 10000)".into(),
            ));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(endpoint.map(|endpoint| Telemetry {
            endpoint,
            tls,
            service_name: self.service_name.clone(),
            sample_ratio: self.sample_ratio,
            export_timeout: Duration::from_millis(self.export_timeout_ms),
        }))
    }
}

/// The URL spans are sent to: `http://` with a host; `/v1/traces` (OTLP/HTTP's path for
/// traces) when the URL names no path of its own.
fn endpoint(url: &str) -> Result<Uri, String> {
    let uri: Uri = url
        .parse()
        .map_err(|e| format!("invalid URL `{url}`: {e}"))?;
    if !matches!(uri.scheme_str(), Some("http" | "https")) {
        return Err(format!("`{url}`: expected http://host:port or https://..."));
    }
    if uri.host().is_none() {
        return Err(format!("`{url}`: no host"));
    }
    if uri.path() != "/" && !uri.path().is_empty() {
        return Ok(uri);
    }
    let base = url.trim_end_matches('/');
    format!("{base}/v1/traces")
        .parse()
        .map_err(|e| format!("invalid URL `{url}`: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Result<Option<Telemetry>, Problems> {
        toml::from_str::<TelemetryConfig>(text)
            .unwrap()
            .validate(Path::new("."))
    }

    #[test]
    fn without_an_endpoint_nothing_is_exported() {
        assert_eq!(check("").unwrap(), None);
        assert_eq!(check("service_name = \"gw\"").unwrap(), None);
    }

    #[test]
    fn the_traces_path_is_added_to_a_bare_collector_url() {
        let t = check("otlp_endpoint = \"http://127.0.0.1:4318\"")
            .unwrap()
            .unwrap();
        assert_eq!(t.endpoint, "http://127.0.0.1:4318/v1/traces");
        assert_eq!(t.service_name, "ferrule");
        assert_eq!(t.sample_ratio, 1.0);
        assert_eq!(t.export_timeout, Duration::from_secs(10));
        // A path of its own is kept.
        let t = check("otlp_endpoint = \"http://c:4318/otlp/traces\"")
            .unwrap()
            .unwrap();
        assert_eq!(t.endpoint, "http://c:4318/otlp/traces");
        let t = check("otlp_endpoint = \"http://c:4318/\"")
            .unwrap()
            .unwrap();
        assert_eq!(t.endpoint, "http://c:4318/v1/traces");
    }

    #[test]
    fn every_bad_setting_is_named() {
        let ps = check(
            "otlp_endpoint = \"grpc://c:4317\"\nsample_ratio = 1.5\nservice_name = \" \"\nexport_timeout_ms = 0",
        )
        .unwrap_err();
        let keys: Vec<&str> = ps.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "otlp_endpoint",
                "sample_ratio",
                "service_name",
                "export_timeout_ms"
            ]
        );
        // https needs the CA to trust; TLS settings on http:// are a mistake.
        let ps = check("otlp_endpoint = \"https://c:4318\"").unwrap_err();
        assert_eq!(ps[0].0, "tls", "{ps:?}");
        let ps = check("otlp_endpoint = \"http://c:4318\"\ntls = { ca = \"ca.pem\" }").unwrap_err();
        assert_eq!(ps[0].0, "tls", "{ps:?}");
        let ps = check("otlp_endpoint = \"https://c:4318\"\ntls = { ca = \"/nowhere/ca.pem\" }")
            .unwrap_err();
        assert!(ps[0].1.contains("/nowhere/ca.pem"), "{ps:?}");
        let ps = check("sample_ratio = nan").unwrap_err();
        assert_eq!(ps[0].0, "sample_ratio");
        // Unknown keys are refused, not ignored.
        assert!(toml::from_str::<TelemetryConfig>("otlp_endpont = \"http://c\"").is_err());
    }
}
