//! Generates `src/api/generated.rs` from the vendored OpenAPI document of
//! `@gitbook/api` (`api/openapi.json`) and the list of operations the client
//! types (`api/operations.txt`).
//!
//! ```sh
//! cargo run --manifest-path tools/api-codegen/Cargo.toml           # rewrite src/api/generated.rs
//! cargo run --manifest-path tools/api-codegen/Cargo.toml -- --check # fail if it is out of date
//! ```
//!
//! The schema types come from `typify`; the operations (one async method per
//! listed operation on `api::Client`) are written here. Only the schemas the
//! listed operations reach are generated, so the crate compiles what it uses;
//! add an operation id to `api/operations.txt` and rerun to type another one.
//!
//! The document is normalized before typify sees it (see [`normalize`]): the
//! client decodes what the server sends and must not reject a response that
//! a newer server shapes slightly differently, so validation keywords are
//! dropped, and a few constructs typify does not handle are rewritten.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use typify::{TypeSpace, TypeSpaceSettings};

const SPEC: &str = "api/openapi.json";
const OPERATIONS: &str = "api/operations.txt";
const OUTPUT: &str = "src/api/generated.rs";

/// Keywords that only constrain values. Dropped so that typify emits plain
/// types (no newtypes with checked constructors, no regex dependency) and a
/// response is never refused for a constraint the server itself relaxed.
const VALIDATION_KEYWORDS: &[&str] = &[
    "pattern",
    "format",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];

fn main() {
    // typify recurses through the document model's deeply nested schemas.
    let outcome = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(run)
        .expect("spawning the generator thread")
        .join();
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(message)) => {
            eprintln!("api-codegen: {message}");
            std::process::exit(1);
        }
        Err(_) => std::process::exit(101),
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run() -> Result<(), String> {
    let check = std::env::args().skip(1).any(|arg| arg == "--check");
    let root = root();
    let spec_bytes = read(&root.join(SPEC))?;
    let ops_text = String::from_utf8(read(&root.join(OPERATIONS))?)
        .map_err(|e| format!("{OPERATIONS}: {e}"))?;
    let generated = generate(&spec_bytes, &ops_text)?;
    let output = root.join(OUTPUT);
    if check {
        let current = std::fs::read_to_string(&output).unwrap_or_default();
        if current != generated {
            return Err(format!(
                "{OUTPUT} is out of date: run `cargo run --manifest-path tools/api-codegen/Cargo.toml`"
            ));
        }
        println!("{OUTPUT} is up to date");
    } else {
        std::fs::write(&output, generated).map_err(|e| format!("{OUTPUT}: {e}"))?;
        println!("wrote {OUTPUT}");
    }
    Ok(())
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// The SHA-256 of `bytes`, as the header records it.
fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One operation to type, its parts resolved.
struct Operation {
    id: String,
    method: String,
    path: String,
    summary: Option<String>,
    path_params: Vec<String>,
    /// The name of the generated query type, when the operation has query parameters.
    query: Option<String>,
    /// The body's type name, when it takes a JSON body.
    body: Option<String>,
    /// The answer's type name; `None` for an answer without a body.
    response: Option<String>,
}

fn generate(spec_bytes: &[u8], ops_text: &str) -> Result<String, String> {
    let mut spec: Value = serde_json::from_slice(spec_bytes).map_err(|e| format!("{SPEC}: {e}"))?;
    normalize(&mut spec);
    let version = spec["info"]["version"].as_str().unwrap_or("?").to_owned();

    let originals = spec["components"]["schemas"]
        .as_object()
        .ok_or("no components.schemas")?
        .clone();
    let mut flat = Map::new();
    for name in originals.keys() {
        flat_definition(name, &originals, &mut flat, &mut Vec::new())?;
    }
    let parameters = spec["components"]["parameters"]
        .as_object()
        .cloned()
        .unwrap_or_default();

    let wanted: Vec<&str> = ops_text
        .lines()
        .map(|line| line.split('#').next().unwrap_or("").trim())
        .filter(|line| !line.is_empty())
        .collect();
    let mut found: BTreeMap<String, (String, String, Value, Value)> = BTreeMap::new();
    for (path, item) in spec["paths"].as_object().ok_or("no paths")? {
        for (method, op) in item.as_object().into_iter().flatten() {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                let shared = item.get("parameters").cloned().unwrap_or(json!([]));
                found.insert(
                    id.to_owned(),
                    (method.clone(), path.clone(), op.clone(), shared),
                );
            }
        }
    }

    // Inline schemas of the operations become named definitions.
    let mut extra: Vec<(String, Value)> = Vec::new();
    let mut operations = Vec::new();
    for id in &wanted {
        let (method, path, op, shared) = found
            .get(*id)
            .ok_or_else(|| format!("{OPERATIONS}: no operation `{id}` in {SPEC}"))?;
        let pascal = pascal(id);
        let mut path_params = Vec::new();
        let mut query_props = Map::new();
        let mut query_required = Vec::new();
        let params = shared
            .as_array()
            .into_iter()
            .flatten()
            .chain(op["parameters"].as_array().into_iter().flatten());
        for param in params {
            let param = match param.get("$ref").and_then(Value::as_str) {
                Some(r) => parameters
                    .get(last_segment(r))
                    .ok_or_else(|| format!("{id}: unknown parameter {r}"))?,
                None => param,
            };
            let name = param["name"]
                .as_str()
                .ok_or_else(|| format!("{id}: unnamed parameter"))?;
            match param["in"].as_str() {
                Some("path") => {
                    let schema = match param["schema"].get("$ref").and_then(Value::as_str) {
                        Some(r) => flat.get(last_segment(r)).cloned().unwrap_or(Value::Null),
                        None => param["schema"].clone(),
                    };
                    if schema["type"] != "string" {
                        return Err(format!("{id}: path parameter `{name}` is not a string"));
                    }
                    path_params.push(name.to_owned());
                }
                Some("query") => {
                    let mut schema = param["schema"].clone();
                    flatten(&mut schema, &originals, &mut flat, &mut Vec::new())?;
                    if let Some(description) = param.get("description") {
                        if let Some(object) = schema.as_object_mut() {
                            object.entry("description").or_insert(description.clone());
                        }
                    }
                    // A default is the server's business: sending nothing asks for it.
                    if let Some(object) = schema.as_object_mut() {
                        object.remove("default");
                    }
                    query_props.insert(name.to_owned(), schema);
                    if param["required"] == true {
                        query_required.push(json!(name));
                    }
                }
                _ => {} // headers and cookies are not modelled
            }
        }
        let query = (!query_props.is_empty()).then(|| {
            let name = format!("{pascal}Query");
            extra.push((
                name.clone(),
                json!({
                    "description": format!("Query parameters of `{id}`."),
                    "type": "object",
                    "properties": query_props,
                    "required": query_required,
                }),
            ));
            name
        });
        let body = match op.pointer("/requestBody/content/application~1json/schema") {
            None => {
                if op.get("requestBody").is_some() {
                    return Err(format!("{id}: the request body is not JSON"));
                }
                None
            }
            Some(schema) => Some(named(
                schema,
                &format!("{pascal}Body"),
                &originals,
                &mut flat,
                &mut extra,
            )?),
        };
        let success = op["responses"]
            .as_object()
            .and_then(|responses| responses.iter().find(|(code, _)| code.starts_with('2')))
            .map(|(_, response)| response)
            .ok_or_else(|| format!("{id}: no 2xx response"))?;
        let response = match success.pointer("/content/application~1json/schema") {
            Some(schema) => Some(named(
                schema,
                &format!("{pascal}Response"),
                &originals,
                &mut flat,
                &mut extra,
            )?),
            None if success.get("content").is_none() => None,
            None => return Err(format!("{id}: the response is not JSON")),
        };
        operations.push(Operation {
            id: (*id).to_owned(),
            method: method.to_ascii_uppercase(),
            path: path.clone(),
            summary: op["summary"].as_str().map(str::to_owned),
            path_params,
            query,
            body,
            response,
        });
    }

    // Only what the operations reach.
    let mut reached = BTreeSet::new();
    let mut pending: Vec<String> = Vec::new();
    for (_, schema) in &extra {
        collect_refs(schema, &mut pending);
    }
    for op in &operations {
        for name in [&op.body, &op.response].into_iter().flatten() {
            if flat.contains_key(name) {
                pending.push(name.clone());
            }
        }
    }
    while let Some(name) = pending.pop() {
        if reached.insert(name.clone()) {
            let schema = flat
                .get(&name)
                .ok_or_else(|| format!("unknown schema {name}"))?;
            collect_refs(schema, &mut pending);
        }
    }
    let mut definitions: Vec<(String, schemars::schema::Schema)> = Vec::new();
    for name in &reached {
        definitions.push((name.clone(), to_schema(name, &flat[name])?));
    }
    for (name, schema) in &extra {
        definitions.push((name.clone(), to_schema(name, schema)?));
    }

    let mut settings = TypeSpaceSettings::default();
    settings.with_struct_builder(false);
    let mut space = TypeSpace::new(&settings);
    space
        .add_ref_types(definitions)
        .map_err(|e| format!("typify: {e}"))?;
    let file: syn::File =
        syn::parse2(space.to_stream()).map_err(|e| format!("typify output: {e}"))?;
    let types = line_docs(&prettyplease::unparse(&file));

    let mut out = String::new();
    writeln!(
        out,
        "// @generated by tools/api-codegen from {SPEC} (GitBook API {version}, sha256 {}) \
         and {OPERATIONS} (sha256 {}). Do not edit: change those and rerun the generator.",
        sha256_hex(spec_bytes),
        sha256_hex(ops_text.as_bytes()),
    )
    .unwrap();
    out.push_str("\nuse super::client::{path_param, NO_BODY, NO_QUERY};\nuse super::{Client, Error, Method};\n\n");
    out.push_str(
        "/// Types of the GitBook API that the typed operations use, generated by typify.\n",
    );
    out.push_str("pub mod types {\n");
    out.push_str(&types);
    out.push_str("}\n\n");
    out.push_str(&emit_operations(&operations, &types)?);
    // rustfmt re-indents the closing line of a multi-line `/** */` doc
    // comment only on a second pass; the second pass is a fixed point, so the
    // committed file is what `cargo fmt` leaves.
    rustfmt(&rustfmt(&out)?)
}

/// Rewrites prettyplease's `/** … */` doc comments as `///` lines, and
/// keeps the API's prose from being read as Rust by rustdoc: a line indented
/// by four spaces or more is an (untested, uncompilable) code block, so
/// indentation is capped at three; a bare ``` fence becomes ```text.
fn line_docs(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut lines = source.lines();
    while let Some(line) = lines.next() {
        let Some(start) = line.find("/**").filter(|at| line[..*at].trim().is_empty()) else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let indent = &line[..start];
        let mut text = line[start + 3..].to_owned();
        while !text.contains("*/") {
            match lines.next() {
                Some(next) => {
                    text.push('\n');
                    text.push_str(next);
                }
                None => break,
            }
        }
        let (body, rest) = text.split_once("*/").unwrap_or((text.as_str(), ""));
        for doc_line in body.trim_end().lines() {
            let trimmed = doc_line.trim_start();
            let spaces = (doc_line.len() - trimmed.len()).min(3);
            let trimmed = if trimmed == "```" { "```text" } else { trimmed };
            let content = format!("{}{trimmed}", " ".repeat(spaces));
            out.push_str(&format!("{indent}///{}\n", content.trim_end()));
        }
        if !rest.trim().is_empty() {
            out.push_str(indent);
            out.push_str(rest.trim_start());
            out.push('\n');
        }
    }
    out
}

/// The type name typify gives definition `name`, checked against its output.
fn type_name(name: &str, types: &str) -> Result<String, String> {
    let rust = pascal(name);
    let declared = [
        format!("pub struct {rust} "),
        format!("pub struct {rust}("),
        format!("pub enum {rust} "),
        format!("pub type {rust} "),
    ];
    if declared.iter().any(|d| types.contains(d.as_str())) {
        Ok(format!("types::{rust}"))
    } else {
        Err(format!(
            "typify emitted no type for `{name}` (expected `{rust}`)"
        ))
    }
}

fn emit_operations(operations: &[Operation], types: &str) -> Result<String, String> {
    let mut out = String::from(
        "/// The typed operations (one per line of `api/operations.txt`).\nimpl Client {\n",
    );
    for op in operations {
        let mut args = String::new();
        let mut format_args = String::new();
        for param in &op.path_params {
            let snake = snake(param);
            write!(args, ", {snake}: &str").unwrap();
            write!(format_args, ", path_param(\"{param}\", {snake})?").unwrap();
        }
        let template = op.path_params.iter().fold(op.path.clone(), |path, param| {
            path.replace(&format!("{{{param}}}"), "{}")
        });
        let query = match &op.query {
            Some(name) => {
                let rust = type_name(name, types)?;
                write!(args, ", query: &{rust}").unwrap();
                "Some(query)".to_owned()
            }
            None => "NO_QUERY".to_owned(),
        };
        let body = match &op.body {
            Some(name) => {
                let rust = type_name(name, types)?;
                write!(args, ", body: &{rust}").unwrap();
                "Some(body)".to_owned()
            }
            None => "NO_BODY".to_owned(),
        };
        let response = match &op.response {
            Some(name) => type_name(name, types)?,
            None => "()".to_owned(),
        };
        let summary = op.summary.as_deref().unwrap_or("").trim();
        writeln!(out, "    /// {summary}").unwrap();
        writeln!(out, "    ///").unwrap();
        writeln!(out, "    /// `{} {}` (`{}`).", op.method, op.path, op.id).unwrap();
        let path_expr = if op.path_params.is_empty() {
            format!("\"{template}\".to_owned()")
        } else {
            format!("format!(\"{template}\"{format_args})")
        };
        writeln!(
            out,
            "    pub async fn {}(&self{args}) -> Result<{response}, Error> {{\n        \
             let path = {path_expr};\n        \
             self.send(Method::{}, &path, {query}, {body}).await\n    }}\n",
            snake(&op.id),
            op.method,
        )
        .unwrap();
    }
    out.push_str("}\n");
    Ok(out)
}

/// The name of `schema`: a `$ref`'s target, or `fallback` for an inline
/// schema, which is then added to `extra`.
fn named(
    schema: &Value,
    fallback: &str,
    originals: &Map<String, Value>,
    flat: &mut Map<String, Value>,
    extra: &mut Vec<(String, Value)>,
) -> Result<String, String> {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return Ok(last_segment(r).to_owned());
    }
    let mut schema = schema.clone();
    flatten(&mut schema, originals, flat, &mut Vec::new())?;
    extra.push((fallback.to_owned(), schema));
    Ok(fallback.to_owned())
}

fn to_schema(name: &str, value: &Value) -> Result<schemars::schema::Schema, String> {
    serde_json::from_value(value.clone()).map_err(|e| format!("schema {name}: {e}"))
}

fn last_segment(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push(last_segment(r).to_owned());
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// Rewrites what typify cannot take, or what would make decoding brittle.
///
/// - validation keywords are dropped ([`VALIDATION_KEYWORDS`]), and so is
///   `additionalProperties: false` (a field added by a newer server must not
///   fail decoding);
/// - a `$ref` keeps only its description and title (OpenAPI 3.1 allows
///   siblings, typify asserts there are none);
/// - an `enum` whose values are not all of its declared `type` (the document
///   has `BillingCreditsBundle`, a "string" enum of a string and numbers)
///   becomes a `oneOf` of one enum per JSON type.
fn normalize(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for key in VALIDATION_KEYWORDS {
                map.remove(*key);
            }
            if map.get("additionalProperties") == Some(&Value::Bool(false)) {
                map.remove("additionalProperties");
            }
            if map.contains_key("$ref") {
                map.retain(|key, _| key == "$ref" || key == "description" || key == "title");
            }
            split_mixed_enum(map);
            map.values_mut().for_each(normalize);
        }
        Value::Array(items) => items.iter_mut().for_each(normalize),
        _ => {}
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "string",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::Bool(_) => "boolean",
        Value::Null => "null",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn split_mixed_enum(map: &mut Map<String, Value>) {
    let (Some(Value::Array(values)), Some(Value::String(declared))) =
        (map.get("enum"), map.get("type"))
    else {
        return;
    };
    let kinds: BTreeSet<&str> = values.iter().map(json_type).collect();
    if kinds.len() == 1 && kinds.contains(declared.as_str()) {
        return;
    }
    let branches: Vec<Value> = kinds
        .iter()
        .map(|kind| {
            let members: Vec<&Value> = values.iter().filter(|v| json_type(v) == *kind).collect();
            json!({ "type": kind, "enum": members })
        })
        .collect();
    map.remove("type");
    map.remove("enum");
    map.insert("oneOf".to_owned(), Value::Array(branches));
}

/// Definition `name` with its `allOf`s merged, memoized in `flat`.
fn flat_definition(
    name: &str,
    originals: &Map<String, Value>,
    flat: &mut Map<String, Value>,
    stack: &mut Vec<String>,
) -> Result<Value, String> {
    if let Some(done) = flat.get(name) {
        return Ok(done.clone());
    }
    if stack.iter().any(|s| s == name) {
        return Err(format!("allOf cycle through {name}"));
    }
    let mut schema = originals
        .get(name)
        .cloned()
        .ok_or_else(|| format!("unknown schema {name}"))?;
    stack.push(name.to_owned());
    flatten(&mut schema, originals, flat, stack)?;
    stack.pop();
    flat.insert(name.to_owned(), schema.clone());
    Ok(schema)
}

/// Merges every `allOf` of objects into one object (properties of later
/// members win, `required` is the union).
///
/// typify merges `allOf` itself, but loops forever on the document model,
/// where a member's properties lead back to the schema being merged. The
/// merge here is shallow: properties keep their `$ref`s, so recursion stays
/// behind a reference. An `allOf` of a single `$ref` is that `$ref`; one
/// with a non-object member (a `oneOf`) is left to typify.
fn flatten(
    value: &mut Value,
    originals: &Map<String, Value>,
    flat: &mut Map<String, Value>,
    stack: &mut Vec<String>,
) -> Result<(), String> {
    match value {
        Value::Object(map) => {
            for child in map.values_mut() {
                flatten(child, originals, flat, stack)?;
            }
            let Some(Value::Array(members)) = map.get("allOf").cloned() else {
                return Ok(());
            };
            if let [only] = members.as_slice() {
                if let Some(reference) = only.get("$ref") {
                    map.remove("allOf");
                    map.insert("$ref".to_owned(), reference.clone());
                    map.retain(|key, _| key == "$ref" || key == "description" || key == "title");
                    return Ok(());
                }
            }
            let mut properties = Map::new();
            let mut required: Vec<Value> = Vec::new();
            for member in &members {
                let resolved = match member.get("$ref").and_then(Value::as_str) {
                    Some(r) => flat_definition(last_segment(r), originals, flat, stack)?,
                    None => member.clone(),
                };
                let is_object = resolved.get("properties").is_some()
                    || resolved.get("type") == Some(&json!("object"));
                if !is_object
                    || resolved.get("oneOf").is_some()
                    || resolved.get("anyOf").is_some()
                    || resolved.get("allOf").is_some()
                {
                    return Ok(());
                }
                if let Some(Value::Object(props)) = resolved.get("properties") {
                    for (key, prop) in props {
                        properties.insert(key.clone(), prop.clone());
                    }
                }
                for key in resolved
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if !required.contains(key) {
                        required.push(key.clone());
                    }
                }
            }
            map.remove("allOf");
            map.insert("type".to_owned(), json!("object"));
            map.insert("properties".to_owned(), Value::Object(properties));
            if !required.is_empty() {
                map.insert("required".to_owned(), Value::Array(required));
            }
            Ok(())
        }
        Value::Array(items) => items
            .iter_mut()
            .try_for_each(|v| flatten(v, originals, flat, stack)),
        _ => Ok(()),
    }
}

/// `getIntegrationInstallationById` → `GetIntegrationInstallationById`, as typify names types.
fn pascal(name: &str) -> String {
    use heck::ToPascalCase;
    name.to_pascal_case()
}

/// `getIntegrationInstallationById` → `get_integration_installation_by_id`.
fn snake(name: &str) -> String {
    use heck::ToSnakeCase;
    name.to_snake_case()
}

fn rustfmt(source: &str) -> Result<String, String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2021", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("running rustfmt: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("rustfmt: no stdin")?;
    let input = source.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|e| format!("rustfmt: {e}"))?;
    writer
        .join()
        .map_err(|_| "rustfmt: writer panicked")?
        .map_err(|e| format!("rustfmt: {e}"))?;
    if !output.status.success() {
        return Err("rustfmt failed on the generated code".to_owned());
    }
    String::from_utf8(output.stdout).map_err(|e| format!("rustfmt: {e}"))
}
