//! The server's entry service: each request runs on the live state current when it
//! arrived, which it holds until it is answered.
//!
//! A plain tower service rather than an axum `Router` with a fallback: the live routes
//! are the one routing pass a request goes through (a router in front cost a second
//! match, a second route future and a boxed call per request).

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{Bytes, HttpBody};
use axum::extract::Request;
use axum::response::Response;
use axum::routing::future::RouteFuture;
use axum::BoxError;
use tower::Service;

use super::router::{Live, Shared};

/// See the module doc.
#[derive(Clone)]
pub struct Front {
    shared: Shared,
}

impl Front {
    pub fn new(shared: Shared) -> Front {
        Front { shared }
    }
}

impl<B> Service<Request<B>> for Front
where
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = OnLive;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // The live router is always ready (axum's `Router` never applies back-pressure).
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<B>) -> OnLive {
        let live = self.shared.load_full();
        // A clone of the router is a reference count; its call needs no `poll_ready`.
        let routed = live.app.clone().call(req);
        OnLive {
            routed,
            _live: live,
        }
    }
}

pin_project_lite::pin_project! {
    /// A call on the live state it started on: the state is kept until the answer.
    pub struct OnLive {
        #[pin]
        routed: RouteFuture<Infallible>,
        _live: Arc<Live>,
    }
}

impl Future for OnLive {
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project().routed.poll(cx)
    }
}
