//! Round trips for every framing: records -> RecordWriter -> bytes -> RecordReader (fed in
//! small random chunks, to cross every buffer boundary) -> the same records.
#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

use std::io::Read;

use ferrule_parsers::framing::{Framing, RecordReader, RecordWriter};
use proptest::prelude::*;

/// Hands out data in the given chunk sizes, cycled.
struct Chunked<'a> {
    data: &'a [u8],
    sizes: Vec<usize>,
    next: usize,
}

impl Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let size = self.sizes[self.next % self.sizes.len()];
        self.next += 1;
        let n = size.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fn round_trip(framing: Framing, records: &[Vec<u8>], sizes: Vec<usize>, initial_buffer: usize) {
    let mut w = RecordWriter::new(Vec::new(), framing);
    for r in records {
        w.write_record(r).unwrap();
    }
    let bytes = w.finish().unwrap();
    let input = Chunked {
        data: &bytes,
        sizes,
        next: 0,
    };
    let mut r = RecordReader::new(input, framing).with_initial_buffer(initial_buffer);
    let mut back = Vec::new();
    while let Some(rec) = r.next_record().unwrap() {
        back.push(rec.to_vec());
    }
    assert_eq!(&back, records, "{framing}");
    assert_eq!(r.bytes_read(), bytes.len() as u64);
}

fn sizes() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(1usize..=17, 1..8)
}

fn records(max_len: usize) -> impl Strategy<Value = Vec<Vec<u8>>> {
    prop::collection::vec(prop::collection::vec(any::<u8>(), 0..max_len), 0..20)
}

const RDW_NAMES: &[&str] = &[
    "rdw",
    "rdw-le",
    "rdw-excl",
    "rdw-le-excl",
    "bdw",
    "bdw-le",
    "bdw-excl",
    "bdw-le-excl",
];

proptest! {
    #[test]
    fn fixed(len in 1usize..40, seeds in prop::collection::vec(any::<u8>(), 0..20),
             sizes in sizes(), buf in 1usize..100) {
        // Records of one length, each filled from a seed byte.
        let records: Vec<Vec<u8>> = seeds.iter().map(|&s| (0..len).map(|i| s.wrapping_add(i as u8)).collect()).collect();
        round_trip(Framing::Fixed { len }, &records, sizes, buf);
    }

    #[test]
    fn rdw_all_variants(which in 0..RDW_NAMES.len(), records in records(300),
                        sizes in sizes(), buf in 1usize..100) {
        round_trip(Framing::parse(RDW_NAMES[which]).unwrap(), &records, sizes, buf);
    }

    #[test]
    fn bdw_multiple_blocks(records in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..12000), 1..8),
                           sizes in prop::collection::vec(1usize..5000, 1..8)) {
        // Large records: the writer must split blocks at 32760 bytes.
        round_trip(Framing::parse("bdw").unwrap(), &records, sizes, 64 * 1024);
    }

    #[test]
    fn len2_and_len4(four in any::<bool>(), records in records(300), sizes in sizes(), buf in 1usize..100) {
        let framing = if four { Framing::Len4 } else { Framing::Len2 };
        round_trip(framing, &records, sizes, buf);
    }

    #[test]
    fn lines(ebcdic in any::<bool>(), records in records(100), sizes in sizes(), buf in 1usize..100) {
        // Terminators cannot be inside a line; CRs anywhere (even last) must survive.
        let (framing, term) = if ebcdic { (Framing::LinesEbcdic, 0x15) } else { (Framing::Lines, b'\n') };
        let records: Vec<Vec<u8>> = records
            .into_iter()
            .map(|r| r.into_iter().map(|b| if b == term { b'\r' } else { b }).collect())
            .collect();
        round_trip(framing, &records, sizes, buf);
    }

    #[test]
    fn measured(records in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..30), 0..20),
                sizes in sizes(), buf in 1usize..100) {
        // Each record is a count byte and that many bytes, written as is and measured back.
        let records: Vec<Vec<u8>> = records
            .into_iter()
            .map(|mut r| { r.insert(0, r.len() as u8); r })
            .collect();
        let mut w = RecordWriter::new(Vec::new(), Framing::Fixed { len: 0 });
        for r in &records {
            w.write_record(r).unwrap();
        }
        let bytes = w.finish().unwrap();
        let input = Chunked { data: &bytes, sizes, next: 0 };
        let mut r = RecordReader::new(input, Framing::Fixed { len: 0 }).with_initial_buffer(buf);
        let mut back = Vec::new();
        while let Some(rec) = r
            .next_measured(40, |b| Ok::<_, ()>(1 + usize::from(b[0])))
            .unwrap()
        {
            back.push(rec.to_vec());
        }
        prop_assert_eq!(back, records);
    }

    #[test]
    fn fuzz_property_on_random_input(data in prop::collection::vec(any::<u8>(), 0..400)) {
        // The fuzz target's property, on arbitrary bytes.
        ferrule_parsers::framing::fuzz_check(&data);
    }
}
