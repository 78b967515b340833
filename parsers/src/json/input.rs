//! What the encoder reads a record from: any JSON tree that can say what a node is.
//! `serde_json::Value` is one (the reference, used by `ferrule encode`); [`Json`] is
//! another, borrowing its text from the request body, so a gateway call builds no
//! owned copy of the caller's JSON before it is encoded.
//!
//! [`Json`]: super::tree::Json

use serde_json::{Map, Value};

/// A JSON node as the encoder sees it.
pub enum Shape<'v, V: Input> {
    Null,
    Bool,
    /// A number's text as written (the workspace keeps numbers exact:
    /// `arbitrary_precision`).
    Number(&'v str),
    String(&'v str),
    Array(&'v [V]),
    Object(&'v V::Object),
}

/// A JSON tree the encoder can walk.
pub trait Input: Sized {
    /// Its objects.
    type Object: Object<Self> + ?Sized;

    /// What this node is.
    fn shape(&self) -> Shape<'_, Self>;
}

/// A JSON object: members found by name, keys in document order.
pub trait Object<V> {
    /// The member `name`, if the object has it.
    fn member(&self, name: &str) -> Option<&V>;

    /// Every key, in document order.
    fn keys(&self) -> impl Iterator<Item = &str>;
}

impl Input for Value {
    type Object = Map<String, Value>;

    fn shape(&self) -> Shape<'_, Value> {
        match self {
            Value::Null => Shape::Null,
            Value::Bool(_) => Shape::Bool,
            Value::Number(n) => Shape::Number(n.as_str()),
            Value::String(s) => Shape::String(s),
            Value::Array(a) => Shape::Array(a),
            Value::Object(m) => Shape::Object(m),
        }
    }
}

impl Object<Value> for Map<String, Value> {
    /// A record's JSON objects are small: comparing a few keys costs less than hashing
    /// the name (SipHash) for the map's index.
    fn member(&self, name: &str) -> Option<&Value> {
        if self.len() <= 8 {
            self.iter()
                .find(|(k, _)| k.as_str() == name)
                .map(|(_, v)| v)
        } else {
            self.get(name)
        }
    }

    fn keys(&self) -> impl Iterator<Item = &str> {
        Map::keys(self).map(String::as_str)
    }
}

/// What a node is, in the words of a wrong-type error.
pub fn kind<V: Input>(v: &V) -> &'static str {
    match v.shape() {
        Shape::Null => "null",
        Shape::Bool => "a boolean",
        Shape::Number(_) => "a number",
        Shape::String(_) => "a string",
        Shape::Array(_) => "an array",
        Shape::Object(_) => "an object",
    }
}
