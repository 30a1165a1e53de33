//! Reading ContentKit JSON into the typed tree, collecting every error with its path.
//!
//! Decoding never stops at the first problem: each field is decoded on its own, so a
//! `contentkit check` run reports everything wrong with a file at once. It reads any
//! [`Json`] document: a `serde_json::Value`, or a [`Tape`](super::tape::Tape) over the
//! text itself.
//!
//! Every input is bounded: the first [`MAX_ERRORS`] errors are kept and the rest
//! counted; values quoted in messages and paths are cut to [`MAX_QUOTED`] characters;
//! nesting past [`MAX_DEPTH`](super::MAX_DEPTH) is an error, checked without recursion
//! before any free-form value (state, props, action fields) is copied. A decoder made
//! with [`Decoder::checking`] keeps nothing it does not need to check the rest, so a
//! tree is checked in memory proportional to its depth, not its size.

use serde_json::{Map, Value};

use super::error::{ErrorKind, ValidationError, ValidationErrors};
use super::json::{Json, JsonType, View};

/// How many errors a decoder keeps; past it, errors are only counted.
pub const MAX_ERRORS: usize = 100;

/// How many characters of a value read from the input an error quotes.
pub const MAX_QUOTED: usize = 80;

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
    omitted: usize,
    retain: bool,
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
            omitted: 0,
            retain: true,
        }
    }

    /// A decoder that only checks: lists of elements and free-form values (state,
    /// props, action fields, maps) are checked and dropped, so the decoded value holds
    /// empty lists and maps in their place and only tells that the input is valid.
    pub fn checking(root: &str) -> Self {
        Decoder {
            retain: false,
            ..Decoder::new(root)
        }
    }

    /// Whether decoded lists and free-form values are kept (see [`Decoder::checking`]).
    pub fn retains(&self) -> bool {
        self.retain
    }

    /// Records an error at the current path.
    pub fn error(&mut self, kind: ErrorKind) {
        if self.errors.len() >= MAX_ERRORS {
            self.omitted += 1;
            return;
        }
        let path = self.path_string();
        self.errors.push(ValidationError { path, kind });
    }

    /// Records a type mismatch at the current path.
    pub fn wrong_type<'a>(&mut self, expected: &'static str, found: impl Json<'a>) {
        self.error(ErrorKind::WrongType {
            expected,
            found: found.json_type().name(),
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

    /// The value when it is an object, or an error.
    pub fn object<'a, J: Json<'a>>(&mut self, v: J) -> Option<J> {
        if v.json_type() == JsonType::Object {
            Some(v)
        } else {
            self.wrong_type("object", v);
            None
        }
    }

    /// Reports every key of `obj` that is not in `known` (nor `type`, when the object is tagged).
    pub fn unknown_keys<'a, J: Json<'a>>(
        &mut self,
        obj: J,
        known: &[&str],
        tagged: bool,
        owner: &'static str,
    ) {
        for (key, _) in obj.fields() {
            if !(known.contains(&key.as_ref()) || tagged && key == "type") {
                self.at_key(&key, |d| {
                    d.error(ErrorKind::UnknownAttribute {
                        name: quoted(&key),
                        owner,
                    })
                });
            }
        }
    }

    /// Decodes a required field: absent is an error.
    pub fn required<'a, J: Json<'a>, T>(
        &mut self,
        obj: J,
        key: &'static str,
        decode: impl FnOnce(J, &mut Self) -> Option<T>,
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
    pub fn optional<'a, J: Json<'a>, T>(
        &mut self,
        obj: J,
        key: &'static str,
        decode: impl FnOnce(J, &mut Self) -> Option<T>,
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
                Err(ValidationErrors::new(errors, self.omitted))
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
                Segment::Key(k) if is_identifier(k) && k.len() <= MAX_QUOTED => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Segment::Key(k) => {
                    out.push('[');
                    out.push_str(&Value::String(quoted(k)).to_string());
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

    /// Checks that `v` nests no deeper than the element depth limit allows from here;
    /// records the error when it does.
    fn within_depth<'a>(&mut self, v: impl Json<'a>) -> bool {
        let room = super::MAX_DEPTH.saturating_sub(self.depth());
        if v.nests_deeper_than(room) {
            self.error(ErrorKind::TooDeep {
                max: super::MAX_DEPTH,
            });
            false
        } else {
            true
        }
    }
}

/// `s` as an error quotes it: whole when short, else its first [`MAX_QUOTED`]
/// characters and how long it was.
pub fn quoted(s: &str) -> String {
    match s.char_indices().nth(MAX_QUOTED) {
        None => s.to_owned(),
        Some((cut, _)) => format!("{}… ({} characters)", &s[..cut], s.chars().count()),
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// The JSON type of a value, as error messages name it.
pub fn json_type_name(v: &Value) -> &'static str {
    v.json_type().name()
}

/// A type that can be read from ContentKit JSON with located errors.
pub trait Decode: Sized {
    /// The allowed strings when the type is an enumeration (used by the markup checker).
    const EXPECTED: Option<&'static [&'static str]> = None;

    /// Reads `v`, recording every problem in `d`; `None` when anything was wrong.
    fn decode<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Self>;
}

impl Decode for String {
    fn decode<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Self> {
        match v.as_str() {
            Some(s) => Some(s.into_owned()),
            None => {
                d.wrong_type("string", v);
                None
            }
        }
    }
}

impl Decode for bool {
    fn decode<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Self> {
        match v.view() {
            View::Bool(b) => Some(b),
            _ => {
                d.wrong_type("boolean", v);
                None
            }
        }
    }
}

impl Decode for super::JsNumber {
    fn decode<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Self> {
        match v.view() {
            View::Number(n) => Some(super::JsNumber(n)),
            _ => {
                d.wrong_type("number", v);
                None
            }
        }
    }
}

/// Decodes each item of an array with `item`, keeping them unless the decoder only checks.
pub fn decode_items<'a, J: Json<'a>, T>(
    v: J,
    d: &mut Decoder,
    mut item: impl FnMut(J, &mut Decoder) -> Option<T>,
) -> Option<Vec<T>> {
    if v.json_type() != JsonType::Array {
        d.wrong_type("array", v);
        return None;
    }
    let mut out = Vec::with_capacity(if d.retain { v.len() } else { 0 });
    let mut ok = true;
    for (i, x) in v.items().enumerate() {
        match d.at_index(i, |d| item(x, d)) {
            Some(x) if d.retain => out.push(x),
            Some(_) => {}
            None => ok = false,
        }
    }
    ok.then_some(out)
}

impl<T: Decode> Decode for Vec<T> {
    fn decode<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Self> {
        decode_items(v, d, T::decode)
    }
}

impl<T: Decode> Decode for Box<T> {
    fn decode<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Self> {
        T::decode(v, d).map(Box::new)
    }
}

/// Any JSON object (`"state"`, a modal's `returnValue`), numbers normalized as JavaScript prints them.
pub type Object = Map<String, Value>;

impl Decode for Object {
    fn decode<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Self> {
        let obj = d.object(v)?;
        free_form(obj, d)
    }
}

/// An object read as it is: checked for depth, copied with numbers normalized unless
/// the decoder only checks.
pub(crate) fn free_form<'a, J: Json<'a>>(obj: J, d: &mut Decoder) -> Option<Object> {
    if !d.within_depth(obj) {
        return None;
    }
    copy_free_form(obj, d)
}

/// The copy [`free_form`] makes, for an object whose depth is checked.
fn copy_free_form<'a, J: Json<'a>>(obj: J, d: &mut Decoder) -> Option<Object> {
    if !d.retain {
        return Some(Map::new());
    }
    match obj.to_value() {
        Value::Object(mut m) => {
            m.values_mut().for_each(super::number::normalize_numbers);
            Some(m)
        }
        _ => None,
    }
}

/// Checks that `v` is a GitBook `PlainObject`: an object whose values are strings,
/// booleans, numbers, plain objects, or arrays of those (no `null`, no nested arrays).
pub fn decode_plain_object<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Object> {
    let obj = d.object(v)?;
    if !d.within_depth(obj) {
        return None;
    }
    if check_plain_members(obj, d) {
        copy_free_form(obj, d)
    } else {
        None
    }
}

fn check_plain_members<'a, J: Json<'a>>(obj: J, d: &mut Decoder) -> bool {
    let mut ok = true;
    for (k, v) in obj.fields() {
        ok &= d.at_key(&k, |d| check_plain_value(v, d, true));
    }
    ok
}

/// Recurses once per level of objects: callers check the depth first.
fn check_plain_value<'a, J: Json<'a>>(v: J, d: &mut Decoder, array_allowed: bool) -> bool {
    match v.json_type() {
        JsonType::String | JsonType::Boolean | JsonType::Number => true,
        JsonType::Object => check_plain_members(v, d),
        JsonType::Array if array_allowed => {
            let mut ok = true;
            for (i, item) in v.items().enumerate() {
                ok &= d.at_index(i, |d| check_plain_value(item, d, false));
            }
            ok
        }
        _ => {
            d.wrong_type(
                if array_allowed {
                    "string, boolean, number, object or array"
                } else {
                    "string, boolean, number or object"
                },
                v,
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
