//! A small WebDriver client (the W3C protocol is JSON over HTTP), enough to drive
//! headless Chromium through chromedriver in the browser tests.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

fn find(var: &str, candidates: &[&str]) -> Option<PathBuf> {
    if let Ok(p) = std::env::var(var) {
        return Some(PathBuf::from(p));
    }
    candidates.iter().map(PathBuf::from).find(|p| p.exists())
}

/// Chromium and chromedriver, or `None` with a printed notice; a failure instead when
/// CONTENTKIT_REQUIRE_BROWSER=1 (as `.ci/run` sets).
pub fn browser() -> Option<(PathBuf, PathBuf)> {
    let chromium = find(
        "CHROMIUM",
        &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
    );
    let driver = find("CHROMEDRIVER", &["/usr/bin/chromedriver"]);
    match (chromium, driver) {
        (Some(c), Some(d)) => Some((c, d)),
        _ => {
            assert!(
                std::env::var("CONTENTKIT_REQUIRE_BROWSER").as_deref() != Ok("1"),
                "browser tests are required but chromium/chromedriver were not found"
            );
            eprintln!(
                "NOTICE: skipping browser tests: chromium and chromedriver not found \
                 (apt-get install chromium chromium-driver)"
            );
            None
        }
    }
}

/// A chromedriver process and one browser session, both ended on drop.
pub struct Browser {
    driver: Child,
    http: reqwest::blocking::Client,
    session: String,
    base: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session.
    pub fn start(chromium: &PathBuf, chromedriver: &PathBuf) -> Browser {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-quic", "--window-size=1400,1000",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }
        }}});
        let deadline = Instant::now() + Duration::from_secs(20);
        let session = loop {
            match http.post(format!("{base}/session")).json(&caps).send() {
                Ok(r) => {
                    let v: Value = r.json().unwrap();
                    match v["value"]["sessionId"].as_str() {
                        Some(id) => break id.to_owned(),
                        None => panic!("no browser session: {v}"),
                    }
                }
                Err(_) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(100))
                }
                Err(e) => panic!("chromedriver does not answer: {e}"),
            }
        };
        Browser {
            driver,
            http,
            session,
            base,
            _profile: profile,
        }
    }

    fn call(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let url = format!("{}/session/{}{}", self.base, self.session, path);
        let mut req = self.http.request(method, url);
        if !body.is_null() {
            req = req.json(&body);
        }
        let v: Value = req
            .send()
            .expect("webdriver answers")
            .json()
            .expect("webdriver JSON");
        if v["value"].get("error").is_some() {
            panic!("webdriver {path}: {}", v["value"]);
        }
        v["value"].clone()
    }

    /// Opens a URL.
    pub fn goto(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", json!({ "url": url }));
    }

    /// Runs a script (`return …` for a value).
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        self.call(
            reqwest::Method::POST,
            "/execute/sync",
            json!({"script": script, "args": args}),
        )
    }

    /// The first element matching a CSS selector.
    pub fn find(&self, css: &str) -> String {
        let v = self.call(
            reqwest::Method::POST,
            "/element",
            json!({"using": "css selector", "value": css}),
        );
        v[ELEMENT_KEY].as_str().expect("an element id").to_owned()
    }

    /// Every element matching a CSS selector.
    pub fn find_all(&self, css: &str) -> Vec<String> {
        let v = self.call(
            reqwest::Method::POST,
            "/elements",
            json!({"using": "css selector", "value": css}),
        );
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e[ELEMENT_KEY].as_str().map(str::to_owned))
            .collect()
    }

    /// Clicks an element.
    pub fn click(&self, element: &str) {
        self.call(
            reqwest::Method::POST,
            &format!("/element/{element}/click"),
            json!({}),
        );
    }

    /// Types into an element.
    pub fn type_text(&self, element: &str, text: &str) {
        self.call(
            reqwest::Method::POST,
            &format!("/element/{element}/value"),
            json!({ "text": text }),
        );
    }

    /// Shows the page as a screen of `width` x `height` CSS pixels would (a phone's,
    /// a desktop's), through the DevTools protocol: a window cannot be made that narrow.
    pub fn emulate_screen(&self, width: u32, height: u32, mobile: bool) {
        self.call(
            reqwest::Method::POST,
            "/goog/cdp/execute",
            json!({"cmd": "Emulation.setDeviceMetricsOverride", "params": {
                "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile
            }}),
        );
    }

    /// Sends the next commands to the frame `element` (an `iframe`).
    pub fn enter_frame(&self, element: &str) {
        self.call(
            reqwest::Method::POST,
            "/frame",
            json!({"id": {ELEMENT_KEY: element}}),
        );
    }

    /// Sends the next commands to the top page again.
    pub fn leave_frames(&self) {
        self.call(reqwest::Method::POST, "/frame", json!({"id": null}));
    }

    /// Presses a key (a WebDriver key code such as `"\u{E00C}"` for Escape) in
    /// whatever has the focus.
    pub fn press_key(&self, key: &str) {
        self.call(
            reqwest::Method::POST,
            "/actions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
                {"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}
            ]}]}),
        );
        self.call(reqwest::Method::DELETE, "/actions", Value::Null);
    }

    /// A PNG of the viewport.
    pub fn screenshot(&self) -> Vec<u8> {
        let v = self.call(reqwest::Method::GET, "/screenshot", Value::Null);
        base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap_or_default())
            .expect("base64 PNG")
    }

    /// Polls a JavaScript condition until it holds; panics with the page's text after 20 s (CI machines are shared and slow).
    pub fn wait_for(&self, what: &str, condition: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if self.execute(&format!("return !!({condition});"), vec![]) == json!(true) {
                return;
            }
            if Instant::now() > deadline {
                let page = self.execute("return document.body.innerText;", vec![]);
                panic!(
                    "timed out waiting for {what}; the page shows:\n{}",
                    page.as_str().unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self
            .http
            .delete(format!("{}/session/{}", self.base, self.session))
            .send();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
