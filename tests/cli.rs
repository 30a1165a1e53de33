//! The `contentkit` command as a user runs it.

mod common;

use std::process::Command;

fn contentkit(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_contentkit"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn check_rejects_a_misspelled_style_with_its_path() {
    let (code, stdout, _) = contentkit(&[
        "check",
        "fixtures/trees/misspelled-style.json",
        "fixtures/trees/counter.json",
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        "fixtures/trees/misspelled-style.json: element.children[1].style: unknown value \"primry\", expected one of primary, secondary, danger\n"
    );
}

#[test]
fn check_reports_invalid_json_with_line_and_column() {
    let dir = std::env::temp_dir().join(format!("ck-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\n  \"type\": \"block\",\n  \"children\": [,]\n}").unwrap();
    let (code, stdout, _) = contentkit(&["check", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stdout.contains("bad.json:3:16: invalid JSON"), "{stdout}");
}

#[test]
fn every_reference_output_passes_check_and_renders_back_unchanged() {
    let dir = std::env::temp_dir().join(format!("ck-cli-ref-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let reference = common::reference_outputs();
    let mut files = Vec::new();
    for (component, steps) in reference.as_object().unwrap() {
        for (i, step) in steps.as_array().unwrap().iter().enumerate() {
            let path = dir.join(format!("{component}-{i}.json"));
            std::fs::write(
                &path,
                serde_json::to_string_pretty(&step["output"]).unwrap(),
            )
            .unwrap();
            let (code, stdout, stderr) = contentkit(&["render", path.to_str().unwrap()]);
            assert_eq!(code, 0, "{stderr}");
            assert_eq!(
                stdout.trim_end(),
                serde_json::to_string(&step["output"]).unwrap()
            );
            files.push(path.to_str().unwrap().to_owned());
        }
    }
    let args: Vec<&str> = std::iter::once("check")
        .chain(files.iter().map(String::as_str))
        .collect();
    let (code, stdout, _) = contentkit(&args);
    assert_eq!((code, stdout.as_str()), (0, ""));
}

#[test]
fn render_pretty_prints_an_element_tree() {
    let (code, stdout, _) = contentkit(&["render", "fixtures/trees/counter.json", "--pretty"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("{\n  \"type\": \"block\""), "{stdout}");
}
