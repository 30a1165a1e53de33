//! Dynamic bindings (`{"$state": key}`) and the values that may hold one.

use indexmap::IndexMap;
use serde::Serialize;

use super::decode::{Decode, Decoder};
use super::json::{Json, View};

record! {
    /// A live binding to a key of the client's local state: `{"$state": "key"}`.
    ///
    /// ```
    /// use contentkit::element::DynamicBinding;
    /// let b = DynamicBinding::new("code");
    /// assert_eq!(serde_json::to_string(&b).unwrap(), r#"{"$state":"code"}"#);
    /// ```
    pub struct DynamicBinding as "dynamic binding" {
        /// The state key.
        req state: String = "$state",
    }
}

impl DynamicBinding {
    /// A binding to `key`.
    pub fn new(key: impl Into<String>) -> Self {
        DynamicBinding { state: key.into() }
    }
}

/// A string, or a binding that the client resolves to one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum StringOrBinding {
    /// A fixed string.
    String(String),
    /// A live binding.
    Binding(DynamicBinding),
}

impl From<&str> for StringOrBinding {
    fn from(s: &str) -> Self {
        StringOrBinding::String(s.to_owned())
    }
}

impl From<String> for StringOrBinding {
    fn from(s: String) -> Self {
        StringOrBinding::String(s)
    }
}

impl From<DynamicBinding> for StringOrBinding {
    fn from(b: DynamicBinding) -> Self {
        StringOrBinding::Binding(b)
    }
}

impl Decode for StringOrBinding {
    fn decode<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Self> {
        match v.view() {
            View::String(s) => Some(StringOrBinding::String(s.into_owned())),
            View::Object(_) => DynamicBinding::decode(v, d).map(StringOrBinding::Binding),
            _ => {
                d.wrong_type("string or {\"$state\": key}", v);
                None
            }
        }
    }
}

/// An ordered map from names to values (a webframe's `data`, a URL's `query`).
pub type StringMap<T> = IndexMap<String, T>;

impl<T: Decode> Decode for StringMap<T> {
    fn decode<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Self> {
        let obj = d.object(v)?;
        let mut out = IndexMap::with_capacity(if d.retains() { obj.len() } else { 0 });
        let mut ok = true;
        for (k, item) in obj.fields() {
            match d.at_key(&k, |d| T::decode(item, d)) {
                Some(x) if d.retains() => {
                    out.insert(k.into_owned(), x);
                }
                Some(_) => {}
                None => ok = false,
            }
        }
        ok.then_some(out)
    }
}

record! {
    /// A URL given by parts, whose query values may be live bindings.
    pub struct ContentKitUrl as "url" {
        /// The host name.
        req host: String = "host",
        /// The path.
        req pathname: String = "pathname",
        /// Query parameters.
        opt query: StringMap<StringOrBinding> = "query",
    }
}

impl ContentKitUrl {
    /// A URL with no query.
    pub fn new(host: impl Into<String>, pathname: impl Into<String>) -> Self {
        ContentKitUrl {
            host: host.into(),
            pathname: pathname.into(),
            query: None,
        }
    }
}

/// A URL written as a string or by parts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum UrlOrString {
    /// A URL string.
    String(String),
    /// A URL by parts.
    Url(ContentKitUrl),
}

impl From<&str> for UrlOrString {
    fn from(s: &str) -> Self {
        UrlOrString::String(s.to_owned())
    }
}

impl From<String> for UrlOrString {
    fn from(s: String) -> Self {
        UrlOrString::String(s)
    }
}

impl Decode for UrlOrString {
    fn decode<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Self> {
        match v.view() {
            View::String(s) => Some(UrlOrString::String(s.into_owned())),
            View::Object(_) => ContentKitUrl::decode(v, d).map(UrlOrString::Url),
            _ => {
                d.wrong_type("URL string or {host, pathname}", v);
                None
            }
        }
    }
}
