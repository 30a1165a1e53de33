//! Controls: buttons, confirmations, and the elements that write into state.

use serde::Serialize;

use super::binding::UrlOrString;
use super::decode::{check_max_len, Decode, Decoder};
use super::icon::{Icon, IconOrImage};
use super::json::{Json, JsonType, View};
use super::{Action, Element, JsNumber};

string_enum! {
    /// How a button looks.
    pub enum ButtonStyle {
        /// The main call to action.
        Primary = "primary",
        /// A quieter action.
        Secondary = "secondary",
        /// A destructive action.
        Danger = "danger",
    }
}

string_enum! {
    /// How a confirmation's confirm button looks.
    pub enum ConfirmStyle {
        /// A plain confirmation.
        Primary = "primary",
        /// A destructive confirmation.
        Danger = "danger",
    }
}

string_enum! {
    /// What a text input holds.
    pub enum InputType {
        /// Plain text.
        Text = "text",
        /// A hidden password.
        Password = "password",
        /// An email address.
        Email = "email",
    }
}

record! {
    /// A button.
    ///
    /// ```
    /// use contentkit::element::{Action, Button, ButtonStyle};
    /// let b = Button::new("Save", Action::custom("save")).style(ButtonStyle::Primary);
    /// assert_eq!(
    ///     serde_json::to_string(&b).unwrap(),
    ///     r#"{"type":"button","label":"Save","style":"primary","onPress":{"action":"save"}}"#
    /// );
    /// ```
    pub struct Button [tag = "button"] as "button" {
        /// The text on the button.
        opt label: String = "label",
        /// How it looks.
        opt style: ButtonStyle = "style",
        /// An icon before the label.
        opt icon: Icon = "icon",
        /// An icon after the label.
        opt trailing_icon: Icon = "trailingIcon",
        /// A tooltip.
        opt tooltip: String = "tooltip",
        /// Whether it can be pressed.
        opt disabled: bool = "disabled",
        /// What a press sends.
        req on_press: Action = "onPress",
        /// A confirmation asked before sending.
        opt confirm: Confirm = "confirm",
    }
}

impl Button {
    /// A button with a label and an action.
    pub fn new(label: impl Into<String>, on_press: Action) -> Self {
        Button {
            label: Some(label.into()),
            style: None,
            icon: None,
            trailing_icon: None,
            tooltip: None,
            disabled: None,
            on_press,
            confirm: None,
        }
    }
}

record! {
    /// A confirmation dialog shown before an action is sent.
    pub struct Confirm as "confirm" {
        /// The dialog's title (at most 100 characters).
        req title: String = "title",
        /// The explanation (at most 300 characters).
        req text: String = "text",
        /// The confirm button's label (at most 30 characters).
        req confirm: String = "confirm",
        /// The confirm button's style.
        opt style: ConfirmStyle = "style",
    }
    check = Confirm::check;
    limits = [
        ("title", super::shape::FieldLimit::MaxLen(100)),
        ("text", super::shape::FieldLimit::MaxLen(300)),
        ("confirm", super::shape::FieldLimit::MaxLen(30)),
    ];
}

impl Confirm {
    /// A confirmation with a title, a text and a confirm label.
    pub fn new(
        title: impl Into<String>,
        text: impl Into<String>,
        confirm: impl Into<String>,
    ) -> Self {
        Confirm {
            title: title.into(),
            text: text.into(),
            confirm: confirm.into(),
            style: None,
        }
    }

    fn check(&self, d: &mut Decoder) {
        check_max_len(d, "title", &self.title, 100);
        check_max_len(d, "text", &self.text, 300);
        check_max_len(d, "confirm", &self.confirm, 30);
    }
}

record! {
    /// A text field bound to a state key.
    pub struct TextInput [tag = "textinput"] as "textinput" {
        /// The state key it writes.
        req state: String = "state",
        /// The value when the key is unset.
        opt initial_value: String = "initialValue",
        /// A placeholder.
        opt placeholder: String = "placeholder",
        /// What kind of text.
        opt input_type: InputType = "inputType",
        /// Whether it spans lines.
        opt multiline: bool = "multiline",
        /// Whether it can be edited.
        opt disabled: bool = "disabled",
    }
}

impl TextInput {
    /// A text input writing `state`.
    pub fn new(state: impl Into<String>) -> Self {
        TextInput {
            state: state.into(),
            initial_value: None,
            placeholder: None,
            input_type: None,
            multiline: None,
            disabled: None,
        }
    }
}

/// A select's initial value: one id, or several when `multiple`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum SelectValue {
    /// One option id.
    One(String),
    /// Several option ids.
    Many(Vec<String>),
}

impl Decode for SelectValue {
    fn decode<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Self> {
        match v.view() {
            View::String(s) => Some(SelectValue::One(s.into_owned())),
            View::Array(_) => Vec::decode(v, d).map(SelectValue::Many),
            _ => {
                d.wrong_type("string or array of strings", v);
                None
            }
        }
    }
}

impl From<&str> for SelectValue {
    fn from(s: &str) -> Self {
        SelectValue::One(s.to_owned())
    }
}

record! {
    /// One option of a select.
    pub struct SelectOption as "select option" {
        /// The id written into state.
        req id: String = "id",
        /// The text shown.
        req label: String = "label",
        /// An icon or image.
        opt icon: IconOrImage = "icon",
    }
}

impl SelectOption {
    /// An option with an id and a label.
    pub fn new(id: impl Into<String>, label: impl Into<String>) -> Self {
        SelectOption {
            id: id.into(),
            label: label.into(),
            icon: None,
        }
    }
}

string_enum! {
    /// A source of options that GitBook provides.
    pub enum BuiltInSourceName {
        /// The OpenAPI specifications of the organization.
        OpenApi = "openapi",
    }
}

record! {
    /// Options that GitBook provides: `{"source": "openapi"}`.
    pub struct BuiltInSource as "built-in source" {
        /// Which source.
        req source: BuiltInSourceName = "source",
    }
}

record! {
    /// Options fetched from a URL: `{"url": …}`.
    pub struct UrlSource as "options URL" {
        /// Where the options come from.
        req url: UrlOrString = "url",
    }
}

/// Where a select's options come from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum SelectOptions {
    /// A fixed list.
    List(Vec<SelectOption>),
    /// A source GitBook provides.
    BuiltIn(BuiltInSource),
    /// Options fetched from a URL.
    Url(UrlSource),
}

impl Decode for SelectOptions {
    fn decode<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Self> {
        match v.json_type() {
            JsonType::Array => Vec::decode(v, d).map(SelectOptions::List),
            JsonType::Object if v.get("source").is_some() => {
                BuiltInSource::decode(v, d).map(SelectOptions::BuiltIn)
            }
            JsonType::Object => UrlSource::decode(v, d).map(SelectOptions::Url),
            _ => {
                d.wrong_type("array of options, {source} or {url}", v);
                None
            }
        }
    }
}

impl From<Vec<SelectOption>> for SelectOptions {
    fn from(v: Vec<SelectOption>) -> Self {
        SelectOptions::List(v)
    }
}

record! {
    /// A drop-down bound to a state key.
    pub struct Select [tag = "select"] as "select" {
        /// The state key it writes.
        req state: String = "state",
        /// Its options.
        req options: SelectOptions = "options",
        /// The value when the key is unset.
        opt initial_value: SelectValue = "initialValue",
        /// A placeholder.
        opt placeholder: String = "placeholder",
        /// Whether several options can be chosen.
        opt multiple: bool = "multiple",
        /// Whether free text is accepted.
        opt accept_input: bool = "acceptInput",
        /// Whether it can be changed.
        opt disabled: bool = "disabled",
        /// What a change sends.
        opt on_value_change: Action = "onValueChange",
    }
}

impl Select {
    /// A select writing `state`, with its options.
    pub fn new(state: impl Into<String>, options: impl Into<SelectOptions>) -> Self {
        Select {
            state: state.into(),
            options: options.into(),
            initial_value: None,
            placeholder: None,
            multiple: None,
            accept_input: None,
            disabled: None,
            on_value_change: None,
        }
    }
}

record! {
    /// An on/off switch bound to a state key.
    pub struct Switch [tag = "switch"] as "switch" {
        /// The state key it writes.
        req state: String = "state",
        /// The value when the key is unset.
        opt initial_value: bool = "initialValue",
        /// Whether it can be changed.
        opt disabled: bool = "disabled",
        /// What a change sends.
        opt on_value_change: Action = "onValueChange",
        /// A confirmation asked before a change.
        opt confirm: Confirm = "confirm",
    }
}

impl Switch {
    /// A switch writing `state`.
    pub fn new(state: impl Into<String>) -> Self {
        Switch {
            state: state.into(),
            initial_value: None,
            disabled: None,
            on_value_change: None,
            confirm: None,
        }
    }
}

/// A checkbox's or radio's value: a string or a number.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum StringOrNumber {
    /// A string.
    String(String),
    /// A number.
    Number(JsNumber),
}

impl Decode for StringOrNumber {
    fn decode<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Self> {
        match v.view() {
            View::String(s) => Some(StringOrNumber::String(s.into_owned())),
            View::Number(n) => Some(StringOrNumber::Number(JsNumber(n))),
            _ => {
                d.wrong_type("string or number", v);
                None
            }
        }
    }
}

impl From<&str> for StringOrNumber {
    fn from(s: &str) -> Self {
        StringOrNumber::String(s.to_owned())
    }
}

impl From<f64> for StringOrNumber {
    fn from(n: f64) -> Self {
        StringOrNumber::Number(JsNumber(n))
    }
}

record! {
    /// A checkbox: adds its value to, or removes it from, the array in a state key.
    pub struct Checkbox [tag = "checkbox"] as "checkbox" {
        /// The state key (an array).
        req state: String = "state",
        /// The value it adds.
        req value: StringOrNumber = "value",
        /// A confirmation asked before a change.
        opt confirm: Confirm = "confirm",
    }
}

impl Checkbox {
    /// A checkbox adding `value` to the array in `state`.
    pub fn new(state: impl Into<String>, value: impl Into<StringOrNumber>) -> Self {
        Checkbox {
            state: state.into(),
            value: value.into(),
            confirm: None,
        }
    }
}

record! {
    /// A radio button: writes its value into a state key.
    pub struct Radio [tag = "radio"] as "radio" {
        /// The state key.
        req state: String = "state",
        /// The value it writes.
        req value: StringOrNumber = "value",
        /// Whether it can be changed.
        opt disabled: bool = "disabled",
        /// A confirmation asked before a change.
        opt confirm: Confirm = "confirm",
    }
}

impl Radio {
    /// A radio writing `value` into `state`.
    pub fn new(state: impl Into<String>, value: impl Into<StringOrNumber>) -> Self {
        Radio {
            state: state.into(),
            value: value.into(),
            disabled: None,
            confirm: None,
        }
    }
}

/// An input's hint: a string or one inline element.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum InputHint {
    /// Plain text.
    String(String),
    /// A text, image or link element.
    Element(Box<Element>),
}

impl Decode for InputHint {
    fn decode<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Self> {
        match v.as_str() {
            Some(s) => Some(InputHint::String(s.into_owned())),
            None => super::placement::decode_in(v, d, super::placement::INLINE)
                .map(|e| InputHint::Element(Box::new(e))),
        }
    }
}

impl From<&str> for InputHint {
    fn from(s: &str) -> Self {
        InputHint::String(s.to_owned())
    }
}

record! {
    /// A labelled form field around one control.
    pub struct Input [tag = "input"] as "input" {
        /// The label.
        req label: String = "label",
        /// A hint under the control.
        opt hint: InputHint = "hint",
        /// The control: textinput, select, switch, radio, checkbox, button or codeblock.
        req element: Box<Element> = "element" via decode_input_element as super::shape::Shape::Element(super::placement::INPUT_CONTROL),
    }
}

fn decode_input_element<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Box<Element>> {
    super::placement::decode_in(v, d, super::placement::INPUT_CONTROL).map(Box::new)
}

impl Input {
    /// A labelled field around `element` (one of the seven control kinds).
    pub fn new(label: impl Into<String>, element: impl Into<Element>) -> Self {
        Input {
            label: label.into(),
            hint: None,
            element: Box::new(element.into()),
        }
    }
}
