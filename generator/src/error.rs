//! Problems found in a spec or config, each with the file and a JSON pointer into it.

use std::fmt;

/// One problem, located by file and JSON pointer (RFC 6901), e.g.
/// `specs/x.yaml#/paths/~1v1~1items/post/responses/200`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SpecError {
    pub file: String,
    /// The JSON pointer, starting with `/` (empty for the whole document).
    pub pointer: String,
    /// Where the text parser stopped, for syntax errors (1-based line and column).
    pub line_col: Option<(usize, usize)>,
    pub message: String,
}

impl SpecError {
    pub fn new(file: &str, pointer: &Pointer, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            pointer: pointer.0.clone(),
            line_col: None,
            message: message.into(),
        }
    }

    /// `file#/pointer`, the location as a person pastes it.
    pub fn location(&self) -> String {
        match self.line_col {
            Some((line, col)) => format!("{}:{line}:{col}", self.file),
            None => format!("{}#{}", self.file, self.pointer),
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)
    }
}

/// Every problem found, in document order. Generation writes nothing when there is any.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct SpecErrors(pub Vec<SpecError>);

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        writeln!(
            f,
            "{n} problem{} in the spec:",
            if n == 1 { "" } else { "s" }
        )?;
        for e in &self.0 {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}

/// A JSON pointer being built while walking a document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pointer(String);

impl Pointer {
    pub fn root() -> Self {
        Self(String::new())
    }

    /// Parses the fragment of a local `$ref` (`#/components/schemas/x`).
    pub fn from_fragment(fragment: &str) -> Self {
        Self(fragment.trim_start_matches('#').to_owned())
    }

    /// The pointer one step down, escaping `~` and `/` as RFC 6901 says.
    pub fn push(&self, segment: impl fmt::Display) -> Self {
        let seg = segment.to_string().replace('~', "~0").replace('/', "~1");
        Self(format!("{}/{seg}", self.0))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_slash_and_tilde() {
        let p = Pointer::root()
            .push("paths")
            .push("/v1/a~b/{id}")
            .push("post");
        assert_eq!(p.as_str(), "/paths/~1v1~1a~0b~1{id}/post");
        let e = SpecError::new("specs/x.yaml", &p, "boom");
        assert_eq!(
            e.to_string(),
            "specs/x.yaml#/paths/~1v1~1a~0b~1{id}/post: boom"
        );
    }
}
