{{ header }}
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

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

// Hand-written rather than `#[serde(untagged)]`, so an error inside an expanded object keeps
// its exact JSON path instead of "data did not match any variant".
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Expandable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct IdOrObject<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for IdOrObject<T> {
            type Value = Expandable<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an id string or an object")
            }

            fn visit_str<E: de::Error>(self, id: &str) -> std::result::Result<Self::Value, E> {
                Ok(Expandable::Id(id.to_owned()))
            }

            fn visit_string<E: de::Error>(self, id: String) -> std::result::Result<Self::Value, E> {
                Ok(Expandable::Id(id))
            }

            fn visit_map<M: MapAccess<'de>>(self, map: M) -> std::result::Result<Self::Value, M::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(|o| Expandable::Object(Box::new(o)))
            }
        }

        deserializer.deserialize_any(IdOrObject(PhantomData))
    }
}
