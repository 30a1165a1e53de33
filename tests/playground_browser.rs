//! The playground in a real browser: headless Chromium driven through WebDriver.
//!
//! Needs Debian's `chromium` and `chromium-driver` (or CHROMIUM / CHROMEDRIVER set to
//! their paths). Without them the tests print a notice and pass, unless
//! CONTENTKIT_REQUIRE_BROWSER=1 (as `.ci/run` sets), when they fail.
#![cfg(feature = "server")]

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::webdriver::{browser, Browser};
use contentkit::playground::{self, ComponentFiles};
use serde_json::json;

/// Serves the playground on a loopback port from a background runtime; returns its URL.
fn serve(files: ComponentFiles) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let app = playground::router(Arc::new(files));
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(format!("http://{}", listener.local_addr().unwrap()))
                .unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    rx.recv().unwrap()
}

fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn choose(b: &Browser, component: &str) {
    b.wait_for(
        "the component list",
        &format!("document.querySelector('#ck-component option[value=\"{component}\"]')"),
    );
    let before = b.execute("return document.body.dataset.renders || '0';", vec![]);
    b.execute(
        "const s = document.querySelector('#ck-component'); s.value = arguments[0]; s.dispatchEvent(new Event('change'));",
        vec![json!(component)],
    );
    b.wait_for(
        &format!("{component} to render"),
        &format!("(document.body.dataset.renders || '0') !== {before}"),
    );
}

fn click_action(b: &Browser, fragment: &str) {
    let el = b.find(&format!("#ck-stage [data-ck-action*='{fragment}']"));
    b.click(&el);
}

fn preview_has(text: &str) -> String {
    format!("document.querySelector('#ck-preview').textContent.includes({text:?})")
}

#[test]
fn playground_counts_adds_todos_and_runs_a_modal_flow() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let base = serve(ComponentFiles::built_in());
    let b = Browser::start(&chromium, &driver);
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
    std::fs::write(artifacts().join("playground-modal.png"), b.screenshot()).unwrap();
    click_action(&b, "\"choice\":\"green\"");
    b.wait_for(
        "the modal to close with its value",
        &format!(
            "document.querySelector('#ck-modal-layer').hidden && {}",
            preview_has("Chosen: green")
        ),
    );

    // A root modal that closes ends the flow and shows its return value.
    b.execute(
        "document.querySelector('#ck-props').value = JSON.stringify({options: ['cyan', 'magenta']});",
        vec![],
    );
    choose(&b, "chooser");
    click_action(&b, "\"choice\":\"magenta\"");
    b.wait_for(
        "the completed flow",
        "document.querySelector('#ck-complete').textContent === '{\"choice\":\"magenta\"}'",
    );
    b.execute("document.querySelector('#ck-props').value = '{}';", vec![]);

    // A dynamic binding: typing into the bound codeblock feeds the webframe's data.
    choose(&b, "embed");
    let code = b.find("#ck-preview textarea[data-ck-state=code]");
    b.type_text(&code, " + 1");
    b.wait_for(
        "the webframe data to follow the code",
        "(document.querySelector('#ck-preview [data-ck-webframe-data]') || {getAttribute(){return ''}}).getAttribute('data-ck-webframe-data').includes('+ 1')",
    );

    // Editing the file in the page re-renders; a markup error shows with line:col.
    choose(&b, "hello");
    b.execute(
        "const e = document.querySelector('#ck-source'); e.value = e.value.replace('Click me', 'Press me'); e.dispatchEvent(new Event('input'));",
        vec![],
    );
    b.wait_for("the edited label", &preview_has("Press me"));
    b.execute(
        "const e = document.querySelector('#ck-source'); e.value = e.value.replace('<button', '<buton'); e.dispatchEvent(new Event('input'));",
        vec![],
    );
    b.wait_for(
        "the diagnostic",
        "/hello\\.ckx:\\d+:\\d+: error/.test(document.querySelector('#ck-errors').textContent)",
    );
    std::fs::write(artifacts().join("playground.png"), b.screenshot()).unwrap();
}

#[test]
fn hostile_strings_run_no_script() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/playground/xss.ckx");
    let base = serve(ComponentFiles::load(&path).unwrap());
    let b = Browser::start(&chromium, &driver);
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
