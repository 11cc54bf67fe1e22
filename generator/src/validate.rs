//! Stage 2: collect every problem the later stages would trip on, so a broken spec is reported
//! whole and nothing is written. Checks here are about the document; what the generator cannot
//! yet express is reported by `lower` with the same kind of location.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{Operation, Parameter, PathItem, ReferenceOr};
use serde_json::Value;

use crate::config::Selection;
use crate::error::{Pointer, SpecError};
use crate::load::LoadedSpec;
use crate::resolve::Resolver;

/// Media types request bodies may use.
pub const FORM: &str = "application/x-www-form-urlencoded";
/// Media type of multipart request bodies (file uploads).
pub const MULTIPART: &str = "multipart/form-data";
/// Media type of JSON bodies.
pub const JSON: &str = "application/json";

pub fn validate(spec: &LoadedSpec, selection: &Selection, config_file: &str) -> Vec<SpecError> {
    let mut errors = Vec::new();
    let err = |p: &Pointer, m: String| SpecError::new(&spec.file, p, m);

    check_refs(&spec.raw, &spec.raw, &Pointer::root(), &mut |p, m| {
        errors.push(err(p, m))
    });

    let resolver = Resolver::new(&spec.api, &spec.file);
    let mut seen_ids: BTreeMap<&str, Pointer> = BTreeMap::new();
    let mut selected_ids = BTreeSet::new();
    for (path, item) in &spec.api.paths.paths {
        let item_ptr = Pointer::root().push("paths").push(path);
        let ReferenceOr::Item(item) = item else {
            errors.push(err(
                &item_ptr,
                "path items given as `$ref` are not supported".into(),
            ));
            continue;
        };
        for (method, op) in operations(item) {
            let op_ptr = item_ptr.push(method);
            if let Some(id) = &op.operation_id {
                if let Some(first) = seen_ids.insert(id, op_ptr.clone()) {
                    let m = format!(
                        "operationId {id:?} is also used at #{first}; operationIds must be unique"
                    );
                    errors.push(err(&op_ptr.push("operationId"), m));
                }
            }
            // Without an operationId an operation is known by `method path`, as in `lower`.
            let id = op
                .operation_id
                .clone()
                .unwrap_or_else(|| format!("{method} {path}"));
            // A path template is the operation's own: an unselected one's cannot stop a binding.
            if selection.selects(&id, path) {
                check_path_template(path, item, op, &op_ptr, &item_ptr, &resolver, &mut errors);
                selected_ids.insert(id);
            }
        }
    }

    // Operations the loader set aside (not an operation's shape) are problems when selected.
    for broken in &spec.broken_operations {
        if selection.selects(&broken.operation_id, &broken.path) {
            selected_ids.insert(broken.operation_id.clone());
            errors.extend(broken.problems.iter().cloned());
        }
    }

    for (i, id) in selection.include.iter().enumerate() {
        if !selected_ids.contains(id) {
            let p = Pointer::root().push("operations").push("include").push(i);
            let m = format!(
                "operation {id:?} is not in {}; check the operationId's spelling",
                spec.file
            );
            errors.push(SpecError::new(config_file, &p, m));
        }
    }
    errors
}

/// The operations of a path item with their lower-case method names, in a fixed order.
pub fn operations(item: &PathItem) -> impl Iterator<Item = (&'static str, &Operation)> {
    [
        ("get", &item.get),
        ("put", &item.put),
        ("post", &item.post),
        ("delete", &item.delete),
        ("options", &item.options),
        ("head", &item.head),
        ("patch", &item.patch),
        ("trace", &item.trace),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.as_ref().map(|op| (m, op)))
}

/// Every `$ref` must be local (`#/…`) and point at something that exists.
fn check_refs(root: &Value, node: &Value, at: &Pointer, report: &mut dyn FnMut(&Pointer, String)) {
    match node {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref") {
                let here = at.push("$ref");
                match r.as_str() {
                    Some(target) if target.starts_with("#/") => {
                        let pointer = target.trim_start_matches('#');
                        if root.pointer(pointer).is_none() {
                            report(&here, format!("`$ref: {target}` points at nothing in this file"));
                        }
                    }
                    Some(target) => report(
                        &here,
                        format!("`$ref: {target}` is not a local reference (`#/…`); references to other files are not supported"),
                    ),
                    None => report(&here, "`$ref` must be a string".to_owned()),
                }
            }
            for (k, v) in map {
                check_refs(root, v, &at.push(k), report);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                check_refs(root, v, &at.push(i), report);
            }
        }
        _ => {}
    }
}

/// The template's `{names}` must be exactly the declared, required path parameters.
fn check_path_template(
    path: &str,
    item: &PathItem,
    op: &Operation,
    op_ptr: &Pointer,
    item_ptr: &Pointer,
    resolver: &Resolver<'_>,
    errors: &mut Vec<SpecError>,
) {
    let file = resolver.file();
    let template = match crate::path::parse_template(path) {
        Ok(t) => t,
        Err(m) => {
            errors.push(SpecError::new(file, item_ptr, m));
            return;
        }
    };
    let mut declared: BTreeMap<String, (Pointer, bool)> = BTreeMap::new();
    let lists = [(&item.parameters, item_ptr), (&op.parameters, op_ptr)];
    for (params, base) in lists {
        for (i, p) in params.iter().enumerate() {
            let ptr = base.push("parameters").push(i);
            let Ok((_, param)) = resolver.parameter(p, &ptr) else {
                continue;
            };
            if let Parameter::Path { parameter_data, .. } = param {
                declared.insert(parameter_data.name.clone(), (ptr, parameter_data.required));
            }
        }
    }
    // A template variable nobody declares, or a declared parameter outside the template, is
    // worked around by `lower` and reported there as a warning.
    for (name, (ptr, required)) in &declared {
        if template.params().any(|p| p == name) && !required {
            errors.push(SpecError::new(
                file,
                &ptr.push("required"),
                "path parameters must be `required: true`",
            ));
        }
    }
}
