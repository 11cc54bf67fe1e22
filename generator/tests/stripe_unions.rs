//! What lowering makes of the `anyOf`/`oneOf` schemas in Stripe's real spec (read from
//! `../shared`, never copied): no request field loses a member, and union variants are named
//! after their members. Ignored by default (they need `../shared`); `.ci/run` runs them.

use std::borrow::Borrow;
use std::path::PathBuf;

use openapi_gen::model::{Api, TypeDef, TypeId, TypeRef};
use openapi_gen::Config;
use openapiv3::{
    OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, Type,
};

fn stripe() -> (OpenAPI, Api) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/stripe/spec3.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} (is ../shared beside the project?): {e}",
            path.display()
        )
    });
    let spec =
        openapi_gen::load("../shared/stripe/spec3.yaml", &text).unwrap_or_else(|e| panic!("{e}"));
    let config = Config::all_operations("stripe-full");
    let model = openapi_gen::build_model(&spec, &config, "test").unwrap_or_else(|e| panic!("{e}"));
    (spec.api, model)
}

/// Walks a spec schema beside the type lowered from it, noting every member of an
/// `anyOf`/`oneOf` that has nothing in the type to hold it.
struct Walk<'a> {
    spec: &'a OpenAPI,
    model: &'a Api,
    /// Fields whose schema is an `anyOf`/`oneOf` of several members.
    unions: usize,
    lost: Vec<String>,
}

impl<'a> Walk<'a> {
    fn resolve<S: Borrow<Schema>>(&self, r: &'a ReferenceOr<S>) -> &'a Schema {
        match r {
            ReferenceOr::Item(s) => s.borrow(),
            ReferenceOr::Reference { reference } => {
                let key = reference.trim_start_matches("#/components/schemas/");
                match &self.spec.components.as_ref().unwrap().schemas[key] {
                    ReferenceOr::Item(s) => s,
                    ReferenceOr::Reference { reference } => panic!("alias of {reference}"),
                }
            }
        }
    }

    fn def(&self, id: TypeId) -> &'a TypeDef {
        &self.model.types[self.model.resolve(id).0]
    }

    fn lose(&mut self, at: &str, what: String) {
        self.lost.push(format!("{at}: {what}"));
    }

    fn field<S: Borrow<Schema>>(&mut self, at: &str, r: &'a ReferenceOr<S>, ty: &TypeRef) {
        if at.matches('.').count() > 12 {
            return; // deep enough: request schemas in Stripe's spec are not recursive
        }
        let s = self.resolve(r);
        match (&s.schema_kind, ty) {
            (SchemaKind::AnyOf { any_of: m } | SchemaKind::OneOf { one_of: m }, _)
                if m.len() > 1 =>
            {
                self.unions += 1;
                self.union(at, m.iter().collect(), ty);
            }
            (SchemaKind::AnyOf { any_of: m } | SchemaKind::OneOf { one_of: m }, _)
            | (SchemaKind::AllOf { all_of: m }, _)
                if m.len() == 1 =>
            {
                self.field(at, &m[0], ty)
            }
            (SchemaKind::Type(Type::Array(a)), TypeRef::Array(inner)) => {
                if let Some(items) = &a.items {
                    self.field(&format!("{at}[]"), items, inner);
                }
            }
            (SchemaKind::Type(Type::Object(o)), _) if !o.properties.is_empty() => {
                let TypeRef::Named(id) = ty else {
                    return self.lose(at, format!("an object became {ty:?}"));
                };
                let TypeDef::Struct(st) = self.def(*id) else {
                    return self.lose(at, "an object became a non-struct".into());
                };
                for (name, prop) in &o.properties {
                    match st.fields.iter().find(|f| &f.name.api == name) {
                        Some(f) => self.field(&format!("{at}.{name}"), prop, &f.ty),
                        None => self.lose(at, format!("property `{name}` has no field")),
                    }
                }
            }
            (SchemaKind::Type(Type::Object(o)), TypeRef::Map(inner)) => {
                if let Some(openapiv3::AdditionalProperties::Schema(v)) = &o.additional_properties {
                    self.field(&format!("{at}{{}}"), v.as_ref(), inner);
                }
            }
            _ => {}
        }
    }

    fn union(&mut self, at: &str, members: Vec<&'a ReferenceOr<Schema>>, ty: &TypeRef) {
        let (empty, rest): (Vec<_>, Vec<_>) = members
            .into_iter()
            .partition(|m| string_enum(self.resolve(*m)).is_some_and(|v| v == [""]));
        let inner = match ty {
            TypeRef::Clearable(inner) => inner.as_ref(),
            other => {
                if !empty.is_empty() {
                    self.lose(at, "the `\"\"` member (clear) is not Clearable".into());
                }
                other
            }
        };
        if let [only] = rest.as_slice() {
            return self.field(at, *only, inner);
        }
        match inner {
            TypeRef::Expandable(id) => {
                let (ids, objects): (Vec<_>, Vec<_>) = rest
                    .into_iter()
                    .partition(|m| is_free_string(self.resolve(*m)));
                if ids.len() != 1 {
                    self.lose(at, format!("{} strings beside an expandable", ids.len()));
                }
                match objects.as_slice() {
                    [only] => self.field(at, *only, &TypeRef::Named(*id)),
                    _ => self.variants(at, objects, *id),
                }
            }
            TypeRef::Named(id) => self.variants(at, rest, *id),
            other => self.lose(at, format!("{} members became {other:?}", rest.len())),
        }
    }

    /// Each string enum member's values are variants of the union; the other members are its
    /// payload variants, in order.
    fn variants(&mut self, at: &str, members: Vec<&'a ReferenceOr<Schema>>, id: TypeId) {
        let TypeDef::Union(u) = self.def(id) else {
            return self.lose(at, format!("{} members became a non-union", members.len()));
        };
        let mut payloads = u.variants.iter();
        for m in members {
            let inline_enum = match m {
                ReferenceOr::Item(s) => string_enum(s),
                ReferenceOr::Reference { .. } => None,
            };
            if let Some(values) = inline_enum {
                for v in values {
                    if !u.values.iter().any(|n| n.api == v) {
                        self.lose(
                            at,
                            format!("value `{v}` is not a variant of {}", u.name.rust),
                        );
                    }
                }
                continue;
            }
            match payloads.next() {
                Some((name, ty)) => self.field(&format!("{at}/{name}"), m, ty),
                None => self.lose(at, format!("a member has no variant in {}", u.name.rust)),
            }
        }
        if let Some((name, _)) = payloads.next() {
            self.lose(
                at,
                format!("variant {name} of {} holds no member", u.name.rust),
            );
        }
    }
}

fn string_enum(s: &Schema) -> Option<Vec<String>> {
    match &s.schema_kind {
        SchemaKind::Type(Type::String(st)) if !st.enumeration.is_empty() => {
            Some(st.enumeration.iter().flatten().cloned().collect())
        }
        _ => None,
    }
}

fn is_free_string(s: &Schema) -> bool {
    matches!(&s.schema_kind, SchemaKind::Type(Type::String(st)) if st.enumeration.is_empty())
}

#[test]
#[ignore = "needs ../shared; run by .ci/run"]
fn no_request_field_loses_a_member_of_its_any_of() {
    let (spec, model) = stripe();
    let mut walk = Walk {
        spec: &spec,
        model: &model,
        unions: 0,
        lost: Vec::new(),
    };
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, op) in item.iter() {
            let id = op.operation_id.as_deref().unwrap();
            let lowered = model.operations.iter().find(|o| o.name.api == id).unwrap();
            let Some(params) = lowered.params else {
                continue;
            };
            let TypeDef::Struct(params) = &model.types[model.resolve(params).0] else {
                panic!("{id}: params are not a struct")
            };
            let mut fields: Vec<(&str, &ReferenceOr<Schema>)> = Vec::new();
            for p in &op.parameters {
                if let ReferenceOr::Item(Parameter::Query { parameter_data, .. }) = p {
                    if let ParameterSchemaOrContent::Schema(s) = &parameter_data.format {
                        fields.push((&parameter_data.name, s));
                    }
                }
            }
            let body = op.request_body.as_ref().and_then(|b| match b {
                ReferenceOr::Item(b) => b.content.values().next()?.schema.as_ref(),
                ReferenceOr::Reference { .. } => None,
            });
            let mut body_fields = Vec::new();
            if let Some(body) = body {
                if let SchemaKind::Type(Type::Object(o)) = &walk.resolve(body).schema_kind {
                    body_fields.extend(o.properties.iter());
                }
            }
            let at = |name: &str| format!("{method} {path} {name}");
            for (name, schema) in fields {
                match params.fields.iter().find(|f| f.name.api == name) {
                    Some(f) => walk.field(&at(name), schema, &f.ty),
                    None => walk.lose(&at(name), "no field".into()),
                }
            }
            for (name, schema) in body_fields {
                match params.fields.iter().find(|f| &f.name.api == name) {
                    Some(f) => walk.field(&at(name), schema, &f.ty),
                    None => walk.lose(&at(name), "no field".into()),
                }
            }
        }
    }
    eprintln!(
        "{} request fields are an anyOf/oneOf of several members; {} lose one",
        walk.unions,
        walk.lost.len()
    );
    assert!(walk.unions > 0, "the walk found no anyOf/oneOf field");
    assert!(walk.lost.is_empty(), "{}", walk.lost.join("\n"));
}

#[test]
#[ignore = "needs ../shared; run by .ci/run"]
fn union_variants_are_named_after_their_members() {
    let (spec, model) = stripe();
    let components = &spec.components.as_ref().unwrap().schemas;
    let is_component = |id: TypeId| components.contains_key(&model.types[id.0].name().api);
    let held = |ty: &TypeRef| match ty {
        TypeRef::Named(id) | TypeRef::Expandable(id) => Some(*id),
        _ => None,
    };
    let mut unions = 0;
    let mut named = 0;
    let mut wrong = Vec::new();
    for def in &model.types {
        let TypeDef::Union(u) = def else { continue };
        unions += 1;
        if u.variants
            .iter()
            .all(|(_, t)| held(t).is_some_and(is_component))
        {
            named += 1;
        }
        for (variant, ty) in &u.variants {
            let positional = variant
                .strip_prefix("Variant")
                .is_some_and(|n| n.parse::<usize>().is_ok());
            // `Variant{n}` only for a member with no name of its own (an inline object).
            if positional && held(ty).is_none_or(is_component) {
                wrong.push(format!("{}::{variant} holds {ty:?}", u.name.rust));
            }
            // A component member's variant is named after its type.
            if let Some(id) = held(ty).filter(|id| is_component(*id)) {
                let member = &model.types[id.0].name().rust;
                if !variant.starts_with(member.as_str()) {
                    wrong.push(format!("{}::{variant} holds {member}", u.name.rust));
                }
            }
        }
    }
    eprintln!("{unions} unions, {named} of them of named schemas only");
    assert!(named > 0, "no union of named schemas found");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // `card.customer` and `bank_account.customer` have one shape, so one type.
    let customer_of = |key: &str| {
        let TypeDef::Struct(s) = &model.types[model.components[key].0] else {
            panic!("{key} is not a struct")
        };
        let f = s.fields.iter().find(|f| f.name.api == "customer").unwrap();
        match f.ty {
            TypeRef::Expandable(id) => model.resolve(id),
            ref other => panic!("{key}.customer is {other:?}"),
        }
    };
    assert_eq!(customer_of("card"), customer_of("bank_account"));
}
