//! Stage 1: text (YAML or JSON) → the raw JSON tree and the typed `openapiv3` document.
//! The raw tree is kept so validation can check every `$ref` and point at any node.

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::error::{Pointer, SpecError, SpecErrors};

/// A parsed spec: its display name, the raw tree, and the typed document.
#[derive(Debug)]
pub struct LoadedSpec {
    /// How the file is named in messages (e.g. `specs/stripe.yaml`).
    pub file: String,
    pub raw: Value,
    pub api: OpenAPI,
}

/// Parses a spec. JSON is recognised by its first character; anything else is read as YAML.
pub fn load(file: &str, text: &str) -> Result<LoadedSpec, SpecErrors> {
    let one = |pointer: &Pointer, line_col: Option<(usize, usize)>, message: String| {
        SpecErrors(vec![SpecError {
            line_col,
            ..SpecError::new(file, pointer, message)
        }])
    };
    let raw: Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| {
            one(
                &Pointer::root(),
                Some((e.line(), e.column())),
                format!("JSON syntax error: {e}"),
            )
        })?
    } else {
        serde_yaml::from_str(text).map_err(|e| {
            let lc = e.location().map(|l| (l.line(), l.column()));
            one(&Pointer::root(), lc, format!("YAML syntax error: {e}"))
        })?
    };
    if raw.is_null() {
        return Err(one(
            &Pointer::root(),
            Some((1, 1)),
            "the file is empty".to_owned(),
        ));
    }

    match raw.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") || v == "3.0" => {}
        Some(v) => {
            let msg = format!("OpenAPI version {v:?} is not supported; this generator reads 3.0.x");
            return Err(one(&Pointer::root().push("openapi"), None, msg));
        }
        None => {
            let msg = "missing `openapi: 3.0.x`; is this an OpenAPI 3.0 document?".to_owned();
            return Err(one(&Pointer::root(), None, msg));
        }
    }

    let api: OpenAPI = serde_path_to_error::deserialize(&raw).map_err(|e| {
        // openapiv3 flattens `paths` and `components`, which hides where inside them the error
        // is; deserializing each entry on its own finds every bad entry, precisely.
        let mut errors = shape_errors(file, &raw);
        if errors.is_empty() {
            let message = format!("not a valid OpenAPI 3.0 document here: {}", e.inner());
            errors.push(SpecError::new(file, &pointer_of(e.path()), message));
        }
        SpecErrors(errors)
    })?;
    Ok(LoadedSpec {
        file: file.to_owned(),
        raw,
        api,
    })
}

/// Every path item and component that does not have its OpenAPI shape, located.
fn shape_errors(file: &str, raw: &Value) -> Vec<SpecError> {
    use openapiv3::{Parameter, PathItem, ReferenceOr, RequestBody, Response, Schema};

    fn check<T: serde::de::DeserializeOwned>(
        file: &str,
        at: Pointer,
        value: &Value,
        out: &mut Vec<SpecError>,
    ) {
        if let Err(e) = serde_path_to_error::deserialize::<_, T>(value) {
            let pointer = pointer_of(e.path());
            let inner = Pointer::from_fragment(&format!("{}{pointer}", at.as_str()));
            out.push(SpecError::new(
                file,
                &inner,
                format!("not a valid OpenAPI 3.0 document here: {}", e.inner()),
            ));
        }
    }

    let mut out = Vec::new();
    let entries = |key: &str| {
        raw.get(key)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
    };
    for (path, item) in entries("paths") {
        // Not through `ReferenceOr`: it is an untagged enum, which would hide the inner path.
        if item.get("$ref").is_none() {
            check::<PathItem>(
                file,
                Pointer::root().push("paths").push(path),
                item,
                &mut out,
            );
        }
    }
    let components = raw.get("components");
    let group = |kind: &str| {
        components
            .and_then(|c| c.get(kind))
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
    };
    let at = |kind: &str, name: &str| Pointer::root().push("components").push(kind).push(name);
    for (name, v) in group("schemas") {
        check::<ReferenceOr<Schema>>(file, at("schemas", name), v, &mut out);
    }
    for (name, v) in group("parameters") {
        check::<ReferenceOr<Parameter>>(file, at("parameters", name), v, &mut out);
    }
    for (name, v) in group("responses") {
        check::<ReferenceOr<Response>>(file, at("responses", name), v, &mut out);
    }
    for (name, v) in group("requestBodies") {
        check::<ReferenceOr<RequestBody>>(file, at("requestBodies", name), v, &mut out);
    }
    out
}

/// Converts serde_path_to_error's path into a JSON pointer.
fn pointer_of(path: &serde_path_to_error::Path) -> Pointer {
    use serde_path_to_error::Segment;
    path.iter().fold(Pointer::root(), |p, seg| match seg {
        Segment::Seq { index } => p.push(index),
        Segment::Map { key } => p.push(key),
        Segment::Enum { .. } | Segment::Unknown => p,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_and_json_both_load() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
        let json = r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{}}"#;
        assert_eq!(load("a.yaml", yaml).unwrap().api.info.title, "t");
        assert_eq!(load("a.json", json).unwrap().api.info.title, "t");
    }

    #[test]
    fn syntax_errors_carry_a_line() {
        let e = load("a.yaml", "openapi: 3.0.3\ninfo: [\n").unwrap_err();
        assert!(e.0[0].line_col.is_some(), "{e}");
        assert!(e.0[0].message.contains("YAML syntax error"), "{e}");
    }

    #[test]
    fn openapi_31_is_refused() {
        let e = load(
            "a.yaml",
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
        )
        .unwrap_err();
        assert_eq!(e.0[0].pointer, "/openapi");
    }

    #[test]
    fn shape_errors_point_at_the_node() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 5\n";
        let e = load("a.yaml", text).unwrap_err();
        assert_eq!(e.0[0].pointer, "/paths/~1a/get/responses", "{e}");
    }
}
