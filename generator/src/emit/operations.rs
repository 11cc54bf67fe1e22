//! One file per module of operations: the functions, their parameter types, and `pub mod`
//! lines for child modules.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::types::{emit_types_in, type_ref, variant_payload};
use super::{doc_attrs, ident};
use crate::model::{
    Api, BodyEncoding, Delimiter, ErrorBodies, Field, Home, Method, Operation, OwnBody,
    OwnBodyKind, PathSegment, Payload, Response, Status, StatusBody, TypeDef, TypeRef, Wire,
};
use crate::naming::{self, Scope};

/// Every module path that needs a file: those with operations and all their ancestors.
pub fn module_paths(api: &Api) -> BTreeSet<Vec<String>> {
    let mut paths = BTreeSet::new();
    for op in &api.operations {
        for len in 1..=op.module.len() {
            paths.insert(op.module[..len].to_vec());
        }
    }
    paths
}

/// The top-level `pub mod` lines for `lib.rs`.
pub fn root_modules(api: &Api) -> TokenStream {
    let roots = module_paths(api)
        .into_iter()
        .filter(|p| p.len() == 1)
        .map(|p| ident(&p[0]));
    quote!(#(pub mod #roots;)*)
}

pub fn emit_modules(api: &Api) -> BTreeMap<Vec<String>, TokenStream> {
    let paths = module_paths(api);
    paths
        .iter()
        .map(|path| {
            let children = paths
                .iter()
                .filter(|p| p.len() == path.len() + 1 && p.starts_with(path))
                .map(|p| ident(&p[path.len()]));
            let home = Home::Module(path.clone());
            let types = emit_types_in(api, &home);
            let functions = api
                .operations
                .iter()
                .filter(|op| &op.module == path)
                .map(|op| {
                    let paged = paging(api, op).map(|p| emit_auto_paging(api, op, &p));
                    let function = emit_operation(api, op);
                    quote!(#function #paged)
                });
            let doc = format!(
                " Operations under {}.",
                crate::escape::md_code(&module_prefix(api, path))
            );
            let tokens = quote! {
                #![doc = #doc]
                #(pub mod #children;)*
                #types
                #(#functions)*
            };
            (path.clone(), tokens)
        })
        .collect()
}

/// The literal path a module stands for, for its doc line (`/v1/identity`): the first
/// operation's path cut after as many literal segments as the module has.
fn module_prefix(api: &Api, module: &[String]) -> String {
    let Some(op) = api
        .operations
        .iter()
        .find(|op| op.module.starts_with(module))
    else {
        return "/".to_owned();
    };
    let mut out = String::new();
    let mut literals = 0;
    for (i, segment) in op.path.split('/').filter(|s| !s.is_empty()).enumerate() {
        if literals == module.len() {
            break;
        }
        out.push('/');
        out.push_str(segment);
        let is_version =
            i == 0 && segment.starts_with('v') && segment[1..].chars().all(|c| c.is_ascii_digit());
        if !segment.contains('{') && !is_version {
            literals += 1;
        }
    }
    out
}

/// How an operation's pages are walked: the item type, the params field that takes the
/// cursor, and whether it is a search (cursor from `next_page`) or a list (last item's id).
pub struct Paging<'a> {
    pub item: &'a TypeRef,
    pub params: crate::model::TypeId,
    pub cursor: &'a Field,
}

/// An operation can be auto-paged when it is a GET returning a list whose items have ids (with
/// a `starting_after` parameter) or search results (with a `page` parameter).
pub fn paging<'a>(api: &'a Api, op: &'a Operation) -> Option<Paging<'a>> {
    if op.method != Method::Get || matches!(op.body, Some(BodyEncoding::Own(_))) {
        return None;
    }
    let response = op.response.json()?;
    let (item, cursor_name) = match response {
        TypeRef::List(item) => (item.as_ref(), "starting_after"),
        TypeRef::SearchList(item) => (item.as_ref(), "page"),
        _ => return None,
    };
    if matches!(response, TypeRef::List(_)) {
        let TypeRef::Named(id) = item else {
            return None;
        };
        let has_id = match &api.types[api.resolve(*id).0] {
            TypeDef::Struct(s) => s.has_id,
            TypeDef::Union(_) => true,
            TypeDef::Enum(_) | TypeDef::Alias(_) => false,
        };
        if !has_id {
            return None;
        }
    }
    let params_id = op.params?;
    let TypeDef::Struct(params) = &api.types[api.resolve(params_id).0] else {
        return None;
    };
    let cursor = params
        .fields
        .iter()
        .find(|f| f.name.api == cursor_name && f.ty == TypeRef::String)?;
    Some(Paging {
        item,
        params: params_id,
        cursor,
    })
}

/// `…_auto_paging`: a stream of every item, fetching pages as it is polled.
fn emit_auto_paging(api: &Api, op: &Operation, paging: &Paging<'_>) -> TokenStream {
    let home = Home::Module(op.module.clone());
    let function = ident(&op.name.rust);
    let stream_fn = ident(&format!("{}_auto_paging", naming::unraw(&op.name.rust)));
    let item = type_ref(api, paging.item, &home);
    let params = type_ref(api, &TypeRef::Named(paging.params), &home);
    let cursor = ident(&paging.cursor.name.rust);
    let args: Vec<_> = op.path_params.iter().map(|p| ident(&p.name.rust)).collect();
    let doc = format!(
        " Every item of [`{}`], as a stream that fetches the next page when it needs it.\n\n Pages follow {}; the stream ends after the last page or after the first error.",
        naming::unraw(&op.name.rust),
        crate::escape::md_code(&paging.cursor.name.api)
    );
    quote! {
        #[doc = #doc]
        pub fn #stream_fn(
            client: &crate::Client,
            #(#args: &str,)*
            params: &#params,
        ) -> impl futures_util::Stream<Item = crate::Result<#item>> + Send + 'static {
            let client = client.clone();
            #(let #args = #args.to_owned();)*
            let params = params.clone();
            crate::runtime::paginate(move |cursor| {
                let client = client.clone();
                #(let #args = #args.clone();)*
                let mut params = params.clone();
                if cursor.is_some() {
                    params.#cursor = cursor;
                }
                async move { Ok(#function(&client, #(&#args,)* &params).await?.into_page()) }
            })
        }
    }
}

fn emit_operation(api: &Api, op: &Operation) -> TokenStream {
    let Operation {
        name,
        name_origin: _,
        module,
        method,
        path,
        segments,
        path_params,
        params,
        body,
        response,
        errors,
        security,
        server,
        docs,
    } = op;
    let home = Home::Module(module.clone());
    let function = ident(&name.rust);
    let template_literal = path.as_str();
    let summary = format!(
        "{} (operationId {})",
        crate::escape::md_code(&format!("{} {path}", method.as_str())),
        crate::escape::md_code(&name.api)
    );
    let docs = match docs {
        Some(text) => format!("{text}\n\n{summary}"),
        None => summary,
    };
    let docs = doc_attrs(Some(&docs), false);
    let (response, decoder, status_enum) = emit_response(api, response, &home, &name.rust);
    let decode_with = (!status_enum.is_empty()).then(|| quote!(, #response::decode));
    let error_enum = errors
        .as_ref()
        .map(|e| emit_error_enum(api, e, &home, &name.rust));
    let security = security.iter().map(|set| {
        let set = set.iter().map(|i| Literal::usize_unsuffixed(*i));
        quote!(&[#(#set),*])
    });

    let arg_names: Vec<_> = path_params.iter().map(|p| ident(&p.name.rust)).collect();
    let args: Vec<_> = arg_names.iter().map(|arg| quote!(#arg: &str)).collect();
    let params_arg = params.map(|id| {
        let params = type_ref(api, &TypeRef::Named(id), &home);
        quote!(params: &#params,)
    });
    let params_name = params.map(|_| quote!(params));
    let own_body = match body {
        Some(BodyEncoding::Own(own)) => Some(own),
        _ => None,
    };
    let body_arg = own_body.map(|own| {
        let ty = own_body_type(api, own, &home);
        quote!(body: #ty,)
    });
    let body_name = own_body.map(|_| quote!(body,));

    // Each parameter is checked and percent-encoded into a local of the same name (raw
    // identifiers can't be inlined in a format string, so `r#type` becomes `type_`), then the
    // path is one `format!` that reads like the spec's template.
    let mut locals = Scope::new();
    locals.reserve(path_params.iter().map(|p| p.name.rust.as_str()));
    let mut template = String::new();
    let mut encode = Vec::new();
    for segment in segments {
        match segment {
            PathSegment::Literal(text) => {
                template.push_str(&text.replace('{', "{{").replace('}', "}}"))
            }
            PathSegment::Param(i) => {
                let p = &path_params[*i];
                let arg = ident(&p.name.rust);
                let local_name = match p.name.rust.strip_prefix("r#") {
                    Some(raw) => locals.claim(&format!("{raw}_")),
                    None => p.name.rust.clone(),
                };
                let local = ident(&local_name);
                let api_name = &p.name.api;
                let max = match p.max_length {
                    Some(n) => {
                        let n = Literal::usize_unsuffixed(n);
                        quote!(Some(#n))
                    }
                    None => quote!(None),
                };
                template.push_str(&format!("{{{local_name}}}"));
                encode.push(
                    quote!(let #local = crate::runtime::path_segment(#api_name, #arg, #max)?;),
                );
            }
        }
    }
    let path_expr = if encode.is_empty() {
        quote!(#template.to_owned())
    } else {
        quote!(format!(#template))
    };

    let fields: &[Field] = match params.map(|id| &api.types[api.resolve(id).0]) {
        Some(TypeDef::Struct(s)) => &s.fields,
        _ => &[],
    };
    let required_checks = fields.iter().filter(|f| f.required).map(|f| {
        let field = ident(&f.name.rust);
        let api_name = &f.name.api;
        quote! {
            if params.#field.is_none() {
                return Err(crate::InvalidArgument::new(#api_name, "is required").into());
            }
        }
    });
    let query_fields: Vec<&Field> = fields.iter().filter(|f| is_query(f.wire)).collect();
    let (query_build, query) = if query_fields.is_empty() {
        (quote!(), quote!(None))
    } else {
        let pushes = query_fields.iter().map(|f| {
            let field = ident(&f.name.rust);
            let api_name = &f.name.api;
            match f.wire {
                Wire::QueryJoined { delimiter } => {
                    let delimiter = match delimiter {
                        Delimiter::Comma => ",",
                        Delimiter::Space => "%20",
                        Delimiter::Pipe => "%7C",
                    };
                    quote!(__query.push_joined(#api_name, params.#field.as_ref(), #delimiter)?;)
                }
                Wire::QueryJson => quote!(__query.push_json(#api_name, params.#field.as_ref())?;),
                _ => {
                    let deep = matches!(f.wire, Wire::Query { deep: true });
                    quote!(__query.push(#api_name, params.#field.as_ref(), #deep)?;)
                }
            }
        });
        (
            quote! {
                let mut __query = crate::runtime::Query::new();
                #(#pushes)*
            },
            quote!(__query.finish()),
        )
    };
    let header_fields: Vec<&Field> = fields
        .iter()
        .filter(|f| matches!(f.wire, Wire::Header | Wire::Cookie))
        .collect();
    let (headers_build, headers) = if header_fields.is_empty() {
        (quote!(), quote!(Vec::new()))
    } else {
        let adds = header_fields.iter().map(|f| {
            let field = ident(&f.name.rust);
            let api_name = &f.name.api;
            if f.wire == Wire::Header {
                quote!(__headers.header(#api_name, params.#field.as_ref())?;)
            } else {
                quote!(__headers.cookie(#api_name, params.#field.as_ref())?;)
            }
        });
        (
            quote! {
                let mut __headers = crate::runtime::ParamHeaders::new();
                #(#adds)*
            },
            quote!(__headers.finish()?),
        )
    };
    // Each file field as a slice: a single file of none or one, or a list of files.
    let files = fields.iter().filter(|f| f.ty.is_file()).map(|f| {
        let field = ident(&f.name.rust);
        let api_name = &f.name.api;
        if f.ty == TypeRef::Binary {
            quote!((#api_name, params.#field.as_slice()))
        } else {
            quote!((#api_name, params.#field.as_deref().unwrap_or_default()))
        }
    });
    // Every POST, PUT or PATCH sends its body, empty if need be (see the runtime's `send`).
    let body = match (body, params) {
        (Some(BodyEncoding::Form), Some(_)) => {
            quote!(Some(crate::runtime::Body::Form(
                crate::runtime::form_encode(params)?
            )))
        }
        (Some(BodyEncoding::Multipart), Some(_)) => {
            quote!(Some(crate::runtime::Body::Multipart(crate::runtime::multipart(params, &[#(#files),*])?)))
        }
        (Some(BodyEncoding::Own(own)), _) => own_body_value(own),
        (Some(_), None) => quote!(Some(crate::runtime::Body::Form(String::new()))),
        (None, _) if matches!(method, Method::Post | Method::Put | Method::Patch) => {
            quote!(Some(crate::runtime::Body::Form(String::new())))
        }
        (None, _) => quote!(None),
    };
    let server = match server {
        Some(url) => quote!(Some(#url)),
        None => quote!(None),
    };
    let method = ident(method.as_str());

    // A plain function returning the runtime's future, not an `async fn`: the request is
    // prepared (and arguments checked) right away by `__request`, so no state machine is
    // compiled per operation and the future borrows only the client. Its name and the
    // `__query` local start with `__`, which no parameter name does.
    quote! {
        #docs
        pub fn #function<'a>(
            client: &'a crate::Client,
            #(#args,)*
            #body_arg
            #params_arg
        ) -> impl std::future::Future<Output = crate::Result<#response>> + Send + 'a {
            fn __request(#(#args,)* #body_arg #params_arg) -> crate::Result<crate::runtime::Request> {
                #(#required_checks)*
                #(#encode)*
                #query_build
                #headers_build
                Ok(crate::runtime::Request {
                    method: reqwest::Method::#method,
                    server: #server,
                    template: #template_literal,
                    path: #path_expr,
                    query: #query,
                    headers: #headers,
                    body: #body,
                    security: &[#(#security),*],
                })
            }
            client.#decoder(__request(#(#arg_names,)* #body_name #params_name) #decode_with)
        }
        #status_enum
        #error_enum
    }
}

/// The success type, how the client reads it, and the enum by status when there is one.
fn emit_response(
    api: &Api,
    response: &Response,
    home: &Home,
    function: &str,
) -> (TokenStream, TokenStream, TokenStream) {
    let one = |payload: &Payload| match payload {
        Payload::Json(t) => (type_ref(api, t, home), quote!(execute)),
        Payload::Empty => (quote!(()), quote!(execute_unit)),
        Payload::Text => (quote!(String), quote!(execute_text)),
        Payload::Bytes => (quote!(Vec<u8>), quote!(execute_bytes)),
    };
    let (name, variants) = match response {
        Response::One(payload) => {
            let (ty, execute) = one(payload);
            return (ty, execute, TokenStream::new());
        }
        Response::ByStatus { name, variants } => (name, variants),
    };
    let ty = ident(name);
    let doc = format!(" What [`{}`] answers, by status.", naming::unraw(function));
    let defs = variants.iter().map(|v| {
        let variant = ident(&v.variant);
        let doc = format!(" {}", status_doc(v.status));
        match &v.payload {
            Payload::Empty => quote!(#[doc = #doc] #variant,),
            Payload::Json(t) => {
                let inner = variant_payload(api, t, home);
                quote!(#[doc = #doc] #variant(#inner),)
            }
            other => {
                let (inner, _) = one(other);
                quote!(#[doc = #doc] #variant(#inner),)
            }
        }
    });
    let arms = status_arms(variants, |v| {
        let variant = ident(&v.variant);
        match &v.payload {
            Payload::Empty => quote!(Ok(Self::#variant)),
            Payload::Json(_) => quote!(answer.json().map(Self::#variant)),
            Payload::Text => quote!(answer.text().map(Self::#variant)),
            Payload::Bytes => quote!(Ok(Self::#variant(answer.bytes()))),
        }
    });
    let items = quote! {
        #[doc = #doc]
        #[derive(Clone, Debug)]
        pub enum #ty {
            #(#defs)*
        }

        impl #ty {
            fn decode(answer: crate::runtime::Answer) -> crate::Result<Self> {
                match answer.status {
                    #(#arms)*
                    _ => Err(answer.undeclared()),
                }
            }
        }
    };
    (quote!(#ty), quote!(execute_with), items)
}

/// `404`, `4XX`, `default`, as a doc line.
fn status_doc(status: Status) -> String {
    match status {
        Status::Code(c) => format!("`{c}`"),
        Status::Range(r) => format!("`{r}XX`"),
        Status::Default => "Any other status (`default`)".to_owned(),
    }
}

/// Match arms on a `u16` status: exact codes first, then ranges, then `default` (as `_`).
fn status_arms(
    variants: &[StatusBody],
    arm: impl Fn(&StatusBody) -> TokenStream,
) -> Vec<TokenStream> {
    let mut sorted: Vec<&StatusBody> = variants.iter().collect();
    sorted.sort_by_key(|v| v.status);
    sorted
        .into_iter()
        .map(|v| {
            let body = arm(v);
            match v.status {
                Status::Code(c) => {
                    let c = Literal::u16_unsuffixed(c);
                    quote!(#c => #body,)
                }
                Status::Range(r) => {
                    let (lo, hi) = (
                        Literal::u16_unsuffixed(r * 100),
                        Literal::u16_unsuffixed(r * 100 + 99),
                    );
                    quote!(#lo..=#hi => #body,)
                }
                Status::Default => quote!(_ => #body,),
            }
        })
        .collect()
}

/// The enum an operation's API errors can be read as, by status.
fn emit_error_enum(api: &Api, errors: &ErrorBodies, home: &Home, function: &str) -> TokenStream {
    let ty = ident(&errors.name);
    let function = naming::unraw(function);
    let doc = format!(
        " The error bodies [`{function}`] declares, by status: read one from an API error with [`{}::from_api_error`].",
        errors.name
    );
    let defs = errors.variants.iter().map(|v| {
        let variant = ident(&v.variant);
        let doc = format!(" {}", status_doc(v.status));
        let inner = match &v.payload {
            Payload::Json(t) => variant_payload(api, t, home),
            _ => quote!(serde_json::Value),
        };
        quote!(#[doc = #doc] #variant(#inner),)
    });
    let arms = status_arms(&errors.variants, |v| {
        let variant = ident(&v.variant);
        quote!(error.decode_body().map(Self::#variant))
    });
    let fallback = errors
        .variants
        .iter()
        .all(|v| v.status != Status::Default)
        .then(|| quote!(_ => None,));
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug)]
        pub enum #ty {
            #(#defs)*
        }

        impl #ty {
            /// The body of `error` as the type declared for its status (the exact code, then
            /// its range, then `default`). `None` when the spec declares no body for that
            /// status or the body does not decode as it; `error.raw_body()` still has it.
            pub fn from_api_error(error: &crate::ApiError) -> Option<Self> {
                match error.status {
                    #(#arms)*
                    #fallback
                }
            }
        }
    }
}

fn is_query(wire: Wire) -> bool {
    match wire {
        Wire::Query { .. } | Wire::QueryJoined { .. } | Wire::QueryJson => true,
        Wire::Body | Wire::Header | Wire::Cookie => false,
    }
}

/// The body argument's type: a slice for arrays, `&str` for strings and text, bytes for
/// anything else that is not JSON; an `Option` when the spec says the body may be left out.
fn own_body_type(api: &Api, own: &OwnBody, home: &Home) -> TokenStream {
    let borrowed = match &own.kind {
        OwnBodyKind::Json(TypeRef::Array(item)) => {
            let item = type_ref(api, item, home);
            quote!(&[#item])
        }
        OwnBodyKind::Json(TypeRef::String) | OwnBodyKind::Text => quote!(&str),
        OwnBodyKind::Json(ty) => {
            let ty = type_ref(api, ty, home);
            quote!(&#ty)
        }
        OwnBodyKind::Bytes => quote!(&[u8]),
    };
    if own.required {
        borrowed
    } else {
        quote!(Option<#borrowed>)
    }
}

/// The `Option<Body>` expression for a body argument named `body`.
fn own_body_value(own: &OwnBody) -> TokenStream {
    let media = own.media_type.as_str();
    let make = match &own.kind {
        OwnBodyKind::Json(_) if own.required => {
            quote!(crate::runtime::Body::json(#media, body)?)
        }
        OwnBodyKind::Json(_) => {
            return quote!(body.map(|body| crate::runtime::Body::json(#media, body)).transpose()?)
        }
        OwnBodyKind::Text => quote!(crate::runtime::Body::Raw {
            content_type: #media,
            bytes: body.as_bytes().to_vec(),
        }),
        OwnBodyKind::Bytes => quote!(crate::runtime::Body::Raw {
            content_type: #media,
            bytes: body.to_vec(),
        }),
    };
    if own.required {
        quote!(Some(#make))
    } else {
        quote!(body.map(|body| #make))
    }
}

/// Which request helpers of the runtime some operation needs, so none is dead code.
#[derive(Default)]
pub struct RequestUses {
    pub query: bool,
    pub query_joined: bool,
    pub query_json: bool,
    pub header: bool,
    pub cookie: bool,
    /// A JSON, text or bytes body.
    pub own_body: bool,
    pub json_body: bool,
}

impl RequestUses {
    pub fn of(api: &Api) -> Self {
        let mut uses = RequestUses::default();
        for op in &api.operations {
            if let Some(BodyEncoding::Own(own)) = &op.body {
                uses.own_body = true;
                uses.json_body |= matches!(own.kind, OwnBodyKind::Json(_));
            }
            let Some(TypeDef::Struct(params)) = op.params.map(|id| &api.types[api.resolve(id).0])
            else {
                continue;
            };
            for f in &params.fields {
                uses.query |= is_query(f.wire);
                uses.query_joined |= matches!(f.wire, Wire::QueryJoined { .. });
                uses.query_json |= f.wire == Wire::QueryJson;
                uses.header |= f.wire == Wire::Header;
                uses.cookie |= f.wire == Wire::Cookie;
            }
        }
        uses
    }
}
