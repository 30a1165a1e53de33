//! The tree walker: one pass over the elements, appending to one buffer.
//!
//! Safety rests on three habits, kept by the helpers here: every attribute name is a
//! `&'static str` written by this crate (so no `on*` attribute can come from a tree),
//! every user string goes through an escaping adapter, and every URL from a tree goes
//! through [`safe_url`](super::safe_url) or is built by [`write_url`](super::url::write_url).

use std::fmt::Write;

use serde::Serialize;

use crate::element::{Action, Element, Object};

use super::escape::{Attr, JsonAttr, Text};
use super::state::State;

/// One step of an element's path: an index in `children`, or another field's name.
#[derive(Clone, Copy)]
pub(super) enum Step {
    Index(usize),
    Field(&'static str),
}

/// Renders elements into `out`.
pub(super) struct Renderer<'r> {
    pub out: &'r mut String,
    pub state: State<'r>,
    pub interactive: bool,
    /// The dot-separated path of the element being rendered (`0.2.buttons.1`): the
    /// playground's handle on an element, and the stem of the ids labels point at.
    path: String,
    /// Where output goes as it is made, when it is streamed (see [`super::stream`]).
    pub(super) stream: Option<super::stream::Stream<'r>>,
}

impl<'r> Renderer<'r> {
    pub fn new(out: &'r mut String, state: Option<&'r Object>, interactive: bool) -> Self {
        Renderer {
            out,
            state: State::new(state),
            interactive,
            path: String::from("0"),
            stream: None,
        }
    }

    /// The path of the element being rendered.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Runs `f` one step deeper in the tree.
    pub fn at<T>(&mut self, step: Step, f: impl FnOnce(&mut Self) -> T) -> T {
        let len = self.path.len();
        self.path.push('.');
        match step {
            Step::Index(i) => {
                let _ = write!(self.path, "{i}");
            }
            Step::Field(name) => self.path.push_str(name),
        }
        let result = f(self);
        self.path.truncate(len);
        result
    }

    /// Renders a list of elements, each at its index under `field` (or directly under the
    /// current element for `children`).
    pub fn list(&mut self, field: Option<&'static str>, elements: &[Element]) {
        let each = |r: &mut Self| {
            for (i, e) in elements.iter().enumerate() {
                r.at(Step::Index(i), |r| r.element(e));
            }
        };
        match field {
            Some(name) => self.at(Step::Field(name), each),
            None => each(self),
        }
    }

    /// Renders the children of the current element: `children`, or, when the current
    /// element was read without them to be streamed, its children as the stream reads them.
    pub fn children(&mut self, children: &[Element]) {
        if let Some(pending) = self
            .stream
            .as_mut()
            .and_then(|s| s.take_pending(&self.path))
        {
            self.stream_children(pending);
        } else {
            self.list(None, children);
        }
    }

    /// Renders any element.
    pub fn element(&mut self, e: &Element) {
        match e {
            Element::Block(x) => self.block(x),
            Element::Modal(x) => self.modal(x),
            Element::Configuration(x) => self.configuration(x),
            Element::Button(x) => self.button(x),
            Element::TextInput(x) => self.textinput(x),
            Element::HStack(x) => self.stack("contentkit-hstack", x.align, &x.children),
            Element::VStack(x) => self.stack("contentkit-vstack", x.align, &x.children),
            Element::Box(x) => self.box_element(x),
            Element::Divider(x) => self.divider(x),
            Element::WebFrame(x) => self.webframe(x),
            Element::CodeBlock(x) => self.codeblock(x),
            Element::Markdown(x) => self.markdown(x),
            Element::Card(x) => self.card(x),
            Element::Image(x) => self.image(x),
            Element::Input(x) => self.input(x),
            Element::Select(x) => self.select(x),
            Element::Switch(x) => self.switch(x),
            Element::Checkbox(x) => self.checkbox(x),
            Element::Radio(x) => self.radio(x),
            Element::Text(x) => self.text(x),
            Element::Hint(x) => self.hint(x),
            Element::Link(x) => self.link(x),
            Element::Step(x) => self.step(x),
            Element::Stepper(x) => self.stepper(x),
        }
    }

    // --- Low-level writing -------------------------------------------------------------

    /// Starts an element's outer tag: `<tag class="…" data-ck-path="…"`, left open for
    /// more attributes.
    pub fn open_element(&mut self, tag: &'static str, classes: &[&'static str]) {
        self.open(tag, classes);
        if self.interactive {
            self.out.push_str(" data-ck-path=\"");
            self.out.push_str(&self.path);
            self.out.push('"');
        }
    }

    /// Starts a tag with classes, left open for more attributes.
    pub fn open(&mut self, tag: &'static str, classes: &[&'static str]) {
        self.out.push('<');
        self.out.push_str(tag);
        if let Some((first, rest)) = classes.split_first() {
            self.out.push_str(" class=\"");
            self.out.push_str(first);
            for c in rest {
                self.out.push(' ');
                self.out.push_str(c);
            }
            self.out.push('"');
        }
    }

    /// `<tag class="…">`.
    pub fn tag(&mut self, tag: &'static str, classes: &[&'static str]) {
        self.open(tag, classes);
        self.out.push('>');
    }

    /// Ends a start tag.
    pub fn end_open(&mut self) {
        self.out.push('>');
    }

    /// `</tag>`.
    pub fn close(&mut self, tag: &'static str) {
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
    }

    /// ` name="value"`, the value escaped.
    pub fn attr(&mut self, name: &'static str, value: impl std::fmt::Display) {
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        let _ = write!(Attr(self.out), "{value}");
        self.out.push('"');
    }

    /// ` name` when `on`.
    pub fn flag(&mut self, name: &'static str, on: bool) {
        if on {
            self.out.push(' ');
            self.out.push_str(name);
        }
    }

    /// ` name="ck-PATH"`: an id (or a reference to one) derived from the current path,
    /// with `suffix` appended (`.element` for an input's control, say).
    pub fn path_id(&mut self, name: &'static str, prefix: &'static str, suffix: &'static str) {
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        self.out.push_str(prefix);
        self.out.push_str(&self.path);
        self.out.push_str(suffix);
        self.out.push('"');
    }

    /// ` name='JSON'`.
    pub fn json_attr<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("='");
        JsonAttr::new(self.out).value(value);
        self.out.push('\'');
    }

    /// ` data-ck-action='JSON'` for the playground, in interactive output.
    pub fn action_attr(&mut self, name: &'static str, action: &Action) {
        if self.interactive {
            self.json_attr(name, action);
        }
    }

    /// ` data-ck-state="key" name="key"`: the state key a control writes. The `name`
    /// is always there (it is what a form would submit); the hook only when interactive.
    pub fn state_attrs(&mut self, key: &str) {
        self.attr("name", key);
        if self.interactive {
            self.attr("data-ck-state", key);
        }
    }

    /// Escaped text.
    pub fn text_str(&mut self, s: &str) {
        html_escape::encode_text_to_string(s, self.out);
    }

    /// Escaped text from anything printable.
    pub fn text_fmt(&mut self, value: impl std::fmt::Display) {
        let _ = write!(Text(self.out), "{value}");
    }

    /// Trusted markup written by this crate (icons, fixed labels).
    pub fn raw(&mut self, s: &'static str) {
        self.out.push_str(s);
    }

    /// ` style="property: N"` for a finite, non-negative number (aspect ratios, growth).
    pub fn number_style(&mut self, property: &'static str, n: f64) {
        if n.is_finite() && n >= 0.0 {
            let _ = write!(self.out, " style=\"{property}: {n}\"");
        }
    }
}
