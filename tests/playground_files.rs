//! The playground's component files: edits on disk and in the page recompile, and a
//! file that stops compiling keeps its last good components.
#![cfg(feature = "server")]

use contentkit::component::RenderRequest;
use contentkit::playground::ComponentFiles;

fn label(files: &ComponentFiles) -> String {
    let out = files
        .current()
        .render(&RenderRequest::new("hello", Default::default()))
        .unwrap();
    out.output.to_value()["element"]["children"][0]["label"]
        .as_str()
        .unwrap()
        .to_owned()
}

const HELLO: &str = "createComponent({\n  componentId: 'hello',\n  render: () => <block><button label=\"One\" onPress={{ action: 'a' }} /></block>,\n})\n";

#[test]
fn edits_on_disk_recompile_and_broken_files_keep_their_last_good_build() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hello.ckx");
    std::fs::write(&path, HELLO).unwrap();
    let files = ComponentFiles::load(dir.path()).unwrap();
    assert_eq!(label(&files), "One");
    let v0 = files.version();

    // Modification times have a coarse grain on some file systems: make sure it moves.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::write(&path, HELLO.replace("One", "Two")).unwrap();
    files.reload_changed();
    assert!(files.version() > v0);
    assert_eq!(label(&files), "Two");

    // A broken edit in the page: the error is reported with file:line:col, the
    // component keeps rendering as it last compiled.
    let error = files
        .update("hello.ckx", HELLO.replace("<button", "<buton"))
        .and_then(|u| u.error)
        .expect("a compile error");
    assert!(
        error.starts_with("hello.ckx:3:25: error: unknown element <buton>"),
        "{error}"
    );
    assert_eq!(label(&files), "Two");
    assert!(files.listing()["files"][0]["error"].is_string());

    // Fixed again.
    let update = files
        .update("hello.ckx", HELLO.replace("One", "Three"))
        .unwrap();
    assert_eq!(update.error, None);
    assert!(update.saved);
    assert_eq!(label(&files), "Three");
    // The edit is on disk, and no temporary file is left beside it.
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        HELLO.replace("One", "Three")
    );
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["hello.ckx"]);
    // Our own write is not taken for a change on disk.
    let v = files.version();
    files.reload_changed();
    assert_eq!(files.version(), v);
}

#[test]
fn edits_that_cannot_be_saved_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hello.ckx");
    std::fs::write(&path, HELLO).unwrap();
    let files = ComponentFiles::load(&path).unwrap();
    // The folder goes away: the edit still compiles, and says it is not saved.
    drop(dir);
    let update = files
        .update("hello.ckx", HELLO.replace("One", "Two"))
        .unwrap();
    assert!(!update.saved);
    assert!(update.save_error.unwrap().starts_with("cannot save "));
    assert_eq!(label(&files), "Two");
    assert!(files.listing()["files"][0]["unsaved"].is_string());
    // Built-in examples live in memory: not saved, and no error.
    let built_in = ComponentFiles::built_in();
    let update = built_in
        .update(
            "hello.ckx",
            include_str!("../fixtures/reference/hello.ckx").to_owned(),
        )
        .unwrap();
    assert_eq!((update.saved, update.save_error), (false, None));
    assert!(built_in.update("nope.ckx", String::new()).is_none());
}

#[test]
fn a_folder_picks_up_new_and_removed_files_of_every_component_extension() {
    let dir = tempfile::tempdir().unwrap();
    let files = ComponentFiles::load(dir.path()).unwrap();
    assert_eq!(files.listing()["files"], serde_json::json!([]));
    assert!(files.listing()["folder"].is_string());

    for ext in contentkit::playground::COMPONENT_EXTENSIONS {
        let id = format!("c_{ext}");
        std::fs::write(
            dir.path().join(format!("{id}.{ext}")),
            // A module as any extension holds it: the runtime's names imported.
            format!(
                "import {{ createComponent }} from '@gitbook/runtime';\nexport const c = {}",
                HELLO.replace("'hello'", &format!("'{id}'"))
            ),
        )
        .unwrap();
    }
    std::fs::write(dir.path().join("notes.txt"), "not a component").unwrap();
    files.reload_changed();
    let names: Vec<String> = files.listing()["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        names,
        ["c_ckx.ckx", "c_js.js", "c_jsx.jsx", "c_ts.ts", "c_tsx.tsx"]
    );
    assert!(files.current().get("c_tsx").is_some());

    std::fs::remove_file(dir.path().join("c_js.js")).unwrap();
    files.reload_changed();
    assert_eq!(files.listing()["files"].as_array().unwrap().len(), 4);
    assert!(files.current().get("c_js").is_none());
}

#[test]
fn bare_markup_files_render_as_a_component_named_after_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("card.ckx"),
        "<block><text>{`Hello ${props.name ?? 'you'}`}</text></block>\n",
    )
    .unwrap();
    let files = ComponentFiles::load(dir.path()).unwrap();
    assert!(
        files.listing()["files"][0]["error"].is_null(),
        "{}",
        files.listing()
    );
    let mut props = serde_json::Map::new();
    props.insert("name".into(), "Ada".into());
    let out = files
        .current()
        .render(&RenderRequest::new("card", props))
        .unwrap();
    assert_eq!(
        out.output.to_value()["element"]["children"][0]["children"][0],
        "Hello Ada"
    );
    // Broken markup reports the loader's own error, located.
    std::fs::write(dir.path().join("card.ckx"), "<block><buton/></block>").unwrap();
    let files = ComponentFiles::load(dir.path()).unwrap();
    let error = files.listing()["files"][0]["error"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(error.starts_with("card.ckx:1:"), "{error}");
}

#[test]
fn a_typescript_file_is_a_module_in_the_playground_as_in_the_cli() {
    // The same text, two names: bare markup as `.ckx`, a module declaring no
    // component as `.tsx` (the CLI and the worker read it so too), never a
    // component the playground invents from it.
    let dir = tempfile::tempdir().unwrap();
    let markup = "<block><text>Hi</text></block>\n";
    std::fs::write(dir.path().join("card.ckx"), markup).unwrap();
    std::fs::write(dir.path().join("helper.tsx"), markup).unwrap();
    let files = ComponentFiles::load(dir.path()).unwrap();
    assert!(files.current().get("card").is_some(), "{}", files.listing());
    assert!(
        files.current().get("helper").is_none(),
        "{}",
        files.listing()
    );
}

#[test]
fn built_in_examples_all_compile() {
    let files = ComponentFiles::built_in();
    let listing = files.listing();
    for f in listing["files"].as_array().unwrap() {
        assert!(f["error"].is_null(), "{}: {}", f["name"], f["error"]);
    }
    assert!(files.current().get("counter").is_some());
    assert!(files.current().get("todo").is_some());
}

/// A folder holding an integration with handlers and no component (a site's
/// tracking script, as GitBook's analytics integrations are) answers its events
/// on `POST /v1`, and keeps answering from its last good build while broken.
#[test]
fn an_integration_without_components_is_served_and_keeps_its_last_good_build() {
    use contentkit::runtime::{handle, IncomingRequest};
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("script.raw.js"), "track('<ID>');\n").unwrap();
    let index = "import { createIntegration } from '@gitbook/runtime';\n\
                 import script from './script.raw.js';\n\
                 export default createIntegration({\n\
                 \x20   fetch_published_script: async (event) => new Response(script.replace('<ID>', event.siteId)),\n\
                 });\n";
    std::fs::write(dir.path().join("index.ts"), index).unwrap();
    let files = ComponentFiles::load(dir.path()).unwrap();
    let environment = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/events/environment.json"
    ))
    .unwrap();
    let script = |files: &ComponentFiles| {
        let event = br#"{"eventId":"e1","type":"fetch_published_script","installationId":"i1","siteId":"site_1"}"#;
        let response = handle(
            &files.current(),
            IncomingRequest::new("/v1", event.to_vec(), environment.clone()),
        );
        (
            response.status,
            String::from_utf8_lossy(&response.body).into_owned(),
        )
    };
    assert_eq!(script(&files), (200, "track('site_1');\n".to_owned()));
    let listing = files.listing();
    assert_eq!(listing["files"].as_array().unwrap().len(), 1, "{listing}");

    let broken = files
        .update("index.ts", index.replace("async (event)", "async (event"))
        .unwrap();
    assert!(broken.error.is_some());
    assert_eq!(script(&files), (200, "track('site_1');\n".to_owned()));

    files
        .update(
            "index.ts",
            index.replace("event.siteId)", "event.siteId.toUpperCase())"),
        )
        .unwrap();
    assert_eq!(script(&files), (200, "track('SITE_1');\n".to_owned()));
}
