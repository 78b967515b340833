//! Keyword options of `Layout(...)`, `read(...)` and `decode(...)`: the decode options of the
//! CLI (`ferrule decode --help`) spelled with underscores. Every unknown name and every bad
//! value is reported at once, as `ferrule check` does for a config.

use std::path::PathBuf;

use ferrule_parsers::codepage::CodePage;
use ferrule_parsers::copybook::SourceFormat;
use ferrule_parsers::dialect::{AsciiSign, Dialect, EditSymbols, Endian, FloatFormat, Trunc};
use ferrule_parsers::framing::Framing;
use ferrule_parsers::json::{BlankNumbers, CodecOptions, RedefinesMode};
use ferrule_parsers::registry::LoadOptions;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Options of the layout (how the copybook is read and records decoded).
const LAYOUT_NAMES: &[&str] = &[
    "format",
    "record",
    "include",
    "source_format",
    "select",
    "decimal_point",
    "currency_sign",
    "currency_symbol",
    "codepage",
    "dialect",
    "comp5",
    "float",
    "ascii_sign",
    "odo_stored_max",
    "trunc",
    "blank_numbers",
    "redefines",
];

/// Options of one read: also accepted by `decode(...)` to override the layout's.
const READ_NAMES: &[&str] = &["framing", "on_error", "flatten"];

/// What a bad record does to a decode, as `ferrule decode --on-error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnError {
    /// Raise `RecordError` for the first bad record.
    Fail,
    /// Leave bad records out.
    Skip,
    /// Keep bad records with each bad field null.
    Null,
}

/// How records are read: framing, policy and column shape.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// `Fixed { len: 0 }` means the layout's length.
    pub framing: Framing,
    pub on_error: OnError,
    pub flatten: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            framing: Framing::Fixed { len: 0 },
            on_error: OnError::Fail,
            flatten: false,
        }
    }
}

/// Everything a `Layout` is built with.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `copybook` or `spec` (default: by the file name, else copybook).
    pub format: Option<String>,
    pub load: LoadOptions,
    /// `ALTERNATIVE=FIELD:V1,V2`, as `--select`.
    pub select: Vec<String>,
    pub codec: CodecOptions,
    pub read: ReadOptions,
}

/// A problem with one option.
enum Bad {
    Unknown,
    Value(String),
}

/// Collects the problems of one call's options.
#[derive(Default)]
struct Problems {
    unknown: Vec<String>,
    bad: Vec<String>,
}

impl Problems {
    fn note(&mut self, key: &str, r: Result<(), Bad>) {
        match r {
            Ok(()) => {}
            Err(Bad::Unknown) => self.unknown.push(key.to_string()),
            Err(Bad::Value(m)) => self.bad.push(m),
        }
    }

    fn into_result(self, known: &[&[&str]]) -> PyResult<()> {
        if !self.unknown.is_empty() {
            let known: Vec<&str> = known.iter().flat_map(|k| k.iter().copied()).collect();
            return Err(PyTypeError::new_err(format!(
                "unknown option{} {} (known: {})",
                if self.unknown.len() == 1 { "" } else { "s" },
                self.unknown.join(", "),
                known.join(", ")
            )));
        }
        if !self.bad.is_empty() {
            return Err(PyValueError::new_err(self.bad.join("; ")));
        }
        Ok(())
    }
}

/// One of `choices` (case-insensitive), or a problem naming them.
fn choice<T: Copy>(key: &str, v: &Bound<'_, PyAny>, choices: &[(&str, T)]) -> Result<T, Bad> {
    let value = text(key, v)?;
    let lower = value.to_ascii_lowercase();
    choices
        .iter()
        .find(|(n, _)| *n == lower)
        .map(|(_, t)| *t)
        .ok_or_else(|| {
            let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
            Bad::Value(format!(
                "{key}={value:?}: expected one of {}",
                names.join(", ")
            ))
        })
}

fn text(key: &str, v: &Bound<'_, PyAny>) -> Result<String, Bad> {
    v.extract::<String>()
        .map_err(|_| Bad::Value(format!("{key}: expected a string")))
}

fn flag(key: &str, v: &Bound<'_, PyAny>) -> Result<bool, Bad> {
    v.extract::<bool>()
        .map_err(|_| Bad::Value(format!("{key}: expected True or False")))
}

/// A string or path, or a list of them (`include`, `select`).
fn strings(key: &str, v: &Bound<'_, PyAny>) -> Result<Vec<String>, Bad> {
    if let Ok(p) = v.extract::<PathBuf>() {
        return Ok(vec![p.display().to_string()]);
    }
    v.extract::<Vec<PathBuf>>()
        .map(|ps| ps.iter().map(|p| p.display().to_string()).collect())
        .map_err(|_| Bad::Value(format!("{key}: expected a string or a list of strings")))
}

impl Options {
    /// Options from keyword arguments; none gives the CLI's defaults.
    pub fn from_kwargs(kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<Options> {
        let mut o = Options::default();
        let Some(kw) = kwargs else {
            return Ok(o);
        };
        let mut p = Problems::default();
        // The dialect first: comp5, float and ascii_sign override parts of it.
        if let Some(v) = kw.get_item("dialect")? {
            let d = choice(
                "dialect",
                &v,
                &[
                    ("ibm", Dialect::IBM),
                    ("gnucobol", Dialect::GNUCOBOL),
                    ("microfocus", Dialect::MICROFOCUS),
                ],
            );
            p.note(
                "dialect",
                d.map(|d| {
                    o.codec.dialect = d;
                    o.load.dialect = d;
                }),
            );
        }
        let mut currency: (Option<String>, Option<String>) = (None, None);
        for (k, v) in kw.iter() {
            let key: String = k.extract()?;
            let r = match key.as_str() {
                "dialect" => Ok(()),
                "currency_sign" => text(&key, &v).map(|s| currency.0 = Some(s)),
                "currency_symbol" => text(&key, &v).map(|s| currency.1 = Some(s)),
                k if READ_NAMES.contains(&k) => o.read.set(k, &v),
                k => o.set(k, &v),
            };
            p.note(&key, r);
        }
        match currency {
            (Some(sign), symbol) => match o.load.symbols.with_currency(&sign, symbol.as_deref()) {
                Ok(s) => o.load.symbols = s,
                Err(e) => p.bad.push(format!("currency_sign: {e}")),
            },
            (None, Some(_)) => p
                .bad
                .push("currency_symbol: needs currency_sign as well".to_string()),
            (None, None) => {}
        }
        p.into_result(&[LAYOUT_NAMES, READ_NAMES])?;
        Ok(o)
    }

    fn set(&mut self, key: &str, v: &Bound<'_, PyAny>) -> Result<(), Bad> {
        match key {
            "format" => self.format = Some(text(key, v)?),
            "record" => self.load.record = Some(text(key, v)?),
            "include" => {
                self.load.include = strings(key, v)?.into_iter().map(PathBuf::from).collect()
            }
            "source_format" => {
                self.load.source_format = text(key, v)?
                    .parse::<SourceFormat>()
                    .map_err(|e| Bad::Value(format!("source_format: {e}")))?
            }
            "select" => self.select = strings(key, v)?,
            "decimal_point" => {
                let dp = text(key, v)?;
                self.load.symbols.decimal_comma = EditSymbols::decimal_point_by_name(&dp)
                    .ok_or_else(|| {
                        Bad::Value(format!("decimal_point={dp:?}: expected comma or period"))
                    })?
            }
            "codepage" => {
                let name = text(key, v)?;
                self.codec.codepage = CodePage::by_name(&name).ok_or_else(|| {
                    Bad::Value(format!(
                        "codepage={name:?}: unknown (known: {}, and the WHATWG encoding labels)",
                        CodePage::names().join(", ")
                    ))
                })?
            }
            "comp5" => {
                self.codec.dialect.comp5_endian =
                    choice(key, v, &[("big", Endian::Big), ("little", Endian::Little)])?
            }
            "float" => {
                self.codec.dialect.float_format = choice(
                    key,
                    v,
                    &[
                        ("ibm", FloatFormat::IbmHex),
                        ("ieee-be", FloatFormat::Ieee(Endian::Big)),
                        ("ieee-le", FloatFormat::Ieee(Endian::Little)),
                    ],
                )?
            }
            "ascii_sign" => {
                self.codec.dialect.ascii_sign = choice(
                    key,
                    v,
                    &[
                        ("letters", AsciiSign::Letters),
                        ("lowercase", AsciiSign::Lowercase),
                    ],
                )?
            }
            "odo_stored_max" => self.codec.odo_stored_max = flag(key, v)?,
            "trunc" => {
                self.codec.trunc = choice(
                    key,
                    v,
                    &[
                        ("std", Trunc::Std),
                        ("opt", Trunc::Opt),
                        ("bin", Trunc::Bin),
                    ],
                )?
            }
            "blank_numbers" => {
                self.codec.blank_numbers = choice(
                    key,
                    v,
                    &[
                        ("error", BlankNumbers::Error),
                        ("null", BlankNumbers::Null),
                        ("zero", BlankNumbers::Zero),
                    ],
                )?
            }
            "redefines" => {
                self.codec.redefines = choice(
                    key,
                    v,
                    &[("first", RedefinesMode::First), ("all", RedefinesMode::All)],
                )?
            }
            _ => return Err(Bad::Unknown),
        }
        Ok(())
    }
}

impl ReadOptions {
    /// These options with `decode(...)`'s keyword overrides.
    pub fn with_kwargs(mut self, kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<ReadOptions> {
        let Some(kw) = kwargs else {
            return Ok(self);
        };
        let mut p = Problems::default();
        for (k, v) in kw.iter() {
            let key: String = k.extract()?;
            let r = self.set(&key, &v);
            p.note(&key, r);
        }
        p.into_result(&[READ_NAMES])?;
        Ok(self)
    }

    fn set(&mut self, key: &str, v: &Bound<'_, PyAny>) -> Result<(), Bad> {
        match key {
            "framing" => {
                let name = text(key, v)?;
                self.framing =
                    Framing::parse(&name).map_err(|e| Bad::Value(format!("framing: {e}")))?
            }
            "on_error" => {
                self.on_error = choice(
                    key,
                    v,
                    &[
                        ("fail", OnError::Fail),
                        ("skip", OnError::Skip),
                        ("null", OnError::Null),
                    ],
                )?
            }
            "flatten" => self.flatten = flag(key, v)?,
            _ => return Err(Bad::Unknown),
        }
        Ok(())
    }
}
