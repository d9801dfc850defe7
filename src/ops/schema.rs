//! The one transformation every operation's JSON Schema goes through (input and output): what
//! schemars emits, minus what tells an assistant nothing. Input schemas are sent into the
//! assistant's context on every session (`tools/list`), so each byte here is paid per session.

use serde_json::{Map, Value};

/// `format` values that only restate the Rust number width; `"type": "integer"` / `"number"`
/// already says what an assistant needs. Semantic formats (`date`, `uri`, …) are kept.
const NUMERIC_WIDTH_FORMATS: &[&str] =
    &["int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float", "double"];

/// The schema of `T`, compacted (see [`compact`]). Subschemas are inlined: each input type uses
/// its enums and nested types once, so a `$defs` entry plus its `$ref` only adds bytes (737 B
/// over the 8 input schemas that had them).
pub(super) fn schema_object<T: schemars::JsonSchema>() -> Map<String, Value> {
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .with(|s| s.inline_subschemas = true)
        .into_generator();
    match serde_json::to_value(generator.into_root_schema_for::<T>()) {
        Ok(Value::Object(mut map)) => {
            compact(&mut map);
            map
        }
        _ => Map::new(),
    }
}

/// Drops the root `$schema` (MCP's default dialect, 2020-12, anyway) and root `title` (the
/// Rust type's name), and anywhere numeric-width `format`s and `additionalProperties: false`.
/// The latter is still enforced — every input type denies unknown fields, and the error names the
/// field — but saying it in the schema cost 29 bytes a tool (4.3 KB of every session's list for
/// an argument assistants rarely invent).
pub(super) fn compact(map: &mut Map<String, Value>) {
    map.remove("$schema");
    map.remove("title");
    strip_restatements(map);
}

fn strip_restatements(map: &mut Map<String, Value>) {
    if map.get("format").and_then(Value::as_str).is_some_and(|f| NUMERIC_WIDTH_FORMATS.contains(&f)) {
        map.remove("format");
    }
    if map.get("additionalProperties") == Some(&Value::Bool(false)) {
        map.remove("additionalProperties");
    }
    for value in map.values_mut() {
        match value {
            Value::Object(child) => strip_restatements(child),
            Value::Array(items) => {
                for item in items.iter_mut().filter_map(Value::as_object_mut) {
                    strip_restatements(item);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::ops::registry;

    fn find_key(value: &Value, key: &str, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(v) = map.get(key) {
                    found.push(v.to_string());
                }
                map.values().for_each(|v| find_key(v, key, found));
            }
            Value::Array(items) => items.iter().for_each(|v| find_key(v, key, found)),
            _ => {}
        }
    }

    #[test]
    fn compact_drops_noise_and_keeps_meaning() {
        let mut map = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "CreatePlaceInput",
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "lat": { "type": ["number", "null"], "format": "double" },
                "count": { "type": "integer", "format": "uint32" },
                "ids": { "type": "array", "items": { "type": "integer", "format": "int64" } },
                "day": { "anyOf": [{ "type": "string", "format": "date" }, { "type": "null" }] },
                "title": { "type": "string", "description": "A property named title stays." }
            }
        })
        .as_object()
        .cloned()
        .unwrap();
        compact(&mut map);
        assert_eq!(
            Value::Object(map),
            json!({
                "type": "object",
                "properties": {
                    "lat": { "type": ["number", "null"] },
                    "count": { "type": "integer" },
                    "ids": { "type": "array", "items": { "type": "integer" } },
                    "day": { "anyOf": [{ "type": "string", "format": "date" }, { "type": "null" }] },
                    "title": { "type": "string", "description": "A property named title stays." }
                }
            })
        );
    }

    #[test]
    fn listed_input_schemas_carry_no_width_formats_or_dialect() {
        for entry in registry().all() {
            let schema = Value::Object((*entry.input_schema).clone());
            let mut formats = Vec::new();
            find_key(&schema, "format", &mut formats);
            assert!(
                formats.iter().all(|f| !NUMERIC_WIDTH_FORMATS.contains(&f.trim_matches('"'))),
                "{}: {formats:?}",
                entry.meta.name
            );
            assert!(!entry.input_schema.contains_key("$schema"), "{}", entry.meta.name);
            assert!(!entry.input_schema.contains_key("title"), "{}", entry.meta.name);
            assert!(!entry.input_schema.contains_key("$defs"), "{}: not inlined", entry.meta.name);
        }
        // create_place has the f64 coordinates that schemars marks `format: double`.
        let place = registry().get("create_place").unwrap();
        assert_eq!(
            place.input_schema["properties"]["lat"],
            json!({
                "description": place.input_schema["properties"]["lat"]["description"],
                "type": ["number", "null"]
            })
        );
    }

    /// The schemas no longer say `additionalProperties: false`; every operation still refuses an
    /// argument it does not know, naming it, rather than ignoring it.
    #[test]
    fn every_operation_refuses_an_unknown_argument_by_name() {
        for entry in registry().all() {
            let error = entry.op.check_input(json!({ "no_such_argument": 1 })).unwrap_err();
            assert!(error.to_string().contains("no_such_argument"), "{}: {error}", entry.meta.name);
        }
    }
}
