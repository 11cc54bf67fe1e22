//! Lowering schemas: scalars by `format`, enums, objects (with `allOf` merged), maps and
//! lists. Unions are in `unions.rs`.

use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};

use super::{Ctx, Lowerer};
use crate::error::Pointer;
use crate::model::*;
use crate::naming::{self, Scope};
use crate::resolve::Resolved;

impl<'a> Lowerer<'a> {
    pub(super) fn schema<S: std::borrow::Borrow<Schema>>(
        &mut self,
        r: &'a ReferenceOr<S>,
        at: &Pointer,
        ctx: &Ctx,
    ) -> TypeRef {
        match self.resolver.schema(r, at) {
            Ok(resolved) => self.resolved(resolved, ctx),
            Err(e) => {
                self.errors.push(e);
                TypeRef::Json
            }
        }
    }

    pub(super) fn resolved(&mut self, r: Resolved<'a, Schema>, ctx: &Ctx) -> TypeRef {
        let Some(key) = r.component else {
            return self.inline(r.item, &r.pointer, ctx, None);
        };
        if ctx.shallow && r.item.schema_data.extensions.contains_key("x-resourceId") {
            return TypeRef::JsonObject;
        }
        let request = ctx.direction.is_request();
        if let Some(id) = self.by_component.get(&(key.to_owned(), ctx.direction)) {
            return TypeRef::Named(*id);
        }
        if !defines_type(r.item) {
            // Aliases of primitives, arrays and maps are inlined, not named.
            return self.inline(r.item, &r.pointer, ctx, None);
        }
        let name = match (request, self.component_names.get(key).cloned()) {
            (false, Some(n)) => n,
            (true, Some(n)) => self.claim(&ctx.home, &n),
            (_, None) => self.claim(&ctx.home, &naming::component_type_name(key)),
        };
        let home = if request {
            ctx.home.clone()
        } else {
            Home::Shared
        };
        let ctx = Ctx {
            name,
            home,
            direction: ctx.direction,
            shallow: ctx.shallow,
        };
        self.inline(r.item, &r.pointer, &ctx, Some(key))
    }

    /// Lowers a schema in place. `component` is set when `ctx.name` is already claimed for it.
    pub(super) fn inline(
        &mut self,
        s: &'a Schema,
        at: &Pointer,
        ctx: &Ctx,
        component: Option<&str>,
    ) -> TypeRef {
        let docs = with_deprecation(
            self.docs(s.schema_data.description.as_ref()),
            s.schema_data.deprecated,
        );
        if let Some(values) = enum_values(s) {
            // A boolean enum (`[true]`, Stripe's `deleted`) is a `bool`: an enum with an
            // `Unknown(bool)` could hold nothing more, and would only be clumsier to use.
            if values.iter().all(serde_json::Value::is_boolean) {
                return TypeRef::Boolean;
            }
            return self.enum_type(values, at, ctx, component, docs);
        }
        match &s.schema_kind {
            // Files are multipart parts; inside JSON, "binary" can only be a string.
            SchemaKind::Type(Type::String(st))
                if st.format == VariantOrUnknownOrEmpty::Item(StringFormat::Binary)
                    && ctx.direction != Direction::JsonRequest =>
            {
                TypeRef::Binary
            }
            SchemaKind::Type(Type::String(_)) => TypeRef::String,
            SchemaKind::Type(Type::Integer(it)) => match &it.format {
                VariantOrUnknownOrEmpty::Unknown(f) if f == "unix-time" => TypeRef::Timestamp,
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => {
                    TypeRef::SizedInteger(IntegerWidth::I32)
                }
                VariantOrUnknownOrEmpty::Unknown(f) => {
                    IntegerWidth::from_format(f).map_or(TypeRef::Integer, TypeRef::SizedInteger)
                }
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64)
                | VariantOrUnknownOrEmpty::Empty => TypeRef::Integer,
            },
            SchemaKind::Type(Type::Number(n)) => match &n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::Float,
                _ => TypeRef::Number,
            },
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Boolean,
            SchemaKind::Type(Type::Array(a)) => match &a.items {
                Some(items) => TypeRef::Array(Box::new(self.schema(items, &at.push("items"), ctx))),
                None => TypeRef::Array(Box::new(TypeRef::Json)),
            },
            SchemaKind::Type(Type::Object(o)) => {
                if o.properties.is_empty() && component.is_none() {
                    return self.map_of(o.additional_properties.as_ref(), at, ctx);
                }
                if o.properties.is_empty()
                    && matches!(
                        o.additional_properties,
                        Some(AdditionalProperties::Any(true))
                    )
                {
                    return TypeRef::JsonObject;
                }
                if let Some(list) = self.list_shape(o, at, ctx) {
                    return list;
                }
                self.struct_type(s, at, ctx, component, docs)
            }
            SchemaKind::AnyOf { any_of: members } | SchemaKind::OneOf { one_of: members } => {
                let key = if matches!(s.schema_kind, SchemaKind::AnyOf { .. }) {
                    "anyOf"
                } else {
                    "oneOf"
                };
                let discriminator = s
                    .schema_data
                    .discriminator
                    .as_ref()
                    .map(|d| (d, at.push("discriminator")));
                self.union(members, &at.push(key), ctx, component, docs, discriminator)
            }
            SchemaKind::AllOf { all_of } => {
                // Members that only annotate (a description, `nullable`) add no shape: with
                // one member left, the schema is that member (and keeps its named type).
                let shaped: Vec<usize> = (0..all_of.len())
                    .filter(|&i| !self.annotates_only(&all_of[i]))
                    .collect();
                match shaped.as_slice() {
                    [] => TypeRef::Json,
                    [i] => self.schema(&all_of[*i], &at.push("allOf").push(*i), ctx),
                    _ => self.struct_type(s, at, ctx, component, docs),
                }
            }
            SchemaKind::Not { .. } => {
                self.error(at, "`not` schemas are not supported");
                TypeRef::Json
            }
            SchemaKind::Any(any) if !any.all_of.is_empty() && any.properties.is_empty() => {
                // `allOf` beside other keywords (`type: object`, a description).
                let shaped: Vec<usize> = (0..any.all_of.len())
                    .filter(|&i| !self.annotates_only(&any.all_of[i]))
                    .collect();
                match shaped.as_slice() {
                    [] => TypeRef::Json,
                    [i] => self.schema(&any.all_of[*i], &at.push("allOf").push(*i), ctx),
                    _ => self.struct_type(s, at, ctx, component, docs),
                }
            }
            SchemaKind::Any(any) if !any.properties.is_empty() || !any.all_of.is_empty() => {
                self.struct_type(s, at, ctx, component, docs)
            }
            SchemaKind::Any(_) => TypeRef::Json,
        }
    }

    /// An enum of strings, integers, booleans or a mix. A `null` among the values is not a
    /// variant: it makes the field that holds the enum nullable instead (see `nullable`).
    pub(super) fn enum_type(
        &mut self,
        values: Vec<serde_json::Value>,
        at: &Pointer,
        ctx: &Ctx,
        component: Option<&str>,
        docs: Option<String>,
    ) -> TypeRef {
        use serde_json::Value;
        let kind = if values.iter().all(Value::is_string) {
            EnumKind::String
        } else if values.iter().all(|v| v.is_i64()) {
            EnumKind::Integer
        } else {
            EnumKind::Mixed
        };
        let (name, id) = self.new_type(ctx, component);
        let mut scope = Scope::new();
        scope.reserve(["Unknown"]);
        let mut seen = std::collections::BTreeSet::new();
        let variants = values
            .into_iter()
            .filter(|v| seen.insert(v.to_string()))
            .map(|value| {
                let (api, wanted) = match (&value, kind) {
                    (Value::String(text), EnumKind::String) => {
                        (text.clone(), naming::variant_name(text))
                    }
                    (Value::String(text), _) => (value.to_string(), naming::variant_name(text)),
                    (Value::Bool(b), _) => {
                        (value.to_string(), naming::variant_name(&b.to_string()))
                    }
                    // `1` → `V1`, `-1` → `Minus1`, `1.5` → `V1Point5`.
                    (other, _) => {
                        let text = other.to_string();
                        let words = text.replace('-', "minus ").replace('.', " point ");
                        (text, naming::variant_name(&words))
                    }
                };
                Name {
                    api,
                    rust: scope.claim(&wanted),
                }
            })
            .collect();
        let api = component.map_or_else(|| at.to_string(), str::to_owned);
        self.types[id.0] = Some(TypeDef::Enum(EnumDef {
            name: Name { api, rust: name },
            home: ctx.home.clone(),
            docs,
            variants,
            kind,
        }));
        TypeRef::Named(id)
    }

    /// Whether an `allOf` member only annotates (a description, `nullable`, constraints) and
    /// adds no shape of its own.
    pub(super) fn annotates_only<S: std::borrow::Borrow<Schema>>(
        &self,
        r: &'a ReferenceOr<S>,
    ) -> bool {
        let ReferenceOr::Item(s) = r else {
            return false;
        };
        match &s.borrow().schema_kind {
            SchemaKind::Any(a) => {
                a.typ.is_none()
                    && a.properties.is_empty()
                    && a.items.is_none()
                    && a.enumeration.is_empty()
                    && a.all_of.is_empty()
                    && a.any_of.is_empty()
                    && a.one_of.is_empty()
                    && a.not.is_none()
                    && a.additional_properties.is_none()
            }
            _ => false,
        }
    }

    /// The properties, `required` and `additionalProperties` of an object schema, the members
    /// of `allOf` merged in order (nested `allOf`s and `$ref`s included). A member that is not
    /// an object, or two members giving one property different types, is an error.
    pub(super) fn object_parts(
        &mut self,
        s: &'a Schema,
        at: &Pointer,
        parts: &mut ObjectParts<'a>,
        depth: usize,
    ) {
        let (properties, required, additional, all_of) = match &s.schema_kind {
            SchemaKind::Type(Type::Object(o)) => (
                &o.properties,
                &o.required,
                o.additional_properties.as_ref(),
                None,
            ),
            SchemaKind::Any(a) if a.typ.as_deref().is_none_or(|t| t == "object") => (
                &a.properties,
                &a.required,
                a.additional_properties.as_ref(),
                Some(&a.all_of),
            ),
            SchemaKind::AllOf { all_of } => {
                self.merge_all_of(all_of, at, parts, depth);
                return;
            }
            _ => {
                self.error(
                    at,
                    "expected an object schema (`type: object` with `properties`)",
                );
                return;
            }
        };
        if let Some(all_of) = all_of.filter(|m| !m.is_empty()) {
            self.merge_all_of(all_of, at, parts, depth);
        }
        for (api, prop) in properties {
            let prop_at = at.push("properties").push(api);
            if let Some(i) = parts
                .properties
                .iter()
                .position(|(name, _, _)| *name == api)
            {
                let (_, earlier, earlier_at) = &parts.properties[i];
                let (a, b) = (self.json_type(*earlier), self.json_type(prop));
                if let (Some(a), Some(b)) = (a, b) {
                    if a != b {
                        self.error(
                            &prop_at,
                            format!(
                                "`allOf` members give the property `{api}` conflicting types: `{a}` (at {earlier_at}) and `{b}`"
                            ),
                        );
                    }
                }
                // The later member narrows the earlier one (an enum for a string, say).
                parts.properties[i] = (api, prop, prop_at);
            } else {
                parts.properties.push((api, prop, prop_at));
            }
        }
        parts.required.extend(required.iter().map(String::as_str));
        if parts.additional.is_none() {
            parts.additional = additional.map(|a| (a, at.clone()));
        }
    }

    /// A schema's JSON type, looking through `$ref`s, when it states one.
    pub(super) fn json_type<S: std::borrow::Borrow<Schema>>(
        &self,
        r: &'a ReferenceOr<S>,
    ) -> Option<&'static str> {
        let s = self.resolver.schema(r, &Pointer::root()).ok()?.item;
        Some(match &s.schema_kind {
            SchemaKind::Type(Type::String(_)) => "string",
            SchemaKind::Type(Type::Integer(_)) => "integer",
            SchemaKind::Type(Type::Number(_)) => "number",
            SchemaKind::Type(Type::Boolean(_)) => "boolean",
            SchemaKind::Type(Type::Array(_)) => "array",
            SchemaKind::Type(Type::Object(_)) => "object",
            _ => return None,
        })
    }

    /// Whether a property's value may be `null`: `nullable: true`, or `null` among an enum's
    /// values (an enum behind a `$ref` included).
    pub(super) fn nullable<S: std::borrow::Borrow<Schema>>(&self, r: &'a ReferenceOr<S>) -> bool {
        let Ok(resolved) = self.resolver.schema(r, &Pointer::root()) else {
            return false;
        };
        let s = resolved.item;
        // `allOf: [{$ref: X}, {nullable: true}]` is the 3.0 way to make a named type nullable.
        let annotated = match &s.schema_kind {
            SchemaKind::AllOf { all_of } => all_of.iter().any(|m| {
                self.annotates_only(m)
                    && matches!(m, ReferenceOr::Item(m) if m.schema_data.nullable)
            }),
            _ => false,
        };
        let own = matches!(r, ReferenceOr::Item(_)) && (s.schema_data.nullable || annotated);
        own || (enum_values(s).is_some() && (s.schema_data.nullable || enum_has_null(s)))
    }

    /// A string's `date-time`, `date`, `uuid` or `byte` format as a doc line: the field is a
    /// `String` that holds the text as sent (see the README for why), and this says what to
    /// parse it as.
    fn with_format_note<S: std::borrow::Borrow<Schema>>(
        &self,
        docs: Option<String>,
        r: &'a ReferenceOr<S>,
    ) -> Option<String> {
        let Ok(resolved) = self.resolver.schema(r, &Pointer::root()) else {
            return docs;
        };
        let SchemaKind::Type(Type::String(st)) = &resolved.item.schema_kind else {
            return docs;
        };
        let note = match &st.format {
            VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => {
                "A date and time (`date-time`, RFC 3339), as sent."
            }
            VariantOrUnknownOrEmpty::Item(StringFormat::Date) => {
                "A date (`date`, RFC 3339 `full-date`), as sent."
            }
            VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => "Base64 text (`byte`), as sent.",
            VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => "A UUID (`uuid`), as sent.",
            _ => return docs,
        };
        Some(match docs {
            Some(d) => format!("{d}\n\n{note}"),
            None => note.to_owned(),
        })
    }

    pub(super) fn type_name(&mut self, ctx: &Ctx, component: Option<&str>) -> String {
        match component {
            Some(_) => ctx.name.clone(),
            None => self.claim(&ctx.home, &ctx.name),
        }
    }

    pub(super) fn map_of(
        &mut self,
        extra: Option<&'a AdditionalProperties>,
        at: &Pointer,
        ctx: &Ctx,
    ) -> TypeRef {
        match extra {
            Some(AdditionalProperties::Schema(schema)) => {
                let value = match self
                    .resolver
                    .schema(schema, &at.push("additionalProperties"))
                {
                    Ok(r) => self.resolved(r, ctx),
                    Err(e) => {
                        self.errors.push(e);
                        TypeRef::Json
                    }
                };
                TypeRef::Map(Box::new(value))
            }
            _ => TypeRef::JsonObject,
        }
    }

    /// Stripe's list objects (`object: list` with `data`, `has_more`, `url`) and search results
    /// (`object: search_result`, plus `next_page`, `total_count`) are one generic runtime type
    /// each, not a struct per list: less code, and pagination can rely on their shape.
    pub(super) fn list_shape(
        &mut self,
        o: &'a openapiv3::ObjectType,
        at: &Pointer,
        ctx: &Ctx,
    ) -> Option<TypeRef> {
        let keys: Vec<&str> = o.properties.keys().map(String::as_str).collect();
        let tag = match o.properties.get("object")? {
            ReferenceOr::Item(p) => match &p.schema_kind {
                SchemaKind::Type(Type::String(s)) => match s.enumeration.as_slice() {
                    [Some(tag)] => tag.as_str(),
                    _ => return None,
                },
                _ => return None,
            },
            ReferenceOr::Reference { .. } => return None,
        };
        let search = match (tag, keys.as_slice()) {
            ("list", ["data", "has_more", "object", "url"]) => false,
            (
                "search_result",
                ["data", "has_more", "next_page", "object", "total_count", "url"],
            ) => true,
            _ => return None,
        };
        let required: Vec<&str> = o.required.iter().map(String::as_str).collect();
        if !["data", "has_more", "object", "url"]
            .iter()
            .all(|r| required.contains(r))
        {
            return None;
        }
        let ReferenceOr::Item(data) = &o.properties["data"] else {
            return None;
        };
        let SchemaKind::Type(Type::Array(array)) = &data.schema_kind else {
            return None;
        };
        let items = array.items.as_ref()?;
        let item_ctx = Ctx {
            name: format!("{}Item", ctx.name),
            ..ctx.clone()
        };
        let item = self.schema(
            items,
            &at.push("properties").push("data").push("items"),
            &item_ctx,
        );
        Some(if search {
            TypeRef::SearchList(Box::new(item))
        } else {
            TypeRef::List(Box::new(item))
        })
    }

    pub(super) fn struct_type(
        &mut self,
        s: &'a Schema,
        at: &Pointer,
        ctx: &Ctx,
        component: Option<&str>,
        docs: Option<String>,
    ) -> TypeRef {
        let (name, id) = self.new_type(ctx, component);
        let inner = Ctx {
            name: name.clone(),
            home: ctx.home.clone(),
            direction: ctx.direction,
            shallow: ctx.shallow,
        };
        let fields = self.object_fields(s, at, &inner);
        let additional = self.additional_of(s, at, &inner);
        let has_id = fields
            .iter()
            .any(|f| f.name.api == "id" && f.required && !f.nullable && f.ty == TypeRef::String);
        let api = component.map_or_else(|| at.to_string(), str::to_owned);
        let docs = docs.or_else(|| self.docs(s.schema_data.title.as_ref()));
        self.types[id.0] = Some(TypeDef::Struct(StructDef {
            name: Name { api, rust: name },
            home: ctx.home.clone(),
            direction: ctx.direction,
            docs,
            fields,
            has_id,
            additional,
        }));
        TypeRef::Named(id)
    }

    /// The fields of an object schema (its `allOf` members merged); `ctx.name` is the struct's
    /// own name (inline field types are named after it).
    pub(super) fn object_fields(&mut self, s: &'a Schema, at: &Pointer, ctx: &Ctx) -> Vec<Field> {
        let mut parts = ObjectParts::default();
        self.object_parts(s, at, &mut parts, 0);
        self.fields_of(parts, ctx)
    }

    /// The type of an object's members besides the declared ones, when it has declared ones:
    /// typed when `additionalProperties` gives a schema; a request may also send free-form
    /// ones when it allows any. `ctx.name` is the struct's own name.
    pub(super) fn additional_of(
        &mut self,
        s: &'a Schema,
        at: &Pointer,
        ctx: &Ctx,
    ) -> Option<TypeRef> {
        let mut parts = ObjectParts::default();
        // Errors were reported when the fields were read.
        let errors = self.errors.len();
        self.object_parts(s, at, &mut parts, 0);
        self.errors.truncate(errors);
        if parts.properties.is_empty() {
            return None;
        }
        match parts.additional? {
            (AdditionalProperties::Schema(schema), at) => {
                let value_ctx = Ctx {
                    name: format!("{}Value", ctx.name),
                    ..ctx.clone()
                };
                Some(self.schema(schema, &at.push("additionalProperties"), &value_ctx))
            }
            (AdditionalProperties::Any(true), _) if ctx.direction != Direction::Response => {
                Some(TypeRef::Json)
            }
            _ => None,
        }
    }

    /// Merges `allOf` members into `parts`, in order.
    pub(super) fn merge_all_of(
        &mut self,
        members: &'a [ReferenceOr<Schema>],
        at: &Pointer,
        parts: &mut ObjectParts<'a>,
        depth: usize,
    ) {
        if depth > 16 {
            self.error(at, "`allOf` nests too deeply (or contains itself)");
            return;
        }
        for (i, member) in members.iter().enumerate() {
            if self.annotates_only(member) {
                continue;
            }
            let member_at = at.push("allOf").push(i);
            match self.resolver.schema(member, &member_at) {
                Ok(r) => match (&r.item.schema_kind, self.json_type(member)) {
                    (SchemaKind::Type(_), Some(other)) if other != "object" => self.error(
                        &member_at,
                        format!("an `allOf` member must be an object schema to be merged, not a `{other}`"),
                    ),
                    (SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } | SchemaKind::Not { .. }, _) => self.error(
                        &member_at,
                        "an `allOf` member must be an object schema to be merged, not a choice (`oneOf`, `anyOf`, `not`)",
                    ),
                    _ => self.object_parts(r.item, &r.pointer, parts, depth + 1),
                },
                Err(e) => self.errors.push(e),
            }
        }
    }

    pub(super) fn fields_of(&mut self, parts: ObjectParts<'a>, ctx: &Ctx) -> Vec<Field> {
        let mut scope = Scope::new();
        let mut fields = Vec::new();
        for (api, prop, prop_ptr) in parts.properties {
            let field_ctx = Ctx {
                name: format!("{}{}", ctx.name, naming::type_name(api)),
                home: ctx.home.clone(),
                direction: ctx.direction,
                shallow: ctx.shallow,
            };
            let (docs, read_only, write_only) = match prop {
                ReferenceOr::Item(p) => (
                    with_deprecation(
                        self.docs(p.schema_data.description.as_ref()),
                        p.schema_data.deprecated,
                    ),
                    p.schema_data.read_only,
                    p.schema_data.write_only,
                ),
                ReferenceOr::Reference { .. } => match self.resolver.schema(prop, &prop_ptr) {
                    Ok(r) => (
                        None,
                        r.item.schema_data.read_only,
                        r.item.schema_data.write_only,
                    ),
                    Err(_) => (None, false, false),
                },
            };
            // What the server sets is never sent; what only the client sends never comes back.
            let request = ctx.direction != Direction::Response;
            if (request && read_only) || (!request && write_only) {
                continue;
            }
            let docs = self.with_format_note(docs, prop);
            let nullable = self.nullable(prop);
            let ty = self.schema(prop, &prop_ptr, &field_ctx);
            let rust = scope.claim(&naming::field_name(api));
            fields.push(Field {
                name: Name {
                    api: api.clone(),
                    rust,
                },
                docs,
                ty,
                required: parts.required.contains(api.as_str()),
                nullable,
                wire: Wire::Body,
            });
        }
        fields
    }
}

/// An object schema's parts, `allOf` members merged (see `Lowerer::object_parts`).
#[derive(Default)]
pub(super) struct ObjectParts<'a> {
    /// In declaration order; a later member's declaration replaces an earlier one in place.
    properties: Vec<(&'a String, &'a ReferenceOr<Box<Schema>>, Pointer)>,
    required: std::collections::BTreeSet<&'a str>,
    /// The first member's `additionalProperties`, and where that member is.
    additional: Option<(&'a AdditionalProperties, Pointer)>,
}

/// `**Deprecated.**` before the docs of what the spec marks `deprecated`: a doc line rather
/// than `#[deprecated]`, which would warn in the binding's own decoding and encoding code.
pub(crate) fn with_deprecation(docs: Option<String>, deprecated: bool) -> Option<String> {
    if !deprecated {
        return docs;
    }
    Some(match docs {
        Some(d) => format!("**Deprecated.**\n\n{d}"),
        None => "**Deprecated.**".to_owned(),
    })
}

/// The values of an `enum` schema of any type, `null` left out; `None` when it has none.
pub(super) fn enum_values(s: &Schema) -> Option<Vec<serde_json::Value>> {
    use serde_json::Value;
    let values: Vec<Value> = match &s.schema_kind {
        SchemaKind::Type(Type::String(t)) => t
            .enumeration
            .iter()
            .flatten()
            .map(|v| Value::from(v.as_str()))
            .collect(),
        SchemaKind::Type(Type::Integer(t)) => t
            .enumeration
            .iter()
            .flatten()
            .map(|v| Value::from(*v))
            .collect(),
        SchemaKind::Type(Type::Number(t)) => t
            .enumeration
            .iter()
            .flatten()
            .map(|v| Value::from(*v))
            .collect(),
        SchemaKind::Type(Type::Boolean(t)) => t
            .enumeration
            .iter()
            .flatten()
            .map(|v| Value::from(*v))
            .collect(),
        SchemaKind::Any(a) => a
            .enumeration
            .iter()
            .filter(|v| !v.is_null())
            .cloned()
            .collect(),
        _ => return None,
    };
    (!values.is_empty()).then_some(values)
}

/// Whether an `enum` lists `null` among its values.
pub(super) fn enum_has_null(s: &Schema) -> bool {
    match &s.schema_kind {
        SchemaKind::Type(Type::String(t)) => t.enumeration.iter().any(Option::is_none),
        SchemaKind::Type(Type::Integer(t)) => t.enumeration.iter().any(Option::is_none),
        SchemaKind::Type(Type::Number(t)) => t.enumeration.iter().any(Option::is_none),
        SchemaKind::Type(Type::Boolean(t)) => t.enumeration.iter().any(Option::is_none),
        SchemaKind::Any(a) => a.enumeration.iter().any(serde_json::Value::is_null),
        _ => false,
    }
}

/// Whether a component schema becomes a named Rust type (objects and enums do; aliases of
/// primitives, arrays and maps are inlined where used).
pub(super) fn defines_type(s: &Schema) -> bool {
    if enum_values(s).is_some_and(|v| !v.iter().all(serde_json::Value::is_boolean)) {
        return true;
    }
    match &s.schema_kind {
        SchemaKind::AllOf { all_of } => all_of.len() > 1,
        SchemaKind::Any(a) => !a.properties.is_empty() || a.all_of.len() > 1,
        SchemaKind::Type(Type::Object(o)) => {
            !o.properties.is_empty()
                || !matches!(
                    o.additional_properties,
                    Some(AdditionalProperties::Any(true)) | Some(AdditionalProperties::Schema(_))
                )
        }
        SchemaKind::AnyOf { any_of: m } | SchemaKind::OneOf { one_of: m } => m.len() > 1,
        _ => false,
    }
}
