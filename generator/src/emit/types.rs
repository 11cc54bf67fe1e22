//! Structs and enums, for `types.rs` (shared response objects) and for operation modules
//! (request parameters).

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attrs, ident, type_path};
use crate::model::{
    Api, Direction, EnumDef, EnumKind, Field, Home, StructDef, TypeDef, TypeId, TypeRef, UnionDef,
    Wire,
};
use crate::naming::{self, unraw};

/// `src/types.rs`: every shared type, sorted by name, and the error body alias.
pub fn emit_shared(api: &Api) -> TokenStream {
    let error_body = match &api.error_body {
        Some(ty) => type_ref(api, ty, &Home::Shared),
        None => quote!(serde_json::Value),
    };
    let items = emit_types_in(api, &Home::Shared);
    let title = format!(
        " The objects {} sends and returns.",
        crate::escape::md_text(&api.title)
    );
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
        additional,
    } = s;
    let ty = ident(&name.rust);
    let docs = doc_attrs(docs.as_deref(), false);
    let id_impl = has_id.then(|| {
        quote! {
            impl crate::HasId for #ty {
                fn id(&self) -> &str {
                    &self.id
                }
            }
        }
    });
    if *direction == Direction::Response {
        let fields: Vec<_> = fields
            .iter()
            .enumerate()
            .map(|(i, f)| ResponseField {
                field: f,
                ident: ident(&f.name.rust),
                ty: field_type(api, f, home, is_boxed(i)),
            })
            .collect();
        let extra = Extra {
            ident: ident(&naming::extra_field_name(
                fields.iter().map(|f| f.field.name.rust.as_str()),
            )),
            value: additional.as_ref().map(|t| type_ref(api, t, home)),
        };
        let decl = emit_response_struct(&ty, &docs, &fields, &extra);
        let decode = emit_from_object(&ty, &name.rust, &fields, &extra);
        let encode = emit_response_serialize(&ty, &fields, &extra);
        return quote! {
            #decl
            #decode
            #encode
            #id_impl
        };
    }
    if *direction == Direction::JsonRequest {
        let decl = emit_json_request_struct(api, s, is_boxed);
        return quote!(#decl #id_impl);
    }
    // Members besides the declared ones (`additionalProperties`), sent after them.
    let extra = additional.as_ref().map(|value| {
        let extra = ident(&naming::extra_field_name(
            fields.iter().map(|f| f.name.rust.as_str()),
        ));
        let value = type_ref(api, value, home);
        quote! {
            /// Members besides the declared ones, sent after them.
            #[serde(flatten)]
            pub #extra: std::collections::BTreeMap<String, #value>,
        }
    });
    let fields = fields
        .iter()
        .enumerate()
        .map(|(i, f)| emit_field(api, f, home, is_boxed(i)));
    quote! {
        #docs
        #[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
        pub struct #ty {
            #(#fields)*
            #extra
        }
        #id_impl
    }
}

/// A response struct's map of undeclared members: raw JSON unless the schema types them.
struct Extra {
    ident: proc_macro2::Ident,
    /// The value type from `additionalProperties: <schema>`.
    value: Option<TokenStream>,
}

/// A response struct's field, with its Rust name and type.
struct ResponseField<'a> {
    field: &'a Field,
    ident: proc_macro2::Ident,
    ty: TokenStream,
}

impl ResponseField<'_> {
    /// Required and not nullable: the one kind that is not an `Option` in Rust.
    fn is_plain(&self) -> bool {
        self.field.required && !self.field.nullable
    }

    /// Optional and not nullable: left out when `None`, rather than written as `null`.
    fn is_omitted_when_none(&self) -> bool {
        !self.field.required && !self.field.nullable
    }
}

fn emit_response_struct(
    ty: &proc_macro2::Ident,
    docs: &TokenStream,
    fields: &[ResponseField],
    extra: &Extra,
) -> TokenStream {
    let extra_decl = match &extra.value {
        None => {
            let ident = &extra.ident;
            quote! {
                /// Members the spec does not declare (from a newer API version, say), kept as sent.
                pub #ident: serde_json::Map<String, serde_json::Value>,
            }
        }
        Some(value) => {
            let ident = &extra.ident;
            quote! {
                /// Members besides the declared ones (the spec's `additionalProperties`).
                pub #ident: std::collections::BTreeMap<String, #value>,
            }
        }
    };
    let decls = fields.iter().map(|f| {
        let docs = doc_attrs(f.field.docs.as_deref(), false);
        let ident = &f.ident;
        let inner = &f.ty;
        let ty = if f.is_plain() {
            quote!(#inner)
        } else {
            quote!(Option<#inner>)
        };
        quote! {
            #docs
            pub #ident: #ty,
        }
    });
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq)]
        pub struct #ty {
            #(#decls)*
            #extra_decl
        }
    }
}

/// Decoding through `runtime::FromObject` rather than serde's derive (see there for why). A
/// nullable field that is absent decodes as `None`, like `null`; so does an optional one.
/// Locals for plumbing start with `__`, which no field name does.
fn emit_from_object(
    ty: &proc_macro2::Ident,
    rust_name: &str,
    fields: &[ResponseField],
    extra: &Extra,
) -> TokenStream {
    let new_extra = match &extra.value {
        None => quote!(serde_json::Map::new()),
        Some(_) => quote!(std::collections::BTreeMap::new()),
    };
    let extra = &extra.ident;
    let idents: Vec<_> = fields.iter().map(|f| &f.ident).collect();
    let keys = fields.iter().map(|f| &f.field.name.api);
    let arms = fields.iter().map(|f| {
        let ident = &f.ident;
        let key = &f.field.name.api;
        if f.is_plain() {
            quote!(#key => #ident = Some(__map.next_value()?),)
        } else {
            quote!(#key => #ident = __map.next_value()?,)
        }
    });
    let values = fields.iter().map(|f| {
        let ident = &f.ident;
        if f.is_plain() {
            let key = &f.field.name.api;
            quote!(#ident: crate::runtime::required(#ident, #key)?,)
        } else {
            quote!(#ident,)
        }
    });
    let mutable = (!fields.is_empty()).then(|| quote!(mut));
    let keep = quote! {
        let __value = __map.next_value()?;
        __extra.insert(__key.into_string(), __value);
    };
    let body = if fields.is_empty() {
        keep
    } else {
        quote! {
            match &*__key {
                #(#arms)*
                _ => {
                    #keep
                }
            }
        }
    };
    quote! {
        impl<'de> serde::Deserialize<'de> for #ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::deserialize_object(deserializer)
            }
        }

        impl crate::runtime::FromObject for #ty {
            const NAME: &'static str = #rust_name;
            const FIELDS: &'static [&'static str] = &[#(#keys),*];

            fn from_map<'de, A: serde::de::MapAccess<'de>>(mut __map: A) -> Result<Self, A::Error> {
                #(let #mutable #idents = None;)*
                let mut __extra = #new_extra;
                while let Some(__key) = __map.next_key::<crate::runtime::Key<'de>>()? {
                    #body
                }
                Ok(Self {
                    #(#values)*
                    #extra: __extra,
                })
            }
        }
    }
}

/// Behind the `serialize` feature: an optional field that is `None` is left out, a nullable
/// one is written as `null`, and the undeclared members go last, except any that a caller put
/// in `extra` under a declared name (which would repeat a key). The map's length is given, for
/// formats that need it.
fn emit_response_serialize(
    ty: &proc_macro2::Ident,
    fields: &[ResponseField],
    extra: &Extra,
) -> TokenStream {
    let undeclared = {
        let ident = &extra.ident;
        match &extra.value {
            None => quote!(crate::runtime::undeclared::<Self>(&self.#ident)),
            Some(_) => quote! {
                self.#ident
                    .iter()
                    .filter(|(key, _)| !<Self as crate::runtime::FromObject>::FIELDS.contains(&key.as_str()))
            },
        }
    };
    let entries = fields.iter().map(|f| {
        let ident = &f.ident;
        let key = &f.field.name.api;
        if f.is_omitted_when_none() {
            quote! {
                if let Some(value) = &self.#ident {
                    map.serialize_entry(#key, value)?;
                }
            }
        } else {
            quote!(map.serialize_entry(#key, &self.#ident)?;)
        }
    });
    // The length as a sum: fields always written, one per optional field that is set, and the
    // undeclared members (no `0 +`, which clippy would flag).
    let always = fields.iter().filter(|f| !f.is_omitted_when_none()).count();
    let mut terms: Vec<TokenStream> = Vec::new();
    if always > 0 {
        let always = proc_macro2::Literal::usize_unsuffixed(always);
        terms.push(quote!(#always));
    }
    terms.extend(fields.iter().filter(|f| f.is_omitted_when_none()).map(|f| {
        let ident = &f.ident;
        quote!(usize::from(self.#ident.is_some()))
    }));
    terms.push(quote!(extra.clone().count()));
    quote! {
        #[cfg(feature = "serialize")]
        impl serde::Serialize for #ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap as _;
                let extra = #undeclared;
                let len = #(#terms)+*;
                let mut map = serializer.serialize_map(Some(len))?;
                #(#entries)*
                for (key, value) in extra {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

fn emit_field(api: &Api, f: &Field, home: &Home, boxed: bool) -> TokenStream {
    let Field {
        name,
        docs,
        ty,
        required: _,
        nullable: _,
        wire,
    } = f;
    let field = ident(&name.rust);
    let inner = field_type(api, f, home, boxed);
    let docs = doc_attrs(docs.as_deref(), false);
    let rename = (unraw(&name.rust) != name.api).then(|| {
        let api_name = &name.api;
        quote!(#[serde(rename = #api_name)])
    });
    // Request fields are all optional in Rust (so params are `Default`); required ones are
    // checked before sending. Query parameters are encoded one by one by the operation (their
    // style decides how), so the body encoding skips them; files go in parts of their own.
    let attrs = if *wire != Wire::Body || ty.is_file() {
        quote!(#[serde(skip)])
    } else {
        quote!(#[serde(skip_serializing_if = "Option::is_none")])
    };
    quote! {
        #docs
        #rename
        #attrs
        pub #field: Option<#inner>,
    }
}

/// A JSON request body's struct: a required member is a plain field, so leaving it out does
/// not compile; an optional one is an `Option` left out when `None`; a required nullable one
/// an `Option` sent as `null` when `None`; an optional nullable one an `Option<Option<T>>`,
/// where `Some(None)` sends `null` and `None` leaves it out. `Default` only when every field
/// can be left out.
fn emit_json_request_struct(
    api: &Api,
    s: &StructDef,
    is_boxed: impl Fn(usize) -> bool,
) -> TokenStream {
    let ty = ident(&s.name.rust);
    let docs = doc_attrs(s.docs.as_deref(), false);
    let decls = s.fields.iter().enumerate().map(|(i, f)| {
        let field = ident(&f.name.rust);
        let inner = field_type(api, f, &s.home, is_boxed(i));
        let rename = (unraw(&f.name.rust) != f.name.api).then(|| {
            let api_name = &f.name.api;
            quote!(#[serde(rename = #api_name)])
        });
        let skip = quote!(#[serde(skip_serializing_if = "Option::is_none")]);
        let (ty, attrs, note) = match (f.required, f.nullable) {
            (true, false) => (quote!(#inner), None, None),
            (true, true) => (quote!(Option<#inner>), None, Some("`None` sends `null`.")),
            (false, false) => (quote!(Option<#inner>), Some(skip), None),
            (false, true) => (
                quote!(Option<Option<#inner>>),
                Some(skip),
                Some("`Some(None)` sends `null`; `None` leaves the member out."),
            ),
        };
        let text = match (f.docs.as_deref(), note) {
            (Some(d), Some(n)) => Some(format!("{d}\n\n{n}")),
            (d, n) => d.or(n).map(str::to_owned),
        };
        let docs = doc_attrs(text.as_deref(), false);
        quote! {
            #docs
            #rename
            #attrs
            pub #field: #ty,
        }
    });
    let default = s
        .fields
        .iter()
        .all(|f| !f.required || f.nullable)
        .then(|| quote!(Default,));
    // Members besides the declared ones (`additionalProperties`), sent after them.
    let extra = s.additional.as_ref().map(|value| {
        let extra = ident(&naming::extra_field_name(
            s.fields.iter().map(|f| f.name.rust.as_str()),
        ));
        let value = type_ref(api, value, &s.home);
        quote! {
            /// Members besides the declared ones, sent after them.
            #[serde(flatten)]
            pub #extra: std::collections::BTreeMap<String, #value>,
        }
    });
    quote! {
        #docs
        #[derive(Clone, Debug, #default PartialEq, serde::Serialize)]
        pub struct #ty {
            #(#decls)*
            #extra
        }
    }
}

fn emit_enum(e: &EnumDef) -> TokenStream {
    let EnumDef {
        name,
        home: _,
        docs,
        variants,
        kind,
    } = e;
    if *kind != EnumKind::String {
        return emit_value_enum(e);
    }
    let ty = ident(&name.rust);
    let docs = doc_attrs(docs.as_deref(), false);
    let idents: Vec<_> = variants.iter().map(|v| ident(&v.rust)).collect();
    let values: Vec<&str> = variants.iter().map(|v| v.api.as_str()).collect();
    let variant_docs = values
        .iter()
        .map(|v| format!(" {}", crate::escape::md_code(v)));
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

/// An enum of integers or of mixed JSON values. An integer enum reads and writes the number
/// itself (an unknown one kept in `Unknown`); a mixed one compares the value's JSON text, which
/// serde_json writes the same way the generator wrote the spec's values.
fn emit_value_enum(e: &EnumDef) -> TokenStream {
    let ty = ident(&e.name.rust);
    let docs = doc_attrs(e.docs.as_deref(), false);
    let idents: Vec<_> = e.variants.iter().map(|v| ident(&v.rust)).collect();
    let variant_docs = e
        .variants
        .iter()
        .map(|v| format!(" {}", crate::escape::md_code(&v.api)));
    let (raw, literals, write): (TokenStream, Vec<TokenStream>, TokenStream) = match e.kind {
        EnumKind::Integer => (
            quote!(i64),
            e.variants
                .iter()
                .map(|v| {
                    let n: i64 = v.api.parse().unwrap_or_default();
                    let lit = proc_macro2::Literal::i64_unsuffixed(n);
                    quote!(#lit)
                })
                .collect(),
            quote!(serializer.serialize_i64(self.value())),
        ),
        EnumKind::Mixed | EnumKind::String => (
            quote!(serde_json::Value),
            Vec::new(),
            quote!(serde::Serialize::serialize(&self.value(), serializer)),
        ),
    };
    let (value_fn, from_raw) = if e.kind == EnumKind::Mixed {
        let texts: Vec<&str> = e.variants.iter().map(|v| v.api.as_str()).collect();
        (
            quote! {
                /// The value as the API sends it.
                pub fn value(&self) -> serde_json::Value {
                    let text = match self {
                        #(Self::#idents => #texts,)*
                        Self::Unknown(value) => return value.clone(),
                    };
                    serde_json::from_str(text).unwrap_or_default()
                }
            },
            quote! {
                impl From<serde_json::Value> for #ty {
                    fn from(value: serde_json::Value) -> Self {
                        match value.to_string().as_str() {
                            #(#texts => Self::#idents,)*
                            _ => Self::Unknown(value),
                        }
                    }
                }
            },
        )
    } else {
        (
            quote! {
                /// The value as the API sends it.
                pub fn value(&self) -> #raw {
                    match self {
                        #(Self::#idents => #literals,)*
                        Self::Unknown(value) => *value,
                    }
                }
            },
            quote! {
                impl From<#raw> for #ty {
                    fn from(value: #raw) -> Self {
                        match value {
                            #(#literals => Self::#idents,)*
                            other => Self::Unknown(other),
                        }
                    }
                }
            },
        )
    };
    let hash = (e.kind != EnumKind::Mixed).then(|| quote!(Eq, Hash,));
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, #hash)]
        #[non_exhaustive]
        pub enum #ty {
            #(#[doc = #variant_docs] #idents,)*
            /// A value this version of the binding does not know, kept as sent.
            Unknown(#raw),
        }

        impl #ty {
            #value_fn
        }

        #from_raw

        impl serde::Serialize for #ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #write
            }
        }

        impl<'de> serde::Deserialize<'de> for #ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <#raw as serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    }
}

/// A field's Rust type without its `Option`: boxed when it would otherwise contain itself.
fn field_type(api: &Api, f: &Field, home: &Home, boxed: bool) -> TokenStream {
    let ty = type_ref(api, &f.ty, home);
    if boxed {
        quote!(Box<#ty>)
    } else {
        ty
    }
}

/// What an enum variant holding `t` carries: objects and unions boxed, since they are large
/// (clippy's `large_enum_variant`) and a union may contain itself through them. Unions and
/// operations' status enums both use it.
pub fn variant_payload(api: &Api, t: &TypeRef, home: &Home) -> TokenStream {
    let inner = type_ref(api, t, home);
    match t {
        TypeRef::Named(id) if !matches!(api.types[api.resolve(*id).0], TypeDef::Enum(_)) => {
            quote!(Box<#inner>)
        }
        _ => inner,
    }
}

/// The Rust type for a model type, as written from code in `from`.
pub fn type_ref(api: &Api, ty: &TypeRef, from: &Home) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::Integer => quote!(i64),
        TypeRef::SizedInteger(width) => {
            let ty = proc_macro2::Ident::new(width.rust(), proc_macro2::Span::call_site());
            quote!(#ty)
        }
        TypeRef::Float => quote!(f32),
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
        op.response
            .type_refs()
            .into_iter()
            .for_each(|t| visit(t, &mut out));
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
    s.object_tag(|tag| match &api.types[api.resolve(tag).0] {
        TypeDef::Enum(e) => Some(e),
        _ => None,
    })
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
    // A union of words alone has no member to dispatch to.
    (set.len() == tags.len() && !tags.is_empty()).then_some(tags)
}

fn emit_union(api: &Api, u: &UnionDef, has_id: bool) -> TokenStream {
    let UnionDef {
        name,
        home,
        direction,
        docs,
        values,
        variants,
        discriminator,
    } = u;
    let ty = ident(&name.rust);
    let docs = doc_attrs(docs.as_deref(), false);
    let idents: Vec<_> = variants.iter().map(|(v, _)| ident(v)).collect();
    // The values of string enum members: variants that carry nothing, read and written as
    // the bare string.
    let value_idents: Vec<_> = values.iter().map(|v| ident(&v.rust)).collect();
    let value_strs: Vec<&str> = values.iter().map(|v| v.api.as_str()).collect();
    let value_docs = value_strs
        .iter()
        .map(|v| format!(" {}", crate::escape::md_code(v)));
    let decode_value = (!values.is_empty()).then(|| {
        quote! {
            if let Ok(value) = crate::runtime::decode_member::<String>(text) {
                let known = match value.as_str() {
                    #(#value_strs => Some(Self::#value_idents),)*
                    _ => None,
                };
                if let Some(known) = known {
                    return Ok(known);
                }
            }
        }
    });
    let payloads: Vec<_> = variants
        .iter()
        .map(|(_, t)| variant_payload(api, t, home))
        .collect();

    let decode = match (discriminator, union_tags(api, u)) {
        (Some(d), _) => {
            // The tag's value picks the member; an error inside it is that member's error.
            let property = &d.property;
            let arms = d.values.iter().map(|(value, v)| {
                let v = &idents[*v];
                quote!(Some(#value) => crate::runtime::decode_member(text).map(Self::#v).map_err(serde::de::Error::custom),)
            });
            quote! {
                match crate::runtime::discriminator(text, #property).as_deref() {
                    #(#arms)*
                    _ => crate::runtime::decode_member(text).map(Self::Unknown).map_err(serde::de::Error::custom),
                }
            }
        }
        (None, Some(tags)) => {
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
        (None, None) => {
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
                        #(Self::#value_idents => "",)*
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
                    #decode_value
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
            #(#[doc = #value_docs] #value_idents,)*
            #(#idents(#payloads),)*
            /// A shape this version of the binding does not know, kept as sent.
            Unknown(serde_json::Value),
        }

        #serialize_cfg
        impl serde::Serialize for #ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(Self::#value_idents => serializer.serialize_str(#value_strs),)*
                    #(Self::#idents(v) => v.serialize(serializer),)*
                    Self::Unknown(v) => v.serialize(serializer),
                }
            }
        }

        #deserialize
        #id_impl
    }
}
