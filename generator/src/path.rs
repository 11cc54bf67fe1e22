//! Path templates (`/v1/items/{item}/redact`) split into literal text and parameter names.

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Literal(String),
    Param(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pub parts: Vec<Part>,
}

impl Template {
    pub fn params(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Param(name) => Some(name.as_str()),
            Part::Literal(_) => None,
        })
    }
}

/// Splits a template; unbalanced or empty braces and a name used twice are errors.
pub fn parse_template(path: &str) -> Result<Template, String> {
    if !path.starts_with('/') {
        return Err(format!("path `{path}` must start with `/`"));
    }
    let mut parts = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        match rest.find(['{', '}']) {
            None => {
                parts.push(Part::Literal(rest.to_owned()));
                break;
            }
            Some(i) if rest[i..].starts_with('}') => {
                return Err(format!("path `{path}` has a `}}` without a matching `{{`"));
            }
            Some(i) => {
                if i > 0 {
                    parts.push(Part::Literal(rest[..i].to_owned()));
                }
                let after = &rest[i + 1..];
                let Some(end) = after.find('}') else {
                    return Err(format!("path `{path}` has a `{{` that is never closed"));
                };
                let name = &after[..end];
                if name.is_empty() || name.contains('{') {
                    return Err(format!("path `{path}` has an empty or nested `{{}}`"));
                }
                if parts
                    .iter()
                    .any(|p| matches!(p, Part::Param(n) if n == name))
                {
                    return Err(format!("path `{path}` names `{{{name}}}` twice"));
                }
                parts.push(Part::Param(name.to_owned()));
                rest = &after[end + 1..];
            }
        }
    }
    Ok(Template { parts })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Part::*;

    fn lit(s: &str) -> Part {
        Literal(s.to_owned())
    }
    fn param(s: &str) -> Part {
        Param(s.to_owned())
    }

    #[test]
    fn templates() {
        let ok: &[(&str, Vec<Part>)] = &[
            ("/v1/items", vec![lit("/v1/items")]),
            (
                "/v1/identity/verification_sessions/{session}/redact",
                vec![
                    lit("/v1/identity/verification_sessions/"),
                    param("session"),
                    lit("/redact"),
                ],
            ),
            ("/{a}/{b}", vec![lit("/"), param("a"), lit("/"), param("b")]),
            (
                "/files/{id}.json",
                vec![lit("/files/"), param("id"), lit(".json")],
            ),
            ("/", vec![lit("/")]),
        ];
        for (path, parts) in ok {
            assert_eq!(
                parse_template(path).map(|t| t.parts).as_ref(),
                Ok(parts),
                "{path}"
            );
        }
        for bad in ["/a/{b", "/a/b}", "/a/{}", "/a/{{b}}", "/{a}/{a}", "a/b"] {
            assert!(parse_template(bad).is_err(), "{bad} should be rejected");
        }
    }
}
