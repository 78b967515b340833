//! Transaction-manager envelopes above framing: IMS Connect and the z/OS CICS socket
//! listeners, sans-I/O.
//!
//! Each protocol is a set of pure functions and small state machines over byte buffers:
//! request encoders and answer decoders for the client side (a gateway backend), request
//! decoders and answer encoders for the host side (`ferrule mock`). Nothing here reads or
//! writes a socket; callers feed bytes in and are told how many more are needed, the same
//! shape as [`crate::framing::Deframer`]. A protocol wraps records a framer already cut
//! and never looks inside them. Byte layouts and the IBM documents they come from are in
//! `docs/mainframe-protocols.md`.

pub mod cics_listener;
pub mod fuzz;
pub mod ims_connect;
mod text;

pub use text::{HeaderEncoding, TextFieldError};

/// What an incremental decoder found so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress<T> {
    /// Not enough bytes yet: give at least this many more, or say no more will come.
    NeedMore(usize),
    /// A whole message, taken out of the buffer.
    Done(T),
}
