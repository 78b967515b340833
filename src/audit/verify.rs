//! Checking a log: every line's own hash, then `seq` and `prev` against the line before,
//! across rotated files, stopping at the first broken line.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use super::chain::{ChainHash, GENESIS};
use super::error::{Broken, VerifyError};
use super::segments;

/// How to verify.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// The chain key the log was written with ([`super::AuditConfig::chain_key`]), if any.
    pub chain_key: Option<Vec<u8>>,
    /// Accept a chain that starts after seq 1 (older rotated files archived elsewhere): the
    /// first line's `prev` is then taken on trust. Without it the chain must start at seq 1
    /// with the genesis `prev`, so deleting the first lines is detected.
    pub partial: bool,
}

/// What an intact chain holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// The files checked, in chain order.
    pub files: Vec<PathBuf>,
    pub lines: u64,
    /// `seq` of the first and last lines; `None` when there are no lines.
    pub first_seq: Option<u64>,
    pub last_seq: Option<u64>,
    /// The last line's hash (the genesis value when empty). Keep it somewhere the log's
    /// writers cannot reach: it is what proves that no lines were cut off the end.
    pub head: [u8; 32],
}

/// The files to check for `paths`: one path is a log's base name, expanded to its rotated
/// siblings (`PATH.<seq>`, oldest first) followed by itself when it exists; several paths
/// are taken as given, in chain order.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, VerifyError> {
    match paths {
        [] => Err(VerifyError::NoFiles {
            file: PathBuf::new(),
        }),
        [base] => {
            let files = segments::chain_files(base).map_err(|source| VerifyError::Io {
                file: base.clone(),
                source,
            })?;
            if files.is_empty() {
                return Err(VerifyError::NoFiles { file: base.clone() });
            }
            Ok(files)
        }
        many => Ok(many.to_vec()),
    }
}

/// Verifies the chain through `paths` (see [`expand`]); the error names the first broken
/// line by file and 1-based line number.
pub fn verify(paths: &[PathBuf], opts: &VerifyOptions) -> Result<VerifyReport, VerifyError> {
    let files = expand(paths)?;
    let mut state = State {
        chain: ChainHash::new(opts.chain_key.as_deref()),
        partial: opts.partial,
        last: None,
        first_seq: None,
        lines: 0,
    };
    for file in &files {
        state.file(file)?;
    }
    Ok(VerifyReport {
        files,
        lines: state.lines,
        first_seq: state.first_seq,
        last_seq: state.last.map(|(s, _)| s),
        head: state.last.map_or(GENESIS, |(_, h)| h),
    })
}

struct State {
    chain: ChainHash,
    partial: bool,
    /// seq and hash of the last good line.
    last: Option<(u64, [u8; 32])>,
    first_seq: Option<u64>,
    lines: u64,
}

impl State {
    fn file(&mut self, file: &Path) -> Result<(), VerifyError> {
        let io = |source| VerifyError::Io {
            file: file.to_path_buf(),
            source,
        };
        let mut reader = BufReader::new(File::open(file).map_err(io)?);
        let mut line = Vec::new();
        let mut number = 0u64;
        loop {
            line.clear();
            if reader.read_until(b'\n', &mut line).map_err(io)? == 0 {
                return Ok(());
            }
            number += 1;
            self.line(&line).map_err(|why| VerifyError::Broken {
                file: file.to_path_buf(),
                line: number,
                why,
            })?;
        }
    }

    fn line(&mut self, line: &[u8]) -> Result<(), Broken> {
        let line = line.strip_suffix(b"\n").ok_or(Broken::Torn)?;
        let sealed = self.chain.check(line)?;
        match self.last {
            Some((seq, hash)) => {
                let expected = seq.saturating_add(1);
                if sealed.seq != expected {
                    return Err(Broken::SeqGap {
                        expected,
                        found: sealed.seq,
                    });
                }
                if sealed.prev != hash {
                    return Err(Broken::PrevMismatch);
                }
            }
            // The very first line: seq 1 from genesis, unless a partial chain is allowed.
            None if sealed.seq == 1 || !self.partial => {
                if sealed.seq != 1 {
                    return Err(Broken::SeqGap {
                        expected: 1,
                        found: sealed.seq,
                    });
                }
                if sealed.prev != GENESIS {
                    return Err(Broken::PrevMismatch);
                }
            }
            None => {}
        }
        self.first_seq.get_or_insert(sealed.seq);
        self.last = Some((sealed.seq, sealed.hash));
        self.lines += 1;
        Ok(())
    }
}
