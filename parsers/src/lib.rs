//! Ferrule's record layer: everything about legacy records, nothing about networks.
//!
//! A [`layout::Layout`] (built from a COBOL copybook by [`copybook`] or from a TOML
//! fixed-width spec by [`spec`]) describes where each field sits in a record and how
//! its bytes are stored. [`json`] moves records between bytes and JSON with it, using
//! the [`codepage`] and [`numeric`] codecs; [`framing`] cuts byte streams into records.
#![forbid(unsafe_code)]
// Product code must not panic on input: `expect` is held to the same rule as `unwrap`
// (the workspace lint); tests may use both (clippy.toml).
#![warn(clippy::expect_used)]

pub mod codepage;
pub mod copybook;
pub mod dialect;
pub mod framing;
pub mod json;
pub mod layout;
pub mod numeric;
pub mod protocol;
pub mod registry;
pub mod spec;
pub mod values;
