//! GitBook's timestamped webhook signatures (`t=…,v1=…`), the timestamp
//! tolerance, replay refusal by delivery id, and SHA-1 as an opt-in.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use contentkit::runtime::{
    sign, sign_timestamped, verify_timestamped_signature, Algorithm, SignatureError, WebhookError,
    WebhookReceiver,
};

const SECRET: &[u8] = b"whsec_acme";
const BODY: &[u8] = br#"{"type":"space_content_updated","spaceId":"space_1","revisionId":"rev_2"}"#;
const NOW: u64 = 1_700_000_000;
const FIVE_MINUTES: Duration = Duration::from_secs(300);

fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

/// The header as GitBook's webhook integration computes it: HMAC-SHA256 of
/// `"{t}.{body}"`, written out here with the primitives rather than with the
/// function under test.
fn expected_header(timestamp: u64) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(SECRET).unwrap();
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(BODY);
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

#[test]
fn timestamped_signatures_sign_the_timestamp_and_the_body() {
    assert_eq!(sign_timestamped(SECRET, BODY, NOW), expected_header(NOW));
    let header = expected_header(NOW);
    assert_eq!(
        verify_timestamped_signature(SECRET, BODY, &header, NOW + 10, FIVE_MINUTES),
        Ok(NOW)
    );
    // The timestamp is signed: moving it breaks the signature.
    let moved = header.replacen(&NOW.to_string(), &(NOW + 1).to_string(), 1);
    assert_eq!(
        verify_timestamped_signature(SECRET, BODY, &moved, NOW, FIVE_MINUTES),
        Err(SignatureError::Mismatch)
    );
    // So is the body, and the key matters.
    assert_eq!(
        verify_timestamped_signature(SECRET, b"{}", &header, NOW, FIVE_MINUTES),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        verify_timestamped_signature(b"other", BODY, &header, NOW, FIVE_MINUTES),
        Err(SignatureError::Mismatch)
    );
    // Parts in another order, with spaces, and a second `v1` (secret rotation).
    let tag = header.split_once(",v1=").unwrap().1;
    let rotated = format!("v1={}, t={NOW}, v1={tag}", "00".repeat(32));
    assert_eq!(
        verify_timestamped_signature(SECRET, BODY, &rotated, NOW, FIVE_MINUTES),
        Ok(NOW)
    );
}

#[test]
fn malformed_timestamped_signatures_are_refused_precisely() {
    let check =
        |header: &str| verify_timestamped_signature(SECRET, BODY, header, NOW, FIVE_MINUTES);
    assert_eq!(check(""), Err(SignatureError::Missing));
    assert_eq!(check("t=1700000000"), Err(SignatureError::Malformed));
    assert_eq!(check("v1=00"), Err(SignatureError::Malformed));
    assert_eq!(check("t=soon,v1=00"), Err(SignatureError::InvalidTimestamp));
    assert_eq!(check("t=-5,v1=00"), Err(SignatureError::InvalidTimestamp));
    assert_eq!(check("t=1,t=2,v1=00"), Err(SignatureError::Malformed));
    assert_eq!(check("t=1700000000,v1=zz"), Err(SignatureError::InvalidHex));
    assert_eq!(check("t=1700000000,v1"), Err(SignatureError::Malformed));
    // A truncated tag cannot pass, and the number of tags is bounded.
    let truncated = &expected_header(NOW)[..40];
    assert_eq!(check(truncated), Err(SignatureError::Mismatch));
    let many = format!("t={NOW}{}", ",v1=00".repeat(100));
    assert_eq!(check(&many), Err(SignatureError::Malformed));
}

#[test]
fn the_timestamp_must_be_within_the_tolerance() {
    let receiver = WebhookReceiver::new().with_secret(SECRET);
    let header = expected_header(NOW);
    let receive =
        |now: u64| receiver.receive_at(&[("X-GitBook-Signature", header.as_str())], BODY, at(now));
    let delivery = receive(NOW + 299).unwrap();
    assert_eq!(
        delivery.event, "space_content_updated",
        "the event comes from the body's type"
    );
    assert_eq!(delivery.timestamp, Some(NOW));
    assert_eq!(delivery.verified_with, Some(Algorithm::Sha256));
    assert!(
        receive(NOW - 299).is_ok(),
        "a sender's clock may be a little ahead"
    );
    for late in [NOW + 301, NOW - 301, NOW + 86_400] {
        let error = receive(late).unwrap_err();
        assert_eq!(
            error,
            WebhookError::Signature(SignatureError::OutsideTolerance {
                tolerance_secs: 300
            })
        );
        assert_eq!(error.status(), 401);
    }

    // The tolerance is configurable.
    let strict = WebhookReceiver::new()
        .with_secret(SECRET)
        .tolerance(Duration::from_secs(30));
    assert!(strict
        .receive_at(
            &[("X-GitBook-Signature", header.as_str())],
            BODY,
            at(NOW + 31)
        )
        .is_err());
    assert!(strict
        .receive_at(
            &[("X-GitBook-Signature", header.as_str())],
            BODY,
            at(NOW + 30)
        )
        .is_ok());

    // A tampered body is refused before the time is looked at.
    let error = receiver
        .receive_at(
            &[("X-GitBook-Signature", header.as_str())],
            br#"{"type":"space_content_updated","spaceId":"space_2"}"#,
            at(NOW + 86_400),
        )
        .unwrap_err();
    assert_eq!(error, WebhookError::Signature(SignatureError::Mismatch));
}

#[test]
fn a_replayed_delivery_is_refused() {
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = runs.clone();
    let receiver = WebhookReceiver::new().with_secret(SECRET).on_all(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
        Ok(())
    });
    let header = expected_header(NOW);
    let deliver = |id: &str| {
        receiver.receive_at(
            &[
                ("X-GitBook-Signature", header.as_str()),
                ("X-GitBook-Delivery", id),
            ],
            BODY,
            at(NOW + 1),
        )
    };
    assert_eq!(
        deliver("dlv_1").unwrap().delivery_id.as_deref(),
        Some("dlv_1")
    );
    let replay = deliver("dlv_1").unwrap_err();
    assert_eq!(replay, WebhookError::Replayed("dlv_1".into()));
    assert_eq!(replay.status(), 409);
    assert!(deliver("dlv_2").is_ok());
    assert_eq!(runs.load(Ordering::SeqCst), 2, "the replay ran no handler");

    let long = "x".repeat(257);
    assert_eq!(deliver(&long).unwrap_err(), WebhookError::DeliveryIdTooLong);
    assert_eq!(WebhookError::DeliveryIdTooLong.status(), 400);
}

#[test]
fn a_forged_delivery_does_not_take_its_id() {
    let receiver = WebhookReceiver::new().with_secret(SECRET);
    let forged = sign_timestamped(b"attacker", BODY, NOW);
    let error = receiver
        .receive_at(
            &[
                ("X-GitBook-Signature", forged.as_str()),
                ("X-GitBook-Delivery", "dlv_9"),
            ],
            BODY,
            at(NOW),
        )
        .unwrap_err();
    assert_eq!(error.status(), 401);
    // The genuine delivery with that id still goes through.
    let genuine = expected_header(NOW);
    assert!(receiver
        .receive_at(
            &[
                ("X-GitBook-Signature", genuine.as_str()),
                ("X-GitBook-Delivery", "dlv_9")
            ],
            BODY,
            at(NOW),
        )
        .is_ok());
}

#[test]
fn a_failed_delivery_can_be_retried_and_the_cache_is_bounded() {
    let attempts = Arc::new(AtomicUsize::new(0));
    let counter = attempts.clone();
    let receiver = WebhookReceiver::new()
        .with_secret(SECRET)
        .replay_capacity(2)
        .on_all(move |_| {
            // The first attempt fails, as a sender's retry expects.
            if counter.fetch_add(1, Ordering::SeqCst) == 0 {
                Err("database busy".into())
            } else {
                Ok(())
            }
        });
    let header = expected_header(NOW);
    let deliver = |id: &str| {
        receiver.receive_at(
            &[
                ("X-GitBook-Signature", header.as_str()),
                ("X-GitBook-Delivery", id),
            ],
            BODY,
            at(NOW),
        )
    };
    assert_eq!(deliver("a").unwrap_err().status(), 500);
    assert!(
        deliver("a").is_ok(),
        "the retry of a failed delivery is processed"
    );
    assert!(deliver("a").is_err(), "then it is a replay");
    // Capacity 2: "a" is evicted by "b" and "c", and is accepted again.
    assert!(deliver("b").is_ok());
    assert!(deliver("c").is_ok());
    assert!(deliver("c").is_err());
    assert!(deliver("a").is_ok());
}

#[test]
fn sha1_is_accepted_only_when_opted_in() {
    let body = br#"{"payload":{}}"#;
    let sha1 = sign(SECRET, body, Algorithm::Sha1);
    let headers = [
        ("X-GitBook-Event", "publish"),
        ("X-GitBook-Signature", sha1.as_str()),
    ];
    let error = WebhookReceiver::new()
        .with_secret(SECRET)
        .receive_at(&headers, body, at(NOW))
        .unwrap_err();
    assert_eq!(
        error,
        WebhookError::Signature(SignatureError::UnsupportedAlgorithm("sha1".into()))
    );
    let delivery = WebhookReceiver::new()
        .with_secret(SECRET)
        .accept_sha1(true)
        .receive_at(&headers, body, at(NOW))
        .unwrap();
    assert_eq!(delivery.verified_with, Some(Algorithm::Sha1));
    // SHA-256 needs no opt-in.
    let sha256 = sign(SECRET, body, Algorithm::Sha256);
    assert!(WebhookReceiver::new()
        .with_secret(SECRET)
        .receive_at(
            &[
                ("X-GitBook-Event", "publish"),
                ("X-Hub-Signature-256", sha256.as_str())
            ],
            body,
            at(NOW)
        )
        .is_ok());
}

proptest::proptest! {
    /// No header or body makes verification or receiving panic, and only
    /// the genuine signature of the genuine body is accepted.
    #[test]
    fn any_input_is_answered_without_panicking(
        header in "(t=[0-9]{0,12}|v1=[0-9a-f]{0,70}|[ -~]{0,20})(,(t=[0-9]{0,12}|v1=[0-9a-f]{0,70}|[ -~]{0,20})){0,4}",
        body in proptest::collection::vec(proptest::num::u8::ANY, 0..256),
        id in "[ -~]{0,300}",
    ) {
        let verified = verify_timestamped_signature(SECRET, &body, &header, NOW, FIVE_MINUTES);
        if let Ok(timestamp) = verified {
            let genuine = sign_timestamped(SECRET, &body, timestamp);
            let tag = genuine.split_once(",v1=").unwrap().1;
            proptest::prop_assert!(header.contains(tag));
        }
        let receiver = WebhookReceiver::new().with_secret(SECRET).replay_capacity(4);
        let outcome = receiver.receive_at(
            &[("X-GitBook-Signature", header.as_str()), ("X-GitBook-Delivery", id.as_str())],
            &body,
            at(NOW),
        );
        if let Err(error) = outcome {
            proptest::prop_assert!(matches!(error.status(), 400 | 401 | 409));
        }
    }
}
