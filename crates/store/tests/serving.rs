//! The serving reads added for the web front end: topic and provider directories with counts,
//! the coverage of many stories in one call, a story with its coverage, and stories by id.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{TimeZone, Utc};
use common::Backend;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, FromRow};
use storyline_model::{Article, Provider, Story, StoryLink};
use storyline_store::{ArticleRow, Commit, Store, StoryQuery};

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

/// Three stories over two outlets: s1 (published; AI, Funding) has a1 and a2, s2
/// (published; Energy) has a3, s3 (not published; AI) has a4.
async fn fill(store: &dyn Store) {
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
}

/// Every backend, filled.
async fn filled() -> Vec<Backend> {
    let all = common::backends().await;
    for b in &all {
        fill(&*b.store).await;
    }
    all
}

/// The rows of `sql` (written so both stores take it) straight from the backend's database.
async fn raw_rows<T>(b: &Backend, sql: &str) -> Vec<T>
where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin,
{
    let sql = AssertSqlSafe(sql.to_string());
    match (&b.sqlite, &b.postgres) {
        (Some(s), _) => sqlx::query_as(sql).fetch_all(s.pool()).await,
        (_, Some(p)) => sqlx::query_as(sql).fetch_all(p.pool()).await,
        _ => unreachable!("a backend is one of the two"),
    }
    .unwrap_or_else(|e| panic!("{}: {e}", b.name))
}

/// Runs `sql` (written so both stores take it) on the backend's database.
async fn raw_execute(b: &Backend, sql: &str) {
    let query = AssertSqlSafe(sql.to_string());
    match (&b.sqlite, &b.postgres) {
        (Some(s), _) => sqlx::query(query).execute(s.pool()).await.map(drop),
        (_, Some(p)) => sqlx::query(query).execute(p.pool()).await.map(drop),
        _ => unreachable!("a backend is one of the two"),
    }
    .unwrap_or_else(|e| panic!("{}: {sql}: {e}", b.name));
}

#[tokio::test]
async fn topic_counts_count_live_stories_and_respect_the_published_flag() {
    for b in filled().await {
        let store = &*b.store;
        let name = b.name;
        let all = store.topic_counts(false, 10).await.unwrap();
        assert_eq!(all[0], ("AI".to_string(), 2), "{name}");
        let public = store.topic_counts(true, 10).await.unwrap();
        assert!(public.contains(&("AI".to_string(), 1)), "{name}");
        assert!(public.contains(&("Energy".to_string(), 1)), "{name}");
        assert_eq!(
            store.topic_counts(true, 1).await.unwrap().len(),
            1,
            "{name}"
        );
        assert!(
            store.topic_counts(true, 0).await.unwrap().is_empty(),
            "{name}"
        );
        // A merged story no longer counts.
        store
            .commit(&Commit {
                merges: vec![("s2".into(), "s1".into())],
                ..Commit::default()
            })
            .await
            .unwrap();
        let after = store.topic_counts(true, 10).await.unwrap();
        assert!(
            !after.iter().any(|(t, _)| t == "Energy"),
            "{name}: {after:?}"
        );
    }
}

#[tokio::test]
async fn provider_counts_rank_outlets_by_articles() {
    for b in filled().await {
        let store = &*b.store;
        let name = b.name;
        let providers = store.provider_counts(10).await.unwrap();
        assert_eq!(providers[0].0.domain, "civicpost.example", "{name}");
        assert_eq!(providers[0].0.name, "Name of civicpost.example", "{name}");
        assert_eq!(providers[0].1, 3, "{name}");
        assert_eq!(providers[1].1, 1, "{name}");
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
        assert_eq!(providers.len(), 1, "{name}");
        assert_eq!(providers[0].0.domain, "ledgerwire.example", "{name}");
        assert_eq!(providers[0].1, 4, "{name}");

        // An outlet named without its address is found by its latest name, case and "The"
        // aside.
        for outlet in [
            "Name of ledgerwire.example",
            "The name of LEDGERWIRE.example",
            " name of ledgerwire.example ",
        ] {
            let domain = store.provider_domain_named(outlet).await.unwrap();
            assert_eq!(
                domain.as_deref(),
                Some("ledgerwire.example"),
                "{name}: {outlet:?}"
            );
        }
        assert_eq!(
            store.provider_domain_named("LedgerWire").await.unwrap(),
            None,
            "{name}"
        );
        assert_eq!(
            store.provider_domain_named("").await.unwrap(),
            None,
            "{name}"
        );
    }
}

#[tokio::test]
async fn articles_of_stories_returns_each_storys_coverage_oldest_first() {
    for b in filled().await {
        let store = &*b.store;
        let name = b.name;
        let rows = store
            .articles_of_stories(&["s2".into(), "s1".into(), "missing".into()])
            .await
            .unwrap();
        let ids: Vec<&str> = rows.iter().map(|r| r.article.id.as_str()).collect();
        assert_eq!(ids, vec!["a2", "a1", "a3"], "{name}");
        // Cards show no text: the body is left out, the rest is read.
        assert!(rows[0].article.body.is_empty(), "{name}");
        assert_eq!(rows[0].article.excerpt, "An excerpt.", "{name}");
        assert_eq!(rows[0].article.topics, ["AI"], "{name}");
        assert!(rows[0].article.published && !rows[0].feed_only, "{name}");
        assert!(
            store.articles_of_stories(&[]).await.unwrap().is_empty(),
            "{name}"
        );
        assert!(
            store
                .articles_of_stories(&["nul\0id".into()])
                .await
                .unwrap()
                .is_empty(),
            "{name}"
        );
    }
}

#[tokio::test]
async fn articles_of_stories_takes_at_most_two_hundred_stories() {
    for b in common::backends().await {
        let store = &*b.store;
        let name = b.name;
        let mut commit = Commit::default();
        for n in 0..201 {
            let id = format!("s{n:03}");
            let lead = format!("a{n:03}");
            commit
                .articles
                .push(article(&lead, &id, "ledgerwire.example", &["AI"], 9));
            commit.stories.push(story(&id, &lead, 1, &["AI"], true));
        }
        store.commit(&commit).await.unwrap();
        let asked: Vec<String> = (0..201).map(|n| format!("s{n:03}")).collect();
        let rows = store.articles_of_stories(&asked).await.unwrap();
        assert_eq!(rows.len(), 200, "{name}");
        assert_eq!(rows[199].article.id, "a199", "{name}");
        let found = store.stories_by_ids(&asked).await.unwrap();
        assert_eq!(found.len(), 201, "{name}");
        assert!(found[..200].iter().all(Option::is_some), "{name}");
        assert!(found[200].is_none(), "{name}: past the 200th");
    }
}
#[tokio::test]
async fn story_coverage_follows_merges_and_lists_coverage_oldest_first() {
    for b in filled().await {
        let store = &*b.store;
        let name = b.name;
        let coverage = store.story_coverage("s1").await.unwrap().unwrap();
        assert_eq!(coverage.story.id, "s1", "{name}");
        assert_eq!(coverage.story.topics, ["AI", "Funding"], "{name}");
        assert!(coverage.story.published && !coverage.story.pinned, "{name}");
        let rows = coverage.articles;
        let ids: Vec<&str> = rows.iter().map(|r| r.article.id.as_str()).collect();
        assert_eq!(ids, vec!["a2", "a1"], "{name}");
        assert_eq!(rows[0].article.excerpt, "An excerpt.", "{name}");
        assert!(coverage.links.is_empty(), "{name}");
        assert!(
            store.story_coverage("missing").await.unwrap().is_none(),
            "{name}"
        );
        // PostgreSQL's text holds no NUL, so it is left out of what is written and looked
        // up there; SQLite compares the id as given. Neither fails.
        let with_nul = store
            .story_coverage("s1\0")
            .await
            .unwrap()
            .map(|c| c.story.id);
        let expected = b.postgres.as_ref().map(|_| "s1".to_string());
        assert_eq!(with_nul, expected, "{name}");
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
        assert_eq!(related, ["s3"], "{name}: links are read from either end");
        store
            .commit(&Commit {
                merges: vec![("s2".into(), "s1".into())],
                ..Commit::default()
            })
            .await
            .unwrap();
        let survivor = store.story_coverage("s2").await.unwrap().unwrap();
        assert_eq!(
            survivor.story.id, "s1",
            "{name}: a merged id leads to the survivor"
        );
        assert_eq!(survivor.articles.len(), 3, "{name}");
        // A chain of merges is followed to its end.
        store
            .commit(&Commit {
                merges: vec![("s1".into(), "s3".into())],
                ..Commit::default()
            })
            .await
            .unwrap();
        let end = store.story_coverage("s2").await.unwrap().unwrap();
        assert_eq!(end.story.id, "s3", "{name}");
        assert_eq!(end.articles.len(), 4, "{name}");
    }
}

#[tokio::test]
async fn stories_by_ids_answers_each_id_in_order() {
    for b in filled().await {
        let store = &*b.store;
        let name = b.name;
        store
            .commit(&Commit {
                merges: vec![("s2".into(), "s1".into())],
                ..Commit::default()
            })
            .await
            .unwrap();
        let asked: Vec<String> = ["s3", "missing", "s2", "s1", "s3"]
            .map(String::from)
            .to_vec();
        let found = store.stories_by_ids(&asked).await.unwrap();
        let ids: Vec<Option<&str>> = found
            .iter()
            .map(|s| s.as_ref().map(|s| s.id.as_str()))
            .collect();
        assert_eq!(
            ids,
            vec![Some("s3"), None, Some("s1"), Some("s1"), Some("s3")],
            "{name}"
        );
        assert!(!found[0].as_ref().unwrap().published, "{name}");
        assert!(
            store.stories_by_ids(&[]).await.unwrap().is_empty(),
            "{name}"
        );
    }
}

/// Each story as stored: id, topics (as written), editorial flag, redirect, article count.
type StoredStory = (String, String, i64, Option<String>, i64);

/// The strings of a story's topics as stored (none when they are not a JSON list).
fn listed(topics: &str) -> Vec<String> {
    match serde_json::from_str::<serde_json::Value>(topics) {
        Ok(serde_json::Value::Array(items)) => items
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// The topic counts and each live story's topics as a scan of every story gives them (what
/// the kept counts replace): every listing of a topic counts, and a story is under a topic
/// once.
async fn scanned(b: &Backend) -> (BTreeMap<bool, Vec<(String, u64)>>, Vec<(String, String)>) {
    let stories: Vec<StoredStory> = raw_rows(
        b,
        "SELECT id, topics, published, merged_into, article_count FROM stories",
    )
    .await;
    let mut counts = BTreeMap::new();
    for published_only in [false, true] {
        let mut per_topic: BTreeMap<String, u64> = BTreeMap::new();
        for (_, topics, published, merged_into, articles) in &stories {
            if merged_into.is_some() || *articles <= 0 || (published_only && *published != 1) {
                continue;
            }
            for topic in listed(topics) {
                *per_topic.entry(topic).or_default() += 1;
            }
        }
        let mut sorted: Vec<(String, u64)> = per_topic.into_iter().collect();
        sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        counts.insert(published_only, sorted);
    }
    let mut pairs = BTreeSet::new();
    for (id, topics, _, merged_into, articles) in &stories {
        if merged_into.is_none() && *articles > 0 {
            for topic in listed(topics) {
                pairs.insert((topic, id.clone()));
            }
        }
    }
    (counts, pairs.into_iter().collect())
}

#[tokio::test]
async fn kept_topic_counts_always_equal_a_scan_of_the_stories() {
    for b in filled().await {
        let store = &*b.store;
        let name = b.name;
        let check = |step: &'static str| {
            let b = &b;
            async move {
                let (counts, scanned_pairs) = scanned(b).await;
                for published_only in [false, true] {
                    assert_eq!(
                        b.store.topic_counts(published_only, 100).await.unwrap(),
                        counts[&published_only],
                        "{name}: after {step} (published only: {published_only})"
                    );
                }
                // The per-story rows behind topic pages, against the same scan.
                let kept: Vec<(String, String)> = raw_rows(
                    b,
                    "SELECT topic, story_id FROM story_topics ORDER BY topic, story_id",
                )
                .await;
                assert_eq!(kept, scanned_pairs, "{name}: story topics after {step}");
                // A topic page lists what walking every story would.
                for topic in ["AI", "Chips", "Energy", "Funding", "Nowhere"] {
                    let q = StoryQuery {
                        topic: Some(topic.into()),
                        published_only: false,
                        ..StoryQuery::default()
                    };
                    let mut listed: Vec<String> = b
                        .store
                        .stories(&q)
                        .await
                        .unwrap()
                        .into_iter()
                        .map(|s| s.id)
                        .collect();
                    listed.sort();
                    let walked: Vec<String> = scanned_pairs
                        .iter()
                        .filter(|(t, _)| t == topic)
                        .map(|(_, id)| id.clone())
                        .collect();
                    assert_eq!(listed, walked, "{name}: topic {topic} after {step}");
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
        assert!(
            store.set_story_published("s1", false).await.unwrap(),
            "{name}"
        );
        check("unpublishing").await;
        assert!(
            store.set_story_published("s3", true).await.unwrap(),
            "{name}"
        );
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
            raw_execute(&b, sql).await;
            check(sql).await;
        }
        assert_eq!(
            store.topic_counts(false, 100).await.unwrap(),
            [("Energy".to_string(), 1)],
            "{name}"
        );
    }
}

#[tokio::test]
async fn story_lists_by_topic_and_provider_agree_whichever_end_they_start_from() {
    for b in common::backends().await {
        let store = &*b.store;
        let name = b.name;
        // 2,100 stories: every one is "Big" (more than a small filter's 2,000, so listed by
        // walking the heat order) and every 100th also "Rare" (listed from its own rows);
        // every story has one article from the big outlet, every 100th one more from the
        // small one.
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
        assert_eq!(list(Some("Big"), None).await, by_heat(&every), "{name}");
        assert_eq!(list(Some("Rare"), None).await, by_heat(&rare), "{name}");
        assert_eq!(
            list(None, Some("big.example")).await,
            by_heat(&every),
            "{name}"
        );
        assert_eq!(
            list(None, Some("small.example")).await,
            by_heat(&rare),
            "{name}"
        );
        assert_eq!(
            list(Some("Big"), Some("small.example")).await,
            by_heat(&rare),
            "{name}"
        );
        assert_eq!(
            list(Some("Rare"), Some("big.example")).await,
            by_heat(&rare),
            "{name}"
        );
        assert!(list(Some("Nowhere"), None).await.is_empty(), "{name}");
        assert!(
            list(None, Some("nowhere.example")).await.is_empty(),
            "{name}"
        );
    }
}
