//! The worker bundle: the files `workerd serve` and `wrangler deploy` take.
//!
//! | file | what it is |
//! | --- | --- |
//! | `contentkit.wasm` | the engine, with the [`WorkerImage`](super::WorkerImage) (settings and compiled components, made from a [`WorkerInit`]) appended as the custom section `contentkit.init` |
//! | `worker.mjs` | the ES module that passes requests to the engine ([`WORKER_SCRIPT`]) |
//! | `config.capnp` | a `workerd` config serving the worker on one address |
//! | `wrangler.toml` | for `wrangler deploy` with your own Cloudflare account |
//!
//! The engine is the same for every integration made of component files (the
//! `contentkit-worker` crate of this repository, built for
//! `wasm32-unknown-unknown`); only its `contentkit.init` section differs, so
//! building a bundle needs no Rust toolchain. The section holds the
//! components compiled by the `contentkit` program building the bundle, which
//! must come from the same build as the engine: [`Bundle::files`] checks the
//! engine's [`FINGERPRINT_SECTION`] (and an engine refuses an image of another
//! build at start). A custom section is part of the
//! module, so the compiled components cannot drift apart from the engine they
//! were checked with, and the script reads them with
//! `WebAssembly.Module.customSections` once per isolate.
//!
//! Nothing here touches the disk but [`Bundle::write_to`].
//!
//! ```
//! use contentkit::worker::bundle::{with_init_section, init_section};
//!
//! // The smallest wasm module: the magic and the version.
//! let engine = b"\0asm\x01\0\0\0".to_vec();
//! let with = with_init_section(&engine, b"{}")?;
//! assert_eq!(init_section(&with)?, Some(&b"{}"[..]));
//! // Appending again replaces the section instead of adding a second one.
//! let again = with_init_section(&with, b"{\"files\":[]}")?;
//! assert_eq!(init_section(&again)?, Some(&b"{\"files\":[]}"[..]));
//! # Ok::<(), contentkit::worker::bundle::BundleError>(())
//! ```

use std::ops::Range;
use std::path::{Path, PathBuf};

use thiserror::Error;

use super::{InitError, WorkerImage, WorkerInit};
use crate::lang::image::FINGERPRINT;

/// The script every bundle runs.
pub const WORKER_SCRIPT: &str = include_str!("worker.mjs");

/// The bundle's file names.
pub const SCRIPT_FILE: &str = "worker.mjs";
/// The engine with its init section.
pub const WASM_FILE: &str = "contentkit.wasm";
/// The `workerd` config.
pub const CAPNP_FILE: &str = "config.capnp";
/// The `wrangler` config.
pub const WRANGLER_FILE: &str = "wrangler.toml";

/// The custom section where [`export_worker!`](crate::export_worker) puts the
/// fingerprint of the language the engine reads
/// ([`FINGERPRINT`](crate::lang::image::FINGERPRINT), 8 bytes little-endian).
pub const FINGERPRINT_SECTION: &str = "contentkit.fingerprint";

/// The custom section that holds the [`WorkerImage`](super::WorkerImage).
pub const INIT_SECTION: &str = "contentkit.init";

/// The exports an engine must have (see [`super`] for the ABI).
pub const ENGINE_EXPORTS: &[&str] = &[
    "memory",
    "ck_abi_version",
    "ck_alloc",
    "ck_free",
    "ck_init",
    "ck_body_limit",
    "ck_handle",
];

/// The Workers compatibility date the bundle asks for.
pub const COMPATIBILITY_DATE: &str = "2025-01-01";

/// The address `config.capnp` listens on unless told otherwise.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8787";

const MAGIC: &[u8] = b"\0asm\x01\0\0\0";

/// Why a bundle cannot be made.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BundleError {
    /// The engine is not a WebAssembly module.
    #[error("the engine is not a WebAssembly module: {0}")]
    NotWasm(String),
    /// The engine lacks exports of the worker ABI.
    #[error("the engine is not a contentkit worker engine: it does not export {}", .0.join(", "))]
    NotAnEngine(Vec<String>),
    /// The engine was built from another version of contentkit than this
    /// program: it would refuse the compiled components at start.
    #[error(
        "the engine was built from another version of contentkit than this program \
         ({found}; this program compiles for {FINGERPRINT:016x}): build both from the \
         same sources (cargo build -p contentkit-worker --target wasm32-unknown-unknown \
         --profile worker)"
    )]
    OtherBuild {
        /// What the engine's `contentkit.fingerprint` section holds.
        found: String,
    },
    /// The integration's files do not compile (or their paths are wrong).
    #[error(transparent)]
    Init(#[from] InitError),
    /// The worker's name is not one Cloudflare accepts.
    #[error("invalid worker name {0:?}: use 1 to 63 lowercase letters, digits and dashes, not starting or ending with a dash")]
    BadName(String),
    /// The address is not `HOST:PORT`.
    #[error("invalid address {0:?}: expected HOST:PORT, e.g. 127.0.0.1:8787 or *:8787")]
    BadAddr(String),
    /// Writing the files failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
}

/// A worker bundle to be written: an engine, the integration's files, a name
/// and an address.
#[derive(Debug, Clone)]
pub struct Bundle {
    engine: Vec<u8>,
    components: Components,
    name: String,
    addr: String,
}

/// What the engine starts with: files still to compile, or their image.
#[derive(Debug, Clone)]
enum Components {
    Files(WorkerInit),
    Image(WorkerImage),
}

impl Bundle {
    /// A bundle of `engine` (the wasm of `contentkit-worker`, or of a Rust
    /// integration that calls `export_worker!`) started with `init`.
    pub fn new(engine: Vec<u8>, init: WorkerInit) -> Self {
        Bundle {
            engine,
            components: Components::Files(init),
            name: "contentkit-integration".to_owned(),
            addr: DEFAULT_ADDR.to_owned(),
        }
    }

    /// A bundle of `engine` started with components already compiled
    /// ([`WorkerInit::image`]): for a caller that compiled them first, to report
    /// their errors before looking for an engine, and should not compile twice.
    pub fn with_image(engine: Vec<u8>, image: WorkerImage) -> Self {
        Bundle {
            components: Components::Image(image),
            ..Bundle::new(engine, WorkerInit::default())
        }
    }

    /// The worker's name in `wrangler.toml`.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Where `config.capnp` listens.
    #[must_use]
    pub fn addr(mut self, addr: impl Into<String>) -> Self {
        self.addr = addr.into();
        self
    }

    /// The bundle's files, `(name, bytes)`: checks the engine's exports, the
    /// name and the address, and compiles and loads every component file
    /// first, so a bundle that is written starts.
    pub fn files(&self) -> Result<Vec<(&'static str, Vec<u8>)>, BundleError> {
        let exports = exports(&self.engine)?;
        let missing: Vec<String> = ENGINE_EXPORTS
            .iter()
            .filter(|name| !exports.iter().any(|e| e == *name))
            .map(|name| (*name).to_owned())
            .collect();
        if !missing.is_empty() {
            return Err(BundleError::NotAnEngine(missing));
        }
        check_fingerprint(&self.engine)?;
        check_name(&self.name)?;
        check_addr(&self.addr)?;
        let image = match &self.components {
            Components::Files(init) => init.image()?.to_vec(),
            Components::Image(image) => image.to_vec(),
        };
        Ok(vec![
            (WASM_FILE, with_init_section(&self.engine, &image)?),
            (SCRIPT_FILE, WORKER_SCRIPT.as_bytes().to_vec()),
            (CAPNP_FILE, workerd_config(&self.addr).into_bytes()),
            (WRANGLER_FILE, wrangler_config(&self.name).into_bytes()),
        ])
    }

    /// Writes the files into `dir` (created if needed); their paths.
    pub fn write_to(&self, dir: &Path) -> Result<Vec<PathBuf>, BundleError> {
        let files = self.files()?;
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| BundleError::Io { path, source }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let mut written = Vec::new();
        for (name, bytes) in files {
            let path = dir.join(name);
            std::fs::write(&path, bytes).map_err(io(&path))?;
            written.push(path);
        }
        Ok(written)
    }
}

/// The `workerd` config for a bundle in the same folder.
pub fn workerd_config(addr: &str) -> String {
    format!(
        r#"# workerd config of a contentkit worker: `workerd serve config.capnp` in this folder.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "contentkit", worker = .worker) ],
  sockets = [ (name = "http", address = "{addr}", http = (), service = "contentkit") ],
);

const worker :Workerd.Worker = (
  modules = [
    (name = "{SCRIPT_FILE}", esModule = embed "{SCRIPT_FILE}"),
    (name = "{WASM_FILE}", wasm = embed "{WASM_FILE}"),
  ],
  compatibilityDate = "{COMPATIBILITY_DATE}",
);
"#
    )
}

/// The `wrangler` config for a bundle in the same folder.
pub fn wrangler_config(name: &str) -> String {
    format!(
        r#"# Deploy with your own Cloudflare account: `npx wrangler deploy` in this folder.
# worker.mjs imports contentkit.wasm, which wrangler uploads as a compiled
# WebAssembly module (its default rule for *.wasm). Secrets and settings reach
# the integration in each request's `environment` field, as GitBook sends them:
# the worker needs no bindings.
name = "{name}"
main = "{SCRIPT_FILE}"
compatibility_date = "{COMPATIBILITY_DATE}"
"#
    )
}

/// Cloudflare's rule for worker names.
/// The engine reads what this program compiles: its fingerprint section
/// matches [`FINGERPRINT`].
fn check_fingerprint(engine: &[u8]) -> Result<(), BundleError> {
    let found = sections(engine)?
        .into_iter()
        .find(|s| s.id == 0 && s.custom_name(engine) == Some(FINGERPRINT_SECTION))
        .and_then(|s| s.custom_payload(engine));
    match found {
        Some(bytes) if bytes == FINGERPRINT.to_le_bytes() => Ok(()),
        Some(bytes) => Err(BundleError::OtherBuild {
            found: match <[u8; 8]>::try_from(bytes) {
                Ok(word) => format!("{:016x}", u64::from_le_bytes(word)),
                Err(_) => format!("{} bytes", bytes.len()),
            },
        }),
        None => Err(BundleError::OtherBuild {
            found: format!("no {FINGERPRINT_SECTION} section"),
        }),
    }
}

fn check_name(name: &str) -> Result<(), BundleError> {
    let ok = (1..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(BundleError::BadName(name.to_owned()))
    }
}

/// `HOST:PORT`, with a host workerd reads and nothing that would break the
/// config's string.
fn check_addr(addr: &str) -> Result<(), BundleError> {
    let bad = || BundleError::BadAddr(addr.to_owned());
    let (host, port) = addr.rsplit_once(':').ok_or_else(bad)?;
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-*[]:".contains(&b));
    if !host_ok || port.parse::<u16>().is_err() {
        return Err(bad());
    }
    Ok(())
}

/// A name the CLI can derive from a folder: lowercase, dashes for the rest.
///
/// ```
/// use contentkit::worker::bundle::worker_name;
/// assert_eq!(worker_name("My Components_v2"), "my-components-v2");
/// assert_eq!(worker_name("..."), "contentkit-integration");
/// ```
pub fn worker_name(folder: &str) -> String {
    let mut name = String::new();
    for c in folder.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('-') && !name.is_empty() {
            name.push('-');
        }
    }
    name.truncate(63);
    let name = name.trim_end_matches('-');
    if name.is_empty() {
        "contentkit-integration".to_owned()
    } else {
        name.to_owned()
    }
}

/// The engine with `init` as its `contentkit.init` custom section (any such
/// section it had is dropped).
pub fn with_init_section(engine: &[u8], init: &[u8]) -> Result<Vec<u8>, BundleError> {
    let sections = sections(engine)?;
    let mut out = Vec::with_capacity(engine.len() + init.len() + 32);
    out.extend_from_slice(MAGIC);
    for section in &sections {
        if section.id == 0 && section.custom_name(engine) == Some(INIT_SECTION) {
            continue;
        }
        out.extend_from_slice(&engine[section.whole.clone()]);
    }
    let mut payload = Vec::with_capacity(init.len() + INIT_SECTION.len() + 5);
    leb128(&mut payload, INIT_SECTION.len());
    payload.extend_from_slice(INIT_SECTION.as_bytes());
    payload.extend_from_slice(init);
    out.push(0);
    leb128(&mut out, payload.len());
    out.extend_from_slice(&payload);
    Ok(out)
}

/// The payload of the module's `contentkit.init` section, if it has one.
pub fn init_section(wasm: &[u8]) -> Result<Option<&[u8]>, BundleError> {
    Ok(sections(wasm)?
        .into_iter()
        .find(|s| s.id == 0 && s.custom_name(wasm) == Some(INIT_SECTION))
        .and_then(|s| s.custom_payload(wasm)))
}

/// One top-level section of a module.
struct Section {
    id: u8,
    /// The whole section, id and size included.
    whole: Range<usize>,
    /// Its contents.
    contents: Range<usize>,
}

impl Section {
    fn custom_name<'a>(&self, wasm: &'a [u8]) -> Option<&'a str> {
        let (len, at) = read_leb128(wasm, self.contents.start)?;
        let end = at.checked_add(len).filter(|&e| e <= self.contents.end)?;
        std::str::from_utf8(&wasm[at..end]).ok()
    }

    fn custom_payload<'a>(&self, wasm: &'a [u8]) -> Option<&'a [u8]> {
        let (len, at) = read_leb128(wasm, self.contents.start)?;
        Some(&wasm[at + len..self.contents.end])
    }
}

/// The sections of a module, each checked to fit.
fn sections(wasm: &[u8]) -> Result<Vec<Section>, BundleError> {
    if !wasm.starts_with(MAGIC) {
        return Err(BundleError::NotWasm(
            "it does not start with the WebAssembly magic and version 1".into(),
        ));
    }
    let mut at = MAGIC.len();
    let mut out = Vec::new();
    while at < wasm.len() {
        let start = at;
        let id = wasm[at];
        let (len, contents_start) = read_leb128(wasm, at + 1).ok_or_else(|| {
            BundleError::NotWasm(format!("the section at byte {start} has no valid size"))
        })?;
        let end = contents_start
            .checked_add(len)
            .filter(|&e| e <= wasm.len())
            .ok_or_else(|| {
                BundleError::NotWasm(format!(
                    "the section at byte {start} runs past the end of the file"
                ))
            })?;
        out.push(Section {
            id,
            whole: start..end,
            contents: contents_start..end,
        });
        at = end;
    }
    Ok(out)
}

/// The names the module exports.
fn exports(wasm: &[u8]) -> Result<Vec<String>, BundleError> {
    let broken = || BundleError::NotWasm("its export section does not parse".into());
    let mut names = Vec::new();
    for section in sections(wasm)?.into_iter().filter(|s| s.id == 7) {
        let (count, mut at) = read_leb128(wasm, section.contents.start).ok_or_else(broken)?;
        for _ in 0..count {
            let (len, name_at) = read_leb128(wasm, at).ok_or_else(broken)?;
            let name_end = name_at
                .checked_add(len)
                .filter(|&e| e < section.contents.end)
                .ok_or_else(broken)?;
            names.push(String::from_utf8_lossy(&wasm[name_at..name_end]).into_owned());
            // The export's kind (one byte), then its index.
            let (_, next) = read_leb128(wasm, name_end + 1).ok_or_else(broken)?;
            at = next;
        }
    }
    Ok(names)
}

/// An unsigned LEB128 of at most 32 bits at `at`; the value and where it ends.
fn read_leb128(bytes: &[u8], mut at: usize) -> Option<(usize, usize)> {
    let mut value: u64 = 0;
    for shift in (0..35).step_by(7) {
        let byte = *bytes.get(at)?;
        at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return u32::try_from(value)
                .ok()
                .and_then(|v| usize::try_from(v).ok())
                .map(|v| (v, at));
        }
    }
    None
}

fn leb128(out: &mut Vec<u8>, mut value: usize) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leb128_round_trips() {
        for value in [0, 1, 127, 128, 300, 16_384, 1 << 28, u32::MAX as usize] {
            let mut out = Vec::new();
            leb128(&mut out, value);
            assert_eq!(read_leb128(&out, 0), Some((value, out.len())));
        }
        assert_eq!(read_leb128(&[0x80, 0x80], 0), None);
        assert_eq!(read_leb128(&[0xff, 0xff, 0xff, 0xff, 0x7f], 0), None);
    }

    #[test]
    fn broken_modules_are_refused_with_a_reason() {
        assert!(matches!(
            with_init_section(b"PK\x03\x04", b""),
            Err(BundleError::NotWasm(_))
        ));
        let mut cut = MAGIC.to_vec();
        cut.extend_from_slice(&[1, 10, 0]);
        let error = with_init_section(&cut, b"").unwrap_err();
        assert_eq!(
            error.to_string(),
            "the engine is not a WebAssembly module: the section at byte 8 runs past the end of the file"
        );
    }

    #[test]
    fn an_engine_needs_the_abi_exports() {
        let bundle = Bundle::new(MAGIC.to_vec(), WorkerInit::default());
        let error = bundle.files().unwrap_err();
        assert!(error.to_string().starts_with(
            "the engine is not a contentkit worker engine: it does not export memory, ck_abi_version"
        ));
    }

    /// A module with the engine's exports and, when given, a fingerprint section.
    fn fake_engine(fingerprint: Option<&[u8]>) -> Vec<u8> {
        let mut engine = MAGIC.to_vec();
        // Empty type and export sections would do for the check; give it the exports.
        let mut exports = Vec::new();
        leb128(&mut exports, ENGINE_EXPORTS.len());
        for name in ENGINE_EXPORTS {
            leb128(&mut exports, name.len());
            exports.extend_from_slice(name.as_bytes());
            exports.extend_from_slice(&[0, 0]);
        }
        engine.push(7);
        leb128(&mut engine, exports.len());
        engine.extend_from_slice(&exports);
        if let Some(payload) = fingerprint {
            let mut section = Vec::new();
            leb128(&mut section, FINGERPRINT_SECTION.len());
            section.extend_from_slice(FINGERPRINT_SECTION.as_bytes());
            section.extend_from_slice(payload);
            engine.push(0);
            leb128(&mut engine, section.len());
            engine.extend_from_slice(&section);
        }
        engine
    }

    /// An engine carrying this build's fingerprint, and others that do not.
    #[test]
    fn an_engine_of_another_build_is_refused_before_anything_is_written() {
        let bundle = |engine: Vec<u8>| Bundle::new(engine, WorkerInit::default()).files();
        assert!(bundle(fake_engine(Some(&FINGERPRINT.to_le_bytes()))).is_ok());
        let other = (FINGERPRINT ^ 1).to_le_bytes();
        let message = bundle(fake_engine(Some(&other))).unwrap_err().to_string();
        assert!(
            message.starts_with(&format!(
            "the engine was built from another version of contentkit than this program ({:016x};",
            FINGERPRINT ^ 1
        )),
            "{message}"
        );
        let message = bundle(fake_engine(None)).unwrap_err().to_string();
        assert!(
            message.contains("(no contentkit.fingerprint section;"),
            "{message}"
        );
    }

    #[test]
    fn a_bundle_of_an_image_holds_what_a_bundle_of_its_files_does() {
        let engine = fake_engine(Some(&FINGERPRINT.to_le_bytes()));
        let mut init = WorkerInit::default();
        init.add_file(
            "hello.tsx",
            "import { createComponent } from '@gitbook/runtime';\n\
             export const hello = createComponent({ componentId: 'hello', \
             render: () => <block><text>hi</text></block> });\n",
        )
        .unwrap();
        let from_files = Bundle::new(engine.clone(), init.clone()).files().unwrap();
        let from_image = Bundle::with_image(engine.clone(), init.image().unwrap())
            .files()
            .unwrap();
        assert_eq!(from_image, from_files);
        // The image is in the engine: the bundle is not the empty integration's.
        let empty = Bundle::new(engine, WorkerInit::default()).files().unwrap();
        assert_ne!(from_image[0], empty[0]);
    }

    #[test]
    fn names_and_addresses_are_checked() {
        assert!(check_name("my-worker-2").is_ok());
        for bad in ["", "-a", "a-", "A", "a_b", &"a".repeat(64)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
        for good in ["127.0.0.1:8787", "*:0", "localhost:1", "[::1]:80"] {
            assert!(check_addr(good).is_ok(), "{good}");
        }
        for bad in ["8787", "127.0.0.1", "a\":1", "h:99999", ":80"] {
            assert!(check_addr(bad).is_err(), "{bad}");
        }
    }
}
