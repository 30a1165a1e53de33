//! The element rules as data: what each attribute of each element holds.
//!
//! The typed decoder ([`super::decode`]) builds Rust values and checks them as it
//! goes. The render path does not build them: it writes the JSON of values computed
//! by a component straight to the output, checking each against these shapes
//! (`crate::render::json`). Both come from the same `record!` declarations, and a
//! property test holds them to the same verdict on every tree.

use super::placement::Place;

/// What a value must be.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// Any JSON.
    Any,
    /// A string.
    String,
    /// A boolean.
    Bool,
    /// A number.
    Number,
    /// One of these strings.
    Enum(&'static [&'static str]),
    /// A record: an object with known keys.
    Record(&'static RecordShape),
    /// An array of items of a shape.
    List(&'static Shape),
    /// An object whose values have a shape (string keys).
    Map(&'static Shape),
    /// One element that must stand in a place.
    Element(Place),
    /// An array of elements that must stand in a place.
    Elements(Place),
    /// Any object (a state, a return value).
    Object,
    /// GitBook's `PlainObject`: strings, booleans, numbers, plain objects, and arrays
    /// of those (no `null`, no nested arrays).
    PlainObject,
    /// An action (`{action, …}`, the default actions with exactly their fields).
    Action,
    /// A string or `{"$state": key}`.
    StringOrBinding,
    /// A URL string or `{host, pathname, query?}`.
    UrlOrString,
    /// A string or a number.
    StringOrNumber,
    /// A boolean, or the number of the first line.
    LineNumbers,
    /// A string or an array of strings.
    SelectValue,
    /// An array of options, `{source}` or `{url}`.
    SelectOptions,
    /// A string or an inline element.
    InputHint,
    /// A string or inline elements.
    CardHint,
    /// An icon name or an image.
    IconOrImage,
    /// A text's children: a string, or strings, texts and links.
    TextChildren,
    /// A link's children: a string or strings.
    LinkChildren,
    /// A block control, or a group of them.
    ControlEntry,
}

/// An object with known keys.
#[derive(Debug)]
pub struct RecordShape {
    /// What it is called in messages (`"button"`, `"confirm"`).
    pub owner: &'static str,
    /// The `type` tag, for elements.
    pub tag: Option<&'static str>,
    /// Its keys.
    pub fields: &'static [Field],
    /// Limits beyond types (lengths, counts).
    pub limits: &'static [(&'static str, FieldLimit)],
}

/// One key of a record.
#[derive(Debug)]
pub struct Field {
    /// The JSON key.
    pub key: &'static str,
    /// Whether it must be present.
    pub required: bool,
    /// What its value must be.
    pub shape: Shape,
}

/// A limit on a field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldLimit {
    /// At most this many characters (code points).
    MaxLen(usize),
    /// At least this many items.
    MinItems(usize),
}

impl RecordShape {
    /// The field with this key.
    pub fn field(&self, key: &[u8]) -> Option<&Field> {
        self.fields.iter().find(|f| f.key.as_bytes() == key)
    }

    /// The limit on a field.
    pub fn limit(&self, key: &str) -> Option<FieldLimit> {
        self.limits.iter().find(|(k, _)| *k == key).map(|(_, l)| *l)
    }
}

/// A type whose values have a shape.
pub trait HasShape {
    /// The shape.
    const SHAPE: Shape;
}

impl HasShape for String {
    const SHAPE: Shape = Shape::String;
}

impl HasShape for bool {
    const SHAPE: Shape = Shape::Bool;
}

impl HasShape for super::JsNumber {
    const SHAPE: Shape = Shape::Number;
}

impl<T: HasShape> HasShape for Vec<T> {
    const SHAPE: Shape = Shape::List(&T::SHAPE);
}

impl<T: HasShape> HasShape for Box<T> {
    const SHAPE: Shape = T::SHAPE;
}

impl<T: HasShape> HasShape for super::StringMap<T> {
    const SHAPE: Shape = Shape::Map(&T::SHAPE);
}

impl HasShape for super::Object {
    const SHAPE: Shape = Shape::Object;
}

impl HasShape for super::Action {
    const SHAPE: Shape = Shape::Action;
}

impl HasShape for super::StringOrBinding {
    const SHAPE: Shape = Shape::StringOrBinding;
}

impl HasShape for super::UrlOrString {
    const SHAPE: Shape = Shape::UrlOrString;
}

impl HasShape for super::StringOrNumber {
    const SHAPE: Shape = Shape::StringOrNumber;
}

impl HasShape for super::LineNumbers {
    const SHAPE: Shape = Shape::LineNumbers;
}

impl HasShape for super::SelectValue {
    const SHAPE: Shape = Shape::SelectValue;
}

impl HasShape for super::SelectOptions {
    const SHAPE: Shape = Shape::SelectOptions;
}

impl HasShape for super::InputHint {
    const SHAPE: Shape = Shape::InputHint;
}

impl HasShape for super::CardHint {
    const SHAPE: Shape = Shape::CardHint;
}

impl HasShape for super::IconOrImage {
    const SHAPE: Shape = Shape::IconOrImage;
}

impl HasShape for super::TextChildren {
    const SHAPE: Shape = Shape::TextChildren;
}

impl HasShape for super::LinkChildren {
    const SHAPE: Shape = Shape::LinkChildren;
}

impl HasShape for super::ControlEntry {
    const SHAPE: Shape = Shape::ControlEntry;
}

impl super::ElementKind {
    /// The record shape of this element type.
    pub fn shape(self) -> &'static RecordShape {
        use super::ElementKind as K;
        match self {
            K::Block => super::Block::SHAPE,
            K::Modal => super::Modal::SHAPE,
            K::Configuration => super::Configuration::SHAPE,
            K::Button => super::Button::SHAPE,
            K::TextInput => super::TextInput::SHAPE,
            K::HStack => super::HStack::SHAPE,
            K::VStack => super::VStack::SHAPE,
            K::Box => super::BoxElement::SHAPE,
            K::Divider => super::Divider::SHAPE,
            K::WebFrame => super::WebFrame::SHAPE,
            K::CodeBlock => super::CodeBlock::SHAPE,
            K::Markdown => super::Markdown::SHAPE,
            K::Card => super::Card::SHAPE,
            K::Image => super::Image::SHAPE,
            K::Input => super::Input::SHAPE,
            K::Select => super::Select::SHAPE,
            K::Switch => super::Switch::SHAPE,
            K::Checkbox => super::Checkbox::SHAPE,
            K::Radio => super::Radio::SHAPE,
            K::Text => super::Text::SHAPE,
            K::Hint => super::Hint::SHAPE,
            K::Link => super::Link::SHAPE,
            K::Step => super::Step::SHAPE,
            K::Stepper => super::Stepper::SHAPE,
        }
    }
}
