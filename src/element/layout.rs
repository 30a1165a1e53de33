//! Roots and layout: block, modal, configuration, stacks, box, card, divider, stepper.

use super::decode::{Decode, Decoder, Object};
use super::icon::{Icon, IconOrImage};
use super::json::{Json, JsonType};
use super::placement::{self, decode_descendants, decode_inline};
use super::{Action, Button, Confirm, Element, ErrorKind};
use serde::Serialize;

/// Children of any layout element, from anything that converts into elements.
fn collect<I, T>(children: I) -> Vec<Element>
where
    I: IntoIterator<Item = T>,
    T: Into<Element>,
{
    children.into_iter().map(Into::into).collect()
}

record! {
    /// One control in a block's menu.
    pub struct BlockControl as "block control" {
        /// The text.
        req label: String = "label",
        /// An icon.
        opt icon: Icon = "icon",
        /// What it sends.
        req on_press: Action = "onPress",
        /// A confirmation asked before sending.
        opt confirm: Confirm = "confirm",
    }
}

impl BlockControl {
    /// A control with a label and an action.
    pub fn new(label: impl Into<String>, on_press: Action) -> Self {
        BlockControl {
            label: label.into(),
            icon: None,
            on_press,
            confirm: None,
        }
    }
}

/// An entry of a block's controls: one control, or a group shown together.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ControlEntry {
    /// A single control.
    Control(BlockControl),
    /// A group of controls.
    Group(Vec<BlockControl>),
}

impl Decode for ControlEntry {
    fn decode<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Self> {
        match v.json_type() {
            JsonType::Array => Vec::decode(v, d).map(ControlEntry::Group),
            _ => BlockControl::decode(v, d).map(ControlEntry::Control),
        }
    }
}

impl From<BlockControl> for ControlEntry {
    fn from(c: BlockControl) -> Self {
        ControlEntry::Control(c)
    }
}

record! {
    /// The root of a custom block in a document.
    ///
    /// ```
    /// use contentkit::element::{Action, Block, Button};
    /// let block = Block::new([Button::new("Save", Action::custom("save"))]);
    /// assert_eq!(
    ///     serde_json::to_string(&block).unwrap(),
    ///     r#"{"type":"block","children":[{"type":"button","label":"Save","onPress":{"action":"save"}}]}"#
    /// );
    /// ```
    pub struct Block [tag = "block"] as "block" {
        /// The block's menu.
        opt controls: Vec<ControlEntry> = "controls",
        /// Its content.
        req children: Vec<Element> = "children" via decode_descendants as super::shape::Shape::Elements(super::placement::DESCENDANT),
    }
}

impl Block {
    /// A block with children.
    pub fn new<I, T>(children: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<Element>,
    {
        Block {
            controls: None,
            children: collect(children),
        }
    }
}

string_enum! {
    /// How large a modal is.
    pub enum ModalSize {
        /// Medium.
        Medium = "medium",
        /// Extra large.
        XLarge = "xlarge",
        /// The whole screen.
        Fullscreen = "fullscreen",
    }
}

record! {
    /// The root of a modal dialog.
    pub struct Modal [tag = "modal"] as "modal" {
        /// The title.
        opt title: String = "title",
        /// The size.
        opt size: ModalSize = "size",
        /// Inline elements under the title.
        opt subtitle: Vec<Element> = "subtitle" via decode_inline as super::shape::Shape::Elements(super::placement::INLINE),
        /// The submit button.
        opt submit: Button = "submit",
        /// The value handed back when the modal is closed.
        opt return_value: Object = "returnValue",
        /// Its content.
        req children: Vec<Element> = "children" via decode_descendants as super::shape::Shape::Elements(super::placement::DESCENDANT),
    }
}

impl Modal {
    /// A modal with a title and children.
    pub fn new<I, T>(title: impl Into<String>, children: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<Element>,
    {
        Modal {
            title: Some(title.into()),
            size: None,
            subtitle: None,
            submit: None,
            return_value: None,
            children: collect(children),
        }
    }
}

record! {
    /// The root of an integration's configuration screen: one stepper, or other elements.
    pub struct Configuration [tag = "configuration"] as "configuration" {
        /// One stepper, or at least one descendant element.
        req children: Vec<Element> = "children" via decode_configuration_children as super::shape::Shape::Elements(super::placement::CONFIGURATION_CHILD),
    }
}

fn decode_configuration_children<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Vec<Element>> {
    let children = placement::decode_list_in(v, d, placement::CONFIGURATION_CHILD)?;
    // Counted on the JSON, since a decoder that only checks keeps no children.
    let len = v.len();
    let steppers = v
        .items()
        .filter(|c| c.get("type").and_then(|t| t.as_str()).as_deref() == Some("stepper"))
        .count();
    if len == 0 {
        d.error(ErrorKind::TooFew { len: 0, min: 1 });
        return None;
    }
    if steppers > 0 && len > 1 {
        d.error(ErrorKind::Rule(
            "a configuration holds either one stepper or other elements, not both",
        ));
        return None;
    }
    Some(children)
}

impl Configuration {
    /// A configuration screen with children.
    pub fn new<I, T>(children: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<Element>,
    {
        Configuration {
            children: collect(children),
        }
    }
}

string_enum! {
    /// How a stack aligns its children across its axis.
    pub enum Align {
        /// At the start (the default).
        Start = "start",
        /// Centred.
        Center = "center",
        /// At the end.
        End = "end",
    }
}

record! {
    /// Children in a row.
    pub struct HStack [tag = "hstack"] as "hstack" {
        /// Cross-axis alignment.
        opt align: Align = "align",
        /// Its content.
        req children: Vec<Element> = "children" via decode_descendants as super::shape::Shape::Elements(super::placement::DESCENDANT),
    }
}

impl HStack {
    /// A row of children.
    pub fn new<I, T>(children: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<Element>,
    {
        HStack {
            align: None,
            children: collect(children),
        }
    }
}

record! {
    /// Children in a column.
    pub struct VStack [tag = "vstack"] as "vstack" {
        /// Cross-axis alignment.
        opt align: Align = "align",
        /// Its content.
        req children: Vec<Element> = "children" via decode_descendants as super::shape::Shape::Elements(super::placement::DESCENDANT),
    }
}

impl VStack {
    /// A column of children.
    pub fn new<I, T>(children: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<Element>,
    {
        VStack {
            align: None,
            children: collect(children),
        }
    }
}

record! {
    /// A box that can grow inside a stack.
    pub struct BoxElement [tag = "box"] as "box" {
        /// How much of the free space it takes.
        opt grow: super::JsNumber = "grow",
        /// Its content.
        req children: Vec<Element> = "children" via decode_descendants as super::shape::Shape::Elements(super::placement::DESCENDANT),
    }
}

impl BoxElement {
    /// A box of children.
    pub fn new<I, T>(children: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<Element>,
    {
        BoxElement {
            grow: None,
            children: collect(children),
        }
    }
}

string_enum! {
    /// How much space a divider takes.
    pub enum DividerSize {
        /// Small.
        Small = "small",
        /// Medium.
        Medium = "medium",
        /// Large.
        Large = "large",
    }
}

record! {
    /// A horizontal rule.
    pub struct Divider [tag = "divider"] as "divider" {
        /// Its spacing.
        opt size: DividerSize = "size",
    }
}

impl Divider {
    /// A divider.
    pub fn new() -> Self {
        Divider { size: None }
    }
}

impl Default for Divider {
    fn default() -> Self {
        Divider::new()
    }
}

/// A card's hint: a string or inline elements.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum CardHint {
    /// Plain text.
    String(String),
    /// Texts, images and links.
    Elements(Vec<Element>),
}

impl Decode for CardHint {
    fn decode<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Self> {
        match v.as_str() {
            Some(s) => Some(CardHint::String(s.into_owned())),
            None => decode_inline(v, d).map(CardHint::Elements),
        }
    }
}

impl From<&str> for CardHint {
    fn from(s: &str) -> Self {
        CardHint::String(s.to_owned())
    }
}

record! {
    /// A card with a title, a hint, an icon and buttons.
    pub struct Card [tag = "card"] as "card" {
        /// The title.
        opt title: String = "title",
        /// A hint under the title.
        opt hint: CardHint = "hint",
        /// An icon or image.
        opt icon: IconOrImage = "icon",
        /// Buttons in its header.
        opt buttons: Vec<Button> = "buttons",
        /// What a press on the card sends.
        opt on_press: Action = "onPress",
        /// Its content.
        opt children: Vec<Element> = "children" via decode_descendants as super::shape::Shape::Elements(super::placement::DESCENDANT),
    }
}

impl Card {
    /// A card with a title.
    pub fn new(title: impl Into<String>) -> Self {
        Card {
            title: Some(title.into()),
            hint: None,
            icon: None,
            buttons: None,
            on_press: None,
            children: None,
        }
    }
}

record! {
    /// A multi-step flow, for configuration screens.
    pub struct Stepper [tag = "stepper"] as "stepper" {
        /// The id of the step shown.
        req active_step: String = "activeStep",
        /// What moving between steps sends.
        req on_step_change: Action = "onStepChange",
        /// What finishing sends.
        req on_complete: Action = "onComplete",
        /// Its steps (at least one).
        req children: Vec<Step> = "children" via decode_steps as <Vec<Step> as super::shape::HasShape>::SHAPE,
    }
    limits = [("children", super::shape::FieldLimit::MinItems(1))];
}

/// A stepper's steps: at least one (counted on the JSON, which a checking decoder keeps).
fn decode_steps<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Vec<Step>> {
    let steps = Vec::decode(v, d)?;
    at_least_one(v, d).then_some(steps)
}

/// Records the schema's `minItems: 1` when the list `v` is empty.
fn at_least_one<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> bool {
    if v.is_empty() {
        d.error(ErrorKind::TooFew { len: 0, min: 1 });
        return false;
    }
    true
}

impl Stepper {
    /// A stepper over `steps`, showing `active_step`.
    pub fn new(
        active_step: impl Into<String>,
        on_step_change: Action,
        on_complete: Action,
        steps: impl IntoIterator<Item = Step>,
    ) -> Self {
        Stepper {
            active_step: active_step.into(),
            on_step_change,
            on_complete,
            children: steps.into_iter().collect(),
        }
    }
}

record! {
    /// One step of a stepper.
    pub struct Step [tag = "step"] as "step" {
        /// Its id.
        req id: String = "id",
        /// Its title (at most 50 characters).
        opt title: String = "title" via decode_step_title as super::shape::Shape::String,
        /// Whether the next step can be reached.
        opt next: bool = "next",
        /// Its content (at least one element).
        req children: Vec<Element> = "children" via decode_step_children as super::shape::Shape::Elements(super::placement::DESCENDANT),
    }
    limits = [
        ("title", super::shape::FieldLimit::MaxLen(50)),
        ("children", super::shape::FieldLimit::MinItems(1)),
    ];
}

fn decode_step_title<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<String> {
    let title = String::decode(v, d)?;
    let len = title.chars().count();
    if len > 50 {
        d.error(ErrorKind::TooLong { len, max: 50 });
        return None;
    }
    Some(title)
}

fn decode_step_children<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Vec<Element>> {
    let children = decode_descendants(v, d)?;
    at_least_one(v, d).then_some(children)
}

impl Step {
    /// A step with an id and children.
    pub fn new<I, T>(id: impl Into<String>, children: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<Element>,
    {
        Step {
            id: id.into(),
            title: None,
            next: None,
            children: collect(children),
        }
    }
}
