//! What `ferrule init` reads from the two layouts: the route's name, the return-code
//! field and what its values mean, the transaction-code field, fields named on the
//! command line, and an example request body for the closing curl line.
//!
//! Guesses only: every one is written into the file with a comment, so the user sees
//! what was inferred and can change it.

use ferrule_parsers::layout::{
    ConditionValue, DataType, Field, FieldKind, Layout, Literal, NumericPic,
};
use serde_json::{Map, Value};

/// An elementary, non-repeating field, with its dotted JSON path (what `set`, `status`
/// and `omit` name).
pub struct Leaf<'l> {
    pub path: String,
    pub field: &'l Field,
}

/// Every elementary field a route may name: not FILLER, not in an OCCURS table, not in
/// a REDEFINES alternative (the decoder shows the first definition only by default).
pub fn leaves(layout: &Layout) -> Vec<Leaf<'_>> {
    fn go<'l>(f: &'l Field, prefix: &str, out: &mut Vec<Leaf<'l>>) {
        for c in f.children() {
            if c.is_filler() || c.occurs.is_some() || c.redefines.is_some() {
                continue;
            }
            let path = if prefix.is_empty() {
                c.json_name.clone()
            } else {
                format!("{prefix}.{}", c.json_name)
            };
            match &c.kind {
                FieldKind::Group(_) => go(c, &path, out),
                FieldKind::Item(_) => out.push(Leaf { path, field: c }),
            }
        }
    }
    let mut out = Vec::new();
    go(&layout.root, "", &mut out);
    out
}

/// The route and backend name: the record's 01 name (or the file stem) in lower case,
/// without a request suffix (`VEHENQ-REQ` -> `vehenq`).
pub fn route_name(record: &str, file_stem: &str) -> String {
    let raw = if record.trim().is_empty() {
        file_stem
    } else {
        record
    };
    let mut name: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    for suffix in ["-request", "-req", "-rq", "-in", "-input"] {
        if let Some(stem) = name.strip_suffix(suffix) {
            if !stem.trim_matches('-').is_empty() {
                name = stem.to_string();
                break;
            }
        }
    }
    let name = name
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if name.is_empty() {
        "host".into()
    } else {
        name
    }
}

/// True for names hosts give a return code: `return_code`, `ret_code`, `retcode`, `rc`,
/// `status_code`, `resp_code`, and `*_return_code`, `*_ret_code`, `*_rc`.
pub fn is_return_code_name(json_name: &str) -> bool {
    let n = json_name.to_ascii_lowercase();
    matches!(
        n.as_str(),
        "return_code" | "ret_code" | "retcode" | "rc" | "status_code" | "resp_code"
    ) || ["_return_code", "_ret_code", "_rc"]
        .iter()
        .any(|s| n.ends_with(s))
}

/// An integer (numeric, no decimals) or short text (at most 4 bytes) item: the shapes
/// a return code takes. A longer text or a decimal is more likely a message or amount.
fn code_shaped(f: &Field) -> bool {
    let int = |p: &NumericPic| p.scale == 0;
    match &f.kind {
        FieldKind::Item(DataType::Alphanumeric { len }) => *len <= 4,
        FieldKind::Item(
            DataType::Zoned { pic, .. } | DataType::Packed { pic } | DataType::Binary { pic, .. },
        ) => int(pic),
        _ => false,
    }
}

/// The response's return-code field: the first leaf with a return-code name and shape.
pub fn return_code(layout: &Layout) -> Option<Leaf<'_>> {
    leaves(layout)
        .into_iter()
        .find(|l| is_return_code_name(&l.field.json_name) && code_shaped(l.field))
}

/// A literal's text as a status map key (`'04'` -> `04`, `ZERO` -> `0`).
fn literal_key(l: &Literal) -> Option<String> {
    match l {
        Literal::Number(n) => Some(n.trim().to_string()),
        Literal::Text(t) => Some(t.trim().to_string()).filter(|t| !t.is_empty()),
        Literal::Zeros => Some("0".into()),
        _ => None,
    }
}

/// The HTTP status a level-88 condition name suggests: `NOT-FOUND`, `NO-RECORD` -> 404,
/// `INVALID`, `BAD-REQUEST` -> 400, `OK`, `SUCCESS`, `FOUND`, `NORMAL` -> 200.
pub fn status_for_condition(name: &str) -> Option<u16> {
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper.split(['-', '_']).collect();
    let pair = |a: &str, bs: &[&str]| words.windows(2).any(|w| w[0] == a && bs.contains(&w[1]));
    let has = |ws: &[&str]| words.iter().any(|w| ws.contains(w));
    if has(&["NOTFOUND", "NOTFND", "NOREC"])
        || pair("NOT", &["FOUND", "FND"])
        || pair("NO", &["RECORD", "REC", "DATA", "TRACE", "MATCH", "ROW"])
    {
        Some(404)
    } else if has(&["INVALID"]) || pair("BAD", &["REQUEST", "REQ"]) {
        Some(400)
    } else if has(&["OK", "SUCCESS", "SUCCESSFUL", "FOUND", "NORMAL"]) {
        Some(200)
    } else {
        None
    }
}

/// Status map entries from the return code's level-88 names (single values only).
pub fn condition_statuses(f: &Field) -> Vec<(String, u16, String)> {
    let mut out = Vec::new();
    for c in &f.conditions {
        let Some(status) = status_for_condition(&c.name) else {
            continue;
        };
        for v in &c.values {
            if let ConditionValue::One(l) = v {
                if let Some(k) = literal_key(l) {
                    out.push((k, status, c.name.clone()));
                }
            }
        }
    }
    out
}

/// True for names of a transaction-code field (`tran_code`, `transaction_code`, ...).
pub fn is_tran_code_name(json_name: &str) -> bool {
    let n = json_name.to_ascii_lowercase();
    matches!(
        n.as_str(),
        "tran_code" | "trans_code" | "transaction_code" | "trancode" | "tran_id" | "trn_code"
    ) || n.ends_with("_tran_code")
        || n.ends_with("_transaction_code")
}

/// The request's transaction-code field, if it has one.
pub fn tran_code(layout: &Layout) -> Option<Leaf<'_>> {
    leaves(layout)
        .into_iter()
        .find(|l| is_tran_code_name(&l.field.json_name))
}

/// The leaf a user named: its dotted JSON path, its JSON name or its COBOL name
/// (any case). An error says why not, listing what could be named.
pub fn find_leaf<'l>(layout: &'l Layout, name: &str) -> Result<Leaf<'l>, String> {
    let all = leaves(layout);
    let wanted = ferrule_parsers::layout::json_name(name.trim());
    let hits: Vec<usize> = all
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            l.path == name || l.field.json_name == wanted || l.field.name.eq_ignore_ascii_case(name)
        })
        .map(|(i, _)| i)
        .collect();
    // An exact dotted path settles an ambiguity between same-named fields.
    let exact = hits.iter().copied().find(|&i| all[i].path == name);
    let index = match (exact, hits.as_slice()) {
        (Some(i), _) | (None, &[i]) => i,
        (None, []) => {
            let names: Vec<&str> = all.iter().map(|l| l.path.as_str()).collect();
            return Err(format!(
                "no elementary, non-repeating field `{name}` in record {} (fields: {})",
                layout.name,
                names.join(", ")
            ));
        }
        (None, many) => {
            let paths: Vec<&str> = many.iter().map(|&i| all[i].path.as_str()).collect();
            return Err(format!(
                "`{name}` is ambiguous in record {}: name one of {}",
                layout.name,
                paths.join(", ")
            ));
        }
    };
    all.into_iter()
        .nth(index)
        .ok_or_else(|| format!("no field `{name}`"))
}

/// An example request body: each field the client would send, text `""` and numbers `0`
/// (or a level-88 value), at most `budget` fields. Fields in `skip` (filled by `set`)
/// and fields with a VALUE clause (the encoder fills them) are left out. Fields in
/// `fill` (dotted path, value: what `--example` gave) take that value, and are shown
/// whatever the budget and VALUE clause. The flag says whether fields were left out
/// for the budget.
pub fn body_example(
    layout: &Layout,
    skip: &[String],
    fill: &[(String, String)],
    budget: usize,
) -> (Value, bool) {
    struct Walk<'s> {
        skip: &'s [String],
        fill: &'s [(String, String)],
        left: usize,
        cut: bool,
    }
    impl Walk<'_> {
        fn filled(&self, path: &str) -> Option<&str> {
            self.fill
                .iter()
                .find(|(p, _)| p == path)
                .map(|(_, v)| v.as_str())
        }
        /// A filled field is `path` or lies under it.
        fn fills_under(&self, path: &str) -> bool {
            self.fill.iter().any(|(p, _)| {
                p == path
                    || p.strip_prefix(path)
                        .is_some_and(|rest| rest.starts_with('.'))
            })
        }
    }
    fn numeric(dt: &DataType) -> bool {
        !matches!(
            dt,
            DataType::Alphanumeric { .. } | DataType::National { .. }
        )
    }
    /// The text a user gave: a JSON number for a numeric field when it reads as one.
    fn given(v: &str, dt: &DataType) -> Value {
        if numeric(dt) {
            // `07` is how a PIC 9(2) value is often written, and no JSON number.
            let t = v.trim();
            let (sign, digits) = t.strip_prefix('-').map_or(("", t), |d| ("-", d));
            let lead = digits.trim_start_matches('0');
            let lead = if lead.is_empty() || lead.starts_with('.') {
                format!("0{lead}")
            } else {
                lead.to_string()
            };
            if let Ok(n @ Value::Number(_)) =
                serde_json::from_str::<Value>(&format!("{sign}{lead}"))
            {
                return n;
            }
        }
        Value::String(v.to_string())
    }
    fn example_leaf(f: &Field, dt: &DataType) -> Value {
        let first = f.conditions.iter().find_map(|c| match c.values.first() {
            Some(ConditionValue::One(l)) => literal_key(l),
            _ => None,
        });
        match (first, numeric(dt)) {
            (Some(v), true) => serde_json::from_str::<Value>(&v).unwrap_or(Value::String(v)),
            (Some(v), false) => Value::String(v),
            (None, true) => Value::from(0),
            (None, false) => Value::String(String::new()),
        }
    }
    fn go(f: &Field, prefix: &str, w: &mut Walk) -> Map<String, Value> {
        let mut obj = Map::new();
        for c in f.children() {
            if c.is_filler() || c.redefines.is_some() {
                continue;
            }
            let path = if prefix.is_empty() {
                c.json_name.clone()
            } else {
                format!("{prefix}.{}", c.json_name)
            };
            let wanted = w.fills_under(&path);
            if !wanted && (c.value.is_some() || w.skip.contains(&path)) {
                continue;
            }
            if w.left == 0 && !wanted {
                // Past the budget only what `fill` names is shown.
                w.cut = true;
                continue;
            }
            let one = match &c.kind {
                FieldKind::Item(dt) => {
                    w.left = w.left.saturating_sub(1);
                    match w.filled(&path) {
                        Some(v) => given(v, dt),
                        None => example_leaf(c, dt),
                    }
                }
                FieldKind::Group(_) => {
                    let inner = go(c, &path, w);
                    if inner.is_empty() {
                        continue;
                    }
                    Value::Object(inner)
                }
            };
            let v = match &c.occurs {
                // A variable table may be empty: the simplest valid example.
                Some(o) if o.depending_on.is_some() => Value::Array(Vec::new()),
                Some(_) => Value::Array(vec![one]),
                None => one,
            };
            obj.insert(c.json_name.clone(), v);
        }
        obj
    }
    let mut w = Walk {
        skip,
        fill,
        left: budget,
        cut: false,
    };
    let obj = go(&layout.root, "", &mut w);
    (Value::Object(obj), w.cut)
}

/// A field's VALUE clause as text a request could carry (`'AB12CDE'` -> `AB12CDE`),
/// when it is a plain number or non-blank text.
pub fn value_text(f: &Field) -> Option<String> {
    f.value.as_ref().and_then(literal_key)
}

/// The field to name when no value for the example call is known: the first text
/// field the body would carry that is not the transaction code, else the first field.
pub fn field_to_fill(layout: &Layout, skip: &[String]) -> Option<String> {
    let open: Vec<Leaf> = leaves(layout)
        .into_iter()
        .filter(|l| l.field.value.is_none() && !skip.contains(&l.path))
        .collect();
    let text = |l: &&Leaf| {
        matches!(
            &l.field.kind,
            FieldKind::Item(DataType::Alphanumeric { .. } | DataType::National { .. })
        )
    };
    open.iter()
        .filter(text)
        .find(|l| !is_tran_code_name(&l.field.json_name))
        .or_else(|| open.first())
        .map(|l| l.path.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferrule_parsers::copybook::{parse, ParseOptions};

    fn layout(src: &str) -> Layout {
        parse(src, &ParseOptions::default()).unwrap()
    }

    #[test]
    fn return_code_names() {
        // The documented names and suffixes match, in any case.
        for n in [
            "return_code",
            "RET_CODE",
            "rc",
            "status_code",
            "cics_return_code",
            "ws_rc",
        ] {
            assert!(is_return_code_name(n), "{n}");
        }
        // Words that merely contain the letters do not.
        for n in ["src", "record_count", "return_text", "code", "rcx"] {
            assert!(!is_return_code_name(n), "{n}");
        }
    }

    #[test]
    fn return_code_picks_first_code_shaped_field() {
        // A long text RC (a message) and a decimal RC are skipped; the PIC 9(2) one wins,
        // found inside a group by its dotted path.
        let l = layout(
            "       01 RSP.
          05 MSG-RC      PIC X(40).
          05 AMT-RC      PIC 9(5)V99.
          05 HDR.
             10 RETURN-CODE PIC 9(2).
          05 STATUS-CODE PIC X(2).\n",
        );
        let rc = return_code(&l).unwrap();
        assert_eq!(rc.path, "hdr.return_code");
    }

    #[test]
    fn return_code_absent_or_repeating() {
        // No return-code name at all: none.
        let l = layout("       01 RSP.\n          05 NAME PIC X(10).\n");
        assert!(return_code(&l).is_none());
        // An RC inside an OCCURS table cannot be a route's status field.
        let l =
            layout("       01 RSP.\n          05 T OCCURS 2 TIMES.\n             10 RC PIC 99.\n");
        assert!(return_code(&l).is_none());
        // A short text RC (PIC XX) qualifies.
        let l = layout("       01 RSP.\n          05 RC PIC XX.\n");
        assert_eq!(return_code(&l).unwrap().path, "rc");
    }

    #[test]
    fn conditions_suggest_statuses() {
        // 88 names on the return code become map entries; unknown names are skipped.
        let l = layout(
            "       01 RSP.
          05 RETURN-CODE PIC 99.
             88 RC-OK        VALUE 0.
             88 RC-NOT-FOUND VALUE 4.
             88 RC-INVALID   VALUE 8 12.
             88 RC-ABEND     VALUE 16.\n",
        );
        let rc = return_code(&l).unwrap();
        let got: Vec<(String, u16)> = condition_statuses(rc.field)
            .into_iter()
            .map(|(k, s, _)| (k, s))
            .collect();
        assert_eq!(
            got,
            vec![
                ("0".into(), 200),
                ("4".into(), 404),
                ("8".into(), 400),
                ("12".into(), 400)
            ]
        );
        // NOT-FOUND is 404 even though it contains FOUND.
        assert_eq!(status_for_condition("VEH-NOT-FOUND"), Some(404));
        assert_eq!(status_for_condition("NO-RECORD"), Some(404));
        assert_eq!(status_for_condition("FOUND"), Some(200));
        assert_eq!(status_for_condition("BROKEN"), None);
    }

    #[test]
    fn route_names() {
        // The 01 name without its request suffix, in lower case.
        assert_eq!(route_name("VEHENQ-REQ", "x"), "vehenq");
        assert_eq!(route_name("CUST-INQ-REQUEST", "x"), "cust-inq");
        // No record name: the file stem, cleaned.
        assert_eq!(route_name("", "My Copybook"), "my-copybook");
        // A name that is only the suffix keeps it rather than becoming empty.
        assert_eq!(route_name("REQ", "x"), "req");
        // Nothing usable at all.
        assert_eq!(route_name("", "--"), "host");
    }

    #[test]
    fn tran_code_found_with_or_without_value() {
        let l = layout(
            "       01 REQ.\n          05 TRAN-CODE PIC X(4) VALUE 'VEHQ'.\n          05 VRM PIC X(8).\n",
        );
        let t = tran_code(&l).unwrap();
        assert_eq!(t.path, "tran_code");
        assert!(t.field.value.is_some());
        let l = layout("       01 REQ.\n          05 VRM PIC X(8).\n");
        assert!(tran_code(&l).is_none());
    }

    #[test]
    fn fields_found_by_any_name() {
        let l = layout(
            "       01 REQ.
          05 A.
             10 KEY-NO PIC 9(6).
          05 B.
             10 KEY-NO PIC 9(6).
          05 VRM PIC X(8).
          05 T OCCURS 2.
             10 X PIC X.\n",
        );
        // COBOL name, JSON name and dotted path all work.
        assert_eq!(find_leaf(&l, "VRM").unwrap().path, "vrm");
        assert_eq!(find_leaf(&l, "vrm").unwrap().path, "vrm");
        assert_eq!(find_leaf(&l, "b.key_no").unwrap().path, "b.key_no");
        // A name two groups share is ambiguous, and the error lists both paths.
        let e = find_leaf(&l, "KEY-NO").err().unwrap();
        assert!(e.contains("a.key_no, b.key_no"), "{e}");
        // A field in a table, or none at all, is not found; the error lists the choices.
        let e = find_leaf(&l, "x").err().unwrap();
        assert!(e.contains("no elementary") && e.contains("vrm"), "{e}");
    }

    #[test]
    fn body_examples() {
        let l = layout(
            "       01 REQ.
          05 TRAN-CODE PIC X(4) VALUE 'VEHQ'.
          05 VRM PIC X(8).
          05 FORCE PIC 9(2).
          05 KIND PIC X.
             88 KIND-CAR VALUE 'C'.
          05 FILLER PIC X(10).
          05 LINES OCCURS 2.
             10 L PIC X(3).\n",
        );
        // VALUE fields and FILLER are left out; 88 values are used; tables get one row.
        let (v, cut) = body_example(&l, &[], &[], 10);
        assert_eq!(
            v,
            serde_json::json!({"vrm": "", "force": 0, "kind": "C", "lines": [{"l": ""}]})
        );
        assert!(!cut);
        // Fields filled by `set` are skipped, and a small budget cuts the example short.
        let (v, cut) = body_example(&l, &["vrm".into()], &[], 1);
        assert_eq!(v, serde_json::json!({"force": 0}));
        assert!(cut);
        // Given values fill their fields, numbers as numbers, past the budget and over a
        // VALUE clause too; text that is no number stays text (the gateway says why).
        let fill = [
            ("vrm".to_string(), "AB12CDE".to_string()),
            ("tran_code".to_string(), "VEHX".to_string()),
            ("kind".to_string(), "T".to_string()),
            ("force".to_string(), "x1".to_string()),
        ];
        let (v, cut) = body_example(&l, &[], &fill, 1);
        assert_eq!(
            v,
            serde_json::json!({"tran_code": "VEHX", "vrm": "AB12CDE", "force": "x1", "kind": "T"})
        );
        assert!(cut);
        let fill = [("force".to_string(), "07".to_string())];
        let (v, _) = body_example(&l, &[], &fill, 10);
        assert_eq!(v["force"], serde_json::json!(7));
    }

    #[test]
    fn fields_to_fill_and_values() {
        let l = layout(
            "       01 REQ.
          05 TRAN-CODE PIC X(4).
          05 FORCE PIC 9(2).
          05 VRM PIC X(8) VALUE 'AB12CDE'.
          05 USER-ID PIC X(8).\n",
        );
        // Not the transaction code, not a field with a VALUE clause, not a set one.
        assert_eq!(field_to_fill(&l, &[]).as_deref(), Some("user_id"));
        // Only numbers left: the first one.
        let skip = ["user_id".to_string(), "tran_code".to_string()];
        assert_eq!(field_to_fill(&l, &skip).as_deref(), Some("force"));
        let all = [
            "user_id".to_string(),
            "tran_code".to_string(),
            "force".to_string(),
        ];
        assert_eq!(field_to_fill(&l, &all), None);
        let vrm = find_leaf(&l, "vrm").unwrap();
        assert_eq!(value_text(vrm.field).as_deref(), Some("AB12CDE"));
        assert_eq!(value_text(find_leaf(&l, "force").unwrap().field), None);
    }
}
