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
fn render_html_of_a_json_file_is_the_page_of_its_tree() {
    use contentkit::element::{tape::Tape, Element, RenderOutput};
    use contentkit::render::html::{render_document, HtmlOptions};
    let options = HtmlOptions::default();
    for file in [
        "fixtures/trees/counter.json",
        "fixtures/html/form.json",
        "fixtures/html/modal.json",
    ] {
        let text =
            std::fs::read_to_string(format!("{}/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let page = if RenderOutput::is_output_json(Tape::parse(&text).unwrap().root()) {
            render_document(&RenderOutput::from_json_str(&text).unwrap(), &options)
        } else {
            render_document(&Element::from_json_str(&text).unwrap(), &options)
        };
        let (code, stdout, stderr) = contentkit(&["render", "--format", "html", file]);
        assert_eq!(code, 0, "{file}: {stderr}");
        assert!(stdout == page + "\n", "{file}: the page differs");
    }
    // A tree that does not check is refused with its errors, before any page.
    let (code, stdout, stderr) = contentkit(&[
        "render",
        "--format",
        "html",
        "fixtures/trees/misspelled-style.json",
    ]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert!(stderr.contains("unknown value \"primry\""), "{stderr}");
}

#[test]
fn render_pretty_prints_an_element_tree() {
    let (code, stdout, _) = contentkit(&["render", "fixtures/trees/counter.json", "--pretty"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("{\n  \"type\": \"block\""), "{stdout}");
}

/// Runs the command with `stdin` on its standard input.
fn contentkit_with_stdin(args: &[&str], stdin: &str) -> (i32, String, String) {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_contentkit"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const COUNTER: &str = "fixtures/reference/counter.ckx";

fn count_of(stdout: &str) -> serde_json::Value {
    let out: serde_json::Value = serde_json::from_str(stdout).expect("JSON output");
    out["state"]["count"].clone()
}

#[test]
fn json_arguments_come_from_files_and_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let props = dir.path().join("props.json");
    std::fs::write(&props, r#"{"start": 4}"#).unwrap();
    let props_arg = format!("@{}", props.display());

    let (code, stdout, stderr) = contentkit(&["render", COUNTER, "--props", &props_arg]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(count_of(&stdout), 4);

    let (code, stdout, stderr) = contentkit_with_stdin(
        &["render", COUNTER, "--props", &props_arg, "--action", "@-"],
        r#"{"action": "inc"}"#,
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(count_of(&stdout), 5);

    // The same result with every argument inline.
    let (code, inline, _) = contentkit(&[
        "render",
        COUNTER,
        "--props",
        r#"{"start": 4}"#,
        "--action",
        r#"{"action": "inc"}"#,
    ]);
    assert_eq!((code, inline), (0, stdout));
}

#[test]
fn json_argument_errors_name_the_argument_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"start\":\n  4,,\n}").unwrap();
    let (code, _, stderr) =
        contentkit(&["render", COUNTER, "--props", &format!("@{}", bad.display())]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr.trim_end(),
        format!(
            "--props: {}:2:5: invalid JSON: key must be a string",
            bad.display()
        )
    );

    let (code, _, stderr) = contentkit(&["render", COUNTER, "--state", "@/no/such/file.json"]);
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with("--state: /no/such/file.json: cannot read: "),
        "{stderr}"
    );

    let (code, _, stderr) = contentkit(&["render", COUNTER, "--props", "[1]"]);
    assert_eq!(
        (code, stderr.trim_end()),
        (1, "--props must be a JSON object, not array")
    );

    let (code, _, stderr) =
        contentkit_with_stdin(&["render", COUNTER, "--props", "@-", "--state", "@-"], "{}");
    assert_eq!(
        (code, stderr.trim_end()),
        (1, "--state: standard input is already read by --props")
    );
}

#[test]
fn props_too_large_for_the_component_are_refused_as_the_props() {
    // A million keys: more than a run's 64 MiB once read, though 19 MB of text. The
    // run would fail at the component's first line; the refusal names the argument.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.json");
    let mut text = String::from("{");
    for i in 0..1_000_000 {
        text.push_str(&format!("\"k{i}\": {i}, "));
    }
    text.push_str("\"start\": 1}");
    std::fs::write(&big, &text).unwrap();
    let (code, stdout, stderr) =
        contentkit(&["render", COUNTER, "--props", &format!("@{}", big.display())]);
    assert_eq!(
        (code, stdout.as_str(), stderr.trim_end()),
        (
            1,
            "",
            format!(
                "--props: {}: too large: reading it ran out of the component's memory budget (67108864 bytes)",
                big.display()
            )
            .as_str()
        )
    );
    // Where no component runs (a JSON tree takes no props), the same text is only read.
    let (code, _, stderr) = contentkit(&[
        "render",
        "fixtures/trees/counter.json",
        "--props",
        &format!("@{}", big.display()),
    ]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn an_action_without_its_name_is_refused() {
    let (code, stdout, stderr) = contentkit(&["render", COUNTER, "--action", r#"{"id": 1}"#]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert_eq!(
        stderr.trim_end(),
        r#"--action: action: missing required field "action""#
    );
    // A default action carries its own fields.
    let (code, _, stderr) = contentkit(&[
        "render",
        COUNTER,
        "--action",
        r#"{"action": "@ui.url.open"}"#,
    ]);
    assert_eq!(
        (code, stderr.trim_end()),
        (1, r#"--action: action: missing required field "url""#)
    );
}

#[test]
fn an_invalid_context_is_refused_with_every_error() {
    let (code, stdout, stderr) = contentkit(&[
        "render",
        COUNTER,
        "--context",
        r#"{"type": "document", "theme": "blue"}"#,
    ]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert_eq!(
        stderr.trim_end(),
        "--context: context.theme: unknown value \"blue\", expected one of light, dark\n\
         --context: context: missing required field \"spaceId\"\n\
         --context: context: missing required field \"editable\""
    );
    let (code, _, stderr) = contentkit(&[
        "render",
        COUNTER,
        "--context",
        r#"{"type": "configuration_space", "theme": "dark", "spaceId": "s"}"#,
    ]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn numbers_print_as_javascript_prints_them() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("numbers.json");
    std::fs::write(
        &tree,
        r#"{"type":"block","children":[
            {"type":"image","source":{"url":"https://x.test"},"aspectRatio":1e21},
            {"type":"image","source":{"url":"https://x.test"},"aspectRatio":1.7777555555555553},
            {"type":"image","source":{"url":"https://x.test"},"aspectRatio":0.000001}]}"#,
    )
    .unwrap();
    let (code, stdout, stderr) = contentkit(&["render", tree.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    // What JSON.stringify prints for these numbers.
    for js in [":1e+21}", ":1.7777555555555553}", ":0.000001}"] {
        assert!(stdout.contains(js), "{js} in {stdout}");
    }
}

#[test]
fn json_nested_past_the_parser_limit_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let deep = dir.path().join("deep.json");
    let levels = 10_000;
    std::fs::write(
        &deep,
        format!(
            r#"{{"type":"block","children":{}{}}}"#,
            "[".repeat(levels),
            "]".repeat(levels)
        ),
    )
    .unwrap();
    let (code, stdout, _) = contentkit(&["check", deep.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout.trim_end(),
        format!(
            "{}:1:154: invalid JSON: nested more than 127 levels deep (arrays and objects)",
            deep.display()
        )
    );
}

#[test]
fn check_and_render_read_imports_beside_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let helper = dir.path().join("words.ts");
    let component = dir.path().join("hello.tsx");
    let broken = dir.path().join("broken.ts");
    std::fs::write(&helper, "export const HELLO = 'Hello';\n").unwrap();
    std::fs::write(
        &component,
        "import { createComponent } from '@gitbook/runtime';\nimport { HELLO } from './words';\n\
         export const hello = createComponent({ componentId: 'hello', render: () => <block><text>{HELLO}</text></block> });\n",
    )
    .unwrap();
    std::fs::write(
        &broken,
        "import { x } from './missing';\nexport const y = x;\n",
    )
    .unwrap();
    let path = |p: &std::path::Path| p.display().to_string();
    // A component importing a helper module, and the helper module itself, check clean.
    let (code, out, err) = contentkit(&["check", &path(&component), &path(&helper)]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = contentkit(&["render", &path(&component)]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(r#"["Hello"]"#), "{out}");
    // A module that parses reports its own error (the import), not the markup's.
    let (code, out, _) = contentkit(&["check", &path(&broken)]);
    assert_eq!(code, 1);
    assert!(
        out.contains("broken.ts:1:19: error: cannot find \"./missing\""),
        "{out}"
    );
}

/// An integration's `src/` reads `../package.json` (its version) as esbuild
/// bundles it; a broken JSON file is an error at its line.
#[test]
fn a_file_reads_json_from_above_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("package.json"),
        "{ \"name\": \"x\", \"version\": \"1.4.2\" }\n",
    )
    .unwrap();
    let component = dir.path().join("src/index.tsx");
    std::fs::write(
        &component,
        "import { createComponent } from '@gitbook/runtime';\nimport { version } from '../package.json';\n\
         export const v = createComponent({ componentId: 'v', render: () => <block><text>{version}</text></block> });\n",
    )
    .unwrap();
    let path = component.display().to_string();
    let (code, out, err) = contentkit(&["render", &path]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(r#"["1.4.2"]"#), "{out}");

    std::fs::write(
        dir.path().join("package.json"),
        "{\n  \"version\": 1.4.2\n}\n",
    )
    .unwrap();
    let (code, out, _) = contentkit(&["check", &path]);
    assert_eq!(code, 1);
    assert!(out.contains("package.json:2:"), "{out}");
    assert!(out.contains("invalid JSON"), "{out}");
}

/// Real components read their integration's URLs and installation from the
/// environment: the default has the URLs, `--environment` gives the rest.
#[test]
fn render_runs_a_component_in_an_environment() {
    let dir = tempfile::tempdir().unwrap();
    let component = dir.path().join("embed.tsx");
    std::fs::write(
        &component,
        "import { createComponent } from '@gitbook/runtime';\n\
         export const embed = createComponent({ componentId: 'embed', render: async (_, { environment }) => \
         <block><text>{`${environment.integration.urls.icon} ${environment.spaceInstallation?.configuration?.theme ?? 'none'}`}</text></block> });\n",
    )
    .unwrap();
    let path = component.display().to_string();
    let (code, out, err) = contentkit(&["render", &path]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(
            r#"["https://integrations.gitbook.com/v1/integrations/test-integration/icon.png none"]"#
        ),
        "{out}"
    );
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/events/environment.json"
    );
    let mut environment: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture).unwrap()).unwrap();
    environment["spaceInstallation"]["configuration"] = serde_json::json!({ "theme": "dark" });
    let file = dir.path().join("environment.json");
    std::fs::write(&file, environment.to_string()).unwrap();
    let arg = format!("@{}", file.display());
    let (code, out, err) = contentkit(&["render", &path, "--environment", &arg]);
    assert_eq!(code, 0, "{err}");
    let icon = environment["integration"]["urls"]["icon"].as_str().unwrap();
    assert!(out.contains(&format!(r#"["{icon} dark"]"#)), "{out}");
    // An environment that is not one is refused, naming the argument.
    let (code, _, err) = contentkit(&["render", &path, "--environment", "{\"apiEndpoint\": 1}"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("--environment: invalid type"), "{err}");
}

#[test]
fn a_typescript_file_is_a_module_whatever_it_declares() {
    let dir = tempfile::tempdir().unwrap();
    let helper = dir.path().join("format.ts");
    std::fs::write(
        &helper,
        "export function pad(s: string): string {\n    return s.padStart(4);\n}\nexport const x = ;\n",
    )
    .unwrap();
    let helper = helper.display().to_string();
    // Its syntax error is a module's, where it is: not the markup's at line 1.
    let (code, out, _) = contentkit(&["check", &helper]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("format.ts:4:18: error:"), "{out}");
    // A module without components has nothing to render, and says so.
    std::fs::write(&helper, "export const x = 1;\n").unwrap();
    let (code, out, _) = contentkit(&["check", &helper]);
    assert_eq!(code, 0, "{out}");
    let (code, _, err) = contentkit(&["render", &helper]);
    assert_eq!(code, 1);
    assert!(err.contains("declares no component"), "{err}");
}

#[test]
fn fmt_prints_a_component_file_as_written_and_reformats_markup() {
    let component = std::fs::read_to_string("examples/components/todo.ckx").unwrap();
    let (code, out, err) = contentkit(&["fmt", "examples/components/todo.ckx"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, component, "a component file is printed as written");
    assert!(err.contains("printed as written"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let markup = dir.path().join("card.ckx");
    std::fs::write(&markup, "<block><text   style=\"bold\">Hi</text></block>").unwrap();
    let (code, out, err) = contentkit(&["fmt", &markup.display().to_string()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "<block>\n  <text style=\"bold\">Hi</text>\n</block>");
}
