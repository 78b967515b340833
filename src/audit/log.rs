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
//!
//! With a checkpoint file the head is copied there when the log opens, every
//! `every_lines` lines (by the writer thread, off the callers' path) and on [`AuditLog::close`].

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError, TryLockError};
use std::time::Instant;

use tokio::sync::oneshot;

use super::chain::{hmac_sha256, ChainHash, Sealed, GENESIS};
use super::checkpoint::{Checkpoint, Checkpointing};
use super::error::{AuditError, Broken};
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
    tx: Sender<Msg>,
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
    checkpointer: Option<Arc<Checkpointer>>,
    #[cfg(test)]
    fail_writes: Arc<std::sync::atomic::AtomicBool>,
}

/// What the writer thread is asked to do.
enum Msg {
    Line(Job),
    /// Copy the head to the checkpoint file (a caller's inline write made one due).
    Checkpoint,
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
    /// With a checkpoint file, the chain must reach the head it holds (else the log was
    /// cut or replaced, and it is not opened); then the current head is written to it.
    /// Blocking file I/O: call at start-up, not on a hot path.
    pub fn open(cfg: AuditConfig) -> Result<AuditLog, AuditError> {
        let chain = ChainHash::new(cfg.chain_key.as_deref());
        let resumed = resume(&cfg.path, &chain)?;
        let checkpointer = cfg.checkpoint.clone().map(|c| {
            Arc::new(Checkpointer {
                cfg: c,
                order: Mutex::new(false),
                sync_log: cfg.flush == FlushPolicy::Os,
            })
        });
        if let Some(cp) = &checkpointer {
            cp.check_resumed(&resumed)?;
        }
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
            head_file: resumed.head_file,
            since_checkpoint: 0,
            checkpoint_every: cfg.checkpoint.as_ref().map(|c| c.every_lines),
            checkpoint_queued: false,
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
        if let Some(cp) = &checkpointer {
            cp.write(&writer, &failed, false)?;
        }
        let (tx, rx) = mpsc::channel();
        let shared = Arc::clone(&writer);
        let for_thread = checkpointer.clone();
        std::thread::Builder::new()
            .name("ferrule-audit".into())
            .spawn(move || run(&shared, rx, cfg.flush, for_thread.as_deref()))
            .map_err(|e| io_err(&cfg.path, "start writer thread", e))?;
        Ok(AuditLog {
            inner: Arc::new(Inner {
                tx,
                writer,
                inline: cfg.flush == FlushPolicy::Os,
                failed,
                hmac_key: cfg.hmac_key,
                head,
                checkpointer,
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
                Ok(mut w) => {
                    let r = w.commit_or_fail(&[&line]);
                    let due = w.take_checkpoint_due();
                    drop(w);
                    if due {
                        // The writer thread copies the head, off this caller's path; if it
                        // has stopped, close() still writes the last checkpoint.
                        let _ = self.inner.tx.send(Msg::Checkpoint);
                    }
                    return r;
                }
                Err(TryLockError::Poisoned(_)) => return Err(poisoned(&self.inner.failed)),
                Err(TryLockError::WouldBlock) => {}
            }
        }
        let (ack, done) = oneshot::channel();
        let stopped = || AuditError::Failed(self.failure());
        self.inner
            .tx
            .send(Msg::Line(Job { line, ack }))
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

    /// Stops the log for good (every later record errs, so none can land after this) and
    /// writes the final checkpoint, if there is a checkpoint file. Call once calls have
    /// drained at shutdown. Blocking file I/O.
    pub fn close(&self) -> Result<(), AuditError> {
        let _ = self
            .inner
            .failed
            .set("the audit log is closed (shutting down)".into());
        match &self.inner.checkpointer {
            Some(cp) => cp.write(&self.inner.writer, &self.inner.failed, true),
            None => Ok(()),
        }
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
    /// The file holding the last line (the live file when there is none).
    head_file: PathBuf,
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
                    head_file: path.to_path_buf(),
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
                head_file: old.clone(),
            });
        }
    }
    Ok(Resumed {
        next_seq: 1,
        prev: GENESIS,
        first_seq: 1,
        head_file: path.to_path_buf(),
    })
}

fn check(
    path: &Path,
    chain: &ChainHash,
    which: &'static str,
    line: &[u8],
) -> Result<Sealed, AuditError> {
    chain.check(line).map_err(|why| match (&why, chain) {
        // The usual cause is not an edit but a chain key added to (or changed on) a log
        // written without it: say so, since the way out is a new log, not a repair.
        (Broken::HashMismatch, ChainHash::Hmac(_)) if ChainHash::Sha256.check(line).is_ok() => {
            AuditError::ChainKey {
                path: path.to_path_buf(),
                why: "the log was written without a chain key and one is now configured",
            }
        }
        _ => AuditError::Resume {
            path: path.to_path_buf(),
            which,
            why,
        },
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
    /// The file holding the last durable line (for the checkpoint).
    head_file: PathBuf,
    /// Lines committed since the last checkpoint was taken.
    since_checkpoint: u64,
    checkpoint_every: Option<u64>,
    /// A checkpoint has been asked of the writer thread and not yet taken.
    checkpoint_queued: bool,
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

/// A batch of messages: the lines to commit, and whether a checkpoint was asked for.
#[derive(Default)]
struct Batch {
    jobs: Vec<Job>,
    checkpoint: bool,
}

impl Batch {
    fn add(&mut self, msg: Msg) {
        match msg {
            Msg::Line(job) => self.jobs.push(job),
            Msg::Checkpoint => self.checkpoint = true,
        }
    }
}

/// The writer thread: commits queued lines in batches until every [`AuditLog`] clone is
/// dropped, or until the log fails; copies the head to the checkpoint file when due.
fn run(
    writer: &Mutex<Writer>,
    rx: Receiver<Msg>,
    flush: FlushPolicy,
    checkpointer: Option<&Checkpointer>,
) {
    let failed = match writer.lock() {
        Ok(w) => Arc::clone(&w.failed),
        Err(_) => return,
    };
    while let Ok(first) = rx.recv() {
        // Group commit: whatever queued while the last fsync ran shares the next one.
        let mut batch = Batch::default();
        batch.add(first);
        rx.try_iter().take(MAX_BATCH).for_each(|m| batch.add(m));
        if let FlushPolicy::Interval(every) = flush {
            let last_sync = lock(writer, &failed).map(|w| w.last_sync);
            if let Ok(last_sync) = last_sync {
                gather_until(last_sync + every, &rx, &mut batch);
            }
        }
        let jobs = batch.jobs;
        let mut checkpoint = batch.checkpoint;
        if !jobs.is_empty() {
            let lines: Vec<&Prepared> = jobs.iter().map(|j| &j.line).collect();
            let result = lock(writer, &failed).and_then(|mut w| {
                w.commit_or_fail(&lines)?;
                Ok(w.take_checkpoint_due())
            });
            drop(lines);
            match result {
                Ok(due) => {
                    checkpoint |= due;
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
        if let (true, Some(cp)) = (checkpoint, checkpointer) {
            // The lines are durable whatever happens here: a checkpoint that cannot be
            // written is reported and tried again at the next one, the calls go on.
            if let Err(e) = cp.write(writer, &failed, false) {
                tracing::error!(error = %e, "audit checkpoint not written");
            }
        }
    }
}

/// Writes checkpoints one at a time, each with the head as it was when taken.
struct Checkpointer {
    cfg: Checkpointing,
    /// Held from taking the head until the rename, so an older head never replaces a newer;
    /// true once the final checkpoint is written (nothing may follow it: the process may
    /// exit at any moment then, and must not leave a half-written temp file).
    order: Mutex<bool>,
    /// With `os` the log is fsynced before its checkpoint, so a checkpoint never names a
    /// line a power loss could still take back (which would look like a cut).
    sync_log: bool,
}

impl Checkpointer {
    /// Copies the current head (last durable line) to the checkpoint file; `last`: the
    /// final one, after which none is written.
    fn write(
        &self,
        writer: &Mutex<Writer>,
        failed: &OnceLock<String>,
        last: bool,
    ) -> Result<(), AuditError> {
        let mut closed = self.order.lock().unwrap_or_else(PoisonError::into_inner);
        if *closed {
            return Ok(());
        }
        *closed = last;
        let (checkpoint, file) = {
            let mut w = lock(writer, failed)?;
            w.since_checkpoint = 0;
            w.checkpoint_queued = false;
            let (seq, hash) = *w.head.lock().unwrap_or_else(PoisonError::into_inner);
            let file = self.sync_log.then(|| w.file.try_clone());
            (Checkpoint::new(&w.head_file, seq, &hash), file)
        };
        // Outside the writer lock: callers keep writing while the disk catches up.
        if let Some(file) = file {
            let path = &self.cfg.path;
            file.and_then(|f| f.sync_data())
                .map_err(|e| io_err(path, "fsync the log before its checkpoint", e))?;
        }
        checkpoint
            .write(&self.cfg.path)
            .map_err(|e| io_err(&self.cfg.path, "write checkpoint", e))
    }

    /// Refuses to go on from a log that does not reach the checkpoint's head.
    fn check_resumed(&self, resumed: &Resumed) -> Result<(), AuditError> {
        let path = &self.cfg.path;
        let bad = |why: String| AuditError::Checkpoint {
            path: path.clone(),
            why,
        };
        let Some(c) = Checkpoint::read(path).map_err(bad)? else {
            return Ok(());
        };
        let head = c.head_hash().map_err(bad)?;
        let last_seq = resumed.next_seq.saturating_sub(1);
        let advice = "run `ferrule audit verify --checkpoint` on the log; only once that is \
                      explained, move the checkpoint aside to start again";
        if c.lines > last_seq {
            return Err(bad(format!(
                "says the chain reached seq {} (head {}) but the log ends at seq {last_seq}: \
                 lines were cut off the end, or the log was replaced; {advice}",
                c.lines, c.head
            )));
        }
        if c.lines == last_seq && head != resumed.prev {
            return Err(bad(format!(
                "says seq {} has hash {} but the log's last line has {}: the log was \
                 rewritten; {advice}",
                c.lines,
                c.head,
                hex::encode(resumed.prev)
            )));
        }
        Ok(())
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
        self.head_file.clone_from(&self.path);
        self.since_checkpoint = self.since_checkpoint.saturating_add(lines.len() as u64);
        Ok(())
    }

    /// Whether a checkpoint is due and not yet asked for; if so, it counts as asked for.
    fn take_checkpoint_due(&mut self) -> bool {
        let due = !self.checkpoint_queued
            && self
                .checkpoint_every
                .is_some_and(|n| self.since_checkpoint >= n);
        self.checkpoint_queued |= due;
        due
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

/// Collects more messages until `deadline` (the interval policy's next fsync).
fn gather_until(deadline: Instant, rx: &Receiver<Msg>, batch: &mut Batch) {
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(msg) => batch.add(msg),
            Err(_) => break,
        }
    }
}
