//! Objects: property maps in JavaScript's key order, and what kind of object each is.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::{EnvId, Value};

/// A property key: an interned name, or an array index.
///
/// Names are interned per program and per request, so comparing keys compares
/// integers. Array indices (`"0"`, `"17"`) are keys of their own kind, because
/// JavaScript orders them first, ascending, in every object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Atom(pub(crate) u32);

const INDEX_BIT: u32 = 1 << 31;

impl Atom {
    /// The key of array index `i` (for `i < 2^31`; larger indices are names).
    pub fn index(i: u32) -> Option<Atom> {
        (i < INDEX_BIT).then_some(Atom(i | INDEX_BIT))
    }

    /// The array index this key stands for.
    pub fn as_index(self) -> Option<u32> {
        (self.0 & INDEX_BIT != 0).then_some(self.0 & !INDEX_BIT)
    }

    /// The name's position in the atom tables.
    pub(crate) fn name_index(self) -> Option<usize> {
        (self.0 & INDEX_BIT == 0).then_some(self.0 as usize)
    }
}

macro_rules! well_known_atoms {
    ($($konst:ident = $name:literal),+ $(,)?) => {
        /// Names every program interns first, in this order, so the evaluator and
        /// builtins can name them as constants.
        pub(crate) const WELL_KNOWN: &[&str] = &[$($name),+];
        #[allow(missing_docs)]
        impl Atom {
            well_known_atoms!(@consts 0u32; $($konst),+);
        }
    };
    (@consts $n:expr; $konst:ident $(, $rest:ident)*) => {
        pub const $konst: Atom = Atom($n);
        well_known_atoms!(@consts $n + 1u32; $($rest),*);
    };
    (@consts $n:expr;) => {};
}

well_known_atoms! {
    LENGTH = "length",
    TYPE = "type",
    CHILDREN = "children",
    PROPS = "props",
    STATE = "state",
    CONTEXT = "context",
    ACTION = "action",
    ELEMENT = "element",
    RETURN_VALUE = "returnValue",
    MESSAGE = "message",
    NAME = "name",
    CODE = "code",
    STACK = "stack",
    CAUSE = "cause",
    COMPONENT_ID = "componentId",
    INITIAL_STATE = "initialState",
    RENDER = "render",
    CACHE = "cache",
    MAX_AGE = "maxAge",
    COMPONENTS = "components",
    FETCH = "fetch",
    EVENTS = "events",
    TASK = "task",
    ENVIRONMENT = "environment",
    API = "api",
    INTEGRATION = "integration",
    WAIT_UNTIL = "waitUntil",
    DYNAMIC_STATE = "dynamicState",
    SET_CACHE = "setCache",
    DOLLAR_STATE = "$state",
    COMPLETE = "complete",
    TO_JSON = "toJSON",
    THEN = "then",
    VALUE = "value",
    DONE = "done",
    INDEX = "index",
    INPUT = "input",
    GROUPS = "groups",
    KEY = "key",
    STATUS = "status",
    HEADERS = "headers",
    BODY = "body",
    URL = "url",
    METHOD = "method",
    OK = "ok",
    REASON = "reason",
    QUEUE_TASK = "queueTask",
    SCHEDULE = "schedule",
    FETCH_PUBLISHED_SCRIPT = "fetch_published_script",
    FETCH_VISITOR_AUTHENTICATION = "fetch_visitor_authentication",
    EMPTY = "",
    S_UNDEFINED = "undefined",
    S_NULL = "null",
    S_TRUE = "true",
    S_FALSE = "false",
    S_OBJECT = "object",
    S_FUNCTION = "function",
    S_NUMBER = "number",
    S_STRING = "string",
    S_BOOLEAN = "boolean",
    S_NAN = "NaN",
    S_OBJECT_OBJECT = "[object Object]",
    S_COMMA = ",",
}

/// How many objects up to which a property lookup scans instead of hashing.
const INDEX_FROM: usize = 8;

/// An object's own properties, in JavaScript's order: array-index keys first,
/// ascending, then names in insertion order.
#[derive(Debug, Clone, Default)]
pub struct Props {
    entries: Vec<(Atom, Value)>,
    /// Key → position, once the object is large enough for hashing to pay: an index
    /// key's among the index keys, a name's among the names (after `ints`), so an
    /// index key added before the names moves no name's position.
    index: Option<Box<FxHashMap<Atom, u32>>>,
    /// How many leading entries have index keys.
    ints: u32,
    /// Whether some property is an accessor (`get x() {}`): its value is then an
    /// [`ObjKind::Accessor`] object, which reads call. Plain objects never pay for it.
    accessors: bool,
    /// Whether the object these are the properties of is frozen (`Object.freeze`):
    /// writes, additions and deletions then throw, for every kind of object.
    frozen: bool,
    /// Whether some property has attributes other than [`Attrs::PLAIN`] (listed in
    /// [`Extra::attrs`]). Plain objects never pay for them.
    special: bool,
    /// What few objects have: an object to inherit from, private fields.
    extra: Option<Box<Extra>>,
    /// Whether the properties are exactly as a JSX element made them (no write,
    /// addition, deletion or attribute since): the JSON writer may then read them by
    /// position, through the element's [`crate::element::slots::Slots`].
    as_made: bool,
}

/// The attributes of a property (`Object.defineProperty`'s `writable`, `enumerable`
/// and `configurable`). Properties made by assignment, literals and JSON have all
/// three ([`Attrs::PLAIN`]); only the others are recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attrs {
    /// Writes may change the value (meaningless for an accessor).
    pub writable: bool,
    /// `Object.keys`, `for…in`, spread, `Object.assign` and JSON see the property.
    pub enumerable: bool,
    /// The property may be deleted and its attributes changed.
    pub configurable: bool,
}

impl Attrs {
    /// A property as assignment makes it.
    pub const PLAIN: Attrs = Attrs {
        writable: true,
        enumerable: true,
        configurable: true,
    };
    /// A method of a class (on its prototype or, static, on the class): not
    /// enumerable, as in JavaScript.
    pub const METHOD: Attrs = Attrs {
        writable: true,
        enumerable: false,
        configurable: true,
    };
}

/// What few objects have, kept out of line so that the others stay small.
#[derive(Debug, Clone, Default)]
pub struct Extra {
    /// The object properties are inherited from (a class's prototype for its
    /// instances, the parent class for a class, the parent's prototype for a
    /// prototype). Built-in behaviour (arrays, errors, …) comes from the kind.
    pub proto: Option<super::ObjId>,
    /// Private fields (`#name`), kept apart from the properties: no enumeration,
    /// no JSON, no spread sees them.
    pub private: Vec<(Atom, Value)>,
    /// The attributes of the properties that are not [`Attrs::PLAIN`].
    pub attrs: Vec<(Atom, Attrs)>,
}

impl Props {
    /// Whether these are data properties only, as literals make them: no
    /// accessor, attribute, prototype or private field, not frozen.
    pub(crate) fn is_plain_data(&self) -> bool {
        !self.accessors && !self.frozen && !self.special && self.extra.is_none()
    }

    /// No properties.
    pub fn new() -> Props {
        Props::default()
    }

    /// Room for `n` properties.
    pub fn with_capacity(n: usize) -> Props {
        Props {
            entries: Vec::with_capacity(n),
            index: None,
            ints: 0,
            accessors: false,
            frozen: false,
            special: false,
            extra: None,
            as_made: false,
        }
    }

    /// The properties `entries` make when set in order (`{k1: v1, k2: v2, …}`): a
    /// repeated key keeps its first position and its last value, index keys sort
    /// first. Names without repeats (JSON objects, nearly always) are taken as they
    /// are, without a copy.
    pub(crate) fn from_entries(entries: Vec<(Atom, Value)>) -> Props {
        let names_only = entries.iter().all(|(k, _)| k.as_index().is_none());
        if names_only {
            if entries.len() <= INDEX_FROM {
                let unique = entries
                    .iter()
                    .enumerate()
                    .all(|(i, (k, _))| entries[..i].iter().all(|(other, _)| other != k));
                if unique {
                    return Props {
                        entries,
                        ..Props::default()
                    };
                }
            } else {
                let mut index =
                    FxHashMap::with_capacity_and_hasher(entries.len(), Default::default());
                let unique = entries
                    .iter()
                    .enumerate()
                    .all(|(i, (k, _))| index.insert(*k, i as u32).is_none());
                if unique {
                    return Props {
                        entries,
                        index: Some(Box::new(index)),
                        ..Props::default()
                    };
                }
            }
        }
        let mut props = Props::with_capacity(entries.len());
        for (k, v) in entries {
            props.set(k, v);
        }
        props
    }

    /// Whether some property is an accessor.
    pub fn has_accessors(&self) -> bool {
        self.accessors
    }

    /// Notes that a property now holds an accessor.
    pub(crate) fn mark_accessors(&mut self) {
        self.accessors = true;
        self.as_made = false;
    }

    /// The object this one inherits from, if the program gave it one.
    pub fn proto(&self) -> Option<super::ObjId> {
        self.extra.as_ref().and_then(|e| e.proto)
    }

    /// Sets the object this one inherits from.
    pub(crate) fn set_proto(&mut self, proto: Option<super::ObjId>) {
        if proto.is_none() && self.extra.is_none() {
            return;
        }
        self.extra.get_or_insert_with(Default::default).proto = proto;
    }

    /// A private field.
    pub fn private(&self, key: Atom) -> Option<Value> {
        let e = self.extra.as_ref()?;
        e.private.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    /// Sets a private field.
    pub(crate) fn set_private(&mut self, key: Atom, value: Value) {
        let e = self.extra.get_or_insert_with(Default::default);
        match e.private.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => e.private.push((key, value)),
        }
    }

    /// Whether some property has attributes other than [`Attrs::PLAIN`].
    pub fn has_attrs(&self) -> bool {
        self.special
    }

    /// The attributes of own property `key` (of a property the object has).
    pub fn attrs(&self, key: Atom) -> Attrs {
        if !self.special {
            return Attrs::PLAIN;
        }
        self.extra
            .as_ref()
            .and_then(|e| e.attrs.iter().find(|(k, _)| *k == key))
            .map_or(Attrs::PLAIN, |(_, a)| *a)
    }

    /// Whether own property `key` is enumerable.
    pub fn is_enumerable(&self, key: Atom) -> bool {
        self.attrs(key).enumerable
    }

    /// Sets the attributes of own property `key`.
    pub(crate) fn set_attrs(&mut self, key: Atom, attrs: Attrs) {
        if attrs == Attrs::PLAIN && !self.special {
            return;
        }
        self.as_made = false;
        let e = self.extra.get_or_insert_with(Default::default);
        let at = e.attrs.iter().position(|(k, _)| *k == key);
        match (at, attrs == Attrs::PLAIN) {
            (Some(i), true) => {
                e.attrs.swap_remove(i);
            }
            (Some(i), false) => e.attrs[i].1 = attrs,
            (None, true) => {}
            (None, false) => e.attrs.push((key, attrs)),
        }
        self.special = !e.attrs.is_empty();
    }

    /// The enumerable properties, in order.
    pub fn enumerable_entries(&self) -> impl Iterator<Item = &(Atom, Value)> {
        self.entries
            .iter()
            .filter(move |(k, _)| !self.special || self.is_enumerable(*k))
    }

    /// Notes that the properties are exactly as a JSX element made them; the next
    /// change to them ends it.
    pub(crate) fn mark_as_made(&mut self) {
        self.as_made = true;
    }

    /// Whether the properties are as a JSX element made them, all enumerable.
    pub(crate) fn is_as_made(&self) -> bool {
        self.as_made && !self.special
    }

    /// Whether the object is frozen.
    pub fn is_frozen(&self) -> bool {
        self.frozen
    }

    /// Freezes the object (for good: nothing thaws it).
    pub fn freeze(&mut self) {
        self.frozen = true;
    }

    /// The properties, in order.
    pub fn entries(&self) -> &[(Atom, Value)] {
        &self.entries
    }

    /// How many properties there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn position(&self, key: Atom) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(&key).map(|&i| {
                if key.as_index().is_some() {
                    i as usize
                } else {
                    i as usize + self.ints as usize
                }
            }),
            None => self.entries.iter().position(|(k, _)| *k == key),
        }
    }

    /// The value of `key`.
    pub fn get(&self, key: Atom) -> Option<Value> {
        self.position(key).map(|i| self.entries[i].1)
    }

    /// Whether `key` is an own property.
    pub fn has(&self, key: Atom) -> bool {
        self.position(key).is_some()
    }

    /// Appends a property known to be absent, in a position that keeps the order
    /// (a name after every other key): the fast path of object literals and JSON.
    pub fn push_new_name(&mut self, key: Atom, value: Value) {
        debug_assert!(key.as_index().is_none());
        self.as_made = false;
        let i = self.entries.len();
        self.entries.push((key, value));
        self.note_insert(key, i);
    }

    /// Sets `key`: an existing key keeps its position; a new one takes its place in
    /// JavaScript's order. Returns whether the key was new.
    pub fn set(&mut self, key: Atom, value: Value) -> bool {
        self.as_made = false;
        if let Some(i) = self.position(key) {
            self.entries[i].1 = value;
            return false;
        }
        match key.as_index() {
            None => {
                let i = self.entries.len();
                self.entries.push((key, value));
                self.note_insert(key, i);
            }
            Some(n) => {
                let ints = self.ints as usize;
                // Index keys sit first, ascending.
                let at = self.entries[..ints]
                    .partition_point(|(k, _)| k.as_index().is_some_and(|m| m < n));
                self.entries.insert(at, (key, value));
                self.ints += 1;
                // The index keys after it move up one; the names keep their positions
                // among the names.
                let ints = self.ints as usize;
                if let Some(index) = &mut self.index {
                    for (k, _) in &self.entries[at + 1..ints] {
                        if let Some(i) = index.get_mut(k) {
                            *i += 1;
                        }
                    }
                }
                self.note_insert(key, at);
            }
        }
        true
    }

    /// Removes `key` (`delete o.k`); whether it was there.
    pub fn remove(&mut self, key: Atom) -> bool {
        let Some(i) = self.position(key) else {
            return false;
        };
        self.as_made = false;
        self.entries.remove(i);
        if key.as_index().is_some() {
            self.ints -= 1;
        }
        if self.special {
            self.set_attrs(key, Attrs::PLAIN);
        }
        self.reindex();
        true
    }

    /// Notes `key` added at position `i`.
    fn note_insert(&mut self, key: Atom, i: usize) {
        let at = self.index_position(key, i);
        match &mut self.index {
            Some(index) => {
                index.insert(key, at);
            }
            None if self.entries.len() > INDEX_FROM => self.reindex(),
            None => {}
        }
    }

    fn reindex(&mut self) {
        if self.entries.len() > INDEX_FROM {
            let mut index =
                FxHashMap::with_capacity_and_hasher(self.entries.len(), Default::default());
            for (i, (k, _)) in self.entries.iter().enumerate() {
                index.insert(*k, self.index_position(*k, i));
            }
            self.index = Some(Box::new(index));
        } else {
            self.index = None;
        }
    }

    /// What the index holds for `key` at position `i` (see the `index` field).
    fn index_position(&self, key: Atom, i: usize) -> u32 {
        if key.as_index().is_some() {
            i as u32
        } else {
            (i - self.ints as usize) as u32
        }
    }

    /// Approximate bytes held, for the memory budget.
    pub(crate) fn bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<(Atom, Value)>()
            + self.index.as_ref().map_or(0, |i| i.capacity() * 16)
            + self.extra.as_ref().map_or(0, |e| {
                40 + e.private.capacity() * 24 + e.attrs.capacity() * 8
            })
    }
}

/// A function value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Func {
    /// A function written in the program: its code and the environment it closed over.
    Closure {
        /// Index of its code in the program.
        code: u32,
        /// The environment of its definition.
        env: Option<EnvId>,
    },
    /// A built-in function, with the receiver it is bound to (`undefined` for free
    /// functions).
    Native {
        /// Which built-in.
        id: u16,
        /// The receiver.
        this: Value,
    },
    /// A method of a built-in value read as a value (`arr.map`, `s.trim`): calling it
    /// calls the method on `this`.
    Method {
        /// The method's name.
        key: Atom,
        /// The receiver.
        this: Value,
    },
}

/// A promise: settled, or waiting for a host operation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PromiseState {
    /// Resolved with a value.
    Fulfilled(Value),
    /// Rejected with a reason.
    Rejected(Value),
    /// Waiting for host operation `n` of the request (`fetch`, an API call, …).
    Pending(u32),
}

/// What kind of object an [`Object`] is.
#[derive(Debug, Clone)]
pub enum ObjKind {
    /// A plain object.
    Plain,
    /// An array: its items (holes read as `undefined`).
    Array(Vec<Value>),
    /// A function.
    Function(Func),
    /// An error (`Error`, `TypeError`, `ExposableError`, …): its class and message.
    /// The message is no enumerable property, as in JavaScript (`JSON.stringify` of an
    /// error gives `{}`); `ExposableError`'s `name` and `code` are.
    Error {
        /// The class (see the evaluator's error classes).
        class: u8,
        /// The message (a string, or `undefined`).
        message: Value,
        /// Where it was thrown out of an async function (0: it was not): the
        /// rejection carries no place, so a diagnostic of it points here rather
        /// than at the `await` (or the component) it reached.
        thrown_at: u32,
    },
    /// A date: milliseconds since the epoch (NaN for an invalid date).
    Date(f64),
    /// A regular expression: its index in the program's or the request's table, and
    /// its `lastIndex` (UTF-16), used by global and sticky matching.
    RegExp {
        /// The compiled expression.
        index: u32,
        /// Where the next global match starts.
        last_index: u32,
    },
    /// A promise.
    Promise(PromiseState),
    /// The getter and setter of an accessor property, held as the property's value
    /// (never seen by the program: reading the property calls the getter).
    Accessor {
        /// The getter, or `undefined`.
        get: Value,
        /// The setter, or `undefined`.
        set: Value,
    },
    /// A host object the built-ins define (URL, URLSearchParams, Response, Map, …):
    /// its class and its data.
    Host(HostKind, Box<HostData>),
}

/// The classes of host objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostKind {
    /// `URL`.
    Url,
    /// `URLSearchParams` (its data may be tied to a URL).
    SearchParams,
    /// `Map`.
    Map,
    /// `Set`.
    Set,
    /// `Response`.
    Response,
    /// `Request`.
    Request,
    /// `Headers`.
    Headers,
    /// A GitBook API client (`context.api`), one of its namespaces
    /// (`api.integrations`), or one of its operations.
    Api,
}

/// The data of host objects.
#[derive(Debug, Clone)]
pub enum HostData {
    /// Pairs of strings (URLSearchParams, Headers); for the search parameters of a
    /// URL, the URL object they belong to.
    Pairs(Vec<(String, String)>, Option<super::ObjId>),
    /// A URL, held as its parsed parts, with its `searchParams` object once made.
    Url(Box<url::Url>, Option<super::ObjId>),
    /// Entries of a Map or members of a Set, in insertion order.
    Entries(Vec<(Value, Value)>),
    /// A response of a fetch handler: status, headers, body.
    Response {
        /// The status.
        status: u16,
        /// The headers.
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
    },
    /// A request seen by a fetch handler.
    Request {
        /// The method.
        method: String,
        /// The URL.
        url: String,
        /// The headers.
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
    },
    /// A GitBook API client, namespace or operation.
    Api(crate::lang::builtins::api::ApiRef),
}

/// A JavaScript object.
#[derive(Debug, Clone)]
pub struct Object {
    /// Own properties.
    pub props: Props,
    /// What kind of object it is.
    pub kind: ObjKind,
    /// For an element made by JSX: its origin (1-based index into the program's
    /// table of JSX sites, 0 for none), so that errors found in the output point at
    /// the markup that made it.
    pub origin: u32,
}

impl Object {
    /// A plain object with these properties.
    pub fn plain(props: Props) -> Object {
        Object {
            props,
            kind: ObjKind::Plain,
            origin: 0,
        }
    }

    /// An array.
    pub fn array(items: Vec<Value>) -> Object {
        Object {
            props: Props::new(),
            kind: ObjKind::Array(items),
            origin: 0,
        }
    }

    /// Approximate bytes held, for the memory budget.
    pub(crate) fn bytes(&self) -> usize {
        std::mem::size_of::<Object>()
            + self.props.bytes()
            + match &self.kind {
                ObjKind::Array(items) => items.capacity() * std::mem::size_of::<Value>(),
                ObjKind::Host(_, data) => match &**data {
                    HostData::Pairs(p, _) => p.iter().map(|(a, b)| a.len() + b.len() + 48).sum(),
                    HostData::Entries(e) => e.len() * 32,
                    HostData::Response { body, .. } | HostData::Request { body, .. } => {
                        body.len() + 256
                    }
                    HostData::Url(u, _) => u.as_str().len() + 128,
                    HostData::Api(a) => a.bytes(),
                },
                _ => 0,
            }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_keys_come_first_ascending() {
        let mut p = Props::new();
        let b = Atom(5);
        p.set(b, Value::Num(1.0));
        p.set(Atom::index(10).unwrap(), Value::Num(2.0));
        p.set(Atom::index(2).unwrap(), Value::Num(3.0));
        p.set(Atom(6), Value::Num(4.0));
        let keys: Vec<Atom> = p.entries().iter().map(|(k, _)| *k).collect();
        assert_eq!(
            keys,
            vec![
                Atom::index(2).unwrap(),
                Atom::index(10).unwrap(),
                b,
                Atom(6)
            ]
        );
        // Re-setting keeps the position.
        p.set(b, Value::Null);
        assert_eq!(p.entries()[2], (b, Value::Null));
    }

    /// Index keys added in any order among names, in an indexed object: every key
    /// is found where it stands, and the order is JavaScript's.
    #[test]
    fn index_keys_among_names_keep_the_index_right() {
        let mut p = Props::new();
        let mut names = Vec::new();
        for (i, n) in [7u32, 3, 12, 3, 0, 25, 9, 1].into_iter().enumerate() {
            let name = Atom(100 + i as u32);
            names.push(name);
            p.set(name, Value::Num(f64::from(n)));
            for extra in 0..2 {
                // More names than INDEX_FROM, so the object is indexed early.
                p.set(Atom(200 + 2 * i as u32 + extra), Value::Null);
            }
            p.set(Atom::index(n).unwrap(), Value::Num(f64::from(i as u32)));
        }
        let ints: Vec<u32> = p
            .entries()
            .iter()
            .filter_map(|(k, _)| k.as_index())
            .collect();
        assert_eq!(ints, [0, 1, 3, 7, 9, 12, 25]);
        for (position, (key, value)) in p.entries().iter().enumerate() {
            assert_eq!(p.position(*key), Some(position), "{key:?}");
            assert_eq!(p.get(*key), Some(*value));
        }
        assert_eq!(p.get(Atom::index(3).unwrap()), Some(Value::Num(3.0)));
        assert_eq!(p.get(names[5]), Some(Value::Num(25.0)));
    }

    #[test]
    fn large_objects_are_indexed() {
        let mut p = Props::new();
        for i in 0..100 {
            p.set(Atom(100 + i), Value::Num(f64::from(i)));
        }
        assert_eq!(p.get(Atom(150)), Some(Value::Num(50.0)));
        assert!(p.remove(Atom(150)));
        assert_eq!(p.get(Atom(151)), Some(Value::Num(51.0)));
        assert_eq!(p.get(Atom(150)), None);
    }

    #[test]
    fn entries_make_what_setting_them_in_order_makes() {
        let n = |x: u32| Value::Num(f64::from(x));
        let cases: Vec<Vec<(Atom, Value)>> = vec![
            vec![],
            vec![(Atom(5), n(1)), (Atom(6), n(2))],
            // A repeat: first position, last value.
            vec![(Atom(5), n(1)), (Atom(6), n(2)), (Atom(5), n(3))],
            // Index keys sort first.
            vec![
                (Atom(5), n(1)),
                (Atom::index(3).unwrap(), n(2)),
                (Atom::index(1).unwrap(), n(3)),
            ],
            // Large, with and without a repeat.
            (0..20).map(|i| (Atom(100 + i), n(i))).collect(),
            (0..20).map(|i| (Atom(100 + i % 7), n(i))).collect(),
        ];
        for entries in cases {
            let mut expected = Props::new();
            for (k, v) in &entries {
                expected.set(*k, *v);
            }
            let made = Props::from_entries(entries.clone());
            assert_eq!(made.entries(), expected.entries(), "{entries:?}");
            for (k, _) in &entries {
                assert_eq!(made.get(*k), expected.get(*k));
            }
        }
    }
}
