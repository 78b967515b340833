//! Where the document gets a record's JSON Schema: the one call into the records crate.

pub use ferrule_parsers::json::SchemaDirection;
use ferrule_parsers::json::{record_schema, CodecOptions, SchemaOptions};
use ferrule_parsers::layout::{Field, Layout};
use serde_json::Value;

/// The JSON Schema (2020-12 fragment, no `$schema`) of `layout` as the backend's codec
/// reads or writes it. `short_answers`: the framing lets the host answer with fewer bytes
/// than the layout (len4, len2, delimiter, rdw), and the decoder then leaves out the fields
/// past the end, so none is `required`; a `fixed` answer always has them all.
/// `drop_empty_occurs`: the route leaves trailing empty table slots out of its answers,
/// so a fixed table may be shorter than its OCCURS.
pub fn record_schema_of(
    layout: &Layout,
    direction: SchemaDirection,
    codec: &CodecOptions,
    short_answers: bool,
    drop_empty_occurs: bool,
) -> Value {
    let opts = SchemaOptions {
        short_records: short_answers,
        drop_empty_occurs,
        ..SchemaOptions::for_codec(direction, codec)
    };
    record_schema(layout, &opts)
}

/// The layout field at a dotted JSON path (FILLERs have no JSON name and are skipped).
pub fn layout_field<'l>(layout: &'l Layout, path: &[String]) -> Option<&'l Field> {
    layout.field_by_json_path(path)
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
        let s = record_schema_of(
            &layout(),
            SchemaDirection::Decode,
            &CodecOptions::default(),
            false,
            false,
        );
        assert_eq!(s["type"], "object");
    }
}
