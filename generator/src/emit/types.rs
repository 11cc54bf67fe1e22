//! Structs and enums, for `types.rs` (shared response objects) and for operation modules
//! (request parameters).

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attrs, ident, type_path};
use crate::model::{
    Api, Direction, EnumDef, Field, Home, StructDef, TypeDef, TypeId, TypeRef, UnionDef, Wire,
};
use crate::naming::unraw;

/// `src/types.rs`: every shared type, sorted by name, and the error body alias.
pub fn emit_shared(api: &Api) -> TokenStream {
    let error_body = match &api.error_body {
        Some(ty) => type_ref(api, ty, &Home::Shared),
        None => quote!(serde_json::Value),
    };
    let items = emit_types_in(api, &Home::Shared);
    let title = format!(" The objects {} sends and returns.", api.title);
    quote! {
        #![doc = #title]

        /// The body of an error answer, from the operations' `default` response.
        pub type ErrorBody = #error_body;

        #items
    }
}

/// The types that live in `home`, sorted by Rust name.
pub fn emit_types_in(api: &Api, home: &Home) -> TokenStream {
    let boxed = recursive_fields(api);
    let expandable = expandable_targets(api);
    let mut defs: Vec<(usize, &TypeDef)> = api
        .types
        .iter()
        .enumerate()
        .filter(|(_, t)| t.home() == home)
        .collect();
    defs.sort_by(|a, b| a.1.name().rust.cmp(&b.1.name().rust));
    let items = defs.into_iter().map(|(i, def)| match def {
        TypeDef::Struct(s) => {
            let has_id = s.has_id && expandable.contains(&TypeId(i));
            emit_struct(api, s, |f| boxed.contains(&(i, f)), has_id)
        }
        TypeDef::Enum(e) => emit_enum(e),
        TypeDef::Union(u) => emit_union(api, u, expandable.contains(&TypeId(i))),
        TypeDef::Alias(a) => {
            let ty = ident(&a.name.rust);
            let docs = doc_attrs(a.docs.as_deref(), false);
            let target = type_ref(api, &TypeRef::Named(a.target), &a.home);
            quote! {
                #docs
                pub type #ty = #target;
            }
        }
    });
    quote!(#(#items)*)
}

fn emit_struct(
    api: &Api,
    s: &StructDef,
    is_boxed: impl Fn(usize) -> bool,
    has_id: bool,
) -> TokenStream {
    let StructDef {
        name,
        home,
        direction,
        docs,
        fields,
        has_id: _,
    } = s;
    let ty = ident(&name.rust);
    let docs = doc_attrs(docs.as_deref(), false);
    let derives = match direction {
        // Responses are only decoded unless the crate's `serialize` feature asks for more: their
        // `Serialize` code is a measurable part of a large binding's build.
        Direction::Response => quote! {
            #[derive(Clone, Debug, PartialEq, serde::Deserialize)]
            #[cfg_attr(feature = "serialize", derive(serde::Serialize))]
        },
        Direction::Request => quote!(#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]),
    };
    let fields = fields
        .iter()
        .enumerate()
        .map(|(i, f)| emit_field(api, f, home, *direction, is_boxed(i)));
    let id_impl = has_id.then(|| {
        quote! {
            impl crate::HasId for #ty {
                fn id(&self) -> &str {
                    &self.id
                }
            }
        }
    });
    quote! {
        #docs
        #derives
        pub struct #ty {
            #(#fields)*
        }
        #id_impl
    }
}

fn emit_field(api: &Api, f: &Field, home: &Home, direction: Direction, boxed: bool) -> TokenStream {
    let Field {
        name,
        docs,
        ty,
        required,
        nullable,
        wire,
    } = f;
    let field = ident(&name.rust);
    let mut inner = type_ref(api, ty, home);
    if boxed {
        inner = quote!(Box<#inner>);
    }
    let docs = doc_attrs(docs.as_deref(), false);
    let rename = (unraw(&name.rust) != name.api).then(|| {
        let api_name = &name.api;
        quote!(#[serde(rename = #api_name)])
    });
    // Request fields are all optional in Rust (so params are `Default`); required ones are
    // checked before sending. In responses, a nullable field re-encodes `None` as `null` (the
    // API sends nullable fields as `null` rather than leaving them out) and a field that is
    // only optional is left out, so a decoded object re-encodes as it came.
    let (ty, attrs) = match (direction, required, nullable) {
        // Query parameters are encoded one by one by the operation (their style decides how),
        // so the body encoding skips them.
        // Files go in parts of their own.
        (Direction::Request, ..) if *wire != Wire::Body || *ty == TypeRef::Binary => {
            (quote!(Option<#inner>), quote!(#[serde(skip)]))
        }
        (Direction::Request, ..) => (
            quote!(Option<#inner>),
            quote!(#[serde(skip_serializing_if = "Option::is_none")]),
        ),
        (Direction::Response, true, false) => (inner, quote!()),
        (Direction::Response, _, true) => (quote!(Option<#inner>), quote!(#[serde(default)])),
        (Direction::Response, false, false) => (
            quote!(Option<#inner>),
            quote!(#[serde(default, skip_serializing_if = "Option::is_none")]),
        ),
    };
    quote! {
        #docs
        #rename
        #attrs
        pub #field: #ty,
    }
}

fn emit_enum(e: &EnumDef) -> TokenStream {
    let EnumDef {
        name,
        home: _,
        docs,
        variants,
    } = e;
    let ty = ident(&name.rust);
    let docs = doc_attrs(docs.as_deref(), false);
    let idents: Vec<_> = variants.iter().map(|v| ident(&v.rust)).collect();
    let values: Vec<&str> = variants.iter().map(|v| v.api.as_str()).collect();
    let variant_docs = values.iter().map(|v| format!(" `{v}`"));
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #ty {
            #(#[doc = #variant_docs] #idents,)*
            /// A value this version of the binding does not know, kept as sent.
            Unknown(String),
        }

        impl #ty {
            /// The value as the API spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #values,)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<&str> for #ty {
            fn from(value: &str) -> Self {
                match value {
                    #(#values => Self::#idents,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for #ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Ok(Self::from(value.as_ref()))
            }
        }
    }
}

/// The Rust type for a model type, as written from code in `from`.
pub fn type_ref(api: &Api, ty: &TypeRef, from: &Home) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::Integer => quote!(i64),
        TypeRef::Timestamp => quote!(crate::Timestamp),
        TypeRef::Number => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::Binary => quote!(crate::UploadFile),
        TypeRef::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
        TypeRef::Named(id) => named(api, *id, from),
        TypeRef::Array(item) => {
            let item = type_ref(api, item, from);
            quote!(Vec<#item>)
        }
        TypeRef::Map(value) => {
            let value = type_ref(api, value, from);
            quote!(std::collections::BTreeMap<String, #value>)
        }
        TypeRef::Expandable(id) => {
            let object = named(api, *id, from);
            quote!(crate::Expandable<#object>)
        }
        TypeRef::Clearable(inner) => {
            let inner = type_ref(api, inner, from);
            quote!(crate::Clearable<#inner>)
        }
        TypeRef::List(item) => {
            let item = type_ref(api, item, from);
            quote!(crate::List<#item>)
        }
        TypeRef::SearchList(item) => {
            let item = type_ref(api, item, from);
            quote!(crate::SearchList<#item>)
        }
    }
}

fn named(api: &Api, id: TypeId, from: &Home) -> TokenStream {
    let def = &api.types[id.0];
    type_path(def.home(), from, &def.name().rust)
}

/// Fields that hold their own struct type directly (not through `Vec`, a map or
/// `Expandable`, which already allocate), at any depth: these need a `Box`.
fn recursive_fields(api: &Api) -> BTreeSet<(usize, usize)> {
    let direct = |ty: &TypeRef| match ty {
        TypeRef::Named(id) => Some(api.resolve(*id).0),
        _ => None,
    };
    let edges: Vec<Vec<usize>> = api
        .types
        .iter()
        .map(|t| match t {
            TypeDef::Struct(s) => s.fields.iter().filter_map(|f| direct(&f.ty)).collect(),
            TypeDef::Enum(_) | TypeDef::Union(_) | TypeDef::Alias(_) => Vec::new(),
        })
        .collect();
    let reaches = |from: usize, to: usize| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from];
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n) {
                stack.extend(edges[n].iter().copied());
            }
        }
        false
    };
    let mut boxed = BTreeSet::new();
    for (i, t) in api.types.iter().enumerate() {
        if let TypeDef::Struct(s) = t {
            for (j, f) in s.fields.iter().enumerate() {
                if direct(&f.ty).is_some_and(|target| reaches(target, i)) {
                    boxed.insert((i, j));
                }
            }
        }
    }
    boxed
}

/// Types that implement `HasId`: those some field refers to as `Expandable<T>`, and the items
/// of lists that are paged through by cursor.
fn expandable_targets(api: &Api) -> BTreeSet<TypeId> {
    let mut out = expandable_refs(api);
    out = out.into_iter().map(|id| api.resolve(id)).collect();
    // Only types that can answer `id()` qualify.
    out.retain(|id| match &api.types[id.0] {
        TypeDef::Struct(s) => s.has_id,
        TypeDef::Union(_) => true,
        TypeDef::Enum(_) | TypeDef::Alias(_) => false,
    });
    out
}

/// What fields and responses refer to as `Expandable<T>` or as list items, aliases as named.
fn expandable_refs(api: &Api) -> BTreeSet<TypeId> {
    fn visit(ty: &TypeRef, out: &mut BTreeSet<TypeId>) {
        match ty {
            TypeRef::Expandable(id) => {
                out.insert(*id);
            }
            TypeRef::List(inner) => {
                if let TypeRef::Named(id) = inner.as_ref() {
                    out.insert(*id);
                }
                visit(inner, out)
            }
            TypeRef::Array(inner)
            | TypeRef::Map(inner)
            | TypeRef::Clearable(inner)
            | TypeRef::SearchList(inner) => visit(inner, out),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    for t in &api.types {
        match t {
            TypeDef::Struct(s) => s.fields.iter().for_each(|f| visit(&f.ty, &mut out)),
            TypeDef::Union(u) => u.variants.iter().for_each(|(_, t)| visit(t, &mut out)),
            TypeDef::Enum(_) | TypeDef::Alias(_) => {}
        }
    }
    for op in &api.operations {
        visit(&op.response, &mut out);
    }
    out
}

/// The `object` tag (and whether it is a `deleted_*` object) a union member can be told by:
/// a required `object` field whose type is a one-value enum.
fn tag_of(api: &Api, ty: &TypeRef) -> Option<(String, bool)> {
    let TypeRef::Named(id) = ty else { return None };
    let TypeDef::Struct(s) = &api.types[api.resolve(*id).0] else {
        return None;
    };
    let object = s
        .fields
        .iter()
        .find(|f| f.name.api == "object" && f.required)?;
    let TypeRef::Named(tag) = &object.ty else {
        return None;
    };
    let TypeDef::Enum(e) = &api.types[api.resolve(*tag).0] else {
        return None;
    };
    let [only] = e.variants.as_slice() else {
        return None;
    };
    let deleted = s
        .fields
        .iter()
        .any(|f| f.name.api == "deleted" && f.required);
    Some((only.api.clone(), deleted))
}

/// The `object` tag (and `deleted` flag) of each member, when every member has one and no two
/// share it: then decoding dispatches on the tag.
pub fn union_tags(api: &Api, u: &UnionDef) -> Option<Vec<(String, bool)>> {
    let tags: Vec<(String, bool)> = u
        .variants
        .iter()
        .map(|(_, t)| tag_of(api, t))
        .collect::<Option<_>>()?;
    let set: BTreeSet<_> = tags.iter().collect();
    (set.len() == tags.len()).then_some(tags)
}

fn emit_union(api: &Api, u: &UnionDef, has_id: bool) -> TokenStream {
    let UnionDef {
        name,
        home,
        direction,
        docs,
        variants,
    } = u;
    let ty = ident(&name.rust);
    let docs = doc_attrs(docs.as_deref(), false);
    let idents: Vec<_> = variants.iter().map(|(v, _)| ident(v)).collect();
    // Objects are boxed: they are large, and a union may contain itself through them.
    let boxed = |t: &TypeRef| matches!(t, TypeRef::Named(id) if !matches!(api.types[api.resolve(*id).0], TypeDef::Enum(_)));
    let payloads: Vec<_> = variants
        .iter()
        .map(|(_, t)| {
            let inner = type_ref(api, t, home);
            if boxed(t) {
                quote!(Box<#inner>)
            } else {
                inner
            }
        })
        .collect();

    let decode = match union_tags(api, u) {
        Some(tags) => {
            // Dispatch on `object` (and `deleted`), so a decoding error inside the right member
            // is reported as such instead of as "no member matched".
            let arms = tags.iter().zip(&idents).map(|((tag, deleted), v)| {
                quote!((Some(#tag), #deleted) => crate::runtime::decode_member(text).map(Self::#v).map_err(serde::de::Error::custom),)
            });
            quote! {
                let (tag, deleted) = crate::runtime::union_tag(text);
                match (tag.as_deref(), deleted) {
                    #(#arms)*
                    _ => crate::runtime::decode_member(text).map(Self::Unknown).map_err(serde::de::Error::custom),
                }
            }
        }
        None => {
            let tries = idents.iter().map(|v| {
                quote! {
                    if let Ok(v) = crate::runtime::decode_member(text) {
                        return Ok(Self::#v(v));
                    }
                }
            });
            quote! {
                #(#tries)*
                crate::runtime::decode_member(text).map(Self::Unknown).map_err(serde::de::Error::custom)
            }
        }
    };
    let id_impl = has_id.then(|| {
        let arms = idents.iter().zip(variants).map(|(v, (_, t))| match t {
            TypeRef::Named(id) if matches!(&api.types[api.resolve(*id).0], TypeDef::Struct(s) if s.has_id) => quote!(Self::#v(v) => &v.id,),
            _ => quote!(Self::#v(_) => "",),
        });
        quote! {
            impl crate::HasId for #ty {
                fn id(&self) -> &str {
                    match self {
                        #(#arms)*
                        Self::Unknown(value) => value.get("id").and_then(serde_json::Value::as_str).unwrap_or_default(),
                    }
                }
            }
        }
    });
    let serialize_cfg =
        (*direction == Direction::Response).then(|| quote!(#[cfg(feature = "serialize")]));
    // Request unions are only ever sent, and their members only serialize.
    let deserialize = (*direction == Direction::Response).then(|| {
        quote! {
            impl<'de> serde::Deserialize<'de> for #ty {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    // The member's own text, decoded once the tag says which member it is. Raw
                    // text rather than a `serde_json::Value`, which would compile a second
                    // decoder for every member type.
                    let raw = <Box<serde_json::value::RawValue> as serde::Deserialize>::deserialize(deserializer)?;
                    let text = raw.get();
                    #decode
                }
            }
        }
    });
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum #ty {
            #(#idents(#payloads),)*
            /// A shape this version of the binding does not know, kept as sent.
            Unknown(serde_json::Value),
        }

        #serialize_cfg
        impl serde::Serialize for #ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(Self::#idents(v) => v.serialize(serializer),)*
                    Self::Unknown(v) => v.serialize(serializer),
                }
            }
        }

        #deserialize
        #id_impl
    }
}
