//! `contentkit`: a Rust engine for GitBook's ContentKit UI kit.
//!
//! - [`element`]: the typed element tree, its exact JSON form and its strict checks.
//! - [`runtime`]: the integration runtime: events, environment, webhooks.

pub mod element;
mod error;
pub mod runtime;

pub use error::Error;
