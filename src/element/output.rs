//! Render outputs: what a component returns for a `ui_render` request.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::Value;

use super::decode::{decode_plain_object, Decode, Decoder, Object};
use super::json::Json;
use super::tape::Tape;
use super::{placement, Element, ErrorKind, ValidationErrors};

/// A rendered element with the state and props it was rendered from.
#[derive(Debug, Clone, PartialEq)]
pub struct ElementOutput {
    /// The state the client keeps.
    pub state: Object,
    /// The props the next request carries.
    pub props: Object,
    /// The root element.
    pub element: Element,
    /// Whether the component may read visitor claims.
    pub can_access_visitor_claims: Option<bool>,
}

/// The end of a flow, with the value handed to whoever opened it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CompleteOutput {
    /// The value handed back.
    pub return_value: Option<Object>,
}

/// What a `ui_render` answers: an element to show, or `complete`.
///
/// ```
/// use contentkit::element::RenderOutput;
/// let json = r#"{"type":"element","state":{"n":7},"props":{},"element":{"type":"block","children":[]}}"#;
/// let out = RenderOutput::from_json_str(json).unwrap();
/// assert_eq!(serde_json::to_string(&out).unwrap(), json);
/// ```
#[derive(Debug, Clone, PartialEq)]
// One output per request: its size does not matter, and unboxed it reads plainly.
#[allow(clippy::large_enum_variant)]
pub enum RenderOutput {
    /// An element to show.
    Element(ElementOutput),
    /// The flow is over.
    Complete(CompleteOutput),
}

impl RenderOutput {
    /// Reads a render output strictly; paths start at the output's own keys (`element.children[0]`).
    pub fn from_value(v: &Value) -> Result<Self, ValidationErrors> {
        RenderOutput::from_json(v)
    }

    /// Reads a render output from a JSON string, without building a `serde_json::Value`
    /// of the element tree on the way (see [`tape`](super::tape)).
    pub fn from_json_str(s: &str) -> Result<Self, crate::Error> {
        let tape = Tape::parse(s)?;
        Ok(RenderOutput::from_json(tape.root())?)
    }

    /// Whether a JSON document is meant as a render output rather than an element: its
    /// `type` is `element` or `complete`, or it has no `type` but an `element`.
    ///
    /// ```
    /// use contentkit::element::{tape::Tape, RenderOutput};
    /// let output = Tape::parse(r#"{"type": "complete", "returnValue": {}}"#).unwrap();
    /// assert!(RenderOutput::is_output_json(output.root()));
    /// let element = Tape::parse(r#"{"type": "block", "children": []}"#).unwrap();
    /// assert!(!RenderOutput::is_output_json(element.root()));
    /// ```
    pub fn is_output_json<'a>(v: impl Json<'a>) -> bool {
        let ty = v.get("type");
        matches!(
            ty.and_then(|t| t.as_str()).as_deref(),
            Some("element" | "complete")
        ) || (ty.is_none() && v.get("element").is_some())
    }

    /// Reads a render output from any [`Json`] document, strictly.
    pub fn from_json<'a>(v: impl Json<'a>) -> Result<Self, ValidationErrors> {
        let mut d = Decoder::new("");
        let out = RenderOutput::decode(v, &mut d);
        d.finish(out)
    }

    /// Checks a render output as [`RenderOutput::from_json`] reads it, keeping nothing:
    /// memory stays proportional to its depth, not its size.
    pub fn check_json<'a>(v: impl Json<'a>) -> Result<(), ValidationErrors> {
        let mut d = Decoder::checking("");
        let out = RenderOutput::decode(v, &mut d);
        d.finish(out.map(drop))
    }

    /// The JSON form.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

impl Serialize for RenderOutput {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        match self {
            RenderOutput::Element(e) => {
                m.serialize_entry("type", "element")?;
                m.serialize_entry("state", &e.state)?;
                m.serialize_entry("props", &e.props)?;
                m.serialize_entry("element", &e.element)?;
                if let Some(b) = e.can_access_visitor_claims {
                    m.serialize_entry("canAccessVisitorClaims", &b)?;
                }
            }
            RenderOutput::Complete(c) => {
                m.serialize_entry("type", "complete")?;
                if let Some(r) = &c.return_value {
                    m.serialize_entry("returnValue", r)?;
                }
            }
        }
        m.end()
    }
}

impl Decode for RenderOutput {
    fn decode<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Self> {
        let obj = d.object(v)?;
        let ty = d.optional(obj, "type", String::decode)?;
        match ty.as_deref() {
            Some("complete") => {
                d.unknown_keys(obj, &["returnValue"], true, "complete output");
                let return_value = d.optional(obj, "returnValue", Object::decode)?;
                Some(RenderOutput::Complete(CompleteOutput { return_value }))
            }
            None | Some("element") => {
                d.unknown_keys(
                    obj,
                    &["state", "props", "element", "canAccessVisitorClaims"],
                    true,
                    "element output",
                );
                let state = d.required(obj, "state", Object::decode);
                let props = d.required(obj, "props", decode_plain_object);
                let element = d.required(obj, "element", |v, d| {
                    placement::decode_in(v, d, placement::ROOT)
                });
                let claims = d.optional(obj, "canAccessVisitorClaims", bool::decode);
                Some(RenderOutput::Element(ElementOutput {
                    state: state?,
                    props: props?,
                    element: element?,
                    can_access_visitor_claims: claims?,
                }))
            }
            Some(other) => {
                d.at_key("type", |d| {
                    d.error(ErrorKind::UnknownValue {
                        found: super::decode::quoted(other),
                        expected: &["element", "complete"],
                    })
                });
                None
            }
        }
    }
}

impl<'de> serde::Deserialize<'de> for RenderOutput {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(de)?;
        RenderOutput::from_value(&v).map_err(serde::de::Error::custom)
    }
}
