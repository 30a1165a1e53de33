//! The component files a playground shows: their text, their compiled components, and
//! the integration built from all of them.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use serde_json::{json, Value};

use crate::component::{file as component_file, Integration};
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
        "hello.ckx",
        include_str!("../../fixtures/reference/hello.ckx"),
    ),
];

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
}

/// Every file, and the integration built from those that compile.
#[derive(Debug)]
pub struct ComponentFiles {
    files: RwLock<Vec<SourceFile>>,
    integration: RwLock<Arc<Integration>>,
    version: AtomicU64,
}

impl ComponentFiles {
    /// The built-in examples.
    pub fn built_in() -> Self {
        Self::from_files(
            BUILT_IN_EXAMPLES
                .iter()
                .map(|(name, text)| new_file(name, None, text.to_string(), None))
                .collect(),
        )
    }

    /// The `.ckx` files at `path` (a file, or a folder read non-recursively).
    pub fn load(path: &Path) -> std::io::Result<Self> {
        let mut paths = Vec::new();
        if path.is_dir() {
            for entry in std::fs::read_dir(path)? {
                let p = entry?.path();
                if p.extension().is_some_and(|e| e == "ckx") {
                    paths.push(p);
                }
            }
            paths.sort();
        } else {
            paths.push(path.to_owned());
        }
        let mut files = Vec::new();
        for p in paths {
            let text = std::fs::read_to_string(&p)?;
            let modified = std::fs::metadata(&p).and_then(|m| m.modified()).ok();
            let name = p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            files.push(new_file(&name, Some(p), text, modified));
        }
        Ok(Self::from_files(files))
    }

    fn from_files(files: Vec<SourceFile>) -> Self {
        let this = ComponentFiles {
            files: RwLock::new(files),
            integration: RwLock::new(Arc::new(Integration::new())),
            version: AtomicU64::new(0),
        };
        this.rebuild();
        this
    }

    /// Bumped on every change, so the page knows to re-render.
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::SeqCst)
    }

    /// Whether a file has that name.
    pub fn contains(&self, name: &str) -> bool {
        self.read_files().iter().any(|f| f.name == name)
    }

    /// The files as the page lists them.
    pub fn listing(&self) -> Value {
        let files: Vec<Value> = self
            .read_files()
            .iter()
            .map(|f| json!({"name": f.name, "text": f.text, "error": f.error, "components": f.components}))
            .collect();
        json!({"files": files, "version": self.version()})
    }

    /// Replaces a file's text (in memory) and recompiles; the compile errors, if any.
    pub fn update(&self, name: &str, text: String) -> Option<String> {
        {
            let mut files = self.write_files();
            let file = files.iter_mut().find(|f| f.name == name)?;
            file.text = text;
        }
        self.rebuild();
        self.read_files()
            .iter()
            .find(|f| f.name == name)
            .and_then(|f| f.error.clone())
    }

    /// Re-reads the files whose modification time moved, and recompiles when any did.
    pub fn reload_changed(&self) {
        let mut changed = false;
        {
            let mut files = self.write_files();
            for file in files.iter_mut() {
                let Some(path) = &file.path else { continue };
                let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
                if modified != file.modified {
                    if let Ok(text) = std::fs::read_to_string(path) {
                        file.text = text;
                        file.modified = modified;
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
            for file in files.iter_mut() {
                match component_file::compile(&file.text, &file.name) {
                    Ok(components) => {
                        file.error = None;
                        file.components = components.iter().map(|c| c.id().to_owned()).collect();
                        for c in components {
                            integration.add(c);
                        }
                    }
                    Err(diagnostics) => {
                        file.error = Some(diagnostics.to_string());
                        previous.push((file.name.clone(), file.components.clone()));
                    }
                }
            }
        }
        // Components of a broken file stay as they last compiled, so the preview keeps working.
        let old = self.current();
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
    }
}
