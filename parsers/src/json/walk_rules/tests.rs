use super::*;
use crate::layout::Occurs;

fn occurs(min: usize, max: usize) -> Occurs {
    Occurs {
        min,
        max,
        depending_on: None,
    }
}

#[test]
fn odo_count_in_range_out_of_range_and_unread() {
    let mut slots = Slots::new(vec!["N".into()]);
    let mut path = vec![Seg::Name("rec")];
    // Counter never read: the error names the counter, at the table's path.
    let e = slots
        .odo_count(0, &occurs(0, 5), &mut path, "items", 7)
        .unwrap_err();
    assert_eq!(e.path, "rec.items");
    assert_eq!(e.offset, 7);
    assert!(matches!(e.kind, RecordErrorKind::OdoCounterUnread(ref n) if n == "N"));
    // The path is left as it was.
    assert_eq!(path, vec![Seg::Name("rec")]);
    slots.set(0, Slot::Count(3));
    assert_eq!(
        slots
            .odo_count(0, &occurs(0, 5), &mut path, "items", 7)
            .ok(),
        Some(3)
    );
    // Beyond the OCCURS range: refused with the range.
    slots.set(0, Slot::Count(6));
    let e = slots
        .odo_count(0, &occurs(1, 5), &mut path, "items", 7)
        .unwrap_err();
    assert!(matches!(
        e.kind,
        RecordErrorKind::OdoRange {
            count: 6,
            min: 1,
            max: 5
        }
    ));
    // A new record forgets the count.
    slots.reset();
    assert!(slots
        .odo_count(0, &occurs(0, 5), &mut path, "items", 7)
        .is_err());
    // A slot that does not exist is unread, not a panic.
    assert!(slots
        .odo_count(9, &occurs(0, 5), &mut path, "items", 7)
        .is_err());
}

#[test]
fn selected_picks_the_match_or_the_fallback() {
    // One REDEFINES set of three members: 0 without a selector, 1 for "A", 2 for "B".
    let a = vec!["A".to_string()];
    let b = vec!["B".to_string()];
    let sel = |j: usize| match j {
        1 => Some((0, a.as_slice())),
        2 => Some((0, b.as_slice())),
        _ => None,
    };
    let mut slots = Slots::new(vec!["KIND".into()]);
    slots.set(0, Slot::Text("B".into()));
    let picked: Vec<bool> = (0..3)
        .map(|i| slots.selected(3, i, |_| 0, sel, false))
        .collect();
    assert_eq!(picked, [false, false, true]);
    // No selector matches: the member without one (the set's first) is the fallback.
    slots.set(0, Slot::Text("Z".into()));
    let picked: Vec<bool> = (0..3)
        .map(|i| slots.selected(3, i, |_| 0, sel, false))
        .collect();
    assert_eq!(picked, [true, false, false]);
    // A count is not text: nothing matches.
    slots.set(0, Slot::Count(1));
    assert!(!slots.matches(Some((0, a.as_slice()))));
    // A member index past the group: not selected.
    assert!(!slots.selected(3, 5, |_| 0, sel, false));
}

#[test]
fn cut_text_only_for_text() {
    let x = DataType::Alphanumeric { len: 4 };
    // Part of a text item is what the record holds; nothing of it is no value.
    assert_eq!(cut_text(&x, b"AB"), Some(&b"AB"[..]));
    assert_eq!(cut_text(&x, b""), None);
    // National text keeps whole code units only.
    let n = DataType::National { chars: 2 };
    assert_eq!(cut_text(&n, b"\x00A\x00"), Some(&b"\x00A"[..]));
    assert_eq!(cut_text(&n, b"\x00"), None);
}

#[test]
fn table_shift_and_padding() {
    // 2 of 5 elements of 10 bytes: what follows moves up 30 bytes.
    assert_eq!(table_shift(2, 5, 10, 0), -30);
    // Each element 3 bytes short (a nested ODO table): 2 * 7 - 50.
    assert_eq!(table_shift(2, 5, 10, -3), -36);
    assert_eq!(trim_padding(b"AB  ", b' ', false), b"AB");
    assert_eq!(trim_padding(b"  AB", b' ', true), b"AB");
    assert_eq!(trim_padding(b"    ", b' ', false), b"");
    assert_eq!(utf16_units(b"\x00A\x00B\x00"), vec![0x41, 0x42]);
}

#[test]
fn table_counts_room_absence_and_bad_counters() {
    let occ = occurs(0, 5);
    let at = |odo_slot, present| TableAt {
        occurs: &occ,
        odo_slot,
        name: "items",
        size: 10,
        start: 4,
        present,
    };
    let mut path = Vec::new();
    let mut slots = Slots::new(vec!["N".into()]);
    let fail = FieldErrorMode::Fail;
    // A fixed table: every element, at full room.
    let t = slots.table(&at(None, true), false, fail, &mut path);
    assert!(matches!(t, Ok(Table::Elements { count: 5, room: 5 })));
    // An ODO table of 2: its room shrinks, unless tables are stored at their maximum.
    slots.set(0, Slot::Count(2));
    let t = slots.table(&at(Some(0), true), false, fail, &mut path);
    assert!(matches!(t, Ok(Table::Elements { count: 2, room: 2 })));
    let t = slots.table(&at(Some(0), true), true, fail, &mut path);
    assert!(matches!(t, Ok(Table::Elements { count: 2, room: 5 })));
    // Past the end of a short record: absent, what follows moves by the missing room.
    let t = slots.table(&at(Some(0), false), false, fail, &mut path);
    assert!(matches!(t, Ok(Table::Absent { shift: -30 })));
    // ... but an empty ODO table there is present (and empty).
    slots.set(0, Slot::Count(0));
    let t = slots.table(&at(Some(0), false), false, fail, &mut path);
    assert!(matches!(t, Ok(Table::Elements { count: 0, room: 0 })));
    // A bad counter fails the record, or (stored at maximum, nulls wanted) nulls the table.
    slots.set(0, Slot::Count(9));
    assert!(slots
        .table(&at(Some(0), true), false, FieldErrorMode::Null, &mut path)
        .is_err());
    let t = slots.table(&at(Some(0), true), true, FieldErrorMode::Null, &mut path);
    assert!(matches!(t, Ok(Table::BadCounter(ref e)) if e.path == "items"));
    assert!(slots
        .table(&at(Some(0), true), true, fail, &mut path)
        .is_err());
}

#[test]
fn trim_trailing_word_edges() {
    // Pads inside a word, a whole word of them, none, only pads, short fields.
    for (bytes, want) in [
        (&b"ABCDEFGHIJ   "[..], &b"ABCDEFGHIJ"[..]),
        (b"AB              ", b"AB"),
        (b"ABCDEFGH", b"ABCDEFGH"),
        (b"                 ", b""),
        (b"A B  ", b"A B"),
        (b"", b""),
    ] {
        assert_eq!(trim_trailing(bytes, b' '), want);
    }
}

proptest::proptest! {
    #[test]
    fn trim_trailing_agrees_with_trim_padding(bytes in proptest::collection::vec(
        proptest::prop_oneof![3 => proptest::strategy::Just(0x40u8), 1 => proptest::prelude::any::<u8>()],
        0..40,
    )) {
        // The word-at-a-time trim cuts exactly what the byte loop cuts.
        proptest::prop_assert_eq!(trim_trailing(&bytes, 0x40), trim_padding(&bytes, 0x40, false));
    }
}
