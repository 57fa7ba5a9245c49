//! The store against each backend (an SQLite file, and a PostgreSQL database when
//! `STORYLINE_TEST_POSTGRES` names a server): commits, merges, listings, sources, lookups.
//! Every test runs the same steps on every backend and names the backend in its assertions;
//! the read-only test is about SQLite files and runs on SQLite alone.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::Backend;
use storyline_model::{Article, Image, Provider, Story, StoryLink};
use storyline_store::{
    ArticleQuery, ArticleRow, Commit, SourceMove, SourceRow, SqliteStore, Store, StoryQuery,
};

fn article(id: &str, title: &str, body: &str, domain: &str) -> ArticleRow {
    ArticleRow {
        article: Article {
            id: id.into(),
            category: "news".into(),
            title: title.into(),
            excerpt: body.chars().take(60).collect(),
            body: body.into(),
            published_date_time: Some(Utc.with_ymd_and_hms(2026, 5, 12, 9, 0, 0).unwrap()),
            web_url: Some(format!("https://{domain}/{id}")),
            kind: "article".into(),
            quality: Some(40),
            heat: -1,
            published: true,
            provider: Provider {
                name: domain.into(),
                domain: domain.into(),
            },
            topics: vec!["AI".into()],
            ..Article::default()
        },
        seq: 0,
        story_id: Some(format!("story-{id}")),
        duplicate_of: None,
        ingested_at: Utc::now(),
        content_hash: format!("hash-{id}"),
        html: None,
        secured: Some("abc;def".into()),
        feed_only: false,
    }
}

fn story(id: &str, lead: &str, heat: i32) -> Story {
    Story {
        id: id.into(),
        title: format!("Story {id}"),
        heat,
        lead_article_id: lead.into(),
        article_count: 1,
        provider_count: 1,
        topics: vec!["AI".into()],
        published: true,
        ..Story::default()
    }
}

fn source(url: &str, group: &str, next_poll: DateTime<Utc>) -> SourceRow {
    SourceRow {
        id: 0,
        url: url.into(),
        kind: "feed".into(),
        title: None,
        group: Some(group.into()),
        state: None,
        next_poll,
        last_error: None,
        enabled: true,
        created_at: Utc::now(),
        last_round: None,
    }
}

fn ids(stories: &[Story]) -> Vec<&str> {
    stories.iter().map(|s| s.id.as_str()).collect()
}

/// Closes a backend's pool, as a process ending would.
async fn close(b: &Backend) {
    if let Some(store) = &b.sqlite {
        store.close().await;
    }
    if let Some(store) = &b.postgres {
        store.close().await;
    }
}

#[tokio::test]
async fn committed_articles_survive_reopening_and_insert_is_idempotent() {
    for b in common::backends().await {
        let name = b.name;
        let a = article(
            "a1",
            "Quillon raises $1.2bn",
            "Quillon raised money from Larchmont.",
            "ledger.example",
        );
        let commit = Commit {
            articles: vec![a.clone()],
            stories: vec![story("story-a1", "a1", 50)],
            ..Commit::default()
        };
        b.store.commit(&commit).await.unwrap();
        b.store.commit(&commit).await.unwrap();
        close(&b).await;

        let store = b.reopen().await;
        assert_eq!(store.stats().await.unwrap().articles, 1, "{name}");
        let back = store.article("a1").await.unwrap().unwrap();
        assert_eq!(back.article.title, a.article.title, "{name}");
        assert_eq!(back.article.body, a.article.body, "{name}");
        assert_eq!(back.article.topics, a.article.topics, "{name}");
        assert_eq!(back.article.quality, Some(40), "{name}");
        assert!(back.article.published, "{name}");
        assert!(!back.feed_only, "{name}");
        assert_eq!(
            back.article.published_date_time, a.article.published_date_time,
            "{name}"
        );
        assert_eq!(
            back.ingested_at.timestamp(),
            a.ingested_at.timestamp(),
            "{name}"
        );
        assert_eq!(back.secured.as_deref(), Some("abc;def"), "{name}");
        assert_eq!(back.story_id.as_deref(), Some("story-a1"), "{name}");
        assert!(back.seq > 0, "{name}");
        assert_eq!(
            store
                .article_id_by_url("https://ledger.example/a1")
                .await
                .unwrap()
                .as_deref(),
            Some("a1"),
            "{name}"
        );
        assert_eq!(
            store
                .article_id_by_content_hash("hash-a1")
                .await
                .unwrap()
                .as_deref(),
            Some("a1"),
            "{name}"
        );
        assert_eq!(
            store.known_url("https://ledger.example/a1").await.unwrap(),
            Some(("a1".to_string(), false)),
            "{name}"
        );
        assert_eq!(
            store.known_url("https://nowhere/").await.unwrap(),
            None,
            "{name}"
        );
        let s = store.story("story-a1").await.unwrap().unwrap();
        assert_eq!((s.heat, s.published, s.pinned), (50, true, false), "{name}");
        store.ping().await.unwrap();
    }
}

#[tokio::test]
async fn merged_story_ids_redirect_and_links_follow() {
    for b in common::backends().await {
        let name = b.name;
        let store = &b.store;
        store
            .commit(&Commit {
                articles: vec![
                    article("a1", "One", "first body", "one.example"),
                    article("a2", "Two", "second body", "two.example"),
                    article("a3", "Three", "third body", "three.example"),
                ],
                stories: vec![
                    story("story-a1", "a1", 10),
                    story("story-a2", "a2", 90),
                    story("story-a3", "a3", 5),
                ],
                links: vec![(
                    "story-a1".into(),
                    vec![StoryLink {
                        story_id: "story-a1".into(),
                        related_story_id: "story-a3".into(),
                        score: 0.4,
                    }],
                )],
                ..Commit::default()
            })
            .await
            .unwrap();
        let front = store.stories(&StoryQuery::default()).await.unwrap();
        assert_eq!(ids(&front), ["story-a2", "story-a1", "story-a3"], "{name}");
        assert_eq!(
            store.story_links("story-a3").await.unwrap()[0].related_story_id,
            "story-a1",
            "{name}"
        );

        let mut merged = story("story-a1", "a1", 60);
        merged.article_count = 2;
        store
            .commit(&Commit {
                merges: vec![("story-a2".into(), "story-a1".into())],
                stories: vec![merged],
                ..Commit::default()
            })
            .await
            .unwrap();
        assert_eq!(
            store.resolve_story("story-a2").await.unwrap().as_deref(),
            Some("story-a1"),
            "{name}"
        );
        assert_eq!(
            store.story("story-a2").await.unwrap().unwrap().id,
            "story-a1",
            "{name}"
        );
        assert_eq!(
            store.story_articles("story-a1").await.unwrap().len(),
            2,
            "{name}"
        );
        assert_eq!(store.stats().await.unwrap().stories, 2, "{name}");
        assert_eq!(store.resolve_story("nope").await.unwrap(), None, "{name}");

        // A story merged into one that is merged later redirects to the last.
        store
            .commit(&Commit {
                merges: vec![("story-a1".into(), "story-a3".into())],
                ..Commit::default()
            })
            .await
            .unwrap();
        assert_eq!(
            store.resolve_story("story-a2").await.unwrap().as_deref(),
            Some("story-a3"),
            "{name}"
        );
        assert!(
            store.story_links("story-a3").await.unwrap().is_empty(),
            "{name}: the merged story's links go"
        );

        assert!(
            store.set_story_pinned("story-a3", true).await.unwrap(),
            "{name}"
        );
        assert!(
            !store.set_story_pinned("nope", true).await.unwrap(),
            "{name}"
        );
        let front = store.stories(&StoryQuery::default()).await.unwrap();
        assert_eq!(front[0].id, "story-a3", "{name}");
        assert!(front[0].pinned, "{name}");
    }
}

#[tokio::test]
async fn links_are_read_both_ways_best_first_and_replaced_whole() {
    for b in common::backends().await {
        let name = b.name;
        let store = &b.store;
        let link = |from: &str, to: &str, score: f32| StoryLink {
            story_id: from.into(),
            related_story_id: to.into(),
            score,
        };
        store
            .commit(&Commit {
                articles: ["l1", "l2", "l3", "l4"]
                    .iter()
                    .map(|id| article(id, "Links", "links body", "one.example"))
                    .collect(),
                stories: ["l1", "l2", "l3", "l4"]
                    .iter()
                    .map(|id| story(&format!("story-{id}"), id, 10))
                    .collect(),
                links: vec![
                    (
                        "story-l1".into(),
                        vec![
                            link("story-l1", "story-l2", 0.2),
                            link("story-l1", "story-l3", 0.7),
                            link("story-l1", "story-l1", 1.0),
                        ],
                    ),
                    ("story-l4".into(), vec![link("story-l4", "story-l1", 0.5)]),
                ],
                ..Commit::default()
            })
            .await
            .unwrap();
        let related = |links: Vec<StoryLink>| {
            links
                .into_iter()
                .map(|l| (l.related_story_id, (l.score * 10.0).round() as i32))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            related(store.story_links("story-l1").await.unwrap()),
            [
                ("story-l3".to_string(), 7),
                ("story-l4".to_string(), 5),
                ("story-l2".to_string(), 2)
            ],
            "{name}: both directions, best first, never itself"
        );
        store
            .commit(&Commit {
                links: vec![("story-l1".into(), vec![link("story-l1", "story-l2", 0.9)])],
                ..Commit::default()
            })
            .await
            .unwrap();
        assert_eq!(
            related(store.story_links("story-l1").await.unwrap()),
            [("story-l2".to_string(), 9), ("story-l4".to_string(), 5)],
            "{name}: replaced"
        );
    }
}

#[tokio::test]
async fn sources_are_added_once_and_come_due() {
    for b in common::backends().await {
        let name = b.name;
        let store = &b.store;
        let now = Utc::now();
        let feed = source(
            "https://ledger.example/feed.xml",
            "Wires",
            now - Duration::seconds(5),
        );
        assert!(store.add_source(&feed).await.unwrap(), "{name}");
        assert!(!store.add_source(&feed).await.unwrap(), "{name}");
        let later = source(
            "https://later.example/feed.xml",
            "Wires",
            now - Duration::seconds(1),
        );
        assert!(store.add_source(&later).await.unwrap(), "{name}");
        let mut off = source(
            "https://off.example/feed.xml",
            "Wires",
            now - Duration::hours(1),
        );
        off.enabled = false;
        assert!(store.add_source(&off).await.unwrap(), "{name}");

        let mut due = store.due_sources(now).await.unwrap();
        assert_eq!(
            due.iter().map(|s| s.url.as_str()).collect::<Vec<_>>(),
            [feed.url.as_str(), later.url.as_str()],
            "{name}: enabled ones, the longest due first"
        );
        assert!(due.iter().all(|s| s.enabled), "{name}");
        due[0].next_poll = now + Duration::seconds(600);
        due[0].last_error = Some("timed out".into());
        due[0].state = Some("etag-1".into());
        due[0].title = Some("Ledger".into());
        due[0].last_round = Some("round-7".into());
        store.update_source(&due[0]).await.unwrap();
        assert_eq!(store.due_sources(now).await.unwrap().len(), 1, "{name}");
        let all = store.sources().await.unwrap();
        assert_eq!(all.len(), 3, "{name}");
        assert_eq!(all[0].url, feed.url, "{name}: in the order added");
        assert_eq!(all[0].last_error.as_deref(), Some("timed out"), "{name}");
        assert_eq!(all[0].state.as_deref(), Some("etag-1"), "{name}");
        assert_eq!(all[0].title.as_deref(), Some("Ledger"), "{name}");
        assert_eq!(all[0].last_round.as_deref(), Some("round-7"), "{name}");
        assert_eq!(all[0].group.as_deref(), Some("Wires"), "{name}");
        assert_eq!(
            all[0].next_poll.timestamp(),
            (now + Duration::seconds(600)).timestamp(),
            "{name}"
        );
        assert!(!all[2].enabled, "{name}");
        assert_eq!(store.stats().await.unwrap().sources, 3, "{name}");

        assert!(store.remove_source(&feed.url).await.unwrap(), "{name}");
        assert!(!store.remove_source(&feed.url).await.unwrap(), "{name}");
        // By id too.
        let id = store.sources().await.unwrap()[0].id;
        assert!(
            store.remove_source(&id.to_string()).await.unwrap(),
            "{name}"
        );
        assert_eq!(store.sources().await.unwrap().len(), 1, "{name}");
    }
}

#[tokio::test]
async fn article_listing_is_newest_first_filtered_and_public() {
    for b in common::backends().await {
        let name = b.name;
        let store = &b.store;
        let mut articles = Vec::new();
        let mut stories = Vec::new();
        for i in 0..30u32 {
            let domain = if i % 3 == 0 { "a.example" } else { "b.example" };
            let mut row = article(
                &format!("x{i:02}"),
                "Harbor cranes",
                "harbor cranes",
                domain,
            );
            row.content_hash = format!("h{i}");
            row.article.topics = vec![if i % 2 == 0 { "Ports" } else { "Trade" }.into()];
            row.article.published_date_time =
                Some(Utc.with_ymd_and_hms(2026, 4, 1 + i / 2, 9, 0, 0).unwrap());
            stories.push(story(&format!("story-x{i:02}"), &row.article.id, 1));
            articles.push(row);
        }
        store
            .commit(&Commit {
                articles,
                stories,
                ..Commit::default()
            })
            .await
            .unwrap();
        let list = |query: ArticleQuery| {
            let store = &b.store;
            async move {
                store
                    .articles(&ArticleQuery {
                        limit: if query.limit == 0 { 100 } else { query.limit },
                        visible_only: true,
                        ..query
                    })
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|row| row.article.id)
                    .collect::<Vec<_>>()
            }
        };
        let ids = |range: &mut dyn Iterator<Item = u32>| -> Vec<String> {
            range.map(|i| format!("x{i:02}")).collect()
        };
        assert_eq!(
            list(ArticleQuery::default()).await,
            ids(&mut (0..30).rev()),
            "{name}"
        );
        assert_eq!(
            list(ArticleQuery {
                limit: 5,
                offset: 5,
                ..ArticleQuery::default()
            })
            .await,
            ids(&mut (20..25).rev()),
            "{name}"
        );
        assert_eq!(
            list(ArticleQuery {
                provider: Some("a.example".into()),
                topic: Some("Ports".into()),
                ..ArticleQuery::default()
            })
            .await,
            ids(&mut (0..30).rev().filter(|i| i % 6 == 0)),
            "{name}"
        );
        // Topics and providers match exactly, case included.
        assert!(
            list(ArticleQuery {
                topic: Some("ports".into()),
                ..ArticleQuery::default()
            })
            .await
            .is_empty(),
            "{name}"
        );
        // 3 to 5 April: articles 4 to 9, by day of publication.
        let day = |d| Some(Utc.with_ymd_and_hms(2026, 4, d, 0, 0, 0).unwrap());
        let april = ArticleQuery {
            from: day(3),
            to: Some(Utc.with_ymd_and_hms(2026, 4, 5, 23, 59, 59).unwrap()),
            ..ArticleQuery::default()
        };
        assert_eq!(list(april.clone()).await, ids(&mut (4..10).rev()), "{name}");
        assert_eq!(
            list(ArticleQuery {
                topic: Some("Trade".into()),
                ..april.clone()
            })
            .await,
            ["x09", "x07", "x05"],
            "{name}"
        );
        // A range with no article lists nothing, as does an inverted one.
        assert!(
            list(ArticleQuery {
                from: day(28),
                ..ArticleQuery::default()
            })
            .await
            .is_empty(),
            "{name}"
        );
        assert!(
            list(ArticleQuery {
                from: day(5),
                to: day(3),
                ..ArticleQuery::default()
            })
            .await
            .is_empty(),
            "{name}"
        );

        // The public does not see unpublished articles, blocked providers or unpublished
        // stories.
        store.set_article_published("x09", false).await.unwrap();
        store.set_provider_blocked("a.example", true).await.unwrap();
        store.set_story_published("story-x07", false).await.unwrap();
        assert_eq!(
            store.blocked_providers().await.unwrap(),
            ["a.example"],
            "{name}"
        );
        assert_eq!(list(april.clone()).await, ["x08", "x05", "x04"], "{name}");
        let all = store
            .articles(&ArticleQuery {
                limit: 100,
                ..april
            })
            .await
            .unwrap();
        assert_eq!(all.len(), 6, "{name}: editors see every article");
        assert!(
            all.iter()
                .all(|row| row.article.body.is_empty() && row.secured.is_none()),
            "{name}: a listing carries no text"
        );
        assert!(
            !all.iter()
                .find(|r| r.article.id == "x09")
                .unwrap()
                .article
                .published,
            "{name}"
        );
        store
            .set_provider_blocked("a.example", false)
            .await
            .unwrap();
        assert!(
            store.blocked_providers().await.unwrap().is_empty(),
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_moved_source_keeps_its_old_address_known_and_joins_one_already_at_the_new() {
    for b in common::backends().await {
        let name = b.name;
        let store = &b.store;
        let now = Utc::now();
        let source = |url: &str, group: &str| source(url, group, now);
        assert!(
            store
                .add_source(&source("https://a.example/feed", "A"))
                .await
                .unwrap(),
            "{name}"
        );
        let id = store.sources().await.unwrap()[0].id;
        assert_eq!(
            store
                .move_source(id, "https://a.example/rss")
                .await
                .unwrap(),
            SourceMove::Moved,
            "{name}"
        );
        let sources = store.sources().await.unwrap();
        assert_eq!(sources.len(), 1, "{name}");
        assert_eq!(
            (sources[0].id, sources[0].url.as_str()),
            (id, "https://a.example/rss"),
            "{name}"
        );
        assert_eq!(sources[0].group.as_deref(), Some("A"), "{name}");
        assert_eq!(
            store.former_source_urls(id).await.unwrap(),
            ["https://a.example/feed"],
            "{name}"
        );
        // The old address is followed already, through the moved source.
        assert!(
            !store
                .add_source(&source("https://a.example/feed", "again"))
                .await
                .unwrap(),
            "{name}"
        );
        assert_eq!(store.sources().await.unwrap().len(), 1, "{name}");
        // Moving to where it is already changes nothing.
        assert_eq!(
            store
                .move_source(id, "https://a.example/rss")
                .await
                .unwrap(),
            SourceMove::Moved,
            "{name}"
        );
        assert_eq!(
            store.former_source_urls(id).await.unwrap().len(),
            1,
            "{name}"
        );

        // Moving onto another source's address keeps that one and folds this one into it.
        assert!(
            store
                .add_source(&source("https://b.example/feed", "B"))
                .await
                .unwrap(),
            "{name}"
        );
        let b_id = store.sources().await.unwrap()[1].id;
        assert_eq!(
            store
                .move_source(b_id, "https://a.example/rss")
                .await
                .unwrap(),
            SourceMove::Joined { into: id },
            "{name}"
        );
        let sources = store.sources().await.unwrap();
        assert_eq!(sources.len(), 1, "{name}");
        assert_eq!(sources[0].id, id, "{name}");
        assert_eq!(sources[0].group.as_deref(), Some("A"), "{name}");
        assert_eq!(
            store.former_source_urls(id).await.unwrap().len(),
            2,
            "{name}: both old addresses are known as the kept source's"
        );
        assert!(
            !store
                .add_source(&source("https://b.example/feed", "B"))
                .await
                .unwrap(),
            "{name}"
        );
        assert_eq!(
            store.move_source(b_id, "https://c.example/").await.unwrap(),
            SourceMove::Missing,
            "{name}"
        );

        // A feed that moves back takes its old address again.
        assert_eq!(
            store
                .move_source(id, "https://a.example/feed")
                .await
                .unwrap(),
            SourceMove::Moved,
            "{name}"
        );
        assert_eq!(
            store.sources().await.unwrap()[0].url,
            "https://a.example/feed",
            "{name}"
        );
        assert!(
            !store
                .former_source_urls(id)
                .await
                .unwrap()
                .contains(&"https://a.example/feed".to_string()),
            "{name}"
        );

        // Removing by a former address removes the source and its former addresses.
        assert!(
            store.remove_source("https://b.example/feed").await.unwrap(),
            "{name}"
        );
        assert!(store.sources().await.unwrap().is_empty(), "{name}");
        assert!(
            store
                .add_source(&source("https://a.example/rss", "new"))
                .await
                .unwrap(),
            "{name}"
        );
    }
}

#[tokio::test]
async fn lookups_by_arrival_time_and_the_news_clock() {
    for b in common::backends().await {
        let name = b.name;
        let store = &b.store;
        assert_eq!(store.last_seq().await.unwrap(), 0, "{name}");
        assert_eq!(store.newest_published().await.unwrap(), None, "{name}");
        assert!(
            store.articles_after(0, 10).await.unwrap().is_empty(),
            "{name}"
        );
        let start = Utc.with_ymd_and_hms(2026, 5, 12, 10, 0, 0).unwrap();
        let mut rows = Vec::new();
        for i in 0..5i64 {
            let mut row = article(&format!("t{i}"), "Clock", "clock body", "one.example");
            row.ingested_at = start + Duration::minutes(10 * i);
            row.article.published_date_time = Some(start - Duration::hours(5 - i));
            rows.push(row);
        }
        // One without a date: the clock is the newest dated article.
        rows[2].article.published_date_time = None;
        store
            .commit(&Commit {
                articles: rows,
                ..Commit::default()
            })
            .await
            .unwrap();
        let seqs: Vec<i64> = store
            .articles_after(0, 10)
            .await
            .unwrap()
            .iter()
            .map(|r| r.seq)
            .collect();
        assert_eq!(seqs.len(), 5, "{name}");
        assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{name}");
        assert_eq!(store.last_seq().await.unwrap(), seqs[4], "{name}");
        let page = store.articles_after(seqs[1], 2).await.unwrap();
        assert_eq!(
            page.iter()
                .map(|r| r.article.id.as_str())
                .collect::<Vec<_>>(),
            ["t2", "t3"],
            "{name}"
        );
        assert_eq!(page[0].article.published_date_time, None, "{name}");
        assert_eq!(page[0].article.body, "clock body", "{name}: with its text");
        assert_eq!(
            store.newest_published().await.unwrap(),
            Some(start - Duration::hours(1)),
            "{name}"
        );
        assert_eq!(
            store
                .first_seq_since(start + Duration::minutes(15))
                .await
                .unwrap(),
            Some(seqs[2]),
            "{name}"
        );
        assert_eq!(
            store
                .first_seq_since(start + Duration::hours(5))
                .await
                .unwrap(),
            None,
            "{name}"
        );
    }
}

#[tokio::test]
async fn duplicates_records_upgrades_images_and_moves_are_kept() {
    for b in common::backends().await {
        let name = b.name;
        let store = &b.store;
        let original = article("o1", "Original", "the original text", "wire.example");
        let mut copy = article("c1", "Copy", "the syndicated copy", "paper.example");
        copy.story_id = Some("story-o1".into());
        store
            .commit(&Commit {
                articles: vec![original, copy],
                stories: vec![story("story-o1", "o1", 30)],
                duplicates: vec![("c1".into(), "o1".into())],
                source_records: vec![("o1".into(), "{\"record\": 1}".into())],
                ..Commit::default()
            })
            .await
            .unwrap();
        let c1 = store.article("c1").await.unwrap().unwrap();
        assert_eq!(c1.duplicate_of.as_deref(), Some("o1"), "{name}");
        assert_eq!(
            c1.article.original_url.as_deref(),
            Some("https://wire.example/o1"),
            "{name}: a copy points at its original's address"
        );
        assert_eq!(
            store.article_source_record("o1").await.unwrap().as_deref(),
            Some("{\"record\": 1}"),
            "{name}"
        );
        assert_eq!(
            store.article_source_record("c1").await.unwrap(),
            None,
            "{name}"
        );
        assert_eq!(
            store.article_source_record("zz").await.unwrap(),
            None,
            "{name}"
        );
        // A record is kept once: the first stays.
        store
            .commit(&Commit {
                source_records: vec![("o1".into(), "{\"record\": 2}".into())],
                ..Commit::default()
            })
            .await
            .unwrap();
        assert_eq!(
            store.article_source_record("o1").await.unwrap().as_deref(),
            Some("{\"record\": 1}"),
            "{name}"
        );

        // An upgrade rewrites the text and what is judged from it, not the identity.
        let seq = store.article("o1").await.unwrap().unwrap().seq;
        let mut upgraded = article(
            "o1",
            "Original, in full",
            "the whole text",
            "elsewhere.example",
        );
        upgraded.article.quality = Some(80);
        upgraded.article.topics = vec!["Trade".into()];
        upgraded.article.language = Some("en".into());
        upgraded.article.authors = vec!["A. Writer".into()];
        upgraded.html = Some("<p>the whole text</p>".into());
        upgraded.feed_only = true;
        upgraded.story_id = Some("story-zz".into());
        store
            .commit(&Commit {
                upgrades: vec![upgraded],
                ..Commit::default()
            })
            .await
            .unwrap();
        let o1 = store.article("o1").await.unwrap().unwrap();
        assert_eq!(o1.seq, seq, "{name}");
        assert_eq!(o1.article.title, "Original, in full", "{name}");
        assert_eq!(o1.article.body, "the whole text", "{name}");
        assert_eq!(o1.article.quality, Some(80), "{name}");
        assert_eq!(o1.article.topics, ["Trade"], "{name}");
        assert_eq!(o1.article.authors, ["A. Writer"], "{name}");
        assert_eq!(o1.article.language.as_deref(), Some("en"), "{name}");
        assert_eq!(o1.html.as_deref(), Some("<p>the whole text</p>"), "{name}");
        assert!(o1.feed_only, "{name}");
        assert_eq!(o1.article.provider.domain, "wire.example", "{name}");
        assert_eq!(o1.story_id.as_deref(), Some("story-o1"), "{name}");
        assert_eq!(
            store.known_url("https://wire.example/o1").await.unwrap(),
            Some(("o1".to_string(), true)),
            "{name}"
        );

        let images = vec![Image {
            url: "https://wire.example/a.jpg".into(),
            width: Some(640),
            height: Some(480),
            is_cached: true,
        }];
        assert!(
            store.set_article_images("o1", &images).await.unwrap(),
            "{name}"
        );
        assert!(
            !store.set_article_images("zz", &images).await.unwrap(),
            "{name}"
        );
        assert_eq!(
            store.article("o1").await.unwrap().unwrap().article.images,
            images,
            "{name}"
        );
        assert!(
            !store.set_article_published("zz", false).await.unwrap(),
            "{name}"
        );
        assert!(
            !store.set_story_published("zz", false).await.unwrap(),
            "{name}"
        );

        // A move takes one article to another story.
        store
            .commit(&Commit {
                moves: vec![("c1".into(), "story-c1".into())],
                stories: vec![story("story-c1", "c1", 20)],
                ..Commit::default()
            })
            .await
            .unwrap();
        assert_eq!(
            store
                .story_articles("story-c1")
                .await
                .unwrap()
                .iter()
                .map(|r| r.article.id.as_str())
                .collect::<Vec<_>>(),
            ["c1"],
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_storys_coverage_is_oldest_first_and_members_come_without_text() {
    for b in common::backends().await {
        let name = b.name;
        let store = &b.store;
        let at = |h| Utc.with_ymd_and_hms(2026, 5, 12, h, 0, 0).unwrap();
        let mut rows = Vec::new();
        for (id, published, ingested) in [
            ("m1", Some(at(9)), at(12)),
            ("m2", Some(at(7)), at(13)),
            ("m3", None, at(8)),
            ("m4", Some(at(9)), at(14)),
        ] {
            let mut row = article(id, "Member", "member body", "one.example");
            row.story_id = Some("story-m".into());
            row.article.published_date_time = published;
            row.ingested_at = ingested;
            row.html = Some("<p>member</p>".into());
            rows.push(row);
        }
        store
            .commit(&Commit {
                articles: rows,
                stories: vec![story("story-m", "m2", 40)],
                ..Commit::default()
            })
            .await
            .unwrap();
        let order = |rows: &[ArticleRow]| {
            rows.iter()
                .map(|r| r.article.id.clone())
                .collect::<Vec<_>>()
        };
        let full = store.story_articles("story-m").await.unwrap();
        assert_eq!(
            order(&full),
            ["m2", "m3", "m1", "m4"],
            "{name}: by date (arrival when undated), ties by arrival"
        );
        assert!(
            full.iter()
                .all(|r| r.article.body == "member body" && r.html.is_some()),
            "{name}"
        );
        let members = store.story_members("story-m").await.unwrap();
        assert_eq!(order(&members), order(&full), "{name}");
        assert!(
            members
                .iter()
                .all(|r| r.article.body.is_empty() && r.html.is_none() && r.secured.is_none()),
            "{name}"
        );
        assert!(
            store.story_articles("story-none").await.unwrap().is_empty(),
            "{name}"
        );
    }
}

#[tokio::test]
async fn story_lists_order_by_pin_heat_and_date_and_filter_by_topic_and_provider() {
    for b in common::backends().await {
        let name = b.name;
        let store = &b.store;
        let at = |d| Some(Utc.with_ymd_and_hms(2026, 5, d, 9, 0, 0).unwrap());
        let mut articles = Vec::new();
        let mut stories = Vec::new();
        // Same heat: the latest coverage first, and a story without dates after every dated
        // one, as SQLite orders NULL below any value.
        for (id, heat, last, topics, domain) in [
            ("s1", 50, at(3), vec!["Ports"], "a.example"),
            ("s2", 50, None, vec!["Ports", "Trade"], "b.example"),
            ("s3", 50, at(5), vec!["Trade"], "a.example"),
            ("s4", 80, at(1), vec![], "b.example"),
            ("s5", 10, at(9), vec!["Ports"], "b.example"),
        ] {
            let mut row = article(&format!("a-{id}"), "Story", "story body", domain);
            row.story_id = Some(id.into());
            articles.push(row);
            let mut s = story(id, &format!("a-{id}"), heat);
            s.last_published = last;
            s.first_published = last;
            s.topics = topics.into_iter().map(String::from).collect();
            stories.push(s);
        }
        stories[4].published = false;
        // A story with no articles is not listed.
        let mut empty = story("s6", "a-s1", 99);
        empty.article_count = 0;
        stories.push(empty);
        store
            .commit(&Commit {
                articles,
                stories,
                ..Commit::default()
            })
            .await
            .unwrap();
        let list = |topic: Option<&str>, provider: Option<&str>, published_only: bool| {
            let store = &b.store;
            let query = StoryQuery {
                limit: 50,
                offset: 0,
                published_only,
                topic: topic.map(String::from),
                provider: provider.map(String::from),
                entity: None,
            };
            async move { store.stories(&query).await.unwrap() }
        };
        assert_eq!(
            ids(&list(None, None, false).await),
            ["s4", "s3", "s1", "s2", "s5"],
            "{name}"
        );
        assert_eq!(
            ids(&list(None, None, true).await),
            ["s4", "s3", "s1", "s2"],
            "{name}"
        );
        assert_eq!(
            ids(&list(Some("Ports"), None, false).await),
            ["s1", "s2", "s5"],
            "{name}"
        );
        assert_eq!(
            ids(&list(Some("Ports"), Some("b.example"), true).await),
            ["s2"],
            "{name}"
        );
        assert_eq!(
            ids(&list(None, Some("a.example"), false).await),
            ["s3", "s1"],
            "{name}"
        );
        assert!(list(Some("None"), None, false).await.is_empty(), "{name}");
        assert!(
            list(None, Some("none.example"), false).await.is_empty(),
            "{name}"
        );
        let page = store
            .stories(&StoryQuery {
                limit: 2,
                offset: 1,
                ..StoryQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(ids(&page), ["s3", "s1"], "{name}");
        let since = store
            .stories_active_since(Utc.with_ymd_and_hms(2026, 5, 3, 0, 0, 0).unwrap())
            .await
            .unwrap();
        let mut since = ids(&since);
        since.sort();
        assert_eq!(since, ["s1", "s3", "s5"], "{name}");
    }
}

/// Past 2,000 stories a topic or provider filter walks the heat order and checks each story,
/// instead of reading the filter's own rows: both ways list the same.
#[tokio::test]
async fn common_topics_and_providers_list_like_rare_ones() {
    const STORIES: usize = 2_050;
    for b in common::backends().await {
        let name = b.name;
        let store = &b.store;
        let mut articles = Vec::with_capacity(STORIES);
        let mut stories = Vec::with_capacity(STORIES);
        let domain = |i: usize| {
            if i % 100 == 7 {
                "rare.example"
            } else {
                "common.example"
            }
        };
        let topics = |i: usize| -> Vec<String> {
            let mut t = vec!["Common".to_string()];
            if i % 90 == 4 {
                t.push("Rare".into());
            }
            t
        };
        for i in 0..STORIES {
            let id = format!("k{i:04}");
            let mut row = article(&id, "Common", "common body", domain(i));
            row.story_id = Some(format!("story-{id}"));
            row.content_hash = format!("h-{id}");
            articles.push(row);
            let mut s = story(&format!("story-{id}"), &id, (i % 97) as i32);
            s.topics = topics(i);
            s.published = i % 13 != 0;
            s.last_published = Some(
                Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
                    + Duration::minutes((i % 31) as i64),
            );
            stories.push(s);
        }
        store
            .commit(&Commit {
                articles,
                stories: stories.clone(),
                ..Commit::default()
            })
            .await
            .unwrap();
        let mut ordered: Vec<(usize, &Story)> = stories.iter().enumerate().collect();
        ordered.sort_by(|(_, x), (_, y)| {
            y.heat
                .cmp(&x.heat)
                .then(y.last_published.cmp(&x.last_published))
                .then(x.id.cmp(&y.id))
        });
        for topic in [None, Some("Common"), Some("Rare")] {
            for provider in [None, Some("common.example"), Some("rare.example")] {
                for published_only in [false, true] {
                    let expected: Vec<&str> = ordered
                        .iter()
                        .filter(|(i, s)| {
                            topic.is_none_or(|t| s.topics.iter().any(|x| x == t))
                                && provider.is_none_or(|p| domain(*i) == p)
                                && (!published_only || s.published)
                        })
                        .map(|(_, s)| s.id.as_str())
                        .skip(5)
                        .take(40)
                        .collect();
                    let got = store
                        .stories(&StoryQuery {
                            limit: 40,
                            offset: 5,
                            published_only,
                            topic: topic.map(String::from),
                            provider: provider.map(String::from),
                            entity: None,
                        })
                        .await
                        .unwrap();
                    assert_eq!(
                        ids(&got),
                        expected,
                        "{name}: {topic:?} {provider:?} {published_only}"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn text_with_nul_characters_is_stored() {
    for b in common::backends().await {
        let name = b.name;
        let store = &b.store;
        let mut row = article(
            "nul1",
            "Title\0 with a NUL",
            "Body\0 text\0 from a broken feed",
            "nul.example",
        );
        row.article.excerpt = "Ex\0cerpt".into();
        row.article.topics = vec!["Po\0rts".into()];
        row.article.authors = vec!["A\0 Writer".into()];
        row.html = Some("<p>\0</p>".into());
        row.secured = Some("abc\0;def".into());
        let mut s = story("story-nul1", "nul1", 40);
        s.title = "Story\0 title".into();
        s.topics = vec!["Po\0rts".into()];
        store
            .commit(&Commit {
                articles: vec![row],
                stories: vec![s],
                source_records: vec![("nul1".into(), "{\"x\": \"\0\"}".into())],
                ..Commit::default()
            })
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let back = store.article("nul1").await.unwrap().unwrap();
        // SQLite keeps NULs; PostgreSQL's text cannot hold them and leaves them out.
        let plain = |s: &str| s.replace('\0', "");
        assert_eq!(plain(&back.article.title), "Title with a NUL", "{name}");
        assert_eq!(
            plain(&back.article.body),
            "Body text from a broken feed",
            "{name}"
        );
        assert_eq!(plain(&back.article.excerpt), "Excerpt", "{name}");
        assert_eq!(
            back.article
                .topics
                .iter()
                .map(|t| plain(t))
                .collect::<Vec<_>>(),
            ["Ports"],
            "{name}"
        );
        assert_eq!(
            back.article
                .authors
                .iter()
                .map(|t| plain(t))
                .collect::<Vec<_>>(),
            ["A Writer"],
            "{name}"
        );
        assert_eq!(plain(back.secured.as_deref().unwrap()), "abc;def", "{name}");
        if name == "postgres" {
            assert_eq!(back.article.body, "Body text from a broken feed", "{name}");
            // The topic is listed under its name without the NUL.
            let listed = store
                .articles(&ArticleQuery {
                    topic: Some("Ports".into()),
                    limit: 10,
                    ..ArticleQuery::default()
                })
                .await
                .unwrap();
            assert_eq!(listed.len(), 1, "{name}");
            let stories = store
                .stories(&StoryQuery {
                    topic: Some("Ports".into()),
                    ..StoryQuery::default()
                })
                .await
                .unwrap();
            assert_eq!(ids(&stories), ["story-nul1"], "{name}");
        }
        // The topic list and the search feed read the article like any other.
        let docs = store.index_docs(&[back.seq]).await.unwrap();
        assert_eq!(docs.len(), 1, "{name}");
        let story = store.story("story-nul1").await.unwrap().unwrap();
        assert_eq!(plain(&story.title), "Story title", "{name}");
        let record = store.article_source_record("nul1").await.unwrap().unwrap();
        assert_eq!(plain(&record), "{\"x\": \"\"}", "{name}");

        // An upgrade, a source and a lookup with NULs go through as well.
        let mut upgraded = article("nul1", "New\0 title", "New\0 body", "nul.example");
        upgraded.story_id = Some("story-nul1".into());
        store
            .commit(&Commit {
                upgrades: vec![upgraded],
                ..Commit::default()
            })
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            plain(&store.article("nul1").await.unwrap().unwrap().article.body),
            "New body",
            "{name}"
        );
        let mut feed = source("https://nul.example/feed", "G\0roup", Utc::now());
        feed.title = Some("Fe\0ed".into());
        assert!(store.add_source(&feed).await.unwrap(), "{name}");
        let kept = store.sources().await.unwrap();
        assert_eq!(plain(kept[0].title.as_deref().unwrap()), "Feed", "{name}");
        let mut updated = kept[0].clone();
        updated.last_error = Some("bad\0 byte".into());
        store.update_source(&updated).await.unwrap();
        assert_eq!(
            store
                .article_id_by_url("https://nul.example/\0nul1")
                .await
                .unwrap()
                .is_some(),
            name == "postgres",
            "{name}: a key is looked up as it is stored"
        );
    }
}

// SQLite-only: opening a file read-only, and refusing a file of an older schema, are about
// SQLite files (a PostgreSQL store's access is the server's roles).
#[tokio::test]
async fn a_store_opened_read_only_reads_and_refuses_every_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/store.db");
    let store = SqliteStore::open(&path).await.unwrap();
    let commit = Commit {
        articles: vec![article(
            "a1",
            "Quillon raises $1.2bn",
            "Body.",
            "ledger.example",
        )],
        stories: vec![story("story-a1", "a1", 50)],
        ..Commit::default()
    };
    store.commit(&commit).await.unwrap();
    store.close().await;

    let reader = SqliteStore::open_read_only(&path).await.unwrap();
    assert_eq!(reader.stats().await.unwrap().articles, 1);
    assert!(reader.article("a1").await.unwrap().is_some());
    let more = Commit {
        articles: vec![article("a2", "Another", "Body.", "ledger.example")],
        ..Commit::default()
    };
    assert!(
        reader.commit(&more).await.is_err(),
        "a read-only store takes no write"
    );
    reader.close().await;
    // Nothing was written: the writer sees one article still.
    let store = SqliteStore::open(&path).await.unwrap();
    assert_eq!(store.stats().await.unwrap().articles, 1);
    store.close().await;

    // A store of an older schema is not upgraded behind the reader's back.
    let old = dir.path().join("old.db");
    SqliteStore::open_at_version(&old, 1)
        .await
        .unwrap()
        .close()
        .await;
    let Err(err) = SqliteStore::open_read_only(&old).await else {
        panic!("an older store is refused");
    };
    assert!(
        err.to_string().contains("open it once with write access"),
        "{err}"
    );
    // And a missing file is not created.
    let missing = dir.path().join("missing.db");
    assert!(SqliteStore::open_read_only(&missing).await.is_err());
    assert!(!missing.exists());
}
