//! A TOML table read in parts, each part a serde struct with its own keys, every error
//! named by its key path (`tls.ca`, `max_sessions`) so that `check` can locate it.
//!
//! Why not serde's own tagged enums or `flatten`: both buffer the table before the
//! struct sees it, and toml then reports every error inside at the table's first line
//! without the key, where a config error must name the key and its line.

use serde::de::{self, DeserializeOwned, Visitor};
use toml::Table;

/// (key path inside the table, message), as config validation collects them.
pub type Problems = Vec<(String, String)>;

/// Takes `T`'s keys out of `table` and reads `T` from them; the other keys stay for the
/// next part.
pub fn take<T: DeserializeOwned>(table: &mut Table) -> Result<T, Problems> {
    let mut mine = Table::new();
    for key in fields::<T>() {
        if let Some(v) = table.remove(*key) {
            mine.insert((*key).to_string(), v);
        }
    }
    read(mine)
}

/// Reads `T` from every key left in `table`: a key `T` does not know is an error (with
/// `deny_unknown_fields`), named at its own path.
pub fn read<T: DeserializeOwned>(table: Table) -> Result<T, Problems> {
    serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
        let message = e.inner().message().to_string();
        let mut path = e.path().to_string();
        if path == "." || path == "?" {
            path.clear();
        }
        // Point at an unknown or missing key itself where the path stops at the table
        // holding it (`check` then shows the key's line, or the table's for a missing one).
        if let Some(key) = message
            .strip_prefix("unknown field `")
            .or_else(|| message.strip_prefix("missing field `"))
            .and_then(|r| r.split_once('`'))
            .map(|(k, _)| k)
            .filter(|k| path != *k && !path.ends_with(&format!(".{k}")))
        {
            path = if path.is_empty() {
                key.to_string()
            } else {
                format!("{path}.{key}")
            };
        }
        vec![(path, message)]
    })
}

/// The keys serde reads for `T` (a struct): what its derive hands to `deserialize_struct`.
pub fn fields<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut found = None;
    let _ = T::deserialize(FieldNames(&mut found));
    found.unwrap_or(&[])
}

/// A deserializer that only records the field names a struct asks for, then fails.
struct FieldNames<'a>(&'a mut Option<&'static [&'static str]>);

#[derive(Debug)]
struct Stop;

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("field names recorded")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        Stop
    }
}

impl<'de> de::Deserializer<'de> for FieldNames<'_> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        *self.0 = Some(fields);
        Err(Stop)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Part {
        size: u32,
        #[serde(default)]
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        ca: String,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Other {
        name: String,
    }

    fn table(text: &str) -> Table {
        text.parse().unwrap()
    }

    #[test]
    fn parts_take_their_own_keys() {
        // Each part reads its keys; what is left goes to the next.
        let mut t = table("name = \"a\"\nsize = 3\n");
        assert_eq!(fields::<Part>(), ["size", "inner"]);
        let part: Part = take(&mut t).unwrap();
        assert_eq!(part.size, 3);
        let other: Other = read(t).unwrap();
        assert_eq!(other.name, "a");
    }

    #[test]
    fn errors_name_the_key() {
        // A wrong type, a nested unknown key, a missing key and a key no part knows: each
        // at the path `check` locates.
        let e = take::<Part>(&mut table("size = \"big\"")).unwrap_err();
        assert_eq!(e[0].0, "size");
        assert!(e[0].1.contains("invalid type"), "{e:?}");
        let e = take::<Part>(&mut table("size = 1\ninner = { ca = \"x\", key = 1 }")).unwrap_err();
        assert_eq!(e[0].0, "inner.key");
        assert!(e[0].1.contains("unknown field `key`"), "{e:?}");
        let e = take::<Part>(&mut table("")).unwrap_err();
        assert_eq!(e[0].0, "size");
        assert!(e[0].1.contains("missing field `size`"), "{e:?}");
        let e = read::<Other>(table("name = \"a\"\ncolour = 1")).unwrap_err();
        assert_eq!(e[0].0, "colour");
    }
}
