//! The typed tree against the vendored schema facts: every element and record takes
//! exactly the schema's attributes, requires exactly its required ones, and allows
//! exactly its enumerated values.

mod common;

use std::collections::BTreeSet;

use contentkit::element::{
    AttrSpec, BlockControl, BuiltInSource, Confirm, ContentKitUrl, DynamicBinding, ElementKind,
    LinkTarget, SelectOption, Source, UrlSource,
};
use serde_json::Value;

/// The schema definition of each element type.
fn definition(kind: ElementKind) -> &'static str {
    use ElementKind as K;
    match kind {
        K::Block => "ContentKitBlock",
        K::Modal => "ContentKitModal",
        K::Configuration => "ContentKitConfiguration",
        K::Button => "ContentKitButton",
        K::TextInput => "ContentKitTextInput",
        K::HStack => "ContentKitHStack",
        K::VStack => "ContentKitVStack",
        K::Box => "ContentKitBox",
        K::Divider => "ContentKitDivider",
        K::WebFrame => "ContentKitWebFrame",
        K::CodeBlock => "ContentKitCodeBlock",
        K::Markdown => "ContentKitMarkdown",
        K::Card => "ContentKitCard",
        K::Image => "ContentKitImage",
        K::Input => "ContentKitInput",
        K::Select => "ContentKitSelect",
        K::Switch => "ContentKitSwitch",
        K::Checkbox => "ContentKitCheckbox",
        K::Radio => "ContentKitRadio",
        K::Text => "ContentKitText",
        K::Hint => "ContentKitHint",
        K::Link => "ContentKitLink",
        K::Step => "ContentKitStepperStep",
        K::Stepper => "ContentKitStepper",
    }
}

/// Every difference between a schema object and a typed record, one a line.
fn differences(what: &str, schema: &Value, ours: &[AttrSpec]) -> Vec<String> {
    let props = schema["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("{what} has properties"));
    let theirs: BTreeSet<&str> = props
        .keys()
        .map(String::as_str)
        .filter(|k| *k != "type")
        .collect();
    let mine: BTreeSet<&str> = ours.iter().map(|a| a.name).collect();
    let mut out = Vec::new();
    for missing in theirs.difference(&mine) {
        out.push(format!("{what}.{missing}: in the schema, not in the tree"));
    }
    for extra in mine.difference(&theirs) {
        out.push(format!("{what}.{extra}: in the tree, not in the schema"));
    }
    let required: BTreeSet<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|k| *k != "type")
        .collect();
    for a in ours {
        if a.required != required.contains(a.name) {
            out.push(format!(
                "{what}.{}: required {} in the tree, {} in the schema",
                a.name,
                a.required,
                required.contains(a.name)
            ));
        }
        if let Some(values) = props.get(a.name).and_then(|p| p["enum"].as_array()) {
            let theirs: BTreeSet<&str> = values.iter().filter_map(Value::as_str).collect();
            let mine: BTreeSet<&str> = a.values.unwrap_or_default().iter().copied().collect();
            if theirs != mine {
                out.push(format!(
                    "{what}.{}: values {mine:?} in the tree, {theirs:?} in the schema",
                    a.name
                ));
            }
        }
    }
    out
}

#[test]
fn every_element_takes_exactly_the_schema_attributes() {
    let defs = common::schema_defs();
    let mut all = Vec::new();
    for &kind in ElementKind::ALL {
        let def = &defs[definition(kind)];
        assert_eq!(
            def["properties"]["type"]["enum"][0].as_str(),
            Some(kind.name()),
            "{} is {}",
            definition(kind),
            kind
        );
        all.extend(differences(kind.name(), def, kind.attributes()));
    }
    assert!(all.is_empty(), "{}", all.join("\n"));
}

#[test]
fn every_record_takes_exactly_the_schema_attributes() {
    let defs = common::schema_defs();
    let records: [(&str, &Value, &[AttrSpec]); 9] = [
        (
            "block control",
            &defs["ContentKitBlockControl"],
            BlockControl::ATTRIBUTES,
        ),
        ("confirm", &defs["ContentKitConfirm"], Confirm::ATTRIBUTES),
        (
            "select option",
            &defs["ContentKitSelectOption"],
            SelectOption::ATTRIBUTES,
        ),
        (
            "built-in source",
            &defs["ContentKitBuiltInSource"],
            BuiltInSource::ATTRIBUTES,
        ),
        (
            "dynamic binding",
            &defs["ContentKitDynamicBinding"],
            DynamicBinding::ATTRIBUTES,
        ),
        ("url", &defs["ContentKitURL"], ContentKitUrl::ATTRIBUTES),
        (
            "image source",
            &defs["ContentKitImage"]["properties"]["source"],
            Source::ATTRIBUTES,
        ),
        (
            "link target",
            &defs["ContentKitLink"]["properties"]["target"],
            LinkTarget::ATTRIBUTES,
        ),
        (
            "options URL",
            &defs["ContentKitSelect"]["properties"]["options"]["oneOf"][2],
            UrlSource::ATTRIBUTES,
        ),
    ];
    let mut all = Vec::new();
    for (what, def, ours) in records {
        all.extend(differences(what, def, ours));
    }
    // A webframe's source is the image's shape (`url` required), without the URI format.
    all.extend(differences(
        "webframe source",
        &defs["ContentKitWebFrame"]["properties"]["source"],
        Source::ATTRIBUTES,
    ));
    assert!(all.is_empty(), "{}", all.join("\n"));
}

#[test]
fn the_vendored_schema_keeps_properties_named_title_and_description() {
    // An earlier extraction dropped them as if they were prose keywords.
    let defs = common::schema_defs();
    for (def, max) in [
        ("ContentKitModal", None),
        ("ContentKitConfirm", Some(100)),
        ("ContentKitStepperStep", Some(50)),
        ("ContentKitCard", None),
    ] {
        let title = &defs[def]["properties"]["title"];
        assert_eq!(title["type"], "string", "{def}.title");
        assert_eq!(title["maxLength"].as_u64(), max, "{def}.title");
    }
}
