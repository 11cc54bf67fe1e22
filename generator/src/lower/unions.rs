//! Lowering `anyOf`/`oneOf`: clearable and expandable fields, untagged unions, and unions
//! told apart by a `discriminator`.

use std::collections::BTreeMap;

use openapiv3::{ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};

use super::{Ctx, Lowerer};
use crate::error::Pointer;
use crate::model::*;
use crate::naming::{self, Scope};
use crate::resolve::Resolver;

impl<'a> Lowerer<'a> {
    /// `anyOf`/`oneOf`: one member is that member; an `enum: [""]` member makes the rest
    /// clearable; a free string beside objects is an expandable field (an id, or the object);
    /// anything else is a union, in which a string enum member's values become variants of
    /// their own, so no member is lost (`anyOf: [enum: [now], unix-time]` → `Now` or a
    /// `Timestamp`).
    pub(super) fn union(
        &mut self,
        members: &'a [ReferenceOr<Schema>],
        at: &Pointer,
        ctx: &Ctx,
        component: Option<&str>,
        docs: Option<String>,
        discriminator: Option<(&'a openapiv3::Discriminator, Pointer)>,
    ) -> TypeRef {
        let indexed: Vec<(usize, &'a ReferenceOr<Schema>)> = members.iter().enumerate().collect();
        match discriminator {
            Some((d, d_at)) if members.len() > 1 => {
                self.tagged_union(&indexed, at, ctx, component, docs, d, &d_at)
            }
            _ => self.union_of(&indexed, at, ctx, component, docs),
        }
    }

    pub(super) fn union_of(
        &mut self,
        members: &[(usize, &'a ReferenceOr<Schema>)],
        at: &Pointer,
        ctx: &Ctx,
        component: Option<&str>,
        docs: Option<String>,
    ) -> TypeRef {
        if let [(i, only)] = members {
            return self.schema(only, &at.push(i), ctx);
        }
        let kinds: Vec<Member> = members
            .iter()
            .map(|(_, m)| member_kind(&self.resolver, m, 0))
            .collect();
        let with_kind = |keep: &dyn Fn(&Member) -> bool| -> Vec<_> {
            members
                .iter()
                .zip(&kinds)
                .filter(|(_, k)| keep(k))
                .map(|(m, _)| *m)
                .collect()
        };
        let rest = with_kind(&|k| *k != Member::Empty);
        if rest.len() < members.len() && !rest.is_empty() {
            let inner = self.union_of(&rest, at, ctx, component, docs);
            return TypeRef::Clearable(Box::new(inner));
        }
        let free_strings = kinds.iter().filter(|k| **k == Member::FreeString).count();
        let objects = with_kind(&|k| *k == Member::Object);
        if free_strings == 1 && objects.len() + 1 == members.len() {
            // The objects are what the id names once expanded; an object the binding keeps as
            // raw JSON (in an error body) takes the id as JSON too.
            return match self.union_of(&objects, at, ctx, None, docs) {
                TypeRef::Named(id) => TypeRef::Expandable(id),
                _ => TypeRef::Json,
            };
        }

        // One file or a list of them (OpenAI's image edits) is a list of files in a request: a
        // single file is a list of one, and each file travels as a part of its own.
        if ctx.direction.is_request() {
            let files: Option<Vec<bool>> = members
                .iter()
                .map(|(_, m)| file_member(&self.resolver, m))
                .collect();
            if files.is_some_and(|f| f.contains(&true)) {
                return TypeRef::Array(Box::new(TypeRef::Binary));
            }
        }

        let (id, _) = self.build_union(members, &kinds, at, ctx, component, docs);
        TypeRef::Named(id)
    }

    /// A `oneOf`/`anyOf` with a `discriminator`: each member is told by the value of one
    /// property, from `mapping` or else the member's schema name.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn tagged_union(
        &mut self,
        members: &[(usize, &'a ReferenceOr<Schema>)],
        at: &Pointer,
        ctx: &Ctx,
        component: Option<&str>,
        docs: Option<String>,
        d: &'a openapiv3::Discriminator,
        d_at: &Pointer,
    ) -> TypeRef {
        let kinds: Vec<Member> = members
            .iter()
            .map(|(_, m)| member_kind(&self.resolver, m, 0))
            .collect();
        let (id, variant_of) = self.build_union(members, &kinds, at, ctx, component, docs);
        // A member's `$ref` and its schema name, for matching `mapping`'s targets.
        let refs: Vec<Option<(&str, &str)>> = members
            .iter()
            .map(|(_, m)| match m {
                ReferenceOr::Reference { reference } => Some((
                    reference.as_str(),
                    reference.rsplit('/').next().unwrap_or(reference),
                )),
                ReferenceOr::Item(_) => None,
            })
            .collect();
        let mut values: BTreeMap<String, usize> = BTreeMap::new();
        for (value, target) in &d.mapping {
            let found = refs
                .iter()
                .position(|r| r.is_some_and(|(full, key)| full == target || key == target));
            match found.and_then(|n| variant_of[n]) {
                Some(v) => {
                    values.insert(value.clone(), v);
                }
                None => self.error(
                    &d_at.push("mapping").push(value),
                    format!("`{target}` is not one of the union's `$ref` members"),
                ),
            }
        }
        for (n, r) in refs.iter().enumerate() {
            let Some(v) = variant_of[n] else { continue };
            if values.values().any(|&w| w == v) {
                continue;
            }
            match r {
                Some((_, key)) => {
                    values.entry((*key).to_owned()).or_insert(v);
                }
                None => self.error(
                    &at.push(members[n].0),
                    format!(
                        "an inline member of a union with a discriminator needs a `mapping` entry (or a `$ref`) to give its `{}` value",
                        d.property_name
                    ),
                ),
            }
        }
        if let Some(TypeDef::Union(u)) = &mut self.types[id.0] {
            u.discriminator = Some(Discriminator {
                property: d.property_name.clone(),
                values: values.into_iter().collect(),
            });
        }
        TypeRef::Named(id)
    }

    /// Names and stores a union of `members`; returns its id and, per member, the index of the
    /// variant that holds it (`None` for a string enum member, whose values are variants).
    pub(super) fn build_union(
        &mut self,
        members: &[(usize, &'a ReferenceOr<Schema>)],
        kinds: &[Member],
        at: &Pointer,
        ctx: &Ctx,
        component: Option<&str>,
        docs: Option<String>,
    ) -> (TypeId, Vec<Option<usize>>) {
        let (name, id) = self.new_type(ctx, component);
        let mut scope = Scope::new();
        scope.reserve(["Unknown"]);
        let mut values = Vec::new();
        let mut variants = Vec::new();
        let mut variant_of = Vec::new();
        for (n, ((i, member), kind)) in members.iter().zip(kinds).enumerate() {
            let inline = match member {
                ReferenceOr::Item(m) => Some(m),
                ReferenceOr::Reference { .. } => None,
            };
            if let (Some(_), Member::Enum(allowed)) = (inline, kind) {
                for api in allowed {
                    let rust = scope.claim(&naming::variant_name(api));
                    values.push(Name {
                        api: api.clone(),
                        rust,
                    });
                }
                variant_of.push(None);
                continue;
            }
            // An inline member is named by its title when it has one (Stripe's
            // `range_query_specs`), else after the union and its position.
            let title = inline.and_then(|m| m.schema_data.title.as_deref().map(naming::type_name));
            let member_ctx = Ctx {
                name: title.clone().unwrap_or_else(|| format!("{name}{}", n + 1)),
                home: ctx.home.clone(),
                direction: ctx.direction,
                shallow: ctx.shallow,
            };
            let ty = self.schema(member, &at.push(i), &member_ctx);
            // A named member's variant takes its type's name whether or not that type is
            // lowered yet; only an inline object without a title has no name of its own.
            let wanted = match (&ty, inline) {
                (TypeRef::Named(id) | TypeRef::Expandable(id), None) => {
                    self.member_names[id.0].clone()
                }
                (TypeRef::Named(_) | TypeRef::Expandable(_), Some(_)) => {
                    title.unwrap_or_else(|| format!("Variant{}", n + 1))
                }
                (other, _) => variant_kind(other).to_owned(),
            };
            variant_of.push(Some(variants.len()));
            variants.push((scope.claim(&wanted), ty));
        }
        // Files travel as multipart parts of their own, which a union's serializer cannot
        // write; a union of files alone became a list of files in `union_of`.
        if ctx.direction.is_request() && variants.iter().any(|(_, t)| t.is_file()) {
            self.error(
                at,
                "a choice between files (`format: binary`) and other values is not supported in a request yet",
            );
        }
        let api = component.map_or_else(|| at.to_string(), str::to_owned);
        self.types[id.0] = Some(TypeDef::Union(UnionDef {
            name: Name { api, rust: name },
            home: ctx.home.clone(),
            direction: ctx.direction,
            docs,
            values,
            variants,
            discriminator: None,
        }));
        (id, variant_of)
    }
}

/// What a union member is, as far as choosing between clearable, expandable and union goes.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Member {
    /// `enum: [""]`: Stripe's "clear this field".
    Empty,
    /// A string with no `enum`: beside objects, an id.
    FreeString,
    /// A string enum: the values it allows.
    Enum(Vec<String>),
    /// An object with properties, or a union of such.
    Object,
    /// Anything else (numbers, booleans, arrays, maps, …).
    Other,
}

/// A member's kind, looking through `$ref`s (`depth` stops a union that contains itself).
/// `Some(false)` for a file (`format: binary`), `Some(true)` for a list of files, looking
/// through `$ref`s; `None` for anything else.
fn file_member<'a>(resolver: &Resolver<'a>, r: &'a ReferenceOr<Schema>) -> Option<bool> {
    let resolved = resolver.schema(r, &Pointer::root()).ok()?;
    let is_file = |s: &Schema| {
        matches!(&s.schema_kind, SchemaKind::Type(Type::String(st))
            if st.format == VariantOrUnknownOrEmpty::Item(StringFormat::Binary))
    };
    match &resolved.item.schema_kind {
        _ if is_file(resolved.item) => Some(false),
        SchemaKind::Type(Type::Array(a)) => {
            let items = resolver.schema(a.items.as_ref()?, &Pointer::root()).ok()?;
            is_file(items.item).then_some(true)
        }
        _ => None,
    }
}

pub(super) fn member_kind<'a, S: std::borrow::Borrow<Schema>>(
    resolver: &Resolver<'a>,
    r: &'a ReferenceOr<S>,
    depth: usize,
) -> Member {
    let schema = match r {
        ReferenceOr::Item(s) => s.borrow(),
        ReferenceOr::Reference { .. } => match resolver.schema(r, &Pointer::root()) {
            Ok(resolved) => resolved.item,
            Err(_) => return Member::Other,
        },
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if s.enumeration.is_empty() => match s.format {
            VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Member::Other,
            _ => Member::FreeString,
        },
        SchemaKind::Type(Type::String(s)) => {
            let values: Vec<String> = s.enumeration.iter().flatten().cloned().collect();
            if values.iter().all(String::is_empty) {
                Member::Empty
            } else {
                Member::Enum(values)
            }
        }
        SchemaKind::Type(Type::Object(o)) if !o.properties.is_empty() => Member::Object,
        SchemaKind::Any(a) if !a.properties.is_empty() || !a.all_of.is_empty() => Member::Object,
        SchemaKind::AllOf { all_of } if all_of.len() == 1 && depth < 8 => {
            member_kind(resolver, &all_of[0], depth + 1)
        }
        SchemaKind::AllOf { .. } => Member::Object,
        SchemaKind::AnyOf { any_of: m } | SchemaKind::OneOf { one_of: m }
            if depth < 8
                && !m.is_empty()
                && m.iter()
                    .all(|m| member_kind(resolver, m, depth + 1) == Member::Object) =>
        {
            Member::Object
        }
        _ => Member::Other,
    }
}

/// A union variant's name for a member that is not a named type.
pub(super) fn variant_kind(ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::String => "String",
        TypeRef::Integer | TypeRef::SizedInteger(_) => "Integer",
        TypeRef::Timestamp => "Timestamp",
        TypeRef::Number | TypeRef::Float => "Number",
        TypeRef::Boolean => "Boolean",
        TypeRef::Array(_) => "List",
        TypeRef::Map(_) | TypeRef::JsonObject => "Map",
        TypeRef::Json => "Json",
        TypeRef::Binary => "Bytes",
        TypeRef::Clearable(_) => "Clearable",
        TypeRef::Named(_) | TypeRef::Expandable(_) => "Object",
        TypeRef::List(_) | TypeRef::SearchList(_) => "List",
    }
}
