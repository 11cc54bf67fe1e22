// {{ header|comment }}
use serde::{Serialize, Serializer};

/// A request value that can also be cleared: the API reads an empty string as "unset this".
///
/// As a parameter, `None` leaves the field alone, `Some(Clearable::Set(v))` sets it and
/// `Some(Clearable::Clear)` sends `field=` to remove the current value.
#[derive(Clone, Debug, PartialEq)]
pub enum Clearable<T> {
    /// Set the field to this value.
    Set(T),
    /// Remove the field's current value (sent as an empty string).
    Clear,
}

impl<T> From<T> for Clearable<T> {
    fn from(value: T) -> Self {
        Clearable::Set(value)
    }
}

impl<T: Serialize> Serialize for Clearable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Clearable::Set(value) => value.serialize(serializer),
            Clearable::Clear => serializer.serialize_str(""),
        }
    }
}
