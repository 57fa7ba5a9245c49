//! Search: reader text (and the topic and provider filters) parsed, turned into a tantivy
//! query and run against a small in-memory index. Input: `text`, then optionally `\0topic`,
//! then `\0provider`. Every query must run without error, grouped and not, and find only
//! documents the index holds.

#![no_main]

use chrono::{TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use storyline_search::{SearchIndex, SearchQuery};
use storyline_store::IndexDoc;

fn doc(seq: i64, title: &str, body: &str, language: Option<&str>, topic: &str) -> IndexDoc {
    IndexDoc {
        seq,
        id: format!("a{seq}"),
        story_id: Some(format!("s{}", seq % 2)),
        title: title.into(),
        excerpt: String::new(),
        body: body.into(),
        provider_domain: "news.test".into(),
        topics: vec![topic.into()],
        category: "news".into(),
        language: language.map(str::to_string),
        published_at: Utc.timestamp_opt(1_760_000_000 + seq * 3_600, 0).single(),
        ingested_at: Utc.timestamp_opt(1_760_000_000, 0).single().unwrap_or_default(),
    }
}

fn index() -> SearchIndex {
    let index = SearchIndex::in_memory().expect("index in memory");
    let docs = vec![
        doc(1, "Harbour bridge opens", "The bridge opens in Zürich to traffic.", Some("en"), "Cities"),
        doc(2, "Chip fab funding round", "Alibaba leads the round for the chip fab.", Some("en"), "Tech"),
        doc(3, "Neue Brücke eröffnet", "Die Brücke in Zürich wurde eröffnet.", Some("de"), "Cities"),
        doc(4, "阿里巴巴领投月之暗面", "阿里巴巴领投月之暗面十亿美元融资。", Some("zh"), "Tech"),
    ];
    index.apply(&[1, 2, 3, 4], docs, 4).expect("documents indexed");
    index
}

thread_local! {
    static INDEX: SearchIndex = index();
}

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let mut parts = input.splitn(3, '\0');
    let text = parts.next().unwrap_or_default();
    let nonempty = |p: Option<&str>| p.filter(|p| !p.is_empty()).map(str::to_string);
    let mut query = SearchQuery {
        text: text.to_string(),
        topic: nonempty(parts.next()),
        provider: nonempty(parts.next()),
        limit: 10,
        ..SearchQuery::default()
    };
    INDEX.with(|index| {
        for grouped in [false, true] {
            query.grouped = grouped;
            match index.ranked_seqs(&query) {
                Ok(seqs) => assert!(
                    seqs.iter().all(|s| (1..=4).contains(s)),
                    "{query:?} found {seqs:?}"
                ),
                Err(error) => panic!("the search failed for {query:?}: {error}"),
            }
        }
    });
});
