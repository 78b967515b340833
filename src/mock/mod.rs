//! `ferrule mock`: legacy hosts simulated from copybooks and sample records, so
//! integrators can build against an API before the real host is reachable, and the
//! gateway's tests and `ferrule demo` have hosts to talk to.
//!
//! A host listens on TCP with a backend's framing and code page, reads request records,
//! decodes each with the request layout, finds the answer and writes it back encoded with
//! the response layout. Each connection is served in order, one request at a time, until
//! the client closes; any number of connections at once.
//!
//! # Config file (`mock.toml`)
//! ```toml
//! status_listen = "127.0.0.1:7000"   # optional HTTP endpoint: GET /status, POST /reset
//!
//! [[host]]
//! name = "vehicles"
//! listen = "127.0.0.1:7001"          # default 127.0.0.1:0 (a free port; the real one is printed)
//! framing = "len4"                   # default len4; len2 | fixed | delimiter | rdw
//! delimiter = 10                     # default 10 (newline), for framing = "delimiter"
//! codepage = "cp037"                 # default cp037
//! dialect = "ibm"                    # default ibm; gnucobol | microfocus (also sizes POINTER items)
//! trunc = "bin"                      # default bin; std | opt: the host's TRUNC option, as a
//!                                    # backend's: binary values beyond their PIC digits are read
//!                                    # and written under bin, refused in requests (`invalid`) and
//!                                    # answers (at start-up) under std and opt
//! request  = { copybook = "vehenq-req.cpy" }   # paths relative to this file; `record` picks an 01
//! response = { copybook = "vehenq-rsp.cpy" }
//! mode = "lookup"                    # default lookup; or append
//! records = "vehicles.jsonl"         # lookup: response records, JSON Lines (the records layer's mapping)
//! key = { request = "vrm", response = "vrm", ignore_case = false }   # lookup: dotted JSON paths
//! found = { return_code = 0 }        # lookup: fields set on every found answer (default none)
//! not_found = { return_code = 4, message_text = "NO RECORD" }   # default: a blank/zero record
//! invalid = { return_code = 8 }      # answer to an undecodable request; default: not_found
//! latency_ms = 0                     # default 0: wait before each answer
//!
//! # append mode (a write, e.g. logging an incident):
//! # reply = { return_code = 0 }                     # fields of every answer
//! # sequence = { field = "incident_ref", start = 1, prefix = "INC" }  # start defaults to 1;
//! #                                  # text fields get prefix + number, numeric fields the number
//! # timestamp = "received_at"        # field set to the UTC time: YYYYMMDDhhmmss (or YYYYMMDD if
//! #                                  # it holds fewer than 14 digits)
//!
//! # A transaction manager's envelope around the records (src/mock/protocol.rs):
//! # protocol = "ims-connect"         # with ims = { datastore = "IMS1", trancode = "VEHQ",
//! #                                  #   segment_bytes = 32763 }  (default: the largest segment)
//! # protocol = "cics-listener"       # with cics = { mode = "standard", tranid = "VEHQ",
//! #                                  #   encoding = "ebcdic" } or { mode = "enhanced", msglen = 35 }
//! # Wrong header fields are refused as the product does (*REQSTS*, EZY messages).
//!
//! [host.faults]                      # optional, default off
//! every_nth = 3                      # the 3rd, 6th, ... request to this host (0 = off)
//! kind = "reset"                     # reset | stall | garbage | short | close
//! max_faults = 0                     # default 0 (no limit); e.g. 1: fail once, then recover
//! ```
//! Answers are encoded once at start-up (lookup), so a record file that does not fit the
//! response layout is reported, with its line number, before anything listens.
//!
//! # HTTP JSON APIs
//! `[[api]]` tables simulate the modern side of inbound routes (a legacy program calling
//! a JSON API through Ferrule): routes answering a method and path with a status, a JSON
//! body and a delay. See `src/mock/api.rs` and `docs/inbound.md`. A file may hold only
//! `[[api]]`s, only `[[host]]`s, or both.
//!
//! # Matching
//! The key is read from the decoded request and compared with each record's key: text
//! trimmed (optionally ignoring ASCII case), numbers by decimal value; a path through a
//! table (`matches.surname`) files the record under every element. The first record wins.
//! A request without a key value (blank) finds nothing.
//!
//! # Faults
//! On every n-th request (counted per host over all connections): `reset` writes half the
//! framed answer then resets the connection; `stall` answers nothing and holds the
//! connection until the client closes it; `garbage` sends a well-framed answer of 0xFF
//! bytes; `short` a well-framed answer holding half the record (with `fixed` framing:
//! half the bytes, then a close); `close` closes without answering. `garbage` and
//! `short` (not fixed) keep the connection serving.
//!
//! # Status
//! `GET /status` answers `{"connections_now", "connections_peak", "connections_total",
//! "requests", "in_flight_peak", "hosts": {name: {the same}}}`; the top-level values sum
//! the hosts (summed peaks are an upper bound); `[[api]]` simulators are counted under
//! their names as hosts are. `POST /reset` drops peaks to the current values and totals
//! to zero.

mod answer;
mod api;
mod clock;
mod config;
// `set_path` serves inbound answers too (`crate::inbound`).
pub(crate) mod fields;
mod frame;
mod host;
mod key;
mod protocol;
mod server;
mod stats;

// `ferrule demo` starts hosts in-process from embedded samples with these.
pub use host::load;
pub use server::start;
