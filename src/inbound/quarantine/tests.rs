use super::*;

fn lines(p: &Path) -> usize {
    std::fs::read_to_string(p).map_or(0, |t| t.lines().count())
}

#[test]
fn full_files_move_to_dot_one_and_the_newest_records_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.bin");
    // Each record is 10 bytes plus a 4-byte length: two fit in 30 bytes, a third does not.
    let q = Quarantine::open(&path, Framing::Len4, 30).unwrap();
    for i in 0..5u8 {
        q.keep("legacy", "127.0.0.1:1", &[b'0' + i; 10], "bad");
    }
    let raw = std::fs::read(&path).unwrap();
    let old = std::fs::read(dir.path().join("bad.bin.1")).unwrap();
    // Records 0-1 went with the first rotation (replaced by the second); 2-3 are in .1,
    // 4 in the live file, each with its report line beside it.
    assert_eq!(old.len(), 28);
    assert_eq!(&old[4..14], b"2222222222");
    assert_eq!(&old[18..28], b"3333333333");
    assert_eq!(raw, [&[0, 0, 0, 10][..], b"4444444444"].concat());
    assert_eq!(lines(&dir.path().join("bad.bin.errors.jsonl")), 1);
    assert_eq!(lines(&dir.path().join("bad.bin.errors.jsonl.1")), 2);
}

#[test]
fn an_existing_file_counts_and_a_record_larger_than_the_limit_is_still_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.bin");
    std::fs::write(&path, [7u8; 25]).unwrap();
    let q = Quarantine::open(&path, Framing::Len4, 30).unwrap();
    // 25 bytes already there: the next record rotates them out first.
    q.keep("legacy", "peer", b"abc", "bad");
    assert_eq!(
        std::fs::read(dir.path().join("bad.bin.1")).unwrap(),
        [7u8; 25]
    );
    // Larger than the limit on its own: written to a fresh file, never dropped.
    q.keep("legacy", "peer", &[1u8; 40], "bad");
    assert_eq!(std::fs::read(&path).unwrap().len(), 44);
}
