//! Numbers read and print exactly: any double printed as JavaScript prints it reads back
//! as the same double, with the fewest digits that do so.

use contentkit::element::{to_json_string, Element, Image, JsNumber, RenderOutput};
use proptest::prelude::*;
use serde_json::Value;

/// The significant digits of a number as JavaScript prints it (`"-1.25e-7"` → `"125"`).
fn significant_digits(js: &str) -> String {
    let mantissa = js.trim_start_matches('-').split('e').next().unwrap_or("");
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    digits
        .trim_start_matches('0')
        .trim_end_matches('0')
        .to_owned()
}

fn read_back(text: &str) -> f64 {
    serde_json::from_str::<Value>(text)
        .unwrap_or_else(|e| panic!("{text} is not JSON: {e}"))
        .as_f64()
        .unwrap_or_else(|| panic!("{text} is not a number"))
}

fn finite_double() -> impl Strategy<Value = f64> {
    // Random bit patterns cover every exponent and subnormals, unlike ranges of values.
    any::<u64>()
        .prop_map(f64::from_bits)
        .prop_filter("finite", |x| x.is_finite())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn any_double_round_trips_bit_exact_with_the_fewest_digits(x in finite_double()) {
        let js = JsNumber(x).to_string();
        let back = read_back(&js);
        // JavaScript prints -0 as `0`: the one double that does not come back as itself.
        let expected = if x == 0.0 { 0.0f64 } else { x };
        prop_assert_eq!(back.to_bits(), expected.to_bits(), "{} printed {}", x, js);

        // Shortest: one digit fewer, correctly rounded, names another double.
        let k = significant_digits(&js).len();
        if k > 1 {
            let shorter = format!("{:.*e}", k - 2, x);
            prop_assert_ne!(read_back(&shorter).to_bits(), x.to_bits(), "{} also reads back", shorter);
        }

        // The same text in a document, printed and read through the typed tree.
        let element: Element = contentkit::element::Block::new([Image::new("https://x.test/a.png", x)]).into();
        let text = to_json_string(&element).unwrap();
        prop_assert!(text.contains(&format!("\"aspectRatio\":{js}")), "{}", text);
        let Element::Block(block) = Element::from_json_str(&text).unwrap() else { unreachable!() };
        let Element::Image(image) = &block.children[0] else { unreachable!() };
        prop_assert_eq!(image.aspect_ratio.0.to_bits(), expected.to_bits());
    }
}

#[test]
fn a_double_that_needs_seventeen_digits_reads_exactly() {
    // Read without serde_json's `float_roundtrip`, this came back as 1.777755555555555.
    let out = RenderOutput::from_json_str(
        r#"{"type":"element","state":{"r":1.7777555555555553},"props":{},"element":{"type":"block","children":[{"type":"image","source":{"url":"https://x.test"},"aspectRatio":1.7777555555555553}]}}"#,
    )
    .unwrap();
    let RenderOutput::Element(out) = out else {
        unreachable!()
    };
    assert_eq!(out.state["r"].as_f64(), Some(1.7777555555555553));
    assert_eq!(
        out.element.to_value()["children"][0]["aspectRatio"],
        serde_json::json!(1.7777555555555553)
    );
    assert_eq!(
        to_json_string(&out.state).unwrap(),
        r#"{"r":1.7777555555555553}"#
    );
    assert_ne!(1.7777555555555553f64, 1.777755555555555f64);
}
