// {{ header|comment }}
//! JSON decoding: one way for every type, and where in a document a decoding error happened.

use serde::de::DeserializeOwned;

/// Decodes `text` as `T`. Responses and union members all decode through here, with the same
/// deserializer type, so each type's decoding code is compiled once, not once per route.
pub(crate) fn decode_str<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// Decodes a union member or an expanded object from its own JSON text; an error says where
/// inside it.
pub(crate) fn decode_member<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    decode_str(text).map_err(|e| match json_path_at(text.as_bytes(), e.line(), e.column()).as_str() {
        "." => e.to_string(),
        path => format!("at `{path}` inside: {e}"),
    })
}
{%- if uses_objects %}

/// A type the API sends as a JSON object, decoded by code the generator writes for it.
///
/// Not serde's derive: that also writes a decoder from JSON arrays and a per-type key type,
/// which for a binding of thousands of types is most of its build time. Keys are read as
/// [`Key`], one type for all objects, and a repeated key keeps its last value.
pub(crate) trait FromObject: Sized {
    /// The type's name, for "expected …" messages.
    const NAME: &'static str;

    /// The members the spec declares, as the API spells them. A deserializer that serves
    /// several types from one object (serde's `flatten`) hands this type only these.
    const FIELDS: &'static [&'static str];

    /// Reads the object's members.
    fn from_map<'de, A: serde::de::MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// `Deserialize::deserialize` for every [`FromObject`] type.
pub(crate) fn deserialize_object<'de, T: FromObject, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    struct ObjectVisitor<T>(std::marker::PhantomData<T>);

    impl<'de, T: FromObject> serde::de::Visitor<'de> for ObjectVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "a `{}` object", T::NAME)
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::from_map(map)
        }
    }

    deserializer.deserialize_struct(T::NAME, T::FIELDS, ObjectVisitor(std::marker::PhantomData))
}

/// An object member's key: borrowed from the input unless it had escapes.
pub(crate) struct Key<'de>(std::borrow::Cow<'de, str>);

impl Key<'_> {
    pub(crate) fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl std::ops::Deref for Key<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> serde::de::Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object key")
            }

            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
            }

            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v)))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

/// The members of an object's `extra` map that do not repeat a declared one, in the order
/// they are written.
#[cfg(feature = "serialize")]
pub(crate) fn undeclared<T: FromObject>(
    extra: &serde_json::Map<String, serde_json::Value>,
) -> impl Iterator<Item = (&String, &serde_json::Value)> + Clone {
    extra.iter().filter(|(key, _)| !T::FIELDS.contains(&key.as_str()))
}

{%- if uses_required %}

/// A required member's value, or serde's "missing field" error.
pub(crate) fn required<T, E: serde::de::Error>(value: Option<T>, field: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(field))
}
{%- endif %}
{%- endif %}
{%- if uses_union_tags %}

/// The `object` and `deleted` members of a union's JSON, which say which member it is.
pub(crate) fn union_tag(text: &str) -> (Option<String>, bool) {
    #[derive(serde::Deserialize)]
    struct Tag {
        object: Option<String>,
        deleted: Option<bool>,
    }
    match decode_str::<Tag>(text) {
        Ok(tag) => (tag.object, tag.deleted.unwrap_or(false)),
        Err(_) => (None, false),
    }
}
{%- endif %}
{%- if uses_discriminator %}

/// The string value of a union's discriminator member (`property`), if the object has one.
/// Other members are skipped without being decoded.
pub(crate) fn discriminator(text: &str, property: &str) -> Option<String> {
    struct TagVisitor<'p>(&'p str);

    impl<'de> serde::de::Visitor<'de> for TagVisitor<'_> {
        type Value = Option<String>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object")
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut found = None;
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if key == self.0 && found.is_none() {
                    found = map.next_value::<Option<String>>().ok().flatten();
                } else {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
            Ok(found)
        }
    }

    let mut de = serde_json::Deserializer::from_str(text);
    serde::Deserializer::deserialize_map(&mut de, TagVisitor(property)).ok().flatten()
}
{%- endif %}

/// The path of the value being read at serde_json's error position (1-based `line`, 1-based
/// byte `column`; `0` means the end of the input). Keys are joined with `.`, array indexes
/// written `[i]`; `.` is the document itself. For a missing field, which serde_json reports
/// when the object closes, the path names that object and the message names the field.
pub(crate) fn json_path_at(body: &[u8], line: usize, column: usize) -> String {
    let offset = byte_offset(body, line, column);
    // One entry per open object or array: the current key or index.
    enum Frame {
        Object { key: Option<String>, after_colon: bool },
        Array { index: usize },
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < offset.min(body.len()) {
        match body[i] {
            b'{' => stack.push(Frame::Object { key: None, after_colon: false }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b':' => {
                if let Some(Frame::Object { after_colon, .. }) = stack.last_mut() {
                    *after_colon = true;
                }
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { key, after_colon }) => {
                    *key = None;
                    *after_colon = false;
                }
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            b'"' => {
                let start = i + 1;
                i = start;
                while i < body.len() && body[i] != b'"' {
                    i += if body[i] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object { key, after_colon: false }) = stack.last_mut() {
                    let raw = &body[start..i.min(body.len())];
                    *key = Some(unescape(raw));
                }
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object { key: Some(key), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object { key: None, .. } => break,
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    if path.is_empty() {
        ".".to_owned()
    } else {
        path
    }
}

fn byte_offset(body: &[u8], line: usize, column: usize) -> usize {
    if line == 0 {
        return body.len();
    }
    let mut start = 0;
    for _ in 1..line {
        match body[start..].iter().position(|&b| b == b'\n') {
            Some(n) => start += n + 1,
            None => return body.len(),
        }
    }
    (start + column).min(body.len())
}

/// A key as written, with JSON escapes resolved (keys are nearly always plain ASCII).
fn unescape(raw: &[u8]) -> String {
    let quoted = [b"\"".as_slice(), raw, b"\""].concat();
    serde_json::from_slice::<String>(&quoted).unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned())
}

#[cfg(test)]
mod tests {
    use super::json_path_at;

    /// The path serde_json's own error for decoding `json` as `T` points at.
    fn path_of<T: serde::de::DeserializeOwned + std::fmt::Debug>(json: &str) -> String {
        let e = serde_json::from_str::<T>(json).unwrap_err();
        json_path_at(json.as_bytes(), e.line(), e.column())
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        status: String,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        id: String,
        redaction: Option<Inner>,
        data: Vec<Inner>,
    }

    #[test]
    fn paths_name_the_failing_value() {
        let ok_inner = r#"{"status": "x"}"#;
        assert_eq!(path_of::<Outer>(r#"{"id": "a", "redaction": {"status": 5}, "data": []}"#), "redaction.status");
        assert_eq!(path_of::<Outer>(r#"{"id": 7, "redaction": null, "data": []}"#), "id");
        let json = [r#"{"id": "a", "redaction": null, "data": ["#, ok_inner, ", ", ok_inner, r#", { "status": false }]}"#].concat();
        assert_eq!(path_of::<Outer>(&json), "data[2].status");
        let pretty = "{\n  \"id\": \"a\",\n  \"data\": [\n    {\"status\": \"ok\"},\n    {\"status\": [1]}\n  ]\n}";
        assert_eq!(path_of::<Outer>(pretty), "data[1].status");
        assert_eq!(path_of::<Outer>(r#"{"i\u0064": 1, "redaction": null, "data": []}"#), "id", "escaped keys");
        assert_eq!(path_of::<Outer>(r#"{"id": "a\"b,{[", "redaction": {"status": 1}, "data": []}"#), "redaction.status");
        // A missing field is reported once its object has closed: the path names that object.
        assert_eq!(path_of::<Outer>(r#"{"redaction": null, "data": []}"#), ".");
        assert_eq!(path_of::<Outer>(r#"{"id": "a", "redaction": {}, "data": []}"#), "redaction");
        assert_eq!(path_of::<Outer>(r#"{"id": "a", "data": [{"status": "x"}, {}]}"#), "data[1]");
        assert_eq!(path_of::<Outer>("[1]"), "[0]", "a struct sent as an array");
        assert_eq!(path_of::<Outer>(r#"{"id": "a""#), "id", "cut short: where it stopped");
    }
}
