//! Webhook signatures on arbitrary bytes: parsing and verifying a header never panics,
//! a header only verifies when it is the body's signature, every signature made
//! verifies, and a receiver answers any request with a status and a JSON error.
//!
//! The input is `[secret length][secret][header value]\n[body]`.
//!
//! Run with `scripts/fuzz.sh webhook SECONDS`.

#![no_main]

use contentkit::runtime::webhook::{
    sign, verify_signature, Algorithm, SignatureError, WebhookReceiver, EVENT_HEADER,
    SIGNATURE_HEADER,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&secret_len, rest)) = data.split_first() else {
        return;
    };
    let (secret, rest) = rest.split_at(usize::from(secret_len).min(rest.len()));
    let (header, body) = match rest.iter().position(|&b| b == b'\n') {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (rest, &[][..]),
    };
    let header = String::from_utf8_lossy(header);

    // An arbitrary header: verified only when it is the body's signature.
    match verify_signature(secret, body, &header) {
        Ok(()) => {
            let given = header.trim().to_ascii_lowercase();
            assert!(
                [Algorithm::Sha1, Algorithm::Sha256]
                    .iter()
                    .any(|&a| sign(secret, body, a) == given),
                "{header:?} verified but is not the signature"
            );
        }
        Err(SignatureError::UnsupportedAlgorithm(name)) => assert!(name.chars().count() <= 32),
        Err(_) => {}
    }

    // Every signature made verifies, and fails on any other body.
    for algorithm in [Algorithm::Sha1, Algorithm::Sha256] {
        let signature = sign(secret, body, algorithm);
        assert_eq!(verify_signature(secret, body, &signature), Ok(()));
        assert_eq!(
            verify_signature(secret, &[body, b"."].concat(), &signature),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_signature(secret, body, &signature.to_ascii_uppercase()),
            Ok(()),
            "hex and algorithm names are read in any case"
        );
    }

    // A receiver answers anything with a status and a JSON error body.
    let receiver = WebhookReceiver::new()
        .with_secret(secret.to_vec())
        .accept_sha1(secret_len % 2 == 0)
        .on_all(|_| Ok(()));
    let headers = [
        (SIGNATURE_HEADER, header.as_ref()),
        (EVENT_HEADER, "space_content_updated"),
    ];
    match receiver.receive(&headers[..], body) {
        Ok(delivery) => assert!(delivery.verified_with.is_some()),
        Err(e) => {
            assert!(matches!(e.status(), 400 | 401 | 500));
            let body: serde_json::Value =
                serde_json::from_str(&e.to_json_body()).expect("error bodies are JSON");
            assert!(body["error"].is_string());
        }
    }
});
