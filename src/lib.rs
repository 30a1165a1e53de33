//! `contentkit`: a Rust engine for GitBook's ContentKit UI kit.
//!
//! - [`element`]: the typed element tree, its exact JSON form and its strict checks.
//! - [`api`]: a client of the GitBook API (feature `api`).
//! - [`component`]: components, their lifecycle, and the client that drives them.
//! - [`markup`]: the JSX-like markup language, compiled once and rendered many times.
//! - [`render`]: the JSON and HTML serializers.
//! - [`playground`]: the interactive playground (feature `server`).
//! - [`testing`]: snapshot tests of components for their authors (feature `testing`).
//! - [`runtime`]: the integration runtime: events, environment, webhooks.
//! - [`scenario`]: recorded sessions with a component, replayed as tests (`contentkit test`).
//! - [`worker`]: the integration as a WebAssembly worker on Cloudflare Workers and `workerd`.

// pest is built without its `std` feature (see Cargo.toml), and the parser it generates
// then names the `alloc` crate.
extern crate alloc;

#[cfg(feature = "api")]
pub mod api;
mod bytes;
pub mod component;
pub mod element;
mod error;
pub mod lang;
pub mod markup;
#[cfg(feature = "server")]
pub mod playground;
pub mod render;
pub mod runtime;
pub mod scenario;
#[cfg(feature = "testing")]
pub mod testing;
pub mod worker;

pub use error::Error;
