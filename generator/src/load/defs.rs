//! JSON Schema `$defs` (OpenAPI 3.1) in component schemas: each definition becomes a component
//! of its own, and `$ref`s into it (`#/components/schemas/Sale/$defs/Money`) point there, so
//! the rest of the generator sees plain components. Named after the definition (`Money`), or
//! `Sale_Money` when a component already has that name.

use serde_json::Value;

use super::SourceMap;
use crate::error::{Pointer, SpecError};

pub fn hoist(file: &str, doc: &mut Value, sources: &mut SourceMap) {
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return;
    };
    let mut taken: Vec<String> = schemas.keys().cloned().collect();
    let mut moved = Vec::new();
    let mut renames: Vec<(String, String)> = Vec::new();
    for (owner, schema) in schemas.iter_mut() {
        let Some(Value::Object(defs)) = schema.as_object_mut().and_then(|s| s.remove("$defs"))
        else {
            continue;
        };
        for (def, value) in defs {
            let mut key = def.clone();
            let mut n = 2;
            while taken.contains(&key) {
                key = if n == 2 {
                    format!("{owner}_{def}")
                } else {
                    format!("{owner}_{def}{n}")
                };
                n += 1;
            }
            taken.push(key.clone());
            let from = Pointer::root()
                .push("components")
                .push("schemas")
                .push(owner)
                .push("$defs")
                .push(&def);
            let to = Pointer::root()
                .push("components")
                .push("schemas")
                .push(&key);
            let origin = sources.locate(SpecError::new(file, &from, ""));
            sources.add(to.as_str(), &origin.file, &origin.pointer);
            renames.push((format!("#{from}"), format!("#{to}")));
            moved.push((key, value));
        }
    }
    schemas.extend(moved);
    if !renames.is_empty() {
        rewrite(doc, &renames);
    }
}

/// Every `$ref` into a moved definition, pointed at where it now is.
fn rewrite(v: &mut Value, renames: &[(String, String)]) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref") {
                for (old, new) in renames {
                    if let Some(rest) = r.strip_prefix(old.as_str()) {
                        if rest.is_empty() || rest.starts_with('/') {
                            *r = format!("{new}{rest}");
                            break;
                        }
                    }
                }
            }
            map.values_mut().for_each(|v| rewrite(v, renames));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite(v, renames)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn defs_become_components_and_refs_follow_them() {
        let text = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    Money: {type: string}\n    Sale:\n      properties:\n        total: {$ref: '#/components/schemas/Sale/$defs/Money'}\n        unit: {$ref: '#/components/schemas/Sale/$defs/Unit/properties/code'}\n      $defs:\n        Money: {type: integer}\n        Unit: {properties: {code: {type: string}}}\n";
        let spec = crate::load::load("a.yaml", text).unwrap_or_else(|e| panic!("{e}"));
        let schemas = &spec.raw["components"]["schemas"];
        // `Money` is taken by a component, so the definition is `Sale_Money`.
        assert_eq!(schemas["Sale_Money"]["type"], "integer");
        assert_eq!(schemas["Unit"]["properties"]["code"]["type"], "string");
        let props = &schemas["Sale"]["properties"];
        assert_eq!(props["total"]["$ref"], "#/components/schemas/Sale_Money");
        assert_eq!(
            props["unit"]["$ref"],
            "#/components/schemas/Unit/properties/code"
        );
        assert!(schemas["Sale"].get("$defs").is_none());
        // A problem inside a definition still points where it was written.
        let bad = text.replace(
            "Money: {type: integer}",
            "Money: {type: array, prefixItems: []}",
        );
        let e = crate::load::load("a.yaml", &bad).unwrap_err();
        assert_eq!(
            e.0[0].pointer, "/components/schemas/Sale/$defs/Money/prefixItems",
            "{e}"
        );
    }
}
