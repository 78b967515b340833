//! Where bad records go: raw bytes kept in their framing, reports beside them, and a
//! count on stderr, so that no mode of `--on-error` loses data silently.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use ferrule_parsers::framing::{Framing, RecordWriter};
use ferrule_parsers::json::RecordError;

use super::{counted, Failure};

/// How many error lines go to stderr before the rest are only counted.
const SHOWN: u64 = 20;

/// Raw bad records plus a JSON Lines file of their error reports.
pub struct Quarantine {
    raw: Option<Raw>,
    reports: Option<BufWriter<File>>,
}

enum Raw {
    Framed(RecordWriter<BufWriter<File>>),
    Lines(BufWriter<File>),
}

fn reports_path(p: &Path) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(".errors.jsonl");
    PathBuf::from(s)
}

fn create(p: &Path) -> Result<BufWriter<File>, Failure> {
    File::create(p)
        .map(BufWriter::new)
        .map_err(|e| Failure::usage(format!("error: cannot create {}: {e}", p.display())))
}

impl Quarantine {
    /// For decode: raw records are written back in the input's framing.
    pub fn open(path: Option<&Path>, framing: Framing) -> Result<Self, Failure> {
        let Some(p) = path else {
            return Ok(Quarantine {
                raw: None,
                reports: None,
            });
        };
        // Fixed records that vary (ODO) are written as they are.
        let framing = match framing {
            Framing::Fixed { .. } => Framing::Fixed { len: 0 },
            f => f,
        };
        Ok(Quarantine {
            raw: Some(Raw::Framed(RecordWriter::new(create(p)?, framing))),
            reports: Some(create(&reports_path(p))?),
        })
    }

    /// For encode: the bad JSON lines are kept as lines.
    pub fn open_lines(path: Option<&Path>) -> Result<Self, Failure> {
        let Some(p) = path else {
            return Ok(Quarantine {
                raw: None,
                reports: None,
            });
        };
        Ok(Quarantine {
            raw: Some(Raw::Lines(create(p)?)),
            reports: Some(create(&reports_path(p))?),
        })
    }

    pub fn record(
        &mut self,
        raw: &[u8],
        input_offset: u64,
        errors: &[RecordError],
    ) -> Result<(), Failure> {
        match &mut self.raw {
            Some(Raw::Framed(w)) => w
                .write_record(raw)
                .map_err(|e| Failure::data(format!("error: quarantine: {e}")))?,
            Some(Raw::Lines(w)) => {
                w.write_all(raw)?;
                if !raw.ends_with(b"\n") {
                    w.write_all(b"\n")?;
                }
            }
            None => {}
        }
        if let Some(w) = &mut self.reports {
            let list: Vec<serde_json::Value> = errors
                .iter()
                .map(|e| {
                    serde_json::json!({
                        "field": e.path,
                        "offset": e.offset,
                        "bytes": ferrule_parsers::json::hex_bytes(&e.bytes),
                        "message": e.kind.to_string(),
                    })
                })
                .collect();
            let line = serde_json::json!({
                "record": errors.first().map_or(0, |e| e.record),
                "input_offset": input_offset,
                "errors": list,
            });
            writeln!(w, "{line}")?;
        }
        Ok(())
    }

    pub fn finish(self) -> Result<(), Failure> {
        match self.raw {
            Some(Raw::Framed(w)) => w
                .finish()
                .map_err(|e| Failure::data(format!("error: quarantine: {e}")))?
                .flush()?,
            Some(Raw::Lines(mut w)) => w.flush()?,
            None => {}
        }
        if let Some(mut w) = self.reports {
            w.flush()?;
        }
        Ok(())
    }
}

/// Counts of good and bad records, and the error lines shown so far.
pub struct Tally {
    pub good: u64,
    bad_records: u64,
    field_errors: u64,
    shown: u64,
    kept: bool,
}

impl Tally {
    /// `kept`: bad records stay in the output (with nulls) rather than being dropped.
    pub fn new(kept: bool) -> Self {
        Tally {
            good: 0,
            bad_records: 0,
            field_errors: 0,
            shown: 0,
            kept,
        }
    }

    pub fn bad(&mut self, errors: &[RecordError]) {
        self.bad_records += 1;
        for e in errors {
            self.field_errors += 1;
            if self.shown < SHOWN {
                eprintln!("warning: {e}");
                self.shown += 1;
            }
        }
    }

    pub fn summary(&self, verb: &str, quarantine: Option<&Path>) {
        if self.bad_records == 0 {
            return;
        }
        let hidden = self.field_errors - self.shown;
        let what = if self.kept {
            "kept with null fields"
        } else {
            "skipped"
        };
        let mut msg = format!(
            "ferrule: {} {verb}, {} {what} ({} in all",
            counted(
                self.good + if self.kept { self.bad_records } else { 0 },
                "record"
            ),
            counted(self.bad_records, "bad record"),
            counted(self.field_errors, "error")
        );
        if hidden > 0 {
            msg.push_str(&format!(", {hidden} not shown"));
        }
        msg.push(')');
        if let Some(q) = quarantine {
            msg.push_str(&format!(
                "; raw records in {}, reports in {}",
                q.display(),
                reports_path(q).display()
            ));
        }
        eprintln!("{msg}");
    }
}
