//! Stage 1: text (YAML or JSON, in one file or many) → the raw JSON tree and the typed
//! `openapiv3` document. The raw tree is kept so validation can check every `$ref` and point at
//! any node; the files a spec was split over are bundled into it first (`bundle.rs`), and the
//! source map kept with it names the real file of every problem.

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::error::{Pointer, SpecError, SpecErrors};

mod bundle;
mod defs;
mod v31;
mod webhooks;
mod yaml;

pub use bundle::{Reader, SourceMap};
pub use webhooks::WebhookPayload;

/// A parsed spec: its display name, the raw tree, and the typed document.
#[derive(Debug)]
pub struct LoadedSpec {
    /// How the file is named in messages (e.g. `specs/stripe.yaml`).
    pub file: String,
    pub raw: Value,
    /// The document less any operation that does not have an operation's shape.
    pub api: OpenAPI,
    /// Operations set aside because they do not have an operation's shape (no `responses`,
    /// say), each with its problems: a problem for that operation only, reported when it is
    /// selected (or listed as left out, with `skip_unsupported`).
    pub broken_operations: Vec<BrokenOperation>,
    /// Every file the spec was read from, the entry first.
    pub files: Vec<String>,
    /// Where each part of `raw` came from, for specs over several files.
    pub sources: SourceMap,
    /// The payload schemas of the document's webhooks (OpenAPI 3.1), generated as types.
    pub webhook_payloads: Vec<WebhookPayload>,
}

/// An operation `load` set aside, and why.
#[derive(Clone, Debug)]
pub struct BrokenOperation {
    /// Lower case, as the spec spells it: `get`, `post`, …
    pub method: String,
    pub path: String,
    /// The operationId, or `method path` when it has none.
    pub operation_id: String,
    pub problems: Vec<SpecError>,
}

/// Parses a spec held in one file. A `$ref` to another file is an error here: use
/// [`load_files`] for specs split over several.
pub fn load(file: &str, text: &str) -> Result<LoadedSpec, SpecErrors> {
    load_files(file, &mut |path: &str| {
        if path == file {
            Ok(text.to_owned())
        } else {
            Err(
                "only one file was given (`load`); specs over several files need `load_files`"
                    .to_owned(),
            )
        }
    })
}

/// Parses a spec from its entry file and every file its `$ref`s reach, each read through `read`
/// by its path relative to the entry's folder, joined to `entry` (`specs/api/openapi.yaml` refers
/// to `paths/a.yaml`: `read("specs/api/paths/a.yaml")`). The files are bundled into one document
/// (see `bundle`), and every problem, then and later, names the file that holds it.
///
/// Documents are read as they are found, then repaired once here so the rest of the generator
/// sees plain JSON: a byte-order mark is skipped; YAML keys that are numbers or booleans
/// (unquoted status codes) become strings; merge keys (`<<: *anchor`) are applied; integers
/// beyond 64 bits become floats, and integer bounds (`minimum`, `maximum`) that no 64-bit integer
/// can reach are dropped, since no value of the field can cross them anyway. A key repeated in
/// one mapping is an error with its line. JSON is recognised by its first character; anything
/// else is read as YAML.
pub fn load_files(entry: &str, read: &mut Reader<'_>) -> Result<LoadedSpec, SpecErrors> {
    let file = entry;
    let one = |pointer: &Pointer, message: String| {
        SpecErrors(vec![SpecError::new(file, pointer, message)])
    };
    let text =
        read(entry).map_err(|e| one(&Pointer::root(), format!("cannot read the spec: {e}")))?;
    let raw = parse(entry, &text).map_err(SpecErrors)?;
    if raw.is_null() {
        return Err(SpecErrors(vec![SpecError {
            line_col: Some((1, 1)),
            ..SpecError::new(file, &Pointer::root(), "the file is empty")
        }]));
    }
    is_31(entry, &raw)?;
    let bundled = bundle::bundle(entry, raw, read, &parse).map_err(SpecErrors)?;
    let mut sources = bundled.sources;
    let mut spec = match from_tree(entry, bundled.doc, &mut sources) {
        Ok(spec) => spec,
        Err(e) => return Err(SpecErrors(sources.locate_all(e.0))),
    };
    for broken in &mut spec.broken_operations {
        broken.problems = sources.locate_all(std::mem::take(&mut broken.problems));
    }
    spec.files = bundled.files;
    spec.sources = sources;
    Ok(spec)
}

/// One file's text as a JSON tree, repaired as [`load_files`] says.
fn parse(file: &str, text: &str) -> Result<Value, Vec<SpecError>> {
    let one = |line_col: Option<(usize, usize)>, message: String| {
        vec![SpecError {
            line_col,
            ..SpecError::new(file, &Pointer::root(), message)
        }]
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut raw: Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| {
            one(
                Some((e.line(), e.column())),
                format!("JSON syntax error: {e}"),
            )
        })?
    } else {
        serde_yaml::from_str::<yaml::Tree>(text)
            .map(|tree| tree.0)
            .map_err(|e| {
                let lc = e.location().map(|l| (l.line(), l.column()));
                one(lc, format!("YAML syntax error: {e}"))
            })?
    };
    yaml::merge_keys(&mut raw);
    drop_unreachable_integer_bounds(&mut raw);
    Ok(raw)
}

/// Whether the document is OpenAPI 3.1 (else 3.0); an error for anything else.
fn is_31(file: &str, raw: &Value) -> Result<bool, SpecErrors> {
    let one = |pointer: &Pointer, message: String| {
        SpecErrors(vec![SpecError::new(file, pointer, message)])
    };
    match raw.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") || v == "3.0" => Ok(false),
        Some("3.1.0" | "3.1.1" | "3.1.2") => Ok(true),
        Some(v) => {
            let msg = format!(
                "OpenAPI version {v:?} is not supported; this generator reads 3.0.x and 3.1.0 to 3.1.2"
            );
            Err(one(&Pointer::root().push("openapi"), msg))
        }
        None => {
            let msg =
                "missing `openapi: 3.0.x` or `3.1.x`; is this an OpenAPI document?".to_owned();
            Err(one(&Pointer::root(), msg))
        }
    }
}

/// The bundled document, checked and read into the typed `openapiv3` form.
fn from_tree(
    file: &str,
    mut raw: Value,
    sources: &mut SourceMap,
) -> Result<LoadedSpec, SpecErrors> {
    // 3.1 is brought to the 3.0 shape here, once; the rest reads one kind of document.
    if is_31(file, &raw)? {
        defs::hoist(file, &mut raw, sources);
        let problems = v31::normalize(file, &mut raw);
        if !problems.is_empty() {
            return Err(SpecErrors(problems));
        }
    }
    let webhook_payloads = webhooks::payloads(file, &mut raw, sources);

    let (api, broken_operations) = match serde_path_to_error::deserialize::<_, OpenAPI>(&raw) {
        Ok(api) => (api, Vec::new()),
        Err(e) => {
            // openapiv3 flattens `paths` and `components`, which hides where inside them the
            // error is; deserializing each entry on its own finds every bad entry, precisely.
            let errors = shape_errors(file, &raw);
            let whole = |errors: Vec<SpecError>| {
                let mut errors = errors;
                if errors.is_empty() {
                    let message = format!("not a valid OpenAPI 3.0 document here: {}", e.inner());
                    errors.push(SpecError::new(file, &pointer_of(e.path()), message));
                }
                SpecErrors(errors)
            };
            // Problems inside one operation are that operation's: it is set aside and the rest
            // of the document read without it.
            let (own, rest): (Vec<_>, Vec<_>) = errors
                .into_iter()
                .partition(|p| operation_of(&p.pointer).is_some());
            if own.is_empty() || !rest.is_empty() {
                let mut all = own;
                all.extend(rest);
                return Err(whole(all));
            }
            let mut broken: Vec<BrokenOperation> = Vec::new();
            let mut trimmed = raw.clone();
            for problem in own {
                let Some((path, method)) = operation_of(&problem.pointer) else {
                    continue;
                };
                if let Some(item) = trimmed["paths"]
                    .get_mut(&path)
                    .and_then(Value::as_object_mut)
                {
                    item.remove(&method);
                }
                match broken
                    .iter_mut()
                    .find(|b| b.path == path && b.method == method)
                {
                    Some(b) => b.problems.push(problem),
                    None => {
                        let operation_id = raw["paths"][&path][&method]["operationId"]
                            .as_str()
                            .map_or_else(|| format!("{method} {path}"), str::to_owned);
                        broken.push(BrokenOperation {
                            method,
                            path,
                            operation_id,
                            problems: vec![problem],
                        });
                    }
                }
            }
            let api = serde_path_to_error::deserialize::<_, OpenAPI>(&trimmed)
                .map_err(|_| whole(shape_errors(file, &trimmed)))?;
            (api, broken)
        }
    };
    Ok(LoadedSpec {
        file: file.to_owned(),
        raw,
        api,
        broken_operations,
        files: vec![file.to_owned()],
        sources: SourceMap::single(file),
        webhook_payloads,
    })
}

/// The path and method of the operation a pointer is inside (`/paths/~1a/get/...`).
fn operation_of(pointer: &str) -> Option<(String, String)> {
    let mut segments = pointer.split('/').skip(1);
    let unescape = |s: &str| s.replace("~1", "/").replace("~0", "~");
    match (segments.next(), segments.next(), segments.next()) {
        (Some("paths"), Some(path), Some(method))
            if [
                "get", "put", "post", "delete", "options", "head", "patch", "trace",
            ]
            .contains(&method) =>
        {
            Some((unescape(path), method.to_owned()))
        }
        _ => None,
    }
}

/// Drops `minimum`/`maximum` of integer schemas that no `i64` can reach (OpenAI's spec bounds a
/// seed by ±9223372036854776000, one past the range once written as a float): the typed reader
/// takes bounds as `i64`, and such a bound constrains nothing.
fn drop_unreachable_integer_bounds(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if map.get("type").and_then(Value::as_str) == Some("integer") {
                for key in ["minimum", "maximum"] {
                    let beyond = |b: &Value| {
                        b.as_i64().is_none()
                            && b.as_f64()
                                .is_some_and(|f| f <= i64::MIN as f64 || f >= i64::MAX as f64)
                    };
                    if map.get(key).is_some_and(beyond) {
                        map.remove(key);
                    }
                }
            }
            map.values_mut().for_each(drop_unreachable_integer_bounds);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_unreachable_integer_bounds),
        _ => {}
    }
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
    fn openapi_31_is_read_and_later_versions_refused() {
        let spec = load(
            "a.yaml",
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    A: {type: [string, 'null']}\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(spec.api.paths.paths.is_empty());
        let e = load(
            "a.yaml",
            "openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
        )
        .unwrap_err();
        assert_eq!(e.0[0].pointer, "/openapi");
    }

    #[test]
    fn documents_as_they_are_found() {
        let base = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";
        // Unquoted status codes, a byte-order mark, merge keys, a bound beyond i64.
        let text = format!(
            "\u{feff}{base}paths:\n  /a:\n    get:\n      responses:\n        200: &ok\n          description: fine\n        404:\n          <<: *ok\n          x-extra: 1\ncomponents:\n  schemas:\n    Seed: {{type: integer, minimum: -9223372036854776000, maximum: 9223372036854776000}}\n    Big: {{type: number, maximum: 1e300}}\n"
        );
        let spec = load("a.yaml", &text).unwrap_or_else(|e| panic!("{e}"));
        let responses = &spec.raw["paths"]["/a"]["get"]["responses"];
        assert_eq!(responses["200"]["description"], "fine");
        assert_eq!(responses["404"]["description"], "fine");
        assert_eq!(responses["404"]["x-extra"], 1);
        assert!(responses["404"].get("<<").is_none());
        let seed = &spec.raw["components"]["schemas"]["Seed"];
        assert!(
            seed.get("minimum").is_none() && seed.get("maximum").is_none(),
            "{seed}"
        );
        assert_eq!(spec.raw["components"]["schemas"]["Big"]["maximum"], 1e300);
        let json = format!("\u{feff}{}", serde_json::to_string(&spec.raw).unwrap());
        assert!(load("a.json", &json).is_ok());
    }

    #[test]
    fn a_repeated_key_is_an_error_with_the_mappings_line() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a: {}\n  /a: {}\n";
        let e = load("a.yaml", text).unwrap_err();
        assert!(e.0[0].message.contains("`/a` appears twice"), "{e}");
        assert_eq!(e.0[0].line_col.map(|(l, _)| l), Some(4), "{e}");
    }

    #[test]
    fn an_operation_without_an_operations_shape_is_set_aside() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: {}\n  /b:\n    get:\n      operationId: B\n    post:\n      responses: {}\n";
        let spec = load("a.yaml", text).unwrap_or_else(|e| panic!("{e}"));
        assert!(spec.api.paths.paths.contains_key("/a"));
        let broken: Vec<(&str, &str, &str)> = spec
            .broken_operations
            .iter()
            .map(|b| {
                (
                    b.method.as_str(),
                    b.path.as_str(),
                    b.problems[0].pointer.as_str(),
                )
            })
            .collect();
        assert_eq!(broken, [("get", "/b", "/paths/~1b/get")]);
        assert_eq!(spec.broken_operations[0].operation_id, "B");
        let b = spec.api.paths.paths["/b"].as_item().unwrap();
        assert!(b.get.is_none() && b.post.is_some());
    }

    #[test]
    fn shape_errors_point_at_the_node() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 5\n";
        let spec = load("a.yaml", text).unwrap();
        let problem = &spec.broken_operations[0].problems[0];
        assert_eq!(problem.pointer, "/paths/~1a/get/responses", "{problem}");
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents: {schemas: {A: 5}}\n";
        let e = load("a.yaml", text).unwrap_err();
        assert_eq!(e.0[0].pointer, "/components/schemas/A", "{e}");
    }
}
