//! One file per module of operations: the functions, their parameter types, and `pub mod`
//! lines for child modules.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::types::{emit_types_in, type_ref};
use super::{doc_attrs, ident};
use crate::model::{
    Api, BodyEncoding, Field, Home, Method, Operation, PathSegment, TypeDef, TypeRef, Wire,
};
use crate::naming::Scope;

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
                .map(|op| emit_operation(api, op));
            let doc = format!(" Operations under `{}`.", module_prefix(api, path));
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

fn emit_operation(api: &Api, op: &Operation) -> TokenStream {
    let Operation {
        name,
        module,
        method,
        path,
        segments,
        path_params,
        params,
        body,
        response,
        server,
        docs,
    } = op;
    let home = Home::Module(module.clone());
    let function = ident(&name.rust);
    let summary = format!(
        "`{} {}` (operationId `{}`)",
        method.as_str(),
        path,
        name.api
    );
    let docs = match docs {
        Some(text) => format!("{text}\n\n{summary}"),
        None => summary,
    };
    let docs = doc_attrs(Some(&docs), false);
    let (response, execute) = match response {
        TypeRef::Binary => (quote!(Vec<u8>), quote!(execute_bytes)),
        other => (type_ref(api, other, &home), quote!(execute)),
    };

    let args = path_params.iter().map(|p| {
        let arg = ident(&p.name.rust);
        quote!(#arg: &str)
    });
    let params_arg = params.map(|id| {
        let params = type_ref(api, &TypeRef::Named(id), &home);
        quote!(params: &#params,)
    });

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
        quote!(#template)
    } else {
        quote!(&format!(#template))
    };

    let fields: &[Field] = match params.map(|id| &api.types[id.0]) {
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
    let query_fields: Vec<&Field> = fields
        .iter()
        .filter(|f| matches!(f.wire, Wire::Query { .. }))
        .collect();
    let (query_build, query) = if query_fields.is_empty() {
        (quote!(), quote!(None))
    } else {
        let pushes = query_fields.iter().map(|f| {
            let field = ident(&f.name.rust);
            let api_name = &f.name.api;
            let deep = matches!(f.wire, Wire::Query { deep: true });
            quote!(query.push(#api_name, params.#field.as_ref(), #deep)?;)
        });
        (
            quote! {
                let mut query = crate::runtime::Query::new();
                #(#pushes)*
            },
            quote!(query.finish()),
        )
    };
    let files = fields.iter().filter(|f| f.ty == TypeRef::Binary).map(|f| {
        let field = ident(&f.name.rust);
        let api_name = &f.name.api;
        quote!((#api_name, params.#field.as_ref()))
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

    quote! {
        #docs
        pub async fn #function(client: &crate::Client, #(#args,)* #params_arg) -> crate::Result<#response> {
            #(#required_checks)*
            #(#encode)*
            #query_build
            let request = crate::runtime::Request {
                method: reqwest::Method::#method,
                server: #server,
                path: #path_expr,
                query: #query,
                body: #body,
            };
            client.#execute(request).await
        }
    }
}
