//! Every Rust name the generator emits comes from here: case conversion (heck), then keyword,
//! digit and reserved-name sanitising, then collision resolution. Keep `api` names beside the
//! Rust ones (see [`crate::model::Name`]) so serde renames and docs can always show both.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords (2021 edition, strict and reserved) that need `r#` or a suffix.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers, so they get a trailing `_` instead.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "extern", "_"];

/// Type names that would shadow the prelude or the runtime inside generated modules.
const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Debug",
    "Display",
    "Iterator",
    "From",
    "Into",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "ToString",
    "ToOwned",
    "PartialEq",
    "Eq",
    "Ord",
    "PartialOrd",
    "Hash",
    "Unknown",
];

/// Module names the binding's own code or its dependencies already use at the crate root.
const RESERVED_MODULES: &[&str] = &[
    "runtime",
    "types",
    "std",
    "core",
    "alloc",
    "serde",
    "serde_json",
    "reqwest",
    "tests",
];

fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Makes a non-empty `s` start with a character an identifier may start with.
fn fix_leading(s: String, prefix: &str) -> String {
    match s.chars().next() {
        Some(c) if c.is_ascii_digit() => format!("{prefix}{s}"),
        _ => s,
    }
}

/// Keeps only characters valid in a Rust identifier, after heck has done the casing.
fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// A field, function or argument name: `snake_case`, keywords as raw identifiers (`r#type`).
pub fn field_name(api: &str) -> String {
    let snake = clean(&api.to_snake_case());
    if snake.trim_matches('_').is_empty() {
        return "value".to_owned();
    }
    let snake = fix_leading(snake, "_");
    if NOT_RAW.contains(&snake.as_str()) {
        format!("{snake}_")
    } else if is_keyword(&snake) {
        format!("r#{snake}")
    } else {
        snake
    }
}

/// A module name: `snake_case`; keywords and names the runtime uses get a trailing `_api`/`_`,
/// never `r#` (a module is also a file name).
pub fn module_name(api: &str) -> String {
    let snake = clean(&api.to_snake_case());
    if snake.trim_matches('_').is_empty() {
        return "module".to_owned();
    }
    let snake = fix_leading(snake, "m_");
    if is_keyword(&snake) || NOT_RAW.contains(&snake.as_str()) {
        format!("{snake}_")
    } else if RESERVED_MODULES.contains(&snake.as_str()) {
        format!("{snake}_api")
    } else {
        snake
    }
}

/// A type name: `UpperCamelCase`, leading digit prefixed, prelude names suffixed with `Type`.
pub fn type_name(api: &str) -> String {
    let camel = clean(&api.to_upper_camel_case());
    if camel.is_empty() {
        return "Value".to_owned();
    }
    let camel = fix_leading(camel, "T");
    if camel == "Self" || RESERVED_TYPES.contains(&camel.as_str()) {
        format!("{camel}Type")
    } else {
        camel
    }
}

/// Names for the symbols an enum value may be made of; `*` is a wildcard (`enabled_events:
/// ["*"]` is every event), so it reads `All`.
const SYMBOLS: &[(char, &str)] = &[
    ('*', "All"),
    ('+', "Plus"),
    ('-', "Minus"),
    ('.', "Dot"),
    ('/', "Slash"),
    ('=', "Equals"),
    ('<', "LessThan"),
    ('>', "GreaterThan"),
    ('!', "Not"),
    ('?', "Question"),
    ('@', "At"),
    ('#', "Hash"),
    ('%', "Percent"),
    ('&', "And"),
    ('|', "Or"),
    ('~', "Tilde"),
    ('^', "Caret"),
    ('$', "Dollar"),
    (':', "Colon"),
    (',', "Comma"),
    ('_', "Underscore"),
    (' ', "Space"),
];

/// An enum variant for a string value: `UpperCamelCase`; `""` is `Empty`; a value made only of
/// symbols is named after them (`"*"` → `All`, `">="` → `GreaterThanEquals`), or `Value` if one
/// has no name here; `Unknown` is taken by the fallback variant.
pub fn variant_name(api: &str) -> String {
    if api.is_empty() {
        return "Empty".to_owned();
    }
    let camel = clean(&api.to_upper_camel_case());
    if camel.is_empty() {
        let symbols: Option<String> = api
            .chars()
            .map(|c| SYMBOLS.iter().find(|(s, _)| *s == c).map(|(_, name)| *name))
            .collect();
        return symbols.unwrap_or_else(|| "Value".to_owned());
    }
    let camel = fix_leading(camel, "V");
    match camel.as_str() {
        "Self" => "SelfValue".to_owned(),
        "Unknown" => "UnknownValue".to_owned(),
        _ => camel,
    }
}

/// The Rust name a component schema asks for: the part after the last `.` of its key
/// (`identity.verification_session` → `VerificationSession`).
pub fn component_type_name(key: &str) -> String {
    type_name(key.rsplit('.').next().unwrap_or(key))
}

/// The fallback when two component keys ask for the same short name: the whole key
/// (`issuing.card` → `IssuingCard`).
pub fn component_type_name_full(key: &str) -> String {
    type_name(&key.replace('.', "_"))
}

/// Hands out unique names in one scope: the first claim of a name gets it as is, later claims
/// get `2`, `3`, … appended (with `_` for snake names). Callers claim in a deterministic order.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    pub fn new() -> Self {
        Self::default()
    }

    /// Marks names as used without claiming them for anything.
    pub fn reserve<'a>(&mut self, names: impl IntoIterator<Item = &'a str>) {
        self.taken.extend(names.into_iter().map(str::to_owned));
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    pub fn claim(&mut self, wanted: &str) -> String {
        if self.taken.insert(wanted.to_owned()) {
            return wanted.to_owned();
        }
        // `r#type` must not become `r#type2`, and snake names keep their style with `_2`.
        let base = wanted.strip_prefix("r#").unwrap_or(wanted);
        let sep = if base.chars().next().is_some_and(|c| c.is_ascii_uppercase()) {
            ""
        } else {
            "_"
        };
        (2..)
            .map(|n| format!("{base}{sep}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded counter always finds a free name")
    }
}

/// The field of a response struct that keeps members the spec does not declare: `extra`, or
/// `extra_2`, … when the spec already has a field of that name.
pub fn extra_field_name<'a>(fields: impl IntoIterator<Item = &'a str>) -> String {
    let mut scope = Scope::new();
    scope.reserve(fields);
    scope.claim("extra")
}

/// The name a serde `rename` must carry for a Rust identifier (serde already strips `r#`).
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// Where an operation's function lives and what it is called, from its method and path:
///
/// - a leading version segment (`v1`) is dropped; the literal segments name the module
///   (`/v1/identity/verification_sessions/{session}/redact` → `identity::verification_sessions`);
/// - a final `search` is the search action of the collection before it (`customers::search`);
/// - a literal after the last parameter is an action naming the function (`redact`), unless
///   the method is GET or the word is plural (`…/{customer}/sources`): then it is a
///   sub-resource and part of the module;
/// - otherwise the method names the function: GET `list` on a plural collection and `retrieve`
///   on `…/{id}` or a singular resource, POST `create` on a collection and `update` on
///   `…/{id}`, PATCH `update`, PUT `replace`, DELETE `delete`.
///
/// Callers fall back to the operationId in snake case when two operations get the same name.
pub fn operation_location(method: &str, path: &str) -> (Vec<String>, String) {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let is_version = |s: &str| {
        s.strip_prefix('v')
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    };
    let segments = match segments.split_first() {
        Some((first, rest)) if is_version(first) => rest.to_vec(),
        _ => segments,
    };
    let is_param = |s: &str| s.contains('{');
    let is_plural = |s: &str| s.ends_with('s') && !s.ends_with("ss");
    let after_param = segments.len() >= 2 && is_param(segments[segments.len() - 2]);
    let action = match segments.last() {
        // `…/search` is the search action of the collection before it.
        Some(&"search") if segments.len() > 1 => Some("search"),
        Some(last) if !is_param(last) && after_param && method != "get" && !is_plural(last) => {
            Some(*last)
        }
        _ => None,
    };
    let module_segments = if action.is_some() {
        &segments[..segments.len() - 1]
    } else {
        &segments[..]
    };
    let last = segments.last().copied().unwrap_or("");
    let on_item = is_param(last);
    let collection = !on_item && is_plural(last);
    let function = match (action, method) {
        (Some(action), _) => field_name(action),
        (None, "get") if collection => "list".to_owned(),
        (None, "get") => "retrieve".to_owned(),
        (None, "post") if on_item => "update".to_owned(),
        (None, "post") => "create".to_owned(),
        (None, "patch") => "update".to_owned(),
        (None, "put") => "replace".to_owned(),
        (None, "delete") => "delete".to_owned(),
        (None, other) => field_name(other),
    };
    let mut module: Vec<String> = module_segments
        .iter()
        .filter(|s| !is_param(s))
        .map(|s| module_name(s))
        .collect();
    if module.is_empty() {
        module.push("api".to_owned());
    }
    (module, function)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names() {
        for (api, rust) in [
            ("client_secret", "client_secret"),
            ("type", "r#type"),
            ("self", "self_"),
            ("Self", "self_"),
            ("super", "super_"),
            ("crate", "crate_"),
            ("async", "r#async"),
            ("3d_secure", "_3d_secure"),
            ("three_d_secure", "three_d_secure"),
            ("lastName", "last_name"),
            ("foo-bar", "foo_bar"),
            ("foo.bar", "foo_bar"),
            ("created[gte]", "created_gte"),
            ("", "value"),
            ("_", "value"),
            ("*", "value"),
            ("ünïcode", "ncode"),
        ] {
            assert_eq!(field_name(api), rust, "field_name({api:?})");
        }
    }

    #[test]
    fn module_names() {
        for (api, rust) in [
            ("verification_sessions", "verification_sessions"),
            ("identity", "identity"),
            ("type", "type_"),
            ("self", "self_"),
            ("types", "types_api"),
            ("runtime", "runtime_api"),
            ("std", "std_api"),
            ("3ds", "m_3ds"),
            ("", "module"),
            ("payment-links", "payment_links"),
        ] {
            assert_eq!(module_name(api), rust, "module_name({api:?})");
        }
    }

    #[test]
    fn type_names() {
        for (api, rust) in [
            ("verification_session", "VerificationSession"),
            ("3d_secure", "T3dSecure"),
            ("Option", "OptionType"),
            ("result", "ResultType"),
            ("self", "SelfType"),
            ("unknown", "UnknownType"),
            ("", "Value"),
            ("*", "Value"),
            ("api_errors", "ApiErrors"),
            ("gelato_session_last_error", "GelatoSessionLastError"),
        ] {
            assert_eq!(type_name(api), rust, "type_name({api:?})");
        }
        assert_eq!(
            component_type_name("identity.verification_session"),
            "VerificationSession"
        );
        assert_eq!(component_type_name("error"), "Error");
        assert_eq!(component_type_name_full("issuing.card"), "IssuingCard");
    }

    #[test]
    fn variant_names() {
        for (api, rust) in [
            ("requires_input", "RequiresInput"),
            (
                "identity.verification_session",
                "IdentityVerificationSession",
            ),
            ("", "Empty"),
            ("*", "All"),
            (">=", "GreaterThanEquals"),
            ("-", "Minus"),
            ("__", "UnderscoreUnderscore"),
            ("¿", "Value"),
            ("3ds", "V3ds"),
            ("self", "SelfValue"),
            ("unknown", "UnknownValue"),
            ("us_ssn", "UsSsn"),
        ] {
            assert_eq!(variant_name(api), rust, "variant_name({api:?})");
        }
    }

    #[test]
    fn operation_locations() {
        for (method, path, module, function) in [
            (
                "post",
                "/v1/identity/verification_sessions/{session}/redact",
                "identity::verification_sessions",
                "redact",
            ),
            (
                "get",
                "/v1/identity/verification_sessions/{session}",
                "identity::verification_sessions",
                "retrieve",
            ),
            (
                "post",
                "/v1/identity/verification_sessions/{session}",
                "identity::verification_sessions",
                "update",
            ),
            (
                "get",
                "/v1/identity/verification_sessions",
                "identity::verification_sessions",
                "list",
            ),
            (
                "post",
                "/v1/identity/verification_sessions",
                "identity::verification_sessions",
                "create",
            ),
            ("delete", "/v1/customers/{customer}", "customers", "delete"),
            (
                "post",
                "/v1/customers/{customer}/sources/{id}/verify",
                "customers::sources",
                "verify",
            ),
            (
                "get",
                "/v1/customers/{customer}/sources",
                "customers::sources",
                "list",
            ),
            ("put", "/pets/{id}", "pets", "replace"),
            ("patch", "/pets", "pets", "update"),
            ("get", "/", "api", "retrieve"),
            (
                "get",
                "/v1/customers/{customer}/cash_balance",
                "customers::cash_balance",
                "retrieve",
            ),
            (
                "post",
                "/v1/charges/{charge}/refunds",
                "charges::refunds",
                "create",
            ),
            ("post", "/v1/invoices/{invoice}/pay", "invoices", "pay"),
            (
                "post",
                "/v1/payment_intents/{intent}/process",
                "payment_intents",
                "process",
            ),
            ("get", "/v1/balance", "balance", "retrieve"),
            ("get", "/v1/customers/search", "customers", "search"),
            ("get", "/v2/types/{id}", "types_api", "retrieve"),
            ("post", "/v1/charges/{charge}/type", "charges", "r#type"),
        ] {
            let (m, f) = operation_location(method, path);
            assert_eq!(
                (m.join("::").as_str(), f.as_str()),
                (module, function),
                "{method} {path}"
            );
        }
    }

    #[test]
    fn collisions_are_resolved_in_claim_order() {
        let mut scope = Scope::new();
        assert_eq!(scope.claim("Status"), "Status");
        assert_eq!(scope.claim("Status"), "Status2");
        assert_eq!(scope.claim("Status"), "Status3");
        assert_eq!(scope.claim("foo_bar"), "foo_bar");
        assert_eq!(scope.claim("foo_bar"), "foo_bar_2");
        assert_eq!(scope.claim("r#type"), "r#type");
        assert_eq!(scope.claim("r#type"), "type_2");
        scope.reserve(["Reserved"]);
        assert_eq!(scope.claim("Reserved"), "Reserved2");
    }
}
