//! Where COPY members come from: the [`MemberSource`] trait, a search path over
//! directories ([`IncludePath`], what the CLI and the gateway use) and an in-memory map
//! ([`MemberMap`], for tests, fuzzing and integrators that keep copybooks elsewhere).
//!
//! A member is looked up by the name its COPY statement gives, as written and then in
//! lower and upper case (shops move members from case-insensitive libraries to Linux
//! file systems), each with no extension and with the usual copybook extensions.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// File name endings tried after the name as written, in this order.
pub const MEMBER_EXTENSIONS: &[&str] = &["", ".cpy", ".CPY", ".cbl", ".CBL", ".cob", ".COB"];

/// One COPY member, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// How messages name it (a file path, or the map key); also what identifies it for
    /// COPY cycle detection.
    pub name: String,
    /// Its text, in any source format.
    pub text: String,
}

/// Finds the text of `COPY name [OF library]`.
pub trait MemberSource {
    /// Loads member `name` (of `library`, when the COPY statement gives one), copied
    /// from the file or member called `from` (so a search can start in its directory).
    /// The error says what was tried.
    fn load(&self, name: &str, library: Option<&str>, from: &str) -> Result<Member, String>;
}

/// No members at all: every COPY is an error saying how to give a search path.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoMembers;

impl MemberSource for NoMembers {
    fn load(&self, name: &str, _library: Option<&str>, _from: &str) -> Result<Member, String> {
        Err(format!(
            "cannot resolve COPY {name}: no include directories or members were given"
        ))
    }
}

/// Candidate spellings of a member name: as written, lower case, upper case.
fn spellings(name: &str) -> Vec<String> {
    let mut out = vec![name.to_string()];
    for s in [name.to_ascii_lowercase(), name.to_ascii_uppercase()] {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// Members kept in memory, keyed by name (as a COPY statement would write it).
#[derive(Debug, Clone, Default)]
pub struct MemberMap {
    members: BTreeMap<String, String>,
}

impl MemberMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Splits a bundle: a copybook followed by its members, each member starting at a
    /// line `@@ NAME` (used by the fuzz target and its corpus, so one input file can
    /// carry a copybook and everything it copies).
    pub fn split_bundle(text: &str) -> (String, MemberMap) {
        let mut map = MemberMap::new();
        let mut parts = text.split("\n@@ ");
        let main = parts.next().unwrap_or_default().to_string();
        for part in parts {
            let (name, body) = part.split_once('\n').unwrap_or((part, ""));
            map.insert(name.trim(), body);
        }
        (main, map)
    }

    /// Adds (or replaces) member `name`.
    pub fn insert(&mut self, name: impl Into<String>, text: impl Into<String>) -> &mut Self {
        self.members.insert(name.into(), text.into());
        self
    }
}

impl MemberSource for MemberMap {
    fn load(&self, name: &str, library: Option<&str>, _from: &str) -> Result<Member, String> {
        let mut tried = Vec::new();
        let prefixes: Vec<String> = match library {
            Some(lib) => vec![format!("{lib}/"), String::new()],
            None => vec![String::new()],
        };
        for prefix in &prefixes {
            for spelling in spellings(name) {
                for ext in MEMBER_EXTENSIONS {
                    let key = format!("{prefix}{spelling}{ext}");
                    if let Some(text) = self.members.get(&key) {
                        return Ok(Member {
                            name: key,
                            text: text.clone(),
                        });
                    }
                    tried.push(key);
                }
            }
        }
        Err(format!(
            "COPY member `{name}` not found (members: {})",
            if self.members.is_empty() {
                "none".to_string()
            } else {
                self.members.keys().cloned().collect::<Vec<_>>().join(", ")
            }
        ))
    }
}

/// A search path of directories, like `cobc -I` and `COBCPY`.
///
/// The directory of the file holding the COPY statement is searched first, then each
/// directory in order. `COPY name OF lib` looks in a `lib` subdirectory of each place
/// first, then as if no library were given (a mainframe library is a data set, not a
/// directory, so most shops flatten them).
#[derive(Debug, Clone, Default)]
pub struct IncludePath {
    dirs: Vec<PathBuf>,
}

impl IncludePath {
    /// A search path over `dirs`, in order.
    pub fn new(dirs: Vec<PathBuf>) -> Self {
        IncludePath { dirs }
    }

    /// The directories of a `COBCPY`-style value (`:`-separated; `;` on Windows).
    pub fn split_env(value: &str) -> Vec<PathBuf> {
        let sep = if cfg!(windows) { ';' } else { ':' };
        value
            .split(sep)
            .filter(|s| !s.trim().is_empty())
            .map(PathBuf::from)
            .collect()
    }

    /// Every place to look, own directory first.
    fn places(&self, from: &str) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let own = Path::new(from).parent().map(Path::to_path_buf);
        let own = match own {
            Some(p) if p.as_os_str().is_empty() => PathBuf::from("."),
            Some(p) => p,
            None => PathBuf::from("."),
        };
        out.push(own);
        for d in &self.dirs {
            if !out.contains(d) {
                out.push(d.clone());
            }
        }
        out
    }
}

impl MemberSource for IncludePath {
    fn load(&self, name: &str, library: Option<&str>, from: &str) -> Result<Member, String> {
        let places = self.places(from);
        let mut bases = Vec::new();
        for place in &places {
            if let Some(lib) = library {
                bases.push(place.join(lib));
            }
        }
        bases.extend(places.iter().cloned());
        for base in &bases {
            for spelling in spellings(name) {
                for ext in MEMBER_EXTENSIONS {
                    let path = base.join(format!("{spelling}{ext}"));
                    if !path.is_file() {
                        continue;
                    }
                    let shown = path.display().to_string();
                    let bytes = std::fs::read(&path)
                        .map_err(|e| format!("cannot read COPY member {shown}: {e}"))?;
                    // Copybooks are text; stray Latin-1 bytes must not stop a layout.
                    let text = String::from_utf8(bytes)
                        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                    return Ok(Member { name: shown, text });
                }
            }
        }
        let dirs: Vec<String> = bases.iter().map(|p| p.display().to_string()).collect();
        Err(format!(
            "COPY member `{name}` not found in {} (tried the name as written, in lower and \
             upper case, without an extension and with .cpy, .cbl, .cob)",
            dirs.join(", ")
        ))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn map_finds_names_with_extensions_and_other_case() {
        // `COPY custrec` finds `CUSTREC.cpy`; a library prefix is tried first.
        let mut m = MemberMap::new();
        m.insert("CUSTREC.cpy", "01 A.").insert("LIB/X", "01 B.");
        assert_eq!(m.load("custrec", None, "main").unwrap().name, "CUSTREC.cpy");
        assert_eq!(m.load("x", Some("LIB"), "main").unwrap().name, "LIB/X");
        let e = m.load("NOPE", None, "main").unwrap_err();
        assert!(e.contains("`NOPE` not found"), "{e}");
    }

    #[test]
    fn bundles_split_into_copybook_and_members() {
        // `@@ NAME` lines start members; no marker, no members.
        let (main, m) = MemberMap::split_bundle("01 R. COPY A.\n@@ A\n05 X PIC X.\n@@ B");
        assert_eq!(main, "01 R. COPY A.");
        assert_eq!(m.load("A", None, "").unwrap().text, "05 X PIC X.");
        assert_eq!(m.load("B", None, "").unwrap().text, "");
        assert!(MemberMap::split_bundle("01 R.").1.members.is_empty());
    }

    #[test]
    fn include_path_searches_own_directory_then_the_path() {
        // The including file's directory wins over the search path.
        let tmp = std::env::temp_dir().join(format!("ferrule-members-{}", std::process::id()));
        let (own, inc) = (tmp.join("own"), tmp.join("inc"));
        std::fs::create_dir_all(&own).unwrap();
        std::fs::create_dir_all(&inc).unwrap();
        std::fs::write(own.join("A.cpy"), "own").unwrap();
        std::fs::write(inc.join("a.cpy"), "inc").unwrap();
        std::fs::write(inc.join("b.cbl"), "b").unwrap();
        let p = IncludePath::new(vec![inc.clone()]);
        let from = own.join("main.cpy").display().to_string();
        assert_eq!(p.load("A", None, &from).unwrap().text, "own");
        assert_eq!(p.load("B", None, &from).unwrap().text, "b");
        let e = p.load("C", None, &from).unwrap_err();
        assert!(e.contains("`C` not found in"), "{e}");
        std::fs::remove_dir_all(&tmp).unwrap();
    }

    #[test]
    fn cobcpy_splits_on_colons() {
        // Empty elements are ignored.
        assert_eq!(
            IncludePath::split_env("/a::/b"),
            vec![PathBuf::from("/a"), PathBuf::from("/b")]
        );
    }

    #[test]
    fn no_members_says_how_to_fix_it() {
        // The message mentions include directories.
        assert!(NoMembers
            .load("X", None, "m")
            .unwrap_err()
            .contains("include"));
    }
}
