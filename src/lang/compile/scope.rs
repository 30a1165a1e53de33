//! Scopes while lowering: which names are declared where, in which slot, and how
//! many environment links separate a use from its declaration.

use std::collections::HashMap;

use super::capture::ScopeKey;
use super::ir::Place;
use crate::lang::builtins::table::RuntimeExport;
use crate::lang::source::Span;

/// Where a binding's value is kept, relative to its scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// A slot of the function's frame.
    Frame(u32),
    /// A slot of the scope's environment.
    Env(u32),
}

/// What a name was declared as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BindingKind {
    /// `let`, `var`, a parameter, a catch parameter: may be assigned.
    Mutable,
    /// `const`, a function declaration, an import: may not be assigned.
    Const,
    /// An import of a `@gitbook/runtime` export, known at compile time.
    Runtime(RuntimeExport),
    /// An import of a type: no value at run time.
    TypeOnly,
    /// An import of a package other than `@gitbook/runtime`: allowed while the file
    /// reads it only in types (as bundlers drop such imports), an error once it is
    /// read as a value.
    Package,
}

/// A declared name.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Binding {
    pub slot: Slot,
    pub kind: BindingKind,
    pub span: Span,
}

/// One scope.
#[derive(Debug)]
pub(crate) struct Scope {
    /// The scope's key (none for the module scope and markup roots).
    pub key: Option<ScopeKey>,
    pub bindings: HashMap<String, Binding>,
    /// Environment slots for captured bindings declared here.
    pub env_size: u32,
    /// Whether an environment is made for this scope at run time (a function's top
    /// scope and the module scope count when they have captured bindings).
    pub has_env: bool,
    /// Index of the function the scope belongs to.
    pub function: usize,
}

/// How a name resolves.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Resolved {
    /// A variable at this place.
    Var(Place, Binding),
    /// A frame slot of an enclosing function: the capture analysis missed it (a
    /// compiler bug, reported as an error rather than a wrong value).
    Unreachable,
    /// Not declared.
    NotFound,
}

/// Resolves `name` from the innermost scope of function `function`.
pub(crate) fn resolve(scopes: &[Scope], function: usize, name: &str) -> Resolved {
    let mut hops: u16 = 0;
    for scope in scopes.iter().rev() {
        if let Some(b) = scope.bindings.get(name) {
            return match b.slot {
                Slot::Frame(i) if scope.function == function => Resolved::Var(Place::Local(i), *b),
                Slot::Frame(_) => Resolved::Unreachable,
                Slot::Env(slot) => Resolved::Var(Place::Env { hops, slot }, *b),
            };
        }
        if scope.has_env {
            hops = hops.saturating_add(1);
        }
    }
    Resolved::NotFound
}
