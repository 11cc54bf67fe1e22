//! The spec-derived part of the client: a builder method per security scheme and per server
//! variable, and the tables the runtime reads them from. Built with `quote!` and written into
//! `runtime/client.rs` by its template.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{doc_attrs, ident};
use crate::model::{Api, KeyPlace, SchemeKind};

pub fn auth_code(api: &Api) -> TokenStream {
    let count = Literal::usize_unsuffixed(api.security_schemes.len());
    let schemes = api.security_schemes.iter().map(|s| {
        let method = crate::naming::unraw(&s.name.rust);
        quote!(Scheme { method: #method },)
    });
    let methods = api.security_schemes.iter().enumerate().map(|(i, s)| {
        let method = ident(&s.name.rust);
        let method_name = crate::naming::unraw(&s.name.rust);
        let index = Literal::usize_unsuffixed(i);
        let key = crate::escape::md_code(&s.name.api);
        let (how, args, make) = match &s.kind {
            SchemeKind::Bearer => (
                "as `Authorization: Bearer <token>`".to_owned(),
                quote!(token: impl Into<String>),
                quote!(Credential::bearer(#method_name, &token.into())),
            ),
            SchemeKind::Basic => (
                "as `Authorization: Basic` with the user name and password".to_owned(),
                quote!(username: impl Into<String>, password: impl Into<String>),
                quote!(Credential::basic(#method_name, &username.into(), &password.into())),
            ),
            SchemeKind::ApiKey { place, name } => {
                let (where_, make) = match place {
                    KeyPlace::Header => {
                        let lower = name.to_ascii_lowercase();
                        (
                            "header",
                            quote!(Credential::header(#method_name, #lower, &key.into())),
                        )
                    }
                    KeyPlace::Query => (
                        "query parameter",
                        quote!(Credential::query(#method_name, #name, &key.into())),
                    ),
                    KeyPlace::Cookie => (
                        "cookie",
                        quote!(Credential::cookie(#method_name, #name, &key.into())),
                    ),
                };
                (
                    format!("as the {where_} {}", crate::escape::md_code(name)),
                    quote!(key: impl Into<String>),
                    make,
                )
            }
        };
        let mut docs = format!(
            "The credential of the security scheme {key}, sent {how}\nto the operations that \
             use it. It never appears in `Debug` output, logs or errors."
        );
        if let Some(d) = &s.docs {
            docs = format!("{docs}\n\n{d}");
        }
        let docs = doc_attrs(Some(&docs), false);
        quote! {
            #docs
            pub fn #method(mut self, #args) -> Self {
                self.credentials[#index] = Some(#make);
                self
            }
        }
    });
    let variables = api.server_variables.iter().enumerate().map(|(i, v)| {
        let method = ident(&v.name.rust);
        let index = Literal::usize_unsuffixed(i);
        let mut docs = format!(
            "Sets the server URL's {} (default {}){}.",
            crate::escape::md_code(&format!("{{{}}}", v.name.api)),
            crate::escape::md_code(&v.default),
            if v.allowed.is_empty() {
                String::new()
            } else {
                let allowed: Vec<String> = v
                    .allowed
                    .iter()
                    .map(|a| crate::escape::md_code(a))
                    .collect();
                format!("; one of {}", allowed.join(", "))
            }
        );
        if let Some(d) = &v.docs {
            docs = format!("{docs}\n\n{d}");
        }
        let docs = doc_attrs(Some(&docs), false);
        quote! {
            #docs
            pub fn #method(mut self, value: impl Into<String>) -> Self {
                self.server_variables[#index] = Some(value.into());
                self
            }
        }
    });
    let default_security = api.default_security.iter().map(|set| {
        let set = set.iter().map(|i| Literal::usize_unsuffixed(*i));
        quote!(&[#(#set),*])
    });
    let schemes_table = (!api.security_schemes.is_empty()).then(|| {
        quote! {
            /// The security schemes the spec declares, in the order `Request::security` indexes them.
            const SCHEMES: [Scheme; #count] = [#(#schemes)*];
        }
    });
    let variables_table = (!api.server_variables.is_empty()).then(|| {
        let template = api.server_template.as_str();
        let n = Literal::usize_unsuffixed(api.server_variables.len());
        let rows = api.server_variables.iter().map(|v| {
            let name = v.name.api.as_str();
            let default = v.default.as_str();
            let allowed = v.allowed.iter().map(String::as_str);
            quote!(ServerVariable { name: #name, default: #default, allowed: &[#(#allowed),*] },)
        });
        quote! {
            /// The spec's server URL, before its variables are filled.
            const SERVER_URL_TEMPLATE: &str = #template;
            const SERVER_VARIABLES: [ServerVariable; #n] = [#(#rows)*];
        }
    });
    let builder =
        (!api.security_schemes.is_empty() || !api.server_variables.is_empty()).then(|| {
            quote! {
                impl ClientBuilder {
                    #(#methods)*
                    #(#variables)*
                }
            }
        });
    quote! {
        /// The document's `security`, for calls made without an operation
        /// ([`Client::raw_request`]).
        const DEFAULT_SECURITY: &[&[usize]] = &[#(#default_security),*];
        #schemes_table
        #variables_table
        #builder
    }
}
