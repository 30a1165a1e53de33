//! What a worker engine starts with: the integration's components, compiled.
//!
//! `contentkit build --worker` compiles the component files where the parser
//! is ([`WorkerInit::image`](super::WorkerInit::image)) and puts the result in
//! the engine's `contentkit.init` section: the body limit and one compiled
//! program ([`crate::lang::image`]) per component entry. The engine only loads
//! them, so it holds neither the parser nor the compiler, and starting a
//! worker runs no parse.
//!
//! ```
//! use contentkit::worker::{WorkerImage, WorkerInit};
//!
//! let mut init = WorkerInit::default();
//! init.add_file("ui/hello.ckx", "<block><text>Hello</text></block>")?;
//! let bytes = init.image()?.to_vec();
//! let image = WorkerImage::from_slice(&bytes)?;
//! assert_eq!(image.body_limit(), init.body_limit);
//! assert_eq!(image.components()?[0].id(), "hello");
//! # Ok::<(), contentkit::worker::InitError>(())
//! ```

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::InitError;
use crate::component::file::{self, Loaded};
use crate::component::{Component, Integration};
use crate::lang::image::Compiled;
use crate::markup::{CompileOptions, Template};

/// The first bytes of a worker image.
const MAGIC: &[u8; 4] = b"CKWI";

/// The compiled components a worker engine starts with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerImage {
    body_limit: u64,
    entries: Vec<Entry>,
}

/// One component entry: a module program or a bare-markup file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Entry {
    /// The entry file's path.
    pub path: String,
    /// Bare markup (one component named after the file), not a module.
    pub markup: bool,
    /// The compiled program's image.
    pub image: Vec<u8>,
}

impl WorkerImage {
    pub(crate) fn new(body_limit: usize, entries: Vec<Entry>) -> Self {
        WorkerImage {
            body_limit: body_limit as u64,
            entries,
        }
    }

    /// The largest request body answered, in bytes.
    pub fn body_limit(&self) -> usize {
        usize::try_from(self.body_limit).unwrap_or(usize::MAX)
    }

    /// The image as bytes (the `contentkit.init` section).
    pub fn to_vec(&self) -> Vec<u8> {
        // Strings, bytes and numbers only: encoding cannot fail.
        postcard::to_extend(self, MAGIC.to_vec()).unwrap_or_default()
    }

    /// Reads bytes [`WorkerImage::to_vec`] wrote.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, InitError> {
        let payload = bytes
            .strip_prefix(MAGIC)
            .ok_or_else(|| InitError::Malformed("no worker image header".into()))?;
        postcard::from_bytes(payload).map_err(|e| InitError::Malformed(e.to_string()))
    }

    /// Loads every entry: the components, in the integration's order. Runs
    /// each program's top-level code; parses nothing.
    pub fn components(&self) -> Result<Vec<Component>, InitError> {
        let mut components = Vec::new();
        for entry in self.load()? {
            components.extend(entry.into_components());
        }
        Ok(components)
    }

    /// Loads every entry into `integration`: the components, in order, and the
    /// handlers of a program that calls `createIntegration` (with or without
    /// components). Runs each program's top-level code; parses nothing.
    pub fn load_into(&self, integration: &mut Integration) -> Result<(), InitError> {
        for entry in self.load()? {
            entry.add_to(integration);
        }
        Ok(())
    }

    fn load(&self) -> Result<Vec<Loaded>, InitError> {
        let mut loaded = Vec::with_capacity(self.entries.len());
        for entry in &self.entries {
            let compiled = Compiled::from_image(&entry.image)
                .map_err(|e| InitError::Malformed(format!("{}: {e}", entry.path)))?;
            let failed =
                |d: crate::lang::diagnostic::Diagnostics| InitError::Compile(d.to_string());
            loaded.push(if entry.markup {
                let template =
                    Template::load(compiled, &CompileOptions::default()).map_err(failed)?;
                Loaded::Markup(file::markup_component(&entry.path, template))
            } else {
                Loaded::Program(Arc::new(compiled.load().map_err(failed)?))
            });
        }
        Ok(loaded)
    }
}
