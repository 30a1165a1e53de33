//! Sends arbitrary bytes as the multipart body of `POST /v1` to an integration of
//! component files (the reference counter and chooser): the parser and the dispatcher
//! must answer every body with a status, never panic, and answer errors as JSON.
//!
//! Run with `scripts/fuzz.sh dispatch SECONDS`.

#![no_main]

use std::sync::OnceLock;

use contentkit::component::{file, Integration};
use contentkit::runtime::multipart::{incoming_request, Limits};
use contentkit::runtime::handle;
use libfuzzer_sys::fuzz_target;

const CONTENT_TYPE: &str = "multipart/form-data; boundary=fuzz";

fn integration() -> &'static Integration {
    static INTEGRATION: OnceLock<Integration> = OnceLock::new();
    INTEGRATION.get_or_init(|| {
        let mut integration = Integration::new();
        for (source, name) in [
            (include_str!("../../fixtures/reference/counter.tsx"), "counter.tsx"),
            (include_str!("../../fixtures/reference/chooser.tsx"), "chooser.tsx"),
        ] {
            for component in file::compile(source, name).expect("the reference files compile") {
                integration.add(component);
            }
        }
        integration
    })
}

fuzz_target!(|data: &[u8]| {
    let response = match incoming_request("/v1", CONTENT_TYPE, data, &Limits::default()) {
        Ok(request) => handle(integration(), request),
        Err(_) => return,
    };
    assert!((200..600).contains(&response.status), "status {}", response.status);
    if response.status >= 400 {
        let body: serde_json::Value = serde_json::from_slice(&response.body)
            .unwrap_or_else(|e| panic!("an error body that is not JSON ({e})"));
        assert!(body.get("error").is_some(), "an error body without `error`: {body}");
    }
});
