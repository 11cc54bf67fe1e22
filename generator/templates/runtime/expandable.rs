// {{ header|comment }}
use serde::de::{self, Deserialize, DeserializeOwned, Deserializer};

/// A field the API sends as an id, or as the whole object when the request asked to `expand` it.
#[derive(Clone, Debug, PartialEq)]
pub enum Expandable<T> {
    /// Just the id (the default).
    Id(String),
    /// The expanded object.
    Object(Box<T>),
}

/// Objects that carry their own id, so an [`Expandable`] of them always has one.
pub trait HasId {
    /// The object's id.
    fn id(&self) -> &str;
}

impl<T: HasId> Expandable<T> {
    /// The id, whether or not the object was expanded.
    pub fn id(&self) -> &str {
        match self {
            Expandable::Id(id) => id,
            Expandable::Object(object) => object.id(),
        }
    }
}

impl<T> Expandable<T> {
    /// The object, when it was expanded.
    pub fn as_object(&self) -> Option<&T> {
        match self {
            Expandable::Id(_) => None,
            Expandable::Object(object) => Some(object),
        }
    }

    /// Whether the object was expanded.
    pub fn is_object(&self) -> bool {
        matches!(self, Expandable::Object(_))
    }
}

// Not behind the `serialize` feature: requests send id-or-object values too.
impl<T: serde::Serialize> serde::Serialize for Expandable<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Expandable::Id(id) => serializer.serialize_str(id),
            Expandable::Object(object) => object.serialize(serializer),
        }
    }
}

// An id is a JSON string; anything else is the object. Decoded from the value's own text
// (like union members) so that an expanded union, which needs its raw text, decodes too, and
// each object type's decoder is compiled once.
impl<'de, T: DeserializeOwned> Deserialize<'de> for Expandable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let raw = <Box<serde_json::value::RawValue> as Deserialize>::deserialize(deserializer)?;
        let text = raw.get();
        if text.starts_with('"') {
            super::json::decode_member(text).map(Expandable::Id).map_err(de::Error::custom)
        } else {
            super::json::decode_member(text).map(|o| Expandable::Object(Box::new(o))).map_err(de::Error::custom)
        }
    }
}
