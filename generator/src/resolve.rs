//! `$ref` resolution against `components`, returning where the target lives so errors in it
//! point at the target, not at the reference.

use std::borrow::Borrow;

use openapiv3::{OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema};

use crate::error::{Pointer, SpecError};

pub struct Resolver<'a> {
    api: &'a OpenAPI,
    file: &'a str,
}

/// A resolved schema: where it is, what it is, and its component key when it is a named one.
pub struct Resolved<'a, T> {
    pub pointer: Pointer,
    pub item: &'a T,
    pub component: Option<&'a str>,
}

impl<'a> Resolver<'a> {
    pub fn new(api: &'a OpenAPI, file: &'a str) -> Self {
        Self { api, file }
    }

    pub fn file(&self) -> &'a str {
        self.file
    }

    /// Splits `#/components/<kind>/<name>` into the name, unescaping `~1` and `~0`.
    fn component_name(
        &self,
        reference: &str,
        kind: &str,
        at: &Pointer,
    ) -> Result<String, SpecError> {
        let prefix = format!("#/components/{kind}/");
        match reference.strip_prefix(prefix.as_str()) {
            Some(name) if !name.contains('/') => Ok(name.replace("~1", "/").replace("~0", "~")),
            _ => Err(SpecError::new(
                self.file,
                &at.push("$ref"),
                format!("`$ref: {reference}` must point at `{prefix}<name>` here"),
            )),
        }
    }

    fn dangling(&self, reference: &str, at: &Pointer) -> SpecError {
        SpecError::new(
            self.file,
            &at.push("$ref"),
            format!("`$ref: {reference}` points at nothing in this file"),
        )
    }

    /// A schema given inline or by `$ref` (`S` is `Schema` or, inside objects, `Box<Schema>`).
    pub fn schema<S: Borrow<Schema>>(
        &self,
        r: &'a ReferenceOr<S>,
        at: &Pointer,
    ) -> Result<Resolved<'a, Schema>, SpecError> {
        match r {
            ReferenceOr::Item(item) => Ok(Resolved {
                pointer: at.clone(),
                item: item.borrow(),
                component: None,
            }),
            ReferenceOr::Reference { reference } => self.schema_named(reference, at, 0),
        }
    }

    fn schema_named(
        &self,
        reference: &str,
        at: &Pointer,
        depth: usize,
    ) -> Result<Resolved<'a, Schema>, SpecError> {
        let name = self.component_name(reference, "schemas", at)?;
        let schemas = self.api.components.as_ref().map(|c| &c.schemas);
        let (key, target) = schemas
            .and_then(|s| s.get_key_value(name.as_str()))
            .ok_or_else(|| self.dangling(reference, at))?;
        let pointer = Pointer::root().push("components").push("schemas").push(key);
        match target {
            ReferenceOr::Item(item) => Ok(Resolved {
                pointer,
                item,
                component: Some(key.as_str()),
            }),
            // A component that is only an alias for another: follow it; a cycle of aliases ends here.
            ReferenceOr::Reference { reference } if depth < 32 => {
                self.schema_named(reference, &pointer, depth + 1)
            }
            ReferenceOr::Reference { .. } => Err(SpecError::new(
                self.file,
                &pointer,
                "`$ref` chain does not end",
            )),
        }
    }

    pub fn parameter(
        &self,
        r: &'a ReferenceOr<Parameter>,
        at: &Pointer,
    ) -> Result<(Pointer, &'a Parameter), SpecError> {
        let lookup = |c: &'a openapiv3::Components, n: &str| c.parameters.get(n);
        self.other(r, at, "parameters", lookup)
    }

    pub fn request_body(
        &self,
        r: &'a ReferenceOr<RequestBody>,
        at: &Pointer,
    ) -> Result<(Pointer, &'a RequestBody), SpecError> {
        self.other(r, at, "requestBodies", |c, n| c.request_bodies.get(n))
    }

    pub fn response(
        &self,
        r: &'a ReferenceOr<Response>,
        at: &Pointer,
    ) -> Result<(Pointer, &'a Response), SpecError> {
        self.other(r, at, "responses", |c, n| c.responses.get(n))
    }

    /// Parameters, bodies and responses may be referenced once (no chains, as in practice).
    fn other<T>(
        &self,
        r: &'a ReferenceOr<T>,
        at: &Pointer,
        kind: &str,
        lookup: impl Fn(&'a openapiv3::Components, &str) -> Option<&'a ReferenceOr<T>>,
    ) -> Result<(Pointer, &'a T), SpecError> {
        match r {
            ReferenceOr::Item(item) => Ok((at.clone(), item)),
            ReferenceOr::Reference { reference } => {
                let name = self.component_name(reference, kind, at)?;
                let target = self.api.components.as_ref().and_then(|c| lookup(c, &name));
                let pointer = Pointer::root().push("components").push(kind).push(&name);
                match target {
                    Some(ReferenceOr::Item(item)) => Ok((pointer, item)),
                    Some(ReferenceOr::Reference { .. }) => Err(SpecError::new(
                        self.file,
                        &pointer,
                        "a `$ref` to another `$ref` is not supported here",
                    )),
                    None => Err(self.dangling(reference, at)),
                }
            }
        }
    }
}
