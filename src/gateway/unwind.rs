//! A panic in one call caught where the call is still known, so that it is answered like
//! any other outcome: a 500 problem naming the call's path and request id.
//!
//! The stack's `CatchPanicLayer` turns a panic into a 500 too, but knows nothing of the
//! call. The route handler wraps its call in [`caught`], and then still hands what the
//! call learnt to the audit layer, which sits outside both (DESIGN: "a panic inside is
//! still audited"); the layer stays as the net for everything else.

use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Runs `fut` to its end, or to the panic that ended it (`Err` with the payload).
///
/// `fut` is boxed here, at once: the caller's own future then holds a pointer, not the
/// whole call (a route call's state is large, and every layer above moves its caller's
/// future around: each move was a copy of it).
pub fn caught<F: Future>(fut: F) -> CatchUnwind<F> {
    CatchUnwind(Box::pin(fut))
}

/// The future of [`caught`].
pub struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Unwind safety: after a panic the future is never polled again, and what it
        // borrowed (the call's record) holds only plain data set before the panic.
        match catch_unwind(AssertUnwindSafe(|| self.0.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Err(payload) => Poll::Ready(Err(payload)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_value_passes_and_a_panic_after_an_await_is_caught() {
        assert_eq!(caught(async { 7 }).await.ok(), Some(7));
        let r = caught(async {
            tokio::task::yield_now().await;
            if true {
                panic!("inside");
            }
            1
        })
        .await;
        let payload = r.err().unwrap();
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"inside"));
    }
}
