//! The engine's side of the worker ABI (see [the module](super) for the
//! table of exports): buffers, the response encoding, and
//! [`export_worker!`](crate::export_worker), which exports the functions.
//!
//! Everything but the `extern "C"` shims the macro writes is plain safe Rust,
//! so it is tested natively; a host written in Rust can call the same
//! functions.
//!
//! ```
//! use contentkit::runtime::OutgoingResponse;
//! use contentkit::worker::abi::{decode_response, encode_response};
//!
//! let response = OutgoingResponse::error(404, "Not found");
//! let buffer = encode_response(&response);
//! assert_eq!(&buffer[..4], &(buffer.len() as u32).to_le_bytes());
//! assert_eq!(&buffer[4..8], &404u32.to_le_bytes());
//! assert_eq!(decode_response(&buffer), Ok(response));
//! ```

use std::sync::OnceLock;

use super::{lines, InitError, RequestHead, Worker, WorkerImage};
use crate::runtime::OutgoingResponse;

/// The version of the ABI; `worker.mjs` refuses an engine of another.
pub const ABI_VERSION: u32 = 2;

/// The bytes before a response buffer's headers: total length, status,
/// headers length.
const PREFIX: usize = 12;

/// A zeroed buffer of `len` bytes that the host fills, then hands back to
/// [`take`] (or [`free`]).
pub fn alloc(len: usize) -> *mut u8 {
    into_raw(vec![0; len].into_boxed_slice())
}

/// A buffer whose ownership passes to the host; it comes back through
/// [`free`] with its length.
pub fn into_raw(buffer: Box<[u8]>) -> *mut u8 {
    Box::into_raw(buffer).cast()
}

/// Takes back a buffer from [`alloc`] or [`into_raw`].
///
/// # Safety
///
/// `ptr` and `len` must be exactly a pointer returned by [`alloc`] or
/// [`into_raw`] and that buffer's length, not taken back before.
pub unsafe fn take(ptr: *mut u8, len: usize) -> Box<[u8]> {
    // SAFETY: the caller passes a boxed slice's own pointer and length.
    unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) }
}

/// Frees a buffer from [`alloc`] or [`into_raw`].
///
/// # Safety
///
/// As for [`take`].
pub unsafe fn free(ptr: *mut u8, len: usize) {
    // SAFETY: as for `take`, whose contract the caller keeps.
    drop(unsafe { take(ptr, len) });
}

/// A response as the script reads it: `u32` total length, `u32` status,
/// `u32` headers length, the [header lines](lines), body (all little-endian).
/// A response whose headers the lines cannot hold, or over 4 GiB, becomes a
/// 500.
pub fn encode_response(response: &OutgoingResponse) -> Box<[u8]> {
    let mut buffer = Vec::with_capacity(PREFIX + 64 + response.body.len());
    buffer.resize(PREFIX, 0);
    if let Err(error) = lines::write(&mut buffer, &response.headers) {
        tracing::error!(%error, "a response header cannot be sent");
        return encode_response(&OutgoingResponse::error(500, "Internal server error"));
    }
    let headers = buffer.len() - PREFIX;
    buffer.extend_from_slice(&response.body);
    let (Ok(total32), Ok(headers32)) = (u32::try_from(buffer.len()), u32::try_from(headers)) else {
        return encode_response(&OutgoingResponse::error(500, "Internal server error"));
    };
    buffer[..4].copy_from_slice(&total32.to_le_bytes());
    buffer[4..8].copy_from_slice(&u32::from(response.status).to_le_bytes());
    buffer[8..12].copy_from_slice(&headers32.to_le_bytes());
    buffer.into_boxed_slice()
}

/// Reads a response buffer back (what `worker.mjs` does in JavaScript).
pub fn decode_response(buffer: &[u8]) -> Result<OutgoingResponse, String> {
    let word = |at: usize| -> Result<usize, String> {
        let bytes = buffer
            .get(at..at + 4)
            .ok_or_else(|| format!("a response buffer of {} bytes is cut", buffer.len()))?;
        let mut word = [0; 4];
        word.copy_from_slice(bytes);
        usize::try_from(u32::from_le_bytes(word)).map_err(|e| e.to_string())
    };
    let (total, status, headers_len) = (word(0)?, word(4)?, word(8)?);
    if total != buffer.len() || PREFIX + headers_len > total {
        return Err(format!(
            "a response buffer says {total} bytes with {headers_len} of headers, and has {}",
            buffer.len()
        ));
    }
    let headers = std::str::from_utf8(&buffer[PREFIX..PREFIX + headers_len])
        .map_err(|e| e.to_string())
        .and_then(lines::parse)
        .map_err(|e| format!("the headers of a response buffer: {e}"))?;
    Ok(OutgoingResponse {
        status: u16::try_from(status).map_err(|e| e.to_string())?,
        headers,
        body: buffer[PREFIX + headers_len..].to_vec(),
    })
}

/// One engine instance's state: the worker, once initialized.
#[derive(Debug, Default)]
pub struct Engine {
    worker: OnceLock<Worker>,
}

impl Engine {
    /// An engine not yet initialized.
    pub const fn new() -> Self {
        Engine {
            worker: OnceLock::new(),
        }
    }

    /// `ck_init`: reads the init data and builds the worker with `build`.
    /// A response buffer: 200 when ready, 500 with the reason otherwise.
    pub fn init(
        &self,
        init: &[u8],
        build: impl FnOnce(WorkerImage) -> Result<Worker, InitError>,
    ) -> Box<[u8]> {
        let response = match WorkerImage::from_slice(init).and_then(build) {
            Ok(worker) => match self.worker.set(worker) {
                Ok(()) => OutgoingResponse {
                    status: 200,
                    headers: Vec::new(),
                    body: Vec::new(),
                },
                Err(_) => OutgoingResponse::error(500, "the engine is already initialized"),
            },
            Err(error) => {
                // The deployer reads this in the worker's logs and in the answer.
                tracing::error!(%error, "the worker cannot start");
                OutgoingResponse::error(500, &format!("the worker cannot start: {error}"))
            }
        };
        encode_response(&response)
    }

    /// `ck_body_limit`: the largest body [`Engine::handle`] answers (0
    /// before initialization, when every request is refused anyway).
    pub fn body_limit(&self) -> usize {
        self.worker.get().map_or(0, Worker::body_limit)
    }

    /// `ck_handle`: one request, as a response buffer.
    pub fn handle(&self, head: &[u8], body: &[u8]) -> Box<[u8]> {
        let response = match (self.worker.get(), RequestHead::decode(head)) {
            (Some(worker), Ok(head)) => worker.handle(&head, body),
            (None, _) => {
                tracing::error!("a request reached an engine that was not initialized");
                OutgoingResponse::error(500, "Internal server error")
            }
            (_, Err(error)) => {
                tracing::error!(%error, "the script sent a request head that does not parse");
                OutgoingResponse::error(500, "Internal server error")
            }
        };
        encode_response(&response)
    }
}

/// Exports the worker ABI from a `cdylib` crate, with `$build` (a
/// `FnOnce(WorkerImage) -> Result<Worker, InitError>`) making the worker from
/// the init data once per instance.
///
/// ```ignore
/// use contentkit::worker::Worker;
///
/// contentkit::export_worker!(|image| Worker::from_image(my_integration(), image));
/// ```
#[macro_export]
macro_rules! export_worker {
    ($build:expr) => {
        static CONTENTKIT_ENGINE: $crate::worker::abi::Engine = $crate::worker::abi::Engine::new();

        /// The language this engine reads, for `contentkit build` to check
        /// against the one it compiles for (see `worker::bundle::FINGERPRINT_SECTION`).
        #[cfg(target_arch = "wasm32")]
        #[unsafe(link_section = "contentkit.fingerprint")]
        #[used]
        static CONTENTKIT_FINGERPRINT: [u8; 8] = $crate::lang::image::FINGERPRINT.to_le_bytes();

        /// The worker ABI's version.
        #[unsafe(no_mangle)]
        pub extern "C" fn ck_abi_version() -> u32 {
            $crate::worker::abi::ABI_VERSION
        }

        /// A buffer for the host to fill.
        #[unsafe(no_mangle)]
        pub extern "C" fn ck_alloc(len: usize) -> *mut u8 {
            $crate::worker::abi::alloc(len)
        }

        /// Frees a response buffer.
        ///
        /// # Safety
        ///
        /// `ptr` and `len` are a response buffer and its length, freed once.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn ck_free(ptr: *mut u8, len: usize) {
            // SAFETY: the host keeps the contract above.
            unsafe { $crate::worker::abi::free(ptr, len) }
        }

        /// Builds the worker from the init data.
        ///
        /// # Safety
        ///
        /// `ptr` and `len` come from `ck_alloc`, which this call takes over.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn ck_init(ptr: *mut u8, len: usize) -> *mut u8 {
            // SAFETY: the host keeps the contract above.
            let init = unsafe { $crate::worker::abi::take(ptr, len) };
            $crate::worker::abi::into_raw(CONTENTKIT_ENGINE.init(&init, $build))
        }

        /// The largest request body answered.
        #[unsafe(no_mangle)]
        pub extern "C" fn ck_body_limit() -> usize {
            CONTENTKIT_ENGINE.body_limit()
        }

        /// Answers one request.
        ///
        /// # Safety
        ///
        /// Both buffers come from `ck_alloc`, which this call takes over.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn ck_handle(
            head: *mut u8,
            head_len: usize,
            body: *mut u8,
            body_len: usize,
        ) -> *mut u8 {
            // SAFETY: the host keeps the contract above.
            let (head, body) = unsafe {
                (
                    $crate::worker::abi::take(head, head_len),
                    $crate::worker::abi::take(body, body_len),
                )
            };
            $crate::worker::abi::into_raw(CONTENTKIT_ENGINE.handle(&head, &body))
        }
    };
}
