//! The writer: the file and the chain state sit behind one lock, and a line is numbered,
//! chained and written while it is held, so seq order is file order; the lock is never
//! held across an `.await`. Each caller serialises its own event first (in parallel).
//!
//! With `os` (no fsync) a caller whose lock attempt succeeds writes its own line: one
//! `write(2)`, no hop to another thread and back (two wake-ups per call, most of the cost
//! of auditing on a busy machine). A caller that finds the file busy never blocks its
//! runtime thread: it queues the line for the writer thread, which takes the lock and
//! writes whatever has queued in one `write(2)`. With an fsync policy every line goes
//! through the writer thread (group commit: lines queued while one fsync runs share the
//! next). Either way `record` returns once the line is as durable as the policy says.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, TryLockError};
use std::time::Instant;

use tokio::sync::oneshot;

use super::chain::{hmac_sha256, ChainHash, Sealed, GENESIS};
use super::error::AuditError;
use super::event::{AuditEvent, Prepared};
use super::segments::{self, rotated_name};
use super::{AuditConfig, FlushPolicy};

/// Most lines written by one `write` (and covered by one fsync) when many are queued.
const MAX_BATCH: usize = 1024;

/// An open audit log. Cheap to clone (all clones feed the same writer thread); the thread
/// finishes the queued lines and ends when the last clone is dropped. One `AuditLog` per
/// file: two writers on one path (in this process or another) would fork the chain, so a
/// config reload must keep the open log when its path is unchanged.
#[derive(Clone)]
pub struct AuditLog {
    inner: Arc<Inner>,
}

struct Inner {
    /// To the writer thread.
    tx: Sender<Job>,
    /// The file and chain state, shared with the writer thread.
    writer: Arc<Mutex<Writer>>,
    /// Callers may write their own line when the file is free (`os`: nothing to wait for
    /// after the write).
    inline: bool,
    /// Set once, by whoever hit the error that stopped the log.
    failed: Arc<OnceLock<String>>,
    hmac_key: Option<Vec<u8>>,
    /// seq and hash of the last durable line.
    head: Arc<Mutex<(u64, [u8; 32])>>,
    #[cfg(test)]
    fail_writes: Arc<std::sync::atomic::AtomicBool>,
}

struct Job {
    line: Prepared,
    ack: oneshot::Sender<Result<(), AuditError>>,
}

impl AuditLog {
    /// Opens (or creates) the log and starts its writer thread. An existing chain is
    /// resumed from the last line of the live file, or of the newest rotated file when the
    /// live one is missing or empty; that line must check against its own hash. Bytes after
    /// the last newline (a write cut short by a crash, never acknowledged) are moved to
    /// `PATH.torn-<offset>` and cut off, so the chain continues from the last whole line.
    /// Blocking file I/O: call at start-up, not on a hot path.
    pub fn open(cfg: AuditConfig) -> Result<AuditLog, AuditError> {
        let chain = ChainHash::new(cfg.chain_key.as_deref());
        let resumed = resume(&cfg.path, &chain)?;
        let file = open_live(&cfg.path)?;
        let size = file
            .metadata()
            .map_err(|e| io_err(&cfg.path, "stat", e))?
            .len();
        let failed = Arc::new(OnceLock::new());
        let head = Arc::new(Mutex::new((
            resumed.next_seq.saturating_sub(1),
            resumed.prev,
        )));
        #[cfg(test)]
        let fail_writes = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = Writer {
            path: cfg.path.clone(),
            file,
            size,
            first_seq: resumed.first_seq,
            next_seq: resumed.next_seq,
            prev: resumed.prev,
            chain,
            flush: cfg.flush,
            rotate_bytes: cfg.rotate_bytes,
            last_sync: Instant::now(),
            buf: Vec::new(),
            line: Vec::new(),
            failed: Arc::clone(&failed),
            head: Arc::clone(&head),
            #[cfg(test)]
            fail_writes: Arc::clone(&fail_writes),
        };
        let writer = Arc::new(Mutex::new(writer));
        let (tx, rx) = mpsc::channel();
        let shared = Arc::clone(&writer);
        std::thread::Builder::new()
            .name("ferrule-audit".into())
            .spawn(move || run(&shared, rx, cfg.flush))
            .map_err(|e| io_err(&cfg.path, "start writer thread", e))?;
        Ok(AuditLog {
            inner: Arc::new(Inner {
                tx,
                writer,
                inline: cfg.flush == FlushPolicy::Os,
                failed,
                hmac_key: cfg.hmac_key,
                head,
                #[cfg(test)]
                fail_writes,
            }),
        })
    }

    /// Appends one line and returns once it is durable per the flush policy. `Err` means
    /// the line is not known to be durable: refuse the call (503). After any write or fsync
    /// error every later call errs too, until the log is reopened.
    pub async fn record(&self, event: AuditEvent) -> Result<(), AuditError> {
        if let Some(why) = self.inner.failed.get() {
            return Err(AuditError::Failed(why.clone()));
        }
        let line = event.prepare();
        if self.inner.inline {
            // Only when free: a runtime thread must not wait behind another's write.
            match self.inner.writer.try_lock() {
                Ok(mut w) => return w.commit_or_fail(&[&line]),
                Err(TryLockError::Poisoned(_)) => return Err(poisoned(&self.inner.failed)),
                Err(TryLockError::WouldBlock) => {}
            }
        }
        let (ack, done) = oneshot::channel();
        let stopped = || AuditError::Failed(self.failure());
        self.inner
            .tx
            .send(Job { line, ack })
            .map_err(|_| stopped())?;
        done.await.map_err(|_| stopped())?
    }

    /// HMAC-SHA256 (hex) of a key field value under the configured `hmac_key`; the value
    /// itself when no key is set.
    pub fn keyed(&self, value: &str) -> String {
        match &self.inner.hmac_key {
            Some(key) => hex::encode(hmac_sha256(key, value.as_bytes())),
            None => value.to_string(),
        }
    }

    /// seq and hex hash of the last durable line (seq 0 and the genesis hash for an empty
    /// log): publish it elsewhere so that lines cut off the end can be noticed.
    pub fn head(&self) -> (u64, String) {
        let (seq, hash) = *self.inner.head.lock().unwrap_or_else(|p| p.into_inner());
        (seq, hex::encode(hash))
    }

    /// Whether an earlier error has put the log in its failed state.
    pub fn is_failed(&self) -> bool {
        self.inner.failed.get().is_some()
    }

    fn failure(&self) -> String {
        self.inner
            .failed
            .get()
            .cloned()
            .unwrap_or_else(|| "the writer thread stopped".into())
    }

    /// Test hook: holds the file as a caller writing its line would, so that other
    /// callers meanwhile take the queued path.
    #[cfg(test)]
    pub(crate) fn hold_file(&self) -> impl Sized + '_ {
        self.inner
            .writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Test hook: make every later write fail as a full disk would.
    #[cfg(test)]
    pub(crate) fn inject_write_failure(&self) {
        self.inner
            .fail_writes
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Where the chain goes on from.
struct Resumed {
    next_seq: u64,
    prev: [u8; 32],
    /// seq of the live file's first line (the next seq when it is empty): its rotated name.
    first_seq: u64,
}

fn io_err(path: &Path, op: &'static str, source: io::Error) -> AuditError {
    AuditError::Io {
        path: path.to_path_buf(),
        op,
        source,
    }
}

/// Reads the chain state back from the files on disk.
fn resume(path: &Path, chain: &ChainHash) -> Result<Resumed, AuditError> {
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => {
            return Err(AuditError::NotRegularFile {
                path: path.to_path_buf(),
            })
        }
        Ok(_) => {
            if let Some(last) = live_tail(path, chain)? {
                let first = segments::first_line(path)
                    .map_err(|e| io_err(path, "read", e))?
                    .unwrap_or_default();
                let first = check(path, chain, "first", &first)?;
                return Ok(Resumed {
                    next_seq: last.seq.saturating_add(1),
                    prev: last.hash,
                    first_seq: first.seq,
                });
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_err(path, "stat", e)),
    }
    // The live file is missing or empty (a crash right after rotation, or a new log).
    let rotated = segments::rotated(path).map_err(|e| io_err(path, "list", e))?;
    for old in rotated.iter().rev() {
        let tail = segments::tail(old).map_err(|e| io_err(old, "read", e))?;
        if !tail.torn.is_empty() {
            return Err(AuditError::Resume {
                path: old.clone(),
                which: "last",
                why: super::Broken::Torn,
            });
        }
        if let Some(line) = tail.last {
            let last = check(old, chain, "last", &line)?;
            let next_seq = last.seq.saturating_add(1);
            return Ok(Resumed {
                next_seq,
                prev: last.hash,
                first_seq: next_seq,
            });
        }
    }
    Ok(Resumed {
        next_seq: 1,
        prev: GENESIS,
        first_seq: 1,
    })
}

fn check(
    path: &Path,
    chain: &ChainHash,
    which: &'static str,
    line: &[u8],
) -> Result<Sealed, AuditError> {
    chain.check(line).map_err(|why| AuditError::Resume {
        path: path.to_path_buf(),
        which,
        why,
    })
}

/// The live file's last whole line, after setting a torn tail aside.
fn live_tail(path: &Path, chain: &ChainHash) -> Result<Option<Sealed>, AuditError> {
    let tail = segments::tail(path).map_err(|e| io_err(path, "read", e))?;
    if !tail.torn.is_empty() {
        set_aside_torn(path, tail.complete_len, &tail.torn)?;
    }
    match tail.last {
        Some(line) => check(path, chain, "last", &line).map(Some),
        None => Ok(None),
    }
}

/// Keeps the bytes of an interrupted write as evidence beside the log, then cuts them off.
fn set_aside_torn(path: &Path, offset: u64, torn: &[u8]) -> Result<(), AuditError> {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".torn-{offset}"));
    let aside = PathBuf::from(name);
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&aside)
        .map_err(|e| io_err(&aside, "create", e))?;
    f.write_all(torn)
        .and_then(|()| f.sync_all())
        .map_err(|e| io_err(&aside, "write", e))?;
    let live = OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| io_err(path, "open", e))?;
    live.set_len(offset)
        .and_then(|()| live.sync_all())
        .map_err(|e| io_err(path, "truncate", e))?;
    sync_dir(path)?;
    tracing::warn!(
        path = %path.display(),
        offset,
        bytes = torn.len(),
        aside = %aside.display(),
        "audit log ended in an interrupted write; set aside and resumed from the last whole line"
    );
    Ok(())
}

/// Opens the live file for appending, creating it (and making its name durable) if needed.
fn open_live(path: &Path) -> Result<File, AuditError> {
    let existed = path.exists();
    let f = OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| io_err(path, "open", e))?;
    if !existed {
        sync_dir(path)?;
    }
    Ok(f)
}

/// fsync of the directory: makes a create or rename itself survive a power loss.
fn sync_dir(path: &Path) -> Result<(), AuditError> {
    let dir = segments::parent_dir(path);
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io_err(dir, "fsync directory", e))
}

/// Rebuilds an error for each waiting caller (io::Error is not Clone).
fn dup(e: &AuditError) -> AuditError {
    match e {
        AuditError::Io { path, op, source } => AuditError::Io {
            path: path.clone(),
            op,
            source: io::Error::new(source.kind(), source.to_string()),
        },
        other => AuditError::Failed(other.to_string()),
    }
}

/// The writer thread's state: the live file and the chain.
struct Writer {
    path: PathBuf,
    file: File,
    size: u64,
    first_seq: u64,
    next_seq: u64,
    prev: [u8; 32],
    chain: ChainHash,
    flush: FlushPolicy,
    rotate_bytes: Option<u64>,
    last_sync: Instant,
    /// Sealed lines not yet written.
    buf: Vec<u8>,
    /// Scratch for the line being sealed.
    line: Vec<u8>,
    failed: Arc<OnceLock<String>>,
    head: Arc<Mutex<(u64, [u8; 32])>>,
    #[cfg(test)]
    fail_writes: Arc<std::sync::atomic::AtomicBool>,
}

/// A panic while the lock was held (a bug): the chain state cannot be trusted any more.
fn poisoned(failed: &OnceLock<String>) -> AuditError {
    let _ = failed.set("the audit writer panicked".into());
    AuditError::Failed(failed.get().cloned().unwrap_or_default())
}

/// Locks the writer for the writer thread (which may wait).
fn lock<'w>(
    writer: &'w Mutex<Writer>,
    failed: &OnceLock<String>,
) -> Result<MutexGuard<'w, Writer>, AuditError> {
    writer.lock().map_err(|_| poisoned(failed))
}

/// The writer thread: commits queued lines in batches until every [`AuditLog`] clone is
/// dropped, or until the log fails.
fn run(writer: &Mutex<Writer>, rx: Receiver<Job>, flush: FlushPolicy) {
    let failed = match writer.lock() {
        Ok(w) => Arc::clone(&w.failed),
        Err(_) => return,
    };
    while let Ok(first) = rx.recv() {
        // Group commit: whatever queued while the last fsync ran shares the next one.
        let mut jobs = vec![first];
        jobs.extend(rx.try_iter().take(MAX_BATCH));
        if let FlushPolicy::Interval(every) = flush {
            let last_sync = lock(writer, &failed).map(|w| w.last_sync);
            if let Ok(last_sync) = last_sync {
                gather_until(last_sync + every, &rx, &mut jobs);
            }
        }
        let lines: Vec<&Prepared> = jobs.iter().map(|j| &j.line).collect();
        let result = lock(writer, &failed).and_then(|mut w| w.commit_or_fail(&lines));
        drop(lines);
        match result {
            Ok(()) => {
                for job in jobs {
                    // A caller that gave up waiting still got its line written.
                    let _ = job.ack.send(Ok(()));
                }
            }
            Err(e) => {
                for job in jobs {
                    let _ = job.ack.send(Err(dup(&e)));
                }
                // Dropping the receiver refuses everything queued or sent later.
                return;
            }
        }
    }
}

impl Writer {
    /// Commits `lines`, or puts the log in its failed state: after a failed write the
    /// file may end in part of a line, so nothing more is written to it.
    fn commit_or_fail(&mut self, lines: &[&Prepared]) -> Result<(), AuditError> {
        if let Some(why) = self.failed.get() {
            return Err(AuditError::Failed(why.clone()));
        }
        self.commit(lines).inspect_err(|e| {
            let _ = self.failed.set(e.to_string());
            tracing::error!(error = %e, "audit log failed; refusing calls until reopened");
        })
    }

    /// Writes the batch's lines (rotating when one would overflow) and syncs per policy.
    fn commit(&mut self, lines: &[&Prepared]) -> Result<(), AuditError> {
        self.buf.clear();
        for prepared in lines {
            prepared.body_into(self.next_seq, &self.prev, &mut self.line);
            let hash = self.chain.seal(&mut self.line);
            if self.would_overflow(self.line.len()) {
                self.write_buf()?;
                self.rotate()?;
            }
            self.buf.extend_from_slice(&self.line);
            // Saturating: a forged seq near u64::MAX must not panic the writer.
            self.next_seq = self.next_seq.saturating_add(1);
            self.prev = hash;
        }
        self.write_buf()?;
        if self.flush != FlushPolicy::Os {
            self.file
                .sync_data()
                .map_err(|e| io_err(&self.path, "fsync", e))?;
            self.last_sync = Instant::now();
        }
        *self.head.lock().unwrap_or_else(|p| p.into_inner()) =
            (self.next_seq.saturating_sub(1), self.prev);
        Ok(())
    }

    fn would_overflow(&self, line_len: usize) -> bool {
        let used = self.size + self.buf.len() as u64;
        self.rotate_bytes
            .is_some_and(|max| used > 0 && used + line_len as u64 > max)
    }

    fn write_buf(&mut self) -> Result<(), AuditError> {
        if self.buf.is_empty() {
            return Ok(());
        }
        #[cfg(test)]
        if self.fail_writes.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(io_err(
                &self.path,
                "write",
                io::Error::other("injected: no space left on device"),
            ));
        }
        self.file
            .write_all(&self.buf)
            .map_err(|e| io_err(&self.path, "write", e))?;
        self.size += self.buf.len() as u64;
        self.buf.clear();
        Ok(())
    }

    /// Renames the live file to `PATH.<its first seq>` and starts a new one; the chain
    /// simply goes on (the next line's `prev` is the old file's last hash).
    fn rotate(&mut self) -> Result<(), AuditError> {
        self.file
            .sync_all()
            .map_err(|e| io_err(&self.path, "fsync", e))?;
        let to = rotated_name(&self.path, self.first_seq);
        // Never overwrite: a rotated file is evidence.
        if to.symlink_metadata().is_ok() {
            return Err(io_err(
                &to,
                "rotate",
                io::Error::new(io::ErrorKind::AlreadyExists, "rotation target exists"),
            ));
        }
        std::fs::rename(&self.path, &to).map_err(|e| io_err(&self.path, "rename", e))?;
        self.file = open_live(&self.path)?;
        self.size = 0;
        self.first_seq = self.next_seq;
        Ok(())
    }
}

/// Collects more jobs until `deadline` (the interval policy's next fsync).
fn gather_until(deadline: Instant, rx: &Receiver<Job>, jobs: &mut Vec<Job>) {
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(job) => jobs.push(job),
            Err(_) => break,
        }
    }
}
