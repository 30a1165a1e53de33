//! The JSON of a checked tree, written straight from the document it was read from.
//!
//! Printing a tree read from a file (`contentkit render tree.json`) used to build the
//! typed tree, about six times the size of its text, only to serialize it again. Once
//! a document is checked ([`Element::check_root_json`], which keeps nothing), its JSON
//! can be written by walking the document with the element shapes instead: records
//! with their tag first and their fields in declared order, element lists item by
//! item. What holds no element (an action, a binding, a state object) is still
//! decoded into its Rust type and serialized by it, one value at a time. So the
//! output is byte for byte what serializing the decoded tree gives
//! (`tests/json_text.rs` holds the two to it), and memory is the document, not a
//! second tree.
//!
//! ```
//! use contentkit::element::tape::Tape;
//! use contentkit::element::transcode::TreeJson;
//! use contentkit::element::{to_json_string, Element};
//! let text = r#"{"children": [{"size": "small", "type": "divider"}], "type": "block"}"#;
//! let tape = Tape::parse(text).unwrap();
//! let checked = TreeJson::check(tape.root()).unwrap();
//! let tree = Element::from_root_json(tape.root()).unwrap();
//! assert_eq!(to_json_string(&checked).unwrap(), to_json_string(&tree).unwrap());
//! assert_eq!(to_json_string(&checked).unwrap(), r#"{"type":"block","children":[{"type":"divider","size":"small"}]}"#);
//! ```

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::decode::{Decode, Decoder, Object};
use super::json::{Json, View};
use super::shape::{RecordShape, Shape};
use super::{
    Action, CardHint, ControlEntry, Element, ElementKind, IconOrImage, InputHint, JsNumber,
    LineNumbers, LinkChildren, RenderOutput, SelectOptions, SelectValue, StringOrBinding,
    StringOrNumber, TextChildren, UrlOrString, ValidationErrors,
};

/// A root element (block, modal, configuration) that has been checked, serialized as
/// [`Element::from_root_json`] and then serializing would give it.
#[derive(Debug, Clone, Copy)]
pub struct TreeJson<J>(J);

impl<'a, J: Json<'a>> TreeJson<J> {
    /// Checks `v` as a root element (keeping nothing); its JSON when it is valid.
    pub fn check(v: J) -> Result<Self, ValidationErrors> {
        Element::check_root_json(v).map(|()| TreeJson(v))
    }
}

impl<'a, J: Json<'a>> Serialize for TreeJson<J> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        element(self.0, s)
    }
}

/// A render output that has been checked, serialized as [`RenderOutput::from_json`]
/// and then serializing would give it.
#[derive(Debug, Clone, Copy)]
pub struct OutputJson<J>(J);

impl<'a, J: Json<'a>> OutputJson<J> {
    /// Checks `v` as a render output (keeping nothing); its JSON when it is valid.
    pub fn check(v: J) -> Result<Self, ValidationErrors> {
        RenderOutput::check_json(v).map(|()| OutputJson(v))
    }
}

impl<'a, J: Json<'a>> Serialize for OutputJson<J> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // As `RenderOutput`'s own `Serialize` writes it.
        let v = self.0;
        let ty = v.get("type").and_then(|t| t.as_str());
        let mut m = s.serialize_map(None)?;
        if ty.as_deref() == Some("complete") {
            m.serialize_entry("type", "complete")?;
            if let Some(r) = v.get("returnValue") {
                m.serialize_entry("returnValue", &Shaped(r, Shape::Object))?;
            }
        } else {
            m.serialize_entry("type", "element")?;
            for (key, shape) in [
                ("state", Shape::Object),
                ("props", Shape::PlainObject),
                ("element", Shape::Element(super::placement::ROOT)),
                ("canAccessVisitorClaims", Shape::Bool),
            ] {
                if let Some(x) = v.get(key) {
                    m.serialize_entry(key, &Shaped(x, shape))?;
                }
            }
        }
        m.end()
    }
}

/// A checked value and the shape it has.
#[derive(Clone, Copy)]
struct Shaped<J>(J, Shape);

impl<'a, J: Json<'a>> Serialize for Shaped<J> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Shaped(v, shape) = *self;
        match shape {
            Shape::String | Shape::Enum(_) => match v.as_str() {
                Some(t) => s.serialize_str(&t),
                None => Err(unchecked()),
            },
            Shape::Bool => match v.view() {
                View::Bool(b) => s.serialize_bool(b),
                _ => Err(unchecked()),
            },
            Shape::Number => match v.view() {
                View::Number(n) => JsNumber(n).serialize(s),
                _ => Err(unchecked()),
            },
            Shape::Record(r) => record(v, r, s),
            Shape::List(item) => {
                let mut seq = s.serialize_seq(None)?;
                for x in v.items() {
                    seq.serialize_element(&Shaped(x, *item))?;
                }
                seq.end()
            }
            Shape::Map(item) => {
                let mut m = s.serialize_map(None)?;
                for (k, x) in v.fields() {
                    m.serialize_entry(k.as_ref(), &Shaped(x, *item))?;
                }
                m.end()
            }
            Shape::Element(_) => element(v, s),
            Shape::Elements(_) => {
                let mut seq = s.serialize_seq(None)?;
                for x in v.items() {
                    seq.serialize_element(&Shaped(x, shape_of_element()))?;
                }
                seq.end()
            }
            // No record field is of any JSON at all.
            Shape::Any => Err(unchecked()),
            // The rest: decoded and serialized by its type, one value at a time.
            Shape::Object | Shape::PlainObject => typed::<Object, _, _>(v, s),
            Shape::Action => typed::<Action, _, _>(v, s),
            Shape::StringOrBinding => typed::<StringOrBinding, _, _>(v, s),
            Shape::UrlOrString => typed::<UrlOrString, _, _>(v, s),
            Shape::StringOrNumber => typed::<StringOrNumber, _, _>(v, s),
            Shape::LineNumbers => typed::<LineNumbers, _, _>(v, s),
            Shape::SelectValue => typed::<SelectValue, _, _>(v, s),
            Shape::SelectOptions => typed::<SelectOptions, _, _>(v, s),
            Shape::InputHint => typed::<InputHint, _, _>(v, s),
            Shape::CardHint => typed::<CardHint, _, _>(v, s),
            Shape::IconOrImage => typed::<IconOrImage, _, _>(v, s),
            Shape::TextChildren => typed::<TextChildren, _, _>(v, s),
            Shape::LinkChildren => typed::<LinkChildren, _, _>(v, s),
            Shape::ControlEntry => typed::<ControlEntry, _, _>(v, s),
        }
    }
}

/// The shape of one element, wherever it stands (the place was checked).
fn shape_of_element() -> Shape {
    Shape::Element(super::placement::ANY)
}

/// An element: its record, by its tag.
fn element<'a, J: Json<'a>, S: Serializer>(v: J, s: S) -> Result<S::Ok, S::Error> {
    let kind = v
        .get("type")
        .and_then(|t| t.as_str())
        .and_then(|t| ElementKind::from_name(&t))
        .ok_or_else(unchecked)?;
    record(v, kind.shape(), s)
}

/// A record as `record!`'s serializer writes it: the tag first, then each field given,
/// in declared order (a key given twice has its last value, as decoding reads it).
fn record<'a, J: Json<'a>, S: Serializer>(
    v: J,
    r: &'static RecordShape,
    s: S,
) -> Result<S::Ok, S::Error> {
    let mut m = s.serialize_map(None)?;
    if let Some(tag) = r.tag {
        m.serialize_entry("type", tag)?;
    }
    for f in r.fields {
        if let Some(x) = v.get(f.key) {
            m.serialize_entry(f.key, &Shaped(x, f.shape))?;
        }
    }
    m.end()
}

/// `v` decoded as a `T` and serialized as one.
fn typed<'a, T, J, S>(v: J, s: S) -> Result<S::Ok, S::Error>
where
    T: Decode + Serialize,
    J: Json<'a>,
    S: Serializer,
{
    let mut d = Decoder::new("");
    match T::decode(v, &mut d) {
        Some(x) if !d.has_errors() => x.serialize(s),
        _ => Err(unchecked()),
    }
}

fn unchecked<E: serde::ser::Error>() -> E {
    E::custom("a value the element checks refuse: check it before writing it")
}
