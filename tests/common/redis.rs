//! A private `redis-server` for the shared rate-limit tests (Debian's package, which
//! scripts/test.sh installs), on a free port, without persistence.

use std::process::{Child, Command, Stdio};

use super::gateway::{free_port, wait_for};

/// A private `redis-server` on a free port, killed when dropped.
pub struct Redis {
    child: Child,
    pub port: u16,
}

impl Redis {
    pub fn start() -> Redis {
        let port = free_port();
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server (Debian package redis-server; scripts/test.sh installs it)");
        wait_for("redis-server listening", || {
            std::net::TcpStream::connect(("127.0.0.1", port)).ok()
        });
        Redis { child, port }
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
