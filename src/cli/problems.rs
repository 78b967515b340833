//! Config problems printed the same way by every command: one line each, located like a
//! compiler's (`ferrule.toml:12:7: error: route[0].set.tran_code: ...`) when the file
//! says where, then the count.

use std::fmt::Display;
use std::path::Path;

use super::{counted, Failure};
use crate::config::{locate, Problem};

/// `error: <problem>` lines and `<file>: N problems found`, as a usage failure (exit 2),
/// for a config whose text is not at hand (no line and column).
pub fn config_problems(file: impl Display, ps: &[Problem]) -> Failure {
    problems_in(file, None, ps)
}

/// As [`config_problems`] for the config file at `file`, each problem located in it.
pub fn config_file_problems(file: &Path, ps: &[Problem]) -> Failure {
    let text = std::fs::read_to_string(file).ok();
    problems_in(file.display(), text.as_deref(), ps)
}

/// As [`config_problems`] for config text about to be written to `file`.
pub fn config_text_problems(file: impl Display, text: &str, ps: &[Problem]) -> Failure {
    problems_in(file, Some(text), ps)
}

fn problems_in(file: impl Display, text: Option<&str>, ps: &[Problem]) -> Failure {
    let file = file.to_string();
    let mut msg = String::new();
    for p in ps {
        match text.and_then(|t| locate(t, &p.path)) {
            Some(at) => msg.push_str(&format!("{file}:{}:{}: error: {p}\n", at.line, at.column)),
            // A TOML syntax or type error names its own place (`load_str`).
            None if p.path.is_empty() && p.message.starts_with(&format!("{file}:")) => {
                msg.push_str(&format!("{}\n", p.message));
            }
            None => msg.push_str(&format!("error: {p}\n")),
        }
    }
    msg.push_str(&format!(
        "{file}: {} found",
        counted(ps.len() as u64, "problem")
    ));
    Failure::usage(msg)
}
