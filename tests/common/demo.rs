//! `ferrule demo` run as a user runs it: hosts and gateway from the embedded sample.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running demo; killed when dropped, so a failing test leaves nothing behind.
pub struct Demo {
    child: Child,
    /// What the demo printed up to its "Press Ctrl-C" line: the curl guide.
    pub guide: String,
    /// The port the gateway listens on, as the guide names it.
    pub port: u16,
}

impl Demo {
    /// Starts `ferrule demo --listen 127.0.0.1:0` (any free port, nothing to race for) and
    /// waits until it says it is ready; the port is read back from its guide.
    pub fn start() -> Demo {
        let child = Command::new(env!("CARGO_BIN_EXE_ferrule"))
            .args(["demo", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("demo starts");
        let mut demo = Demo {
            child,
            guide: String::new(),
            port: 0,
        };
        let stdout = demo.child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            assert!(Instant::now() < deadline, "the demo was not ready in 30 s");
            let Some(Ok(line)) = lines.next() else {
                panic!("the demo stopped before it was ready:\n{}", demo.guide)
            };
            demo.guide.push_str(&line);
            demo.guide.push('\n');
            if line.contains("Press Ctrl-C") {
                break;
            }
        }
        demo.port = demo
            .guide
            .split_once("gateway on http://127.0.0.1:")
            .and_then(|(_, rest)| rest.split(',').next())
            .and_then(|p| p.parse().ok())
            .filter(|&p| p != 0)
            .unwrap_or_else(|| panic!("no gateway port in the guide:\n{}", demo.guide));
        // Keep draining its output so the demo never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        demo
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
