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
        .expect("a compile error");
    assert!(
        error.starts_with("hello.ckx:3:25: error: unknown element <buton>"),
        "{error}"
    );
    assert_eq!(label(&files), "Two");
    assert!(files.listing()["files"][0]["error"].is_string());

    // Fixed again.
    assert_eq!(
        files.update("hello.ckx", HELLO.replace("One", "Three")),
        None
    );
    assert_eq!(label(&files), "Three");
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
