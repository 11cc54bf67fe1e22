//! Every Rust name the generator emits comes from here: case conversion (heck), then keyword,
//! digit and reserved-name sanitising, then collision resolution. Keep `api` names beside the
//! Rust ones (see [`crate::model::Name`]) so serde renames and docs can always show both.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

pub use crate::model::NameOrigin;

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

/// `api` without the letters an ASCII identifier cannot hold, before heck cases it (other
/// symbols stay, as word breaks). Dropping them after casing could leave a lowercase type name
/// or a bare keyword: `éstatic` camel-cases to `Éstatic`, whose capital goes with its accent.
fn ascii_words(api: &str) -> String {
    api.chars()
        .filter(|c| c.is_ascii() || !c.is_alphanumeric())
        .collect()
}

/// Keeps only characters valid in a Rust identifier, after heck has done the casing.
fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// A field, function or argument name: `snake_case`, keywords as raw identifiers (`r#type`).
pub fn field_name(api: &str) -> String {
    let snake = clean(&ascii_words(api).to_snake_case());
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
    let snake = clean(&ascii_words(api).to_snake_case());
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
    let camel = clean(&ascii_words(api).to_upper_camel_case());
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
    let camel = clean(&ascii_words(api).to_upper_camel_case());
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

/// What the operation rule reads about one operation. The rule looks at every operation of the
/// document at once, so one operation's name never depends on which others are selected.
#[derive(Clone, Copy, Debug)]
pub struct Route<'a> {
    /// As the spec spells it: `get`, `post`, …
    pub method: &'a str,
    pub path: &'a str,
    pub operation_id: &'a str,
    /// What the success response of a GET is: `Some(true)` a list (a JSON array, or an object
    /// whose `data` member is one), `Some(false)` a single object, `None` unknown.
    pub lists: Option<bool>,
}

/// Where an operation's function lives, what it is called and which rule gave the name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// Outermost first (`["identity", "verification_sessions"]`).
    pub module: Vec<String>,
    pub function: String,
    pub origin: NameOrigin,
}

/// Common irregular plurals: a path word in this list names a collection.
#[rustfmt::skip]
const IRREGULAR_PLURALS: &[&str] = &[
    "alumni", "analyses", "appendices", "bacteria", "cacti", "children", "criteria", "curricula",
    "data", "dice", "feet", "fungi", "geese", "indices", "matrices", "media", "men", "mice",
    "nuclei", "oxen", "people", "phenomena", "radii", "schemata", "teeth", "vertices", "women",
];

/// Words that end in a single `s` and name one thing.
#[rustfmt::skip]
const SINGULAR_S: &[&str] = &[
    "alias", "analysis", "atlas", "axis", "basis", "bonus", "bus", "campus", "canvas", "census",
    "chaos", "corpus", "crisis", "diagnosis", "gas", "iris", "lens", "minus", "news", "plus",
    "radius", "status", "synopsis", "thesis", "virus",
];

/// Verbs that start action names in APIs (`cancel`, `verify_microdeposits`, `search`). A path
/// word starting with one is an action, never a resource, whatever the method. Words that are
/// as often nouns (`refund`, `return`, `post`, `transfer`) are left to the structural rule.
#[rustfmt::skip]
const VERBS: &[&str] = &[
    "accept", "activate", "advance", "apply", "approve", "archive", "attach", "authorize", "cancel",
    "capture", "close", "confirm", "create", "deactivate", "decline", "delete", "detach", "disable",
    "disconnect", "enable", "expire", "finalize", "find", "increment", "invalidate", "mark",
    "pause", "preview", "reactivate", "redact", "refresh", "reject", "release", "remove", "reopen",
    "resend", "reset", "resume", "reverse", "revoke", "search", "send", "submit", "unarchive",
    "validate", "verify", "void",
];

/// Function names the method rule gives; an action on a collection with one of these names gets
/// `_where` (`POST /apps/secrets/delete` → `delete_where`: it deletes what its parameters
/// select, not one item by id).
const METHOD_FUNCTIONS: &[&str] = &["list", "retrieve", "create", "update", "replace", "delete"];

/// The words of a path segment in snake case (`verify_microdeposits`, `paymentIntents`).
fn words(segment: &str) -> Vec<String> {
    segment
        .to_snake_case()
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether a path segment names many things: its last word is a common irregular plural
/// (`people`, `children`, `data`) or ends in a single `s` (`cards`, not `address` or `status`).
fn is_plural(segment: &str) -> bool {
    let Some(word) = words(segment).pop() else {
        return false;
    };
    let word = word.as_str();
    IRREGULAR_PLURALS.contains(&word)
        || (word.ends_with('s') && !word.ends_with("ss") && !SINGULAR_S.contains(&word))
}

/// Whether a path segment is an action named by a verb (`cancel`, `verify_microdeposits`).
fn is_verb(segment: &str) -> bool {
    words(segment)
        .first()
        .is_some_and(|w| VERBS.contains(&w.as_str()))
}

fn is_param(segment: &str) -> bool {
    segment.contains('{')
}

/// A path's segments without the leading version segment (`v1`).
fn segments(path: &str) -> Vec<&str> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let is_version = |s: &str| {
        s.strip_prefix('v')
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    };
    match segments.split_first() {
        Some((first, rest)) if is_version(first) => rest.to_vec(),
        _ => segments,
    }
}

/// What the document has at one path (parameters written `{}`, so `/a/{x}` and `/a/{y}` are one).
#[derive(Default)]
struct PathFacts<'a> {
    methods: BTreeSet<&'a str>,
    get_lists: Option<bool>,
}

/// Every operation of a document by path shape, for the questions the rule asks about a path:
/// is anything below it, is a `{param}` right below it, which methods does it have.
struct Document<'a> {
    paths: BTreeMap<Vec<&'a str>, PathFacts<'a>>,
}

fn shape<'a>(segments: &[&'a str]) -> Vec<&'a str> {
    segments
        .iter()
        .map(|s| if is_param(s) { "{}" } else { s })
        .collect()
}

impl<'a> Document<'a> {
    fn new(routes: &[Route<'a>]) -> Self {
        let mut paths: BTreeMap<Vec<&'a str>, PathFacts<'a>> = BTreeMap::new();
        for route in routes {
            let facts = paths.entry(shape(&segments(route.path))).or_default();
            facts.methods.insert(route.method);
            if route.method == "get" {
                facts.get_lists = route.lists;
            }
        }
        Self { paths }
    }

    /// The paths that start with `prefix` and are longer.
    fn below<'s>(&'s self, prefix: &'s [&'a str]) -> impl Iterator<Item = &'s [&'a str]> + 's {
        self.paths
            .range(prefix.to_vec()..)
            .map(|(k, _)| k.as_slice())
            .take_while(move |k| k.starts_with(prefix))
            .filter(move |k| k.len() > prefix.len())
    }

    fn facts(&self, shape: &[&'a str]) -> Option<&PathFacts<'a>> {
        self.paths.get(shape)
    }

    /// A collection: items sit right below it (`…/{id}`), or else its GET answers with a list,
    /// or else (nothing known) its name is plural.
    fn is_collection(&self, shape: &[&'a str]) -> bool {
        if self.below(shape).any(|k| k[shape.len()] == "{}") {
            return true;
        }
        match self.facts(shape).and_then(|f| f.get_lists) {
            Some(lists) => lists,
            None => shape.last().is_some_and(|s| is_plural(s)),
        }
    }

    /// A final literal is an action when it starts with a verb, or when it is a singular word
    /// under something else that has nothing below it and that the document only ever POSTs
    /// to (`/charges/{charge}/refund`): what can be read, deleted or has parts is a resource.
    fn is_action(&self, shape: &[&'a str]) -> bool {
        let Some((last, parent)) = shape.split_last() else {
            return false;
        };
        if is_verb(last) {
            return true;
        }
        let only_posted = self
            .facts(shape)
            .is_some_and(|f| f.methods.iter().all(|m| *m == "post"));
        !parent.is_empty() && !is_plural(last) && only_posted && self.below(shape).next().is_none()
    }

    fn locate(&self, route: &Route<'a>) -> Location {
        let segments = segments(route.path);
        let shape = shape(&segments);
        let action = !is_param(segments.last().copied().unwrap_or("{}")) && self.is_action(&shape);
        let (module_segments, function) = if action {
            let (last, parent) = segments.split_last().expect("an action has a segment");
            let mut function = field_name(last);
            let on_collection = parent.last().is_some_and(|p| !is_param(p));
            if on_collection && METHOD_FUNCTIONS.contains(&function.as_str()) {
                function.push_str("_where");
            }
            (parent, function)
        } else {
            let on_item = segments.last().is_some_and(|s| is_param(s));
            let function = match route.method {
                "get" if !on_item && self.is_collection(&shape) => "list".to_owned(),
                "get" => "retrieve".to_owned(),
                "post" if !on_item && self.is_collection(&shape) => "create".to_owned(),
                "post" | "patch" => "update".to_owned(),
                "put" => "replace".to_owned(),
                "delete" => "delete".to_owned(),
                other => field_name(other),
            };
            (&segments[..], function)
        };
        Location {
            module: module_path(module_segments),
            function,
            origin: NameOrigin::Path,
        }
    }
}

/// The module for a path's literal segments; a verb is never a module of its own and joins the
/// literal after it (`/credit_notes/preview/lines` → `credit_notes::preview_lines`).
fn module_path(segments: &[&str]) -> Vec<String> {
    let mut module = Vec::new();
    let mut verb: Option<&str> = None;
    for (i, segment) in segments.iter().enumerate() {
        if is_param(segment) {
            continue;
        }
        let next_is_literal = segments.get(i + 1).is_some_and(|s| !is_param(s));
        match verb.take() {
            Some(verb) => module.push(module_name(&format!("{verb}_{segment}"))),
            None if is_verb(segment) && next_is_literal => verb = Some(segment),
            None => module.push(module_name(segment)),
        }
    }
    if module.is_empty() {
        module.push("api".to_owned());
    }
    module
}

/// Where each operation's function lives and what it is called (one [`Location`] per route, in
/// the same order), by this rule:
///
/// - a leading version segment (`v1`) is dropped; the literal segments name the module
///   (`/v1/identity/verification_sessions/{session}/redact` → `identity::verification_sessions`),
///   except that a verb joins the literal after it (`credit_notes::preview_lines`);
/// - a final literal is an action and names the function when it starts with a verb
///   (`cancel`, `verify_microdeposits`, `search`, `find`), or when it is a singular word under
///   something else, has nothing below it, and the document only ever POSTs to it
///   (`…/{charge}/refund`, `…/shipping/deliver`). An action on a collection named like a method
///   function gets `_where` (`apps::secrets::delete_where`);
/// - any other final literal is a resource and part of the module (`customers::discount`,
///   `accounts::people`, `balance::history`), and the method names the function: on `…/{id}`
///   GET `retrieve`, POST and PATCH `update`; on a collection GET `list`, POST `create`; on a
///   single resource GET `retrieve`, POST `update`; PUT `replace`, DELETE `delete`. A path is a
///   collection when the document has `…/{id}` right below it, else when its GET answers with a
///   list, else when its last word is plural (irregular plurals such as `people` included).
///
/// When two operations still get the same module and name, both use their operationId in snake
/// case, and their [`Location::origin`] says so.
pub fn locate_operations(routes: &[Route]) -> Vec<Location> {
    let document = Document::new(routes);
    let mut located: Vec<Location> = routes.iter().map(|r| document.locate(r)).collect();
    let mut claims: BTreeMap<(Vec<String>, String), usize> = BTreeMap::new();
    for l in &located {
        *claims
            .entry((l.module.clone(), l.function.clone()))
            .or_default() += 1;
    }
    for (l, route) in located.iter_mut().zip(routes) {
        if claims[&(l.module.clone(), l.function.clone())] > 1 {
            l.function = field_name(route.operation_id);
            l.origin = NameOrigin::OperationId;
        }
    }
    located
}

/// The enum variant for a response status: its reason phrase (`404` → `NotFound`), the class
/// for a range (`4XX` → `ClientError`), `Default`, else `Status{code}`.
pub fn status_variant_name(status: crate::model::Status) -> String {
    use crate::model::Status;
    let known = match status {
        Status::Code(c) => match c {
            200 => "Ok",
            201 => "Created",
            202 => "Accepted",
            203 => "NonAuthoritativeInformation",
            204 => "NoContent",
            205 => "ResetContent",
            206 => "PartialContent",
            207 => "MultiStatus",
            400 => "BadRequest",
            401 => "Unauthorized",
            402 => "PaymentRequired",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            406 => "NotAcceptable",
            408 => "RequestTimeout",
            409 => "Conflict",
            410 => "Gone",
            412 => "PreconditionFailed",
            413 => "PayloadTooLarge",
            415 => "UnsupportedMediaType",
            422 => "UnprocessableEntity",
            429 => "TooManyRequests",
            500 => "InternalServerError",
            501 => "NotImplemented",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            _ => return format!("Status{c}"),
        },
        Status::Range(1) => "Informational",
        Status::Range(2) => "Success",
        Status::Range(3) => "Redirection",
        Status::Range(4) => "ClientError",
        Status::Range(5) => "ServerError",
        Status::Range(r) => return format!("Status{r}xx"),
        Status::Default => "Default",
    };
    known.to_owned()
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
            // Accented letters are word breaks, not dropped after casing (`Éstatic` → `static`).
            ("éstatic", "Static"),
            ("x\u{202E}fn", "XFn"),
            ("日本fn", "Fn"),
        ] {
            assert_eq!(variant_name(api), rust, "variant_name({api:?})");
        }
    }

    /// Checks one document given as rows `METHOD PATH ANSWER → MODULE::FUNCTION`, where ANSWER
    /// is what a GET's success response is (`[]` a list, `{}` one object, `-` not known). The
    /// rows together are the document the rule reads: what sits at or below a row's path is in
    /// the same table.
    fn check_document(rows: &[&str]) {
        let parsed: Vec<(String, &str, Option<bool>, &str)> = rows
            .iter()
            .map(|row| match row.split_whitespace().collect::<Vec<_>>()[..] {
                [method, path, answer, "→", expected] => {
                    let lists = match answer {
                        "[]" => Some(true),
                        "{}" => Some(false),
                        "-" => None,
                        other => panic!("answer {other:?} in {row:?}"),
                    };
                    (method.to_lowercase(), path, lists, expected)
                }
                _ => panic!("malformed row {row:?}"),
            })
            .collect();
        let routes: Vec<Route> = parsed
            .iter()
            .map(|(method, path, lists, _)| Route {
                method,
                path,
                operation_id: path,
                lists: *lists,
            })
            .collect();
        let located = locate_operations(&routes);
        for ((method, path, _, expected), l) in parsed.iter().zip(&located) {
            let got = format!("{}::{}", l.module.join("::"), l.function);
            assert_eq!(&got, expected, "{} {path}", method.to_uppercase());
            assert_eq!(
                l.origin,
                NameOrigin::Path,
                "{} {path}",
                method.to_uppercase()
            );
        }
    }

    /// Shapes from Stripe's API.
    #[test]
    fn operation_locations() {
        check_document(&[
            // An item, its collection, and actions on the item.
            "GET    /v1/identity/verification_sessions                     []  → identity::verification_sessions::list",
            "POST   /v1/identity/verification_sessions                     -   → identity::verification_sessions::create",
            "GET    /v1/identity/verification_sessions/{session}           {}  → identity::verification_sessions::retrieve",
            "POST   /v1/identity/verification_sessions/{session}           -   → identity::verification_sessions::update",
            "POST   /v1/identity/verification_sessions/{session}/redact    -   → identity::verification_sessions::redact",
            "POST   /v1/identity/verification_sessions/{session}/cancel    -   → identity::verification_sessions::cancel",
            "DELETE /v1/customers/{customer}                               -   → customers::delete",
            "POST   /v1/invoices/{invoice}/pay                             -   → invoices::pay",
            "POST   /v1/payment_intents/{intent}/process                   -   → payment_intents::process",
            "POST   /v1/charges/{charge}/refund                            -   → charges::refund",
            "POST   /v1/charges/{charge}/type                              -   → charges::r#type",
            // A verb names an action even when the rest of the word is plural.
            "POST   /v1/payment_intents/{intent}/verify_microdeposits      -   → payment_intents::verify_microdeposits",
            // Sub-resources, irregular plurals included: modules with the usual functions.
            "GET    /v1/accounts/{account}/people                          []  → accounts::people::list",
            "POST   /v1/accounts/{account}/people                          -   → accounts::people::create",
            "GET    /v1/accounts/{account}/people/{person}                 {}  → accounts::people::retrieve",
            "POST   /v1/accounts/{account}/people/{person}                 -   → accounts::people::update",
            "DELETE /v1/accounts/{account}/people/{person}                 -   → accounts::people::delete",
            "POST   /v1/accounts/{account}/login_links                     -   → accounts::login_links::create",
            "POST   /v1/charges/{charge}/refunds                           -   → charges::refunds::create",
            "GET    /v1/customers/{customer}/sources                       []  → customers::sources::list",
            "POST   /v1/customers/{customer}/sources/{id}/verify           -   → customers::sources::verify",
            "POST   /v1/families/{family}/children                         -   → families::children::create",
            "GET    /v1/reports/{report}/data                              -   → reports::data::list",
            // A singular word that can be read or deleted is a sub-resource, not an action.
            "GET    /v1/customers/{customer}/discount                      {}  → customers::discount::retrieve",
            "DELETE /v1/customers/{customer}/discount                      -   → customers::discount::delete",
            "DELETE /v1/subscriptions/{subscription}/discount              -   → subscriptions::discount::delete",
            "GET    /v1/customers/{customer}/cash_balance                  {}  → customers::cash_balance::retrieve",
            "POST   /v1/customers/{customer}/cash_balance                  -   → customers::cash_balance::update",
            "GET    /v1/quotes/{quote}/pdf                                 -   → quotes::pdf::retrieve",
            // … and so is one with an action below it.
            "GET    /v1/charges/{charge}/dispute                           {}  → charges::dispute::retrieve",
            "POST   /v1/charges/{charge}/dispute                           -   → charges::dispute::update",
            "POST   /v1/charges/{charge}/dispute/close                     -   → charges::dispute::close",
            // A collection is what has items below it or answers with a list, whatever its word.
            "GET    /v1/balance                                            {}  → balance::retrieve",
            "GET    /v1/balance/history                                    []  → balance::history::list",
            "GET    /v1/balance/history/{id}                               {}  → balance::history::retrieve",
            "GET    /v1/tax/settings                                       {}  → tax::settings::retrieve",
            "POST   /v1/tax/settings                                       -   → tax::settings::update",
            // Actions on a collection; one named like a method function reads `…_where`.
            "GET    /v1/customers/search                                   []  → customers::search",
            "GET    /v1/apps/secrets                                       []  → apps::secrets::list",
            "POST   /v1/apps/secrets                                       -   → apps::secrets::create",
            "POST   /v1/apps/secrets/delete                                -   → apps::secrets::delete_where",
            "GET    /v1/apps/secrets/find                                  {}  → apps::secrets::find",
            "POST   /v1/tax/transactions/create_reversal                   -   → tax::transactions::create_reversal",
            // A verb is never a module: it joins the word after it.
            "GET    /v1/credit_notes/preview                               {}  → credit_notes::preview",
            "GET    /v1/credit_notes/preview/lines                         []  → credit_notes::preview_lines::list",
            "GET    /v1/invoices/upcoming                                  {}  → invoices::upcoming::retrieve",
            "GET    /v1/invoices/upcoming/lines                            []  → invoices::upcoming::lines::list",
            // A singular word only ever POSTed to, with nothing below, is an action.
            "POST   /v1/test_helpers/issuing/cards/{card}/shipping/deliver -   → test_helpers::issuing::cards::shipping::deliver",
            "POST   /v1/test_helpers/issuing/cards/{card}/shipping/return  -   → test_helpers::issuing::cards::shipping::r#return",
        ]);
    }

    /// Shapes from other APIs: no version segment, PUT and PATCH, a collection that answers
    /// with an object, reserved and singular-`s` words.
    #[test]
    fn operation_locations_elsewhere() {
        check_document(&[
            "GET    /                          {}  → api::retrieve",
            "GET    /pets                      {}  → pets::list",
            "PUT    /pets/{id}                 -   → pets::replace",
            "PATCH  /pets/{id}                 -   → pets::update",
            "PATCH  /owners                    -   → owners::update",
            "GET    /v2/types/{id}             {}  → types_api::retrieve",
            "GET    /v2/status                 -   → status::retrieve",
            "POST   /v2/addresses              -   → addresses::create",
            "GET    /v2/pets/{id}/photos       -   → pets::photos::list",
            "POST   /v2/pets/{id}/vaccinate    -   → pets::vaccinate",
        ]);
    }

    #[test]
    fn a_clash_names_both_sides_after_their_operation_ids() {
        let route = |method, path, operation_id| Route {
            method,
            path,
            operation_id,
            lists: None,
        };
        let located = locate_operations(&[
            route("post", "/v1/things/{id}", "UpdateThing"),
            route("patch", "/v1/things", "PatchThings"),
            route("get", "/v1/things", "ListThings"),
        ]);
        let names: Vec<(&str, NameOrigin)> = located
            .iter()
            .map(|l| (l.function.as_str(), l.origin))
            .collect();
        assert_eq!(
            names,
            [
                ("update_thing", NameOrigin::OperationId),
                ("patch_things", NameOrigin::OperationId),
                ("list", NameOrigin::Path),
            ]
        );
        assert!(located.iter().all(|l| l.module == ["things"]));
    }

    #[test]
    fn plurals() {
        for (word, plural) in [
            ("cards", true),
            ("people", true),
            ("children", true),
            ("data", true),
            ("line_items", true),
            ("paymentIntents", true),
            ("cash_balance", false),
            ("address", false),
            ("status", false),
            ("history", false),
            ("person", false),
        ] {
            assert_eq!(is_plural(word), plural, "is_plural({word:?})");
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

    #[test]
    fn status_variants() {
        use crate::model::Status;
        let table = [
            (Status::Code(200), "Ok"),
            (Status::Code(204), "NoContent"),
            (Status::Code(404), "NotFound"),
            (Status::Code(418), "Status418"),
            (Status::Range(2), "Success"),
            (Status::Range(4), "ClientError"),
            (Status::Range(7), "Status7xx"),
            (Status::Default, "Default"),
        ];
        for (status, want) in table {
            assert_eq!(status_variant_name(status), want, "{status:?}");
        }
    }
}
