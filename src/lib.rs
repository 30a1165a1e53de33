//! `contentkit`: a Rust engine for GitBook's ContentKit UI kit.
//!
//! - [`element`]: the typed element tree, its exact JSON form and its strict checks.

pub mod element;
mod error;

pub use error::Error;
