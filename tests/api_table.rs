//! `src/lang/builtins/api_table.rs`, the operations `context.api` offers component
//! files, is generated from the vendored OpenAPI document (`api/openapi.json`) by this
//! test: it fails when the committed table differs from what the document gives.
//!
//! ```sh
//! UPDATE_API_TABLE=1 cargo test --test api_table   # rewrite the table
//! ```
//!
//! The names and argument orders are those of the client `@gitbook/api` generates
//! from the same document (swagger-typescript-api): one object per first path
//! segment (`/integrations/…` → `api.integrations`), each operation named after its
//! `operationId` in lodash's camelCase (`getSpacePDF` → `getSpacePdf`), taking its
//! path parameters in the order the path names them, then the request body (`data`)
//! and the query parameters (`query`) — the query first only when it is required and
//! the body is not.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

const SPEC: &str = "api/openapi.json";
const TABLE: &str = "src/lang/builtins/api_table.rs";
const ENUMS: &str = "src/lang/builtins/api_enums.rs";
const METHODS: &[&str] = &["get", "post", "put", "patch", "delete"];

/// The words of an identifier as lodash's `words` splits it: case changes,
/// acronyms (`PDFFile` → `PDF`, `File`), digit runs, and separators.
fn words(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        if let Some(&p) = i.checked_sub(1).and_then(|j| chars.get(j)) {
            let next_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            let boundary = (c.is_ascii_uppercase()
                && (p.is_ascii_lowercase() || p.is_ascii_digit()))
                || (c.is_ascii_uppercase() && p.is_ascii_uppercase() && next_lower)
                || (c.is_ascii_digit() != p.is_ascii_digit() && p.is_ascii_alphanumeric());
            if boundary && !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        }
        current.push(c);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// lodash's `camelCase`.
fn camel(text: &str) -> String {
    let mut out = String::new();
    for (i, word) in words(text).iter().enumerate() {
        let lower = word.to_ascii_lowercase();
        if i == 0 {
            out.push_str(&lower);
        } else {
            let mut chars = lower.chars();
            if let Some(first) = chars.next() {
                out.push(first.to_ascii_uppercase());
                out.extend(chars);
            }
        }
    }
    out
}

/// A parameter, its `$ref` followed.
fn parameter<'a>(spec: &'a Value, p: &'a Value) -> &'a Value {
    match p.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap_or_default();
            &spec["components"]["parameters"][name]
        }
        None => p,
    }
}

struct Operation {
    namespace: String,
    name: String,
    method: String,
    path: String,
    args: Vec<&'static str>,
}

fn operations(spec: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    let paths = spec["paths"].as_object().expect("paths");
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            let id = op["operationId"].as_str().expect("operationId");
            let params: Vec<&Value> = item
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .chain(
                    op.get("parameters")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten(),
                )
                .map(|p| parameter(spec, p))
                .collect();
            let query: Vec<&&Value> = params.iter().filter(|p| p["in"] == "query").collect();
            let query_required = query.iter().any(|p| p["required"] == true);
            let body = op.get("requestBody");
            let body_required = body.is_some_and(|b| b["required"] == true);
            let mut args: Vec<&'static str> = vec!["Arg::Path"; path.matches('{').count()];
            match (body.is_some(), !query.is_empty()) {
                (true, true) if query_required && !body_required => {
                    args.extend(["Arg::Query", "Arg::Data"])
                }
                (true, true) => args.extend(["Arg::Data", "Arg::Query"]),
                (true, false) => args.push("Arg::Data"),
                (false, true) => args.push("Arg::Query"),
                (false, false) => {}
            }
            let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
            out.push(Operation {
                namespace: camel(first),
                name: camel(id),
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                args,
            });
        }
    }
    out.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    out
}

fn generate(spec: &Value) -> String {
    let ops = operations(spec);
    let mut namespaces: Vec<&str> = ops
        .iter()
        .map(|o| o.namespace.as_str())
        .filter(|n| !n.is_empty())
        .collect();
    namespaces.dedup();
    let mut out = String::new();
    out.push_str(
        "//! The operations of the GitBook API, as the client of `@gitbook/api` names them\n\
         //! (`api.integrations.updateIntegrationInstallation(name, id, data)`).\n\
         //!\n\
         //! Generated from `api/openapi.json` by `tests/api_table.rs`; do not edit\n\
         //! (`UPDATE_API_TABLE=1 cargo test --test api_table` rewrites it).\n\n\
         use super::api::{Arg, Operation};\n\n",
    );
    let _ = writeln!(
        out,
        "/// The namespaces of the client (`api.spaces`, `api.integrations`), sorted."
    );
    out.push_str("pub(crate) const NAMESPACES: &[&str] = &[\n");
    for n in &namespaces {
        let _ = writeln!(out, "    {n:?},");
    }
    out.push_str("];\n\n");
    let _ = writeln!(
        out,
        "/// Every operation, sorted by namespace (`\"\"` for the client's own methods), then name."
    );
    out.push_str("pub(crate) const OPERATIONS: &[Operation] = &[\n");
    for o in &ops {
        let _ = writeln!(
            out,
            "    Operation {{ namespace: {:?}, name: {:?}, method: {:?}, path: {:?}, args: &[{}] }},",
            o.namespace,
            o.name,
            o.method,
            o.path,
            o.args.join(", ")
        );
    }
    out.push_str("];\n");
    out
}

/// The key `@gitbook/api` gives an enum member of value `value`: a value in
/// CONSTANT_CASE stays as written; any other is split at each run of characters
/// that are not letters or digits, and each part starts with a capital
/// (`link-external` → `LinkExternal`, `page_created` → `PageCreated`); a key that
/// would start with a digit starts with `Value`.
fn enum_key(value: &str) -> String {
    let constant_case = value.chars().any(|c| c.is_ascii_uppercase())
        && !value.chars().any(|c| c.is_ascii_lowercase());
    let key: String = if constant_case {
        value
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect()
    } else {
        value
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|part| !part.is_empty())
            .map(|part| {
                let mut chars = part.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_ascii_uppercase().to_string() + chars.as_str()
                })
            })
            .collect()
    };
    if key.starts_with(|c: char| c.is_ascii_digit()) {
        format!("Value{key}")
    } else {
        key
    }
}

/// The enums of the document's schemas, as `@gitbook/api` exports them: each
/// schema with an `enum` of strings, its members in the document's order.
/// `null` (of a nullable enum) is no member; neither is a value that is not a
/// string (the document has four numbers where the client has strings that
/// cannot be told back from them: `13500_1500` read as 135001500).
fn enums(spec: &Value) -> Vec<(String, Vec<(String, String)>)> {
    let Some(schemas) = spec["components"]["schemas"].as_object() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, schema) in schemas {
        let Some(values) = schema["enum"].as_array() else {
            continue;
        };
        let members = values
            .iter()
            .filter_map(Value::as_str)
            .map(|v| (enum_key(v), v.to_owned()))
            .collect();
        out.push((name.clone(), members));
    }
    out.sort();
    out
}

fn generate_enums(spec: &Value) -> String {
    let mut out = String::new();
    out.push_str(
        "//! The enums `@gitbook/api` exports (`ContentKitIcon.Github` is `\"github\"`),\n\
         //! sorted by name, each member's key and value in the document's order.\n\
         //!\n\
         //! Generated from `api/openapi.json` by `tests/api_table.rs`; do not edit\n\
         //! (`UPDATE_API_TABLE=1 cargo test --test api_table` rewrites it).\n\n",
    );
    out.push_str("/// Each enum: its name, and its members' keys and values.\n");
    out.push_str("pub(crate) const ENUMS: &[(&str, &[(&str, &str)])] = &[\n");
    for (name, members) in enums(spec) {
        let _ = writeln!(out, "    ({name:?}, &[");
        for (key, value) in members {
            let _ = writeln!(out, "        ({key:?}, {value:?}),");
        }
        out.push_str("    ]),\n");
    }
    out.push_str("];\n");
    out
}

#[test]
fn the_enum_table_is_what_the_document_gives() {
    check_generated(ENUMS, generate_enums);
}

#[test]
fn enum_keys_are_the_clients() {
    assert_eq!(enum_key("link-external"), "LinkExternal");
    assert_eq!(enum_key("page_created"), "PageCreated");
    assert_eq!(enum_key("FETCH_TIMEOUT"), "FETCH_TIMEOUT");
    assert_eq!(enum_key("free_2024"), "Free2024");
    assert_eq!(enum_key("13500_1500"), "Value135001500");
    assert_eq!(enum_key("github"), "Github");
}

#[test]
fn the_api_table_is_what_the_document_gives() {
    check_generated(TABLE, generate);
}

/// Compares the committed file at `path` with what `generate` makes of the
/// document, or rewrites it with `UPDATE_API_TABLE` set.
fn check_generated(path: &str, generate: fn(&Value) -> String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec: Value =
        serde_json::from_slice(&std::fs::read(root.join(SPEC)).expect("api/openapi.json"))
            .expect("the document is JSON");
    let table = generate(&spec);
    if std::env::var_os("UPDATE_API_TABLE").is_some() {
        std::fs::write(root.join(path), &table).expect("writing the table");
        return;
    }
    let committed = std::fs::read_to_string(root.join(path)).unwrap_or_default();
    assert!(
        committed == table,
        "{path} is out of date: run UPDATE_API_TABLE=1 cargo test --test api_table"
    );
}

#[test]
fn names_follow_lodash_camel_case() {
    assert_eq!(camel("getSpacePDF"), "getSpacePdf");
    assert_eq!(camel("listOpenAPISpecs"), "listOpenApiSpecs");
    assert_eq!(
        camel("setUserAsSSOMemberForOrganization"),
        "setUserAsSsoMemberForOrganization"
    );
    assert_eq!(camel("custom-hostnames"), "customHostnames");
    assert_eq!(camel("getAuthenticatedUser"), "getAuthenticatedUser");
    assert_eq!(camel(""), "");
}
