//! Converts OpenAPI description text into Markdown that rustdoc renders without warnings.
//!
//! Descriptions (Stripe's in particular) mix HTML (`<p>`, `<code>`, `<a href>`, lists) with
//! Markdown (`[text](/docs/x)`, backtick code spans). The conversion runs in three stages:
//!
//! 1. `Lexer` splits the input into characters (entities decoded), HTML tags, and Markdown
//!    code spans / fenced blocks.
//! 2. `Builder` turns that stream into a flat list of `Atom`s: it decides the block structure
//!    (paragraphs, line breaks, list items, code blocks) and balances inline markup.
//! 3. `Renderer` writes the atoms as Markdown. It recognises Markdown links, autolinks and bare
//!    URLs in the text and escapes everything else rustdoc would misread: stray `[`/`]` become
//!    broken intra-doc links, `<` an unclosed HTML tag, bare URLs a `bare_urls` warning, and
//!    indented lines doctests.
//!
//! Characters decoded from an entity (`&lt;`, `&#91;`) are *literal*: they are always escaped.
//! Raw characters may be Markdown syntax written by the spec author and are interpreted.

use std::mem;

/// Turns a spec description (HTML, Markdown, or a mix) into rustdoc Markdown.
/// `site` is the absolute origin used for relative links, e.g. `"https://stripe.com"` (no trailing slash).
pub fn to_markdown(text: &str, site: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let site = site.trim_end_matches('/');
    let atoms = Builder::default().run(&text, site);
    let mut renderer = Renderer {
        site,
        out: String::new(),
    };
    renderer.render(&atoms, Ctx::Text);
    let mut out = indent_lazy_continuations(&renderer.out);
    out.truncate(out.trim_end_matches([' ', '\t', '\n']).len());
    out
}

/// Indents a list item's continuation lines to the item's content column. Markdown joins an
/// under-indented line to the item anyway (a "lazy continuation"), so nothing renders
/// differently, but clippy's `doc_lazy_continuation` refuses it in a binding's docs (OpenAI's
/// spec writes such lists in folded YAML).
fn indent_lazy_continuations(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut content_col: Option<usize> = None;
    let mut fence: Option<String> = None;
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        if let Some(f) = &fence {
            if trimmed.starts_with(f.as_str())
                && trimmed.trim_start_matches(f.as_str()).trim().is_empty()
            {
                fence = None;
            }
            out.push_str(line);
            continue;
        }
        if let Some(marker) = ["```", "~~~"].iter().find(|m| trimmed.starts_with(**m)) {
            let c = marker.chars().next().unwrap_or('`');
            fence = Some(trimmed.chars().take_while(|x| *x == c).collect());
            out.push_str(line);
            continue;
        }
        if trimmed.is_empty() {
            content_col = None;
        } else if let Some(width) = list_marker_width(trimmed) {
            content_col = Some(indent + width);
        } else if let Some(col) = content_col.filter(|col| indent < *col) {
            out.extend(std::iter::repeat_n(' ', col));
            out.push_str(trimmed);
            continue;
        }
        out.push_str(line);
    }
    out
}

/// The width of a list item's marker and the spaces after it (`- `, `* `, `12. `), if `line`
/// starts one.
fn list_marker_width(line: &str) -> Option<usize> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let marker = match line.as_bytes().get(digits) {
        Some(b'-' | b'*' | b'+') if digits == 0 => 1,
        Some(b'.' | b')') if (1..=9).contains(&digits) => digits + 1,
        _ => return None,
    };
    let spaces = line[marker..].bytes().take_while(|b| *b == b' ').count();
    ((1..=4).contains(&spaces) && marker + spaces < line.len()).then_some(marker + spaces)
}

// ---------------------------------------------------------------------------------------------
// Lexing
// ---------------------------------------------------------------------------------------------

/// One character of text; `lit` marks characters that came from an entity.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Ch {
    c: char,
    lit: bool,
}

impl Ch {
    fn raw(c: char) -> Ch {
        Ch { c, lit: false }
    }

    /// Whitespace that Markdown treats as layout (indentation, line and paragraph breaks).
    fn is_layout_space(self) -> bool {
        !self.lit && matches!(self.c, ' ' | '\t' | '\n')
    }
}

#[derive(Debug)]
struct Tag {
    /// Lower-cased element name.
    name: String,
    close: bool,
    attrs: Vec<(String, String)>,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

enum Tok {
    Char(Ch),
    Tag(Tag),
    /// A Markdown code span; content already normalised (CommonMark strips one padding space).
    CodeSpan(String),
    /// A Markdown fenced code block's content.
    Fence(String),
}

struct Lexer<'a> {
    s: &'a str,
    pos: usize,
    /// Characters before this byte offset are plain text (escaped by `\`, or an unmatched
    /// backtick run), so they are not looked at as tag, entity or code span starts.
    plain_until: usize,
}

impl Lexer<'_> {
    /// Next token. In `literal` mode (inside `<code>`/`<pre>`) backticks and backslashes are
    /// content, only tags and entities are recognised.
    fn next(&mut self, literal: bool) -> Option<Tok> {
        loop {
            let rest = self.s.get(self.pos..)?;
            let c = rest.chars().next()?;
            if self.pos >= self.plain_until {
                match c {
                    '<' => {
                        if let Some((tag, len)) = lex_tag(rest) {
                            self.pos += len;
                            match tag {
                                Some(tag) => return Some(Tok::Tag(tag)),
                                None => continue, // comment or doctype: dropped
                            }
                        }
                    }
                    '&' => {
                        if let Some((d, len)) = decode_entity(rest) {
                            self.pos += len;
                            return Some(Tok::Char(decoded(d)));
                        }
                    }
                    // A Markdown escape: the next character is plain text.
                    '\\' if !literal
                        && rest.as_bytes().get(1).is_some_and(u8::is_ascii_punctuation) =>
                    {
                        self.plain_until = self.pos + 2;
                    }
                    '`' if !literal => {
                        let n = rest.bytes().take_while(|&b| b == b'`').count();
                        if n >= 3 && self.at_line_start() {
                            if let Some((content, len)) = lex_fence(rest, n, b'`') {
                                self.pos += len;
                                return Some(Tok::Fence(content));
                            }
                        }
                        if let Some((content, len)) = lex_code_span(rest, n) {
                            self.pos += len;
                            return Some(Tok::CodeSpan(content));
                        }
                        // Unmatched run: all of its backticks are plain text.
                        self.plain_until = self.pos + n;
                    }
                    '~' if !literal => {
                        let n = rest.bytes().take_while(|&b| b == b'~').count();
                        if n >= 3 && self.at_line_start() {
                            if let Some((content, len)) = lex_fence(rest, n, b'~') {
                                self.pos += len;
                                return Some(Tok::Fence(content));
                            }
                        }
                    }
                    _ => {}
                }
            }
            self.pos += c.len_utf8();
            return Some(Tok::Char(Ch::raw(c)));
        }
    }

    /// Whether only up to three spaces precede `pos` on its line.
    fn at_line_start(&self) -> bool {
        let before = &self.s.as_bytes()[..self.pos];
        let spaces = before.iter().rev().take_while(|&&b| b == b' ').count();
        spaces <= 3
            && matches!(
                before.len().checked_sub(spaces + 1).map(|i| before[i]),
                None | Some(b'\n')
            )
    }
}

/// Decoded entities are literal text, except layout whitespace which keeps its meaning.
fn decoded(c: char) -> Ch {
    match c {
        '\r' => Ch::raw('\n'),
        ' ' | '\t' | '\n' => Ch::raw(c),
        _ => Ch { c, lit: true },
    }
}

/// Lexes an HTML tag at the start of `s` (which starts with `<`). Returns the tag (or `None` for
/// a comment / doctype, which are dropped) and its length; `None` overall means `<` is text.
fn lex_tag(s: &str) -> Option<(Option<Tag>, usize)> {
    let b = s.as_bytes();
    if let Some(body) = s.strip_prefix("<!--") {
        return body.find("-->").map(|end| (None, 4 + end + 3));
    }
    if b.get(1) == Some(&b'?')
        || (b.get(1) == Some(&b'!')
            && b.get(2)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'['))
    {
        return s.find('>').map(|end| (None, end + 1));
    }
    let close = b.get(1) == Some(&b'/');
    let mut i = 1 + usize::from(close);
    if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let start = i;
    while b
        .get(i)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'-')
    {
        i += 1;
    }
    let mut tag = Tag {
        name: s[start..i].to_ascii_lowercase(),
        close,
        attrs: Vec::new(),
    };
    let skip_ws = |mut i: usize| {
        while b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        i
    };
    if close {
        i = skip_ws(i);
        return (b.get(i) == Some(&b'>')).then_some((Some(tag), i + 1));
    }
    loop {
        let after_name = i;
        i = skip_ws(i);
        match *b.get(i)? {
            b'>' => return Some((Some(tag), i + 1)),
            b'/' => return (b.get(i + 1) == Some(&b'>')).then_some((Some(tag), i + 2)),
            // Attributes must be separated by whitespace (`<y5>` or `<a"b>` is not a tag).
            c if i > after_name && (c.is_ascii_alphabetic() || c == b'_' || c == b':') => {
                let name_start = i;
                while b
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || b"_.:-".contains(c))
                {
                    i += 1;
                }
                let name = s[name_start..i].to_ascii_lowercase();
                let mut value = String::new();
                let j = skip_ws(i);
                if b.get(j) == Some(&b'=') {
                    let j = skip_ws(j + 1);
                    match *b.get(j)? {
                        q @ (b'"' | b'\'') => {
                            let end = j + 1 + s[j + 1..].find(char::from(q))?;
                            value = decode_entities(&s[j + 1..end]);
                            i = end + 1;
                        }
                        _ => {
                            let end = j + b[j..]
                                .iter()
                                .take_while(|c| !c.is_ascii_whitespace() && !b"\"'=<>`".contains(c))
                                .count();
                            if end == j {
                                return None;
                            }
                            value = decode_entities(&s[j..end]);
                            i = end;
                        }
                    }
                }
                tag.attrs.push((name, value));
            }
            _ => return None,
        }
    }
}

/// Decodes an entity at the start of `s` (which starts with `&`): the character and the length.
fn decode_entity(s: &str) -> Option<(char, usize)> {
    let b = s.as_bytes();
    if b.get(1) == Some(&b'#') {
        let hex = matches!(b.get(2), Some(b'x' | b'X'));
        let start = if hex { 3 } else { 2 };
        let digits = b[start.min(b.len())..]
            .iter()
            .take_while(|c| {
                if hex {
                    c.is_ascii_hexdigit()
                } else {
                    c.is_ascii_digit()
                }
            })
            .count();
        let end = start + digits;
        if digits == 0 || digits > if hex { 6 } else { 7 } || b.get(end) != Some(&b';') {
            return None;
        }
        let code = u32::from_str_radix(&s[start..end], if hex { 16 } else { 10 }).ok()?;
        // As in HTML, NUL and invalid code points become U+FFFD.
        let c = char::from_u32(code)
            .filter(|&c| c != '\0')
            .unwrap_or('\u{FFFD}');
        return Some((c, end + 1));
    }
    let len = b[1..]
        .iter()
        .take(32)
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    if len == 0 || b.get(1 + len) != Some(&b';') {
        return None;
    }
    Some((named_entity(&s[1..1 + len])?, len + 2))
}

fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "times" => '×',
        "divide" => '÷',
        "middot" => '·',
        "bull" => '•',
        "deg" => '°',
        "plusmn" => '±',
        "le" => '≤',
        "ge" => '≥',
        "ne" => '≠',
        "larr" => '←',
        "rarr" => '→',
        "euro" => '€',
        "pound" => '£',
        "yen" => '¥',
        "cent" => '¢',
        "sect" => '§',
        "para" => '¶',
        "ensp" => '\u{2002}',
        "emsp" => '\u{2003}',
        "thinsp" => '\u{2009}',
        _ => return None,
    })
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while let Some(c) = s[i..].chars().next() {
        if let Some((d, len)) = (c == '&').then(|| decode_entity(&s[i..])).flatten() {
            out.push(d);
            i += len;
        } else {
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// A Markdown code span opened by a run of `n` backticks at the start of `s`: its normalised
/// content and total length. Like CommonMark, the span ends at the first run of exactly `n`.
fn lex_code_span(s: &str, n: usize) -> Option<(String, usize)> {
    let b = s.as_bytes();
    let mut i = n;
    while i < b.len() {
        if b[i] != b'`' {
            i += 1;
            continue;
        }
        let run_start = i;
        while b.get(i) == Some(&b'`') {
            i += 1;
        }
        if i - run_start == n {
            let inner = &s[n..run_start];
            // A stray backtick must not swallow a paragraph break of the surrounding HTML.
            if has_blank_line(inner) || has_closing_block_tag(inner) {
                return None;
            }
            let inner = inner.replace('\n', " ");
            let stripped = match inner.strip_prefix(' ').and_then(|x| x.strip_suffix(' ')) {
                Some(x) if !inner.bytes().all(|b| b == b' ') => x.to_string(),
                _ => inner,
            };
            return Some((stripped, i));
        }
    }
    None
}

fn has_blank_line(s: &str) -> bool {
    let lines: Vec<&str> = s.split('\n').collect();
    lines.len() > 2
        && lines[1..lines.len() - 1]
            .iter()
            .any(|l| l.trim_matches([' ', '\t']).is_empty())
}

fn has_closing_block_tag(s: &str) -> bool {
    s.match_indices("</").any(|(i, _)| {
        let name: String = s[i + 2..]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        ends_code(&name.to_ascii_lowercase())
    })
}

/// A fenced code block opened by `n` (>= 3) `fence` characters (backtick or tilde) at the start
/// of `s`, which is at the start of a line: its content and length. Unclosed fences run to the
/// end, as in CommonMark.
fn lex_fence(s: &str, n: usize, fence: u8) -> Option<(String, usize)> {
    let first_end = s.find('\n').unwrap_or(s.len());
    if fence == b'`' && s[n..first_end].contains('`') {
        return None; // `` ```a``` `` on one line is a code span, not a fence
    }
    let mut content = String::new();
    let mut at = first_end + 1;
    while at <= s.len() {
        let end = s[at..].find('\n').map_or(s.len(), |e| at + e);
        let line = &s[at..end];
        let trimmed = line.trim_start_matches(' ');
        let ticks = trimmed.bytes().take_while(|&b| b == fence).count();
        if line.len() - trimmed.len() <= 3
            && ticks >= n
            && trimmed[ticks..].trim_matches([' ', '\t']).is_empty()
        {
            return Some((content, end));
        }
        content.push_str(line);
        content.push('\n');
        at = end + 1;
    }
    Some((content, s.len()))
}

/// Block-level HTML elements: they separate paragraphs.
#[rustfmt::skip]
const BLOCK_TAGS: &[&str] = &[
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "thead", "tbody", "tfoot", "tr", "hr",
    "section", "article", "header", "footer", "nav", "aside", "figure", "figcaption", "dl", "dt", "dd", "details",
    "summary", "main", "address", "caption", "center",
];

fn is_block(name: &str) -> bool {
    BLOCK_TAGS.contains(&name)
}

/// Tags that end an unclosed `<code>` element.
fn ends_code(name: &str) -> bool {
    is_block(name) || matches!(name, "li" | "ul" | "ol" | "pre")
}

// ---------------------------------------------------------------------------------------------
// Building atoms
// ---------------------------------------------------------------------------------------------

/// Kinds of line separation, weakest first (pending breaks merge by taking the strongest).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
enum Brk {
    #[default]
    None,
    /// A newline inside a paragraph.
    Soft,
    /// `<br>`: a backslash line break.
    Hard,
    /// A blank line.
    Para,
}

#[derive(Debug)]
enum Atom {
    Char(Ch),
    Code(String),
    /// Emphasis delimiter produced from HTML (`**` or `*`).
    Mark(&'static str),
    /// Start of an HTML link; the matching `LinkClose` carries the target.
    LinkOpen,
    LinkClose(String),
    /// A line break of the given kind; the next line starts with the indentation.
    Break(Brk, String),
    /// A list item marker (`- `, `1. `), written after its `Break`.
    Marker(String),
    /// A code block: content and the indentation of its lines after the first.
    Pre(String, String),
}

/// Inline HTML elements that become Markdown delimiters.
#[derive(Clone, Debug, PartialEq)]
enum Inline {
    /// `visible` is false for an element nested in one of the same kind (`<b><b>`).
    Mark {
        delim: &'static str,
        visible: bool,
    },
    Link(String),
}

impl Inline {
    fn same_kind(&self, other: &Inline) -> bool {
        match (self, other) {
            (Inline::Mark { delim: a, .. }, Inline::Mark { delim: b, .. }) => a == b,
            (Inline::Link(_), Inline::Link(_)) => true,
            _ => false,
        }
    }
}

struct List {
    ordered: bool,
    /// Number of the next item written.
    next: u64,
    /// Indentation of this list's markers.
    base: String,
    /// Marker of the current item.
    marker: String,
    /// Indentation of the current item's content (`None` before the first `<li>`).
    item: Option<String>,
    /// Whether an item of this list has been written.
    written: bool,
    /// Created by a `<li>` outside any list.
    implicit: bool,
}

#[derive(Default)]
struct Builder {
    atoms: Vec<Atom>,
    /// Whitespace seen but not yet written: it becomes a space, a break, or nothing.
    ws: String,
    /// Break to write before the next content.
    brk: Brk,
    /// Indentation from the source kept for the next line (only < 4 columns: more would turn
    /// the line into an indented code block, which rustdoc compiles as a doctest).
    brk_indent: String,
    /// Inline elements whose opening delimiter has been written.
    open: Vec<Inline>,
    /// Inline elements opened but not written yet: written lazily before the next content, so
    /// delimiters hug the text (`**a**`, not `** a**`) and empty elements vanish.
    pending: Vec<Inline>,
    /// `<a>` elements ignored (no usable href, or nested) whose `</a>` must be ignored too.
    skipped_links: usize,
    lists: Vec<List>,
    /// Items (indices into `lists`, outermost first) opened but not written yet. Markers are
    /// written with the item's first content, so empty `<li>`s vanish: an empty item cannot
    /// interrupt a paragraph, and its unrecognised marker would leave the indentation of the
    /// lines meant for it making an indented code block.
    pending_items: Vec<usize>,
    /// Text of the `<code>` element being read.
    code: Option<String>,
    /// Text of the `<pre>` element being read.
    pre: Option<String>,
}

impl Builder {
    fn run(mut self, text: &str, site: &str) -> Vec<Atom> {
        let mut lexer = Lexer {
            s: text,
            pos: 0,
            plain_until: 0,
        };
        while let Some(tok) = lexer.next(self.code.is_some() || self.pre.is_some()) {
            match tok {
                Tok::Char(ch) => self.char(ch),
                Tok::Tag(tag) => self.tag(&tag, site),
                Tok::CodeSpan(code) => self.code_span(code),
                Tok::Fence(content) => self.code_block(&content),
            }
        }
        self.finish_code();
        if let Some(pre) = self.pre.take() {
            self.code_block(&pre);
        }
        while let Some(x) = self.open.pop() {
            self.write_close(&x);
        }
        self.atoms
    }

    fn char(&mut self, ch: Ch) {
        if let Some(pre) = self.pre.as_mut() {
            pre.push(ch.c);
        } else if let Some(code) = self.code.as_mut() {
            code.push(ch.c);
        } else if ch.is_layout_space() {
            self.ws.push(ch.c);
        } else {
            self.content();
            self.atoms.push(Atom::Char(ch));
        }
    }

    fn tag(&mut self, tag: &Tag, site: &str) {
        let name = tag.name.as_str();
        if let Some(pre) = self.pre.as_mut() {
            match name {
                "pre" if tag.close => {
                    let pre = mem::take(pre);
                    self.pre = None;
                    self.code_block(&pre);
                }
                "br" => pre.push('\n'),
                _ => {} // markup inside <pre> (usually <code>) is dropped, its text kept
            }
            return;
        }
        if let Some(code) = self.code.as_mut() {
            match name {
                "code" if tag.close => return self.finish_code(),
                "br" => return code.push(' '),
                _ if ends_code(name) => self.finish_code(), // unclosed <code>; handle the tag below
                _ => return,
            }
        }
        match name {
            "code" if !tag.close => self.code = Some(String::new()),
            "pre" if !tag.close => self.pre = Some(String::new()),
            "br" => {
                self.ws.clear();
                // Two consecutive <br> mean a paragraph break.
                let kind = if self.brk >= Brk::Hard {
                    Brk::Para
                } else {
                    Brk::Hard
                };
                self.break_to(kind, String::new());
            }
            "strong" | "b" => self.inline(
                Inline::Mark {
                    delim: "**",
                    visible: true,
                },
                tag.close,
            ),
            "em" | "i" => self.inline(
                Inline::Mark {
                    delim: "*",
                    visible: true,
                },
                tag.close,
            ),
            "a" => self.anchor(tag, site),
            "ul" | "ol" if tag.close => self.end_list(),
            "ul" | "ol" => self.start_list(tag),
            "li" if !tag.close => self.item(),
            "td" | "th" if !tag.close && !self.at_start() && self.ws.is_empty() => {
                self.ws.push(' ')
            }
            _ if is_block(name) => {
                self.ws.clear();
                self.break_to(Brk::Para, String::new());
            }
            _ => {} // unknown or closing tag without meaning here: dropped, text kept
        }
    }

    fn break_to(&mut self, kind: Brk, indent: String) {
        if kind >= self.brk {
            self.brk = kind;
            self.brk_indent = indent;
        }
    }

    /// Nothing written yet in the current block (start of text, or an item with no content yet):
    /// leading whitespace and breaks are dropped.
    fn at_start(&self) -> bool {
        self.atoms.is_empty() || !self.pending_items.is_empty()
    }

    fn container_indent(&self) -> String {
        self.lists
            .last()
            .map(|l| l.item.clone().unwrap_or_else(|| l.base.clone()))
            .unwrap_or_default()
    }

    /// Called before writing inline content: flushes pending whitespace, break and openers.
    fn content(&mut self) {
        let ws = mem::take(&mut self.ws);
        if !self.at_start() {
            if let Some(last_newline) = ws.rfind('\n') {
                let kind = if ws.matches('\n').count() >= 2 {
                    Brk::Para
                } else {
                    Brk::Soft
                };
                let tail = &ws[last_newline + 1..];
                // Source indentation is kept (for Markdown nested lists) only outside HTML lists:
                // inside one it would add to the item's indentation, and if the item's marker is
                // not recognised the sum could reach an indented code block.
                let keep = columns(tail) < 4 && self.lists.is_empty();
                let indent = if keep {
                    tail.to_string()
                } else {
                    String::new()
                };
                self.break_to(kind, indent);
            } else if self.brk == Brk::None && !ws.is_empty() {
                // One space: renders the same, and a run of spaces after something list-like
                // (`-     x`) would start an indented code block.
                self.atoms.push(Atom::Char(Ch::raw(' ')));
            }
        }
        if !self.pending_items.is_empty() {
            self.write_items();
        } else if self.brk != Brk::None {
            if !self.atoms.is_empty() {
                if self.brk == Brk::Para {
                    self.close_all();
                }
                let indent = self.container_indent() + &self.brk_indent;
                self.atoms.push(Atom::Break(self.brk, indent));
            }
            self.brk = Brk::None;
            self.brk_indent.clear();
        }
        for x in mem::take(&mut self.pending) {
            match &x {
                Inline::Mark {
                    delim,
                    visible: true,
                } => self.atoms.push(Atom::Mark(delim)),
                Inline::Mark { .. } => {}
                Inline::Link(_) => self.atoms.push(Atom::LinkOpen),
            }
            self.open.push(x);
        }
    }

    /// Writes the markers of the pending items: the first on a new line, those of nested
    /// lists after it on the same line (`- - x`).
    fn write_items(&mut self) {
        for (n, idx) in mem::take(&mut self.pending_items).into_iter().enumerate() {
            let Some(list) = self.lists.get_mut(idx) else {
                continue;
            };
            // A blank line before a list, a plain newline between items and before nested lists.
            let kind = if !list.written && idx == 0 {
                Brk::Para
            } else {
                Brk::Soft
            };
            list.written = true;
            list.next = list.next.saturating_add(1);
            let (marker, base) = (list.marker.clone(), list.base.clone());
            if n == 0 && !self.atoms.is_empty() {
                self.close_all();
                self.atoms.push(Atom::Break(kind, base));
            }
            self.atoms.push(Atom::Marker(marker));
        }
        self.brk = Brk::None;
        self.brk_indent.clear();
    }

    /// Starts a block-level atom (code block): breaks the paragraph, closes inline elements.
    fn begin_block(&mut self) {
        self.ws.clear();
        if !self.pending_items.is_empty() {
            self.write_items(); // the block starts on the marker's line
        } else if !self.atoms.is_empty() {
            self.close_all();
            let indent = self.container_indent();
            self.atoms.push(Atom::Break(Brk::Para, indent));
        }
        self.brk = Brk::None;
        self.brk_indent.clear();
    }

    fn write_close(&mut self, x: &Inline) {
        match x {
            Inline::Mark {
                delim,
                visible: true,
            } => self.atoms.push(Atom::Mark(delim)),
            Inline::Mark { .. } => {}
            Inline::Link(url) => self.atoms.push(Atom::LinkClose(url.clone())),
        }
    }

    /// Closes every written element before a block boundary; emphasis reopens after it
    /// (Markdown emphasis cannot span paragraphs), links do not.
    fn close_all(&mut self) {
        let mut reopen = Vec::new();
        while let Some(x) = self.open.pop() {
            self.write_close(&x);
            if matches!(x, Inline::Mark { .. }) {
                reopen.push(x);
            }
        }
        reopen.reverse();
        self.pending.splice(0..0, reopen);
    }

    fn inline(&mut self, x: Inline, close: bool) {
        if !close {
            let nested = self
                .open
                .iter()
                .chain(&self.pending)
                .any(|y| y.same_kind(&x));
            let x = match x {
                Inline::Mark { delim, .. } => Inline::Mark {
                    delim,
                    visible: !nested,
                },
                link => link,
            };
            self.pending.push(x);
            return;
        }
        if let Some(i) = self.pending.iter().rposition(|y| y.same_kind(&x)) {
            self.pending.remove(i); // nothing inside: drop the element entirely
            return;
        }
        let Some(i) = self.open.iter().rposition(|y| y.same_kind(&x)) else {
            return; // stray closing tag
        };
        // Misnested markup (`<b><i>x</b>`): close the inner elements too, reopen the emphasis.
        let mut reopen = Vec::new();
        while self.open.len() > i {
            let Some(y) = self.open.pop() else { break };
            self.write_close(&y);
            if self.open.len() > i && matches!(y, Inline::Mark { .. }) {
                reopen.push(y);
            }
        }
        reopen.reverse();
        self.pending.splice(0..0, reopen);
    }

    fn anchor(&mut self, tag: &Tag, site: &str) {
        if tag.close {
            if self.skipped_links > 0 {
                self.skipped_links -= 1;
            } else {
                self.inline(Inline::Link(String::new()), true);
            }
            return;
        }
        let in_link = self
            .open
            .iter()
            .chain(&self.pending)
            .any(|y| matches!(y, Inline::Link(_)));
        match tag.attr("href").and_then(|href| link_target(href, site)) {
            Some(url) if !in_link => self.inline(Inline::Link(url), false),
            _ => self.skipped_links += 1,
        }
    }

    fn code_span(&mut self, code: String) {
        if !code.is_empty() {
            self.content();
            self.atoms.push(Atom::Code(code));
        }
    }

    fn finish_code(&mut self) {
        if let Some(code) = self.code.take() {
            self.code_span(code);
        }
    }

    fn code_block(&mut self, content: &str) {
        let content = content
            .trim_start_matches('\n')
            .trim_end_matches([' ', '\t', '\n']);
        if content.trim_matches([' ', '\t', '\n']).is_empty() {
            return;
        }
        self.begin_block();
        self.atoms
            .push(Atom::Pre(content.to_string(), self.container_indent()));
        self.brk = Brk::Para;
    }

    fn start_list(&mut self, tag: &Tag) {
        self.ws.clear();
        let top_level = self.lists.is_empty();
        // A nested list interrupts its parent item's paragraph, which only a list starting at
        // 1 may do; at the top level the list follows a blank line and keeps its start.
        let start = tag
            .attr("start")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|_| top_level);
        self.lists.push(List {
            ordered: tag.name == "ol",
            next: start.unwrap_or(1),
            base: self.container_indent(),
            marker: String::new(),
            item: None,
            written: false,
            implicit: false,
        });
        if top_level {
            self.break_to(Brk::Para, String::new());
        }
    }

    fn end_list(&mut self) {
        self.ws.clear();
        let mut popped = false;
        while self.lists.last().is_some_and(|l| l.implicit) {
            popped = self.lists.pop().is_some();
        }
        if self.lists.pop().is_some() || popped {
            let depth = self.lists.len();
            self.pending_items.retain(|&idx| idx < depth);
            self.break_to(Brk::Para, String::new());
        }
    }

    fn item(&mut self) {
        self.ws.clear();
        if self.lists.is_empty() {
            self.lists.push(List {
                ordered: false,
                next: 1,
                base: String::new(),
                marker: String::new(),
                item: None,
                written: false,
                implicit: true,
            });
        }
        let idx = self.lists.len() - 1;
        // A previous item of this list still without content is dropped.
        self.pending_items.retain(|&i| i < idx);
        let list = &mut self.lists[idx];
        list.marker = if list.ordered {
            // Markdown list numbers have at most 9 digits; a longer one would not be a marker.
            format!("{}. ", list.next.min(999_999_999))
        } else {
            "- ".to_string()
        };
        list.item = Some(format!("{}{}", list.base, " ".repeat(list.marker.len())));
        self.pending_items.push(idx);
    }
}

/// Width of leading whitespace, with tabs to the next multiple of 4 as in CommonMark.
fn columns(ws: &str) -> usize {
    ws.chars().fold(0, |col, c| {
        if c == '\t' {
            col + 4 - col % 4
        } else {
            col + 1
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

struct Renderer<'a> {
    site: &'a str,
    out: String,
}

/// Where atoms are being written.
#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    Text,
    /// Link text: links cannot nest, and rustdoc does not look for bare URLs here.
    Link,
    /// Image description: links may nest, bare URLs must still be wrapped.
    Image,
}

impl Renderer<'_> {
    fn render(&mut self, atoms: &[Atom], ctx: Ctx) {
        let mut i = 0;
        while i < atoms.len() {
            i = match &atoms[i] {
                Atom::Char(ch) => self.char(atoms, i, *ch, ctx == Ctx::Link),
                Atom::Code(_) => {
                    // Adjacent code spans are merged: `a``b` would not parse as two spans.
                    let mut code = String::new();
                    let mut j = i;
                    while let Some(Atom::Code(c)) = atoms.get(j) {
                        code.push_str(c);
                        j += 1;
                    }
                    push_code(&mut self.out, &code);
                    j
                }
                Atom::Mark(m) => {
                    self.out.push_str(m);
                    i + 1
                }
                Atom::LinkOpen => self.html_link(atoms, i),
                Atom::LinkClose(_) => i + 1,
                // Link text stays on one line: a new line could start a block (`- x`, `# x`)
                // and cut the link in two, leaving its URL bare.
                Atom::Break(..) if ctx != Ctx::Text => {
                    self.end_line();
                    self.out.push(' ');
                    i + 1
                }
                Atom::Break(kind, indent) => {
                    self.end_line();
                    self.out.push_str(match kind {
                        Brk::Hard => "\\\n",
                        Brk::Para => "\n\n",
                        Brk::Soft | Brk::None => "\n",
                    });
                    self.out.push_str(indent);
                    i + 1
                }
                Atom::Marker(m) => {
                    self.out.push_str(m);
                    i + 1
                }
                Atom::Pre(text, indent) => {
                    push_code_block(&mut self.out, text, indent);
                    i + 1
                }
            };
        }
    }

    /// Trailing spaces would make a hard line break.
    fn end_line(&mut self) {
        self.out
            .truncate(self.out.trim_end_matches([' ', '\t']).len());
    }

    /// Writes the character at `atoms[i]`; returns the index of the next atom to write.
    fn char(&mut self, atoms: &[Atom], i: usize, ch: Ch, in_link: bool) -> usize {
        if !in_link {
            if let Some(url) = bare_url(atoms, i) {
                self.out.push('<');
                self.out.push_str(&url);
                self.out.push('>');
                return i + url.len(); // URLs are ASCII: one atom per byte
            }
        }
        if matches!(ch.c, '-' | '|' | ':') && after_bullets(&self.out) {
            // `- ---` (also nested: `1. - ---`) is a thematic break and `- |` can be a table's
            // delimiter row, not a list item; the indentation written for the item's content
            // would then make an indented code block.
            self.out.push('\\');
            self.out.push(ch.c);
            return i + 1;
        }
        if ch.lit {
            push_literal(&mut self.out, ch.c, || entity_follows(atoms, i + 1));
            return i + 1;
        }
        match ch.c {
            '\\' => {
                match raw_char(atoms, i + 1) {
                    // A Markdown escape written by the author: keep it (but `\<` as an entity,
                    // which rustdoc's HTML tag check cannot misread).
                    Some('<') => self.out.push_str("&lt;"),
                    Some('>') => self.out.push_str("&gt;"),
                    Some(n) if n.is_ascii_punctuation() => {
                        self.out.push('\\');
                        self.out.push(n);
                    }
                    // Before a newline it is a hard line break.
                    _ if matches!(atoms.get(i + 1), Some(Atom::Break(Brk::Soft, _))) => {
                        self.out.push('\\');
                        return i + 1;
                    }
                    // Before anything we generated, a lone backslash would escape our syntax.
                    _ => {
                        self.out.push_str("\\\\");
                        return i + 1;
                    }
                }
                i + 2
            }
            '[' if !in_link => match md_link(atoms, i) {
                Some(link) => self.write_md_link(atoms, link),
                None => {
                    self.out.push_str("\\[");
                    i + 1
                }
            },
            '<' if !in_link => match autolink(atoms, i) {
                Some((body, next)) => {
                    self.out.push('<');
                    self.out.push_str(&body);
                    self.out.push('>');
                    next
                }
                None => {
                    self.out.push_str("&lt;");
                    i + 1
                }
            },
            '`' | '[' | ']' | '<' | '>' => {
                push_literal(&mut self.out, ch.c, || false);
                i + 1
            }
            // `~~~` at the start of a block would open a code block.
            '~' if at_block_start(&self.out) => {
                self.out.push_str("\\~");
                i + 1
            }
            c => {
                self.out.push(c);
                i + 1
            }
        }
    }

    fn html_link(&mut self, atoms: &[Atom], i: usize) -> usize {
        let Some(len) = atoms[i + 1..]
            .iter()
            .position(|a| matches!(a, Atom::LinkClose(_)))
        else {
            return i + 1; // cannot happen: the builder closes every link
        };
        let close = i + 1 + len;
        if let Atom::LinkClose(url) = &atoms[close] {
            if ends_with_unescaped(&self.out, '!') {
                // `![` would make the link an image.
                self.out.pop();
                self.out.push_str("\\!");
            }
            self.write_link(&atoms[i + 1..close], url, Ctx::Link);
        }
        close + 1
    }

    fn write_md_link(&mut self, atoms: &[Atom], link: MdLink) -> usize {
        let text = &atoms[link.text.0..link.text.1];
        let ctx = if ends_with_unescaped(&self.out, '!') {
            Ctx::Image
        } else {
            Ctx::Link
        };
        match link_target(&link.dest, self.site) {
            Some(url) => self.write_link(text, &url, ctx),
            None => self.render(text, Ctx::Text), // unusable target: keep the text only
        }
        link.end
    }

    fn write_link(&mut self, text: &[Atom], url: &str, ctx: Ctx) {
        let mut inner = Renderer {
            site: self.site,
            out: String::new(),
        };
        inner.render(text, ctx);
        self.out.push('[');
        if inner.out.trim().is_empty() && ctx == Ctx::Link {
            // An empty link would be invisible. (Not for images: rustdoc checks their
            // description for bare URLs.)
            url.chars()
                .for_each(|c| push_literal(&mut self.out, c, || false));
        } else {
            self.out.push_str(&inner.out);
        }
        self.out.push_str("](");
        push_destination(&mut self.out, url);
        self.out.push(')');
    }
}

/// Whether `out` ends with `c` not escaped by a backslash.
fn ends_with_unescaped(out: &str, c: char) -> bool {
    out.strip_suffix(c)
        .is_some_and(|rest| rest.bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 0)
}

/// Whether the next character written would start a block: only indentation and list markers
/// precede it on its line.
fn at_block_start(out: &str) -> bool {
    let Some(line) = current_line(out) else {
        return false;
    };
    let is_marker = |t: &str| {
        matches!(t, "-" | "*" | "+")
            || t.strip_suffix(['.', ')']).is_some_and(|n| {
                (1..=9).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit())
            })
    };
    (line.is_empty() || line.ends_with([' ', '\t']))
        && line
            .split([' ', '\t'])
            .filter(|t| !t.is_empty())
            .all(is_marker)
}

/// Whether the current line so far is list markers, the last one `-`.
fn after_bullets(out: &str) -> bool {
    at_block_start(out)
        && current_line(out)
            .is_some_and(|line| line.split([' ', '\t']).rfind(|t| !t.is_empty()) == Some("-"))
}

/// The current (last) line of `out`, if short: only those can be all list markers, and
/// looking at no more keeps long lines linear.
fn current_line(out: &str) -> Option<&str> {
    if !(out.is_empty() || out.ends_with([' ', '\t', '\n'])) {
        return None;
    }
    let mut from = out.len().saturating_sub(512);
    while !out.is_char_boundary(from) {
        from += 1;
    }
    let tail = &out[from..];
    match tail.rfind('\n') {
        Some(i) => Some(&tail[i + 1..]),
        None => (from == 0).then_some(tail),
    }
}

/// The raw (non-literal) character at `atoms[i]`, if any.
fn raw_char(atoms: &[Atom], i: usize) -> Option<char> {
    match atoms.get(i) {
        Some(Atom::Char(ch)) if !ch.lit => Some(ch.c),
        _ => None,
    }
}

/// Writes a character that must appear as itself.
fn push_literal(out: &mut String, c: char, entity_follows: impl FnOnce() -> bool) {
    match c {
        '\\' | '`' | '*' | '_' | '[' | ']' | '~' | '!' => {
            out.push('\\');
            out.push(c);
        }
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '&' if entity_follows() => out.push_str("&amp;"),
        _ => out.push(c),
    }
}

/// Whether the text from `atoms[i]` would make a preceding `&` an entity reference.
fn entity_follows(atoms: &[Atom], i: usize) -> bool {
    let s: String = atoms[i.min(atoms.len())..]
        .iter()
        .take(34)
        .map_while(|a| match a {
            Atom::Char(ch) => Some(ch.c),
            _ => None,
        })
        .collect();
    let name_len = s.chars().take_while(char::is_ascii_alphanumeric).count();
    s.starts_with('#') || (name_len > 0 && s[name_len..].starts_with(';'))
}

/// Writes a code span with a fence longer than any backtick run inside (CommonMark).
fn push_code(out: &mut String, code: &str) {
    let code = code.replace('\n', " ");
    if code.is_empty() {
        return;
    }
    let runs: Vec<usize> = code
        .split(|c| c != '`')
        .map(str::len)
        .filter(|&n| n > 0)
        .collect();
    let fence = "`".repeat((1..).find(|n| !runs.contains(n)).unwrap_or(1));
    // Padding keeps a leading/trailing backtick off the fence; CommonMark strips one space.
    let pad = code.starts_with('`')
        || code.ends_with('`')
        || (code.starts_with(' ') && code.ends_with(' ') && !code.bytes().all(|b| b == b' '));
    let pad = if pad { " " } else { "" };
    out.push_str(&format!("{fence}{pad}{code}{pad}{fence}"));
}

/// Writes a fenced code block marked `text` (rustdoc would compile an unmarked one as Rust).
fn push_code_block(out: &mut String, text: &str, indent: &str) {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    out.push_str(&fence);
    out.push_str("text\n");
    for line in text.split('\n') {
        if !line.is_empty() {
            out.push_str(indent);
            out.push_str(line);
        }
        out.push('\n');
    }
    out.push_str(indent);
    out.push_str(&fence);
}

/// Writes a link destination: characters that would end it are escaped or percent-encoded.
fn push_destination(out: &mut String, url: &str) {
    for c in url.chars() {
        match c {
            '(' | ')' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '<' | '>' | '`' => out.push_str(&format!("%{:02X}", c as u32)),
            c if c.is_whitespace() || c.is_control() => {
                let mut buf = [0; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
}

/// Resolves a link target against `site`; `None` if rustdoc could not use it as a URL.
fn link_target(dest: &str, site: &str) -> Option<String> {
    let dest = dest.trim();
    let url = if dest.is_empty() {
        return None;
    } else if let Some(rest) = dest.strip_prefix("//") {
        format!("https://{rest}")
    } else if dest.starts_with('/') {
        format!("{site}{dest}")
    } else if dest.starts_with('#') || has_scheme(dest) {
        dest.to_string()
    } else {
        format!("{site}/{dest}")
    };
    // Mirrors rustdoc's test for "not an intra-doc link"; anything else (`crate::X`,
    // `tel:123`) would be resolved as a Rust path and fail.
    let path = url.replace('`', "");
    let path = path.split('#').next().unwrap_or("").trim();
    let ignored = url.contains('/')
        || path.is_empty()
        || path
            .chars()
            .any(|c| !(c.is_alphanumeric() || ":_<>, !*&;@()".contains(c)));
    ignored.then_some(url)
}

/// Whether `s` starts with a URI scheme (`https:`, `mailto:`).
fn has_scheme(s: &str) -> bool {
    let len = s
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || b"+.-".contains(b))
        .count();
    (2..=32).contains(&len) && s.as_bytes()[0].is_ascii_alphabetic() && s[len..].starts_with(':')
}

/// A bare `http(s)://` URL starting at `atoms[i]`, without trailing punctuation.
fn bare_url(atoms: &[Atom], i: usize) -> Option<String> {
    // Cheap test first: this runs at every character.
    let prefix: String = atoms[i..]
        .iter()
        .take(8)
        .map_while(|a| match a {
            Atom::Char(ch) => Some(ch.c.to_ascii_lowercase()),
            _ => None,
        })
        .collect();
    if !(prefix.starts_with("http://") || prefix.starts_with("https://")) {
        return None;
    }
    let mut url: String = atoms[i..]
        .iter()
        .map_while(|a| match a {
            Atom::Char(ch) if ch.c.is_ascii_graphic() && !"<>`\"[]\\".contains(ch.c) => Some(ch.c),
            _ => None,
        })
        .collect();
    let lower = url.to_ascii_lowercase();
    let scheme = if lower.starts_with("https://") {
        8
    } else if lower.starts_with("http://") {
        7
    } else {
        return None;
    };
    loop {
        let opens = url.matches('(').count();
        let closes = url.matches(')').count();
        match url.chars().last() {
            Some('.' | ',' | ':' | ';' | '!' | '?' | '\'' | '*' | '_' | '~') => url.pop(),
            Some(')') if closes > opens => url.pop(),
            _ => break,
        };
    }
    (url.len() > scheme).then_some(url)
}

/// An autolink `<https://…>`, `<mailto:…>` or `<user@host>` starting at `atoms[i]`: its body
/// and the index after it.
fn autolink(atoms: &[Atom], i: usize) -> Option<(String, usize)> {
    let mut body = String::new();
    let mut j = i + 1;
    loop {
        let Some(Atom::Char(ch)) = atoms.get(j) else {
            return None;
        };
        match ch.c {
            '>' if !ch.lit => break,
            '<' | '>' => return None,
            c if c.is_whitespace() || c.is_control() => return None,
            c => body.push(c),
        }
        j += 1;
    }
    let lower = body.to_ascii_lowercase();
    let url = ["https://", "http://", "mailto:"]
        .iter()
        .any(|p| lower.starts_with(p) && lower.len() > p.len());
    let email = body.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty()
            && user
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-".contains(c))
            && host
                .split('.')
                .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    });
    (url || email).then_some((body, j + 1))
}

/// A Markdown inline link `[text](dest "title")` found by `md_link`.
struct MdLink {
    /// Atom range of the link text.
    text: (usize, usize),
    dest: String,
    /// Index after the closing `)`.
    end: usize,
}

/// Parses a Markdown inline link whose `[` is `atoms[i]`.
fn md_link(atoms: &[Atom], i: usize) -> Option<MdLink> {
    // Link text: up to the matching `]`, within one paragraph. The scan is bounded so that
    // text full of `[` stays linear.
    let mut depth = 0usize;
    let mut j = i;
    loop {
        if j - i > 4000 {
            return None;
        }
        match atoms.get(j)? {
            Atom::Char(Ch { c, lit: false }) => match c {
                '\\' if raw_char(atoms, j + 1).is_some_and(|n| n.is_ascii_punctuation()) => j += 1,
                '[' => depth += 1,
                ']' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            },
            Atom::Char(_)
            | Atom::Code(_)
            | Atom::Mark(_)
            | Atom::Break(Brk::Soft | Brk::Hard, _) => {}
            _ => return None,
        }
        j += 1;
    }
    let text = (i + 1, j);
    let mut k = j + 1;
    if raw_char(atoms, k) != Some('(') {
        return None;
    }
    k = skip_link_space(atoms, k + 1);
    let mut dest = String::new();
    if raw_char(atoms, k) == Some('<') {
        k += 1;
        loop {
            let Some(Atom::Char(ch)) = atoms.get(k) else {
                return None;
            };
            k += 1;
            match ch.c {
                '>' if !ch.lit => break,
                '<' | '\n' => return None,
                c => dest.push(c),
            }
        }
    } else {
        let mut parens = 0usize;
        while let Some(Atom::Char(ch)) = atoms.get(k) {
            match (ch.c, ch.lit) {
                (' ' | '\t', false) => break,
                (c, _) if c.is_control() => return None,
                ('\\', false)
                    if raw_char(atoms, k + 1).is_some_and(|n| n.is_ascii_punctuation()) =>
                {
                    k += 1;
                    dest.push(raw_char(atoms, k)?);
                }
                ('(', false) => {
                    parens += 1;
                    dest.push('(');
                }
                (')', false) if parens == 0 => break,
                (')', false) => {
                    parens -= 1;
                    dest.push(')');
                }
                (c, _) => dest.push(c),
            }
            k += 1;
        }
    }
    k = skip_link_space(atoms, k);
    // Optional title: parsed so the link is recognised, then dropped.
    if let Some(q @ ('"' | '\'' | '(')) = raw_char(atoms, k) {
        let close = if q == '(' { ')' } else { q };
        k += 1;
        while raw_char(atoms, k) != Some(close) {
            match atoms.get(k)? {
                Atom::Char(_) | Atom::Break(Brk::Soft, _) => k += 1,
                _ => return None,
            }
        }
        k = skip_link_space(atoms, k + 1);
    }
    (raw_char(atoms, k) == Some(')')).then_some(MdLink {
        text,
        dest,
        end: k + 1,
    })
}

fn skip_link_space(atoms: &[Atom], mut k: usize) -> usize {
    loop {
        match atoms.get(k) {
            Some(
                Atom::Char(Ch {
                    c: ' ' | '\t',
                    lit: false,
                })
                | Atom::Break(Brk::Soft, _),
            ) => k += 1,
            _ => return k,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::to_markdown;

    #[test]
    fn list_items_lazy_continuations_are_indented() {
        for (input, want) in [
            (
                "service:\n  - If set, the system\nwill use credits.\n  - Else not.",
                "service:\n  - If set, the system\n    will use credits.\n  - Else not.",
            ),
            ("1. one\ntwo\n\nAfter.", "1. one\n   two\n\nAfter."),
            ("- a\n\nnot a continuation", "- a\n\nnot a continuation"),
            ("Plain\nlines", "Plain\nlines"),
        ] {
            assert_eq!(super::indent_lazy_continuations(input), want, "{input:?}");
        }
    }

    const SITE: &str = "https://stripe.com";

    /// Checks every `(input, expected)` pair and reports all mismatches at once.
    fn check(cases: &[(&str, &str)]) {
        let failures: Vec<String> = cases
            .iter()
            .filter_map(|(input, expected)| {
                let got = to_markdown(input, SITE);
                (got != *expected).then(|| {
                    format!("input:    {input:?}\nexpected: {expected:?}\ngot:      {got:?}\n")
                })
            })
            .collect();
        assert!(
            failures.is_empty(),
            "{} of {} cases failed:\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        );
    }

    /// `<p>`, blank lines and surrounding whitespace.
    #[test]
    fn paragraphs_and_whitespace() {
        check(&[
            ("", ""),
            ("   \n\n  ", ""),
            ("Hello", "Hello"),
            ("  Hello  \n", "Hello"),
            ("<p>One</p><p>Two</p>", "One\n\nTwo"),
            ("<p>One</p>\n\n\n<p>Two</p>", "One\n\nTwo"),
            ("<p>One<p>Two</p></p>", "One\n\nTwo"),
            ("<p></p><p>  </p><p>Only</p><p></p>", "Only"),
            ("One\n\n\n\nTwo", "One\n\nTwo"),
            ("<p>Wrapped\nline</p>", "Wrapped\nline"),
            ("Text</p>more", "Text\n\nmore"),
        ]);
    }

    /// `<code>` and Markdown code spans: content verbatim, fences per CommonMark.
    #[test]
    fn code_spans() {
        check(&[
            ("<code>x</code>", "`x`"),
            ("Use <code>a`b</code> here", "Use ``a`b`` here"),
            ("<code>`x</code>", "`` `x ``"),
            ("<code>&lt;key&gt; &amp; [x]</code>", "`<key> & [x]`"),
            ("<code></code>", ""),
            ("<code>a</code><code>b</code>", "`ab`"),
            ("a `b [c] <d>` e", "a `b [c] <d>` e"),
            ("`` a`b ``", "``a`b``"),
            ("`&lt;`", "`&lt;`"),
            ("it`s", "it\\`s"),
            ("<code>a\nb</code>", "`a b`"),
            ("<code>unclosed", "`unclosed`"),
            ("<code>x</p><p>y", "`x`\n\ny"),
        ]);
    }

    /// HTML and Markdown links; relative targets made absolute.
    #[test]
    fn links() {
        check(&[
            (r#"<a href="https://example.com/x">text</a>"#, "[text](https://example.com/x)"),
            (r#"<a href="/docs/x">the docs</a>"#, "[the docs](https://stripe.com/docs/x)"),
            (r#"<a href='/docs/x?a=1&amp;b=2'>q</a>"#, "[q](https://stripe.com/docs/x?a=1&b=2)"),
            (r#"<a href="mailto:a@b.com">mail</a>"#, "[mail](mailto:a@b.com)"),
            (r##"<a href="#anchor">here</a>"##, "[here](#anchor)"),
            (r#"<a href="/x"><code>id</code></a>"#, "[`id`](https://stripe.com/x)"),
            (r#"a<a href="/x"> spaced </a>."#, "a [spaced](https://stripe.com/x) ."),
            (r#"<a href="/x"></a>gone"#, "gone"),
            (r#"<a name="top">anchor</a>"#, "anchor"),
            (r#"<a href="/x">see [1]</a>"#, "[see \\[1\\]](https://stripe.com/x)"),
            (r#"<a href="/a(b)">x</a>"#, "[x](https://stripe.com/a\\(b\\))"),
            (r#"<a href="/x">unclosed"#, "[unclosed](https://stripe.com/x)"),
            (r#"<a href="crate::Foo">Foo</a>"#, "Foo"),
            ("See [the docs](/docs/x).", "See [the docs](https://stripe.com/docs/x)."),
            (
                "Set of [key-value pairs](https://stripe.com/docs/api/metadata) that you can attach.",
                "Set of [key-value pairs](https://stripe.com/docs/api/metadata) that you can attach.",
            ),
            ("[a](#frag) [b](mailto:x@y.z)", "[a](#frag) [b](mailto:x@y.z)"),
            ("[a [nested] b](/x)", "[a \\[nested\\] b](https://stripe.com/x)"),
            ("[a](/x \"title\")", "[a](https://stripe.com/x)"),
            ("[`code`](/x)", "[`code`](https://stripe.com/x)"),
            ("[<code>code</code>](/x)", "[`code`](https://stripe.com/x)"),
            ("![logo](/img.png)", "![logo](https://stripe.com/img.png)"),
            ("[](/x)", "[https://stripe.com/x](https://stripe.com/x)"),
            ("![](/i.png)", "![](https://stripe.com/i.png)"),
            ("&#33;[a](/x)", "\\![a](https://stripe.com/x)"),
        ]);
    }

    /// `<b>`/`<strong>`/`<em>`/`<i>`, balanced and hugging their text.
    #[test]
    fn emphasis() {
        check(&[
            ("<strong>bold</strong> and <b>b</b>", "**bold** and **b**"),
            ("<em>it</em> and <i>i</i>", "*it* and *i*"),
            ("a<strong> bold </strong>b", "a **bold** b"),
            ("<strong></strong>x", "x"),
            ("<b>a<p>b</b>", "**a**\n\n**b**"),
            ("<b><b>x</b></b>", "**x**"),
            ("x</b>y", "xy"),
            ("<b>open", "**open**"),
        ]);
    }

    /// `<br>` in its spellings.
    #[test]
    fn line_breaks() {
        check(&[
            ("a<br>b", "a\\\nb"),
            ("a<br/>b<br />c", "a\\\nb\\\nc"),
            ("a<br><br>b", "a\n\nb"),
            ("<p>a<br></p>", "a"),
            ("<br>a", "a"),
        ]);
    }

    /// `<ul>`/`<ol>`/`<li>`, nested, with paragraphs inside items.
    #[test]
    fn lists() {
        check(&[
            ("<ul><li>a</li><li>b</li></ul>", "- a\n- b"),
            (
                "Intro:<ul><li>a</li><li>b</li></ul>After",
                "Intro:\n\n- a\n- b\n\nAfter",
            ),
            ("<ol><li>a</li><li>b</li></ol>", "1. a\n2. b"),
            (r#"<ol start="3"><li>a</li></ol>"#, "3. a"),
            (
                "<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>",
                "- a\n  - b\n- c",
            ),
            ("<ul><li><p>a</p><p>b</p></li></ul>", "- a\n\n  b"),
            ("<ul>\n  <li>\n    a\n  </li>\n</ul>", "- a"),
            ("<li>stray</li>", "- stray"),
            ("<ul><li>a\nb</li></ul>", "- a\n  b"),
        ]);
    }

    /// `<pre>` and Markdown fences become ```` ```text ```` blocks (never doctests).
    #[test]
    fn code_blocks() {
        check(&[
            (
                "<pre>let x = 1;\n  y</pre>",
                "```text\nlet x = 1;\n  y\n```",
            ),
            (
                "<p>Ex:</p><pre><code>a &lt; b\n[c]</code></pre><p>Done</p>",
                "Ex:\n\n```text\na < b\n[c]\n```\n\nDone",
            ),
            ("<pre>a ``` b</pre>", "````text\na ``` b\n````"),
            (
                "<ul><li>x<pre>code</pre></li></ul>",
                "- x\n\n  ```text\n  code\n  ```",
            ),
            (
                "Text\n```\nfn main() {}\n```\nMore",
                "Text\n\n```text\nfn main() {}\n```\n\nMore",
            ),
            ("```json\n{\"a\": [1]}\n```", "```text\n{\"a\": [1]}\n```"),
            ("<pre>unclosed", "```text\nunclosed\n```"),
        ]);
    }

    /// Unknown tags are dropped with their text kept; comments vanish.
    #[test]
    fn unknown_tags_and_comments() {
        check(&[
            (
                r#"<span class="x">kept</span> <div>block</div>"#,
                "kept\n\nblock",
            ),
            ("a<!-- hidden -->b", "ab"),
            ("<table><tr><td>a</td><td>b</td></tr></table>", "a b"),
        ]);
    }

    /// Entities are decoded; decoded characters stay literal text.
    #[test]
    fn entities() {
        check(&[
            ("&amp; &lt; &gt; &quot; &#39; &apos;", "& &lt; &gt; \" ' '"),
            ("a&nbsp;b", "a\u{a0}b"),
            ("&#65;&#x42;&#X43;", "ABC"),
            ("&#91;x&#93;", "\\[x\\]"),
            ("&#0; &#x110000;", "\u{fffd} \u{fffd}"),
            (
                "AT&T & co &amp c &unknown; &",
                "AT&T & co &amp c &unknown; &",
            ),
            ("&amp;lt;", "&amp;lt;"),
            ("&#42;not emphasis&#42;", "\\*not emphasis\\*"),
        ]);
    }

    /// Bare URLs are wrapped as autolinks, without trailing punctuation.
    #[test]
    fn bare_urls() {
        check(&[
            ("See https://example.com/a.", "See <https://example.com/a>."),
            (
                "(see https://example.com/a_(b)), ok",
                "(see <https://example.com/a_(b)>), ok",
            ),
            (
                "Visit http://x.io, or https://y.io/p?q=1&r=2!",
                "Visit <http://x.io>, or <https://y.io/p?q=1&r=2>!",
            ),
            (
                "<https://already.com/x> stays",
                "<https://already.com/x> stays",
            ),
            ("Mail <a@b.co>", "Mail <a@b.co>"),
            ("url:https://x.com/a`b`", "url:<https://x.com/a>`b`"),
            ("`https://x.com` in code", "`https://x.com` in code"),
            ("https:// alone", "https:// alone"),
            (
                r#"<p>https://x.com/&lt;id&gt;</p>"#,
                "<https://x.com/>&lt;id&gt;",
            ),
        ]);
    }

    /// Brackets outside links are escaped (rustdoc would see broken intra-doc links).
    #[test]
    fn brackets() {
        check(&[
            ("Use metadata[key] here", "Use metadata\\[key\\] here"),
            ("[redacted]", "\\[redacted\\]"),
            ("a [b] (c)", "a \\[b\\] (c)"),
            ("[^1] and [x][y]", "\\[^1\\] and \\[x\\]\\[y\\]"),
            ("already \\[escaped\\]", "already \\[escaped\\]"),
            ("items[] = ]", "items\\[\\] = \\]"),
        ]);
    }

    /// `<`/`>` left in text are escaped (rustdoc would see unclosed HTML tags).
    #[test]
    fn angle_brackets() {
        check(&[
            ("a < b > c", "a &lt; b &gt; c"),
            ("x <y 5> z", "x &lt;y 5&gt; z"),
            ("</docs/x>", "&lt;/docs/x&gt;"),
            ("&lt;script&gt;", "&lt;script&gt;"),
            ("\\<tag\\>", "&lt;tag&gt;"),
            ("> quoted", "&gt; quoted"),
        ]);
    }

    /// Markdown escapes are kept; other backslashes are literal.
    #[test]
    fn backslashes() {
        check(&[
            ("C:\\path\\to", "C:\\\\path\\\\to"),
            ("a\\<code>x</code>", "a&lt;code&gt;x"),
            ("a\\&#91;", "a\\&#91;"),
            ("end\\\n\nnext", "end\\\\\n\nnext"),
            ("a\\`b`", "a\\`b\\`"),
            ("line\\\nbreak", "line\\\nbreak"),
        ]);
    }

    /// No line may start an indented code block (rustdoc compiles those as doctests).
    #[test]
    fn indentation() {
        check(&[
            ("Para\n\n    not code", "Para\n\nnot code"),
            ("a\n        b", "a\nb"),
            ("a\n\tb", "a\nb"),
            ("- a\n  - b", "- a\n  - b"),
            ("<p>x</p>\n    <p>y</p>", "x\n\ny"),
            ("&#32;&#32;&#32;&#32;code", "code"),
        ]);
    }

    /// Text that would turn a list item into a thematic break or table, or open a code block.
    #[test]
    fn block_structure_hazards() {
        check(&[
            ("<ul><li>---</li></ul>", "- \\---"),
            ("<ul><li>a<ul><li>|</li></ul></li></ul>", "- a\n  - \\|"),
            ("<ul><li>a: b</li><li>: x</li></ul>", "- a: b\n- \\: x"),
            (
                "<ol><li>a<ol start=\"5\"><li>b</li></ol></li></ol>",
                "1. a\n   1. b",
            ),
            ("<ul><li></li><li>b</li></ul>", "- b"),
            ("<ul><li>a</li><li></li></ul>after", "- a\n\nafter"),
            ("<ul><li><ul><li>deep</li></ul></li></ul>", "- - deep"),
            ("<ul><li><pre>x</pre></li></ul>", "- ```text\n  x\n  ```"),
            ("~~~\ncode\n~~~", "```text\ncode\n```"),
            ("<p>~~~</p>", "\\~~~"),
            ("&#126;&#126;&#126;", "\\~\\~\\~"),
            ("-     x", "- x"),
            ("a\t\tb", "a b"),
            ("x!<a href=\"/y\">y</a>", "x\\![y](https://stripe.com/y)"),
            ("[a\n- b](/x)", "[a - b](https://stripe.com/x)"),
            (r#"<a href="/x">a<br>b</a>"#, "[a b](https://stripe.com/x)"),
            ("hhttps://y.com", "h<https://y.com>"),
        ]);
    }

    /// Headings and other Markdown written by the author are left alone.
    #[test]
    fn markdown_passes_through() {
        check(&[
            ("# Title\n\nText", "# Title\n\nText"),
            ("#hashtag", "#hashtag"),
            ("**bold** _it_", "**bold** _it_"),
        ]);
    }

    /// Non-ASCII text is preserved exactly.
    #[test]
    fn utf8() {
        check(&[
            (
                "VerificationSession’s café — 日本",
                "VerificationSession’s café — 日本",
            ),
            ("<p>é</p><p>’</p>", "é\n\n’"),
        ]);
    }

    /// Unclosed and stray syntax is kept as text.
    #[test]
    fn malformed_input() {
        check(&[
            ("<", "&lt;"),
            ("<p", "&lt;p"),
            ("<a href=\"x", "&lt;a href=\"x"),
            ("</", "&lt;/"),
            ("&", "&"),
            ("&#", "&#"),
            ("&#x;", "&#x;"),
            ("`", "\\`"),
            ("```", ""),
            ("[", "\\["),
            ("[x](", "\\[x\\]("),
            ("<!-- unclosed", "&lt;!-- unclosed"),
        ]);
    }

    #[test]
    fn stripe_description() {
        let input = "<p>Redact a VerificationSession.</p>\n\n<p>A session in <code>requires_input</code> <a href=\"/docs/identity/how-sessions-work\">status</a> can be redacted; the VerificationSession’s <code>redaction.status</code> becomes <code>processing</code>.</p>";
        let expected = "Redact a VerificationSession.\n\nA session in `requires_input` [status](https://stripe.com/docs/identity/how-sessions-work) can be redacted; the VerificationSession’s `redaction.status` becomes `processing`.";
        assert_eq!(to_markdown(input, SITE), expected);
    }

    #[test]
    fn site_without_trailing_slash_is_enforced() {
        assert_eq!(
            to_markdown("[x](/a)", "https://stripe.com/"),
            "[x](https://stripe.com/a)"
        );
        assert_eq!(
            to_markdown("[x](docs/a)", SITE),
            "[x](https://stripe.com/docs/a)"
        );
        assert_eq!(
            to_markdown("[x](//cdn.example.com/a)", SITE),
            "[x](https://cdn.example.com/a)"
        );
    }

    #[test]
    fn crlf_is_normalised() {
        assert_eq!(
            to_markdown("<p>a</p>\r\n\r\n<p>b\r\nc</p>", SITE),
            "a\n\nb\nc"
        );
    }

    #[test]
    fn output_is_trimmed_and_deterministic() {
        let input = "\n\n<p> Hi <b>there</b> </p>\n\n";
        let first = to_markdown(input, SITE);
        assert_eq!(first, "Hi **there**");
        assert_eq!(first, to_markdown(input, SITE));
    }

    /// Pseudo-random inputs from tricky fragments: must never panic, and the output must be
    /// trimmed, free of runs of blank lines outside code blocks, and deterministic.
    #[test]
    fn never_panics_on_fragment_soup() {
        #[rustfmt::skip]
        const FRAGMENTS: &[&str] = &[
            "<p>", "</p>", "<code>", "</code>", "[", "]", "(", ")", "<", ">", "&amp;", "&", "&#", "&#x41;", ";", "&lt;",
            "https://x.y/z", "’", "é", "日本", " ", "    ", "\n", "\n\n", "\n    ", "\t", "\r\n", "`", "``", "```",
            "~~~", "\\", "<a href=\"/d\">", "<a href=\"tel:1\">", "</a>", "<ul>", "</ul>", "<ol>", "</ol>", "<li>",
            "</li>", "<pre>", "</pre>", "<br>", "<b>", "</b>", "<em>", "*", "_", "#", "- ", "-", "|", ":", "1. ", "text",
            "[t](/x)", "](/x)", "![", "<https://a.b>", "<!--", "-->", "\"", "'", "=", "&#32;", "&nbsp;", "\u{0}",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            // xorshift64*: deterministic, no dependencies.
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            state.wrapping_mul(0x2545_F491_4F6C_DD1D)
        };
        for _ in 0..2000 {
            let len = (next() % 40) as usize;
            let input: String = (0..len)
                .map(|_| FRAGMENTS[(next() % FRAGMENTS.len() as u64) as usize])
                .collect();
            let out = to_markdown(&input, SITE);
            assert_eq!(out.trim_matches([' ', '\t', '\n']), out, "{input:?}");
            assert!(!out.contains('\r'), "{input:?} -> {out:?}");
            assert!(
                out.contains("```") || !out.contains("\n\n\n"),
                "{input:?} -> {out:?}"
            );
            assert_eq!(out, to_markdown(&input, SITE));
        }
    }
}
