//! Format-preserving edits of one entry in a JSON/JSONC config file, through `jsonc-parser`'s
//! concrete syntax tree: everything outside our entry (other servers, unknown keys, comments,
//! whitespace) stays byte-for-byte as it was.

use jsonc_parser::ParseOptions;
use jsonc_parser::cst::{CstInputValue, CstObject, CstRootNode};
use serde_json::Value;

use super::clients::Syntax;

/// Why a file's text cannot be edited.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("{message} on line {line} column {column}")]
    Syntax { line: usize, column: usize, message: String },
    #[error("{what} is not a JSON object")]
    NotObject { what: String },
}

fn options(syntax: Syntax) -> ParseOptions {
    let lenient = syntax == Syntax::Jsonc;
    // Strict files are read by strict JSON parsers: accepting JSON5 here would let us "merge" into
    // a file the client itself cannot read.
    ParseOptions {
        allow_comments: lenient,
        allow_trailing_commas: lenient,
        allow_loose_object_property_names: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

fn parse(text: &str, syntax: Syntax) -> Result<CstRootNode, EditError> {
    // An empty file (Zed creates one) is an empty settings object.
    let text = if text.trim().is_empty() { "{}\n" } else { text };
    let syntax_error = |e: jsonc_parser::errors::ParseError| EditError::Syntax {
        line: e.line_display(),
        column: e.column_display(),
        message: e.kind().to_string(),
    };
    // The CST keeps comments whatever the options say, so the options are enforced by a
    // validating parse first.
    jsonc_parser::parse_to_value(text, &options(syntax)).map_err(syntax_error)?;
    let root = CstRootNode::parse(text, &options(syntax)).map_err(syntax_error)?;
    match root.value() {
        None => Ok(root),
        Some(v) if v.as_object().is_some() => Ok(root),
        Some(_) => Err(EditError::NotObject { what: "the top level".into() }),
    }
}

/// The container object (`mcpServers`, `servers`, `context_servers`), if present.
fn container(root: &CstRootNode, key: &str) -> Result<Option<CstObject>, EditError> {
    let Some(obj) = root.object_value() else { return Ok(None) };
    match obj.get(key) {
        None => Ok(None),
        Some(prop) => {
            prop.object_value().map(Some).ok_or_else(|| EditError::NotObject { what: format!("{key:?}") })
        }
    }
}

/// Checks that `text` parses, without changing anything.
pub fn validate(text: &str, syntax: Syntax) -> Result<(), EditError> {
    parse(text, syntax).map(|_| ())
}

/// The current entry named `name` in `container`, if any.
pub fn entry(text: &str, syntax: Syntax, key: &str, name: &str) -> Result<Option<Value>, EditError> {
    let root = parse(text, syntax)?;
    Ok(container(&root, key)?
        .and_then(|c| c.get(name))
        .and_then(|p| p.value())
        .and_then(|v| v.to_serde_value()))
}

/// `text` with `container[name] = entry` (added at the end, or replacing the old value in place).
pub fn upsert(text: &str, syntax: Syntax, key: &str, name: &str, entry: &Value) -> Result<String, EditError> {
    let root = parse(text, syntax)?;
    let servers = match container(&root, key)? {
        Some(servers) => servers,
        None => root.object_value_or_set().object_value_or_set(key),
    };
    match servers.get(name) {
        Some(prop) => prop.set_value(to_input(entry)),
        None => {
            servers.append(name, to_input(entry));
        }
    }
    Ok(root.to_string())
}

/// `text` without `container[name]`, or `None` when there is no such entry.
pub fn remove(text: &str, syntax: Syntax, key: &str, name: &str) -> Result<Option<String>, EditError> {
    let root = parse(text, syntax)?;
    let Some(prop) = container(&root, key)?.and_then(|c| c.get(name)) else { return Ok(None) };
    prop.remove();
    Ok(Some(root.to_string()))
}

fn to_input(value: &Value) -> CstInputValue {
    match value {
        Value::Null => CstInputValue::Null,
        Value::Bool(b) => CstInputValue::Bool(*b),
        Value::Number(n) => CstInputValue::Number(n.to_string()),
        Value::String(s) => CstInputValue::String(s.clone()),
        Value::Array(items) => CstInputValue::Array(items.iter().map(to_input).collect()),
        Value::Object(map) => {
            CstInputValue::Object(map.iter().map(|(k, v)| (k.clone(), to_input(v))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn upsert_keeps_comments_and_other_servers() {
        let text = "{\n  // my servers\n  \"servers\": {\n    \"other\": { \"type\": \"stdio\", \"command\": \"x\" }, // keep\n  },\n  \"inputs\": []\n}\n";
        let out = upsert(
            text,
            Syntax::Jsonc,
            "servers",
            "trek",
            &json!({"type": "http", "url": "http://127.0.0.1:7823/mcp"}),
        )
        .unwrap();
        assert!(out.starts_with("{\n  // my servers\n  \"servers\": {\n    \"other\": { \"type\": \"stdio\", \"command\": \"x\" }, // keep\n"), "{out}");
        assert!(out.ends_with("  },\n  \"inputs\": []\n}\n"), "{out}");
        assert_eq!(
            entry(&out, Syntax::Jsonc, "servers", "trek").unwrap().unwrap()["url"],
            "http://127.0.0.1:7823/mcp"
        );
        // Removing it gives the original text back.
        assert_eq!(remove(&out, Syntax::Jsonc, "servers", "trek").unwrap().unwrap(), text);
    }

    #[test]
    fn strict_files_refuse_comments_with_a_location() {
        let err = upsert("{\n  // no\n}\n", Syntax::Json, "mcpServers", "trek", &json!({})).unwrap_err();
        assert!(matches!(err, EditError::Syntax { line: 2, column: 3, .. }), "{err:?}");
        let err = validate("{\"a\": [1,}", Syntax::Jsonc).unwrap_err();
        assert!(matches!(err, EditError::Syntax { line: 1, .. }), "{err:?}");
    }

    #[test]
    fn non_object_containers_are_refused() {
        assert_eq!(
            upsert("[]", Syntax::Json, "mcpServers", "trek", &json!({})).unwrap_err(),
            EditError::NotObject { what: "the top level".into() }
        );
        assert_eq!(
            upsert("{\"mcpServers\": 3}", Syntax::Json, "mcpServers", "trek", &json!({})).unwrap_err(),
            EditError::NotObject { what: "\"mcpServers\"".into() }
        );
    }

    #[test]
    fn empty_text_becomes_an_object_with_our_entry() {
        let out = upsert("", Syntax::Json, "mcpServers", "trek", &json!({"url": "u"})).unwrap();
        let parsed: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(parsed, json!({"mcpServers": {"trek": {"url": "u"}}}));
        assert_eq!(remove("{}", Syntax::Json, "mcpServers", "trek").unwrap(), None);
    }
}
