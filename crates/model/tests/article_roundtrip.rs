//! Property: any article written as a record parses back to the same article (and its related
//! coverage to the same coverage), with or without a sealed provenance.

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use storyline_model::record::convert::record_id;
use storyline_model::{Article, Coverage, Image, Keyring, Provenance, Provider, Record};

fn date() -> impl Strategy<Value = DateTime<Utc>> {
    // Years 0001 to 9999, any nanosecond.
    (-62_135_596_800i64..253_402_300_799, 0u32..1_000_000_000)
        .prop_filter_map("valid timestamp", |(s, n)| DateTime::from_timestamp(s, n))
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z][a-zA-Z0-9 .-]{0,20}",
        "[ a-zA-Z0-9:#\"'{},&*!|>%@`~?.+\\-\\[\\]\\\\\t\r\n]{0,12}",
        Just(String::new()),
        Just("true".to_owned()),
        Just("- x: y #z".to_owned()),
        Just("\"quoted\" \\ back".to_owned()),
    ]
}

fn provider() -> impl Strategy<Value = Provider> {
    (text(), text()).prop_map(|(name, domain)| Provider { name, domain })
}

fn image() -> impl Strategy<Value = Image> {
    (
        text(),
        any::<Option<u32>>(),
        any::<Option<u32>>(),
        any::<bool>(),
    )
        .prop_map(|(url, width, height, is_cached)| Image {
            url,
            width,
            height,
            is_cached,
        })
}

fn coverage() -> impl Strategy<Value = Coverage> {
    (
        (text(), text(), proptest::option::of(date()), text(), text()),
        (
            provider(),
            proptest::option::of(0u8..=100),
            proptest::collection::vec(image(), 0..3),
        ),
    )
        .prop_map(
            |(
                (title, excerpt, published_date_time, web_url, kind),
                (provider, quality, images),
            )| {
                Coverage {
                    title,
                    excerpt,
                    published_date_time,
                    web_url,
                    kind,
                    provider,
                    quality,
                    images,
                }
            },
        )
}

fn article() -> impl Strategy<Value = Article> {
    (
        (
            text(),
            text(),
            text(),
            any::<String>(),
            proptest::option::of(date()),
        ),
        (
            proptest::option::of(text()),
            proptest::option::of(text()),
            text(),
            proptest::option::of(0u8..=100),
            -1i32..=100,
            any::<bool>(),
        ),
        (
            provider(),
            proptest::collection::vec(text(), 0..3),
            proptest::option::of(text()),
            proptest::collection::vec(text(), 0..4),
            proptest::collection::vec(image(), 0..3),
            proptest::option::of(text()),
        ),
    )
        .prop_map(
            |(
                (category, title, excerpt, body, published_date_time),
                (original_url, web_url, kind, quality, heat, published),
                (provider, authors, language, topics, images, secured_verbatim),
            )| {
                let mut a = Article {
                    id: String::new(),
                    category,
                    title,
                    excerpt,
                    body,
                    published_date_time,
                    original_url,
                    web_url,
                    kind,
                    quality,
                    heat,
                    published,
                    provider,
                    authors,
                    language,
                    topics,
                    images,
                    provenance: Provenance::default(),
                    secured_verbatim,
                };
                a.id = record_id(&a);
                a
            },
        )
}

fn provenance() -> impl Strategy<Value = Provenance> {
    (
        proptest::option::of(any::<String>()),
        proptest::option::of(any::<String>()),
        proptest::option::of(date()),
        proptest::option::of("[0-9a-f]{16}"),
    )
        .prop_map(
            |(source_url, feed_url, fetched_at, content_hash)| Provenance {
                source_url,
                feed_url,
                fetched_at,
                content_hash,
            },
        )
        .prop_filter("not empty", |p| *p != Provenance::default())
}

proptest! {
    #[test]
    fn article_written_as_record_reads_back_the_same(
        article in article(),
        related in proptest::collection::vec(coverage(), 0..3),
    ) {
        let record = Record::from_article(&article, &related, None).unwrap();
        let text = record.to_text();
        let parsed = Record::parse(&text, "prop").map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(parsed.to_text(), text.clone());
        prop_assert_eq!(parsed.to_article(None).unwrap(), article);
        prop_assert_eq!(parsed.try_related().unwrap(), related);
    }

    #[test]
    fn sealed_provenance_reads_back_the_same(
        mut article in article(),
        provenance in provenance(),
    ) {
        let keyring = Keyring::new(&[[9u8; 32]]).unwrap();
        article.provenance = provenance;
        article.secured_verbatim = None;
        let text = Record::from_article(&article, &[], Some(&keyring)).unwrap().to_text();
        let parsed = Record::parse(&text, "prop").unwrap();
        prop_assert_eq!(parsed.to_article(Some(&keyring)).unwrap(), article);
    }

    #[test]
    fn arbitrary_front_matter_never_panics(front in any::<String>(), body in any::<String>()) {
        let text = format!("---\n{front}\n---\n{body}");
        if let Ok(record) = Record::parse(&text, "prop") {
            prop_assert_eq!(record.to_text(), text);
        }
    }
}
