//! Bad and hostile records: each gives an error naming the file, line and field; none panics.

use std::path::Path;

use storyline_model::Record;
use storyline_model::record::Problem;

fn parse_bad(name: &str) -> storyline_model::RecordError {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/bad")
        .join(name);
    let bytes = std::fs::read(&path).unwrap();
    let origin = format!("bad/{name}");
    match Record::parse_bytes(&bytes, &origin) {
        Ok(_) => panic!("{name} parsed"),
        Err(e) => {
            assert_eq!(e.origin, origin);
            assert!(e.to_string().starts_with(&origin), "{e}");
            e
        }
    }
}

#[test]
fn each_bad_record_names_its_line_and_field() {
    // (file, line, field)
    let cases: &[(&str, Option<usize>, Option<&str>)] = &[
        ("empty.txt", None, None),
        ("no-opening.txt", Some(1), None),
        ("missing-closing.txt", Some(1), None),
        ("bad-date.txt", Some(3), Some("publishedDateTime")),
        ("quality-out-of-range.txt", Some(3), Some("quality")),
        ("quality-quoted.txt", Some(3), Some("quality")),
        ("heat-not-a-number.txt", Some(3), Some("heat")),
        ("provider-not-a-group.txt", Some(4), Some("provider")),
        ("tab-indent.txt", Some(4), None),
        ("missing-title.txt", Some(1), Some("title")),
        (
            "related-quality-out-of-range.txt",
            Some(7),
            Some("related[0].quality"),
        ),
    ];
    for &(name, line, field) in cases {
        let err = parse_bad(name);
        assert_eq!(err.line, line, "{name}: {err}");
        assert_eq!(err.field.as_deref(), field, "{name}: {err}");
    }
}

#[test]
fn bad_date_message_quotes_the_value() {
    let err = parse_bad("bad-date.txt");
    assert_eq!(
        err.to_string(),
        r#"bad/bad-date.txt:3: publishedDateTime: invalid RFC 3339 date "2024-13-01T10:00:00Z""#
    );
}

#[test]
fn problems_say_what_kind_of_mistake() {
    assert!(matches!(parse_bad("empty.txt").problem, Problem::Empty));
    assert!(matches!(
        parse_bad("missing-closing.txt").problem,
        Problem::MissingClosing
    ));
    assert!(matches!(
        parse_bad("tab-indent.txt").problem,
        Problem::TabIndent
    ));
    assert!(matches!(
        parse_bad("quality-out-of-range.txt").problem,
        Problem::OutOfRange { value: 250, .. }
    ));
    assert!(matches!(
        parse_bad("provider-not-a-group.txt").problem,
        Problem::WrongType { .. }
    ));
    assert!(matches!(
        parse_bad("missing-title.txt").problem,
        Problem::MissingField
    ));
}

/// A small deterministic generator, so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn binary_garbage_is_an_error_not_a_panic() {
    let mut rng = Lcg(7);
    for round in 0..500 {
        let len = (rng.next() % 4096) as usize;
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        if round % 2 == 0 {
            // Wrap some of it as a record so the parser goes deeper.
            let mut framed = b"---\n".to_vec();
            framed.append(&mut bytes);
            framed.extend_from_slice(b"\n---\n");
            bytes = framed;
        }
        let result = Record::parse_bytes(&bytes, "garbage");
        if let Err(e) = &result {
            assert!(e.to_string().starts_with("garbage"));
        }
    }
}

#[test]
fn invalid_utf8_names_its_offset() {
    let err = Record::parse_bytes(b"---\ntitle: \"a\xffb\"\n---\n", "x.txt").unwrap_err();
    assert!(matches!(err.problem, Problem::NotUtf8 { offset: 13 }));
    assert_eq!(err.line, Some(2));
}

#[test]
fn structured_noise_never_panics() {
    // Fragments of the syntax in random order: indentation, dashes, quotes, colons, escapes.
    let pieces = [
        "---",
        "\n",
        "  ",
        "- ",
        "key: ",
        "\"",
        "'",
        "\\",
        "\\x4",
        "[",
        "]",
        "{",
        "}",
        ": ",
        "#",
        "title",
        "related:",
        "\t",
        "é",
        "\u{2028}",
        "-1",
        "100000000000000000000",
        "|",
        "&a",
        "*a",
        "?",
        ",",
    ];
    let mut rng = Lcg(11);
    for _ in 0..3000 {
        let mut text = String::from("---\n");
        for _ in 0..(rng.next() % 60) {
            text.push_str(pieces[(rng.next() as usize) % pieces.len()]);
        }
        text.push_str("\n---\n");
        if let Ok(record) = Record::parse(&text, "noise") {
            // What parses must write back unchanged and read again.
            assert_eq!(record.to_text(), text);
            let _ = record.to_article(None);
        }
    }
}

#[test]
fn deep_nesting_is_refused() {
    let mut deep = String::from("---\n");
    for depth in 0..500 {
        deep.push_str(&" ".repeat(depth));
        deep.push_str("k:\n");
    }
    deep.push_str("---\n");
    let err = Record::parse(&deep, "deep").unwrap_err();
    assert!(matches!(err.problem, Problem::TooDeep(_)));
}

/// Parses `text` and reads it as an article.
fn read_article(
    text: &str,
    origin: &str,
) -> Result<storyline_model::Article, storyline_model::RecordError> {
    Record::parse(text, origin)?.to_article(None)
}

/// A record whose front matter is `title` plus the given lines.
fn record_with(title: &str, lines: &str) -> String {
    format!("---\ntitle: \"{title}\"\nwebUrl: https://example.org/a\n{lines}---\n\nBody.\n")
}

#[test]
fn oversized_records_are_refused_with_file_line_and_field() {
    // A five-megabyte title: refused while parsing, at its line.
    let text = record_with(&"x".repeat(5 << 20), "");
    let err = Record::parse(&text, "big.txt").unwrap_err();
    assert!(matches!(err.problem, Problem::TooLong { .. }), "{err}");
    assert!(
        err.to_string().starts_with("big.txt:2: title: longer than"),
        "{err}"
    );

    // A long but parseable title: refused as an article.
    let text = record_with(&"word ".repeat(400), "");
    let err = read_article(&text, "long.txt").unwrap_err();
    assert_eq!(
        err.to_string(),
        "long.txt:2: title: longer than 1000 characters (2000)"
    );

    // 100,000 topics: refused while parsing; 101 topics: refused as an article.
    let topics = |n: usize| -> String {
        std::iter::once("topics:\n".to_string())
            .chain((0..n).map(|i| format!("  - topic {i}\n")))
            .collect()
    };
    let err = Record::parse(&record_with("T", &topics(100_000)), "many.txt").unwrap_err();
    assert_eq!(err.field.as_deref(), Some("topics"));
    assert!(matches!(err.problem, Problem::TooMany { .. }), "{err}");
    let err = read_article(&record_with("T", &topics(101)), "some.txt").unwrap_err();
    assert_eq!(err.to_string(), "some.txt:4: topics: more than 100 topics");
    let article = read_article(&record_with("T", &topics(100)), "ok.txt").unwrap();
    assert_eq!(article.topics.len(), 100);

    // 300,000 unknown fields: refused at the first field past the limit.
    let fields: String = (0..300_000).map(|i| format!("x{i}: 1\n")).collect();
    let started = std::time::Instant::now();
    let err = Record::parse(&record_with("T", &fields), "wide.txt").unwrap_err();
    assert!(matches!(err.problem, Problem::TooMany { .. }), "{err}");
    assert_eq!(err.line, Some(1_002));
    // Generous: only a blow-up (quadratic work on the refused input) would take this long.
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}
