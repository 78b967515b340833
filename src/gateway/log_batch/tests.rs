use super::*;

/// A log file to batch into, and a way to read what reached it.
fn file() -> (tempfile::NamedTempFile, Arc<File>) {
    let f = tempfile::NamedTempFile::new().unwrap();
    let out = Arc::new(f.reopen().unwrap());
    (f, out)
}

fn text(f: &tempfile::NamedTempFile) -> String {
    std::fs::read_to_string(f.path()).unwrap()
}

/// Runs `body` on a thread of its own (batching is per thread), to its end.
fn on_a_thread(body: impl FnOnce() + Send + 'static) {
    std::thread::spawn(body).join().unwrap();
}

#[test]
fn a_thread_that_never_parked_writes_each_line_itself() {
    let (_f, out) = file();
    on_a_thread(move || assert!(!append(&out, b"line\n", false)));
}

#[test]
fn lines_wait_for_the_park_and_keep_their_order() {
    let (f, out) = file();
    let path = f.path().to_owned();
    on_a_thread(move || {
        park();
        assert!(append(&out, b"one\n", false));
        assert!(append(&out, b"two\n", false));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
        park();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one\ntwo\n");
        // Stopped: lines go straight through again (the caller writes them).
        assert!(append(&out, b"three\n", false));
        stop();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one\ntwo\nthree\n");
        assert!(!append(&out, b"four\n", false));
    });
}

#[test]
fn a_warning_goes_out_at_once_with_the_lines_before_it() {
    let (f, out) = file();
    let path = f.path().to_owned();
    on_a_thread(move || {
        park();
        assert!(append(&out, b"info\n", false));
        assert!(append(&out, b"warn\n", true));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "info\nwarn\n");
    });
}

#[test]
fn a_full_batch_is_written_at_once() {
    let (f, out) = file();
    let path = f.path().to_owned();
    on_a_thread(move || {
        park();
        let line = [b'x'; 1023]
            .iter()
            .chain(b"\n")
            .copied()
            .collect::<Vec<u8>>();
        for _ in 0..BATCH_BYTES / line.len() - 1 {
            append(&out, &line, false);
        }
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
        append(&out, &line, false);
        assert_eq!(std::fs::metadata(&path).unwrap().len(), BATCH_BYTES as u64);
    });
}

#[test]
fn a_line_older_than_the_delay_goes_out_with_the_next() {
    let (f, out) = file();
    let path = f.path().to_owned();
    on_a_thread(move || {
        park();
        append(&out, b"first\n", false);
        // Not a timing check: past the delay for certain, whatever the machine's speed.
        std::thread::sleep(MAX_DELAY + Duration::from_millis(10));
        append(&out, b"second\n", false);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "first\nsecond\n");
    });
}

#[test]
fn the_thread_ending_writes_what_is_left() {
    let (f, out) = file();
    on_a_thread(move || {
        park();
        append(&out, b"last words\n", false);
    });
    assert_eq!(text(&f), "last words\n");
}

#[test]
fn a_batch_that_cannot_be_written_is_dropped_without_a_fuss() {
    // /dev/full fails every write: the lines are lost (and counted), nothing panics, and
    // the thread goes on batching.
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return;
    };
    let full = Arc::new(full);
    let (f, out) = file();
    on_a_thread(move || {
        park();
        assert!(append(&full, b"lost\n", false));
        park();
        assert!(append(&out, b"kept\n", false));
        park();
    });
    assert_eq!(text(&f), "kept\n");
}
