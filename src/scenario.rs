//! Scenarios: a recorded session with a component, replayed as a test.
//!
//! The playground records what a person does with a component (typing, presses, modal
//! returns) and what the component rendered after each step, and saves it as a
//! `*.scenario.json` file. [`replay`] drives the same steps through the crate's
//! [`Client`] (the one the testing harness uses), against the code as it is now, and
//! [`Scenario::changes`] compares each output with the recorded one. `contentkit test`
//! runs every scenario of a folder this way, in-process or against an integration
//! served elsewhere.
//!
//! ```
//! use contentkit::component::Integration;
//! use contentkit::scenario::{replay, Scenario};
//!
//! let source = r#"createComponent({
//!     componentId: 'greeter',
//!     initialState: { name: '' },
//!     action: { greet: ({ state }) => ({ state: { ...state, greeting: `Hello ${state.name}!` } }) },
//!     render: ({ state }) => (
//!         <block>
//!             <textinput state="name" />
//!             <button label="Greet" onPress={{ action: 'greet' }} />
//!             <text>{state.greeting ?? ''}</text>
//!         </block>
//!     ),
//! })"#;
//! let mut integration = Integration::new();
//! for c in contentkit::component::file::compile(source, "greeter.ckx").unwrap() {
//!     integration.add(c);
//! }
//! let scenario = Scenario::from_json(r#"{
//!     "component": "greeter",
//!     "steps": [
//!         {"set": {"key": "name", "value": "Ada"}},
//!         {"dispatch": {"action": "greet"}, "label": "Greet"}
//!     ]
//! }"#)?;
//! // No outputs were recorded: every one is new.
//! let replayed = replay(&scenario, &integration)?;
//! assert_eq!(scenario.changes(&replayed).len(), 2);
//! let recorded = scenario.with_outputs(&replayed);
//! assert!(recorded.changes(&replayed).is_empty());
//! assert_eq!(recorded.steps[1].output.as_ref().unwrap()["state"]["greeting"], "Hello Ada!");
//! # Ok::<(), contentkit::scenario::ScenarioError>(())
//! ```

use serde_json::{json, Map, Value};

use crate::component::client::pressables;
use crate::component::{default_context, Client, ComponentError, Transport};
use crate::element::{Action, CustomAction, Object, RenderOutput};

/// Why a scenario could not be read or replayed.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file is not a scenario; the message says what is wrong, and where.
    #[error("not a scenario: {0}")]
    Format(String),
    /// A step failed: the component errored, or rendered what ContentKit rejects.
    #[error("step {step} ({what}): {message}")]
    Step {
        /// The step's number: 0 is the first render, 1 the first recorded step.
        step: usize,
        /// The step, described.
        what: String,
        /// What went wrong.
        message: String,
    },
}

/// One thing the person did.
#[derive(Debug, Clone, PartialEq)]
pub enum StepKind {
    /// Typed `value` into the input bound to `key` (or chose it in a select, a switch).
    Set {
        /// The state key.
        key: String,
        /// Its new value.
        value: Value,
    },
    /// Ticked or unticked the checkbox writing `value` into the array under `key`.
    Toggle {
        /// The state key.
        key: String,
        /// The checkbox's value.
        value: Value,
    },
    /// Pressed the first button labelled so.
    Press(String),
    /// Sent an action (a button's, a web frame's, a stepper's), bindings unresolved.
    Dispatch(Object),
    /// Closed the top modal with this return value.
    CloseModal(Object),
}

/// A step and the output recorded after it (steps that send nothing have none).
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// What was done.
    pub kind: StepKind,
    /// What the person saw on it, for reading the file (a button's label).
    pub label: Option<String>,
    /// The top view's render output after the step (or the `complete` output).
    pub output: Option<Value>,
}

impl Step {
    /// Whether the step sends a request, and so has an output.
    pub fn renders(&self) -> bool {
        !matches!(self.kind, StepKind::Set { .. } | StepKind::Toggle { .. })
    }

    fn describe(&self) -> String {
        match &self.kind {
            StepKind::Set { key, value } => format!("set {key} to {value}"),
            StepKind::Toggle { key, value } => format!("toggle {value} in {key}"),
            StepKind::Press(label) => format!("press {label:?}"),
            StepKind::Dispatch(action) => match &self.label {
                Some(label) => format!("dispatch {} ({label:?})", Value::Object(action.clone())),
                None => format!("dispatch {}", Value::Object(action.clone())),
            },
            StepKind::CloseModal(rv) => {
                format!("close the modal with {}", Value::Object(rv.clone()))
            }
        }
    }
}

/// A recorded session: which component, in which context, and the steps.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// The component opened first.
    pub component: String,
    /// Its props.
    pub props: Object,
    /// The render context; `None` for the default light, editable document.
    pub context: Option<Value>,
    /// The integration's environment (installation and space configuration, secrets),
    /// sent to an integration served elsewhere.
    pub environment: Option<Value>,
    /// The output of the first render.
    pub output: Option<Value>,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// What a replay rendered: the first render's output, then one per step (`None` for
/// steps that send nothing).
#[derive(Debug, Clone, PartialEq)]
pub struct Replayed {
    /// The first render's output.
    pub output: Value,
    /// Each step's output.
    pub steps: Vec<Option<Value>>,
}

/// A recorded output that differs from the replayed one.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// 0 for the first render, `n` for the `n`th step.
    pub step: usize,
    /// The step, described.
    pub what: String,
    /// The recorded output (`None`: nothing was recorded yet).
    pub recorded: Option<Value>,
    /// The output now.
    pub replayed: Value,
}

impl Scenario {
    /// Reads a scenario from its JSON text.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| ScenarioError::Format(format!("line {}:{}: {e}", e.line(), e.column())))?;
        Scenario::from_value(&value)
    }

    /// Reads a scenario from JSON.
    pub fn from_value(value: &Value) -> Result<Scenario, ScenarioError> {
        let bad = |m: String| ScenarioError::Format(m);
        let root = value
            .as_object()
            .ok_or_else(|| bad("a scenario is a JSON object".into()))?;
        let component = root
            .get("component")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("\"component\" must be a string".into()))?
            .to_owned();
        let props = optional_object(root, "props")?.unwrap_or_default();
        let context = root.get("context").filter(|v| !v.is_null()).cloned();
        if context.as_ref().is_some_and(|c| !c.is_object()) {
            return Err(bad("\"context\" must be an object".into()));
        }
        let environment = root.get("environment").filter(|v| !v.is_null()).cloned();
        let output = root.get("output").filter(|v| !v.is_null()).cloned();
        let mut steps = Vec::new();
        match root.get("steps") {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    steps.push(step_from_value(item).map_err(|m| bad(format!("steps[{i}]: {m}")))?);
                }
            }
            Some(_) => return Err(bad("\"steps\" must be an array".into())),
        }
        Ok(Scenario {
            component,
            props,
            context,
            environment,
            output,
            steps,
        })
    }

    /// The scenario as JSON, in the file's order: component, props, context,
    /// environment, output, steps.
    pub fn to_value(&self) -> Value {
        let mut root = Map::new();
        root.insert("component".into(), Value::String(self.component.clone()));
        root.insert("props".into(), Value::Object(self.props.clone()));
        if let Some(c) = &self.context {
            root.insert("context".into(), c.clone());
        }
        if let Some(e) = &self.environment {
            root.insert("environment".into(), e.clone());
        }
        if let Some(o) = &self.output {
            root.insert("output".into(), o.clone());
        }
        let steps = self.steps.iter().map(step_to_value).collect();
        root.insert("steps".into(), Value::Array(steps));
        Value::Object(root)
    }

    /// The scenario as the file's text: pretty JSON, with a final newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(&self.to_value()).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The render context the scenario runs in.
    pub fn context(&self) -> Value {
        self.context.clone().unwrap_or_else(default_context)
    }

    /// The outputs that differ from what `replayed` rendered (an output never recorded
    /// counts as a change, as a new snapshot does).
    pub fn changes(&self, replayed: &Replayed) -> Vec<Change> {
        let mut changes = Vec::new();
        if self.output.as_ref() != Some(&replayed.output) {
            changes.push(Change {
                step: 0,
                what: format!(
                    "open {} with props {}",
                    self.component,
                    Value::Object(self.props.clone())
                ),
                recorded: self.output.clone(),
                replayed: replayed.output.clone(),
            });
        }
        for (i, (step, now)) in self.steps.iter().zip(&replayed.steps).enumerate() {
            if let Some(now) = now {
                if step.output.as_ref() != Some(now) {
                    changes.push(Change {
                        step: i + 1,
                        what: step.describe(),
                        recorded: step.output.clone(),
                        replayed: now.clone(),
                    });
                }
            }
        }
        changes
    }

    /// The scenario with the replayed outputs in place of the recorded ones.
    #[must_use]
    pub fn with_outputs(&self, replayed: &Replayed) -> Scenario {
        let mut out = self.clone();
        out.output = Some(replayed.output.clone());
        for (step, now) in out.steps.iter_mut().zip(&replayed.steps) {
            step.output.clone_from(now);
        }
        out
    }
}

/// Replays `scenario` through `transport`: opens the component, then runs each step as
/// GitBook's editor would, checking every output against ContentKit's rules.
pub fn replay<T: Transport>(scenario: &Scenario, transport: T) -> Result<Replayed, ScenarioError> {
    let mut client = Client::new(transport, scenario.context());
    let fail = |step: usize, what: String, message: String| ScenarioError::Step {
        step,
        what,
        message,
    };
    let open = format!("open {}", scenario.component);
    client
        .open(&scenario.component, scenario.props.clone())
        .map_err(|e| fail(0, open.clone(), component_error(&e)))?;
    let output = top_output(&client).map_err(|m| fail(0, open, m))?;
    let mut steps = Vec::with_capacity(scenario.steps.len());
    for (i, step) in scenario.steps.iter().enumerate() {
        let n = i + 1;
        let what = step.describe();
        if client.view().is_none() {
            return Err(fail(n, what, "the flow has already completed".into()));
        }
        let sent = match &step.kind {
            StepKind::Set { key, value } => {
                client.set_state(key, value.clone());
                None
            }
            StepKind::Toggle { key, value } => {
                client.toggle(key, value.clone());
                None
            }
            StepKind::Press(label) => {
                // As the testing harness does: a disabled button cannot be pressed.
                let disabled = client.element().is_some_and(|e| {
                    pressables(e)
                        .iter()
                        .find(|p| p.label == label.as_str())
                        .is_some_and(|p| p.disabled)
                });
                if disabled {
                    return Err(fail(
                        n,
                        what,
                        format!("the button labelled {label:?} is disabled"),
                    ));
                }
                Some(client.press(label))
            }
            StepKind::Dispatch(action) => {
                let mut fields = action.clone();
                let name = match fields.shift_remove("action") {
                    Some(Value::String(name)) => name,
                    _ => return Err(fail(n, what, "an action needs a string \"action\"".into())),
                };
                // Sent as written, bindings and all: the client resolves them.
                let action = Action::Custom(CustomAction {
                    action: name,
                    fields,
                });
                Some(client.dispatch(&action))
            }
            StepKind::CloseModal(rv) => Some(client.dispatch(&Action::close_modal(rv.clone()))),
        };
        match sent {
            None => steps.push(None),
            Some(Err(e)) => return Err(fail(n, what, component_error(&e))),
            Some(Ok(_)) => {
                steps.push(Some(top_output(&client).map_err(|m| fail(n, what, m))?));
            }
        }
    }
    Ok(Replayed { output, steps })
}

/// The top view's output, checked, or the `complete` output once the flow ended.
fn top_output<T: Transport>(client: &Client<T>) -> Result<Value, String> {
    if let Some(view) = client.view() {
        let value = RenderOutput::Element(view.output.clone()).to_value();
        RenderOutput::from_value(&value).map_err(|e| {
            format!(
                "{} rendered an output ContentKit rejects:\n{e}",
                view.component_id
            )
        })?;
        return Ok(value);
    }
    match client.completed() {
        Some(rv) => Ok(match rv {
            Some(rv) => json!({"type": "complete", "returnValue": rv}),
            None => json!({"type": "complete"}),
        }),
        None => Err("nothing is open".into()),
    }
}

fn component_error(e: &ComponentError) -> String {
    format!("status {}: {e}", e.status())
}

fn optional_object(root: &Object, key: &str) -> Result<Option<Object>, ScenarioError> {
    match root.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o.clone())),
        Some(_) => Err(ScenarioError::Format(format!(
            "\"{key}\" must be an object"
        ))),
    }
}

fn step_from_value(value: &Value) -> Result<Step, String> {
    let step = value.as_object().ok_or("a step is a JSON object")?;
    let label = step.get("label").and_then(Value::as_str).map(str::to_owned);
    let output = step.get("output").filter(|v| !v.is_null()).cloned();
    let key_value = |v: &Value, what: &str| -> Result<(String, Value), String> {
        let key = v
            .get("key")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("\"{what}\" needs a string \"key\""))?;
        let value = v
            .get("value")
            .ok_or_else(|| format!("\"{what}\" needs a \"value\""))?;
        Ok((key.to_owned(), value.clone()))
    };
    let object = |v: &Value, what: &str| -> Result<Object, String> {
        v.as_object()
            .cloned()
            .ok_or_else(|| format!("\"{what}\" must be an object"))
    };
    let kind = if let Some(v) = step.get("set") {
        let (key, value) = key_value(v, "set")?;
        StepKind::Set { key, value }
    } else if let Some(v) = step.get("toggle") {
        let (key, value) = key_value(v, "toggle")?;
        StepKind::Toggle { key, value }
    } else if let Some(v) = step.get("press") {
        StepKind::Press(v.as_str().ok_or("\"press\" must be a label")?.to_owned())
    } else if let Some(v) = step.get("dispatch") {
        StepKind::Dispatch(object(v, "dispatch")?)
    } else if let Some(v) = step.get("closeModal") {
        StepKind::CloseModal(if v.is_null() {
            Object::new()
        } else {
            object(v, "closeModal")?
        })
    } else {
        return Err(
            "a step is one of \"set\", \"toggle\", \"press\", \"dispatch\", \"closeModal\"".into(),
        );
    };
    Ok(Step {
        kind,
        label,
        output,
    })
}

fn step_to_value(step: &Step) -> Value {
    let mut out = Map::new();
    match &step.kind {
        StepKind::Set { key, value } => {
            out.insert("set".into(), json!({"key": key, "value": value}));
        }
        StepKind::Toggle { key, value } => {
            out.insert("toggle".into(), json!({"key": key, "value": value}));
        }
        StepKind::Press(label) => {
            out.insert("press".into(), Value::String(label.clone()));
        }
        StepKind::Dispatch(action) => {
            out.insert("dispatch".into(), Value::Object(action.clone()));
        }
        StepKind::CloseModal(rv) => {
            out.insert("closeModal".into(), Value::Object(rv.clone()));
        }
    }
    if let Some(label) = &step.label {
        out.insert("label".into(), Value::String(label.clone()));
    }
    if let Some(output) = &step.output {
        out.insert("output".into(), output.clone());
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_scenarios_say_where() {
        let e = Scenario::from_json(r#"{"component": "x", "steps": [{"jump": 1}]}"#).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("not a scenario: steps[0]: a step is one of"),
            "{e}"
        );
        let e = Scenario::from_json("{\"component\": 1}").unwrap_err();
        assert_eq!(
            e.to_string(),
            "not a scenario: \"component\" must be a string"
        );
        let e = Scenario::from_json("{").unwrap_err();
        assert!(e.to_string().starts_with("not a scenario: line 1:1"), "{e}");
    }

    fn integration(source: &str) -> crate::component::Integration {
        let mut integration = crate::component::Integration::new();
        for c in crate::component::file::compile(source, "t.ckx").unwrap() {
            integration.add(c);
        }
        integration
    }

    #[test]
    fn update_props_renders_again_with_the_new_props() {
        let integration = integration(
            "createComponent({ componentId: 'c', render: ({ props }) => <block><text>{props.title ?? 'none'}</text></block> })",
        );
        let scenario = Scenario::from_json(
            r#"{"component": "c", "steps": [{"dispatch": {"action": "@editor.node.updateProps", "props": {"title": "B"}}}]}"#,
        )
        .unwrap();
        let replayed = replay(&scenario, &integration).unwrap();
        let after = replayed.steps[0].as_ref().unwrap();
        assert_eq!(after["props"], json!({"title": "B"}));
        assert_eq!(after["element"]["children"][0]["children"][0], "B");
    }

    #[test]
    fn a_failing_step_says_which() {
        let integration = integration(
            "createComponent({ componentId: 'c', render: () => <block><button label='Go' onPress={{ action: 'go' }} /></block> })",
        );
        let scenario =
            Scenario::from_json(r#"{"component": "c", "steps": [{"press": "Stop"}]}"#).unwrap();
        let e = replay(&scenario, &integration).unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"step 1 (press "Stop"): status 400: no button labelled "Stop" in the view"#
        );
        let integration = super::tests::integration(
            "createComponent({ componentId: 'd', render: () => <block><button label='Go' disabled onPress={{ action: 'go' }} /></block> })",
        );
        let scenario =
            Scenario::from_json(r#"{"component": "d", "steps": [{"press": "Go"}]}"#).unwrap();
        let e = replay(&scenario, &integration).unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"step 1 (press "Go"): the button labelled "Go" is disabled"#
        );
        let scenario = Scenario::from_json(r#"{"component": "nope"}"#).unwrap();
        let e = replay(&scenario, &integration).unwrap_err();
        assert_eq!(
            e.to_string(),
            "step 0 (open nope): status 404: Component nope not found"
        );
    }

    #[test]
    fn scenarios_round_trip_through_json() {
        let text = r#"{"component":"c","props":{"a":1},"steps":[{"set":{"key":"k","value":[1]}},{"toggle":{"key":"t","value":"x"}},{"press":"Go"},{"dispatch":{"action":"a"},"label":"A","output":{"type":"complete"}},{"closeModal":{"v":1}}]}"#;
        let s = Scenario::from_json(text).unwrap();
        assert_eq!(Scenario::from_json(&s.to_json()).unwrap(), s);
        assert_eq!(s.to_value().to_string(), text);
    }
}
