//! Which elements may stand where.
//!
//! The schema gives each place a set of element types: roots, descendants, inline
//! places, text children, an input's control, a configuration's children. Decoding
//! checks the type against the place before decoding the element, so an element in the
//! wrong place is one clear error instead of a cascade.

use super::decode::{decode_items, Decode, Decoder};
use super::json::Json;
use super::{Element, ElementKind, ErrorKind};

use ElementKind as K;

/// A set of element types: the places of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    kinds: &'static [ElementKind],
    /// One more type, so that a place can extend another without repeating it.
    also: Option<ElementKind>,
}

impl Place {
    /// Whether `kind` may stand here.
    pub fn allows(&self, kind: ElementKind) -> bool {
        self.kinds.contains(&kind) || self.also == Some(kind)
    }

    /// The allowed types' names, for messages.
    pub fn names(&self) -> Vec<&'static str> {
        self.also
            .into_iter()
            .chain(self.kinds.iter().copied())
            .map(ElementKind::name)
            .collect()
    }
}

/// Anywhere: every element type.
pub const ANY: Place = Place {
    kinds: ElementKind::ALL,
    also: None,
};

/// The root of a render output: block, modal, configuration.
pub const ROOT: Place = Place {
    kinds: &[K::Block, K::Modal, K::Configuration],
    also: None,
};

/// The children of layout elements.
pub const DESCENDANT: Place = Place {
    kinds: &[
        K::Button,
        K::TextInput,
        K::HStack,
        K::VStack,
        K::Box,
        K::Divider,
        K::WebFrame,
        K::CodeBlock,
        K::Markdown,
        K::Card,
        K::Image,
        K::Input,
        K::Select,
        K::Switch,
        K::Checkbox,
        K::Radio,
        K::Text,
        K::Hint,
        K::Link,
        K::Step,
    ],
    also: None,
};

/// Inline places (a hint's children, a modal's subtitle, a card's hint): text, image, link.
pub const INLINE: Place = Place {
    kinds: &[K::Text, K::Image, K::Link],
    also: None,
};

/// The element children of a text: text and link.
pub const TEXT_CHILD: Place = Place {
    kinds: &[K::Text, K::Link],
    also: None,
};

/// The control of an `input`.
pub const INPUT_CONTROL: Place = Place {
    kinds: &[
        K::TextInput,
        K::Select,
        K::Switch,
        K::Radio,
        K::Checkbox,
        K::Button,
        K::CodeBlock,
    ],
    also: None,
};

/// A configuration's children: descendants, or one stepper.
pub const CONFIGURATION_CHILD: Place = Place {
    kinds: DESCENDANT.kinds,
    also: Some(K::Stepper),
};

/// Decodes one element that must stand in `place`.
pub fn decode_in<'a, J: Json<'a>>(v: J, d: &mut Decoder, place: Place) -> Option<Element> {
    if let Some(kind) = v
        .get("type")
        .and_then(|t| t.as_str())
        .and_then(|t| ElementKind::from_name(&t))
    {
        if !place.allows(kind) {
            d.error(ErrorKind::NotAllowedHere {
                found: kind.name(),
                allowed: place.names(),
            });
            return None;
        }
    }
    Element::decode(v, d)
}

/// Decodes a list of elements that must stand in `place` (kept unless the decoder
/// only checks).
pub fn decode_list_in<'a, J: Json<'a>>(
    v: J,
    d: &mut Decoder,
    place: Place,
) -> Option<Vec<Element>> {
    decode_items(v, d, |item, d| decode_in(item, d, place))
}

/// Decodes the children of a layout element.
pub fn decode_descendants<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Vec<Element>> {
    decode_list_in(v, d, DESCENDANT)
}

/// Decodes inline elements (a hint's children, a modal's subtitle, a card's hint).
pub fn decode_inline<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Vec<Element>> {
    decode_list_in(v, d, INLINE)
}
