//! `[server] threads`: how many serving threads, `"auto"` (the default: one per core the
//! process may use) or a number, where 0 is one work-stealing runtime instead of
//! thread-per-core serving (`gateway/workers.rs`).

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// `server.threads` as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Threads {
    /// One serving thread per core available to the process (cgroup and affinity limits
    /// included: `std::thread::available_parallelism`).
    #[default]
    Auto,
    /// This many serving threads; 0: the work-stealing runtime.
    Count(usize),
}

impl Threads {
    /// The number of serving threads this means on this machine (0: work-stealing).
    pub fn resolve(self) -> usize {
        match self {
            Threads::Count(n) => n,
            Threads::Auto => std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }
}

impl<'de> Deserialize<'de> for Threads {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Threads, D::Error> {
        d.deserialize_any(ThreadsVisitor)
    }
}

struct ThreadsVisitor;

impl Visitor<'_> for ThreadsVisitor {
    type Value = Threads;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("\"auto\" or a number of threads (0: one work-stealing runtime)")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Threads, E> {
        usize::try_from(v)
            .map(Threads::Count)
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Threads, E> {
        u64::try_from(v)
            .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
            .and_then(|v| self.visit_u64(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Threads, E> {
        if v.eq_ignore_ascii_case("auto") {
            Ok(Threads::Auto)
        } else {
            Err(E::invalid_value(de::Unexpected::Str(v), &self))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Server {
        #[serde(default)]
        threads: Threads,
    }

    fn read(toml_text: &str) -> Result<Threads, String> {
        toml::from_str::<Server>(toml_text)
            .map(|s| s.threads)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn auto_numbers_and_the_default() {
        assert_eq!(read(""), Ok(Threads::Auto));
        assert_eq!(read("threads = \"auto\""), Ok(Threads::Auto));
        assert_eq!(read("threads = 0"), Ok(Threads::Count(0)));
        assert_eq!(read("threads = 3"), Ok(Threads::Count(3)));
        assert!(Threads::Auto.resolve() >= 1);
        assert_eq!(Threads::Count(0).resolve(), 0);
    }

    #[test]
    fn anything_else_is_refused_with_what_is_expected() {
        for bad in [
            "threads = -1",
            "threads = \"many\"",
            "threads = 1.5",
            "threads = true",
        ] {
            let e = read(bad).unwrap_err();
            assert!(e.contains("\"auto\" or a number of threads"), "{bad}: {e}");
        }
    }
}
