//! Decodes arbitrary text as a JSON element tree; what decodes must encode, decode
//! again to the same tree (numbers bit for bit), and render to HTML, without a panic.
//!
//! Run with `scripts/fuzz.sh json_tree SECONDS`.

#![no_main]

use contentkit::element::{to_json_string, Element};
use contentkit::render::html::{render_element, HtmlOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(element) = Element::from_json_str(text) else {
        return;
    };
    let encoded = to_json_string(&element).expect("a decoded tree encodes");
    let again = Element::from_json_str(&encoded)
        .unwrap_or_else(|e| panic!("what was encoded does not decode: {e}\n{encoded}"));
    assert_eq!(element, again, "the tree changed on a round trip:\n{encoded}");
    let _ = render_element(&element, &HtmlOptions::default());
});
