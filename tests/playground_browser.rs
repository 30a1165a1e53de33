//! The playground in a real browser: headless Chromium driven through WebDriver.
//!
//! Needs Debian's `chromium` and `chromium-driver` (or CHROMIUM / CHROMEDRIVER set to
//! their paths). Without them the tests print a notice and pass, unless
//! CONTENTKIT_REQUIRE_BROWSER=1 (as `.ci/run` sets), when they fail.
//!
//! Screenshots land in `target/artifacts/`; the ones under `snapshots/playground-*.png`
//! were taken by these tests.
#![cfg(feature = "server")]

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::serve::{serve_app, serve_watched as serve};
use common::webdriver::{browser, Browser};
use contentkit::component::{Component, ComponentError, Input, Integration};
use contentkit::element::Element;
use contentkit::playground::{self, Backend, ComponentFiles};
use contentkit::runtime::server::{self, ServerConfig};
use contentkit::runtime::FetchResponse;
use serde_json::{json, Value};

fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn shoot(b: &Browser, name: &str) {
    std::fs::write(artifacts().join(name), b.screenshot()).unwrap();
}

fn renders(b: &Browser) -> String {
    b.execute("return document.body.dataset.renders || '0';", vec![])
        .as_str()
        .unwrap_or("0")
        .to_owned()
}

/// Waits for the page to render again after `before`.
fn wait_render(b: &Browser, before: &str, what: &str) {
    b.wait_for(
        what,
        &format!("(document.body.dataset.renders || '0') !== {before:?}"),
    );
}

fn choose(b: &Browser, component: &str) {
    b.wait_for(
        "the component list",
        &format!("document.querySelector('#ck-components option[value=\"{component}\"]') || document.body.dataset.proxy"),
    );
    let before = renders(b);
    b.execute(
        "const s = document.querySelector('#ck-component'); s.value = arguments[0]; s.dispatchEvent(new Event('change'));",
        vec![json!(component)],
    );
    wait_render(b, &before, &format!("{component} to render"));
}

fn click_action(b: &Browser, fragment: &str) {
    let el = b.find(&format!("#ck-stage [data-ck-action*='{fragment}']"));
    b.click(&el);
}

fn preview_has(text: &str) -> String {
    format!("document.querySelector('#ck-preview').textContent.includes({text:?})")
}

fn started() -> Option<Browser> {
    let (chromium, driver) = browser()?;
    Some(Browser::start(&chromium, &driver))
}

/// The examples folder copied to a temporary one, so that edits land on disk.
fn examples_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in playground::BUILT_IN_EXAMPLES {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

#[test]
fn playground_counts_adds_todos_and_runs_a_modal_flow() {
    let Some(b) = started() else { return };
    let base = serve(ComponentFiles::built_in());
    b.goto(&base);

    // The counter: press + twice and read the count.
    choose(&b, "counter");
    b.wait_for("Count: 0", &preview_has("Count: 0"));
    click_action(&b, "\"inc\"");
    b.wait_for("Count: 1", &preview_has("Count: 1"));
    click_action(&b, "\"inc\"");
    b.wait_for("Count: 2", &preview_has("Count: 2"));

    // The to-do list: type into the input and add an item.
    choose(&b, "todo");
    let input = b.find("#ck-preview [data-ck-state=draft]");
    b.type_text(&input, "Buy milk");
    click_action(&b, "\"add\"");
    b.wait_for(
        "the new item",
        &format!(
            "{} && {}",
            preview_has("Buy milk"),
            preview_has("To do (2)")
        ),
    );

    // A modal: open the chooser, pick green, see the value handed back.
    choose(&b, "colour-picker");
    click_action(&b, "@ui.modal.open");
    b.wait_for(
        "the modal",
        "!document.querySelector('#ck-modal-layer').hidden && document.querySelector('#ck-modal-layer').textContent.includes('Pick a colour')",
    );
    shoot(&b, "playground-modal.png");
    click_action(&b, "\"choice\":\"green\"");
    b.wait_for(
        "the modal to close with its value",
        &format!(
            "document.querySelector('#ck-modal-layer').hidden && {}",
            preview_has("Chosen: green")
        ),
    );

    // A root modal that closes ends the flow and shows its return value.
    choose(&b, "chooser");
    b.execute(
        "playground.setSettings('props', {options: ['cyan', 'magenta']}); playground.openRoot();",
        vec![],
    );
    b.wait_for("the options", &preview_has("magenta"));
    click_action(&b, "\"choice\":\"magenta\"");
    b.wait_for(
        "the completed flow",
        "document.querySelector('#ck-complete').textContent === '{\"choice\":\"magenta\"}'",
    );
}

#[test]
fn what_a_new_user_hit_first_works() {
    let Some(b) = started() else { return };
    let base = serve(ComponentFiles::built_in());
    b.goto(&base);

    // The preview shows the component's state: the code block its code, the switch on.
    choose(&b, "embed");
    b.wait_for(
        "the code from state",
        "document.querySelector('#ck-preview textarea[data-ck-state=code]').value.includes('console.log')",
    );
    // Editable code blocks number their lines.
    b.wait_for(
        "line numbers",
        "document.querySelector('#ck-preview .contentkit-code-gutter').textContent.trim() === '1'",
    );
    let code = b.find("#ck-preview textarea[data-ck-state=code]");
    b.type_text(&code, "\nconsole.log(2)");
    b.wait_for(
        "a second line number",
        "document.querySelector('#ck-preview .contentkit-code-gutter').textContent === '1\\n2'",
    );
    b.wait_for(
        "the switch showing the state",
        "document.querySelector('#ck-preview input[role=switch]').checked",
    );
    // The switch hides the frame, and brings it back.
    let before = renders(&b);
    b.click(&b.find("#ck-preview .contentkit-switch"));
    wait_render(&b, &before, "the frame to go");
    b.wait_for(
        "no frame",
        "!document.querySelector('#ck-preview iframe') && !document.querySelector('#ck-preview input[role=switch]').checked",
    );
    let before = renders(&b);
    b.click(&b.find("#ck-preview .contentkit-switch"));
    wait_render(&b, &before, "the frame to come back");
    b.wait_for(
        "the frame",
        "!!document.querySelector('#ck-preview iframe')",
    );

    // A markdown link opens a new tab; the playground stays where it is.
    let here = b.execute("return location.href;", vec![]);
    b.click(&b.find("#ck-preview .contentkit-markdown a"));
    b.wait_for(
        "the link in the flow",
        "document.querySelector('#ck-urls').textContent.startsWith('https://gitbook.com/')",
    );
    assert_eq!(b.execute("return location.href;", vec![]), here);
    assert_eq!(
        b.execute(
            "return document.querySelector('#ck-preview .contentkit-markdown a').target;",
            vec![]
        ),
        json!("_blank")
    );

    // The stepper: Next carries the step, so it advances; selects and radios show state.
    choose(&b, "settings");
    b.wait_for(
        "the select showing its state",
        "document.querySelector('#ck-preview select[data-ck-state=format]').value === 'json'",
    );
    b.execute(
        "const s = document.querySelector('#ck-preview select[data-ck-state=format]'); s.value = 'yaml'; s.dispatchEvent(new Event('change', {bubbles: true}));",
        vec![],
    );
    let next = b.find("#ck-preview .contentkit-stepper-footer button[data-ck-step=notify]");
    b.click(&next);
    b.wait_for(
        "the second step",
        "document.querySelector('#ck-preview [aria-current=step]').textContent.includes('Notifications')",
    );
    b.wait_for(
        "the radio showing its state",
        "document.querySelector('#ck-preview input[type=radio][value=email]').checked",
    );
    b.click(&b.find("#ck-preview input[type=radio][value=slack]"));
    b.click(&b.find("#ck-preview .contentkit-stepper-footer .contentkit-button-primary"));
    b.wait_for(
        "the summary",
        &preview_has("Exports as YAML, notifies by slack."),
    );

    // Modals: focus inside, Esc closes, a click on the backdrop closes, × hands back.
    choose(&b, "colour-picker");
    click_action(&b, "@ui.modal.open");
    b.wait_for(
        "the modal, focused",
        "!document.querySelector('#ck-modal-layer').hidden && document.querySelector('#ck-modal-layer').contains(document.activeElement)",
    );
    b.press_key("\u{E00C}");
    b.wait_for(
        "Esc to close it",
        &format!(
            "document.querySelector('#ck-modal-layer').hidden && {}",
            preview_has("Chosen: none yet")
        ),
    );
    click_action(&b, "@ui.modal.open");
    b.wait_for(
        "the modal again",
        "!document.querySelector('#ck-modal-layer').hidden",
    );
    b.execute(
        "document.querySelector('#ck-modal-layer').dispatchEvent(new MouseEvent('click', {bubbles: true}));",
        vec![],
    );
    b.wait_for(
        "the backdrop to close it",
        "document.querySelector('#ck-modal-layer').hidden",
    );

    // The confirmation is the engine's dialog, in the danger style the button asks for.
    choose(&b, "todo");
    b.click(&b.find("#ck-preview .contentkit-button-danger"));
    b.wait_for(
        "the styled confirmation",
        "!document.querySelector('#ck-confirm').hidden && !!document.querySelector('#ck-confirm .contentkit-confirm [data-ck-confirm-accept].contentkit-button-danger')",
    );
    shoot(&b, "playground-confirm.png");
    b.press_key("\u{E00C}");
    b.wait_for(
        "Esc to decline",
        "document.querySelector('#ck-confirm').hidden",
    );
    assert_eq!(
        b.execute(
            "return document.querySelector('#ck-preview').textContent.includes('To do (1)');",
            vec![]
        ),
        json!(true)
    );

    // A column's rows take its width, so a box with `grow` fills the row.
    let widths = b.execute(
        "const row = document.querySelector('#ck-preview .contentkit-vstack > .contentkit-hstack'); const box = row.querySelector('.contentkit-box'); return [row.getBoundingClientRect().width, box.getBoundingClientRect().width, row.parentElement.getBoundingClientRect().width];",
        vec![],
    );
    let w = |i: usize| widths[i].as_f64().unwrap();
    assert!(
        (w(0) - w(2)).abs() < 1.0,
        "the row fills the column: {widths}"
    );
    assert!(w(1) > w(0) * 0.6, "the growing box fills the row: {widths}");

    // Dark mode reaches the dialogs too.
    b.execute(
        "const t = document.querySelector('#ck-theme'); t.value = 'dark'; t.dispatchEvent(new Event('change'));",
        vec![],
    );
    b.wait_for(
        "the dark preview",
        "!!document.querySelector('#ck-preview .contentkit-theme-dark')",
    );
    b.click(&b.find("#ck-preview .contentkit-button-danger"));
    b.wait_for(
        "the dark confirmation",
        "!!document.querySelector('#ck-confirm .contentkit-theme-dark .contentkit-confirm')",
    );
    shoot(&b, "playground-confirm-dark.png");
    b.click(&b.find("#ck-confirm-cancel"));

    // A phone's width: nothing is wider than the screen.
    b.emulate_screen(390, 844, true);
    b.goto(&format!("{base}/#component=todo"));
    b.wait_for("the todo list", &preview_has("To do (1)"));
    let width = b.execute(
        "return [document.documentElement.scrollWidth, window.innerWidth];",
        vec![],
    );
    let wider = b.execute(
        "return Array.from(document.querySelectorAll('body *')).filter((e) => e.getBoundingClientRect().right > 391 && !e.closest('.cm-scroller, .pg-tree')).slice(0, 5).map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));",
        vec![],
    );
    assert_eq!(width[0], width[1], "the page is as wide as the phone");
    assert_eq!(width[1], json!(390), "wider than the phone: {wider}");
}

#[test]
fn editing_shows_compile_errors_inline_and_saves_to_disk() {
    let Some(b) = started() else { return };
    let dir = examples_copy();
    let base = serve(ComponentFiles::load(dir.path()).unwrap());
    b.goto(&base);
    choose(&b, "hello");
    b.wait_for(
        "the editor",
        "!!document.querySelector('#ck-source .cm-content')",
    );

    // Typing a typo into the editor: the error appears at its line:col, inline.
    b.execute(
        "const v = playground.app.editors.source.view; const at = v.state.doc.toString().indexOf('<button') + 1; v.dispatch({selection: {anchor: at + 6}}); v.focus();",
        vec![],
    );
    let content = b.find("#ck-source .cm-content");
    b.type_text(&content, "x");
    b.wait_for(
        "the inline error",
        "!!document.querySelector('#ck-source .cm-lintRange-error') && !!document.querySelector('#ck-source .cm-lint-marker-error')",
    );
    let marked = b.execute(
        "return document.querySelector('#ck-source .cm-lintRange-error').textContent;",
        vec![],
    );
    assert_eq!(marked, json!("buttonx"), "the mark covers the culprit");
    b.wait_for(
        "the diagnostic",
        "/hello\\.ckx:\\d+:\\d+: error: unknown element <buttonx>/.test(document.querySelector('#ck-errors').textContent)",
    );
    shoot(&b, "playground-inline-error.png");
    // The preview keeps the last good build; the broken text is saved all the same.
    b.wait_for(
        "the text on disk",
        "document.querySelector('#ck-save-status').textContent === 'saved to disk'",
    );
    let on_disk = std::fs::read_to_string(dir.path().join("hello.ckx")).unwrap();
    assert!(on_disk.contains("<buttonx"), "{on_disk}");

    // Fixing it: the error goes, the preview follows.
    b.execute(
        "const v = playground.app.editors.source.view; const t = v.state.doc.toString(); const at = t.indexOf('<buttonx') + 7; v.dispatch({changes: {from: at, to: at + 1}}); const l = v.state.doc.toString().indexOf('Click me'); v.dispatch({changes: {from: l, to: l + 8, insert: 'Press me'}});",
        vec![],
    );
    b.wait_for("the edited label", &preview_has("Press me"));
    b.wait_for(
        "no error",
        "document.querySelector('#ck-errors').hidden && !document.querySelector('#ck-source .cm-lintRange-error')",
    );

    // A file added to the folder shows up without a restart.
    std::fs::write(
        dir.path().join("fresh.tsx"),
        "import { createComponent } from '@gitbook/runtime';\nexport const fresh = createComponent({ componentId: 'fresh', render: () => <block><text>Fresh</text></block> });\n",
    )
    .unwrap();
    b.wait_for(
        "the new file",
        "!!document.querySelector('#ck-components option[value=fresh]')",
    );
    choose(&b, "fresh");
    b.wait_for("the new component", &preview_has("Fresh"));

    // A render error shows where it happened, as the CLI says it.
    std::fs::write(
        dir.path().join("broken.ckx"),
        "export const broken = createComponent({\n  componentId: 'broken',\n  render: ({ props }) => <block><text>{props.missing.name}</text></block>,\n});\n",
    )
    .unwrap();
    b.wait_for(
        "the broken file",
        "!!document.querySelector('#ck-components option[value=broken]')",
    );
    choose(&b, "broken");
    b.wait_for(
        "the located render error",
        "/component broken failed: .*broken\\.ckx:3:/.test(document.querySelector('#ck-runtime-error').textContent)",
    );
}

#[test]
fn an_empty_folder_says_what_to_do() {
    let Some(b) = started() else { return };
    let dir = tempfile::tempdir().unwrap();
    let base = serve(ComponentFiles::load(dir.path()).unwrap());
    b.goto(&base);
    b.wait_for(
        "the advice",
        "document.querySelector('#ck-runtime-error').textContent.includes('No component files in')",
    );
    let text = b.execute("return document.body.innerText;", vec![]);
    assert!(!text.as_str().unwrap().contains("Component  not found"));
}

#[test]
fn the_context_is_chosen_in_the_page_and_kept_in_the_link() {
    let Some(b) = started() else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("where.tsx"),
        "import { createComponent } from '@gitbook/runtime';\nexport const where = createComponent({\n  componentId: 'where',\n  render: ({ context, props }) => (\n    <block><text>{`${context.type} ${context.theme} editable=${context.editable ?? 'n/a'} props=${JSON.stringify(props)}`}</text></block>\n  ),\n});\n",
    )
    .unwrap();
    let base = serve(ComponentFiles::load(dir.path()).unwrap());
    b.goto(&base);
    choose(&b, "where");
    b.wait_for(
        "the default context",
        &preview_has("document light editable=true props={}"),
    );

    // A space's configuration screen, dark, with props.
    b.click(&b.find(".pg-tab[data-tab=context]"));
    let before = renders(&b);
    b.execute(
        "const s = document.querySelector('#ck-context-type'); s.value = 'configuration_space'; s.dispatchEvent(new Event('change'));",
        vec![],
    );
    wait_render(&b, &before, "the space configuration");
    b.execute(
        "const t = document.querySelector('#ck-theme'); t.value = 'dark'; t.dispatchEvent(new Event('change'));",
        vec![],
    );
    b.execute(
        "playground.setSettings('props', {a: 1}); playground.openRoot();",
        vec![],
    );
    b.wait_for(
        "the chosen context",
        &preview_has("configuration_space dark editable=n/a props={\"a\":1}"),
    );
    shoot(&b, "playground-context-dark.png");

    // The link reopens the same view.
    let link = b.execute("return location.href;", vec![]);
    let link = link.as_str().unwrap().to_owned();
    assert!(link.contains("component=where"), "{link}");
    b.goto("about:blank");
    b.goto(&link);
    b.wait_for(
        "the same view from the link",
        &preview_has("configuration_space dark editable=n/a props={\"a\":1}"),
    );
}

/// An integration served elsewhere: a component with a select fed by a URL, and the
/// fetch handler that answers it.
fn integration_with_a_url_select() -> Integration {
    let render = |input: &Input<'_>| -> Result<Element, ComponentError> {
        let chosen = input
            .state
            .get("fruit")
            .and_then(Value::as_str)
            .unwrap_or("nothing");
        let tree = json!({"type": "block", "children": [
            {"type": "input", "label": "Fruit", "element": {
                "type": "select", "state": "fruit", "placeholder": "a fruit",
                "options": {"url": {"host": "integration.example", "pathname": "/options", "query": {"kind": "fruit"}}}
            }},
            {"type": "text", "children": [format!("Chosen: {chosen}")]},
            {"type": "button", "label": "Confirm", "onPress": {"action": "confirm"}}
        ]});
        Element::from_root_value(&tree).map_err(|e| ComponentError::Internal(e.to_string()))
    };
    Integration::new()
        .component(Component::new("fruits", render))
        .on_fetch(|request, _| async move {
            let url = request.url();
            let query = url
                .split_once("query=")
                .map(|(_, q)| q.split('&').next().unwrap_or_default().to_lowercase())
                .unwrap_or_default();
            let options: Vec<Value> = ["Apple", "Grape", "Grapefruit", "Pear"]
                .iter()
                .filter(|f| f.to_lowercase().contains(&query))
                .map(|f| json!({"id": f.to_lowercase(), "label": f}))
                .collect();
            assert!(
                url.starts_with("https://integration.example/options?kind=fruit"),
                "{url}"
            );
            Ok(FetchResponse::json(200, &Value::Array(options)))
        })
}

#[test]
fn a_select_fed_by_a_url_asks_the_integration_through_a_proxy() {
    let Some(b) = started() else { return };
    let upstream = serve_app(server::router(
        Arc::new(integration_with_a_url_select()),
        ServerConfig::default(),
    ));
    let base = serve_app(playground::router_with(
        Arc::new(ComponentFiles::empty()),
        Backend::Proxy(upstream.clone()),
    ));
    b.goto(&format!("{base}/#component=fruits"));
    b.wait_for("the proxied component", &preview_has("Chosen: nothing"));
    b.wait_for(
        "the options fetched",
        "document.querySelector('#ck-preview [data-ck-options-url]').dataset.ckLoaded === '4'",
    );
    let query = b.find("#ck-preview .pg-url-select-query");
    b.type_text(&query, "grape");
    b.wait_for(
        "the options for the query",
        "document.querySelector('#ck-preview [data-ck-options-url]').dataset.ckLoaded === '2'",
    );
    b.execute(
        "const s = document.querySelector('#ck-preview .pg-url-select select'); s.value = 'grapefruit'; s.dispatchEvent(new Event('change'));",
        vec![],
    );
    click_action(&b, "\"confirm\"");
    b.wait_for("the choice sent", &preview_has("Chosen: grapefruit"));
    let backend = b.execute(
        "return document.querySelector('#ck-backend').textContent;",
        vec![],
    );
    assert_eq!(backend, json!(format!("POST /v1 → {upstream}")));
    shoot(&b, "playground-url-select.png");
}

#[test]
fn a_web_frame_gets_its_state_resizes_and_sends_actions() {
    let Some(b) = started() else { return };
    let base = serve(ComponentFiles::built_in());
    b.goto(&format!("{base}/#component=embed"));
    b.wait_for(
        "the handshake",
        "!!document.querySelector('#ck-preview iframe[data-ck-resized]')",
    );
    // Typing into the bound code: the frame gets the new state.
    let code = b.find("#ck-preview textarea[data-ck-state=code]");
    b.type_text(&code, " + 1");
    let frame = b.find("#ck-preview iframe");
    b.enter_frame(&frame);
    b.wait_for(
        "the frame to show the new state",
        "document.querySelector('#state').textContent.includes('+ 1') && Number(document.body.dataset.received) >= 2",
    );
    // The frame sends `@webframe.actions`: the component handles them.
    b.click(&b.find("#send"));
    b.leave_frames();
    b.wait_for(
        "the frame's action",
        &preview_has("The frame says: hello from the frame"),
    );
    shoot(&b, "playground-webframe.png");
}

#[test]
fn a_recorded_session_replays_as_a_scenario() {
    let Some(b) = started() else { return };
    let dir = examples_copy();
    let base = serve(ComponentFiles::load(dir.path()).unwrap());
    b.goto(&format!("{base}/#component=todo"));
    b.wait_for("the list", &preview_has("To do (1)"));

    let before = renders(&b);
    b.click(&b.find("#ck-record"));
    wait_render(&b, &before, "a fresh start");
    let input = b.find("#ck-preview [data-ck-state=draft]");
    b.type_text(&input, "Buy milk");
    click_action(&b, "\"add\"");
    b.wait_for("the new item", &preview_has("To do (2)"));
    click_action(&b, "\"index\":0");
    b.wait_for("one done", &preview_has("To do (1)"));
    b.click(&b.find("#ck-record"));
    b.wait_for("the recording", "document.body.dataset.recorded === '3'");
    b.click(&b.find("#ck-save-scenario"));
    b.wait_for("the saved file", "!!document.body.dataset.scenarioSaved");

    let path = dir.path().join("todo.scenario.json");
    let scenario =
        contentkit::scenario::Scenario::from_json(&std::fs::read_to_string(&path).unwrap())
            .unwrap();
    assert_eq!(scenario.steps.len(), 3, "{scenario:?}");
    let files = ComponentFiles::load(dir.path()).unwrap();
    let replayed = contentkit::scenario::replay(&scenario, &*files.current()).unwrap();
    assert_eq!(
        scenario.changes(&replayed),
        vec![],
        "the page and the replay agree"
    );

    // The command replays it; a change in the component fails it.
    let cli = env!("CARGO_BIN_EXE_contentkit");
    let run = std::process::Command::new(cli)
        .arg("test")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
    let todo = dir.path().join("todo.ckx");
    let text = std::fs::read_to_string(&todo).unwrap();
    std::fs::write(&todo, text.replace("To do (", "Left (")).unwrap();
    let run = std::process::Command::new(cli)
        .arg("test")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(out.contains("CHANGED") && out.contains("Left ("), "{out}");
    assert!(dir.path().join("todo.scenario.json.new").exists());
}
#[test]
fn hostile_strings_run_no_script() {
    let Some(b) = started() else { return };
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/playground/xss.ckx");
    let base = serve(ComponentFiles::load(&path).unwrap());
    b.goto(&base);
    choose(&b, "xss");
    b.wait_for("the hostile block", &preview_has("click me"));
    // Hover and focus everything, then click every link and button.
    b.execute(
        "for (const el of document.querySelectorAll('#ck-preview *')) { el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); if (el.focus) el.focus(); }",
        vec![],
    );
    // Click every link and button (a re-render may follow each), accepting confirmations.
    let count = b.execute(
        "return document.querySelectorAll('#ck-preview a, #ck-preview button').length;",
        vec![],
    );
    for i in 0..count.as_u64().unwrap_or(0) {
        b.execute(
            "const el = document.querySelectorAll('#ck-preview a, #ck-preview button')[arguments[0]]; if (el) el.click();",
            vec![json!(i)],
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
        b.execute("const ok = document.querySelector('#ck-confirm:not([hidden]) #ck-confirm-ok'); if (ok) ok.click();", vec![]);
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    let ran = b.execute(
        "return window.__xss === undefined ? null : String(window.__xss);",
        vec![],
    );
    assert_eq!(ran, json!(null), "a payload ran");
    std::fs::write(artifacts().join("playground-xss.png"), b.screenshot()).unwrap();
}

/// The screenshots under `snapshots/playground-*.png`: desktop light and dark, a phone.
#[test]
fn screenshots_at_desktop_and_phone_widths() {
    let Some(b) = started() else { return };
    let base = serve(ComponentFiles::built_in());

    b.emulate_screen(1440, 900, false);
    b.goto(&format!("{base}/#component=embed"));
    b.wait_for(
        "the handshake",
        "!!document.querySelector('#ck-preview iframe[data-ck-resized]')",
    );
    std::thread::sleep(std::time::Duration::from_millis(300));
    shoot(&b, "playground-desktop.png");

    b.goto(&format!("{base}/#component=settings&theme=dark"));
    b.wait_for(
        "the dark settings",
        "!!document.querySelector('#ck-preview .contentkit-theme-dark .contentkit-stepper')",
    );
    b.click(&b.find("#ck-preview .contentkit-stepper-footer button[data-ck-step=notify]"));
    b.wait_for(
        "the second step",
        "document.querySelector('#ck-preview [aria-current=step]').textContent.includes('Notifications')",
    );
    std::thread::sleep(std::time::Duration::from_millis(300));
    shoot(&b, "playground-desktop-dark.png");

    b.emulate_screen(390, 844, true);
    b.goto(&format!("{base}/#component=colour-picker"));
    b.wait_for("the picker", &preview_has("Chosen: none yet"));
    click_action(&b, "@ui.modal.open");
    b.wait_for(
        "the modal",
        "!document.querySelector('#ck-modal-layer').hidden",
    );
    std::thread::sleep(std::time::Duration::from_millis(300));
    shoot(&b, "playground-phone.png");
}

#[test]
fn a_modal_closed_with_esc_hands_back_its_return_value() {
    let Some(b) = started() else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ask.tsx"),
        r#"import { createComponent } from '@gitbook/runtime';

export const ask = createComponent<{}, { answer: string }>({
    componentId: 'ask',
    initialState: () => ({ answer: 'none' }),
    action: async (element, action) => {
        if (action.action === '@ui.modal.close') {
            return { state: { answer: action.returnValue.name ?? 'nothing' } };
        }
    },
    render: ({ state }) => (
        <block>
            <text>{`Answer: ${state.answer}`}</text>
            <button label="Ask" onPress={{ action: '@ui.modal.open', componentId: 'name', props: {} }} />
        </block>
    ),
});

export const name = createComponent({
    componentId: 'name',
    render: () => (
        <modal title="Your name" returnValue={{ name: { $state: 'name' } }}>
            <textinput state="name" placeholder="Name" />
        </modal>
    ),
});
"#,
    )
    .unwrap();
    let base = serve(ComponentFiles::load(dir.path()).unwrap());
    b.goto(&format!("{base}/#component=ask"));
    b.wait_for("the block", &preview_has("Answer: none"));
    click_action(&b, "@ui.modal.open");
    b.wait_for(
        "the modal's field, focused",
        "document.activeElement && document.activeElement.dataset.ckState === 'name'",
    );
    let field = b.find("#ck-modal-layer [data-ck-state=name]");
    b.type_text(&field, "Ada");
    // The driver may answer before the page has handled the last keystroke: Esc must
    // come after it, as it does for a person typing.
    b.wait_for(
        "the typed name in the modal's state",
        "document.querySelector('#ck-modal-layer [data-ck-state=name]').value === 'Ada' \
         && document.querySelector('#ck-state').textContent.includes('\"Ada\"')",
    );
    b.press_key("\u{E00C}");
    b.wait_for(
        "the return value, bindings resolved",
        &format!(
            "document.querySelector('#ck-modal-layer').hidden && {}",
            preview_has("Answer: Ada")
        ),
    );
}
