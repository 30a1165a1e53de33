//! JSON written in one pass from any value that can be read like JSON, checked as it
//! is written against the element shapes ([`crate::element::shape`]).
//!
//! The component language computes an element tree as its own values; this writer
//! turns them into bytes directly, in their own key order, without first building a
//! `serde_json::Value` or a typed [`crate::element::Element`]. Every rule of the typed
//! decoder holds here too (a property test compares the two verdicts on random trees),
//! and each error carries its JSON path and the origin of the nearest element (for
//! the language: where the JSX was written).
//!
//! ```
//! use contentkit::element::shape::Shape;
//! use contentkit::element::placement::ROOT;
//! use contentkit::render::json::write_checked;
//! let tree = serde_json::json!({"type": "block", "children": [{"type": "divider", "size": "small"}]});
//! let mut out = Vec::new();
//! write_checked(&tree, &Shape::Element(ROOT), "element", &mut out).unwrap();
//! assert_eq!(out, br#"{"type":"block","children":[{"type":"divider","size":"small"}]}"#);
//!
//! let bad = serde_json::json!({"type": "block", "children": [{"type": "divider", "size": "tiny"}]});
//! let errors = write_checked(&bad, &Shape::Element(ROOT), "element", &mut Vec::new()).unwrap_err();
//! assert_eq!(errors.errors.to_string(), r#"element.children[0].size: unknown value "tiny", expected one of small, medium, large"#);
//! ```

use std::borrow::Cow;

use crate::element::action_names;
use crate::element::placement::{self, Place};
use crate::element::shape::{FieldLimit, RecordShape, Shape};
use crate::element::slots::{Slot, Slots};
use crate::element::{ElementKind, ErrorKind, ValidationError, ValidationErrors, MAX_DEPTH};
use crate::lang::number::push_json_number;
use crate::lang::value::string::push_json_string;

/// What kind of JSON a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `null`.
    Null,
    /// `true`/`false`.
    Bool,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
    /// No JSON form (`undefined`, a function): left out of objects, `null` in arrays.
    Absent,
}

impl Kind {
    /// The name errors use.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "boolean",
            Kind::Number => "number",
            Kind::String => "string",
            Kind::Array => "array",
            Kind::Object => "object",
            Kind::Absent => "undefined",
        }
    }
}

/// An object member's key, as [`JsonView::for_each_member`] gives it.
#[derive(Debug, Clone, Copy)]
pub struct MemberKey<'a> {
    /// The key's bytes (WTF-8).
    pub bytes: &'a [u8],
    /// Whether the bytes are known to need no escape in JSON (then they are copied
    /// as they are); `false` when unknown.
    pub plain: bool,
}

impl MemberKey<'_> {
    /// Appends the key as a JSON string, and the `:` after it.
    fn write(self, out: &mut Vec<u8>) {
        if self.plain {
            // One reservation for the quotes, the key and the colon.
            out.reserve(self.bytes.len() + 3);
            out.push(b'"');
            out.extend_from_slice(self.bytes);
            out.extend_from_slice(b"\":");
        } else {
            push_json_string(out, self.bytes);
            out.push(b':');
        }
    }
}

/// A value readable as JSON. Strings are WTF-8 (UTF-8 that may hold lone
/// surrogates, written escaped).
// `len` counts an array's items for the writer; an emptiness test would add nothing.
#[allow(clippy::len_without_is_empty)]
pub trait JsonView: Copy {
    /// Its kind.
    fn kind(self) -> Kind;
    /// The boolean (for [`Kind::Bool`]).
    fn boolean(self) -> bool;
    /// The number (for [`Kind::Number`]).
    fn number(self) -> f64;
    /// The string's bytes (for [`Kind::String`]).
    fn string(&self) -> Cow<'_, [u8]>;
    /// How many items (arrays).
    fn len(self) -> usize;
    /// Item `i` of an array.
    fn item(self, i: usize) -> Self;
    /// Calls `f` with each member of an object, in order: key and value (absent ones
    /// included).
    fn for_each_member(&self, f: impl FnMut(MemberKey<'_>, Self));
    /// Writes the string (for [`Kind::String`]) as a JSON string literal.
    fn write_string(&self, out: &mut Vec<u8>) {
        push_json_string(out, &self.string());
    }
    /// The member `key`, when present and not absent.
    fn get(self, key: &str) -> Option<Self>;
    /// Where the value was made (an element's origin), 0 when unknown.
    fn origin(self) -> u32 {
        0
    }
    /// For an element object whose properties are known to fill its shape in order
    /// (one member per slot, absent ones included): those [`Slots`]. The writer then
    /// reads the members with [`JsonView::member`] instead of by name.
    fn slots(&self) -> Option<&Slots> {
        None
    }
    /// Member `i` of an object [`JsonView::slots`] describes (`i` below its length).
    fn member(self, i: usize) -> Self;
}

impl JsonView for &serde_json::Value {
    fn kind(self) -> Kind {
        match self {
            serde_json::Value::Null => Kind::Null,
            serde_json::Value::Bool(_) => Kind::Bool,
            serde_json::Value::Number(_) => Kind::Number,
            serde_json::Value::String(_) => Kind::String,
            serde_json::Value::Array(_) => Kind::Array,
            serde_json::Value::Object(_) => Kind::Object,
        }
    }
    fn boolean(self) -> bool {
        self.as_bool().unwrap_or(false)
    }
    fn number(self) -> f64 {
        self.as_f64().unwrap_or(f64::NAN)
    }
    fn string(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(self.as_str().unwrap_or("").as_bytes())
    }
    fn len(self) -> usize {
        match self {
            serde_json::Value::Array(a) => a.len(),
            _ => 0,
        }
    }
    fn item(self, i: usize) -> Self {
        static NULL: serde_json::Value = serde_json::Value::Null;
        self.get(i).unwrap_or(&NULL)
    }
    fn for_each_member(&self, mut f: impl FnMut(MemberKey<'_>, Self)) {
        if let serde_json::Value::Object(o) = self {
            for (k, v) in o.iter() {
                let key = MemberKey {
                    bytes: k.as_bytes(),
                    plain: false,
                };
                f(key, v);
            }
        }
    }
    fn get(self, key: &str) -> Option<Self> {
        self.as_object().and_then(|o| o.get(key))
    }
    fn member(self, i: usize) -> Self {
        // Never asked: a JSON value has no slots.
        static NULL: serde_json::Value = serde_json::Value::Null;
        self.as_object()
            .and_then(|o| o.values().nth(i))
            .unwrap_or(&NULL)
    }
}

/// Errors of a checked write, each with the origin of the element it is in.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckErrors {
    /// The errors, with JSON paths.
    pub errors: ValidationErrors,
    /// For each error, the origin of the nearest enclosing element (0: unknown).
    pub origins: Vec<u32>,
}

/// The most errors one write reports.
const MAX_ERRORS: usize = 50;

/// One step of the path to the value being written. Keys are kept in
/// [`Writer::keys`], so that stepping into a member allocates nothing.
#[derive(Debug, Clone, Copy)]
enum Segment {
    Field(&'static str),
    /// A key: its bytes are `keys[start..end]`.
    Key(usize, usize),
    Index(usize),
}

/// Writes `v` as JSON into `out`, checking it against `shape`; paths start at `root`.
pub fn write_checked<V: JsonView>(
    v: V,
    shape: &Shape,
    root: &str,
    out: &mut Vec<u8>,
) -> Result<(), CheckErrors> {
    write_checked_within(v, shape, root, out, usize::MAX)
}

/// [`write_checked`], stopping with an error once `out` holds more than `max_len`
/// bytes: a value that repeats one large string a thousand times costs its output,
/// which this bounds.
pub fn write_checked_within<V: JsonView>(
    v: V,
    shape: &Shape,
    root: &str,
    out: &mut Vec<u8>,
    max_len: usize,
) -> Result<(), CheckErrors> {
    let mut w = Writer {
        path: vec![Segment::Key(0, root.len())],
        keys: root.as_bytes().to_vec(),
        errors: Vec::new(),
        omitted: 0,
        origins: vec![0],
        error_origins: Vec::new(),
        max_len,
        too_large: false,
    };
    w.value(v, shape, out, 0);
    if w.errors.is_empty() {
        Ok(())
    } else {
        Err(CheckErrors {
            errors: ValidationErrors::new(w.errors, w.omitted),
            origins: w.error_origins,
        })
    }
}

/// Writes `v` as plain JSON (no checks).
pub fn write_plain<V: JsonView>(v: V, out: &mut Vec<u8>) -> Result<(), CheckErrors> {
    write_checked(v, &Shape::Any, "", out)
}

struct Writer {
    /// Where the value being written is, for errors.
    path: Vec<Segment>,
    /// The bytes of the path's keys.
    keys: Vec<u8>,
    errors: Vec<ValidationError>,
    /// The errors past [`MAX_ERRORS`]: counted (`… and K more errors`), not made.
    omitted: usize,
    /// The origins of the elements being written, innermost last.
    origins: Vec<u32>,
    error_origins: Vec<u32>,
    /// The most bytes the output may hold.
    max_len: usize,
    /// Whether the output passed `max_len` (then writing stops).
    too_large: bool,
}

/// The index of field `key` in `r`: lengths and first bytes compared before the
/// bytes, since most of a record's fields are not the key.
fn field_index(r: &RecordShape, key: &[u8]) -> Option<usize> {
    let first = key.first();
    r.fields.iter().position(|f| {
        let name = f.key.as_bytes();
        name.len() == key.len() && name.first() == first && name == key
    })
}

/// Whether `v` can be read through `slots`: what must be absent is (`children` on
/// an element without children); otherwise it is read by name, and reported.
fn fills<V: JsonView>(v: V, slots: &Slots) -> bool {
    (0..slots.len()).all(|i| slots.slot(i) != Slot::Absent || v.member(i).kind() == Kind::Absent)
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

impl Writer {
    fn error(&mut self, kind: ErrorKind) {
        if self.errors.len() >= MAX_ERRORS {
            self.omitted += 1;
            return;
        }
        let mut path = String::new();
        for seg in &self.path {
            match *seg {
                Segment::Field(k) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                }
                Segment::Key(start, end) if start == end => {}
                Segment::Key(start, end) => {
                    let k = String::from_utf8_lossy(&self.keys[start..end]);
                    if is_identifier(&k) {
                        if !path.is_empty() {
                            path.push('.');
                        }
                        path.push_str(&k);
                    } else {
                        path.push('[');
                        path.push_str(&serde_json::Value::String(k.into_owned()).to_string());
                        path.push(']');
                    }
                }
                Segment::Index(i) => {
                    path.push('[');
                    path.push_str(&i.to_string());
                    path.push(']');
                }
            }
        }
        self.errors.push(ValidationError { path, kind });
        self.error_origins
            .push(self.origins.last().copied().unwrap_or(0));
    }

    fn wrong_type<V: JsonView>(&mut self, expected: &'static str, v: V) {
        self.error(ErrorKind::WrongType {
            expected,
            found: v.kind().name(),
        });
    }

    fn at<T>(&mut self, seg: Segment, f: impl FnOnce(&mut Self) -> T) -> T {
        self.path.push(seg);
        let r = f(self);
        self.path.pop();
        r
    }

    /// Steps into member `key`, for errors (undone by [`Writer::leave_key`]).
    fn enter_key(&mut self, key: &[u8]) {
        let start = self.keys.len();
        self.keys.extend_from_slice(key);
        self.path.push(Segment::Key(start, self.keys.len()));
    }

    fn leave_key(&mut self) {
        if let Some(Segment::Key(start, _)) = self.path.pop() {
            self.keys.truncate(start);
        }
    }

    /// Calls `f` inside member `key`.
    fn at_key<T>(&mut self, key: &[u8], f: impl FnOnce(&mut Self) -> T) -> T {
        self.enter_key(key);
        let r = f(self);
        self.leave_key();
        r
    }

    /// Writes any JSON, unchecked (but bounded in depth).
    fn any<V: JsonView>(&mut self, v: V, out: &mut Vec<u8>, depth: usize) {
        if self.over(out) {
            return;
        }
        if depth > MAX_DEPTH {
            self.error(ErrorKind::TooDeep { max: MAX_DEPTH });
            return;
        }
        match v.kind() {
            Kind::Null | Kind::Absent => out.extend_from_slice(b"null"),
            Kind::Bool => out.extend_from_slice(if v.boolean() { b"true" } else { b"false" }),
            Kind::Number => push_json_number(out, v.number()),
            Kind::String => v.write_string(out),
            Kind::Array => {
                out.push(b'[');
                for i in 0..v.len() {
                    if i > 0 {
                        out.push(b',');
                    }
                    self.any(v.item(i), out, depth + 1);
                }
                out.push(b']');
            }
            Kind::Object => {
                out.push(b'{');
                let mut first = true;
                v.for_each_member(|k, x| {
                    if x.kind() == Kind::Absent {
                        return;
                    }
                    if !first {
                        out.push(b',');
                    }
                    first = false;
                    k.write(out);
                    self.any(x, out, depth + 1);
                });
                out.push(b'}');
            }
        }
    }

    /// Whether writing must stop: the output is too large (reported once).
    fn over(&mut self, out: &[u8]) -> bool {
        if out.len() > self.max_len {
            if !self.too_large {
                self.too_large = true;
                self.error(ErrorKind::TooLarge { max: self.max_len });
            }
            return true;
        }
        false
    }

    fn value<V: JsonView>(&mut self, v: V, shape: &Shape, out: &mut Vec<u8>, depth: usize) {
        if self.over(out) {
            return;
        }
        if depth > MAX_DEPTH {
            self.error(ErrorKind::TooDeep { max: MAX_DEPTH });
            return;
        }
        let kind = v.kind();
        match shape {
            Shape::Any => self.any(v, out, depth),
            Shape::String => match kind {
                Kind::String => v.write_string(out),
                _ => self.wrong_type("string", v),
            },
            Shape::Bool => match kind {
                Kind::Bool => self.any(v, out, depth),
                _ => self.wrong_type("boolean", v),
            },
            Shape::Number => match kind {
                Kind::Number if v.number().is_finite() => push_json_number(out, v.number()),
                Kind::Number => self.error(ErrorKind::WrongType {
                    expected: "number",
                    found: "null",
                }),
                _ => self.wrong_type("number", v),
            },
            Shape::Enum(names) => match kind {
                Kind::String => {
                    let s = v.string();
                    if let Some(name) = names.iter().find(|n| n.as_bytes() == &*s) {
                        // A name of the schema: plain ASCII.
                        push_json_string(out, name.as_bytes());
                    } else {
                        self.error(ErrorKind::UnknownValue {
                            found: String::from_utf8_lossy(&s).into_owned(),
                            expected: names,
                        });
                    }
                }
                _ => self.wrong_type("string", v),
            },
            Shape::Record(r) => self.record(v, r, out, depth),
            Shape::List(item) => match kind {
                Kind::Array => self.list(v, out, depth, |w, x, out, d| w.value(x, item, out, d)),
                _ => self.wrong_type("array", v),
            },
            Shape::Map(item) => match kind {
                Kind::Object => {
                    out.push(b'{');
                    let mut first = true;
                    v.for_each_member(|k, x| {
                        if x.kind() == Kind::Absent {
                            return;
                        }
                        if !first {
                            out.push(b',');
                        }
                        first = false;
                        k.write(out);
                        self.at_key(k.bytes, |w| w.value(x, item, out, depth + 1));
                    });
                    out.push(b'}');
                }
                _ => self.wrong_type("object", v),
            },
            Shape::Element(place) => self.element(v, *place, out, depth),
            Shape::Elements(place) => match kind {
                Kind::Array => {
                    self.list(v, out, depth, |w, x, out, d| w.element(x, *place, out, d))
                }
                _ => self.wrong_type("array", v),
            },
            Shape::Object => match kind {
                Kind::Object => self.any(v, out, depth),
                _ => self.wrong_type("object", v),
            },
            Shape::PlainObject => match kind {
                Kind::Object => self.plain_object(v, out, depth),
                _ => self.wrong_type("object", v),
            },
            Shape::Action => self.action(v, out, depth),
            Shape::StringOrBinding => match kind {
                Kind::String => v.write_string(out),
                Kind::Object => self.record(v, crate::element::DynamicBinding::SHAPE, out, depth),
                _ => self.wrong_type("string or {\"$state\": key}", v),
            },
            Shape::UrlOrString => match kind {
                Kind::String => v.write_string(out),
                Kind::Object => self.record(v, crate::element::ContentKitUrl::SHAPE, out, depth),
                _ => self.wrong_type("URL string or {host, pathname}", v),
            },
            Shape::StringOrNumber => match kind {
                Kind::String => v.write_string(out),
                Kind::Number => self.value(v, &Shape::Number, out, depth),
                _ => self.wrong_type("string or number", v),
            },
            Shape::LineNumbers => match kind {
                Kind::Bool => self.any(v, out, depth),
                Kind::Number => self.value(v, &Shape::Number, out, depth),
                _ => self.wrong_type("boolean or number", v),
            },
            Shape::SelectValue => match kind {
                Kind::String => v.write_string(out),
                Kind::Array => self.value(v, &Shape::List(&Shape::String), out, depth),
                _ => self.wrong_type("string or array of strings", v),
            },
            Shape::SelectOptions => match kind {
                Kind::Array => self.value(
                    v,
                    &Shape::List(&Shape::Record(crate::element::SelectOption::SHAPE)),
                    out,
                    depth,
                ),
                Kind::Object if v.get("source").is_some() => {
                    self.record(v, crate::element::BuiltInSource::SHAPE, out, depth)
                }
                Kind::Object => self.record(v, crate::element::UrlSource::SHAPE, out, depth),
                _ => self.wrong_type("array of options, {source} or {url}", v),
            },
            Shape::InputHint => match kind {
                Kind::String => v.write_string(out),
                _ => self.element(v, placement::INLINE, out, depth),
            },
            Shape::CardHint => match kind {
                Kind::String => v.write_string(out),
                _ => self.value(v, &Shape::Elements(placement::INLINE), out, depth),
            },
            Shape::IconOrImage => match kind {
                Kind::String => {
                    self.value(v, &Shape::Enum(crate::element::Icon::NAMES), out, depth)
                }
                Kind::Object => self.record(v, crate::element::Image::SHAPE, out, depth),
                _ => self.wrong_type("icon name or image", v),
            },
            Shape::TextChildren => match kind {
                Kind::String => v.write_string(out),
                Kind::Array => self.list(v, out, depth, |w, x, out, d| match x.kind() {
                    Kind::String => x.write_string(out),
                    _ => w.element(x, placement::TEXT_CHILD, out, d),
                }),
                _ => self.wrong_type("string or array", v),
            },
            Shape::LinkChildren => match kind {
                Kind::String => v.write_string(out),
                Kind::Array => self.value(v, &Shape::List(&Shape::String), out, depth),
                _ => self.wrong_type("string or array of strings", v),
            },
            Shape::ControlEntry => match kind {
                Kind::Array => self.value(
                    v,
                    &Shape::List(&Shape::Record(crate::element::BlockControl::SHAPE)),
                    out,
                    depth,
                ),
                _ => self.record(v, crate::element::BlockControl::SHAPE, out, depth),
            },
        }
    }

    fn list<V: JsonView>(
        &mut self,
        v: V,
        out: &mut Vec<u8>,
        depth: usize,
        mut each: impl FnMut(&mut Self, V, &mut Vec<u8>, usize),
    ) {
        out.push(b'[');
        for i in 0..v.len() {
            if i > 0 {
                out.push(b',');
            }
            let x = v.item(i);
            self.at(Segment::Index(i), |w| each(w, x, out, depth + 1));
        }
        out.push(b']');
    }

    fn element<V: JsonView>(&mut self, v: V, place: Place, out: &mut Vec<u8>, depth: usize) {
        if v.kind() != Kind::Object {
            self.wrong_type("object", v);
            return;
        }
        let origin = v.origin();
        if origin != 0 {
            self.origins.push(origin);
        }
        if let Some(slots) = v.slots().filter(|s| fills(v, s)) {
            let kind = slots.kind();
            if place.allows(kind) {
                self.members_in_slots(v, slots, out, depth);
            } else {
                self.error(ErrorKind::NotAllowedHere {
                    found: kind.name(),
                    allowed: place.names(),
                });
            }
            if origin != 0 {
                self.origins.pop();
            }
            return;
        }
        match v.get("type") {
            Some(t) if t.kind() == Kind::String => {
                let name = t.string();
                match std::str::from_utf8(&name)
                    .ok()
                    .and_then(ElementKind::from_name)
                {
                    Some(kind) if place.allows(kind) => {
                        // Its `type` is the shape's tag: no need to read it again.
                        let shape = kind.shape();
                        debug_assert_eq!(shape.tag, Some(kind.name()));
                        self.members(v, shape, out, depth);
                    }
                    Some(kind) => self.error(ErrorKind::NotAllowedHere {
                        found: kind.name(),
                        allowed: place.names(),
                    }),
                    None => {
                        let found = String::from_utf8_lossy(&name).into_owned();
                        self.at(Segment::Field("type"), |w| {
                            w.error(ErrorKind::UnknownElement {
                                found,
                                expected: ElementKind::NAMES,
                            })
                        });
                    }
                }
            }
            Some(t) => self.at(Segment::Field("type"), |w| w.wrong_type("string", t)),
            None => self.error(ErrorKind::MissingField("type")),
        }
        if origin != 0 {
            self.origins.pop();
        }
    }

    fn record<V: JsonView>(
        &mut self,
        v: V,
        r: &'static RecordShape,
        out: &mut Vec<u8>,
        depth: usize,
    ) {
        if v.kind() != Kind::Object {
            self.wrong_type("object", v);
            return;
        }
        if let Some(tag) = r.tag {
            match v.get("type") {
                Some(t) if t.kind() == Kind::String && &*t.string() == tag.as_bytes() => {}
                Some(t) if t.kind() == Kind::String => {
                    let found = std::str::from_utf8(&t.string())
                        .ok()
                        .and_then(ElementKind::from_name)
                        .map_or("unknown", ElementKind::name);
                    self.at(Segment::Field("type"), |w| {
                        w.error(ErrorKind::NotAllowedHere {
                            found,
                            allowed: vec![tag],
                        })
                    });
                    return;
                }
                Some(t) => {
                    self.at(Segment::Field("type"), |w| w.wrong_type("string", t));
                    return;
                }
                None => {
                    self.error(ErrorKind::MissingField("type"));
                    return;
                }
            }
        }
        self.members(v, r, out, depth);
    }

    /// The members of record `v`, whose tag (if `r` has one) is known to be right.
    fn members<V: JsonView>(
        &mut self,
        v: V,
        r: &'static RecordShape,
        out: &mut Vec<u8>,
        depth: usize,
    ) {
        out.push(b'{');
        let mut first = true;
        let mut seen = 0u64;
        v.for_each_member(|k, x| {
            if x.kind() == Kind::Absent {
                return;
            }
            let field = field_index(r, k.bytes);
            let is_tag = r.tag.is_some() && k.bytes == b"type";
            if field.is_none() && !is_tag {
                let name = String::from_utf8_lossy(k.bytes).into_owned();
                self.at_key(k.bytes, |w| {
                    w.error(ErrorKind::UnknownAttribute {
                        name,
                        owner: r.owner,
                    })
                });
                return;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            k.write(out);
            match field {
                None => x.write_string(out),
                Some(fi) => {
                    seen |= 1 << fi;
                    let f = &r.fields[fi];
                    self.path.push(Segment::Field(f.key));
                    self.value(x, &f.shape, out, depth + 1);
                    if !r.limits.is_empty() {
                        self.check_limit(r, f.key, x);
                    }
                    self.path.pop();
                }
            }
        });
        out.push(b'}');
        for (fi, f) in r.fields.iter().enumerate() {
            if f.required && seen & (1 << fi) == 0 {
                self.error(ErrorKind::MissingField(f.key));
            }
        }
    }

    /// [`Writer::members`] of an element read by position: each member's field is
    /// known, its tag is the slots' kind, and no member is unknown ([`fills`]).
    fn members_in_slots<V: JsonView>(
        &mut self,
        v: V,
        slots: &Slots,
        out: &mut Vec<u8>,
        depth: usize,
    ) {
        let kind = slots.kind();
        let r = kind.shape();
        out.push(b'{');
        let mut first = true;
        let mut seen = 0u64;
        for i in 0..slots.len() {
            let x = v.member(i);
            if x.kind() == Kind::Absent {
                continue;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            match slots.slot(i) {
                Slot::Tag => {
                    out.extend_from_slice(b"\"type\":\"");
                    out.extend_from_slice(kind.name().as_bytes());
                    out.push(b'"');
                }
                Slot::Field(fi) => {
                    seen |= 1 << fi;
                    let f = &r.fields[fi];
                    // Field names are ASCII identifiers: nothing to escape.
                    out.push(b'"');
                    out.extend_from_slice(f.key.as_bytes());
                    out.extend_from_slice(b"\":");
                    self.path.push(Segment::Field(f.key));
                    self.value(x, &f.shape, out, depth + 1);
                    if !r.limits.is_empty() {
                        self.check_limit(r, f.key, x);
                    }
                    self.path.pop();
                }
                // `fills` found it absent.
                Slot::Absent => {}
            }
        }
        out.push(b'}');
        for (fi, f) in r.fields.iter().enumerate() {
            if f.required && seen & (1 << fi) == 0 {
                self.error(ErrorKind::MissingField(f.key));
            }
        }
    }

    /// The limit of field `key` of `r` (lengths, counts), if it has one.
    fn check_limit<V: JsonView>(&mut self, r: &RecordShape, key: &str, x: V) {
        match r.limit(key) {
            Some(FieldLimit::MaxLen(max)) if x.kind() == Kind::String => {
                let len = String::from_utf8_lossy(&x.string()).chars().count();
                if len > max {
                    self.error(ErrorKind::TooLong { len, max });
                }
            }
            Some(FieldLimit::MinItems(min)) if x.kind() == Kind::Array && x.len() < min => {
                self.error(ErrorKind::TooFew { len: x.len(), min });
            }
            _ => {}
        }
    }

    fn plain_object<V: JsonView>(&mut self, v: V, out: &mut Vec<u8>, depth: usize) {
        fn check<V: JsonView>(w: &mut Writer, v: V, array_allowed: bool, depth: usize) -> bool {
            if depth > MAX_DEPTH {
                w.error(ErrorKind::TooDeep { max: MAX_DEPTH });
                return false;
            }
            match v.kind() {
                Kind::String | Kind::Bool | Kind::Number => true,
                Kind::Object => {
                    let mut ok = true;
                    v.for_each_member(|k, x| {
                        if x.kind() == Kind::Absent {
                            return;
                        }
                        ok &= w.at_key(k.bytes, |w| check(w, x, true, depth + 1));
                    });
                    ok
                }
                Kind::Array if array_allowed => {
                    let mut ok = true;
                    for i in 0..v.len() {
                        w.path.push(Segment::Index(i));
                        ok &= check(w, v.item(i), false, depth + 1);
                        w.path.pop();
                    }
                    ok
                }
                _ => {
                    w.wrong_type(
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
        // The members are checked as plain values, then written as JSON.
        v.for_each_member(|k, x| {
            if x.kind() == Kind::Absent {
                return;
            }
            self.at_key(k.bytes, |w| check(w, x, true, depth + 1));
        });
        self.any(v, out, depth);
    }

    fn action<V: JsonView>(&mut self, v: V, out: &mut Vec<u8>, depth: usize) {
        if v.kind() != Kind::Object {
            self.wrong_type("object", v);
            return;
        }
        let action = match v.get("action") {
            Some(a) if a.kind() == Kind::String => a,
            Some(a) => {
                self.at(Segment::Field("action"), |w| w.wrong_type("string", a));
                return;
            }
            None => {
                self.error(ErrorKind::MissingField("action"));
                return;
            }
        };
        let name = action.string();
        let fields: &[(&'static str, Shape)] = match &name[..] {
            n if n == action_names::MODAL_OPEN.as_bytes() => &[
                ("componentId", Shape::String),
                ("props", Shape::PlainObject),
            ],
            n if n == action_names::MODAL_CLOSE.as_bytes() => {
                &[("returnValue", Shape::PlainObject)]
            }
            n if n == action_names::URL_OPEN.as_bytes()
                || n == action_names::LINK_UNFURL.as_bytes() =>
            {
                &[("url", Shape::String)]
            }
            n if n == action_names::UPDATE_PROPS.as_bytes() => &[("props", Shape::PlainObject)],
            _ => {
                // A custom action: any fields.
                self.any(v, out, depth);
                return;
            }
        };
        let owner: &'static str = match &name[..] {
            n if n == action_names::MODAL_OPEN.as_bytes() => action_names::MODAL_OPEN,
            n if n == action_names::MODAL_CLOSE.as_bytes() => action_names::MODAL_CLOSE,
            n if n == action_names::URL_OPEN.as_bytes() => action_names::URL_OPEN,
            n if n == action_names::LINK_UNFURL.as_bytes() => action_names::LINK_UNFURL,
            _ => action_names::UPDATE_PROPS,
        };
        drop(name);
        out.push(b'{');
        let mut first = true;
        let mut seen = [false; 2];
        v.for_each_member(|k, x| {
            if x.kind() == Kind::Absent {
                return;
            }
            let field = fields.iter().position(|(f, _)| f.as_bytes() == k.bytes);
            if field.is_none() && k.bytes != b"action" {
                let n = String::from_utf8_lossy(k.bytes).into_owned();
                self.at_key(k.bytes, |w| {
                    w.error(ErrorKind::UnknownAttribute { name: n, owner })
                });
                return;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            k.write(out);
            match field {
                None => x.write_string(out),
                Some(fi) => {
                    seen[fi] = true;
                    let (key, shape) = &fields[fi];
                    self.at(Segment::Field(key), |w| w.value(x, shape, out, depth + 1));
                }
            }
        });
        out.push(b'}');
        for (fi, (key, _)) in fields.iter().enumerate() {
            if !seen[fi] {
                self.error(ErrorKind::MissingField(key));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(v: serde_json::Value) -> Result<String, String> {
        let mut out = Vec::new();
        write_checked(&v, &Shape::Element(placement::ROOT), "element", &mut out)
            .map(|()| String::from_utf8(out).unwrap())
            .map_err(|e| e.errors.to_string())
    }

    #[test]
    fn writes_in_the_value_order() {
        let v = json!({"type": "button", "onPress": {"action": "x", "n": 1.5}, "label": "L"});
        let mut out = Vec::new();
        write_checked(
            &v,
            &Shape::Element(placement::DESCENDANT),
            "element",
            &mut out,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"type":"button","onPress":{"action":"x","n":1.5},"label":"L"}"#
        );
    }

    #[test]
    fn errors_past_the_cap_are_counted() {
        let children: Vec<_> = (0..60).map(|_| json!(5)).collect();
        let message =
            check(json!({"type": "block", "children": [{"type": "text", "children": children}]}))
                .unwrap_err();
        assert_eq!(
            message
                .lines()
                .filter(|l| l.starts_with("element."))
                .count(),
            50
        );
        assert!(message.ends_with("… and 10 more errors"), "{message}");
    }

    #[test]
    fn errors_match_the_decoder() {
        assert_eq!(
            check(json!({"type": "block"})).unwrap_err(),
            "element: missing required field \"children\""
        );
        assert_eq!(
            check(json!({"type": "text", "children": []})).unwrap_err(),
            "element: element \"text\" is not allowed here, expected one of block, modal, configuration"
        );
        assert_eq!(
            check(json!({"type": "block", "children": [{"type": "button", "label": "x", "onPress": {"action": "@ui.url.open"}}]})).unwrap_err(),
            "element.children[0].onPress: missing required field \"url\""
        );
        assert_eq!(
            check(json!({"type": "block", "children": [{"type": "text", "children": ["a", 5]}]}))
                .unwrap_err(),
            "element.children[0].children[1]: expected object, found number"
        );
    }
}
