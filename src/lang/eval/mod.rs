//! The evaluator: runs compiled code over one request's heap.
//!
//! It walks the IR recursively. Variables are frame slots on one value stack, or
//! environment slots for the variables closures capture. Every function call and loop
//! iteration counts one step against the budget, every allocation its bytes against
//! the memory budget, and calls nest at most [`Limits::max_call_depth`] deep: a
//! handler that loops forever, allocates without end or recurses without end stops
//! with a located error instead of taking the process with it.
//!
//! `await` of a settled promise continues at once. `await` of a promise waiting for a
//! host operation (an API call, `fetch`) suspends the whole run: the caller performs
//! the operations and runs the handler again from the start with their results
//! recorded (see `crate::lang::host`). Handlers are deterministic given those results,
//! so the second run takes the same path and goes further.

mod call;
mod class;
mod expr;
mod jsx;
pub(crate) mod ops;
mod pattern;
pub(crate) mod props;
mod stmt;

use std::sync::Arc;

use crate::lang::compile::ir::{Place, Site};
use crate::lang::host::HostState;
use crate::lang::program::Program;
use crate::lang::value::{
    Atom, Base, EnvId, Heap, MemoryExceeded, ObjKind, Object, Props, StrId, Value,
};

/// Bounds on one request's evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Steps: function calls, loop iterations and items scanned by built-ins.
    pub max_steps: u64,
    /// Bytes the request may allocate (strings, objects, arrays, environments).
    pub max_memory: usize,
    /// How deep calls may nest.
    pub max_call_depth: usize,
    /// How deep a value may nest when it is copied, compared or written as JSON.
    pub max_value_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_steps: 10_000_000,
            max_memory: 64 * 1024 * 1024,
            max_call_depth: 200,
            max_value_depth: 256,
        }
    }
}

/// Which limit stopped a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Limit {
    Steps,
    Memory,
    CallDepth,
    ValueDepth,
}

/// Why evaluation stopped early.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Fault {
    /// A JavaScript exception: the thrown value, and where it was thrown.
    Throw(Value, Site),
    /// An optional chain found `undefined`/`null`: the chain's value is `undefined`.
    Short,
    /// An `await` of a host operation that has no result yet.
    Suspend,
    /// A budget ran out (never caught by `try`).
    Limit(Limit, Site),
}

/// How a statement ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Flow {
    Normal,
    Return(Value),
    /// `break`, with its label (0: none).
    Break(u32),
    /// `continue`, with its label (0: none).
    Continue(u32),
}

pub(crate) type R<T> = Result<T, Fault>;

/// The error classes (`ObjKind::Error`).
pub(crate) mod error_class {
    pub const ERROR: u8 = 0;
    pub const TYPE_ERROR: u8 = 1;
    pub const RANGE_ERROR: u8 = 2;
    pub const SYNTAX_ERROR: u8 = 3;
    pub const EXPOSABLE_ERROR: u8 = 4;
    pub const REFERENCE_ERROR: u8 = 5;
    pub const URI_ERROR: u8 = 6;
    /// `@gitbook/api`'s, thrown when the API answers an error.
    pub const GITBOOK_API_ERROR: u8 = 7;

    /// The class's name.
    pub fn name(c: u8) -> &'static str {
        match c {
            TYPE_ERROR => "TypeError",
            RANGE_ERROR => "RangeError",
            SYNTAX_ERROR => "SyntaxError",
            EXPOSABLE_ERROR => "ExposableError",
            REFERENCE_ERROR => "ReferenceError",
            URI_ERROR => "URIError",
            GITBOOK_API_ERROR => "GitBookAPIError",
            _ => "Error",
        }
    }
}

/// One request's evaluation: the program, the heap, the value stack, the budgets.
pub(crate) struct Vm<'p> {
    pub p: &'p Program,
    pub heap: Heap,
    stack: Vec<Value>,
    fp: usize,
    env: Option<EnvId>,
    steps: u64,
    depth: usize,
    pub limits: Limits,
    /// The site of the innermost call being evaluated, for errors of built-ins.
    pub site: Site,
    /// Host operations, their recorded results, and what handlers asked of the host.
    pub host: HostState,
    /// Regular expressions made at run time (`new RegExp(s)`), after the program's.
    pub regexes: Vec<Arc<crate::lang::builtins::regexp::JsRegex>>,
    /// While modules load: the components and integrations they define.
    pub registry: Option<crate::lang::program::Registry>,
    /// The label of the loop about to start (`outer: for …`), taken by the loop.
    loop_label: u32,
    /// The arrays being joined into strings, outermost first: one met again inside
    /// itself is joined as `""`, as V8 does, instead of recursing.
    pub(crate) joining: Vec<crate::lang::value::ObjId>,
    /// `new.target` of the constructor running: the class `new` was applied to.
    new_target: Value,
}

impl<'p> Vm<'p> {
    /// A fresh evaluation of `p`.
    pub(crate) fn new(p: &'p Program, limits: Limits, host: HostState) -> Vm<'p> {
        Vm::with_base(p, &p.base, limits, host)
    }

    /// A request's machine whose heap starts from `base`: the program's, or one made
    /// from it ([`Program::environment_base`]).
    pub(crate) fn with_base(
        p: &'p Program,
        base: &Arc<Base>,
        limits: Limits,
        host: HostState,
    ) -> Vm<'p> {
        Vm {
            p,
            heap: Heap::from_base(base, limits.max_memory),
            stack: Vec::with_capacity(256),
            fp: 0,
            env: None,
            steps: 0,
            depth: 0,
            limits,
            site: 0,
            host,
            regexes: Vec::new(),
            registry: None,
            loop_label: 0,
            joining: Vec::new(),
            new_target: Value::Undefined,
        }
    }

    /// A heap that is the program's own while it loads (module code runs here).
    pub(crate) fn for_loading(p: &'p Program, heap: Heap, limits: Limits) -> Vm<'p> {
        Vm {
            p,
            heap,
            stack: Vec::with_capacity(256),
            fp: 0,
            env: None,
            steps: 0,
            depth: 0,
            limits,
            site: 0,
            host: HostState::default(),
            regexes: Vec::new(),
            registry: Some(crate::lang::program::Registry::default()),
            loop_label: 0,
            joining: Vec::new(),
            new_target: Value::Undefined,
        }
    }

    /// Counts `n` steps.
    #[inline]
    pub(crate) fn step(&mut self, n: u64, site: Site) -> R<()> {
        self.steps += n;
        if self.steps > self.limits.max_steps {
            let site = if site == 0 { self.site } else { site };
            Err(Fault::Limit(Limit::Steps, site))
        } else {
            Ok(())
        }
    }

    /// Turns a failed allocation into a fault at `site`.
    pub(crate) fn mem<T>(&self, r: Result<T, MemoryExceeded>, site: Site) -> R<T> {
        // Allocations without a site of their own (literals) blame the innermost call.
        let site = if site == 0 { self.site } else { site };
        r.map_err(|_| Fault::Limit(Limit::Memory, site))
    }

    /// Allocates an object.
    pub(crate) fn alloc(&mut self, o: Object, site: Site) -> R<Value> {
        let r = self.heap.alloc(o);
        self.mem(r, site).map(Value::Obj)
    }

    /// Allocates an array.
    pub(crate) fn array(&mut self, items: Vec<Value>, site: Site) -> R<Value> {
        self.alloc(Object::array(items), site)
    }

    /// Allocates a string.
    pub(crate) fn string(&mut self, bytes: &[u8], site: Site) -> R<Value> {
        let r = self.heap.alloc_str(bytes);
        self.mem(r, site).map(Value::Str)
    }

    /// A string value from Rust text.
    pub(crate) fn str_value(&mut self, s: &str, site: Site) -> R<Value> {
        self.string(s.as_bytes(), site)
    }

    /// The key for a name.
    pub(crate) fn intern(&mut self, name: &str, site: Site) -> R<Atom> {
        let r = self.heap.intern(name.as_bytes());
        self.mem(r, site)
    }

    /// Makes an error object of `class` with `message` and throws it.
    pub(crate) fn throw(&mut self, class: u8, message: impl AsRef<str>, site: Site) -> Fault {
        match self.error_object(class, message.as_ref(), site) {
            Ok(v) => Fault::Throw(v, site),
            Err(f) => f,
        }
    }

    /// A TypeError.
    pub(crate) fn type_error(&mut self, message: impl AsRef<str>, site: Site) -> Fault {
        self.throw(error_class::TYPE_ERROR, message, site)
    }

    /// An error object.
    pub(crate) fn error_object(&mut self, class: u8, message: &str, site: Site) -> R<Value> {
        let msg = self.str_value(message, site)?;
        self.alloc(
            Object {
                props: Props::new(),
                kind: ObjKind::Error {
                    class,
                    message: msg,
                    thrown_at: 0,
                },
                origin: 0,
            },
            site,
        )
    }

    // ------------------------------------------------------------ variables

    #[inline]
    pub(crate) fn load(&self, place: Place) -> Value {
        match place {
            Place::Local(i) => self.stack[self.fp + i as usize],
            Place::Env { hops, slot } => {
                let env = self.env_at(hops);
                match env {
                    Some(e) => self.heap.env(e).slots[slot as usize],
                    None => Value::Undefined,
                }
            }
        }
    }

    #[inline]
    pub(crate) fn store(&mut self, place: Place, v: Value) {
        match place {
            Place::Local(i) => {
                let at = self.fp + i as usize;
                self.stack[at] = v;
            }
            Place::Env { hops, slot } => {
                if let Some(e) = self.env_at(hops) {
                    self.heap.env_mut(e).slots[slot as usize] = v;
                }
            }
        }
    }

    fn env_at(&self, hops: u16) -> Option<EnvId> {
        let mut e = self.env;
        for _ in 0..hops {
            e = e.and_then(|x| self.heap.env(x).parent);
        }
        e
    }

    /// Runs `f` with a new environment of `size` slots (when `size > 0`).
    pub(crate) fn with_env<T>(
        &mut self,
        size: u32,
        site: Site,
        f: impl FnOnce(&mut Self) -> R<T>,
    ) -> R<T> {
        if size == 0 {
            return f(self);
        }
        let saved = self.env;
        let r = self.heap.alloc_env(saved, size as usize);
        self.env = Some(self.mem(r, site)?);
        let out = f(self);
        self.env = saved;
        out
    }

    /// The current environment.
    pub(crate) fn current_env(&self) -> Option<EnvId> {
        self.env
    }

    /// Replaces the current environment (for loops that copy it per iteration).
    pub(crate) fn set_env(&mut self, e: Option<EnvId>) {
        self.env = e;
    }

    /// A string value's text (lossy for lone surrogates).
    pub(crate) fn text(&self, s: StrId) -> std::borrow::Cow<'_, str> {
        self.heap.str_lossy(s)
    }
}
