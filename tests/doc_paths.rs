//! Every repository path the README and docs name exists: a guide that names a file nobody
//! can find (a renamed module, a removed sample) fails here rather than in a reader's hands.

use std::path::Path;

/// Folders whose paths the docs name; a token starting with one of them is a path claim.
const ROOTS: &[&str] = &[
    "src/",
    "parsers/",
    "samples/",
    "tests/",
    "fuzz/",
    "docs/",
    "bench/",
    "scripts/",
    ".ci/",
    "deploy/",
    "python/",
    "examples/",
];

/// The Markdown files a user reads.
fn doc_files(root: &Path) -> Vec<std::path::PathBuf> {
    let mut files = vec![root.join("README.md"), root.join("bench/README.md")];
    if let Ok(dir) = std::fs::read_dir(root.join("docs")) {
        for e in dir.flatten() {
            if e.path().extension().is_some_and(|x| x == "md") {
                files.push(e.path());
            }
        }
    }
    files.sort();
    files
}

/// Path-like tokens: inside backticks or a Markdown link target, cut at characters that
/// cannot end a path and at `:line` suffixes.
fn path_claims(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for piece in text.split(['`', '(', ')', ' ', '\n', '"', '\'', ',', '[', ']']) {
        let p = piece.trim_end_matches(['.', ';', ':']);
        let p = p.split(':').next().unwrap_or(p);
        let Some(root) = ROOTS.iter().find(|r| p.starts_with(**r)) else {
            continue;
        };
        // Patterns and placeholders (`samples/*.layout.toml`, `fuzz/corpus/NAME/`) are not claims.
        if p.len() == root.len()
            || p.contains(['*', '{', '$', '<', '>'])
            || p.chars()
                .any(|c| c.is_ascii_uppercase() && p.contains("/NAME"))
        {
            continue;
        }
        if p.split('/')
            .any(|seg| seg.chars().all(|c| c.is_ascii_uppercase() || c == '_') && !seg.is_empty())
        {
            continue;
        }
        out.push(p.to_string());
    }
    out
}

#[test]
fn every_path_the_docs_name_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = doc_files(root);
    assert!(
        files.len() >= 3,
        "expected README and docs pages, found {files:?}"
    );
    let mut missing = Vec::new();
    let mut checked = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        for claim in path_claims(&text) {
            checked += 1;
            // Targets (`target/release/...`) are built, not shipped; everything else must exist.
            if !root.join(&claim).exists() {
                missing.push(format!(
                    "{}: {claim}",
                    f.strip_prefix(root).unwrap_or(f).display()
                ));
            }
        }
    }
    assert!(
        checked > 20,
        "only {checked} path claims found: the scanner is broken"
    );
    assert!(
        missing.is_empty(),
        "paths named in docs that do not exist:\n{}",
        missing.join("\n")
    );
}

#[test]
fn relative_links_between_docs_resolve() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut missing = Vec::new();
    for f in doc_files(root) {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        let dir = f.parent().unwrap_or(root);
        for (i, _) in text.match_indices("](") {
            let rest = &text[i + 2..];
            let target = rest.split(')').next().unwrap_or("");
            let target = target.split('#').next().unwrap_or("");
            if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            if !dir.join(target).exists() {
                missing.push(format!("{}: {target}", f.display()));
            }
        }
    }
    assert!(missing.is_empty(), "broken links:\n{}", missing.join("\n"));
}

#[test]
fn the_scanner_finds_paths_and_skips_patterns() {
    let claims = path_claims(
        "see `src/gateway/mod.rs`, [x](docs/security.md), `samples/*.layout.toml`, \
         `fuzz/corpus/NAME/`, `fuzz/corpus/<name>/` and parsers/src/lib.rs:12.",
    );
    assert_eq!(
        claims,
        [
            "src/gateway/mod.rs",
            "docs/security.md",
            "parsers/src/lib.rs"
        ]
    );
}
