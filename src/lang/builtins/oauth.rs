//! `createOAuthHandler` and `getOAuthToken` of `@gitbook/runtime`, in component files:
//! the flow of `runtime::oauth`, run through host operations.
//!
//! `createOAuthHandler(config, { replace })` returns a fetch handler,
//! `(request, context) => Response`:
//!
//! 1. a request without `code` redirects (302) to `authorizeURL` (a string, or a
//!    function of the installation) with `client_id`, `redirect_uri`,
//!    `response_type=code`, `state`, `scope` and `prompt`
//!    ([`crate::lang::oauth::authorize_location`]);
//! 2. the provider's callback (`?code=…&state=…`) is exchanged at `accessTokenURL`
//!    (a form-encoded POST, a JSON answer), the credentials are read by
//!    `extractCredentials` (or the default reading) and stored through
//!    `updateIntegrationInstallation`, `…SpaceInstallation` or `…SiteInstallation` as
//!    the state says, replacing the configuration or merged into it; then a page asks
//!    the window to close.
//!
//! Beyond the official handler, as in `runtime::oauth`: `state` is signed with the
//! integration's signing secret (`environment.signingSecrets.integration`) and holds
//! when it was issued ([`OAuthState`]); a forged, altered, expired state, or one for
//! another installation than the request's, is refused with 400 before anything is
//! exchanged or written. Every failure answers a status and `{"error": …}`: the
//! provider refused (`?error=access_denied`: 403, other errors 400), the exchange
//! failed (502), the installation is unknown to the API (404), the API failed (502).
//!
//! `getOAuthToken(credentials, config, context)` returns the access token, refreshed
//! first when it expires within 10 seconds, the new credentials merged into the
//! installation's configuration.

use std::time::{Duration, UNIX_EPOCH};

use super::api::{self, Token};
use super::arg;
use crate::lang::compile::ir::Site;
use crate::lang::eval::{error_class, ops::truthy, Fault, Vm, R};
use crate::lang::host::{HostOp, OpKind};
use crate::lang::oauth::{
    authorize_location, default_extract_credentials, default_redirect_uri, provider_refusal,
    OAuthState,
};
use crate::lang::value::{
    Atom, Func, HostData, HostKind, ObjKind, Object, PromiseState, Props, Value,
};

/// How long a `state` stays valid: the time a user may take at the provider.
const STATE_MAX_AGE: Duration = Duration::from_secs(600);
/// A token is refreshed when it expires within this many milliseconds.
const REFRESH_MARGIN_MS: f64 = 10_000.0;
/// Longest provider answer quoted in an error.
const MAX_ECHOED_BODY: usize = 200;

/// `createOAuthHandler(config, options)`: the handler, a function bound to
/// `{config, replace}`.
pub(super) fn create_handler(
    vm: &mut Vm<'_>,
    config: Value,
    options: Value,
    site: Site,
) -> R<Value> {
    if !matches!(config, Value::Obj(_)) {
        return Err(vm.type_error(
            "createOAuthHandler takes an object: createOAuthHandler({ clientId, clientSecret, authorizeURL, accessTokenURL })",
            site,
        ));
    }
    let replace = if options.is_nullish() {
        true
    } else {
        match prop(vm, options, "replace", site)? {
            Value::Undefined => true,
            v => truthy(vm, v),
        }
    };
    let key = vm.intern("config", site)?;
    let replace_key = vm.intern("replace", site)?;
    let mut props = Props::with_capacity(2);
    props.push_new_name(key, config);
    props.push_new_name(replace_key, Value::Bool(replace));
    let settings = vm.alloc(Object::plain(props), site)?;
    vm.alloc(
        Object {
            props: Props::new(),
            kind: ObjKind::Function(Func::Native {
                id: super::table::Native::OAuthHandler.id(),
                this: settings,
            }),
            origin: 0,
        },
        site,
    )
}

/// `defaultOAuthExtractCredentials(response)` of `@gitbook/runtime`, step by step as
/// it is written there: the token or an error, then
/// `{ configuration: { oauth_credentials: { access_token, expires_at, refresh_token? } } }`
/// with `expires_at = Date.now() + response.expires_in * 1000`.
pub(super) fn default_extract(vm: &mut Vm<'_>, response: Value, site: Site) -> R<Value> {
    let key = |vm: &mut Vm<'_>, name: &str| vm.intern(name, site);
    let access_token = key(vm, "access_token")?;
    let token = vm.get(response, access_token, site)?;
    if !truthy(vm, token) {
        let message = "Failed to retrieve access_token from response";
        let mut json = Vec::new();
        super::json::stringify_into(vm, &mut json, response, site)?;
        vm.host.log(format!(
            "[oauth] {message} {} ",
            String::from_utf8_lossy(&json)
        ));
        return Err(vm.throw(error_class::ERROR, message, site));
    }
    let expires_in = key(vm, "expires_in")?;
    let expires_in = vm.get(response, expires_in, site)?;
    let expires_at = vm.host.now() + vm.to_number(expires_in, site)? * 1000.0;
    let refresh_token = key(vm, "refresh_token")?;
    let refresh = vm.get(response, refresh_token, site)?;
    let mut credentials = Props::with_capacity(3);
    credentials.push_new_name(access_token, token);
    credentials.push_new_name(key(vm, "expires_at")?, Value::Num(expires_at));
    if truthy(vm, refresh) {
        credentials.push_new_name(refresh_token, refresh);
    }
    let credentials = vm.alloc(Object::plain(credentials), site)?;
    let mut configuration = Props::with_capacity(1);
    configuration.push_new_name(key(vm, "oauth_credentials")?, credentials);
    let configuration = vm.alloc(Object::plain(configuration), site)?;
    let mut update = Props::with_capacity(1);
    update.push_new_name(key(vm, "configuration")?, configuration);
    vm.alloc(Object::plain(update), site)
}

/// `obj.name` (`undefined` on `null` and `undefined`).
fn prop(vm: &mut Vm<'_>, obj: Value, name: &str, site: Site) -> R<Value> {
    if obj.is_nullish() {
        return Ok(Value::Undefined);
    }
    let key = vm.intern(name, site)?;
    vm.get(obj, key, site)
}

/// The text of a string value.
fn text(vm: &Vm<'_>, v: Value) -> Option<String> {
    match v {
        Value::Str(s) => Some(vm.heap.str_lossy(s).into_owned()),
        _ => None,
    }
}

/// `String(v)`.
fn string(vm: &mut Vm<'_>, v: Value, site: Site) -> R<String> {
    let s = vm.to_string(v, site)?;
    Ok(vm.heap.str_lossy(s).into_owned())
}

/// A value as JSON (`null` when it has none).
fn to_json(vm: &mut Vm<'_>, v: Value, site: Site) -> R<serde_json::Value> {
    let mut out = Vec::new();
    if !super::json::stringify_into(vm, &mut out, v, site)? {
        return Ok(serde_json::Value::Null);
    }
    Ok(serde_json::from_slice(&out).unwrap_or(serde_json::Value::Null))
}

/// JSON as a value of the request's heap.
fn from_json(vm: &mut Vm<'_>, v: &serde_json::Value, site: Site) -> R<Value> {
    let bytes = serde_json::to_vec(v).unwrap_or_else(|_| b"null".to_vec());
    let depth = vm.limits.max_value_depth;
    match crate::lang::value::json::parse(&mut vm.heap, &bytes, depth) {
        Ok(v) => Ok(v),
        Err(_) => Err(Fault::Limit(crate::lang::eval::Limit::Memory, site)),
    }
}

/// A refusal: `status` with `{"error": message}`.
fn refuse(vm: &mut Vm<'_>, status: u16, message: &str, site: Site) -> R<Value> {
    let body = serde_json::json!({ "error": message })
        .to_string()
        .into_bytes();
    super::runtime::response(
        vm,
        status,
        vec![("content-type".into(), "application/json".into())],
        body,
        site,
    )
}

/// A URL of the configuration: a string, or a function of the installation.
fn url_source(
    vm: &mut Vm<'_>,
    config: Value,
    name: &str,
    installation: Value,
    site: Site,
) -> R<String> {
    let v = prop(vm, config, name, site)?;
    let v = if vm.is_function(v) {
        let r = vm.call(v, Value::Undefined, &[installation], site)?;
        vm.await_value(r, site)?
    } else {
        v
    };
    string(vm, v, site)
}

/// Awaits `promise`; a rejection is its message instead of a throw.
fn settled(vm: &mut Vm<'_>, promise: Value, site: Site) -> R<Result<Value, String>> {
    match vm.await_value(promise, site) {
        Ok(v) => Ok(Ok(v)),
        Err(Fault::Throw(e, _)) => thrown(vm, e, site).map(Err),
        Err(other) => Err(other),
    }
}

/// The message of a thrown value.
fn thrown(vm: &mut Vm<'_>, e: Value, site: Site) -> R<String> {
    match prop(vm, e, "message", site)? {
        Value::Undefined => string(vm, e, site),
        m => string(vm, m, site),
    }
}

/// The status and body of a `fetch` response value.
fn response_parts(vm: &Vm<'_>, v: Value) -> Option<(u16, Vec<u8>)> {
    let Value::Obj(o) = v else { return None };
    match &vm.heap.obj(o).kind {
        ObjKind::Host(HostKind::Response, data) => match &**data {
            HostData::Response { status, body, .. } => Some((*status, body.clone())),
            _ => None,
        },
        _ => None,
    }
}

/// A form-encoded POST to the provider, awaited: the answer's JSON, or why not.
fn exchange(
    vm: &mut Vm<'_>,
    url: &str,
    params: &[(&str, &str)],
    site: Site,
) -> R<Result<serde_json::Value, String>> {
    if url::Url::parse(url).is_err() {
        return Ok(Err(format!(
            "the access token URL {url:?} is not a valid URL"
        )));
    }
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    let op = HostOp::Fetch {
        method: "POST".into(),
        url: url.to_owned(),
        headers: vec![
            ("accept".into(), "application/json".into()),
            (
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            ),
        ],
        body: body.into_bytes(),
    };
    let pending = vm.host_op(op, site)?;
    let response = match settled(vm, pending, site)? {
        Ok(r) => r,
        Err(message) => return Ok(Err(format!("the token request failed: {message}"))),
    };
    let Some((status, body)) = response_parts(vm, response) else {
        return Ok(Err("the token request answered no response".into()));
    };
    if !(200..300).contains(&status) {
        let echoed: String = String::from_utf8_lossy(&body)
            .chars()
            .take(MAX_ECHOED_BODY)
            .collect();
        return Ok(Err(format!(
            "the provider answered {status} to the token request: {echoed}"
        )));
    }
    Ok(serde_json::from_slice(&body)
        .map_err(|e| format!("the provider's token answer is not JSON: {e}")))
}

/// A GitBook API call with `context.api`'s token, awaited: the answer's JSON, or
/// its status and a message.
fn api_call(
    vm: &mut Vm<'_>,
    method: &str,
    path: &str,
    body: Option<&serde_json::Value>,
    site: Site,
) -> R<Result<serde_json::Value, (u16, String)>> {
    let body = body.map(|b| serde_json::to_vec(b).unwrap_or_default());
    let op = api::http_request(vm, &Token::Installation, method, path, body);
    let pending = vm.host_op(op, site)?;
    let response = match settled(vm, pending, site)? {
        Ok(r) => r,
        Err(message) => return Ok(Err((502, message))),
    };
    let Some((status, body)) = response_parts(vm, response) else {
        return Ok(Err((502, "no response".into())));
    };
    if !(200..300).contains(&status) {
        let message = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["error"]["message"].as_str().map(str::to_owned))
            .unwrap_or_else(|| api::reason(status).to_owned());
        return Ok(Err((
            status,
            format!("GitBook API answered {status}: {message}"),
        )));
    }
    Ok(Ok(
        serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null)
    ))
}

/// The path of an installation, or of one of its space or site installations.
fn installation_path(name: &str, installation: &str, child: Option<(&str, &str)>) -> String {
    let mut path = String::from("/integrations/");
    api::encode_component(&mut path, name);
    path.push_str("/installations/");
    api::encode_component(&mut path, installation);
    if let Some((collection, id)) = child {
        path.push('/');
        path.push_str(collection);
        path.push('/');
        api::encode_component(&mut path, id);
    }
    path
}

/// The request's time.
fn now(vm: &Vm<'_>) -> std::time::SystemTime {
    UNIX_EPOCH + Duration::from_millis(vm.host.now_ms.max(0.0) as u64)
}

/// The integration's signing secret, when the environment has one.
fn signing_secret(vm: &mut Vm<'_>, environment: Value, site: Site) -> R<Option<String>> {
    let secrets = prop(vm, environment, "signingSecrets", site)?;
    let secret = prop(vm, secrets, "integration", site)?;
    Ok(text(vm, secret).filter(|s| !s.is_empty()))
}

const NO_SECRET: &str =
    "The environment has no signingSecrets.integration: the OAuth state cannot be signed or checked";

/// The handler `createOAuthHandler` made, called with `(request, context)`.
pub(super) fn handle(vm: &mut Vm<'_>, settings: Value, args: &[Value], site: Site) -> R<Value> {
    let config = prop(vm, settings, "config", site)?;
    let replace = prop(vm, settings, "replace", site)? != Value::Bool(false);
    let (request, context) = (arg(args, 0), arg(args, 1));
    let url_value = if request.is_nullish() {
        Value::Undefined
    } else {
        vm.get(request, Atom::URL, site)?
    };
    let url_text = string(vm, url_value, site)?;
    let Ok(url) = url::Url::parse(&url_text) else {
        return refuse(vm, 400, "The request URL is not a valid URL", site);
    };
    let param = |name: &str| {
        url.query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, v)| v.into_owned())
    };
    if let Some((status, message)) = provider_refusal(&url) {
        return refuse(vm, status, &message, site);
    }
    let redirect_uri = match prop(vm, config, "redirectURL", site)? {
        v @ Value::Str(_) => string(vm, v, site)?,
        _ => default_redirect_uri(&url),
    };
    let environment = prop(vm, context, "environment", site)?;
    match (param("code"), param("state")) {
        (None, _) => start(vm, config, environment, &redirect_uri, site),
        (Some(_), None) => refuse(vm, 400, "Missing state parameter in OAuth callback", site),
        (Some(code), Some(state)) => {
            let flow = Callback {
                config,
                environment,
                replace,
                redirect_uri: &redirect_uri,
            };
            flow.run(vm, &code, &state, site)
        }
    }
}

/// Redirects to the provider.
fn start(
    vm: &mut Vm<'_>,
    config: Value,
    environment: Value,
    redirect_uri: &str,
    site: Site,
) -> R<Value> {
    let installation = prop(vm, environment, "installation", site)?;
    if installation.is_nullish() {
        return refuse(
            vm,
            400,
            "Cannot initiate OAuth flow without an installation",
            site,
        );
    }
    let authorize = url_source(vm, config, "authorizeURL", installation, site)?;
    let Ok(target) = url::Url::parse(&authorize) else {
        let message = format!("The authorize URL {authorize:?} is not a valid URL");
        return refuse(vm, 500, &message, site);
    };
    let Some(secret) = signing_secret(vm, environment, site)? else {
        return refuse(vm, 500, NO_SECRET, site);
    };
    let id = prop(vm, installation, "id", site)?;
    let space_installation = prop(vm, environment, "spaceInstallation", site)?;
    let space = prop(vm, space_installation, "space", site)?;
    let site_installation = prop(vm, environment, "siteInstallation", site)?;
    let site_id = prop(vm, site_installation, "site", site)?;
    let nonce = format!("{:016x}", (vm.host.random() * (1u64 << 53) as f64) as u64);
    let state = OAuthState {
        installation_id: string(vm, id, site)?,
        space_id: text(vm, space).filter(|s| !s.is_empty()),
        site_id: text(vm, site_id).filter(|s| !s.is_empty()),
        issued_at: vm.host.now_ms.max(0.0) as u64 / 1000,
        nonce,
    };
    let client_id = prop(vm, config, "clientId", site)?;
    let client_id = string(vm, client_id, site)?;
    let scopes = match prop(vm, config, "scopes", site)? {
        Value::Undefined | Value::Null => Vec::new(),
        list => {
            let items = vm.iterate(list, site)?;
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(string(vm, item, site)?);
            }
            out
        }
    };
    let prompt = match prop(vm, config, "prompt", site)? {
        p if truthy(vm, p) => Some(string(vm, p, site)?),
        _ => None,
    };
    let location = authorize_location(
        &target,
        &client_id,
        redirect_uri,
        &state.sign(secret.as_bytes()),
        &scopes,
        prompt.as_deref(),
    );
    super::runtime::response(
        vm,
        302,
        vec![("location".into(), location)],
        Vec::new(),
        site,
    )
}

/// The provider's callback: check the state, exchange the code, store the credentials.
struct Callback<'a> {
    config: Value,
    environment: Value,
    replace: bool,
    redirect_uri: &'a str,
}

impl Callback<'_> {
    fn run(&self, vm: &mut Vm<'_>, code: &str, signed: &str, site: Site) -> R<Value> {
        let Some(secret) = signing_secret(vm, self.environment, site)? else {
            return refuse(vm, 500, NO_SECRET, site);
        };
        let now_s = vm.host.now_ms.max(0.0) as u64 / 1000;
        let state = match OAuthState::verify(signed, secret.as_bytes(), now_s, STATE_MAX_AGE) {
            Ok(state) => state,
            Err(e) => return refuse(vm, 400, &e.to_string(), site),
        };
        // A callback reaching one installation's endpoint may only write to that installation.
        let current = prop(vm, self.environment, "installation", site)?;
        let current_id = prop(vm, current, "id", site)?;
        if let Some(id) = text(vm, current_id) {
            if id != state.installation_id {
                return refuse(
                    vm,
                    400,
                    "The OAuth state belongs to another installation",
                    site,
                );
            }
        }
        let integration = prop(vm, self.environment, "integration", site)?;
        let name = prop(vm, integration, "name", site)?;
        let name = string(vm, name, site)?;
        let path = installation_path(&name, &state.installation_id, None);
        // The installation, read from the API when the token URL depends on it.
        let mut installation: Option<serde_json::Value> = None;
        let token_source = prop(vm, self.config, "accessTokenURL", site)?;
        let token_url = if vm.is_function(token_source) {
            let fetched = match api_call(vm, "GET", &path, None, site)? {
                Ok(v) => v,
                Err((status, message)) => {
                    let status = if status == 404 { 404 } else { 502 };
                    return refuse(
                        vm,
                        status,
                        &format!("Cannot read the installation: {message}"),
                        site,
                    );
                }
            };
            let value = from_json(vm, &fetched, site)?;
            installation = Some(fetched);
            url_source(vm, self.config, "accessTokenURL", value, site)?
        } else {
            string(vm, token_source, site)?
        };
        let client_id = prop(vm, self.config, "clientId", site)?;
        let client_id = string(vm, client_id, site)?;
        let client_secret = prop(vm, self.config, "clientSecret", site)?;
        let client_secret = string(vm, client_secret, site)?;
        let params = [
            ("client_id", client_id.as_str()),
            ("client_secret", client_secret.as_str()),
            ("code", code),
            ("redirect_uri", self.redirect_uri),
            ("grant_type", "authorization_code"),
        ];
        let answer = match exchange(vm, &token_url, &params, site)? {
            Ok(answer) => answer,
            Err(message) => {
                return refuse(
                    vm,
                    502,
                    &format!("The code exchange failed: {message}"),
                    site,
                )
            }
        };
        let update = match extract(vm, self.config, &answer, site)? {
            Ok(update) => update,
            Err(message) => {
                let message = format!("Cannot read the provider's credentials: {message}");
                return refuse(vm, 502, &message, site);
            }
        };
        if let Err((status, message)) = self.store(vm, &name, &state, installation, update, site)? {
            return refuse(vm, status, &message, site);
        }
        super::runtime::response(
            vm,
            200,
            vec![("content-type".into(), "text/html".into())],
            b"<p>You can close this window now.</p>\n<script>window.close();</script>\n".to_vec(),
            site,
        )
    }

    /// Writes the credentials where the state says, replacing or merging the
    /// configuration; `Err` with the status and message of a refusal.
    fn store(
        &self,
        vm: &mut Vm<'_>,
        name: &str,
        state: &OAuthState,
        installation: Option<serde_json::Value>,
        mut update: serde_json::Map<String, serde_json::Value>,
        site: Site,
    ) -> R<Result<(), (u16, String)>> {
        let credentials = match update.remove("configuration") {
            Some(serde_json::Value::Object(c)) => c,
            None | Some(serde_json::Value::Null) => serde_json::Map::new(),
            Some(_) => {
                return Ok(Err((
                    502,
                    "The extracted credentials' configuration is not an object".into(),
                )))
            }
        };
        let (child, what) = match (&state.space_id, &state.site_id) {
            (Some(space), _) => (Some(("spaces", space.as_str())), "space installation"),
            (None, Some(site)) => (Some(("sites", site.as_str())), "site installation"),
            (None, None) => (None, "installation"),
        };
        let path = installation_path(name, &state.installation_id, child);
        let mut configuration = serde_json::Map::new();
        if !self.replace {
            let current = match (child, installation) {
                (None, Some(installation)) => installation,
                _ => match api_call(vm, "GET", &path, None, site)? {
                    Ok(v) => v,
                    Err((status, message)) => {
                        let status = if status == 404 { 404 } else { 502 };
                        return Ok(Err((status, format!("Cannot read the {what}: {message}"))));
                    }
                },
            };
            if let Some(serde_json::Value::Object(c)) = current.get("configuration") {
                configuration = c.clone();
            }
        }
        configuration.extend(credentials);
        update.insert(
            "configuration".into(),
            serde_json::Value::Object(configuration),
        );
        let body = serde_json::Value::Object(update);
        match api_call(vm, "PATCH", &path, Some(&body), site)? {
            Ok(_) => Ok(Ok(())),
            Err((status, message)) => {
                let status = if status == 404 { 404 } else { 502 };
                Ok(Err((
                    status,
                    format!("Cannot store the credentials in the {what}: {message}"),
                )))
            }
        }
    }
}

/// The installation update the provider's `answer` gives: `extractCredentials`'s, or
/// the default reading.
fn extract(
    vm: &mut Vm<'_>,
    config: Value,
    answer: &serde_json::Value,
    site: Site,
) -> R<Result<serde_json::Map<String, serde_json::Value>, String>> {
    let f = prop(vm, config, "extractCredentials", site)?;
    if !vm.is_function(f) {
        return Ok(default_extract_credentials(answer, now(vm)));
    }
    let value = from_json(vm, answer, site)?;
    let result = match vm.call(f, Value::Undefined, &[value], site) {
        Ok(r) => settled(vm, r, site)?,
        Err(Fault::Throw(e, _)) => Err(thrown(vm, e, site)?),
        Err(other) => return Err(other),
    };
    let value = match result {
        Ok(v) => v,
        Err(message) => return Ok(Err(message)),
    };
    match to_json(vm, value, site)? {
        serde_json::Value::Object(map) => Ok(Ok(map)),
        _ => Ok(Err("extractCredentials did not return an object".into())),
    }
}

/// `getOAuthToken(credentials, config, context)`.
pub(super) fn get_token(vm: &mut Vm<'_>, args: &[Value], site: Site) -> R<Value> {
    let (credentials, config, context) = (arg(args, 0), arg(args, 1), arg(args, 2));
    let access_token = prop(vm, credentials, "access_token", site)?;
    let expires_at = prop(vm, credentials, "expires_at", site)?;
    if !truthy(vm, expires_at) {
        return vm.promise(PromiseState::Fulfilled(access_token), site);
    }
    // `new Date(expires_at).getTime()`.
    let at = match expires_at {
        Value::Num(n) => n,
        other => {
            let s = string(vm, other, site)?;
            super::date::parse(&s)
        }
    };
    if at - vm.host.now_ms > REFRESH_MARGIN_MS {
        return vm.promise(PromiseState::Fulfilled(access_token), site);
    }
    let refresh_token = prop(vm, credentials, "refresh_token", site)?;
    if !truthy(vm, refresh_token) {
        let when = string(vm, expires_at, site)?;
        return Err(vm.throw(
            error_class::ERROR,
            format!("No refresh token available to refresh the OAuth token, expired at {when}"),
            site,
        ));
    }
    let refresh_token = string(vm, refresh_token, site)?;
    let environment = prop(vm, context, "environment", site)?;
    let installation = prop(vm, environment, "installation", site)?;
    let token_url = url_source(vm, config, "accessTokenURL", installation, site)?;
    let client_id = prop(vm, config, "clientId", site)?;
    let client_id = string(vm, client_id, site)?;
    let client_secret = prop(vm, config, "clientSecret", site)?;
    let client_secret = string(vm, client_secret, site)?;
    let params = [
        ("client_id", client_id.as_str()),
        ("client_secret", client_secret.as_str()),
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token.as_str()),
    ];
    let answer = match exchange(vm, &token_url, &params, site)? {
        Ok(answer) => answer,
        Err(message) => {
            return Err(vm.throw(
                error_class::ERROR,
                format!("Failed to exchange code for access token: {message}"),
                site,
            ))
        }
    };
    let update = match extract(vm, config, &answer, site)? {
        Ok(update) => update,
        Err(message) => return Err(vm.throw(error_class::ERROR, message, site)),
    };
    let new_configuration = match update.get("configuration") {
        Some(serde_json::Value::Object(c)) => c.clone(),
        _ => serde_json::Map::new(),
    };
    let Some(token) = new_configuration
        .get("oauth_credentials")
        .and_then(|c| c.get("access_token"))
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
    else {
        return Err(vm.throw(
            error_class::ERROR,
            "Failed to retrieve access_token from OAuth response",
            site,
        ));
    };
    let current = prop(vm, installation, "configuration", site)?;
    let mut configuration = match to_json(vm, current, site)? {
        serde_json::Value::Object(c) => c,
        _ => serde_json::Map::new(),
    };
    configuration.extend(new_configuration);
    let integration = prop(vm, environment, "integration", site)?;
    let name = prop(vm, integration, "name", site)?;
    let name = string(vm, name, site)?;
    let id = prop(vm, installation, "id", site)?;
    let id = string(vm, id, site)?;
    let body = serde_json::json!({ "configuration": configuration });
    let op = api::http_request(
        vm,
        &Token::Installation,
        "PATCH",
        &installation_path(&name, &id, None),
        Some(body.to_string().into_bytes()),
    );
    let pending = vm.host_op_as(op, OpKind::Api, site)?;
    vm.await_value(pending, site)?;
    let token = vm.str_value(&token, site)?;
    vm.promise(PromiseState::Fulfilled(token), site)
}
