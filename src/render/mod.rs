//! Renderers of the element tree into other forms.
//!
//! - [`html`]: the HTML preview of any element, as a fragment or a standalone page, with
//!   the hooks a playground needs to make it interactive.
//!
//! The tree's own JSON form lives with the tree ([`crate::element`]): serializing an
//! element gives exactly what GitBook reads.

pub mod html;
pub mod json;
