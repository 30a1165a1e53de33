//! The JSON that decoding reads: a `serde_json::Value` built in memory, or a [`Tape`]
//! read straight from text.
//!
//! Decoding asks a document only what [`Json`] offers: what a value is, an object's
//! fields, an array's items. A `Value` answers from memory; a [`Tape`] answers from
//! the text it indexes, which costs a small fraction of a `Value` (a tree read into a
//! `Value` takes about twenty times its text). Both give the same answers, so decoding
//! a text through either gives the same tree and the same errors.
//!
//! [`Tape`]: super::tape::Tape

use std::borrow::Cow;

use serde_json::{Map, Value};

/// The JSON types, as error messages name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    /// `null`.
    Null,
    /// `true` or `false`.
    Boolean,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl JsonType {
    /// The name error messages use (`"object"`).
    pub fn name(self) -> &'static str {
        match self {
            JsonType::Null => "null",
            JsonType::Boolean => "boolean",
            JsonType::Number => "number",
            JsonType::String => "string",
            JsonType::Array => "array",
            JsonType::Object => "object",
        }
    }
}

/// A JSON value as decoding sees it: scalars read, containers left to walk.
#[derive(Debug, Clone)]
pub enum View<'a, J> {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number, as the double JavaScript reads it.
    Number(f64),
    /// A string, borrowed from the document when it can be.
    String(Cow<'a, str>),
    /// An array.
    Array(J),
    /// An object.
    Object(J),
}

/// A JSON value in some document, cheap to copy.
///
/// An object's fields come once each, in the order they first appear, with the last
/// value given for them, as `JSON.parse` and serde_json read duplicate keys.
pub trait Json<'a>: Copy {
    /// The items of an array.
    type Items: Iterator<Item = Self>;
    /// The fields of an object.
    type Fields: Iterator<Item = (Cow<'a, str>, Self)>;

    /// What the value is.
    fn json_type(self) -> JsonType;
    /// The value with its scalar read.
    fn view(self) -> View<'a, Self>;
    /// The string, when the value is one.
    fn as_str(self) -> Option<Cow<'a, str>>;
    /// The array's items; none when the value is not an array.
    fn items(self) -> Self::Items;
    /// The object's fields; none when the value is not an object.
    fn fields(self) -> Self::Fields;
    /// The value of field `key`, when the value is an object that has it.
    fn get(self, key: &str) -> Option<Self>;
    /// How many items or fields the value has (0 for scalars).
    fn len(self) -> usize;
    /// Whether [`Json::len`] is 0.
    fn is_empty(self) -> bool {
        self.len() == 0
    }
    /// The value as a `serde_json::Value`.
    fn to_value(self) -> Value;

    /// Whether arrays and objects nest more than `max` levels in this value (a scalar
    /// is 0 levels, `[]` one). Walks with its own stack: any depth is safe to ask about.
    fn nests_deeper_than(self, max: usize) -> bool {
        // One iterator a level: memory follows the depth, not the width.
        let mut levels: Vec<Level<Self::Items, Self::Fields>> = Vec::new();
        let mut next = Some(self);
        loop {
            if let Some(v) = next.take() {
                let level = match v.json_type() {
                    JsonType::Array => Level::Items(v.items()),
                    JsonType::Object => Level::Fields(v.fields()),
                    _ => Level::Done,
                };
                if !matches!(level, Level::Done) {
                    if levels.len() == max {
                        return true;
                    }
                    levels.push(level);
                }
            }
            let Some(top) = levels.last_mut() else {
                return false;
            };
            next = match top {
                Level::Items(items) => items.next(),
                Level::Fields(fields) => fields.next().map(|(_, v)| v),
                Level::Done => None,
            };
            if next.is_none() {
                levels.pop();
            }
        }
    }
}

/// Where a walk stands in one array or object.
enum Level<I, F> {
    Items(I),
    Fields(F),
    Done,
}

/// The fields of a `Value` that may not be an object.
#[derive(Debug, Clone)]
pub struct ValueFields<'a>(Option<serde_json::map::Iter<'a>>);

impl<'a> Iterator for ValueFields<'a> {
    type Item = (Cow<'a, str>, &'a Value);
    fn next(&mut self) -> Option<Self::Item> {
        let (k, v) = self.0.as_mut()?.next()?;
        Some((Cow::Borrowed(k.as_str()), v))
    }
}

impl<'a> Json<'a> for &'a Value {
    type Items = std::slice::Iter<'a, Value>;
    type Fields = ValueFields<'a>;

    fn json_type(self) -> JsonType {
        match self {
            Value::Null => JsonType::Null,
            Value::Bool(_) => JsonType::Boolean,
            Value::Number(_) => JsonType::Number,
            Value::String(_) => JsonType::String,
            Value::Array(_) => JsonType::Array,
            Value::Object(_) => JsonType::Object,
        }
    }

    fn view(self) -> View<'a, Self> {
        match self {
            Value::Null => View::Null,
            Value::Bool(b) => View::Bool(*b),
            // Without arbitrary precision every serde_json number has a double.
            Value::Number(n) => View::Number(n.as_f64().unwrap_or(f64::NAN)),
            Value::String(s) => View::String(Cow::Borrowed(s)),
            Value::Array(_) => View::Array(self),
            Value::Object(_) => View::Object(self),
        }
    }

    fn as_str(self) -> Option<Cow<'a, str>> {
        self.as_str().map(Cow::Borrowed)
    }

    fn items(self) -> Self::Items {
        match self {
            Value::Array(items) => items.iter(),
            _ => [].iter(),
        }
    }

    fn fields(self) -> Self::Fields {
        ValueFields(self.as_object().map(Map::iter))
    }

    fn get(self, key: &str) -> Option<Self> {
        self.as_object()?.get(key)
    }

    fn len(self) -> usize {
        match self {
            Value::Array(items) => items.len(),
            Value::Object(map) => map.len(),
            _ => 0,
        }
    }

    fn to_value(self) -> Value {
        self.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nesting_is_measured_without_recursion() {
        // Four levels: the object, its array, the object inside, the empty array.
        let v = json!({"a": [1, {"b": []}]});
        assert!(!(&v).nests_deeper_than(4));
        assert!((&v).nests_deeper_than(3));
        assert!(!(&json!(1)).nests_deeper_than(0));
        assert!((&json!([])).nests_deeper_than(0));
    }
}
