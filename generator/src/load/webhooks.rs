//! OpenAPI 3.1 `webhooks`: requests the API sends, not operations a client calls. What a
//! receiver needs from them is the payload's type, so each JSON payload schema is made a named
//! component (an inline one as `<webhook>Payload`) and listed, and lowering generates those
//! components as response types whether or not an operation reaches them.

use serde_json::{Map, Value};

use super::SourceMap;
use crate::error::{Pointer, SpecError};

/// A webhook's payload: the component schema its JSON request body is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookPayload {
    /// The webhook's key under `webhooks`.
    pub webhook: String,
    /// The key of its payload schema under `components/schemas`.
    pub schema: String,
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Lists each webhook's JSON payload schema, moving an inline one into `components/schemas`
/// (and `sources`, so problems in it still point where it was written).
pub fn payloads(file: &str, doc: &mut Value, sources: &mut SourceMap) -> Vec<WebhookPayload> {
    let Some(Value::Object(hooks)) = doc.get("webhooks").cloned() else {
        return Vec::new();
    };
    let mut taken: Vec<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    for (name, item) in &hooks {
        for method in METHODS {
            let Some(Value::Object(content)) =
                item.pointer(&format!("/{method}/requestBody/content"))
            else {
                continue;
            };
            for (media, m) in content {
                let json = media == "application/json" || media.ends_with("+json");
                let Some(schema) = m.get("schema").filter(|_| json) else {
                    continue;
                };
                let prefix = "#/components/schemas/";
                let key = match schema.get("$ref").and_then(Value::as_str) {
                    Some(r) => match r.strip_prefix(prefix) {
                        Some(key) if !key.contains('/') => {
                            key.replace("~1", "/").replace("~0", "~")
                        }
                        // Anything else is reported where `$ref`s are checked.
                        _ => continue,
                    },
                    None => {
                        let base: String = format!("{name}Payload")
                            .chars()
                            .map(|c| {
                                if c.is_ascii_alphanumeric() || c == '_' {
                                    c
                                } else {
                                    '_'
                                }
                            })
                            .collect();
                        let mut key = base.clone();
                        let mut n = 2;
                        while taken.contains(&key) {
                            key = format!("{base}{n}");
                            n += 1;
                        }
                        taken.push(key.clone());
                        let from = Pointer::root()
                            .push("webhooks")
                            .push(name)
                            .push(method)
                            .push("requestBody")
                            .push("content")
                            .push(media)
                            .push("schema");
                        let to = Pointer::root()
                            .push("components")
                            .push("schemas")
                            .push(&key);
                        let origin = sources.locate(SpecError::new(file, &from, ""));
                        sources.add(to.as_str(), &origin.file, &origin.pointer);
                        insert_schema(doc, &key, schema.clone());
                        if let Some(slot) = doc.pointer_mut(from.as_str()) {
                            *slot = Value::Object(Map::from_iter([(
                                "$ref".to_owned(),
                                Value::from(format!("#{to}")),
                            )]));
                        }
                        key
                    }
                };
                out.push(WebhookPayload {
                    webhook: name.clone(),
                    schema: key,
                });
            }
        }
    }
    out
}

fn insert_schema(doc: &mut Value, key: &str, schema: Value) {
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(components) = components.as_object_mut() {
        let schemas = components
            .entry("schemas")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(schemas) = schemas.as_object_mut() {
            schemas.insert(key.to_owned(), schema);
        }
    }
}
