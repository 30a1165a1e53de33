//! Roots and layout: block, modal, configuration, stacks, box, divider, card, stepper, step.

use crate::element::{
    Action, Align, Block, BlockControl, BoxElement, Card, CardHint, Configuration, ControlEntry,
    Divider, DividerSize, Element, Icon, IconOrImage, Modal, ModalSize, Step, Stepper,
};

use super::icons;
use super::renderer::{Renderer, Step as PathStep};

impl Renderer<'_> {
    /// A bordered panel; its controls sit in a `<details>` menu, which opens without script.
    pub(super) fn block(&mut self, block: &Block) {
        self.open_element("div", &["contentkit-block"]);
        self.end_open();
        if let Some(controls) = block.controls.as_deref().filter(|c| !c.is_empty()) {
            self.at(PathStep::Field("controls"), |r| r.block_menu(controls));
        }
        self.tag("div", &["contentkit-block-body"]);
        self.children(&block.children);
        self.close("div");
        self.close("div");
    }

    fn block_menu(&mut self, controls: &[ControlEntry]) {
        self.tag("details", &["contentkit-block-menu"]);
        self.open("summary", &["contentkit-block-menu-toggle"]);
        self.attr("title", "Actions");
        self.attr("aria-label", "Block actions");
        self.end_open();
        self.raw(icons::MORE);
        self.close("summary");
        self.open("div", &["contentkit-menu"]);
        self.attr("role", "menu");
        self.end_open();
        for (i, entry) in controls.iter().enumerate() {
            self.at(PathStep::Index(i), |r| match entry {
                ControlEntry::Control(c) => r.block_control(c),
                ControlEntry::Group(group) => {
                    r.open("div", &["contentkit-menu-group"]);
                    r.attr("role", "group");
                    r.end_open();
                    for (j, c) in group.iter().enumerate() {
                        r.at(PathStep::Index(j), |r| r.block_control(c));
                    }
                    r.close("div");
                }
            });
        }
        self.close("div");
        self.close("details");
    }

    fn block_control(&mut self, control: &BlockControl) {
        self.open_element("button", &["contentkit-menu-item"]);
        self.attr("type", "button");
        self.attr("role", "menuitem");
        self.action_attr("data-ck-action", &control.on_press);
        if let Some(confirm) = &control.confirm {
            self.confirm_attrs(confirm);
        }
        self.end_open();
        if let Some(icon) = control.icon {
            self.raw(icons::svg(icon));
        }
        self.tag("span", &["contentkit-menu-item-label"]);
        self.text_str(&control.label);
        self.close("span");
        self.close("button");
        if let Some(confirm) = &control.confirm {
            self.confirm_template(confirm);
        }
    }

    /// A dialog, open in place: title and subtitle, a close button, content, submit.
    pub(super) fn modal(&mut self, modal: &Modal) {
        let size = match modal.size.unwrap_or(ModalSize::Medium) {
            ModalSize::Medium => "contentkit-modal-medium",
            ModalSize::XLarge => "contentkit-modal-xlarge",
            ModalSize::Fullscreen => "contentkit-modal-fullscreen",
        };
        self.open_element("dialog", &["contentkit-modal", size]);
        self.flag("open", true);
        if modal.title.is_some() {
            self.path_id("aria-labelledby", "ck-title-", "");
        }
        self.end_open();

        self.tag("header", &["contentkit-modal-header"]);
        self.tag("div", &["contentkit-modal-heading"]);
        if let Some(title) = &modal.title {
            self.open("h2", &["contentkit-modal-title"]);
            self.path_id("id", "ck-title-", "");
            self.end_open();
            self.text_str(title);
            self.close("h2");
        }
        if let Some(subtitle) = modal.subtitle.as_deref().filter(|s| !s.is_empty()) {
            self.tag("p", &["contentkit-modal-subtitle"]);
            self.list(Some("subtitle"), subtitle);
            self.close("p");
        }
        self.close("div");
        self.open("button", &["contentkit-modal-close"]);
        self.attr("type", "button");
        self.attr("aria-label", "Close");
        self.attr("title", "Close");
        if self.interactive {
            // Closing hands the modal's return value back, as `@ui.modal.close` does.
            self.out.push_str(" data-ck-action='");
            let mut json = super::escape::JsonAttr::new(self.out);
            json.raw(r#"{"action":"@ui.modal.close","returnValue":"#);
            match &modal.return_value {
                Some(v) => json.value(v),
                None => json.raw("{}"),
            }
            json.raw("}");
            self.out.push('\'');
        }
        self.end_open();
        self.raw(icons::svg(Icon::Close));
        self.close("button");
        self.close("header");

        self.tag("div", &["contentkit-modal-body"]);
        self.children(&modal.children);
        self.close("div");
        if let Some(submit) = &modal.submit {
            self.tag("footer", &["contentkit-modal-footer"]);
            self.at(PathStep::Field("submit"), |r| r.button(submit));
            self.close("footer");
        }
        self.close("dialog");
    }

    /// A configuration screen: its fields in a column.
    pub(super) fn configuration(&mut self, configuration: &Configuration) {
        self.open_element("div", &["contentkit-configuration"]);
        self.end_open();
        self.children(&configuration.children);
        self.close("div");
    }

    /// A flex row or column.
    pub(super) fn stack(
        &mut self,
        class: &'static str,
        align: Option<Align>,
        children: &[Element],
    ) {
        let align = match align.unwrap_or(Align::Start) {
            Align::Start => "contentkit-align-start",
            Align::Center => "contentkit-align-center",
            Align::End => "contentkit-align-end",
        };
        self.open_element("div", &[class, align]);
        self.end_open();
        self.children(children);
        self.close("div");
    }

    /// A box that takes `grow` shares of a stack's free space.
    pub(super) fn box_element(&mut self, b: &BoxElement) {
        self.open_element("div", &["contentkit-box"]);
        if let Some(grow) = b.grow {
            self.number_style("flex-grow", grow.0);
        }
        self.end_open();
        self.children(&b.children);
        self.close("div");
    }

    /// A rule with small, medium or large spacing.
    pub(super) fn divider(&mut self, d: &Divider) {
        let size = match d.size.unwrap_or(DividerSize::Medium) {
            DividerSize::Small => "contentkit-divider-small",
            DividerSize::Medium => "contentkit-divider-medium",
            DividerSize::Large => "contentkit-divider-large",
        };
        self.open_element("hr", &["contentkit-divider", size]);
        self.end_open();
    }

    /// A card: a header (icon, title, hint, buttons) over its content; pressable when it
    /// has an action.
    pub(super) fn card(&mut self, card: &Card) {
        let clickable = card.on_press.is_some();
        if clickable {
            self.open_element("div", &["contentkit-card", "contentkit-card-clickable"]);
            self.attr("role", "button");
            self.attr("tabindex", "0");
        } else {
            self.open_element("div", &["contentkit-card"]);
        }
        if let Some(action) = &card.on_press {
            self.action_attr("data-ck-action", action);
        }
        self.end_open();

        let buttons = card.buttons.as_deref().unwrap_or_default();
        let hint = match &card.hint {
            Some(CardHint::String(s)) if s.is_empty() => None,
            Some(CardHint::Elements(e)) if e.is_empty() => None,
            other => other.as_ref(),
        };
        if card.icon.is_some() || card.title.is_some() || hint.is_some() || !buttons.is_empty() {
            self.tag("div", &["contentkit-card-header"]);
            match &card.icon {
                Some(IconOrImage::Icon(icon)) => {
                    self.tag("span", &["contentkit-card-icon"]);
                    self.raw(icons::svg(*icon));
                    self.close("span");
                }
                Some(IconOrImage::Image(image)) => {
                    self.tag("span", &["contentkit-card-icon"]);
                    self.at(PathStep::Field("icon"), |r| r.image(image));
                    self.close("span");
                }
                None => {}
            }
            self.tag("div", &["contentkit-card-heading"]);
            if let Some(title) = &card.title {
                self.tag("div", &["contentkit-card-title"]);
                self.text_str(title);
                self.close("div");
            }
            match hint {
                Some(CardHint::String(s)) => {
                    self.tag("div", &["contentkit-card-hint"]);
                    self.text_str(s);
                    self.close("div");
                }
                Some(CardHint::Elements(elements)) => {
                    self.tag("div", &["contentkit-card-hint"]);
                    self.list(Some("hint"), elements);
                    self.close("div");
                }
                None => {}
            }
            self.close("div");
            self.buttons("contentkit-card-buttons", buttons);
            self.close("div");
        }
        if let Some(children) = card.children.as_deref().filter(|c| !c.is_empty()) {
            self.tag("div", &["contentkit-card-body"]);
            self.children(children);
            self.close("div");
        }
        self.close("div");
    }

    /// A multi-step flow: the steps' titles, the active step's content (the others are in
    /// the page but hidden), and Back / Next / Complete buttons carrying the stepper's
    /// actions with the step they lead to in `data-ck-step`.
    pub(super) fn stepper(&mut self, stepper: &Stepper) {
        let steps = &stepper.children;
        let active = steps
            .iter()
            .position(|s| s.id == stepper.active_step)
            .unwrap_or(0);
        self.open_element("div", &["contentkit-stepper"]);
        self.action_attr("data-ck-action-step-change", &stepper.on_step_change);
        self.action_attr("data-ck-action-complete", &stepper.on_complete);
        if self.interactive {
            self.attr("data-ck-active-step", &stepper.active_step);
        }
        self.end_open();

        self.tag("ol", &["contentkit-stepper-steps"]);
        for (i, step) in steps.iter().enumerate() {
            let status = match i.cmp(&active) {
                std::cmp::Ordering::Less => "contentkit-stepper-step-done",
                std::cmp::Ordering::Equal => "contentkit-stepper-step-active",
                std::cmp::Ordering::Greater => "contentkit-stepper-step-todo",
            };
            self.open("li", &["contentkit-stepper-step", status]);
            if i == active {
                self.attr("aria-current", "step");
            }
            self.end_open();
            self.tag("span", &["contentkit-stepper-index"]);
            self.text_fmt(i + 1);
            self.close("span");
            self.tag("span", &["contentkit-stepper-title"]);
            self.text_str(step.title.as_deref().unwrap_or(&step.id));
            self.close("span");
            self.close("li");
        }
        self.close("ol");

        for (i, step) in steps.iter().enumerate() {
            self.at(PathStep::Index(i), |r| r.step_in_stepper(step, i == active));
        }

        if let Some(current) = steps.get(active) {
            self.tag("div", &["contentkit-stepper-footer"]);
            let can_go_on = current.next.unwrap_or(true);
            if let Some(previous) = active.checked_sub(1).and_then(|i| steps.get(i)) {
                let class = "contentkit-button-secondary";
                self.step_button("Back", class, &stepper.on_step_change, previous, true);
            }
            let class = "contentkit-button-primary";
            match steps.get(active + 1) {
                Some(next) => {
                    self.step_button("Next", class, &stepper.on_step_change, next, can_go_on)
                }
                None => {
                    self.step_button("Complete", class, &stepper.on_complete, current, can_go_on)
                }
            }
            self.close("div");
        }
        self.close("div");
    }

    fn step_button(
        &mut self,
        label: &'static str,
        class: &'static str,
        action: &Action,
        target: &Step,
        enabled: bool,
    ) {
        self.open("button", &["contentkit-button", class]);
        self.attr("type", "button");
        self.flag("disabled", !enabled);
        self.action_attr("data-ck-action", action);
        if self.interactive {
            self.attr("data-ck-step", &target.id);
        }
        self.end_open();
        self.tag("span", &["contentkit-button-label"]);
        self.raw(label);
        self.close("span");
        self.close("button");
    }

    fn step_in_stepper(&mut self, step: &Step, active: bool) {
        self.open_element("section", &["contentkit-step"]);
        if self.interactive {
            self.attr("data-ck-step", &step.id);
        }
        self.flag("hidden", !active);
        self.end_open();
        self.children(&step.children);
        self.close("section");
    }

    /// A step on its own (outside a stepper): a titled section.
    pub(super) fn step(&mut self, step: &Step) {
        self.open_element("section", &["contentkit-step"]);
        if self.interactive {
            self.attr("data-ck-step", &step.id);
        }
        self.end_open();
        if let Some(title) = &step.title {
            self.tag("h3", &["contentkit-step-title"]);
            self.text_str(title);
            self.close("h3");
        }
        self.children(&step.children);
        self.close("section");
    }
}
