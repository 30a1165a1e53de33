//! JavaScript values and the heap they live in.
//!
//! A [`Value`] is 16 bytes and `Copy`: primitives are held inline, strings and objects
//! by index into a [`Heap`]. A heap belongs to one request: it starts as a copy of the
//! program's base (the module-level objects made when the program loaded) plus
//! references to its frozen strings and property names, grows while handlers run, and
//! is dropped whole when the request ends. There is no garbage collector: what a
//! request allocates is counted against its memory budget before it is allocated,
//! and freed with the request.
//!
//! Strings are WTF-8 (UTF-8 that may also encode lone UTF-16 surrogates), so that
//! `"😀".slice(0, 1)` keeps JavaScript's meaning; lengths and indices count UTF-16
//! code units as JavaScript does.

use serde::{Deserialize, Serialize};
mod heap;
pub(crate) mod json;
mod object;

pub(crate) mod string;

pub(crate) use heap::HeapImage;
pub use heap::{Base, Heap, MemoryExceeded};
pub use object::{Atom, Attrs, Func, HostData, HostKind, ObjKind, Object, PromiseState, Props};

/// A string in a [`Heap`] (or in its base).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StrId(pub(crate) u32);

/// An object in a [`Heap`]: a plain object, an array, a function, …
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ObjId(pub(crate) u32);

/// A captured-variable environment in a [`Heap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EnvId(pub(crate) u32);

/// A JavaScript value.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub enum Value {
    /// `undefined`.
    #[default]
    Undefined,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Num(f64),
    /// A string.
    Str(StrId),
    /// An object (arrays and functions included).
    Obj(ObjId),
}

impl Value {
    /// Whether the value is `undefined` or `null`.
    pub fn is_nullish(self) -> bool {
        matches!(self, Value::Undefined | Value::Null)
    }
}
