//! Calling functions: closures of the program, built-ins, bound methods; and making
//! closures.

use smallvec::SmallVec;

use super::{Fault, Flow, Limit, Vm, R};
use crate::lang::compile::ir::{self, Body, Site};
use crate::lang::value::{EnvId, Func, ObjKind, Object, PromiseState, Props, Value};

/// Arguments of a call: inline up to six.
pub(crate) type Args = SmallVec<[Value; 6]>;

/// Below this much stack left, a call moves to a new segment.
const STACK_RED_ZONE: usize = 128 * 1024;
/// The size of each new segment.
const STACK_SEGMENT: usize = 2 * 1024 * 1024;

impl Vm<'_> {
    /// A closure of function `code` over the current environment.
    pub(crate) fn closure(&mut self, code: u32, site: Site) -> R<Value> {
        let env = self.current_env();
        self.alloc(
            Object {
                props: Props::new(),
                kind: ObjKind::Function(Func::Closure { code, env }),
                origin: 0,
            },
            site,
        )
    }

    /// Calls `f` with `this` and `args`.
    pub(crate) fn call(&mut self, f: Value, this: Value, args: &[Value], site: Site) -> R<Value> {
        let func = match f {
            Value::Obj(o) => match self.heap.obj(o).kind {
                ObjKind::Function(func) => func,
                _ => return Err(self.not_a_function(f, site)),
            },
            _ => return Err(self.not_a_function(f, site)),
        };
        match func {
            Func::Closure { code, env } => {
                if matches!(
                    self.p.functions[code as usize].kind,
                    ir::FuncKind::BaseConstructor | ir::FuncKind::DerivedConstructor
                ) {
                    let name = self.p.functions[code as usize]
                        .name
                        .map(|n| self.text(n).into_owned())
                        .unwrap_or_default();
                    return Err(self.type_error(
                        format!("Class constructor {name} cannot be invoked without 'new'"),
                        site,
                    ));
                }
                self.call_closure(code, env, this, args, site)
            }
            Func::Native { id, this: bound } => {
                let this = if bound == Value::Undefined {
                    this
                } else {
                    bound
                };
                crate::lang::builtins::call_native(self, id, this, args, site)
            }
            Func::Method { key, this } => self.call_method(this, key, args, site),
        }
    }

    /// Records on error `e` where it left an async function, the first time.
    fn note_thrown_at(&mut self, e: Value, thrown: Site) {
        if let Value::Obj(o) = e {
            if let ObjKind::Error { thrown_at, .. } = &mut self.heap.obj_mut(o).kind {
                if *thrown_at == 0 {
                    *thrown_at = thrown;
                }
            }
        }
    }

    pub(crate) fn not_a_function(&mut self, f: Value, site: Site) -> Fault {
        if let Some(callee) = self.p.callee_texts.get(&site) {
            return self.type_error(format!("{callee} is not a function"), site);
        }
        let what = match f {
            Value::Undefined => "undefined".to_owned(),
            Value::Null => "null".to_owned(),
            _ => {
                let t = self.type_of(f);
                self.key_text(t)
            }
        };
        self.type_error(format!("{what} is not a function"), site)
    }

    /// Calls a closure of the program.
    pub(crate) fn call_closure(
        &mut self,
        code: u32,
        env: Option<EnvId>,
        this: Value,
        args: &[Value],
        site: Site,
    ) -> R<Value> {
        // Calls nest at most `max_call_depth` deep, but a frame's size depends on the
        // build (a debug build's are many times a release build's): when the thread's
        // stack runs low, the call goes on on a fresh segment instead of overflowing.
        stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || {
            self.call_closure_here(code, env, this, args, site)
        })
    }

    fn call_closure_here(
        &mut self,
        code: u32,
        env: Option<EnvId>,
        this: Value,
        args: &[Value],
        site: Site,
    ) -> R<Value> {
        let p = self.p;
        let fc: &ir::FuncCode = &p.functions[code as usize];
        self.step(1, site)?;
        if self.depth >= self.limits.max_call_depth {
            return Err(Fault::Limit(Limit::CallDepth, site));
        }
        self.depth += 1;
        let saved_fp = self.fp;
        let saved_env = self.env;
        let base = self.stack.len();
        self.stack
            .resize(base + fc.frame_size as usize, Value::Undefined);
        self.fp = base;
        self.env = env;
        let result = self.run_function(fc, this, args);
        self.stack.truncate(base);
        self.fp = saved_fp;
        self.env = saved_env;
        self.depth -= 1;
        if fc.is_async {
            // An async function returns a promise: settled when its awaits continued;
            // pending when one waits for a host operation, as in JavaScript, where
            // the caller goes on while the function waits. (Every operation requested
            // before this run has its result, so the first without one is one this
            // run requested: awaiting the promise suspends the run, and the run after
            // the operations are performed goes further in the function.)
            return match result {
                Ok(v) => self.promise(PromiseState::Fulfilled(v), site),
                Err(Fault::Throw(e, thrown)) => {
                    self.note_thrown_at(e, thrown);
                    self.promise(PromiseState::Rejected(e), site)
                }
                Err(Fault::Suspend) if self.host.requested.len() > self.host.results.len() => {
                    let first = self.host.results.len() as u32;
                    self.promise(PromiseState::Pending(first), site)
                }
                Err(other) => Err(other),
            };
        }
        result
    }

    fn run_function(&mut self, fc: &ir::FuncCode, this: Value, args: &[Value]) -> R<Value> {
        if fc.env_size > 0 {
            let r = self.heap.alloc_env(self.env, fc.env_size as usize);
            self.env = Some(self.mem(r, fc.site)?);
        }
        if let Some(p) = fc.this_place {
            self.store(p, this);
        }
        if let Some(p) = fc.arguments_place {
            // An array, unlike JavaScript's array-like `arguments` object: the same
            // for `length`, indexing, spreading and `Array.from`.
            let a = self.array(args.to_vec(), fc.site)?;
            self.store(p, a);
        }
        for (place, code) in &fc.hoisted {
            let c = self.closure(*code, fc.site)?;
            self.store(*place, c);
        }
        for (i, param) in fc.params.iter().enumerate() {
            let mut v = args.get(i).copied().unwrap_or(Value::Undefined);
            if v == Value::Undefined {
                if let Some(d) = &param.default {
                    v = self.eval(d)?;
                }
            }
            self.bind(&param.pattern, v)?;
        }
        if let Some(rest) = &fc.rest {
            let extra = args.get(fc.params.len()..).unwrap_or(&[]).to_vec();
            let arr = self.array(extra, fc.site)?;
            self.bind(rest, arr)?;
        }
        let result = match &fc.body {
            Body::Expr(e) => self.eval(e)?,
            Body::Block(stmts) => match self.run_block(stmts)? {
                Flow::Return(v) => v,
                _ => Value::Undefined,
            },
        };
        if fc.kind == ir::FuncKind::DerivedConstructor && !matches!(result, Value::Obj(_)) {
            // A derived constructor's `this` is what `super(…)` made.
            let this = fc.this_place.map_or(Value::Undefined, |p| self.load(p));
            if this == Value::Undefined {
                return Err(self.throw(
                    super::error_class::REFERENCE_ERROR,
                    "Must call super constructor in derived class before accessing 'this' or returning from derived constructor",
                    fc.site,
                ));
            }
            return Ok(this);
        }
        Ok(result)
    }

    /// A promise in `state`.
    pub(crate) fn promise(&mut self, state: PromiseState, site: Site) -> R<Value> {
        self.alloc(
            Object {
                props: Props::new(),
                kind: ObjKind::Promise(state),
                origin: 0,
            },
            site,
        )
    }

    /// `await v`: the value of a settled promise, a throw for a rejected one, a
    /// suspension for one waiting on the host.
    pub(crate) fn await_value(&mut self, v: Value, site: Site) -> R<Value> {
        let Value::Obj(o) = v else {
            return Ok(v);
        };
        match self.heap.obj(o).kind {
            ObjKind::Promise(PromiseState::Fulfilled(x)) => Ok(x),
            ObjKind::Promise(PromiseState::Rejected(e)) => Err(Fault::Throw(e, site)),
            ObjKind::Promise(PromiseState::Pending(op)) => match self.host_result(op, site)? {
                Some(x) => Ok(x),
                None => Err(Fault::Suspend),
            },
            _ => Ok(v),
        }
    }

    /// `this.key(args)`.
    pub(crate) fn call_method(
        &mut self,
        this: Value,
        key: crate::lang::value::Atom,
        args: &[Value],
        site: Site,
    ) -> R<Value> {
        // An own property that is a function wins (user objects, the runtime's objects).
        if let Value::Obj(o) = this {
            let props = &self.heap.obj(o).props;
            if let Some(f) = props.get(key) {
                let f = if props.has_accessors() {
                    self.resolve_accessor(f, this, site)?
                } else {
                    f
                };
                return self.call(f, this, args, site);
            }
        }
        // A method the object inherits from a class, or a private method.
        if let Value::Obj(o) = this {
            if let Some(f) = self.inherited(o, key) {
                let f = self.resolve_accessor(f, this, site)?;
                return self.call(f, this, args, site);
            }
        }
        match crate::lang::builtins::call_method(self, this, key, args, site)? {
            Some(v) => Ok(v),
            None => {
                if let Some(callee) = self.p.callee_texts.get(&site) {
                    return Err(self.type_error(format!("{callee} is not a function"), site));
                }
                if this.is_nullish() {
                    let what = if this == Value::Null {
                        "null"
                    } else {
                        "undefined"
                    };
                    let k = self.key_text(key);
                    return Err(self.type_error(
                        format!("Cannot read properties of {what} (reading '{k}')"),
                        site,
                    ));
                }
                let k = self.key_text(key);
                let what = self.describe(this);
                Err(self.type_error(format!("{what}.{k} is not a function"), site))
            }
        }
    }

    /// A short description of a value for messages (`arr`, `"text"`, `object`).
    pub(crate) fn describe(&self, v: Value) -> String {
        match v {
            Value::Str(s) => {
                let t = self.heap.str_lossy(s);
                let short: String = t.chars().take(20).collect();
                format!("\"{short}\"")
            }
            Value::Num(n) => crate::lang::number::js_number_to_string(n),
            Value::Bool(b) => b.to_string(),
            Value::Undefined => "undefined".into(),
            Value::Null => "null".into(),
            Value::Obj(o) => match self.heap.obj(o).kind {
                ObjKind::Array(_) => "array".into(),
                ObjKind::Function(_) => "function".into(),
                _ => "object".into(),
            },
        }
    }

    /// Evaluates call arguments (spreads expanded).
    pub(crate) fn eval_args(&mut self, items: &[ir::Item]) -> R<Args> {
        let mut args = Args::new();
        for item in items {
            match item {
                ir::Item::Value(e) => args.push(self.eval(e)?),
                ir::Item::Spread(e, site) => {
                    let v = self.eval(e)?;
                    let items = self.iterate(v, *site)?;
                    self.step(items.len() as u64, *site)?;
                    args.extend(items);
                }
            }
        }
        Ok(args)
    }
}
