//! The SQLite store against a real database file: commits, merges, listings, sources.

use chrono::{TimeZone, Utc};
use storyline_model::{Article, Provider, Story, StoryLink};
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

async fn open() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("nested/store.db"))
        .await
        .unwrap();
    (dir, store)
}

#[tokio::test]
async fn committed_articles_survive_reopening_and_insert_is_idempotent() {
    let (dir, store) = open().await;
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
    store.commit(&commit).await.unwrap();
    store.commit(&commit).await.unwrap();
    store.close().await;

    let store = SqliteStore::open(&dir.path().join("nested/store.db"))
        .await
        .unwrap();
    assert_eq!(store.stats().await.unwrap().articles, 1);
    let back = store.article("a1").await.unwrap().unwrap();
    assert_eq!(back.article.title, a.article.title);
    assert_eq!(back.article.topics, a.article.topics);
    assert_eq!(back.secured.as_deref(), Some("abc;def"));
    assert_eq!(back.story_id.as_deref(), Some("story-a1"));
    assert_eq!(
        store
            .article_id_by_url("https://ledger.example/a1")
            .await
            .unwrap()
            .as_deref(),
        Some("a1")
    );
    assert_eq!(
        store
            .article_id_by_content_hash("hash-a1")
            .await
            .unwrap()
            .as_deref(),
        Some("a1")
    );
}

#[tokio::test]
async fn merged_story_ids_redirect_and_links_follow() {
    let (_dir, store) = open().await;
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
    assert_eq!(
        front.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        ["story-a2", "story-a1", "story-a3"]
    );
    assert_eq!(
        store.story_links("story-a3").await.unwrap()[0].related_story_id,
        "story-a1"
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
        Some("story-a1")
    );
    assert_eq!(
        store.story("story-a2").await.unwrap().unwrap().id,
        "story-a1"
    );
    assert_eq!(store.story_articles("story-a1").await.unwrap().len(), 2);
    assert_eq!(store.stats().await.unwrap().stories, 2);
    assert_eq!(store.resolve_story("nope").await.unwrap(), None);

    assert!(store.set_story_pinned("story-a3", true).await.unwrap());
    let front = store.stories(&StoryQuery::default()).await.unwrap();
    assert_eq!(front[0].id, "story-a3");
}

#[tokio::test]
async fn sources_are_added_once_and_come_due() {
    let (_dir, store) = open().await;
    let now = Utc::now();
    let source = SourceRow {
        id: 0,
        url: "https://ledger.example/feed.xml".into(),
        kind: "feed".into(),
        title: None,
        group: Some("Wires".into()),
        state: None,
        next_poll: now - chrono::Duration::seconds(5),
        last_error: None,
        enabled: true,
        created_at: now,
        last_round: None,
    };
    assert!(store.add_source(&source).await.unwrap());
    assert!(!store.add_source(&source).await.unwrap());
    let mut due = store.due_sources(now).await.unwrap();
    assert_eq!(due.len(), 1);
    due[0].next_poll = now + chrono::Duration::seconds(600);
    due[0].last_error = Some("timed out".into());
    store.update_source(&due[0]).await.unwrap();
    assert!(store.due_sources(now).await.unwrap().is_empty());
    assert_eq!(
        store.sources().await.unwrap()[0].last_error.as_deref(),
        Some("timed out")
    );
    assert!(store.remove_source(&source.url).await.unwrap());
    assert!(!store.remove_source(&source.url).await.unwrap());
}

#[tokio::test]
async fn article_listing_is_newest_first_filtered_and_public() {
    let (_dir, store) = open().await;
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
        let store = &store;
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
    assert_eq!(list(ArticleQuery::default()).await, ids(&mut (0..30).rev()));
    assert_eq!(
        list(ArticleQuery {
            limit: 5,
            offset: 5,
            ..ArticleQuery::default()
        })
        .await,
        ids(&mut (20..25).rev())
    );
    assert_eq!(
        list(ArticleQuery {
            provider: Some("a.example".into()),
            topic: Some("Ports".into()),
            ..ArticleQuery::default()
        })
        .await,
        ids(&mut (0..30).rev().filter(|i| i % 6 == 0))
    );
    // 3 to 5 April: articles 4 to 9, by day of publication.
    let day = |d| Some(Utc.with_ymd_and_hms(2026, 4, d, 0, 0, 0).unwrap());
    let april = ArticleQuery {
        from: day(3),
        to: Some(Utc.with_ymd_and_hms(2026, 4, 5, 23, 59, 59).unwrap()),
        ..ArticleQuery::default()
    };
    assert_eq!(list(april.clone()).await, ids(&mut (4..10).rev()));
    assert_eq!(
        list(ArticleQuery {
            topic: Some("Trade".into()),
            ..april.clone()
        })
        .await,
        ["x09", "x07", "x05"]
    );

    // The public does not see unpublished articles, blocked providers or unpublished stories.
    store.set_article_published("x09", false).await.unwrap();
    store.set_provider_blocked("a.example", true).await.unwrap();
    store.set_story_published("story-x07", false).await.unwrap();
    assert_eq!(list(april.clone()).await, ["x08", "x05", "x04"]);
    let all = store
        .articles(&ArticleQuery {
            limit: 100,
            ..april
        })
        .await
        .unwrap();
    assert_eq!(all.len(), 6, "editors see every article");
}

#[tokio::test]
async fn a_moved_source_keeps_its_old_address_known_and_joins_one_already_at_the_new() {
    let (_dir, store) = open().await;
    let now = Utc::now();
    let source = |url: &str, group: &str| SourceRow {
        id: 0,
        url: url.into(),
        kind: "feed".into(),
        title: None,
        group: Some(group.into()),
        state: None,
        next_poll: now,
        last_error: None,
        enabled: true,
        created_at: now,
        last_round: None,
    };
    assert!(
        store
            .add_source(&source("https://a.example/feed", "A"))
            .await
            .unwrap()
    );
    let id = store.sources().await.unwrap()[0].id;
    assert_eq!(
        store
            .move_source(id, "https://a.example/rss")
            .await
            .unwrap(),
        SourceMove::Moved
    );
    let sources = store.sources().await.unwrap();
    assert_eq!(sources.len(), 1);
    assert_eq!(
        (sources[0].id, sources[0].url.as_str()),
        (id, "https://a.example/rss")
    );
    assert_eq!(sources[0].group.as_deref(), Some("A"));
    assert_eq!(
        store.former_source_urls(id).await.unwrap(),
        ["https://a.example/feed"]
    );
    // The old address is followed already, through the moved source.
    assert!(
        !store
            .add_source(&source("https://a.example/feed", "again"))
            .await
            .unwrap()
    );
    assert_eq!(store.sources().await.unwrap().len(), 1);

    // Moving onto another source's address keeps that one and folds this one into it.
    assert!(
        store
            .add_source(&source("https://b.example/feed", "B"))
            .await
            .unwrap()
    );
    let b = store.sources().await.unwrap()[1].id;
    assert_eq!(
        store.move_source(b, "https://a.example/rss").await.unwrap(),
        SourceMove::Joined { into: id }
    );
    let sources = store.sources().await.unwrap();
    assert_eq!(sources.len(), 1);
    assert_eq!(sources[0].id, id);
    assert_eq!(sources[0].group.as_deref(), Some("A"));
    assert_eq!(
        store.former_source_urls(id).await.unwrap().len(),
        2,
        "both old addresses are known as the kept source's"
    );
    assert!(
        !store
            .add_source(&source("https://b.example/feed", "B"))
            .await
            .unwrap()
    );
    assert_eq!(
        store.move_source(b, "https://c.example/").await.unwrap(),
        SourceMove::Missing
    );

    // A feed that moves back takes its old address again.
    assert_eq!(
        store
            .move_source(id, "https://a.example/feed")
            .await
            .unwrap(),
        SourceMove::Moved
    );
    assert_eq!(
        store.sources().await.unwrap()[0].url,
        "https://a.example/feed"
    );
    assert!(
        !store
            .former_source_urls(id)
            .await
            .unwrap()
            .contains(&"https://a.example/feed".to_string())
    );

    // Removing by a former address removes the source and its former addresses.
    assert!(store.remove_source("https://b.example/feed").await.unwrap());
    assert!(store.sources().await.unwrap().is_empty());
    assert!(
        store
            .add_source(&source("https://a.example/rss", "new"))
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn a_store_opened_read_only_reads_and_refuses_every_write() {
    let (dir, store) = open().await;
    let path = dir.path().join("nested/store.db");
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
