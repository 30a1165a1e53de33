//! What a worker engine starts from: its settings and the integration's
//! component files, as a folder of relative paths.
//!
//! The files travel as they are on disk, with their paths, so that a component
//! module imports another by a relative path: the engine receives the whole
//! folder, not a flattened list of components. Each file whose extension is in
//! [`COMPONENT_EXTENSIONS`] is loaded as a module with the others as its imports
//! (or, a `.ckx` file of bare markup, as one component named after the file);
//! a file another one imports is part of that one's program, not an entry of its
//! own, so a component is served once however many files import it.
//!
//! ```
//! use contentkit::worker::WorkerInit;
//!
//! let mut init = WorkerInit::default();
//! init.add_file("ui/hello.ckx", r#"createComponent({
//!     componentId: 'hello',
//!     render: () => <block><text>Hello</text></block>,
//! })"#)?;
//! let bytes = init.to_vec();
//! let back = WorkerInit::from_slice(&bytes)?;
//! assert_eq!(back, init);
//! let components = back.compile()?;
//! assert_eq!(components[0].id(), "hello");
//!
//! assert!(init.add_file("../secret.ckx", "").is_err());
//! # Ok::<(), contentkit::worker::InitError>(())
//! ```

use serde::{Deserialize, Serialize};
use thiserror::Error;

use std::collections::{HashMap, HashSet};

use super::image::{Entry, WorkerImage};
use crate::component::{file, Component};
use crate::lang::image::ImageError;
use crate::lang::program::Program;
use crate::markup::{CompileOptions, Template};

/// Extensions of the files compiled as component entry points.
pub const COMPONENT_EXTENSIONS: &[&str] = file::EXTENSIONS;

/// The default body limit: 2 MiB, as the native server's.
pub const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The longest file path kept.
const MAX_PATH_LEN: usize = 1024;

/// One file of the integration's folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    /// Its path relative to the folder, `/`-separated.
    pub path: String,
    /// Its text.
    pub text: String,
}

/// What the engine is started with (the `contentkit.init` custom section).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct WorkerInit {
    /// The largest request body answered, in bytes.
    pub body_limit: usize,
    /// The integration's files, in path order.
    pub files: Vec<SourceFile>,
}

impl Default for WorkerInit {
    fn default() -> Self {
        WorkerInit {
            body_limit: DEFAULT_BODY_LIMIT,
            files: Vec::new(),
        }
    }
}

/// Why an engine cannot start.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum InitError {
    /// The init data is not the JSON this version reads.
    #[error("the worker's init data is not valid: {0}")]
    Malformed(String),
    /// A file path is not a plain relative path.
    #[error("{path:?}: {reason}")]
    BadPath {
        /// The path.
        path: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Component files do not compile; the diagnostics, `file:line:col` each.
    #[error("{0}")]
    Compile(String),
    /// Two files declare the same component.
    #[error("component \"{id}\" is declared in both {first} and {second}")]
    DuplicateComponent {
        /// The component id.
        id: String,
        /// The first file.
        first: String,
        /// The other file.
        second: String,
    },
}

impl WorkerInit {
    /// Reads init data, checking every path.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, InitError> {
        let init: WorkerInit =
            serde_json::from_slice(bytes).map_err(|e| InitError::Malformed(e.to_string()))?;
        let mut seen = std::collections::BTreeSet::new();
        for file in &init.files {
            check_path(&file.path)?;
            if !seen.insert(file.path.as_str()) {
                return Err(InitError::BadPath {
                    path: file.path.clone(),
                    reason: "appears twice",
                });
            }
        }
        Ok(init)
    }

    /// The init data as JSON bytes.
    pub fn to_vec(&self) -> Vec<u8> {
        // Strings and numbers only: serialization cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Adds a file at a relative, `/`-separated path, keeping the files in
    /// path order.
    pub fn add_file(
        &mut self,
        path: impl Into<String>,
        text: impl Into<String>,
    ) -> Result<(), InitError> {
        let path = path.into();
        check_path(&path)?;
        match self.files.binary_search_by(|f| f.path.as_str().cmp(&path)) {
            Ok(_) => Err(InitError::BadPath {
                path,
                reason: "appears twice",
            }),
            Err(at) => {
                self.files.insert(
                    at,
                    SourceFile {
                        path,
                        text: text.into(),
                    },
                );
                Ok(())
            }
        }
    }

    /// Whether `path` is compiled as a component file.
    pub fn is_component_file(path: &str) -> bool {
        path.rsplit_once('.')
            .is_some_and(|(_, ext)| COMPONENT_EXTENSIONS.contains(&ext))
            && !crate::lang::program::is_text_module(path)
    }

    /// Whether `path` belongs in a worker's files: a component file, or a text
    /// file a component imports (`script.raw.js`).
    pub fn is_source_file(path: &str) -> bool {
        Self::is_component_file(path) || crate::lang::asset::is_asset_module(path)
    }

    /// Compiles every component file; all diagnostics of all files at once.
    /// The components are those a worker started with [`WorkerInit::image`]
    /// serves.
    pub fn compile(&self) -> Result<Vec<Component>, InitError> {
        self.image()?.components()
    }

    /// Compiles every component file into the image a worker engine starts
    /// with (see [`WorkerImage`]); all diagnostics of all files at once. Each
    /// program is also loaded here, so that an image that is made starts: its
    /// top-level code runs, its components are known, and two files declaring
    /// the same component are an error now rather than in the worker.
    pub fn image(&self) -> Result<WorkerImage, InitError> {
        let sources: HashMap<String, String> = self
            .files
            .iter()
            .map(|f| (f.path.clone(), f.text.clone()))
            .collect();
        let mut programs: Vec<Built<'_>> = Vec::new();
        let mut markup: Vec<Built<'_>> = Vec::new();
        let mut diagnostics = Vec::new();
        let unwritable = |path: &str, e: ImageError| InitError::Compile(format!("{path}: {e}"));
        for source in self
            .files
            .iter()
            .filter(|f| Self::is_component_file(&f.path))
        {
            let path = source.path.as_str();
            // Bare markup, as the CLI and the playground read it.
            if file::may_be_bare_markup(path, &source.text) {
                let options = CompileOptions::default();
                if let Ok(compiled) = Template::compile_unloaded(&source.text, path, &options) {
                    let image = compiled.to_image().map_err(|e| unwritable(path, e))?;
                    // Loaded here as the engine will load it: what fails there fails now.
                    if Template::load(compiled, &options).is_ok() {
                        markup.push(Built {
                            path,
                            image,
                            ids: vec![file::markup_id(path)],
                            read: Vec::new(),
                            markup: true,
                        });
                        continue;
                    }
                }
            }
            let compiled = match Program::compile(path, &source.text, &sources) {
                Ok(compiled) => compiled,
                Err(d) => {
                    diagnostics.push(d.to_string());
                    continue;
                }
            };
            let image = compiled.to_image().map_err(|e| unwritable(path, e))?;
            match compiled.load() {
                Ok(program) => programs.push(Built {
                    path,
                    image,
                    ids: program
                        .component_ids()
                        .into_iter()
                        .map(str::to_owned)
                        .collect(),
                    read: program
                        .files()
                        .iter()
                        .skip(1)
                        .map(|f| f.name().to_owned())
                        .collect(),
                    markup: false,
                }),
                Err(d) => diagnostics.push(d.to_string()),
            }
        }
        if !diagnostics.is_empty() {
            return Err(InitError::Compile(diagnostics.join("\n")));
        }
        // Files that some program imports are served through it.
        let imported: HashSet<String> = programs
            .iter()
            .flat_map(|built| built.read.iter().cloned())
            .collect();
        let entries = programs
            .into_iter()
            .filter(|built| !imported.contains(built.path))
            .chain(markup);
        let mut declared: Vec<(String, &str)> = Vec::new();
        let mut out = Vec::new();
        for built in entries {
            for id in built.ids {
                if let Some((_, first)) = declared.iter().find(|(known, _)| *known == id) {
                    return Err(InitError::DuplicateComponent {
                        id,
                        first: (*first).to_owned(),
                        second: built.path.to_owned(),
                    });
                }
                declared.push((id, built.path));
            }
            out.push(Entry {
                path: built.path.to_owned(),
                markup: built.markup,
                image: built.image,
            });
        }
        Ok(WorkerImage::new(self.body_limit, out))
    }
}

/// A component entry compiled by [`WorkerInit::image`], before the entries
/// are chosen.
struct Built<'a> {
    path: &'a str,
    image: Vec<u8>,
    /// The ids of the components it declares.
    ids: Vec<String>,
    /// The other files its program read (imports).
    read: Vec<String>,
    markup: bool,
}

/// A plain relative path: `/`-separated names, none empty, `.` or `..`.
fn check_path(path: &str) -> Result<(), InitError> {
    let bad = |reason| InitError::BadPath {
        path: path.chars().take(200).collect(),
        reason,
    };
    if path.is_empty() || path.len() > MAX_PATH_LEN {
        return Err(bad("a file path must have 1 to 1024 bytes"));
    }
    if path.contains(['\\', '\0']) {
        return Err(bad(
            "a file path is /-separated and holds no backslash or NUL",
        ));
    }
    if path
        .split('/')
        .any(|name| name.is_empty() || name == "." || name == "..")
    {
        return Err(bad(
            "a file path is relative to the folder, without empty, . or .. names",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::WorkerInit;

    /// An integration split into modules, as real ones are: the entry imports its
    /// components from other files, and each component is served once.
    #[test]
    fn a_folder_of_modules_serves_each_component_once() {
        let mut init = WorkerInit::default();
        init.add_file(
            "src/index.tsx",
            "import { createIntegration } from '@gitbook/runtime';\n\
             import { hello } from './components/hello';\n\
             export default createIntegration({ components: [hello] });\n",
        )
        .unwrap();
        init.add_file(
            "src/components/hello.tsx",
            "import { createComponent } from '@gitbook/runtime';\n\
             import { greeting } from '../text';\n\
             export const hello = createComponent({ componentId: 'hello', render: () => <block><text>{greeting}</text></block> });\n",
        )
        .unwrap();
        init.add_file("src/text.ts", "export const greeting = 'Hi';\n")
            .unwrap();
        let components = init.compile().unwrap();
        let ids: Vec<&str> = components.iter().map(|c| c.id()).collect();
        assert_eq!(ids, ["hello"]);
    }

    /// An integration with handlers and no component (a site's tracking script,
    /// as GitBook's analytics integrations are) is served: its entry is kept
    /// and its handlers answer.
    #[test]
    fn an_integration_without_components_answers_its_events() {
        use crate::component::Integration;
        use crate::runtime::{handle, IncomingRequest};
        let mut init = WorkerInit::default();
        init.add_file("src/script.raw.js", "track('<ID>');\n")
            .unwrap();
        init.add_file(
            "src/index.ts",
            "import { createIntegration } from '@gitbook/runtime';\n\
             import script from './script.raw.js';\n\
             export default createIntegration({\n\
                 fetch_published_script: async (event) =>\n\
                     new Response(script.replace('<ID>', event.siteId), { headers: { 'Content-Type': 'application/javascript' } }),\n\
             });\n",
        )
        .unwrap();
        assert!(init.compile().unwrap().is_empty());
        let worker = super::super::Worker::build(Integration::new(), init).unwrap();
        let event = br#"{"eventId":"e1","type":"fetch_published_script","installationId":"i1","siteId":"site_1"}"#;
        let environment = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/events/environment.json"
        ))
        .unwrap();
        let response = handle(
            worker.integration(),
            IncomingRequest::new("/v1", event.to_vec(), environment),
        );
        assert_eq!(
            (response.status, response.body.as_slice()),
            (200, b"track('site_1');\n".as_slice())
        );
        assert_eq!(
            response.header("content-type"),
            Some("application/javascript")
        );
    }

    /// A browser script kept as `.raw.js` is text a component imports, not a
    /// module of its own (it would not compile: `window` is not available).
    #[test]
    fn raw_scripts_are_text_the_components_import() {
        use crate::component::RenderRequest;
        let script = "(function (w) { w.seen = true; })(window);\n";
        assert!(WorkerInit::is_source_file("src/script.raw.js"));
        assert!(!WorkerInit::is_component_file("src/script.raw.js"));
        let mut init = WorkerInit::default();
        init.add_file("src/script.raw.js", script).unwrap();
        init.add_file(
            "src/index.tsx",
            "import { createComponent } from '@gitbook/runtime';\n\
             import script from './script.raw.js';\n\
             export const raw = createComponent({ componentId: 'raw', \
             render: () => <block><text>{script}</text></block> });\n",
        )
        .unwrap();
        let components = init.compile().unwrap();
        let rendered = components[0]
            .render(&RenderRequest::new("raw", serde_json::Map::new()))
            .unwrap();
        let json = serde_json::to_value(&rendered.output).unwrap();
        assert_eq!(
            json["element"]["children"][0]["children"],
            serde_json::json!([script])
        );
    }

    /// A `.ckx` file of bare markup is a component named after the file, as in
    /// the CLI and the playground (the worker used to make nothing of it).
    #[test]
    fn a_bare_markup_file_is_a_component_named_after_it() {
        use crate::component::RenderRequest;
        let mut init = WorkerInit::default();
        init.add_file(
            "ui/hello.ckx",
            "<block><text>Hi {props.name}</text></block>",
        )
        .unwrap();
        init.add_file("ui/broken.tsx", "<block><text>Hi</text></block>")
            .unwrap();
        let components = init.compile().unwrap();
        let ids: Vec<&str> = components.iter().map(|c| c.id()).collect();
        assert_eq!(ids, ["hello"], "a .tsx file is a module: no component");
        let mut props = serde_json::Map::new();
        props.insert("name".into(), "Ada".into());
        let request = RenderRequest::new("hello", props);
        let rendered = components[0].render(&request).unwrap();
        let json = serde_json::to_value(&rendered.output).unwrap();
        assert_eq!(
            json["element"]["children"][0]["children"],
            serde_json::json!(["Hi ", "Ada"])
        );
    }

    /// Bare markup that does not compile (here an invalid regular expression)
    /// is read as a module, as the CLI reads it, and reported when the image
    /// is made, not when the worker starts.
    #[test]
    fn markup_that_does_not_load_is_reported_when_the_image_is_made() {
        let mut init = WorkerInit::default();
        init.add_file(
            "ui/bad.ckx",
            "<block><text>{String(/(?<a>x)(?<a>y)/.test('x'))}</text></block>",
        )
        .unwrap();
        let e = init.image().unwrap_err().to_string();
        assert!(e.contains("ui/bad.ckx:1:"), "{e}");
    }

    #[test]
    fn the_same_component_in_two_entries_is_an_error() {
        let mut init = WorkerInit::default();
        let source =
            "createComponent({ componentId: 'x', render: () => <block><text>x</text></block> })";
        init.add_file("a.ckx", source).unwrap();
        init.add_file("b.ckx", source).unwrap();
        let e = init.compile().unwrap_err().to_string();
        assert!(
            e.contains("\"x\" is declared in both a.ckx and b.ckx"),
            "{e}"
        );
    }
}
