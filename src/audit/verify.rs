//! Checking a log: every line's own hash, then `seq` and `prev` against the line before,
//! across rotated files, stopping at the first broken line; then that the chain reaches
//! every head known from elsewhere (an [`Anchor`]: `--expect-head`, a checkpoint file).

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use super::chain::{ChainHash, GENESIS};
use super::checkpoint::Checkpoint;
use super::error::{Broken, Unanchored, VerifyError};
use super::segments;

/// A head recorded away from the log: the chain must reach it, or lines were cut off the
/// end (or the log rewritten).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// Where the head came from, for the error (`--expect-head`, `checkpoint FILE`).
    pub source: String,
    /// The head line's seq, when known (a checkpoint knows it, a bare hash does not).
    pub seq: Option<u64>,
    pub hash: [u8; 32],
}

impl Anchor {
    /// A bare head hash: some line of the chain must have it.
    pub fn head(source: impl Into<String>, hash: [u8; 32]) -> Anchor {
        Anchor {
            source: source.into(),
            seq: None,
            hash,
        }
    }

    /// The head a checkpoint file holds: line `lines` of the chain must have its hash.
    pub fn checkpoint(file: &Path) -> Result<Anchor, VerifyError> {
        let bad = |why: String| VerifyError::Checkpoint {
            file: file.to_path_buf(),
            why,
        };
        let c = Checkpoint::read(file)
            .map_err(bad)?
            .ok_or_else(|| bad("no such file".into()))?;
        Ok(Anchor {
            source: format!("checkpoint {}", file.display()),
            seq: Some(c.lines),
            hash: c.head_hash().map_err(bad)?,
        })
    }
}

/// How to verify.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// The chain key the log was written with ([`super::AuditConfig::chain_key`]), if any.
    pub chain_key: Option<Vec<u8>>,
    /// Accept a chain that starts after seq 1 (older rotated files archived elsewhere): the
    /// first line's `prev` is then taken on trust. Without it the chain must start at seq 1
    /// with the genesis `prev`, so deleting the first lines is detected.
    pub partial: bool,
    /// Heads recorded elsewhere that the chain must reach.
    pub anchors: Vec<Anchor>,
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
        anchors: opts.anchors.iter().map(|a| (a, false)).collect(),
    };
    for file in &files {
        state.file(file)?;
    }
    state.anchors_reached()?;
    Ok(VerifyReport {
        files,
        lines: state.lines,
        first_seq: state.first_seq,
        last_seq: state.last.map(|(s, _)| s),
        head: state.last.map_or(GENESIS, |(_, h)| h),
    })
}

struct State<'a> {
    chain: ChainHash,
    partial: bool,
    /// seq and hash of the last good line.
    last: Option<(u64, [u8; 32])>,
    first_seq: Option<u64>,
    lines: u64,
    /// Each anchor and whether a line has matched it.
    anchors: Vec<(&'a Anchor, bool)>,
}

impl State<'_> {
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
            self.anchor_line(file, number)?;
        }
    }

    /// Matches the line just checked (the new `last`) against the anchors.
    fn anchor_line(&mut self, file: &Path, number: u64) -> Result<(), VerifyError> {
        let Some((seq, hash)) = self.last else {
            return Ok(());
        };
        for (anchor, reached) in &mut self.anchors {
            match anchor.seq {
                Some(s) if s == seq && anchor.hash != hash => {
                    return Err(VerifyError::Anchor {
                        anchor: anchor.source.clone(),
                        why: Unanchored::Rewritten {
                            seq,
                            expected: hex::encode(anchor.hash),
                            found: hex::encode(hash),
                            file: file.to_path_buf(),
                            line: number,
                        },
                    });
                }
                Some(s) if s == seq => *reached = true,
                None if anchor.hash == hash => *reached = true,
                _ => {}
            }
        }
        Ok(())
    }

    /// After the last line: every anchor must have been met. A chain from seq 1 also
    /// reaches the genesis head (an anchor taken from an empty log).
    fn anchors_reached(&self) -> Result<(), VerifyError> {
        let last_seq = self.last.map_or(0, |(s, _)| s);
        let last_head = hex::encode(self.last.map_or(GENESIS, |(_, h)| h));
        let from_genesis = self.first_seq.is_none_or(|s| s == 1);
        for (anchor, reached) in &self.anchors {
            let genesis = from_genesis && anchor.hash == GENESIS && anchor.seq.unwrap_or(0) == 0;
            if *reached || genesis {
                continue;
            }
            let expected = hex::encode(anchor.hash);
            let why = match anchor.seq {
                None => Unanchored::HeadNotFound {
                    expected,
                    last_seq,
                    last_head: last_head.clone(),
                },
                Some(seq) if seq > last_seq => Unanchored::CutShort {
                    seq,
                    expected,
                    last_seq,
                    last_head: last_head.clone(),
                },
                Some(seq) => Unanchored::BeforeFirst {
                    seq,
                    first_seq: self.first_seq.unwrap_or(0),
                },
            };
            return Err(VerifyError::Anchor {
                anchor: anchor.source.clone(),
                why,
            });
        }
        Ok(())
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
