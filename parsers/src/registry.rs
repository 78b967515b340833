//! The one place record-format parsers are registered.
//!
//! A parser turns a layout definition (a COBOL copybook, a TOML spec, an integrator's
//! own format) into the shared [`Layout`]. To add one: write its module, add one line to
//! [`FORMATS`] (and its `mod` line in `lib.rs`). The CLI and the gateway find it by name
//! or file extension from here.

use std::path::PathBuf;

use crate::copybook::{IncludePath, SourceFormat};
use crate::dialect::{Dialect, EditSymbols};
use crate::layout::Layout;

/// What a caller may ask of any parser.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// The record to pick when a definition holds several (a copybook's 01 levels).
    pub record: Option<String>,
    /// DECIMAL-POINT IS COMMA and the currency sign of numeric-edited fields; combined
    /// with what the definition itself declares (a copybook's SPECIAL-NAMES, a spec's
    /// `[record]` keys).
    pub symbols: EditSymbols,
    /// Copybooks: directories searched for COPY members, after the copybook's own.
    pub include: Vec<PathBuf>,
    /// Copybooks: the reference format (auto-detected by default).
    pub source_format: SourceFormat,
    /// The compiler the layout is for (copybooks: the size of pointer items); IBM by
    /// default.
    pub dialect: Dialect,
}

/// A parser's error, rendered like a compiler would, with its location.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{rendered}")]
pub struct LoadError {
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// Multi-line message naming the file, line and column, with the source line.
    pub rendered: String,
}

/// One registered record-format parser.
pub struct LayoutFormat {
    /// Name used by `--format` (e.g. `copybook`).
    pub name: &'static str,
    /// File name endings that select it (lower case, without the dot).
    pub extensions: &'static [&'static str],
    /// Parses `source` (from a file called `file_name`, for messages).
    pub load: fn(source: &str, opts: &LoadOptions, file_name: &str) -> Result<Layout, LoadError>,
}

/// Every record-format parser Ferrule knows. The first is the default.
pub static FORMATS: &[LayoutFormat] = &[
    LayoutFormat {
        name: "copybook",
        extensions: &["cpy", "cob", "cbl", "copy"],
        load: load_copybook,
    },
    LayoutFormat {
        name: "spec",
        extensions: &["toml"],
        load: load_spec,
    },
];

/// The parser for a `--format` name, or for a file's extension, or the default (copybook).
pub fn format_for(name: Option<&str>, file_name: &str) -> Result<&'static LayoutFormat, String> {
    if let Some(n) = name {
        return FORMATS
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(n))
            .ok_or_else(|| {
                let names: Vec<_> = FORMATS.iter().map(|f| f.name).collect();
                format!("unknown layout format `{n}` (known: {})", names.join(", "))
            });
    }
    let lower = file_name.to_ascii_lowercase();
    Ok(FORMATS
        .iter()
        .find(|f| {
            f.extensions
                .iter()
                .any(|e| lower.ends_with(&format!(".{e}")))
        })
        .unwrap_or(&FORMATS[0]))
}

/// Parses a layout definition with the parser chosen by [`format_for`].
pub fn load(
    source: &str,
    file_name: &str,
    format: Option<&str>,
    opts: &LoadOptions,
) -> Result<Layout, LoadError> {
    let f = format_for(format, file_name).map_err(|m| LoadError {
        line: None,
        column: None,
        rendered: format!("error: {m}"),
    })?;
    (f.load)(source, opts, file_name)
}

fn load_copybook(source: &str, opts: &LoadOptions, file_name: &str) -> Result<Layout, LoadError> {
    let po = crate::copybook::ParseOptions {
        record: opts.record.clone(),
        symbols: opts.symbols,
        format: opts.source_format,
        dialect: opts.dialect,
    };
    let members = IncludePath::new(opts.include.clone());
    crate::copybook::parse_with(source, file_name, &po, &members).map_err(|e| LoadError {
        line: e.line(),
        column: e.column(),
        rendered: e.render(source, file_name),
    })
}

fn load_spec(source: &str, opts: &LoadOptions, file_name: &str) -> Result<Layout, LoadError> {
    let po = crate::spec::ParseOptions {
        record: opts.record.clone(),
        symbols: opts.symbols,
    };
    crate::spec::parse(source, &po).map_err(|e| LoadError {
        line: e.line(),
        column: e.column(),
        rendered: e.render(source, file_name),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_picks_the_parser_and_unknown_names_are_refused() {
        assert_eq!(
            format_for(None, "x/VEHICLE.layout.TOML").map(|f| f.name),
            Ok("spec")
        );
        assert_eq!(
            format_for(None, "person.cpy").map(|f| f.name),
            Ok("copybook")
        );
        // Unknown extension: the default, copybooks being the common case.
        assert_eq!(format_for(None, "PERSON").map(|f| f.name), Ok("copybook"));
        assert!(format_for(Some("rpg"), "x.cpy").is_err());
    }
}
