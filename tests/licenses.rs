//! Every crate in the dependency tree carries a permissive licence (deny.toml's list):
//! GPL/AGPL code must never enter Ferrule.

use std::path::Path;
use std::process::Command;

#[test]
fn every_dependency_has_an_allowed_licence() {
    let deny = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/deny.toml"))
        .expect("deny.toml");
    let doc: toml::Value = toml::from_str(&deny).expect("deny.toml parses");
    let allowed: Vec<String> = doc["licenses"]["allow"]
        .as_array()
        .expect("licenses.allow")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut bad = Vec::new();
    // The workspace, and the Python package's crate (a workspace of its own: python/Cargo.toml).
    for dir in [".", "python"] {
        let out = Command::new(&cargo)
            .args(["metadata", "--format-version", "1", "--locked"])
            .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
            .output()
            .expect("cargo metadata runs");
        assert!(
            out.status.success(),
            "{dir}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata JSON");
        for p in meta["packages"].as_array().expect("packages") {
            let name = p["name"].as_str().unwrap_or("?");
            let Some(lic) = p["license"].as_str() else {
                bad.push(format!("{name}: no licence field"));
                continue;
            };
            let usable = spdx_allowed(lic, &allowed);
            if !usable {
                bad.push(format!("{name}: {lic}"));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "licences outside deny.toml's allow list:\n{}",
        bad.join("\n")
    );
}

/// Whether an SPDX expression (`(MIT OR Apache-2.0) AND Unicode-3.0`, or the old
/// `MIT/Apache-2.0`) can be satisfied with allowed licences only.
fn spdx_allowed(expr: &str, allowed: &[String]) -> bool {
    let spaced = expr
        .replace('(', " ( ")
        .replace(')', " ) ")
        .replace('/', " OR ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let mut pos = 0;
    let ok = or_expr(&tokens, &mut pos, allowed);
    ok && pos == tokens.len()
}

fn or_expr(t: &[&str], pos: &mut usize, allowed: &[String]) -> bool {
    let mut ok = and_expr(t, pos, allowed);
    while t.get(*pos) == Some(&"OR") {
        *pos += 1;
        ok |= and_expr(t, pos, allowed);
    }
    ok
}

fn and_expr(t: &[&str], pos: &mut usize, allowed: &[String]) -> bool {
    let mut ok = factor(t, pos, allowed);
    while t.get(*pos) == Some(&"AND") {
        *pos += 1;
        ok &= factor(t, pos, allowed);
    }
    ok
}

fn factor(t: &[&str], pos: &mut usize, allowed: &[String]) -> bool {
    match t.get(*pos) {
        Some(&"(") => {
            *pos += 1;
            let ok = or_expr(t, pos, allowed);
            if t.get(*pos) == Some(&")") {
                *pos += 1;
            }
            ok
        }
        Some(id) => {
            *pos += 1;
            let mut name = id.to_string();
            if t.get(*pos) == Some(&"WITH") {
                name = format!("{name} WITH {}", t.get(*pos + 1).unwrap_or(&""));
                *pos += 2;
            }
            allowed.contains(&name)
        }
        None => false,
    }
}

#[test]
fn spdx_expressions_are_read_with_precedence() {
    let allowed: Vec<String> = ["MIT", "Apache-2.0"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert!(spdx_allowed("MIT OR Apache-2.0", &allowed));
    assert!(spdx_allowed("MIT/Apache-2.0", &allowed));
    // AND binds tighter than OR, and every AND term must be allowed.
    assert!(!spdx_allowed(
        "(MIT OR Apache-2.0) AND Unicode-3.0",
        &allowed
    ));
    assert!(!spdx_allowed("GPL-3.0-only", &allowed));
    assert!(spdx_allowed("AGPL-3.0 OR MIT", &allowed));
}
