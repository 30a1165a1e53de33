//! Bare markup: one JSX expression rendered over `props`, `state`, `context` and
//! `action`, compiled once and rendered many times into ContentKit element JSON.
//!
//! Markup is the root-element form of the component language ([`crate::lang`]): the
//! same grammar, the same JavaScript semantics, the same element checks. What a
//! component's `render` returns can be written on its own in a file and rendered with
//! `contentkit render FILE --props … --state …`.
//!
//! ```rust
//! use contentkit::markup::{Scope, Template};
//! use serde_json::json;
//!
//! let template = Template::compile(
//!     r#"<block>
//!         <text style="bold">{`Count: ${state.count}`}</text>
//!         <button label="+" onPress={{ action: 'inc' }} />
//!     </block>"#,
//!     "counter.tsx",
//! ).unwrap();
//! let state = json!({"count": 5});
//! let element = template.render(&Scope::new().state(&state)).unwrap();
//! assert_eq!(element, json!({
//!     "type": "block",
//!     "children": [
//!         {"type": "text", "style": "bold", "children": ["Count: 5"]},
//!         {"type": "button", "label": "+", "onPress": {"action": "inc"}}
//!     ]
//! }));
//! ```
//!
//! # Names
//!
//! `props`, `state`, `context` and `action`, and `element` (`element.props`,
//! `element.state`, `element.context`, `element.dynamicState(key)`), besides the
//! globals of the language.
//!
//! # Checks
//!
//! [`Template::compile`] reports every error of a file at once: unknown elements,
//! attributes and enum values (with `did you mean` suggestions), missing required
//! attributes and children, children on elements that take none, text outside
//! `<text>`/`<link>`, misplaced elements, unknown names and methods. [`Template::render`]
//! evaluates, then checks the output against the element types as it writes it; each
//! error points at the JSX that made the offending element.

mod printer;

use std::sync::Arc;

use serde_json::Value;

use crate::element::placement::{ANY, ROOT};
use crate::element::shape::Shape;
use crate::element::{Element, ValidationErrors};
use crate::lang::eval::Limits as EvalLimits;
use crate::lang::image::Compiled;
use crate::lang::program::Program;
use crate::lang::run::{render_markup, MarkupFailure, MarkupScope};

pub use crate::lang::diagnostic::{Diagnostic, DiagnosticKind, Diagnostics};
pub use crate::lang::syntax::MAX_NESTING;
pub use printer::print_markup;

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
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions {
            check_elements: true,
            require_root_element: true,
        }
    }
}

/// Bounds on one render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Steps: function calls, loop iterations and items scanned by built-ins.
    pub max_steps: u64,
    /// Bytes the render may allocate.
    pub max_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        let d = EvalLimits::default();
        Limits {
            max_steps: d.max_steps,
            max_bytes: d.max_memory as u64,
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
    /// A JavaScript error: reading a property of `undefined` or `null`, calling a
    /// method on a value that does not have it, a `throw`, …
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
/// Compiling parses the markup, resolves names, checks the elements and interns every
/// constant; rendering only evaluates. A template is `Send + Sync`: compile it once
/// and render it from anywhere.
#[derive(Debug, Clone)]
pub struct Template {
    program: Arc<Program>,
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
        let require_root = options.check_elements && options.require_root_element;
        let program = Program::markup(file_name, source, require_root, options.check_elements)?;
        Ok(Template {
            program: Arc::new(program),
            options: options.clone(),
        })
    }

    /// Compiles markup as [`Template::compile_with`] does, without loading it:
    /// the form a compiled image holds (see [`crate::lang::image`]), which
    /// [`Template::load`] makes a template of, with the same options.
    ///
    /// ```
    /// use contentkit::lang::image::Compiled;
    /// use contentkit::markup::{CompileOptions, Scope, Template};
    /// let options = CompileOptions::default();
    /// let compiled = Template::compile_unloaded("<block><text>Hi</text></block>", "hi.ckx", &options)?;
    /// let image = compiled.to_image()?;
    /// let template = Template::load(Compiled::from_image(&image)?, &options)?;
    /// assert_eq!(template.render(&Scope::new())?["type"], "block");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn compile_unloaded(
        source: &str,
        file_name: &str,
        options: &CompileOptions,
    ) -> Result<Compiled, Diagnostics> {
        let require_root = options.check_elements && options.require_root_element;
        Program::compile_markup(file_name, source, require_root, options.check_elements)
    }

    /// The template of markup compiled by [`Template::compile_unloaded`] with
    /// `options`; an error when `compiled` is a module, not markup.
    pub fn load(compiled: Compiled, options: &CompileOptions) -> Result<Template, Diagnostics> {
        if !compiled.is_markup() {
            let name = compiled.files.first().map_or("<program>", |f| f.name());
            return Err(Diagnostic::unlocated(
                name,
                DiagnosticKind::Unsupported,
                "this compiled program is a module, not markup",
            )
            .into());
        }
        Ok(Template {
            program: Arc::new(compiled.load()?),
            options: options.clone(),
        })
    }

    /// The file name given at compile time.
    pub fn file_name(&self) -> &str {
        self.program.files()[0].name()
    }

    /// The markup source.
    pub fn source(&self) -> &str {
        self.program.files()[0].text()
    }

    /// Renders into JSON, checked against the element types (unless turned off).
    pub fn render(&self, scope: &Scope<'_>) -> Result<Value, RenderError> {
        self.render_with(scope, &Limits::default())
    }

    /// Renders within `limits`.
    pub fn render_with(&self, scope: &Scope<'_>, limits: &Limits) -> Result<Value, RenderError> {
        let bytes = self.render_bytes(scope, limits)?;
        Ok(serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    /// Renders into JSON text, written in one pass.
    pub fn render_bytes(&self, scope: &Scope<'_>, limits: &Limits) -> Result<Vec<u8>, RenderError> {
        let text = |v: Option<&Value>| v.map(|v| serde_json::to_vec(v).unwrap_or_default());
        let (props, state, context, action) = (
            text(scope.props),
            text(scope.state),
            text(scope.context),
            text(scope.action),
        );
        let markup_scope = MarkupScope {
            props: props.as_deref(),
            state: state.as_deref(),
            context: context.as_deref(),
            action: action.as_deref(),
        };
        let eval_limits = EvalLimits {
            max_steps: limits.max_steps,
            max_memory: usize::try_from(limits.max_bytes).unwrap_or(usize::MAX),
            ..EvalLimits::default()
        };
        let shape = if !self.options.check_elements {
            None
        } else if self.options.require_root_element {
            Some(Shape::Element(ROOT))
        } else {
            Some(Shape::Element(ANY))
        };
        render_markup(&self.program, &markup_scope, eval_limits, shape.as_ref()).map_err(
            |f| match f {
                MarkupFailure::Fault(d) => match d.kind {
                    DiagnosticKind::StepLimit
                    | DiagnosticKind::SizeLimit
                    | DiagnosticKind::TooDeep => RenderError::Limit(Box::new(d)),
                    _ => RenderError::Type(Box::new(d)),
                },
                MarkupFailure::Invalid(ds, errors) => {
                    let mut diagnostics = Diagnostics::new();
                    for d in ds {
                        diagnostics.push(d);
                    }
                    RenderError::Invalid {
                        diagnostics,
                        errors,
                    }
                }
            },
        )
    }

    /// Renders into a typed element (a root element unless the options say otherwise).
    pub fn render_element(&self, scope: &Scope<'_>) -> Result<Element, RenderError> {
        let value = self.render(scope)?;
        let r = if self.options.require_root_element {
            Element::from_root_value(&value)
        } else {
            Element::from_value(&value)
        };
        r.map_err(|errors| RenderError::Invalid {
            diagnostics: Diagnostics::new(),
            errors,
        })
    }
}

/// Parses markup into its syntax tree, without compiling it: a syntax check.
pub fn parse(source: &str, file_name: &str) -> Result<crate::lang::syntax::ast::Expr, Diagnostics> {
    let file = crate::lang::source::SourceFile::new(file_name, source);
    crate::lang::syntax::parse_markup(&file, MAX_NESTING)
}
