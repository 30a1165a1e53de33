//! What the compiler checks of JSX against the ContentKit element types: tags,
//! attribute names, literal enum values, required attributes, children where none are
//! taken, text outside `<text>`/`<link>`, and elements written where they can never
//! stand. Everything computed at run time is checked when the output is written.

use crate::element::placement::{self, Place as ElementPlace};
use crate::element::ElementKind;
use crate::lang::diagnostic::{suggest, Diagnostic, DiagnosticKind, Diagnostics};
use crate::lang::source::SourceFile;
use crate::lang::syntax::ast::{Expr, ExprKind, JsxAttr, JsxChild, JsxElement, Span};

/// Where an element is written.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Place<'p> {
    /// The root of a bare markup file.
    Root,
    /// A direct JSX child of an element with this tag.
    ChildOf(&'p str),
    /// The value of attribute `.1` of an element with tag `.0`.
    AttrOf(&'p str, &'p str),
    /// Somewhere inside an expression: only the rules that hold everywhere apply.
    Nested,
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

fn root_names() -> Vec<&'static str> {
    ElementKind::NAMES
        .iter()
        .copied()
        .filter(|n| ElementKind::from_name(n).is_some_and(ElementKind::is_root))
        .collect()
}

/// The element types a place takes, when the schema fixes them.
fn place_of(place: Place<'_>) -> Option<(ElementPlace, String)> {
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
                ("codeblock", "header" | "footer") => placement::DESCENDANT,
                _ => return None,
            };
            Some((p, format!("in the `{attr}` of <{parent}>")))
        }
        _ => None,
    }
}

/// Checks one intrinsic element (not its descendants: the compiler visits those).
/// Returns its kind when the tag names one.
pub(crate) fn check(
    file: &SourceFile,
    errors: &mut Diagnostics,
    el: &JsxElement,
    place: Place<'_>,
    require_root: bool,
) -> Option<ElementKind> {
    let name = el.name.as_ref()?;
    let Some(kind) = ElementKind::from_name(&name.name) else {
        let s = suggest(&name.name, ElementKind::NAMES.iter().copied());
        errors.push(
            Diagnostic::new(
                file,
                DiagnosticKind::UnknownElement,
                name.span,
                format!("unknown element <{}>", name.name),
            )
            .with_suggestion(s),
        );
        return None;
    };
    let mut c = Checker { file, errors };
    c.placement(el, &name.name, name.span, kind, place, require_root);
    c.attributes(el, &name.name, name.span, kind);
    c.children(el, &name.name, name.span, kind);
    Some(kind)
}

struct Checker<'a> {
    file: &'a SourceFile,
    errors: &'a mut Diagnostics,
}

impl Checker<'_> {
    fn error(&mut self, kind: DiagnosticKind, span: Span, message: String) {
        let file = self.file;
        self.errors
            .push_with(|| Diagnostic::new(file, kind, span, message));
    }

    fn placement(
        &mut self,
        _el: &JsxElement,
        name: &str,
        span: Span,
        kind: ElementKind,
        place: Place<'_>,
        require_root: bool,
    ) {
        match place {
            Place::Root => {
                if require_root && !kind.is_root() {
                    let names = root_names();
                    self.error(
                        DiagnosticKind::Placement,
                        span,
                        format!(
                            "<{name}> cannot be the root element; the root must be {}",
                            tags_or(&names)
                        ),
                    );
                }
            }
            Place::ChildOf(_) | Place::AttrOf(..) if kind.is_root() => {
                self.error(
                    DiagnosticKind::Placement,
                    span,
                    format!("<{name}> can only be the root element, not nested in another"),
                );
            }
            _ => {
                if let Some((allowed, where_)) = place_of(place) {
                    if !allowed.allows(kind) {
                        self.error(
                            DiagnosticKind::Placement,
                            span,
                            format!(
                                "<{name}> is not allowed {where_}; expected {}",
                                tags_or(&allowed.names())
                            ),
                        );
                    }
                }
            }
        }
    }

    fn attributes(&mut self, el: &JsxElement, name: &str, span: Span, kind: ElementKind) {
        let specs = kind.attributes();
        // A set: an element may carry thousands of attributes.
        let mut seen: rustc_hash::FxHashSet<&str> = rustc_hash::FxHashSet::default();
        let mut has_spread = false;
        for attr in &el.attrs {
            let (attr_name, value) = match attr {
                JsxAttr::Spread(_) => {
                    has_spread = true;
                    continue;
                }
                JsxAttr::Named { name, value } => (name, value),
            };
            let n = attr_name.name.as_str();
            if n == "key" {
                // Taken by the JSX runtime, never part of the element.
                continue;
            }
            if !seen.insert(n) {
                self.error(
                    DiagnosticKind::DuplicateAttribute,
                    attr_name.span,
                    format!("attribute `{n}` is written twice on <{name}>"),
                );
                continue;
            }
            let Some(spec) = specs.iter().find(|s| s.name == n) else {
                let file = self.file;
                self.errors.push_with(|| {
                    Diagnostic::new(
                        file,
                        DiagnosticKind::UnknownAttribute,
                        attr_name.span,
                        format!("unknown attribute `{n}` on <{name}>"),
                    )
                    .with_suggestion(suggest(n, specs.iter().map(|s| s.name)))
                });
                continue;
            };
            if let (Some(values), Some((text, vspan))) =
                (spec.values, static_string(value.as_ref()))
            {
                if !values.contains(&text) {
                    let s = suggest(text, values.iter().copied());
                    self.errors.push(
                        Diagnostic::new(
                            self.file,
                            DiagnosticKind::InvalidValue,
                            vspan,
                            format!(
                                "\"{text}\" is not a valid `{n}` for <{name}>; expected one of {}",
                                values.join(", ")
                            ),
                        )
                        .with_suggestion(s),
                    );
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
                    format!("<{name}> needs children")
                } else {
                    format!("<{name}> is missing the required attribute `{}`", spec.name)
                };
                self.error(DiagnosticKind::MissingAttribute, span, message);
            }
        }
    }

    fn children(&mut self, el: &JsxElement, name: &str, span: Span, kind: ElementKind) {
        let Some(children) = el.children.as_ref().filter(|c| !c.is_empty()) else {
            return;
        };
        if !kind.has_children() {
            let s = children_span(children).unwrap_or(span);
            self.error(
                DiagnosticKind::UnexpectedChildren,
                s,
                format!("<{name}> takes no children"),
            );
            return;
        }
        // Only text and link hold strings (the schema's text children).
        if !matches!(name, "text" | "link") {
            for c in children {
                if let JsxChild::Text(t, tspan) = c {
                    let preview: String = t.chars().take(30).collect();
                    self.errors.push(
                        Diagnostic::new(
                            self.file,
                            DiagnosticKind::Placement,
                            *tspan,
                            format!("text cannot be a child of <{name}>"),
                        )
                        .with_help(format!("wrap it in an element: <text>{preview}</text>")),
                    );
                }
            }
        }
    }
}

/// The literal string of an attribute value (`"x"`, `{"x"}` or `` {`x`} ``), with its span.
fn static_string(value: Option<&Expr>) -> Option<(&str, Span)> {
    let e = value?;
    match &e.kind {
        ExprKind::String(s) => Some((s, e.span)),
        ExprKind::Template(quasis, exprs) if exprs.is_empty() => Some((&quasis[0], e.span)),
        _ => None,
    }
}

fn children_span(children: &[JsxChild]) -> Option<Span> {
    let span = |c: &JsxChild| match c {
        JsxChild::Text(_, s) => *s,
        JsxChild::Expr(e) | JsxChild::Spread(e) => e.span,
        JsxChild::Element(e) => e.span,
    };
    Some(span(children.first()?).to(span(children.last()?)))
}
