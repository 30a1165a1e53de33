//! Reading ContentKit JSON into the typed tree, collecting every error with its path.
//!
//! Decoding never stops at the first problem: each field is decoded on its own, so a
//! `contentkit check` run reports everything wrong with a file at once.

use serde_json::{Map, Value};

use super::error::{ErrorKind, ValidationError, ValidationErrors};

/// One step of a JSON path.
#[derive(Debug, Clone)]
enum Segment {
    /// A schema field: named by a literal, so walking into it allocates nothing (this
    /// runs for every field of every rendered element).
    Field(&'static str),
    /// A key read from the input (unknown attributes, map keys).
    Key(String),
    Index(usize),
}

/// Walks a JSON value, remembering the path and the errors met on the way.
#[derive(Debug)]
pub struct Decoder {
    path: Vec<Segment>,
    errors: Vec<ValidationError>,
}

impl Decoder {
    /// A decoder whose paths start at `root` (`"element"` for a tree).
    pub fn new(root: &str) -> Self {
        Decoder {
            path: if root.is_empty() {
                Vec::new()
            } else {
                vec![Segment::Key(root.to_owned())]
            },
            errors: Vec::new(),
        }
    }

    /// Records an error at the current path.
    pub fn error(&mut self, kind: ErrorKind) {
        let path = self.path_string();
        self.errors.push(ValidationError { path, kind });
    }

    /// Records a type mismatch at the current path.
    pub fn wrong_type(&mut self, expected: &'static str, found: &Value) {
        self.error(ErrorKind::WrongType {
            expected,
            found: json_type_name(found),
        });
    }

    /// How many steps deep the current path is.
    pub fn depth(&self) -> usize {
        self.path.len()
    }

    /// Runs `f` with `key` appended to the path.
    pub fn at_key<T>(&mut self, key: &str, f: impl FnOnce(&mut Self) -> T) -> T {
        self.path.push(Segment::Key(key.to_owned()));
        let out = f(self);
        self.path.pop();
        out
    }

    /// Runs `f` with the schema field `key` appended to the path.
    fn at_field<T>(&mut self, key: &'static str, f: impl FnOnce(&mut Self) -> T) -> T {
        self.path.push(Segment::Field(key));
        let out = f(self);
        self.path.pop();
        out
    }

    /// Runs `f` with `[index]` appended to the path.
    pub fn at_index<T>(&mut self, index: usize, f: impl FnOnce(&mut Self) -> T) -> T {
        self.path.push(Segment::Index(index));
        let out = f(self);
        self.path.pop();
        out
    }

    /// The value as an object, or an error.
    pub fn object<'v>(&mut self, v: &'v Value) -> Option<&'v Map<String, Value>> {
        match v {
            Value::Object(m) => Some(m),
            other => {
                self.wrong_type("object", other);
                None
            }
        }
    }

    /// Reports every key of `obj` that is not in `known` (nor `type`, when the object is tagged).
    pub fn unknown_keys(
        &mut self,
        obj: &Map<String, Value>,
        known: &[&str],
        tagged: bool,
        owner: &'static str,
    ) {
        for key in obj.keys() {
            if !(known.contains(&key.as_str()) || tagged && key == "type") {
                self.at_key(key, |d| {
                    d.error(ErrorKind::UnknownAttribute {
                        name: key.clone(),
                        owner,
                    })
                });
            }
        }
    }

    /// Decodes a required field: absent is an error.
    pub fn required<T>(
        &mut self,
        obj: &Map<String, Value>,
        key: &'static str,
        decode: impl FnOnce(&Value, &mut Self) -> Option<T>,
    ) -> Option<T> {
        match obj.get(key) {
            Some(v) => self.at_field(key, |d| decode(v, d)),
            None => {
                self.error(ErrorKind::MissingField(key));
                None
            }
        }
    }

    /// Decodes an optional field: `Some(None)` when absent, `None` when present but wrong.
    pub fn optional<T>(
        &mut self,
        obj: &Map<String, Value>,
        key: &'static str,
        decode: impl FnOnce(&Value, &mut Self) -> Option<T>,
    ) -> Option<Option<T>> {
        match obj.get(key) {
            Some(v) => self.at_field(key, |d| decode(v, d)).map(Some),
            None => Some(None),
        }
    }

    /// Whether any error has been recorded.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// The decoded value when no error was recorded, else every error.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, ValidationErrors> {
        match value {
            Some(v) if self.errors.is_empty() => Ok(v),
            _ => {
                let mut errors = self.errors;
                if errors.is_empty() {
                    // A decoder that failed must say why; this guards against a silent `None`.
                    errors.push(ValidationError {
                        path: String::new(),
                        kind: ErrorKind::Rule("invalid value"),
                    });
                }
                Err(ValidationErrors(errors))
            }
        }
    }

    fn path_string(&self) -> String {
        let mut out = String::new();
        for seg in &self.path {
            match seg {
                Segment::Field(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Segment::Key(k) if is_identifier(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Segment::Key(k) => {
                    out.push('[');
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push(']');
                }
                Segment::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
            }
        }
        out
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// The JSON type of a value, as error messages name it.
pub fn json_type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A type that can be read from ContentKit JSON with located errors.
pub trait Decode: Sized {
    /// The allowed strings when the type is an enumeration (used by the markup checker).
    const EXPECTED: Option<&'static [&'static str]> = None;

    /// Reads `v`, recording every problem in `d`; `None` when anything was wrong.
    fn decode(v: &Value, d: &mut Decoder) -> Option<Self>;
}

impl Decode for String {
    fn decode(v: &Value, d: &mut Decoder) -> Option<Self> {
        match v {
            Value::String(s) => Some(s.clone()),
            other => {
                d.wrong_type("string", other);
                None
            }
        }
    }
}

impl Decode for bool {
    fn decode(v: &Value, d: &mut Decoder) -> Option<Self> {
        match v {
            Value::Bool(b) => Some(*b),
            other => {
                d.wrong_type("boolean", other);
                None
            }
        }
    }
}

impl Decode for super::JsNumber {
    fn decode(v: &Value, d: &mut Decoder) -> Option<Self> {
        match v.as_f64() {
            Some(n) => Some(super::JsNumber(n)),
            None => {
                d.wrong_type("number", v);
                None
            }
        }
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(v: &Value, d: &mut Decoder) -> Option<Self> {
        let Value::Array(items) = v else {
            d.wrong_type("array", v);
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match d.at_index(i, |d| T::decode(item, d)) {
                Some(x) => out.push(x),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }
}

impl<T: Decode> Decode for Box<T> {
    fn decode(v: &Value, d: &mut Decoder) -> Option<Self> {
        T::decode(v, d).map(Box::new)
    }
}

/// Any JSON object (`"state"`, a modal's `returnValue`), numbers normalized as JavaScript prints them.
pub type Object = Map<String, Value>;

impl Decode for Object {
    fn decode(v: &Value, d: &mut Decoder) -> Option<Self> {
        match v {
            Value::Object(m) => {
                let mut v = Value::Object(m.clone());
                super::number::normalize_numbers(&mut v);
                match v {
                    Value::Object(m) => Some(m),
                    _ => None,
                }
            }
            other => {
                d.wrong_type("object", other);
                None
            }
        }
    }
}

/// Checks that `v` is a GitBook `PlainObject`: an object whose values are strings,
/// booleans, numbers, plain objects, or arrays of those (no `null`, no nested arrays).
pub fn decode_plain_object(v: &Value, d: &mut Decoder) -> Option<Object> {
    let obj = Object::decode(v, d)?;
    let ok = check_plain_members(&obj, d);
    ok.then_some(obj)
}

fn check_plain_members(obj: &Object, d: &mut Decoder) -> bool {
    let mut ok = true;
    for (k, v) in obj {
        ok &= d.at_key(k, |d| check_plain_value(v, d, true));
    }
    ok
}

fn check_plain_value(v: &Value, d: &mut Decoder, array_allowed: bool) -> bool {
    match v {
        Value::String(_) | Value::Bool(_) | Value::Number(_) => true,
        Value::Object(m) => check_plain_members(m, d),
        Value::Array(items) if array_allowed => {
            let mut ok = true;
            for (i, item) in items.iter().enumerate() {
                ok &= d.at_index(i, |d| check_plain_value(item, d, false));
            }
            ok
        }
        other => {
            d.wrong_type(
                if array_allowed {
                    "string, boolean, number, object or array"
                } else {
                    "string, boolean, number or object"
                },
                other,
            );
            false
        }
    }
}

/// Records an error when `s` has more than `max` characters (Unicode code points,
/// which is how JSON Schema's `maxLength` counts).
pub fn check_max_len(d: &mut Decoder, key: &str, s: &str, max: usize) {
    let len = s.chars().count();
    if len > max {
        d.at_key(key, |d| d.error(ErrorKind::TooLong { len, max }));
    }
}
