//! The serving reads added for the web front end: topic and provider directories with counts,
//! the coverage of many stories in one call, a story with its coverage, and stories by id.

use chrono::{TimeZone, Utc};
use storyline_model::{Article, Provider, Story, StoryLink};
use storyline_store::{ArticleRow, Commit, SqliteStore, Store, StoryQuery};

fn article(id: &str, story: &str, domain: &str, topics: &[&str], hour: u32) -> ArticleRow {
    ArticleRow {
        article: Article {
            id: id.into(),
            category: "news".into(),
            title: format!("Piece {id}"),
            excerpt: "An excerpt.".into(),
            body: "Body text of the piece.".into(),
            published_date_time: Some(Utc.with_ymd_and_hms(2026, 5, 12, hour, 0, 0).unwrap()),
            web_url: Some(format!("https://{domain}/{id}")),
            kind: "article".into(),
            quality: Some(50),
            heat: -1,
            published: true,
            provider: Provider {
                name: format!("Name of {domain}"),
                domain: domain.into(),
            },
            topics: topics.iter().map(|t| t.to_string()).collect(),
            ..Article::default()
        },
        seq: 0,
        story_id: Some(story.into()),
        duplicate_of: None,
        ingested_at: Utc::now(),
        content_hash: format!("hash-{id}"),
        html: None,
        secured: None,
        feed_only: false,
    }
}

fn story(id: &str, lead: &str, count: u32, topics: &[&str], published: bool) -> Story {
    Story {
        id: id.into(),
        title: format!("Story {id}"),
        heat: 50,
        lead_article_id: lead.into(),
        article_count: count,
        provider_count: count,
        topics: topics.iter().map(|t| t.to_string()).collect(),
        published,
        ..Story::default()
    }
}

async fn filled() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("serving.db"))
        .await
        .unwrap();
    let commit = Commit {
        articles: vec![
            article("a1", "s1", "ledgerwire.example", &["AI"], 9),
            article("a2", "s1", "civicpost.example", &["AI"], 8),
            article("a3", "s2", "civicpost.example", &["Energy"], 7),
            article("a4", "s3", "civicpost.example", &["AI"], 6),
        ],
        stories: vec![
            story("s1", "a1", 2, &["AI", "Funding"], true),
            story("s2", "a3", 1, &["Energy"], true),
            story("s3", "a4", 1, &["AI"], false),
        ],
        ..Commit::default()
    };
    store.commit(&commit).await.unwrap();
    (dir, store)
}

#[tokio::test]
async fn topic_counts_count_live_stories_and_respect_the_published_flag() {
    let (_dir, store) = filled().await;
    let all = store.topic_counts(false, 10).await.unwrap();
    assert_eq!(all[0], ("AI".to_string(), 2));
    let public = store.topic_counts(true, 10).await.unwrap();
    assert!(public.contains(&("AI".to_string(), 1)));
    assert!(public.contains(&("Energy".to_string(), 1)));
    assert_eq!(store.topic_counts(true, 1).await.unwrap().len(), 1);
    // A merged story no longer counts.
    store
        .commit(&Commit {
            merges: vec![("s2".into(), "s1".into())],
            ..Commit::default()
        })
        .await
        .unwrap();
    let after = store.topic_counts(true, 10).await.unwrap();
    assert!(!after.iter().any(|(t, _)| t == "Energy"));
}

#[tokio::test]
async fn provider_counts_rank_outlets_by_articles() {
    let (_dir, store) = filled().await;
    let providers = store.provider_counts(10).await.unwrap();
    assert_eq!(providers[0].0.domain, "civicpost.example");
    assert_eq!(providers[0].0.name, "Name of civicpost.example");
    assert_eq!(providers[0].1, 3);
    assert_eq!(providers[1].1, 1);
    // Counts follow new articles (a repeated id adds nothing), and the latest name wins.
    let mut renamed = article("a5", "s2", "ledgerwire.example", &["AI"], 5);
    renamed.article.provider.name = "LedgerWire".into();
    let mut again = article("a1", "s1", "ledgerwire.example", &["AI"], 9);
    again.article.provider.name = "Not counted".into();
    let more = vec![
        renamed,
        again,
        article("a6", "s2", "ledgerwire.example", &["AI"], 4),
        article("a7", "s2", "ledgerwire.example", &["AI"], 3),
    ];
    store
        .commit(&Commit {
            articles: more,
            ..Commit::default()
        })
        .await
        .unwrap();
    let providers = store.provider_counts(1).await.unwrap();
    assert_eq!(providers.len(), 1);
    assert_eq!(providers[0].0.domain, "ledgerwire.example");
    assert_eq!(providers[0].1, 4);

    // An outlet named without its address is found by its latest name, case and "The"
    // aside.
    for name in [
        "Name of ledgerwire.example",
        "The name of LEDGERWIRE.example",
        " name of ledgerwire.example ",
    ] {
        let domain = store.provider_domain_named(name).await.unwrap();
        assert_eq!(domain.as_deref(), Some("ledgerwire.example"), "{name:?}");
    }
    assert_eq!(
        store.provider_domain_named("LedgerWire").await.unwrap(),
        None
    );
    assert_eq!(store.provider_domain_named("").await.unwrap(), None);
}

#[tokio::test]
async fn articles_of_stories_returns_each_storys_coverage_oldest_first() {
    let (_dir, store) = filled().await;
    let rows = store
        .articles_of_stories(&["s1".into(), "s2".into(), "missing".into()])
        .await
        .unwrap();
    let ids: Vec<&str> = rows.iter().map(|r| r.article.id.as_str()).collect();
    assert_eq!(ids, vec!["a2", "a1", "a3"]);
    assert!(store.articles_of_stories(&[]).await.unwrap().is_empty());
}

#[tokio::test]
async fn story_coverage_follows_merges_and_lists_coverage_oldest_first() {
    let (_dir, store) = filled().await;
    let coverage = store.story_coverage("s1").await.unwrap().unwrap();
    assert_eq!(coverage.story.id, "s1");
    let rows = coverage.articles;
    let ids: Vec<&str> = rows.iter().map(|r| r.article.id.as_str()).collect();
    assert_eq!(ids, vec!["a2", "a1"]);
    assert_eq!(rows[0].article.excerpt, "An excerpt.");
    assert!(coverage.links.is_empty());
    assert!(store.story_coverage("missing").await.unwrap().is_none());
    store
        .commit(&Commit {
            links: vec![(
                "s3".into(),
                vec![StoryLink {
                    story_id: "s3".into(),
                    related_story_id: "s1".into(),
                    score: 0.4,
                }],
            )],
            ..Commit::default()
        })
        .await
        .unwrap();
    let linked = store.story_coverage("s1").await.unwrap().unwrap();
    let related: Vec<&str> = linked
        .links
        .iter()
        .map(|l| l.related_story_id.as_str())
        .collect();
    assert_eq!(related, ["s3"], "links are read from either end");
    store
        .commit(&Commit {
            merges: vec![("s2".into(), "s1".into())],
            ..Commit::default()
        })
        .await
        .unwrap();
    let survivor = store.story_coverage("s2").await.unwrap().unwrap();
    assert_eq!(survivor.story.id, "s1", "a merged id leads to the survivor");
    assert_eq!(survivor.articles.len(), 3);
}

#[tokio::test]
async fn stories_by_ids_answers_each_id_in_order() {
    let (_dir, store) = filled().await;
    store
        .commit(&Commit {
            merges: vec![("s2".into(), "s1".into())],
            ..Commit::default()
        })
        .await
        .unwrap();
    let asked: Vec<String> = ["s3", "missing", "s2", "s1"].map(String::from).to_vec();
    let found = store.stories_by_ids(&asked).await.unwrap();
    let ids: Vec<Option<&str>> = found
        .iter()
        .map(|s| s.as_ref().map(|s| s.id.as_str()))
        .collect();
    assert_eq!(ids, vec![Some("s3"), None, Some("s1"), Some("s1")]);
    assert!(store.stories_by_ids(&[]).await.unwrap().is_empty());
}

/// The topic counts as a scan of every story gives them (the query the kept counts replace).
async fn scanned_topic_counts(store: &SqliteStore, published_only: bool) -> Vec<(String, u64)> {
    let published = if published_only {
        " AND s.published = 1"
    } else {
        ""
    };
    let rows: Vec<(String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT t.value, COUNT(*) AS n FROM stories s, \
         json_each(CASE WHEN json_valid(s.topics) THEN s.topics ELSE '[]' END) t \
         WHERE s.merged_into IS NULL AND s.article_count > 0{published} \
         GROUP BY t.value ORDER BY n DESC, t.value"
    )))
    .fetch_all(store.pool())
    .await
    .unwrap();
    rows.into_iter().map(|(t, n)| (t, n as u64)).collect()
}

#[tokio::test]
async fn kept_topic_counts_always_equal_a_scan_of_the_stories() {
    let (_dir, store) = filled().await;
    let check = |step: &'static str| {
        let store = &store;
        async move {
            for published_only in [false, true] {
                assert_eq!(
                    store.topic_counts(published_only, 100).await.unwrap(),
                    scanned_topic_counts(store, published_only).await,
                    "after {step} (published only: {published_only})"
                );
            }
            // The per-story rows behind topic pages, against the same scan.
            let kept: Vec<(String, String)> =
                sqlx::query_as("SELECT topic, story_id FROM story_topics ORDER BY 1, 2")
                    .fetch_all(store.pool())
                    .await
                    .unwrap();
            let scanned: Vec<(String, String)> = sqlx::query_as(
                "SELECT DISTINCT t.value, s.id FROM stories s, \
                 json_each(CASE WHEN json_valid(s.topics) THEN s.topics ELSE '[]' END) t \
                 WHERE s.merged_into IS NULL AND s.article_count > 0 ORDER BY 1, 2",
            )
            .fetch_all(store.pool())
            .await
            .unwrap();
            assert_eq!(kept, scanned, "story topics after {step}");
            // A topic page lists what walking every story would.
            for topic in ["AI", "Chips", "Energy", "Funding", "Nowhere"] {
                let q = StoryQuery {
                    topic: Some(topic.into()),
                    published_only: false,
                    ..StoryQuery::default()
                };
                let listed: Vec<String> = store
                    .stories(&q)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|s| s.id)
                    .collect();
                let walked: Vec<String> = scanned
                    .iter()
                    .filter(|(t, _)| t == topic)
                    .map(|(_, id)| id.clone())
                    .collect();
                let mut sorted = listed.clone();
                sorted.sort();
                assert_eq!(sorted, walked, "topic {topic} after {step}");
            }
        }
    };
    check("the first commit").await;
    // The pipeline rewrites a story's summary with other topics.
    let rewrite = |topics: &[&str]| Commit {
        stories: vec![story("s1", "a1", 2, topics, true)],
        ..Commit::default()
    };
    store.commit(&rewrite(&["AI", "Chips"])).await.unwrap();
    check("new topics").await;
    store.commit(&rewrite(&["Chips", "Chips"])).await.unwrap();
    check("a topic listed twice").await;
    assert!(store.set_story_published("s1", false).await.unwrap());
    check("unpublishing").await;
    assert!(store.set_story_published("s3", true).await.unwrap());
    check("publishing").await;
    store
        .commit(&Commit {
            merges: vec![("s2".into(), "s1".into())],
            ..Commit::default()
        })
        .await
        .unwrap();
    check("a merge").await;
    // Hand edits: topics that are not JSON, an emptied story, a deleted one.
    for sql in [
        "UPDATE stories SET topics = 'not json' WHERE id = 's3'",
        "UPDATE stories SET topics = '[\"Energy\"]' WHERE id = 's3'",
        "UPDATE stories SET article_count = 0 WHERE id = 's3'",
        "UPDATE stories SET article_count = 1 WHERE id = 's3'",
        "DELETE FROM articles WHERE story_id = 's1'",
        "DELETE FROM stories WHERE id = 's1'",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(store.pool())
            .await
            .unwrap();
        check(sql).await;
    }
    assert_eq!(
        store.topic_counts(false, 100).await.unwrap(),
        [("Energy".to_string(), 1)]
    );
}

#[tokio::test]
async fn story_lists_by_topic_and_provider_agree_whichever_end_they_start_from() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("lists.db"))
        .await
        .unwrap();
    // 2,100 stories: every one is "Big" (more than a small filter's 2,000, so listed by
    // walking the heat order) and every 100th also "Rare" (listed from its own rows); every
    // story has one article from the big outlet, every 100th one more from the small one.
    let mut commit = Commit::default();
    for n in 0..2_100u32 {
        let id = format!("s{n:04}");
        let rare = n.is_multiple_of(100);
        let topics: &[&str] = if rare { &["Big", "Rare"] } else { &["Big"] };
        commit
            .articles
            .push(article(&format!("a{n:04}"), &id, "big.example", topics, 9));
        if rare {
            commit.articles.push(article(
                &format!("r{n:04}"),
                &id,
                "small.example",
                topics,
                10,
            ));
        }
        let mut s = story(&id, &format!("a{n:04}"), 1, topics, true);
        // Distinct heats, not in id order.
        s.heat = ((n * 37) % 2_100) as i32;
        commit.stories.push(s);
    }
    store.commit(&commit).await.unwrap();
    let by_heat = |filter: &dyn Fn(u32) -> bool| -> Vec<String> {
        let mut all: Vec<(i32, String)> = (0..2_100u32)
            .filter(|&n| filter(n))
            .map(|n| (((n * 37) % 2_100) as i32, format!("s{n:04}")))
            .collect();
        all.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        all.into_iter().take(31).map(|(_, id)| id).collect()
    };
    let list = |topic: Option<&str>, provider: Option<&str>| {
        let store = &store;
        let q = StoryQuery {
            limit: 31,
            offset: 0,
            published_only: true,
            topic: topic.map(str::to_string),
            provider: provider.map(str::to_string),
            entity: None,
        };
        async move {
            store
                .stories(&q)
                .await
                .unwrap()
                .into_iter()
                .map(|s| s.id)
                .collect::<Vec<_>>()
        }
    };
    let every = |_: u32| true;
    let rare = |n: u32| n.is_multiple_of(100);
    assert_eq!(list(Some("Big"), None).await, by_heat(&every));
    assert_eq!(list(Some("Rare"), None).await, by_heat(&rare));
    assert_eq!(list(None, Some("big.example")).await, by_heat(&every));
    assert_eq!(list(None, Some("small.example")).await, by_heat(&rare));
    assert_eq!(
        list(Some("Big"), Some("small.example")).await,
        by_heat(&rare)
    );
    assert_eq!(
        list(Some("Rare"), Some("big.example")).await,
        by_heat(&rare)
    );
    assert!(list(Some("Nowhere"), None).await.is_empty());
    assert!(list(None, Some("nowhere.example")).await.is_empty());
}
