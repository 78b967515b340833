//! The deployment files: `deploy/kubernetes/*.yaml` pass a Kubernetes schema validator
//! (PyPI `kubernetes-validate`, strict: unknown fields fail), the ConfigMap's
//! `ferrule.toml` and copybooks pass `ferrule check` as mounted, and the Dockerfile and
//! the Deployment agree on the user and ports. (No Docker engine runs here: the image is
//! not built by the tests.)
// Helpers here are test code too (clippy only exempts `#[test]` functions).
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;

const MANIFESTS: [&str; 5] = [
    "configmap.yaml",
    "deployment.yaml",
    "pdb.yaml",
    "secret.yaml",
    "service.yaml",
];

fn deploy() -> std::path::PathBuf {
    common::repo().join("deploy/kubernetes")
}

fn validate(file: &std::path::Path) -> (bool, String) {
    let out = Command::new("kubernetes-validate")
        .args(["--strict", "--quiet"])
        .arg(file)
        .output()
        .expect("kubernetes-validate (PyPI; scripts/test.sh installs it)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn every_manifest_passes_the_kubernetes_schemas_and_a_broken_one_does_not() {
    for m in MANIFESTS {
        let (ok, text) = validate(&deploy().join(m));
        assert!(ok, "{m}: {text}");
    }
    let dir = tempfile::tempdir().unwrap();
    let broken = std::fs::read_to_string(deploy().join("deployment.yaml"))
        .unwrap()
        .replace(
            "terminationGracePeriodSeconds",
            "terminationGracePeriodSecs",
        );
    let path = dir.path().join("deployment.yaml");
    std::fs::write(&path, broken).unwrap();
    let (ok, text) = validate(&path);
    assert!(!ok, "a misspelt field passed: {text}");
}

/// The ConfigMap's `data` entries: name and text (each a `|` literal block).
fn config_map_files() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(deploy().join("configmap.yaml")).unwrap();
    let mut files: Vec<(String, String)> = Vec::new();
    let mut in_data = false;
    for line in text.lines() {
        if line == "data:" {
            in_data = true;
            continue;
        }
        if !in_data {
            continue;
        }
        if let Some(name) = line.strip_prefix("  ").and_then(|l| l.strip_suffix(": |")) {
            files.push((name.to_string(), String::new()));
        } else if let Some((_, body)) = files.last_mut() {
            body.push_str(line.strip_prefix("    ").unwrap_or(line.trim()));
            body.push('\n');
        }
    }
    files
}

#[test]
fn the_config_map_is_a_config_ferrule_check_accepts() {
    let files = config_map_files();
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["ferrule.toml", "vehenq-req.cpy", "vehenq-rsp.cpy"]);
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in &files {
        std::fs::write(dir.path().join(name), body).unwrap();
    }
    let secret = std::fs::read_to_string(deploy().join("secret.yaml")).unwrap();
    assert!(secret.contains("FERRULE_JWT_SECRET:"));
    let out = Command::new(env!("CARGO_BIN_EXE_ferrule"))
        .args(["check", "--config"])
        .arg(dir.path().join("ferrule.toml"))
        .env(
            "FERRULE_JWT_SECRET",
            "a-test-secret-of-at-least-32-bytes-0123456789",
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The copybooks are the sample's, not a drifted copy.
    for name in ["vehenq-req.cpy", "vehenq-rsp.cpy"] {
        let sample = std::fs::read_to_string(common::repo().join("samples/gateway").join(name));
        let mounted = &files.iter().find(|(n, _)| n == name).unwrap().1;
        assert_eq!(&sample.unwrap(), mounted, "{name}");
    }
}

#[test]
fn the_image_and_the_deployment_agree() {
    let docker = std::fs::read_to_string(common::repo().join("Dockerfile")).unwrap();
    let deployment = std::fs::read_to_string(deploy().join("deployment.yaml")).unwrap();
    let config = &config_map_files()[0].1;
    assert_eq!(
        docker.matches("\nFROM ").count() + usize::from(docker.starts_with("FROM ")),
        2
    );
    assert!(docker.contains("USER 10001:10001"));
    assert!(deployment.contains("runAsUser: 10001"));
    assert!(deployment.contains("runAsNonRoot: true"));
    for (port, key) in [("8080", "listen"), ("9090", "admin_listen")] {
        assert!(docker.contains(port), "EXPOSE {port}");
        assert!(deployment.contains(&format!("containerPort: {port}")));
        assert!(
            config.contains(&format!("{key} = \"0.0.0.0:{port}\"")),
            "{key}"
        );
    }
    assert!(deployment.contains("path: /readyz") && deployment.contains("port: admin"));
    assert!(
        deployment.contains("name: ferrule-config") && deployment.contains("name: ferrule-keys")
    );
}
