//! Copybook sources through the real binary: `--include`/`-I` and `COBCPY` search paths,
//! `--source-format`, `layout --expanded`, and a route's `include = [...]` resolved
//! relative to the config file (checked by `ferrule check`, which validates what
//! `serve` loads).
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;

const MAIN: &str = "      ****************************************
      * shifted: code from column 1, `*` comments in column 7
      ****************************************
01 TRADE.
   05 TRADE-ID PIC 9(6).
   COPY PARTY REPLACING ==:PFX:== BY ==BUYER==.
";

const PARTY: &str = "           05  :PFX:-NAME   PIC X(20).\n";

/// A temp dir with `main.cpy` and `inc/PARTY.cpy`.
fn tree() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("inc")).unwrap();
    std::fs::write(tmp.path().join("main.cpy"), MAIN).unwrap();
    std::fs::write(tmp.path().join("inc/PARTY.cpy"), PARTY).unwrap();
    tmp
}

fn run_with_env(args: &[&str], env: &[(&str, &Path)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ferrule"))
        .args(args)
        .env_remove("COBCPY")
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

#[test]
fn include_dirs_and_cobcpy_find_members() {
    let tmp = tree();
    let main = tmp.path().join("main.cpy");
    let inc = tmp.path().join("inc");
    // --include and its short form -I.
    for flag in ["--include", "-I"] {
        let o = run_with_env(
            &["layout", "-c", path_str(&main), flag, path_str(&inc)],
            &[],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stdout(&o).contains("BUYER-NAME"), "{}", stdout(&o));
        assert!(
            stdout(&o).contains("record length 26 bytes"),
            "{}",
            stdout(&o)
        );
    }
    // COBCPY, as GnuCOBOL reads it.
    let o = run_with_env(&["layout", "-c", path_str(&main)], &[("COBCPY", &inc)]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Neither: the COPY statement is named with file, line and column.
    let o = run_with_env(&["layout", "-c", path_str(&main)], &[]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("COPY member `PARTY` not found"), "{e}");
    assert!(e.contains("main.cpy:6:4"), "{e}");
}

#[test]
fn expanded_prints_the_copybook_as_parsed() {
    // Members in, comments and the COPY statement out, free format marked.
    let tmp = tree();
    let main = tmp.path().join("main.cpy");
    let inc = tmp.path().join("inc");
    let o = run_with_env(
        &[
            "layout",
            "-c",
            path_str(&main),
            "-I",
            path_str(&inc),
            "--expanded",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with(">>SOURCE FORMAT FREE\n"), "{text}");
    assert!(text.contains("05  BUYER-NAME   PIC X(20)."), "{text}");
    assert!(!text.contains("COPY") || text.contains("with COPY and REPLACE expanded"));
    assert!(!text.contains("****"), "{text}");
    // The output is itself a copybook with the same layout.
    let again = tmp.path().join("expanded.cpy");
    std::fs::write(&again, &text).unwrap();
    let o = run_with_env(&["layout", "-c", path_str(&again)], &[]);
    assert!(
        stdout(&o).contains("record length 26 bytes"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn source_format_option_overrides_detection() {
    // Read as fixed (as asked), the shifted copybook fails at its first bad indicator.
    let tmp = tree();
    let main = tmp.path().join("main.cpy");
    let o = run_with_env(
        &["layout", "-c", path_str(&main), "--source-format", "fixed"],
        &[],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("main.cpy:5:7"), "{}", stderr(&o));
    let o = run_with_env(
        &["layout", "-c", path_str(&main), "--source-format", "cobol"],
        &[],
    );
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("expected auto, fixed or free"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn route_include_dirs_are_relative_to_the_config() {
    // `include = ["inc"]` next to the config finds PARTY; without it, check fails
    // naming the route's copybook setting and the member.
    let tmp = tree();
    let config = |include: &str| {
        format!(
            r#"
[server]
listen = "127.0.0.1:0"

[[backend]]
name = "host"
kind = "tcp"
address = "127.0.0.1:9"
framing = "len4"
codepage = "cp037"

[[route]]
method = "POST"
path = "/v1/trades"
backend = "host"
request = {{ copybook = "main.cpy"{include} }}
response = {{ copybook = "main.cpy"{include} }}
"#
        )
    };
    let path = tmp.path().join("ferrule.toml");
    std::fs::write(&path, config(", include = [\"inc\"]")).unwrap();
    let o = ferrule(&["check", "--config", path_str(&path)], b"");
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    std::fs::write(&path, config("")).unwrap();
    let o = ferrule(&["check", "--config", path_str(&path)], b"");
    assert!(!o.status.success());
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(all.contains("request.copybook"), "{all}");
    assert!(all.contains("COPY member `PARTY` not found"), "{all}");
}
