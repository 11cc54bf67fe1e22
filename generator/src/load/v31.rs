//! OpenAPI 3.1 brought to the 3.0 shape the rest of the generator reads, once, at the edge.
//!
//! 3.1 schemas are JSON Schema 2020-12. What has a 3.0 form is rewritten in place: `type` arrays
//! (`[T, "null"]` → `T` + `nullable`; several types → `anyOf`), `const` → a one-value `enum`,
//! numeric `exclusiveMinimum`/`exclusiveMaximum` → the bound + the 3.0 flag, `examples` arrays →
//! `example`, `contentEncoding: base64` → `format: byte`, `contentMediaType` on a string →
//! `format: binary`, and a `$ref` with a sibling `description` keeps that description (the 3.1
//! rule: the sibling's doc wins). Keywords with no 3.0 form are located problems, never
//! dropped: dropping `if`/`then` or `prefixItems` would make a wrong type silently.

use serde_json::{Map, Value};

use crate::error::{Pointer, SpecError};

/// JSON Schema keywords 3.1 allows that no 3.0 schema can say.
/// (`$defs` of a component schema were made components before; deeper ones are refused.)
const UNMAPPED: &[&str] = &[
    "$defs",
    "$dynamicRef",
    "$dynamicAnchor",
    "$anchor",
    "prefixItems",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedProperties",
    "unevaluatedItems",
    "patternProperties",
    "propertyNames",
    "contains",
    "minContains",
    "maxContains",
];

/// Rewrites a 3.1 document as 3.0 in place; the problems it cannot rewrite, located.
pub fn normalize(file: &str, doc: &mut Value) -> Vec<SpecError> {
    let mut n = Normalizer {
        file,
        problems: Vec::new(),
    };
    let root = Pointer::root();
    if let Some(map) = doc.as_object_mut() {
        map.insert("openapi".to_owned(), Value::from("3.0.3"));
        // 3.1 documents may hold only webhooks or components.
        map.entry("paths")
            .or_insert_with(|| Value::Object(Map::new()));
        for key in ["paths", "webhooks"] {
            if let Some(Value::Object(items)) = map.get_mut(key) {
                for (name, item) in items.iter_mut() {
                    n.path_item(item, &root.push(key).push(name));
                }
            }
        }
        if let Some(Value::Object(components)) = map.get_mut("components") {
            let at = root.push("components");
            n.each(components, "schemas", &at, |n, v, at| n.schema(v, at));
            n.each(components, "parameters", &at, |n, v, at| n.parameter(v, at));
            n.each(components, "headers", &at, |n, v, at| n.parameter(v, at));
            n.each(components, "requestBodies", &at, |n, v, at| {
                n.content(v, at)
            });
            n.each(components, "responses", &at, |n, v, at| n.response(v, at));
            n.each(components, "pathItems", &at, |n, v, at| n.path_item(v, at));
        }
    }
    n.problems
}

struct Normalizer<'a> {
    file: &'a str,
    problems: Vec<SpecError>,
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

impl Normalizer<'_> {
    /// Calls `f` on every entry of the map `parent[key]`.
    fn each(
        &mut self,
        parent: &mut Map<String, Value>,
        key: &str,
        at: &Pointer,
        f: impl Fn(&mut Self, &mut Value, &Pointer),
    ) {
        if let Some(Value::Object(items)) = parent.get_mut(key) {
            for (name, v) in items.iter_mut() {
                f(self, v, &at.push(key).push(name));
            }
        }
    }

    fn path_item(&mut self, item: &mut Value, at: &Pointer) {
        let Some(item) = item.as_object_mut() else {
            return;
        };
        self.parameters(item, at);
        for method in METHODS {
            let Some(Value::Object(op)) = item.get_mut(*method) else {
                continue;
            };
            let at = at.push(method);
            self.parameters(op, &at);
            if let Some(body) = op.get_mut("requestBody") {
                self.content(body, &at.push("requestBody"));
            }
            self.each(op, "responses", &at, |n, v, at| n.response(v, at));
        }
    }

    fn parameters(&mut self, holder: &mut Map<String, Value>, at: &Pointer) {
        if let Some(Value::Array(params)) = holder.get_mut("parameters") {
            for (i, p) in params.iter_mut().enumerate() {
                self.parameter(p, &at.push("parameters").push(i));
            }
        }
    }

    /// A parameter or a header: a schema, or content.
    fn parameter(&mut self, p: &mut Value, at: &Pointer) {
        if let Some(schema) = p.get_mut("schema") {
            self.schema(schema, &at.push("schema"));
        }
        self.content(p, at);
    }

    fn response(&mut self, r: &mut Value, at: &Pointer) {
        self.content(r, at);
        if let Some(Value::Object(headers)) = r.get_mut("headers") {
            for (name, h) in headers.iter_mut() {
                self.parameter(h, &at.push("headers").push(name));
            }
        }
    }

    /// `content: {media type: {schema}}` of a body, response or parameter.
    fn content(&mut self, holder: &mut Value, at: &Pointer) {
        if let Some(Value::Object(content)) = holder.get_mut("content") {
            for (media, m) in content.iter_mut() {
                if let Some(schema) = m.get_mut("schema") {
                    self.schema(schema, &at.push("content").push(media).push("schema"));
                }
            }
        }
    }

    fn schema(&mut self, v: &mut Value, at: &Pointer) {
        match v {
            // A boolean schema: `true` allows anything.
            Value::Bool(true) => {
                *v = Value::Object(Map::new());
                return;
            }
            Value::Bool(false) => {
                self.problem(
                    at,
                    "the schema `false` (no value is valid) has no Rust type",
                );
                return;
            }
            _ => {}
        }
        let Some(s) = v.as_object_mut() else {
            return;
        };
        for key in UNMAPPED {
            if s.contains_key(*key) {
                self.problem(
                    &at.push(key),
                    format!("`{key}` (JSON Schema, OpenAPI 3.1) has no OpenAPI 3.0 form this generator can map"),
                );
            }
        }
        // `$ref` beside a description: 3.0 would ignore the sibling, 3.1 says it wins.
        if s.contains_key("$ref") && s.len() > 1 {
            let reference = s.remove("$ref").unwrap_or_default();
            let docs = s.remove("description");
            s.clear();
            s.insert(
                "allOf".to_owned(),
                Value::Array(vec![Value::Object(Map::from_iter([(
                    "$ref".to_owned(),
                    reference,
                )]))]),
            );
            if let Some(docs) = docs {
                s.insert("description".to_owned(), docs);
            }
            return;
        }
        if let Some(c) = s.remove("const") {
            // 3.1 lets `const` stand alone; 3.0 enums need a type.
            let ty = match &c {
                Value::String(_) => Some("string"),
                Value::Bool(_) => Some("boolean"),
                Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
                Value::Number(_) => Some("number"),
                _ => None,
            };
            if let Some(ty) = ty {
                s.entry("type").or_insert_with(|| Value::from(ty));
            }
            s.insert("enum".to_owned(), Value::Array(vec![c]));
        }
        if let Some(Value::Array(examples)) = s.get("examples") {
            let first = examples.first().cloned();
            s.remove("examples");
            if let Some(first) = first {
                s.entry("example").or_insert(first);
            }
        }
        for (bound, limit) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            if s.get(bound).is_some_and(Value::is_number) {
                let n = s.remove(bound).unwrap_or_default();
                s.insert(limit.to_owned(), n);
                s.insert(bound.to_owned(), Value::Bool(true));
            }
        }
        if s.get("type").and_then(Value::as_str) == Some("string") {
            if s.get("contentEncoding").and_then(Value::as_str) == Some("base64") {
                s.entry("format").or_insert_with(|| Value::from("byte"));
            } else if s.contains_key("contentMediaType") {
                s.entry("format").or_insert_with(|| Value::from("binary"));
            }
        }
        self.types(s, at);
        // Then the schemas inside.
        for key in ["properties"] {
            if let Some(Value::Object(props)) = s.get_mut(key) {
                for (name, p) in props.iter_mut() {
                    self.schema(p, &at.push(key).push(name));
                }
            }
        }
        for key in ["items", "additionalProperties", "not"] {
            if let Some(inner) = s.get_mut(key) {
                if inner.is_object() || key == "items" {
                    self.schema(inner, &at.push(key));
                }
            }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Array(members)) = s.get_mut(key) {
                for (i, m) in members.iter_mut().enumerate() {
                    self.schema(m, &at.push(key).push(i));
                }
            }
        }
    }

    /// `type: [T, "null"]` → `type: T, nullable: true`; several types → `anyOf` of each.
    fn types(&mut self, s: &mut Map<String, Value>, at: &Pointer) {
        let Some(Value::Array(list)) = s.get("type") else {
            return;
        };
        let mut names = Vec::new();
        for t in list {
            match t.as_str() {
                Some(name) => names.push(name.to_owned()),
                None => {
                    self.problem(&at.push("type"), "a `type` list may hold only type names");
                    return;
                }
            }
        }
        let nullable = names.iter().any(|t| t == "null");
        names.retain(|t| t != "null");
        s.remove("type");
        if nullable {
            s.insert("nullable".to_owned(), Value::Bool(true));
        }
        match names.as_slice() {
            [] => {}
            [only] => {
                s.insert("type".to_owned(), Value::from(only.as_str()));
            }
            several => {
                let members = several
                    .iter()
                    .map(|t| {
                        Value::Object(Map::from_iter([(
                            "type".to_owned(),
                            Value::from(t.as_str()),
                        )]))
                    })
                    .collect();
                s.insert("anyOf".to_owned(), Value::Array(members));
            }
        }
    }

    fn problem(&mut self, at: &Pointer, message: impl Into<String>) {
        self.problems.push(SpecError::new(self.file, at, message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalized(schema: Value) -> (Value, Vec<SpecError>) {
        let mut doc = serde_json::json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "components": {"schemas": {"S": schema}}
        });
        let problems = normalize("a.yaml", &mut doc);
        assert_eq!(doc["openapi"], "3.0.3");
        assert!(doc["paths"].is_object());
        (doc["components"]["schemas"]["S"].take(), problems)
    }

    #[test]
    fn type_lists_become_nullable_or_unions() {
        use serde_json::json;
        let cases = [
            (
                json!({"type": ["string", "null"]}),
                json!({"type": "string", "nullable": true}),
            ),
            (json!({"type": ["integer"]}), json!({"type": "integer"})),
            (
                json!({"type": ["string", "integer", "null"], "description": "d"}),
                json!({"anyOf": [{"type": "string"}, {"type": "integer"}], "nullable": true, "description": "d"}),
            ),
            (
                json!({"const": "x"}),
                json!({"type": "string", "enum": ["x"]}),
            ),
            (json!({"const": 3}), json!({"type": "integer", "enum": [3]})),
            (
                json!({"type": "number", "const": 3}),
                json!({"type": "number", "enum": [3]}),
            ),
            (
                json!({"type": "number", "exclusiveMinimum": 0}),
                json!({"type": "number", "minimum": 0, "exclusiveMinimum": true}),
            ),
            (
                json!({"type": "string", "examples": ["a", "b"]}),
                json!({"type": "string", "example": "a"}),
            ),
            (
                json!({"type": "string", "contentMediaType": "image/png"}),
                json!({"type": "string", "contentMediaType": "image/png", "format": "binary"}),
            ),
            (
                json!({"type": "string", "contentEncoding": "base64"}),
                json!({"type": "string", "contentEncoding": "base64", "format": "byte"}),
            ),
            (
                json!({"$ref": "#/components/schemas/T", "description": "mine"}),
                json!({"allOf": [{"$ref": "#/components/schemas/T"}], "description": "mine"}),
            ),
            (json!(true), json!({})),
            (
                json!({"type": "object", "properties": {"const": {"type": ["string", "null"]}}}),
                json!({"type": "object", "properties": {"const": {"type": "string", "nullable": true}}}),
            ),
        ];
        for (input, want) in cases {
            let (got, problems) = normalized(input.clone());
            assert!(problems.is_empty(), "{input}: {problems:?}");
            assert_eq!(got, want, "{input}");
        }
    }

    #[test]
    fn what_3_0_cannot_say_is_a_located_problem() {
        let (_, problems) = normalized(serde_json::json!({
            "type": "object",
            "properties": {"p": {"type": "array", "prefixItems": [{"type": "string"}]}},
            "if": {"required": ["a"]}
        }));
        let pointers: Vec<&str> = problems.iter().map(|p| p.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/components/schemas/S/if",
                "/components/schemas/S/properties/p/prefixItems"
            ]
        );
        let (_, problems) = normalized(serde_json::json!(false));
        assert_eq!(problems.len(), 1);
    }
}
