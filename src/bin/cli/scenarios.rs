//! `contentkit test [PATH]`: replays every scenario (`*.scenario.json`) against the code
//! as it is now, and compares each output with the recorded one, insta-style: a changed
//! scenario is written beside the old one as `NAME.scenario.json.new` for review.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use contentkit::component::Integration;
use contentkit::playground::ComponentFiles;
use contentkit::scenario::{replay, Change, Scenario};
use serde_json::Value;

use super::Failure;

/// How the command was asked to run.
pub struct TestArgs {
    pub path: PathBuf,
    pub review: bool,
    pub accept: bool,
    pub proxy: Option<String>,
}

const SUFFIX: &str = ".scenario.json";
const PENDING: &str = ".scenario.json.new";

pub fn run(args: &TestArgs) -> Result<(), Failure> {
    let scenarios = find(&args.path, SUFFIX)?;
    let mut failed = 0;
    let mut changed = 0;
    for path in &scenarios {
        match test_one(path, args) {
            Ok(Outcome::Same) => println!("ok      {}", path.display()),
            Ok(Outcome::Changed(changes)) => {
                changed += 1;
                println!("CHANGED {}", path.display());
                for c in &changes {
                    print_change(c);
                }
            }
            Err(Failure(message)) => {
                failed += 1;
                println!(
                    "FAILED  {}\n  {}",
                    path.display(),
                    message.replace('\n', "\n  ")
                );
            }
        }
    }
    if args.review || args.accept {
        changed = review(&args.path, args.accept)?;
    }
    let passed = scenarios.len() - failed - changed.min(scenarios.len() - failed);
    println!("{passed} passed, {} failed", failed + changed);
    if scenarios.is_empty() {
        return Err(Failure(format!(
            "no scenarios ({SUFFIX}) under {}",
            args.path.display()
        )));
    }
    if failed + changed > 0 {
        if changed > 0 && !args.review {
            eprintln!("review the changes with `contentkit test --review`");
        }
        return Err(Failure(String::new()));
    }
    Ok(())
}

enum Outcome {
    Same,
    Changed(Vec<Change>),
}

fn test_one(path: &Path, args: &TestArgs) -> Result<Outcome, Failure> {
    let located = |m: String| Failure(format!("{}: {m}", path.display()));
    let text = std::fs::read_to_string(path).map_err(|e| located(e.to_string()))?;
    let scenario = Scenario::from_json(&text).map_err(|e| located(e.to_string()))?;
    let replayed = match &args.proxy {
        Some(url) => {
            let mut transport = contentkit::runtime::http::HttpTransport::new(url);
            if let Some(env) = &scenario.environment {
                let env = serde_json::from_value(env.clone())
                    .map_err(|e| located(format!("\"environment\": {e}")))?;
                transport = transport.with_environment(&env);
            }
            replay(&scenario, transport)
        }
        None => replay(&scenario, &*integration_beside(path)?),
    }
    .map_err(|e| located(e.to_string()))?;
    let changes = scenario.changes(&replayed);
    let pending = pending_path(path);
    if changes.is_empty() {
        let _ = std::fs::remove_file(&pending);
        return Ok(Outcome::Same);
    }
    std::fs::write(&pending, scenario.with_outputs(&replayed).to_json())
        .map_err(|e| Failure(format!("{}: {e}", pending.display())))?;
    Ok(Outcome::Changed(changes))
}

/// The components of the files in the scenario's folder.
fn integration_beside(path: &Path) -> Result<std::sync::Arc<Integration>, Failure> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let files =
        ComponentFiles::load(folder).map_err(|e| Failure(format!("{}: {e}", folder.display())))?;
    let listing = files.listing();
    for f in listing["files"].as_array().into_iter().flatten() {
        if let Some(error) = f["error"].as_str() {
            eprintln!("{error}");
        }
    }
    Ok(files.current())
}

fn pending_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".new");
    PathBuf::from(p)
}

/// Files under `path` (or `path` itself) whose names end with `suffix`, sorted.
fn find(path: &Path, suffix: &str) -> Result<Vec<PathBuf>, Failure> {
    let mut out = Vec::new();
    if path.is_file() {
        out.push(path.to_owned());
        return Ok(out);
    }
    let mut folders = vec![path.to_owned()];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder)
            .map_err(|e| Failure(format!("{}: {e}", folder.display())))?;
        for entry in entries.flatten() {
            let p = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            // Links to folders are not followed: a link to a parent would never end.
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_dir && !name.starts_with('.') && name != "node_modules" && name != "target" {
                folders.push(p);
            } else if name.ends_with(suffix) {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Goes through the pending changes: accepts all with `accept_all`, else asks for each.
/// Returns how many still fail: skipped, or rejected (the code still differs from them).
fn review(path: &Path, accept_all: bool) -> Result<usize, Failure> {
    let pending = if path.is_file() {
        vec![pending_path(path)]
            .into_iter()
            .filter(|p| p.exists())
            .collect()
    } else {
        find(path, PENDING)?
    };
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut left = 0;
    for new_path in pending {
        let old_path = PathBuf::from(
            new_path
                .to_string_lossy()
                .trim_end_matches(".new")
                .to_owned(),
        );
        let decision = if accept_all {
            'a'
        } else {
            println!("\nreview {}:", old_path.display());
            if let (Ok(old), Ok(new)) = (read_scenario(&old_path), read_scenario(&new_path)) {
                if let Ok(replayed) = as_replayed(&new) {
                    for c in old.changes(&replayed) {
                        print_change(&c);
                    }
                }
            }
            print!("[a]ccept, [r]eject, [s]kip? ");
            let _ = std::io::stdout().flush();
            match lines.next() {
                Some(Ok(line)) => line.trim().chars().next().unwrap_or('s'),
                _ => 's',
            }
        };
        match decision {
            'a' | 'A' => {
                std::fs::rename(&new_path, &old_path)
                    .map_err(|e| Failure(format!("{}: {e}", old_path.display())))?;
                println!("accepted {}", old_path.display());
            }
            'r' | 'R' => {
                std::fs::remove_file(&new_path)
                    .map_err(|e| Failure(format!("{}: {e}", new_path.display())))?;
                println!("rejected {}", old_path.display());
                left += 1;
            }
            _ => left += 1,
        }
    }
    Ok(left)
}

fn read_scenario(path: &Path) -> Result<Scenario, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| Failure(e.to_string()))?;
    Scenario::from_json(&text).map_err(|e| Failure(e.to_string()))
}

/// A scenario's recorded outputs, as if replayed (to diff a pending file against the old).
fn as_replayed(s: &Scenario) -> Result<contentkit::scenario::Replayed, Failure> {
    Ok(contentkit::scenario::Replayed {
        output: s.output.clone().unwrap_or(Value::Null),
        steps: s
            .steps
            .iter()
            .map(|st| {
                if st.renders() {
                    st.output.clone()
                } else {
                    None
                }
            })
            .collect(),
    })
}

/// A change as a line diff of the element trees, as markup (state and props as JSON).
fn print_change(change: &Change) {
    println!("  step {}: {}", change.step, change.what);
    let old = change.recorded.as_ref().map(readable).unwrap_or_default();
    let new = readable(&change.replayed);
    if change.recorded.is_none() {
        println!("    (new: nothing was recorded)");
    }
    let diff = similar::TextDiff::from_lines(&old, &new);
    let unified = diff
        .unified_diff()
        .context_radius(3)
        .header("recorded", "now")
        .to_string();
    for line in unified.lines() {
        println!("    {line}");
    }
}

/// An output as text that diffs well: its element as markup, then state and props.
fn readable(output: &Value) -> String {
    let mut text = String::new();
    match output.get("element") {
        Some(element) => {
            text.push_str(&contentkit::markup::print_markup(element));
            if !text.ends_with('\n') {
                text.push('\n');
            }
            for key in ["state", "props"] {
                if let Some(v) = output.get(key) {
                    text.push_str(&format!("{key}: {v}\n"));
                }
            }
        }
        None => {
            text.push_str(&serde_json::to_string_pretty(output).unwrap_or_default());
            text.push('\n');
        }
    }
    text
}
