//! Classes and what they bring: `new`, prototypes and inheritance, `super`,
//! accessors (`get`/`set`) and private fields.
//!
//! Built-in objects take their behaviour from their kind (an array's methods, an
//! error's `message`); an object the program gives a prototype (a class instance, a
//! class's prototype, a subclass) also inherits the properties along its prototype
//! chain, which is walked after its own properties and before its kind's members.

use super::{error_class, Fault, Vm, R};
use crate::lang::compile::ir::{self, ClassCode, FuncKind, Key, Place, Site};
use crate::lang::syntax::ast::MethodKind;
use crate::lang::value::{Atom, Attrs, Func, ObjId, ObjKind, Object, Props, Value};

/// A class's `prototype`: fixed, as JavaScript makes it.
const PROTOTYPE_OF_CLASS: Attrs = Attrs {
    writable: false,
    enumerable: false,
    configurable: false,
};

/// A plain function's `prototype`: may be replaced, not deleted.
const PROTOTYPE_OF_FUNCTION: Attrs = Attrs {
    writable: true,
    enumerable: false,
    configurable: false,
};

/// How many prototype links a lookup follows (chains are made by classes, so a real
/// one is a few links long; the bound only guards against a cycle).
pub(super) const MAX_CHAIN: usize = 64;

impl Vm<'_> {
    /// The value of `key` along `o`'s prototype chain (not `o`'s own), as stored:
    /// an accessor is returned as such.
    pub(crate) fn inherited(&self, o: ObjId, key: Atom) -> Option<Value> {
        let mut at = self.heap.obj(o).props.proto();
        for _ in 0..MAX_CHAIN {
            let p = at?;
            let props = &self.heap.obj(p).props;
            if let Some(v) = props.get(key) {
                return Some(v);
            }
            at = props.proto();
        }
        None
    }

    /// The getter and setter of an accessor value.
    fn accessor_parts(&self, v: Value) -> Option<(Value, Value)> {
        match v {
            Value::Obj(a) => match self.heap.obj(a).kind {
                ObjKind::Accessor { get, set } => Some((get, set)),
                _ => None,
            },
            _ => None,
        }
    }

    /// A stored property value as read: an accessor's getter called with
    /// `receiver`, anything else as it is.
    pub(crate) fn resolve_accessor(&mut self, v: Value, receiver: Value, site: Site) -> R<Value> {
        match self.accessor_parts(v) {
            Some((Value::Undefined, _)) => Ok(Value::Undefined),
            Some((get, _)) => self.call(get, receiver, &[], site),
            None => Ok(v),
        }
    }

    /// The accessor that a write of `o[key]` must go through, if any: an own one, or
    /// an inherited one when `o` has no own property `key`.
    pub(crate) fn accessor_for_write(&self, o: ObjId, key: Atom) -> Option<(Value, Value)> {
        let props = &self.heap.obj(o).props;
        if let Some(v) = props.get(key) {
            return if props.has_accessors() {
                self.accessor_parts(v)
            } else {
                None
            };
        }
        if props.proto().is_some() {
            return self.inherited(o, key).and_then(|v| self.accessor_parts(v));
        }
        None
    }

    /// Runs an accessor's setter for `obj[key] = value`.
    pub(crate) fn call_setter(
        &mut self,
        set: Value,
        obj: Value,
        key: Atom,
        value: Value,
        site: Site,
    ) -> R<()> {
        if set == Value::Undefined {
            let k = self.key_text(key);
            return Err(self.type_error(
                format!("Cannot set property {k} of #<Object> which has only a getter"),
                site,
            ));
        }
        self.call(set, obj, &[value], site)?;
        Ok(())
    }

    /// Defines a getter or setter `key` on `target`, keeping the other half if the
    /// property already is an accessor.
    fn define_accessor(
        &mut self,
        target: ObjId,
        key: Atom,
        getter: bool,
        f: Value,
        site: Site,
    ) -> R<()> {
        let existing = self.heap.obj(target).props.get(key).and_then(|v| match v {
            Value::Obj(a) if matches!(self.heap.obj(a).kind, ObjKind::Accessor { .. }) => Some(a),
            _ => None,
        });
        let a = match existing {
            Some(a) => a,
            None => {
                let v = self.alloc(
                    Object {
                        props: Props::new(),
                        kind: ObjKind::Accessor {
                            get: Value::Undefined,
                            set: Value::Undefined,
                        },
                        origin: 0,
                    },
                    site,
                )?;
                let Value::Obj(a) = v else { return Ok(()) };
                a
            }
        };
        if let ObjKind::Accessor { get, set } = &mut self.heap.obj_mut(a).kind {
            if getter {
                *get = f;
            } else {
                *set = f;
            }
        }
        let props = &mut self.heap.obj_mut(target).props;
        props.set(key, Value::Obj(a));
        props.mark_accessors();
        Ok(())
    }

    /// An object literal with getters or setters.
    pub(crate) fn object_with_accessors(&mut self, parts: &[ir::ObjectPart]) -> R<Value> {
        let v = self.alloc(Object::plain(Props::with_capacity(parts.len())), 0)?;
        let Value::Obj(o) = v else { return Ok(v) };
        for part in parts {
            match part {
                ir::ObjectPart::Member(ir::Member::Prop(key, value)) => {
                    let k = self.key_of(key)?;
                    let x = self.eval(value)?;
                    self.heap.obj_mut(o).props.set(k, x);
                }
                ir::ObjectPart::Member(ir::Member::Spread(e)) => {
                    let x = self.eval(e)?;
                    let mut props = std::mem::take(&mut self.heap.obj_mut(o).props);
                    let r = self.spread_into(&mut props, x);
                    self.heap.obj_mut(o).props = props;
                    r?;
                }
                ir::ObjectPart::Accessor { key, getter, code } => {
                    let k = self.key_of(key)?;
                    let f = self.closure(*code, 0)?;
                    self.define_accessor(o, k, *getter, f, 0)?;
                }
            }
        }
        Ok(v)
    }

    fn key_of(&mut self, key: &Key) -> R<Atom> {
        match key {
            Key::Static(a) => Ok(*a),
            Key::Computed(e) => {
                let kv = self.eval(e)?;
                self.to_key(kv, 0)
            }
        }
    }

    /// The object a constructor's instances inherit from: its `prototype` property,
    /// made on first use for a plain function.
    fn prototype_of(&mut self, ctor: Value, site: Site) -> R<Option<ObjId>> {
        let Value::Obj(c) = ctor else { return Ok(None) };
        let key = self.intern("prototype", site)?;
        if let Some(Value::Obj(p)) = self.heap.obj(c).props.get(key) {
            return Ok(Some(p));
        }
        if let ObjKind::Function(Func::Closure { .. }) = self.heap.obj(c).kind {
            let p = self.alloc(Object::plain(Props::new()), site)?;
            let props = &mut self.heap.obj_mut(c).props;
            props.set(key, p);
            props.set_attrs(key, PROTOTYPE_OF_FUNCTION);
            if let Value::Obj(p) = p {
                return Ok(Some(p));
            }
        }
        Ok(None)
    }

    /// `new c(…args)`, with `new_target` the class `new` was applied to (a subclass
    /// when a `super(…)` call constructs its parent).
    pub(crate) fn construct(
        &mut self,
        c: Value,
        args: &[Value],
        new_target: Value,
        site: Site,
    ) -> R<Value> {
        let func = match c {
            Value::Obj(o) => match self.heap.obj(o).kind {
                ObjKind::Function(f) => Some(f),
                _ => None,
            },
            _ => None,
        };
        match func {
            Some(Func::Closure { code, env }) => {
                let kind = self.p.functions[code as usize].kind;
                if kind == FuncKind::Arrow {
                    return Err(self.not_a_constructor(c, site));
                }
                let saved = std::mem::replace(&mut self.new_target, new_target);
                let result = if kind == FuncKind::DerivedConstructor {
                    self.call_closure(code, env, Value::Undefined, args, site)
                } else {
                    let proto = self.prototype_of(new_target, site);
                    match proto {
                        Ok(proto) => self.new_instance(proto, site).and_then(|this| {
                            let r = self.call_closure(code, env, this, args, site)?;
                            Ok(if matches!(r, Value::Obj(_)) { r } else { this })
                        }),
                        Err(e) => Err(e),
                    }
                };
                self.new_target = saved;
                result
            }
            Some(Func::Native { id, .. }) => {
                let v = crate::lang::builtins::construct_native(self, id, args, site)?;
                if new_target != c {
                    // A subclass of a built-in: the object is the built-in's kind and
                    // inherits the subclass's methods.
                    let proto = self.prototype_of(new_target, site)?;
                    if let Value::Obj(o) = v {
                        self.heap.obj_mut(o).props.set_proto(proto);
                    }
                }
                Ok(v)
            }
            _ => Err(self.not_a_constructor(c, site)),
        }
    }

    fn new_instance(&mut self, proto: Option<ObjId>, site: Site) -> R<Value> {
        let mut props = Props::new();
        props.set_proto(proto);
        self.alloc(Object::plain(props), site)
    }

    fn not_a_constructor(&mut self, c: Value, site: Site) -> Fault {
        if let Some(callee) = self.p.callee_texts.get(&site) {
            return self.type_error(format!("{callee} is not a constructor"), site);
        }
        let what = self.describe(c);
        self.type_error(format!("{what} is not a constructor"), site)
    }

    /// Makes a class: its constructor, its prototype, its methods and accessors, then
    /// runs its static fields and blocks.
    pub(crate) fn make_class(&mut self, c: &ClassCode) -> R<Value> {
        let parent = match &c.extends {
            None => None,
            Some(e) => {
                let p = self.eval(e)?;
                match p {
                    Value::Null => None,
                    Value::Obj(po) if matches!(self.heap.obj(po).kind, ObjKind::Function(_)) => {
                        Some(p)
                    }
                    other => {
                        let what = self.describe(other);
                        return Err(self.type_error(
                            format!("Class extends value {what} is not a constructor or null"),
                            c.site,
                        ));
                    }
                }
            }
        };
        let parent_proto = match parent {
            Some(p) => self.prototype_of(p, c.site)?,
            None => None,
        };
        let site = c.site;
        self.with_env(c.env_size, site, |vm| {
            let proto = vm.new_instance(parent_proto, site)?;
            let ctor = vm.closure(c.constructor, site)?;
            let (Value::Obj(po), Value::Obj(co)) = (proto, ctor) else {
                return Ok(ctor);
            };
            let prototype = vm.intern("prototype", site)?;
            let constructor = vm.intern("constructor", site)?;
            {
                let props = &mut vm.heap.obj_mut(co).props;
                props.set(prototype, proto);
                props.set_attrs(prototype, PROTOTYPE_OF_CLASS);
                if let Some(Value::Obj(p)) = parent {
                    props.set_proto(Some(p));
                }
            }
            let props = &mut vm.heap.obj_mut(po).props;
            props.set(constructor, ctor);
            props.set_attrs(constructor, Attrs::METHOD);
            if let Some(p) = c.class_place {
                vm.store(p, ctor);
            }
            if let Some(p) = c.name_place {
                vm.store(p, ctor);
            }
            for m in &c.methods {
                let key = vm.key_of(&m.key)?;
                let f = vm.closure(m.code, site)?;
                let target = if m.is_static { co } else { po };
                match m.kind {
                    MethodKind::Method => {
                        vm.heap.obj_mut(target).props.set(key, f);
                    }
                    MethodKind::Getter => vm.define_accessor(target, key, true, f, site)?,
                    MethodKind::Setter => vm.define_accessor(target, key, false, f, site)?,
                }
                vm.heap.obj_mut(target).props.set_attrs(key, Attrs::METHOD);
            }
            if let Some(code) = c.statics {
                let env = vm.current_env();
                vm.call_closure(code, env, ctor, &[], site)?;
            }
            Ok(ctor)
        })
    }

    /// `super(…args)`: the parent class constructs `this`.
    pub(crate) fn super_call(
        &mut self,
        class: Place,
        this: Place,
        args: &[ir::Item],
        site: Site,
    ) -> R<Value> {
        let parent = match self.load(class) {
            Value::Obj(o) => self.heap.obj(o).props.proto(),
            _ => None,
        };
        let Some(parent) = parent else {
            return Err(self.type_error(
                "Super constructor null of anonymous class is not a constructor",
                site,
            ));
        };
        let args = self.eval_args(args)?;
        if self.load(this) != Value::Undefined {
            return Err(self.throw(
                error_class::REFERENCE_ERROR,
                "Super constructor may only be called once",
                site,
            ));
        }
        let new_target = self.new_target;
        let obj = self.construct(Value::Obj(parent), &args, new_target, site)?;
        self.store(this, obj);
        Ok(obj)
    }

    /// `super.key`: looked up from the parent's prototype (or the parent class, in a
    /// static method), read with `this` as the receiver.
    pub(crate) fn super_get(
        &mut self,
        class: Place,
        this: Place,
        key: Atom,
        is_static: bool,
        site: Site,
    ) -> R<Value> {
        let cls = self.load(class);
        let receiver = self.load(this);
        let home = if is_static {
            cls
        } else {
            let prototype = self.intern("prototype", site)?;
            match cls {
                Value::Obj(o) => self
                    .heap
                    .obj(o)
                    .props
                    .get(prototype)
                    .unwrap_or(Value::Undefined),
                _ => Value::Undefined,
            }
        };
        let Value::Obj(h) = home else {
            return Ok(Value::Undefined);
        };
        // What `home`'s prototype chain holds: `home` itself is skipped.
        match self.inherited(h, key) {
            Some(v) => self.resolve_accessor(v, receiver, site),
            // A built-in parent (`extends Error`): its kind's members.
            None => match receiver {
                Value::Obj(r) => self.kind_member(r, receiver, key, site),
                _ => Ok(Value::Undefined),
            },
        }
    }

    /// A class field: an own property defined on `this`, no setter called.
    pub(crate) fn define_field(
        &mut self,
        this: Place,
        key: &Key,
        private: bool,
        value: &ir::Expr,
        site: Site,
    ) -> R<Value> {
        let k = self.key_of(key)?;
        let v = self.eval(value)?;
        let Value::Obj(o) = self.load(this) else {
            return Ok(v);
        };
        let before = self.heap.obj(o).bytes();
        let props = &mut self.heap.obj_mut(o).props;
        if private {
            props.set_private(k, v);
        } else {
            props.set(k, v);
        }
        let after = self.heap.obj(o).bytes();
        if after > before {
            let r = self.heap.charge(after - before);
            self.mem(r, site)?;
        }
        Ok(v)
    }

    /// `obj.#name`: a private field, or a private method of its class.
    pub(crate) fn get_private(&mut self, obj: Value, key: Atom, site: Site) -> R<Value> {
        if let Value::Obj(o) = obj {
            if let Some(v) = self.heap.obj(o).props.private(key) {
                return Ok(v);
            }
            if let Some(v) = self.inherited(o, key) {
                return self.resolve_accessor(v, obj, site);
            }
        }
        let k = self.key_text(key);
        Err(self.type_error(
            format!("Cannot read private member {k} from an object whose class did not declare it"),
            site,
        ))
    }

    /// `obj.#name = value`.
    pub(crate) fn set_private(&mut self, obj: Value, key: Atom, value: Value, site: Site) -> R<()> {
        let Value::Obj(o) = obj else {
            let k = self.key_text(key);
            return Err(self.type_error(
                format!(
                    "Cannot write private member {k} to an object whose class did not declare it"
                ),
                site,
            ));
        };
        self.heap.obj_mut(o).props.set_private(key, value);
        Ok(())
    }
}
