//! Inbound: legacy programs calling modern JSON APIs through Ferrule (IBM calls this
//! the API requester). A program connects to a `[[listener]]` and sends a record; the
//! `[[inbound]]` route its match field names decodes it, calls the route's HTTP API,
//! and maps the JSON answer (or the failure, as a return code and message) into the
//! response record sent back in the same framing. Reference: `docs/inbound.md`.
//!
//! By module: `listener` accepts and reads records -> `exchange` serves one record ->
//! `target` makes the HTTP call (with `credentials`) -> `text` fills URLs and picks JSON
//! values; `quarantine` keeps the records that could not be served; `spec` is the
//! checked config (`config::inbound` builds it).

mod credentials;
mod exchange;
mod listener;
mod quarantine;
pub mod spec;
mod target;
#[cfg(test)]
mod testing;
mod text;

pub use listener::{bind, serve, BindError, Bound, Current, Live};
pub use text::percent;
