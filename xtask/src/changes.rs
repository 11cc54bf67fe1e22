//! Which operations and types a codegen run adds, removes or changes, found by reading the
//! generated crate's own files rather than the spec, so the "before" side needs nothing but what
//! is on disk.
//!
//! - Operations are the rows of the README's operations table (the operationId is the last
//!   column, the function's link the first). An operation's text is its row plus its function
//!   in the module file the link names, with the items of that file the function mentions (its
//!   `…Params` struct).
//! - Types are the top-level `pub struct`/`pub enum`/`pub type` items of `src/types.rs`; a type's
//!   text is its doc comments, attributes and body plus every top-level `impl … Name` block.
//!
//! Something counts as changed when its text differs. File headers (which name the spec and the
//! command) belong to no item, so regenerating from a moved spec changes nothing here.

use std::collections::{BTreeMap, BTreeSet};

/// The README the generator writes, relative to the crate root.
pub const README: &str = "README.md";
/// The file holding the shared types, relative to the crate root.
pub const TYPES: &str = "src/types.rs";
/// How many names a summary line lists per kind before "and N more".
pub const MAX_NAMES: usize = 20;

/// The operations and types of one generated crate, each with the text that identifies it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inventory {
    pub operations: BTreeMap<String, String>,
    pub types: BTreeMap<String, String>,
}

impl Inventory {
    /// Reads a crate through `file` (a path relative to the crate root → its text, `None` when
    /// it is missing or unreadable). A missing README or `types.rs` just means none of that kind.
    pub fn read(file: impl Fn(&str) -> Option<String>) -> Inventory {
        let types = file(TYPES)
            .map(|text| {
                items(&text)
                    .into_iter()
                    .filter(|(_, item)| item.kind.is_type())
                    .map(|(name, item)| (name, item.text))
                    .collect()
            })
            .unwrap_or_default();

        let mut operations = BTreeMap::new();
        let mut modules: BTreeMap<String, Option<BTreeMap<String, Item>>> = BTreeMap::new();
        for row in file(README).as_deref().map(readme_rows).unwrap_or_default() {
            let mut text = row.line.clone();
            if let Some((module, function)) = row.link.as_deref().and_then(split_link) {
                let module_items = modules
                    .entry(module.clone())
                    .or_insert_with(|| module_file(&module, &file).map(|t| items(&t)));
                if let Some(module_items) = module_items {
                    text.push_str(&operation_text(module_items, &function));
                }
            }
            operations.insert(row.operation_id, text);
        }
        Inventory { operations, types }
    }

    /// Reads a crate held in memory, keyed like [`openapi_gen::Generated::files`].
    pub fn from_files(files: &BTreeMap<String, String>) -> Inventory {
        Inventory::read(|rel| files.get(rel).cloned())
    }
}

/// What was added, removed and changed, each sorted by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Delta {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
}

impl Delta {
    pub fn between(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>) -> Delta {
        let mut delta = Delta::default();
        for (name, text) in after {
            match before.get(name) {
                None => delta.added.push(name.clone()),
                Some(old) if old != text => delta.changed.push(name.clone()),
                Some(_) => {}
            }
        }
        delta.removed = before
            .keys()
            .filter(|name| !after.contains_key(*name))
            .cloned()
            .collect();
        delta
    }

    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }

    /// `operations: +2 -0 ~1 (added: X, Y; changed: Z)`; no parenthesis when nothing changed.
    pub fn line(&self, what: &str) -> String {
        let mut line = format!(
            "{what}: +{} -{} ~{}",
            self.added.len(),
            self.removed.len(),
            self.changed.len()
        );
        let parts: Vec<String> = [
            ("added", &self.added),
            ("removed", &self.removed),
            ("changed", &self.changed),
        ]
        .into_iter()
        .filter(|(_, names)| !names.is_empty())
        .map(|(label, names)| format!("{label}: {}", name_list(names)))
        .collect();
        if !parts.is_empty() {
            line.push_str(&format!(" ({})", parts.join("; ")));
        }
        line
    }
}

/// At most [`MAX_NAMES`] names, then "and N more".
fn name_list(names: &[String]) -> String {
    let shown = names[..names.len().min(MAX_NAMES)].join(", ");
    match names.len().saturating_sub(MAX_NAMES) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

/// The difference between two inventories.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub operations: Delta,
    pub types: Delta,
}

impl Changes {
    pub fn between(before: &Inventory, after: &Inventory) -> Changes {
        Changes {
            operations: Delta::between(&before.operations, &after.operations),
            types: Delta::between(&before.types, &after.types),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.operations.is_empty() && self.types.is_empty()
    }

    /// The two summary lines, operations first.
    pub fn lines(&self) -> [String; 2] {
        [self.operations.line("operations"), self.types.line("types")]
    }
}

/// One row of the README's operations table.
#[derive(Debug, PartialEq, Eq)]
struct Row {
    operation_id: String,
    /// `crate::a::b::function`, from the first cell's Markdown link.
    link: Option<String>,
    line: String,
}

/// Table rows whose last cell is a single code span (`` `Id` ``); the header and separator rows
/// have none. Rows of other tables would need the same shape to be picked up.
fn readme_rows(text: &str) -> Vec<Row> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            let inner = line.strip_prefix('|')?.strip_suffix('|')?;
            let cells: Vec<&str> = inner.split('|').map(str::trim).collect();
            if cells.len() < 2 {
                return None;
            }
            let id = cells.last()?.strip_prefix('`')?.strip_suffix('`')?;
            if id.is_empty() || id.contains('`') {
                return None;
            }
            let link = cells[0]
                .split_once("](")
                .and_then(|(_, rest)| rest.split_once(')'))
                .map(|(target, _)| target.trim().to_owned());
            Some(Row {
                operation_id: id.to_owned(),
                link,
                line: format!("{line}\n"),
            })
        })
        .collect()
}

/// `crate::a::b::f` → (`a::b`, `f`).
fn split_link(link: &str) -> Option<(String, String)> {
    let path = link.strip_prefix("crate::")?;
    let (module, function) = path.rsplit_once("::").unwrap_or(("", path));
    Some((module.to_owned(), function.to_owned()))
}

/// The text of module `a::b`: `src/a/b.rs` or `src/a/b/mod.rs` (`src/lib.rs` for the root).
fn module_file(module: &str, file: &impl Fn(&str) -> Option<String>) -> Option<String> {
    if module.is_empty() {
        return file("src/lib.rs");
    }
    let base = format!("src/{}", module.replace("::", "/"));
    file(&format!("{base}.rs")).or_else(|| file(&format!("{base}/mod.rs")))
}

/// The function's item, then the types of its module it uses in code (not in doc comments),
/// directly or through each other: its `…Params` struct and the structs and enums inside it.
fn operation_text(module_items: &BTreeMap<String, Item>, function: &str) -> String {
    let Some(item) = module_items.get(function).filter(|i| i.kind == Kind::Fn) else {
        return String::new();
    };
    let mut text = item.text.clone();
    let mut used = BTreeSet::new();
    let mut queue = vec![item.text.as_str()];
    while let Some(source) = queue.pop() {
        for word in code_words(source) {
            if let Some(other) = module_items.get(word).filter(|i| i.kind.is_type()) {
                if used.insert(word) {
                    queue.push(other.text.as_str());
                }
            }
        }
    }
    for name in used {
        text.push_str(&module_items[name].text);
    }
    text
}

/// The identifier-like words of the lines that are not comments.
fn code_words(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .flat_map(|line| line.split(|c: char| !(c.is_alphanumeric() || c == '_')))
        .filter(|word| !word.is_empty())
}

/// What a top-level item declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Struct,
    Enum,
    Type,
    Union,
    Fn,
    Other,
}

impl Kind {
    fn is_type(self) -> bool {
        matches!(self, Kind::Struct | Kind::Enum | Kind::Type | Kind::Union)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Item {
    kind: Kind,
    text: String,
}

/// What a line at column 0 starts.
enum Start {
    /// `///` or `#[…]`: belongs to the next item.
    Prefix,
    /// `pub struct Name` and the like.
    Declaration(Kind, String),
    /// `impl … Name`: belongs to `Name`.
    Impl(String),
    /// `use …`, `mod x;`, `macro_rules!`: belongs to no item.
    Detached,
    /// Anything else (closing braces, `) -> T {`, comments): continues the current item.
    Continuation,
}

/// Splits Rust source as `prettyplease` prints it into top-level items keyed by name, in a
/// simple line-based way: an item starts at a column-0 declaration (with the doc comments and
/// attributes just above it) and runs until the next one; `impl` blocks join the item they are
/// for. Text outside any item (file headers, `use` lines, impls for types declared elsewhere)
/// is dropped.
fn items(text: &str) -> BTreeMap<String, Item> {
    let mut items: BTreeMap<String, Item> = BTreeMap::new();
    let mut impls: Vec<(String, String)> = Vec::new();
    let mut pending = String::new();
    // Where the lines being read go: an item's name, or an impl's index in `impls`.
    enum Target {
        None,
        Item(String),
        Impl(usize),
    }
    let mut target = Target::None;
    for line in text.lines() {
        let line_nl = format!("{line}\n");
        match classify(line) {
            Start::Prefix => pending.push_str(&line_nl),
            Start::Declaration(kind, name) => {
                let text = std::mem::take(&mut pending) + &line_nl;
                let item = items.entry(name.clone()).or_insert(Item {
                    kind,
                    text: String::new(),
                });
                item.text.push_str(&text);
                target = Target::Item(name);
            }
            Start::Impl(name) => {
                impls.push((name, std::mem::take(&mut pending) + &line_nl));
                target = Target::Impl(impls.len() - 1);
            }
            Start::Detached => {
                pending.clear();
                target = Target::None;
            }
            Start::Continuation => match &target {
                Target::None => {}
                Target::Item(name) => {
                    if let Some(item) = items.get_mut(name) {
                        item.text.push_str(&line_nl);
                    }
                }
                Target::Impl(i) => impls[*i].1.push_str(&line_nl),
            },
        }
    }
    for (name, text) in impls {
        if let Some(item) = items.get_mut(&name) {
            item.text.push_str(&text);
        }
    }
    for item in items.values_mut() {
        let trimmed = item.text.trim_end().len();
        item.text.truncate(trimmed);
        item.text.push('\n');
    }
    items
}

fn classify(line: &str) -> Start {
    if line.starts_with(char::is_whitespace) || line.is_empty() {
        return Start::Continuation;
    }
    if line.starts_with("///") || line.starts_with("#[") {
        return Start::Prefix;
    }
    let mut rest = line;
    if let Some(r) = rest.strip_prefix("pub") {
        if let Some(r) = r.strip_prefix('(') {
            // `pub(crate)`, `pub(super)`, `pub(in path)`
            match r.split_once(')') {
                Some((_, r)) => rest = r.trim_start(),
                None => return Start::Continuation,
            }
        } else if r.starts_with(' ') {
            rest = r.trim_start();
        }
    }
    let rest = rest
        .strip_prefix("unsafe impl")
        .map_or(rest, |r| &rest[rest.len() - r.len() - 4..]);
    if let Some(r) = rest.strip_prefix("impl") {
        if r.starts_with([' ', '<']) {
            return impl_target(r).map_or(Start::Detached, Start::Impl);
        }
    }
    let mut words = rest.split_whitespace();
    let mut word = words.next().unwrap_or("");
    while matches!(word, "async" | "unsafe" | "const" | "extern") {
        // `const fn`, `async fn`, `unsafe fn`, `extern "C" fn`; a `const NAME` is handled below.
        let next = words.next().unwrap_or("");
        if word == "const" && !matches!(next, "fn" | "async" | "unsafe" | "extern") {
            return Start::Declaration(Kind::Other, ident(next));
        }
        word = if next.starts_with('"') {
            words.next().unwrap_or("")
        } else {
            next
        };
    }
    let kind = match word {
        "struct" => Kind::Struct,
        "enum" => Kind::Enum,
        "type" => Kind::Type,
        "union" => Kind::Union,
        "fn" => Kind::Fn,
        "trait" | "static" => Kind::Other,
        "use" | "mod" | "macro_rules!" => return Start::Detached,
        _ => return Start::Continuation,
    };
    let name = ident(words.next().unwrap_or(""));
    if name.is_empty() {
        Start::Continuation
    } else {
        Start::Declaration(kind, name)
    }
}

/// The leading identifier of `text`, without a raw-identifier `r#`.
fn ident(text: &str) -> String {
    let text = text.strip_prefix("r#").unwrap_or(text);
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// The type an `impl` block is for: after `impl<…>`, the part after ` for ` (outside angle
/// brackets) if any, and its last path segment before any generics.
fn impl_target(after_impl: &str) -> Option<String> {
    let mut rest = after_impl;
    if rest.starts_with('<') {
        rest = &rest[closing_angle(rest)? + 1..];
    }
    let header = rest.split('{').next().unwrap_or(rest);
    let header = header.split(" where ").next().unwrap_or(header);
    let mut depth = 0i32;
    let mut self_ty_start = 0;
    for (i, c) in header.char_indices() {
        match c {
            '<' => depth += 1,
            '>' if !header[..i].ends_with('-') => depth -= 1,
            _ if depth == 0 && header[i..].starts_with(" for ") => self_ty_start = i + 5,
            _ => {}
        }
    }
    let self_ty = header[self_ty_start..].trim().trim_start_matches('&');
    let path = self_ty.split('<').next().unwrap_or(self_ty);
    let last = path.rsplit("::").next().unwrap_or(path);
    let name = ident(last.trim());
    (!name.is_empty()).then_some(name)
}

/// Index of the `>` closing the `<` at the start of `text`.
fn closing_angle(text: &str) -> Option<usize> {
    let mut depth = 0;
    for (i, c) in text.char_indices() {
        match c {
            '<' => depth += 1,
            '>' if !text[..i].ends_with('-') => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const TYPES_RS: &str = "\
// @generated by `cargo xtask codegen` from specs/x.yaml. Do not edit: change the spec and rerun.
//! The objects X sends and returns.
/// The body of an error answer.
pub type ErrorBody = Error;
/// A postal address.
#[derive(Clone, Debug)]
pub struct Address {
    /// City.
    pub city: Option<String>,
}
/// Status.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Status {
    /// `a`
    A,
    Unknown(String),
}
impl Status {
    pub fn as_str(&self) -> &str {
        match self {
            Self::A => \"a\",
            Self::Unknown(value) => value,
        }
    }
}
impl From<&str> for Status {
    fn from(value: &str) -> Self {
        match value {
            \"a\" => Self::A,
            other => Self::Unknown(other.to_owned()),
        }
    }
}
impl<'de> serde::Deserialize<'de> for Status {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        todo!()
    }
}
pub struct Error {
    pub message: String,
}
";

    const README_MD: &str = "\
<!-- @generated by `cargo xtask codegen` from specs/x.yaml. -->
# `x-api`

| Function | Request | operationId |
| --- | --- | --- |
| [`redact`](crate::identity::sessions::redact) | `POST /v1/identity/sessions/{s}/redact` | `PostRedact` |
| [`retrieve`](crate::things::retrieve) | `GET /v1/things/{t}` | `GetThing` |
";

    const SESSIONS_RS: &str = "\
// @generated by `cargo xtask codegen` from specs/x.yaml.
//! Operations under `/v1/identity/sessions`.
/// Parameters for [`redact`].
#[derive(Clone, Debug, Default)]
pub struct RedactParams {
    pub expand: Option<Vec<String>>,
    pub options: Option<RedactParamsOptions>,
}
/// Options inside [`RedactParams`].
pub struct RedactParamsOptions {
    pub keep: Option<bool>,
}
/// Redacts; a session still running is canceled first (see [`cancel`] and [`CancelParams`]).
pub async fn redact(
    client: &crate::Client,
    s: &str,
    params: &RedactParams,
) -> crate::Result<crate::types::Session> {
    todo!()
}
/// Parameters for [`cancel`].
pub struct CancelParams {}
pub async fn cancel(client: &crate::Client, params: &CancelParams) -> crate::Result<()> {
    todo!()
}
";

    fn files(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn names(map: &BTreeMap<String, impl Sized>) -> Vec<&str> {
        map.keys().map(String::as_str).collect()
    }

    #[test]
    fn types_are_top_level_items_with_their_impls() {
        let items = items(TYPES_RS);
        assert_eq!(names(&items), ["Address", "Error", "ErrorBody", "Status"]);
        let status = &items["Status"].text;
        assert!(
            status.starts_with(
                "/// Status.\n#[derive(Clone, Debug)]\n#[non_exhaustive]\npub enum Status {\n"
            ),
            "{status}"
        );
        for part in [
            "impl Status {",
            "impl From<&str> for Status {",
            "impl<'de> serde::Deserialize<'de> for Status {",
            "    ) -> Result<Self, D::Error> {",
        ] {
            assert!(status.contains(part), "{part} missing from {status}");
        }
        assert_eq!(
            items["Address"].text,
            "/// A postal address.\n#[derive(Clone, Debug)]\npub struct Address {\n    /// City.\n    pub city: Option<String>,\n}\n"
        );
        assert_eq!(
            items["ErrorBody"].text,
            "/// The body of an error answer.\npub type ErrorBody = Error;\n"
        );
        assert!(!items.values().any(|i| i.text.contains("@generated")));
    }

    #[test]
    fn impl_targets() {
        for (header, want) in [
            (" Status {", "Status"),
            (" From<&str> for Status {", "Status"),
            ("<'de> serde::Deserialize<'de> for Status {", "Status"),
            (" std::fmt::Display for crate::types::Status {", "Status"),
            ("<T: Into<String>> Wrapper<T> where T: Clone {", "Wrapper"),
            (" Fn(u8) -> u8 for r#Type {", "Type"),
        ] {
            assert_eq!(impl_target(header).as_deref(), Some(want), "impl{header}");
        }
    }

    #[test]
    fn declarations() {
        let name = |line: &str| match classify(line) {
            Start::Declaration(kind, name) => format!("{kind:?} {name}"),
            Start::Impl(name) => format!("impl {name}"),
            Start::Prefix => "prefix".into(),
            Start::Detached => "detached".into(),
            Start::Continuation => "continuation".into(),
        };
        assert_eq!(name("pub struct A {"), "Struct A");
        assert_eq!(name("pub(crate) enum B {"), "Enum B");
        assert_eq!(name("pub struct C<T> {"), "Struct C");
        assert_eq!(name("pub async fn r#type("), "Fn type");
        assert_eq!(name("pub const fn f() {"), "Fn f");
        assert_eq!(name("pub const MAX: u8 = 1;"), "Other MAX");
        assert_eq!(name("impl X {"), "impl X");
        assert_eq!(name("unsafe impl Send for X {}"), "impl X");
        assert_eq!(name("pub mod x;"), "detached");
        assert_eq!(name("use std::fmt;"), "detached");
        assert_eq!(name("#[derive(Debug)]"), "prefix");
        assert_eq!(name("/// doc"), "prefix");
        assert_eq!(name("//! inner"), "continuation");
        assert_eq!(name(") -> crate::Result<X> {"), "continuation");
        assert_eq!(name("}"), "continuation");
        assert_eq!(name("    pub struct Nested;"), "continuation");
    }

    #[test]
    fn operations_come_from_the_readme_table_and_module_files() {
        let crate_files = files(&[
            (README, README_MD),
            ("src/identity/sessions.rs", SESSIONS_RS),
        ]);
        let inv = Inventory::from_files(&crate_files);
        assert_eq!(names(&inv.operations), ["GetThing", "PostRedact"]);
        let redact = &inv.operations["PostRedact"];
        assert!(redact.starts_with("| [`redact`]"), "{redact}");
        assert!(redact.contains("pub async fn redact("), "{redact}");
        assert!(redact.contains("pub struct RedactParams {"), "{redact}");
        assert!(
            redact.contains("pub struct RedactParamsOptions {"),
            "{redact}"
        );
        assert!(
            !redact.contains("pub struct CancelParams") && !redact.contains("pub async fn cancel"),
            "only its own items, not those its docs mention: {redact}"
        );
        // No module file: the row alone.
        assert!(inv.operations["GetThing"].ends_with("`GetThing` |\n"));
        assert!(inv.types.is_empty());
    }

    #[test]
    fn module_files_may_be_mod_rs() {
        assert_eq!(
            split_link("crate::a::b::f"),
            Some(("a::b".into(), "f".into()))
        );
        assert_eq!(split_link("crate::f"), Some(("".into(), "f".into())));
        assert_eq!(split_link("https://x"), None);
        let f = files(&[("src/a/b/mod.rs", "x"), ("src/lib.rs", "y")]);
        let get = |p: &str| f.get(p).cloned();
        assert_eq!(module_file("a::b", &get).as_deref(), Some("x"));
        assert_eq!(module_file("", &get).as_deref(), Some("y"));
        assert_eq!(module_file("c", &get), None);
    }

    #[test]
    fn compares_by_item_text() {
        let before = Inventory::from_files(&files(&[
            (README, README_MD),
            ("src/identity/sessions.rs", SESSIONS_RS),
            (TYPES, TYPES_RS),
        ]));
        let readme = README_MD.replace(
            "| [`retrieve`](crate::things::retrieve) | `GET /v1/things/{t}` | `GetThing` |\n",
            "| [`list`](crate::things::list) | `GET /v1/things` | `ListThings` |\n",
        );
        let sessions = SESSIONS_RS.replace("pub expand", "pub expand_more");
        // A new header, a removed type, a changed impl, a new type.
        let types = TYPES_RS
            .replace("specs/x.yaml", "../elsewhere/x.yaml")
            .replace(
                "/// The body of an error answer.\npub type ErrorBody = Error;\n",
                "",
            )
            .replace("\"a\" => Self::A,", "\"a\" | \"A\" => Self::A,")
            + "pub struct Zebra;\n";
        let after = Inventory::from_files(&files(&[
            (README, &readme),
            ("src/identity/sessions.rs", &sessions),
            (TYPES, &types),
        ]));
        let changes = Changes::between(&before, &after);
        assert_eq!(
            changes.lines(),
            [
                "operations: +1 -1 ~1 (added: ListThings; removed: GetThing; changed: PostRedact)",
                "types: +1 -1 ~1 (added: Zebra; removed: ErrorBody; changed: Status)",
            ]
        );
        assert!(Changes::between(&after, &after).is_empty());
        assert_eq!(
            Changes::between(&Inventory::default(), &Inventory::default()).lines(),
            ["operations: +0 -0 ~0", "types: +0 -0 ~0"]
        );
    }

    #[test]
    fn long_lists_are_cut_at_twenty() {
        let after: BTreeMap<String, String> = (0..23)
            .map(|i| (format!("T{i:02}"), String::new()))
            .collect();
        let line = Delta::between(&BTreeMap::new(), &after).line("types");
        let t: Vec<String> = (0..20).map(|i| format!("T{i:02}")).collect();
        assert_eq!(
            line,
            format!("types: +23 -0 ~0 (added: {} and 3 more)", t.join(", "))
        );
    }

    #[test]
    fn missing_files_mean_an_empty_inventory() {
        assert_eq!(Inventory::read(|_| None), Inventory::default());
        // A README without a table.
        let inv = Inventory::from_files(&files(&[(README, "# x\n\n| a | b |\n")]));
        assert!(inv.operations.is_empty());
    }
}
