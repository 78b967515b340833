//! `ferrule`: legacy records to JSON and back, from the command line (the library's
//! [`ferrule::run_cli`]; everything else lives in the library).
#![forbid(unsafe_code)]

/// mimalloc rather than the system allocator: a call allocates and frees many small,
/// short-lived buffers (headers, JSON, records), which glibc's malloc served slowly.
/// Chosen by the binary, not the library, so embedders keep their own allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    ferrule::run_cli()
}
