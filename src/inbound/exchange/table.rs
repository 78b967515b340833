//! A response table (OCCURS) filled from an array in the API's answer.

use serde_json::{Map, Value};

use super::fit;
use crate::inbound::spec::TableFill;
use crate::inbound::text::{pick, set_path};
use ferrule_parsers::layout::Layout;

/// Puts the array at `t.from` into the table at `field` of `rec`, element by element,
/// and its length into `t.count`. An absent or null array leaves the table empty; more
/// elements than the table holds are refused unless `t.truncate`.
pub(super) fn fill(
    layout: &Layout,
    rec: &mut Map<String, Value>,
    field: &[String],
    t: &TableFill,
    answer: &Value,
) -> Result<(), String> {
    let items = match pick(answer, &t.from) {
        None | Some(Value::Null) => &[][..],
        Some(Value::Array(a)) => a.as_slice(),
        Some(_) => return Err(format!("`{}` in the answer is not an array", t.from_text)),
    };
    if items.len() > t.max && !t.truncate {
        return Err(format!(
            "{} elements at `{}`: the table `{}` holds {}",
            items.len(),
            t.from_text,
            field.join("."),
            t.max
        ));
    }
    let placed = items.get(..t.max).unwrap_or(items);
    let elements = placed
        .iter()
        .map(|e| element(layout, field, t, e))
        .collect();
    set_path(rec, field, Value::Array(elements));
    if let Some(c) = &t.count {
        set_path(rec, c, fit(layout, c, Value::from(placed.len())));
    }
    Ok(())
}

/// One array element as the table's element: the value itself for an elementary table,
/// else an object of the mapped members (absent or null ones stay blank or zero).
fn element(layout: &Layout, field: &[String], t: &TableFill, e: &Value) -> Value {
    if t.each.is_empty() {
        return fit(layout, field, e.clone());
    }
    let mut obj = Map::new();
    for (member, path) in &t.each {
        if let Some(v) = pick(e, path).filter(|v| !v.is_null()) {
            let full: Vec<String> = field.iter().chain(member).cloned().collect();
            set_path(&mut obj, member, fit(layout, &full, v.clone()));
        }
    }
    Value::Object(obj)
}
