//! Webhook signatures and a transport-independent webhook receiver.
//!
//! GitBook's webhooks sign with `X-GitBook-Signature: t=<unix seconds>,v1=<hex>`,
//! the HMAC-SHA256 of `"{t}.{body}"` keyed by the hook's secret
//! ([`sign_timestamped`], [`verify_timestamped_signature`]); older senders
//! sign the raw body alone as `sha1=<hex>` or `sha256=<hex>`, in
//! `X-GitBook-Signature` or GitHub's `X-Hub-Signature` (`sha1=`) and
//! `X-Hub-Signature-256` (`sha256=`) ([`sign`], [`verify_signature`]). Every
//! comparison is constant-time.
//!
//! [`WebhookReceiver`] turns headers plus a body into a verified, parsed
//! [`WebhookDelivery`] routed to handlers, and refuses replays: a timestamped
//! signature older (or newer) than the tolerance (5 minutes by default), and
//! a delivery id (`X-GitBook-Delivery`) already received, kept in a bounded
//! cache of recent ids. SHA-1 signatures are refused unless the receiver
//! opts in ([`WebhookReceiver::accept_sha1`]).
//!
//! Nothing here does I/O, so the same code serves a server, a worker or wasm
//! (where [`WebhookReceiver::receive_at`] takes the host's time, since
//! `wasm32-unknown-unknown` has no clock).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use serde_json::Value;

/// Header naming the event of a GitBook delivery.
pub const EVENT_HEADER: &str = "X-GitBook-Event";
/// Header carrying the unique ID of a GitBook delivery.
pub const DELIVERY_HEADER: &str = "X-GitBook-Delivery";
/// Header carrying GitBook's signature.
pub const SIGNATURE_HEADER: &str = "X-GitBook-Signature";
/// GitHub-style header carrying a `sha256=` signature.
pub const HUB_SIGNATURE_256_HEADER: &str = "X-Hub-Signature-256";
/// GitHub-style header carrying a `sha1=` signature.
pub const HUB_SIGNATURE_HEADER: &str = "X-Hub-Signature";
/// Route name that matches every event (GitBook's wildcard subscription).
pub const ALL_EVENTS: &str = "all";

/// Longest algorithm name echoed back in an error, so a hostile header
/// cannot make error bodies arbitrarily large.
const MAX_ECHOED_ALGORITHM: usize = 32;

/// How far a timestamped signature may be from the receiver's clock, by default.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);
/// How many recent delivery ids a receiver remembers, by default.
pub const DEFAULT_REPLAY_CAPACITY: usize = 10_000;
/// Longest delivery id accepted, so the replay cache stays bounded in bytes.
pub const MAX_DELIVERY_ID_LENGTH: usize = 256;
/// Most `v1=` signatures read from one header (a sender rotating secrets
/// sends two); each costs an HMAC, so their number is bounded.
const MAX_TIMESTAMPED_TAGS: usize = 8;

/// A signature algorithm: the `algo` in `algo=<hex>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// HMAC-SHA1, GitBook's historical default.
    Sha1,
    /// HMAC-SHA256.
    Sha256,
}

impl Algorithm {
    /// The prefix name used in a header value (`sha1` or `sha256`).
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "sha1",
            Algorithm::Sha256 => "sha256",
        }
    }

    /// Parses a prefix name, ignoring ASCII case.
    pub fn from_name(name: &str) -> Option<Self> {
        if name.eq_ignore_ascii_case("sha1") {
            Some(Algorithm::Sha1)
        } else if name.eq_ignore_ascii_case("sha256") {
            Some(Algorithm::Sha256)
        } else {
            None
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a signature was refused. All of them mean HTTP 401.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No signature was sent (or it was blank).
    #[error("missing webhook signature")]
    Missing,
    /// The value is not of the form `t=<seconds>,v1=<hex>` or `algo=<hex>`.
    #[error(
        "malformed webhook signature: expected `t=<unix seconds>,v1=<hex>`, `sha256=<hex>` or `sha1=<hex>`"
    )]
    Malformed,
    /// The `t=` of a timestamped signature is not a number of seconds.
    #[error("webhook signature timestamp is not a number of seconds")]
    InvalidTimestamp,
    /// The `t=` of a timestamped signature is further from now than the
    /// tolerance: a replayed (or badly delayed) delivery.
    #[error("webhook signature timestamp is outside the tolerance of {tolerance_secs} s")]
    OutsideTolerance {
        /// The tolerance, in seconds.
        tolerance_secs: u64,
    },
    /// The `algo` is not one this crate verifies (or not one allowed).
    #[error("unsupported webhook signature algorithm `{0}`")]
    UnsupportedAlgorithm(String),
    /// The digest is not hexadecimal.
    #[error("webhook signature is not valid hexadecimal")]
    InvalidHex,
    /// The digest does not match the body.
    #[error("webhook signature does not match the payload")]
    Mismatch,
}

/// Computes the raw HMAC of `body` keyed by `secret`.
fn digest(secret: &[u8], body: &[u8], algorithm: Algorithm) -> Vec<u8> {
    // HMAC takes keys of any length (RFC 2104 hashes long keys and pads short
    // ones), so `new_from_slice` cannot fail for `Hmac<_>`; the error type
    // exists only for fixed-key MACs sharing the trait.
    const ANY_KEY_LENGTH: &str = "HMAC accepts keys of any length";
    match algorithm {
        Algorithm::Sha1 => {
            let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret).expect(ANY_KEY_LENGTH);
            mac.update(body);
            mac.finalize().into_bytes().to_vec()
        }
        Algorithm::Sha256 => {
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).expect(ANY_KEY_LENGTH);
            mac.update(body);
            mac.finalize().into_bytes().to_vec()
        }
    }
}

/// Signs `body` with `secret`, returning a header value such as `sha256=5bdc…`.
pub fn sign(secret: &[u8], body: &[u8], algorithm: Algorithm) -> String {
    format!(
        "{}={}",
        algorithm.name(),
        hex::encode(digest(secret, body, algorithm))
    )
}

/// Splits a header value into its algorithm and decoded digest.
fn parse_signature(header: &str) -> Result<(Algorithm, Vec<u8>), SignatureError> {
    let header = header.trim();
    if header.is_empty() {
        return Err(SignatureError::Missing);
    }
    let (name, hex_digest) = header.split_once('=').ok_or(SignatureError::Malformed)?;
    if name.is_empty() || hex_digest.is_empty() {
        return Err(SignatureError::Malformed);
    }
    let algorithm = Algorithm::from_name(name).ok_or_else(|| {
        SignatureError::UnsupportedAlgorithm(name.chars().take(MAX_ECHOED_ALGORITHM).collect())
    })?;
    let tag = hex::decode(hex_digest).map_err(|_| SignatureError::InvalidHex)?;
    Ok((algorithm, tag))
}

/// Checks `tag` against the HMAC of `body` in constant time.
fn verify_tag(
    secret: &[u8],
    body: &[u8],
    algorithm: Algorithm,
    tag: &[u8],
) -> Result<(), SignatureError> {
    // `verify_slice` compares with `subtle` in constant time and also
    // rejects a tag of the wrong length, so a truncated digest cannot pass.
    let verified = match algorithm {
        Algorithm::Sha1 => Hmac::<sha1::Sha1>::new_from_slice(secret).map(|mut mac| {
            mac.update(body);
            mac.verify_slice(tag).is_ok()
        }),
        Algorithm::Sha256 => Hmac::<sha2::Sha256>::new_from_slice(secret).map(|mut mac| {
            mac.update(body);
            mac.verify_slice(tag).is_ok()
        }),
    };
    match verified {
        Ok(true) => Ok(()),
        // An unusable key can only fail verification, never pass it.
        Ok(false) | Err(_) => Err(SignatureError::Mismatch),
    }
}

/// Verifies a signature header value (`sha1=<hex>` or `sha256=<hex>`) for
/// `body` under `secret`, in constant time.
///
/// The algorithm name is case-insensitive and so is the hex digest.
///
/// ```
/// use contentkit::runtime::{verify_signature, SignatureError};
///
/// // RFC 4231, test case 2.
/// let header = "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
/// assert_eq!(verify_signature(b"Jefe", b"what do ya want for nothing?", header), Ok(()));
/// assert_eq!(
///     verify_signature(b"Jefe", b"what do ya want?", header),
///     Err(SignatureError::Mismatch)
/// );
/// assert_eq!(verify_signature(b"Jefe", b"", "deadbeef"), Err(SignatureError::Malformed));
/// ```
pub fn verify_signature(secret: &[u8], body: &[u8], header: &str) -> Result<(), SignatureError> {
    let (algorithm, tag) = parse_signature(header)?;
    verify_tag(secret, body, algorithm, &tag)
}

/// Signs `body` as GitBook's webhooks do: `t=<timestamp>,v1=<hex>`, the
/// HMAC-SHA256 of `"{timestamp}.{body}"`.
///
/// ```
/// use contentkit::runtime::webhook::{sign_timestamped, verify_timestamped_signature};
/// use std::time::Duration;
///
/// let header = sign_timestamped(b"secret", br#"{"type":"site_view"}"#, 1_700_000_000);
/// assert!(header.starts_with("t=1700000000,v1="));
/// let checked = verify_timestamped_signature(
///     b"secret", br#"{"type":"site_view"}"#, &header, 1_700_000_030, Duration::from_secs(300));
/// assert_eq!(checked, Ok(1_700_000_000));
/// ```
pub fn sign_timestamped(secret: &[u8], body: &[u8], timestamp: u64) -> String {
    let tag = timestamped_mac(secret, timestamp.to_string().as_bytes(), body)
        .finalize()
        .into_bytes();
    format!("t={timestamp},v1={}", hex::encode(tag))
}

/// The HMAC-SHA256 of `"{timestamp}.{body}"`, ready to finalize or verify.
fn timestamped_mac(secret: &[u8], timestamp: &[u8], body: &[u8]) -> Hmac<sha2::Sha256> {
    // HMAC takes keys of any length, so this cannot fail (see `digest`).
    let mut mac =
        Hmac::<sha2::Sha256>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(timestamp);
    mac.update(b".");
    mac.update(body);
    mac
}

/// A parsed `t=<seconds>,v1=<hex>[,v1=<hex>…]` header: the timestamp as
/// sent (it is signed as text) and its value, and every `v1` tag.
struct Timestamped<'a> {
    text: &'a str,
    seconds: u64,
    tags: Vec<Vec<u8>>,
}

/// Whether `header` is of the timestamped form (it has a `t=` part).
fn is_timestamped(header: &str) -> bool {
    header
        .split(',')
        .any(|part| part.trim_start().starts_with("t="))
}

fn parse_timestamped(header: &str) -> Result<Timestamped<'_>, SignatureError> {
    let mut timestamp = None;
    let mut tags = Vec::new();
    for part in header.trim().split(',') {
        let (key, value) = part
            .trim()
            .split_once('=')
            .ok_or(SignatureError::Malformed)?;
        match key {
            "t" if timestamp.is_none() => {
                let seconds = value
                    .parse::<u64>()
                    .map_err(|_| SignatureError::InvalidTimestamp)?;
                timestamp = Some((value, seconds));
            }
            "t" => return Err(SignatureError::Malformed),
            "v1" if tags.len() < MAX_TIMESTAMPED_TAGS => {
                tags.push(hex::decode(value).map_err(|_| SignatureError::InvalidHex)?);
            }
            "v1" => return Err(SignatureError::Malformed),
            // Other schemes (a future `v2`) are not ours to check.
            _ => {}
        }
    }
    let (text, seconds) = timestamp.ok_or(SignatureError::Malformed)?;
    if tags.is_empty() {
        return Err(SignatureError::Malformed);
    }
    Ok(Timestamped {
        text,
        seconds,
        tags,
    })
}

/// Verifies a `t=<seconds>,v1=<hex>` header for `body` under `secret`: one
/// `v1` must match (in constant time) and `t` must be within `tolerance` of
/// `now` (seconds since the epoch), either way. Returns the timestamp.
///
/// The signature is checked before the time, so an unsigned request learns
/// nothing from the answer about the receiver's clock.
pub fn verify_timestamped_signature(
    secret: &[u8],
    body: &[u8],
    header: &str,
    now: u64,
    tolerance: Duration,
) -> Result<u64, SignatureError> {
    if header.trim().is_empty() {
        return Err(SignatureError::Missing);
    }
    let parsed = parse_timestamped(header)?;
    let mac = timestamped_mac(secret, parsed.text.as_bytes(), body);
    if !parsed
        .tags
        .iter()
        .any(|tag| mac.clone().verify_slice(tag).is_ok())
    {
        return Err(SignatureError::Mismatch);
    }
    if now.abs_diff(parsed.seconds) > tolerance.as_secs() {
        return Err(SignatureError::OutsideTolerance {
            tolerance_secs: tolerance.as_secs(),
        });
    }
    Ok(parsed.seconds)
}

/// Read-only access to request headers, whatever the HTTP library.
///
/// Implementations must match names ignoring ASCII case, as HTTP does.
pub trait Headers {
    /// The first value of header `name`, if present.
    fn header(&self, name: &str) -> Option<&str>;
}

impl<K: AsRef<str>, V: AsRef<str>> Headers for [(K, V)] {
    fn header(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(key, _)| key.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Headers for Vec<(K, V)> {
    fn header(&self, name: &str) -> Option<&str> {
        self.as_slice().header(name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>, const N: usize> Headers for [(K, V); N] {
    fn header(&self, name: &str) -> Option<&str> {
        self.as_slice().header(name)
    }
}

impl Headers for BTreeMap<String, String> {
    fn header(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

impl<S: std::hash::BuildHasher> Headers for HashMap<String, String, S> {
    fn header(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// A verified, parsed webhook delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookDelivery {
    /// The event name from `X-GitBook-Event` (e.g. `publish`).
    pub event: String,
    /// The delivery ID from `X-GitBook-Delivery`, when sent.
    pub delivery_id: Option<String>,
    /// The JSON body.
    pub payload: Value,
    /// The algorithm whose signature was verified; `None` when the receiver
    /// has no secret and so checked nothing.
    pub verified_with: Option<Algorithm>,
    /// The signed timestamp (seconds since the epoch), for a `t=…,v1=…` signature.
    pub timestamp: Option<u64>,
}

/// Why a delivery was refused or failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// The signature was missing or wrong (HTTP 401).
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// No `X-GitBook-Event` header, and no `type` in the body (HTTP 400).
    #[error("missing `X-GitBook-Event` header")]
    MissingEvent,
    /// The delivery id was already received (HTTP 409): a replay.
    #[error("webhook delivery `{0}` was already received")]
    Replayed(String),
    /// The delivery id is longer than [`MAX_DELIVERY_ID_LENGTH`] (HTTP 400).
    #[error("webhook delivery id is too long")]
    DeliveryIdTooLong,
    /// The body is not JSON (HTTP 400).
    #[error("webhook body is not valid JSON: {0}")]
    InvalidJson(String),
    /// A handler reported a failure (HTTP 500); later handlers did not run.
    #[error("webhook handler for `{event}` failed: {message}")]
    Handler {
        /// The delivery's event.
        event: String,
        /// What the handler returned.
        message: String,
    },
}

impl WebhookError {
    /// The HTTP status to answer with.
    pub fn status(&self) -> u16 {
        match self {
            WebhookError::Signature(_) => 401,
            WebhookError::MissingEvent
            | WebhookError::InvalidJson(_)
            | WebhookError::DeliveryIdTooLong => 400,
            WebhookError::Replayed(_) => 409,
            WebhookError::Handler { .. } => 500,
        }
    }

    /// The message for the response body.
    pub fn message(&self) -> String {
        self.to_string()
    }

    /// A JSON response body: `{"error": "<message>"}`.
    pub fn to_json_body(&self) -> String {
        serde_json::json!({ "error": self.message() }).to_string()
    }
}

/// A webhook handler. It gets the delivery and may report a failure message.
pub type WebhookHandler = Box<dyn Fn(&WebhookDelivery) -> Result<(), String> + Send + Sync>;

/// The most recent delivery ids, oldest evicted first.
#[derive(Debug, Default)]
struct ReplayCache {
    capacity: usize,
    order: VecDeque<String>,
    seen: HashSet<String>,
}

impl ReplayCache {
    fn new(capacity: usize) -> Self {
        ReplayCache {
            capacity,
            ..ReplayCache::default()
        }
    }

    /// Records `id`; false when it was already there.
    fn insert(&mut self, id: &str) -> bool {
        if self.capacity == 0 {
            return true;
        }
        if self.seen.contains(id) {
            return false;
        }
        if self.order.len() == self.capacity {
            if let Some(oldest) = self.order.pop_front() {
                self.seen.remove(&oldest);
            }
        }
        self.order.push_back(id.to_owned());
        self.seen.insert(id.to_owned());
        true
    }

    /// Forgets `id`, so that a retry of a delivery whose handler failed is processed.
    fn remove(&mut self, id: &str) {
        if self.seen.remove(id) {
            self.order.retain(|kept| kept != id);
        }
    }
}

/// Verifies, parses and routes webhook deliveries.
///
/// Handlers run in registration order; a handler registered for
/// [`ALL_EVENTS`] runs for every delivery.
pub struct WebhookReceiver {
    secret: Option<Vec<u8>>,
    accept_sha1: bool,
    tolerance: Duration,
    replays: Mutex<ReplayCache>,
    routes: Vec<(String, WebhookHandler)>,
}

impl Default for WebhookReceiver {
    fn default() -> Self {
        WebhookReceiver::new()
    }
}

impl fmt::Debug for WebhookReceiver {
    // Hand-written so the secret never reaches a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let routes: Vec<&str> = self.routes.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("WebhookReceiver")
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("accept_sha1", &self.accept_sha1)
            .field("tolerance", &self.tolerance)
            .field("routes", &routes)
            .finish()
    }
}

impl WebhookReceiver {
    /// A receiver without a secret (signatures are not checked) and without
    /// handlers; SHA-1 refused, a 5-minute tolerance, the last
    /// [`DEFAULT_REPLAY_CAPACITY`] delivery ids remembered.
    pub fn new() -> Self {
        WebhookReceiver {
            secret: None,
            accept_sha1: false,
            tolerance: DEFAULT_TOLERANCE,
            replays: Mutex::new(ReplayCache::new(DEFAULT_REPLAY_CAPACITY)),
            routes: Vec::new(),
        }
    }

    /// Requires every delivery to be signed with `secret`.
    pub fn with_secret(mut self, secret: impl Into<Vec<u8>>) -> Self {
        self.secret = Some(secret.into());
        self
    }

    /// Whether `sha1=` signatures are accepted. Off by default: SHA-1 is
    /// accepted only for a sender that cannot sign otherwise.
    pub fn accept_sha1(mut self, accept: bool) -> Self {
        self.accept_sha1 = accept;
        self
    }

    /// How far the `t=` of a timestamped signature may be from now, either way.
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// How many recent delivery ids are remembered to refuse replays (0:
    /// none). Memory is bounded by `capacity` × [`MAX_DELIVERY_ID_LENGTH`].
    pub fn replay_capacity(mut self, capacity: usize) -> Self {
        self.replays = Mutex::new(ReplayCache::new(capacity));
        self
    }

    /// Adds a handler for deliveries of `event`, or of every event when
    /// `event` is [`ALL_EVENTS`].
    pub fn on<F>(mut self, event: impl Into<String>, handler: F) -> Self
    where
        F: Fn(&WebhookDelivery) -> Result<(), String> + Send + Sync + 'static,
    {
        self.routes.push((event.into(), Box::new(handler)));
        self
    }

    /// Adds a handler for every delivery.
    pub fn on_all<F>(self, handler: F) -> Self
    where
        F: Fn(&WebhookDelivery) -> Result<(), String> + Send + Sync + 'static,
    {
        self.on(ALL_EVENTS, handler)
    }

    /// Verifies the delivery's signature when a secret is set, returning the
    /// algorithm checked and, for a timestamped signature, its timestamp.
    fn check_signature<H: Headers + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(Option<Algorithm>, Option<u64>), SignatureError> {
        let Some(secret) = &self.secret else {
            return Ok((None, None));
        };
        // GitBook's own header first, then the stronger GitHub-style one.
        let header = [
            SIGNATURE_HEADER,
            HUB_SIGNATURE_256_HEADER,
            HUB_SIGNATURE_HEADER,
        ]
        .iter()
        .find_map(|name| headers.header(name))
        .ok_or(SignatureError::Missing)?;
        if is_timestamped(header) {
            let now = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
            let timestamp =
                verify_timestamped_signature(secret, body, header, now, self.tolerance)?;
            return Ok((Some(Algorithm::Sha256), Some(timestamp)));
        }
        let (algorithm, tag) = parse_signature(header)?;
        if algorithm == Algorithm::Sha1 && !self.accept_sha1 {
            return Err(SignatureError::UnsupportedAlgorithm(
                algorithm.name().to_owned(),
            ));
        }
        verify_tag(secret, body, algorithm, &tag)?;
        Ok((Some(algorithm), None))
    }

    /// Verifies, parses and routes one delivery, at the system's time.
    ///
    /// The signature is checked before anything else is read, so an
    /// unsigned request learns nothing about the body's validity. The event
    /// is `X-GitBook-Event`, else the body's `type` (GitBook's webhooks send
    /// the event itself). A delivery id already received is refused as a
    /// replay; it is forgotten again when a handler fails, so the sender's
    /// retry is processed.
    pub fn receive<H: Headers + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
    ) -> Result<WebhookDelivery, WebhookError> {
        self.receive_at(headers, body, SystemTime::now())
    }

    /// [`receive`](Self::receive) at time `now` (for a host without a clock, or a test).
    pub fn receive_at<H: Headers + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
        now: SystemTime,
    ) -> Result<WebhookDelivery, WebhookError> {
        let (verified_with, timestamp) = self.check_signature(headers, body, now)?;
        let delivery_id = headers
            .header(DELIVERY_HEADER)
            .map(|id| id.trim().to_owned())
            .filter(|id| !id.is_empty());
        if delivery_id
            .as_ref()
            .is_some_and(|id| id.len() > MAX_DELIVERY_ID_LENGTH)
        {
            return Err(WebhookError::DeliveryIdTooLong);
        }
        let payload: Value =
            serde_json::from_slice(body).map_err(|e| WebhookError::InvalidJson(e.to_string()))?;
        let event = headers
            .header(EVENT_HEADER)
            .map(str::trim)
            .filter(|event| !event.is_empty())
            .or_else(|| payload.get("type").and_then(Value::as_str))
            .ok_or(WebhookError::MissingEvent)?
            .to_owned();
        let delivery = WebhookDelivery {
            event,
            delivery_id,
            payload,
            verified_with,
            timestamp,
        };
        if let Some(id) = &delivery.delivery_id {
            if !self.lock_replays().insert(id) {
                return Err(WebhookError::Replayed(id.clone()));
            }
        }
        for (route, handler) in &self.routes {
            if route == ALL_EVENTS || *route == delivery.event {
                if let Err(message) = handler(&delivery) {
                    if let Some(id) = &delivery.delivery_id {
                        self.lock_replays().remove(id);
                    }
                    return Err(WebhookError::Handler {
                        event: delivery.event.clone(),
                        message,
                    });
                }
            }
        }
        Ok(delivery)
    }

    fn lock_replays(&self) -> std::sync::MutexGuard<'_, ReplayCache> {
        // A handler cannot run while the lock is held, so a poisoned lock
        // only means a panic in this file's few lines: the cache is whole.
        self.replays
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether some handler would run for `event`.
    pub fn handles(&self, event: &str) -> bool {
        self.routes
            .iter()
            .any(|(route, _)| route == ALL_EVENTS || route == event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_rejects_shapes_before_computing_anything() {
        assert_eq!(parse_signature("   "), Err(SignatureError::Missing));
        assert_eq!(parse_signature("abcdef"), Err(SignatureError::Malformed));
        assert_eq!(parse_signature("=abcd"), Err(SignatureError::Malformed));
        assert_eq!(parse_signature("sha1="), Err(SignatureError::Malformed));
        assert_eq!(
            parse_signature("md5=abcd"),
            Err(SignatureError::UnsupportedAlgorithm("md5".to_owned()))
        );
        assert_eq!(parse_signature("sha1=zz"), Err(SignatureError::InvalidHex));
        assert_eq!(parse_signature("sha1=abc"), Err(SignatureError::InvalidHex));
    }

    #[test]
    fn echoed_algorithm_is_bounded() {
        let header = format!("{}=00", "x".repeat(10_000));
        match parse_signature(&header) {
            Err(SignatureError::UnsupportedAlgorithm(name)) => {
                assert_eq!(name.len(), MAX_ECHOED_ALGORITHM)
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn truncated_digest_is_a_mismatch() {
        let full = sign(b"k", b"body", Algorithm::Sha256);
        let truncated = &full[..full.len() - 2];
        assert_eq!(
            verify_signature(b"k", b"body", truncated),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn uppercase_forms_are_accepted() {
        let header = sign(b"k", b"body", Algorithm::Sha1).to_ascii_uppercase();
        assert_eq!(verify_signature(b"k", b"body", &header), Ok(()));
    }
}
