//! Copying a SQLite store into PostgreSQL: every base row arrives with its keys, the derived
//! tables the triggers build agree with the SQLite store's, new rows continue the numbering
//! after the copied keys (past removed ones too), NULs in text do not stop the copy, a target
//! that already holds a store is refused, and a copy whose counts disagree keeps nothing.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use sqlx::Row;
use storyline_model::{Article, Provenance, Provider, Story, StoryLink};
use storyline_store::{
    ArticleRow, Commit, CopyProgress, EntityMention, PgStore, Role, SourceMove, SourceRow,
    SqliteStore, Store, StoreError, copy_sqlite_to_postgres,
};

fn at(minute: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 12, 8, 0, 0).unwrap() + Duration::minutes(minute)
}

const FEED_A: &str = "https://a.example/feed";
const FEED_B: &str = "https://b.example/feed";
const FEED_B_NEW: &str = "https://b.example/rss";
const FEED_C: &str = "https://c.example/feed";

fn article(id: &str, story: &str, outlet: &str, feed: Option<&str>, day: i64) -> ArticleRow {
    ArticleRow {
        article: Article {
            id: id.into(),
            category: "news".into(),
            title: format!("Piece {id}"),
            excerpt: "An excerpt.".into(),
            body: format!("Body text of piece {id}."),
            published_date_time: Some(at(day * 24 * 60)),
            web_url: Some(format!("https://{outlet}/{id}")),
            kind: "article".into(),
            quality: Some(50),
            heat: -1,
            published: true,
            provider: Provider {
                name: format!("The {outlet}"),
                domain: outlet.into(),
            },
            topics: vec!["science".into(), format!("topic-{story}")],
            authors: vec!["A. Writer".into()],
            language: Some("en".into()),
            provenance: Provenance {
                feed_url: feed.map(String::from),
                ..Provenance::default()
            },
            ..Article::default()
        },
        seq: 0,
        story_id: Some(story.into()),
        duplicate_of: None,
        ingested_at: at(day * 24 * 60 + 5),
        content_hash: format!("hash-{id}"),
        html: Some(format!("<p>Body text of piece {id}.</p>")),
        secured: None,
        feed_only: false,
    }
}

fn story(id: &str, lead: &str, heat: i32, articles: u32) -> Story {
    Story {
        id: id.into(),
        title: format!("Story {id}"),
        heat,
        lead_article_id: lead.into(),
        article_count: articles,
        provider_count: 1,
        first_published: Some(at(0)),
        last_published: Some(at(60)),
        topics: vec!["science".into(), format!("topic-{id}")],
        published: true,
        ..Story::default()
    }
}

fn source(url: &str, group: &str) -> SourceRow {
    SourceRow {
        id: 0,
        url: url.into(),
        kind: "feed".into(),
        title: Some(format!("Feed {url}")),
        group: Some(group.into()),
        state: Some("{\"etag\":\"x\"}".into()),
        next_poll: at(0),
        last_error: None,
        enabled: true,
        created_at: at(0),
        last_round: None,
    }
}

/// A SQLite store with something in every base table: stories (one merged into another,
/// linked ones), articles from three outlets (one a syndicated copy, one with a NUL in its
/// text, one removed again), sources (one moved, one removed), a blocked provider, users
/// (one removed) with marks, and entities.
async fn filled(dir: &std::path::Path) -> SqliteStore {
    let store = SqliteStore::open(&dir.join("store.db")).await.unwrap();
    assert!(store.add_source(&source(FEED_A, "World")).await.unwrap());
    assert!(store.add_source(&source(FEED_B, "Tech")).await.unwrap());
    assert!(store.add_source(&source(FEED_C, "Tech")).await.unwrap());
    let b = store
        .sources()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.url == FEED_B)
        .unwrap();
    assert_eq!(
        store.move_source(b.id, FEED_B_NEW).await.unwrap(),
        SourceMove::Moved
    );
    // The last source is removed: its id is never handed out again.
    assert!(store.remove_source(FEED_C).await.unwrap());

    let mut copy = article("b1", "s1", "b.example", Some(FEED_B_NEW), 0);
    copy.duplicate_of = Some("a1".into());
    let mut nul = article("c1", "s3", "c.example", None, 2);
    nul.article.body = "Before\0after.".into();
    nul.article.title = "A title\0 with a NUL".into();
    store
        .commit(&Commit {
            articles: vec![
                article("a1", "s1", "a.example", Some(FEED_A), 0),
                copy,
                article("a2", "s2", "a.example", Some(FEED_A), 1),
                article("b2", "s2", "b.example", Some(FEED_B_NEW), 1),
                nul,
                article("gone", "s3", "c.example", None, 3),
            ],
            stories: vec![
                story("s1", "a1", 80, 2),
                story("s2", "a2", 60, 2),
                story("s3", "c1", 40, 2),
            ],
            links: vec![(
                "s1".into(),
                vec![StoryLink {
                    story_id: "s1".into(),
                    related_story_id: "s3".into(),
                    score: 0.42,
                }],
            )],
            entities: vec![
                (
                    "a1".into(),
                    vec![EntityMention {
                        slug: "moonshot-ai".into(),
                        name: "Moonshot AI".into(),
                        kind: "organization".into(),
                        mentions: 3,
                    }],
                ),
                (
                    "a2".into(),
                    vec![
                        EntityMention {
                            slug: "moonshot-ai".into(),
                            name: "Moonshot AI".into(),
                            kind: "organization".into(),
                            mentions: 1,
                        },
                        EntityMention {
                            slug: "beijing".into(),
                            name: "Beijing".into(),
                            kind: "place".into(),
                            mentions: 2,
                        },
                    ],
                ),
            ],
            source_records: vec![("a1".into(), "---\ntitle: Piece a1\n---\nBody".into())],
            ..Commit::default()
        })
        .await
        .unwrap();
    // s2 is merged into s1: its row stays and redirects.
    store
        .commit(&Commit {
            moves: vec![("a2".into(), "s1".into()), ("b2".into(), "s1".into())],
            merges: vec![("s2".into(), "s1".into())],
            stories: vec![story("s1", "a1", 90, 4)],
            ..Commit::default()
        })
        .await
        .unwrap();
    // The newest article is removed again (as an editor's delete would): its seq is never
    // handed out again either.
    sqlx::query("DELETE FROM articles WHERE id = 'gone'")
        .execute(store.pool())
        .await
        .unwrap();
    // An outlet renamed in an older article: the SQLite store's provider row takes that name,
    // which is not the name of the outlet's latest article.
    sqlx::query("UPDATE articles SET provider_name = 'A Example' WHERE id = 'a1'")
        .execute(store.pool())
        .await
        .unwrap();
    store.set_provider_blocked("c.example", true).await.unwrap();
    assert!(store.set_story_pinned("s3", true).await.unwrap());

    assert!(store.add_user("ana", Role::Reader, "hash-a").await.unwrap());
    assert!(store.add_user("bo", Role::Admin, "hash-b").await.unwrap());
    assert!(store.add_user("cy", Role::Reader, "hash-c").await.unwrap());
    assert!(store.remove_user("bo").await.unwrap());
    assert!(
        store
            .set_app_password("cy", "app-hash", "token-cy", "fever-cy")
            .await
            .unwrap()
    );
    let ana = store.user("ana").await.unwrap().unwrap().id;
    let cy = store.user("cy").await.unwrap().unwrap().id;
    let seqs = store
        .article_seqs(&["a1".into(), "b1".into(), "c1".into()])
        .await
        .unwrap();
    store
        .mark_articles(ana, &seqs[..2], Some(true), Some(true))
        .await
        .unwrap();
    store
        .mark_articles(cy, &seqs[2..], Some(true), None)
        .await
        .unwrap();

    let nuls: i64 =
        sqlx::query_scalar("SELECT count(*) FROM articles WHERE instr(body, char(0)) > 0")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(
        nuls, 1,
        "the SQLite store keeps the NUL, so the copy meets one"
    );
    store
}

/// `(key, rest)` rows of a table, for comparing the two stores.
async fn sqlite_keys(store: &SqliteStore, sql: &str) -> Vec<(i64, String)> {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_all(store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get::<i64, _>(0), r.get::<String, _>(1).replace('\0', "")))
        .collect()
}

async fn pg_keys(store: &PgStore, sql: &str) -> Vec<(i64, String)> {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_all(store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get::<i64, _>(0), r.get::<String, _>(1)))
        .collect()
}

#[tokio::test]
async fn a_sqlite_store_is_copied_with_its_keys_and_verified() {
    let Some(backend) = common::postgres().await else {
        return;
    };
    let target = backend.postgres.clone().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let source = filled(dir.path()).await;

    let mut seen = Vec::new();
    let report = copy_sqlite_to_postgres(&source, &target, &mut |p| seen.push(p))
        .await
        .unwrap();
    assert!(report.verified(), "{:?}", report.mismatches);

    // Progress: counted first, the copied rows only grow, verified and committed last.
    let Some(CopyProgress::Counted { total }) = seen.first().copied() else {
        panic!("{seen:?}");
    };
    assert_eq!(total, report.rows_copied());
    let done: Vec<u64> = seen
        .iter()
        .filter_map(|p| match p {
            CopyProgress::Copied { done, .. } => Some(*done),
            _ => None,
        })
        .collect();
    assert!(done.windows(2).all(|w| w[0] <= w[1]), "{done:?}");
    assert_eq!(done.last().copied(), Some(total));
    assert_eq!(
        &seen[seen.len() - 2..],
        [CopyProgress::Verifying, CopyProgress::Committing]
    );

    // Every table, its rows on both sides.
    let counts: Vec<(&str, bool, u64, u64)> = report
        .tables
        .iter()
        .map(|t| (t.table, t.derived, t.source, t.target))
        .collect();
    assert_eq!(
        counts,
        [
            ("stories", false, 3, 3),
            ("articles", false, 5, 5),
            ("story_links", false, 1, 1),
            ("sources", false, 2, 2),
            ("source_aliases", false, 1, 1),
            ("article_sources", false, 4, 4),
            ("blocked_providers", false, 1, 1),
            ("users", false, 2, 2),
            ("article_marks", false, 3, 3),
            ("article_entities", false, 3, 3),
            ("provider_counts", true, 3, 3),
            // science, topic-s1, topic-s3 (s2 was merged away).
            ("topic_counts", true, 3, 3),
            ("published_days", true, 3, 3),
            ("article_topics", true, 10, 10),
            ("story_topics", true, 4, 4),
            ("search_changes", true, 5, 5),
        ]
    );
    assert!(
        report.tables.iter().all(|t| t.agrees),
        "{:?}",
        report.tables
    );
    assert_eq!(report.nuls_stripped(), 2, "the body and the title of c1");
    let articles = report
        .tables
        .iter()
        .find(|t| t.table == "articles")
        .unwrap();
    assert_eq!(articles.nuls_stripped, 2);

    // Keys as they were: arrival order, sources (a gap where one was removed), users (too).
    for (sqlite_sql, pg_sql) in [
        (
            "SELECT seq, id || '|' || coalesce(story_id, '') || '|' || title || '|' || body FROM articles ORDER BY seq",
            "SELECT seq, id || '|' || coalesce(story_id, '') || '|' || title || '|' || body FROM articles ORDER BY seq",
        ),
        (
            "SELECT id, url || '|' || coalesce(group_name, '') FROM sources ORDER BY id",
            "SELECT id, url || '|' || coalesce(group_name, '') FROM sources ORDER BY id",
        ),
        (
            "SELECT source_id, url FROM source_aliases ORDER BY url",
            "SELECT source_id, url FROM source_aliases ORDER BY url",
        ),
        (
            "SELECT article_seq, CAST(source_id AS TEXT) FROM article_sources ORDER BY article_seq",
            "SELECT article_seq, source_id::text FROM article_sources ORDER BY article_seq",
        ),
        (
            "SELECT id, name || '|' || coalesce(fever_key, '') FROM users ORDER BY id",
            "SELECT id, name || '|' || coalesce(fever_key, '') FROM users ORDER BY id",
        ),
        (
            "SELECT article_seq, user_id || '|' || read || '|' || starred FROM article_marks ORDER BY user_id, article_seq",
            "SELECT article_seq, user_id || '|' || read || '|' || starred FROM article_marks ORDER BY user_id, article_seq",
        ),
        (
            "SELECT article_seq, slug || '|' || mentions FROM article_entities ORDER BY article_seq, slug",
            "SELECT article_seq, slug || '|' || mentions FROM article_entities ORDER BY article_seq, slug",
        ),
        (
            "SELECT pinned, id || '|' || coalesce(merged_into, '') || '|' || topics FROM stories ORDER BY id",
            "SELECT pinned, id || '|' || coalesce(merged_into, '') || '|' || topics FROM stories ORDER BY id",
        ),
    ] {
        let want = sqlite_keys(&source, sqlite_sql).await;
        assert!(!want.is_empty(), "{sqlite_sql}");
        assert_eq!(pg_keys(&target, pg_sql).await, want, "{pg_sql}");
    }
    let body: String = sqlx::query_scalar("SELECT body FROM articles WHERE id = 'c1'")
        .fetch_one(target.pool())
        .await
        .unwrap();
    assert_eq!(body, "Beforeafter.");
    let score: f64 = sqlx::query_scalar("SELECT score FROM story_links")
        .fetch_one(target.pool())
        .await
        .unwrap();
    assert!((score - 0.42).abs() < 1e-6, "{score}");

    // The numbering goes on past every key the SQLite store handed out, removed ones too.
    let next: Vec<(&str, i64)> = report
        .next_keys
        .iter()
        .map(|(table, _, next)| (*table, *next))
        .collect();
    assert_eq!(next, [("articles", 7), ("sources", 4), ("users", 4)]);
    let new_source: i64 = sqlx::query_scalar(
        "INSERT INTO sources (url, kind, created_at) VALUES ('https://d.example/feed', 'feed', 0) RETURNING id",
    )
    .fetch_one(target.pool())
    .await
    .unwrap();
    assert_eq!(new_source, 4);
    let new_user: i64 = sqlx::query_scalar(
        "INSERT INTO users (name, role, password_hash, created_at) VALUES ('dee', 'reader', 'h', 0) RETURNING id",
    )
    .fetch_one(target.pool())
    .await
    .unwrap();
    assert_eq!(new_user, 4);
    let new_article: i64 = sqlx::query_scalar(
        "INSERT INTO articles (id, category, title, excerpt, body, ingested_at, kind, \
         provider_name, provider_domain, content_hash) \
         VALUES ('new', 'news', 'New', '', 'New body', 0, 'article', 'The d', 'd.example', 'h-new') \
         RETURNING seq",
    )
    .fetch_one(target.pool())
    .await
    .unwrap();
    assert_eq!(new_article, 7);

    // A second copy into the same database is refused, and leaves it as it was.
    let again = copy_sqlite_to_postgres(&source, &target, &mut |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(again, StoreError::TargetNotEmpty { .. }),
        "{again:?}"
    );
    let message = again.to_string();
    assert!(
        message.contains("already holds a storyline store"),
        "{message}"
    );
    assert!(message.contains("6 articles"), "{message}");
    let articles: i64 = sqlx::query_scalar("SELECT count(*) FROM articles")
        .fetch_one(target.pool())
        .await
        .unwrap();
    assert_eq!(articles, 6);
}

#[tokio::test]
async fn the_two_stores_answer_alike_after_a_copy() {
    let Some(backend) = common::postgres().await else {
        return;
    };
    let target = backend.postgres.clone().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let source = filled(dir.path()).await;
    copy_sqlite_to_postgres(&source, &target, &mut |_| {})
        .await
        .unwrap();

    let (a, b) = (source.stats().await.unwrap(), target.stats().await.unwrap());
    assert_eq!(
        (a.articles, a.stories, a.sources),
        (b.articles, b.stories, b.sources)
    );
    assert_eq!(
        target.blocked_providers().await.unwrap(),
        source.blocked_providers().await.unwrap()
    );
    assert_eq!(target.users().await.unwrap(), source.users().await.unwrap());
    assert_eq!(
        target.last_seq().await.unwrap(),
        source.last_seq().await.unwrap()
    );
    assert_eq!(
        target.article_source_record("a1").await.unwrap(),
        source.article_source_record("a1").await.unwrap()
    );
    // The merged story still redirects to the survivor, which holds the moved coverage.
    assert_eq!(source.story("s2").await.unwrap().unwrap().id, "s1");
    let (merged_into, survivor_articles): (Option<String>, i64) = sqlx::query_as(
        "SELECT s.merged_into, (SELECT count(*) FROM articles a WHERE a.story_id = s.merged_into) \
         FROM stories s WHERE s.id = 's2'",
    )
    .fetch_one(target.pool())
    .await
    .unwrap();
    assert_eq!(merged_into.as_deref(), Some("s1"));
    assert_eq!(survivor_articles, 4);
    // The derived rows the serving reads come from, as the SQLite store has them (the
    // provider's name too).
    assert!(
        source
            .provider_counts(10)
            .await
            .unwrap()
            .iter()
            .any(|(p, _)| p.name == "A Example")
    );
    let providers: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT domain, name, articles FROM provider_counts ORDER BY domain")
            .fetch_all(target.pool())
            .await
            .unwrap();
    let want: Vec<(String, String, i64)> = source
        .provider_counts(10)
        .await
        .unwrap()
        .into_iter()
        .map(|(p, n)| (p.domain, p.name, n as i64))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(providers, want);
    let topics: Vec<(String, i64)> =
        sqlx::query_as("SELECT topic, stories FROM topic_counts ORDER BY topic")
            .fetch_all(target.pool())
            .await
            .unwrap();
    let mut want: Vec<(String, i64)> = source
        .topic_counts(false, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|(t, n)| (t, n as i64))
        .collect();
    want.sort();
    assert_eq!(topics, want);
}

#[tokio::test]
async fn a_copy_whose_counts_disagree_keeps_nothing() {
    let Some(backend) = common::postgres().await else {
        return;
    };
    let target = backend.postgres.clone().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let source = filled(dir.path()).await;
    // A derived count in the SQLite store that its articles do not bear out.
    sqlx::query("UPDATE provider_counts SET articles = articles + 5 WHERE domain = 'a.example'")
        .execute(source.pool())
        .await
        .unwrap();
    let failed = copy_sqlite_to_postgres(&source, &target, &mut |_| {})
        .await
        .unwrap_err();
    let StoreError::CopyUnverified { report } = &failed else {
        panic!("{failed:?}");
    };
    assert_eq!(report.mismatches.len(), 1, "{:?}", report.mismatches);
    assert!(
        report.mismatches[0].contains("provider_counts")
            && report.mismatches[0]
                .contains("1 row differs (\"a.example\": 7 in SQLite, 2 in PostgreSQL)"),
        "{failed}"
    );
    let differing: Vec<&str> = report
        .tables
        .iter()
        .filter(|t| !t.agrees)
        .map(|t| t.table)
        .collect();
    assert_eq!(differing, ["provider_counts"]);
    for table in [
        "articles",
        "stories",
        "sources",
        "users",
        "provider_counts",
        "search_changes",
    ] {
        let rows: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
                .fetch_one(target.pool())
                .await
                .unwrap();
        assert_eq!(rows, 0, "{table} after a failed copy");
    }

    // Put right, the same target takes the copy.
    sqlx::query("UPDATE provider_counts SET articles = articles - 5 WHERE domain = 'a.example'")
        .execute(source.pool())
        .await
        .unwrap();
    let report = copy_sqlite_to_postgres(&source, &target, &mut |_| {})
        .await
        .unwrap();
    assert!(report.verified());
    assert_eq!(report.rows_copied(), 25);
}

#[tokio::test]
async fn an_empty_store_copies_and_numbering_starts_at_one() {
    let Some(backend) = common::postgres().await else {
        return;
    };
    let target = backend.postgres.clone().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let source = SqliteStore::open(&dir.path().join("empty.db"))
        .await
        .unwrap();
    let report = copy_sqlite_to_postgres(&source, &target, &mut |_| {})
        .await
        .unwrap();
    assert!(report.verified());
    assert_eq!(report.rows_copied(), 0);
    assert!(report.next_keys.iter().all(|(_, _, next)| *next == 1));
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO sources (url, kind, created_at) VALUES ('https://d.example/feed', 'feed', 0) RETURNING id",
    )
    .fetch_one(target.pool())
    .await
    .unwrap();
    assert_eq!(id, 1);
}

#[tokio::test]
async fn a_store_of_many_batches_is_copied_whole() {
    let Some(backend) = common::postgres().await else {
        return;
    };
    let target = backend.postgres.clone().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let source = SqliteStore::open(&dir.path().join("many.db"))
        .await
        .unwrap();
    let outlets = ["a.example", "b.example", "c.example"];
    let articles: Vec<ArticleRow> = (0..5_500)
        .map(|i| {
            let story_id = format!("s{}", i % 700);
            let mut row = article(
                &format!("x{i}"),
                &story_id,
                outlets[i % 3],
                None,
                (i % 40) as i64,
            );
            row.article.body = format!("{} {i}", "word ".repeat(200));
            row
        })
        .collect();
    let stories = (0..700)
        .map(|i| story(&format!("s{i}"), &format!("x{i}"), i % 100, 8))
        .collect();
    source
        .commit(&Commit {
            articles,
            stories,
            ..Commit::default()
        })
        .await
        .unwrap();

    let mut batches = 0;
    let report = copy_sqlite_to_postgres(&source, &target, &mut |p| {
        if let CopyProgress::Copied {
            table: "articles", ..
        } = p
        {
            batches += 1;
        }
    })
    .await
    .unwrap();
    assert!(report.verified(), "{:?}", report.mismatches);
    assert!(batches >= 3, "{batches} batches of articles");
    assert_eq!(report.rows_copied(), 5_500 + 700);
    let (count, first, last, sum): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT count(*), min(seq), max(seq), sum(length(body))::bigint FROM articles",
    )
    .fetch_one(target.pool())
    .await
    .unwrap();
    let want: (i64, i64, i64, i64) =
        sqlx::query_as("SELECT count(*), min(seq), max(seq), sum(length(body)) FROM articles")
            .fetch_one(source.pool())
            .await
            .unwrap();
    assert_eq!((count, first, last, sum), want);
    assert_eq!(count, 5_500);
}
