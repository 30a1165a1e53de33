//! Runtime types against the API schema, real fixtures and known answers.
//!
//! - every event fixture in `fixtures/events/` is valid against the schema's
//!   `Event` and round-trips through the typed [`Event`] to equal JSON;
//! - the environment fixture does the same against `IntegrationEnvironment`;
//! - webhook signatures match HMAC vectors computed independently (RFC 2202,
//!   RFC 4231, GitHub's documented example, and Python's `hmac` module).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use contentkit::runtime::{
    sign, verify_signature, Algorithm, ContentRefKind, ContentVisibility, Event, EventError,
    FetchMethod, GitSyncState, InstallationStatus, IntegrationEnvironment, PageFeedbackRating,
    SignatureError, WebhookDelivery, WebhookError, WebhookReceiver,
};
use proptest::prelude::*;
use serde_json::{json, Value};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn read_json(path: &Path) -> Value {
    let text =
        fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn event_fixture(type_name: &str) -> Value {
    read_json(
        &fixtures_dir()
            .join("events")
            .join(format!("{type_name}.json")),
    )
}

fn schema_defs() -> Value {
    read_json(&fixtures_dir().join("contentkit.schema.json"))["$defs"].clone()
}

/// A validator for one definition of the vendored schema, with format
/// checks on so fixture URLs and timestamps must be well-formed too.
fn validator_for_def(def: &str) -> jsonschema::Validator {
    let schema = json!({ "$ref": format!("#/$defs/{def}"), "$defs": schema_defs() });
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("schema for {def} does not compile: {e}"))
}

fn schema_errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|error| format!("{} at {}", error, error.instance_path))
        .collect()
}

// ---------------------------------------------------------------- events

#[test]
fn known_types_are_exactly_the_schema_event_members() {
    let defs = schema_defs();
    let members = defs["Event"]["oneOf"].as_array().expect("Event is a oneOf");
    let mut from_schema = BTreeSet::new();
    for member in members {
        let reference = member["$ref"].as_str().expect("member is a $ref");
        let name = reference.trim_start_matches("#/$defs/");
        // Each member is `allOf: [<base>, {properties: {type: {enum: [..]}}}]`.
        let parts = defs[name]["allOf"].as_array().expect("member is an allOf");
        let type_enum = parts
            .iter()
            .find_map(|part| part["properties"]["type"]["enum"].as_array())
            .unwrap_or_else(|| panic!("{name} has no type enum"));
        for value in type_enum {
            from_schema.insert(value.as_str().expect("type is a string").to_owned());
        }
    }
    let ours: BTreeSet<String> = Event::KNOWN_TYPES.iter().map(|t| t.to_string()).collect();
    assert_eq!(ours, from_schema);
    assert_eq!(Event::KNOWN_TYPES.len(), 19);
}

#[test]
fn every_event_fixture_is_valid_against_the_schema() {
    let validator = validator_for_def("Event");
    for type_name in Event::KNOWN_TYPES {
        let fixture = event_fixture(type_name);
        let errors = schema_errors(&validator, &fixture);
        assert!(errors.is_empty(), "{type_name}.json: {errors:#?}");
    }
}

#[test]
fn schema_validation_rejects_broken_events() {
    // Guards against a validator that accepts everything.
    let validator = validator_for_def("Event");
    let mut no_task = event_fixture("task");
    no_task.as_object_mut().unwrap().remove("task");
    assert!(!validator.is_valid(&no_task));
    let mut bad_method = event_fixture("fetch");
    bad_method["request"]["method"] = json!("patch");
    assert!(!validator.is_valid(&bad_method));
    let mut wrong_type = event_fixture("site_view");
    wrong_type["type"] = json!("space_view");
    assert!(!validator.is_valid(&wrong_type));
}

#[test]
fn every_event_fixture_round_trips_through_the_typed_event() {
    let validator = validator_for_def("Event");
    for type_name in Event::KNOWN_TYPES {
        let fixture = event_fixture(type_name);
        let event: Event = serde_json::from_value(fixture.clone())
            .unwrap_or_else(|e| panic!("{type_name}.json does not parse: {e}"));
        assert!(event.is_known(), "{type_name} parsed as unknown");
        assert_eq!(event.type_name(), *type_name);
        assert_eq!(event.event_id(), fixture["eventId"].as_str());
        // Every field of the fixtures is modelled: nothing fell into `extra`.
        assert_eq!(
            event.extra().map(|extra| extra.len()),
            Some(0),
            "{type_name}"
        );

        let back = serde_json::to_value(&event).expect("serializes");
        assert_eq!(back, fixture, "{type_name} does not round-trip");
        assert!(
            validator.is_valid(&back),
            "{type_name} output is not schema-valid"
        );
        // `type` is written first, as GitBook does.
        assert_eq!(back.as_object().unwrap().keys().next().unwrap(), "type");
    }
}

#[test]
fn typed_fields_carry_the_fixture_values() {
    let Event::Fetch(fetch) = Event::from_value(event_fixture("fetch")).unwrap() else {
        panic!("fetch fixture is not a fetch event");
    };
    assert_eq!(fetch.request.method, FetchMethod::Post);
    assert_eq!(fetch.request.method.as_str(), "post");
    assert_eq!(
        fetch.request.header("X-Hub-Signature-256"),
        Some("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
    );
    assert_eq!(fetch.auth.unwrap().user_id, "usr_Ab3Cd5Ef7Gh9");

    let Event::UiRender(render) = Event::from_value(event_fixture("ui_render")).unwrap() else {
        panic!("ui_render fixture is not a ui_render event");
    };
    assert_eq!(render.component_id, "configure");
    assert_eq!(render.context["type"], "configuration_account");
    assert_eq!(render.action.unwrap()["action"], "save");
    assert_eq!(render.state.unwrap()["showAdvanced"], false);

    let Event::SpaceGitSyncCompleted(sync) =
        Event::from_value(event_fixture("space_gitsync_completed")).unwrap()
    else {
        panic!("wrong variant");
    };
    assert_eq!(sync.state, GitSyncState::Success);

    let Event::SpaceVisibilityUpdated(visibility) =
        Event::from_value(event_fixture("space_visibility_updated")).unwrap()
    else {
        panic!("wrong variant");
    };
    assert_eq!(visibility.previous_visibility, ContentVisibility::Private);
    assert_eq!(visibility.visibility, ContentVisibility::ShareLink);

    let Event::ContentComputeRevision(compute) =
        Event::from_value(event_fixture("content_compute_revision")).unwrap()
    else {
        panic!("wrong variant");
    };
    let glossary = &compute.dependencies["glossary"];
    assert_eq!(glossary.reference.kind, ContentRefKind::Space);
    assert_eq!(glossary.value, None, "a null dependency value stays None");
    assert_eq!(
        compute.dependencies["source"].reference.kind,
        ContentRefKind::Translation
    );

    let Event::PageFeedback(feedback) = Event::from_value(event_fixture("page_feedback")).unwrap()
    else {
        panic!("wrong variant");
    };
    assert_eq!(feedback.feedback.rating, PageFeedbackRating::Good);
    assert_eq!(feedback.visitor.ip, "203.0.113.42");
    assert_eq!(feedback.referrer, "");

    let setup = Event::from_value(event_fixture("site_installation_setup")).unwrap();
    assert_eq!(setup.installation_id(), Some("inst_7TbqNQCKw3XUmPx9gA2d"));
    assert_eq!(
        setup.to_string(),
        "site_installation_setup (evt_01HZX3Q1E8F4G0H6J2K9L5M3N7)"
    );
}

#[test]
fn unknown_event_type_is_kept_raw() {
    let fixture = read_json(&fixtures_dir().join("events/unknown/space_view.json"));
    let event: Event = serde_json::from_value(fixture.clone()).unwrap();
    match &event {
        Event::Unknown { type_name, raw } => {
            assert_eq!(type_name, "space_view");
            assert_eq!(raw, &fixture);
        }
        other => panic!("expected unknown, got {}", other.type_name()),
    }
    assert!(!event.is_known());
    assert_eq!(event.type_name(), "space_view");
    assert_eq!(event.event_id(), Some("evt_01HZX46G6P3Q9R5S1T7U4V0W8X"));
    assert_eq!(event.installation_id(), Some("inst_7TbqNQCKw3XUmPx9gA2d"));
    assert_eq!(event.extra(), None);
    assert_eq!(serde_json::to_value(&event).unwrap(), fixture);
}

#[test]
fn unmodelled_fields_and_new_enum_values_are_preserved() {
    let mut fixture = event_fixture("fetch");
    fixture["traceId"] = json!("trace-123");
    fixture["request"]["body"] = json!({ "size": 42 });
    fixture["auth"]["roles"] = json!(["admin"]);
    fixture["request"]["method"] = json!("patch");
    let event = Event::from_value(fixture.clone()).unwrap();
    assert_eq!(event.extra().unwrap()["traceId"], "trace-123");
    let Event::Fetch(fetch) = &event else {
        panic!("not fetch")
    };
    assert_eq!(fetch.request.method, FetchMethod::Other("patch".to_owned()));
    assert_eq!(fetch.request.extra["body"]["size"], 42);
    assert_eq!(event.to_value().unwrap(), fixture);

    let mut setup = event_fixture("installation_setup");
    setup["status"] = json!("archived");
    setup["previous"]["migratedFrom"] = json!("v1");
    let event = Event::from_value(setup.clone()).unwrap();
    let Event::InstallationSetup(parsed) = &event else {
        panic!("not installation_setup")
    };
    assert_eq!(
        parsed.status,
        InstallationStatus::Other("archived".to_owned())
    );
    assert_eq!(event.to_value().unwrap(), setup);
}

#[test]
fn minimal_events_round_trip_without_optional_fields() {
    let minimal = [
        json!({"type": "fetch", "eventId": "e1",
               "request": {"method": "get", "url": "https://x.test/", "headers": {}}}),
        json!({"type": "installation_setup", "eventId": "e2", "installationId": "i",
               "status": "active"}),
        json!({"type": "ui_render", "eventId": "e3", "installationId": "i", "spaceId": "s",
               "componentId": "c", "props": {},
               "context": {"type": "document", "theme": "dark", "spaceId": "s", "editable": true}}),
        json!({"type": "fetch_visitor_authentication", "eventId": "e4", "installationId": "i",
               "siteId": "s"}),
    ];
    for event_json in minimal {
        let event = Event::from_value(event_json.clone()).unwrap();
        assert!(event.is_known());
        assert_eq!(event.to_value().unwrap(), event_json);
    }
}

#[test]
fn malformed_events_are_errors_not_panics() {
    assert_eq!(
        Event::from_value(json!([1, 2])),
        Err(EventError::NotAnObject)
    );
    assert_eq!(
        Event::from_value(json!({"eventId": "e"})),
        Err(EventError::MissingType)
    );
    assert_eq!(
        Event::from_value(json!({"type": 7})),
        Err(EventError::TypeNotAString)
    );
    assert!(matches!(
        Event::from_slice(b"{not json"),
        Err(EventError::InvalidJson(_))
    ));

    let mut missing = event_fixture("space_content_updated");
    missing.as_object_mut().unwrap().remove("revisionId");
    match Event::from_value(missing) {
        Err(EventError::InvalidFields { type_name, message }) => {
            assert_eq!(type_name, "space_content_updated");
            assert!(message.contains("revisionId"), "{message}");
        }
        other => panic!("expected InvalidFields, got {other:?}"),
    }
    let mut wrong_kind = event_fixture("task");
    wrong_kind["task"] = json!("not an object");
    assert!(serde_json::from_value::<Event>(wrong_kind).is_err());
}

// ----------------------------------------------------------- environment

#[test]
fn environment_fixture_is_schema_valid_and_round_trips() {
    let fixture = read_json(&fixtures_dir().join("events/environment.json"));
    let validator = validator_for_def("IntegrationEnvironment");
    let errors = schema_errors(&validator, &fixture);
    assert!(errors.is_empty(), "environment.json: {errors:#?}");

    let environment: IntegrationEnvironment = serde_json::from_value(fixture.clone()).unwrap();
    assert_eq!(serde_json::to_value(&environment).unwrap(), fixture);
    assert!(environment.extra.is_empty());

    assert_eq!(environment.integration.name, "acme-issues");
    assert_eq!(
        environment.integration.title.as_deref(),
        Some("Acme Issues")
    );
    assert!(environment.integration.has_scope("site:views:read"));
    assert!(!environment.integration.has_scope("space:content:write"));
    // The owner organization is not modelled but kept.
    assert_eq!(environment.integration.extra["owner"]["title"], "Acme Inc.");
    assert_eq!(
        environment.api_tokens.installation.as_deref(),
        Some("gitbook_installation_tok_b82d4e60")
    );
    assert_eq!(environment.secret("CLIENT_ID"), Some("acme-gitbook-client"));
    assert_eq!(environment.secret("MISSING"), None);
    let installation = environment.installation.as_ref().unwrap();
    assert_eq!(installation.status, InstallationStatus::Active);
    assert_eq!(
        installation.target.as_ref().unwrap().organization,
        "org_Kc8vyPzJ0wQe4RtNbU1m"
    );
    // The space installation is more specific than the organization one.
    assert_eq!(
        environment.configuration_value("channel"),
        Some(&json!("#docs"))
    );
    assert_eq!(environment.configuration_value("workspace"), None);
    assert_eq!(
        environment.signing_secrets.space_installation.as_deref(),
        Some("whsec_space_9b8d7f6e")
    );
}

#[test]
fn environment_for_tests_round_trips() {
    let environment = IntegrationEnvironment::for_tests();
    let value = serde_json::to_value(&environment).unwrap();
    assert_eq!(
        value,
        json!({
            "apiEndpoint": "https://api.gitbook.com",
            "apiTokens": {"integration": "test-integration-token"},
            "integration": {
                "name": "test-integration",
                "urls": {
                    "location": "https://api.gitbook.com/v1/integrations/test-integration",
                    "app": "https://app.gitbook.com/integrations/test-integration",
                    "assets": "https://integrations.gitbook.com/v1/integrations/test-integration/assets",
                    "icon": "https://integrations.gitbook.com/v1/integrations/test-integration/icon.png",
                    "publicEndpoint": "https://integrations.gitbook.com/v1/integrations/test-integration",
                    "publicContentEndpoint": "https://integrations.gitbook.com/v1/integrations/test-integration/content"
                }
            },
            "secrets": {},
            "signingSecrets": {"integration": "test-signing-secret"}
        })
    );
    let back = IntegrationEnvironment::from_slice(value.to_string().as_bytes()).unwrap();
    assert_eq!(back, environment);
    assert_eq!(back.configuration(), None);
}

#[test]
fn environment_missing_required_field_is_an_error() {
    let mut fixture = read_json(&fixtures_dir().join("events/environment.json"));
    fixture.as_object_mut().unwrap().remove("signingSecrets");
    assert!(serde_json::from_value::<IntegrationEnvironment>(fixture).is_err());
}

// ---------------------------------------------------------- signatures

// Expected digests below were computed outside this crate, with Python's
// `hmac` module, and match the published vectors where there is one.

#[test]
fn rfc_2202_and_4231_test_case_2() {
    let key = b"Jefe";
    let data = b"what do ya want for nothing?";
    let sha1 = "sha1=effcdf6ae5eb2fa2d27416d5f184df9c259a7c79";
    let sha256 = "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    assert_eq!(sign(key, data, Algorithm::Sha1), sha1);
    assert_eq!(sign(key, data, Algorithm::Sha256), sha256);
    assert_eq!(verify_signature(key, data, sha1), Ok(()));
    assert_eq!(verify_signature(key, data, sha256), Ok(()));
}

#[test]
fn github_documented_example_and_other_vectors() {
    // GitHub's "validating webhook deliveries" example.
    let github = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    assert_eq!(
        verify_signature(b"It's a Secret to Everybody", b"Hello, World!", github),
        Ok(())
    );
    assert_eq!(
        sign(
            b"It's a Secret to Everybody",
            b"Hello, World!",
            Algorithm::Sha1
        ),
        "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59"
    );
    let body = br#"{"payload":{"book":"acme/handbook"}}"#;
    assert_eq!(
        sign(b"webhook-secret", body, Algorithm::Sha1),
        "sha1=5a043b06419d572ff4d2fad15f251d083ba6f8dc"
    );
    assert_eq!(
        sign(b"webhook-secret", body, Algorithm::Sha256),
        "sha256=ed0bdba85715d65eacf5badd11750116f209bd64355581890d5288a200d65c3e"
    );
    // Empty key and empty body are legal HMAC inputs.
    assert_eq!(
        sign(b"", b"", Algorithm::Sha256),
        "sha256=b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"
    );
    assert_eq!(
        sign(b"", b"", Algorithm::Sha1),
        "sha1=fbdb1d1b18aa6c08324b7d64b71fb76370690e1d"
    );
}

#[test]
fn signature_error_kinds() {
    let body = b"what do ya want for nothing?";
    let good = "sha1=effcdf6ae5eb2fa2d27416d5f184df9c259a7c79";
    assert_eq!(
        verify_signature(b"Jefe", body, ""),
        Err(SignatureError::Missing)
    );
    assert_eq!(
        verify_signature(b"Jefe", body, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
        Err(SignatureError::Malformed)
    );
    assert_eq!(
        verify_signature(b"Jefe", body, "sha512=00"),
        Err(SignatureError::UnsupportedAlgorithm("sha512".to_owned()))
    );
    assert_eq!(
        verify_signature(b"Jefe", body, "sha1=not-hex"),
        Err(SignatureError::InvalidHex)
    );
    assert_eq!(
        verify_signature(b"jefe", body, good),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        verify_signature(b"Jefe", b"what do ya want?", good),
        Err(SignatureError::Mismatch)
    );
    // A SHA-1 digest presented as SHA-256 has the wrong length.
    assert_eq!(
        verify_signature(b"Jefe", body, &good.replace("sha1", "sha256")),
        Err(SignatureError::Mismatch)
    );
    // Surrounding whitespace from header parsing is tolerated.
    assert_eq!(
        verify_signature(b"Jefe", body, &format!("  {good}\r\n")),
        Ok(())
    );
}

// ------------------------------------------------------------- receiver

const SECRET: &[u8] = b"webhook-secret";
const BODY: &[u8] = br#"{"payload":{"book":"acme/handbook"}}"#;
const BODY_SHA1: &str = "sha1=5a043b06419d572ff4d2fad15f251d083ba6f8dc";

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A receiver whose handlers record `<route>:<event>` into the returned log;
/// it opts in to SHA-1, which these tests sign with.
fn recording_receiver() -> (WebhookReceiver, Arc<Mutex<Vec<String>>>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut receiver = WebhookReceiver::new().with_secret(SECRET).accept_sha1(true);
    for route in ["publish", "thread", "thread_comment", "all"] {
        let log = Arc::clone(&log);
        receiver = receiver.on(route, move |delivery: &WebhookDelivery| {
            log.lock()
                .unwrap()
                .push(format!("{route}:{}", delivery.event));
            Ok(())
        });
    }
    (receiver, log)
}

#[test]
fn receiver_routes_by_event_name() {
    let (receiver, log) = recording_receiver();
    for (i, event) in ["publish", "thread", "thread_comment", "ping"]
        .into_iter()
        .enumerate()
    {
        let id = format!("72d3162e81ab4c9367dc095{i}");
        let delivery = receiver
            .receive(
                &headers(&[
                    ("X-GitBook-Event", event),
                    ("X-GitBook-Delivery", &id),
                    ("X-GitBook-Signature", BODY_SHA1),
                ]),
                BODY,
            )
            .unwrap();
        assert_eq!(delivery.event, event);
        assert_eq!(delivery.delivery_id, Some(id));
        assert_eq!(delivery.payload["payload"]["book"], "acme/handbook");
        assert_eq!(delivery.verified_with, Some(Algorithm::Sha1));
    }
    assert_eq!(
        *log.lock().unwrap(),
        [
            "publish:publish",
            "all:publish",
            "thread:thread",
            "all:thread",
            "thread_comment:thread_comment",
            "all:thread_comment",
            "all:ping",
        ]
    );
    assert!(receiver.handles("anything"));
    assert!(!WebhookReceiver::new()
        .on("publish", |_| Ok(()))
        .handles("thread"));
}

#[test]
fn receiver_header_names_are_case_insensitive_and_hub_headers_work() {
    let (receiver, log) = recording_receiver();
    let sha256 = sign(SECRET, BODY, Algorithm::Sha256);
    let delivery = receiver
        .receive(
            &[
                ("x-gitbook-event", "publish"),
                ("x-hub-signature-256", sha256.as_str()),
            ],
            BODY,
        )
        .unwrap();
    assert_eq!(delivery.verified_with, Some(Algorithm::Sha256));
    assert_eq!(delivery.delivery_id, None);
    let delivery = receiver
        .receive(
            &[
                ("X-GITBOOK-EVENT", "thread"),
                ("X-Hub-Signature", BODY_SHA1),
            ],
            BODY,
        )
        .unwrap();
    assert_eq!(delivery.verified_with, Some(Algorithm::Sha1));
    assert_eq!(log.lock().unwrap().len(), 4);
}

#[test]
fn receiver_rejects_missing_and_wrong_signatures() {
    let (receiver, log) = recording_receiver();
    let cases: [(Vec<(String, String)>, SignatureError); 4] = [
        (
            headers(&[("X-GitBook-Event", "publish")]),
            SignatureError::Missing,
        ),
        (
            headers(&[
                ("X-GitBook-Event", "publish"),
                ("X-GitBook-Signature", "sha1=00ff"),
            ]),
            SignatureError::Mismatch,
        ),
        (
            headers(&[
                ("X-GitBook-Event", "publish"),
                (
                    "X-GitBook-Signature",
                    &sign(b"other-secret", BODY, Algorithm::Sha1),
                ),
            ]),
            SignatureError::Mismatch,
        ),
        (
            headers(&[
                ("X-GitBook-Event", "publish"),
                ("X-GitBook-Signature", "md5=00"),
            ]),
            SignatureError::UnsupportedAlgorithm("md5".to_owned()),
        ),
    ];
    for (request_headers, expected) in cases {
        let error = receiver.receive(&request_headers, BODY).unwrap_err();
        assert_eq!(error, WebhookError::Signature(expected));
        assert_eq!(error.status(), 401);
        let body: Value = serde_json::from_str(&error.to_json_body()).unwrap();
        assert_eq!(body, json!({ "error": error.message() }));
    }
    // The body was tampered with after signing.
    let error = receiver
        .receive(
            &headers(&[
                ("X-GitBook-Event", "publish"),
                ("X-GitBook-Signature", BODY_SHA1),
            ]),
            br#"{"payload":{"book":"evil/handbook"}}"#,
        )
        .unwrap_err();
    assert_eq!(error.status(), 401);
    assert!(
        log.lock().unwrap().is_empty(),
        "no handler may run on a refused delivery"
    );
}

#[test]
fn receiver_refuses_sha1_unless_opted_in() {
    let receiver = WebhookReceiver::new().with_secret(SECRET);
    let error = receiver
        .receive(
            &[
                ("X-GitBook-Event", "publish"),
                ("X-GitBook-Signature", BODY_SHA1),
            ],
            BODY,
        )
        .unwrap_err();
    assert_eq!(
        error,
        WebhookError::Signature(SignatureError::UnsupportedAlgorithm("sha1".to_owned()))
    );
    let sha256 = sign(SECRET, BODY, Algorithm::Sha256);
    assert!(receiver
        .receive(
            &[
                ("X-GitBook-Event", "publish"),
                ("X-GitBook-Signature", sha256.as_str())
            ],
            BODY
        )
        .is_ok());
}

#[test]
fn receiver_bad_requests_are_400() {
    let (receiver, _log) = recording_receiver();
    let error = receiver
        .receive(&[("X-GitBook-Signature", BODY_SHA1)], BODY)
        .unwrap_err();
    assert_eq!(error, WebhookError::MissingEvent);
    assert_eq!(error.status(), 400);

    let not_json = b"payload=1";
    let signature = sign(SECRET, not_json, Algorithm::Sha1);
    let error = receiver
        .receive(
            &[
                ("X-GitBook-Event", "publish"),
                ("X-GitBook-Signature", signature.as_str()),
            ],
            not_json,
        )
        .unwrap_err();
    assert!(matches!(error, WebhookError::InvalidJson(_)), "{error:?}");
    assert_eq!(error.status(), 400);
    assert!(error.to_json_body().contains("not valid JSON"));
}

#[test]
fn receiver_without_secret_accepts_unsigned_deliveries() {
    let receiver = WebhookReceiver::new();
    let delivery = receiver
        .receive(&[("X-GitBook-Event", "publish")], BODY)
        .unwrap();
    assert_eq!(delivery.verified_with, None);
    // And a receiver's Debug output never shows its secret.
    let debug = format!("{:?}", WebhookReceiver::new().with_secret("hunter2"));
    assert!(!debug.contains("hunter2"), "{debug}");
}

#[test]
fn handler_failure_is_500_and_stops_later_handlers() {
    let ran_after = Arc::new(Mutex::new(false));
    let flag = Arc::clone(&ran_after);
    let receiver = WebhookReceiver::new()
        .on("publish", |_| Err("search index unavailable".to_owned()))
        .on_all(move |_| {
            *flag.lock().unwrap() = true;
            Ok(())
        });
    let error = receiver
        .receive(&[("X-GitBook-Event", "publish")], BODY)
        .unwrap_err();
    assert_eq!(error.status(), 500);
    assert_eq!(
        error.to_json_body(),
        r#"{"error":"webhook handler for `publish` failed: search index unavailable"}"#
    );
    assert!(!*ran_after.lock().unwrap());
}

// ------------------------------------------------------------ properties

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "[a-zA-Z_]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-zA-Z]{1,10}", inner, 0..6)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// A real fixture with one top-level field replaced or removed.
fn mutated_fixture() -> impl Strategy<Value = Value> {
    (
        0..Event::KNOWN_TYPES.len(),
        any::<prop::sample::Index>(),
        arbitrary_json(),
        any::<bool>(),
    )
        .prop_map(|(which, field, replacement, remove)| {
            let mut fixture = event_fixture(Event::KNOWN_TYPES[which]);
            let object = fixture.as_object_mut().unwrap();
            let key = object
                .keys()
                .nth(field.index(object.len()))
                .unwrap()
                .clone();
            if remove {
                object.remove(&key);
            } else {
                object.insert(key, replacement);
            }
            fixture
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn parsing_any_json_never_panics_and_is_stable(value in arbitrary_json(), type_index in 0..20usize) {
        let mut value = value;
        // Half the time aim at a known type so the typed paths are exercised.
        if let (Value::Object(map), Some(type_name)) = (&mut value, Event::KNOWN_TYPES.get(type_index)) {
            map.insert("type".to_owned(), Value::from(*type_name));
        }
        if let Ok(event) = Event::from_value(value) {
            let again = Event::from_value(event.to_value().unwrap()).unwrap();
            prop_assert_eq!(again, event);
        }
    }

    #[test]
    fn mutated_fixtures_never_panic_and_are_stable(value in mutated_fixture()) {
        if let Ok(event) = Event::from_value(value) {
            let again = Event::from_value(event.to_value().unwrap()).unwrap();
            prop_assert_eq!(again, event);
        }
    }

    #[test]
    fn verify_never_panics_on_any_header(header in ".{0,80}", body in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = verify_signature(b"secret", &body, &header);
    }

    #[test]
    fn signatures_verify_and_any_bit_flip_fails(
        secret in prop::collection::vec(any::<u8>(), 0..100),
        body in prop::collection::vec(any::<u8>(), 1..200),
        sha256 in any::<bool>(),
        flip in any::<prop::sample::Index>(),
    ) {
        let algorithm = if sha256 { Algorithm::Sha256 } else { Algorithm::Sha1 };
        let header = sign(&secret, &body, algorithm);
        prop_assert_eq!(verify_signature(&secret, &body, &header), Ok(()));
        let mut tampered = body.clone();
        let at = flip.index(tampered.len());
        tampered[at] ^= 0x01;
        prop_assert_eq!(verify_signature(&secret, &tampered, &header), Err(SignatureError::Mismatch));
    }
}
