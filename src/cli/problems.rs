//! Config problems printed the same way by every command: one line each, then the count.

use std::fmt::Display;

use super::Failure;
use crate::config::Problem;

/// `error: <problem>` lines and `<file>: N problems found`, as a usage failure (exit 2).
pub fn config_problems(file: impl Display, ps: &[Problem]) -> Failure {
    let mut msg: String = ps.iter().map(|p| format!("error: {p}\n")).collect();
    msg.push_str(&format!(
        "{file}: {} problem{} found",
        ps.len(),
        if ps.len() == 1 { "" } else { "s" }
    ));
    Failure::usage(msg)
}
