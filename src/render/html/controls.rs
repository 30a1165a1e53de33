//! Controls: buttons and their confirmations, and the elements that write into state.

use crate::element::{
    BuiltInSourceName, Button, ButtonStyle, Checkbox, Confirm, ConfirmStyle, Element, Icon, Input,
    InputHint, InputType, Radio, Select, SelectOptions, StringOrNumber, Switch, TextInput,
    UrlOrString,
};

use super::icons;
use super::renderer::{Renderer, Step as PathStep};
use super::state::Shown;
use super::url::write_url;

impl Renderer<'_> {
    /// A button in its style, with icons, tooltip and confirmation.
    pub(super) fn button(&mut self, button: &Button) {
        let style = match button.style.unwrap_or(ButtonStyle::Secondary) {
            ButtonStyle::Primary => "contentkit-button-primary",
            ButtonStyle::Secondary => "contentkit-button-secondary",
            ButtonStyle::Danger => "contentkit-button-danger",
        };
        let label = button.label.as_deref().filter(|l| !l.is_empty());
        if label.is_some() {
            self.open_element("button", &["contentkit-button", style]);
        } else {
            self.open_element(
                "button",
                &["contentkit-button", style, "contentkit-button-icon-only"],
            );
        }
        self.attr("type", "button");
        if let Some(tooltip) = &button.tooltip {
            self.attr("title", tooltip);
        }
        if label.is_none() {
            // An icon-only button still needs a name for assistive technology.
            match (&button.tooltip, button.icon.or(button.trailing_icon)) {
                (Some(tooltip), _) => self.attr("aria-label", tooltip),
                (None, Some(icon)) => self.attr("aria-label", icon.as_str()),
                (None, None) => {}
            }
        }
        self.flag("disabled", button.disabled == Some(true));
        self.action_attr("data-ck-action", &button.on_press);
        if let Some(confirm) = &button.confirm {
            self.confirm_attrs(confirm);
        }
        self.end_open();
        if let Some(icon) = button.icon {
            self.raw(icons::svg(icon));
        }
        if let Some(label) = label {
            self.tag("span", &["contentkit-button-label"]);
            self.text_str(label);
            self.close("span");
        }
        if let Some(icon) = button.trailing_icon {
            self.raw(icons::svg(icon));
        }
        self.close("button");
        if let Some(confirm) = &button.confirm {
            self.confirm_template(confirm);
        }
    }

    /// A row of buttons under `buttons` (a card's, a codeblock's, a webframe's).
    pub(super) fn buttons(&mut self, class: &'static str, buttons: &[Button]) {
        if buttons.is_empty() {
            return;
        }
        self.tag("div", &[class]);
        self.at(PathStep::Field("buttons"), |r| {
            for (i, b) in buttons.iter().enumerate() {
                r.at(PathStep::Index(i), |r| r.button(b));
            }
        });
        self.close("div");
    }

    /// The confirmation on the control that asks for it: the id of its template, and
    /// its texts, for a playground that builds its own dialog.
    pub(super) fn confirm_attrs(&mut self, confirm: &Confirm) {
        if !self.interactive {
            return;
        }
        self.path_id("data-ck-confirm", "ck-confirm-", "");
        self.attr("data-ck-confirm-title", &confirm.title);
        self.attr("data-ck-confirm-text", &confirm.text);
        self.attr("data-ck-confirm-label", &confirm.confirm);
        let style = match confirm.style.unwrap_or(ConfirmStyle::Primary) {
            ConfirmStyle::Primary => "primary",
            ConfirmStyle::Danger => "danger",
        };
        self.attr("data-ck-confirm-style", style);
    }

    /// The confirmation dialog, in an inert `<template>` right after its control, for the
    /// playground to show before it sends the action. The template may stand anywhere,
    /// even where a `<div>` may not (after a switch inside an input).
    pub(super) fn confirm_template(&mut self, confirm: &Confirm) {
        if !self.interactive {
            return;
        }
        self.open("template", &["contentkit-confirm-template"]);
        self.path_id("id", "ck-confirm-", "");
        self.end_open();
        self.open("div", &["contentkit-confirm"]);
        self.attr("role", "alertdialog");
        self.attr("aria-modal", "true");
        self.end_open();
        self.tag("h3", &["contentkit-confirm-title"]);
        self.text_str(&confirm.title);
        self.close("h3");
        self.tag("p", &["contentkit-confirm-text"]);
        self.text_str(&confirm.text);
        self.close("p");
        self.tag("div", &["contentkit-confirm-buttons"]);
        self.open(
            "button",
            &["contentkit-button", "contentkit-button-secondary"],
        );
        self.attr("type", "button");
        self.flag("data-ck-confirm-cancel", true);
        self.end_open();
        self.raw("Cancel");
        self.close("button");
        let style = match confirm.style.unwrap_or(ConfirmStyle::Primary) {
            ConfirmStyle::Primary => "contentkit-button-primary",
            ConfirmStyle::Danger => "contentkit-button-danger",
        };
        self.open("button", &["contentkit-button", style]);
        self.attr("type", "button");
        self.flag("data-ck-confirm-accept", true);
        self.end_open();
        self.text_str(&confirm.confirm);
        self.close("button");
        self.close("div");
        self.close("div");
        self.close("template");
    }

    /// A text field (or area) showing the state's value, else its initial value.
    pub(super) fn textinput(&mut self, input: &TextInput) {
        let value = self
            .state
            .input_value(&input.state, input.initial_value.as_deref());
        let multiline = input.multiline == Some(true);
        self.open_element(
            if multiline { "textarea" } else { "input" },
            &["contentkit-textinput"],
        );
        if !multiline {
            let kind = match input.input_type.unwrap_or(InputType::Text) {
                InputType::Text => "text",
                InputType::Password => "password",
                InputType::Email => "email",
            };
            self.attr("type", kind);
        }
        self.path_id("id", "ck-", "");
        self.state_attrs(&input.state);
        if let Some(placeholder) = &input.placeholder {
            self.attr("placeholder", placeholder);
        }
        self.flag("disabled", input.disabled == Some(true));
        if multiline {
            self.attr("rows", "4");
            self.end_open();
            self.out.push('\n');
            self.text_fmt(value);
            self.close("textarea");
        } else {
            self.attr("value", value);
            self.end_open();
        }
    }

    /// A drop-down. Options GitBook provides or fetches cannot be listed here: those show
    /// as a disabled select with a note saying where they come from.
    pub(super) fn select(&mut self, select: &Select) {
        let options = match &select.options {
            SelectOptions::List(options) => options,
            SelectOptions::BuiltIn(_) | SelectOptions::Url(_) => {
                return self.dynamic_select(select)
            }
        };
        let multiple = select.multiple == Some(true);
        self.open_element("select", &["contentkit-select"]);
        self.path_id("id", "ck-", "");
        self.state_attrs(&select.state);
        self.flag("multiple", multiple);
        self.flag("disabled", select.disabled == Some(true));
        if select.accept_input == Some(true) && self.interactive {
            self.flag("data-ck-accept-input", true);
        }
        if let Some(action) = &select.on_value_change {
            self.action_attr("data-ck-action", action);
        }
        self.end_open();
        if !multiple {
            let has_value = self
                .state
                .has_selection(&select.state, select.initial_value.as_ref());
            self.out.push_str("<option value=\"\" disabled");
            self.flag("selected", !has_value);
            self.end_open();
            self.text_str(select.placeholder.as_deref().unwrap_or("Select…"));
            self.close("option");
        }
        for option in options {
            self.open("option", &[]);
            self.attr("value", &option.id);
            let selected =
                self.state
                    .is_selected(&select.state, select.initial_value.as_ref(), &option.id);
            self.flag("selected", selected);
            self.end_open();
            self.text_str(&option.label);
            self.close("option");
        }
        self.close("select");
    }

    fn dynamic_select(&mut self, select: &Select) {
        self.open_element("span", &["contentkit-select-dynamic"]);
        // Where a playground fetches the options from (through the integration's fetch
        // handler), with the state key and the action of the select it stands for.
        if let (true, SelectOptions::Url(source)) = (self.interactive, &select.options) {
            match &source.url {
                UrlOrString::String(url) => self.attr("data-ck-options-url", url),
                UrlOrString::Url(url) => {
                    self.out.push_str(" data-ck-options-url=\"");
                    write_url(self.out, url, &self.state);
                    self.out.push('"');
                }
            }
            self.attr("data-ck-state", &select.state);
            self.flag("data-ck-multiple", select.multiple == Some(true));
            if let Some(placeholder) = &select.placeholder {
                self.attr("data-ck-placeholder", placeholder);
            }
            if let Some(action) = &select.on_value_change {
                self.action_attr("data-ck-action", action);
            }
            if let Some(value) = self.state.get(&select.state) {
                self.json_attr("data-ck-value", value);
            }
        }
        self.end_open();
        self.open("select", &["contentkit-select"]);
        self.path_id("id", "ck-", "");
        self.state_attrs(&select.state);
        self.flag("disabled", true);
        self.end_open();
        self.tag("option", &[]);
        self.text_str(select.placeholder.as_deref().unwrap_or("Select…"));
        self.close("option");
        self.close("select");
        self.tag("span", &["contentkit-select-note"]);
        match &select.options {
            SelectOptions::BuiltIn(source) => match source.source {
                BuiltInSourceName::OpenApi => self
                    .raw("Options: the organization’s OpenAPI specifications, listed by GitBook."),
            },
            SelectOptions::Url(source) => {
                self.raw("Options: fetched by GitBook from ");
                match &source.url {
                    UrlOrString::String(url) => self.text_str(url),
                    UrlOrString::Url(url) => write_url(self.out, url, &self.state),
                }
            }
            SelectOptions::List(_) => {}
        }
        self.close("span");
        self.close("span");
    }

    /// An on/off switch: a checkbox with the switch role, drawn as a track.
    pub(super) fn switch(&mut self, switch: &Switch) {
        self.open_element("label", &["contentkit-switch"]);
        self.end_open();
        self.open("input", &["contentkit-switch-input"]);
        self.attr("type", "checkbox");
        self.attr("role", "switch");
        self.path_id("id", "ck-", "");
        self.state_attrs(&switch.state);
        self.flag(
            "checked",
            self.state.is_on(&switch.state, switch.initial_value),
        );
        self.flag("disabled", switch.disabled == Some(true));
        if let Some(action) = &switch.on_value_change {
            self.action_attr("data-ck-action", action);
        }
        if let Some(confirm) = &switch.confirm {
            self.confirm_attrs(confirm);
        }
        self.end_open();
        self.raw("<span class=\"contentkit-switch-track\" aria-hidden=\"true\"></span>");
        self.close("label");
        if let Some(confirm) = &switch.confirm {
            self.confirm_template(confirm);
        }
    }

    /// A checkbox: checked when its value is in the state's array.
    pub(super) fn checkbox(&mut self, checkbox: &Checkbox) {
        let checked = self.state.contains(&checkbox.state, &checkbox.value);
        let confirm = checkbox.confirm.as_ref();
        self.choice(
            "checkbox",
            &checkbox.state,
            &checkbox.value,
            checked,
            false,
            confirm,
        );
        if let Some(confirm) = &checkbox.confirm {
            self.confirm_template(confirm);
        }
    }

    /// A radio button: checked when the state's value is its value.
    pub(super) fn radio(&mut self, radio: &Radio) {
        let checked = self.state.equals(&radio.state, &radio.value);
        let disabled = radio.disabled == Some(true);
        let confirm = radio.confirm.as_ref();
        self.choice(
            "radio",
            &radio.state,
            &radio.value,
            checked,
            disabled,
            confirm,
        );
        if let Some(confirm) = &radio.confirm {
            self.confirm_template(confirm);
        }
    }

    /// A checkbox or radio with its box. `data-ck-value` holds the value as JSON, so the
    /// playground writes `1` and `"1"` back as they were.
    fn choice(
        &mut self,
        kind: &'static str,
        key: &str,
        value: &StringOrNumber,
        checked: bool,
        disabled: bool,
        confirm: Option<&Confirm>,
    ) {
        let (class, input_class, mark) = if kind == "radio" {
            (
                "contentkit-radio",
                "contentkit-radio-input",
                "contentkit-radio-mark",
            )
        } else {
            (
                "contentkit-checkbox",
                "contentkit-checkbox-input",
                "contentkit-checkbox-mark",
            )
        };
        self.open_element("label", &[class]);
        self.end_open();
        self.open("input", &[input_class]);
        self.attr("type", kind);
        self.path_id("id", "ck-", "");
        self.state_attrs(key);
        self.attr("value", Shown::from(value));
        if self.interactive {
            self.json_attr("data-ck-value", value);
        }
        self.flag("checked", checked);
        self.flag("disabled", disabled);
        if let Some(confirm) = confirm {
            self.confirm_attrs(confirm);
        }
        self.end_open();
        self.open("span", &[mark]);
        self.attr("aria-hidden", "true");
        self.end_open();
        if kind == "checkbox" {
            self.raw(icons::svg(Icon::Check));
        }
        self.close("span");
        self.close("label");
    }

    /// A labelled field: label, control, hint. The label points at the control by id.
    pub(super) fn input(&mut self, input: &Input) {
        let inline = matches!(
            *input.element,
            Element::Switch(_) | Element::Checkbox(_) | Element::Radio(_)
        );
        if inline {
            self.open_element("div", &["contentkit-input", "contentkit-input-inline"]);
        } else {
            self.open_element("div", &["contentkit-input"]);
        }
        self.end_open();
        // A label where it can point at the control; a plain caption otherwise.
        let label_tag = if labelable(&input.element) {
            self.open("label", &["contentkit-input-label"]);
            self.path_id("for", "ck-", ".element");
            "label"
        } else {
            self.open("span", &["contentkit-input-label"]);
            "span"
        };
        self.end_open();
        self.text_str(&input.label);
        self.close(label_tag);
        self.tag("div", &["contentkit-input-control"]);
        self.at(PathStep::Field("element"), |r| r.element(&input.element));
        self.close("div");
        match &input.hint {
            Some(InputHint::String(s)) => {
                self.tag("div", &["contentkit-input-hint"]);
                self.text_str(s);
                self.close("div");
            }
            Some(InputHint::Element(e)) => {
                self.tag("div", &["contentkit-input-hint"]);
                self.at(PathStep::Field("hint"), |r| r.element(e));
                self.close("div");
            }
            None => {}
        }
        self.close("div");
    }
}

/// Whether a label can point at the element's control (it renders one with an id).
fn labelable(e: &Element) -> bool {
    match e {
        Element::TextInput(_)
        | Element::Select(_)
        | Element::Switch(_)
        | Element::Checkbox(_)
        | Element::Radio(_) => true,
        Element::CodeBlock(c) => c.state.is_some(),
        _ => false,
    }
}
