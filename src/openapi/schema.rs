//! Where the document gets a record's JSON Schema: the one call into the records crate.

use ferrule_parsers::json::CodecOptions;
use ferrule_parsers::layout::{Field, Layout};
use serde_json::{json, Value};

/// Which side of the codec a schema describes; mirrors
/// `ferrule_parsers::json::SchemaDirection` (to be replaced by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaDirection {
    /// What the decoder emits: response bodies.
    Decode,
    /// What the encoder accepts: request bodies and parameters.
    Encode,
}

/// The JSON Schema (2020-12 fragment, no `$schema`) of `layout` as the backend's codec
/// reads or writes it.
///
/// The single place to swap for `ferrule_parsers::json::record_schema(layout,
/// &SchemaOptions { direction, redefines: codec.redefines })` once the records crate
/// has it; until then every record is described as an object.
pub fn record_schema_of(
    layout: &Layout,
    direction: SchemaDirection,
    codec: &CodecOptions,
) -> Value {
    let _ = (layout, direction, codec.redefines);
    json!({"type": "object"})
}

/// The layout field at a dotted JSON path (FILLERs have no JSON name and are skipped).
pub fn layout_field<'l>(layout: &'l Layout, path: &[String]) -> Option<&'l Field> {
    let mut f = &layout.root;
    for name in path {
        f = f
            .children()
            .iter()
            .find(|c| !c.is_filler() && c.json_name == *name)?;
    }
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        ferrule_parsers::registry::load(
            "       01 R.\n           05 FILLER PIC X.\n           05 KEEPER.\n              10 KEEPER-NAME PIC X(30).\n",
            "t.cpy",
            None,
            &Default::default(),
        )
        .unwrap()
    }

    #[test]
    fn fields_are_found_by_json_path() {
        let l = layout();
        let p = |s: &str| s.split('.').map(str::to_string).collect::<Vec<_>>();
        assert_eq!(
            layout_field(&l, &p("keeper.keeper_name")).map(|f| f.name.as_str()),
            Some("KEEPER-NAME")
        );
        // Unknown names and paths through an elementary item find nothing.
        assert!(layout_field(&l, &p("keeper.nope")).is_none());
        assert!(layout_field(&l, &p("keeper.keeper_name.x")).is_none());
    }

    #[test]
    fn every_record_is_at_least_an_object() {
        // Whatever the generator adds, a record's schema is an object schema.
        let s = record_schema_of(&layout(), SchemaDirection::Decode, &CodecOptions::default());
        assert_eq!(s["type"], "object");
    }
}
