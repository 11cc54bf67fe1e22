//! Where every operation of the document goes: gathers what the naming rule reads about each
//! operation ([`naming::Route`]) from the whole document, selected or not, so an operation's
//! name never depends on the selection.

use std::collections::BTreeMap;

use openapiv3::{ReferenceOr, SchemaKind, Type};

use crate::load::LoadedSpec;
use crate::naming::{self, Location, Route};
use crate::resolve::Resolver;
use crate::validate::operations;

/// Every operation's location, by method and path template.
pub fn operation_locations(spec: &LoadedSpec) -> BTreeMap<(&str, &str), Location> {
    let resolver = Resolver::new(&spec.api, &spec.file);
    let mut routes = Vec::new();
    for (path, item) in &spec.api.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, op) in operations(item) {
            routes.push(Route {
                method,
                path,
                operation_id: op.operation_id.as_deref().unwrap_or(method),
                lists: lists(&resolver, op),
            });
        }
    }
    let located = naming::locate_operations(&routes);
    routes
        .iter()
        .map(|r| (r.method, r.path))
        .zip(located)
        .collect()
}

/// Whether the first 2xx JSON response is a list: a JSON array, or an object whose `data`
/// member is one (Stripe's list envelope and many others). `None` when there is no JSON body
/// or it cannot be told (a `$ref` that does not resolve is reported by validation).
fn lists(resolver: &Resolver, op: &openapiv3::Operation) -> Option<bool> {
    let at = crate::error::Pointer::root();
    let (_, response) = op
        .responses
        .responses
        .iter()
        .find(|(code, _)| code.to_string().starts_with('2'))?;
    let (_, response) = resolver.response(response, &at).ok()?;
    let media = response
        .content
        .iter()
        .find(|(media_type, _)| media_type.contains("json"))?
        .1;
    let schema = resolver.schema(media.schema.as_ref()?, &at).ok()?.item;
    match &schema.schema_kind {
        SchemaKind::Type(Type::Array(_)) => Some(true),
        SchemaKind::Type(Type::Object(object)) => {
            let is_array = |data| {
                resolver
                    .schema(data, &at)
                    .ok()
                    .is_some_and(|d| matches!(d.item.schema_kind, SchemaKind::Type(Type::Array(_))))
            };
            Some(object.properties.get("data").is_some_and(is_array))
        }
        _ => None,
    }
}
