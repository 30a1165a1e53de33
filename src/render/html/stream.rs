//! The page of a JSON tree too big to hold typed, written as it is made.
//!
//! A typed [`Element`] takes several times the text it was read from, and the page
//! several times the tree. [`write_document_from_tape`] holds neither: the root and
//! every layout element with many children are read without their children, each child
//! is read from the tape when its turn comes and dropped once rendered, and the page goes
//! to the writer in pieces of [`FLUSH_AT`] bytes. Memory is the text, its tape, the
//! largest small subtree and one piece of output.

use std::borrow::Cow;
use std::io;

use crate::element::decode::Decoder;
use crate::element::json::{Json, JsonType, View};
use crate::element::placement;
use crate::element::tape::{Children, Node, TapeFields};
use crate::element::{Element, RenderOutput, ValidationErrors};

use super::document;
use super::renderer::{Renderer, Step};
use super::{theme_class, DocumentRoot, HtmlOptions};

/// Output is handed to the writer once the buffer holds this much.
const FLUSH_AT: usize = 64 * 1024;

/// A layout element whose `children` hold at least this many JSON values is read
/// without them and its children streamed; smaller ones are read whole.
const STREAM_AT: usize = 4096;

/// Writes the standalone page of a JSON element tree or render output, as
/// [`render_document`](super::render_document) of the decoded tree would, straight
/// from its [`Tape`](crate::element::tape::Tape).
///
/// `root` should have been checked (`Element::check_root_json`, or
/// `RenderOutput::check_json` for an output): a part that does not decode stops the
/// page there with an [`io::ErrorKind::InvalidData`] error naming the problem.
///
/// ```
/// use contentkit::element::{tape::Tape, Element};
/// use contentkit::render::html::{render_document, write_document_from_tape, HtmlOptions};
///
/// let text = r#"{"type": "block", "children": [{"type": "text", "children": ["a < b"]}]}"#;
/// let tape = Tape::parse(text).unwrap();
/// let mut page = Vec::new();
/// write_document_from_tape(tape.root(), &HtmlOptions::default(), &mut page).unwrap();
///
/// let tree = Element::from_json_str(text).unwrap();
/// assert_eq!(String::from_utf8(page).unwrap(), render_document(&tree, &HtmlOptions::default()));
/// ```
pub fn write_document_from_tape(
    root: Node<'_>,
    options: &HtmlOptions<'_>,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let page = document::page(options);
    let (head, tail) = document::halves(&page);
    let mut buf = String::with_capacity(FLUSH_AT + FLUSH_AT / 4);
    buf.push_str(head);

    if RenderOutput::is_output_json(root) {
        let element = root.get("element");
        let hollow = element.filter(|e| streams(*e));
        let output = RenderOutput::from_json(Shallow::new(root, hollow)).map_err(invalid)?;
        match &output {
            RenderOutput::Element(o) => {
                let state = options.state.or(Some(&o.state));
                fragment(&mut buf, out, &o.element, hollow, options, state)?;
            }
            RenderOutput::Complete(_) => {
                document::write_body(&mut buf, DocumentRoot::Output(&output), options);
            }
        }
    } else {
        let hollow = Some(root).filter(|e| streams(*e));
        let tree = Element::from_root_json(Shallow::new(root, hollow)).map_err(invalid)?;
        fragment(&mut buf, out, &tree, hollow, options, options.state)?;
    }

    buf.push_str(tail);
    out.write_all(buf.as_bytes())
}

/// Writes the fragment of `element`, whose children are still in the tape (at
/// `hollow`) when it was read without them.
fn fragment<'r>(
    buf: &'r mut String,
    sink: &'r mut dyn io::Write,
    element: &'r Element,
    hollow: Option<Node<'r>>,
    options: &HtmlOptions<'_>,
    state: Option<&'r crate::element::Object>,
) -> io::Result<()> {
    buf.push_str("<div class=\"contentkit ");
    buf.push_str(theme_class(options.theme));
    buf.push_str("\">");
    let mut renderer = Renderer::new(buf, state, options.interactive);
    renderer.stream = Some(Stream {
        sink,
        pending: None,
        error: None,
    });
    renderer.render_hollow(element, hollow);
    if let Some(error) = renderer.stream.take().and_then(|s| s.error) {
        return Err(error);
    }
    buf.push_str("</div>");
    Ok(())
}

/// The streaming side of a [`Renderer`].
pub(super) struct Stream<'r> {
    sink: &'r mut dyn io::Write,
    /// The element read without its children, by path, and its children in the tape.
    pending: Option<(String, Node<'r>)>,
    /// The first failure, after which nothing more is rendered.
    error: Option<io::Error>,
}

impl<'r> Stream<'r> {
    /// The children left in the tape for the element at `path`, once.
    pub(super) fn take_pending(&mut self, path: &str) -> Option<Node<'r>> {
        match &self.pending {
            Some((p, _)) if p == path => self.pending.take().map(|(_, children)| children),
            _ => None,
        }
    }
}

impl<'r> Renderer<'r> {
    /// Renders `element`, whose children are the `children` of `hollow` in the tape
    /// when it was read without them.
    fn render_hollow(&mut self, element: &Element, hollow: Option<Node<'r>>) {
        let children = hollow.and_then(|h| h.get("children"));
        if let Some(children) = children {
            let path = self.path().to_owned();
            if let Some(stream) = self.stream.as_mut() {
                stream.pending = Some((path, children));
            }
        }
        self.element(element);
        if let Some(stream) = self.stream.as_mut() {
            stream.pending = None;
        }
    }

    /// Renders children read one at a time from the tape, handing output to the sink
    /// as it grows.
    pub(super) fn stream_children(&mut self, children: Node<'r>) {
        for (i, child) in children.items().enumerate() {
            if self.stream.as_ref().is_some_and(|s| s.error.is_some()) {
                return;
            }
            self.at(Step::Index(i), |r| r.child_from_tape(child));
            self.flush_if_full();
        }
    }

    fn child_from_tape(&mut self, node: Node<'r>) {
        let hollow = Some(node).filter(|n| streams(*n));
        let mut d = Decoder::new("element");
        let element = placement::decode_in(Shallow::new(node, hollow), &mut d, placement::ANY);
        match d.finish(element) {
            Ok(element) => self.render_hollow(&element, hollow),
            Err(errors) => {
                if let Some(stream) = self.stream.as_mut() {
                    stream.error.get_or_insert(invalid(errors));
                }
            }
        }
    }

    fn flush_if_full(&mut self) {
        if self.out.len() < FLUSH_AT {
            return;
        }
        if let Some(stream) = self.stream.as_mut() {
            if let Err(e) = stream.sink.write_all(self.out.as_bytes()) {
                stream.error.get_or_insert(e);
            }
            self.out.clear();
        }
    }
}

fn invalid(errors: ValidationErrors) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, errors.to_string())
}

/// Whether `node` is a layout element that renders every child in order, with enough
/// children to be worth reading one at a time.
fn streams(node: Node<'_>) -> bool {
    let kind = node.get("type").and_then(|t| t.as_str());
    let layout = matches!(
        kind.as_deref(),
        Some("block" | "modal" | "configuration" | "vstack" | "hstack" | "box")
    );
    layout
        && node
            .get("children")
            .is_some_and(|c| c.json_type() == JsonType::Array && c.size() >= STREAM_AT)
}

/// A tape seen with the `children` of one element (`hollow`) as an empty array, so
/// that decoding it skips them.
#[derive(Debug, Clone, Copy)]
enum Shallow<'a> {
    Node {
        node: Node<'a>,
        hollow: Option<usize>,
    },
    NoChildren,
}

impl<'a> Shallow<'a> {
    fn new(node: Node<'a>, hollow: Option<Node<'a>>) -> Self {
        Shallow::Node {
            node,
            hollow: hollow.map(Node::position),
        }
    }

    fn wrap(node: Node<'a>, hollow: Option<usize>) -> Self {
        Shallow::Node { node, hollow }
    }

    fn is_hollow(self) -> bool {
        matches!(self, Shallow::Node { node, hollow: Some(h) } if node.position() == h)
    }
}

/// The items of a [`Shallow`] array.
#[derive(Debug, Clone)]
struct ShallowItems<'a> {
    items: Option<Children<'a>>,
    hollow: Option<usize>,
}

impl<'a> Iterator for ShallowItems<'a> {
    type Item = Shallow<'a>;
    fn next(&mut self) -> Option<Shallow<'a>> {
        let node = self.items.as_mut()?.next()?;
        Some(Shallow::wrap(node, self.hollow))
    }
}

/// The fields of a [`Shallow`] object.
#[derive(Debug, Clone)]
struct ShallowFields<'a> {
    fields: Option<TapeFields<'a>>,
    hollow: Option<usize>,
    /// Whether this is the object whose `children` are hidden.
    hides_children: bool,
}

impl<'a> Iterator for ShallowFields<'a> {
    type Item = (Cow<'a, str>, Shallow<'a>);
    fn next(&mut self) -> Option<Self::Item> {
        let (key, value) = self.fields.as_mut()?.next()?;
        let value = if self.hides_children && key == "children" {
            Shallow::NoChildren
        } else {
            Shallow::wrap(value, self.hollow)
        };
        Some((key, value))
    }
}

impl<'a> Json<'a> for Shallow<'a> {
    type Items = ShallowItems<'a>;
    type Fields = ShallowFields<'a>;

    fn json_type(self) -> JsonType {
        match self {
            Shallow::Node { node, .. } => node.json_type(),
            Shallow::NoChildren => JsonType::Array,
        }
    }

    fn view(self) -> View<'a, Self> {
        match self {
            Shallow::Node { node, hollow } => match node.view() {
                View::Null => View::Null,
                View::Bool(b) => View::Bool(b),
                View::Number(n) => View::Number(n),
                View::String(s) => View::String(s),
                View::Array(a) => View::Array(Shallow::wrap(a, hollow)),
                View::Object(o) => View::Object(Shallow::wrap(o, hollow)),
            },
            Shallow::NoChildren => View::Array(self),
        }
    }

    fn as_str(self) -> Option<Cow<'a, str>> {
        match self {
            Shallow::Node { node, .. } => node.as_str(),
            Shallow::NoChildren => None,
        }
    }

    fn items(self) -> Self::Items {
        match self {
            Shallow::Node { node, hollow } => ShallowItems {
                items: Some(node.items()),
                hollow,
            },
            Shallow::NoChildren => ShallowItems {
                items: None,
                hollow: None,
            },
        }
    }

    fn fields(self) -> Self::Fields {
        let hides_children = self.is_hollow();
        match self {
            Shallow::Node { node, hollow } => ShallowFields {
                fields: Some(node.fields()),
                hollow,
                hides_children,
            },
            Shallow::NoChildren => ShallowFields {
                fields: None,
                hollow: None,
                hides_children,
            },
        }
    }

    fn get(self, key: &str) -> Option<Self> {
        let hides_children = self.is_hollow();
        match self {
            Shallow::Node { node, hollow } => {
                let value = node.get(key)?;
                Some(if hides_children && key == "children" {
                    Shallow::NoChildren
                } else {
                    Shallow::wrap(value, hollow)
                })
            }
            Shallow::NoChildren => None,
        }
    }

    fn len(self) -> usize {
        match self {
            Shallow::Node { node, .. } => node.len(),
            Shallow::NoChildren => 0,
        }
    }

    fn to_value(self) -> serde_json::Value {
        match self {
            Shallow::Node { node, .. } => {
                let mut value = node.to_value();
                if self.is_hollow() {
                    if let Some(children) = value.get_mut("children") {
                        *children = serde_json::Value::Array(Vec::new());
                    }
                }
                value
            }
            Shallow::NoChildren => serde_json::Value::Array(Vec::new()),
        }
    }
}
