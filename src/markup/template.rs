//! Compile once, render many: [`Template`], the [`Scope`] it renders over, the
//! options and limits, and [`RenderError`].

use std::rc::Rc;

use serde_json::Value;

use crate::element::{Element, ValidationErrors};

use super::check;
use super::compile::{self, Compiled, Settings};
use super::diagnostic::{Diagnostic, DiagnosticKind, Diagnostics, SourceFile};
use super::eval::{Evaluator, Stop};
use super::parser;
use super::value::{to_json, Budget, Fault, Obj, Val, MAX_VALUE_DEPTH};

/// How deep markup may nest by default: brackets, tags, template substitutions,
/// ternaries and arrows each count one level.
pub const MAX_NESTING: usize = 128;

/// Options for [`Template::compile_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileOptions {
    /// Check elements against the ContentKit element types: at compile time what is
    /// written literally, at render time the whole output. On by default; off, the
    /// markup is plain JSX whose output is not checked.
    pub check_elements: bool,
    /// Require the root to be a root element (`block`, `modal`, `configuration`), as
    /// a component's render output must be. On by default.
    pub require_root_element: bool,
    /// The nesting limit ([`MAX_NESTING`] by default).
    pub max_nesting: usize,
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions {
            check_elements: true,
            require_root_element: true,
            max_nesting: MAX_NESTING,
        }
    }
}

/// Bounds on one render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Steps: every expression evaluated and every callback invoked counts one, and
    /// so does every array item a builtin scans.
    pub max_steps: u64,
    /// Bytes: strings, arrays and objects built while rendering, and the output
    /// itself (about 16 bytes per value plus the text of strings and keys).
    pub max_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_steps: 1_000_000,
            max_bytes: 32 * 1024 * 1024,
        }
    }
}

/// What a template can read: `props`, `state`, `context` and `action`.
///
/// `props`, `state` and `context` default to `{}`; `action` defaults to `undefined`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scope<'a> {
    props: Option<&'a Value>,
    state: Option<&'a Value>,
    context: Option<&'a Value>,
    action: Option<&'a Value>,
}

impl<'a> Scope<'a> {
    /// A scope with empty props, state and context, and no action.
    pub fn new() -> Scope<'a> {
        Scope::default()
    }

    /// Sets `props` (and `element.props`).
    pub fn props(mut self, v: &'a Value) -> Scope<'a> {
        self.props = Some(v);
        self
    }

    /// Sets `state` (and `element.state`).
    pub fn state(mut self, v: &'a Value) -> Scope<'a> {
        self.state = Some(v);
        self
    }

    /// Sets `context` (and `element.context`).
    pub fn context(mut self, v: &'a Value) -> Scope<'a> {
        self.context = Some(v);
        self
    }

    /// Sets `action`.
    pub fn action(mut self, v: &'a Value) -> Scope<'a> {
        self.action = Some(v);
        self
    }
}

/// Why a render failed. Each variant locates the problem in the markup
/// (`FILE:LINE:COL`), with the source line and a caret, like compile errors.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RenderError {
    /// A JavaScript TypeError: reading a property of `undefined` or `null`, calling a
    /// method on a value that does not have it, spreading a non-iterable, …
    #[error("{0}")]
    Type(Box<Diagnostic>),
    /// The step or size budget ran out, or a value nested too deeply.
    #[error("{0}")]
    Limit(Box<Diagnostic>),
    /// The rendered tree is not a valid ContentKit element: each error points at the
    /// markup element that produced the offending value.
    #[error("{diagnostics}")]
    Invalid {
        /// The errors, located in the markup.
        diagnostics: Diagnostics,
        /// The same errors as the element validator reports them (with JSON paths).
        errors: ValidationErrors,
    },
}

impl RenderError {
    /// The diagnostics (one, or several for [`RenderError::Invalid`]).
    pub fn diagnostics(&self) -> Vec<&Diagnostic> {
        match self {
            RenderError::Type(d) | RenderError::Limit(d) => vec![&**d],
            RenderError::Invalid { diagnostics, .. } => diagnostics.iter().collect(),
        }
    }

    /// The kind of the first diagnostic.
    pub fn kind(&self) -> DiagnosticKind {
        self.diagnostics()
            .first()
            .map_or(DiagnosticKind::InvalidElement, |d| d.kind)
    }
}

/// A compiled markup template.
///
/// Compiling parses the markup, resolves names, checks the elements and pre-builds
/// every constant; rendering only evaluates what depends on the scope. A template is
/// `Send + Sync`: compile it once and render it from anywhere.
#[derive(Debug, Clone)]
pub struct Template {
    file: SourceFile,
    compiled: Compiled,
    options: CompileOptions,
}

impl Template {
    /// Compiles markup with the default [`CompileOptions`]. `file_name` only names the
    /// source in diagnostics.
    pub fn compile(source: &str, file_name: &str) -> Result<Template, Diagnostics> {
        Template::compile_with(source, file_name, &CompileOptions::default())
    }

    /// Compiles markup with the given options.
    pub fn compile_with(
        source: &str,
        file_name: &str,
        options: &CompileOptions,
    ) -> Result<Template, Diagnostics> {
        let file = SourceFile::new(file_name, source);
        let (ast, syntax_errors) = parser::parse(&file, options.max_nesting)?;
        let settings = Settings {
            check_elements: options.check_elements,
            require_root: options.require_root_element,
        };
        let compiled = match compile::compile(&ast, &file, &settings) {
            Ok(c) if syntax_errors.is_empty() => c,
            Ok(_) => return Err(Diagnostics(syntax_errors).sorted()),
            Err(mut d) => {
                d.0.extend(syntax_errors);
                return Err(d.sorted());
            }
        };
        Ok(Template {
            file,
            compiled,
            options: options.clone(),
        })
    }

    /// The file name given at compile time.
    pub fn file_name(&self) -> &str {
        self.file.name()
    }

    /// The markup source.
    pub fn source(&self) -> &str {
        self.file.text()
    }

    /// Renders the template over `scope` with the default [`Limits`], and checks the
    /// result against the element types (unless compiled without checks).
    pub fn render(&self, scope: &Scope<'_>) -> Result<Value, RenderError> {
        self.render_with(scope, &Limits::default())
    }

    /// Renders with explicit limits.
    pub fn render_with(&self, scope: &Scope<'_>, limits: &Limits) -> Result<Value, RenderError> {
        self.run(scope, limits).map(|(v, _)| v)
    }

    /// Renders and returns the typed element (always validated, even when the
    /// template was compiled without element checks).
    pub fn render_element(&self, scope: &Scope<'_>) -> Result<Element, RenderError> {
        let (value, element) = self.run(scope, &Limits::default())?;
        match element {
            Some(e) => Ok(e),
            None => {
                // Compiled without checks: validate now, mapping errors as usual.
                let root = self.options.require_root_element;
                check::validate(&value, root).map_err(|errors| {
                    let diagnostics = errors
                        .iter()
                        .map(|e| {
                            self.file.diagnostic(
                                DiagnosticKind::InvalidElement,
                                self.compiled.elements[0].name_span,
                                format!("{}: {}", e.path, e.kind),
                            )
                        })
                        .collect();
                    RenderError::Invalid {
                        diagnostics: Diagnostics(diagnostics),
                        errors,
                    }
                })
            }
        }
    }

    fn run(
        &self,
        scope: &Scope<'_>,
        limits: &Limits,
    ) -> Result<(Value, Option<Element>), RenderError> {
        let root = |v| match v {
            Some(v) => Val::from_json(v),
            None => Val::Obj(Rc::new(Obj::new(None))),
        };
        let mut ev = Evaluator {
            roots: [
                root(scope.props),
                root(scope.state),
                root(scope.context),
                scope.action.map_or(Val::Undefined, Val::from_json),
            ],
            locals: Vec::new(),
            budget: Budget {
                steps: limits.max_steps,
                bytes: limits.max_bytes,
            },
            source: self.file.text(),
        };
        let out = ev
            .element(&self.compiled.root)
            .map_err(|stop| self.stop_error(stop, limits))?;
        let root_span = self.compiled.root.span;
        let json = to_json(&out, &mut ev.budget)
            .map_err(|fault| {
                self.stop_error(
                    Stop {
                        fault,
                        span: root_span,
                    },
                    limits,
                )
            })?
            .unwrap_or(Value::Null);
        if !self.options.check_elements {
            return Ok((json, None));
        }
        match check::validate(&json, self.options.require_root_element) {
            Ok(e) => Ok((json, Some(e))),
            Err(errors) => Err(self.invalid(&out, errors)),
        }
    }

    fn stop_error(&self, stop: Stop, limits: &Limits) -> RenderError {
        let d = |kind, msg: String| self.file.diagnostic(kind, stop.span, msg);
        match stop.fault {
            Fault::Type(m) => RenderError::Type(Box::new(d(
                DiagnosticKind::TypeError,
                format!("TypeError: {m}"),
            ))),
            Fault::Steps => RenderError::Limit(Box::new(
                d(
                    DiagnosticKind::StepLimit,
                    format!("rendering took more than {} steps", limits.max_steps),
                )
                .with_help("the step budget bounds every render; raise Limits::max_steps for larger inputs"),
            )),
            Fault::Size => RenderError::Limit(Box::new(
                d(
                    DiagnosticKind::SizeLimit,
                    format!("rendering built more than {} bytes", limits.max_bytes),
                )
                .with_help("the size budget bounds every render; raise Limits::max_bytes for larger outputs"),
            )),
            Fault::Depth => RenderError::Limit(Box::new(d(
                DiagnosticKind::TooDeep,
                format!("a value nests deeper than {MAX_VALUE_DEPTH} levels"),
            ))),
        }
    }

    /// Maps validation errors back to the markup elements that produced the values.
    fn invalid(&self, out: &Val<'_>, errors: ValidationErrors) -> RenderError {
        let mut diagnostics = Vec::new();
        for (path, message) in check::validation_errors(&errors) {
            let (id, attr, found) = locate(out, &path);
            let source = &self.compiled.elements[id as usize];
            let span = attr
                .and_then(|a| {
                    source
                        .attrs
                        .iter()
                        .find(|(n, _)| **n == *a)
                        .map(|(_, s)| *s)
                })
                .unwrap_or(source.name_span);
            let mut d = self.file.diagnostic(
                DiagnosticKind::InvalidElement,
                span,
                format!("invalid element: {path}: {message}"),
            );
            if matches!(found, Val::Num(_)) && path.ends_with(']') && path.contains("children[") {
                d = d.with_help(
                    "a number child stays a number, as in GitBook's runtime: write {String(…)} to show it as text",
                );
            }
            diagnostics.push(d);
        }
        RenderError::Invalid {
            diagnostics: Diagnostics(diagnostics),
            errors,
        }
    }
}

/// A step of a validation path: `.key` or `[index]`.
enum Segment<'p> {
    Key(&'p str),
    Index(usize),
}

fn segments(path: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let rest = path.strip_prefix("element").unwrap_or(path);
    let mut i = 0;
    let b = rest.as_bytes();
    while i < b.len() {
        match b[i] {
            b'.' => {
                let start = i + 1;
                let mut j = start;
                while j < b.len() && b[j] != b'.' && b[j] != b'[' {
                    j += 1;
                }
                out.push(Segment::Key(&rest[start..j]));
                i = j;
            }
            b'[' => {
                let start = i + 1;
                let end = rest[start..].find(']').map_or(b.len(), |e| start + e);
                match rest[start..end].parse() {
                    Ok(n) => out.push(Segment::Index(n)),
                    Err(_) => out.push(Segment::Key(rest[start..end].trim_matches('"'))),
                }
                i = end + 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// The deepest markup element on `path` in the rendered value, the attribute the path
/// goes through next (if any), and the value at the end of the path.
fn locate<'p, 'a>(out: &Val<'a>, path: &'p str) -> (u32, Option<&'p str>, Val<'a>) {
    let segs = segments(path);
    let mut found: (u32, Option<&str>) = (0, None);
    let mut cur = out.clone();
    for (i, seg) in segs.iter().enumerate() {
        if let Val::Obj(o) = &cur {
            if let Some(id) = o.origin {
                let attr = match segs.get(i) {
                    Some(Segment::Key(k)) => Some(*k),
                    _ => None,
                };
                found = (id, attr);
            }
        }
        if i > MAX_VALUE_DEPTH {
            break;
        }
        cur = match seg {
            Segment::Key(k) => cur.get(k),
            Segment::Index(n) => cur.array_get(*n).unwrap_or(Val::Undefined),
        };
    }
    if let Val::Obj(o) = &cur {
        if let Some(id) = o.origin {
            found = (id, None);
        }
    }
    (found.0, found.1, cur)
}
