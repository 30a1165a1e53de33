//! `multipart/form-data` (RFC 7578) read from a body already in memory, and
//! written back.
//!
//! GitBook calls an integration with `POST /v1` and a multipart body whose
//! parts `event`, `environment` and `fetch-body` become an
//! [`IncomingRequest`]. This module does that split without I/O, for hosts
//! that hand over a whole body (the WebAssembly worker); the axum server keeps
//! its own streaming parser.
//!
//! Everything is bounded by [`Limits`]: the body's size, the number of parts,
//! and the size and count of each part's header lines. Parts borrow from the
//! body; the only allocations are the list of parts (at most
//! [`Limits::parts`]) and an unescaped name when a quoted one holds a
//! backslash. The delimiter search is linear in the body (two-way string
//! matching), so time is proportional to the body, whatever it holds.
//!
//! Every malformed body is a [`MultipartError`] that says what is wrong and
//! where (the part, counted from 1, and the byte offset), with
//! [`MultipartError::status`] for the HTTP answer: 413 over the size limit,
//! 400 otherwise.
//!
//! ```
//! use contentkit::runtime::multipart::{self, FormWriter, Limits};
//!
//! let mut form = FormWriter::new("XyZ")?;
//! form.field("event", br#"{"type":"space_view"}"#)?;
//! form.field("environment", b"{}")?;
//! let body = form.finish();
//!
//! let request = multipart::incoming_request("/v1", &form.content_type(), &body, &Limits::default())?;
//! assert_eq!(request.event.as_deref(), Some(&br#"{"type":"space_view"}"#[..]));
//! assert_eq!(request.fetch_body, None);
//!
//! let cut = &body[..body.len() - 8];
//! let error = multipart::incoming_request("/v1", &form.content_type(), cut, &Limits::default()).unwrap_err();
//! assert_eq!(error.status(), 400);
//! assert_eq!(error.to_string(), "the body ends inside part 2 (byte 85) before its closing boundary --XyZ--");
//! # Ok::<(), multipart::MultipartError>(())
//! ```

use std::borrow::Cow;

use memchr::memmem;
use thiserror::Error;

use super::dispatch::IncomingRequest;

/// The longest boundary RFC 2046 allows.
pub const MAX_BOUNDARY_LEN: usize = 70;

/// How much one multipart body may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest body, in bytes; a larger one is [`MultipartError::TooLarge`].
    pub body: usize,
    /// The most parts.
    pub parts: usize,
    /// The most bytes of header lines in one part.
    pub header_bytes: usize,
    /// The most header lines in one part.
    pub headers: usize,
}

impl Default for Limits {
    /// 2 MiB (the native server's default body limit), 64 parts, 8 KiB and 16
    /// header lines per part: GitBook sends three parts with one or two header
    /// lines each.
    fn default() -> Self {
        Limits {
            body: 2 * 1024 * 1024,
            parts: 64,
            header_bytes: 8 * 1024,
            headers: 16,
        }
    }
}

/// What is wrong with a multipart request. Parts are counted from 1; offsets
/// are bytes into the body.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum MultipartError {
    /// The `Content-Type` is not `multipart/form-data`.
    #[error("expected a multipart/form-data body, got Content-Type {0:?}")]
    NotMultipart(String),
    /// The `Content-Type` has no `boundary` parameter.
    #[error("the multipart/form-data Content-Type has no boundary parameter")]
    MissingBoundary,
    /// The `boundary` parameter breaks RFC 2046's rules.
    #[error("invalid multipart boundary {boundary:?}: {reason}")]
    InvalidBoundary {
        /// The boundary as sent (cut to 80 characters).
        boundary: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// The body is over [`Limits::body`].
    #[error("the body is {size} bytes, over the limit of {limit}")]
    TooLarge {
        /// The body's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// No line of the body is the first boundary.
    #[error("the body has no boundary line --{boundary}")]
    NoBoundaryLine {
        /// The boundary.
        boundary: String,
    },
    /// A boundary line goes on with something other than a line break.
    #[error("the boundary line at byte {offset} goes on with {found:?} instead of a line break")]
    BadBoundaryLine {
        /// Where the boundary line starts.
        offset: usize,
        /// What follows the boundary (cut to 20 characters).
        found: String,
    },
    /// The body stops before the closing boundary.
    #[error("the body ends inside part {part} (byte {offset}) before its closing boundary --{boundary}--")]
    Truncated {
        /// The part that is cut.
        part: usize,
        /// Where that part starts.
        offset: usize,
        /// The boundary.
        boundary: String,
    },
    /// More parts than [`Limits::parts`].
    #[error("the body has more than {limit} parts")]
    TooManyParts {
        /// The limit.
        limit: usize,
    },
    /// A part's header lines are over [`Limits::header_bytes`].
    #[error("part {part} (byte {offset}) has more than {limit} bytes of header lines")]
    HeadersTooLarge {
        /// The part.
        part: usize,
        /// Where its headers start.
        offset: usize,
        /// The limit.
        limit: usize,
    },
    /// A part has more header lines than [`Limits::headers`].
    #[error("part {part} has more than {limit} header lines")]
    TooManyHeaders {
        /// The part.
        part: usize,
        /// The limit.
        limit: usize,
    },
    /// A header line of a part is not `Name: value`.
    #[error("part {part}, byte {offset}: {reason}: {line:?}")]
    BadHeader {
        /// The part.
        part: usize,
        /// Where the line starts.
        offset: usize,
        /// The line (cut to 80 characters).
        line: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A part has no `Content-Disposition: form-data; name="…"`.
    #[error("part {part} (byte {offset}) {reason}")]
    BadDisposition {
        /// The part.
        part: usize,
        /// Where its headers start.
        offset: usize,
        /// What is missing or wrong.
        reason: &'static str,
    },
}

impl MultipartError {
    /// The HTTP status to answer: 413 for a body over the limit, 400 otherwise.
    pub fn status(&self) -> u16 {
        match self {
            MultipartError::TooLarge { .. } => 413,
            _ => 400,
        }
    }
}

/// One part of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part<'a> {
    /// The `name` of its `Content-Disposition`.
    pub name: Cow<'a, str>,
    /// The `filename` of its `Content-Disposition`, when sent.
    pub filename: Option<Cow<'a, str>>,
    /// Its `Content-Type` header, when sent.
    pub content_type: Option<&'a str>,
    /// Its bytes, exactly as sent.
    pub body: &'a [u8],
}

/// The `boundary` parameter of a `multipart/form-data` content type.
///
/// ```
/// use contentkit::runtime::multipart::{boundary, MultipartError};
///
/// assert_eq!(boundary("multipart/form-data; boundary=XyZ"), Ok("XyZ"));
/// assert_eq!(boundary("Multipart/Form-Data; charset=utf-8; BOUNDARY=\"a b\""), Ok("a b"));
/// assert!(matches!(boundary("application/json"), Err(MultipartError::NotMultipart(_))));
/// ```
pub fn boundary(content_type: &str) -> Result<&str, MultipartError> {
    let mut pieces = content_type.split(';');
    let essence = pieces.next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case("multipart/form-data") {
        return Err(MultipartError::NotMultipart(cut(content_type, 80)));
    }
    let value = pieces
        .filter_map(|p| p.split_once('='))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, value)| value.trim())
        .ok_or(MultipartError::MissingBoundary)?;
    let value = match value.strip_prefix('"') {
        Some(rest) => rest
            .strip_suffix('"')
            .ok_or(MultipartError::InvalidBoundary {
                boundary: cut(value, 80),
                reason: "the quoted value has no closing quote",
            })?,
        None => value,
    };
    check_boundary(value)?;
    Ok(value)
}

/// RFC 2046: 1 to 70 characters of `bchars`, not ending with a space.
fn check_boundary(boundary: &str) -> Result<(), MultipartError> {
    let invalid = |reason| MultipartError::InvalidBoundary {
        boundary: cut(boundary, 80),
        reason,
    };
    if boundary.is_empty() {
        return Err(invalid("it is empty"));
    }
    if boundary.len() > MAX_BOUNDARY_LEN {
        return Err(invalid("it is longer than 70 characters"));
    }
    if !boundary.bytes().all(is_bchar) {
        return Err(invalid(
            "it may hold only letters, digits, spaces and '()+_,-./:=?",
        ));
    }
    if boundary.ends_with(' ') {
        return Err(invalid("it ends with a space"));
    }
    Ok(())
}

fn is_bchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"'()+_,-./:=? ".contains(&b)
}

/// Every part of a `multipart/form-data` body, in order. `content_type` is the
/// request's `Content-Type` header, which carries the boundary.
///
/// The preamble before the first boundary and the epilogue after the closing
/// one are ignored, as RFC 2046 says.
pub fn parse<'a>(
    content_type: &str,
    body: &'a [u8],
    limits: &Limits,
) -> Result<Vec<Part<'a>>, MultipartError> {
    if body.len() > limits.body {
        return Err(MultipartError::TooLarge {
            size: body.len(),
            limit: limits.body,
        });
    }
    let boundary = boundary(content_type)?;
    Parser::new(body, boundary, limits).parts()
}

/// The runtime fields of a multipart body: the first part named `event`,
/// `environment` and `fetch-body` each (as `FormData.get` takes the first);
/// other parts are ignored.
pub fn incoming_request(
    path: &str,
    content_type: &str,
    body: &[u8],
    limits: &Limits,
) -> Result<IncomingRequest, MultipartError> {
    let mut request = IncomingRequest {
        path: path.to_owned(),
        ..IncomingRequest::default()
    };
    for part in parse(content_type, body, limits)? {
        let slot = match part.name.as_ref() {
            "event" => &mut request.event,
            "environment" => &mut request.environment,
            "fetch-body" => &mut request.fetch_body,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(part.body.to_vec());
        }
    }
    Ok(request)
}

struct Parser<'a, 'l> {
    body: &'a [u8],
    boundary: &'l str,
    /// `\r\n--boundary`: what ends a part's body.
    delimiter: memmem::Finder<'static>,
    limits: &'l Limits,
}

impl<'a, 'l> Parser<'a, 'l> {
    fn new(body: &'a [u8], boundary: &'l str, limits: &'l Limits) -> Self {
        let delimiter = format!("\r\n--{boundary}").into_bytes();
        Parser {
            body,
            boundary,
            delimiter: memmem::Finder::new(&delimiter).into_owned(),
            limits,
        }
    }

    fn parts(&self) -> Result<Vec<Part<'a>>, MultipartError> {
        let body = self.body;
        let dash_boundary_len = self.delimiter.needle().len() - 2;
        // The first boundary line opens the body or follows the preamble's last line break.
        let mut at = if body.starts_with(&self.delimiter.needle()[2..]) {
            dash_boundary_len
        } else {
            match self.delimiter.find(body) {
                Some(found) => found + self.delimiter.needle().len(),
                None => {
                    return Err(MultipartError::NoBoundaryLine {
                        boundary: self.boundary.to_owned(),
                    })
                }
            }
        };
        let mut parts = Vec::new();
        loop {
            let line_start = at - dash_boundary_len;
            if body[at..].starts_with(b"--") {
                return Ok(parts); // the closing boundary; the epilogue is ignored
            }
            let number = parts.len() + 1;
            // Transport padding (RFC 2046), then the line break.
            while at < body.len() && (body[at] == b' ' || body[at] == b'\t') {
                at += 1;
            }
            if at == body.len() {
                return Err(self.truncated(number, line_start));
            }
            if !body[at..].starts_with(b"\r\n") {
                return Err(MultipartError::BadBoundaryLine {
                    offset: line_start,
                    found: cut(&String::from_utf8_lossy(&body[at..]), 20),
                });
            }
            if parts.len() == self.limits.parts {
                return Err(MultipartError::TooManyParts {
                    limit: self.limits.parts,
                });
            }
            let (part, end) = self.part(number, at + 2)?;
            parts.push(part);
            at = end;
        }
    }

    /// The part whose headers start at `start`, and where its closing
    /// delimiter ends.
    fn part(&self, number: usize, start: usize) -> Result<(Part<'a>, usize), MultipartError> {
        let body = self.body;
        let rest = &body[start..];
        let headers_len = if rest.starts_with(b"\r\n") {
            0 // no header lines
        } else {
            // Look no further than the limit allows, so a long line costs no more.
            let window = &rest[..rest.len().min(self.limits.header_bytes + 4)];
            match memmem::find(window, b"\r\n\r\n") {
                Some(end) => end + 2,
                None if window.len() < rest.len() => {
                    return Err(MultipartError::HeadersTooLarge {
                        part: number,
                        offset: start,
                        limit: self.limits.header_bytes,
                    })
                }
                None => return Err(self.truncated(number, start)),
            }
        };
        if headers_len > self.limits.header_bytes {
            return Err(MultipartError::HeadersTooLarge {
                part: number,
                offset: start,
                limit: self.limits.header_bytes,
            });
        }
        let headers = self.headers(number, start, &rest[..headers_len])?;
        let content_start = start + headers_len + 2;
        let Some(length) = self.delimiter.find(&body[content_start..]) else {
            return Err(self.truncated(number, start));
        };
        let disposition = headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("content-disposition"))
            .map(|(_, value)| *value)
            .ok_or(MultipartError::BadDisposition {
                part: number,
                offset: start,
                reason: "has no Content-Disposition header",
            })?;
        let (name, filename) =
            disposition_names(disposition).map_err(|reason| MultipartError::BadDisposition {
                part: number,
                offset: start,
                reason,
            })?;
        let content_type = headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
            .map(|(_, value)| *value);
        let part = Part {
            name,
            filename,
            content_type,
            body: &body[content_start..content_start + length],
        };
        Ok((part, content_start + length + self.delimiter.needle().len()))
    }

    /// The `Name: value` lines of a header block (each ending with CRLF).
    fn headers(
        &self,
        number: usize,
        start: usize,
        block: &'a [u8],
    ) -> Result<Vec<(&'a str, &'a str)>, MultipartError> {
        let mut headers = Vec::new();
        let mut offset = start;
        for line in block.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            let line_offset = offset;
            offset += line.len() + 1;
            let (line, crlf) = match line.strip_suffix(b"\r") {
                Some(line) => (line, true),
                None => (line, false),
            };
            let bad = |reason| MultipartError::BadHeader {
                part: number,
                offset: line_offset,
                line: cut(&String::from_utf8_lossy(line), 80),
                reason,
            };
            if !crlf {
                return Err(bad("a header line ends with a bare line feed"));
            }
            if headers.len() == self.limits.headers {
                return Err(MultipartError::TooManyHeaders {
                    part: number,
                    limit: self.limits.headers,
                });
            }
            let text = std::str::from_utf8(line).map_err(|_| bad("a header line is not UTF-8"))?;
            if text.starts_with([' ', '\t']) {
                return Err(bad("folded header lines are not supported"));
            }
            let (name, value) = text
                .split_once(':')
                .ok_or_else(|| bad("a header line has no colon"))?;
            if name.is_empty() || !name.bytes().all(is_token_byte) {
                return Err(bad("a header name is not a token"));
            }
            if value.bytes().any(|b| b != b'\t' && (b < 0x20 || b == 0x7f)) {
                return Err(bad("a header value holds a control character"));
            }
            headers.push((name, value.trim_matches([' ', '\t'])));
        }
        Ok(headers)
    }

    fn truncated(&self, part: usize, offset: usize) -> MultipartError {
        MultipartError::Truncated {
            part,
            offset,
            boundary: self.boundary.to_owned(),
        }
    }
}

/// The `name` and `filename` of `form-data; name="…"; filename="…"`.
fn disposition_names(value: &str) -> Result<(Cow<'_, str>, Option<Cow<'_, str>>), &'static str> {
    let (kind, mut rest) = value.split_once(';').unwrap_or((value, ""));
    if !kind.trim().eq_ignore_ascii_case("form-data") {
        return Err("has a Content-Disposition that is not form-data");
    }
    let mut name = None;
    let mut filename = None;
    loop {
        rest = rest.trim_start_matches([' ', '\t', ';']);
        if rest.is_empty() {
            break;
        }
        let (key, after) = rest
            .split_once('=')
            .ok_or("has a Content-Disposition parameter without a value")?;
        let (parameter, after) = parameter_value(after.trim_start())
            .ok_or("has a Content-Disposition parameter whose quoted value does not close")?;
        match key.trim().to_ascii_lowercase().as_str() {
            "name" if name.is_none() => name = Some(parameter),
            "filename" if filename.is_none() => filename = Some(parameter),
            _ => {}
        }
        rest = after;
    }
    let name = name.ok_or("has a Content-Disposition without a name")?;
    Ok((name, filename))
}

/// A token or a quoted string (with `\` escaping the next character), and
/// what follows it.
fn parameter_value(text: &str) -> Option<(Cow<'_, str>, &str)> {
    let Some(quoted) = text.strip_prefix('"') else {
        let end = text.find(';').unwrap_or(text.len());
        return Some((Cow::Borrowed(text[..end].trim_end()), &text[end..]));
    };
    let mut escaped = false;
    for (i, c) in quoted.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => {
                let raw = &quoted[..i];
                let value = if raw.contains('\\') {
                    Cow::Owned(unescape(raw))
                } else {
                    Cow::Borrowed(raw)
                };
                return Some((value, &quoted[i + 1..]));
            }
            _ => {}
        }
    }
    None
}

fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

/// RFC 9110 `tchar`.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// `text` cut to `max` characters, with `…` when cut.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

/// Writes a `multipart/form-data` body, the way GitBook (and `FormData`)
/// sends one: `Content-Disposition: form-data; name="…"` on each part, CRLF
/// line breaks, and the closing boundary last.
///
/// ```
/// use contentkit::runtime::multipart::FormWriter;
///
/// let mut form = FormWriter::new("b0")?;
/// form.field("event", b"{}")?;
/// assert_eq!(form.content_type(), "multipart/form-data; boundary=b0");
/// assert_eq!(
///     form.finish(),
///     b"--b0\r\nContent-Disposition: form-data; name=\"event\"\r\n\r\n{}\r\n--b0--\r\n"
/// );
/// # Ok::<(), contentkit::runtime::multipart::MultipartError>(())
/// ```
#[derive(Debug, Clone)]
pub struct FormWriter {
    boundary: String,
    body: Vec<u8>,
    parts: usize,
}

impl FormWriter {
    /// A form with this boundary (checked against RFC 2046).
    pub fn new(boundary: &str) -> Result<Self, MultipartError> {
        check_boundary(boundary)?;
        Ok(FormWriter {
            boundary: boundary.to_owned(),
            body: Vec::new(),
            parts: 0,
        })
    }

    /// The `Content-Type` header that goes with the body.
    pub fn content_type(&self) -> String {
        // A boundary with characters outside a token (a space, `:`, `?`, …) is quoted.
        if self.boundary.bytes().all(is_token_byte) {
            format!("multipart/form-data; boundary={}", self.boundary)
        } else {
            format!("multipart/form-data; boundary=\"{}\"", self.boundary)
        }
    }

    /// Adds a part. The name may not hold `"`, `\` or line breaks, and the
    /// bytes may not hold the boundary's delimiter line (they would end the
    /// part early): both are errors rather than a body that reads back
    /// differently.
    pub fn field(&mut self, name: &str, bytes: &[u8]) -> Result<&mut Self, MultipartError> {
        let bad = |reason| MultipartError::BadDisposition {
            part: self.parts + 1,
            offset: self.body.len(),
            reason,
        };
        if name.contains(['"', '\\', '\r', '\n']) {
            return Err(bad("has a name with a quote, a backslash or a line break"));
        }
        // No match can straddle the bytes and the delimiter written after them:
        // that would need a line break inside the boundary.
        let delimiter = format!("\r\n--{}", self.boundary);
        if memmem::find(bytes, delimiter.as_bytes()).is_some() {
            return Err(bad("holds the boundary's delimiter line"));
        }
        self.body.extend_from_slice(b"--");
        self.body.extend_from_slice(self.boundary.as_bytes());
        self.body
            .extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"");
        self.body.extend_from_slice(name.as_bytes());
        self.body.extend_from_slice(b"\"\r\n\r\n");
        self.body.extend_from_slice(bytes);
        self.body.extend_from_slice(b"\r\n");
        self.parts += 1;
        Ok(self)
    }

    /// The body, closed by the final boundary.
    pub fn finish(&self) -> Vec<u8> {
        let mut body = self.body.clone();
        body.extend_from_slice(b"--");
        body.extend_from_slice(self.boundary.as_bytes());
        body.extend_from_slice(b"--\r\n");
        body
    }
}
