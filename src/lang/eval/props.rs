//! Reading, writing and listing properties, for every kind of value.

use super::{error_class, Vm, R};
use crate::lang::builtins::table;
use crate::lang::compile::ir::Site;
use crate::lang::value::string::{utf16_len, utf16_slice};
use crate::lang::value::{Atom, Func, HostData, HostKind, ObjId, ObjKind, Object, Props, Value};

/// The most items an array may be grown to by assignment past its end.
const MAX_ARRAY_GROWTH: usize = 1 << 24;

impl Vm<'_> {
    /// The text of a key, for messages.
    pub(crate) fn key_text(&self, key: Atom) -> String {
        let mut buf = itoa::Buffer::new();
        String::from_utf8_lossy(self.heap.atom_bytes(key, &mut buf)).into_owned()
    }

    fn read_error(&mut self, obj: Value, key: Atom, site: Site) -> super::Fault {
        let what = if obj == Value::Null {
            "null"
        } else {
            "undefined"
        };
        let k = self.key_text(key);
        self.type_error(
            format!("Cannot read properties of {what} (reading '{k}')"),
            site,
        )
    }

    /// `obj[key]`.
    pub(crate) fn get(&mut self, obj: Value, key: Atom, site: Site) -> R<Value> {
        match obj {
            Value::Obj(o) => self.get_obj(o, obj, key, site),
            Value::Str(s) => {
                let ascii = self.heap.str_is_ascii(s);
                if key == Atom::LENGTH {
                    return Ok(Value::Num(utf16_len(self.heap.str_bytes(s), ascii) as f64));
                }
                if let Some(i) = key.as_index() {
                    let bytes = self.heap.str_bytes(s);
                    let len = utf16_len(bytes, ascii);
                    let i = i as usize;
                    if i >= len {
                        return Ok(Value::Undefined);
                    }
                    let piece = utf16_slice(bytes, ascii, i, i + 1).into_owned();
                    return self.string(&piece, site);
                }
                self.method_value(obj, key, table::STRING_METHODS, site)
            }
            Value::Num(_) => self.method_value(obj, key, table::NUMBER_METHODS, site),
            Value::Bool(_) => self.method_value(obj, key, &["toString", "valueOf"], site),
            Value::Undefined | Value::Null => Err(self.read_error(obj, key, site)),
        }
    }

    /// A method of a built-in value read as a value, or `undefined`.
    fn method_value(&mut self, this: Value, key: Atom, names: &[&str], site: Site) -> R<Value> {
        let is_method = key.as_index().is_none() && {
            let mut buf = itoa::Buffer::new();
            let name = self.heap.atom_bytes(key, &mut buf);
            names.iter().any(|n| n.as_bytes() == name)
                || ["hasOwnProperty", "toString"]
                    .iter()
                    .any(|n| n.as_bytes() == name)
        };
        if !is_method {
            return Ok(Value::Undefined);
        }
        self.alloc(
            Object {
                props: Props::new(),
                kind: ObjKind::Function(Func::Method { key, this }),
                origin: 0,
            },
            site,
        )
    }

    fn get_obj(&mut self, o: ObjId, obj: Value, key: Atom, site: Site) -> R<Value> {
        let object = self.heap.obj(o);
        if let ObjKind::Array(items) = &object.kind {
            if let Some(i) = key.as_index() {
                return Ok(items.get(i as usize).copied().unwrap_or(Value::Undefined));
            }
            if key == Atom::LENGTH {
                return Ok(Value::Num(items.len() as f64));
            }
        }
        if let Some(v) = object.props.get(key) {
            if object.props.has_accessors() {
                return self.resolve_accessor(v, obj, site);
            }
            return Ok(v);
        }
        if object.props.proto().is_some() {
            if let Some(v) = self.inherited(o, key) {
                return self.resolve_accessor(v, obj, site);
            }
        }
        self.kind_member(o, obj, key, site)
    }

    /// The properties an object's kind defines (an array's methods, an error's
    /// `message`, …).
    pub(crate) fn kind_member(&mut self, o: ObjId, obj: Value, key: Atom, site: Site) -> R<Value> {
        let object = self.heap.obj(o);
        match &object.kind {
            ObjKind::Array(_) => self.method_value(obj, key, table::ARRAY_METHODS, site),
            ObjKind::Plain => self.prototype_member(obj, key, site),
            ObjKind::Error { class, message, .. } => {
                let (class, message) = (*class, *message);
                match key {
                    Atom::MESSAGE => Ok(message),
                    Atom::NAME => {
                        let n = super::error_class::name(class);
                        self.str_value(n, site)
                    }
                    Atom::STACK => {
                        let s = self.to_string(obj, site)?;
                        Ok(Value::Str(s))
                    }
                    _ => Ok(Value::Undefined),
                }
            }
            ObjKind::Function(f) => {
                let f = *f;
                match key {
                    Atom::NAME => {
                        let name = match f {
                            Func::Closure { code, .. } => self.p.functions[code as usize].name,
                            _ => None,
                        };
                        Ok(name.map_or(super::ops::known(self, Atom::EMPTY), Value::Str))
                    }
                    Atom::LENGTH => Ok(Value::Num(match f {
                        Func::Closure { code, .. } => {
                            f64::from(self.p.functions[code as usize].arity)
                        }
                        _ => 0.0,
                    })),
                    _ => self.method_value(obj, key, &["call", "apply", "bind"], site),
                }
            }
            ObjKind::RegExp { .. } => crate::lang::builtins::regexp::get(self, o, key, site),
            ObjKind::Date(_) => self.method_value(obj, key, table::OTHER_METHODS, site),
            ObjKind::Host(..) => crate::lang::builtins::host_get(self, o, key, site),
            ObjKind::Promise(_) => self.method_value(obj, key, &["then", "catch", "finally"], site),
            ObjKind::Accessor { .. } => Ok(Value::Undefined),
        }
    }

    /// What a plain object inherits from `Object.prototype`: its methods, and
    /// `constructor` (the `Object` function).
    fn prototype_member(&mut self, obj: Value, key: Atom, site: Site) -> R<Value> {
        if key.as_index().is_some() {
            return Ok(Value::Undefined);
        }
        let name = {
            let mut buf = itoa::Buffer::new();
            self.heap.atom_bytes(key, &mut buf).to_vec()
        };
        match &name[..] {
            b"constructor" => {
                let (id, _) = table::global("Object").unwrap_or((0, &table::GLOBALS[0]));
                Ok(self.p.global_value(id).unwrap_or(Value::Undefined))
            }
            b"hasOwnProperty"
            | b"toString"
            | b"valueOf"
            | b"isPrototypeOf"
            | b"propertyIsEnumerable"
            | b"toLocaleString" => self.method_value(
                obj,
                key,
                &[
                    "valueOf",
                    "isPrototypeOf",
                    "propertyIsEnumerable",
                    "toLocaleString",
                ],
                site,
            ),
            _ => Ok(Value::Undefined),
        }
    }

    /// `obj[key]` with a computed key: numbers index arrays without interning.
    pub(crate) fn get_computed(&mut self, obj: Value, key: Value, site: Site) -> R<Value> {
        if let (Value::Obj(o), Value::Num(n)) = (obj, key) {
            if let ObjKind::Array(items) = &self.heap.obj(o).kind {
                if n >= 0.0 && n.fract() == 0.0 {
                    return Ok(items.get(n as usize).copied().unwrap_or(Value::Undefined));
                }
            }
        }
        if obj.is_nullish() {
            let k = self.to_key(key, site)?;
            return Err(self.read_error(obj, k, site));
        }
        let k = self.to_key(key, site)?;
        self.get(obj, k, site)
    }

    /// `obj[key] = value`.
    pub(crate) fn set(&mut self, obj: Value, key: Atom, value: Value, site: Site) -> R<()> {
        let o = match obj {
            Value::Obj(o) => o,
            Value::Undefined | Value::Null => {
                let what = if obj == Value::Null {
                    "null"
                } else {
                    "undefined"
                };
                let k = self.key_text(key);
                return Err(self.type_error(
                    format!("Cannot set properties of {what} (setting '{k}')"),
                    site,
                ));
            }
            _ => {
                let k = self.key_text(key);
                return Err(self.type_error(
                    format!("Cannot create property '{k}' on a primitive value"),
                    site,
                ));
            }
        };
        {
            let props = &self.heap.obj(o).props;
            if props.has_accessors() || props.proto().is_some() {
                if let Some((_, setter)) = self.accessor_for_write(o, key) {
                    return self.call_setter(setter, obj, key, value, site);
                }
            }
        }
        {
            let props = &self.heap.obj(o).props;
            if props.has_attrs() && props.has(key) && !props.attrs(key).writable {
                let k = self.key_text(key);
                return Err(crate::lang::builtins::object::read_only(self, o, &k, site));
            }
        }
        let frozen = self.heap.obj(o).props.is_frozen();
        if frozen && !matches!(self.heap.obj(o).kind, ObjKind::Host(..)) {
            return Err(crate::lang::builtins::object::frozen_write(
                self, o, key, site,
            ));
        }
        let before = self.heap.obj(o).bytes();
        let object = self.heap.obj_mut(o);
        match &mut object.kind {
            ObjKind::Array(items) => {
                if let Some(i) = key.as_index() {
                    let i = i as usize;
                    if i < items.len() {
                        items[i] = value;
                    } else if i - items.len() < MAX_ARRAY_GROWTH {
                        items.resize(i, Value::Undefined);
                        items.push(value);
                    } else {
                        return Err(self.throw(
                            error_class::RANGE_ERROR,
                            "Invalid array length",
                            site,
                        ));
                    }
                    return self.charge_growth(o, before, site);
                }
                if key == Atom::LENGTH {
                    let n = match value {
                        Value::Num(n) if n >= 0.0 && n.fract() == 0.0 && n < 4_294_967_296.0 => {
                            n as usize
                        }
                        _ => {
                            return Err(self.throw(
                                error_class::RANGE_ERROR,
                                "Invalid array length",
                                site,
                            ))
                        }
                    };
                    if n > items.len() + MAX_ARRAY_GROWTH {
                        return Err(self.throw(
                            error_class::RANGE_ERROR,
                            "Invalid array length",
                            site,
                        ));
                    }
                    items.resize(n, Value::Undefined);
                    return self.charge_growth(o, before, site);
                }
            }
            ObjKind::Error { message, .. } if key == Atom::MESSAGE => {
                *message = value;
                return Ok(());
            }
            ObjKind::Host(..) => {
                if crate::lang::builtins::host_set(self, o, key, value, site)? {
                    return Ok(());
                }
                if frozen {
                    return Err(crate::lang::builtins::object::frozen_write(
                        self, o, key, site,
                    ));
                }
            }
            // Not a guard: the call needs the VM, which the match still borrows in one.
            #[allow(clippy::collapsible_match)]
            ObjKind::RegExp { .. } => {
                if crate::lang::builtins::regexp::set(self, o, key, value, site)? {
                    return Ok(());
                }
            }
            _ => {}
        }
        self.heap.obj_mut(o).props.set(key, value);
        self.charge_growth(o, before, site)
    }

    fn charge_growth(&mut self, o: ObjId, before: usize, site: Site) -> R<()> {
        let after = self.heap.obj(o).bytes();
        if after > before {
            let r = self.heap.charge(after - before);
            self.mem(r, site)?;
        }
        Ok(())
    }

    /// `obj[key] = value` with a computed key.
    pub(crate) fn set_computed(
        &mut self,
        obj: Value,
        key: Value,
        value: Value,
        site: Site,
    ) -> R<()> {
        let k = self.to_key(key, site)?;
        self.set(obj, k, value, site)
    }

    /// Whether `key in o` (own properties, inherited ones and what the kind of
    /// object defines).
    pub(crate) fn has_property(&self, o: ObjId, key: Atom) -> bool {
        let object = self.heap.obj(o);
        if object.props.has(key) {
            return true;
        }
        if object.props.proto().is_some() && self.inherited(o, key).is_some() {
            return true;
        }
        match &object.kind {
            ObjKind::Array(items) => {
                key == Atom::LENGTH || key.as_index().is_some_and(|i| (i as usize) < items.len())
            }
            ObjKind::Error { .. } => matches!(key, Atom::MESSAGE | Atom::NAME | Atom::STACK),
            _ => {
                // What every object inherits from Object.prototype.
                let mut buf = itoa::Buffer::new();
                matches!(
                    self.heap.atom_bytes(key, &mut buf),
                    b"constructor"
                        | b"hasOwnProperty"
                        | b"toString"
                        | b"valueOf"
                        | b"isPrototypeOf"
                        | b"propertyIsEnumerable"
                        | b"toLocaleString"
                        | b"__proto__"
                )
            }
        }
    }

    /// Whether `key` is an own property (`hasOwnProperty`).
    pub(crate) fn has_own(&self, v: Value, key: Atom) -> bool {
        match v {
            Value::Obj(o) => {
                let object = self.heap.obj(o);
                object.props.has(key)
                    || match &object.kind {
                        ObjKind::Array(items) => {
                            key == Atom::LENGTH
                                || key.as_index().is_some_and(|i| (i as usize) < items.len())
                        }
                        ObjKind::Error { .. } => key == Atom::MESSAGE,
                        _ => false,
                    }
            }
            Value::Str(s) => {
                key == Atom::LENGTH
                    || key.as_index().is_some_and(|i| {
                        (i as usize) < utf16_len(self.heap.str_bytes(s), self.heap.str_is_ascii(s))
                    })
            }
            _ => false,
        }
    }

    /// The own enumerable keys, in order (`Object.keys`, spread, `for…in`, JSON).
    pub(crate) fn own_keys(&self, v: Value) -> Vec<Atom> {
        match v {
            Value::Obj(o) => {
                let object = self.heap.obj(o);
                let mut keys = Vec::new();
                if let ObjKind::Array(items) = &object.kind {
                    keys.extend(
                        (0..items.len().min(i32::MAX as usize))
                            .filter_map(|i| Atom::index(i as u32)),
                    );
                }
                keys.extend(object.props.enumerable_entries().map(|(k, _)| *k));
                keys
            }
            Value::Str(s) => {
                let n = utf16_len(self.heap.str_bytes(s), self.heap.str_is_ascii(s));
                (0..n).filter_map(|i| Atom::index(i as u32)).collect()
            }
            _ => Vec::new(),
        }
    }

    /// The keys `for…in` visits: the own enumerable keys, then the enumerable keys
    /// inherited along the prototype chain that no nearer object has (class methods
    /// are not enumerable, so a class instance shows its own fields only).
    pub(crate) fn for_in_keys(&self, v: Value) -> Vec<Atom> {
        let mut keys = self.own_keys(v);
        let Value::Obj(o) = v else { return keys };
        let mut at = self.heap.obj(o).props.proto();
        if at.is_none() {
            return keys;
        }
        let mut seen: rustc_hash::FxHashSet<Atom> = self
            .heap
            .obj(o)
            .props
            .entries()
            .iter()
            .map(|(k, _)| *k)
            .collect();
        seen.extend(keys.iter().copied());
        for _ in 0..super::class::MAX_CHAIN {
            let Some(p) = at else { break };
            let props = &self.heap.obj(p).props;
            for (k, _) in props.entries() {
                if seen.insert(*k) && props.is_enumerable(*k) {
                    keys.push(*k);
                }
            }
            at = props.proto();
        }
        keys
    }

    /// The own enumerable properties, in order.
    pub(crate) fn own_entries(&mut self, v: Value, site: Site) -> R<Vec<(Atom, Value)>> {
        match v {
            Value::Obj(o) => {
                let object = self.heap.obj(o);
                match &object.kind {
                    ObjKind::Array(items) => {
                        let mut out: Vec<(Atom, Value)> = items
                            .iter()
                            .enumerate()
                            .filter_map(|(i, v)| Atom::index(i as u32).map(|a| (a, *v)))
                            .collect();
                        out.extend(object.props.enumerable_entries().copied());
                        Ok(out)
                    }
                    _ if object.props.has_accessors() => {
                        let entries: Vec<(Atom, Value)> =
                            object.props.enumerable_entries().copied().collect();
                        let mut out = Vec::with_capacity(entries.len());
                        for (k, x) in entries {
                            let x = self.resolve_accessor(x, v, site)?;
                            out.push((k, x));
                        }
                        Ok(out)
                    }
                    _ if object.props.has_attrs() => {
                        Ok(object.props.enumerable_entries().copied().collect())
                    }
                    _ => Ok(object.props.entries().to_vec()),
                }
            }
            Value::Str(_) => {
                let keys = self.own_keys(v);
                let mut out = Vec::with_capacity(keys.len());
                for k in keys {
                    let c = self.get(v, k, site)?;
                    out.push((k, c));
                }
                Ok(out)
            }
            _ => Ok(Vec::new()),
        }
    }

    /// `delete obj[key]`.
    pub(crate) fn delete(&mut self, obj: Value, key: Atom, site: Site) -> R<bool> {
        match obj {
            Value::Obj(o) => {
                let props = &self.heap.obj(o).props;
                let fixed = props.has_attrs() && props.has(key) && !props.attrs(key).configurable;
                if fixed || props.is_frozen() && self.has_own(obj, key) {
                    return Err(crate::lang::builtins::object::frozen_delete(
                        self, o, key, site,
                    ));
                }
                let object = self.heap.obj_mut(o);
                if let ObjKind::Array(items) = &mut object.kind {
                    if let Some(i) = key.as_index() {
                        if let Some(slot) = items.get_mut(i as usize) {
                            *slot = Value::Undefined;
                        }
                        return Ok(true);
                    }
                }
                object.props.remove(key);
                Ok(true)
            }
            Value::Undefined | Value::Null => {
                let k = self.key_text(key);
                Err(self.type_error(
                    format!("Cannot convert undefined or null to object (deleting '{k}')"),
                    site,
                ))
            }
            _ => Ok(true),
        }
    }

    /// The items of an iterable (`for…of`, spread, `Array.from`): arrays, strings
    /// (by code point), Maps (entries), Sets, search parameters.
    pub(crate) fn iterate(&mut self, v: Value, site: Site) -> R<Vec<Value>> {
        match v {
            Value::Obj(o) => match &self.heap.obj(o).kind {
                ObjKind::Array(items) => Ok(items.clone()),
                ObjKind::Host(HostKind::Map, data) => {
                    let HostData::Entries(entries) = &**data else {
                        return Ok(Vec::new());
                    };
                    let entries = entries.clone();
                    let mut out = Vec::with_capacity(entries.len());
                    for (k, val) in entries {
                        out.push(self.array(vec![k, val], site)?);
                    }
                    Ok(out)
                }
                ObjKind::Host(HostKind::Set, data) => {
                    let HostData::Entries(entries) = &**data else {
                        return Ok(Vec::new());
                    };
                    Ok(entries.iter().map(|(k, _)| *k).collect())
                }
                ObjKind::Host(HostKind::SearchParams | HostKind::Headers, _) => {
                    crate::lang::builtins::url::pairs_as_arrays(self, o, site)
                }
                _ => Err(self.not_iterable(v, site)),
            },
            Value::Str(s) => {
                let bytes = self.heap.str_bytes(s).to_vec();
                let mut out = Vec::new();
                let mut buf = Vec::new();
                for cp in crate::lang::value::string::code_points(&bytes) {
                    buf.clear();
                    crate::lang::value::string::push_code_point(&mut buf, cp);
                    out.push(self.string(&buf, site)?);
                }
                Ok(out)
            }
            _ => Err(self.not_iterable(v, site)),
        }
    }

    fn not_iterable(&mut self, v: Value, site: Site) -> super::Fault {
        let what = match v {
            Value::Undefined => "undefined".to_owned(),
            Value::Null => "null".to_owned(),
            Value::Num(n) => format!("number {}", crate::lang::number::js_number_to_string(n)),
            Value::Bool(b) => format!("boolean {b}"),
            _ => "object".to_owned(),
        };
        self.type_error(format!("{what} is not iterable"), site)
    }
}
