//! `ferrule inspect FILE --copybook C`: which options read a file of unknown
//! provenance. Every plausible framing, code page and OCCURS DEPENDING ON mode is tried
//! on the first records (`--sample`), ranked by how many records decode cleanly at the
//! layout's length, and the best few are printed as ready-to-paste `decode` options, the
//! runners-up with the first mismatch beside the field it hit.

use std::fs::File;
use std::io::Read;
use std::path::PathBuf;

use clap::Args;
use ferrule_parsers::codepage::CodePage;
use ferrule_parsers::framing::{Framing, MeasuredError, RecordReader, FRAMING_SPELLINGS};
use ferrule_parsers::json::{hex_bytes, BlankNumbers, CodecOptions, FieldErrorMode};
use ferrule_parsers::layout::Layout;
use ferrule_parsers::values::{RecordValues, ValueDecoder};

use super::args::{DialectName, RecordLayoutArgs};
use super::Failure;

/// Framings tried, in the order a tie prefers them: every spelling files accept
/// (`FRAMING_SPELLINGS`, one registry), `fixed` at the layout's length, without the alias
/// `vb` (= `bdw`) and the parameterised delimiter.
fn framings() -> impl Iterator<Item = &'static str> {
    FRAMING_SPELLINGS.iter().filter_map(|&s| match s {
        "fixed:N" => Some("fixed"),
        "vb" => None,
        s if s.contains(':') => None,
        s => Some(s),
    })
}

/// Bytes read from the start of the file at most, whatever `--sample` says.
const MAX_SAMPLE_BYTES: usize = 16 << 20;

#[derive(Args, Debug)]
pub struct InspectArgs {
    #[command(flatten)]
    layout: RecordLayoutArgs,
    /// Compiler that wrote the records (COMP-5 byte order, float format, ASCII signs).
    #[arg(long, value_enum, default_value = "ibm")]
    dialect: DialectName,
    /// How many records from the start of the file each candidate is tried on.
    #[arg(long, value_name = "N", default_value_t = 200)]
    sample: usize,
    /// How many candidates to print.
    #[arg(long, value_name = "N", default_value_t = 3)]
    top: usize,
    /// The file of records.
    input: PathBuf,
}

/// One way of reading the file, and how it went.
#[derive(Debug)]
struct Candidate {
    framing: &'static str,
    codepage: &'static str,
    odo_stored_max: bool,
    /// Records cut from the sample (at most `--sample`).
    records: usize,
    /// Records that decoded without error at the length the layout gives them.
    clean: usize,
    /// The framing cut the sample without error and, when the sample is the whole
    /// file, ended exactly at its end.
    framing_ok: bool,
    /// Share of decoded text that is letters, digits, spaces and common punctuation
    /// (tells code pages of one family apart).
    plausible: f64,
    /// Order of preference among otherwise equal candidates (lower first).
    rank: usize,
    /// The first thing that went wrong, for runners-up.
    mismatch: Option<String>,
    /// Of the clean records, those clean only with `--blank-numbers null` (numeric
    /// fields of all spaces or low-values), and the first such field.
    blank: usize,
    blank_first: Option<String>,
}

impl Candidate {
    /// Sort key: most clean records net of bad ones (a framing that cuts junk between
    /// good records loses to one that cuts only good ones), then a framing that fits,
    /// then plausible text, then the more common spelling.
    fn better(&self, other: &Candidate) -> std::cmp::Ordering {
        other
            .net()
            .cmp(&self.net())
            .then(other.framing_ok.cmp(&self.framing_ok))
            .then(other.plausible.total_cmp(&self.plausible))
            .then(self.rank.cmp(&other.rank))
    }

    fn net(&self) -> i64 {
        2 * self.clean as i64 - self.records as i64
    }

    /// Reads the sample exactly as well as `other` (only the code page differs).
    fn same_result(&self, other: &Candidate) -> bool {
        self.framing == other.framing
            && self.odo_stored_max == other.odo_stored_max
            && self.clean == other.clean
            && self.records == other.records
            && self.framing_ok == other.framing_ok
            && self.plausible == other.plausible
            && self.blank == other.blank
    }

    /// The `decode` options that read the file this way.
    fn options(&self) -> String {
        let mut s = format!("--framing {} --codepage {}", self.framing, self.codepage);
        if self.odo_stored_max {
            s.push_str(" --odo-stored-max");
        }
        if self.blank > 0 {
            s.push_str(" --blank-numbers null");
        }
        s
    }
}

/// The sample: the first bytes of the file, and whether they are all of it.
struct Sample {
    bytes: Vec<u8>,
    whole: bool,
}

fn read_sample(path: &PathBuf, want: usize) -> Result<Sample, Failure> {
    let f = File::open(path)
        .map_err(|e| Failure::usage(format!("error: cannot open {}: {e}", path.display())))?;
    let mut bytes = Vec::new();
    // One byte more than wanted tells whether the file goes on.
    f.take(want as u64 + 1).read_to_end(&mut bytes)?;
    let whole = bytes.len() <= want;
    bytes.truncate(want);
    Ok(Sample { bytes, whole })
}

/// Everything a candidate is tried with besides its framing.
struct Trial<'a> {
    layout: &'a Layout,
    opts: CodecOptions,
}

impl Trial<'_> {
    /// Decodes `records` (bytes of each) and scores them.
    fn score<'r>(
        &self,
        records: impl Iterator<Item = &'r [u8]>,
        c: &mut Candidate,
    ) -> Result<(), Failure> {
        let new = |opts| {
            ValueDecoder::new(self.layout, opts).map_err(|e| Failure::usage(format!("error: {e}")))
        };
        let mut decoder = new(self.opts)?;
        // A record refused for a blank number is tried again reading blanks as null, so
        // a file whose only fault is unfilled numeric fields ranks as what it is.
        let mut lenient = new(CodecOptions {
            blank_numbers: BlankNumbers::Null,
            ..self.opts
        })?;
        let mut rv = RecordValues::default();
        let (mut good_chars, mut chars) = (0usize, 0usize);
        let exact = !self.layout.has_odo() || self.opts.odo_stored_max;
        for (i, rec) in records.enumerate() {
            c.records += 1;
            let number = i as u64 + 1;
            // The record decoded is as long as the layout says it is.
            let fits = |rv: &RecordValues| {
                if exact {
                    rec.len() == self.layout.max_len()
                } else {
                    rv.consumed == rec.len()
                }
            };
            match decoder.decode(rec, FieldErrorMode::Fail, &mut rv) {
                Ok(()) => {
                    let fits = fits(&rv);
                    let (good, all) = plausible(&rv.text);
                    good_chars += good;
                    chars += all;
                    if fits {
                        c.clean += 1;
                    } else if c.mismatch.is_none() {
                        c.mismatch = Some(format!(
                            "record {number} is {} bytes, the layout {} (starts {})",
                            rec.len(),
                            rv.consumed.max(self.layout.max_len()),
                            hex_bytes(rec.get(..16.min(rec.len())).unwrap_or_default())
                        ));
                    }
                }
                Err(e) => {
                    let blank_only = self.opts.blank_numbers == BlankNumbers::Error
                        && lenient.decode(rec, FieldErrorMode::Fail, &mut rv).is_ok()
                        && fits(&rv);
                    if blank_only {
                        let (good, all) = plausible(&rv.text);
                        good_chars += good;
                        chars += all;
                        c.clean += 1;
                        c.blank += 1;
                        if c.blank_first.is_none() {
                            c.blank_first = Some(e.at_record(number).to_string());
                        }
                    } else if c.mismatch.is_none() {
                        c.mismatch = Some(e.at_record(number).to_string());
                    }
                }
            }
        }
        c.plausible = if chars == 0 {
            0.0
        } else {
            good_chars as f64 / chars as f64
        };
        Ok(())
    }
}

/// How many characters of `text` look written by a person, of how many: letters and
/// digits of any script and spaces do; common ASCII punctuation does unless it sits
/// inside a word (`M!LLER` is a German page read as US: `MÜLLER`); anything else does
/// not.
fn plausible(text: &str) -> (usize, usize) {
    let chars: Vec<char> = text.chars().collect();
    let mut good = 0;
    for (i, &c) in chars.iter().enumerate() {
        let letter = |j: Option<usize>| {
            j.and_then(|j| chars.get(j))
                .is_some_and(|c| c.is_alphabetic())
        };
        let ok = if c.is_alphanumeric() || c == ' ' {
            true
        } else if c.is_ascii_punctuation() {
            let inside = letter(i.checked_sub(1)) && letter(Some(i + 1));
            !inside || "'-./&".contains(c)
        } else {
            false
        };
        good += usize::from(ok);
    }
    (good, chars.len())
}

/// Code pages in the order a tie prefers: the most common first (US EBCDIC, z/OS Unix
/// EBCDIC, international, then national pages each before its euro twin; UTF-8, Latin-1).
const PREFERRED: &[&str] = &[
    "cp037",
    "cp1047",
    "cp500",
    "cp1140",
    "cp273",
    "cp1141",
    "cp285",
    "cp1146",
    "cp297",
    "cp1147",
    "cp280",
    "cp1144",
    "cp284",
    "cp1145",
    "cp277",
    "cp1142",
    "cp278",
    "cp1143",
    "cp871",
    "cp1149",
    "cp1148",
    "utf-8",
    "latin1",
    "windows-1252",
    "ascii",
    "iso-8859-15",
];

/// The code pages tried, EBCDIC and ASCII families alike (every one Ferrule supports),
/// in the order a tie prefers.
fn codepages() -> Vec<(&'static str, CodePage)> {
    let rest = CodePage::names().iter().filter(|n| !PREFERRED.contains(n));
    PREFERRED
        .iter()
        .chain(rest)
        .filter_map(|n| CodePage::by_name(n).map(|cp| (*n, cp)))
        .collect()
}

pub fn inspect(args: InspectArgs) -> Result<(), Failure> {
    if args.sample == 0 {
        return Err(Failure::usage("error: --sample must be at least 1"));
    }
    let dialect = args.dialect.dialect();
    let layout = args.layout.load(dialect)?;
    let max_len = layout.max_len();
    // Room for the sampled records with generous headers, but never the whole of a
    // large file.
    let want = args
        .sample
        .saturating_mul(max_len.saturating_add(8))
        .saturating_mul(2)
        .clamp(64 << 10, MAX_SAMPLE_BYTES);
    let sample = read_sample(&args.input, want)?;
    if sample.bytes.is_empty() {
        return Err(Failure::data(format!(
            "error: {} is empty: nothing to inspect",
            args.input.display()
        )));
    }
    let odo_modes: &[bool] = if layout.has_odo() {
        &[false, true]
    } else {
        &[false]
    };
    let mut all = Vec::new();
    let pages = codepages();
    for (fi, fname) in framings().enumerate() {
        let framing = Framing::parse(fname).map_err(|e| Failure::usage(format!("error: {e}")))?;
        // Cut once for every code page, unless the cut depends on decoding (ODO).
        let cut_once = !(layout.has_odo() && matches!(framing, Framing::Fixed { .. }));
        let cut = if cut_once {
            Some(cut(&layout, framing, &sample, args.sample))
        } else {
            None
        };
        for &stored_max in odo_modes {
            for (pi, (pname, cp)) in pages.iter().enumerate() {
                let opts = CodecOptions {
                    codepage: *cp,
                    dialect,
                    odo_stored_max: stored_max,
                    ..CodecOptions::default()
                };
                let trial = Trial {
                    layout: &layout,
                    opts,
                };
                let mut c = Candidate {
                    framing: fname,
                    codepage: pname,
                    odo_stored_max: stored_max,
                    records: 0,
                    clean: 0,
                    framing_ok: false,
                    plausible: 0.0,
                    rank: (fi * 2 + usize::from(stored_max)) * pages.len() + pi,
                    mismatch: None,
                    blank: 0,
                    blank_first: None,
                };
                match &cut {
                    Some(cut) => {
                        c.framing_ok = cut.ok;
                        c.mismatch = cut.error.clone();
                        trial.score(cut.records.iter().map(Vec::as_slice), &mut c)?;
                    }
                    None => try_measured(&trial, &sample, args.sample, &mut c)?,
                }
                all.push(c);
            }
        }
    }
    all.sort_by(Candidate::better);
    print_ranking(&args, &layout, &sample, &all)
}

/// Records cut from the sample one way, whether the framing fits, and why not.
struct Cut {
    records: Vec<Vec<u8>>,
    ok: bool,
    error: Option<String>,
}

/// Cuts up to `limit` records from the sample (fixed: at the layout's length).
fn cut(layout: &Layout, framing: Framing, sample: &Sample, limit: usize) -> Cut {
    let framing = match framing {
        Framing::Fixed { .. } => Framing::Fixed {
            len: layout.max_len(),
        },
        f => f,
    };
    let mut reader = RecordReader::new(&sample.bytes[..], framing);
    let mut cut = Cut {
        records: Vec::new(),
        ok: true,
        error: None,
    };
    while cut.records.len() < limit {
        match reader.next_record() {
            Ok(Some(r)) => cut.records.push(r.to_vec()),
            Ok(None) => break,
            // A sample cut inside a record ends early: not the framing's fault.
            Err(_) if !sample.whole && !cut.records.is_empty() => break,
            Err(e) => {
                cut.ok = false;
                if cut.records.is_empty() {
                    cut.error = Some(e.to_string());
                }
                break;
            }
        }
    }
    cut
}

/// Fixed framing of OCCURS DEPENDING ON records, each as long as its counters say.
fn try_measured(
    trial: &Trial<'_>,
    sample: &Sample,
    limit: usize,
    c: &mut Candidate,
) -> Result<(), Failure> {
    let mut decoder = ValueDecoder::new(trial.layout, trial.opts)
        .map_err(|e| Failure::usage(format!("error: {e}")))?;
    let mut rv = RecordValues::default();
    let mut reader = RecordReader::new(&sample.bytes[..], Framing::Fixed { len: 0 });
    let mut records = Vec::new();
    c.framing_ok = true;
    while records.len() < limit {
        let next = reader.next_measured(trial.layout.max_len(), |b| {
            decoder
                .decode(b, FieldErrorMode::Fail, &mut rv)
                .map(|()| rv.consumed)
        });
        match next {
            Ok(Some(r)) => records.push(r.to_vec()),
            Ok(None) => break,
            Err(_) if !sample.whole && !records.is_empty() => break,
            Err(e) => {
                c.framing_ok = false;
                c.mismatch = Some(match e {
                    MeasuredError::Measure { record, source, .. } => {
                        source.at_record(record).to_string()
                    }
                    other => other.to_string(),
                });
                break;
            }
        }
    }
    let first_mismatch = c.mismatch.take();
    trial.score(records.iter().map(Vec::as_slice), c)?;
    c.mismatch = c.mismatch.take().or(first_mismatch);
    Ok(())
}

fn print_ranking(
    args: &InspectArgs,
    layout: &Layout,
    sample: &Sample,
    all: &[Candidate],
) -> Result<(), Failure> {
    let file = args.input.display();
    let best = all.first().filter(|c| c.clean > 0);
    let Some(best) = best else {
        let mut msg = format!(
            "error: {file} fits no framing, code page and OCCURS DEPENDING ON mode tried \
             with this layout ({} bytes): no record decodes cleanly at the layout's length",
            layout.max_len()
        );
        if let Some(m) = all.iter().find_map(|c| c.mismatch.as_ref().map(|m| (c, m))) {
            msg.push_str(&format!("\nclosest: {}: {}", m.0.options(), m.1));
        }
        return Err(Failure::data(msg));
    };
    let whole = if sample.whole {
        "the whole file"
    } else {
        "its start"
    };
    println!(
        "{file}: {} bytes sampled ({whole}), layout {} bytes; best readings first:",
        sample.bytes.len(),
        layout.max_len()
    );
    let copybook = args.layout.copybook.display();
    // Code pages that read the sample exactly as well are one answer.
    let mut groups: Vec<(&Candidate, Vec<&str>)> = Vec::new();
    for c in all {
        match groups.last_mut() {
            Some((head, same)) if head.same_result(c) => same.push(c.codepage),
            _ => groups.push((c, Vec::new())),
        }
    }
    for (i, (c, same)) in groups.iter().take(args.top.max(1)).enumerate() {
        let fits = if c.framing_ok {
            if sample.whole {
                "framing ends at the end of the file"
            } else {
                "framing fits the sample"
            }
        } else {
            "framing does not fit"
        };
        println!(
            "{}. {} of {} records decode cleanly; {fits}",
            i + 1,
            c.clean,
            c.records
        );
        println!(
            "   ferrule decode --copybook {copybook} {} {file}",
            c.options()
        );
        if !same.is_empty() {
            println!(
                "   the same with --codepage {}",
                same.iter().take(8).copied().collect::<Vec<_>>().join(", ")
                    + if same.len() > 8 { ", ..." } else { "" }
            );
        }
        if let Some(b) = &c.blank_first {
            println!(
                "   {} of them only with --blank-numbers null (numeric fields of all spaces or \
                 low-values), first: {b}",
                c.blank
            );
        }
        if !std::ptr::eq(*c, best) || c.clean < c.records {
            if let Some(m) = &c.mismatch {
                println!("   first mismatch: {m}");
            }
        }
    }
    Ok(())
}
