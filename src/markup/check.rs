//! Checks against the ContentKit element types, at compile time and at render time.
//!
//! This is the one module of the markup language that knows [`crate::element`]:
//! compile-time checks of what is written literally (tags, attribute names, enum
//! literals, required attributes, obvious misplacements), and render-time validation of
//! the whole rendered tree.

use serde_json::Value;

use crate::element::placement::{self, Place as ElementPlace};
use crate::element::{Element, ElementKind, ValidationErrors};

use super::ast::{self, AttrValue, Attribute, Child, ExprKind, Span};
use super::diagnostic::{suggest, Diagnostic, DiagnosticKind, SourceFile};

/// Where an element is written.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Place<'p> {
    /// The root of the template.
    Root,
    /// A direct JSX child of an element with this tag.
    ChildOf(&'p str),
    /// The value of attribute `.1` of an element with tag `.0`, or an item of an array
    /// written as that value.
    AttrOf(&'p str, &'p str),
    /// Somewhere inside an expression: only the rules that hold everywhere apply.
    Nested,
}

/// Checks elements as the compiler meets them, collecting every error.
pub(crate) struct Checker<'f> {
    pub file: &'f SourceFile,
    pub errors: Vec<Diagnostic>,
    /// Whether the root must be a root element (`block`, `modal`, `configuration`).
    pub require_root: bool,
}

/// The names of the root element types, for messages.
fn root_names() -> Vec<&'static str> {
    ElementKind::NAMES
        .iter()
        .copied()
        .filter(|n| ElementKind::from_name(n).is_some_and(ElementKind::is_root))
        .collect()
}

/// `<a>`, `<a> or <b>`, `<a>, <b> or <c>`.
fn tags_or(names: &[&str]) -> String {
    let tags: Vec<String> = names.iter().map(|n| format!("<{n}>")).collect();
    match tags.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The element types a place takes, when the schema fixes them.
fn place_of<'p>(place: Place<'p>) -> Option<(ElementPlace, String)> {
    match place {
        Place::ChildOf(parent) => {
            let p = match parent {
                "block" | "hstack" | "vstack" | "box" | "card" | "modal" | "step" => {
                    placement::DESCENDANT
                }
                "configuration" => placement::CONFIGURATION_CHILD,
                "hint" => placement::INLINE,
                "text" => placement::TEXT_CHILD,
                _ => return None,
            };
            Some((p, format!("inside <{parent}>")))
        }
        Place::AttrOf(parent, attr) => {
            let p = match (parent, attr) {
                ("modal", "subtitle") | ("card", "hint") | ("input", "hint") => placement::INLINE,
                ("input", "element") => placement::INPUT_CONTROL,
                _ => return None,
            };
            Some((p, format!("in the `{attr}` of <{parent}>")))
        }
        _ => None,
    }
}

impl Checker<'_> {
    fn error(&mut self, kind: DiagnosticKind, span: Span, message: String) {
        let d = self.file.diagnostic(kind, span, message);
        self.errors.push(d);
    }

    /// Checks one element (not its descendants: the compiler visits those).
    pub fn element(&mut self, el: &ast::Element, place: Place<'_>) {
        let Some(kind) = ElementKind::from_name(&el.name) else {
            let s = suggest(&el.name, ElementKind::NAMES.iter().copied());
            let d = self
                .file
                .diagnostic(
                    DiagnosticKind::UnknownElement,
                    el.name_span,
                    format!("unknown element <{}>", el.name),
                )
                .with_suggestion(s);
            self.errors.push(d);
            return;
        };
        self.placement(el, kind, place);
        self.attributes(el, kind);
        self.children(el, kind);
    }

    fn placement(&mut self, el: &ast::Element, kind: ElementKind, place: Place<'_>) {
        match place {
            Place::Root => {
                if self.require_root && !kind.is_root() {
                    let names = root_names();
                    self.error(
                        DiagnosticKind::Placement,
                        el.name_span,
                        format!(
                            "<{}> cannot be the root element; the root must be {}",
                            el.name,
                            tags_or(&names)
                        ),
                    );
                }
            }
            _ if kind.is_root() => {
                self.error(
                    DiagnosticKind::Placement,
                    el.name_span,
                    format!(
                        "<{}> can only be the root element, not nested in another",
                        el.name
                    ),
                );
            }
            _ => {
                if let Some((allowed, where_)) = place_of(place) {
                    if !allowed.allows(kind) {
                        self.error(
                            DiagnosticKind::Placement,
                            el.name_span,
                            format!(
                                "<{}> is not allowed {where_}; expected {}",
                                el.name,
                                tags_or(&allowed.names())
                            ),
                        );
                    }
                }
            }
        }
    }

    fn attributes(&mut self, el: &ast::Element, kind: ElementKind) {
        let specs = kind.attributes();
        let mut seen: Vec<&str> = Vec::new();
        let mut has_spread = false;
        for attr in &el.attributes {
            let (name, name_span, value) = match attr {
                Attribute::Spread(..) => {
                    has_spread = true;
                    continue;
                }
                Attribute::Named {
                    name,
                    name_span,
                    value,
                    ..
                } => (name.as_str(), *name_span, value),
            };
            if name == "key" {
                // Taken by the JSX runtime, never part of the element.
                continue;
            }
            if seen.contains(&name) {
                self.error(
                    DiagnosticKind::DuplicateAttribute,
                    name_span,
                    format!("attribute `{name}` is written twice on <{}>", el.name),
                );
                continue;
            }
            seen.push(name);
            let Some(spec) = specs.iter().find(|s| s.name == name) else {
                let s = suggest(name, specs.iter().map(|s| s.name));
                let d = self
                    .file
                    .diagnostic(
                        DiagnosticKind::UnknownAttribute,
                        name_span,
                        format!("unknown attribute `{name}` on <{}>", el.name),
                    )
                    .with_suggestion(s);
                self.errors.push(d);
                continue;
            };
            if let (Some(values), Some((text, span))) = (spec.values, static_string(value.as_ref()))
            {
                if !values.contains(&text) {
                    let s = suggest(text, values.iter().copied());
                    let d = self
                        .file
                        .diagnostic(
                            DiagnosticKind::InvalidValue,
                            span,
                            format!(
                                "\"{text}\" is not a valid `{name}` for <{}>; expected one of {}",
                                el.name,
                                values.join(", ")
                            ),
                        )
                        .with_suggestion(s);
                    self.errors.push(d);
                }
            }
        }
        if has_spread {
            // A spread may supply anything: required attributes cannot be checked here.
            return;
        }
        let has_children = el.children.as_ref().is_some_and(|c| !c.is_empty());
        for spec in specs.iter().filter(|s| s.required && s.name != "type") {
            let present = seen.contains(&spec.name) || (spec.name == "children" && has_children);
            if !present {
                let message = if spec.name == "children" {
                    format!("<{}> needs children", el.name)
                } else {
                    format!(
                        "<{}> is missing the required attribute `{}`",
                        el.name, spec.name
                    )
                };
                self.error(DiagnosticKind::MissingAttribute, el.name_span, message);
            }
        }
    }

    fn children(&mut self, el: &ast::Element, kind: ElementKind) {
        let Some(children) = el.children.as_ref().filter(|c| !c.is_empty()) else {
            return;
        };
        if !kind.has_children() {
            let span = children_span(children).unwrap_or(el.name_span);
            self.error(
                DiagnosticKind::UnexpectedChildren,
                span,
                format!("<{}> takes no children", el.name),
            );
            return;
        }
        // Only text and link hold strings (the schema's text children).
        if !matches!(el.name.as_str(), "text" | "link") {
            for c in children {
                if let Child::Text(t, span) = c {
                    let preview: String = t.chars().take(30).collect();
                    let d = self
                        .file
                        .diagnostic(
                            DiagnosticKind::Placement,
                            *span,
                            format!("text cannot be a child of <{}>", el.name),
                        )
                        .with_help(format!("wrap it in an element: <text>{preview}</text>"));
                    self.errors.push(d);
                }
            }
        }
    }
}

/// The literal string of an attribute value (`"x"` or `{"x"}`), with its span.
fn static_string(value: Option<&AttrValue>) -> Option<(&str, Span)> {
    match value? {
        AttrValue::String(s, span) => Some((s, *span)),
        AttrValue::Expr(e) => match &e.kind {
            ExprKind::String(s) => Some((s, e.span)),
            ExprKind::Template { quasis, exprs } if exprs.is_empty() => Some((&quasis[0], e.span)),
            _ => None,
        },
    }
}

fn children_span(children: &[Child]) -> Option<Span> {
    let span = |c: &Child| match c {
        Child::Text(_, s) => *s,
        Child::Expr(e) => e.span,
    };
    Some(span(children.first()?).to(span(children.last()?)))
}

/// Validates a rendered tree; `root` asks for a root element.
pub(crate) fn validate(value: &Value, root: bool) -> Result<Element, ValidationErrors> {
    if root {
        Element::from_root_value(value)
    } else {
        Element::from_value(value)
    }
}

/// One validation error: its JSON path and its message without the path.
pub(crate) fn validation_errors(errors: &ValidationErrors) -> Vec<(String, String)> {
    errors
        .iter()
        .map(|e| (e.path.clone(), e.kind.to_string()))
        .collect()
}
