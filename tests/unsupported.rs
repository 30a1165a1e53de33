//! What the language refuses by design: every file of `fixtures/unsupported` is a
//! small component using one feature of JavaScript or TypeScript the language does
//! not have, and must fail to compile with a diagnostic that names the feature, at
//! its `file:line:col` (the whole report is a snapshot).

use contentkit::lang::program::{NoSources, Program};

const DIR: &str = "fixtures/unsupported";

/// Each file, and what its first diagnostic must say.
const FEATURES: &[(&str, &str)] = &[
    ("bigint", "BigInt literals are not supported"),
    ("decorator", "decorators are not supported"),
    (
        "generator-expression",
        "generator functions are not supported",
    ),
    (
        "generator-function",
        "generator functions are not supported",
    ),
    ("generator-method", "generator methods are not supported"),
    ("new-promise", "`new Promise` is not supported"),
    ("set-timeout", "`setTimeout` is not available"),
    ("symbol", "`Symbol` is not available"),
];

#[test]
fn every_fixture_is_listed() {
    let mut names: Vec<String> = std::fs::read_dir(DIR)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().ok()?;
            name.strip_suffix(".tsx").map(str::to_owned)
        })
        .collect();
    names.sort();
    let listed: Vec<&str> = FEATURES.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, listed);
}

#[test]
fn unsupported_features_are_named_where_they_are_used() {
    for (name, message) in FEATURES {
        let file = format!("{name}.tsx");
        let source = std::fs::read_to_string(format!("{DIR}/{file}")).unwrap();
        let Err(diagnostics) = Program::load(&file, &source, &NoSources) else {
            panic!("{file} compiled: it must be refused");
        };
        let first = diagnostics.first().unwrap();
        assert_eq!(first.file, file);
        assert!(
            first.message.contains(message),
            "{file}: first diagnostic is {first}, expected one saying {message:?}"
        );
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(format!("unsupported__{name}"), diagnostics.to_string());
        });
    }
}
