//! `ferrule.toml`: the serde model of the gateway's configuration, with every default in
//! one place, and its validation into a ready-to-serve [`Gateway`].
//!
//! Validation ([`validate`]) collects every problem with its config path, so that
//! `ferrule check` lists them all at once; `serve` refuses a config with any.

mod backend;
mod constant;
pub mod inbound;
mod locate;
mod model;
mod security;
pub mod table;
mod threads;
mod validate;
mod wire;

pub use locate::locate;
pub use model::LayoutRef;
pub use model::{defaults, BackendTlsConfig, CorsConfig, ServerConfig};
pub use security::{AuditFileConfig, Security};
pub use validate::Template;
pub use validate::{
    load, load_str, BackendKind, BackendSpec, Gateway, Problem, RouteSpec, StatusSpec,
};
pub use wire::WireConfig;
