//! What a search index outside the database reads from the store, on each backend (an SQLite
//! file, and a PostgreSQL database when `STORYLINE_TEST_POSTGRES` names a server): the change
//! log the triggers keep, the documents of visible articles, a whole-archive walk in pages,
//! the rows of hits; and the article listing by topic, provider and dates, which reads its
//! own tables. The last two tests upgrade an SQLite file from before those tables and run on
//! SQLite alone (a PostgreSQL store was created with them).

mod common;

use std::collections::HashSet;

use chrono::{DateTime, TimeZone, Utc};
use common::Backend;
use storyline_model::{Article, Provider, Story};
use storyline_store::{ArticleQuery, ArticleRow, Commit, SqliteStore, Store};

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
            language: Some("en".into()),
            topics: vec!["AI".into()],
            ..Article::default()
        },
        seq: 0,
        story_id: Some(format!("story-{id}")),
        duplicate_of: None,
        ingested_at: Utc.with_ymd_and_hms(2026, 5, 12, 10, 0, 0).unwrap(),
        content_hash: format!("hash-{id}"),
        html: Some("<p>html</p>".into()),
        secured: Some("abc;def".into()),
        feed_only: false,
    }
}

fn story(id: &str, lead: &str) -> Story {
    Story {
        id: id.into(),
        title: format!("Story {id}"),
        heat: 10,
        lead_article_id: lead.into(),
        article_count: 1,
        provider_count: 1,
        topics: vec!["AI".into()],
        published: true,
        ..Story::default()
    }
}

/// Runs plain SQL that both backends read alike.
async fn execute(b: &Backend, sql: &'static str) {
    match (&b.sqlite, &b.postgres) {
        (Some(store), _) => {
            sqlx::query(sql).execute(store.pool()).await.unwrap();
        }
        (_, Some(store)) => {
            sqlx::query(sql).execute(store.pool()).await.unwrap();
        }
        _ => unreachable!("a backend is one of the two"),
    }
}

/// The count plain SQL reads.
async fn count(b: &Backend, sql: &'static str) -> i64 {
    match (&b.sqlite, &b.postgres) {
        (Some(store), _) => sqlx::query_scalar(sql).fetch_one(store.pool()).await,
        (_, Some(store)) => sqlx::query_scalar(sql).fetch_one(store.pool()).await,
        _ => unreachable!("a backend is one of the two"),
    }
    .unwrap()
}

/// The two counts plain SQL reads.
async fn count_pair(b: &Backend, sql: &'static str) -> (i64, i64) {
    match (&b.sqlite, &b.postgres) {
        (Some(store), _) => sqlx::query_as(sql).fetch_one(store.pool()).await,
        (_, Some(store)) => sqlx::query_as(sql).fetch_one(store.pool()).await,
        _ => unreachable!("a backend is one of the two"),
    }
    .unwrap()
}

async fn seq_of(store: &dyn Store, id: &str) -> i64 {
    store
        .article(id)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no article {id}"))
        .seq
}

async fn seqs_of(store: &dyn Store, ids: &[&str]) -> Vec<i64> {
    let mut seqs = Vec::new();
    for id in ids {
        seqs.push(seq_of(store, id).await);
    }
    seqs.sort();
    seqs
}

/// The articles logged after `before`, by `seq`, after checking the entries: numbers above
/// `before`, ascending, each article once, the last one what `last_search_change` says.
async fn logged_since(name: &str, store: &dyn Store, before: i64) -> Vec<i64> {
    let changes = store.search_changes(before, 1_000_000).await.unwrap();
    assert!(
        changes.windows(2).all(|w| w[0].change < w[1].change),
        "{name}: ascending and unique: {changes:?}"
    );
    assert!(
        changes.iter().all(|c| c.change > before),
        "{name}: {changes:?}"
    );
    let last = store.last_search_change().await.unwrap();
    assert_eq!(
        changes.last().map_or(before, |c| c.change),
        last,
        "{name}: the last entry is the largest change"
    );
    let mut seqs: Vec<i64> = changes.iter().map(|c| c.seq).collect();
    seqs.sort();
    let distinct: HashSet<i64> = seqs.iter().copied().collect();
    assert_eq!(distinct.len(), seqs.len(), "{name}: one entry per article");
    seqs
}

#[tokio::test]
async fn each_change_that_matters_to_search_logs_its_articles_with_a_larger_number() {
    for b in common::backends().await {
        let name = b.name;
        let store = &*b.store;
        assert_eq!(store.last_search_change().await.unwrap(), 0, "{name}");
        assert!(
            store.search_changes(0, 10).await.unwrap().is_empty(),
            "{name}"
        );

        let mut a3 = article("a3", "Cranes", "cranes idle", "two.example");
        a3.story_id = Some("story-a1".into());
        let mut a4 = article("a4", "Wires", "wires cut", "one.example");
        a4.story_id = None;
        store
            .commit(&Commit {
                articles: vec![
                    article("a1", "Turbines", "turbines spin", "one.example"),
                    article("a2", "Glaciers", "glaciers melt", "two.example"),
                    a3,
                    a4,
                ],
                stories: vec![story("story-a1", "a1"), story("story-a2", "a2")],
                ..Commit::default()
            })
            .await
            .unwrap();
        let [a1, a2, a3, a4] = [
            seq_of(store, "a1").await,
            seq_of(store, "a2").await,
            seq_of(store, "a3").await,
            seq_of(store, "a4").await,
        ];
        assert_eq!(
            logged_since(name, store, 0).await,
            [a1, a2, a3, a4],
            "{name}: stored"
        );

        // Each step logs exactly its articles, above everything logged before it.
        let mut before = store.last_search_change().await.unwrap();
        let mut expect = async |store: &dyn Store, seqs: &[i64], what: &str| {
            assert_eq!(
                logged_since(name, store, before).await,
                seqs,
                "{name}: {what}"
            );
            before = store.last_search_change().await.unwrap();
        };

        store.set_article_published("a2", false).await.unwrap();
        expect(store, &[a2], "article unpublished").await;
        store.set_article_published("a2", true).await.unwrap();
        expect(store, &[a2], "article published again").await;

        store.set_story_published("story-a1", false).await.unwrap();
        expect(store, &[a1, a3], "story unpublished").await;
        // A summary rewritten without touching the flags changes nothing search reads.
        store
            .commit(&Commit {
                stories: vec![Story {
                    heat: 70,
                    article_count: 2,
                    ..story("story-a1", "a1")
                }],
                ..Commit::default()
            })
            .await
            .unwrap();
        expect(store, &[], "summary rewritten").await;
        store.set_story_published("story-a1", true).await.unwrap();
        expect(store, &[a1, a3], "story published again").await;

        store
            .commit(&Commit {
                merges: vec![("story-a2".into(), "story-a1".into())],
                ..Commit::default()
            })
            .await
            .unwrap();
        expect(store, &[a2], "story merged, its article moved").await;
        store
            .commit(&Commit {
                moves: vec![("a3".into(), "story-a3".into())],
                ..Commit::default()
            })
            .await
            .unwrap();
        expect(store, &[a3], "article moved").await;
        // A story row written after its article shows the article.
        store
            .commit(&Commit {
                stories: vec![story("story-a3", "a3")],
                ..Commit::default()
            })
            .await
            .unwrap();
        expect(store, &[a3], "story row written").await;

        store
            .set_provider_blocked("one.example", true)
            .await
            .unwrap();
        expect(store, &[a1, a4], "provider blocked").await;
        // Blocking it again writes no row and logs nothing.
        store
            .set_provider_blocked("one.example", true)
            .await
            .unwrap();
        expect(store, &[], "provider blocked again").await;
        store
            .set_provider_blocked("one.example", false)
            .await
            .unwrap();
        expect(store, &[a1, a4], "provider unblocked").await;

        let mut upgraded = article(
            "a3",
            "Cranes",
            "cranes idle, then moving again",
            "two.example",
        );
        upgraded.story_id = Some("story-a3".into());
        store
            .commit(&Commit {
                upgrades: vec![upgraded],
                ..Commit::default()
            })
            .await
            .unwrap();
        expect(store, &[a3], "text upgraded").await;

        // What search does not read logs nothing.
        store.set_story_pinned("story-a1", true).await.unwrap();
        store.set_article_images("a1", &[]).await.unwrap();
        expect(store, &[], "pin and images").await;

        execute(&b, "DELETE FROM articles WHERE id = 'a4'").await;
        expect(store, &[a4], "article deleted").await;
        assert!(store.index_docs(&[a4]).await.unwrap().is_empty(), "{name}");

        // The log holds one row per article ever stored, each with its own number.
        let (rows, numbers) = count_pair(
            &b,
            "SELECT count(*), count(DISTINCT change) FROM search_changes",
        )
        .await;
        assert_eq!((rows, numbers), (4, 4), "{name}");
        let all = store.search_changes(0, 2).await.unwrap();
        assert_eq!(all.len(), 2, "{name}: at most the limit");
    }
}

#[tokio::test]
async fn a_statement_touching_many_articles_numbers_each_once_in_seq_order() {
    for b in common::backends().await {
        let name = b.name;
        let store = &*b.store;
        let mut articles = Vec::new();
        for i in 0..90 {
            let domain = if i % 3 == 0 {
                "busy.example"
            } else {
                "quiet.example"
            };
            let mut row = article(&format!("m{i:02}"), "Harbor", "harbor cranes", domain);
            row.story_id = Some(
                if i % 2 == 0 {
                    "story-even"
                } else {
                    "story-odd"
                }
                .into(),
            );
            articles.push(row);
        }
        store
            .commit(&Commit {
                articles,
                stories: vec![story("story-even", "m00"), story("story-odd", "m01")],
                ..Commit::default()
            })
            .await
            .unwrap();
        let seq = |i: usize| async move { seq_of(store, &format!("m{i:02}")).await };
        let mut busy = Vec::new();
        let mut even = Vec::new();
        for i in 0..90 {
            if i % 3 == 0 {
                busy.push(seq(i).await);
            }
            if i % 2 == 0 {
                even.push(seq(i).await);
            }
        }

        // Numbers follow the largest one before the statement one by one, in `seq` order: the
        // largest is read once for the whole statement.
        for (step, seqs) in [("block", &busy), ("story", &even)] {
            let before = store.last_search_change().await.unwrap();
            if step == "block" {
                store
                    .set_provider_blocked("busy.example", true)
                    .await
                    .unwrap();
            } else {
                store
                    .set_story_published("story-even", false)
                    .await
                    .unwrap();
            }
            let changes = store.search_changes(before, 1_000).await.unwrap();
            let numbers: Vec<i64> = changes.iter().map(|c| c.change).collect();
            let expected: Vec<i64> = (1..=seqs.len() as i64).map(|k| before + k).collect();
            assert_eq!(numbers, expected, "{name}: {step}");
            let logged: Vec<i64> = changes.iter().map(|c| c.seq).collect();
            assert_eq!(&logged, seqs, "{name}: {step}: in seq order");
        }
        let (rows, numbers) = count_pair(
            &b,
            "SELECT count(*), count(DISTINCT change) FROM search_changes",
        )
        .await;
        assert_eq!((rows, numbers), (90, 90), "{name}");
    }
}

#[tokio::test]
async fn index_docs_leave_out_hidden_articles_until_they_are_shown_again() {
    for b in common::backends().await {
        let name = b.name;
        let store = &*b.store;
        let mut visible = article("v", "Visible", "visible body text", "open.example");
        visible.article.topics = vec!["Energy".into(), "Climate".into()];
        visible.article.published_date_time =
            Some(Utc.with_ymd_and_hms(2026, 3, 2, 8, 30, 0).unwrap());
        let mut storyless = article("n", "No story", "storyless body", "open.example");
        storyless.story_id = None;
        storyless.article.language = None;
        storyless.article.published_date_time = None;
        let mut unpublished = article("u", "Unpublished", "body", "open.example");
        unpublished.article.published = false;
        let blocked = article("b", "Blocked", "body", "blocked.example");
        let hidden_story = article("s", "Hidden story", "body", "open.example");
        let merged_story = article("m", "Merged story", "body", "open.example");
        let mut no_story_row = article("o", "Story row missing", "body", "open.example");
        no_story_row.story_id = Some("story-o".into());
        let mut hidden = story("story-s", "s");
        hidden.published = false;
        store
            .commit(&Commit {
                articles: vec![
                    visible,
                    storyless,
                    unpublished,
                    blocked,
                    hidden_story,
                    merged_story,
                    no_story_row,
                ],
                stories: vec![
                    story("story-v", "v"),
                    story("story-u", "u"),
                    story("story-b", "b"),
                    hidden,
                    story("story-m", "m"),
                    story("story-x", "v"),
                ],
                ..Commit::default()
            })
            .await
            .unwrap();
        store
            .set_provider_blocked("blocked.example", true)
            .await
            .unwrap();
        // A story merged away whose article still points at it (as a merge in progress leaves it).
        execute(
            &b,
            "UPDATE stories SET merged_into = 'story-x' WHERE id = 'story-m'",
        )
        .await;

        let all = seqs_of(store, &["v", "n", "u", "b", "s", "m", "o"]).await;
        let mut asked: Vec<i64> = all.iter().rev().copied().collect();
        asked.push(999_999);
        let docs = store.index_docs(&asked).await.unwrap();
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["v", "n"], "{name}: visible ones, ascending by seq");
        let v = &docs[0];
        assert_eq!(v.seq, seq_of(store, "v").await, "{name}");
        assert_eq!(v.story_id.as_deref(), Some("story-v"), "{name}");
        assert_eq!(
            (v.title.as_str(), v.excerpt.as_str(), v.body.as_str()),
            ("Visible", "visible body text", "visible body text"),
            "{name}"
        );
        assert_eq!(v.provider_domain, "open.example", "{name}");
        assert_eq!(v.topics, ["Energy", "Climate"], "{name}");
        assert_eq!(v.category, "news", "{name}");
        assert_eq!(v.language.as_deref(), Some("en"), "{name}");
        assert_eq!(
            v.published_at,
            Some(Utc.with_ymd_and_hms(2026, 3, 2, 8, 30, 0).unwrap()),
            "{name}"
        );
        assert_eq!(
            v.ingested_at,
            Utc.with_ymd_and_hms(2026, 5, 12, 10, 0, 0).unwrap(),
            "{name}"
        );
        let n = &docs[1];
        assert_eq!(
            (n.story_id.as_deref(), n.language.as_deref()),
            (None, None),
            "{name}"
        );
        assert_eq!(n.published_at, None, "{name}");
        assert!(store.index_docs(&[]).await.unwrap().is_empty(), "{name}");

        // Shown again, each is in the log and in the documents.
        let before = store.last_search_change().await.unwrap();
        store.set_article_published("u", true).await.unwrap();
        store
            .set_provider_blocked("blocked.example", false)
            .await
            .unwrap();
        store.set_story_published("story-s", true).await.unwrap();
        execute(
            &b,
            "UPDATE stories SET merged_into = NULL WHERE id = 'story-m'",
        )
        .await;
        store
            .commit(&Commit {
                stories: vec![story("story-o", "o")],
                ..Commit::default()
            })
            .await
            .unwrap();
        assert_eq!(
            logged_since(name, store, before).await,
            seqs_of(store, &["u", "b", "s", "m", "o"]).await,
            "{name}"
        );
        let docs = store.index_docs(&asked).await.unwrap();
        assert_eq!(
            docs.iter().map(|d| d.seq).collect::<Vec<_>>(),
            all,
            "{name}"
        );
    }
}

#[tokio::test]
async fn index_docs_after_walks_the_archive_in_pages_returning_each_visible_article_once() {
    for b in common::backends().await {
        let name = b.name;
        let store = &*b.store;
        const ARTICLES: usize = 5_000;
        let hidden = |i: usize| i.is_multiple_of(7) || i.is_multiple_of(11) || i % 50 == 13;
        let mut articles = Vec::with_capacity(ARTICLES);
        let mut stories = Vec::new();
        for i in 0..ARTICLES {
            let domain = if i % 11 == 0 {
                "blocked.example"
            } else {
                "open.example"
            };
            let mut row = article(&format!("p{i:04}"), "Harbor", "harbor cranes", domain);
            row.article.published = i % 7 != 0;
            row.story_id = if i % 17 == 0 && !hidden(i) {
                None
            } else {
                Some(format!("story-{}", i % 50))
            };
            row.content_hash = format!("h{i}");
            articles.push(row);
        }
        for k in 0..50 {
            let mut s = story(&format!("story-{k}"), &format!("p{k:04}"));
            s.published = k != 13;
            stories.push(s);
        }
        store
            .commit(&Commit {
                articles,
                stories,
                ..Commit::default()
            })
            .await
            .unwrap();
        store
            .set_provider_blocked("blocked.example", true)
            .await
            .unwrap();
        // Gaps in arrival order change nothing.
        execute(
            &b,
            "DELETE FROM articles WHERE id IN ('p0100', 'p0101', 'p2500')",
        )
        .await;
        let gone = ["p0100", "p0101", "p2500"];

        let mut seen = Vec::new();
        let mut after = 0;
        let mut pages = 0;
        loop {
            let (docs, last) = store.index_docs_after(after, 700).await.unwrap();
            let Some(last) = last else {
                assert!(docs.is_empty(), "{name}");
                break;
            };
            assert!(last > after, "{name}");
            assert!(
                docs.iter().all(|d| d.seq > after && d.seq <= last),
                "{name}: a page holds its own range"
            );
            assert!(docs.windows(2).all(|w| w[0].seq < w[1].seq), "{name}");
            seen.extend(docs.into_iter().map(|d| d.id));
            after = last;
            pages += 1;
        }
        assert_eq!(pages, (ARTICLES - gone.len()).div_ceil(700), "{name}");
        let expected: Vec<String> = (0..ARTICLES)
            .filter(|&i| !hidden(i))
            .map(|i| format!("p{i:04}"))
            .filter(|id| !gone.contains(&id.as_str()))
            .collect();
        assert_eq!(seen.len(), expected.len(), "{name}");
        assert_eq!(
            seen, expected,
            "{name}: every visible article once, in arrival order"
        );
        // Past the end there is nothing, and no page end.
        assert_eq!(
            store.index_docs_after(after, 700).await.unwrap(),
            (Vec::new(), None),
            "{name}"
        );
    }
}

#[tokio::test]
async fn hit_rows_keep_the_order_asked_cut_the_body_and_say_what_is_visible() {
    for b in common::backends().await {
        let name = b.name;
        let store = &*b.store;
        let mut storyless = article(
            "h1",
            "Zürich",
            "Zürich übernimmt die Führung",
            "one.example",
        );
        storyless.story_id = None;
        let hidden_story = article("h2", "Hidden", "hidden story body", "one.example");
        let merged_story = article("h3", "Merged", "merged story body", "one.example");
        let shown = article("h4", "Shown", "shown body", "one.example");
        let mut unpublished = article("h5", "Unpublished", "unpublished body", "one.example");
        unpublished.article.published = false;
        let mut hidden = story("story-h2", "h2");
        hidden.published = false;
        store
            .commit(&Commit {
                articles: vec![storyless, hidden_story, merged_story, shown, unpublished],
                stories: vec![
                    hidden,
                    story("story-h3", "h3"),
                    story("story-h4", "h4"),
                    story("story-h5", "h5"),
                    story("story-x", "h4"),
                ],
                ..Commit::default()
            })
            .await
            .unwrap();
        execute(
            &b,
            "UPDATE stories SET merged_into = 'story-x' WHERE id = 'story-h3'",
        )
        .await;
        let order = ["h4", "h1", "h3", "h2", "h5"];
        let mut seqs = Vec::new();
        for id in order {
            seqs.push(seq_of(store, id).await);
        }
        seqs.insert(1, 999_999);

        let rows = store.hit_rows(&seqs, 5).await.unwrap();
        let ids: Vec<&str> = rows.iter().map(|r| r.article.article.id.as_str()).collect();
        assert_eq!(ids, order, "{name}: the order asked, unknown seqs left out");
        let states: Vec<(&str, &str, bool, bool, bool)> = rows
            .iter()
            .map(|r| {
                (
                    r.article.article.id.as_str(),
                    r.article.article.body.as_str(),
                    r.story_live,
                    r.story_published,
                    r.visible,
                )
            })
            .collect();
        assert_eq!(
            states,
            [
                ("h4", "shown", true, true, true),
                ("h1", "Züric", true, true, true),
                ("h3", "merge", false, true, false),
                ("h2", "hidde", true, false, false),
                ("h5", "unpub", true, true, false),
            ],
            "{name}"
        );
        let h4 = &rows[0].article;
        assert_eq!(h4.article.title, "Shown", "{name}");
        assert_eq!(h4.story_id.as_deref(), Some("story-h4"), "{name}");
        assert_eq!(
            (h4.html.as_deref(), h4.secured.as_deref()),
            (None, None),
            "{name}"
        );

        let whole = store.hit_rows(&seqs[..1], 1_000).await.unwrap();
        assert_eq!(whole[0].article.article.body, "shown body", "{name}");
        let none = store.hit_rows(&seqs[..1], 0).await.unwrap();
        assert_eq!(none[0].article.article.body, "", "{name}");
        assert!(store.hit_rows(&[], 100).await.unwrap().is_empty(), "{name}");

        store
            .set_provider_blocked("one.example", true)
            .await
            .unwrap();
        let rows = store.hit_rows(&seqs, 5).await.unwrap();
        assert!(
            rows.iter().all(|r| !r.visible),
            "{name}: a blocked provider hides all"
        );
    }
}

/// The newest-first ids of a listing.
async fn listed(store: &dyn Store, query: ArticleQuery) -> Vec<String> {
    store
        .articles(&ArticleQuery {
            limit: if query.limit == 0 { 1_000 } else { query.limit },
            ..query
        })
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.article.id)
        .collect()
}

#[tokio::test]
async fn the_listing_walks_topics_providers_and_dates_whichever_is_smaller() {
    for b in common::backends().await {
        let name = b.name;
        let store = &*b.store;
        let at = |y, m, d| Utc.with_ymd_and_hms(y, m, d, 8, 0, 0).single();
        // 600 articles: a backfill from March 2024 one in ten among this year's (a thin span),
        // a large topic and a small one, a large provider and a small one.
        struct Shape {
            id: String,
            domain: &'static str,
            topics: Vec<String>,
            published: Option<DateTime<Utc>>,
        }
        let shapes: Vec<Shape> = (0..600)
            .map(|i| Shape {
                id: format!("l{i:03}"),
                domain: if i % 40 == 5 {
                    "small.example"
                } else {
                    "large.example"
                },
                topics: match i % 4 {
                    0 => vec!["Ports".into(), "Trade".into()],
                    1 => vec!["Ports".into()],
                    2 if i % 60 == 2 => vec!["Rare".into(), "Ports".into()],
                    _ => vec![],
                },
                published: if i % 10 == 3 {
                    at(2024, 3, 1 + (i as u32 / 10) % 28)
                } else {
                    at(2026, 1 + (i as u32 / 60) % 12, 1 + (i as u32) % 28)
                },
            })
            .collect();
        let articles = shapes
            .iter()
            .map(|s| {
                let mut row = article(&s.id, "Harbor", "harbor cranes", s.domain);
                row.article.topics = s.topics.clone();
                row.article.published_date_time = s.published;
                row.story_id = None;
                row.content_hash = format!("h-{}", s.id);
                row
            })
            .collect();
        store
            .commit(&Commit {
                articles,
                ..Commit::default()
            })
            .await
            .unwrap();

        let expect = |topic: Option<&str>,
                      domain: Option<&str>,
                      from: Option<DateTime<Utc>>,
                      to: Option<DateTime<Utc>>| {
            shapes
                .iter()
                .rev()
                .filter(|s| topic.is_none_or(|t| s.topics.iter().any(|x| x == t)))
                .filter(|s| domain.is_none_or(|d| s.domain == d))
                .filter(|s| from.is_none_or(|f| s.published.is_some_and(|p| p >= f)))
                .filter(|s| to.is_none_or(|t| s.published.is_some_and(|p| p <= t)))
                .map(|s| s.id.clone())
                .collect::<Vec<_>>()
        };
        let march = (
            at(2024, 3, 1),
            Utc.with_ymd_and_hms(2024, 3, 31, 23, 59, 59).single(),
        );
        let spring = (at(2026, 3, 1), at(2026, 5, 1));
        for topic in [
            None,
            Some("Ports"),
            Some("Rare"),
            Some("Trade"),
            Some("Nothing"),
        ] {
            for domain in [
                None,
                Some("large.example"),
                Some("small.example"),
                Some("none.example"),
            ] {
                for (from, to) in [
                    (None, None),
                    march,
                    spring,
                    (at(2025, 1, 1), None),
                    (None, at(2024, 12, 1)),
                ] {
                    let all = expect(topic, domain, from, to);
                    let query = ArticleQuery {
                        topic: topic.map(String::from),
                        provider: domain.map(String::from),
                        from,
                        to,
                        ..ArticleQuery::default()
                    };
                    let what = format!("{topic:?} {domain:?} {from:?} {to:?}");
                    assert_eq!(listed(store, query.clone()).await, all, "{name}: {what}");
                    // Pages, near the start and deep.
                    for (limit, offset) in [(7, 0), (7, 14), (20, 100)] {
                        let page: Vec<String> =
                            all.iter().skip(offset).take(limit).cloned().collect();
                        assert_eq!(
                            listed(
                                store,
                                ArticleQuery {
                                    limit: limit as u32,
                                    offset: offset as u32,
                                    ..query.clone()
                                }
                            )
                            .await,
                            page,
                            "{name}: {what} {limit}+{offset}"
                        );
                    }
                }
            }
        }

        // Topics follow an article's edits, and a deleted article leaves its topics.
        let mut edited = article("l001", "Harbor", "harbor cranes, updated", "large.example");
        edited.story_id = None;
        edited.article.topics = vec!["Rare".into()];
        edited.article.published_date_time = shapes[1].published;
        edited.content_hash = "h-l001".into();
        store
            .commit(&Commit {
                upgrades: vec![edited],
                ..Commit::default()
            })
            .await
            .unwrap();
        assert!(
            topic_ids(store, "Rare").await.contains(&"l001".to_string()),
            "{name}"
        );
        assert!(
            !topic_ids(store, "Ports")
                .await
                .contains(&"l001".to_string()),
            "{name}"
        );
        execute(&b, "DELETE FROM articles WHERE id = 'l001'").await;
        assert!(
            !topic_ids(store, "Rare").await.contains(&"l001".to_string()),
            "{name}"
        );
        let rows = count(
            &b,
            "SELECT count(*) FROM article_topics WHERE seq NOT IN (SELECT seq FROM articles)",
        )
        .await;
        assert_eq!(rows, 0, "{name}: no topic rows of deleted articles");
    }
}

async fn topic_ids(store: &dyn Store, topic: &str) -> Vec<String> {
    listed(
        store,
        ArticleQuery {
            topic: Some(topic.into()),
            ..ArticleQuery::default()
        },
    )
    .await
}

/// 2026-05-12 09:00 UTC.
const PUBLISHED: i64 = 1_778_576_400;

/// A store at schema 12 (before the change log and the listing's tables) with articles
/// written in its plain SQL: topics as a list, a list naming one topic twice, no topics.
async fn store_before_the_change_log(path: &std::path::Path) {
    let old = SqliteStore::open_at_version(path, 12).await.unwrap();
    let rows = [
        ("a1", "s1", "ledger.example", r#"["Energy"]"#),
        ("a2", "s1", "northgate.example", r#"["Energy", "Grid"]"#),
        ("a3", "s3", "ledger.example", r#"["Grid", "Grid"]"#),
        ("a4", "s3", "ledger.example", "[]"),
        ("a5", "s1", "spam.example", r#"["Energy"]"#),
    ];
    for (i, (id, story, domain, topics)) in rows.iter().enumerate() {
        sqlx::query(
            "INSERT INTO articles (id, story_id, category, title, excerpt, body, published_at, \
             ingested_at, web_url, kind, quality, published, provider_name, provider_domain, \
             authors, topics, images, content_hash) \
             VALUES (?, ?, 'news', 'Turbines', 'Turbines spin', 'Turbines spin again.', ?, ?, \
             ?, 'article', 50, 1, ?, ?, '[]', ?, '[]', ?)",
        )
        .bind(id)
        .bind(story)
        .bind(PUBLISHED + i as i64 * 60)
        .bind(PUBLISHED + i as i64 * 60 + 5)
        .bind(format!("https://{domain}/{id}"))
        .bind(domain)
        .bind(domain)
        .bind(topics)
        .bind(format!("hash-{id}"))
        .execute(old.pool())
        .await
        .unwrap();
    }
    for id in ["s1", "s3"] {
        sqlx::query(
            "INSERT INTO stories (id, title, lead_article_id, heat, article_count, \
             provider_count, topics, published, pinned, updated_at) \
             VALUES (?, 'Turbines', 'a1', 40, 2, 2, '[\"Energy\"]', 1, 0, ?)",
        )
        .bind(id)
        .bind(PUBLISHED)
        .execute(old.pool())
        .await
        .unwrap();
    }
    sqlx::query("INSERT INTO blocked_providers (domain, blocked_at) VALUES ('spam.example', ?)")
        .bind(PUBLISHED)
        .execute(old.pool())
        .await
        .unwrap();
    // Arrival order with a gap, as deletions leave it.
    sqlx::query("DELETE FROM articles WHERE id = 'a2'")
        .execute(old.pool())
        .await
        .unwrap();
    old.close().await;
}

// SQLite-only: upgrading a file from schema 12.
#[tokio::test]
async fn an_upgraded_store_logs_every_article_it_holds() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    store_before_the_change_log(&path).await;
    let store = SqliteStore::open(&path).await.unwrap();
    assert_eq!(
        store.schema_version().await.unwrap(),
        SqliteStore::SCHEMA_VERSION
    );
    let seqs = seqs_of(&store, &["a1", "a3", "a4", "a5"]).await;
    let changes = store.search_changes(0, 100).await.unwrap();
    let pairs: Vec<(i64, i64)> = changes.iter().map(|c| (c.seq, c.change)).collect();
    let expected: Vec<(i64, i64)> = seqs.iter().map(|&s| (s, s)).collect();
    assert_eq!(pairs, expected, "every article, numbered by its seq");
    let last = store.last_search_change().await.unwrap();
    assert_eq!(last, *seqs.last().unwrap());

    // New changes follow the numbers the upgrade wrote.
    store.set_article_published("a1", false).await.unwrap();
    let after = store.search_changes(last, 10).await.unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!((after[0].seq, after[0].change), (seqs[0], last + 1));
    // The index reads the old rows like new ones.
    let docs = store.index_docs(&seqs).await.unwrap();
    let ids: Vec<(&str, Vec<String>)> = docs
        .iter()
        .map(|d| (d.id.as_str(), d.topics.clone()))
        .collect();
    assert_eq!(
        ids,
        [
            ("a3", vec!["Grid".to_string(), "Grid".to_string()]),
            ("a4", vec![])
        ],
        "a1 unpublished, a5's provider blocked"
    );
}

// SQLite-only: upgrading a file from schema 12.
#[tokio::test]
async fn the_listing_by_topic_and_provider_works_on_an_upgraded_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    store_before_the_change_log(&path).await;
    let store = SqliteStore::open(&path).await.unwrap();
    let query = |topic: Option<&str>, provider: Option<&str>, visible_only| ArticleQuery {
        topic: topic.map(String::from),
        provider: provider.map(String::from),
        visible_only,
        ..ArticleQuery::default()
    };
    assert_eq!(
        listed(&store, query(Some("Energy"), None, false)).await,
        ["a5", "a1"]
    );
    assert_eq!(
        listed(&store, query(Some("Energy"), None, true)).await,
        ["a1"]
    );
    assert_eq!(
        listed(&store, query(Some("Grid"), None, false)).await,
        ["a3"],
        "a topic named twice lists its article once"
    );
    assert_eq!(
        listed(&store, query(None, Some("ledger.example"), false)).await,
        ["a4", "a3", "a1"]
    );
    assert_eq!(
        listed(&store, query(Some("Grid"), Some("ledger.example"), true)).await,
        ["a3"]
    );
    assert!(
        listed(&store, query(Some("Grid"), Some("spam.example"), false))
            .await
            .is_empty()
    );
    // A new article is listed beside the old ones and logged for search indexes.
    let mut new = article("a6", "Turbines", "Turbines spin again.", "ledger.example");
    new.article.topics = vec!["Grid".into()];
    new.story_id = None;
    store
        .commit(&Commit {
            articles: vec![new],
            ..Commit::default()
        })
        .await
        .unwrap();
    assert_eq!(
        listed(&store, query(Some("Grid"), Some("ledger.example"), true)).await,
        ["a6", "a3"]
    );
    let last = store.last_search_change().await.unwrap();
    let logged = store.search_changes(last - 1, 10).await.unwrap();
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].seq, store.last_seq().await.unwrap());
}
