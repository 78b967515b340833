//! Every crate in the dependency tree carries a permissive licence (deny.toml's list):
//! GPL/AGPL code must never enter Ferrule.

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
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata JSON");
    let mut bad = Vec::new();
    for p in meta["packages"].as_array().expect("packages") {
        let name = p["name"].as_str().unwrap_or("?");
        let Some(lic) = p["license"].as_str() else {
            bad.push(format!("{name}: no licence field"));
            continue;
        };
        // An SPDX expression: every alternative joined by OR must be allowed on its own,
        // or at least one of them for the expression to be usable.
        let usable = lic.split(" OR ").any(|alt| {
            alt.trim_matches(['(', ')', ' '])
                .split(" AND ")
                .all(|term| {
                    allowed
                        .iter()
                        .any(|a| a == term.trim_matches(['(', ')', ' ']))
                })
        }) || lic
            .split('/')
            .all(|t| allowed.iter().any(|a| a == t.trim()));
        if !usable {
            bad.push(format!("{name}: {lic}"));
        }
    }
    assert!(
        bad.is_empty(),
        "licences outside deny.toml's allow list:\n{}",
        bad.join("\n")
    );
}
