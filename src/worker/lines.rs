//! Header lines, the ABI's text form of headers: one `name:value` line per
//! header, each ended by `\n`, in order, repeated names kept.
//!
//! Text and not JSON because the script writes and reads it on every
//! request: a string built in a loop, and a split, cost a worker less than
//! `JSON.stringify` of header pairs, `JSON.parse`, and the array form of a
//! `Response`'s headers. The Fetch standard guarantees the form holds any
//! request: a header name is a token (no `:`), and no value holds a line
//! break.
//!
//! ```
//! use contentkit::worker::lines::{parse, write};
//!
//! let headers = vec![("content-type".to_owned(), "a/b; x=\"1:2\"".to_owned())];
//! let mut text = Vec::new();
//! write(&mut text, &headers)?;
//! assert_eq!(text, b"content-type:a/b; x=\"1:2\"\n");
//! assert_eq!(parse(std::str::from_utf8(&text).unwrap())?, headers);
//! # Ok::<(), String>(())
//! ```

/// Appends `headers` to `out` as lines; refuses a name that holds `:` or a
/// line break, or a value that holds a line break, which would change the
/// lines' meaning.
pub fn write(out: &mut Vec<u8>, headers: &[(String, String)]) -> Result<(), String> {
    for (name, value) in headers {
        check_line(name, "header name")?;
        check_line(value, "header value")?;
        if name.is_empty() || name.contains(':') {
            return Err(format!("the header name {name:?} cannot be sent"));
        }
        out.extend_from_slice(name.as_bytes());
        out.push(b':');
        out.extend_from_slice(value.as_bytes());
        out.push(b'\n');
    }
    Ok(())
}

/// The headers of `text`, lines as [`write`] writes them.
pub fn parse(text: &str) -> Result<Vec<(String, String)>, String> {
    if !(text.is_empty() || text.ends_with('\n')) {
        return Err("the header lines do not end with a line break".into());
    }
    text.split_terminator('\n')
        .map(|line| match line.split_once(':') {
            Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), value.to_owned())),
            _ => Err(format!("{line:?} is not a `name:value` header line")),
        })
        .collect()
}

/// Refuses a line break in `text`, which is sent as one line.
pub(crate) fn check_line(text: &str, what: &str) -> Result<(), String> {
    if text.contains(['\n', '\r']) {
        return Err(format!("the {what} {text:?} holds a line break"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{parse, write};
    use crate::runtime::OutgoingResponse;
    use crate::worker::abi::{decode_response, encode_response};
    use crate::worker::RequestHead;

    fn pair(name: &str, value: &str) -> Vec<(String, String)> {
        vec![(name.to_owned(), value.to_owned())]
    }

    #[test]
    fn what_the_lines_cannot_hold_is_refused() {
        for (name, value) in [
            ("a\nb", "v"),
            ("a:b", "v"),
            ("", "v"),
            ("a", "v\nx: y"),
            ("a", "v\r"),
        ] {
            assert!(
                write(&mut Vec::new(), &pair(name, value)).is_err(),
                "{name:?}: {value:?}"
            );
        }
        assert!(RequestHead::new("POST\nx", "/v1").encode().is_err());
        assert!(RequestHead::new("POST", "/v1\n").encode().is_err());
    }

    #[test]
    fn a_malformed_text_is_an_error_not_a_guess() {
        assert!(parse("a:b").is_err(), "no final line break");
        assert!(parse("ab\n").is_err(), "no colon");
        assert!(parse(":b\n").is_err(), "no name");
        assert!(RequestHead::decode(b"POST\n").is_err());
        assert!(RequestHead::decode(b"POST\n/v1\n\xff:x\n").is_err());
        assert_eq!(parse("").unwrap(), vec![]);
        assert_eq!(parse("a::\n").unwrap(), pair("a", ":"));
    }

    #[test]
    fn a_response_header_the_lines_cannot_hold_is_a_500() {
        let response = OutgoingResponse {
            status: 200,
            headers: pair("X-Bad", "a\nSet-Cookie: b"),
            body: b"{}".to_vec(),
        };
        let sent = decode_response(&encode_response(&response)).unwrap();
        assert_eq!(sent, OutgoingResponse::error(500, "Internal server error"));
    }
}
