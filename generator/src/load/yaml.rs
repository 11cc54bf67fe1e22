//! YAML read straight into a JSON tree, for the documents YAML allows and JSON does not.
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Number, Value};

/// A YAML document as JSON.
pub struct Tree(pub Value);

impl<'de> Deserialize<'de> for Tree {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TreeVisitor).map(Tree)
    }
}

/// A mapping key: YAML allows any scalar (`200:`, `true:`); JSON keys are strings.
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Tree::deserialize(d)?.0 {
            Value::String(s) => Ok(Key(s)),
            Value::Number(n) => Ok(Key(n.to_string())),
            Value::Bool(b) => Ok(Key(b.to_string())),
            Value::Null => Ok(Key("null".to_owned())),
            _ => Err(de::Error::custom(
                "a mapping key must be a string, number or boolean",
            )),
        }
    }
}

struct TreeVisitor;

fn float<E: de::Error>(f: f64) -> Result<Value, E> {
    Number::from_f64(f)
        .map(Value::Number)
        .ok_or_else(|| E::custom(format!("the number {f} has no JSON form")))
}

impl<'de> Visitor<'de> for TreeVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Value, E> {
        Ok(Value::from(n))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Value, E> {
        Ok(Value::from(n))
    }
    // Beyond 64 bits: kept as the nearest float.
    fn visit_i128<E: de::Error>(self, n: i128) -> Result<Value, E> {
        float(n as f64)
    }
    fn visit_u128<E: de::Error>(self, n: u128) -> Result<Value, E> {
        float(n as f64)
    }
    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Value, E> {
        float(f)
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Tree::deserialize(d).map(|t| t.0)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Tree(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(Key(key)) = access.next_key()? {
            let Tree(value) = access.next_value()?;
            if map.insert(key.clone(), value).is_some() {
                return Err(de::Error::custom(format!(
                    "the key `{key}` appears twice in one mapping"
                )));
            }
        }
        Ok(Value::Object(map))
    }
}

/// Applies YAML merge keys: `<<: *base` (or a list of them) adds the entries of each merged
/// mapping that the mapping does not set itself, the earlier in the list first.
pub fn merge_keys(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(merged) = map.remove("<<") {
                let sources = match merged {
                    Value::Array(items) => items,
                    other => vec![other],
                };
                for source in sources {
                    if let Value::Object(entries) = source {
                        for (k, val) in entries {
                            map.entry(k).or_insert(val);
                        }
                    }
                }
            }
            map.values_mut().for_each(merge_keys);
        }
        Value::Array(items) => items.iter_mut().for_each(merge_keys),
        _ => {}
    }
}
