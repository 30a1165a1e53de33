//! The signed `state` of an OAuth flow: where the credentials go, signed with the
//! integration's signing secret so that a forged or altered callback is refused.
//!
//! Shared by `createOAuthHandler` in component files and `runtime::oauth` (feature
//! `api`): a state issued by one verifies in the other. Pure: HMAC-SHA256 and
//! base64url, no I/O, no clock (the caller gives the time).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use url::form_urlencoded;

/// Longest `state` parameter read; a signed state is far shorter.
const MAX_STATE_LENGTH: usize = 4096;

/// Where the credentials of a flow go, and when it started: the payload of a signed `state`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuthState {
    /// The organization installation.
    pub installation_id: String,
    /// The space installation's space, when the flow started from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub space_id: Option<String>,
    /// The site installation's site, when the flow started from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
    /// When the flow started, in seconds since the epoch.
    pub issued_at: u64,
    /// The event that started the flow, so that no two states are alike.
    pub nonce: String,
}

/// Why a `state` was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    /// Not of the form `payload.signature`, not base64url, or not JSON of the right shape.
    #[error("malformed OAuth state")]
    Malformed,
    /// The signature does not match: forged or altered.
    #[error("OAuth state signature does not match")]
    BadSignature,
    /// Older than the allowed age (or issued in the future).
    #[error("OAuth state has expired; start the connection again")]
    Expired,
}

impl OAuthState {
    /// Signs the state with `secret`: `base64url(JSON).hex(HMAC-SHA256(secret, base64url(JSON)))`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use contentkit::lang::oauth::{OAuthState, StateError};
    ///
    /// let state = OAuthState {
    ///     installation_id: "inst_1".into(), space_id: None, site_id: None,
    ///     issued_at: 1_700_000_000, nonce: "evt_1".into(),
    /// };
    /// let signed = state.sign(b"secret");
    /// let max_age = Duration::from_secs(600);
    /// assert_eq!(OAuthState::verify(&signed, b"secret", 1_700_000_100, max_age), Ok(state));
    /// assert_eq!(OAuthState::verify(&signed, b"other", 1_700_000_100, max_age), Err(StateError::BadSignature));
    /// assert_eq!(OAuthState::verify(&signed, b"secret", 1_700_001_000, max_age), Err(StateError::Expired));
    /// ```
    pub fn sign(&self, secret: &[u8]) -> String {
        let payload = base64url_encode(&serde_json::to_vec(self).unwrap_or_default());
        let tag = hex::encode(
            state_mac(secret, payload.as_bytes())
                .finalize()
                .into_bytes(),
        );
        format!("{payload}.{tag}")
    }

    /// Checks a signed state in constant time, then its age against `now` (seconds since the epoch).
    pub fn verify(
        signed: &str,
        secret: &[u8],
        now: u64,
        max_age: Duration,
    ) -> Result<OAuthState, StateError> {
        if signed.len() > MAX_STATE_LENGTH {
            return Err(StateError::Malformed);
        }
        let (payload, tag) = signed.rsplit_once('.').ok_or(StateError::Malformed)?;
        let tag = hex::decode(tag).map_err(|_| StateError::Malformed)?;
        state_mac(secret, payload.as_bytes())
            .verify_slice(&tag)
            .map_err(|_| StateError::BadSignature)?;
        let json = base64url_decode(payload).ok_or(StateError::Malformed)?;
        let state: OAuthState = serde_json::from_slice(&json).map_err(|_| StateError::Malformed)?;
        // A little skew is allowed for a state issued by another instance.
        let skew = 60;
        if state.issued_at > now.saturating_add(skew)
            || now.saturating_sub(state.issued_at) > max_age.as_secs()
        {
            return Err(StateError::Expired);
        }
        Ok(state)
    }
}

fn state_mac(secret: &[u8], payload: &[u8]) -> Hmac<sha2::Sha256> {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(secret)
        .expect("HMAC accepts keys of any length");
    mac.update(payload);
    mac
}

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Unpadded base64url (RFC 4648 §5): the state is a URL parameter.
fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(BASE64URL[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut bits, mut count) = (0u32, 0);
    for c in text.bytes() {
        let value = BASE64URL.iter().position(|b| *b == c)? as u32;
        bits = bits << 6 | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    // Leftover bits must be zero padding of fewer than 6 bits.
    (count < 6 && bits == 0).then_some(out)
}

/// The default reading of a token answer (`defaultOAuthExtractCredentials`):
/// `{"configuration": {"oauth_credentials": {"access_token", "expires_at"
/// (milliseconds since the epoch), "refresh_token"}}}`; an answer without
/// `access_token` is refused.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use contentkit::lang::oauth::default_extract_credentials;
/// use serde_json::json;
///
/// let now = UNIX_EPOCH + Duration::from_secs(1_000);
/// let update = default_extract_credentials(
///     &json!({"access_token": "at", "expires_in": 3600, "refresh_token": "rt"}),
///     now,
/// ).unwrap();
/// assert_eq!(
///     serde_json::Value::Object(update),
///     json!({"configuration": {"oauth_credentials": {
///         "access_token": "at", "expires_at": 4_600_000, "refresh_token": "rt"
///     }}})
/// );
/// assert!(default_extract_credentials(&json!({"error": "bad"}), now).is_err());
/// ```
pub fn default_extract_credentials(
    answer: &Value,
    now: SystemTime,
) -> Result<Map<String, Value>, String> {
    let access_token = answer
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|token| !token.is_empty())
        .ok_or("Failed to retrieve access_token from response")?;
    let mut credentials = Map::new();
    credentials.insert("access_token".into(), access_token.into());
    if let Some(expires_in) = answer.get("expires_in").and_then(as_seconds) {
        let at = millis_since_epoch(now).saturating_add(expires_in.saturating_mul(1000));
        credentials.insert("expires_at".into(), at.into());
    }
    if let Some(refresh) = answer.get("refresh_token").and_then(Value::as_str) {
        credentials.insert("refresh_token".into(), refresh.into());
    }
    let mut update = Map::new();
    update.insert(
        "configuration".into(),
        json!({ "oauth_credentials": Value::Object(credentials) }),
    );
    Ok(update)
}

/// A number of seconds sent as a JSON number or a numeric string.
fn as_seconds(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub(crate) fn millis_since_epoch(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The provider's authorization URL: `authorize` with `client_id`, `redirect_uri`,
/// `response_type=code` and `state` (replacing any it had; its other parameters
/// kept), then `scope` joined with `%20` (not `+`, as the official handler does: some
/// providers do not read `+` as a space) and `prompt`, when given.
///
/// ```
/// use contentkit::lang::oauth::authorize_location;
/// let authorize = url::Url::parse("https://p.example/auth?audience=api&state=old").unwrap();
/// let scopes = ["read".to_owned(), "write docs".to_owned()];
/// assert_eq!(
///     authorize_location(&authorize, "c1", "https://i.example/cb", "s.1", &scopes, Some("consent")),
///     "https://p.example/auth?audience=api&client_id=c1&redirect_uri=https%3A%2F%2Fi.example%2Fcb\
///      &response_type=code&state=s.1&scope=read%20write+docs&prompt=consent"
/// );
/// ```
pub fn authorize_location(
    authorize: &url::Url,
    client_id: &str,
    redirect_uri: &str,
    signed_state: &str,
    scopes: &[String],
    prompt: Option<&str>,
) -> String {
    let mut target = authorize.clone();
    let mut pairs: Vec<(String, String)> = target
        .query_pairs()
        .filter(|(key, _)| {
            !matches!(
                key.as_ref(),
                "client_id" | "redirect_uri" | "response_type" | "state" | "scope" | "prompt"
            )
        })
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.push(("client_id".into(), client_id.to_owned()));
    pairs.push(("redirect_uri".into(), redirect_uri.to_owned()));
    pairs.push(("response_type".into(), "code".into()));
    pairs.push(("state".into(), signed_state.to_owned()));
    let mut query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&pairs)
        .finish();
    if !scopes.is_empty() {
        let scopes: Vec<String> = scopes
            .iter()
            .map(|scope| form_urlencoded::byte_serialize(scope.as_bytes()).collect())
            .collect();
        query.push_str("&scope=");
        query.push_str(&scopes.join("%20"));
    }
    if let Some(prompt) = prompt {
        query.push_str("&prompt=");
        query.extend(form_urlencoded::byte_serialize(prompt.as_bytes()));
    }
    target.set_query(Some(&query));
    target.to_string()
}

/// Longest provider error quoted in a refusal.
const MAX_ECHOED_ERROR: usize = 400;

/// The refusal of a provider's callback that carries `?error=…`: 403 for
/// `access_denied`, else 400, with a message quoting the error and its description.
///
/// ```
/// use contentkit::lang::oauth::provider_refusal;
/// let url = url::Url::parse("https://i.example/oauth?error=access_denied&error_description=No").unwrap();
/// assert_eq!(
///     provider_refusal(&url),
///     Some((403, "The provider refused the authorization (access_denied: No)".to_owned()))
/// );
/// assert_eq!(provider_refusal(&url::Url::parse("https://i.example/oauth?code=c").unwrap()), None);
/// ```
pub fn provider_refusal(url: &url::Url) -> Option<(u16, String)> {
    let param = |name: &str| {
        url.query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, v)| v.into_owned())
    };
    let error = param("error")?;
    let detail = param("error_description")
        .map(|d| format!(": {d}"))
        .unwrap_or_default();
    let status = if error == "access_denied" { 403 } else { 400 };
    let message = format!("The provider refused the authorization ({error}{detail})")
        .chars()
        .take(MAX_ECHOED_ERROR)
        .collect();
    Some((status, message))
}

/// The redirect URL sent by default: the request's URL without its query.
pub fn default_redirect_uri(url: &url::Url) -> String {
    let mut bare = url.clone();
    bare.set_query(None);
    bare.set_fragment(None);
    bare.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips_every_length() {
        for len in 0..40u8 {
            let bytes: Vec<u8> = (0..len)
                .map(|i| i.wrapping_mul(37).wrapping_add(200))
                .collect();
            let encoded = base64url_encode(&bytes);
            assert!(!encoded.contains(['+', '/', '=']));
            assert_eq!(base64url_decode(&encoded), Some(bytes));
        }
        assert_eq!(base64url_encode(b"foob"), "Zm9vYg");
        assert_eq!(base64url_decode("Zm9vYg"), Some(b"foob".to_vec()));
        assert_eq!(base64url_decode("Zm9vYh"), None, "non-zero padding bits");
        assert_eq!(base64url_decode("Zm9v!"), None);
    }

    #[test]
    fn states_refuse_tampering() {
        let state = OAuthState {
            installation_id: "inst_1".into(),
            space_id: Some("space_1".into()),
            site_id: None,
            issued_at: 1000,
            nonce: "evt".into(),
        };
        let signed = state.sign(b"k");
        let max_age = Duration::from_secs(600);
        assert_eq!(
            OAuthState::verify(&signed, b"k", 1000, max_age),
            Ok(state.clone())
        );
        // Another installation, same signature.
        let other = OAuthState {
            installation_id: "inst_2".into(),
            ..state.clone()
        }
        .sign(b"k");
        let (forged_payload, _) = other.split_once('.').unwrap();
        let (_, tag) = signed.split_once('.').unwrap();
        assert_eq!(
            OAuthState::verify(&format!("{forged_payload}.{tag}"), b"k", 1000, max_age),
            Err(StateError::BadSignature)
        );
        // The official handler's plain JSON state.
        assert_eq!(
            OAuthState::verify(r#"{"installationId":"inst_2"}"#, b"k", 1000, max_age),
            Err(StateError::Malformed)
        );
        assert_eq!(
            OAuthState::verify(&signed, b"k", 2000, max_age),
            Err(StateError::Expired)
        );
        assert_eq!(
            OAuthState::verify(&signed, b"k", 100, max_age),
            Err(StateError::Expired)
        );
        assert_eq!(
            OAuthState::verify(&"a".repeat(5000), b"k", 1000, max_age),
            Err(StateError::Malformed)
        );
    }
}
