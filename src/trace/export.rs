//! Spans to an OTLP/HTTP collector (protobuf), batched off the request path.
//!
//! The SDK's batch processor queues finished spans (bounded; a full queue drops) and
//! exports them from its own thread. A collector that is down or slow costs requests
//! nothing: each failed batch is dropped, counted in `ferrule_trace_export_failures_total`
//! and `ferrule_trace_spans_dropped_total`, and logged once (again after the next
//! success), so a collector outage is one warning, not one per batch.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use opentelemetry::trace::TracerProvider;
use opentelemetry_otlp::{Protocol, WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{
    BatchSpanProcessor, Sampler, SdkTracer, SdkTracerProvider, SpanData, SpanExporter,
};
use opentelemetry_sdk::Resource;

use super::client::OtlpClient;
use super::config::Telemetry;
use crate::telemetry::{TRACE_EXPORT_FAILURES_TOTAL, TRACE_SPANS_DROPPED_TOTAL};

/// The span pipeline of one gateway process: started with `serve`, flushed at its end.
pub struct Exporter {
    provider: SdkTracerProvider,
    tracer: SdkTracer,
    /// The settings it was started with (a reload that changes them needs a restart).
    pub settings: Telemetry,
}

impl std::fmt::Debug for Exporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exporter")
            .field("settings", &self.settings)
            .finish()
    }
}

impl Exporter {
    /// Starts the pipeline; call inside the gateway's runtime (exports are posted there).
    pub fn start(settings: &Telemetry) -> Result<Exporter, String> {
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|e| format!("span export needs the gateway's runtime: {e}"))?;
        let otlp = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_http_client(OtlpClient::new(
                runtime,
                settings.export_timeout,
                settings.tls.clone(),
            ))
            .with_protocol(Protocol::HttpBinary)
            .with_endpoint(settings.endpoint.to_string())
            .with_timeout(settings.export_timeout)
            .build()
            .map_err(|e| format!("cannot set up span export: {e}"))?;
        let counted = Counted {
            inner: otlp,
            failing: Arc::new(AtomicBool::new(false)),
        };
        let provider = SdkTracerProvider::builder()
            .with_span_processor(BatchSpanProcessor::builder(counted).build())
            // A caller's decision is followed; a trace that starts here is kept at the
            // configured ratio (by trace id, so every replica agrees).
            .with_sampler(Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(
                settings.sample_ratio,
            ))))
            .with_resource(
                Resource::builder()
                    .with_service_name(settings.service_name.clone())
                    .build(),
            )
            .build();
        let tracer = provider.tracer("ferrule");
        Ok(Exporter {
            provider,
            tracer,
            settings: settings.clone(),
        })
    }

    /// Where spans are started.
    pub fn tracer(&self) -> &SdkTracer {
        &self.tracer
    }

    /// Exports what is queued and stops. Blocks until the batch thread is done (bounded
    /// by the export timeout): call off the runtime's worker threads.
    pub fn shutdown(&self) {
        let grace = self.settings.export_timeout + Duration::from_secs(1);
        if let Err(e) = self.provider.shutdown_with_timeout(grace) {
            tracing::warn!(error = %e, "span export did not finish cleanly");
        }
    }
}

/// The OTLP exporter, with failures counted and logged once per outage.
#[derive(Debug)]
struct Counted<E> {
    inner: E,
    failing: Arc<AtomicBool>,
}

impl<E: SpanExporter> SpanExporter for Counted<E> {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let spans = batch.len() as u64;
        let result = self.inner.export(batch).await;
        match &result {
            Ok(()) => {
                if self.failing.swap(false, Ordering::Relaxed) {
                    tracing::info!("span export works again");
                }
            }
            Err(e) => {
                metrics::counter!(TRACE_EXPORT_FAILURES_TOTAL).increment(1);
                metrics::counter!(TRACE_SPANS_DROPPED_TOTAL).increment(spans);
                if !self.failing.swap(true, Ordering::Relaxed) {
                    tracing::warn!(error = %e, "span export failed; spans are dropped until the collector answers (counted in ferrule_trace_spans_dropped_total)");
                }
            }
        }
        result
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn shutdown(&self) -> OTelSdkResult {
        self.inner.shutdown()
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}
