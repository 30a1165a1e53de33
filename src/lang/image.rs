//! Compiled programs as bytes: compile once where the parser is, load anywhere.
//!
//! [`Program::load`](crate::lang::program::Program::load) parses, compiles,
//! then runs the modules' top-level code. The first two steps need the parser
//! and the compiler, the largest part of the engine; the WebAssembly worker
//! ships neither. [`Program::compile`](crate::lang::program::Program::compile)
//! stops before running anything and gives a [`Compiled`]: the code, the
//! tables it refers to, the source files (for located errors) and the heap of
//! its constants. [`Compiled::to_image`] writes it as bytes, an *image*;
//! [`Compiled::from_image`] reads it back, and [`Compiled::load`] runs it into
//! the same program `Program::load` makes.
//!
//! An image is code: a build writes it and an engine of the same build runs
//! it, as a compiled binary runs. So an image names the build it is for (a
//! fingerprint of the language's sources, [`FINGERPRINT`]) and carries a
//! checksum of its contents: an image from another build, or damaged on the
//! way, is refused with a clear error instead of running wrongly. Reading
//! checks what it cheaply can (every string, name and object id of the heap);
//! it does not prove hand-made bytes safe to run.
//!
//! ```
//! use contentkit::lang::image::Compiled;
//! use contentkit::lang::program::Program;
//!
//! let compiled = Program::compile_markup("hello.ckx", "<text>Hi {props.name}</text>", false, true)?;
//! let image = compiled.to_image()?;
//! let program = Compiled::from_image(&image)?.load()?;
//! assert_eq!(program.files()[0].name(), "hello.ckx");
//!
//! let mut damaged = image.clone();
//! *damaged.last_mut().unwrap() ^= 1;
//! assert!(Compiled::from_image(&damaged).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::lang::compile::{ir, Builder, ModuleCode, Origin, RegexSource, PROGRAM_MEMORY};
use crate::lang::diagnostic::Diagnostics;
use crate::lang::program::Program;
use crate::lang::source::{SourceFile, Span};
use crate::lang::value::{Heap, HeapImage, Value};

/// The first bytes of every image.
const MAGIC: &[u8; 4] = b"CKIM";

/// The build an image is for: a hash of the language's sources (`src/lang`),
/// made by the build script. Any change to the language changes it, so an
/// image never meets an engine that would read its code differently.
pub const FINGERPRINT: u64 = parse_hex(env!("CONTENTKIT_LANG_FINGERPRINT"));

/// Magic, fingerprint and checksum.
const HEADER: usize = 4 + 8 + 8;

/// A program compiled and not yet run: what [`Program::compile`] and
/// [`Program::compile_markup`] make, and what an image holds.
#[derive(Debug)]
pub struct Compiled {
    pub(crate) heap: Heap,
    pub(crate) functions: Vec<ir::FuncCode>,
    pub(crate) sites: Vec<(u16, Span)>,
    pub(crate) origins: Vec<Origin>,
    pub(crate) callee_texts: HashMap<ir::Site, Box<str>>,
    pub(crate) regexes: Vec<RegexSource>,
    pub(crate) files: Vec<SourceFile>,
    pub(crate) namespaces: HashMap<u16, Value>,
    pub(crate) modules: Vec<ModuleCode>,
    /// Each file's path, by file index (imports resolve against them).
    pub(crate) paths: Vec<String>,
    /// For bare markup: the function rendering it.
    pub(crate) markup: Option<u32>,
}

/// Why an image cannot be written or read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ImageError {
    /// The bytes are no image.
    #[error("not a compiled program (no image header)")]
    NotAnImage,
    /// The image was made by a build whose language differs from this one's.
    #[error(
        "the compiled program is for another build of contentkit (fingerprint {found:016x}, \
         this build reads {FINGERPRINT:016x}); build it again with this version"
    )]
    OtherBuild {
        /// The image's fingerprint.
        found: u64,
    },
    /// The contents do not match their checksum.
    #[error("the compiled program is damaged (its checksum does not match)")]
    Damaged,
    /// The contents do not decode, or refer to what they do not hold.
    #[error("the compiled program does not read: {0}")]
    Malformed(String),
    /// What was compiled holds something an image cannot.
    #[error("the compiled program cannot be written as an image: {0}")]
    Unwritable(&'static str),
}

/// What an image holds, as it is encoded.
#[derive(Serialize, Deserialize)]
struct ImageData {
    heap: HeapImage,
    functions: Vec<ir::FuncCode>,
    sites: Vec<(u16, Span)>,
    origins: Vec<Origin>,
    /// Sorted by site: the same program makes the same bytes.
    callee_texts: Vec<(ir::Site, Box<str>)>,
    regexes: Vec<RegexSource>,
    /// Each file's name and text.
    files: Vec<(String, String)>,
    /// Sorted by id.
    namespaces: Vec<(u16, Value)>,
    modules: Vec<ModuleCode>,
    paths: Vec<String>,
    markup: Option<u32>,
}

impl Compiled {
    /// What `b` compiled.
    pub(crate) fn new(
        b: Builder,
        modules: Vec<ModuleCode>,
        paths: Vec<String>,
        markup: Option<u32>,
    ) -> Compiled {
        Compiled {
            heap: b.heap,
            functions: b.functions,
            sites: b.sites,
            origins: b.origins,
            callee_texts: b.callee_texts,
            regexes: b.regexes,
            files: b.files,
            namespaces: b.namespaces,
            modules,
            paths,
            markup,
        }
    }

    /// Whether this is bare markup (one expression), not modules.
    pub fn is_markup(&self) -> bool {
        self.markup.is_some()
    }

    /// Runs the modules' top-level code: the program, as
    /// [`Program::load`] makes it, or the errors loading it raised.
    pub fn load(self) -> Result<Program, Diagnostics> {
        crate::lang::program::on_compile_stack(|| Program::from_compiled(self))
    }

    /// The image of what was compiled: the same bytes for the same program.
    pub fn to_image(&self) -> Result<Vec<u8>, ImageError> {
        let mut callee_texts: Vec<(ir::Site, Box<str>)> = self
            .callee_texts
            .iter()
            .map(|(site, text)| (*site, text.clone()))
            .collect();
        callee_texts.sort_unstable_by_key(|(site, _)| *site);
        let mut namespaces: Vec<(u16, Value)> =
            self.namespaces.iter().map(|(id, v)| (*id, *v)).collect();
        namespaces.sort_unstable_by_key(|(id, _)| *id);
        let data = ImageData {
            heap: self.heap.image().map_err(ImageError::Unwritable)?,
            functions: self.functions.clone(),
            sites: self.sites.clone(),
            origins: self.origins.clone(),
            callee_texts,
            regexes: self.regexes.clone(),
            files: self
                .files
                .iter()
                .map(|f| (f.name().to_owned(), f.text().to_owned()))
                .collect(),
            namespaces,
            modules: self.modules.clone(),
            paths: self.paths.clone(),
            markup: self.markup,
        };
        let mut out = Vec::with_capacity(HEADER + 4096);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FINGERPRINT.to_le_bytes());
        out.extend_from_slice(&[0; 8]);
        let mut out = postcard::to_extend(&data, out)
            .map_err(|_| ImageError::Unwritable("a value postcard cannot encode"))?;
        let sum = fnv1a(&out[HEADER..]);
        out[12..HEADER].copy_from_slice(&sum.to_le_bytes());
        Ok(out)
    }

    /// Reads an image [`Compiled::to_image`] wrote, with this build.
    pub fn from_image(bytes: &[u8]) -> Result<Compiled, ImageError> {
        if bytes.len() < HEADER || &bytes[..4] != MAGIC {
            return Err(ImageError::NotAnImage);
        }
        let word = |at: usize| {
            let mut w = [0; 8];
            w.copy_from_slice(&bytes[at..at + 8]);
            u64::from_le_bytes(w)
        };
        let found = word(4);
        if found != FINGERPRINT {
            return Err(ImageError::OtherBuild { found });
        }
        let payload = &bytes[HEADER..];
        if word(12) != fnv1a(payload) {
            return Err(ImageError::Damaged);
        }
        let data: ImageData =
            postcard::from_bytes(payload).map_err(|e| ImageError::Malformed(e.to_string()))?;
        let heap = Heap::from_image(data.heap, PROGRAM_MEMORY).map_err(ImageError::Malformed)?;
        if data.files.is_empty() || data.paths.len() != data.files.len() {
            return Err(ImageError::Malformed("files and paths differ".into()));
        }
        Ok(Compiled {
            heap,
            functions: data.functions,
            sites: data.sites,
            origins: data.origins,
            callee_texts: data.callee_texts.into_iter().collect(),
            regexes: data.regexes,
            files: data
                .files
                .iter()
                .map(|(name, text)| SourceFile::new(name, text))
                .collect(),
            namespaces: data.namespaces.into_iter().collect(),
            modules: data.modules,
            paths: data.paths,
            markup: data.markup,
        })
    }
}

/// FNV-1a, 64 bits: a checksum against damage, not against forgery (an image
/// is code; see the module's documentation).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A hexadecimal `u64`, at compile time.
const fn parse_hex(text: &str) -> u64 {
    let bytes = text.as_bytes();
    let mut value = 0u64;
    let mut i = 0;
    while i < bytes.len() {
        let digit = match bytes[i] {
            b @ b'0'..=b'9' => b - b'0',
            b @ b'a'..=b'f' => b - b'a' + 10,
            _ => panic!("the fingerprint is not lowercase hexadecimal"),
        };
        value = (value << 4) | digit as u64;
        i += 1;
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::program::NoSources;

    const COUNTER: &str = r#"
        import { createComponent } from '@gitbook/runtime';
        const label = (n: number) => `Count: ${n}`;
        export const counter = createComponent<{}, { count: number }>({
            componentId: 'counter',
            initialState: () => ({ count: Math.max(0, 1) }),
            action: async (element, action) => ({ state: { count: element.state.count + 1 } }),
            render: async ({ state }) => (
                <block>
                    <text>{label(state.count).replace(/\d+/, (d) => d)}</text>
                    <button label="+" onPress={{ action: 'inc' }} />
                </block>
            ),
        });
    "#;

    fn render(program: &Program) -> Vec<u8> {
        use crate::lang::run::{ui_render, Outcome};
        use crate::lang::{eval::Limits, host::HostState};
        let event = br#"{"componentId":"counter","props":{},"state":{"count":41},"action":{"action":"inc"},"context":{}}"#;
        match ui_render(
            program,
            event,
            b"{}",
            Limits::default(),
            HostState::default(),
        ) {
            Outcome::Done(response) => response.body,
            _ => panic!("the counter did not render"),
        }
    }

    /// A program loaded from its image answers as the one loaded from source.
    #[test]
    fn a_program_from_its_image_answers_as_from_source() {
        let direct = Program::load("counter.tsx", COUNTER, &NoSources).unwrap();
        let image = Program::compile("counter.tsx", COUNTER, &NoSources)
            .unwrap()
            .to_image()
            .unwrap();
        let loaded = Compiled::from_image(&image).unwrap().load().unwrap();
        let body = render(&loaded);
        assert_eq!(body, render(&direct));
        assert!(String::from_utf8_lossy(&body).contains("Count: 42"));
    }

    #[test]
    fn the_same_program_makes_the_same_image() {
        let image = || {
            Program::compile("counter.tsx", COUNTER, &NoSources)
                .unwrap()
                .to_image()
                .unwrap()
        };
        assert_eq!(image(), image());
    }

    /// Errors raised while loading still point into the files the image holds.
    #[test]
    fn errors_of_an_image_point_into_its_files() {
        let source = "const x = null;\nexport const y = x.z;\n";
        let image = Program::compile("broken.ts", source, &NoSources)
            .unwrap()
            .to_image()
            .unwrap();
        let error = Compiled::from_image(&image)
            .unwrap()
            .load()
            .unwrap_err()
            .to_string();
        assert!(error.contains("broken.ts:2:"), "{error}");
    }

    /// An image's payload sealed with a matching header, as `to_image` seals it.
    fn sealed(payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER + payload.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FINGERPRINT.to_le_bytes());
        out.extend_from_slice(&fnv1a(payload).to_le_bytes());
        out.extend_from_slice(payload);
        out
    }

    proptest::proptest! {
        /// Bytes with a valid header and checksum but damaged contents (what a
        /// checksum cannot catch) read as an error or an image, never a panic,
        /// and reading stays within memory proportional to the bytes.
        #[test]
        fn reading_damaged_contents_never_panics(
            edits in proptest::collection::vec((proptest::num::usize::ANY, proptest::num::u8::ANY), 1..8),
            cut in proptest::option::of(proptest::num::usize::ANY),
        ) {
            static IMAGE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
            let image = IMAGE.get_or_init(|| {
                Program::compile("counter.tsx", COUNTER, &NoSources).unwrap().to_image().unwrap()
            });
            let mut payload = image[HEADER..].to_vec();
            for (at, byte) in edits {
                let i = at % payload.len();
                payload[i] = byte;
            }
            if let Some(cut) = cut {
                payload.truncate(cut % (payload.len() + 1));
            }
            let _ = Compiled::from_image(&sealed(&payload));
        }
    }

    #[test]
    fn images_of_other_builds_and_damaged_ones_are_refused() {
        let image = Program::compile("counter.tsx", COUNTER, &NoSources)
            .unwrap()
            .to_image()
            .unwrap();
        assert_eq!(
            Compiled::from_image(b"CKI").unwrap_err(),
            ImageError::NotAnImage
        );
        let mut other = image.clone();
        other[4] ^= 0xff;
        assert!(matches!(
            Compiled::from_image(&other).unwrap_err(),
            ImageError::OtherBuild { .. }
        ));
        for at in [HEADER, image.len() / 2, image.len() - 1] {
            let mut damaged = image.clone();
            damaged[at] ^= 0x10;
            assert_eq!(
                Compiled::from_image(&damaged).unwrap_err(),
                ImageError::Damaged
            );
        }
        // Cut short, with a checksum that matches what is left: it does not decode.
        let cut = sealed(&image[HEADER..image.len() / 2]);
        assert!(matches!(
            Compiled::from_image(&cut).unwrap_err(),
            ImageError::Malformed(_)
        ));
    }
}
