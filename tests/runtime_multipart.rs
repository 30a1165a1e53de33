//! The pure multipart/form-data parser of `runtime::multipart`: what it reads,
//! what it refuses (and how it says so), its limits, and properties over
//! arbitrary input: it never panics, and whatever `FormWriter` writes reads back.

use contentkit::runtime::multipart::{
    self, boundary, incoming_request, parse, FormWriter, Limits, MultipartError,
};
use proptest::collection::vec;
use proptest::prelude::*;

const CT: &str = "multipart/form-data; boundary=XyZ";

fn parse_ok(body: &[u8]) -> Vec<(String, Vec<u8>)> {
    parse(CT, body, &Limits::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|p| (p.name.into_owned(), p.body.to_vec()))
        .collect()
}

fn parse_err(body: &[u8]) -> MultipartError {
    parse(CT, body, &Limits::default()).expect_err("a malformed body")
}

#[test]
fn reads_what_browsers_and_gitbook_send() {
    let body = b"preamble, ignored\r\n--XyZ\r\n\
        content-disposition: form-data; name=\"event\"\r\n\
        Content-Type: application/json\r\n\r\n\
        {\"a\":1}\r\n\
        --XyZ  \t\r\n\
        Content-Disposition: FORM-DATA; filename=\"a\\\"b.txt\"; name=fetch-body\r\n\r\n\
        \x00\xff\r\nline two\r\n\
        --XyZ\r\n\
        Content-Disposition: form-data; name=\"\"\r\n\r\n\
        \r\n--XyZ--\r\nepilogue, ignored";
    let parts = parse(CT, body, &Limits::default()).unwrap();
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[0].name, "event");
    assert_eq!(parts[0].content_type, Some("application/json"));
    assert_eq!(parts[0].body, b"{\"a\":1}");
    assert_eq!(parts[1].name, "fetch-body");
    assert_eq!(parts[1].filename.as_deref(), Some("a\"b.txt"));
    assert_eq!(parts[1].content_type, None);
    assert_eq!(parts[1].body, b"\x00\xff\r\nline two");
    assert_eq!((parts[2].name.as_ref(), parts[2].body), ("", &b""[..]));
}

#[test]
fn the_closing_boundary_may_end_the_body_without_a_line_break() {
    let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--XyZ--";
    assert_eq!(parse_ok(body), [("a".to_owned(), b"x".to_vec())]);
    assert_eq!(parse_ok(b"--XyZ--"), []);
}

#[test]
fn the_first_of_each_runtime_field_counts_and_others_are_ignored() {
    let mut form = FormWriter::new("b").unwrap();
    form.field("event", b"first").unwrap();
    form.field("other", b"ignored").unwrap();
    form.field("event", b"second").unwrap();
    form.field("fetch-body", b"").unwrap();
    let request = incoming_request(
        "/v1",
        &form.content_type(),
        &form.finish(),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(request.path, "/v1");
    assert_eq!(request.event.as_deref(), Some(&b"first"[..]));
    assert_eq!(request.environment, None);
    assert_eq!(request.fetch_body.as_deref(), Some(&b""[..]));
}

#[test]
fn content_types_are_checked_with_clear_errors() {
    assert_eq!(boundary("multipart/form-data;boundary=a"), Ok("a"));
    assert_eq!(
        boundary("application/json").unwrap_err().to_string(),
        r#"expected a multipart/form-data body, got Content-Type "application/json""#
    );
    assert_eq!(
        boundary("multipart/form-data").unwrap_err(),
        MultipartError::MissingBoundary
    );
    let long = format!("multipart/form-data; boundary={}", "a".repeat(71));
    assert!(boundary(&long)
        .unwrap_err()
        .to_string()
        .ends_with("it is longer than 70 characters"));
    for bad in [
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=\"ab",
        "multipart/form-data; boundary=a\u{e9}",
        "multipart/form-data; boundary=\"ab \"",
    ] {
        assert!(
            matches!(boundary(bad), Err(MultipartError::InvalidBoundary { .. })),
            "{bad}"
        );
    }
}

#[test]
fn malformed_bodies_say_what_and_where() {
    let cases: &[(&[u8], &str)] = &[
        (b"", "the body has no boundary line --XyZ"),
        (
            b"--XyZ",
            "the body ends inside part 1 (byte 0) before its closing boundary --XyZ--",
        ),
        (
            b"--XyZ\r\nContent-Disposition: form-data; name=\"event\"\r\n\r\n{}",
            "the body ends inside part 1 (byte 7) before its closing boundary --XyZ--",
        ),
        (
            b"--XyZ\r\nContent-Disposition: form-data; name=\"e\"",
            "the body ends inside part 1 (byte 7) before its closing boundary --XyZ--",
        ),
        (
            b"--XyZabc\r\n",
            "the boundary line at byte 0 goes on with \"abc\\r\\n\" instead of a line break",
        ),
        (
            b"--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--",
            "part 1 (byte 7) has no Content-Disposition header",
        ),
        (
            b"--XyZ\r\n\r\nx\r\n--XyZ--",
            "part 1 (byte 7) has no Content-Disposition header",
        ),
        (
            b"--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--XyZ--",
            "part 1 (byte 7) has a Content-Disposition that is not form-data",
        ),
        (
            b"--XyZ\r\nContent-Disposition: form-data; filename=\"a\"\r\n\r\nx\r\n--XyZ--",
            "part 1 (byte 7) has a Content-Disposition without a name",
        ),
        (
            b"--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--XyZ--",
            "part 1 (byte 7) has a Content-Disposition parameter whose quoted value does not close",
        ),
        (
            b"--XyZ\r\nno colon here\r\n\r\nx\r\n--XyZ--",
            "part 1, byte 7: a header line has no colon: \"no colon here\"",
        ),
        (
            b"--XyZ\r\nBad Name: x\r\n\r\nx\r\n--XyZ--",
            "part 1, byte 7: a header name is not a token: \"Bad Name: x\"",
        ),
        (
            b"--XyZ\r\nA: b\nC: d\r\n\r\nx\r\n--XyZ--",
            "part 1, byte 7: a header line ends with a bare line feed: \"A: b\"",
        ),
        (
            b"--XyZ\r\nA: \xff\r\n\r\nx\r\n--XyZ--",
            "part 1, byte 7: a header line is not UTF-8: \"A: \u{fffd}\"",
        ),
        (
            b"--XyZ\r\nA: b\r\n c\r\n\r\nx\r\n--XyZ--",
            "part 1, byte 13: folded header lines are not supported: \" c\"",
        ),
    ];
    for (body, message) in cases {
        let error = parse_err(body);
        assert_eq!(
            error.to_string(),
            *message,
            "{}",
            String::from_utf8_lossy(body)
        );
        assert_eq!(error.status(), 400);
    }
}

#[test]
fn limits_are_enforced_before_the_work_they_bound() {
    let limits = Limits {
        body: 1000,
        parts: 2,
        header_bytes: 64,
        headers: 2,
    };
    let error = parse(CT, &[b'x'; 1001], &limits).unwrap_err();
    assert_eq!(error.status(), 413);
    assert_eq!(
        error.to_string(),
        "the body is 1001 bytes, over the limit of 1000"
    );

    let mut form = FormWriter::new("XyZ").unwrap();
    for name in ["a", "b", "c"] {
        form.field(name, b"").unwrap();
    }
    let error = parse(CT, &form.finish(), &limits).unwrap_err();
    assert_eq!(error, MultipartError::TooManyParts { limit: 2 });

    let long = format!(
        "--XyZ\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\nx\r\n--XyZ--",
        "n".repeat(64)
    );
    let error = parse(CT, long.as_bytes(), &limits).unwrap_err();
    assert_eq!(
        error.to_string(),
        "part 1 (byte 7) has more than 64 bytes of header lines"
    );
    // A header block that never ends is refused at the limit, not at the body's end.
    let endless = format!("--XyZ\r\nX: {}", "y".repeat(900));
    let error = parse(CT, endless.as_bytes(), &limits).unwrap_err();
    assert!(matches!(error, MultipartError::HeadersTooLarge { .. }));

    let many = b"--XyZ\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\nx\r\n--XyZ--";
    let error = parse(CT, many, &limits).unwrap_err();
    assert_eq!(error.to_string(), "part 1 has more than 2 header lines");
}

#[test]
fn the_writer_refuses_what_would_not_read_back() {
    assert!(FormWriter::new("").is_err());
    assert!(FormWriter::new("a\"b").is_err());
    let mut form = FormWriter::new("XyZ").unwrap();
    assert!(form.field("a\"b", b"").is_err());
    assert!(form.field("a\r\nb", b"").is_err());
    let error = form.field("a", b"one\r\n--XyZ\r\ntwo").unwrap_err();
    assert_eq!(
        error.to_string(),
        "part 1 (byte 0) holds the boundary's delimiter line"
    );
    // Nothing half-written was kept.
    assert_eq!(form.finish(), b"--XyZ--\r\n");
}

fn boundary_strategy() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9'()+_,./:=? -]{0,69}[a-zA-Z0-9'()+_,./:=?-]"
}

fn fields_strategy() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    let bytes = prop_oneof![
        vec(any::<u8>(), 0..200),
        // Line breaks and dashes, to come close to delimiters.
        vec(
            prop_oneof![Just(b'\r'), Just(b'\n'), Just(b'-'), Just(b'a')],
            0..60
        ),
    ];
    vec(("[a-zA-Z0-9_ -]{0,12}", bytes), 0..8)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn whatever_the_writer_writes_reads_back(b in boundary_strategy(), fields in fields_strategy()) {
        let mut form = FormWriter::new(&b).unwrap();
        let mut kept = Vec::new();
        for (name, bytes) in &fields {
            if form.field(name, bytes).is_ok() {
                kept.push((name.clone(), bytes.clone()));
            }
        }
        let body = form.finish();
        let parts = parse(&form.content_type(), &body, &Limits::default()).unwrap();
        let read: Vec<(String, Vec<u8>)> =
            parts.into_iter().map(|p| (p.name.into_owned(), p.body.to_vec())).collect();
        prop_assert_eq!(read, kept);
    }

    #[test]
    fn cut_or_altered_bodies_are_errors_or_parts_never_panics(
        fields in fields_strategy(),
        cut in any::<prop::sample::Index>(),
        flip in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let mut form = FormWriter::new("XyZ").unwrap();
        for (name, bytes) in &fields {
            let _ = form.field(name, bytes);
        }
        let body = form.finish();
        // Cut anywhere before the closing boundary's end: an error, never parts.
        let at = cut.index(body.len());
        if at + 2 < body.len() {
            prop_assert!(parse(CT, &body[..at], &Limits::default()).is_err());
        }
        let mut altered = body.clone();
        let i = flip.index(altered.len());
        altered[i] = byte;
        let _ = parse(CT, &altered, &Limits::default());
        altered.insert(i, byte);
        let _ = parse(CT, &altered, &Limits::default());
    }

    #[test]
    fn arbitrary_bytes_never_panic(
        body in vec(any::<u8>(), 0..400),
        content_type in prop_oneof![Just(CT.to_owned()), "\\PC{0,60}"],
        limits in (0usize..500, 0usize..4, 0usize..64, 0usize..4),
    ) {
        let limits = Limits { body: limits.0, parts: limits.1, header_bytes: limits.2, headers: limits.3 };
        if let Err(error) = parse(&content_type, &body, &limits) {
            prop_assert!(!error.to_string().is_empty());
            prop_assert!(matches!(error.status(), 400 | 413));
        }
        let _ = multipart::incoming_request("/v1", &content_type, &body, &Limits::default());
    }

    #[test]
    fn arbitrary_text_around_boundaries_never_panics(
        pieces in vec(prop_oneof![
            Just("--XyZ".to_owned()), Just("--XyZ--".to_owned()), Just("\r\n".to_owned()),
            Just("Content-Disposition: form-data; name=\"e\"".to_owned()),
            Just("; filename=\"x\\\"".to_owned()), Just(":".to_owned()), "\\PC{0,8}",
        ], 0..24),
    ) {
        let body = pieces.concat();
        let _ = parse(CT, body.as_bytes(), &Limits::default());
    }
}
