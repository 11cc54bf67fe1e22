//! Files that are mostly fixed text, from askama templates in `generator/templates/`.

use std::collections::BTreeMap;

use askama::Template;
use quote::quote;

use super::operations::root_modules;
use super::{ident, Provenance};
use crate::config::Config;
use crate::escape;
use crate::model::{Api, BodyEncoding, KeyPlace, Payload, Response, SchemeKind, TypeRef};
use crate::naming;

/// Every value a template writes goes through one of these, chosen for where it lands; see
/// `escape.rs`. A value without a filter fails `every_template_value_is_filtered`.
mod filters {
    use std::fmt::Display;

    use super::escape;

    fn checked(r: Result<&str, String>) -> askama::Result<String> {
        r.map(str::to_owned)
            .map_err(|e| askama::Error::custom(format!("generator bug: {e}")))
    }

    /// A Rust string literal, quotes included.
    #[askama::filter_fn]
    pub fn rust_str<T: Display>(s: T, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(escape::rust_str(&s.to_string()))
    }

    /// The rest of a `//`, `///` or `#` comment line.
    #[askama::filter_fn]
    pub fn comment<T: Display>(s: T, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(escape::comment(&s.to_string()))
    }

    /// Inside `<!-- … -->`.
    #[askama::filter_fn]
    pub fn html_comment<T: Display>(s: T, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(escape::html_comment(&s.to_string()))
    }

    /// Markdown (and rustdoc) running text, shown as given.
    #[askama::filter_fn]
    pub fn md_text<T: Display>(s: T, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(escape::md_text(&s.to_string()))
    }

    /// A Markdown code span, backticks included.
    #[askama::filter_fn]
    pub fn md_code<T: Display>(s: T, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(escape::md_code(&s.to_string()))
    }

    /// A TOML string, quotes included.
    #[askama::filter_fn]
    pub fn toml_str<T: Display>(s: T, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(escape::toml_str(&s.to_string()))
    }

    /// A Rust identifier, checked (the config and naming module make them; this is the last
    /// guard).
    #[askama::filter_fn]
    pub fn ident<T: Display>(s: T, _: &dyn askama::Values) -> askama::Result<String> {
        checked(escape::rust_ident(&s.to_string()))
    }

    /// A Rust path such as `crate::a::b`, checked.
    #[askama::filter_fn]
    pub fn rust_path<T: Display>(s: T, _: &dyn askama::Values) -> askama::Result<String> {
        checked(escape::rust_path(&s.to_string()))
    }

    /// An HTTP header name from the config, checked.
    #[askama::filter_fn]
    pub fn header<T: Display>(s: T, _: &dyn askama::Values) -> askama::Result<String> {
        checked(escape::header_name(&s.to_string()))
    }

    /// A Cargo package name, checked.
    #[askama::filter_fn]
    pub fn package<T: Display>(s: T, _: &dyn askama::Values) -> askama::Result<String> {
        checked(escape::package_name(&s.to_string()))
    }

    /// Rust source the generator built with `quote!` and formatted: spec strings in it are
    /// already literals or sanitised identifiers, so it is written as it is.
    #[askama::filter_fn]
    pub fn rust_code<T: Display>(s: T, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(s.to_string())
    }
}

#[derive(Template)]
#[template(path = "Cargo.toml", escape = "none")]
struct CargoToml<'a> {
    header: &'a str,
    uses_paging: bool,
    webhooks: bool,
    webhook_example: bool,
    name: &'a str,
    version: &'a str,
    description: &'a str,
}

#[derive(Template)]
#[template(path = "README.md", escape = "none")]
struct Readme<'a> {
    header: &'a str,
    webhooks: bool,
    webhook_example: bool,
    name: &'a str,
    lib_name: &'a str,
    api_title: &'a str,
    api_version: &'a str,
    spec_file: &'a str,
    command: &'a str,
    example: &'a str,
    /// The line that makes the client, for the example.
    client_new: &'a str,
    operations: Vec<ReadmeOperation>,
    left_out: Vec<ReadmeLeftOut>,
    /// `(where, problem)` of each warning.
    warnings: Vec<(String, String)>,
}

/// One problem of an operation left out, as a README row.
struct ReadmeLeftOut {
    request: String,
    id: String,
    at: String,
    problem: String,
}

struct ReadmeOperation {
    function: String,
    link: String,
    /// `POST /v1/…`, one code span.
    request: String,
    id: String,
}

#[derive(Template)]
#[template(path = "lib.rs", escape = "none")]
struct LibRs<'a> {
    header: &'a str,
    idempotency: bool,
    webhooks: bool,
    uses_list: bool,
    uses_search: bool,
    uses_clearable: bool,
    uses_multipart: bool,
    modules: &'a str,
}

#[derive(Template)]
#[template(path = "runtime/mod.rs", escape = "none")]
struct RuntimeMod<'a> {
    header: &'a str,
    /// A binding whose every operation was left out has no use for the request type.
    uses_operations: bool,
    webhooks: bool,
    uses_unions: bool,
    uses_union_tags: bool,
    uses_discriminator: bool,
    uses_objects: bool,
    uses_required: bool,
    idempotency: bool,
    uses_list: bool,
    uses_search: bool,
    uses_paging: bool,
    uses_clearable: bool,
    uses_body: bool,
    uses_multipart: bool,
    uses_form: bool,
    uses_form_body: bool,
    uses_query: bool,
    uses_path: bool,
    uses_status_enum: bool,
    uses_param_headers: bool,
}

#[derive(Template)]
#[template(path = "runtime/client.rs", escape = "none")]
struct RuntimeClient<'a> {
    header: &'a str,
    uses_multipart: bool,
    uses_own_body: bool,
    uses_json_body: bool,
    uses_bytes: bool,
    uses_text: bool,
    uses_unit: bool,
    uses_status_enum: bool,
    /// The builder method whose credential `Client::new(key)` takes.
    key_method: Option<&'a str>,
    has_schemes: bool,
    uses_bearer: bool,
    uses_basic: bool,
    uses_header_key: bool,
    uses_query_key: bool,
    uses_cookie_key: bool,
    has_server_variables: bool,
    /// The scheme and server-variable tables and builder methods (see `auth.rs`).
    auth_code: &'a str,
    api_title: &'a str,
    api_version: &'a str,
    base_url: &'a str,
    version_header: Option<&'a str>,
    request_id_header: Option<&'a str>,
    idempotency_header: Option<&'a str>,
    account_header: Option<&'a str>,
    account_method: &'a str,
    should_retry_header: Option<&'a str>,
    lib_name: &'a str,
}

#[derive(Template)]
#[template(path = "runtime/options.rs", escape = "none")]
struct RuntimeOptions<'a> {
    header: &'a str,
    uses_multipart: bool,
    uses_header_params: bool,
    uses_cookie_params: bool,
    idempotency_header: Option<&'a str>,
    account_header: Option<&'a str>,
    account_method: &'a str,
}

#[derive(Template)]
#[template(path = "runtime/error.rs", escape = "none")]
struct RuntimeError<'a> {
    header: &'a str,
    should_retry_header: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "runtime/form.rs", escape = "none")]
struct RuntimeForm<'a> {
    header: &'a str,
    uses_multipart: bool,
    uses_form_body: bool,
    uses_query: bool,
    uses_query_joined: bool,
    uses_query_json: bool,
}

#[derive(Template)]
#[template(path = "runtime/clearable.rs", escape = "none")]
struct RuntimeClearable<'a> {
    header: &'a str,
}

#[derive(Template)]
#[template(path = "runtime/list.rs", escape = "none")]
struct RuntimeList<'a> {
    header: &'a str,
    uses_list: bool,
    uses_search: bool,
    uses_paging: bool,
}

#[derive(Template)]
#[template(path = "runtime/multipart.rs", escape = "none")]
struct RuntimeMultipart<'a> {
    header: &'a str,
}

#[derive(Template)]
#[template(path = "runtime/path.rs", escape = "none")]
struct RuntimePath<'a> {
    header: &'a str,
}

#[derive(Template)]
#[template(path = "runtime/expandable.rs", escape = "none")]
struct RuntimeExpandable<'a> {
    header: &'a str,
}

#[derive(Template)]
#[template(path = "runtime/webhook.rs", escape = "none")]
struct RuntimeWebhook<'a> {
    header: &'a str,
    signature_header: &'a str,
    tolerance_seconds: u64,
    /// `crate::types::Event`.
    event_type: &'a str,
}

#[derive(Template)]
#[template(path = "examples/webhook.rs", escape = "none")]
struct WebhookExample<'a> {
    header: &'a str,
    lib_name: &'a str,
    /// `EventType`, `EventDataObject`.
    type_enum: &'a str,
    object_enum: &'a str,
    /// The event type handled, as the API spells it and as its variant.
    event_api: &'a str,
    event_variant: &'a str,
    /// The object enum's variant for the event's object, when it has one with an `id`.
    object_variant: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "runtime/json.rs", escape = "none")]
struct RuntimeJson<'a> {
    header: &'a str,
    uses_union_tags: bool,
    uses_discriminator: bool,
    uses_objects: bool,
    uses_required: bool,
}

pub fn emit(
    api: &Api,
    config: &Config,
    provenance: &Provenance,
) -> Result<BTreeMap<String, String>, String> {
    // Each template writes the line in its own comment syntax, escaped by its filter.
    let line = provenance.line();
    let header = line.as_str();
    let name = config.krate.name.as_str();
    let lib_name = name.replace('-', "_");
    let description = config
        .krate
        .description
        .clone()
        .unwrap_or_else(|| format!("Rust bindings for {}", api.title));
    let render =
        |r: askama::Result<String>| r.map_err(|e| format!("generator bug: template failed: {e}"));

    // `pub mod` lines are spec-derived Rust, so they are built with quote! and formatted.
    let modules = super::rust_file("", root_modules(api))?;
    let modules = modules.trim();

    // Helpers only go in when some operation needs them, so no binding has dead code.
    // Only operations' params structs have query fields.
    let wires = super::operations::RequestUses::of(api);
    let uses_query = wires.query;
    let uses_form_body = api
        .operations
        .iter()
        .any(|op| op.params.is_some() && op.body == Some(BodyEncoding::Form));
    let uses_multipart = api
        .operations
        .iter()
        .any(|op| op.body == Some(BodyEncoding::Multipart));
    // How successes are read: each reader goes in only when some operation needs it.
    let payloads: Vec<&Payload> = api
        .operations
        .iter()
        .flat_map(|op| match &op.response {
            Response::One(p) => vec![p],
            Response::ByStatus { variants, .. } => variants.iter().map(|v| &v.payload).collect(),
        })
        .collect();
    let uses_bytes = payloads.iter().any(|p| **p == Payload::Bytes);
    let uses_text = payloads.iter().any(|p| **p == Payload::Text);
    let uses_unit = api
        .operations
        .iter()
        .any(|op| op.response == Response::One(Payload::Empty));
    let uses_status_enum = api
        .operations
        .iter()
        .any(|op| matches!(op.response, Response::ByStatus { .. }));
    let kinds = || api.security_schemes.iter().map(|s| &s.kind);
    let key_place =
        |place| kinds().any(|k| matches!(k, SchemeKind::ApiKey { place: p, .. } if *p == place));
    let key_method = api
        .key_scheme
        .map(|i| naming::unraw(&api.security_schemes[i].name.rust).to_owned());
    let auth_code = super::rust_file("", super::auth::auth_code(api))?;
    let client_new = {
        let krate = escape::rust_ident(&lib_name).map_err(|e| format!("generator bug: {e}"))?;
        let key = if key_method.is_some() {
            "\"sk_test_...\""
        } else {
            ""
        };
        // Without a key for the constructor, the example sets the first scheme's credential.
        let credential = match (&key_method, api.security_schemes.first()) {
            (None, Some(scheme)) => {
                let method = escape::rust_ident(&scheme.name.rust)
                    .map_err(|e| format!("generator bug: {e}"))?;
                match scheme.kind {
                    SchemeKind::Basic => format!(".{method}(\"user\", \"password\")"),
                    _ => format!(".{method}(\"secret\")"),
                }
            }
            _ => String::new(),
        };
        let base = if api.base_url.is_empty() {
            ".base_url(\"https://api.example.com\")"
        } else {
            ""
        };
        if credential.is_empty() && base.is_empty() {
            format!("let client = {krate}::Client::new({key})?;")
        } else {
            format!("let client = {krate}::Client::builder({key}){credential}{base}.build()?;")
        }
    };
    let uses_clearable = super::mentions(api, &|t| matches!(t, TypeRef::Clearable(_)));
    let uses_list = super::mentions(api, &|t| matches!(t, TypeRef::List(_)));
    let uses_search = super::mentions(api, &|t| matches!(t, TypeRef::SearchList(_)));
    let uses_paging = api
        .operations
        .iter()
        .any(|op| super::operations::paging(api, op).is_some());
    let uses_body = api.operations.iter().any(|op| {
        op.body.is_some()
            || matches!(
                op.method,
                crate::model::Method::Post
                    | crate::model::Method::Put
                    | crate::model::Method::Patch
            )
    });
    let uses_form = uses_query || uses_form_body || uses_multipart;
    let uses_path = api.operations.iter().any(|op| !op.path_params.is_empty());
    let idempotency = config.client.idempotency_header.is_some();
    // Response unions decode their members through the runtime's JSON helpers; those that
    // dispatch on the members' `object` tags read the tag with one more.
    let response_unions = || {
        api.types.iter().filter_map(|t| match t {
            crate::model::TypeDef::Union(u) if u.direction == crate::model::Direction::Response => {
                Some(u)
            }
            _ => None,
        })
    };
    let uses_unions = response_unions().next().is_some();
    let uses_union_tags = response_unions()
        .any(|u| u.discriminator.is_none() && super::types::union_tags(api, u).is_some());
    let uses_discriminator = response_unions().any(|u| u.discriminator.is_some());
    // Response structs, lists and search results decode through `runtime::FromObject`.
    let uses_objects = uses_list
        || uses_search
        || api.types.iter().any(|t| {
            matches!(t, crate::model::TypeDef::Struct(s) if s.direction == crate::model::Direction::Response)
        });
    // `runtime::required` reads a member that must be there: list envelopes have two, response
    // structs one per required, non-nullable field.
    let uses_required = uses_list
        || uses_search
        || api.types.iter().any(|t| {
            matches!(t, crate::model::TypeDef::Struct(s)
                if s.direction == crate::model::Direction::Response
                    && s.fields.iter().any(|f| f.required && !f.nullable))
        });
    let account_method = config.account_method().unwrap_or_default();
    // The signature check and its crates come with a `[webhooks]` config and the event it
    // decodes into.
    let webhooks = match (&config.webhooks, &api.event) {
        (Some(hooks), Some(event)) => {
            let name = &api.types[event.event.0].name().rust;
            Some((hooks, format!("crate::types::{name}")))
        }
        _ => None,
    };
    let webhook_example_file = match (&webhooks, &api.event) {
        (Some((hooks, _)), Some(event)) => hooks
            .example_event
            .as_deref()
            .map(|wanted| webhook_example(api, event, wanted, header, &lib_name))
            .transpose()?,
        _ => None,
    };
    let mut files = BTreeMap::new();
    let mut put = |path: &str, text: String| {
        let text = if text.ends_with('\n') {
            text
        } else {
            text + "\n"
        };
        files.insert(path.to_owned(), text);
    };
    put(
        "Cargo.toml",
        render(
            CargoToml {
                header,
                uses_paging,
                webhooks: webhooks.is_some(),
                webhook_example: webhook_example_file.is_some(),
                name,
                version: &config.krate.version,
                description: &description,
            }
            .render(),
        )?,
    );
    put(
        "README.md",
        render(
            Readme {
                header,
                webhooks: webhooks.is_some(),
                webhook_example: webhook_example_file.is_some(),
                name,
                lib_name: &lib_name,
                api_title: &api.title,
                api_version: &api.version,
                spec_file: &provenance.spec_file,
                command: &provenance.command,
                example: &example(api, &lib_name)?,
                client_new: &client_new,
                operations: api
                    .operations
                    .iter()
                    .map(|op| {
                        let mut link = op.module.join("::");
                        link.push_str("::");
                        link.push_str(op.name.rust.trim_start_matches("r#"));
                        ReadmeOperation {
                            function: op.name.rust.trim_start_matches("r#").to_owned(),
                            link: format!("crate::{link}"),
                            request: format!("{} {}", op.method.as_str(), op.path),
                            id: op.name.api.clone(),
                        }
                    })
                    .collect(),
                left_out: api
                    .left_out
                    .iter()
                    .flat_map(|op| {
                        op.problems.iter().map(|p| ReadmeLeftOut {
                            request: format!("{} {}", op.method, op.path),
                            id: op.operation_id.clone(),
                            at: format!("{}#{}", p.file, p.pointer),
                            problem: p.message.clone(),
                        })
                    })
                    .collect(),
                warnings: api
                    .warnings
                    .iter()
                    .map(|w| (format!("{}#{}", w.file, w.pointer), w.message.clone()))
                    .collect(),
            }
            .render(),
        )?,
    );
    put(
        "src/lib.rs",
        render(
            LibRs {
                header,
                idempotency,
                webhooks: webhooks.is_some(),
                uses_list,
                uses_search,
                uses_clearable,
                uses_multipart,
                modules,
            }
            .render(),
        )?,
    );
    put(
        "src/runtime/mod.rs",
        render(
            RuntimeMod {
                header,
                uses_operations: !api.operations.is_empty(),
                webhooks: webhooks.is_some(),
                uses_unions,
                uses_union_tags,
                uses_discriminator,
                uses_objects,
                uses_required,
                idempotency,
                uses_list,
                uses_search,
                uses_paging,
                uses_clearable,
                uses_body,
                uses_multipart,
                uses_form,
                uses_form_body,
                uses_query,
                uses_path,
                uses_status_enum,
                uses_param_headers: wires.header || wires.cookie,
            }
            .render(),
        )?,
    );
    if uses_form {
        put(
            "src/runtime/form.rs",
            render(
                RuntimeForm {
                    header,
                    uses_multipart,
                    uses_form_body,
                    uses_query,
                    uses_query_joined: wires.query_joined,
                    uses_query_json: wires.query_json,
                }
                .render(),
            )?,
        );
    }
    if uses_list || uses_search {
        let list = RuntimeList {
            header,
            uses_list,
            uses_search,
            uses_paging,
        };
        put("src/runtime/list.rs", render(list.render())?);
    }
    if uses_clearable {
        put(
            "src/runtime/clearable.rs",
            render(RuntimeClearable { header }.render())?,
        );
    }
    if uses_multipart {
        put(
            "src/runtime/multipart.rs",
            render(RuntimeMultipart { header }.render())?,
        );
    }
    if uses_path {
        put(
            "src/runtime/path.rs",
            render(RuntimePath { header }.render())?,
        );
    }
    put(
        "src/runtime/client.rs",
        render(
            RuntimeClient {
                header,
                uses_multipart,
                uses_own_body: wires.own_body,
                uses_json_body: wires.json_body,
                uses_bytes,
                uses_text,
                uses_unit,
                uses_status_enum,
                key_method: key_method.as_deref(),
                has_schemes: !api.security_schemes.is_empty(),
                uses_bearer: kinds().any(|k| *k == SchemeKind::Bearer),
                uses_basic: kinds().any(|k| *k == SchemeKind::Basic),
                uses_header_key: key_place(KeyPlace::Header),
                uses_query_key: key_place(KeyPlace::Query),
                uses_cookie_key: key_place(KeyPlace::Cookie),
                has_server_variables: !api.server_variables.is_empty(),
                auth_code: &auth_code,
                api_title: &api.title,
                api_version: &api.version,
                base_url: &api.base_url,
                version_header: config.client.api_version_header.as_deref(),
                request_id_header: config.client.request_id_header.as_deref(),
                idempotency_header: config.client.idempotency_header.as_deref(),
                account_header: config.client.account_header.as_deref(),
                account_method: &account_method,
                should_retry_header: config.client.should_retry_header.as_deref(),
                lib_name: &lib_name,
            }
            .render(),
        )?,
    );
    put(
        "src/runtime/options.rs",
        render(
            RuntimeOptions {
                header,
                uses_multipart,
                uses_header_params: wires.header,
                uses_cookie_params: wires.cookie,
                idempotency_header: config.client.idempotency_header.as_deref(),
                account_header: config.client.account_header.as_deref(),
                account_method: &account_method,
            }
            .render(),
        )?,
    );
    put(
        "src/runtime/error.rs",
        render(
            RuntimeError {
                header,
                should_retry_header: config.client.should_retry_header.as_deref(),
            }
            .render(),
        )?,
    );
    if let Some((hooks, event_type)) = &webhooks {
        put(
            "src/runtime/webhook.rs",
            render(
                RuntimeWebhook {
                    header,
                    signature_header: &hooks.signature_header,
                    tolerance_seconds: hooks.tolerance_seconds,
                    event_type,
                }
                .render(),
            )?,
        );
    }
    if let Some(example) = webhook_example_file {
        put("examples/webhook.rs", example);
    }
    put(
        "src/runtime/expandable.rs",
        render(RuntimeExpandable { header }.render())?,
    );
    put(
        "src/runtime/json.rs",
        render(
            RuntimeJson {
                header,
                uses_union_tags,
                uses_discriminator,
                uses_objects,
                uses_required,
            }
            .render(),
        )?,
    );
    Ok(files)
}

/// `examples/webhook.rs`: an axum endpoint that handles the event type `wanted`.
fn webhook_example(
    api: &Api,
    event: &crate::model::EventDef,
    wanted: &str,
    header: &str,
    lib_name: &str,
) -> Result<String, String> {
    use crate::model::TypeDef;
    let refused = || {
        format!("`[webhooks] example_event = {wanted:?}` in the config is not one of the spec's event types")
    };
    let types = event.types.ok_or_else(refused)?;
    let TypeDef::Enum(type_enum) = &api.types[types.0] else {
        return Err(refused());
    };
    let event_variant = type_enum
        .variants
        .iter()
        .find(|v| v.api == wanted)
        .ok_or_else(refused)?;
    let TypeDef::Union(object_enum) = &api.types[event.object.0] else {
        return Err("generator bug: the event's object type is not a union".to_owned());
    };
    // Stripe's convention: `identity.verification_session.redacted` is about an object tagged
    // `identity.verification_session`.
    let tag = wanted.rsplit_once('.').map_or(wanted, |(tag, _)| tag);
    let tags = super::types::union_tags(api, object_enum).unwrap_or_default();
    let object_variant = object_enum
        .variants
        .iter()
        .zip(&tags)
        .find(|((_, ty), (t, deleted))| {
            t == tag
                && !deleted
                && matches!(ty, TypeRef::Named(id) if matches!(&api.types[api.resolve(*id).0], TypeDef::Struct(s) if s.has_id))
        })
        .map(|((variant, _), _)| variant.as_str());
    WebhookExample {
        header,
        lib_name,
        type_enum: &type_enum.name.rust,
        object_enum: &object_enum.name.rust,
        event_api: wanted,
        event_variant: &event_variant.rust,
        object_variant,
    }
    .render()
    .map_err(|e| format!("generator bug: template failed: {e}"))
}

/// The README's example: the first operation, called with placeholder arguments.
fn example(api: &Api, lib_name: &str) -> Result<String, String> {
    let Some(op) = api.operations.first() else {
        return Ok("// This binding has no operations selected.".to_owned());
    };
    let krate = ident(lib_name);
    let (parent, last) = op.module.split_at(op.module.len().saturating_sub(1));
    let parent = parent.iter().map(|m| ident(m));
    let module = last.iter().map(|m| ident(m));
    let last_ident = last.iter().map(|m| ident(m));
    let function = ident(&op.name.rust);
    let args = op.path_params.iter().map(|p| format!("{}_123", p.name.api));
    let params = op.params.map(|_| quote!(&params));
    // A body of its own: the simplest value of its type, else a placeholder to fill in.
    let body = match &op.body {
        Some(BodyEncoding::Own(own)) if !own.required => Some(quote!(None,)),
        Some(BodyEncoding::Own(own)) => Some(match &own.kind {
            crate::model::OwnBodyKind::Text | crate::model::OwnBodyKind::Json(TypeRef::String) => {
                quote!("…",)
            }
            crate::model::OwnBodyKind::Bytes
            | crate::model::OwnBodyKind::Json(TypeRef::Array(_)) => {
                quote!(&[],)
            }
            // `!` coerces to the reference the argument takes; `&todo!()` would not.
            crate::model::OwnBodyKind::Json(_) => quote!(todo!("the request body"),),
        }),
        _ => None,
    };
    let params_let = op.params.map(|_| quote!(let params = Default::default();));
    let call = quote! {
        fn example() {
            use #krate::#(#parent::)*#(#module)*;
            #params_let
            let answer = #(#last_ident)*::#function(&client, #(#args,)* #body #params).await?;
            println!("{answer:?}");
        }
    };
    // Format as a function, then keep only its body: the README wraps it in its own `async fn`.
    let formatted = super::rust_file("", call)?;
    let body: Vec<&str> = formatted
        .lines()
        .filter_map(|l| l.strip_prefix("    "))
        .collect();
    Ok(body.join("\n"))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The filters in `mod filters`: each escapes or checks for one kind of place.
    const FILTERS: &[&str] = &[
        "rust_str",
        "comment",
        "html_comment",
        "md_text",
        "md_code",
        "toml_str",
        "ident",
        "rust_path",
        "header",
        "package",
        "rust_code",
    ];

    /// Every `{{ … }}` in every template ends in one of the filters, so no spec or config
    /// string is written as it is by accident.
    #[test]
    fn every_template_value_is_filtered() {
        let mut unfiltered = Vec::new();
        let mut seen = 0;
        let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("templates")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                let mut rest = text.as_str();
                while let Some(start) = rest.find("{{") {
                    let end = rest[start..].find("}}").expect("unclosed {{") + start;
                    let expr = rest[start + 2..end].trim_matches(['-', '+', '~', ' ']);
                    seen += 1;
                    let filter = expr.rsplit_once('|').map(|(_, f)| f.trim());
                    if !filter.is_some_and(|f| FILTERS.contains(&f)) {
                        unfiltered.push(format!("{}: {{{{ {expr} }}}}", path.display()));
                    }
                    rest = &rest[end + 2..];
                }
            }
        }
        assert!(
            seen > 50,
            "only {seen} template values found: is the scan broken?"
        );
        assert!(
            unfiltered.is_empty(),
            "unescaped template values:\n{}",
            unfiltered.join("\n")
        );
    }

    /// The list above is the filters module, not a second list that drifts from it.
    #[test]
    fn every_listed_filter_exists() {
        let source = include_str!("files.rs");
        for f in FILTERS {
            assert!(
                source.contains(&format!("pub fn {f}<T: Display>")),
                "no filter `{f}` in files.rs"
            );
        }
    }
}
