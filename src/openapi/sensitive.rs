//! Sensitive response fields in a record schema: optional (the gateway removes them for
//! callers without their scope), and saying so. The paths name fields as the client
//! sees them, after the route's omit and rename, and walk the schema as a view does.

use ferrule_parsers::json::view_schema::{each_parent, unrequire};
use serde_json::Value;

/// Makes the property at `path` optional (it is removed for callers without `scope`)
/// and says so in its description.
pub fn make_optional(schema: &mut Value, path: &[String], scope: &str) {
    each_parent(schema, path, &mut |node, name| {
        let Some(Value::Object(props)) = node.get_mut("properties") else {
            return;
        };
        let Some(Value::Object(field)) = props.get_mut(name) else {
            return;
        };
        let note = format!("Sent only to callers holding scope `{scope}`.");
        let description = match field.get("description").and_then(Value::as_str) {
            Some(d) if !d.is_empty() => format!("{d} {note}"),
            _ => note,
        };
        field.insert("description".into(), Value::String(description));
        unrequire(node, name);
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn path(s: &str) -> Vec<String> {
        s.split('.').map(str::to_string).collect()
    }

    /// A response schema with a nested group and an OCCURS group (array of objects).
    fn record() -> Value {
        json!({
            "type": "object",
            "properties": {
                "keeper": {
                    "type": "object",
                    "properties": {
                        "keeper_name": {"type": "string", "maxLength": 30},
                        "postcode": {"type": "string", "maxLength": 8, "description": "UK postcode."}
                    },
                    "required": ["keeper_name", "postcode"]
                },
                "reports": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "report_type": {"type": "string"},
                            "report_date": {"type": "integer"}
                        },
                        "required": ["report_type", "report_date"]
                    }
                }
            },
            "required": ["keeper", "reports"]
        })
    }

    #[test]
    fn sensitive_fields_become_optional_and_say_why() {
        let mut s = record();
        make_optional(&mut s, &path("keeper.postcode"), "keeper:read");
        make_optional(&mut s, &path("reports.report_date"), "intel");
        let keeper = &s["properties"]["keeper"];
        assert_eq!(keeper["required"], json!(["keeper_name"]));
        assert_eq!(
            keeper["properties"]["postcode"]["description"],
            "UK postcode. Sent only to callers holding scope `keeper:read`."
        );
        let item = &s["properties"]["reports"]["items"];
        assert_eq!(item["required"], json!(["report_type"]));
        assert!(item["properties"]["report_date"]["description"]
            .as_str()
            .unwrap()
            .contains("`intel`"));
    }

    #[test]
    fn a_path_that_leads_nowhere_changes_nothing() {
        let mut s = record();
        make_optional(&mut s, &path("nope.deeper"), "s");
        make_optional(&mut s, &path("keeper.keeper_name.x"), "s");
        make_optional(&mut s, &[], "s");
        assert_eq!(s, record());
    }
}
