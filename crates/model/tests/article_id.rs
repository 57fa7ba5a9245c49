//! `article_id` against known values. These ids are stored in users' databases and written into
//! their exported records (and bind each record's `secured` value): an id computed today must be
//! the id computed by every later version for the same key. The expected values below were
//! computed once and must never be edited to make a changed function pass; a different id
//! function would need a migration of every stored id.

use std::collections::HashSet;

use storyline_model::{Record, article_id};

/// (key, id) pairs fixed for good.
const KNOWN: &[(&str, &str)] = &[
    // XXH3-64 of the empty input, as published with the XXH3 specification: the id is that
    // hash and nothing more (no seed, no prefix).
    ("", "2d06800538d394c2"),
    (
        "https://www.businesstimes.com.sg/startups-tech/alibaba-backs-us-2-5-billion-ai-startup-in-second-major-2024-deal",
        "cee1072f403f45ae",
    ),
    (
        "https://siliconangle.com/2024/03/05/report-chinese-ai-startup-minimax-raises-600m-2-5b-valuation-led-alibaba/",
        "6f2bf96795ea8690",
    ),
    (
        "https://coastal-courier.example/2025/06/10/harbor-bridge-approved",
        "dbfeec52d6e7a5e8",
    ),
    // A key without a URL: title, newline, body.
    ("A very short note\n", "6470c3078f85f2fc"),
    (
        "Harbour reopens\nThe harbour reopened on Monday.",
        "f0006ee560a5f903",
    ),
    // Non-ASCII keys are hashed as their UTF-8 bytes.
    ("https://example.com/café", "3a8a30af35ed4ac1"),
    // A hash below 2^48: the id keeps its leading zeros (always 16 characters).
    ("https://example.com/43016", "0000b48125d6833a"),
];

#[test]
fn known_keys_keep_their_ids() {
    for (key, id) in KNOWN {
        assert_eq!(
            article_id(key),
            *id,
            "the id of {key:?} changed; stored ids would no longer match"
        );
    }
}

#[test]
fn ids_are_sixteen_lowercase_hex_characters() {
    for n in 0..10_000 {
        let id = article_id(&format!("https://example.com/{n}"));
        assert_eq!(id.len(), 16, "{id}");
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "{id}"
        );
    }
}

#[test]
fn different_keys_get_different_ids() {
    let ids: HashSet<String> = (0..10_000)
        .map(|n| article_id(&format!("https://example.com/news/{n}")))
        .collect();
    assert_eq!(ids.len(), 10_000, "two of 10 000 distinct keys share an id");
}

/// The key is hashed exactly as given: making URLs canonical (scheme, case, trailing slash,
/// tracking parameters) is the caller's job, before the id is computed. Keys that a reader would
/// call "the same page" therefore get different ids here.
#[test]
fn the_key_is_not_normalised() {
    let variants = [
        "https://example.com/a",
        "https://example.com/a/",
        "http://example.com/a",
        "https://EXAMPLE.com/a",
        "https://example.com/A",
        " https://example.com/a",
        "https://example.com/a ",
        "https://example.com/a?utm_source=x",
        "https://example.com/a#top",
    ];
    let ids: HashSet<String> = variants.iter().map(|k| article_id(k)).collect();
    assert_eq!(ids.len(), variants.len(), "{variants:?}");
}

fn record_id(front: &str, body: &str) -> String {
    let text = format!("---\n{front}---\n\n{body}");
    Record::parse(&text, "inline")
        .unwrap_or_else(|e| panic!("{e}\n{text}"))
        .id()
        .expect("id")
}

/// A record's id comes from its web URL, else its original URL, else its title and body — with
/// the same known values.
#[test]
fn a_record_id_comes_from_web_url_then_original_url_then_title_and_body() {
    let web = "https://coastal-courier.example/2025/06/10/harbor-bridge-approved";
    let original = "https://www.businesstimes.com.sg/startups-tech/alibaba-backs-us-2-5-billion-ai-startup-in-second-major-2024-deal";
    assert_eq!(
        record_id(
            &format!("title: \"T\"\nwebUrl: \"{web}\"\noriginalUrl: \"{original}\"\n"),
            "Body.\n"
        ),
        "dbfeec52d6e7a5e8"
    );
    assert_eq!(
        record_id(
            &format!("title: \"T\"\noriginalUrl: \"{original}\"\n"),
            "Body.\n"
        ),
        "cee1072f403f45ae"
    );
    assert_eq!(
        record_id(
            &format!("title: \"T\"\nwebUrl: \"\"\noriginalUrl: \"{original}\"\n"),
            "Body.\n"
        ),
        "cee1072f403f45ae",
        "an empty web URL counts as none"
    );
    assert_eq!(
        record_id(
            "title: \"Harbour reopens\"\n",
            "The harbour reopened on Monday."
        ),
        "f0006ee560a5f903"
    );
}
