//! Specs split over many files, brought into one document at the edge (as Redocly's `bundle`
//! does) so nothing after `load` knows there were several.
//!
//! Every `$ref` to another file is resolved relative to the file that holds it. What it points
//! at is then placed by where the reference stands:
//! - in a schema position (`schema`, `properties/x`, `items`, `allOf/0`, …) the target is hoisted
//!   into `components/schemas` under a name taken from the reference (`Order.yaml` → `Order`,
//!   `defs.yaml#/Order` → `Order`; `Order2` when taken) and the reference becomes a local one,
//!   so a schema is generated once however often it is referred to, and cycles between schemas
//!   work as they do within one file;
//! - anywhere else (a path item, parameter, response, example, extension) it is copied in place.
//!
//! A [`SourceMap`] remembers which region of the bundled document came from which file and
//! pointer, and every problem found later is mapped through it, so messages name the file that
//! holds the problem. Nothing is read here: the caller supplies the files' texts.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::error::{Pointer, SpecError};

/// Reads a file named by its path relative to the entry file's folder (as `load_files`' caller
/// named the entry), or says why it cannot.
pub type Reader<'a> = dyn FnMut(&str) -> Result<String, String> + 'a;

/// Turns a file's text into its tree; problems located in that file.
pub type Parser = dyn Fn(&str, &str) -> Result<Value, Vec<SpecError>>;

/// Which region of a bundled document came from which file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceMap {
    entry: String,
    /// Bundled pointer prefix → (file, pointer in that file).
    regions: Vec<(String, String, String)>,
}

impl SourceMap {
    /// A map for a document read from one file.
    pub fn single(entry: &str) -> Self {
        Self {
            entry: entry.to_owned(),
            regions: Vec::new(),
        }
    }

    /// Moves a problem located in the bundled document to the file and pointer it came from.
    /// Problems in other files (the config, or already mapped) are left alone.
    pub fn locate(&self, mut e: SpecError) -> SpecError {
        if e.file != self.entry || e.line_col.is_some() {
            return e;
        }
        let within = |prefix: &str| {
            e.pointer == prefix
                || (e.pointer.starts_with(prefix) && e.pointer[prefix.len()..].starts_with('/'))
        };
        // The longest prefix; among equal ones the first recorded, which is the innermost.
        let mut best: Option<&(String, String, String)> = None;
        for region in &self.regions {
            if within(&region.0) && best.is_none_or(|b| region.0.len() > b.0.len()) {
                best = Some(region);
            }
        }
        if let Some((prefix, file, pointer)) = best {
            e.pointer = format!("{pointer}{}", &e.pointer[prefix.len()..]);
            e.file.clone_from(file);
        }
        e
    }

    /// Records that the bundled region at `bundled` came from `file` at `pointer`.
    pub fn add(&mut self, bundled: &str, file: &str, pointer: &str) {
        self.regions
            .push((bundled.to_owned(), file.to_owned(), pointer.to_owned()));
    }

    pub fn locate_all(&self, problems: Vec<SpecError>) -> Vec<SpecError> {
        problems.into_iter().map(|p| self.locate(p)).collect()
    }
}

/// The entry file with every other file it refers to brought in, the files read (entry first)
/// and the map back to them.
pub struct Bundled {
    pub doc: Value,
    pub files: Vec<String>,
    pub sources: SourceMap,
}

/// Where a node stands: decides what a `$ref` found there is, and where its children stand.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pos {
    Other,
    Schema,
    /// A map of schemas (`properties`, `components/schemas`, `$defs`).
    SchemaMap,
    /// A list of schemas (`allOf`, `prefixItems`).
    SchemaList,
    /// Values (`example`, `enum`, `discriminator`, …): no schema below.
    Data,
}

impl Pos {
    fn child(self, key: &str) -> Pos {
        match self {
            Pos::Other => match key {
                "schema" => Pos::Schema,
                "schemas" => Pos::SchemaMap,
                _ => Pos::Other,
            },
            Pos::Schema => match key {
                "properties" | "$defs" | "definitions" | "patternProperties"
                | "dependentSchemas" => Pos::SchemaMap,
                "items"
                | "additionalProperties"
                | "not"
                | "if"
                | "then"
                | "else"
                | "contains"
                | "propertyNames"
                | "unevaluatedItems"
                | "unevaluatedProperties"
                | "additionalItems" => Pos::Schema,
                "allOf" | "anyOf" | "oneOf" | "prefixItems" => Pos::SchemaList,
                _ => Pos::Data,
            },
            Pos::SchemaMap | Pos::SchemaList => Pos::Schema,
            Pos::Data => Pos::Data,
        }
    }

    fn element(self) -> Pos {
        match self {
            // `items` as a list (older JSON Schema) holds schemas too.
            Pos::SchemaList | Pos::Schema => Pos::Schema,
            other => other,
        }
    }
}

/// Reads `entry` and every file it refers to, and returns them as one document.
/// `parse` turns a file's text into its tree (errors located in that file).
pub fn bundle(
    entry: &str,
    entry_doc: Value,
    read: &mut Reader<'_>,
    parse: &Parser,
) -> Result<Bundled, Vec<SpecError>> {
    let mut b = Bundler {
        entry: entry.to_owned(),
        read,
        parse,
        docs: BTreeMap::new(),
        files: vec![entry.to_owned()],
        hoisted: BTreeMap::new(),
        filled: BTreeSet::new(),
        taken: BTreeSet::new(),
        new_schemas: Vec::new(),
        regions: Vec::new(),
        inlining: Vec::new(),
        copies: 0,
        problems: Vec::new(),
    };
    let mut doc = entry_doc;
    if let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") {
        b.taken.extend(schemas.keys().cloned());
        // A component that is only a reference to another file keeps its own name, and every
        // other reference to that file uses it.
        for (name, schema) in schemas {
            if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
                if let Some(key) = b.external(r, entry) {
                    b.hoisted.entry(key).or_insert_with(|| name.clone());
                }
            }
        }
    }
    // Most specs are one file: one pass without allocating tells so, and the walk (which
    // builds a pointer per node) is left for documents that refer elsewhere.
    if !only_local_refs(&doc) {
        b.walk(
            &mut doc,
            entry,
            &Pointer::root(),
            &Pointer::root(),
            Pos::Other,
        );
    }
    if !b.problems.is_empty() {
        return Err(b.problems);
    }
    if !b.new_schemas.is_empty() {
        let schemas = doc.as_object_mut().and_then(|root| {
            root.entry("components")
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .and_then(|c| {
                    c.entry("schemas")
                        .or_insert_with(|| Value::Object(Map::new()))
                        .as_object_mut()
                })
        });
        let Some(schemas) = schemas else {
            let at = Pointer::root().push("components").push("schemas");
            let m = "must be a mapping: the schemas of other files are placed here";
            return Err(vec![SpecError::new(entry, &at, m)]);
        };
        schemas.extend(std::mem::take(&mut b.new_schemas));
    }
    Ok(Bundled {
        doc,
        files: b.files,
        sources: SourceMap {
            entry: entry.to_owned(),
            regions: b.regions,
        },
    })
}

/// Copies in place (path items, parameters, responses from other files) allowed in one spec.
const MAX_COPIES: usize = 100_000;

struct Bundler<'r, 'a> {
    entry: String,
    read: &'r mut Reader<'a>,
    parse: &'r Parser,
    /// Each file read, parsed, or why it could not be (reported where it is referred to).
    docs: BTreeMap<String, Result<Value, Option<String>>>,
    files: Vec<String>,
    /// (file, pointer) of a schema → its name in `components/schemas`.
    hoisted: BTreeMap<(String, String), String>,
    /// Hoisted names whose schema has been placed.
    filled: BTreeSet<String>,
    taken: BTreeSet<String>,
    new_schemas: Vec<(String, Value)>,
    regions: Vec<(String, String, String)>,
    /// The references being copied in place, to refuse a cycle of them.
    inlining: Vec<(String, String)>,
    /// How many references were copied in place: references that each copy others twice
    /// would otherwise grow the document exponentially.
    copies: usize,
    problems: Vec<SpecError>,
}

/// Whether every `$ref` in `node` is a fragment of the same document (`#/…`).
fn only_local_refs(node: &Value) -> bool {
    match node {
        Value::Object(map) => map.iter().all(|(k, v)| match v {
            Value::String(r) if k == "$ref" => r.starts_with('#'),
            other => only_local_refs(other),
        }),
        Value::Array(items) => items.iter().all(only_local_refs),
        _ => true,
    }
}

impl Bundler<'_, '_> {
    fn walk(&mut self, node: &mut Value, file: &str, at_file: &Pointer, at: &Pointer, pos: Pos) {
        match node {
            Value::Object(map) => {
                if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                    let reference = reference.to_owned();
                    self.follow(node, &reference, file, at_file, at, pos);
                    return;
                }
                for (k, v) in map.iter_mut() {
                    self.walk(v, file, &at_file.push(k), &at.push(k), pos.child(k));
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter_mut().enumerate() {
                    self.walk(v, file, &at_file.push(i), &at.push(i), pos.element());
                }
            }
            _ => {}
        }
    }

    /// The (file, pointer) a reference in `file` names when that is not the entry file (which
    /// keeps its local references), or `None`.
    fn external(&self, reference: &str, file: &str) -> Option<(String, String)> {
        let (path, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if is_url(path) {
            return None;
        }
        let target = if path.is_empty() {
            file.to_owned()
        } else {
            join(file, &percent_decode(path))
        };
        (target != self.entry).then(|| (target, percent_decode(fragment)))
    }

    fn follow(
        &mut self,
        node: &mut Value,
        reference: &str,
        file: &str,
        at_file: &Pointer,
        at: &Pointer,
        pos: Pos,
    ) {
        let here = at_file.push("$ref");
        let (path, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if is_url(path) {
            let m = format!(
                "`$ref: {reference}` is a URL; nothing is fetched while generating, so download \
                 the document and refer to the copy by a relative path"
            );
            self.problem(file, &here, m);
            return;
        }
        let Some((target_file, pointer)) = self.external(reference, file) else {
            // Into the entry file: a local reference there.
            if file != self.entry {
                if let Value::Object(map) = node {
                    map.insert("$ref".to_owned(), Value::from(format!("#{fragment}")));
                }
            }
            return;
        };
        if !(pointer.is_empty() || pointer.starts_with('/')) {
            let m = format!(
                "`$ref: {reference}`: the part after `#` must be a JSON pointer (`#/a/b`) or empty"
            );
            self.problem(file, &here, m);
            return;
        }
        if !self.doc(&target_file, reference, file, &here) {
            return;
        }
        let found = self.docs[&target_file].as_ref().ok();
        let Some(target) = found.and_then(|d| d.pointer(&pointer)).cloned() else {
            let m = format!(
                "`$ref: {reference}` points at nothing: `{target_file}` has no `#{pointer}`"
            );
            self.problem(file, &here, m);
            return;
        };
        let key = (target_file.clone(), pointer.clone());
        let target_at = Pointer::from_fragment(&pointer);
        if pos == Pos::Schema {
            // The entry's own `components/schemas/<name>` that is a reference to a file holds
            // that schema itself, under its own name.
            let own_name = (file == self.entry).then(|| component_name(at)).flatten();
            match self.hoisted.get(&key).cloned() {
                Some(name) if own_name.as_deref() == Some(name.as_str()) => {
                    if self.filled.insert(name) {
                        let mut value = target;
                        self.regions
                            .push((at.to_string(), target_file.clone(), pointer));
                        self.walk(&mut value, &target_file, &target_at, at, Pos::Schema);
                        *node = value;
                    }
                }
                Some(name) => set_ref(node, &name),
                None => {
                    let name = self.fresh_name(&target_file, &pointer);
                    self.hoisted.insert(key, name.clone());
                    self.filled.insert(name.clone());
                    set_ref(node, &name);
                    let place = Pointer::root()
                        .push("components")
                        .push("schemas")
                        .push(&name);
                    self.regions
                        .push((place.to_string(), target_file.clone(), pointer));
                    let mut value = target;
                    self.walk(&mut value, &target_file, &target_at, &place, Pos::Schema);
                    self.new_schemas.push((name, value));
                }
            }
            return;
        }
        if self.inlining.contains(&key) {
            let m = format!(
                "`$ref: {reference}` leads back to itself through other references; only schemas may refer to themselves"
            );
            self.problem(file, &here, m);
            return;
        }
        self.copies += 1;
        if self.copies > MAX_COPIES {
            if self.copies == MAX_COPIES + 1 {
                let m = format!(
                    "`$ref: {reference}`: more than {MAX_COPIES} references to other files copied in place; references that each copy several others grow without bound"
                );
                self.problem(file, &here, m);
            }
            return;
        }
        self.inlining.push(key);
        let mut value = target;
        self.walk(&mut value, &target_file, &target_at, at, pos);
        self.inlining.pop();
        self.regions.push((at.to_string(), target_file, pointer));
        // The referring object's other members (3.1's `summary`, `description`) win.
        if let (Value::Object(into), Value::Object(siblings)) = (&mut value, &*node) {
            for (k, v) in siblings {
                if k != "$ref" {
                    into.insert(k.clone(), v.clone());
                }
            }
        }
        *node = value;
    }

    /// Reads and parses the file on first use; false (with the problem reported) when it cannot be.
    fn doc(&mut self, target: &str, reference: &str, file: &str, here: &Pointer) -> bool {
        if !self.docs.contains_key(target) {
            let parsed = match (self.read)(target) {
                Ok(text) => match (self.parse)(target, &text) {
                    Ok(v) => Ok(v),
                    Err(problems) => {
                        self.problems.extend(problems);
                        Err(None)
                    }
                },
                Err(e) => Err(Some(e)),
            };
            self.files.push(target.to_owned());
            self.docs.insert(target.to_owned(), parsed);
        }
        match &self.docs[target] {
            Ok(_) => true,
            // A file that does not parse was reported once, with its line.
            Err(None) => false,
            Err(Some(e)) => {
                let m = format!("`$ref: {reference}`: cannot read `{target}`: {e}");
                self.problem(file, here, m);
                false
            }
        }
    }

    /// A name for a hoisted schema: the pointer's last segment, else the file's stem, with
    /// characters other than letters, digits, `-` and `_` made `_`; a number added when taken.
    fn fresh_name(&mut self, file: &str, pointer: &str) -> String {
        let last = pointer.rsplit('/').next().unwrap_or_default();
        let base = if last.is_empty() {
            let name = file.rsplit('/').next().unwrap_or(file);
            name.rsplit_once('.')
                .map_or(name, |(stem, _)| stem)
                .to_owned()
        } else {
            last.replace("~1", "/").replace("~0", "~")
        };
        let mut base: String = base
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if base.is_empty() {
            base = "Schema".to_owned();
        }
        let mut name = base.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }

    fn problem(&mut self, file: &str, at: &Pointer, message: String) {
        self.problems.push(SpecError::new(file, at, message));
    }
}

/// `#/components/schemas/<name>` → `<name>`, for the node at that pointer.
fn component_name(at: &Pointer) -> Option<String> {
    let rest = at.as_str().strip_prefix("/components/schemas/")?;
    (!rest.contains('/')).then(|| rest.replace("~1", "/").replace("~0", "~"))
}

fn set_ref(node: &mut Value, name: &str) {
    let target = Pointer::root()
        .push("components")
        .push("schemas")
        .push(name);
    if let Value::Object(map) = node {
        map.insert("$ref".to_owned(), Value::from(format!("#{target}")));
    }
}

/// `http://…`, `https://…`, `file:…`: anything with a URI scheme.
fn is_url(path: &str) -> bool {
    let Some((scheme, _)) = path.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// `relative` resolved against the folder of `file`, with `.` and `..` taken out (a `..`
/// above the entry's folder stays, so `../shared/x.yaml` works).
pub fn join(file: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let absolute = relative.starts_with('/') || (file.starts_with('/') && !relative.is_empty());
    if !relative.starts_with('/') {
        parts.extend(file.split('/'));
        parts.pop();
    }
    let mut out: Vec<&str> = Vec::new();
    for part in parts.into_iter().chain(relative.split('/')) {
        match part {
            "" | "." => {}
            ".." if out.last().is_some_and(|l| *l != "..") => {
                out.pop();
            }
            ".." if absolute => {}
            _ => out.push(part),
        }
    }
    let joined = out.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// `%7B` → `{`; anything that is not a valid escape stays as it is.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_relative_to_the_referring_file() {
        let cases = [
            ("openapi.yaml", "paths/a.yaml", "paths/a.yaml"),
            (
                "specs/x/openapi.yaml",
                "../schemas/O.yaml",
                "specs/schemas/O.yaml",
            ),
            ("a/paths/p.yaml", "./../c/./d.yaml", "a/c/d.yaml"),
            ("../shared/o/openapi.yaml", "../x.yaml", "../shared/x.yaml"),
            ("o.yaml", "../x.yaml", "../x.yaml"),
            ("/abs/o.yaml", "../x.yaml", "/x.yaml"),
            ("a/o.yaml", "/etc/x.yaml", "/etc/x.yaml"),
        ];
        for (file, rel, want) in cases {
            assert_eq!(join(file, rel), want, "{file} + {rel}");
        }
    }

    #[test]
    fn urls_and_escapes() {
        assert!(is_url("https://example.com/a.yaml"));
        assert!(is_url("http://x"));
        assert!(!is_url("paths/a.yaml"));
        assert!(!is_url("paths/a:b.yaml"));
        assert_eq!(percent_decode("a_%7Bid%7D.yaml"), "a_{id}.yaml");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }
}
