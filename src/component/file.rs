//! Component files (`.ckx`): components declared the way a TypeScript integration
//! declares them, with `createComponent`, compiled once into [`Component`]s.
//!
//! ```text
//! export const counter = createComponent({
//!     componentId: 'counter',
//!     initialState: (props) => ({ count: props.start ?? 0 }),
//!     action: {
//!         inc: (element) => ({ state: { count: element.state.count + 1 } }),
//!         finish: ({ state }) => ({ type: 'complete', returnValue: { count: state.count } }),
//!     },
//!     render: ({ state }) => (
//!         <block><text>{`Count: ${state.count}`}</text></block>
//!     ),
//! });
//! ```
//!
//! - `componentId`: a string.
//! - `initialState`: an object, or an arrow over `props` and `context`.
//! - `action`: an object from action names to arrows over `element` (or `state` and
//!   `props`), `action` and `context`, each returning `{state?, props?}`,
//!   `{type: 'complete', returnValue?}` or `{}`; or one arrow for every action. An
//!   action without a handler re-renders unchanged, as the reference runtime does.
//! - `render`: an arrow returning the root element.
//! - `cache`: `{ maxAge: seconds }`, optional.
//!
//! Parameters are bound by name, not position: each must be one of `element`,
//! `props`, `state`, `context`, `action`, or a destructuring of them
//! (`({ state, props }) =>`). Expressions are the markup language's JavaScript subset.
//! Errors point at `FILE:LINE:COL` of the component file.

use std::collections::HashMap;

use serde_json::Value;

use super::{ActionResult, Component, ComponentError, Input, Renderer};
use crate::element::{Element, Object};
use crate::markup::ast::{Expr, ExprKind, Property, Span};
use crate::markup::diagnostic::{suggest, SourceFile};
use crate::markup::{CompileOptions, Diagnostic, DiagnosticKind, Diagnostics, Scope, Template};

/// The fields of `createComponent`'s object.
const FIELDS: &[&str] = &["componentId", "initialState", "action", "render", "cache"];

/// The names a parameter may have: they are the roots the markup language reads.
const PARAMETER_NAMES: &[&str] = &["element", "props", "state", "context", "action"];

/// Compiles every component a file declares.
///
/// ```
/// use contentkit::component::{file, Integration, RenderRequest};
/// let source = r#"createComponent({
///     componentId: 'hello',
///     initialState: { message: 'Click me' },
///     render: ({ state }) => <block><button label={state.message} onPress={{ action: 'say' }} /></block>,
/// })"#;
/// let components = file::compile(source, "hello.ckx").unwrap();
/// let integration = Integration::new().component(components.into_iter().next().unwrap());
/// let out = integration.render(&RenderRequest::new("hello", Default::default())).unwrap();
/// assert_eq!(out.output.to_value()["element"]["children"][0]["label"], "Click me");
/// ```
pub fn compile(source: &str, file_name: &str) -> Result<Vec<Component>, Diagnostics> {
    let prepared = prepare(source);
    let calls = find_calls(&prepared);
    let mut errors = Vec::new();
    let mut components = Vec::new();
    if calls.is_empty() {
        errors.push(error_at(
            source,
            file_name,
            Span::new(0, source.len().min(1)),
            "a component file declares components with createComponent({ … })",
        ));
    }
    for call in calls {
        match compile_call(source, &prepared, file_name, call) {
            Ok(c) => components.push(c),
            Err(d) => errors.extend(d.0),
        }
    }
    if errors.is_empty() {
        Ok(components)
    } else {
        errors.sort_by_key(|d| (d.line, d.column));
        Err(Diagnostics(errors))
    }
}

/// The source with the braces of destructured parameters blanked (`({ state }) =>`
/// reads as `(  state  ) =>`), so the markup parser, whose arrows take names, reads
/// them; positions stay where they were.
fn prepare(source: &str) -> String {
    let bytes = source.as_bytes();
    let mut out = bytes.to_vec();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'(' {
            // `(` ws* `{` names `}` ( `,` names )* `)` ws* `=>`
            let mut j = i + 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < bytes.len() && bytes[j] == b'{' {
                if let Some(close) = bytes[j..].iter().position(|&b| b == b'}').map(|p| p + j) {
                    let inner_ok = bytes[j + 1..close].iter().all(|&b| {
                        b.is_ascii_alphanumeric()
                            || b == b'_'
                            || b == b'$'
                            || b == b','
                            || b.is_ascii_whitespace()
                    });
                    if let Some(paren) = bytes[close..]
                        .iter()
                        .position(|&b| b == b')')
                        .map(|p| p + close)
                    {
                        let rest_ok = bytes[close + 1..paren].iter().all(|&b| {
                            b.is_ascii_alphanumeric()
                                || b == b'_'
                                || b == b'$'
                                || b == b','
                                || b.is_ascii_whitespace()
                        });
                        let mut k = paren + 1;
                        while k < bytes.len() && bytes[k].is_ascii_whitespace() {
                            k += 1;
                        }
                        if inner_ok && rest_ok && bytes[k..].starts_with(b"=>") {
                            out[j] = b' ';
                            out[close] = b' ';
                            i = paren;
                        }
                    }
                }
            }
        }
        i += 1;
    }
    // Only ASCII braces were replaced by ASCII spaces: still UTF-8.
    String::from_utf8(out).unwrap_or_else(|_| source.to_owned())
}

/// A `createComponent(` call: where its object argument starts.
#[derive(Debug, Clone, Copy)]
struct Call {
    name: Span,
    object_start: usize,
}

/// Finds the `createComponent(` calls at the top level of the file (outside comments).
fn find_calls(prepared: &str) -> Vec<Call> {
    let bytes = prepared.as_bytes();
    let needle = b"createComponent";
    let mut out = Vec::new();
    let mut i = 0;
    while i + needle.len() <= bytes.len() {
        if bytes[i..].starts_with(b"//") {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if bytes[i..].starts_with(b"/*") {
            i = prepared[i + 2..]
                .find("*/")
                .map_or(bytes.len(), |p| i + 2 + p + 2);
            continue;
        }
        if bytes[i..].starts_with(needle) && (i == 0 || !is_ident_byte(bytes[i - 1])) {
            let mut j = i + needle.len();
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < bytes.len() && bytes[j] == b'(' {
                j += 1;
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                out.push(Call {
                    name: Span::new(i, i + needle.len()),
                    object_start: j,
                });
                // Skip the call's body: the next top-level search starts after its end.
                i = end_of_object(prepared, j).unwrap_or(bytes.len());
                continue;
            }
        }
        i += 1;
    }
    out
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

/// The end of the object literal starting at `start`: the first `}` followed by `)`
/// where the text from `start` parses as one object. Strings, templates and JSX may
/// hold braces, so only the parser can tell where the object really ends.
fn end_of_object(prepared: &str, start: usize) -> Option<usize> {
    if !prepared[start..].starts_with('{') {
        return None;
    }
    let bytes = prepared.as_bytes();
    let mut at = start;
    while let Some(p) = prepared[at..].find('}') {
        let close = at + p;
        let mut k = close + 1;
        while k < bytes.len() && bytes[k].is_ascii_whitespace() {
            k += 1;
        }
        if k < bytes.len() && (bytes[k] == b')' || bytes[k] == b',') {
            let candidate = &prepared[start..=close];
            if crate::markup::parse(candidate, "")
                .is_ok_and(|e| matches!(e.kind, ExprKind::Object(_)))
            {
                return Some(close + 1);
            }
        }
        at = close + 1;
    }
    None
}

/// `source` with everything outside `keep` blanked (line breaks kept), so that spans
/// and line:col in diagnostics are the file's own.
fn blank_outside(source: &str, keep: Span) -> String {
    let mut out = String::with_capacity(source.len());
    for (i, c) in source.char_indices() {
        if (keep.start..keep.end).contains(&i) || c == '\n' || c == '\r' {
            out.push(c);
        } else {
            for _ in 0..c.len_utf8() {
                out.push(' ');
            }
        }
    }
    out
}

/// A diagnostic at `span` of the file, located as the markup compiler locates its own
/// (line, column in characters, the quoted line and its underline).
fn error_at(source: &str, file_name: &str, span: Span, message: &str) -> Diagnostic {
    SourceFile::new(file_name, source).diagnostic(DiagnosticKind::Syntax, span, message)
}

/// Puts the file's own text back in the quoted source line of each diagnostic.
fn restore_lines(source: &str, mut d: Diagnostics) -> Diagnostics {
    let lines: Vec<&str> = source.lines().collect();
    for diag in &mut d.0 {
        if let Some(line) = lines.get(diag.line.wrapping_sub(1)) {
            diag.source_line = (*line).to_owned();
        }
    }
    d
}

fn compile_call(
    source: &str,
    prepared: &str,
    file_name: &str,
    call: Call,
) -> Result<Component, Diagnostics> {
    let Some(end) = end_of_object(prepared, call.object_start) else {
        // Let the parser say what is wrong from the object's start.
        let text = blank_outside(prepared, Span::new(call.object_start, prepared.len()));
        return Err(match crate::markup::parse(&text, file_name) {
            Err(d) => restore_lines(source, d),
            Ok(_) => Diagnostics(vec![error_at(
                source,
                file_name,
                call.name,
                "createComponent takes one object: createComponent({ componentId, render, … })",
            )]),
        });
    };
    let object_span = Span::new(call.object_start, end);
    let text = blank_outside(prepared, object_span);
    let ast = crate::markup::parse(&text, file_name).map_err(|d| restore_lines(source, d))?;
    let ExprKind::Object(properties) = &ast.kind else {
        return Err(Diagnostics(vec![error_at(
            source,
            file_name,
            object_span,
            "createComponent takes an object",
        )]));
    };
    let mut errors = Vec::new();
    let mut fields: HashMap<&str, (&Expr, Span)> = HashMap::new();
    for p in properties {
        match p {
            Property::Keyed {
                key,
                key_span,
                value,
            } => match key.as_str() {
                known if FIELDS.contains(&known) => {
                    fields.insert(key.as_str(), (value, *key_span));
                }
                other => errors.push(
                    error_at(
                        source,
                        file_name,
                        *key_span,
                        &format!("unknown component field \"{other}\""),
                    )
                    .with_suggestion_or(
                        suggest(other, FIELDS.iter().copied()),
                        "a component has componentId, initialState, action, render and cache",
                    ),
                ),
            },
            _ => errors.push(error_at(
                source,
                file_name,
                object_span,
                "component fields are written `name: value`",
            )),
        }
    }
    let id = match fields.get("componentId") {
        Some((
            Expr {
                kind: ExprKind::String(s),
                ..
            },
            _,
        )) => Some(s.clone()),
        Some((e, _)) => {
            errors.push(error_at(
                source,
                file_name,
                e.span,
                "componentId must be a string literal",
            ));
            None
        }
        None => {
            errors.push(error_at(
                source,
                file_name,
                call.name,
                "missing componentId",
            ));
            None
        }
    };
    let unit = Unit {
        source,
        prepared,
        file_name,
    };
    let render = match fields.get("render") {
        Some((e, _)) => unit
            .function(e, "render", true)
            .map_err(|d| errors.extend(d.0))
            .ok(),
        None => {
            errors.push(error_at(source, file_name, call.name, "missing render"));
            None
        }
    };
    let initial = match fields.get("initialState") {
        None => None,
        Some((e, _)) if matches!(e.kind, ExprKind::Arrow { .. }) => unit
            .function(e, "initialState", false)
            .map_err(|d| errors.extend(d.0))
            .ok(),
        Some((e, _)) => unit
            .expression(e.span, false)
            .map(|t| Function {
                template: t,
                source: unit.shared_source(),
            })
            .map_err(|d| errors.extend(d.0))
            .ok(),
    };
    let mut handlers = Vec::new();
    let mut catch_all = None;
    match fields.get("action") {
        None => {}
        Some((
            Expr {
                kind: ExprKind::Object(props),
                ..
            },
            _,
        )) => {
            for p in props {
                match p {
                    Property::Keyed { key, value, .. } => {
                        match unit.function(value, "action", false) {
                            Ok(f) => handlers.push((key.clone(), f)),
                            Err(d) => errors.extend(d.0),
                        }
                    }
                    _ => errors.push(error_at(
                        source,
                        file_name,
                        ast.span,
                        "action handlers are written `name: (element, action) => …`",
                    )),
                }
            }
        }
        Some((e, _)) => match unit.function(e, "action", false) {
            Ok(f) => catch_all = Some(f),
            Err(d) => errors.extend(d.0),
        },
    }
    let cache_max_age = match fields.get("cache") {
        None => None,
        Some((
            Expr {
                kind: ExprKind::Object(props),
                span,
            },
            _,
        )) => {
            let age = props.iter().find_map(|p| match p {
                Property::Keyed {
                    key,
                    value:
                        Expr {
                            kind: ExprKind::Number(n),
                            ..
                        },
                    ..
                } if key == "maxAge" && *n >= 0.0 => Some(*n as u32),
                _ => None,
            });
            if age.is_none() {
                errors.push(error_at(
                    source,
                    file_name,
                    *span,
                    "cache is { maxAge: seconds }",
                ));
            }
            age
        }
        Some((e, _)) => {
            errors.push(error_at(
                source,
                file_name,
                e.span,
                "cache is { maxAge: seconds }",
            ));
            None
        }
    };
    if !errors.is_empty() {
        return Err(Diagnostics(errors));
    }
    let (Some(id), Some(render)) = (id, render) else {
        return Err(Diagnostics(errors));
    };
    let mut component = Component::new(id, MarkupRender { function: render });
    if let Some(f) = initial {
        component = component.initial_state_fn(move |props: &Object, context: &Value| {
            let value = f.call(
                &Scope::new()
                    .props(&Value::Object(props.clone()))
                    .context(context),
            )?;
            match value {
                Value::Object(o) => Ok(o),
                Value::Null => Ok(Object::new()),
                _ => Err(ComponentError::Internal(
                    "initialState must give an object".into(),
                )),
            }
        });
    }
    if !handlers.is_empty() || catch_all.is_some() {
        component = component.on_action(ActionTable {
            handlers,
            catch_all,
        });
    }
    if let Some(age) = cache_max_age {
        component = component.cache_max_age(age);
    }
    Ok(component)
}

/// The file being compiled.
struct Unit<'a> {
    source: &'a str,
    prepared: &'a str,
    file_name: &'a str,
}

impl Unit<'_> {
    fn shared_source(&self) -> std::sync::Arc<str> {
        self.source.into()
    }

    /// Compiles an arrow: checks its parameters and compiles its body.
    fn function(&self, e: &Expr, what: &str, is_render: bool) -> Result<Function, Diagnostics> {
        let ExprKind::Arrow { params, body } = &e.kind else {
            return Err(Diagnostics(vec![error_at(
                self.source,
                self.file_name,
                e.span,
                &format!("{what} must be an arrow function"),
            )]));
        };
        let mut errors = Vec::new();
        for (name, span) in params {
            if !PARAMETER_NAMES.contains(&name.as_str()) {
                errors.push(
                    error_at(
                        self.source,
                        self.file_name,
                        *span,
                        &format!("parameter \"{name}\" names nothing a component receives"),
                    )
                    .with_help(
                        "parameters are bound by name: element, props, state, context or action",
                    ),
                );
            }
        }
        if !errors.is_empty() {
            return Err(Diagnostics(errors));
        }
        self.expression(body.span, is_render)
            .map(|template| Function {
                template,
                source: self.shared_source(),
            })
    }

    /// Compiles the expression at `span` (an element when it is a render body).
    fn expression(&self, span: Span, is_render: bool) -> Result<Template, Diagnostics> {
        let body = blank_outside(self.prepared, span);
        let compiled = if is_render {
            Template::compile(&body, self.file_name)
        } else {
            // A value, not an element: the body stands as the `value` attribute of a
            // wrapper element that is never checked, and is read back from it.
            let wrapped = format!("<{WRAPPER} value={{{body}}} />");
            let options = CompileOptions {
                check_elements: false,
                require_root_element: false,
                ..CompileOptions::default()
            };
            Template::compile_with(&wrapped, self.file_name, &options).map_err(|mut d| {
                // The wrapper's prefix sits on the first line only: shift columns there back.
                let shift = WRAPPER.len() + 9;
                for diag in &mut d.0 {
                    if diag.line == 1 {
                        diag.column = diag.column.saturating_sub(shift).max(1);
                    }
                }
                d
            })
        };
        compiled.map_err(|d| restore_lines(self.source, d))
    }
}

/// The tag of the element that carries a value expression through the template compiler.
const WRAPPER: &str = "ck-value";

/// A compiled arrow body.
struct Function {
    template: Template,
    /// The file's own text: render errors quote its lines, not the compiler's blanked copy.
    source: std::sync::Arc<str>,
}

impl Function {
    /// Evaluates to a JSON value (`null` for `undefined`).
    fn call(&self, scope: &Scope<'_>) -> Result<Value, ComponentError> {
        let out = self
            .template
            .render(scope)
            .map_err(|e| self.render_error(e))?;
        Ok(out.get("value").cloned().unwrap_or(Value::Null))
    }
}

impl Function {
    /// A render error as the file's author reads it: each diagnostic with the file's line.
    fn render_error(&self, e: crate::markup::RenderError) -> ComponentError {
        let diagnostics = Diagnostics(e.diagnostics().into_iter().cloned().collect());
        ComponentError::Internal(restore_lines(&self.source, diagnostics).to_string())
    }
}

struct MarkupRender {
    function: Function,
}

impl Renderer for MarkupRender {
    fn render(&self, input: &Input<'_>) -> Result<Element, ComponentError> {
        let scope = Scope::new()
            .props(input.props_json)
            .state(input.state_json)
            .context(input.context);
        self.function
            .template
            .render_element(&scope)
            .map_err(|e| self.function.render_error(e))
    }
}

struct ActionTable {
    handlers: Vec<(String, Function)>,
    catch_all: Option<Function>,
}

impl super::ActionHandler for ActionTable {
    fn handle(&self, input: &Input<'_>) -> Result<ActionResult, ComponentError> {
        let name = input
            .action
            .get("action")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let function = self
            .handlers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, f)| f)
            .or(self.catch_all.as_ref());
        let Some(function) = function else {
            return Ok(ActionResult::Nothing);
        };
        let action = Value::Object(input.action.clone());
        let scope = Scope::new()
            .props(input.props_json)
            .state(input.state_json)
            .context(input.context)
            .action(&action);
        ActionResult::from_value(&function.call(&scope)?)
    }
}
