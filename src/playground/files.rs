//! The component files a playground shows: their text, their compiled components, and
//! the integration built from all of them.
//!
//! A folder is watched as a whole: files that appear, change or disappear on disk are
//! picked up by [`ComponentFiles::reload_changed`]. Edits made in the page are written
//! back to disk atomically (a temporary file beside the original, then a rename), so
//! nothing typed in the page is lost and a crash never leaves half a file.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use serde_json::{json, Value};

use crate::component::file::Loaded;
use crate::component::{file as component_file, Component, Integration};
use crate::lang::program::{NoSources, Program, Sources};
use crate::markup::Template;
use crate::runtime::server::IntegrationSource;

/// The examples bundled in the binary: `(file name, text)`.
pub const BUILT_IN_EXAMPLES: &[(&str, &str)] = &[
    (
        "counter.ckx",
        include_str!("../../fixtures/reference/counter.ckx"),
    ),
    (
        "todo.ckx",
        include_str!("../../examples/components/todo.ckx"),
    ),
    (
        "colour-picker.ckx",
        include_str!("../../examples/components/colour-picker.ckx"),
    ),
    (
        "embed.ckx",
        include_str!("../../examples/components/embed.ckx"),
    ),
    (
        "settings.ckx",
        include_str!("../../examples/components/settings.ckx"),
    ),
    (
        "hello.ckx",
        include_str!("../../fixtures/reference/hello.ckx"),
    ),
];

/// The extensions of the files a folder's listing shows: component files written as
/// TypeScript or JavaScript (with JSX), and the `.ckx` dialect (the loader's list).
pub const COMPONENT_EXTENSIONS: &[&str] = component_file::EXTENSIONS;

/// Whether `path` names a component file by its extension.
pub fn is_component_path(path: &Path) -> bool {
    component_file::is_component_file(path)
}

/// Compiles one file's text into its components: the one place the playground calls
/// the component loader. A `.ckx` file that declares no component but holds one root
/// element (bare markup) becomes a component named after the file, rendering that
/// markup with its props, state and context. A `.ts`, `.tsx`, `.js` or `.jsx` file is
/// always a module.
///
/// ```
/// use contentkit::playground::compile_source;
/// assert_eq!(compile_source("<block><text>Hi</text></block>", "hello.ckx").unwrap().len(), 1);
/// // The same text as a TypeScript file is a module: no component is made of it.
/// let module = compile_source("<block><text>Hi</text></block>", "hello.tsx");
/// assert!(module.map_or(true, |components| components.is_empty()));
/// ```
pub fn compile_source(text: &str, name: &str) -> Result<Vec<Component>, String> {
    compile_source_with(text, name, &NoSources)
}

/// [`compile_source`], reading the file's relative imports from `sources`.
pub fn compile_source_with(
    text: &str,
    name: &str,
    sources: &dyn Sources,
) -> Result<Vec<Component>, String> {
    load_source_with(text, name, sources).map(Loaded::into_components)
}

/// Compiles one file: its components, and the handlers of its `createIntegration`.
fn load_source_with(text: &str, name: &str, sources: &dyn Sources) -> Result<Loaded, String> {
    if component_file::may_be_bare_markup(name, text) {
        if let Ok(template) = Template::compile(text, name) {
            return Ok(Loaded::Markup(component_file::markup_component(
                name, template,
            )));
        }
    }
    Program::load(name, text, sources)
        .map(|p| Loaded::Program(Arc::new(p)))
        .map_err(|d| d.to_string())
}

/// One component file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Its name in the playground.
    pub name: String,
    /// Where it lives on disk, when it does.
    pub path: Option<PathBuf>,
    /// Its text.
    pub text: String,
    /// When it last changed on disk.
    modified: Option<SystemTime>,
    /// Its compile errors, formatted with file:line:col, when it does not compile.
    pub error: Option<String>,
    /// The ids of the components it declares (from its last good compile).
    pub components: Vec<String>,
    /// Why the last edit from the page could not be written to disk, if it could not.
    pub unsaved: Option<String>,
}

/// What a page edit did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    /// The compile errors, if the new text does not compile.
    pub error: Option<String>,
    /// Whether the text is on disk now (`false` for built-in examples, which live in
    /// memory only, and when writing failed).
    pub saved: bool,
    /// Why it could not be written, when it could not.
    pub save_error: Option<String>,
}

/// Every file, and the integration built from those that compile.
#[derive(Debug)]
pub struct ComponentFiles {
    /// The folder watched for new files, when a folder was given.
    folder: Option<PathBuf>,
    files: RwLock<Vec<SourceFile>>,
    integration: RwLock<Arc<Integration>>,
    version: AtomicU64,
}

impl ComponentFiles {
    /// The built-in examples.
    pub fn built_in() -> Self {
        Self::from_files(
            None,
            BUILT_IN_EXAMPLES
                .iter()
                .map(|(name, text)| new_file(name, None, text.to_string(), None))
                .collect(),
        )
    }

    /// No files (a playground driving an integration served elsewhere).
    pub fn empty() -> Self {
        Self::from_files(None, Vec::new())
    }

    /// The component files at `path`: a file, or a folder read non-recursively (files
    /// with one of [`COMPONENT_EXTENSIONS`]), watched for files that appear later.
    pub fn load(path: &Path) -> std::io::Result<Self> {
        if path.is_dir() {
            let files = read_folder(path)?
                .into_iter()
                .map(|p| read_file(&p))
                .collect::<std::io::Result<Vec<_>>>()?;
            Ok(Self::from_files(Some(path.to_owned()), files))
        } else {
            Ok(Self::from_files(None, vec![read_file(path)?]))
        }
    }

    fn from_files(folder: Option<PathBuf>, files: Vec<SourceFile>) -> Self {
        let this = ComponentFiles {
            folder,
            files: RwLock::new(files),
            integration: RwLock::new(Arc::new(Integration::new())),
            version: AtomicU64::new(0),
        };
        this.rebuild();
        this
    }

    /// The folder watched for new files, when a folder was loaded.
    pub fn folder(&self) -> Option<&Path> {
        self.folder.as_deref()
    }

    /// Bumped on every change, so the page knows to re-render.
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::SeqCst)
    }

    /// Whether a file has that name.
    pub fn contains(&self, name: &str) -> bool {
        self.read_files().iter().any(|f| f.name == name)
    }

    /// The files as the page lists them, with where they come from.
    pub fn listing(&self) -> Value {
        let files: Vec<Value> = self
            .read_files()
            .iter()
            .map(|f| {
                json!({
                    "name": f.name,
                    "text": f.text,
                    "error": f.error,
                    "components": f.components,
                    "onDisk": f.path.is_some(),
                    "unsaved": f.unsaved,
                })
            })
            .collect();
        let folder = self.folder.as_ref().map(|f| f.display().to_string());
        json!({"files": files, "version": self.version(), "folder": folder})
    }

    /// Replaces a file's text and recompiles; a file on disk is written atomically
    /// first. `None` when no file has that name.
    pub fn update(&self, name: &str, text: String) -> Option<Update> {
        let (saved, save_error) = {
            let mut files = self.write_files();
            let file = files.iter_mut().find(|f| f.name == name)?;
            let outcome = match &file.path {
                Some(path) => match write_atomically(path, &text) {
                    Ok(()) => {
                        // The watcher must not take our own write for a change on disk.
                        file.modified = modified_time(path);
                        (true, None)
                    }
                    Err(e) => (false, Some(format!("cannot save {}: {e}", path.display()))),
                },
                None => (false, None),
            };
            file.text = text;
            file.unsaved.clone_from(&outcome.1);
            outcome
        };
        self.rebuild();
        let error = self
            .read_files()
            .iter()
            .find(|f| f.name == name)
            .and_then(|f| f.error.clone());
        Some(Update {
            error,
            saved,
            save_error,
        })
    }

    /// Re-reads the files whose modification time moved, picks up files that appeared
    /// in the folder and drops those that went; recompiles when anything changed.
    pub fn reload_changed(&self) {
        let mut changed = false;
        {
            let mut files = self.write_files();
            if let Some(folder) = &self.folder {
                if let Ok(paths) = read_folder(folder) {
                    let before = files.len();
                    files.retain(|f| f.path.as_ref().is_none_or(|p| paths.contains(p)));
                    changed |= files.len() != before;
                    for p in paths {
                        if files.iter().all(|f| f.path.as_ref() != Some(&p)) {
                            if let Ok(file) = read_file(&p) {
                                files.push(file);
                                changed = true;
                            }
                        }
                    }
                    files.sort_by(|a, b| a.name.cmp(&b.name));
                }
            }
            for file in files.iter_mut() {
                let Some(path) = &file.path else { continue };
                let modified = modified_time(path);
                if modified != file.modified {
                    if let Ok(text) = std::fs::read_to_string(path) {
                        file.text = text;
                        file.modified = modified;
                        file.unsaved = None;
                        changed = true;
                    }
                }
            }
        }
        if changed {
            self.rebuild();
        }
    }

    /// Compiles every file; the integration keeps the components of those that compile,
    /// and a file that stops compiling keeps its last good components.
    fn rebuild(&self) {
        let mut integration = Integration::new();
        let mut previous: Vec<(String, Vec<String>)> = Vec::new();
        {
            let mut files = self.write_files();
            let sources = LoadedSources::new(&files, self.folder.as_deref());
            let compiled: Vec<_> = files
                .iter()
                .map(|file| load_source_with(&file.text, &file.name, &sources))
                .collect();
            for (file, compiled) in files.iter_mut().zip(compiled) {
                match compiled {
                    Ok(loaded) => {
                        file.error = None;
                        file.components = loaded.component_ids();
                        loaded.add_to(&mut integration);
                    }
                    Err(message) => {
                        file.error = Some(message);
                        previous.push((file.name.clone(), file.components.clone()));
                    }
                }
            }
        }
        // Components of a broken file stay as they last compiled, so the preview keeps
        // working; so do the integration's handlers when no file defines them now.
        let old = self.current();
        if !previous.is_empty() && integration.integration_program().is_none() {
            if let Some(program) = old.integration_program() {
                integration.keep_program(program);
            }
        }
        for (_, ids) in previous {
            for id in ids {
                if integration.get(&id).is_none() {
                    if let Some(c) = old.get(&id) {
                        integration.add_shared(c);
                    }
                }
            }
        }
        *self.integration.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(integration);
        self.version.fetch_add(1, Ordering::SeqCst);
    }

    /// The integration built from the files as they are now.
    pub fn current(&self) -> Arc<Integration> {
        self.integration
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn read_files(&self) -> std::sync::RwLockReadGuard<'_, Vec<SourceFile>> {
        self.files.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write_files(&self) -> std::sync::RwLockWriteGuard<'_, Vec<SourceFile>> {
        self.files.write().unwrap_or_else(|e| e.into_inner())
    }
}

impl IntegrationSource for ComponentFiles {
    fn integration(&self) -> Arc<Integration> {
        self.current()
    }
}

/// The component files directly in `folder`, sorted by name.
/// What a file's relative imports read: the playground's files as they are now (page
/// edits included, by name), then the folder on disk for files it does not list.
struct LoadedSources<'a> {
    files: std::collections::HashMap<&'a str, &'a str>,
    folder: Option<component_file::FolderSources>,
}

impl<'a> LoadedSources<'a> {
    fn new(files: &'a [SourceFile], folder: Option<&Path>) -> Self {
        LoadedSources {
            files: files
                .iter()
                .map(|f| (f.name.as_str(), f.text.as_str()))
                .collect(),
            folder: folder.map(component_file::FolderSources::new),
        }
    }
}

impl Sources for LoadedSources<'_> {
    fn read(&self, path: &str) -> Option<String> {
        if let Some(text) = self.files.get(path) {
            return Some((*text).to_owned());
        }
        self.folder.as_ref().and_then(|f| f.read(path))
    }
}

fn read_folder(folder: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(folder)? {
        let p = entry?.path();
        if is_component_path(&p) && p.is_file() {
            paths.push(p);
        }
    }
    paths.sort();
    Ok(paths)
}

fn read_file(path: &Path) -> std::io::Result<SourceFile> {
    let text = std::fs::read_to_string(path)?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok(new_file(
        &name,
        Some(path.to_owned()),
        text,
        modified_time(path),
    ))
}

fn modified_time(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Writes `text` to a temporary file beside `path`, then renames it over `path`: a
/// reader sees the old text or the new, never a part.
pub(super) fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = dir
        .unwrap_or_else(|| Path::new("."))
        .join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = std::fs::write(&temporary, text).and_then(|()| std::fs::rename(&temporary, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

fn new_file(
    name: &str,
    path: Option<PathBuf>,
    text: String,
    modified: Option<SystemTime>,
) -> SourceFile {
    SourceFile {
        name: name.to_owned(),
        path,
        text,
        modified,
        error: None,
        components: Vec::new(),
        unsaved: None,
    }
}
