//! Options shared by the commands that read a layout and convert records, one struct per
//! concern so that each command flattens only what it uses: [`RecordLayoutArgs`] (where
//! the layout comes from: decode, encode, layout, schema), [`CodecArgs`] (how record bytes
//! are read and written: decode, encode, schema) and [`JsonOutArgs`] (how decoded JSON is
//! shaped: decode, schema). Options of one command only live beside that command.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use ferrule_parsers::codepage::CodePage;
use ferrule_parsers::copybook::{IncludePath, SourceFormat};
use ferrule_parsers::dialect::{AsciiSign, Dialect, EditSymbols, Endian, FloatFormat, Trunc};
use ferrule_parsers::json::{BlankNumbers, CodecOptions, RedefinesMode};
use ferrule_parsers::layout::Layout;
use ferrule_parsers::registry::{self, LoadOptions};

use super::Failure;

/// Where the record layout comes from (decode, encode, layout, schema).
#[derive(Args, Debug, Clone, Default)]
pub struct RecordLayoutArgs {
    /// COBOL copybook (or any registered layout file: `*.toml` is a fixed-width spec).
    #[arg(long, short = 'c', value_name = "PATH", alias = "layout")]
    pub copybook: PathBuf,
    /// Layout format, when the file extension does not tell (copybook, spec).
    #[arg(long, value_name = "NAME")]
    pub format: Option<String>,
    /// Which 01 record to use when the copybook holds several.
    #[arg(long, value_name = "NAME")]
    pub record: Option<String>,
    /// Directory searched for COPY members, after the copybook's own (repeatable, like
    /// `cobc -I`); then the directories of the COBCPY environment variable.
    #[arg(long, short = 'I', value_name = "DIR")]
    pub include: Vec<PathBuf>,
    /// Copybook reference format: auto (detected), fixed or free.
    #[arg(long, value_name = "FORMAT", default_value = "auto")]
    pub source_format: SourceFormat,
    /// A REDEFINES alternative that applies only when FIELD holds one of the values:
    /// `ALTERNATIVE=FIELD:V1,V2` (repeatable; multi-segment files). Each command words
    /// what it does with it (`select_help`).
    #[arg(long = "select", value_name = "ALT=FIELD:VALUES")]
    pub select: Vec<String>,
    /// `comma`: numeric-edited pictures were written under DECIMAL-POINT IS COMMA
    /// (`Z.ZZZ.ZZ9,99`).
    #[arg(long, value_name = "comma|period")]
    pub decimal_point: Option<String>,
    /// The CURRENCY SIGN of numeric-edited pictures: one character (`£`, `€`).
    #[arg(long, value_name = "SIGN")]
    pub currency_sign: Option<String>,
    /// The PICTURE symbol standing for --currency-sign (WITH PICTURE SYMBOL), when it
    /// is not the sign itself.
    #[arg(long, value_name = "CHAR", requires = "currency_sign")]
    pub currency_symbol: Option<String>,
}

/// `--select` help in each command's own words (set with `mut_arg`), since a flattened
/// struct carries one doc comment for all of them.
pub mod select_help {
    pub const DECODE: &str = "Decode this REDEFINES alternative (instead of the first) only \
        for records whose FIELD holds one of the values: `ALTERNATIVE=FIELD:V1,V2` \
        (repeatable; multi-segment files)";
    pub const ENCODE: &str = "The alternative decode --select shows, checked against the \
        layout: `ALTERNATIVE=FIELD:V1,V2` (repeatable). Encode itself writes whichever \
        REDEFINES alternative each JSON object holds";
    pub const LAYOUT: &str = "Show which REDEFINES alternative applies when FIELD holds one \
        of the values, as decode --select reads it: `ALTERNATIVE=FIELD:V1,V2` (repeatable)";
    pub const SCHEMA: &str = "Describe this REDEFINES alternative as present only when FIELD \
        holds one of the values, as decode --select writes it: `ALTERNATIVE=FIELD:V1,V2` \
        (repeatable)";
}

impl RecordLayoutArgs {
    /// --decimal-point, --currency-sign and --currency-symbol.
    fn edit_symbols(&self) -> Result<EditSymbols, Failure> {
        let mut symbols = EditSymbols::STANDARD;
        if let Some(dp) = &self.decimal_point {
            symbols.decimal_comma = EditSymbols::decimal_point_by_name(dp).ok_or_else(|| {
                Failure::usage(format!(
                    "error: --decimal-point `{dp}`: expected comma or period"
                ))
            })?;
        }
        if let Some(sign) = &self.currency_sign {
            symbols = symbols
                .with_currency(sign, self.currency_symbol.as_deref())
                .map_err(|e| Failure::usage(format!("error: --currency-sign: {e}")))?;
        }
        Ok(symbols)
    }

    /// `--include` directories, then those of `COBCPY` (as GnuCOBOL searches).
    pub fn include_dirs(&self) -> Vec<PathBuf> {
        let mut dirs = self.include.clone();
        if let Ok(v) = std::env::var("COBCPY") {
            dirs.extend(IncludePath::split_env(&v));
        }
        dirs
    }

    /// Loads the layout for `dialect` (it sizes pointer items: `--dialect`).
    pub fn load(&self, dialect: Dialect) -> Result<Layout, Failure> {
        let name = self.copybook.display().to_string();
        let source = std::fs::read_to_string(&self.copybook)
            .map_err(|e| Failure::usage(format!("error: cannot read {name}: {e}")))?;
        let opts = LoadOptions {
            record: self.record.clone(),
            symbols: self.edit_symbols()?,
            include: self.include_dirs(),
            source_format: self.source_format,
            dialect,
        };
        let mut layout = registry::load(&source, &name, self.format.as_deref(), &opts)
            .map_err(|e| Failure::usage(e.rendered))?;
        for s in &self.select {
            let bad = || {
                Failure::usage(format!(
                    "error: --select `{s}`: expected ALTERNATIVE=FIELD:V1,V2"
                ))
            };
            let (alt, rest) = s.split_once('=').ok_or_else(bad)?;
            let (field, values) = rest.split_once(':').ok_or_else(bad)?;
            let values = values.split(',').map(|v| v.trim().to_string()).collect();
            layout
                .select_alternative(alt.trim(), field.trim(), values)
                .map_err(|e| Failure::usage(format!("error: --select `{s}`: {e}")))?;
        }
        Ok(layout)
    }
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum DialectName {
    Ibm,
    Gnucobol,
    Microfocus,
}

impl DialectName {
    pub fn dialect(self) -> Dialect {
        match self {
            DialectName::Ibm => Dialect::IBM,
            DialectName::Gnucobol => Dialect::GNUCOBOL,
            DialectName::Microfocus => Dialect::MICROFOCUS,
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum EndianName {
    Big,
    Little,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum FloatName {
    /// IBM hexadecimal floating point.
    Ibm,
    /// IEEE 754 big-endian.
    IeeeBe,
    /// IEEE 754 little-endian.
    IeeeLe,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum SignName {
    /// `{ A-I` / `} J-R` overpunch letters.
    Letters,
    /// Plain digit positive, `p-y` negative (GnuCOBOL, Micro Focus).
    Lowercase,
}

/// IBM's TRUNC compiler option (GnuCOBOL `binary-truncate`), as the host was compiled.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq)]
pub enum TruncName {
    /// Results cut to the PIC digits: values beyond them are refused both ways.
    Std,
    /// Data assumed to fit the PIC: values beyond it are refused both ways.
    Opt,
    /// The whole binary field is the value: read and written as stored.
    Bin,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq)]
pub enum RedefinesName {
    First,
    All,
}

/// How record bytes are read and written (decode, encode, schema).
#[derive(Args, Debug, Clone)]
pub struct CodecArgs {
    /// Code page of text in the records (cp037, cp285, cp1047, cp1146, latin1, utf-8, windows-1252, ...).
    #[arg(long, default_value = "cp037", value_name = "NAME")]
    pub codepage: String,
    /// Compiler that wrote the records: sets COMP-5 byte order, float format, ASCII sign convention and pointer sizes.
    #[arg(long, value_enum, default_value = "ibm")]
    pub dialect: DialectName,
    /// Override the dialect's COMP-5 byte order.
    #[arg(long, value_enum)]
    pub comp5: Option<EndianName>,
    /// Override the dialect's COMP-1/COMP-2 format.
    #[arg(long = "float", value_enum)]
    pub float_format: Option<FloatName>,
    /// Override the sign convention written for zoned numbers in ASCII code pages.
    #[arg(long, value_enum)]
    pub ascii_sign: Option<SignName>,
    /// Record framing: fixed, rdw, rdw-le, rdw-excl, rdw-le-excl, bdw, vbs, rdw-spanned, len2, len4, lines, lines-ebcdic.
    #[arg(long, default_value = "fixed", value_name = "NAME")]
    pub framing: String,
    /// The file stores OCCURS DEPENDING ON tables at their maximum size (later fields do not shift).
    #[arg(long)]
    pub odo_stored_max: bool,
    /// The host's TRUNC option: may binary items hold values beyond their PIC digits (bin: yes, as stored; std, opt: no, refused by decode and encode alike).
    #[arg(long, value_enum, default_value = "bin")]
    pub trunc: TruncName,
    /// Former spelling of `--trunc bin`.
    #[arg(long, hide = true, conflicts_with = "trunc")]
    pub allow_beyond_pic: bool,
    /// Zoned, packed and edited items that are all spaces or all low-values: a bad field (error), null (encode writes null back as spaces), or zero.
    #[arg(long, value_enum, default_value = "error")]
    pub blank_numbers: BlankName,
}

/// `--blank-numbers`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq)]
pub enum BlankName {
    Error,
    Null,
    Zero,
}

/// How decoded JSON is shaped (decode, and schema, which describes decode's output).
#[derive(Args, Debug, Clone)]
pub struct JsonOutArgs {
    /// REDEFINES in JSON: the first definition only, or every alternative (invalid ones null).
    #[arg(long, value_enum, default_value = "first")]
    pub redefines: RedefinesName,
    /// Write numbers as JSON strings, for consumers that would round them through floats
    /// (unsigned integers keep their stored leading zeros).
    #[arg(long)]
    pub numbers_as_strings: bool,
}

impl JsonOutArgs {
    /// Sets the JSON-shaping options on codec options built by [`CodecArgs`].
    pub fn apply(&self, opts: &mut CodecOptions) {
        opts.redefines = match self.redefines {
            RedefinesName::First => RedefinesMode::First,
            RedefinesName::All => RedefinesMode::All,
        };
        opts.numbers_as_strings = self.numbers_as_strings;
    }
}

impl CodecArgs {
    /// The options as given; the JSON shape stays at its defaults ([`JsonOutArgs::apply`]).
    pub fn codec_options(&self) -> Result<CodecOptions, Failure> {
        let codepage = CodePage::by_name(&self.codepage).ok_or_else(|| {
            Failure::usage(format!(
                "error: unknown code page `{}` (known: {}, and the WHATWG encoding labels)",
                self.codepage,
                CodePage::names().join(", ")
            ))
        })?;
        let mut dialect = self.dialect.dialect();
        if let Some(e) = self.comp5 {
            dialect.comp5_endian = match e {
                EndianName::Big => Endian::Big,
                EndianName::Little => Endian::Little,
            };
        }
        if let Some(f) = self.float_format {
            dialect.float_format = match f {
                FloatName::Ibm => FloatFormat::IbmHex,
                FloatName::IeeeBe => FloatFormat::Ieee(Endian::Big),
                FloatName::IeeeLe => FloatFormat::Ieee(Endian::Little),
            };
        }
        if let Some(s) = self.ascii_sign {
            dialect.ascii_sign = match s {
                SignName::Letters => AsciiSign::Letters,
                SignName::Lowercase => AsciiSign::Lowercase,
            };
        }
        Ok(CodecOptions {
            codepage,
            dialect,
            odo_stored_max: self.odo_stored_max,
            trunc: match self.trunc {
                _ if self.allow_beyond_pic => Trunc::Bin,
                TruncName::Std => Trunc::Std,
                TruncName::Opt => Trunc::Opt,
                TruncName::Bin => Trunc::Bin,
            },
            blank_numbers: match self.blank_numbers {
                BlankName::Error => BlankNumbers::Error,
                BlankName::Null => BlankNumbers::Null,
                BlankName::Zero => BlankNumbers::Zero,
            },
            ..CodecOptions::default()
        })
    }
}
