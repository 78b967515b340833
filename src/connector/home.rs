//! Which serving thread the current code runs on, for connection pools: with
//! thread-per-core serving (`[server] threads`), a pooled connection is registered with
//! the reactor of the thread that opened it, and reusing it from another thread would
//! make every read a wake-up across threads. Pools hand a thread its own connections.
//! Under the default work-stealing runtime every thread is home 0: one shared pool.

use std::cell::Cell;

thread_local! {
    static HOME: Cell<usize> = const { Cell::new(0) };
}

/// Marks the current thread as serving thread `index` (for its whole life).
pub fn set(index: usize) {
    HOME.with(|h| h.set(index));
}

/// The current thread's serving index (0 unless [`set`]).
pub fn current() -> usize {
    HOME.with(Cell::get)
}
