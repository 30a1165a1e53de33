//! The pest parser generated from `grammar/contentkit.pest`.

#![allow(missing_docs)]

use pest_derive::Parser;

/// The generated parser; [`Rule`] names every rule of the grammar.
#[derive(Parser)]
#[grammar = "../grammar/contentkit.pest"]
pub(crate) struct ScriptParser;
