{{ header }}
use serde::Serialize;
use serde_json::Value;

use super::error::{InvalidArgument, Result};

/// Encodes parameters as `application/x-www-form-urlencoded` the way the API reads them:
/// nested objects as `a[b]=v`, arrays as `a[0]=v`, booleans as `true`/`false`; absent values
/// are left out.
pub(crate) fn form_encode<T: Serialize>(params: &T) -> Result<String> {
    let value = serde_json::to_value(params).map_err(|e| InvalidArgument::new("params", e.to_string()))?;
    let mut out = form_urlencoded::Serializer::new(String::new());
    if let Value::Object(fields) = &value {
        for (key, v) in fields {
            append(&mut out, key, v);
        }
    }
    Ok(out.finish())
}

fn append(out: &mut form_urlencoded::Serializer<'_, String>, key: &str, value: &Value) {
    match value {
        Value::Null => {}
        Value::Bool(b) => {
            out.append_pair(key, if *b { "true" } else { "false" });
        }
        Value::Number(n) => {
            out.append_pair(key, &n.to_string());
        }
        Value::String(s) => {
            out.append_pair(key, s);
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                append(out, &format!("{key}[{i}]"), item);
            }
        }
        Value::Object(fields) => {
            for (k, v) in fields {
                append(out, &format!("{key}[{k}]"), v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
