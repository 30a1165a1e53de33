//! Content: text, links, images, markdown, code, web frames and hints.

use serde::Serialize;

use super::binding::{StringMap, StringOrBinding, UrlOrString};
use super::decode::{Decode, Decoder};
use super::json::{Json, View};
use super::placement::{self, decode_inline, TEXT_CHILD};
use super::{Button, Element, JsNumber};

string_enum! {
    /// How text is styled.
    pub enum TextStyle {
        /// Bold.
        Bold = "bold",
        /// Italic.
        Italic = "italic",
        /// Monospace code.
        Code = "code",
        /// Struck through.
        Strikethrough = "strikethrough",
    }
}

/// One child of a text: a string, or a nested text or link.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
// Most text children are strings; boxing the element would cost an allocation per
// nested text for little saving, since `Vec<TextNode>` is already on the heap.
#[allow(clippy::large_enum_variant)]
pub enum TextNode {
    /// A run of text.
    String(String),
    /// A nested `text` or `link`.
    Element(Element),
}

impl From<&str> for TextNode {
    fn from(s: &str) -> Self {
        TextNode::String(s.to_owned())
    }
}

impl From<String> for TextNode {
    fn from(s: String) -> Self {
        TextNode::String(s)
    }
}

impl From<Text> for TextNode {
    fn from(t: Text) -> Self {
        TextNode::Element(Element::Text(t))
    }
}

impl From<Link> for TextNode {
    fn from(l: Link) -> Self {
        TextNode::Element(Element::Link(l))
    }
}

impl Decode for TextNode {
    fn decode<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Self> {
        match v.as_str() {
            Some(s) => Some(TextNode::String(s.into_owned())),
            None => placement::decode_in(v, d, TEXT_CHILD).map(TextNode::Element),
        }
    }
}

/// A text's children: one string, or a list of strings, texts and links.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum TextChildren {
    /// A single string.
    String(String),
    /// A list (what JSX always produces).
    Nodes(Vec<TextNode>),
}

impl Decode for TextChildren {
    fn decode<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Self> {
        match v.view() {
            View::String(s) => Some(TextChildren::String(s.into_owned())),
            View::Array(_) => Vec::decode(v, d).map(TextChildren::Nodes),
            _ => {
                d.wrong_type("string or array", v);
                None
            }
        }
    }
}

record! {
    /// Styled text.
    ///
    /// ```
    /// use contentkit::element::{Text, TextStyle};
    /// let t = Text::new(["Count: 5"]).style(TextStyle::Bold);
    /// assert_eq!(
    ///     serde_json::to_string(&t).unwrap(),
    ///     r#"{"type":"text","style":"bold","children":["Count: 5"]}"#
    /// );
    /// ```
    pub struct Text [tag = "text"] as "text" {
        /// How it looks.
        opt style: TextStyle = "style",
        /// Strings, texts and links.
        req children: TextChildren = "children",
    }
}

impl Text {
    /// A text from its children (strings, texts, links).
    pub fn new<I, T>(children: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<TextNode>,
    {
        Text {
            style: None,
            children: TextChildren::Nodes(children.into_iter().map(Into::into).collect()),
        }
    }
}

/// A link's children: one string or a list of strings.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum LinkChildren {
    /// A single string.
    String(String),
    /// A list of strings.
    Strings(Vec<String>),
}

impl Decode for LinkChildren {
    fn decode<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Self> {
        match v.view() {
            View::String(s) => Some(LinkChildren::String(s.into_owned())),
            View::Array(_) => Vec::decode(v, d).map(LinkChildren::Strings),
            _ => {
                d.wrong_type("string or array of strings", v);
                None
            }
        }
    }
}

record! {
    /// Where a link goes.
    pub struct LinkTarget as "link target" {
        /// The URL.
        req url: UrlOrString = "url",
    }
}

record! {
    /// A hyperlink.
    pub struct Link [tag = "link"] as "link" {
        /// Where it goes.
        req target: LinkTarget = "target",
        /// Its text.
        req children: LinkChildren = "children",
    }
}

impl Link {
    /// A link to `url` with `text`.
    pub fn new(url: impl Into<UrlOrString>, text: impl Into<String>) -> Self {
        Link {
            target: LinkTarget { url: url.into() },
            children: LinkChildren::Strings(vec![text.into()]),
        }
    }
}

record! {
    /// Where an image or frame is loaded from.
    pub struct Source as "source" {
        /// The URL.
        req url: String = "url",
    }
}

record! {
    /// An image.
    pub struct Image [tag = "image"] as "image" {
        /// Where it is loaded from.
        req source: Source = "source",
        /// Width over height.
        req aspect_ratio: JsNumber = "aspectRatio",
    }
}

impl Image {
    /// An image at `url` with an aspect ratio.
    pub fn new(url: impl Into<String>, aspect_ratio: f64) -> Self {
        Image {
            source: Source { url: url.into() },
            aspect_ratio: JsNumber(aspect_ratio),
        }
    }
}

record! {
    /// Markdown text.
    pub struct Markdown [tag = "markdown"] as "markdown" {
        /// The markdown, or a binding to it.
        req content: StringOrBinding = "content",
    }
}

impl Markdown {
    /// Markdown with `content`.
    pub fn new(content: impl Into<StringOrBinding>) -> Self {
        Markdown {
            content: content.into(),
        }
    }
}

/// A codeblock's line numbers: on/off, or the number of the first line.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum LineNumbers {
    /// Shown or not.
    Bool(bool),
    /// Shown, starting at this number.
    Start(JsNumber),
}

impl Decode for LineNumbers {
    fn decode<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Self> {
        match v.view() {
            View::Bool(b) => Some(LineNumbers::Bool(b)),
            View::Number(n) => Some(LineNumbers::Start(JsNumber(n))),
            _ => {
                d.wrong_type("boolean or number", v);
                None
            }
        }
    }
}

impl From<bool> for LineNumbers {
    fn from(b: bool) -> Self {
        LineNumbers::Bool(b)
    }
}

record! {
    /// A block of code, editable when bound to state.
    pub struct CodeBlock [tag = "codeblock"] as "codeblock" {
        /// The code, or a binding to it.
        req content: StringOrBinding = "content",
        /// The language.
        opt syntax: String = "syntax",
        /// Line numbers.
        opt line_numbers: LineNumbers = "lineNumbers",
        /// The state key edits write (makes it editable).
        opt state: String = "state",
        /// What an edit sends.
        opt on_content_change: Action = "onContentChange",
        /// Buttons over the code.
        opt buttons: Vec<Button> = "buttons",
        /// Elements above the code.
        opt header: Vec<Element> = "header" via placement::decode_descendants as super::shape::Shape::Elements(super::placement::DESCENDANT),
        /// Elements below the code.
        opt footer: Vec<Element> = "footer" via placement::decode_descendants as super::shape::Shape::Elements(super::placement::DESCENDANT),
    }
}

use super::Action;

impl CodeBlock {
    /// A codeblock showing `content`.
    pub fn new(content: impl Into<StringOrBinding>) -> Self {
        CodeBlock {
            content: content.into(),
            syntax: None,
            line_numbers: None,
            state: None,
            on_content_change: None,
            buttons: None,
            header: None,
            footer: None,
        }
    }
}

record! {
    /// An embedded web page, which can receive data bound to state.
    pub struct WebFrame [tag = "webframe"] as "webframe" {
        /// The page.
        req source: Source = "source",
        /// Width over height.
        opt aspect_ratio: JsNumber = "aspectRatio",
        /// Buttons over the frame.
        opt buttons: Vec<Button> = "buttons",
        /// Data sent to the page (strings or bindings).
        opt data: StringMap<StringOrBinding> = "data",
    }
}

impl WebFrame {
    /// A frame showing `url`.
    pub fn new(url: impl Into<String>) -> Self {
        WebFrame {
            source: Source { url: url.into() },
            aspect_ratio: None,
            buttons: None,
            data: None,
        }
    }
}

record! {
    /// A hint box of inline elements.
    pub struct Hint [tag = "hint"] as "hint" {
        /// Texts, images and links.
        req children: Vec<Element> = "children" via decode_inline as super::shape::Shape::Elements(super::placement::INLINE),
    }
}

impl Hint {
    /// A hint from inline elements.
    pub fn new<I, T>(children: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<Element>,
    {
        Hint {
            children: children.into_iter().map(Into::into).collect(),
        }
    }
}
