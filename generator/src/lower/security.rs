//! `components.securitySchemes` and `security` requirements → the model's schemes and each
//! operation's alternatives, and the first server's URL variables.

use std::collections::BTreeMap;

use openapiv3::{APIKeyLocation, ReferenceOr, SecurityRequirement};

use crate::config::Config;
use crate::error::{Pointer, SpecError};
use crate::load::LoadedSpec;
use crate::model::{KeyPlace, Name, SchemeKind, SecurityScheme, ServerVariable};
use crate::naming::{self, Scope};

/// The builder's own methods, which a scheme or server variable may not take.
const BUILDER_METHODS: &[&str] = &[
    "base_url",
    "timeout",
    "max_retries",
    "allow_insecure_http",
    "build",
    "new",
    "builder",
];

/// The schemes the client can send, and where each declared key went.
pub(super) struct Schemes {
    pub schemes: Vec<SecurityScheme>,
    /// Scheme key → its index in `schemes`, or why it cannot be sent (located).
    by_key: BTreeMap<String, Result<usize, SpecError>>,
    /// The builder scope, for server variables named after the schemes.
    pub scope: Scope,
}

impl Schemes {
    pub fn read(spec: &LoadedSpec, config: &Config) -> Schemes {
        let mut scope = Scope::new();
        scope.reserve(BUILDER_METHODS.iter().copied());
        if let Some(account) = config.account_method() {
            scope.claim(&account);
        }
        let mut schemes = Vec::new();
        let mut by_key: BTreeMap<String, Result<usize, SpecError>> = BTreeMap::new();
        let declared = spec.api.components.as_ref().map(|c| &c.security_schemes);
        let mut keys: Vec<_> = declared.into_iter().flatten().collect();
        keys.sort_by(|a, b| a.0.cmp(b.0));
        for (key, scheme) in keys {
            let at = Pointer::root()
                .push("components")
                .push("securitySchemes")
                .push(key);
            let refused = |m: String| Err(SpecError::new(&spec.file, &at, m));
            let ReferenceOr::Item(scheme) = scheme else {
                by_key.insert(
                    key.clone(),
                    Err(SpecError::new(
                        &spec.file,
                        &at,
                        "security schemes given as `$ref` are not supported",
                    )),
                );
                continue;
            };
            use openapiv3::SecurityScheme as S;
            let (kind, docs) = match scheme {
                S::HTTP {
                    scheme,
                    description,
                    ..
                } => match scheme.to_ascii_lowercase().as_str() {
                    "bearer" => (Ok(SchemeKind::Bearer), description),
                    "basic" => (Ok(SchemeKind::Basic), description),
                    other => (
                        refused(format!(
                            "the HTTP authentication scheme `{other}` is not supported (only `bearer` and `basic`)"
                        )),
                        description,
                    ),
                },
                S::APIKey {
                    location,
                    name,
                    description,
                    ..
                } => {
                    let place = match location {
                        APIKeyLocation::Header => KeyPlace::Header,
                        APIKeyLocation::Query => KeyPlace::Query,
                        APIKeyLocation::Cookie => KeyPlace::Cookie,
                    };
                    // The name is written into the client as a header or cookie name, so it
                    // must be one rather than escaped text.
                    let token = !name.is_empty()
                        && name
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
                    if place != KeyPlace::Query && !token {
                        (
                            refused(format!("the API key name {name:?} is not an HTTP token")),
                            description,
                        )
                    } else {
                        (
                            Ok(SchemeKind::ApiKey {
                                place,
                                name: name.clone(),
                            }),
                            description,
                        )
                    }
                }
                // The caller obtains the token (the flows are theirs to run) and the client
                // sends it as a bearer token.
                S::OAuth2 { description, .. } | S::OpenIDConnect { description, .. } => {
                    (Ok(SchemeKind::Bearer), description)
                }
            };
            match kind {
                Ok(kind) => {
                    let rust = scope.claim(&naming::field_name(key));
                    by_key.insert(key.clone(), Ok(schemes.len()));
                    schemes.push(SecurityScheme {
                        name: Name {
                            api: key.clone(),
                            rust,
                        },
                        kind,
                        docs: docs.clone(),
                    });
                }
                Err(e) => {
                    by_key.insert(key.clone(), Err(e));
                }
            }
        }
        Schemes {
            schemes,
            by_key,
            scope,
        }
    }

    /// The scheme `Client::new(key)` takes: the one `[client] key_scheme` names, else the only
    /// scheme when the spec declares one that takes a single secret.
    pub fn key_scheme(
        &self,
        spec: &LoadedSpec,
        config: &Config,
    ) -> Result<Option<usize>, SpecError> {
        let at = Pointer::root().push("components").push("securitySchemes");
        match &config.client.key_scheme {
            Some(key) => match self.by_key.get(key) {
                Some(Ok(i)) if self.schemes[*i].kind != SchemeKind::Basic => Ok(Some(*i)),
                Some(Ok(_)) => Err(SpecError::new(
                    &spec.file,
                    &at.push(key),
                    format!("`[client] key_scheme = {key:?}` names a `basic` scheme, which takes a user name and a password, not one key"),
                )),
                Some(Err(e)) => Err(e.clone()),
                // The config's `[client]` also applies to other specs (`cargo xtask codegen
                // --spec`): one that does not declare the scheme gets the usual rule.
                None => Ok(self.only_key_scheme()),
            },
            None => Ok(self.only_key_scheme()),
        }
    }

    fn only_key_scheme(&self) -> Option<usize> {
        match self.schemes.as_slice() {
            [only] if only.kind != SchemeKind::Basic => Some(0),
            _ => None,
        }
    }

    /// A `security` list as alternatives of scheme indexes. `{}` among the alternatives (the
    /// credentials are optional) becomes an empty set, which any client satisfies.
    pub fn requirements(
        &self,
        requirements: &[SecurityRequirement],
        at: &Pointer,
        file: &str,
        errors: &mut Vec<SpecError>,
    ) -> Vec<Vec<usize>> {
        let mut out = Vec::new();
        for (i, requirement) in requirements.iter().enumerate() {
            let mut set = Vec::new();
            for key in requirement.keys() {
                match self.by_key.get(key) {
                    Some(Ok(index)) => set.push(*index),
                    Some(Err(e)) => errors.push(e.clone()),
                    None => errors.push(SpecError::new(
                        file,
                        &at.push(i).push(key),
                        format!("the security scheme `{key}` is not declared under `components/securitySchemes`"),
                    )),
                }
            }
            out.push(set);
        }
        out
    }
}

/// The variables of a server, each with a builder method (claimed in `scope`).
pub(super) fn server_variables(
    server: &openapiv3::Server,
    scope: &mut Scope,
    docs: impl Fn(Option<&String>) -> Option<String>,
) -> Vec<ServerVariable> {
    let mut out = Vec::new();
    let Some(vars) = &server.variables else {
        return out;
    };
    // Only variables the URL uses: a declared one it does not name changes nothing.
    let mut used: Vec<(&String, &openapiv3::ServerVariable)> = vars
        .iter()
        .filter(|(name, _)| server.url.contains(&format!("{{{name}}}")))
        .collect();
    used.sort_by(|a, b| a.0.cmp(b.0));
    for (name, var) in used {
        out.push(ServerVariable {
            name: Name {
                api: name.clone(),
                rust: scope.claim(&naming::field_name(name)),
            },
            default: var.default.clone(),
            allowed: var.enumeration.clone(),
            docs: docs(var.description.as_ref()),
        });
    }
    out
}
