//! Escaping for every place a spec- or config-derived string lands in a generated file.
//!
//! Specs are third-party input, so no string from one may end the construct it is written into:
//! a Rust string literal, a `//`/`///` comment line, a TOML string, Markdown text or a code span,
//! an HTML comment. Each function here makes one such place safe, and the askama filters in
//! `files.rs` are thin wrappers over them; `tests::every_template_value_is_filtered` fails when a
//! template writes a value without one.

use std::fmt::Write as _;

/// Characters that reorder how text is shown (the "Trojan Source" set). rustc denies them in
/// comments and literals, and they make a reviewer read something else than what is there.
fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Characters written as a visible `\u{..}` escape in comments and Markdown: controls (line
/// breaks among them), bidirectional overrides, and the line and paragraph separators.
fn is_hidden(c: char) -> bool {
    c.is_control() || is_bidi(c) || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

/// `s` on one line with nothing invisible: line breaks and tabs become spaces, every other
/// hidden character a visible `\u{..}`.
fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if is_hidden(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// A Rust string literal, quotes included, with everything outside printable text escaped.
pub fn rust_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            // `escape_debug` leaves some format characters as they are; spell out the risky ones.
            c if is_hidden(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.extend(c.escape_debug()),
        }
    }
    out.push('"');
    out
}

/// Text for the rest of a `//`, `///`, `//!` or `#` comment line: it cannot end the line.
pub fn comment(s: &str) -> String {
    one_line(s)
}

/// Text inside an HTML comment (`<!-- … -->`), which `>` could end (`-->`, or `<!-->`); `<`
/// goes too, so the comment holds no other comment's start.
pub fn html_comment(s: &str) -> String {
    one_line(s).replace('<', "&lt;").replace('>', "&gt;")
}

/// Markdown text, on one line, shown exactly as given: every ASCII punctuation character is
/// backslash-escaped (CommonMark allows that for all of them), so the text cannot open a code
/// block (a doctest, in rustdoc), a link, HTML, emphasis or a table cell.
pub fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in one_line(s).chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A Markdown code span, backticks included, that also works in a table cell: the fence is one
/// backtick longer than any run inside, `|` is escaped (GitHub's tables split on it even inside
/// code), and the content is one line.
pub fn md_code(s: &str) -> String {
    let text = one_line(s).replace('|', "\\|");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    // A span that starts or ends with a backtick (or is all spaces) needs padding spaces,
    // which Markdown strips again.
    let pad = if text.starts_with('`') || text.ends_with('`') || text.trim().is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A TOML basic string, quotes included.
pub fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_hidden(c) => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Doc text for `#[doc = …]`, where rustc would refuse bidirectional controls and rustdoc shows
/// other controls as nothing: those become visible `\u{..}`; line breaks stay.
pub fn doc_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            '\r' => {}
            c if is_hidden(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// `s` if it is one Rust identifier (raw identifiers included), else why not.
pub fn rust_ident(s: &str) -> Result<&str, String> {
    syn::parse_str::<syn::Ident>(s)
        .map(|_| s)
        .map_err(|_| format!("{s:?} is not a Rust identifier"))
}

/// `s` if it is a Rust path such as `crate::a::b` as an intra-doc link writes it (keywords
/// unraw: rustdoc resolves `crate::a::return`, not `crate::a::r#return`), else why not.
pub fn rust_path(s: &str) -> Result<&str, String> {
    // Segments are identifiers; a keyword may be one, bare or raw, because rustdoc links name
    // a function `r#return` as `…::return` (and reject `…::r#return`).
    let segment_ok = |seg: &str| {
        let seg = seg.strip_prefix("r#").unwrap_or(seg);
        seg.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && seg.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    };
    if s.split("::").all(segment_ok) {
        Ok(s)
    } else {
        Err(format!("{s:?} is not a Rust path"))
    }
}

/// `s` if it is an HTTP header name as the config allows them (letters, digits and `-`).
pub fn header_name(s: &str) -> Result<&str, String> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        Ok(s)
    } else {
        Err(format!("{s:?} is not a header name"))
    }
}

/// Why `name` cannot be a Cargo package name, if it cannot. Cargo's own rules, plus the ones
/// that keep it safe to write unquoted (`[profile.dev.package.NAME]`, `use NAME::…`).
pub fn package_name_problem(name: &str) -> Option<String> {
    let lib = name.replace('-', "_");
    if name.is_empty() || name.len() > 64 {
        Some("must be 1 to 64 characters long".to_owned())
    } else if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        Some("may hold only ASCII letters, digits, `-` and `_`".to_owned())
    } else if !name.as_bytes()[0].is_ascii_alphabetic() {
        Some("must start with an ASCII letter".to_owned())
    } else if syn::parse_str::<syn::Ident>(&lib).is_err()
        || [
            "test",
            "std",
            "core",
            "alloc",
            "proc_macro",
            "self",
            "build",
        ]
        .contains(&lib.as_str())
    {
        Some(format!(
            "`{lib}` is a Rust keyword or a name Cargo reserves"
        ))
    } else {
        None
    }
}

/// `s` if it is a valid Cargo package name.
pub fn package_name(s: &str) -> Result<&str, String> {
    match package_name_problem(s) {
        None => Ok(s),
        Some(why) => Err(format!("{s:?} is not a package name: it {why}")),
    }
}

/// Why `url` cannot be a server URL, if it cannot: it must parse as the client's HTTP stack
/// will parse it (the WHATWG rules of the `url` crate, which reqwest uses; a relative URL is read
/// against a placeholder origin), and hold nothing that parser would silently drop or that
/// hides text (whitespace, controls, bidirectional overrides). Anything else it holds, quotes
/// included, is written as an escaped literal and percent-encoded by the parser at run time.
pub fn url_problem(url: &str) -> Option<String> {
    if let Some(c) = url.chars().find(|c| c.is_whitespace() || is_hidden(*c)) {
        return Some(format!("is not a URL: it holds {:?}; percent-encode it", c));
    }
    let parsed = if url.contains("://") {
        url::Url::parse(url)
    } else {
        url::Url::parse("http://relative.invalid/").and_then(|base| base.join(url))
    };
    parsed.err().map(|e| format!("is not a URL: {e}"))
}

/// Why `value` cannot be sent as an HTTP header value, if it cannot (visible ASCII and spaces).
pub fn header_value_problem(value: &str) -> Option<String> {
    if value
        .bytes()
        .all(|b| b == b' ' || b == b'\t' || b.is_ascii_graphic())
    {
        None
    } else {
        Some(
            "holds characters an HTTP header value cannot (only visible ASCII and spaces)"
                .to_owned(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hostile inputs used across the tests below.
    const NASTY: &[&str] = &[
        "",
        "plain",
        "a\"b",
        "a\\b",
        "\"#",
        "x\ny",
        "x\r\ny",
        "*/ // #![no_std] ]]",
        "[dependencies]\nevil = { path = \"/\" }",
        "```rust\nfn main() {}\n```",
        "a|b|c",
        "`",
        "``x``",
        " ",
        "\0nul",
        "\u{202E}evil\u{202C}",
        "\u{2028}\u{2029}\u{FEFF}",
        "-->",
        "<!-->",
        "日本語 é ’",
    ];

    #[test]
    fn rust_str_round_trips_through_the_rust_parser() {
        for s in NASTY {
            let lit = rust_str(s);
            let parsed: syn::LitStr = syn::parse_str(&lit).unwrap_or_else(|e| panic!("{lit}: {e}"));
            assert_eq!(parsed.value(), *s, "{lit}");
            assert!(
                !lit.chars().any(is_hidden),
                "{lit:?} shows a hidden character"
            );
        }
    }

    #[test]
    fn toml_str_round_trips_through_the_toml_parser() {
        for s in NASTY {
            let doc = format!("key = {}\n", toml_str(s));
            let table: toml::Table = toml::from_str(&doc).unwrap_or_else(|e| panic!("{doc}: {e}"));
            assert_eq!(table.len(), 1, "{doc}");
            assert_eq!(table["key"].as_str(), Some(*s), "{doc}");
        }
    }

    #[test]
    fn comments_stay_on_their_line() {
        for s in NASTY {
            for out in [comment(s), html_comment(s), md_text(s), md_code(s)] {
                assert!(!out.contains(['\n', '\r']), "{out:?}");
                assert!(!out.chars().any(is_hidden), "{out:?}");
            }
            assert!(!html_comment(s).contains(['<', '>']), "{s:?}");
            // A comment line made from it is still one comment when Rust reads it.
            let file = format!("// {}\nfn f() {{}}\n", comment(s));
            let parsed: syn::File = syn::parse_str(&file).unwrap();
            assert_eq!(parsed.items.len(), 1, "{file}");
        }
    }

    #[test]
    fn markdown_text_escapes_every_punctuation_character() {
        assert_eq!(md_text("Stripe API"), "Stripe API");
        assert_eq!(md_text("a`b"), "a\\`b");
        assert_eq!(md_text("```\nx"), "\\`\\`\\` x");
        assert_eq!(md_text("[x](y)"), "\\[x\\]\\(y\\)");
        assert_eq!(md_text("<b>|"), "\\<b\\>\\|");
    }

    #[test]
    fn code_spans_are_fenced_longer_than_their_content() {
        assert_eq!(md_code("POST /v1/x"), "`POST /v1/x`");
        assert_eq!(md_code("a`b"), "``a`b``");
        assert_eq!(md_code("`"), "`` ` ``");
        assert_eq!(md_code("a|b"), "`a\\|b`");
        assert_eq!(md_code("x\ny"), "`x y`");
        assert_eq!(md_code(""), "`  `");
    }

    #[test]
    fn doc_lines_keep_line_breaks_and_show_hidden_characters() {
        assert_eq!(doc_line("a\nb"), "a\nb");
        assert_eq!(doc_line("a\r\nb"), "a\nb");
        assert_eq!(doc_line("\u{202E}x\0"), "\\u{202e}x\\u{0}");
    }

    #[test]
    fn names_are_checked_not_escaped() {
        assert!(rust_ident("stripe_api").is_ok());
        assert!(rust_ident("r#type").is_ok());
        assert!(rust_ident("a b").is_err());
        assert!(rust_ident("x\"; fn f() {} //").is_err());
        assert!(rust_path("crate::a::b").is_ok());
        assert!(rust_path("crate::a::return").is_ok());
        assert!(rust_path("crate::a) + (b").is_err());
        assert!(rust_path("crate::").is_err());
        assert!(rust_path("crate::1a").is_err());
        assert!(rust_path("crate::shipping::return").is_ok());
        for bad in ["", "crate::", "::a", "a::1b", "a::b c", "a::b\n"] {
            assert!(rust_path(bad).is_err(), "{bad:?}");
        }
        assert!(header_name("Stripe-Version").is_ok());
        assert!(header_name("X: y").is_err());
        assert!(header_name("").is_err());
    }

    #[test]
    fn package_names_follow_cargo() {
        for ok in ["stripe-api", "a", "snapshot_x1", "A-b"] {
            assert_eq!(package_name_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "1abc",
            "-a",
            "a b",
            "a\"b",
            "fn",
            "self",
            "test",
            "é",
            &"a".repeat(65),
        ] {
            assert!(package_name_problem(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn urls_and_header_values_are_refused_when_they_cannot_be_made_safe() {
        assert_eq!(url_problem("https://api.stripe.com"), None);
        assert_eq!(url_problem("http://[::1]:8080/v1?a=b&c=%20#f"), None);
        assert_eq!(url_problem("/api/v3"), None);
        // Parses (the quote is percent-encoded when used), so it is kept and written escaped.
        assert_eq!(url_problem("https://x/\";fn/**/f(){}"), None);
        for bad in [
            "https://x/ y",
            "https://x\n",
            "https://x/\t",
            "https://x/\u{202E}",
            "https://[x",
            "http://a:b:c:d/",
        ] {
            assert!(url_problem(bad).is_some(), "{bad:?}");
        }
        assert_eq!(header_value_problem("2023-08-16"), None);
        assert_eq!(header_value_problem("1\"; x"), None);
        assert!(header_value_problem("1\r\nX: y").is_some());
        assert!(header_value_problem("é").is_some());
    }
}
