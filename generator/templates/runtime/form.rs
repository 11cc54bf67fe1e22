// {{ header|comment }}
use serde::ser::{self, Error as _};
use serde::Serialize;

use super::error::{InvalidArgument, Result};

{%- if uses_form_body %}
/// Encodes parameters as `application/x-www-form-urlencoded` the way the API reads them:
/// nested objects as `a[b]=v`, arrays as `a[0]=v`, booleans as `true`/`false`; absent values
/// are left out.
pub(crate) fn form_encode<T: Serialize>(params: &T) -> Result<String> {
    Ok(encode(&form_pairs(params)?))
}
{%- endif %}
{%- if uses_form_body || uses_multipart %}

/// Parameters as form pairs, in the order the struct declares them.
pub(super) fn form_pairs<T: Serialize>(params: &T) -> Result<Vec<(String, String)>> {
    let mut writer = FormWriter { pairs: Vec::new(), key: String::new(), explode: false, depth: 0 };
    params.serialize(&mut writer).map_err(|e| InvalidArgument::new("params", e.to_string()))?;
    Ok(writer.pairs)
}
{%- endif %}

/// A serde serializer that writes form pairs directly, for bodies and query strings alike.
/// Going through `serde_json::Value` instead would compile a second encoder for every
/// parameter type, which in a binding of thousands of types is a measurable part of the build.
struct FormWriter {
    pairs: Vec<(String, String)>,
    /// The key of the value being written, e.g. `metadata[order]`; empty at the top.
    key: String,
    /// A `form`-style query parameter (`explode`): the value's own array items keep its name
    /// (`a=v1&a=v2`) and its own members go by theirs (`gte=1`); deeper values nest as usual.
    explode: bool,
    /// How far below the value being written we are.
    depth: usize,
}

type Done = std::result::Result<(), serde_json::Error>;

impl FormWriter {
    fn leaf(&mut self, text: String) -> Done {
        if self.key.is_empty() {
            return Err(serde_json::Error::custom("parameters must be an object"));
        }
        self.pairs.push((self.key.clone(), text));
        Ok(())
    }

    /// Writes `value` under `key[segment]` (or `segment` at the top); `item` says whether
    /// `segment` is an array index.
    fn nested<T: ?Sized + Serialize>(&mut self, segment: &str, value: &T, item: bool) -> Done {
        let len = self.key.len();
        let mut replaced = None;
        if self.explode && self.depth == 0 {
            // Items keep the parameter's name; members replace it.
            if !item {
                replaced = Some(std::mem::replace(&mut self.key, segment.to_owned()));
            }
        } else if len == 0 {
            self.key.push_str(segment);
        } else {
            self.key.push('[');
            self.key.push_str(segment);
            self.key.push(']');
        }
        self.depth += 1;
        let done = value.serialize(&mut *self);
        self.depth -= 1;
        match replaced {
            Some(key) => self.key = key,
            None => self.key.truncate(len),
        }
        done
    }
}

impl<'a> ser::Serializer for &'a mut FormWriter {
    type Ok = ();
    type Error = serde_json::Error;
    type SerializeSeq = Items<'a>;
    type SerializeTuple = Items<'a>;
    type SerializeTupleStruct = Items<'a>;
    type SerializeTupleVariant = ser::Impossible<(), serde_json::Error>;
    type SerializeMap = Entries<'a>;
    type SerializeStruct = Self;
    type SerializeStructVariant = ser::Impossible<(), serde_json::Error>;

    fn serialize_bool(self, v: bool) -> Done {
        self.leaf(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Done {
        self.leaf(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Done {
        self.leaf(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Done {
        self.leaf(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Done {
        self.leaf(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Done {
        self.leaf(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Done {
        self.leaf(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Done {
        self.leaf(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Done {
        self.leaf(v.to_string())
    }
    fn serialize_f32(self, v: f32) -> Done {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Done {
        // Written as JSON writes numbers (`1.0`, `0.25`); NaN and infinities have no form.
        match serde_json::Number::from_f64(v) {
            Some(n) => self.leaf(n.to_string()),
            None => Err(serde_json::Error::custom(format!("{v} is not a number the API accepts"))),
        }
    }
    fn serialize_char(self, v: char) -> Done {
        self.leaf(v.to_string())
    }
    fn serialize_str(self, v: &str) -> Done {
        self.leaf(v.to_owned())
    }
    fn serialize_bytes(self, v: &[u8]) -> Done {
        for (i, b) in v.iter().enumerate() {
            self.nested(&i.to_string(), b, true)?;
        }
        Ok(())
    }
    fn serialize_none(self) -> Done {
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Done {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Done {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Done {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Done {
        self.leaf(variant.to_owned())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, value: &T) -> Done {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(self, _: &'static str, _: u32, variant: &'static str, value: &T) -> Done {
        self.nested(variant, value, false)
    }
    fn serialize_seq(self, _: Option<usize>) -> std::result::Result<Items<'a>, serde_json::Error> {
        Ok(Items { writer: self, index: 0 })
    }
    fn serialize_tuple(self, _: usize) -> std::result::Result<Items<'a>, serde_json::Error> {
        Ok(Items { writer: self, index: 0 })
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> std::result::Result<Items<'a>, serde_json::Error> {
        Ok(Items { writer: self, index: 0 })
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeTupleVariant, serde_json::Error> {
        Err(serde_json::Error::custom(format!("{name}: tuple variants have no form encoding")))
    }
    fn serialize_map(self, _: Option<usize>) -> std::result::Result<Entries<'a>, serde_json::Error> {
        Ok(Entries { writer: self, key: String::new() })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> std::result::Result<Self, serde_json::Error> {
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeStructVariant, serde_json::Error> {
        Err(serde_json::Error::custom(format!("{name}: struct variants have no form encoding")))
    }
}

impl ser::SerializeStruct for &mut FormWriter {
    type Ok = ();
    type Error = serde_json::Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Done {
        self.nested(key, value, false)
    }
    fn end(self) -> Done {
        Ok(())
    }
}

/// Array items: `key[0]`, `key[1]`, …
struct Items<'a> {
    writer: &'a mut FormWriter,
    index: usize,
}

impl Items<'_> {
    fn item<T: ?Sized + Serialize>(&mut self, value: &T) -> Done {
        let index = self.index;
        self.index += 1;
        self.writer.nested(&index.to_string(), value, true)
    }
}

impl ser::SerializeSeq for Items<'_> {
    type Ok = ();
    type Error = serde_json::Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Done {
        self.item(value)
    }
    fn end(self) -> Done {
        Ok(())
    }
}

impl ser::SerializeTuple for Items<'_> {
    type Ok = ();
    type Error = serde_json::Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Done {
        self.item(value)
    }
    fn end(self) -> Done {
        Ok(())
    }
}

impl ser::SerializeTupleStruct for Items<'_> {
    type Ok = ();
    type Error = serde_json::Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Done {
        self.item(value)
    }
    fn end(self) -> Done {
        Ok(())
    }
}

/// Map entries: `key[k]`.
struct Entries<'a> {
    writer: &'a mut FormWriter,
    key: String,
}

impl ser::SerializeMap for Entries<'_> {
    type Ok = ();
    type Error = serde_json::Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Done {
        self.key = match serde_json::to_value(key)? {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        };
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Done {
        let key = std::mem::take(&mut self.key);
        self.writer.nested(&key, value, false)
    }
    fn end(self) -> Done {
        Ok(())
    }
}
{%- if uses_query %}

/// A query string built one parameter at a time, each in its declared style.
pub(crate) struct Query {
    /// Encoded so far, `&`-separated.
    encoded: String,
}

impl Query {
    pub(crate) fn new() -> Self {
        Query { encoded: String::new() }
    }

    /// Adds a parameter: `deep` is OpenAPI's `deepObject` style (`a[b]=v`, `a[0]=v`, as the
    /// API reads nested values); otherwise `form` style with `explode` (`a=v`, arrays as
    /// `a=v1&a=v2`, objects as their members).
    pub(crate) fn push<T: Serialize>(&mut self, name: &str, value: Option<&T>, deep: bool) -> Result<()> {
        let Some(value) = value else { return Ok(()) };
        let pairs = exploded(name, value, !deep)?;
        let encoded = std::mem::take(&mut self.encoded);
        self.encoded = form_urlencoded::Serializer::new(encoded).extend_pairs(&pairs).finish();
        Ok(())
    }
{%- if uses_query_joined %}

    /// Adds a parameter as one value whose items are joined by `delimiter`, already encoded
    /// (`,` for `form` without `explode`, `%20` for `spaceDelimited`, `%7C` for
    /// `pipeDelimited`); an object's members go as `key,value,…`.
    pub(crate) fn push_joined<T: Serialize>(&mut self, name: &str, value: Option<&T>, delimiter: &str) -> Result<()> {
        let Some(value) = value else { return Ok(()) };
        let pairs = exploded(name, value, true)?;
        if pairs.is_empty() {
            return Ok(());
        }
        let items: Vec<&str> = if pairs.iter().all(|(key, _)| key == name) {
            pairs.iter().map(|(_, v)| v.as_str()).collect()
        } else {
            pairs.iter().flat_map(|(k, v)| [k.as_str(), v.as_str()]).collect()
        };
        let items: Vec<String> = items.into_iter().map(|i| form_urlencoded::byte_serialize(i.as_bytes()).collect()).collect();
        self.raw(name, &items.join(delimiter));
        Ok(())
    }
{%- endif %}
{%- if uses_query_json %}

    /// Adds a parameter as JSON text (a parameter described by `content: application/json`).
    pub(crate) fn push_json<T: Serialize>(&mut self, name: &str, value: Option<&T>) -> Result<()> {
        let Some(value) = value else { return Ok(()) };
        let text = serde_json::to_string(value).map_err(|e| InvalidArgument::new(name, e.to_string()))?;
        let encoded = std::mem::take(&mut self.encoded);
        self.encoded = form_urlencoded::Serializer::new(encoded).append_pair(name, &text).finish();
        Ok(())
    }
{%- endif %}
{%- if uses_query_joined %}

    /// Appends `name=value` with `value` already encoded.
    fn raw(&mut self, name: &str, value: &str) {
        if !self.encoded.is_empty() {
            self.encoded.push('&');
        }
        self.encoded.extend(form_urlencoded::byte_serialize(name.as_bytes()));
        self.encoded.push('=');
        self.encoded.push_str(value);
    }
{%- endif %}

    /// The encoded query, or `None` when no parameter was set.
    pub(crate) fn finish(self) -> Option<String> {
        (!self.encoded.is_empty()).then_some(self.encoded)
    }
}

/// A parameter's value as form pairs under `name`, exploded or nested.
fn exploded<T: Serialize>(name: &str, value: &T, explode: bool) -> Result<Vec<(String, String)>> {
    let mut writer = FormWriter { pairs: Vec::new(), key: name.to_owned(), explode, depth: 0 };
    value.serialize(&mut writer).map_err(|e| InvalidArgument::new(name, e.to_string()))?;
    Ok(writer.pairs)
}
{%- endif %}

{%- if uses_form_body %}
fn encode(pairs: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}
{%- endif %}



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
{%- if uses_query_joined %}

    #[test]
    fn joined_query_parameters_are_one_value() {
        let mut q = Query::new();
        q.push_joined("ids", Some(&["a b", "c,d"]), ",").unwrap();
        q.push_joined("pos", Some(&serde_json::json!({"x": 1, "y": 2})), "%7C").unwrap();
        q.push_joined("none", Some(&Vec::<String>::new()), ",").unwrap();
        assert_eq!(q.finish().unwrap(), "ids=a+b,c%2Cd&pos=x%7C1%7Cy%7C2");
    }
{%- endif %}
}
