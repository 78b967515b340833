//! Round trips through the public code page API: for every single-byte EBCDIC page (and
//! true latin1), any bytes decode and encode back to themselves, and any text the page
//! can hold encodes and decodes back to itself.
#![allow(clippy::unwrap_used)]

use ferrule_parsers::codepage::CodePage;
use proptest::prelude::*;

fn ebcdic_pages() -> Vec<CodePage> {
    CodePage::names()
        .iter()
        .filter_map(|n| CodePage::by_name(n))
        .filter(|p| p.is_ebcdic() && p.is_single_byte())
        .collect()
}

proptest! {
    #[test]
    fn ebcdic_bytes_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let pages = ebcdic_pages();
        prop_assert_eq!(pages.len(), 21);
        for page in pages {
            let text = page.decode(&bytes).unwrap();
            prop_assert_eq!(page.encode(&text).unwrap(), bytes.clone(), "{}", page.name());
        }
    }

    #[test]
    fn latin1_bytes_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let page = CodePage::by_name("latin1").unwrap();
        let text = page.decode(&bytes).unwrap();
        prop_assert_eq!(text.chars().count(), bytes.len());
        prop_assert_eq!(page.encode(&text).unwrap(), bytes);
    }

    #[test]
    fn utf8_text_round_trips(text in ".{0,60}") {
        let page = CodePage::by_name("utf-8").unwrap();
        let bytes = page.encode(&text).unwrap();
        prop_assert_eq!(page.decode(&bytes).unwrap(), text);
    }

    #[test]
    fn decode_errors_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        // Arbitrary bytes in multi-byte and holey pages: Ok or a typed error, and the
        // error offset always points inside the input.
        for name in ["utf-8", "shift_jis", "euc-jp", "gbk", "big5", "ascii", "windows-1253"] {
            let page = CodePage::by_name(name).unwrap();
            match page.decode(&bytes) {
                Ok(_) => {}
                Err(ferrule_parsers::codepage::CodePageError::Malformed { offset, .. })
                | Err(ferrule_parsers::codepage::CodePageError::Unmappable { offset, .. }) => {
                    prop_assert!(offset < bytes.len(), "{} offset {}", name, offset);
                }
                Err(e) => prop_assert!(false, "{}: unexpected {}", name, e),
            }
        }
    }
}
