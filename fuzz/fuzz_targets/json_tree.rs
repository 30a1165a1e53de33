//! Decodes arbitrary text as a JSON element tree, the ways contentkit reads JSON, and
//! checks that they agree and round-trip, without a panic:
//!
//! - the tape and serde_json accept the same texts, with the same errors;
//! - decoding through the tape and through a `Value` gives the same tree or the same
//!   errors, and checking (which keeps nothing) finds the same errors;
//! - what decodes is written straight from the tape (`element::transcode`) exactly as
//!   the decoded tree serializes;
//! - what decodes encodes and decodes again to the same tree (numbers bit for bit),
//!   and renders to HTML.
//!
//! Run with `scripts/fuzz.sh json_tree SECONDS`.

#![no_main]

use contentkit::element::tape::Tape;
use contentkit::element::transcode::TreeJson;
use contentkit::element::{to_json_string, Element};
use contentkit::render::html::{render_element, HtmlOptions};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (tape, value) = match (Tape::parse(text), serde_json::from_str::<Value>(text)) {
        (Ok(tape), Ok(value)) => (tape, value),
        (Err(a), Err(b)) => {
            assert_eq!(a.to_string(), b.to_string(), "different errors for {text:?}");
            return;
        }
        (a, b) => panic!("tape {:?} but serde_json {:?} for {text:?}", a.err(), b.err()),
    };
    let root = tape.root();
    let decoded = Element::from_root_json(root);
    assert_eq!(decoded, Element::from_root_value(&value), "{text}");
    assert_eq!(
        Element::check_root_json(root).err(),
        decoded.clone().err(),
        "{text}"
    );
    let Ok(element) = decoded else {
        return;
    };
    let encoded = to_json_string(&element).expect("a decoded tree encodes");
    let written = TreeJson::check(root).expect("a decoded tree checks");
    assert_eq!(
        to_json_string(&written).expect("a checked tree writes"),
        encoded,
        "written from the tape: {text}"
    );
    let again = Element::from_json_str(&encoded)
        .unwrap_or_else(|e| panic!("what was encoded does not decode: {e}\n{encoded}"));
    assert_eq!(element, again, "the tree changed on a round trip:\n{encoded}");
    let _ = render_element(&element, &HtmlOptions::default());
});
