//! The typed ContentKit element tree and its exact JSON form.
//!
//! Every ContentKit element is a struct here, gathered in [`Element`]. Serializing
//! gives exactly the JSON GitBook reads: `type` first, camelCase keys, absent optionals
//! left out, numbers as JavaScript prints them. Reading JSON ([`Element::from_value`],
//! [`RenderOutput::from_value`]) is strict: unknown types and attributes, wrong enum
//! values, missing fields, the schema's limits and placement rules are all errors, each
//! with its JSON path, and every error of a tree is reported at once.
//!
//! ```
//! use contentkit::element::Element;
//! let json = serde_json::json!({
//!     "type": "block",
//!     "children": [
//!         {"type": "button", "label": "Save", "onPress": {"action": "save"}},
//!         {"type": "button", "label": "Drop", "style": "primry", "onPress": {"action": "drop"}}
//!     ]
//! });
//! let errors = Element::from_root_value(&json).unwrap_err();
//! assert_eq!(
//!     errors.to_string(),
//!     r#"element.children[1].style: unknown value "primry", expected one of primary, secondary, danger"#
//! );
//! ```

#[macro_use]
mod macros;

mod action;
mod binding;
mod content;
mod context;
mod control;
pub mod decode;
mod error;
mod icon;
pub mod json;
mod layout;
mod number;
mod output;
pub mod placement;
pub mod shape;
pub mod slots;
pub mod tape;
pub mod transcode;

use serde::{Serialize, Serializer};
use serde_json::Value;

pub use action::{names as action_names, Action, CustomAction};
pub use binding::{ContentKitUrl, DynamicBinding, StringMap, StringOrBinding, UrlOrString};
pub use content::{
    CodeBlock, Hint, Image, LineNumbers, Link, LinkChildren, LinkTarget, Markdown, Source, Text,
    TextChildren, TextNode, TextStyle, WebFrame,
};
pub use context::{RenderContext, Theme};
pub use control::{
    BuiltInSource, BuiltInSourceName, Button, ButtonStyle, Checkbox, Confirm, ConfirmStyle, Input,
    InputHint, InputType, Radio, Select, SelectOption, SelectOptions, SelectValue, StringOrNumber,
    Switch, TextInput, UrlSource,
};
pub use decode::Object;
pub use error::{ErrorKind, ValidationError, ValidationErrors};
pub use icon::{Icon, IconOrImage};
pub use layout::{
    Align, Block, BlockControl, BoxElement, Card, CardHint, Configuration, ControlEntry, Divider,
    DividerSize, HStack, Modal, ModalSize, Step, Stepper, VStack,
};
pub use number::{
    js_number_value, normalize_numbers, to_json_string, to_json_string_pretty, to_json_vec,
    JsFormatter, JsNumber,
};
pub use output::{CompleteOutput, ElementOutput, RenderOutput};

use decode::{Decode, Decoder};
use json::Json;

/// How deep (in JSON path steps) an element, or a value inside state, props or an
/// action, may sit; deeper trees are an error, so that decoding a hostile tree cannot
/// exhaust the stack (a 2 MiB thread stack holds it in debug builds). JSON read from
/// text cannot reach it: serde_json stops at 128 levels.
pub const MAX_DEPTH: usize = 512;

/// One attribute of an element, as the markup checker sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttrSpec {
    /// The JSON key (`"onPress"`).
    pub name: &'static str,
    /// Whether the element needs it.
    pub required: bool,
    /// The allowed strings, when the attribute is an enumeration.
    pub values: Option<&'static [&'static str]>,
}

macro_rules! elements {
    ($( $(#[$doc:meta])* $variant:ident($ty:ty) = $tag:literal ),+ $(,)?) => {
        /// Any ContentKit element.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Element {
            $( $(#[$doc])* $variant($ty), )+
        }

        /// The type of an element, by its `type` tag.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ElementKind {
            $( $(#[$doc])* $variant, )+
        }

        impl ElementKind {
            /// Every element type, in schema order.
            pub const ALL: &'static [ElementKind] = &[$(ElementKind::$variant),+];
            /// Every `type` tag, in schema order.
            pub const NAMES: &'static [&'static str] = &[$($tag),+];

            /// The `type` tag.
            pub fn name(self) -> &'static str {
                match self { $(ElementKind::$variant => $tag),+ }
            }

            /// The type with that tag.
            pub fn from_name(name: &str) -> Option<Self> {
                match name { $($tag => Some(ElementKind::$variant),)+ _ => None }
            }

            /// The attributes the element takes (its `children` included).
            pub fn attributes(self) -> &'static [AttrSpec] {
                match self { $(ElementKind::$variant => <$ty>::ATTRIBUTES),+ }
            }
        }

        impl Element {
            /// The element's type.
            pub fn kind(&self) -> ElementKind {
                match self { $(Element::$variant(_) => ElementKind::$variant),+ }
            }
        }

        impl Serialize for Element {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self { $(Element::$variant(e) => e.serialize(s)),+ }
            }
        }

        impl Decode for Element {
            fn decode<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Self> {
                if d.depth() > MAX_DEPTH {
                    d.error(ErrorKind::TooDeep { max: MAX_DEPTH });
                    return None;
                }
                let obj = d.object(v)?;
                let tag = d.required(obj, "type", String::decode)?;
                match tag.as_str() {
                    $( $tag => <$ty>::decode(v, d).map(Element::$variant), )+
                    _ => {
                        d.at_key("type", |d| d.error(ErrorKind::UnknownElement {
                            found: decode::quoted(&tag),
                            expected: ElementKind::NAMES,
                        }));
                        None
                    }
                }
            }
        }

        $(
            impl From<$ty> for Element {
                fn from(e: $ty) -> Self {
                    Element::$variant(e)
                }
            }
        )+
    };
}

elements! {
    /// `block`: the root of a custom block.
    Block(Block) = "block",
    /// `modal`: the root of a modal.
    Modal(Modal) = "modal",
    /// `configuration`: the root of a configuration screen.
    Configuration(Configuration) = "configuration",
    /// `button`.
    Button(Button) = "button",
    /// `textinput`.
    TextInput(TextInput) = "textinput",
    /// `hstack`.
    HStack(HStack) = "hstack",
    /// `vstack`.
    VStack(VStack) = "vstack",
    /// `box`.
    Box(BoxElement) = "box",
    /// `divider`.
    Divider(Divider) = "divider",
    /// `webframe`.
    WebFrame(WebFrame) = "webframe",
    /// `codeblock`.
    CodeBlock(CodeBlock) = "codeblock",
    /// `markdown`.
    Markdown(Markdown) = "markdown",
    /// `card`.
    Card(Card) = "card",
    /// `image`.
    Image(Image) = "image",
    /// `input`.
    Input(Input) = "input",
    /// `select`.
    Select(Select) = "select",
    /// `switch`.
    Switch(Switch) = "switch",
    /// `checkbox`.
    Checkbox(Checkbox) = "checkbox",
    /// `radio`.
    Radio(Radio) = "radio",
    /// `text`.
    Text(Text) = "text",
    /// `hint`.
    Hint(Hint) = "hint",
    /// `link`.
    Link(Link) = "link",
    /// `step`.
    Step(Step) = "step",
    /// `stepper`.
    Stepper(Stepper) = "stepper",
}

impl ElementKind {
    /// Whether the element takes a `children` attribute.
    pub fn has_children(self) -> bool {
        self.attributes().iter().any(|a| a.name == "children")
    }

    /// Whether the element may be the root of a render output.
    pub fn is_root(self) -> bool {
        placement::ROOT.allows(self)
    }
}

impl std::fmt::Display for ElementKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Element {
    /// Reads any element from JSON, strictly; paths start at `element`.
    pub fn from_value(v: &Value) -> Result<Element, ValidationErrors> {
        Element::from_json(v)
    }

    /// Reads a root element (block, modal, configuration) from JSON, strictly.
    pub fn from_root_value(v: &Value) -> Result<Element, ValidationErrors> {
        Element::from_root_json(v)
    }

    /// Reads a root element from a JSON string, without building a `serde_json::Value`
    /// on the way (see [`tape`]).
    pub fn from_json_str(s: &str) -> Result<Element, crate::Error> {
        let tape = tape::Tape::parse(s)?;
        Ok(Element::from_root_json(tape.root())?)
    }

    /// Reads any element from any [`Json`] document, strictly.
    pub fn from_json<'a>(v: impl Json<'a>) -> Result<Element, ValidationErrors> {
        let mut d = Decoder::new("element");
        let e = Element::decode(v, &mut d);
        d.finish(e)
    }

    /// Reads a root element from any [`Json`] document, strictly.
    pub fn from_root_json<'a>(v: impl Json<'a>) -> Result<Element, ValidationErrors> {
        let mut d = Decoder::new("element");
        let e = placement::decode_in(v, &mut d, placement::ROOT);
        d.finish(e)
    }

    /// Checks a root element as [`Element::from_root_json`] reads it, keeping nothing:
    /// memory stays proportional to the tree's depth, not its size.
    ///
    /// ```
    /// use contentkit::element::{tape::Tape, Element};
    /// let tape = Tape::parse(r#"{"type": "block", "children": [{"type": "divider", "size": "huge"}]}"#).unwrap();
    /// let errors = Element::check_root_json(tape.root()).unwrap_err();
    /// assert_eq!(errors.to_string(), r#"element.children[0].size: unknown value "huge", expected one of small, medium, large"#);
    /// ```
    pub fn check_root_json<'a>(v: impl Json<'a>) -> Result<(), ValidationErrors> {
        let mut d = Decoder::checking("element");
        let e = placement::decode_in(v, &mut d, placement::ROOT);
        d.finish(e.map(drop))
    }

    /// The element's JSON.
    pub fn to_value(&self) -> Value {
        // Serializing the tree into a `Value` cannot fail: every key is a string.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// Checks a tree built in Rust against every rule a tree read from JSON must meet.
    ///
    /// ```
    /// use contentkit::element::{Action, Block, Button, Confirm, Element};
    /// let long = "x".repeat(301);
    /// let b: Element = Block::new([Button::new("Go", Action::custom("go"))
    ///     .confirm(Confirm::new("Sure?", long, "Yes"))]).into();
    /// let err = b.validate().unwrap_err();
    /// assert_eq!(err.to_string(), "element.children[0].confirm.text: too long: 301 characters, at most 300 allowed");
    /// ```
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        Element::from_root_value(&self.to_value()).map(|_| ())
    }
}

impl<'de> serde::Deserialize<'de> for Element {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(de)?;
        Element::from_value(&v).map_err(serde::de::Error::custom)
    }
}
