//! Webhook events: the configured event schema is lowered like any response object, then two of
//! its members get sharper types than the spec gives them. `type` (a free string in Stripe's
//! spec) becomes an enum of the event types the spec lists elsewhere, and `data.object` (a
//! free-form object) becomes a union of every generated response object that carries an
//! `object` tag, so it decodes by its own tag and anything else stays JSON.

use std::collections::BTreeSet;

use openapiv3::ReferenceOr;

use super::{Ctx, Lowerer};
use crate::config::WebhooksConfig;
use crate::error::Pointer;
use crate::load::LoadedSpec;
use crate::model::*;
use crate::naming::{self, Scope};
use crate::resolve::Resolved;

pub(super) fn lower_event<'a>(
    cx: &mut Lowerer<'a>,
    spec: &'a LoadedSpec,
    hooks: &WebhooksConfig,
) -> Option<EventDef> {
    let at = Pointer::root()
        .push("components")
        .push("schemas")
        .push(&hooks.event_schema);
    let found = spec
        .api
        .components
        .as_ref()
        .and_then(|c| c.schemas.get_key_value(&hooks.event_schema));
    let Some((key, ReferenceOr::Item(schema))) = found else {
        cx.error(
            &at,
            format!(
                "`[webhooks] event_schema = {:?}` in the config names no schema here",
                hooks.event_schema
            ),
        );
        return None;
    };
    let ctx = Ctx {
        name: String::new(),
        home: Home::Shared,
        direction: Direction::Response,
        shallow: false,
    };
    let resolved = Resolved {
        pointer: at.clone(),
        item: schema,
        component: Some(key.as_str()),
    };
    let event = match cx.resolved(resolved, &ctx) {
        TypeRef::Named(id) if matches!(cx.types[id.0], Some(TypeDef::Struct(_))) => id,
        _ => {
            cx.error(
                &at,
                "the webhook event schema must be an object with properties",
            );
            return None;
        }
    };
    let event_name = cx.member_names[event.0].clone();

    let types = match &hooks.event_types {
        Some(pointer) => {
            let id = event_types(cx, spec, pointer, &event_name)?;
            set_field(cx, event, "type", TypeRef::Named(id), &at)?;
            Some(id)
        }
        None => None,
    };

    let object = object_union(cx, &event_name, &at);
    let data = match field(cx, event, "data") {
        Some(TypeRef::Named(id)) => id,
        _ => {
            cx.error(
                &at.push("properties").push("data"),
                "the webhook event needs a `data` object holding `object`",
            );
            return None;
        }
    };
    set_field(
        cx,
        data,
        "object",
        TypeRef::Named(object),
        &at.push("properties").push("data"),
    )?;
    Some(EventDef {
        event,
        types,
        object,
    })
}

/// The enum of event types from the string enum at `pointer` (`*`, a wildcard for
/// subscriptions, is not an event type and is left out).
fn event_types(
    cx: &mut Lowerer<'_>,
    spec: &LoadedSpec,
    pointer: &str,
    event_name: &str,
) -> Option<TypeId> {
    let at = Pointer::root();
    let values: Option<Vec<String>> = spec
        .raw
        .pointer(pointer)
        .and_then(|schema| schema.get("enum"))
        .and_then(|e| e.as_array())
        .and_then(|values| {
            values
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect()
        });
    let Some(values) = values else {
        cx.error(
            &at,
            format!("`[webhooks] event_types = {pointer:?}` in the config does not point at a schema with a string `enum`"),
        );
        return None;
    };
    let name = cx.claim(&Home::Shared, &format!("{event_name}Type"));
    let id = cx.reserve_slot(name.clone());
    let mut scope = Scope::new();
    scope.reserve(["Unknown"]);
    let mut seen = BTreeSet::new();
    let variants = values
        .into_iter()
        .filter(|v| v != "*" && seen.insert(v.clone()))
        .map(|api| {
            let rust = scope.claim(&naming::variant_name(&api));
            Name { api, rust }
        })
        .collect();
    cx.types[id.0] = Some(TypeDef::Enum(EnumDef {
        name: Name {
            api: pointer.to_owned(),
            rust: name,
        },
        home: Home::Shared,
        docs: Some(
            "What an event reports, such as `identity.verification_session.redacted`: the \
             event types the spec lists. Types newer than this binding are kept in `Unknown`."
                .to_owned(),
        ),
        variants,
        kind: EnumKind::String,
    }));
    Some(id)
}

/// The union of every shared response object with an `object` tag, the event itself included
/// (union variants are boxed, so it may contain itself), one variant per tag, in the order of
/// their Rust names.
fn object_union(cx: &mut Lowerer<'_>, event_name: &str, at: &Pointer) -> TypeId {
    let mut tags = BTreeSet::new();
    let mut members: Vec<(String, TypeId)> = Vec::new();
    for (i, t) in cx.types.iter().enumerate() {
        let Some(TypeDef::Struct(s)) = t else {
            continue;
        };
        if s.home != Home::Shared || s.direction != Direction::Response {
            continue;
        }
        // Two objects with one tag could not be told apart; the first lowered keeps it.
        if tag(cx, s).is_some_and(|tag| tags.insert(tag)) {
            members.push((s.name.rust.clone(), TypeId(i)));
        }
    }
    members.sort();
    let name = cx.claim(&Home::Shared, &format!("{event_name}DataObject"));
    let id = cx.reserve_slot(name.clone());
    let mut scope = Scope::new();
    scope.reserve(["Unknown"]);
    let variants = members
        .into_iter()
        .map(|(member, ty)| (scope.claim(&member), TypeRef::Named(ty)))
        .collect();
    cx.types[id.0] = Some(TypeDef::Union(UnionDef {
        name: Name {
            api: at
                .push("properties")
                .push("data")
                .push("object")
                .to_string(),
            rust: name,
        },
        home: Home::Shared,
        direction: Direction::Response,
        docs: Some(
            "The object an event is about, told apart by its own `object` member: one variant \
             per object this binding has a type for. Any other object, such as one this \
             binding does not include, is kept as JSON in `Unknown`."
                .to_owned(),
        ),
        values: Vec::new(),
        variants,
        discriminator: None,
    }));
    id
}

/// A struct's `object` tag and `deleted` flag: a required `object` member whose type is a
/// one-value enum (the same rule the union decoder dispatches by).
fn tag(cx: &Lowerer<'_>, s: &StructDef) -> Option<(String, bool)> {
    s.object_tag(|tag| match &cx.types[tag.0] {
        Some(TypeDef::Enum(e)) => Some(e),
        _ => None,
    })
}

fn field(cx: &Lowerer<'_>, owner: TypeId, name: &str) -> Option<TypeRef> {
    match &cx.types[owner.0] {
        Some(TypeDef::Struct(s)) => s
            .fields
            .iter()
            .find(|f| f.name.api == name)
            .map(|f| f.ty.clone()),
        _ => None,
    }
}

fn set_field(
    cx: &mut Lowerer<'_>,
    owner: TypeId,
    name: &str,
    ty: TypeRef,
    at: &Pointer,
) -> Option<()> {
    let found = match &mut cx.types[owner.0] {
        Some(TypeDef::Struct(s)) => s.fields.iter_mut().find(|f| f.name.api == name),
        _ => None,
    };
    match found {
        Some(f) => {
            f.ty = ty;
            Some(())
        }
        None => {
            cx.error(
                at,
                format!("the webhook event needs a `{name}` member here"),
            );
            None
        }
    }
}
