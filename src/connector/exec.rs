//! Exec connector: one run of a legacy program per request, the way batch COBOL programs
//! are driven on the same host. The framed request goes to stdin (then EOF), the response
//! is stdout until EOF, stderr is kept (truncated) for the error message.
//!
//! Framing on the pipes: the request is written with the backend's framing (for `delimiter`
//! that means a terminating delimiter, which line-sequential input expects). The response is
//! read back with it for `len4`/`len2`/`rdw`; for `fixed` and `delimiter` all of stdout is
//! the record, less one trailing delimiter (`delimiter`) or one trailing newline beyond the
//! record length (`fixed`: COBOL `DISPLAY` ends its line). `fixed` is the exec default
//! (`config::backend::BackendKindConfig::default_framing`): a batch program reads and
//! writes one plain record.
//!
//! The program runs in its own process group. An abandoned exchange (the stack's timeout,
//! or the client went away) drops the run, and with it the whole group is killed (a
//! shell's children too); tokio reaps the child.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;

use bytes::Bytes;
use serde::Deserialize;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::process::{Child, Command};

use super::frame::{encode, read_frame, MAX_RECORD};
use super::{BackendFraming, Connector, ConnectorError, Exchange};
use crate::config::table::Problems;
use crate::config::{BackendKind, BackendSpec};

/// `kind = "exec"`: the settings only an exec backend has.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExecConfig {
    /// The program run once per request (record on stdin, answer on stdout): a path
    /// (relative to the config file) or a name looked up on `PATH`.
    pub command: String,
    #[serde(default)]
    pub args: Vec<String>,
}

impl ExecConfig {
    /// A command with a `/` is a path from the config file's folder (`base`).
    pub fn validate(&self, base: &Path) -> Result<BackendKind, Problems> {
        let c = &self.command;
        if c.trim().is_empty() {
            return Err(vec![("command".into(), "must not be empty".into())]);
        }
        let p = PathBuf::from(c);
        let command = if p.is_relative() && c.contains('/') {
            base.join(p)
        } else {
            p
        };
        Ok(BackendKind::Exec {
            command,
            args: self.args.clone(),
        })
    }
}

/// Bytes of stderr kept for the error message; the rest is read and discarded.
const STDERR_KEEP: usize = 4096;
/// Characters of stderr shown in an error message.
const STDERR_SHOWN: usize = 512;

/// A [`Connector`] running `command args...` once per request. Clones share the spec.
#[derive(Clone, Debug)]
pub struct ExecConnector {
    program: Arc<Program>,
}

#[derive(Debug)]
struct Program {
    command: PathBuf,
    args: Vec<String>,
    framing: BackendFraming,
}

/// What a finished run left behind.
struct Run {
    status: ExitStatus,
    stdout: Vec<u8>,
    stdout_overflow: bool,
    stderr: Vec<u8>,
}

impl ExecConnector {
    pub fn new(command: &Path, args: &[String], spec: &BackendSpec) -> ExecConnector {
        ExecConnector {
            program: Arc::new(Program {
                command: command.to_path_buf(),
                args: args.to_vec(),
                framing: spec.framing,
            }),
        }
    }
}

impl Connector for ExecConnector {
    fn call(&self, ex: Exchange) -> impl Future<Output = Result<Bytes, ConnectorError>> + Send {
        self.program.exchange(ex)
    }
}

impl Program {
    async fn exchange(&self, ex: Exchange) -> Result<Bytes, ConnectorError> {
        let input = encode(self.framing, &ex.request)?;
        let mut run = Running(self.spawn()?);
        let run = talk(&mut run.0, input).await?;
        if !run.status.success() {
            return Err(ConnectorError::Program(format!(
                "{} ended with {}{}",
                self.command.display(),
                run.status,
                stderr_note(&run.stderr)
            )));
        }
        if run.stdout_overflow {
            return Err(ConnectorError::BadFrame(format!(
                "program wrote more than {MAX_RECORD} bytes"
            )));
        }
        self.unframe(run.stdout, ex.response_len).await
    }

    fn spawn(&self) -> Result<Child, ConnectorError> {
        let mut cmd = Command::new(&self.command);
        cmd.args(&self.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        // Its own process group, so a timeout can kill everything it started.
        #[cfg(unix)]
        cmd.process_group(0);
        cmd.spawn().map_err(|e| {
            ConnectorError::Unreachable(format!("cannot start {}: {e}", self.command.display()))
        })
    }

    /// The response record from the program's whole stdout.
    async fn unframe(&self, stdout: Vec<u8>, response_len: usize) -> Result<Bytes, ConnectorError> {
        match self.framing {
            BackendFraming::Fixed => {
                let mut out = stdout;
                if out.len() > response_len {
                    strip_suffix(&mut out, b"\n");
                    strip_suffix(&mut out, b"\r");
                }
                Ok(Bytes::from(out))
            }
            BackendFraming::Delimiter(d) => {
                let mut out = stdout;
                strip_suffix(&mut out, &[d]);
                Ok(Bytes::from(out))
            }
            BackendFraming::Len4
            | BackendFraming::Len2
            | BackendFraming::Rdw
            | BackendFraming::Records(_) => {
                let mut r: &[u8] = &stdout;
                let record = read_frame(&mut r, self.framing, response_len)
                    .await
                    // A short frame on a pipe is the program's output, not a lost connection.
                    .map_err(|e| match e {
                        ConnectorError::Closed(m) => ConnectorError::BadFrame(m),
                        other => other,
                    })?;
                if !(r.is_empty() || r == b"\n") {
                    return Err(ConnectorError::BadFrame(format!(
                        "{} bytes after the record in the program's output",
                        r.len()
                    )));
                }
                Ok(record)
            }
        }
    }
}

/// Feeds stdin (then closes it) while draining stdout and stderr, so a program that writes
/// before it has read everything cannot deadlock against us; then waits for its exit.
async fn talk(child: &mut Child, input: Vec<u8>) -> Result<Run, ConnectorError> {
    let stdin = child.stdin.take();
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let feed = async move {
        if let Some(mut pipe) = stdin {
            // A program may exit without reading its input (EPIPE): its exit status says
            // whether that was a failure, so write errors are not.
            let _ = pipe.write_all(&input).await;
            let _ = pipe.shutdown().await;
        }
    };
    let ((), out, err) = tokio::join!(
        feed,
        read_capped(stdout, MAX_RECORD),
        read_capped(stderr, STDERR_KEEP)
    );
    let (stdout, stdout_overflow) =
        out.map_err(|e| ConnectorError::Closed(format!("reading stdout: {e}")))?;
    let (stderr, _) = err.unwrap_or_default();
    let status = child
        .wait()
        .await
        .map_err(|e| ConnectorError::Program(format!("waiting for the program: {e}")))?;
    Ok(Run {
        status,
        stdout,
        stdout_overflow,
        stderr,
    })
}

/// Everything until EOF, keeping at most `keep` bytes (and saying whether more came).
async fn read_capped<R: AsyncRead + Unpin>(
    pipe: Option<R>,
    keep: usize,
) -> std::io::Result<(Vec<u8>, bool)> {
    let Some(mut pipe) = pipe else {
        return Ok((Vec::new(), false));
    };
    let mut kept = Vec::new();
    let mut overflow = false;
    let mut buf = [0u8; 8192];
    loop {
        let n = pipe.read(&mut buf).await?;
        let Some(chunk) = buf.get(..n).filter(|c| !c.is_empty()) else {
            return Ok((kept, overflow));
        };
        let room = keep.saturating_sub(kept.len());
        let (take, rest) = chunk.split_at(room.min(chunk.len()));
        kept.extend_from_slice(take);
        overflow |= !rest.is_empty();
    }
}

/// A started program: dropped before it was reaped (the exchange was abandoned), its
/// process group is killed, then the child itself (`kill_on_drop`; tokio reaps it).
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        // `id` is `None` once the child has been reaped: nothing left to kill then.
        #[cfg(unix)]
        if let Some(pid) = self
            .0
            .id()
            .and_then(|id| i32::try_from(id).ok())
            // Never pid 1: signalling "group 1" would mean every process we may signal.
            .filter(|&id| id > 1)
            .and_then(rustix::process::Pid::from_raw)
        {
            let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
        }
    }
}

fn strip_suffix(v: &mut Vec<u8>, suffix: &[u8]) {
    if v.ends_with(suffix) {
        v.truncate(v.len() - suffix.len());
    }
}

/// `; stderr: ...` with the first few hundred characters, or nothing if it was silent.
fn stderr_note(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let text = text.trim();
    if text.is_empty() {
        return String::new();
    }
    let shown: String = text.chars().take(STDERR_SHOWN).collect();
    let more = if shown.len() < text.len() { " ..." } else { "" };
    format!("; stderr: {shown}{more}")
}

/// The program to run, as the OS would find it: a path as given, a bare name on `PATH`.
pub fn resolve(command: &Path) -> Option<PathBuf> {
    if command.components().count() > 1 || command.is_absolute() {
        return is_executable(command).then(|| command.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(command))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(p) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::BackendKind;
    use crate::connector::{test_spec, timed, BackendService};
    use std::time::Duration;
    use tower::ServiceExt;

    fn exec(
        command: &str,
        args: &[&str],
        framing: BackendFraming,
        timeout: Duration,
    ) -> BackendService {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let mut spec = test_spec(
            BackendKind::Exec {
                command: command.into(),
                args: args.clone(),
            },
            framing,
        );
        spec.timeout = timeout;
        timed(
            ExecConnector::new(Path::new(command), &args, &spec),
            timeout,
        )
    }

    async fn call(
        c: &BackendService,
        request: &[u8],
        response_len: usize,
    ) -> Result<Bytes, ConnectorError> {
        let ex = Exchange {
            request: Bytes::copy_from_slice(request),
            response_len,
            envelope: Default::default(),
            trace: None,
        };
        tokio::time::timeout(Duration::from_secs(20), c.clone().oneshot(ex))
            .await
            .expect("test hung")
    }

    const LONG: Duration = Duration::from_secs(20);

    #[tokio::test]
    async fn cat_echoes_in_every_framing() {
        // `cat` sends the framed request straight back: the response unframes to the request.
        for framing in [
            BackendFraming::Len4,
            BackendFraming::Len2,
            BackendFraming::Rdw,
            BackendFraming::Fixed,
            BackendFraming::Delimiter(b'\n'),
        ] {
            let c = exec("cat", &[], framing, LONG);
            assert_eq!(
                &call(&c, b"\xC1\xC2 REC", 6).await.unwrap()[..],
                b"\xC1\xC2 REC",
                "{framing:?}"
            );
        }
    }

    #[tokio::test]
    async fn fixed_output_loses_one_trailing_newline_beyond_the_record() {
        // DISPLAY-style output: record then newline.
        let c = exec(
            "sh",
            &["-c", "printf 'ABCD\\n'"],
            BackendFraming::Fixed,
            LONG,
        );
        assert_eq!(&call(&c, b"", 4).await.unwrap()[..], b"ABCD");
        // A newline inside the record length is data and stays.
        assert_eq!(&call(&c, b"", 5).await.unwrap()[..], b"ABCD\n");
    }

    #[tokio::test]
    async fn stalled_program_times_out_and_its_group_is_killed() {
        // The shell starts a background sleep (a grandchild) and waits: both must die.
        let dir = tempfile::tempdir().unwrap();
        let pidfile = dir.path().join("pid");
        let script = format!("sleep 30 & echo $! > {}; wait", pidfile.display());
        let c = exec(
            "sh",
            &["-c", &script],
            BackendFraming::Fixed,
            Duration::from_millis(300),
        );
        let r = call(&c, b"REQ", 3).await;
        assert_eq!(r, Err(ConnectorError::Timeout(Duration::from_millis(300))));
        let pid = std::fs::read_to_string(&pidfile)
            .unwrap()
            .trim()
            .to_string();
        // Gone, or a zombie waiting for a reaper: either way, not running.
        let gone = tokio::time::timeout(LONG, async {
            loop {
                match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
                    Err(_) => return,
                    Ok(stat)
                        if stat
                            .rsplit(')')
                            .next()
                            .is_some_and(|s| s.trim_start().starts_with('Z')) =>
                    {
                        return
                    }
                    Ok(_) => tokio::time::sleep(Duration::from_millis(10)).await,
                }
            }
        });
        gone.await.expect("the grandchild was not killed");
    }

    #[tokio::test]
    async fn sleeping_program_is_a_timeout() {
        // The brief's case: `sh -c 'sleep 5'` against a short timeout.
        let c = exec(
            "sh",
            &["-c", "sleep 5"],
            BackendFraming::Fixed,
            Duration::from_millis(100),
        );
        assert_eq!(
            call(&c, b"", 0).await,
            Err(ConnectorError::Timeout(Duration::from_millis(100)))
        );
    }

    #[tokio::test]
    async fn non_zero_exit_is_a_program_error_with_stderr() {
        // exit 3 with something on stderr: both in the message.
        let c = exec(
            "sh",
            &["-c", "echo 'no such VRM' >&2; exit 3"],
            BackendFraming::Fixed,
            LONG,
        );
        match call(&c, b"REQ", 3).await {
            Err(ConnectorError::Program(m)) => {
                assert!(m.contains("exit status: 3"), "{m}");
                assert!(m.contains("no such VRM"), "{m}");
            }
            other => panic!("expected Program, got {other:?}"),
        }
        // A silent exit 3: still Program.
        let c = exec("sh", &["-c", "exit 3"], BackendFraming::Fixed, LONG);
        assert!(matches!(
            call(&c, b"REQ", 3).await,
            Err(ConnectorError::Program(_))
        ));
    }

    #[tokio::test]
    async fn missing_program_is_unreachable() {
        let c = exec(
            "/nonexistent/ferrule-test-program",
            &[],
            BackendFraming::Fixed,
            LONG,
        );
        assert!(matches!(
            call(&c, b"REQ", 3).await,
            Err(ConnectorError::Unreachable(_))
        ));
    }

    #[tokio::test]
    async fn bad_framed_output_is_a_bad_frame() {
        // len4 header announcing 16 bytes, 3 delivered.
        let c = exec(
            "sh",
            &["-c", "printf '\\000\\000\\000\\020ABC'"],
            BackendFraming::Len4,
            LONG,
        );
        assert!(matches!(
            call(&c, b"", 0).await,
            Err(ConnectorError::BadFrame(_))
        ));
        // A whole record followed by junk.
        let c = exec(
            "sh",
            &["-c", "printf '\\000\\001AJUNK'"],
            BackendFraming::Len2,
            LONG,
        );
        assert!(matches!(
            call(&c, b"", 0).await,
            Err(ConnectorError::BadFrame(_))
        ));
    }

    #[tokio::test]
    async fn program_not_reading_stdin_is_judged_by_its_exit() {
        // Exits at once without reading a large input: EPIPE on our side is not an error.
        let c = exec("sh", &["-c", "printf OK"], BackendFraming::Fixed, LONG);
        assert_eq!(&call(&c, &vec![b'x'; 1 << 20], 2).await.unwrap()[..], b"OK");
    }

    #[test]
    fn resolve_finds_programs_like_the_os() {
        // A bare name is looked up on PATH.
        assert!(resolve(Path::new("sh")).is_some());
        // A path is taken as given.
        assert!(resolve(Path::new("/bin/sh")).is_some());
        // Missing, or a directory, or not executable: not found.
        assert!(resolve(Path::new("ferrule-no-such-program")).is_none());
        assert!(resolve(Path::new("/tmp")).is_none());
        let f = tempfile::NamedTempFile::new().unwrap();
        assert!(resolve(f.path()).is_none());
    }

    #[test]
    fn stderr_note_is_truncated() {
        // Empty stderr adds nothing.
        assert_eq!(stderr_note(b"  \n"), "");
        // Long stderr is cut and marked.
        let note = stderr_note(&vec![b'e'; 2000]);
        assert!(note.ends_with(" ...") && note.len() < 600, "{note}");
    }
}
