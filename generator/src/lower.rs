//! Stage 3: spec → model. All `$ref` resolution and naming decisions happen here; what the
//! generator cannot express yet is reported with a location instead of guessed at.

use std::collections::BTreeMap;

use openapiv3::{
    Parameter, ParameterData, ParameterSchemaOrContent, QueryStyle, ReferenceOr, Schema,
    SchemaKind, Type,
};

use crate::config::Config;
use crate::docs;
use crate::error::{Pointer, SpecError};
use crate::load::LoadedSpec;
use crate::locate;
use crate::model::*;
use crate::naming::{self, Scope};
use crate::path::{parse_template, Part};
use crate::resolve::{Resolved, Resolver};
use crate::validate::{operations, FORM, JSON, MULTIPART};

mod events;
mod payloads;
mod responses;
mod schemas;
mod security;
mod unions;

pub fn lower(spec: &LoadedSpec, config: &Config) -> Result<Api, Vec<SpecError>> {
    let mut early = Vec::new();
    let mut schemes = security::Schemes::read(spec, config);
    let key_scheme = schemes.key_scheme(spec, config).unwrap_or_else(|e| {
        early.push(e);
        None
    });
    // A relative server URL (or none) is relative to wherever the document is served, which
    // the binding cannot know: the caller gives the base URL, and `build()` says so otherwise.
    let (base_url, server_template, server_variables) = match spec.api.servers.first() {
        Some(server) if server.url.contains("://") => {
            let at = Pointer::root().push("servers").push(0usize);
            let url = server_url(server, &at, &spec.file).unwrap_or_else(|e| {
                early.push(e);
                String::new()
            });
            let site = config.docs.site.clone().unwrap_or_else(|| origin(&url));
            let variables = security::server_variables(server, &mut schemes.scope, |d| {
                d.map(|t| docs::to_markdown(t, &site))
                    .filter(|t| !t.trim().is_empty())
            });
            let template = if variables.is_empty() {
                String::new()
            } else {
                server.url.trim_end_matches('/').to_owned()
            };
            (url, template, variables)
        }
        _ => (String::new(), String::new(), Vec::new()),
    };
    let mut default_security = Vec::new();
    if let Some(requirements) = &spec.api.security {
        let at = Pointer::root().push("security");
        default_security = schemes.requirements(requirements, &at, &spec.file, &mut early);
    }
    // The version goes out as a header value on every request; one that cannot be is refused
    // here rather than failing every call.
    if let Some(header) = &config.client.api_version_header {
        if let Some(why) = crate::escape::header_value_problem(&spec.api.info.version) {
            early.push(SpecError::new(
                &spec.file,
                &Pointer::root().push("info").push("version"),
                format!("the version is sent as `{header}`, but it {why}"),
            ));
        }
    }
    let site = config
        .docs
        .site
        .clone()
        .unwrap_or_else(|| origin(&base_url));
    let mut cx = Lowerer::new(spec, site);
    cx.managed_headers = managed_headers(config);
    cx.errors.extend(early);
    for scheme in &mut schemes.schemes {
        scheme.docs = cx.docs(scheme.docs.as_ref());
    }

    let mut ops = Vec::new();
    for (path, item) in &spec.api.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, op) in operations(item) {
            let id = op
                .operation_id
                .clone()
                .unwrap_or_else(|| format!("{method} {path}"));
            if config.operations.selects(&id, path) {
                let ptr = Pointer::root().push("paths").push(path).push(method);
                ops.push((id, method, path.as_str(), item, op, ptr));
            }
        }
    }

    // Names come from the whole document, so a clash renames both sides the same way whatever
    // is selected and whatever order the spec lists them in.
    let locations = locate::operation_locations(spec);

    let mut operations_out = Vec::new();
    let mut error_bodies = Vec::new();
    for (id, method, path, item, op, ptr) in &ops {
        let location = &locations[&(*method, *path)];
        let name = Name {
            api: id.clone(),
            rust: location.function.clone(),
        };
        let module = location.module.clone();
        let origin = location.origin;
        if let Some(mut lowered) = cx.operation(name, origin, module, method, path, item, op, ptr) {
            // An operation's own `security` replaces the document's; `[]` sends nothing.
            lowered.0.security = match &op.security {
                Some(requirements) => schemes.requirements(
                    requirements,
                    &ptr.push("security"),
                    &spec.file,
                    &mut cx.errors,
                ),
                None => default_security.clone(),
            };
            operations_out.push(lowered.0);
            error_bodies.push(lowered.1);
        }
    }
    operations_out.sort_by(|a, b| (&a.module, &a.name.rust).cmp(&(&b.module, &b.name.rust)));

    payloads::lower_webhook_payloads(&mut cx, spec);

    // Last, so that the event's object enum sees every type the operations reached.
    let event = config
        .webhooks
        .as_ref()
        .and_then(|hooks| events::lower_event(&mut cx, spec, hooks));

    // One error body type for the runtime when every operation agrees on it.
    let error_body = match error_bodies.split_first() {
        Some((first, rest)) if first.is_some() && rest.iter().all(|b| b == first) => first.clone(),
        _ => None,
    };

    if !cx.errors.is_empty() {
        return Err(cx.errors);
    }
    // Every reserved slot is filled by the end of lowering; an empty one would shift the ids
    // of the types after it, so it is a bug worth a message, not a silent skip.
    let by_component = std::mem::take(&mut cx.by_component);
    let warnings = std::mem::take(&mut cx.warnings);
    let types = cx
        .types
        .into_iter()
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| {
            vec![SpecError::new(
                &spec.file,
                &Pointer::root(),
                "generator bug: a type slot was never filled",
            )]
        })?;
    let components = by_component
        .iter()
        .filter(|((_, direction), _)| *direction == Direction::Response)
        .map(|((key, _), id)| (key.clone(), *id))
        .collect();
    Ok(Api {
        event,
        components,
        title: spec.api.info.title.clone(),
        version: spec.api.info.version.clone(),
        base_url,
        server_template,
        server_variables,
        security_schemes: schemes.schemes,
        key_scheme,
        default_security,
        operations: operations_out,
        types,
        error_body,
        left_out: Vec::new(),
        warnings,
    })
}

/// A server's URL without its trailing `/`, each `{variable}` filled with its default. A URL
/// the client could not use as written (spaces, quotes, braces, anything invisible) is refused:
/// escaping it would only make a different, wrong URL.
fn server_url(server: &openapiv3::Server, at: &Pointer, file: &str) -> Result<String, SpecError> {
    let mut url = String::new();
    let mut rest = server.url.as_str();
    while let Some(open) = rest.find('{') {
        url.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            url.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let name = &rest[open + 1..open + close];
        let default = server
            .variables
            .as_ref()
            .and_then(|vars| vars.get(name))
            .map(|v| v.default.as_str());
        match default {
            Some(value) => url.push_str(value),
            None => {
                return Err(SpecError::new(
                    file,
                    &at.push("url"),
                    format!("the server variable `{name}` is not declared under `variables`"),
                ))
            }
        }
        rest = &rest[open + close + 1..];
    }
    url.push_str(rest);
    if let Some(why) = crate::escape::url_problem(&url) {
        return Err(SpecError::new(
            file,
            &at.push("url"),
            format!("{url:?} {why}"),
        ));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// `https://api.example.com/v1` → `https://api.example.com`.
fn origin(url: &str) -> String {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(i) => url[..after_scheme + i].to_owned(),
        None => url.to_owned(),
    }
}

/// A query, header or cookie parameter as declared, before lowering.
struct QueryParam<'a> {
    name: &'a str,
    data: &'a ParameterData,
    wire: Wire,
    at: Pointer,
}

/// Where a parameter is declared (`in`), so the operation's own can replace the path item's.
fn location(p: &Parameter) -> u8 {
    match p {
        Parameter::Path { .. } => 0,
        Parameter::Query { .. } => 1,
        Parameter::Header { .. } => 2,
        Parameter::Cookie { .. } => 3,
    }
}

/// A byte of an HTTP token (RFC 9110), which header and cookie names are.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// A request body as lowered: fields of the `…Params` struct, or an argument of its own.
enum RequestBody<'a> {
    Fields(BodyEncoding, Option<(Pointer, &'a Schema)>),
    Own(OwnBody),
}

/// Kinds of request media types, in the order the binding prefers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum MediaKind {
    Json,
    Form,
    Multipart,
    Text,
    Bytes,
}

fn media_kind(media: &str) -> MediaKind {
    let essence = media
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        JSON => MediaKind::Json,
        FORM => MediaKind::Form,
        MULTIPART => MediaKind::Multipart,
        e if e.ends_with("+json") => MediaKind::Json,
        e if e.starts_with("text/") => MediaKind::Text,
        _ => MediaKind::Bytes,
    }
}

/// Header parameters the client sets itself, lower case: the credentials, the body's type,
/// what it accepts and the configured idempotency, account and version headers. The
/// client's value wins (OpenAPI says to ignore the first three), so they are not parameters.
pub(crate) fn managed_headers(config: &Config) -> Vec<String> {
    let client = &config.client;
    [
        "authorization",
        "content-type",
        "accept",
        "content-length",
        "cookie",
    ]
    .into_iter()
    .map(str::to_owned)
    .chain(
        [
            &client.idempotency_header,
            &client.account_header,
            &client.api_version_header,
        ]
        .into_iter()
        .flatten()
        .map(|h| h.to_ascii_lowercase()),
    )
    .collect()
}

/// What an inline schema would be called and where it would live.
#[derive(Clone)]
struct Ctx {
    name: String,
    home: Home,
    direction: Direction,
    /// Inside an error body: API resources (`x-resourceId`) embedded there stay raw JSON, so
    /// the one error type does not pull half the API into every binding.
    shallow: bool,
}

struct Lowerer<'a> {
    resolver: Resolver<'a>,
    file: &'a str,
    site: String,
    /// Arena slots; `None` while a type is being lowered (so cycles find their id).
    types: Vec<Option<TypeDef>>,
    /// Per arena slot, the name a union variant holding the type takes: a component's own
    /// name (not the one claimed in a module, which may carry a suffix), else the type's name.
    /// Set when the slot is reserved, so a member met while it is still being lowered (a
    /// cycle) names its variant like any other.
    member_names: Vec<String>,
    /// Component key → (direction) → id: a component used in a request and a response is
    /// emitted once per direction since their derives differ.
    by_component: BTreeMap<(String, Direction), TypeId>,
    component_names: BTreeMap<String, String>,
    scopes: BTreeMap<Home, Scope>,
    errors: Vec<SpecError>,
    /// See [`Api::warnings`].
    warnings: Vec<SpecError>,
    /// Header parameters left out because the client sends them (see [`managed_headers`]).
    managed_headers: Vec<String>,
}

impl<'a> Lowerer<'a> {
    fn new(spec: &'a LoadedSpec, site: String) -> Self {
        let mut component_names = BTreeMap::new();
        let mut shared = Scope::new();
        if let Some(components) = &spec.api.components {
            // Short names (`VerificationSession`) unless two keys want the same one, then both
            // take their full key (`IssuingCard`); decided over all components, not just the
            // selected ones, so selecting more operations never renames a type.
            let mut wanted: BTreeMap<String, Vec<&str>> = BTreeMap::new();
            for key in components.schemas.keys() {
                wanted
                    .entry(naming::component_type_name(key))
                    .or_default()
                    .push(key);
            }
            let mut sorted: Vec<&String> = components.schemas.keys().collect();
            sorted.sort();
            for key in sorted {
                let short = naming::component_type_name(key);
                let name = if wanted[&short].len() > 1 {
                    naming::component_type_name_full(key)
                } else {
                    short
                };
                component_names.insert(key.clone(), shared.claim(&name));
            }
        }
        let mut scopes = BTreeMap::new();
        scopes.insert(Home::Shared, shared);
        Self {
            resolver: Resolver::new(&spec.api, &spec.file),
            file: &spec.file,
            site,
            types: Vec::new(),
            member_names: Vec::new(),
            by_component: BTreeMap::new(),
            component_names,
            scopes,
            errors: Vec::new(),
            warnings: Vec::new(),
            managed_headers: Vec::new(),
        }
    }

    fn error(&mut self, at: &Pointer, message: impl Into<String>) {
        self.errors.push(SpecError::new(self.file, at, message));
    }

    fn docs(&self, text: Option<&String>) -> Option<String> {
        text.map(|t| docs::to_markdown(t, &self.site))
            .filter(|t| !t.trim().is_empty())
    }

    fn claim(&mut self, home: &Home, wanted: &str) -> String {
        self.scopes.entry(home.clone()).or_default().claim(wanted)
    }

    /// Names a new type and reserves its arena slot, registering it as its component's type
    /// first so references met while lowering it (cycles) find it.
    fn new_type(&mut self, ctx: &Ctx, component: Option<&str>) -> (String, TypeId) {
        let name = self.type_name(ctx, component);
        let member_name = match component {
            Some(key) => self
                .component_names
                .get(key)
                .cloned()
                .unwrap_or_else(|| naming::component_type_name(key)),
            None => name.clone(),
        };
        let id = self.reserve_slot(member_name);
        if let Some(key) = component {
            self.by_component
                .insert((key.to_owned(), ctx.direction), id);
        }
        (name, id)
    }

    fn reserve_slot(&mut self, member_name: String) -> TypeId {
        self.types.push(None);
        self.member_names.push(member_name);
        TypeId(self.types.len() - 1)
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        name: Name,
        name_origin: NameOrigin,
        module: Vec<String>,
        method: &str,
        path: &str,
        item: &'a openapiv3::PathItem,
        op: &'a openapiv3::Operation,
        ptr: &Pointer,
    ) -> Option<(Operation, Option<TypeRef>)> {
        let method = match method {
            "get" => Method::Get,
            "post" => Method::Post,
            "put" => Method::Put,
            "patch" => Method::Patch,
            "delete" => Method::Delete,
            other => {
                self.error(ptr, format!("HTTP method `{other}` is not supported"));
                return None;
            }
        };
        let template = match parse_template(path) {
            Ok(t) => t,
            Err(m) => {
                self.error(ptr, m);
                return None;
            }
        };

        // Parameters of the path item, then the operation's, which win on the same name and
        // location.
        let mut declared_params: Vec<(&'a Parameter, Pointer)> = Vec::new();
        let item_ptr = Pointer::root().push("paths").push(path);
        for (params, base) in [(&item.parameters, &item_ptr), (&op.parameters, ptr)] {
            for (i, p) in params.iter().enumerate() {
                let at = base.push("parameters").push(i);
                let param = match self.resolver.parameter(p, &at) {
                    Ok((_, param)) => param,
                    Err(e) => {
                        self.errors.push(e);
                        continue;
                    }
                };
                let same = |(other, _): &(&'a Parameter, Pointer)| {
                    location(other) == location(param)
                        && other.parameter_data_ref().name == param.parameter_data_ref().name
                };
                declared_params.retain(|d| !same(d));
                declared_params.push((param, at));
            }
        }
        let mut declared: BTreeMap<&str, (Option<String>, Option<usize>)> = BTreeMap::new();
        let mut query: Vec<QueryParam<'a>> = Vec::new();
        for (param, at) in declared_params {
            if let Parameter::Path { parameter_data, .. } = param {
                // Real specs have these (OpenAI's `cert_id` beside `{certificate_id}`): the
                // template is what is sent, so a parameter outside it has nowhere to go.
                if !template.params().any(|p| p == parameter_data.name) {
                    let m = format!(
                        "path parameter `{}` is not in the path template `{path}`; it is ignored",
                        parameter_data.name
                    );
                    self.warnings.push(SpecError::new(self.file, &at, m));
                    continue;
                }
                let max_length = match &parameter_data.format {
                    ParameterSchemaOrContent::Schema(s) => self
                        .resolver
                        .schema(s, &at.push("schema"))
                        .ok()
                        .and_then(|r| match &r.item.schema_kind {
                            SchemaKind::Type(Type::String(s)) => s.max_length,
                            _ => None,
                        }),
                    ParameterSchemaOrContent::Content(_) => None,
                };
                let docs = self.docs(parameter_data.description.as_ref());
                declared.insert(&parameter_data.name, (docs, max_length));
            } else if let Some(q) = self.query_param(param, at) {
                query.push(q);
            }
        }
        let mut arg_scope = Scope::new();
        arg_scope.reserve(["client", "params", "path", "body"]);
        let mut path_params = Vec::new();
        let mut segments = Vec::new();
        for part in &template.parts {
            match part {
                Part::Literal(text) => segments.push(PathSegment::Literal(text.clone())),
                Part::Param(api) => {
                    if !declared.contains_key(api.as_str()) {
                        let m = format!(
                            "the path template names `{{{api}}}` but the operation declares no path parameter `{api}`; it is taken as a required string argument"
                        );
                        self.warnings.push(SpecError::new(self.file, ptr, m));
                    }
                    let (docs, max_length) =
                        declared.get(api.as_str()).cloned().unwrap_or_default();
                    let rust = arg_scope.claim(&naming::field_name(api));
                    segments.push(PathSegment::Param(path_params.len()));
                    path_params.push(PathParam {
                        name: Name {
                            api: api.clone(),
                            rust,
                        },
                        docs,
                        max_length,
                    });
                }
            }
        }

        let sends_body = matches!(method, Method::Post | Method::Put | Method::Patch);
        let (params, body) = self.params(&name, &module, op, ptr, &query, sends_body);
        let (response, errors, error_body) = self.responses(&name, &module, op, ptr);

        let operation = Operation {
            name,
            name_origin,
            module,
            method,
            path: path.to_owned(),
            segments,
            path_params,
            params,
            body,
            response,
            errors,
            // Filled in by `lower`, which knows the document's schemes.
            security: Vec::new(),
            server: match op.servers.first() {
                Some(server) => {
                    let at = ptr.push("servers").push(0usize);
                    match server_url(server, &at, self.file) {
                        Ok(url) => Some(url),
                        Err(e) => {
                            self.errors.push(e);
                            None
                        }
                    }
                }
                None => None,
            },
            docs: self.docs(op.description.as_ref().or(op.summary.as_ref())),
        };
        Some((operation, error_body))
    }

    /// The operation's `…Params` struct: its query, header and cookie parameters and its form
    /// body's fields. On GET and DELETE a form body's fields travel in the query (as Stripe's
    /// SDKs send them); otherwise the body is sent, empty if need be. A JSON, text or bytes
    /// body is an argument of its own and not part of the struct.
    fn params(
        &mut self,
        name: &Name,
        module: &[String],
        op: &'a openapiv3::Operation,
        ptr: &Pointer,
        query: &[QueryParam<'a>],
        sends_body: bool,
    ) -> (Option<TypeId>, Option<BodyEncoding>) {
        let (encoding, body_schema) = match self.body_schema(name, module, op, ptr) {
            Some(RequestBody::Own(own)) => (Some(BodyEncoding::Own(own)), None),
            Some(RequestBody::Fields(encoding, schema)) => {
                (sends_body.then_some(encoding), Some(schema))
            }
            None => (None, None),
        };
        if query.is_empty() && body_schema.is_none() {
            return (None, encoding);
        }
        let home = Home::Module(module.to_vec());
        let params_name = format!("{}Params", naming::type_name(naming::unraw(&name.rust)));
        let params_name = self.claim(&home, &params_name);
        let ctx = Ctx {
            name: params_name.clone(),
            home: home.clone(),
            direction: Direction::Request,
            shallow: false,
        };
        // The params struct is always its own type in the operation's module, even when the
        // schema is a shared component, so every operation's arguments read the same way.
        let mut fields = Vec::new();
        let mut scope = Scope::new();
        for q in query {
            let field_ctx = Ctx {
                name: format!("{}{}", ctx.name, naming::type_name(q.name)),
                home: home.clone(),
                direction: Direction::Request,
                shallow: false,
            };
            let ty = match &q.data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    self.schema(schema, &q.at.push("schema"), &field_ctx)
                }
                // `content` holds one media type; its value is sent as JSON text.
                ParameterSchemaOrContent::Content(content) => {
                    match content
                        .iter()
                        .find_map(|(m, c)| Some((m, c.schema.as_ref()?)))
                    {
                        Some((media, schema)) => self.schema(
                            schema,
                            &q.at.push("content").push(media).push("schema"),
                            &field_ctx,
                        ),
                        None => TypeRef::Json,
                    }
                }
            };
            fields.push(Field {
                name: Name {
                    api: q.name.to_owned(),
                    rust: scope.claim(&naming::field_name(q.name)),
                },
                docs: self.docs(q.data.description.as_ref()),
                ty,
                required: q.data.required,
                nullable: false,
                wire: q.wire,
            });
        }
        let keep_empty = sends_body && body_schema.is_some();
        let mut additional = None;
        if let Some(Some((pointer, schema))) = body_schema {
            additional = self.additional_of(schema, &pointer, &ctx);
            let wire = if sends_body {
                Wire::Body
            } else {
                Wire::Query { deep: true }
            };
            for mut f in self.object_fields(schema, &pointer, &ctx) {
                if fields.iter().any(|q: &Field| q.name.api == f.name.api) {
                    continue;
                }
                f.name.rust = scope.claim(&f.name.rust);
                f.wire = wire;
                fields.push(f);
            }
        }
        // A body-less operation with nothing to send takes no params argument; one that sends
        // a form body keeps its (empty) struct so parameters added later do not change its
        // signature.
        if fields.is_empty() && !keep_empty {
            return (None, encoding);
        }
        let id = self.reserve_slot(params_name.clone());
        let docs = Some(format!(
            "Parameters for [`{}`].",
            name.rust.trim_start_matches("r#")
        ));
        self.types[id.0] = Some(TypeDef::Struct(StructDef {
            name: Name {
                api: name.api.clone(),
                rust: params_name,
            },
            home,
            direction: Direction::Request,
            docs,
            has_id: false,
            fields,
            additional,
        }));
        (Some(id), encoding)
    }

    /// A query, header or cookie parameter with the way it travels; `None` for a path
    /// parameter and for a header the client sets itself (those win: see `managed_headers`).
    fn query_param(&mut self, param: &'a Parameter, at: Pointer) -> Option<QueryParam<'a>> {
        let data = param.parameter_data_ref();
        let content = matches!(data.format, ParameterSchemaOrContent::Content(_));
        let joined = |delimiter| match data.explode {
            Some(true) => Wire::Query { deep: false },
            _ => Wire::QueryJoined { delimiter },
        };
        let wire = match param {
            Parameter::Path { .. } => return None,
            Parameter::Query { .. } if content => Wire::QueryJson,
            Parameter::Query { style, .. } => match style {
                QueryStyle::DeepObject => Wire::Query { deep: true },
                QueryStyle::Form if data.explode == Some(false) => Wire::QueryJoined {
                    delimiter: Delimiter::Comma,
                },
                QueryStyle::Form => Wire::Query { deep: false },
                QueryStyle::SpaceDelimited => joined(Delimiter::Space),
                QueryStyle::PipeDelimited => joined(Delimiter::Pipe),
            },
            Parameter::Header { .. } | Parameter::Cookie { .. } => {
                let header = matches!(param, Parameter::Header { .. });
                if header
                    && self
                        .managed_headers
                        .iter()
                        .any(|h| h.eq_ignore_ascii_case(&data.name))
                {
                    return None;
                }
                let kind = if header { "header" } else { "cookie" };
                if content {
                    self.error(
                        &at.push("content"),
                        format!("{kind} parameters given as `content` are not supported"),
                    );
                    return None;
                }
                if data.name.is_empty() || !data.name.bytes().all(is_token_byte) {
                    self.error(
                        &at.push("name"),
                        format!(
                            "{:?} cannot be sent as a {kind} name (only letters, digits and `!#$%&'*+-.^_`|~`)",
                            data.name
                        ),
                    );
                    return None;
                }
                if header {
                    Wire::Header
                } else {
                    Wire::Cookie
                }
            }
        };
        Some(QueryParam {
            name: &data.name,
            data,
            wire,
            at,
        })
    }

    /// The request body in the media type the binding prefers: JSON, then form, then
    /// multipart, then text, then bytes. Form and multipart bodies give their object schema,
    /// whose fields join the `…Params` struct; the others are lowered here as their own
    /// argument.
    fn body_schema(
        &mut self,
        name: &Name,
        module: &[String],
        op: &'a openapiv3::Operation,
        ptr: &Pointer,
    ) -> Option<RequestBody<'a>> {
        let at = ptr.push("requestBody");
        let (body_ptr, body) = match self.resolver.request_body(op.request_body.as_ref()?, &at) {
            Ok(b) => b,
            Err(e) => {
                self.errors.push(e);
                return None;
            }
        };
        let (media_type, kind) = body
            .content
            .keys()
            .map(|m| (m, media_kind(m)))
            .min_by_key(|(_, kind)| *kind)?;
        let media = &body.content[media_type];
        let schema_ptr = body_ptr.push("content").push(media_type).push("schema");
        let encoding = match kind {
            MediaKind::Form => BodyEncoding::Form,
            MediaKind::Multipart => BodyEncoding::Multipart,
            MediaKind::Json | MediaKind::Text | MediaKind::Bytes => {
                let kind = match kind {
                    MediaKind::Json => {
                        let ctx = Ctx {
                            name: format!("{}Body", naming::type_name(naming::unraw(&name.rust))),
                            home: Home::Module(module.to_vec()),
                            direction: Direction::JsonRequest,
                            shallow: false,
                        };
                        OwnBodyKind::Json(match &media.schema {
                            Some(s) => self.schema(s, &schema_ptr, &ctx),
                            None => TypeRef::Json,
                        })
                    }
                    MediaKind::Text => OwnBodyKind::Text,
                    _ => OwnBodyKind::Bytes,
                };
                // A range (`*/*`, `image/*`) names no type to send: bytes are bytes.
                let media_type = match (media_type.contains('*'), &kind) {
                    (false, _) => media_type.clone(),
                    (true, OwnBodyKind::Json(_)) => JSON.to_owned(),
                    (true, OwnBodyKind::Text) => "text/plain".to_owned(),
                    (true, OwnBodyKind::Bytes) => "application/octet-stream".to_owned(),
                };
                if let Some(why) = crate::escape::header_value_problem(&media_type) {
                    self.error(
                        &body_ptr.push("content").push(&media_type),
                        format!("the media type is sent as `Content-Type`, but it {why}"),
                    );
                    return None;
                }
                return Some(RequestBody::Own(OwnBody {
                    media_type,
                    kind,
                    required: body.required,
                }));
            }
        };
        let schema = match &media.schema {
            None => None,
            Some(s) => match self.resolver.schema(s, &schema_ptr) {
                Ok(Resolved { pointer, item, .. }) => Some((pointer, item)),
                Err(e) => {
                    self.errors.push(e);
                    None
                }
            },
        };
        Some(RequestBody::Fields(encoding, schema))
    }
}
