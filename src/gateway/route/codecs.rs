//! A route's codecs, compiled once and reused: building a plan per request cost ~7% of
//! the gateway's CPU. Each holds scratch state, so a request checks one out and gives it
//! back (no `.await` in between); a miss builds a new one.

use std::sync::{Arc, Mutex};

use ferrule_parsers::json::{Decoder, Encoder, View};
use ferrule_parsers::layout::Layout;

use crate::config::{BackendSpec, RouteSpec};
use crate::telemetry;

self_cell::self_cell!(
    /// A decoder with the layout it borrows.
    pub struct OwnedDecoder {
        owner: Arc<Layout>,
        #[not_covariant]
        dependent: Decoder,
    }
);

self_cell::self_cell!(
    /// An encoder with the layout it borrows.
    pub struct OwnedEncoder {
        owner: Arc<Layout>,
        #[not_covariant]
        dependent: Encoder,
    }
);

/// The codec pools of one route.
#[derive(Default)]
pub struct Codecs {
    pub(super) encoders: Pool<OwnedEncoder>,
    /// Decoders with the route's view.
    pub(super) shaped: Pool<OwnedDecoder>,
    /// Decoders without it (callers whose sensitive fields are stripped from a DOM).
    pub(super) plain: Pool<OwnedDecoder>,
}

/// Idle codecs, at most [`Pool::KEEP`] (about one per concurrent request).
pub struct Pool<T>(Mutex<Vec<T>>);

impl<T> Default for Pool<T> {
    fn default() -> Self {
        Pool(Mutex::new(Vec::new()))
    }
}

impl<T> Pool<T> {
    const KEEP: usize = 256;

    pub(super) fn take<E>(&self, make: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        let idle = self.0.lock().ok().and_then(|mut v| v.pop());
        match idle {
            Some(t) => Ok(t),
            None => make(),
        }
    }

    pub(super) fn give(&self, t: T) {
        if let Ok(mut v) = self.0.lock() {
            if v.len() < Self::KEEP {
                v.push(t);
            }
        }
    }
}

/// `spec`'s view of its responses (omit, rename, the return code to capture, trimmed
/// tables), and whether the decoder writes it in one pass: not when the route reshapes
/// nothing, nor when the view cannot mirror the JSON edits exactly (then responses take
/// the parse/edit/serialise path, with the same view).
pub fn route_view(spec: &RouteSpec, backend: &BackendSpec) -> (View, bool) {
    let view = View {
        omit: spec.omit.clone(),
        rename: spec.rename.clone(),
        capture: spec.status.as_ref().map(|s| s.field.clone()),
        drop_empty_occurs: spec.drop_empty_occurs,
    };
    if view.is_empty() {
        return (view, false);
    }
    match Decoder::with_view(&spec.response, backend.codec, &view) {
        Ok(_) => (view, true),
        Err(e) => {
            tracing::debug!(route = %spec.path, reason = %e, "response view not compiled");
            (view, false)
        }
    }
}

/// Counts a record that does not encode (`request`) or decode (`response`).
pub(super) fn count_error(spec: &RouteSpec, direction: &'static str) {
    metrics::counter!(telemetry::CODEC_ERRORS_TOTAL, "route" => spec.path.clone(), "direction" => direction)
        .increment(1);
}
