//! Text with `{field}` holes filled from a decoded request record (an inbound route's
//! `url`, `query` and `body` values), and the JSON paths (`address.lines[0]`) that pick
//! values out of a JSON answer. Field names are dotted JSON paths of the request layout.

use serde_json::Value;

/// One part of a [`Text`].
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Const(String),
    /// A request field, by its dotted JSON path.
    Field(Vec<String>),
}

/// Literal text with `{dotted.field}` holes.
#[derive(Debug, Clone, PartialEq)]
pub struct Text(Vec<Part>);

impl Text {
    /// Parses `PREFIX-{cust.id}`; a bad hole is named.
    pub fn parse(s: &str) -> Result<Text, String> {
        let mut parts = Vec::new();
        let mut rest = s;
        while let Some(open) = rest.find('{') {
            let after = rest.get(open + 1..).unwrap_or_default();
            let close = after
                .find('}')
                .ok_or_else(|| format!("unclosed `{{` in `{s}`"))?;
            let name = after.get(..close).unwrap_or_default().trim();
            let good = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
            if name.is_empty()
                || !name
                    .split('.')
                    .all(|p| !p.is_empty() && p.chars().all(good))
            {
                return Err(format!("bad field name `{name}` in `{s}`"));
            }
            if open > 0 {
                parts.push(Part::Const(rest.get(..open).unwrap_or_default().into()));
            }
            parts.push(Part::Field(name.split('.').map(String::from).collect()));
            rest = after.get(close + 1..).unwrap_or_default();
        }
        if !rest.is_empty() {
            parts.push(Part::Const(rest.into()));
        }
        Ok(Text(parts))
    }

    /// The dotted field names the text reads.
    pub fn fields(&self) -> impl Iterator<Item = String> + '_ {
        self.0.iter().filter_map(|p| match p {
            Part::Field(f) => Some(f.join(".")),
            Part::Const(_) => None,
        })
    }

    /// The field, when the whole text is one (its JSON value is used as it is).
    pub fn whole_field(&self) -> Option<&[String]> {
        match self.0.as_slice() {
            [Part::Field(f)] => Some(f),
            _ => None,
        }
    }

    /// The text with each hole filled by `escape(value text)`; constants as written.
    pub fn render(&self, record: &Value, escape: &dyn Fn(&str) -> String) -> String {
        let mut out = String::new();
        for p in &self.0 {
            match p {
                Part::Const(c) => out.push_str(c),
                Part::Field(f) => out.push_str(&escape(&plain(lookup(record, f)))),
            }
        }
        out
    }
}

/// The value at a dotted path of a decoded record (objects only).
pub fn lookup<'v>(record: &'v Value, path: &[String]) -> Option<&'v Value> {
    path.iter().try_fold(record, |v, k| v.get(k))
}

/// A value as text: strings as they are, numbers in their exact decimal text.
pub fn plain(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// Sets a value at a dotted path, making the objects on the way (one helper with the
/// mock host's answers).
pub use crate::mock::fields::set_path;

/// One step of a [`JsonPath`].
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// A path into a JSON answer: `address.lines[0]`, `items[2].code`; `$` for the whole.
pub type JsonPath = Vec<Step>;

/// Parses a [`JsonPath`].
pub fn json_path(s: &str) -> Result<JsonPath, String> {
    let s = s.trim();
    let s = s.strip_prefix("$.").unwrap_or(s);
    if s == "$" {
        return Ok(Vec::new());
    }
    let mut steps = Vec::new();
    for part in s.split('.') {
        let (key, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        if key.is_empty() && steps.is_empty() && rest.is_empty() {
            return Err(format!("empty step in JSON path `{s}`"));
        }
        if !key.is_empty() {
            steps.push(Step::Key(key.into()));
        } else if rest.is_empty() {
            return Err(format!("empty step in JSON path `{s}`"));
        }
        while let Some(r) = rest.strip_prefix('[') {
            let (n, after) = r
                .split_once(']')
                .ok_or_else(|| format!("unclosed `[` in JSON path `{s}`"))?;
            let n = n
                .parse()
                .map_err(|_| format!("`[{n}]` in JSON path `{s}`: expected an index"))?;
            steps.push(Step::Index(n));
            rest = after;
        }
        if !rest.is_empty() {
            return Err(format!("`{rest}` after an index in JSON path `{s}`"));
        }
    }
    Ok(steps)
}

/// The value a [`JsonPath`] names in `v`, if any.
pub fn pick<'v>(v: &'v Value, path: &[Step]) -> Option<&'v Value> {
    path.iter().try_fold(v, |v, s| match s {
        Step::Key(k) => v.get(k),
        Step::Index(i) => v.get(i),
    })
}

/// RFC 3986 percent-encoding of everything but the unreserved characters.
pub fn percent(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn holes_are_filled_from_record_fields() {
        let t = Text::parse("/v1/addr/{post.code}?x={house}").unwrap();
        let rec = json!({"post": {"code": "AB1 2CD"}, "house": 12});
        assert_eq!(t.render(&rec, &|s| percent(s)), "/v1/addr/AB1%202CD?x=12");
        assert_eq!(t.fields().collect::<Vec<_>>(), ["post.code", "house"]);
        assert_eq!(t.whole_field(), None);
        assert_eq!(
            Text::parse("{house}").unwrap().whole_field(),
            Some(&["house".to_string()][..])
        );
        // A field the record lacks is empty text, not a panic.
        assert_eq!(
            Text::parse("{nope}").unwrap().render(&rec, &|s| s.into()),
            ""
        );
    }

    #[test]
    fn bad_holes_are_refused() {
        assert!(Text::parse("/a/{b").unwrap_err().contains("unclosed"));
        assert!(Text::parse("/a/{}").unwrap_err().contains("bad field name"));
        assert!(Text::parse("/a/{x..y}")
            .unwrap_err()
            .contains("bad field name"));
        assert!(Text::parse("/a/{x y}")
            .unwrap_err()
            .contains("bad field name"));
    }

    #[test]
    fn json_paths_pick_values() {
        let v = json!({"a": {"lines": ["one", "two"]}, "n": 1.50});
        assert_eq!(
            pick(&v, &json_path("a.lines[1]").unwrap()),
            Some(&json!("two"))
        );
        assert_eq!(pick(&v, &json_path("$.n").unwrap()), Some(&json!(1.50)));
        assert_eq!(pick(&v, &json_path("$").unwrap()), Some(&v));
        assert_eq!(pick(&v, &json_path("a.lines[5]").unwrap()), None);
        assert_eq!(pick(&v, &json_path("n.x").unwrap()), None);
        assert!(json_path("a[x]").is_err());
        assert!(json_path("a[1").is_err());
        assert!(json_path("a..b").is_err());
        assert!(json_path("a[0]b").is_err());
    }
}
