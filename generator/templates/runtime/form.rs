{{ header }}
{%- if uses_form_body || uses_query %}
use serde::Serialize;
{%- endif %}
use serde_json::Value;
{%- if uses_form_body || uses_query %}

use super::error::{InvalidArgument, Result};
{%- endif %}

{%- if uses_form_body %}
/// Encodes parameters as `application/x-www-form-urlencoded` the way the API reads them:
/// nested objects as `a[b]=v`, arrays as `a[0]=v`, booleans as `true`/`false`; absent values
/// are left out.
pub(crate) fn form_encode<T: Serialize>(params: &T) -> Result<String> {
    let value = serde_json::to_value(params).map_err(|e| InvalidArgument::new("params", e.to_string()))?;
    let mut pairs = Vec::new();
    if let Value::Object(fields) = &value {
        for (key, v) in fields {
            flatten(&mut pairs, key.clone(), v);
        }
    }
    Ok(encode(&pairs))
}
{%- endif %}
{%- if uses_query %}

/// A query string built one parameter at a time, each in its declared style.
pub(crate) struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    pub(crate) fn new() -> Self {
        Query { pairs: Vec::new() }
    }

    /// Adds a parameter: `deep` is OpenAPI's `deepObject` style (`a[b]=v`, `a[0]=v`, as the
    /// API reads nested values); otherwise `form` style with `explode` (`a=v`, arrays as
    /// `a=v1&a=v2`, objects as their members).
    pub(crate) fn push<T: Serialize>(&mut self, name: &str, value: Option<&T>, deep: bool) -> Result<()> {
        let Some(value) = value else { return Ok(()) };
        let value = serde_json::to_value(value).map_err(|e| InvalidArgument::new(name, e.to_string()))?;
        match (value, deep) {
            (Value::Array(items), false) => {
                for item in &items {
                    flatten(&mut self.pairs, name.to_owned(), item);
                }
            }
            (Value::Object(fields), false) => {
                for (k, v) in &fields {
                    flatten(&mut self.pairs, k.clone(), v);
                }
            }
            (value, _) => flatten(&mut self.pairs, name.to_owned(), &value),
        }
        Ok(())
    }

    /// The encoded query, or `None` when no parameter was set.
    pub(crate) fn finish(self) -> Option<String> {
        (!self.pairs.is_empty()).then(|| encode(&self.pairs))
    }
}
{%- endif %}

{%- if uses_form_body || uses_query %}
fn encode(pairs: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}
{%- endif %}

/// Appends `value` under `key` as form pairs: nested objects as `key[k]`, arrays as `key[0]`.
pub(super) fn flatten(pairs: &mut Vec<(String, String)>, key: String, value: &Value) {
    match value {
        Value::Null => {}
        Value::Bool(b) => pairs.push((key, b.to_string())),
        Value::Number(n) => pairs.push((key, n.to_string())),
        Value::String(s) => pairs.push((key, s.clone())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(pairs, format!("{key}[{i}]"), item);
            }
        }
        Value::Object(fields) => {
            for (k, v) in fields {
                flatten(pairs, format!("{key}[{k}]"), v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

{%- if uses_form_body %}
    #[test]
    fn forms_nest_like_the_api_expects() {
        let v = serde_json::json!({
            "expand": ["a", "b.c"],
            "metadata": {"k": "v w", "n": null},
            "flag": true,
            "amount": 100,
            "absent": null,
        });
        assert_eq!(
            form_encode(&v).unwrap(),
            "amount=100&expand%5B0%5D=a&expand%5B1%5D=b.c&flag=true&metadata%5Bk%5D=v+w"
        );
        assert_eq!(form_encode(&serde_json::json!({})).unwrap(), "");
    }
{%- endif %}
{%- if uses_query %}

    #[test]
    fn query_parameters_follow_their_style() {
        let mut q = Query::new();
        q.push("limit", Some(&3), false).unwrap();
        q.push("ids", Some(&["a", "b"]), false).unwrap();
        q.push("expand", Some(&["x"]), true).unwrap();
        q.push("created", Some(&serde_json::json!({"gte": 1})), true).unwrap();
        q.push("absent", None::<&String>, false).unwrap();
        assert_eq!(q.finish().unwrap(), "limit=3&ids=a&ids=b&expand%5B0%5D=x&created%5Bgte%5D=1");
        assert_eq!(Query::new().finish(), None);
    }
{%- endif %}
}
