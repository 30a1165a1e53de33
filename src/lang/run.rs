//! Running a program's handlers for one request: the `ui_render` lifecycle exactly as
//! `@gitbook/runtime`'s `createComponent` runs it, from the request's bytes to the
//! response's bytes.
//!
//! 1. The event is parsed once, into the request's heap.
//! 2. `state` is the request's `state` when it is truthy, else `initialState(props,
//!    renderContext, context)` (or the object given, or `{}`).
//! 3. With an `action` and an action handler, the handler runs; a result of type
//!    `complete` is the response as it is; any other object is spread over the
//!    instance (`{...instance, ...result}`), so `state` and `props` it holds replace
//!    the current ones.
//! 4. `render(instance, context)` runs, and the response is
//!    `{"type":"element","state":…,"props":…,"element":…}`: state and props written as
//!    `JSON.stringify` writes them, the element checked against the element types as
//!    it is written.
//!
//! Anything thrown is a 500 `{"error":"Internal server error"}` (an `ExposableError`
//! gives its own code and message), as the official runtime answers; the located
//! diagnostic comes with the outcome, for logs and tools.

use crate::element::placement;
use crate::element::shape::{Field, RecordShape, Shape};
use crate::element::slots::Slots;
use crate::lang::builtins::table::Native;
use crate::lang::compile::ir::Site;
use crate::lang::diagnostic::{Diagnostic, DiagnosticKind};
use crate::lang::eval::{error_class, Fault, Limit, Limits, Vm, R};
use crate::lang::host::{HostOp, HostState};
use crate::lang::program::Program;
use crate::lang::value::string::{push_json_plain, push_json_string};
use crate::lang::value::{Atom, Func, ObjKind, Object, Props, Value};
use crate::render::json::{JsonView, Kind, MemberKey};

/// The response to one request.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// The HTTP status.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
    /// `Cache-Control`, when the component asked for caching.
    pub cache_control: Option<String>,
    /// Why it failed, located in the source, when it did.
    pub diagnostics: Vec<Diagnostic>,
}

/// What a run came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Done: the response.
    Done(Response),
    /// The handler awaits host operations: perform these (all of `host.requested`
    /// from index `results.len()` on), record their results, and run again.
    NeedsHost(Vec<HostOp>),
}

/// A value of the request's heap read as JSON, with its JSON kind read once
/// (the writer asks for it several times per value).
#[derive(Clone, Copy)]
pub(crate) struct View<'v> {
    vm: &'v Vm<'v>,
    v: Value,
    kind: Kind,
}

impl<'v> View<'v> {
    fn new(vm: &'v Vm<'v>, v: Value) -> Self {
        View {
            vm,
            v,
            kind: json_kind(vm, v),
        }
    }
}

/// What `v` is in JSON.
fn json_kind(vm: &Vm<'_>, v: Value) -> Kind {
    match v {
        Value::Undefined => Kind::Absent,
        Value::Null => Kind::Null,
        Value::Bool(_) => Kind::Bool,
        // JSON has no NaN or Infinity: JSON.stringify writes them as null.
        Value::Num(n) if !n.is_finite() => Kind::Null,
        Value::Num(_) => Kind::Number,
        Value::Str(_) => Kind::String,
        Value::Obj(o) => match vm.heap.obj(o).kind {
            // A getter's property: the view cannot run code, so it is left out.
            ObjKind::Accessor { .. } => Kind::Absent,
            ObjKind::Array(_) => Kind::Array,
            ObjKind::Function(_) => Kind::Absent,
            // `toJSON` of dates and URLs: their strings (an invalid date: null).
            ObjKind::Date(t) if t.is_nan() => Kind::Null,
            ObjKind::Date(_) | ObjKind::Host(crate::lang::value::HostKind::Url, _) => Kind::String,
            _ => Kind::Object,
        },
    }
}

impl<'v> JsonView for View<'v> {
    fn kind(self) -> Kind {
        self.kind
    }
    fn boolean(self) -> bool {
        matches!(self.v, Value::Bool(true))
    }
    fn number(self) -> f64 {
        match self.v {
            Value::Num(n) => n,
            _ => f64::NAN,
        }
    }
    fn string(&self) -> std::borrow::Cow<'_, [u8]> {
        match self.v {
            Value::Str(s) => std::borrow::Cow::Borrowed(self.vm.heap.str_bytes(s)),
            Value::Obj(o) => match self.vm.heap.obj(o).kind {
                ObjKind::Date(t) => {
                    std::borrow::Cow::Owned(crate::lang::builtins::date::iso(t).into_bytes())
                }
                ObjKind::Host(crate::lang::value::HostKind::Url, _) => std::borrow::Cow::Owned(
                    crate::lang::builtins::url::to_string(self.vm, o).into_bytes(),
                ),
                _ => std::borrow::Cow::Borrowed(b""),
            },
            _ => std::borrow::Cow::Borrowed(b""),
        }
    }
    fn len(self) -> usize {
        match self.v {
            Value::Obj(o) => match &self.vm.heap.obj(o).kind {
                ObjKind::Array(items) => items.len(),
                _ => 0,
            },
            _ => 0,
        }
    }
    fn item(self, i: usize) -> Self {
        let v = match self.v {
            Value::Obj(o) => match &self.vm.heap.obj(o).kind {
                ObjKind::Array(items) => items.get(i).copied().unwrap_or(Value::Null),
                _ => Value::Null,
            },
            _ => Value::Null,
        };
        // An `undefined` array item is `null` in JSON.
        View::new(
            self.vm,
            if v == Value::Undefined {
                Value::Null
            } else {
                v
            },
        )
    }
    fn for_each_member(&self, mut f: impl FnMut(MemberKey<'_>, Self)) {
        let Value::Obj(o) = self.v else { return };
        let heap = &self.vm.heap;
        for &(k, v) in heap.obj(o).props.enumerable_entries() {
            let view = View::new(self.vm, v);
            match k.as_index() {
                Some(n) => {
                    let mut buf = itoa::Buffer::new();
                    let key = MemberKey {
                        bytes: buf.format(n).as_bytes(),
                        plain: true,
                    };
                    f(key, view);
                }
                None => {
                    let key = match heap.atom_name(k) {
                        Some(s) => {
                            let (bytes, plain) = heap.str_json(s);
                            MemberKey { bytes, plain }
                        }
                        None => MemberKey {
                            bytes: b"",
                            plain: true,
                        },
                    };
                    f(key, view);
                }
            }
        }
    }
    fn write_string(&self, out: &mut Vec<u8>) {
        match self.v {
            Value::Str(s) => match self.vm.heap.str_json(s) {
                (bytes, true) => push_json_plain(out, bytes),
                (bytes, false) => push_json_string(out, bytes),
            },
            _ => push_json_string(out, &self.string()),
        }
    }
    fn get(self, key: &str) -> Option<Self> {
        let Value::Obj(o) = self.v else { return None };
        // The keys the writer asks for are well known: no lookup by name.
        let atom = match key {
            "type" => Atom::TYPE,
            "action" => Atom::ACTION,
            _ => self.vm.heap.lookup_atom(key.as_bytes())?,
        };
        let v = self.vm.heap.obj(o).props.get(atom)?;
        let view = View::new(self.vm, v);
        (view.kind() != Kind::Absent).then_some(view)
    }
    fn origin(self) -> u32 {
        match self.v {
            Value::Obj(o) => self.vm.heap.obj(o).origin,
            _ => 0,
        }
    }
    fn slots(&self) -> Option<&Slots> {
        let Value::Obj(o) = self.v else { return None };
        let obj = self.vm.heap.obj(o);
        if obj.origin == 0 || !obj.props.is_as_made() {
            return None;
        }
        let slots = self
            .vm
            .p
            .origins
            .get(obj.origin as usize - 1)?
            .slots
            .as_ref()?;
        (slots.len() == obj.props.len()).then_some(slots)
    }
    fn member(self, i: usize) -> Self {
        let v = match self.v {
            Value::Obj(o) => self.vm.heap.obj(o).props.entries().get(i).map(|e| e.1),
            _ => None,
        };
        View::new(self.vm, v.unwrap_or(Value::Undefined))
    }
}

/// A diagnostic for a fault that ended a run.
pub(crate) fn fault_diagnostic(vm: &mut Vm<'_>, f: Fault) -> Diagnostic {
    match f {
        Fault::Throw(v, site) => {
            // An error out of an async function: where it was thrown there.
            let site = match v {
                Value::Obj(o) => match vm.heap.obj(o).kind {
                    ObjKind::Error { thrown_at, .. } if thrown_at != 0 => thrown_at,
                    _ => site,
                },
                _ => site,
            };
            let (kind, message) = match v {
                Value::Obj(o) => match vm.heap.obj(o).kind {
                    ObjKind::Error { class, .. } => {
                        let text = vm
                            .to_string(v, site)
                            .map(|s| vm.heap.str_lossy(s).into_owned())
                            .unwrap_or_default();
                        let kind = if class == error_class::TYPE_ERROR {
                            DiagnosticKind::TypeError
                        } else {
                            DiagnosticKind::Thrown
                        };
                        (kind, text)
                    }
                    _ => (
                        DiagnosticKind::Thrown,
                        format!("uncaught {}", describe_thrown(vm, v, site)),
                    ),
                },
                other => (
                    DiagnosticKind::Thrown,
                    format!("uncaught {}", describe_thrown(vm, other, site)),
                ),
            };
            vm.p.diagnostic(site, kind, message)
        }
        Fault::Limit(limit, site) => {
            let (kind, message) = match limit {
                Limit::Steps => (
                    DiagnosticKind::StepLimit,
                    format!(
                        "the step budget ran out ({} steps): an endless loop?",
                        vm.limits.max_steps
                    ),
                ),
                Limit::Memory => (
                    DiagnosticKind::SizeLimit,
                    format!("the memory budget ran out ({} bytes)", vm.limits.max_memory),
                ),
                Limit::CallDepth => (
                    DiagnosticKind::SizeLimit,
                    format!(
                        "calls nested more than {} deep: endless recursion?",
                        vm.limits.max_call_depth
                    ),
                ),
                Limit::ValueDepth => (
                    DiagnosticKind::SizeLimit,
                    format!(
                        "a value nested more than {} deep",
                        vm.limits.max_value_depth
                    ),
                ),
            };
            vm.p.diagnostic(site, kind, message)
        }
        Fault::Suspend => vm.p.diagnostic(
            vm.site,
            DiagnosticKind::Thrown,
            "awaited a host operation that cannot run here",
        ),
        Fault::Short => vm.p.diagnostic(
            vm.site,
            DiagnosticKind::Thrown,
            "internal: an optional chain escaped",
        ),
    }
}

fn describe_thrown(vm: &mut Vm<'_>, v: Value, site: Site) -> String {
    match v {
        Value::Str(s) => format!("\"{}\"", vm.heap.str_lossy(s)),
        Value::Obj(_) => {
            let mut out = Vec::new();
            match crate::lang::builtins::json::stringify_into(vm, &mut out, v, site) {
                Ok(true) => String::from_utf8_lossy(&out).into_owned(),
                _ => "object".into(),
            }
        }
        other => vm.describe(other),
    }
}

/// Whether JSON `text` (props, state or an action for a render) fits in a run's
/// memory budget once read as a run reads its event: `false` only when the budget
/// ran out, so that text which is not JSON is left to the caller's own parser to
/// report with its position. Reading stops where the budget runs out: the answer
/// costs at most the budget, however large the text.
///
/// A run reads its whole event into one heap, so a text that fits on its own may
/// still not fit beside the others; one that does not fit on its own never does.
///
/// ```
/// use contentkit::lang::eval::Limits;
/// use contentkit::lang::run::json_fits_memory;
/// let small = Limits { max_memory: 4096, ..Limits::default() };
/// assert!(json_fits_memory(br#"{"start": 1}"#, &small));
/// assert!(!json_fits_memory(format!("[{}1]", "1,".repeat(10_000)).as_bytes(), &small));
/// assert!(json_fits_memory(b"not JSON", &small));
/// ```
pub fn json_fits_memory(text: &[u8], limits: &Limits) -> bool {
    // A request's heap: the well-known names in its base, the budget on top.
    let base = crate::lang::value::Heap::for_program(usize::MAX).freeze();
    let mut heap = crate::lang::value::Heap::from_base(&base, limits.max_memory);
    !matches!(
        crate::lang::value::json::parse(&mut heap, text, limits.max_value_depth),
        Err(crate::lang::value::json::JsonError::Memory)
    )
}

/// The JSON error body of the official runtime.
pub fn error_body(message: &str) -> Vec<u8> {
    let mut out = b"{\"error\":".to_vec();
    push_json_string(&mut out, message.as_bytes());
    out.push(b'}');
    out
}

/// An error response (500 unless the thrown value is an `ExposableError`).
pub(crate) fn failure(vm: &mut Vm<'_>, f: Fault) -> Outcome {
    if let Fault::Suspend = f {
        let start = vm.host.results.len();
        return Outcome::NeedsHost(
            vm.host.requested[start.min(vm.host.requested.len())..].to_vec(),
        );
    }
    let mut status = 500;
    let mut message = "Internal server error".to_owned();
    if let Fault::Throw(Value::Obj(o), _) = f {
        if let ObjKind::Error {
            class: error_class::EXPOSABLE_ERROR,
            message: m,
            ..
        } = vm.heap.obj(o).kind
        {
            let code = vm
                .heap
                .obj(o)
                .props
                .get(Atom::CODE)
                .unwrap_or(Value::Num(400.0));
            status = match code {
                Value::Num(n) if (200.0..=599.0).contains(&n) && n.fract() == 0.0 => n as u16,
                _ => 500,
            };
            message = match m {
                Value::Str(s) => vm.heap.str_lossy(s).into_owned(),
                _ => String::new(),
            };
        }
    }
    let d = fault_diagnostic(vm, f);
    Outcome::Done(Response {
        status,
        body: error_body(&message),
        cache_control: None,
        diagnostics: vec![d],
    })
}

/// Answers a `ui_render` event (its JSON bytes) with the component it names.
pub fn ui_render(
    program: &Program,
    event: &[u8],
    environment: &[u8],
    limits: Limits,
    host: HostState,
) -> Outcome {
    ui_render_host(program, event, environment, limits, host, None)
        .0
        .unwrap_or_else(invalid_event)
}

/// The answer to an event that is not a `ui_render` where one was expected.
fn invalid_event() -> Outcome {
    Outcome::Done(Response {
        status: 400,
        body: error_body("Invalid \"event\" field"),
        cache_control: None,
        diagnostics: Vec::new(),
    })
}

/// [`ui_render`], giving back the host state the run left too: the operations it
/// requested (those it did not await included, for `waitUntil`) and its logs.
///
/// With `expect`, the event was routed here by a look at its text
/// ([`crate::runtime::peek::ui_render_component`]): the outcome is `None`, with
/// nothing run, when the event is not JSON or, once parsed, is not a `ui_render` of
/// that component after all (a later key repeated `type` or `componentId`); the
/// caller then reads the event the general way.
pub fn ui_render_host(
    program: &Program,
    event: &[u8],
    environment: &[u8],
    limits: Limits,
    host: HostState,
    expect: Option<&str>,
) -> (Option<Outcome>, HostState) {
    let (mut vm, environment) = request_vm(program, environment, limits, host);
    let outcome = match render(&mut vm, event, expect, environment) {
        Ok(Some(response)) => Some(Outcome::Done(response)),
        // Only a run expecting a component answers `None`.
        Ok(None) => expect.is_none().then(invalid_event),
        Err(f) => Some(failure(&mut vm, f)),
    };
    let host = std::mem::take(&mut vm.host);
    (outcome, host)
}

/// The machine of a request with environment JSON `environment`, and the
/// environment object when it is already read into the heap's base.
fn request_vm<'p>(
    program: &'p Program,
    environment: &[u8],
    limits: Limits,
    host: HostState,
) -> (Vm<'p>, Option<Value>) {
    let (mut vm, value) = match program.environment_base(environment, &limits) {
        Some((base, value)) => (Vm::with_base(program, &base, limits, host), Some(value)),
        None => (Vm::new(program, limits, host), None),
    };
    vm.heap.reserve_objects(program.hint_objects());
    vm.host.environment_json = environment.to_vec();
    (vm, value)
}

/// Whether a parsed event's `type` is `"ui_render"` and its `componentId` is `id`.
fn is_ui_render_of(vm: &Vm<'_>, event: Value, id: &str) -> bool {
    let Value::Obj(o) = event else { return false };
    let props = &vm.heap.obj(o).props;
    let is = |key: Atom, text: &[u8]| matches!(props.get(key), Some(Value::Str(s)) if vm.heap.str_bytes(s) == text);
    // A plain parsed object: no accessors, no prototype to read through.
    is(Atom::TYPE, b"ui_render") && is(Atom::COMPONENT_ID, id.as_bytes())
}

fn get(vm: &mut Vm<'_>, v: Value, key: Atom) -> R<Value> {
    if v.is_nullish() {
        return Ok(Value::Undefined);
    }
    vm.get(v, key, 0)
}

/// Parses the event and renders it; `None` when `expect` names a component and the
/// event is not JSON or not a `ui_render` of it.
fn render(
    vm: &mut Vm<'_>,
    event: &[u8],
    expect: Option<&str>,
    environment: Option<Value>,
) -> R<Option<Response>> {
    let depth = vm.limits.max_value_depth;
    let event = match crate::lang::value::json::parse(&mut vm.heap, event, depth) {
        Ok(v) => v,
        Err(crate::lang::value::json::JsonError::Memory) => {
            return Err(Fault::Limit(Limit::Memory, 0))
        }
        Err(_) if expect.is_some() => return Ok(None),
        Err(e) => {
            return Ok(Some(Response {
                status: 400,
                body: error_body(&format!("Invalid JSON in \"event\" field: {e}")),
                cache_control: None,
                diagnostics: Vec::new(),
            }))
        }
    };
    if let Some(id) = expect {
        if !is_ui_render_of(vm, event, id) {
            return Ok(None);
        }
    }
    render_event(vm, event, environment).map(Some)
}

/// Renders a parsed event; `environment` is the environment object when it is
/// already read.
fn render_event(vm: &mut Vm<'_>, event: Value, environment: Option<Value>) -> R<Response> {
    let id = get(vm, event, Atom::COMPONENT_ID)?;
    let id_text = match id {
        Value::Str(s) => vm.heap.str_lossy(s).into_owned(),
        other => vm.describe(other),
    };
    let Some(component) = vm.p.components.iter().find(|c| c.id == id_text).cloned() else {
        return Ok(Response {
            status: 404,
            body: error_body(&format!("Component {id_text} not found")),
            cache_control: None,
            diagnostics: Vec::new(),
        });
    };
    let def = component.def;
    let site = component.site;
    // `cache: { maxAge }`, this language's extension: as if `setCache` ran first.
    let cache = get(vm, def, Atom::CACHE)?;
    if let Value::Obj(_) = cache {
        let age = get(vm, cache, Atom::MAX_AGE)?;
        if age != Value::Undefined {
            vm.host.cache_max_age = Some(age);
        }
    }
    let context = match runtime_context(vm, site, environment)? {
        Ok(c) => c,
        Err(message) => {
            return Ok(Response {
                status: 400,
                body: error_body(&format!("Invalid JSON in \"environment\" field: {message}")),
                cache_control: None,
                diagnostics: Vec::new(),
            })
        }
    };
    let props = get(vm, event, Atom::PROPS)?;
    let render_context = get(vm, event, Atom::CONTEXT)?;
    let action = get(vm, event, Atom::ACTION)?;
    // `event.state || initialState(…)`.
    let mut state = get(vm, event, Atom::STATE)?;
    if !crate::lang::eval::ops::truthy(vm, state) {
        let initial = get(vm, def, Atom::INITIAL_STATE)?;
        state = if vm.is_function(initial) {
            vm.site = site;
            let v = vm.call(
                initial,
                Value::Undefined,
                &[props, render_context, context],
                site,
            )?;
            vm.await_value(v, site)?
        } else if crate::lang::eval::ops::truthy(vm, initial) {
            initial
        } else {
            vm.alloc(Object::plain(Props::new()), site)?
        };
    }
    let mut instance = instance(vm, state, props, render_context, site)?;
    let handler = get(vm, def, Atom::ACTION)?;
    if crate::lang::eval::ops::truthy(vm, action) && crate::lang::eval::ops::truthy(vm, handler) {
        // The action-name map is this language's extension: `action: { inc: … }`.
        let f = if vm.is_function(handler) {
            Some(handler)
        } else {
            let name = get(vm, action, Atom::ACTION)?;
            let key = vm.to_key(name, site)?;
            let f = vm.get(handler, key, site)?;
            vm.is_function(f).then_some(f)
        };
        if let Some(f) = f {
            vm.site = site;
            let r = vm.call(f, Value::Undefined, &[instance, action, context], site)?;
            let result = vm.await_value(r, site)?;
            if !result.is_nullish() {
                let t = get(vm, result, Atom::TYPE)?;
                if let Value::Str(s) = t {
                    if vm.heap.str_bytes(s) == b"complete" {
                        return respond(vm, result, site);
                    }
                }
            }
            // `{...instance, ...actionResult}`.
            let mut merged = vm
                .heap
                .obj(match instance {
                    Value::Obj(o) => o,
                    _ => return Err(vm.type_error("internal: no instance", site)),
                })
                .props
                .clone();
            vm.spread_into(&mut merged, result)?;
            instance = vm.alloc(Object::plain(merged), site)?;
        }
    }
    let render_fn = get(vm, def, Atom::RENDER)?;
    vm.site = site;
    let r = vm.call(render_fn, Value::Undefined, &[instance, context], site)?;
    let element = vm.await_value(r, site)?;
    let state = get(vm, instance, Atom::STATE)?;
    let props = get(vm, instance, Atom::PROPS)?;
    write_output(vm, state, props, element, site)
}

/// The instance handlers receive: `{state, props, context, setCache, dynamicState}`.
fn instance(vm: &mut Vm<'_>, state: Value, props: Value, context: Value, site: Site) -> R<Value> {
    let set_cache = native(vm, Native::ElementSetCache, site)?;
    let dynamic_state = native(vm, Native::ElementDynamicState, site)?;
    let mut p = Props::with_capacity(5);
    p.push_new_name(Atom::STATE, state);
    p.push_new_name(Atom::PROPS, props);
    p.push_new_name(Atom::CONTEXT, context);
    p.push_new_name(Atom::SET_CACHE, set_cache);
    p.push_new_name(Atom::DYNAMIC_STATE, dynamic_state);
    vm.alloc(Object::plain(p), site)
}

/// A function value of a built-in.
pub(crate) fn native(vm: &mut Vm<'_>, n: Native, site: Site) -> R<Value> {
    vm.alloc(
        Object {
            props: Props::new(),
            kind: ObjKind::Function(Func::Native {
                id: n.id(),
                this: Value::Undefined,
            }),
            origin: 0,
        },
        site,
    )
}

/// The runtime context (`crate::lang::handlers::runtime_context`), over the
/// request's environment already read (`Some`) or read from its JSON; `Err` with a
/// message when the environment is not JSON.
fn runtime_context(
    vm: &mut Vm<'_>,
    site: Site,
    environment: Option<Value>,
) -> R<Result<Value, String>> {
    crate::lang::handlers::runtime_context(vm, site, environment)
}

fn cache_control(vm: &mut Vm<'_>, site: Site) -> R<Option<String>> {
    match vm.host.cache_max_age {
        None => Ok(None),
        Some(v) => {
            let s = vm.to_string(v, site)?;
            Ok(Some(format!("max-age={}", vm.heap.str_lossy(s))))
        }
    }
}

/// A `complete` result, written as it is.
fn respond(vm: &mut Vm<'_>, result: Value, site: Site) -> R<Response> {
    let mut body = Vec::new();
    crate::lang::builtins::json::stringify_into(vm, &mut body, result, site)?;
    Ok(Response {
        status: 200,
        body,
        cache_control: cache_control(vm, site)?,
        diagnostics: Vec::new(),
    })
}

/// The shape of an element output (`ContentKitRenderOutputElement`).
static OUTPUT: RecordShape = RecordShape {
    owner: "element output",
    tag: None,
    fields: &[
        Field {
            key: "type",
            required: false,
            shape: Shape::Enum(&["element"]),
        },
        Field {
            key: "state",
            required: true,
            shape: Shape::Object,
        },
        Field {
            key: "props",
            required: true,
            shape: Shape::PlainObject,
        },
        Field {
            key: "element",
            required: true,
            shape: Shape::Element(placement::ROOT),
        },
    ],
    limits: &[],
};

/// `{"type":"element","state":…,"props":…,"element":…}`, checked as it is written:
/// the state an object, the props a plain object, the element a root element.
fn write_output(
    vm: &mut Vm<'_>,
    state: Value,
    props: Value,
    element: Value,
    site: Site,
) -> R<Response> {
    let mut p = Props::with_capacity(4);
    let tag = vm.str_value("element", site)?;
    p.push_new_name(Atom::TYPE, tag);
    p.push_new_name(Atom::STATE, state);
    p.push_new_name(Atom::PROPS, props);
    p.push_new_name(Atom::ELEMENT, element);
    let output = vm.alloc(Object::plain(p), site)?;
    let mut body = Vec::with_capacity(vm.p.hint_output().max(1024));
    let view = View::new(vm, output);
    let mut diagnostics = Vec::new();
    let max = vm.limits.max_memory;
    if let Err(e) =
        crate::render::json::write_checked_within(view, &Shape::Record(&OUTPUT), "", &mut body, max)
    {
        for (err, origin) in e.errors.iter().zip(e.origins.iter()) {
            let site = match origin {
                0 => site,
                &o => {
                    vm.p.origins
                        .get(o as usize - 1)
                        .map_or(site, |x| x.site_for(&err.path))
                }
            };
            diagnostics.push(
                vm.p.diagnostic(site, DiagnosticKind::InvalidElement, err.to_string())
                    .with_help(help_for(&err.kind)),
            );
        }
        return Ok(Response {
            status: 500,
            body: error_body("Internal server error"),
            cache_control: None,
            diagnostics,
        });
    }
    vm.p.record_sizes(vm.heap.object_count(), body.len());
    Ok(Response {
        status: 200,
        body,
        cache_control: cache_control(vm, site)?,
        diagnostics,
    })
}

fn help_for(kind: &crate::element::ErrorKind) -> String {
    use crate::element::ErrorKind;
    match kind {
        ErrorKind::WrongType { found: "number", .. } => "convert it to a string: String(x), or a template `${x}`".into(),
        ErrorKind::WrongType { found: "boolean", .. } => {
            "a `false` child comes from `cond && <x/>`: write `cond ? <x/> : null`".into()
        }
        ErrorKind::WrongType { found: "null", .. } => {
            "an `undefined` child is `null` in JSON: leave it out, or write `?? null` where it can be missing".into()
        }
        _ => "the rendered element does not fit the ContentKit element types".into(),
    }
}

/// The values a bare markup file reads, as JSON text.
#[derive(Debug, Clone, Copy, Default)]
pub struct MarkupScope<'a> {
    /// `props` (and `element.props`); `{}` when `None`.
    pub props: Option<&'a [u8]>,
    /// `state` (and `element.state`); `{}` when `None`.
    pub state: Option<&'a [u8]>,
    /// `context` (and `element.context`); `{}` when `None`.
    pub context: Option<&'a [u8]>,
    /// `action`; `undefined` when `None`.
    pub action: Option<&'a [u8]>,
}

/// How a markup render failed.
#[derive(Debug, Clone, PartialEq)]
pub enum MarkupFailure {
    /// A fault: a TypeError, a thrown value, a budget.
    Fault(Diagnostic),
    /// The output is no valid element: its errors, located, and as JSON paths.
    Invalid(Vec<Diagnostic>, crate::element::ValidationErrors),
}

/// Renders a program made by [`Program::markup`], writing the element as JSON:
/// checked against `shape` (a root element, any element) or, with `None`, plain.
// A failure carries its located diagnostics to a person; it is not on the hot path.
#[allow(clippy::result_large_err)]
pub fn render_markup(
    program: &Program,
    scope: &MarkupScope<'_>,
    limits: Limits,
    shape: Option<&Shape>,
) -> Result<Vec<u8>, MarkupFailure> {
    let mut vm = Vm::new(program, limits, HostState::default());
    match markup_inner(&mut vm, scope, shape) {
        Ok(r) => r,
        Err(f) => Err(MarkupFailure::Fault(fault_diagnostic(&mut vm, f))),
    }
}

fn markup_inner(
    vm: &mut Vm<'_>,
    scope: &MarkupScope<'_>,
    shape: Option<&Shape>,
) -> R<Result<Vec<u8>, MarkupFailure>> {
    let Some(f) = vm.p.markup else {
        return Err(vm.type_error("not a markup program", 0));
    };
    let depth = vm.limits.max_value_depth;
    let parse = |vm: &mut Vm<'_>, text: Option<&[u8]>, default_empty: bool| -> R<Value> {
        match text {
            Some(t) => match crate::lang::value::json::parse(&mut vm.heap, t, depth) {
                Ok(v) => Ok(v),
                Err(crate::lang::value::json::JsonError::Memory) => {
                    Err(Fault::Limit(Limit::Memory, 0))
                }
                Err(e) => Err(vm.throw(error_class::SYNTAX_ERROR, e.to_string(), 0)),
            },
            None if default_empty => vm.alloc(Object::plain(Props::new()), 0),
            None => Ok(Value::Undefined),
        }
    };
    let props = parse(vm, scope.props, true)?;
    let state = parse(vm, scope.state, true)?;
    let context = parse(vm, scope.context, true)?;
    let action = parse(vm, scope.action, false)?;
    let element = instance(vm, state, props, context, 0)?;
    let dynamic_state = native(vm, Native::ElementDynamicState, 0)?;
    let site = vm.p.functions[f as usize].site;
    vm.site = site;
    let out = vm.call_closure(
        f,
        None,
        Value::Undefined,
        &[props, state, context, action, element, dynamic_state],
        site,
    )?;
    let mut body = Vec::new();
    let view = View::new(vm, out);
    let max = vm.limits.max_memory;
    let result = crate::render::json::write_checked_within(
        view,
        shape.unwrap_or(&Shape::Any),
        "element",
        &mut body,
        max,
    );
    if let Err(e) = result {
        if let Some(err) = e
            .errors
            .iter()
            .find(|x| matches!(x.kind, crate::element::ErrorKind::TooLarge { .. }))
        {
            return Ok(Err(MarkupFailure::Fault(vm.p.diagnostic(
                site,
                DiagnosticKind::SizeLimit,
                err.to_string(),
            ))));
        }
        let mut diagnostics = Vec::new();
        for (err, origin) in e.errors.iter().zip(e.origins.iter()) {
            let at = match origin {
                0 => site,
                &o => {
                    vm.p.origins
                        .get(o as usize - 1)
                        .map_or(site, |x| x.site_for(&err.path))
                }
            };
            diagnostics.push(
                vm.p.diagnostic(
                    at,
                    DiagnosticKind::InvalidElement,
                    format!("invalid element: {err}"),
                )
                .with_help(help_for(&err.kind)),
            );
        }
        return Ok(Err(MarkupFailure::Invalid(diagnostics, e.errors)));
    }
    if view.kind() == Kind::Absent {
        body = b"null".to_vec();
    }
    Ok(Ok(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::program::NoSources;

    fn body(program: &Program, event: &[u8], environment: &[u8]) -> (u16, String) {
        match ui_render(
            program,
            event,
            environment,
            Limits::default(),
            HostState::default(),
        ) {
            Outcome::Done(r) => (r.status, String::from_utf8(r.body).unwrap()),
            Outcome::NeedsHost(_) => panic!("no host operations here"),
        }
    }

    #[test]
    fn each_request_gets_its_own_copy_of_a_kept_environment() {
        // The handler changes the environment it is given: a later request with the
        // same environment text must not see the change.
        let program = Program::load(
            "env.tsx",
            r#"import { createComponent } from '@gitbook/runtime';
            export const env = createComponent({
                componentId: 'env',
                render: (element, context) => {
                    const seen = context.environment.seen ?? 'none';
                    context.environment.seen = 'changed';
                    context.environment.nested.n += 1;
                    return <block><text>{`${seen} ${context.environment.nested.n}`}</text></block>;
                },
            })"#,
            &NoSources,
        )
        .unwrap();
        let event = br#"{"componentId":"env","props":{},"context":{}}"#;
        let environment = br#"{"nested":{"n":1}}"#;
        for _ in 0..3 {
            let (status, text) = body(&program, event, environment);
            assert_eq!(status, 200, "{text}");
            assert!(text.contains(r#""children":["none 2"]"#), "{text}");
        }
        // Another environment is read as itself, and the first is still kept.
        let (_, text) = body(&program, event, br#"{"nested":{"n":10}}"#);
        assert!(text.contains(r#""children":["none 11"]"#), "{text}");
        let (_, text) = body(&program, event, environment);
        assert!(text.contains(r#""children":["none 2"]"#), "{text}");
        // Not JSON: the request says so.
        let (status, text) = body(&program, event, b"{nope");
        assert_eq!(status, 400, "{text}");
        assert!(text.contains("environment"), "{text}");
    }

    #[test]
    fn errors_out_of_async_functions_point_where_they_were_thrown() {
        // Most components render with `async`: an error thrown there reaches the
        // runtime as a rejected promise, which once pointed at createComponent.
        let source = r#"import { createComponent } from '@gitbook/runtime';
async function load(): Promise<string> {
    throw new Error('deep failure');
}
export const deep = createComponent({
    componentId: 'deep',
    render: async () => <block><text>{await load()}</text></block>,
});
export const member = createComponent({
    componentId: 'member',
    render: async (element, context: any) => {
        const url = context.environment.nope.deeper;
        return <block><text>{url}</text></block>;
    },
});
"#;
        let program = Program::load("async.tsx", source, &NoSources).unwrap();
        let at = |id: &str| {
            let event = format!(r#"{{"componentId":"{id}","props":{{}},"context":{{}}}}"#);
            match ui_render(
                &program,
                event.as_bytes(),
                b"{}",
                Limits::default(),
                HostState::default(),
            ) {
                Outcome::Done(r) => {
                    assert_eq!(r.status, 500);
                    let d = &r.diagnostics[0];
                    (d.line, d.column, d.message.clone())
                }
                Outcome::NeedsHost(_) => panic!("no host operations here"),
            }
        };
        assert_eq!(at("deep"), (3, 5, "Error: deep failure".to_owned()));
        let (line, column, message) = at("member");
        assert_eq!((line, column), (12, 46), "{message}");
    }

    #[test]
    fn the_runtime_logger_prefixes_its_namespace() {
        let program = Program::load(
            "log.tsx",
            r#"import { createComponent, Logger } from '@gitbook/runtime';
            const logger = Logger('demo');
            export const c = createComponent({
                componentId: 'c',
                render: () => {
                    logger.info('rendering', { n: 1 }, [2]);
                    logger.debug(`step ${3}`);
                    const { error } = logger;
                    error(404);
                    return <block><text>{Object.keys(logger).join(',')}</text></block>;
                },
            })"#,
            &NoSources,
        )
        .unwrap();
        let event = br#"{"componentId":"c","props":{},"context":{}}"#;
        let (outcome, host) = ui_render_host(
            &program,
            event,
            b"{}",
            Limits::default(),
            HostState::default(),
            None,
        );
        match outcome {
            Some(Outcome::Done(r)) => {
                let body = String::from_utf8(r.body).unwrap();
                assert!(
                    body.contains(r#""children":["info,debug,error"]"#),
                    "{body}"
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            host.logs,
            // The other arguments as `console.log` writes them.
            [
                r#"[demo] rendering {"n":1} [2]"#,
                "[demo] step 3",
                "[demo] 404"
            ]
        );
    }

    /// Status, body and error messages of the component rendering `make` then `edit`.
    fn edited(make: &str, edit: &str) -> (u16, String, Vec<String>) {
        let source = format!(
            r#"import {{ createComponent }} from '@gitbook/runtime';
            export const c = createComponent({{
                componentId: 'c',
                render: () => {{
                    const el: any = {make};
                    {edit}
                    return <block><vstack>{{el}}</vstack></block>;
                }},
            }})"#
        );
        let program = Program::load("edit.tsx", &source, &NoSources).unwrap();
        let event = br#"{"componentId":"c","props":{},"context":{}}"#;
        match ui_render(
            &program,
            event,
            b"{}",
            Limits::default(),
            HostState::default(),
        ) {
            Outcome::Done(r) => (
                r.status,
                String::from_utf8(r.body).unwrap(),
                r.diagnostics.into_iter().map(|d| d.message).collect(),
            ),
            Outcome::NeedsHost(_) => panic!("no host operations here"),
        }
    }

    #[test]
    fn elements_changed_after_jsx_made_them_are_written_as_they_now_are() {
        // A JSX element is written by position while it is as JSX made it; once
        // changed, it must be written and checked exactly as the same object made
        // as a literal (read by name).
        let jsx = r#"<button label="Go" onPress={{ action: 'go' }} />"#;
        let literal =
            r#"{ type: 'button', label: 'Go', onPress: { action: 'go' }, children: undefined }"#;
        let edits = [
            "",
            "el.label = 'Renamed';",
            "el.label = 5;",
            "el.style = 'primary';",
            "el.bogus = 1;",
            "delete el.onPress;",
            "delete el.onPress; el.onPress = { action: 'again' };",
            "delete el.label; el.label = 'Last';",
            "el.type = 'divider';",
            "el.type = 'divider'; delete el.label; delete el.onPress;",
            "el.type = 'text';",
            "el.children = ['x'];",
            "Object.defineProperty(el, 'label', { enumerable: false });",
            "Object.defineProperty(el, 'tooltip', { get: () => 'tip', enumerable: true });",
            "Object.assign(el, { label: 'Assigned', disabled: true });",
            "Object.freeze(el);",
        ];
        for edit in edits {
            let want = edited(literal, edit);
            let got = edited(jsx, edit);
            assert_eq!(got, want, "after `{edit}`");
        }
        // The edits did reach the output (the comparison above is not vacuous).
        assert!(edited(jsx, "el.label = 'Renamed';")
            .1
            .contains(r#""label":"Renamed""#));
        assert!(edited(
            jsx,
            "el.type = 'divider'; delete el.label; delete el.onPress;"
        )
        .1
        .contains(r#"{"type":"divider"}"#));
        assert_eq!(edited(jsx, "el.type = 'text';").0, 500);
    }
}
