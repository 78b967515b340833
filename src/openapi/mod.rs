//! The OpenAPI 3.1 description of a gateway config: what `ferrule openapi` prints and
//! the gateway serves at `/openapi.json`, and the `/docs` page that renders it.
//!
//! Built from the validated [`Gateway`](crate::config::Gateway) alone, so the document
//! says what the running gateway does: parameters from each route's `set`, bodies and
//! answers from its copybooks (as the route reshapes them), every status the handler can
//! answer with, and security from `[auth]`.
//!
//! - [`document`](mod@document): the top level (info, servers, paths, components).
//! - [`operation`]: one route (id, parameters, body).
//! - [`responses`]: the statuses of one route.
//! - [`problem`]: the problem document and the shared headers.
//! - [`security`]: security schemes and requirements.
//! - [`text`]: the characters a code page can write, as a `pattern`.
//! - [`sensitive`]: sensitive fields made optional in record schemas (omit, rename and
//!   `set` are applied by the records crate's `json::View`, as on the wire).
//! - [`schema`]: the record schema source (from the records crate).
//! - [`docs`]: the self-contained try-it page served at `/docs`.

pub mod docs;
mod document;
mod operation;
mod problem;
mod responses;
mod schema;
mod security;
mod sensitive;
mod text;

pub use document::document;
