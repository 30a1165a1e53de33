//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod http_suite;
pub mod reference;
#[cfg(feature = "server")]
pub mod serve;
pub mod strategy;
pub mod webdriver;

use serde_json::{json, Value};

/// The vendored copy of GitBook's schema facts.
pub fn schema_defs() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/contentkit.schema.json"
    ))
    .expect("fixtures/contentkit.schema.json is vendored");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    schema["$defs"].clone()
}

/// A validator for one `$defs` entry of the schema (formats checked too), built once.
pub fn validator(def: &'static str) -> &'static jsonschema::Validator {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<&'static str, &'static jsonschema::Validator>>> =
        OnceLock::new();
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap();
    cache
        .entry(def)
        .or_insert_with(|| Box::leak(Box::new(build_validator(def))))
}

fn build_validator(def: &str) -> jsonschema::Validator {
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": format!("#/$defs/{def}"),
        "$defs": dispatch_on_discriminator(schema_defs()),
    });
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}

/// Every schema error for `instance`, one per line (empty when valid).
pub fn schema_errors(v: &jsonschema::Validator, instance: &Value) -> String {
    v.iter_errors(instance)
        .map(|e| format!("{}: {}", e.instance_path, e))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The recorded reference outputs, vendored from the official runtime's behaviour.
pub fn reference_outputs() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/reference/runtime-outputs.json"
    ))
    .expect("fixtures/reference/runtime-outputs.json is vendored");
    serde_json::from_str(&text).expect("reference outputs are JSON")
}

/// Rewrites each element union that the schema marks with a `type` discriminator
/// (`oneOf` of element definitions) into an equivalent dispatch on `type`.
///
/// The branches of those unions are disjoint by their `type` tag, so "exactly one branch
/// matches" is the same as "the tag is known and its branch matches". Evaluating every
/// branch, as plain `oneOf` does, costs 20^depth on nested trees; dispatching is linear.
fn dispatch_on_discriminator(mut defs: Value) -> Value {
    let snapshot = defs.clone();
    let tag_of = |reference: &str| -> Option<String> {
        let name = reference.strip_prefix("#/$defs/")?;
        snapshot[name]["properties"]["type"]["enum"][0]
            .as_str()
            .map(str::to_owned)
    };
    for (_, def) in defs.as_object_mut().unwrap().iter_mut() {
        if def.get("discriminator").is_none() {
            continue;
        }
        let Some(branches) = def["oneOf"].as_array() else {
            continue;
        };
        let mut tags = Vec::new();
        let mut cases = Vec::new();
        for b in branches {
            let Some(r) = b["$ref"].as_str() else {
                continue;
            };
            let Some(tag) = tag_of(r) else { continue };
            cases.push(json!({
                "if": {"properties": {"type": {"const": tag}}, "required": ["type"]},
                "then": {"$ref": r},
            }));
            tags.push(tag);
        }
        if tags.len() != branches.len() {
            continue; // not an element union (events nest their tags): leave it as written
        }
        *def = json!({
            "type": "object",
            "required": ["type"],
            "properties": {"type": {"enum": tags}},
            "allOf": cases,
        });
    }
    defs
}
