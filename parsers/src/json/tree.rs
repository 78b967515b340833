//! A JSON document that borrows its strings from the text it was read from: what the
//! gateway encodes a request body from. It reads as `serde_json::Value` would (the same
//! parser, so the same syntax errors; a repeated key keeps its first place and its last
//! value, as `Value`'s ordered map does; numbers keep their text) but copies no string
//! that has no escapes, hashes nothing for small objects, and takes `set` values that
//! borrow from the route's config or the request's path.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Unexpected, Visitor};
use serde_json::Number;

use super::input::{Input, Object, Shape};

/// A JSON value borrowing from its source text where it can.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object(Members<'a>),
}

/// An object's members in document order, each key once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Members<'a>(Vec<(Cow<'a, str>, Json<'a>)>);

/// Up to this many members, a repeated key is found by comparing keys as they come;
/// past it, by a hash of the keys once the object is read (a caller's object of many
/// keys must not cost the square of its size).
const SMALL: usize = 16;

impl<'a> Members<'a> {
    /// No members yet, room for `n`.
    pub fn with_capacity(n: usize) -> Members<'a> {
        Members(Vec::with_capacity(n))
    }

    /// How many members (each key once).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// No members.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The member `name`, found by comparing keys.
    pub fn get(&self, name: &str) -> Option<&Json<'a>> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// Keys and values in document order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Json<'a>)> {
        self.0.iter().map(|(k, v)| (&**k, v))
    }

    /// Sets `key` to `value`: in its place if the key is there, else at the end.
    pub fn insert(&mut self, key: Cow<'a, str>, value: Json<'a>) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => *v = value,
            None => self.0.push((key, value)),
        }
    }

    /// The member `key`, inserted as `make()` at the end if it is not there.
    pub fn get_or_insert_with(
        &mut self,
        key: Cow<'a, str>,
        make: impl FnOnce() -> Json<'a>,
    ) -> &mut Json<'a> {
        let i = match self.0.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                self.0.push((key, make()));
                self.0.len() - 1
            }
        };
        // `i` is a member's index: found above, or the one just pushed.
        &mut self.0[i].1
    }

    /// Keeps the first place and the last value of every repeated key (read past
    /// [`SMALL`] members without checking).
    fn dedup_large(&mut self) {
        let firsts: Vec<usize> = {
            let mut seen: HashMap<&str, usize> = HashMap::with_capacity(self.0.len());
            self.0
                .iter()
                .enumerate()
                .map(|(i, (k, _))| *seen.entry(&**k).or_insert(i))
                .collect()
        };
        if firsts.iter().enumerate().all(|(i, &f)| i == f) {
            return;
        }
        let mut out: Vec<(Cow<'a, str>, Json<'a>)> = Vec::with_capacity(self.0.len());
        // Where each first occurrence went in `out`.
        let mut at = vec![0; self.0.len()];
        for (i, (member, first)) in std::mem::take(&mut self.0)
            .into_iter()
            .zip(firsts)
            .enumerate()
        {
            if first == i {
                at[i] = out.len();
                out.push(member);
            } else if let Some(slot) = at.get(first).and_then(|&j| out.get_mut(j)) {
                slot.1 = member.1;
            }
        }
        self.0 = out;
    }
}

impl<'a> Input for Json<'a> {
    type Object = Members<'a>;

    fn shape(&self) -> Shape<'_, Self> {
        match self {
            Json::Null => Shape::Null,
            Json::Bool(_) => Shape::Bool,
            Json::Number(n) => Shape::Number(n.as_str()),
            Json::String(s) => Shape::String(s),
            Json::Array(a) => Shape::Array(a),
            Json::Object(m) => Shape::Object(m),
        }
    }
}

impl<'a> Object<Json<'a>> for Members<'a> {
    fn member(&self, name: &str) -> Option<&Json<'a>> {
        self.get(name)
    }

    fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| &**k)
    }
}

impl From<&Json<'_>> for serde_json::Value {
    /// An owned copy (for comparing with `Value`, or handing the tree on).
    fn from(j: &Json<'_>) -> serde_json::Value {
        use serde_json::Value;
        match j {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => Value::Number(n.clone()),
            Json::String(s) => Value::String(s.to_string()),
            Json::Array(a) => Value::Array(a.iter().map(Value::from).collect()),
            Json::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| (k.to_string(), Value::from(v)))
                    .collect(),
            ),
        }
    }
}

/// The key serde_json hands a visitor for a number it keeps as text
/// (`arbitrary_precision`); `Value` reads such an object as that number, and so does
/// this tree.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

impl<'de> Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Json<'de>, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Json<'de>, E> {
        Ok(Json::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Json<'de>, E> {
        Ok(Json::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Json<'de>, E> {
        Ok(Json::Number(n.into()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Json<'de>, E> {
        Ok(Number::from_f64(n).map_or(Json::Null, Json::Number))
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Borrowed(s)))
    }

    fn visit_str<E>(self, s: &str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(s.to_string())))
    }

    fn visit_string<E>(self, s: String) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(s)))
    }

    fn visit_unit<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }

    fn visit_none<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Json<'de>, D::Error> {
        Json::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json<'de>, A::Error> {
        let Some(Text(first)) = map.next_key()? else {
            return Ok(Json::Object(Members::default()));
        };
        if first == NUMBER_TOKEN {
            let Text(text) = map.next_value()?;
            return match text.parse::<Number>() {
                Ok(n) => Ok(Json::Number(n)),
                Err(_) => Err(de::Error::invalid_value(
                    Unexpected::Str(&text),
                    &"a JSON number",
                )),
            };
        }
        let mut members = Members(vec![(first, map.next_value()?)]);
        while let Some(Text(key)) = map.next_key()? {
            let value = map.next_value()?;
            if members.len() < SMALL {
                members.insert(key, value);
            } else {
                members.0.push((key, value));
            }
        }
        if members.len() > SMALL {
            members.dedup_large();
        }
        Ok(Json::Object(members))
    }
}

/// A key or string, borrowed from the input when it has no escapes.
struct Text<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text<'de>, D::Error> {
        d.deserialize_str(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Borrowed(s)))
    }

    fn visit_str<E>(self, s: &str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(s.to_string())))
    }

    fn visit_string<E>(self, s: String) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(s)))
    }
}

#[cfg(test)]
mod tests;
