//! The HTML preview of ContentKit elements.
//!
//! [`render_element`] turns any element into an HTML fragment; [`render_document`] wraps
//! one into a standalone HTML5 page with its stylesheet inline. The markup is semantic
//! (`button`, `dialog`, `select`, `strong`…) with `contentkit-*` classes, styled by a
//! stylesheet shipped in the binary ([`STYLESHEET`]) that follows GitBook's look, light
//! and dark (a `contentkit-theme-light` or `contentkit-theme-dark` class on the root).
//!
//! With [`HtmlOptions::interactive`], the output carries the hooks a playground needs,
//! and never an inline script or event handler:
//!
//! | attribute | on | holds |
//! | --- | --- | --- |
//! | `data-ck-action` | buttons, pressable cards, block controls, selects and switches, editable codeblocks | the action to send, as JSON |
//! | `data-ck-action-step-change`, `data-ck-action-complete` | steppers | their two actions, as JSON (the Back / Next / Complete buttons carry them too, with `data-ck-step`) |
//! | `data-ck-state` (and `name`) | every control bound to state | the state key it writes |
//! | `data-ck-value` | checkboxes and radios | the value they write, as JSON |
//! | `data-ck-confirm` | controls asking for confirmation | the id of a `<template>` holding the dialog; `data-ck-confirm-title`, `-text`, `-label`, `-style` hold its texts |
//! | `data-ck-webframe-data` | web frames | their `data`, bindings resolved, as JSON |
//! | `data-ck-path` | every element | its path from the root: `0` is the root, numbers index `children`, names are other fields (`0.2.buttons.1`) |
//!
//! Actions are written as the tree holds them: `{"$state": key}` bindings inside them
//! are for the client to resolve when it dispatches, from its current state.
//!
//! Every string from the tree is escaped, every URL goes through [`safe_url`] (or is
//! built from parts as `https://…`), markdown's raw HTML is shown as text, and web frames
//! are sandboxed without `allow-same-origin`. Rendering is one pass over the tree into
//! one buffer, with no I/O: it runs anywhere, WebAssembly included.
//!
//! ```
//! use contentkit::element::{Action, Block, Button, ButtonStyle, Element, Theme};
//! use contentkit::render::html::{render_element, HtmlOptions};
//!
//! let block: Element = Block::new([
//!     Button::new("Save <now>", Action::custom("save")).style(ButtonStyle::Primary),
//! ])
//! .into();
//! let options = HtmlOptions { interactive: true, ..HtmlOptions::default() };
//! let html = render_element(&block, &options);
//! assert!(html.starts_with(r#"<div class="contentkit contentkit-theme-light">"#));
//! assert!(html.contains(r#"<span class="contentkit-button-label">Save &lt;now&gt;</span>"#));
//! assert!(html.contains(r#"data-ck-action='{"action":"save"}'"#));
//! ```

mod content;
mod controls;
mod document;
mod escape;
mod icons;
mod layout;
mod markdown;
mod renderer;
mod state;
mod stream;
mod url;

use crate::element::{Element, Object, RenderOutput, Theme};

pub use stream::write_document_from_tape;
pub use url::safe_url;

/// The stylesheet the classes refer to, light and dark (what [`render_document`] inlines).
pub const STYLESHEET: &str = include_str!("html/style.css");

/// How to render.
#[derive(Debug, Clone)]
pub struct HtmlOptions<'a> {
    /// The colour theme: sets the `contentkit-theme-*` class on the root.
    pub theme: Theme,
    /// The page's title ([`render_document`] only); "ContentKit preview" when absent.
    pub title: Option<String>,
    /// The client's local state: resolves `{"$state": key}` bindings and fills the
    /// controls' values. [`render_document`] of a render output uses the output's state
    /// when this is `None`.
    pub state: Option<&'a Object>,
    /// Whether to write the playground's `data-ck-*` hooks (and confirmation templates).
    pub interactive: bool,
}

impl Default for HtmlOptions<'_> {
    /// Light theme, no title, no state, not interactive.
    fn default() -> Self {
        HtmlOptions {
            theme: Theme::Light,
            title: None,
            state: None,
            interactive: false,
        }
    }
}

/// What [`render_document`] shows: an element, or a whole render output (whose state
/// seeds the controls, and which may be the end of a flow).
#[derive(Debug, Clone, Copy)]
pub enum DocumentRoot<'a> {
    /// An element.
    Element(&'a Element),
    /// A render output.
    Output(&'a RenderOutput),
}

impl<'a> From<&'a Element> for DocumentRoot<'a> {
    fn from(e: &'a Element) -> Self {
        DocumentRoot::Element(e)
    }
}

impl<'a> From<&'a RenderOutput> for DocumentRoot<'a> {
    fn from(o: &'a RenderOutput) -> Self {
        DocumentRoot::Output(o)
    }
}

/// The HTML fragment of an element: a `<div class="contentkit contentkit-theme-…">`
/// around the element, to be shown with [`STYLESHEET`].
///
/// ```
/// use contentkit::element::{Element, Text, TextStyle};
/// use contentkit::render::html::{render_element, HtmlOptions};
///
/// let text: Element = Text::new(["<b>", "Count: 5"]).style(TextStyle::Bold).into();
/// assert_eq!(
///     render_element(&text, &HtmlOptions::default()),
///     r#"<div class="contentkit contentkit-theme-light"><strong class="contentkit-text">&lt;b&gt;Count: 5</strong></div>"#
/// );
/// ```
pub fn render_element(element: &Element, options: &HtmlOptions<'_>) -> String {
    let mut out = String::with_capacity(2048);
    write_element(&mut out, element, options);
    out
}

/// Appends the fragment of [`render_element`] to `out`, so that a caller rendering often
/// can reuse one buffer.
pub fn write_element(out: &mut String, element: &Element, options: &HtmlOptions<'_>) {
    write_fragment(out, element, options, options.state);
}

/// The fragment, with `state` standing for the options' state.
fn write_fragment(
    out: &mut String,
    element: &Element,
    options: &HtmlOptions<'_>,
    state: Option<&Object>,
) {
    out.push_str("<div class=\"contentkit ");
    out.push_str(theme_class(options.theme));
    out.push_str("\">");
    renderer::Renderer::new(out, state, options.interactive).element(element);
    out.push_str("</div>");
}

/// A standalone HTML5 page showing an element or a render output, its stylesheet inline
/// and no script.
///
/// ```
/// use contentkit::element::{RenderOutput, Theme};
/// use contentkit::render::html::{render_document, HtmlOptions};
///
/// let output = RenderOutput::from_json_str(r#"{
///     "type": "element", "state": {"name": "Ada"}, "props": {},
///     "element": {"type": "block", "children": [{"type": "textinput", "state": "name"}]}
/// }"#).unwrap();
/// let options = HtmlOptions { theme: Theme::Dark, title: Some("Form".into()), ..HtmlOptions::default() };
/// let page = render_document(&output, &options);
/// assert!(page.starts_with("<!DOCTYPE html>"));
/// assert!(page.contains("<title>Form</title>"));
/// assert!(page.contains(r#"class="contentkit contentkit-theme-dark""#));
/// // The output's state fills the field.
/// assert!(page.contains(r#"name="name" value="Ada""#));
/// ```
pub fn render_document<'a>(root: impl Into<DocumentRoot<'a>>, options: &HtmlOptions<'_>) -> String {
    document::render(root.into(), options)
}

/// The class that selects a theme's colours.
fn theme_class(theme: Theme) -> &'static str {
    match theme {
        Theme::Light => "contentkit-theme-light",
        Theme::Dark => "contentkit-theme-dark",
    }
}
