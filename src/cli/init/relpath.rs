//! Copybook paths as the config file will name them: relative to the file's directory,
//! so the pair can move together (the gateway resolves them against that directory).

use std::path::{Component, Path, PathBuf};

/// `target` relative to directory `base`; both absolute (canonical, so that symlinks
/// and `..` cannot fool the common prefix). Without a common root (another drive on
/// Windows) the absolute target is the only correct answer.
pub fn relative_to(target: &Path, base: &Path) -> PathBuf {
    let t: Vec<Component> = target.components().collect();
    let b: Vec<Component> = base.components().collect();
    let common = t.iter().zip(&b).take_while(|(x, y)| x == y).count();
    // Nothing shared, not even the root (`C:` vs `D:`): no relative path exists.
    if common == 0 {
        return target.to_path_buf();
    }
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c);
    }
    out
}

/// The text written into the TOML: `/` separated, whatever the platform.
pub fn toml_path(p: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = p.components().map(|c| c.as_os_str().to_str()).collect();
    let parts = parts?;
    let joined = parts.join("/");
    // An absolute Unix path keeps its leading slash (the root component is `/`).
    Some(joined.replacen("//", "/", 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_directory() {
        // The copybook next to the config: just its name.
        let r = relative_to(Path::new("/w/samples/a.cpy"), Path::new("/w/samples"));
        assert_eq!(r, PathBuf::from("a.cpy"));
    }

    #[test]
    fn below_and_beside() {
        // Below the config's directory.
        let r = relative_to(Path::new("/w/cpy/x/a.cpy"), Path::new("/w"));
        assert_eq!(r, PathBuf::from("cpy/x/a.cpy"));
        // In a sibling directory: up, then down.
        let r = relative_to(
            Path::new("/w/samples/gateway/a.cpy"),
            Path::new("/w/out/dir"),
        );
        assert_eq!(r, PathBuf::from("../../samples/gateway/a.cpy"));
        // Names that share a prefix are not a common directory (`/w/ab` vs `/w/a`).
        let r = relative_to(Path::new("/w/ab/a.cpy"), Path::new("/w/a"));
        assert_eq!(r, PathBuf::from("../ab/a.cpy"));
    }

    #[test]
    fn only_the_root_in_common() {
        // Everything shared is `/`: all the way up.
        let r = relative_to(Path::new("/x/a.cpy"), Path::new("/y/z"));
        assert_eq!(r, PathBuf::from("../../x/a.cpy"));
    }

    #[test]
    fn nothing_in_common() {
        // Relative inputs with no shared first component (stand-in for two drives):
        // the target as is.
        let r = relative_to(Path::new("x/a.cpy"), Path::new("y"));
        assert_eq!(r, PathBuf::from("x/a.cpy"));
    }

    #[test]
    fn toml_paths_use_slashes() {
        assert_eq!(toml_path(Path::new("../a/b.cpy")).unwrap(), "../a/b.cpy");
        assert_eq!(toml_path(Path::new("/abs/b.cpy")).unwrap(), "/abs/b.cpy");
    }
}
