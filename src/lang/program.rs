//! A program: the compiled modules of one integration, loaded once.
//!
//! [`Program::load`] reads an entry file and the files it imports, compiles them, runs
//! their top-level code once (in dependency order), and keeps what that made: the
//! components defined with `createComponent`, the integration defined with
//! `createIntegration`, and every module-level value, frozen as the base of each
//! request's heap. A program is `Send + Sync`; requests share it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;

pub use crate::lang::asset::{is_asset_module, is_text_module, TEXT_MODULE_SUFFIXES};
use crate::lang::builtins::{regexp::JsRegex, Method, METHOD_NAMES};
use crate::lang::compile::{self, ir, Builder, ImportName, ModuleCode, Origin};
use crate::lang::diagnostic::{Diagnostic, DiagnosticKind, Diagnostics};
use crate::lang::eval::{Fault, Limits, Vm};
use crate::lang::image::Compiled;
use crate::lang::package;
use crate::lang::source::{SourceFile, Span};
use crate::lang::syntax::{self, MAX_NESTING};
use crate::lang::value::{Atom, Base, Heap, ObjId, ObjKind, Object, Props, Value};

/// The largest file the compiler reads.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;
/// The most files one program may have.
pub const MAX_FILES: usize = 256;

/// Where a program's files come from: the entry's imports are read through this.
pub trait Sources: Sync {
    /// The text of the file at `path` (a path as resolved from an import), or `None`.
    fn read(&self, path: &str) -> Option<String>;
}

/// Sources held in memory: path → text.
impl Sources for HashMap<String, String> {
    fn read(&self, path: &str) -> Option<String> {
        self.get(path).cloned()
    }
}

/// No other files: a single-file program.
pub struct NoSources;

impl Sources for NoSources {
    fn read(&self, _path: &str) -> Option<String> {
        None
    }
}

/// A component defined while the program loaded.
#[derive(Debug, Clone)]
pub(crate) struct Registered {
    /// The object `createComponent` returned.
    pub handle: ObjId,
    /// Its `componentId`.
    pub id: String,
    /// The definition object (`initialState`, `action`, `render`, …).
    pub def: Value,
    /// Where `createComponent` was called.
    pub site: ir::Site,
}

/// What `createComponent` and `createIntegration` recorded while modules loaded.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    pub components: Vec<Registered>,
    pub integrations: Vec<(ObjId, Value, ir::Site)>,
}

/// A component of a program.
#[derive(Debug, Clone)]
pub struct ComponentInfo {
    /// Its id.
    pub id: String,
    /// The file that defines it.
    pub file: String,
    /// The line of its `createComponent`.
    pub line: usize,
}

/// A compiled, loaded program.
pub struct Program {
    pub(crate) functions: Vec<ir::FuncCode>,
    pub(crate) sites: Vec<(u16, Span)>,
    pub(crate) origins: Vec<Origin>,
    /// How call sites name their callee in "… is not a function".
    pub(crate) callee_texts: HashMap<ir::Site, Box<str>>,
    pub(crate) regexes: Vec<Arc<JsRegex>>,
    pub(crate) files: Vec<SourceFile>,
    pub(crate) base: Arc<Base>,
    methods: FxHashMap<Atom, Method>,
    /// The values of globals used as values, by global id.
    globals: HashMap<u16, Value>,
    /// The components, in the integration's order.
    pub(crate) components: Vec<Registered>,
    /// The integration definition object (`createIntegration`'s argument), if any.
    pub(crate) integration: Option<Value>,
    /// For bare markup: the function rendering it.
    pub(crate) markup: Option<u32>,
    /// Request environments already read, newest last (see
    /// [`Program::environment_base`]).
    environments: Mutex<Vec<EnvironmentBase>>,
    /// How large the last request's heap and output grew, so the next one
    /// starts with room for as much (see [`Program::hint_objects`]).
    sizes: RequestSizes,
}

/// Sizes of the last request, as capacity hints: a request that matches them
/// never regrows (and copies) its objects or its output.
#[derive(Debug, Default)]
struct RequestSizes {
    objects: AtomicUsize,
    output: AtomicUsize,
}

/// The largest output a hint reserves ahead: a single huge answer must not
/// make every later request reserve as much.
const OUTPUT_HINT_MAX: usize = 1 << 20;

/// A request environment read into a base of its own: the program's base plus the
/// environment's values.
struct EnvironmentBase {
    /// The environment's JSON text.
    text: Box<[u8]>,
    base: Arc<Base>,
    /// The environment object, in `base`.
    value: Value,
}

/// How many distinct environments a program keeps read (an integration serves few
/// installations at a time from one process).
const ENVIRONMENTS_KEPT: usize = 8;

/// The largest environment text kept read.
const ENVIRONMENT_KEPT_MAX: usize = 64 * 1024;

impl std::fmt::Debug for Program {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Program")
            .field(
                "files",
                &self.files.iter().map(SourceFile::name).collect::<Vec<_>>(),
            )
            .field(
                "components",
                &self.components.iter().map(|c| &c.id).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

/// The kind of a file, by its name.
fn implicit_runtime(name: &str) -> bool {
    name.ends_with(".ckx")
}

/// The path of the module an import specifier names: a package made here by its
/// name, a file resolved against the importing file's path.
fn module_path(from: &str, spec: &str) -> String {
    if package::is_package(spec) {
        spec.to_owned()
    } else {
        resolve_path(from, spec)
    }
}

/// Resolves an import specifier against the importing file's path.
fn resolve_path(from: &str, spec: &str) -> String {
    let dir = match from.rfind('/') {
        Some(i) => &from[..i],
        None => "",
    };
    let mut parts: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for seg in spec.split('/') {
        match seg {
            "." | "" => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") && !parts.is_empty() {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// The file names an import may mean, in the order they are tried.
fn candidates(path: &str) -> Vec<String> {
    let mut out = vec![path.to_owned()];
    for ext in ["tsx", "ts", "jsx", "js", "ckx"] {
        out.push(format!("{path}.{ext}"));
    }
    for ext in ["tsx", "ts", "jsx", "js"] {
        out.push(format!("{path}/index.{ext}"));
    }
    // `./x.js` written for a TypeScript file `x.ts`, as TypeScript allows.
    if let Some(stem) = path.strip_suffix(".js") {
        out.push(format!("{stem}.ts"));
        out.push(format!("{stem}.tsx"));
    }
    out
}

impl Program {
    /// The base a request with environment JSON `text` starts from, and the
    /// environment object in it; `None` when the text is not JSON (the request
    /// reports it) or too large to keep.
    ///
    /// An installation sends the same environment with every request: it is read
    /// once into a copy of the program's base, which every later request with the
    /// same text starts from, as it starts from the program's. Each request still
    /// gets its own copy of the environment's objects, so what one changes, no other
    /// sees.
    pub(crate) fn environment_base(
        &self,
        text: &[u8],
        limits: &Limits,
    ) -> Option<(Arc<Base>, Value)> {
        if text.is_empty() || text.len() > ENVIRONMENT_KEPT_MAX {
            return None;
        }
        let mut kept = self.environments.lock().ok()?;
        if let Some(e) = kept.iter().find(|e| crate::bytes::same(&e.text, text)) {
            return Some((e.base.clone(), e.value));
        }
        let mut heap = Heap::from_base(&self.base, limits.max_memory);
        let value =
            crate::lang::value::json::parse(&mut heap, text, limits.max_value_depth).ok()?;
        let base = heap.freeze_over();
        if kept.len() == ENVIRONMENTS_KEPT {
            kept.remove(0);
        }
        kept.push(EnvironmentBase {
            text: text.into(),
            base: base.clone(),
            value,
        });
        Some((base, value))
    }

    /// How many objects (base included) the last request's heap held: room a
    /// request's heap reserves at its start (the heap caps it at a chunk).
    pub(crate) fn hint_objects(&self) -> usize {
        self.sizes.objects.load(Ordering::Relaxed)
    }

    /// How many bytes the last request's output took (at most 1 MiB).
    pub(crate) fn hint_output(&self) -> usize {
        self.sizes.output.load(Ordering::Relaxed)
    }

    /// Records a finished request's sizes for [`Program::hint_objects`] and
    /// [`Program::hint_output`]. Concurrent requests may overwrite each other:
    /// a hint only sizes a first allocation.
    pub(crate) fn record_sizes(&self, objects: usize, output: usize) {
        self.sizes.objects.store(objects, Ordering::Relaxed);
        self.sizes
            .output
            .store(output.min(OUTPUT_HINT_MAX), Ordering::Relaxed);
    }

    /// Loads the program whose entry file is `entry_name` with text `entry`; its
    /// imports are read from `sources`.
    ///
    /// ```
    /// use contentkit::lang::program::{NoSources, Program};
    /// let p = Program::load("hello.tsx", r#"
    ///     import { createComponent } from '@gitbook/runtime';
    ///     export const hello = createComponent({
    ///         componentId: 'hello',
    ///         render: () => <block><text>Hi</text></block>,
    ///     });
    /// "#, &NoSources).unwrap();
    /// assert_eq!(p.component_ids(), vec!["hello"]);
    /// ```
    pub fn load(
        entry_name: &str,
        entry: &str,
        sources: &dyn Sources,
    ) -> Result<Program, Diagnostics> {
        on_compile_stack(|| {
            Program::from_compiled(Program::compile_here(entry_name, entry, sources)?)
        })
    }

    /// Compiles the program whose entry file is `entry_name`, without running it:
    /// what [`Program::load`] does before it runs the modules' top-level code.
    /// The result loads later ([`Compiled::load`]), possibly elsewhere, from an
    /// image ([`Compiled::to_image`]).
    ///
    /// ```
    /// use contentkit::lang::image::Compiled;
    /// use contentkit::lang::program::{NoSources, Program};
    /// let compiled = Program::compile("hello.tsx", r#"
    ///     import { createComponent } from '@gitbook/runtime';
    ///     export const hello = createComponent({
    ///         componentId: 'hello',
    ///         render: () => <block><text>Hi</text></block>,
    ///     });
    /// "#, &NoSources).unwrap();
    /// let image = compiled.to_image().unwrap();
    /// let program = Compiled::from_image(&image).unwrap().load().unwrap();
    /// assert_eq!(program.component_ids(), vec!["hello"]);
    /// ```
    pub fn compile(
        entry_name: &str,
        entry: &str,
        sources: &dyn Sources,
    ) -> Result<Compiled, Diagnostics> {
        on_compile_stack(|| Program::compile_here(entry_name, entry, sources))
    }

    fn compile_here(
        entry_name: &str,
        entry: &str,
        sources: &dyn Sources,
    ) -> Result<Compiled, Diagnostics> {
        let mut b = Builder::new();
        let mut errors = Diagnostics::new();
        // Read and parse every file reachable from the entry.
        let mut paths: Vec<String> = vec![entry_name.to_owned()];
        let mut asts = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        index.insert(entry_name.to_owned(), 0);
        let mut texts = vec![entry.to_owned()];
        let mut i = 0;
        while i < paths.len() {
            let text = std::mem::take(&mut texts[i]);
            let file = SourceFile::new(&paths[i], &text);
            if text.len() > MAX_FILE_BYTES {
                errors.push(Diagnostic::new(
                    &file,
                    DiagnosticKind::TooLarge,
                    Span::new(0, 0),
                    format!(
                        "file too large: {} bytes, at most {MAX_FILE_BYTES}",
                        text.len()
                    ),
                ));
                asts.push(None);
                b.add_file(file);
                i += 1;
                continue;
            }
            let parsed = if is_asset_module(&paths[i]) {
                crate::lang::asset::module(&file)
            } else if package::is_package(&paths[i]) {
                Ok(package::api_module())
            } else {
                syntax::parse_module(&file, MAX_NESTING)
            };
            let ast = match parsed {
                Ok(m) => Some(m),
                Err(d) => {
                    errors.extend(d);
                    None
                }
            };
            if let Some(m) = &ast {
                // The files it imports, and those it re-exports from.
                let named = m.body.iter().filter_map(|s| match &s.kind {
                    syntax::ast::StmtKind::Import(imp) => Some((&imp.source, imp.source_span)),
                    syntax::ast::StmtKind::ExportAll { source, .. }
                    | syntax::ast::StmtKind::ExportNamed {
                        source: Some(source),
                        ..
                    } => Some((&source.0, source.1)),
                    _ => None,
                });
                // The module of a package made here, when the file reads its values.
                let package = m.body.iter().find_map(|s| match &s.kind {
                    syntax::ast::StmtKind::Import(imp) if package::reads_module(imp) => {
                        Some(imp.source.clone())
                    }
                    _ => None,
                });
                if let Some(path) = package {
                    if !index.contains_key(&path) {
                        index.insert(path.clone(), paths.len());
                        paths.push(path);
                        texts.push(String::new());
                    }
                }
                for (source, source_span) in named {
                    if source.starts_with("./") || source.starts_with("../") {
                        let target = resolve_path(&paths[i], source);
                        let found = candidates(&target).into_iter().find_map(|c| {
                            if index.contains_key(&c) {
                                return Some((c, None));
                            }
                            sources.read(&c).map(|t| (c, Some(t)))
                        });
                        match found {
                            Some((path, text)) => {
                                if let Some(text) = text {
                                    if paths.len() >= MAX_FILES {
                                        errors.push(Diagnostic::new(&file, DiagnosticKind::TooLarge, source_span, format!("too many files: at most {MAX_FILES}")));
                                        continue;
                                    }
                                    index.insert(path.clone(), paths.len());
                                    paths.push(path);
                                    texts.push(text);
                                }
                            }
                            None => errors.push(
                                Diagnostic::new(
                                    &file,
                                    DiagnosticKind::UnknownImport,
                                    source_span,
                                    format!("cannot find \"{source}\""),
                                )
                                .with_help(format!("looked for {target}.tsx, .ts, .jsx, .js and .ckx beside this file")),
                            ),
                        }
                    }
                }
                b.collect_defined_names(m);
            }
            asts.push(ast);
            b.add_file(file);
            i += 1;
        }
        if !errors.is_empty() {
            return Err(errors.sorted());
        }
        // Compile every module.
        let mut modules: Vec<ModuleCode> = Vec::new();
        for (idx, ast) in asts.iter().enumerate() {
            let Some(ast) = ast else { continue };
            match compile::compile_module(&mut b, idx as u16, ast, implicit_runtime(&paths[idx])) {
                Ok(m) => modules.push(m),
                Err(d) => errors.extend(d),
            }
        }
        if !errors.is_empty() {
            return Err(errors.sorted());
        }
        Ok(Compiled::new(b, modules, paths, None))
    }

    /// Compiles bare markup: one expression over `props`, `state`, `context`,
    /// `action` and `element`; `require_root` asks for a root element, and
    /// `check_elements` checks JSX against the element types (off: plain JSX).
    pub fn markup(
        name: &str,
        source: &str,
        require_root: bool,
        check_elements: bool,
    ) -> Result<Program, Diagnostics> {
        on_compile_stack(|| {
            Program::from_compiled(Program::compile_markup_here(
                name,
                source,
                require_root,
                check_elements,
            )?)
        })
    }

    /// Compiles bare markup as [`Program::markup`] does, without loading it.
    pub fn compile_markup(
        name: &str,
        source: &str,
        require_root: bool,
        check_elements: bool,
    ) -> Result<Compiled, Diagnostics> {
        on_compile_stack(|| {
            Program::compile_markup_here(name, source, require_root, check_elements)
        })
    }

    fn compile_markup_here(
        name: &str,
        source: &str,
        require_root: bool,
        check_elements: bool,
    ) -> Result<Compiled, Diagnostics> {
        let mut b = Builder::new();
        let file = SourceFile::new(name, source);
        let expr = syntax::parse_markup(&file, MAX_NESTING)?;
        let idx = b.add_file(file);
        let f = compile::compile_markup(&mut b, idx, expr, require_root, check_elements)?;
        Ok(Compiled::new(b, Vec::new(), vec![name.to_owned()], Some(f)))
    }

    /// Loads what was compiled: the program of its code, with its modules'
    /// top-level code run (see [`Compiled::load`]).
    pub(crate) fn from_compiled(c: Compiled) -> Result<Program, Diagnostics> {
        let mut errors = Diagnostics::new();
        let Compiled {
            mut heap,
            functions,
            sites,
            origins,
            callee_texts,
            regexes: regex_sources,
            files,
            namespaces,
            modules,
            paths,
            markup,
        } = c;
        let mut methods = FxHashMap::default();
        for (m, name) in METHOD_NAMES {
            if let Ok(a) = heap.intern(name.as_bytes()) {
                methods.insert(a, *m);
            }
        }
        let mut regexes = Vec::with_capacity(regex_sources.len());
        for r in &regex_sources {
            match crate::lang::builtins::regexp::compile(&r.pattern, &r.flags) {
                Ok(c) => regexes.push(Arc::new(c)),
                Err(m) => {
                    let (file, span) = sites[r.site as usize];
                    errors.push(Diagnostic::new(
                        &files[usize::from(file)],
                        DiagnosticKind::Unsupported,
                        span,
                        m,
                    ));
                }
            }
        }
        let mut p = Program {
            functions,
            sites,
            origins,
            callee_texts,
            regexes,
            files,
            base: Arc::new(Base::default()),
            methods,
            globals: namespaces,
            components: Vec::new(),
            integration: None,
            markup,
            environments: Mutex::new(Vec::new()),
            sizes: RequestSizes::default(),
        };
        if !errors.is_empty() {
            return Err(errors.sorted());
        }
        let heap = if markup.is_some() {
            heap
        } else {
            let index: HashMap<String, usize> = paths
                .iter()
                .enumerate()
                .map(|(i, path)| (path.clone(), i))
                .collect();
            let heap = p.init_modules(heap, &modules, &paths, &index, &mut errors);
            if !errors.is_empty() {
                return Err(errors.sorted());
            }
            heap
        };
        p.base = heap.freeze();
        Ok(p)
    }

    /// Runs the modules' top-level code in dependency order and links their imports.
    fn init_modules(
        &mut self,
        heap: Heap,
        modules: &[ModuleCode],
        paths: &[String],
        index: &HashMap<String, usize>,
        errors: &mut Diagnostics,
    ) -> Heap {
        // Order: dependencies first (depth-first), cycles reported.
        let by_file: HashMap<u16, usize> = modules
            .iter()
            .enumerate()
            .map(|(i, m)| (m.file, i))
            .collect();
        let resolve = |m: &ModuleCode, spec: &str| -> Option<usize> {
            let target = module_path(&paths[usize::from(m.file)], spec);
            candidates(&target)
                .into_iter()
                .find_map(|c| index.get(&c).copied())
                .and_then(|f| by_file.get(&(f as u16)).copied())
        };
        let mut order = Vec::new();
        let mut state = vec![0u8; modules.len()];
        fn visit(
            i: usize,
            modules: &[ModuleCode],
            state: &mut [u8],
            order: &mut Vec<usize>,
            resolve: &dyn Fn(&ModuleCode, &str) -> Option<usize>,
            cycle: &mut Option<(usize, Span)>,
        ) {
            if state[i] == 2 {
                return;
            }
            state[i] = 1;
            let m = &modules[i];
            let deps = m
                .imports
                .iter()
                .map(|imp| (imp.from.as_str(), imp.span))
                .chain(m.reexports.iter().map(|r| (r.from.as_str(), r.span)));
            for (spec, span) in deps {
                if let Some(d) = resolve(m, spec) {
                    if state[d] == 1 {
                        cycle.get_or_insert((i, span));
                    } else {
                        visit(d, modules, state, order, resolve, cycle);
                    }
                }
            }
            state[i] = 2;
            order.push(i);
        }
        let mut cycle = None;
        for i in 0..modules.len() {
            visit(i, modules, &mut state, &mut order, &resolve, &mut cycle);
        }
        if let Some((i, span)) = cycle {
            let file = &self.files[usize::from(modules[i].file)];
            errors.push(
                Diagnostic::new(file, DiagnosticKind::UnknownImport, span, "circular import")
                    .with_help("move what both files need into a third file"),
            );
            return heap;
        }
        let limits = Limits {
            max_memory: compile::PROGRAM_MEMORY,
            ..Limits::default()
        };
        let mut vm = Vm::for_loading(self, heap, limits);
        let mut envs: Vec<Option<crate::lang::value::EnvId>> = vec![None; modules.len()];
        let mut exports: Vec<Vec<(String, Value)>> = vec![Vec::new(); modules.len()];
        // The names each file exports as types only, its re-exports' included.
        let mut types: Vec<Vec<String>> = vec![Vec::new(); modules.len()];
        for &i in &order {
            let m = &modules[i];
            let file = &vm.p.files[usize::from(m.file)];
            let env = match vm.heap.alloc_env(None, m.env_size as usize) {
                Ok(e) => e,
                Err(_) => {
                    errors.push(Diagnostic::new(
                        file,
                        DiagnosticKind::TooLarge,
                        Span::new(0, 0),
                        "the program exceeds its memory budget",
                    ));
                    break;
                }
            };
            envs[i] = Some(env);
            // Bind imports of other files.
            for imp in &m.imports {
                let Some(d) = resolve(m, &imp.from) else {
                    continue;
                };
                let value = match &imp.name {
                    ImportName::Named(n) => {
                        exports[d].iter().find(|(e, _)| e == n).map(|(_, v)| *v)
                    }
                    ImportName::Default => exports[d]
                        .iter()
                        .find(|(e, _)| e == "default")
                        .map(|(_, v)| *v),
                    ImportName::Namespace => {
                        let mut props = Props::new();
                        for (n, v) in &exports[d] {
                            if let Ok(k) = vm.heap.intern(n.as_bytes()) {
                                props.set(k, *v);
                            }
                        }
                        vm.heap.alloc(Object::plain(props)).ok().map(Value::Obj)
                    }
                };
                let type_only = match &imp.name {
                    ImportName::Named(n) if value.is_none() => types[d].contains(n),
                    _ => false,
                };
                match value {
                    Some(v) => vm.heap.env_mut(env).slots[imp.slot as usize] = v,
                    // A type imported without `type`, read only in types: nothing to
                    // bind, as TypeScript's compilers drop it.
                    None if type_only && !imp.as_value => {}
                    None if type_only => {
                        let ImportName::Named(n) = &imp.name else {
                            continue;
                        };
                        errors.push(
                            Diagnostic::new(
                                file,
                                DiagnosticKind::UnknownImport,
                                imp.span,
                                format!("\"{}\" exports `{n}` as a type, not a value", imp.from),
                            )
                            .with_help("use it in type positions only"),
                        );
                    }
                    None => {
                        let what = match &imp.name {
                            ImportName::Named(n) => format!("`{n}`"),
                            _ => "a default export".to_owned(),
                        };
                        let names: Vec<&str> = exports[d].iter().map(|(n, _)| n.as_str()).collect();
                        let d = Diagnostic::new(
                            file,
                            DiagnosticKind::UnknownImport,
                            imp.span,
                            format!("\"{}\" has no export {what}", imp.from),
                        );
                        let s = match &imp.name {
                            ImportName::Named(n) => {
                                crate::lang::diagnostic::suggest(n, names.iter().copied())
                            }
                            _ => None,
                        };
                        errors.push(d.with_suggestion_or(
                            s,
                            format!(
                                "it exports {}",
                                if names.is_empty() {
                                    "nothing".to_owned()
                                } else {
                                    names.join(", ")
                                }
                            ),
                        ));
                    }
                }
            }
            if !errors.is_empty() {
                break;
            }
            vm.set_env(Some(env));
            let init_site = vm.p.functions[m.init as usize].site;
            if let Err(f) = vm.call_closure(m.init, Some(env), Value::Undefined, &[], init_site) {
                errors.push(load_error(&mut vm, f));
                break;
            }
            let mut out = Vec::new();
            for (name, slot) in &m.exports {
                out.push((name.clone(), vm.heap.env(env).slots[*slot as usize]));
            }
            for r in &m.reexports {
                let Some(d) = resolve(m, &r.from) else {
                    continue;
                };
                match &r.names {
                    None => out.extend(exports[d].iter().filter(|(n, _)| n != "default").cloned()),
                    Some((imported, exported)) => {
                        if let Some((_, v)) = exports[d].iter().find(|(n, _)| n == imported) {
                            out.push((exported.clone(), *v));
                        }
                    }
                }
            }
            exports[i] = out;
            let mut own_types = m.type_exports.clone();
            for r in &m.reexports {
                let Some(d) = resolve(m, &r.from) else {
                    continue;
                };
                match &r.names {
                    None => own_types.extend(types[d].iter().cloned()),
                    Some((imported, exported)) if types[d].contains(imported) => {
                        own_types.push(exported.clone());
                    }
                    Some(_) => {}
                }
            }
            types[i] = own_types;
        }
        let registry = vm.registry.take().unwrap_or_default();
        let mut heap = std::mem::replace(&mut vm.heap, Heap::for_program(0));
        drop(vm);
        if errors.is_empty() {
            self.select_components(&mut heap, registry, modules, &exports, errors);
        }
        heap
    }

    /// The components the program serves: those of the integration the entry file
    /// exports by default, else every component its files define.
    fn select_components(
        &mut self,
        heap: &mut Heap,
        registry: Registry,
        modules: &[ModuleCode],
        exports: &[Vec<(String, Value)>],
        errors: &mut Diagnostics,
    ) {
        let entry = modules.iter().position(|m| m.file == 0);
        let default = entry.and_then(|i| {
            exports[i]
                .iter()
                .find(|(n, _)| n == "default")
                .map(|(_, v)| *v)
        });
        let integration = registry
            .integrations
            .iter()
            .find(|(h, _, _)| default == Some(Value::Obj(*h)))
            .or(registry.integrations.first());
        match integration {
            Some((_, def, site)) => {
                self.integration = Some(*def);
                let list = match def {
                    Value::Obj(d) => heap.obj(*d).props.get(Atom::COMPONENTS),
                    _ => None,
                };
                let items = match list {
                    Some(Value::Obj(a)) => match &heap.obj(a).kind {
                        ObjKind::Array(items) => items.clone(),
                        _ => Vec::new(),
                    },
                    _ => Vec::new(),
                };
                for item in items {
                    match registry
                        .components
                        .iter()
                        .find(|c| Value::Obj(c.handle) == item)
                    {
                        Some(c) => self.components.push(c.clone()),
                        None => {
                            let (file, span) = self.sites[*site as usize];
                            errors.push(Diagnostic::new(
                                &self.files[usize::from(file)],
                                DiagnosticKind::InvalidComponent,
                                span,
                                "createIntegration's components must be made with createComponent",
                            ));
                        }
                    }
                }
            }
            None => self.components = registry.components,
        }
        // Component ids are unique within a program.
        let mut seen: HashMap<&str, ir::Site> = HashMap::new();
        for c in &self.components {
            if let Some(first) = seen.insert(&c.id, c.site) {
                let (file, span) = self.sites[c.site as usize];
                let (ff, fs) = self.sites[first as usize];
                let (line, col) = self.files[usize::from(ff)].line_col(fs.start);
                errors.push(
                    Diagnostic::new(
                        &self.files[usize::from(file)],
                        DiagnosticKind::InvalidComponent,
                        span,
                        format!("component id \"{}\" is defined twice", c.id),
                    )
                    .with_help(format!(
                        "the first is at {}:{line}:{col}",
                        self.files[usize::from(ff)].name()
                    )),
                );
            }
        }
    }

    /// The ids of the program's components, in order.
    pub fn component_ids(&self) -> Vec<&str> {
        self.components.iter().map(|c| c.id.as_str()).collect()
    }

    /// The program's components.
    pub fn components(&self) -> Vec<ComponentInfo> {
        self.components
            .iter()
            .map(|c| {
                let (file, span) = self.sites[c.site as usize];
                let f = &self.files[usize::from(file)];
                ComponentInfo {
                    id: c.id.clone(),
                    file: f.name().to_owned(),
                    line: f.line_col(span.start).0,
                }
            })
            .collect()
    }

    /// The value of a global used as a value (`Object`, `Math`), when the program has it.
    pub(crate) fn global_value(&self, id: u16) -> Option<Value> {
        self.globals.get(&id).copied()
    }

    /// The method a property name stands for.
    #[inline]
    pub(crate) fn method(&self, a: Atom) -> Option<Method> {
        self.methods.get(&a).copied()
    }

    /// A diagnostic at a site.
    pub(crate) fn diagnostic(
        &self,
        site: ir::Site,
        kind: DiagnosticKind,
        message: impl Into<String>,
    ) -> Diagnostic {
        let (file, span) = self
            .sites
            .get(site as usize)
            .copied()
            .unwrap_or((0, Span::default()));
        match self.files.get(usize::from(file)) {
            Some(f) => Diagnostic::new(f, kind, span, message),
            None => Diagnostic::unlocated("<program>", kind, message),
        }
    }

    /// The source files.
    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }
}

/// The stack compiling runs on: parsing recurses once per nesting level (up to
/// [`MAX_NESTING`]), which takes far more stack in debug builds than a thread of a test
/// harness or a server has. Native builds compile on a thread of their own with room
/// to spare; WebAssembly (one thread) compiles where it is.
#[cfg(not(target_arch = "wasm32"))]
const COMPILE_STACK: usize = 64 * 1024 * 1024;

pub(crate) fn on_compile_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let mut f = Some(f);
        let outcome = std::thread::scope(|s| {
            let spawned = std::thread::Builder::new()
                .name("contentkit-compile".into())
                .stack_size(COMPILE_STACK)
                .spawn_scoped(s, || f.take().map(|f| f()));
            spawned.map(|h| h.join())
        });
        match outcome {
            Ok(Ok(Some(r))) => r,
            // A panic in the compiler is a bug: it goes on where it would have.
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            // No thread could be made: compile here.
            Ok(Ok(None)) | Err(_) => match f {
                Some(f) => f(),
                None => std::panic::resume_unwind(Box::new(
                    "the compiler thread ended without a result",
                )),
            },
        }
    }
    #[cfg(target_arch = "wasm32")]
    {
        f()
    }
}

/// A diagnostic for a fault while modules load.
fn load_error(vm: &mut Vm<'_>, f: Fault) -> Diagnostic {
    crate::lang::run::fault_diagnostic(vm, f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_of_other_files_import_without_type_but_are_not_values() {
        let files: HashMap<String, String> = [
            (
                "types.ts".to_owned(),
                "export interface Config { n: number }\nexport type Name = string;\n\
                 export const LIMIT = 3;\n"
                    .to_owned(),
            ),
            (
                "more.ts".to_owned(),
                "export * from './types';\n".to_owned(),
            ),
        ]
        .into_iter()
        .collect();
        let component = |imports: &str, body: &str| {
            format!(
                "import {{ createComponent }} from '@gitbook/runtime';\n\
                 import {{ {imports} }} from './more';\n\
                 export const c = createComponent({{ componentId: 'c', \
                 render: () => {{ {body} return <block><text>ok</text></block>; }} }});\n"
            )
        };
        // Read only in types (through a re-export too): nothing to bind.
        let typed = component(
            "Config, Name, LIMIT",
            "const c: Config = { n: LIMIT }; const n: Name = 'x';",
        );
        if let Err(e) = Program::load("index.tsx", &typed, &files) {
            panic!("{e}");
        }
        // Read as a value: an error at the import.
        let value = component("Config", "const c = Config;");
        let e = Program::load("index.tsx", &value, &files)
            .err()
            .unwrap()
            .to_string();
        assert!(
            e.contains("index.tsx:2:10: error: \"./more\" exports `Config` as a type, not a value"),
            "{e}"
        );
        // A name the file exports neither way is still unknown.
        let missing = component("Confg", "");
        let e = Program::load("index.tsx", &missing, &files)
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("\"./more\" has no export `Confg`"), "{e}");
    }

    #[test]
    fn package_imports_read_only_in_types_are_dropped() {
        let load = |source: &str| {
            Program::load("index.tsx", source, &NoSources)
                .err()
                .map(|e| e.to_string())
        };
        let component = "export const c = createComponent({ componentId: 'c', \
                         render: () => <block><text>ok</text></block> });\n";
        let typed = format!(
            "import {{ createComponent }} from '@gitbook/runtime';\n\
             import {{ ContentKitBlock }} from '@gitbook/api';\n\
             import * as api from '@gitbook/api';\n\
             const b: ContentKitBlock | api.ContentKitModal | undefined = undefined;\n{component}"
        );
        assert_eq!(load(&typed), None);
        let read = format!(
            "import {{ createComponent }} from '@gitbook/runtime';\n\
             import {{ Router }} from 'itty-router';\n\
             const router = Router();\nconst again = Router;\n{component}"
        );
        let e = load(&read).unwrap();
        assert!(
            e.starts_with("index.tsx:2:24: error: cannot import \"itty-router\": packages other than @gitbook/runtime are not available"),
            "{e}"
        );
        // Once, at the import, however many reads.
        assert_eq!(e.matches("cannot import").count(), 1, "{e}");
        // @gitbook/api has values (its enums); a type of it read as a value is an
        // error at that name.
        let api = format!(
            "import {{ createComponent }} from '@gitbook/runtime';\n\
             import {{ ContentKitIcon, ContentKitBlock }} from '@gitbook/api';\n\
             const icon = ContentKitIcon.Maximize;\n{component}"
        );
        assert_eq!(load(&api), None);
        let wrong = api.replace("ContentKitIcon.Maximize", "ContentKitBlock");
        let e = load(&wrong).unwrap();
        assert!(
            e.starts_with(
                "index.tsx:2:26: error: @gitbook/api has no value `ContentKitBlock` here"
            ),
            "{e}"
        );
        let bare = format!("import {{ createComponent }} from '@gitbook/runtime';\nimport 'polyfill';\n{component}");
        assert!(load(&bare).unwrap().contains("cannot import \"polyfill\""));
        // Exporting a runtime type re-exports a type (it once indexed a slot that
        // does not exist).
        let files: HashMap<String, String> = [(
            "types.ts".to_owned(),
            "import { PlainObject } from '@gitbook/runtime';\nexport { PlainObject };\n".to_owned(),
        )]
        .into_iter()
        .collect();
        let uses = format!(
            "import {{ createComponent }} from '@gitbook/runtime';\n\
             import {{ PlainObject }} from './types';\nconst p: PlainObject = {{}};\n{component}"
        );
        if let Err(e) = Program::load("index.tsx", &uses, &files) {
            panic!("{e}");
        }
    }

    #[test]
    fn paths() {
        assert_eq!(resolve_path("src/index.tsx", "./helpers"), "src/helpers");
        assert_eq!(resolve_path("src/a/b.tsx", "../c"), "src/c");
        assert_eq!(resolve_path("index.tsx", "./x"), "x");
    }
}
