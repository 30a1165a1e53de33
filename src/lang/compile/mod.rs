//! The compiler: syntax tree to the IR the evaluator runs.
//!
//! Two passes over each module: [`capture`] finds the variables closures capture,
//! then [`lower`] resolves every name to a frame slot, an environment slot, a global
//! or an import, interns strings and property names, checks JSX against the element
//! types ([`elements`]), and reports everything it cannot make sense of as located
//! diagnostics, all at once.

use serde::{Deserialize, Serialize};
pub(crate) mod capture;
pub(crate) mod elements;
pub(crate) mod ir;
mod lower;
pub(crate) mod scope;

use std::collections::{HashMap, HashSet};

use crate::lang::builtins::table::{self, Native};
use crate::lang::diagnostic::Diagnostics;
use crate::lang::source::{SourceFile, Span};
use crate::lang::syntax::ast;
use crate::lang::value::{Func, Heap, MemoryExceeded, ObjKind, Object, Props, StrId, Value};

pub(crate) use lower::{lower_markup, lower_module};

/// Where a JSX element is written.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Origin {
    pub site: ir::Site,
    /// The attributes written on the element, with where each is written: a value
    /// found wrong at render time is reported at its attribute.
    pub attrs: Box<[(Box<str>, ir::Site)]>,
    /// Where the element's properties sit in its shape, when the tag is known and
    /// the attributes are plainly named (no spread, no repeats): the JSON writer
    /// then reads the element by position while it is as JSX made it.
    pub slots: Option<crate::element::slots::Slots>,
}

impl Origin {
    /// Where to report an error found at `path` in the element this origin made:
    /// at the attribute when the path ends in one written on the element.
    pub(crate) fn site_for(&self, path: &str) -> ir::Site {
        let last = path.rsplit('.').next().unwrap_or("");
        self.attrs
            .iter()
            .find(|(name, _)| &**name == last)
            .map_or(self.site, |(_, s)| *s)
    }
}

/// A regular expression literal as written.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RegexSource {
    pub pattern: String,
    pub flags: String,
    pub site: ir::Site,
}

/// What an `import` binds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum ImportName {
    /// `import { name }`.
    Named(String),
    /// `import x`.
    Default,
    /// `import * as ns`.
    Namespace,
}

/// An import of another file of the program, bound when modules are linked.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ImportBinding {
    /// The module environment slot it binds.
    pub slot: u32,
    /// The specifier as written (`./helpers`).
    pub from: String,
    /// What is imported.
    pub name: ImportName,
    /// Where the import is written.
    pub span: Span,
    /// Whether the file reads it as a value (not only in types): an import of a
    /// name the other file exports as a type only is then an error.
    pub as_value: bool,
}

/// A compiled module.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ModuleCode {
    /// Index of its file in the program.
    pub file: u16,
    /// The code of its top level.
    pub init: u32,
    /// Slots of its environment (every module-level binding has one).
    pub env_size: u32,
    /// Its exports: name and slot (`default` included).
    pub exports: Vec<(String, u32)>,
    /// `export * from '…'` and `export { a } from '…'`: re-exports resolved at link time.
    pub reexports: Vec<ReExport>,
    /// Its imports of other files.
    pub imports: Vec<ImportBinding>,
    /// The names it exports as types only (`export interface A`, `export type B`).
    pub type_exports: Vec<String>,
}

/// A re-export.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ReExport {
    /// The module it re-exports from.
    pub from: String,
    /// `Some((imported, exported))` for a named re-export, `None` for `*`.
    pub names: Option<(String, String)>,
    /// Where it is written.
    pub span: Span,
}

/// Everything compiled so far for one program: the code, the tables the code refers
/// to, and the heap holding its constants.
#[derive(Debug)]
pub(crate) struct Builder {
    pub heap: Heap,
    pub functions: Vec<ir::FuncCode>,
    pub sites: Vec<(u16, Span)>,
    pub origins: Vec<Origin>,
    pub regexes: Vec<RegexSource>,
    pub files: Vec<SourceFile>,
    natives: HashMap<u16, Value>,
    /// The values of the globals used as values (`Math`, `Object`, …), by id.
    pub namespaces: HashMap<u16, Value>,
    /// Property names the program defines anywhere (object keys, assigned members):
    /// a method call of one of these is the program's own, never a typo.
    pub defined_names: HashSet<String>,
    /// How each call site names its callee in a "… is not a function" message, as
    /// JavaScript engines print it (`props.n.toUpperCase`, `f(...).g`).
    pub callee_texts: HashMap<ir::Site, Box<str>>,
}

/// The memory a program's constants and module-level objects may take.
pub(crate) const PROGRAM_MEMORY: usize = 256 * 1024 * 1024;

impl Builder {
    pub(crate) fn new() -> Builder {
        let mut b = Builder {
            heap: Heap::for_program(PROGRAM_MEMORY),
            functions: Vec::new(),
            // Site 0 is "nowhere".
            sites: vec![(0, Span::default())],
            origins: Vec::new(),
            regexes: Vec::new(),
            files: Vec::new(),
            natives: HashMap::new(),
            namespaces: HashMap::new(),
            defined_names: HashSet::new(),
            callee_texts: HashMap::new(),
        };
        // `Object` is every plain object's `constructor`: always made.
        if let Some((id, _)) = table::global("Object") {
            let _ = b.global_value(id);
        }
        b
    }

    /// Adds a file; its index.
    pub(crate) fn add_file(&mut self, file: SourceFile) -> u16 {
        self.files.push(file);
        (self.files.len() - 1) as u16
    }

    pub(crate) fn site(&mut self, file: u16, span: Span) -> ir::Site {
        self.sites.push((file, span));
        (self.sites.len() - 1) as ir::Site
    }

    pub(crate) fn string(&mut self, s: &str) -> Result<StrId, MemoryExceeded> {
        self.heap.alloc_str(s.as_bytes())
    }

    /// The function value of a built-in (made once per program).
    pub(crate) fn native_value(&mut self, n: Native) -> Result<Value, MemoryExceeded> {
        if let Some(v) = self.natives.get(&n.id()) {
            return Ok(*v);
        }
        let o = self.heap.alloc(Object {
            props: Props::new(),
            kind: ObjKind::Function(Func::Native {
                id: n.id(),
                this: Value::Undefined,
            }),
            origin: 0,
        })?;
        let v = Value::Obj(o);
        self.natives.insert(n.id(), v);
        Ok(v)
    }

    /// The value of a global namespace or class used as a value (`Math`, `URL`).
    pub(crate) fn global_value(&mut self, id: u16) -> Result<Value, MemoryExceeded> {
        if let Some(v) = self.namespaces.get(&id) {
            return Ok(*v);
        }
        let def = table::GLOBALS[usize::from(id)];
        let mut props = Props::new();
        for (name, member) in def.statics {
            let key = self.heap.intern(name.as_bytes())?;
            let value = match member {
                table::Static::Fn(n) => self.native_value(*n)?,
                table::Static::Num(x) => Value::Num(*x),
            };
            props.set(key, value);
        }
        let kind = match def.construct.or(def.call) {
            Some(n) => ObjKind::Function(Func::Native {
                id: n.id(),
                this: Value::Undefined,
            }),
            None => ObjKind::Plain,
        };
        let o = self.heap.alloc(Object {
            props,
            kind,
            origin: 0,
        })?;
        let v = Value::Obj(o);
        self.namespaces.insert(id, v);
        Ok(v)
    }

    /// Collects the property names a module defines (see [`Builder::defined_names`]).
    pub(crate) fn collect_defined_names(&mut self, module: &ast::Module) {
        lower::collect_names(module, &mut self.defined_names);
    }
}

/// Compiles one module into `builder`.
pub(crate) fn compile_module(
    builder: &mut Builder,
    file: u16,
    module: &ast::Module,
    implicit_runtime: bool,
) -> Result<ModuleCode, Diagnostics> {
    lower_module(builder, file, module, implicit_runtime)
}

/// What a markup root function takes, in order.
pub(crate) const MARKUP_PARAMS: &[&str] = &[
    "props",
    "state",
    "context",
    "action",
    "element",
    "dynamicState",
];

/// Compiles a bare markup expression into a function of [`MARKUP_PARAMS`].
pub(crate) fn compile_markup(
    builder: &mut Builder,
    file: u16,
    expr: ast::Expr,
    require_root: bool,
    check_elements: bool,
) -> Result<u32, Diagnostics> {
    lower_markup(builder, file, expr, require_root, check_elements)
}
