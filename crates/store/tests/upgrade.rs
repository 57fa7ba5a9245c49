//! Schema upgrades: a store left at each older schema version, with rows written as that
//! version's storyline wrote them, opens at the current version with every row readable and
//! takes new articles.

use chrono::{TimeZone, Utc};
use storyline_model::{Article, Provider, Story};
use storyline_store::{ArticleQuery, ArticleRow, Commit, SqliteStore, Store, StoryQuery};

/// 2026-05-12 09:00 UTC.
const PUBLISHED: i64 = 1_778_576_400;

/// Rows as a store at schema `version` holds them, in plain SQL of that version's schema.
///
/// Every version up to the current one shares these columns of `articles`, `stories`,
/// `story_links`, `sources` and `blocked_providers` (later ones only added columns with
/// defaults). A migration that changes what a row needs must make this branch on
/// `version`.
async fn write_rows_of_version(store: &SqliteStore, version: i64) {
    let pool = store.pool();
    let articles = [
        // id, story, title, body, domain
        (
            "a1",
            "s1",
            "Wind turbines return to the Kesvik coast",
            "The turbine maker restarted twelve units on Tuesday after a month of repairs.",
            "ledger.example",
        ),
        (
            "a2",
            "s1",
            "Kesvik turbines spin again",
            "Twelve turbines are back in service, the operator said.",
            "northgate.example",
        ),
        (
            "a3",
            "s3",
            "Harbor cranes idle in Port Aldine",
            "Dock workers stopped the cranes over a pay dispute.",
            "ledger.example",
        ),
    ];
    for (i, (id, story, title, body, domain)) in articles.iter().enumerate() {
        sqlx::query(
            "INSERT INTO articles (id, story_id, category, title, excerpt, body, published_at, \
             ingested_at, web_url, kind, quality, published, provider_name, provider_domain, \
             authors, topics, images, content_hash) \
             VALUES (?, ?, 'news', ?, ?, ?, ?, ?, ?, 'article', 50, 1, ?, ?, '[\"Desk\"]', \
             '[\"Energy\"]', '[]', ?)",
        )
        .bind(id)
        .bind(story)
        .bind(title)
        .bind(&body[..40])
        .bind(body)
        .bind(PUBLISHED + i as i64 * 60)
        .bind(PUBLISHED + i as i64 * 60 + 5)
        .bind(format!("https://{domain}/{id}"))
        .bind(domain)
        .bind(domain)
        .bind(format!("hash-{id}"))
        .execute(pool)
        .await
        .unwrap_or_else(|e| panic!("article {id} at version {version}: {e}"));
    }
    // Two live stories and one merged into the first.
    for (id, title, lead, count, providers, merged_into) in [
        ("s1", "Kesvik turbines restart", "a1", 2, 2, None),
        ("s3", "Port Aldine cranes idle", "a3", 1, 1, None),
        ("s0", "Turbine repairs", "a1", 0, 0, Some("s1")),
    ] {
        sqlx::query(
            "INSERT INTO stories (id, title, lead_article_id, heat, article_count, \
             provider_count, first_published, last_published, topics, published, pinned, \
             merged_into, updated_at) VALUES (?, ?, ?, 40, ?, ?, ?, ?, '[\"Energy\"]', 1, 0, ?, ?)",
        )
        .bind(id)
        .bind(title)
        .bind(lead)
        .bind(count)
        .bind(providers)
        .bind(PUBLISHED)
        .bind(PUBLISHED + 120)
        .bind(merged_into)
        .bind(PUBLISHED + 200)
        .execute(pool)
        .await
        .unwrap_or_else(|e| panic!("story {id} at version {version}: {e}"));
    }
    sqlx::query(
        "INSERT INTO story_links (story_id, related_story_id, score) VALUES ('s1', 's3', 0.5)",
    )
    .execute(pool)
    .await
    .unwrap_or_else(|e| panic!("story link at version {version}: {e}"));
    sqlx::query(
        "INSERT INTO sources (url, kind, title, group_name, state, next_poll, enabled, \
         created_at) VALUES ('https://ledger.example/feed.xml', 'rss', 'Ledger', 'Wires', \
         '{\"url\":\"https://ledger.example/feed.xml\"}', ?, 1, ?)",
    )
    .bind(PUBLISHED)
    .bind(PUBLISHED)
    .execute(pool)
    .await
    .unwrap_or_else(|e| panic!("source at version {version}: {e}"));
    sqlx::query("INSERT INTO blocked_providers (domain, blocked_at) VALUES ('spam.example', ?)")
        .bind(PUBLISHED)
        .execute(pool)
        .await
        .unwrap_or_else(|e| panic!("blocked provider at version {version}: {e}"));
}

fn new_article() -> ArticleRow {
    ArticleRow {
        article: Article {
            id: "a4".into(),
            category: "news".into(),
            title: "Glacier survey finds faster melt".into(),
            excerpt: "The survey team measured the glacier's retreat.".into(),
            body: "The survey team measured the glacier's retreat over the summer.".into(),
            published_date_time: Utc.timestamp_opt(PUBLISHED + 3600, 0).single(),
            web_url: Some("https://greenfront.example/a4".into()),
            kind: "article".into(),
            quality: Some(45),
            heat: -1,
            published: true,
            provider: Provider {
                name: "Greenfront".into(),
                domain: "greenfront.example".into(),
            },
            topics: vec!["Climate".into()],
            ..Article::default()
        },
        seq: 0,
        story_id: Some("s4".into()),
        duplicate_of: None,
        ingested_at: Utc::now(),
        content_hash: "hash-a4".into(),
        html: None,
        secured: None,
        feed_only: true,
    }
}

/// The articles a search index would be fed (visible ones, from the whole archive) whose
/// text holds `word`.
async fn search_ids(store: &SqliteStore, word: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut after = 0;
    loop {
        let (docs, scanned) = store
            .index_docs_after(after, 100)
            .await
            .unwrap_or_else(|e| panic!("index docs: {e}"));
        let Some(scanned) = scanned else { break };
        after = scanned;
        ids.extend(
            docs.into_iter()
                .filter(|d| {
                    format!("{} {}", d.title, d.body)
                        .to_lowercase()
                        .contains(word)
                })
                .map(|d| d.id),
        );
    }
    ids.sort();
    ids
}

/// Opens the store upgraded from `version` and checks every row written at that version.
async fn check_upgraded(store: &SqliteStore, version: i64) {
    let at = format!("upgraded from version {version}");
    assert_eq!(
        store.schema_version().await.unwrap(),
        SqliteStore::SCHEMA_VERSION,
        "{at}"
    );

    let a1 = store.article("a1").await.unwrap().expect(&at);
    assert_eq!(a1.article.title, "Wind turbines return to the Kesvik coast");
    assert_eq!(a1.story_id.as_deref(), Some("s1"));
    assert_eq!(a1.article.authors, ["Desk"]);
    assert_eq!(a1.article.topics, ["Energy"]);
    assert_eq!(
        a1.article.published_date_time,
        Utc.timestamp_opt(PUBLISHED, 0).single()
    );
    assert!(
        !a1.feed_only,
        "{at}: rows from before feed-only articles are full text"
    );
    assert_eq!(
        store
            .article_id_by_url("https://northgate.example/a2")
            .await
            .unwrap()
            .as_deref(),
        Some("a2"),
        "{at}"
    );

    // Stories: merges still resolve, members and links read back.
    let s1 = store.story("s0").await.unwrap().expect(&at);
    assert_eq!(s1.id, "s1", "{at}: a merged story leads to the survivor");
    assert_eq!(s1.article_count, 2);
    let members: Vec<String> = store
        .story_articles("s1")
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.article.id)
        .collect();
    assert_eq!(members, ["a1", "a2"], "{at}");
    let links = store.story_links("s1").await.unwrap();
    assert_eq!(links.len(), 1, "{at}");
    assert_eq!(links[0].related_story_id, "s3");
    let coverage = store.story_coverage("s1").await.unwrap().expect(&at);
    assert_eq!(coverage.articles.len(), 2);

    // What later migrations derive from the rows: search index, provider and topic counts,
    // a topic's stories, publication days.
    assert_eq!(search_ids(store, "turbines").await, ["a1", "a2"], "{at}");
    assert_eq!(search_ids(store, "cranes").await, ["a3"], "{at}");
    let providers = store.provider_counts(10).await.unwrap();
    let ledger = providers
        .iter()
        .find(|(p, _)| p.domain == "ledger.example")
        .unwrap_or_else(|| panic!("{at}: {providers:?}"));
    assert_eq!(ledger.1, 2, "{at}");
    assert_eq!(
        store.topic_counts(false, 10).await.unwrap(),
        [("Energy".to_string(), 2)],
        "{at}"
    );
    let mut energy: Vec<String> = store
        .stories(&StoryQuery {
            topic: Some("Energy".into()),
            ..StoryQuery::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    energy.sort();
    assert_eq!(energy, ["s1", "s3"], "{at}");
    let dated = store
        .articles(&ArticleQuery {
            from: Utc.timestamp_opt(PUBLISHED - 86_400, 0).single(),
            to: Utc.timestamp_opt(PUBLISHED + 86_400, 0).single(),
            limit: 10,
            ..ArticleQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(dated.len(), 3, "{at}");

    // Sources and blocks.
    let sources = store.sources().await.unwrap();
    assert_eq!(sources.len(), 1, "{at}");
    assert_eq!(sources[0].url, "https://ledger.example/feed.xml");
    assert_eq!(sources[0].group.as_deref(), Some("Wires"));
    assert_eq!(sources[0].last_round, None);
    assert!(
        store
            .former_source_urls(sources[0].id)
            .await
            .unwrap()
            .is_empty(),
        "{at}"
    );
    assert_eq!(store.blocked_providers().await.unwrap(), ["spam.example"]);

    // A new article commits beside the old ones and is found like them.
    store
        .commit(&Commit {
            articles: vec![new_article()],
            stories: vec![Story {
                id: "s4".into(),
                title: "Glacier melt".into(),
                heat: 30,
                lead_article_id: "a4".into(),
                article_count: 1,
                provider_count: 1,
                topics: vec!["Climate".into()],
                published: true,
                ..Story::default()
            }],
            ..Commit::default()
        })
        .await
        .unwrap_or_else(|e| panic!("{at}: commit: {e}"));
    let a4 = store.article("a4").await.unwrap().expect(&at);
    assert!(a4.feed_only);
    assert!(a4.seq > a1.seq, "{at}: arrival order goes on");
    assert_eq!(search_ids(store, "glacier").await, ["a4"], "{at}");
    assert_eq!(
        store.story("s4").await.unwrap().expect(&at).title,
        "Glacier melt"
    );
    let stats = store.stats().await.unwrap();
    assert_eq!(
        (stats.articles, stats.stories, stats.sources),
        (4, 3, 1),
        "{at}"
    );
    // Search moved out of the database: FTS5's table, view and triggers are gone, and every
    // article is in the change log a search index starts from.
    let leftovers: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sqlite_master WHERE name LIKE 'articles_fts%' OR name = 'articles_search'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(leftovers, 0, "{at}");
    let logged = store.search_changes(0, 100).await.unwrap();
    assert_eq!(logged.len(), 4, "{at}");
}

#[tokio::test]
async fn a_store_of_every_older_schema_version_upgrades_to_the_current_one() {
    const {
        assert!(
            SqliteStore::SCHEMA_VERSION >= 2,
            "there is an older version to upgrade from"
        )
    };
    for version in 1..SqliteStore::SCHEMA_VERSION {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        let old = SqliteStore::open_at_version(&path, version)
            .await
            .unwrap_or_else(|e| panic!("create at version {version}: {e}"));
        assert_eq!(old.schema_version().await.unwrap(), version);
        write_rows_of_version(&old, version).await;
        old.close().await;
        drop(old);

        let store = SqliteStore::open(&path)
            .await
            .unwrap_or_else(|e| panic!("upgrade from version {version}: {e}"));
        check_upgraded(&store, version).await;
        store.close().await;
        drop(store);

        // And once more: an upgraded store opens as it is.
        let again = SqliteStore::open(&path).await.unwrap();
        assert_eq!(
            again.stats().await.unwrap().articles,
            4,
            "version {version}"
        );
        again.close().await;
    }
}

#[tokio::test]
async fn a_store_is_never_migrated_past_the_version_asked_for_or_backwards() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    let current = SqliteStore::open(&path).await.unwrap();
    current.close().await;
    drop(current);
    // A current store opened "at version 1" stays current.
    let reopened = SqliteStore::open_at_version(&path, 1).await.unwrap();
    assert_eq!(
        reopened.schema_version().await.unwrap(),
        SqliteStore::SCHEMA_VERSION
    );
    reopened.close().await;
    let beyond = SqliteStore::open_at_version(&path, SqliteStore::SCHEMA_VERSION + 1).await;
    assert!(beyond.is_err(), "a version this build does not know");
}
