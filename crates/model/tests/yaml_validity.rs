//! What we write is YAML that an independent parser (serde-saphyr) reads as the same values:
//! our quoting is valid, not just readable by our own parser.

use proptest::prelude::*;
use serde_json::Value;
use storyline_model::{Article, Provenance, Provider, Record};

/// The front matter of a record's text (between the `---` lines).
fn front_matter(text: &str) -> &str {
    let rest = text.strip_prefix("---\n").unwrap_or(text);
    let end = rest.find("\n---\n").map_or(rest.len(), |i| i + 1);
    &rest[..end]
}

fn article(title: String, category: String, topics: Vec<String>, name: String) -> Article {
    Article {
        id: String::new(),
        category,
        title,
        excerpt: "x".into(),
        body: String::new(),
        published_date_time: None,
        original_url: None,
        web_url: Some("https://example.org/a".into()),
        kind: "article".into(),
        quality: Some(5),
        heat: -1,
        published: false,
        provider: Provider {
            name,
            domain: "example.org".into(),
        },
        authors: Vec::new(),
        language: None,
        topics,
        images: Vec::new(),
        provenance: Provenance::default(),
        secured_verbatim: None,
    }
}

#[test]
fn seed_like_record_reads_the_same_in_another_parser() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/records/harbor-bridge.txt"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let value: Value = serde_saphyr::from_str(front_matter(&text)).unwrap();
    let ours = Record::parse(&text, path)
        .unwrap()
        .to_article(None)
        .unwrap();
    assert_eq!(value["title"], ours.title.as_str());
    assert_eq!(value["quality"], 64);
    assert_eq!(value["heat"], 12);
    assert_eq!(value["published"], true);
    assert_eq!(value["topics"][1], "Transport");
    assert_eq!(
        value["related"][0]["excerpt"],
        Record::parse(&text, path).unwrap().related()[0]
            .excerpt
            .as_str()
    );
}

/// Text that often trips YAML: indicators, colons, quotes, reserved words, numbers.
fn tricky() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ a-zA-Z0-9:#\"'{},&*!|>%@`~?.+\\-\\[\\]\\\\\t\n]{0,12}",
        prop::sample::select(vec![
            "true",
            "No",
            "null",
            "~",
            "1e3",
            "0x1F",
            "-",
            "--- x",
            "...",
            "0o7",
            ".inf",
            "2024-01-01",
            "a: b",
            "a #b",
            "",
            " "
        ])
        .prop_map(str::to_owned),
    ]
}

proptest! {
    #[test]
    fn written_text_fields_read_the_same_in_another_parser(
        title in tricky(),
        category in tricky(),
        topics in proptest::collection::vec(tricky(), 0..3),
        name in tricky(),
    ) {
        let a = article(title, category, topics, name);
        let text = Record::from_article(&a, &[], None).unwrap().to_text();
        let value: Value = serde_saphyr::from_str(front_matter(&text))
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(&value["title"], &Value::from(a.title.as_str()));
        prop_assert_eq!(&value["category"], &Value::from(a.category.as_str()));
        prop_assert_eq!(&value["provider"]["name"], &Value::from(a.provider.name.as_str()));
        prop_assert_eq!(&value["heat"], &Value::from(-1));
        for (i, t) in a.topics.iter().enumerate() {
            prop_assert_eq!(&value["topics"][i], &Value::from(t.as_str()));
        }
    }
}
