//! An OpenAPI 3.0 and 3.1 → Rust binding generator.
//!
//! The pipeline, one module per stage: [`mod@load`] (YAML/JSON, 3.0 or 3.1, one file or many →
//! the 3.0 `openapiv3` document) → `validate` (every problem at once, with JSON pointers) → `lower`
//! (spec → the plain-data [`model`]) → `emit` (model → files: `quote!` + `prettyplease` for
//! Rust items, askama for fixed text). Names come from [`naming`], rustdoc from [`docs`]; every
//! string that reaches a generated file is escaped for where it lands by `escape`. Nothing here
//! touches the file system: [`generate`] returns the files in memory and the `xtask` writes
//! them.

pub mod config;
mod dedupe;
pub mod docs;
mod emit;
pub mod error;
mod escape;
pub mod load;
mod locate;
mod lower;
pub mod model;
pub mod naming;
pub mod path;
mod resolve;
mod validate;

use std::collections::BTreeMap;

pub use config::Config;
pub use emit::Provenance;
pub use error::{SpecError, SpecErrors};
pub use load::{load, load_files, LoadedSpec};

/// The files of a binding crate, keyed by path relative to the crate root, plus counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generated {
    pub files: BTreeMap<String, String>,
    pub operations: usize,
    pub types: usize,
    /// Component schema key → the path of its Rust type in the crate (`types::Account`), for
    /// tools that pair spec objects with generated types (the fixture round-trip check).
    pub type_names: BTreeMap<String, String>,
    /// Selected operations left out because the generator cannot map them (only with
    /// `operations.skip_unsupported`), each with its located problems.
    pub left_out: Vec<model::LeftOut>,
    /// What the generator worked around rather than refused, located (see `model::Api`).
    pub warnings: Vec<SpecError>,
    /// With `[webhooks]`: the path of the enum an event's `data.object` decodes into
    /// (`types::EventDataObject`).
    pub event_object: Option<String>,
    /// The selected operations named after their operationId because the path rule gave
    /// another operation of the document the same module and name; empty when every name came
    /// from the path rule (see `naming::locate_operations`).
    pub name_fallbacks: Vec<NameFallback>,
}

/// An operation whose function is named after its operationId instead of its path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameFallback {
    /// `GET`, `POST`, …
    pub method: &'static str,
    pub path: String,
    pub operation_id: String,
    /// The function's path in the crate (`balance::history::get_balance_history`).
    pub function: String,
}

/// Generates the binding crate for the operations `config` selects.
///
/// `config_file` names the config in error messages; `provenance` is what each file's
/// `@generated` header says. Same inputs, same bytes.
pub fn generate(
    spec: &LoadedSpec,
    config: &Config,
    config_file: &str,
    provenance: &Provenance,
) -> Result<Generated, SpecErrors> {
    let api = build_model(spec, config, config_file)?;
    let files = emit::emit(&api, config, provenance).map_err(|bug| {
        SpecErrors(vec![SpecError {
            file: spec.file.clone(),
            pointer: String::new(),
            line_col: None,
            message: bug,
        }])
    })?;
    let type_names = api
        .components
        .iter()
        .map(|(key, id)| {
            (
                key.clone(),
                format!("types::{}", api.types[id.0].name().rust),
            )
        })
        .collect();
    let event_object = api
        .event
        .as_ref()
        .map(|e| format!("types::{}", api.types[e.object.0].name().rust));
    let name_fallbacks = api
        .operations
        .iter()
        .filter(|op| op.name_origin == model::NameOrigin::OperationId)
        .map(|op| NameFallback {
            method: op.method.as_str(),
            path: op.path.clone(),
            operation_id: op.name.api.clone(),
            function: format!("{}::{}", op.module.join("::"), op.name.rust),
        })
        .collect();
    Ok(Generated {
        left_out: api.left_out.clone(),
        warnings: api.warnings.clone(),
        type_names,
        event_object,
        name_fallbacks,
        files,
        operations: api.operations.len(),
        types: api.types.len(),
    })
}

/// The model a binding is emitted from: the selected operations lowered and their types
/// deduplicated. What `generate` emits; for tools and tests that check what the generator made
/// of a spec without reading its output back.
pub fn build_model(
    spec: &LoadedSpec,
    config: &Config,
    config_file: &str,
) -> Result<model::Api, SpecErrors> {
    config.check(config_file)?;
    // Problems are found in the bundled document and named by the file that holds them.
    let located = |e: SpecErrors| {
        let mut problems = spec.sources.locate_all(e.0);
        problems.sort();
        problems.dedup();
        SpecErrors(problems)
    };
    let mut api = build_model_bundled(spec, config, config_file).map_err(located)?;
    for left_out in &mut api.left_out {
        left_out.problems = spec
            .sources
            .locate_all(std::mem::take(&mut left_out.problems));
    }
    Ok(api)
}

fn build_model_bundled(
    spec: &LoadedSpec,
    config: &Config,
    config_file: &str,
) -> Result<model::Api, SpecErrors> {
    let whole =
        check(spec, &config.operations, config_file).and_then(|()| lower_sorted(spec, config));
    let mut api = match whole {
        Ok(api) => api,
        Err(problems) if !config.operations.skip_unsupported => return Err(problems),
        Err(_) => {
            let (reduced, left_out) = leave_out_unsupported(spec, config, config_file)?;
            let mut api = check(spec, &reduced.operations, config_file)
                .and_then(|()| lower_sorted(spec, &reduced))?;
            api.left_out = left_out;
            api
        }
    };
    dedupe::dedupe(&mut api);
    Ok(api)
}

/// Lowering with its problems sorted and without repeats.
fn lower_sorted(spec: &LoadedSpec, config: &Config) -> Result<model::Api, SpecErrors> {
    lower::lower(spec, config).map_err(|mut problems| {
        problems.sort();
        problems.dedup();
        SpecErrors(problems)
    })
}

/// The config without the selected operations that cannot be generated, and those operations
/// with their problems (asked once the whole selection has failed). Each operation is checked and lowered alone, so a problem counts
/// against every operation that reaches it (a shared component included), and the rest are
/// generated together as if only they had been selected. Problems of the document itself
/// (a dangling `$ref`, a duplicate operationId), which are no one operation's, still refuse
/// the binding.
fn leave_out_unsupported(
    spec: &LoadedSpec,
    config: &Config,
    config_file: &str,
) -> Result<(Config, Vec<model::LeftOut>), SpecErrors> {
    // With nothing selected, only the document's own problems are left.
    check(spec, &config::Selection::default(), config_file)?;
    let only = |id: &str| Config {
        operations: config::Selection {
            include: vec![id.to_owned()],
            ..config::Selection::default()
        },
        ..config.clone()
    };
    let mut kept = Vec::new();
    let mut left_out = Vec::new();
    for (path, item) in &spec.api.paths.paths {
        let openapiv3::ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, op) in validate::operations(item) {
            let id = op
                .operation_id
                .clone()
                .unwrap_or_else(|| format!("{method} {path}"));
            if !config.operations.selects(&id, path) {
                continue;
            }
            let alone = only(&id);
            match check(spec, &alone.operations, config_file)
                .and_then(|()| lower_sorted(spec, &alone).map(drop))
            {
                Ok(()) => kept.push(id),
                Err(problems) => left_out.push(model::LeftOut {
                    method: method.to_ascii_uppercase(),
                    path: path.clone(),
                    operation_id: id,
                    problems: problems.0,
                }),
            }
        }
    }
    for broken in &spec.broken_operations {
        if config
            .operations
            .selects(&broken.operation_id, &broken.path)
        {
            left_out.push(model::LeftOut {
                method: broken.method.to_ascii_uppercase(),
                path: broken.path.clone(),
                operation_id: broken.operation_id.clone(),
                problems: broken.problems.clone(),
            });
        }
    }
    let reduced = Config {
        operations: config::Selection {
            include: kept,
            ..config::Selection::default()
        },
        ..config.clone()
    };
    Ok((reduced, left_out))
}

/// Validates without generating: every problem the selected operations would hit, plus the
/// document-wide checks (`$ref`s, path templates). What `generate` runs first.
pub fn check(
    spec: &LoadedSpec,
    selection: &config::Selection,
    config_file: &str,
) -> Result<(), SpecErrors> {
    let problems = validate::validate(spec, selection, config_file);
    if problems.is_empty() {
        return Ok(());
    }
    let mut problems = spec.sources.locate_all(problems);
    problems.sort();
    problems.dedup();
    Err(SpecErrors(problems))
}

/// The project README's examples, compiled as doctests against the checked-in binding.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
