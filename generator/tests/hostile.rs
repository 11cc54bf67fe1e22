//! A spec written by an attacker must not be able to write code into the binding.
//!
//! `tests/specs/hostile.yaml` puts text from its `x-payloads` list into every string that can
//! reach a generated file (title, version, server URL and variables, descriptions, summaries,
//! operationIds, paths, parameter, property and schema names, enum values, defaults, examples),
//! and the provenance line names a hostile file and command. Its snapshot crate is compiled,
//! linted, doc-built and doctested with the workspace. Here the same spec is compared with its
//! harmless twin (every payload replaced by a plain word): the Rust files must hold the same
//! items and attributes token for token (names and literals aside), `Cargo.toml` the same
//! tables and keys, the README the same Markdown blocks, and the docs the same code blocks
//! (a new one would be a doctest, which `cargo test` runs). The property test does the same
//! with random text in place of the payloads.

use std::collections::BTreeMap;

use openapi_gen::config::{ClientConfig, CrateConfig, DocsConfig, Selection};
use openapi_gen::{Config, Provenance};
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use serde_json::Value;

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

const SPEC: &str = include_str!("specs/hostile.yaml");

fn config(name: &str) -> Config {
    Config {
        spec: "hostile.yaml".to_owned(),
        krate: CrateConfig {
            name: name.to_owned(),
            version: "0.1.0".to_owned(),
            // So the title reaches `Cargo.toml`'s description.
            description: None,
        },
        client: ClientConfig {
            api_version_header: Some("Api-Version".to_owned()),
            request_id_header: Some("Request-Id".to_owned()),
            idempotency_header: Some("Idempotency-Key".to_owned()),
            account_header: Some("On-Behalf-Of".to_owned()),
            should_retry_header: Some("Should-Retry".to_owned()),
            key_scheme: None,
        },
        docs: DocsConfig::default(),
        webhooks: None,
        operations: Selection {
            all: true,
            ..Selection::default()
        },
    }
}

/// The spec as a JSON tree, and its payloads, longest first (so none is replaced inside another).
fn template() -> (Value, Vec<String>) {
    let tree: Value = serde_yaml::from_str(SPEC).expect("hostile.yaml is YAML");
    let mut payloads: Vec<String> = tree["x-payloads"]
        .as_array()
        .expect("x-payloads")
        .iter()
        .map(|p| p.as_str().expect("a payload is a string").to_owned())
        .collect();
    payloads.sort_by_key(|p| std::cmp::Reverse(p.len()));
    (tree, payloads)
}

/// `tree` with every payload, in keys and strings alike, replaced by `with(its index)`.
fn substitute(tree: &Value, payloads: &[String], with: &[String]) -> Value {
    let text = |s: &str| {
        // Placeholders first, so a replacement that happens to contain a payload is left alone.
        let mut out = s.to_owned();
        for (i, p) in payloads.iter().enumerate() {
            out = out.replace(p.as_str(), &format!("\u{E000}{i}\u{E001}"));
        }
        for (i, w) in with.iter().enumerate() {
            out = out.replace(&format!("\u{E000}{i}\u{E001}"), w);
        }
        out
    };
    match tree {
        Value::String(s) => Value::String(text(s)),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| substitute(v, payloads, with))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (text(k), substitute(v, payloads, with)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Plain words in place of the payloads. The `-` keeps them unequal to their Rust names, so
/// fields keep their `rename` attributes as the hostile ones do.
fn harmless(count: usize) -> Vec<String> {
    (0..count).map(|i| format!("Zq-{i}")).collect()
}

type Files = BTreeMap<String, String>;

fn generate(tree: &Value, words: &[String], crate_name: &str) -> Result<Files, String> {
    let text = serde_json::to_string_pretty(tree).unwrap();
    let spec_file = format!("specs/{}.json", words[0]);
    let spec = openapi_gen::load(&spec_file, &text).map_err(|e| e.to_string())?;
    let provenance = Provenance {
        spec_file,
        command: format!("cargo xtask codegen --spec '{}'", words[1]),
    };
    openapi_gen::generate(&spec, &config(crate_name), "codegen.toml", &provenance)
        .map(|g| g.files)
        .map_err(|e| e.to_string())
}

/// A Rust file's tokens with names and literals abstracted away and doc attributes dropped,
/// counted: what items, attributes and code it holds, not what they are called or in which
/// order (types are sorted by name, and names differ between a spec and its twin). Commas and
/// semicolons, and the braces prettyplease puts around a long match arm, come and go with line
/// length, so they are not counted; no item can be written without other tokens.
fn shape(tokens: TokenStream, bag: &mut BTreeMap<String, usize>, docs: &mut Vec<String>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    fn count(bag: &mut BTreeMap<String, usize>, t: &str) {
        *bag.entry(t.to_owned()).or_default() += 1;
    }
    let mut i = 0;
    while i < tokens.len() {
        // `#[doc = "…"]` and `#![doc = "…"]`: keep the text aside, leave no trace.
        if let TokenTree::Punct(p) = &tokens[i] {
            if p.as_char() == '#' {
                let bang =
                    matches!(&tokens.get(i + 1), Some(TokenTree::Punct(b)) if b.as_char() == '!');
                let at = i + 1 + usize::from(bang);
                if let Some(TokenTree::Group(g)) = tokens.get(at) {
                    let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                    // `#[serde(rename = "…")]` is there only when a name needed sanitising, which
                    // random text may not; it holds one literal, written by `quote!`.
                    let rename = g.delimiter() == Delimiter::Bracket
                        && matches!(inner.first(), Some(TokenTree::Ident(d)) if d == "serde")
                        && matches!(inner.get(1), Some(TokenTree::Group(args)) if {
                            let args: Vec<TokenTree> = args.stream().into_iter().collect();
                            args.len() == 3
                                && matches!(&args[0], TokenTree::Ident(r) if r == "rename")
                                && matches!(&args[2], TokenTree::Literal(_))
                        });
                    if rename {
                        i = at + 1;
                        continue;
                    }
                    if g.delimiter() == Delimiter::Bracket
                        && matches!(inner.first(), Some(TokenTree::Ident(d)) if d == "doc")
                    {
                        if let Some(TokenTree::Literal(l)) = inner.last() {
                            let lit: syn::LitStr = syn::parse_str(&l.to_string()).unwrap();
                            docs.push(lit.value());
                        }
                        i = at + 1;
                        continue;
                    }
                }
            }
        }
        let after_arrow = i >= 2
            && matches!((&tokens[i - 2], &tokens[i - 1]), (TokenTree::Punct(a), TokenTree::Punct(b)) if a.as_char() == '=' && b.as_char() == '>');
        match &tokens[i] {
            TokenTree::Ident(id) => {
                let s = id.to_string();
                let keyword = syn::parse_str::<syn::Ident>(&s).is_err() && !s.starts_with("r#");
                count(bag, if keyword { &s } else { "<name>" });
            }
            TokenTree::Literal(_) => count(bag, "<literal>"),
            TokenTree::Punct(p) if p.as_char() == ',' || p.as_char() == ';' => {}
            TokenTree::Punct(p) => count(bag, &p.as_char().to_string()),
            TokenTree::Group(g) => {
                let pair = match g.delimiter() {
                    Delimiter::Parenthesis => "()",
                    Delimiter::Brace => "{}",
                    Delimiter::Bracket => "[]",
                    Delimiter::None => "",
                };
                let arm_braces = after_arrow && pair == "{}";
                if !pair.is_empty() && !arm_braces {
                    count(bag, pair);
                }
                shape(g.stream(), bag, docs);
            }
        }
        i += 1;
    }
}

/// Each top-level item's kind and visibility, and the file's inner attributes, sorted.
fn item_kinds(file: &syn::File) -> Vec<String> {
    use syn::Item;
    let vis = |v: &syn::Visibility| match v {
        syn::Visibility::Inherited => "",
        _ => "pub ",
    };
    let mut kinds: Vec<String> = file
        .items
        .iter()
        .map(|item| match item {
            Item::Const(i) => format!("{}const", vis(&i.vis)),
            Item::Enum(i) => format!("{}enum", vis(&i.vis)),
            Item::Fn(i) => format!("{}fn", vis(&i.vis)),
            Item::Impl(i) => format!("impl of {} items", i.items.len()),
            Item::Mod(i) => format!("{}mod", vis(&i.vis)),
            Item::Static(i) => format!("{}static", vis(&i.vis)),
            Item::Struct(i) => format!("{}struct", vis(&i.vis)),
            Item::Type(i) => format!("{}type", vis(&i.vis)),
            Item::Use(i) => format!("{}use", vis(&i.vis)),
            Item::Trait(i) => format!("{}trait", vis(&i.vis)),
            Item::Macro(_) => "macro".to_owned(),
            other => format!("other item {}", quote::ToTokens::to_token_stream(other)),
        })
        .collect();
    kinds.extend(
        file.attrs
            .iter()
            .filter(|a| !a.path().is_ident("doc"))
            .map(|a| {
                format!(
                    "inner attribute {}",
                    quote::ToTokens::to_token_stream(a.path())
                )
            }),
    );
    kinds.sort();
    kinds
}

/// The info strings of the code blocks in some Markdown, and how many indented code blocks it
/// has: in rustdoc, each of those that is not `text` (or similar) is a doctest.
fn code_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut fence: Option<String> = None;
    let mut blank_before = true;
    for line in markdown.lines() {
        let line = line.strip_prefix(' ').unwrap_or(line);
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        match &fence {
            Some(f)
                if trimmed.starts_with(f.as_str())
                    && trimmed.trim_start_matches(f.as_str()).trim().is_empty() =>
            {
                fence = None;
            }
            Some(_) => {}
            // CommonMark: a backtick fence's info string holds no backtick (so a code span at
            // the start of a line is not a fence).
            None if indent < 4
                && (trimmed.starts_with("```") || trimmed.starts_with("~~~"))
                && !(trimmed.starts_with('`') && trimmed.trim_start_matches('`').contains('`')) =>
            {
                let marker = trimmed.chars().next().unwrap();
                let len = trimmed.chars().take_while(|c| *c == marker).count();
                fence = Some(marker.to_string().repeat(len));
                blocks.push(format!("fence:{}", trimmed[len..].trim()));
            }
            None if indent >= 4 && !trimmed.is_empty() && blank_before => {
                blocks.push("indented".to_owned());
            }
            None => {}
        }
        blank_before = trimmed.is_empty();
    }
    blocks
}

/// What a generated crate is made of, names and text aside.
#[derive(Debug, PartialEq, Eq)]
struct Skeleton {
    /// Per Rust file, sorted (file names come from spec names, so they are not kept): its items'
    /// kinds and its token counts.
    rust: Vec<(Vec<String>, BTreeMap<String, usize>)>,
    /// Every doc text's code blocks, sorted.
    doc_blocks: Vec<String>,
    /// `Cargo.toml`'s tables and keys.
    manifest_keys: Vec<String>,
    /// The README's block structure: fences, headings, table rows, HTML comments.
    readme: Vec<String>,
}

fn skeleton(files: &Files) -> Result<Skeleton, String> {
    let mut rust = Vec::new();
    let mut doc_blocks = Vec::new();
    let mut manifest_keys = Vec::new();
    let mut readme = Vec::new();
    for (path, text) in files {
        if path.ends_with(".rs") {
            let file = syn::parse_file(text).map_err(|e| format!("{path} is not Rust: {e}"))?;
            let tokens: TokenStream = text.parse().map_err(|e| format!("{path}: {e:?}"))?;
            let mut bag = BTreeMap::new();
            let mut docs = Vec::new();
            shape(tokens, &mut bag, &mut docs);
            rust.push((item_kinds(&file), bag));
            doc_blocks.extend(code_blocks(&docs.join("\n")));
        } else if path == "Cargo.toml" {
            let table: toml::Table =
                toml::from_str(text).map_err(|e| format!("Cargo.toml does not parse: {e}"))?;
            fn keys(prefix: &str, t: &toml::Table, out: &mut Vec<String>) {
                for (k, v) in t {
                    let key = format!("{prefix}{k}");
                    if let Some(inner) = v.as_table() {
                        keys(&format!("{key}."), inner, out);
                    } else {
                        out.push(key);
                    }
                }
            }
            keys("", &table, &mut manifest_keys);
        } else if path == "README.md" {
            for line in text.lines() {
                for mark in ["~~~", "#", "|", "<!--", "-->"] {
                    if line.starts_with(mark) {
                        readme.push(format!("starts {mark}"));
                    }
                }
            }
            // The provenance comment is the first line and ends there.
            let first = text.lines().next().unwrap_or_default();
            if !(first.starts_with("<!--")
                && first.ends_with("-->")
                && first.matches("-->").count() == 1)
            {
                return Err(format!(
                    "README.md's first line is not one comment: {first}"
                ));
            }
            doc_blocks.extend(code_blocks(text));
        }
    }
    rust.sort();
    doc_blocks.sort();
    manifest_keys.sort();
    Ok(Skeleton {
        rust,
        doc_blocks,
        manifest_keys,
        readme,
    })
}

fn same_skeleton(hostile: &Files, twin: &Files) -> Result<(), String> {
    if hostile.len() != twin.len() {
        return Err(format!(
            "{} files against the twin's {}",
            hostile.len(),
            twin.len()
        ));
    }
    let (h, t) = (skeleton(hostile)?, skeleton(twin)?);
    if h.manifest_keys != t.manifest_keys {
        return Err(format!(
            "Cargo.toml keys differ:\n{:?}\n{:?}",
            h.manifest_keys, t.manifest_keys
        ));
    }
    if h.readme != t.readme {
        let diff: Vec<String> = h
            .readme
            .iter()
            .zip(&t.readme)
            .filter(|(a, b)| a != b)
            .map(|(a, b)| format!("{a} / twin: {b}"))
            .take(5)
            .collect();
        return Err(format!(
            "README.md's block structure differs from the twin's: {diff:?}"
        ));
    }
    // Code blocks the spec's text makes are shown as `text`, never run.
    let runnable = |b: &Vec<String>| -> Vec<String> {
        b.iter().filter(|b| *b != "fence:text").cloned().collect()
    };
    if runnable(&h.doc_blocks) != runnable(&t.doc_blocks) {
        return Err(format!(
            "code blocks in docs differ:\n{:?}\n{:?}",
            h.doc_blocks, t.doc_blocks
        ));
    }
    for (a, b) in h.rust.iter().zip(&t.rust) {
        if a != b {
            let counts: Vec<String> =
                a.1.keys()
                    .chain(b.1.keys())
                    .filter(|k| a.1.get(*k) != b.1.get(*k))
                    .map(|k| format!("`{k}` {:?} (twin {:?})", a.1.get(k), b.1.get(k)))
                    .collect();
            return Err(format!(
                "a Rust file differs from the twin's:\n  items {:?}\n  twin  {:?}\n  tokens: {}",
                a.0,
                b.0,
                counts.join(", ")
            ));
        }
    }
    Ok(())
}

#[test]
fn the_hostile_spec_gives_exactly_the_items_of_its_harmless_twin() {
    let (tree, payloads) = template();
    assert!(payloads.len() >= 8, "the spec lists its payloads");
    let hostile = generate(&tree, &payloads, "hostile").unwrap();
    let twin = generate(
        &substitute(&tree, &payloads, &harmless(payloads.len())),
        &harmless(payloads.len()),
        "hostile",
    )
    .unwrap();
    same_skeleton(&hostile, &twin).unwrap();

    // The three injections found in review, each checked where it landed.
    let client = &hostile["src/runtime/client.rs"];
    let file = syn::parse_file(client).unwrap();
    let consts: BTreeMap<String, String> = file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Const(c) => match &*c.expr {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some((c.ident.to_string(), s.value())),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let version = tree["info"]["version"].as_str().unwrap();
    assert_eq!(consts["API_VERSION"], version);
    let tail = tree["servers"][0]["variables"]["tail"]["default"]
        .as_str()
        .unwrap();
    assert_eq!(
        consts["DEFAULT_BASE_URL"],
        format!("https://api.example.test/v1{tail}")
    );
    let fns: Vec<String> = file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Fn(f) => Some(f.sig.ident.to_string()),
            _ => None,
        })
        .collect();
    assert!(fns.iter().all(|f| !f.starts_with("injected")), "{fns:?}");

    let manifest: toml::Table = toml::from_str(&hostile["Cargo.toml"]).unwrap();
    let title = tree["info"]["title"].as_str().unwrap();
    assert_eq!(
        manifest["package"]["description"].as_str(),
        Some(format!("Rust bindings for {title}").as_str())
    );
    let tables: Vec<&String> = manifest.keys().collect();
    assert_eq!(
        tables,
        ["dependencies", "dev-dependencies", "features", "package"]
    );
    assert!(!manifest["dependencies"]
        .as_table()
        .unwrap()
        .contains_key("evil"));

    // The title's newline would have ended these comment lines.
    for path in ["src/runtime/client.rs", "src/types.rs"] {
        let text = &hostile[path];
        assert!(
            !text.lines().any(|l| l.trim_start() == "//! injected"),
            "{path}"
        );
        assert!(
            !text.lines().any(|l| l.trim_start() == "#![no_std]"),
            "{path}"
        );
    }
}

#[test]
fn config_values_that_cannot_be_made_safe_are_refused_before_anything_is_generated() {
    let (tree, _) = template();
    let text = serde_json::to_string(&tree).unwrap();
    let spec = openapi_gen::load("specs/hostile.json", &text).unwrap();
    let provenance = Provenance {
        spec_file: "specs/hostile.json".to_owned(),
        command: "cargo xtask codegen".to_owned(),
    };
    let mut bad = config("x\"]\n[dependencies]\nevil = \"1\"");
    bad.krate.version = "0.1.0\"\nbuild = \"evil.rs".to_owned();
    bad.client.account_header = Some("On-Behalf\r\nX: y".to_owned());
    bad.client.idempotency_header = Some("Idempotency Key\"".to_owned());
    let e = openapi_gen::generate(&spec, &bad, "codegen.toml", &provenance).unwrap_err();
    let pointers: Vec<&str> = e.0.iter().map(|p| p.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/crate/name",
            "/crate/version",
            "/client/idempotency_header",
            "/client/account_header"
        ],
        "{e}"
    );
    assert!(e.0.iter().all(|p| p.file == "codegen.toml"));
}

#[test]
fn spec_values_that_cannot_be_made_safe_are_located_errors() {
    let (mut tree, _) = template();
    tree["servers"][0]["variables"]["tail"]["default"] = Value::from("/a b\u{202E}");
    tree["info"]["version"] = Value::from("1\r\nX-Evil: 1");
    let text = serde_json::to_string(&tree).unwrap();
    let spec = openapi_gen::load("specs/hostile.json", &text).unwrap();
    let provenance = Provenance {
        spec_file: "specs/hostile.json".to_owned(),
        command: "cargo xtask codegen".to_owned(),
    };
    let e =
        openapi_gen::generate(&spec, &config("hostile"), "codegen.toml", &provenance).unwrap_err();
    let located: Vec<String> =
        e.0.iter()
            .map(|p| format!("{}#{}", p.file, p.pointer))
            .collect();
    assert_eq!(
        located,
        [
            "specs/hostile.json#/info/version",
            "specs/hostile.json#/servers/0/url"
        ],
        "{e}"
    );
}

/// Characters chosen to end or confuse the places a string lands in, among plain ones.
const ALPHABET: &[&str] = &[
    "a",
    "Z",
    "0",
    "_",
    "-",
    " ",
    "\"",
    "'",
    "\\",
    "`",
    "```",
    "#",
    "#!",
    "[",
    "]",
    "]]",
    "{",
    "}",
    "(",
    ")",
    "*/",
    "/*",
    "//",
    "/",
    "\n",
    "\r",
    "\r\n",
    "\t",
    "\0",
    "\u{7}",
    "\u{1b}",
    "\u{7f}",
    "\u{202E}",
    "\u{2066}",
    "\u{2028}",
    "\u{FEFF}",
    "<!--",
    "-->",
    "<",
    ">",
    "|",
    "~",
    "=",
    ";",
    ":",
    ",",
    ".",
    "%",
    "&",
    "$",
    "é",
    "日本",
    "😀",
    "fn",
    "pub",
    "mod",
    "static",
    "r#",
    "\"#",
    "'''",
    "\"\"\"",
    "[dependencies]",
    "    ",
];

/// Text for payload `index`, kept to what its places allow: the version is a header value, the
/// URL tail must parse, and index-7 text sits in path templates and `$ref`s.
fn random_text(rng: &mut Rng, index_kind: Kind) -> String {
    let len = rng.below(12);
    let mut s = String::new();
    while s.chars().count() < len {
        let piece = ALPHABET[rng.below(ALPHABET.len())];
        let allowed = match index_kind {
            Kind::Free => true,
            Kind::HeaderValue => piece.bytes().all(|b| b == b' ' || b.is_ascii_graphic()),
            Kind::UrlTail => piece
                .chars()
                .all(|c| c.is_ascii_graphic() && c != '{' && c != '}'),
            Kind::Name => !piece.contains(['/', '~', '{', '}']),
        };
        if allowed {
            s.push_str(piece);
        }
    }
    s
}

#[derive(Clone, Copy)]
enum Kind {
    Free,
    HeaderValue,
    UrlTail,
    Name,
}

#[test]
fn random_text_in_every_field_never_adds_an_item() {
    let (tree, payloads) = template();
    let kind_of = |p: &str| {
        if p == tree["info"]["version"].as_str().unwrap() {
            Kind::HeaderValue
        } else if p
            == tree["servers"][0]["variables"]["tail"]["default"]
                .as_str()
                .unwrap()
        {
            Kind::UrlTail
        } else if tree["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .any(|k| k.contains(p))
        {
            Kind::Name
        } else {
            Kind::Free
        }
    };
    let kinds: Vec<Kind> = payloads.iter().map(|p| kind_of(p)).collect();
    let words = harmless(payloads.len());
    let twin = generate(&substitute(&tree, &payloads, &words), &words, "hostile").unwrap();

    let cases: u64 = std::env::var("HOSTILE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(32);
    let seed: u64 = std::env::var("HOSTILE_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed_c0de);
    let (mut generated, mut refused) = (0, Vec::new());
    for case in 0..cases {
        let mut rng = Rng(seed ^ (case + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let texts: Vec<String> = loop {
            let t: Vec<String> = kinds.iter().map(|k| random_text(&mut rng, *k)).collect();
            let distinct: std::collections::BTreeSet<&String> = t.iter().collect();
            if distinct.len() == t.len() {
                break t;
            }
        };
        let spec = substitute(&tree, &payloads, &texts);
        match generate(&spec, &texts, "hostile") {
            Ok(files) => {
                generated += 1;
                if let Err(e) = same_skeleton(&files, &twin) {
                    panic!("seed {seed}, case {case}, texts {texts:?}: {e}");
                }
            }
            // Refusing is allowed, but only with located problems.
            Err(e) => {
                assert!(
                    !e.contains("generator bug"),
                    "seed {seed}, case {case}, texts {texts:?}: {e}"
                );
                assert!(
                    e.lines().skip(1).all(|l| l.contains('#')),
                    "seed {seed}, case {case}: unlocated problem: {e}"
                );
                refused.push(e);
            }
        }
    }
    println!(
        "{cases} random specs: {generated} generated, {} refused",
        refused.len()
    );
    for e in refused.iter().take(3) {
        println!("refused: {e}");
    }
    assert!(
        generated * 10 >= cases as usize * 9,
        "most random specs should generate; refused:\n{}",
        refused.join("\n")
    );
}
