//! OpenAPI 3.1 webhook payloads (listed by `load`) generated as response types, so that a
//! receiver can decode what the API sends, whether or not an operation returns the same schema.

use openapiv3::ReferenceOr;

use super::{Ctx, Lowerer};
use crate::error::Pointer;
use crate::load::LoadedSpec;
use crate::model::*;
use crate::resolve::Resolved;

pub(super) fn lower_webhook_payloads<'a>(cx: &mut Lowerer<'a>, spec: &'a LoadedSpec) {
    let schemas = spec.api.components.as_ref().map(|c| &c.schemas);
    for payload in &spec.webhook_payloads {
        let at = Pointer::root()
            .push("components")
            .push("schemas")
            .push(&payload.schema);
        let Some((key, schema)) = schemas.and_then(|s| s.get_key_value(&payload.schema)) else {
            continue;
        };
        let ctx = Ctx {
            name: String::new(),
            home: Home::Shared,
            direction: Direction::Response,
            shallow: false,
        };
        match schema {
            ReferenceOr::Item(item) => {
                let resolved = Resolved {
                    pointer: at,
                    item,
                    component: Some(key.as_str()),
                };
                cx.resolved(resolved, &ctx);
            }
            // An alias of another component: that one is the type.
            ReferenceOr::Reference { .. } => {
                cx.schema(schema, &at, &ctx);
            }
        }
    }
}
