//! The differential suite in-process: every case of `fixtures/differential` runs
//! through the language and must answer what the official runtime answered on Node
//! (`expected.json`). `scripts/differential.sh` compares the bytes over HTTP against a
//! live Node; this test gives the same verdict without Node, in a second.

use std::collections::HashMap;
use std::path::Path;

use contentkit::lang::eval::Limits;
use contentkit::lang::host::HostState;
use contentkit::lang::image::Compiled;
use contentkit::lang::program::Program;
use contentkit::lang::run::{ui_render, Outcome};
use serde_json::{json, Value};

const DIR: &str = "fixtures/differential";

fn merge_patch(target: &mut Value, patch: &Value) {
    match patch {
        Value::Object(p) => {
            if !target.is_object() {
                *target = json!({});
            }
            let t = target.as_object_mut().unwrap();
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        other => *target = other.clone(),
    }
}

/// The event of a step, as `benches/node/differential.mjs` builds it.
fn event_of(case: &str, index: usize, case_id: &str, step: &Value, env: &Value) -> Vec<u8> {
    if let Some(text) = step.get("eventText").and_then(Value::as_str) {
        return text.as_bytes().to_vec();
    }
    let space = env["spaceInstallation"]["space"].clone();
    let mut e = serde_json::Map::new();
    e.insert(
        "eventId".into(),
        json!(format!("differential-{case}-{}", index + 1)),
    );
    e.insert("type".into(), json!("ui_render"));
    e.insert("installationId".into(), env["installation"]["id"].clone());
    e.insert("spaceId".into(), space.clone());
    e.insert(
        "componentId".into(),
        step.get("componentId").cloned().unwrap_or(json!(case_id)),
    );
    e.insert(
        "props".into(),
        step.get("props").cloned().unwrap_or(json!({})),
    );
    e.insert(
        "context".into(),
        step.get("context").cloned().unwrap_or(
            json!({"type": "document", "theme": "light", "spaceId": space, "editable": true}),
        ),
    );
    for k in ["state", "action"] {
        if let Some(v) = step.get(k) {
            e.insert(k.into(), v.clone());
        }
    }
    serde_json::to_vec(&Value::Object(e)).unwrap()
}

/// Replaces `\uD8xx`-style escapes of lone surrogates by `\uFFFD`, so serde_json can
/// read both sides (both are rewritten alike).
fn lone_surrogates_replaced(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let unit = |at: usize| -> Option<u16> {
        if b.get(at) == Some(&b'\\') && b.get(at + 1) == Some(&b'u') {
            std::str::from_utf8(b.get(at + 2..at + 6)?)
                .ok()
                .and_then(|h| u16::from_str_radix(h, 16).ok())
        } else {
            None
        }
    };
    while i < b.len() {
        if b[i] == b'\\' && b.get(i + 1) == Some(&b'\\') {
            out.push_str("\\\\");
            i += 2;
            continue;
        }
        if let Some(u) = unit(i) {
            if (0xD800..0xDC00).contains(&u)
                && unit(i + 6).is_some_and(|l| (0xDC00..0xE000).contains(&l))
            {
                out.push_str(&text[i..i + 12]);
                i += 12;
                continue;
            }
            if (0xD800..0xE000).contains(&u) {
                out.push_str("\\ufffd");
                i += 6;
                continue;
            }
        }
        let c = text[i..].chars().next().unwrap();
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// Loads a case from source, as `contentkit serve` does.
fn from_source(name: &str, files: &HashMap<String, String>) -> Result<Program, String> {
    Program::load(name, &files[name], files).map_err(|d| d.to_string())
}

/// Compiles a case into an image and loads that, as the WebAssembly worker
/// does (it has no parser).
fn from_image(name: &str, files: &HashMap<String, String>) -> Result<Program, String> {
    let compiled = Program::compile(name, &files[name], files).map_err(|d| d.to_string())?;
    let image = compiled.to_image().map_err(|e| e.to_string())?;
    Compiled::from_image(&image)
        .map_err(|e| e.to_string())?
        .load()
        .map_err(|d| d.to_string())
}

#[test]
fn differential_cases_match_node() {
    run_cases(from_source);
}

/// The same answers from compiled images: an image loses nothing the
/// evaluator reads (regular expressions, classes, closures, imports, sites of
/// errors).
#[test]
fn differential_cases_match_node_from_images() {
    run_cases(from_image);
}

fn run_cases(load: fn(&str, &HashMap<String, String>) -> Result<Program, String>) {
    let files: HashMap<String, String> = std::fs::read_dir(DIR)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            let name = p.file_name()?.to_str()?.to_owned();
            (name.ends_with(".ts")
                || name.ends_with(".tsx")
                || contentkit::lang::asset::is_asset_module(&name))
            .then(|| (name, std::fs::read_to_string(&p).unwrap()))
        })
        .collect();
    let expected: Value = serde_json::from_str(&lone_surrogates_replaced(
        &std::fs::read_to_string(Path::new(DIR).join("expected.json")).unwrap(),
    ))
    .unwrap();
    let base_env: Value =
        serde_json::from_str(&std::fs::read_to_string("fixtures/events/environment.json").unwrap())
            .unwrap();
    let only = std::env::var("CASE").ok();
    let mut failures = Vec::new();
    let mut passed = 0;
    let mut names: Vec<&String> = files.keys().filter(|n| n.ends_with(".tsx")).collect();
    names.sort();
    for name in names {
        let case = name.trim_end_matches(".tsx");
        if only.as_deref().is_some_and(|o| o != case) {
            continue;
        }
        let steps_path = Path::new(DIR).join(format!("{case}.steps.json"));
        let Ok(steps_text) = std::fs::read_to_string(&steps_path) else {
            continue;
        };
        let steps: Value = serde_json::from_str(&steps_text).unwrap();
        let program = match load(name, &files) {
            Ok(p) => p,
            Err(d) => {
                failures.push(format!("{case}: does not compile:\n{d}"));
                continue;
            }
        };
        let component_id = steps["componentId"].as_str().unwrap_or(case).to_owned();
        for (i, step) in steps["steps"].as_array().unwrap().iter().enumerate() {
            let want = &expected[case][i];
            let mut env = base_env.clone();
            if let Some(p) = step.get("environment") {
                merge_patch(&mut env, p);
            }
            let event = event_of(case, i, &component_id, step, &base_env);
            let outcome = ui_render(
                &program,
                &event,
                &serde_json::to_vec(&env).unwrap(),
                Limits::default(),
                HostState::new(1.7e12, 7),
            );
            let Outcome::Done(r) = outcome else {
                failures.push(format!("{case}[{i}]: suspended"));
                continue;
            };
            let label = format!(
                "{case}[{i}] {}",
                step.get("name").and_then(Value::as_str).unwrap_or("")
            );
            let invalid = step.get("invalidOutput").is_some();
            if invalid {
                if r.status == 200 {
                    failures.push(format!("{label}: Node's output is invalid ContentKit; contentkit answered 200 instead of refusing it"));
                } else {
                    passed += 1;
                }
                continue;
            }
            let body = lone_surrogates_replaced(&String::from_utf8_lossy(&r.body));
            let want_body = match want.get("json") {
                Some(j) => serde_json::to_string(j).unwrap(),
                None => want["text"].as_str().unwrap_or("").to_owned(),
            };
            let ours = serde_json::from_str::<Value>(&body)
                .map(|v| serde_json::to_string(&v).unwrap())
                .unwrap_or(body.clone());
            let cache = r.cache_control.clone();
            let want_cache = want["cacheControl"].as_str().map(str::to_owned);
            if u64::from(r.status) != want["status"].as_u64().unwrap_or(0)
                || ours != want_body
                || cache != want_cache
            {
                let diags: Vec<String> = r.diagnostics.iter().map(ToString::to_string).collect();
                let at = ours
                    .bytes()
                    .zip(want_body.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                let from = at.saturating_sub(80);
                let window = |s: &str| s.get(from..(at + 120).min(s.len())).unwrap_or(s).to_owned();
                failures.push(format!(
                    "{label}:\n  node:       {} {:?} …{}\n  contentkit: {} {:?} …{}\n{}",
                    want["status"],
                    want_cache,
                    window(&want_body),
                    r.status,
                    cache,
                    window(&ours),
                    diags.join("\n")
                ));
            } else {
                passed += 1;
            }
        }
    }
    for f in &failures {
        eprintln!("FAIL {f}\n");
    }
    eprintln!(
        "differential: {passed} steps passed, {} failed",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} differential steps failed",
        failures.len()
    );
}
