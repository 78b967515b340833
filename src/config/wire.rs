//! How records look on the wire to a legacy host: framing and code page, COBOL dialect
//! TRUNC and blank numbers. A gateway `[[backend]]` and a `ferrule mock` `[[host]]` share these keys,
//! their defaults and their checks: the mock is that host, simulated.

use ferrule_parsers::codepage::CodePage;
use ferrule_parsers::dialect::{Dialect, Trunc};
use ferrule_parsers::json::{BlankNumbers, CodecOptions};
use serde::Deserialize;

use super::model::defaults;
use super::table::Problems;
use crate::connector::BackendFraming;

/// The wire keys as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireConfig {
    /// `len4`, `len2`, `fixed`, `delimiter` (and the records layer's other framings).
    /// Absent: the default of the backend's kind.
    pub framing: Option<String>,
    /// Byte ending each record with `framing = "delimiter"`.
    #[serde(default = "defaults::delimiter")]
    pub delimiter: u8,
    #[serde(default = "defaults::codepage")]
    pub codepage: String,
    #[serde(default = "defaults::dialect")]
    pub dialect: String,
    /// The host's TRUNC option: `bin`, `std` or `opt` (binary values beyond their PIC).
    #[serde(default = "defaults::trunc")]
    pub trunc: String,
    /// What a blank numeric item (all spaces or low-values) means: `error`, `null`
    /// (and null is written as blanks) or `zero`.
    #[serde(default = "defaults::blank_numbers")]
    pub blank_numbers: String,
}

impl Default for WireConfig {
    /// Nothing written: every default.
    fn default() -> Self {
        WireConfig {
            framing: None,
            delimiter: defaults::delimiter(),
            codepage: defaults::codepage(),
            dialect: defaults::dialect(),
            trunc: defaults::trunc(),
            blank_numbers: defaults::blank_numbers(),
        }
    }
}

/// The wire, checked: how records are cut and how their bytes are read.
#[derive(Debug, Clone, Copy)]
pub struct Wire {
    pub framing: BackendFraming,
    pub codec: CodecOptions,
}

impl WireConfig {
    /// Checks every key, adding each problem to `ps`; `default_framing` stands in for
    /// an absent `framing`. Some wire whenever the code page is known (a bad framing,
    /// dialect or TRUNC stands in as the default), so that checks needing only the code
    /// page (encoding answers, constants) still run and report theirs.
    pub fn validate(&self, default_framing: &str, ps: &mut Problems) -> Option<Wire> {
        let name = self.framing.as_deref().unwrap_or(default_framing);
        let framing = BackendFraming::parse(name, self.delimiter).unwrap_or_else(|e| {
            ps.push(("framing".into(), e));
            BackendFraming::Len4
        });
        let codepage = CodePage::by_name(&self.codepage);
        if codepage.is_none() {
            ps.push((
                "codepage".into(),
                format!("unknown code page `{}`", self.codepage),
            ));
        }
        let dialect = Dialect::by_name(&self.dialect);
        if dialect.is_none() {
            ps.push((
                "dialect".into(),
                format!("`{}`: expected ibm, gnucobol or microfocus", self.dialect),
            ));
        }
        let trunc = Trunc::by_name(&self.trunc);
        if trunc.is_none() {
            ps.push((
                "trunc".into(),
                format!("`{}`: expected bin, std or opt", self.trunc),
            ));
        }
        let blank_numbers = BlankNumbers::by_name(&self.blank_numbers);
        if blank_numbers.is_none() {
            ps.push((
                "blank_numbers".into(),
                format!("`{}`: expected error, null or zero", self.blank_numbers),
            ));
        }
        Some(Wire {
            framing,
            codec: CodecOptions {
                codepage: codepage?,
                dialect: dialect.unwrap_or_default(),
                trunc: trunc.unwrap_or_default(),
                blank_numbers: blank_numbers.unwrap_or_default(),
                ..CodecOptions::default()
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(text: &str) -> WireConfig {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn defaults_and_checks_in_one_place() {
        // Nothing written: the defaults, with the owner's framing.
        let mut ps = Problems::new();
        let w = wire("").validate("fixed", &mut ps).unwrap();
        assert_eq!(w.framing, BackendFraming::Fixed);
        let d = CodecOptions::default();
        assert_eq!(
            (w.codec.codepage, w.codec.dialect, w.codec.trunc),
            (d.codepage, d.dialect, d.trunc)
        );
        // A framing written wins over the owner's default.
        let w = wire("framing = \"len2\"")
            .validate("fixed", &mut ps)
            .unwrap();
        assert_eq!(w.framing, BackendFraming::Len2);
        assert!(ps.is_empty(), "{ps:?}");
        // Every bad key is named, all at once; no wire without a code page.
        let bad = "framing = \"len9\"\ncodepage = \"cp999\"\ndialect = \"x\"\ntrunc = \"y\"\n\
                   blank_numbers = \"spaces\"";
        assert!(wire(bad).validate("len4", &mut ps).is_none());
        let keys: Vec<&str> = ps.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            ["framing", "codepage", "dialect", "trunc", "blank_numbers"]
        );
        // Blank numbers are errors unless the wire says otherwise.
        assert_eq!(d.blank_numbers, BlankNumbers::Error);
        let mut ps = Problems::new();
        let w = wire("blank_numbers = \"null\"")
            .validate("fixed", &mut ps)
            .unwrap();
        assert_eq!(w.codec.blank_numbers, BlankNumbers::Null);
        assert!(ps.is_empty(), "{ps:?}");
        // A known code page still gives a wire (other checks go on), problems noted.
        let mut ps = Problems::new();
        let w = wire("framing = \"len9\"")
            .validate("fixed", &mut ps)
            .unwrap();
        assert_eq!(w.framing, BackendFraming::Len4);
        assert_eq!(ps.len(), 1);
    }
}
