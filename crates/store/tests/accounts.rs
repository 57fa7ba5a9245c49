//! Accounts and per-user read state: each article is linked to the source its feed is, read
//! and starred marks are per user, read marks reach syndicated copies, "mark all as read"
//! works up to a time and per source, group and story, and one user's marks never show for
//! another.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::Backend;
use storyline_model::{Article, Provenance, Provider, Story};
use storyline_store::{ArticleRow, Commit, ItemQuery, ReadScope, Role, SourceRow, Store, Stream};

fn arrived(minute: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 12, 8, 0, 0).unwrap() + Duration::minutes(minute)
}

fn article(id: &str, story: &str, feed: Option<&str>, minute: i64) -> ArticleRow {
    ArticleRow {
        article: Article {
            id: id.into(),
            category: "news".into(),
            title: format!("Piece {id}"),
            excerpt: "An excerpt.".into(),
            body: format!("Body text of piece {id}."),
            published_date_time: Some(arrived(minute)),
            web_url: Some(format!("https://outlet.example/{id}")),
            kind: "article".into(),
            quality: Some(50),
            heat: -1,
            published: true,
            provider: Provider {
                name: "Outlet".into(),
                domain: "outlet.example".into(),
            },
            provenance: Provenance {
                feed_url: feed.map(String::from),
                ..Provenance::default()
            },
            ..Article::default()
        },
        seq: 0,
        story_id: Some(story.into()),
        duplicate_of: None,
        ingested_at: arrived(minute),
        content_hash: format!("hash-{id}"),
        html: None,
        secured: None,
        feed_only: false,
    }
}

fn source(url: &str, group: &str) -> SourceRow {
    SourceRow {
        id: 0,
        url: url.into(),
        kind: "feed".into(),
        title: Some(format!("Feed {url}")),
        group: Some(group.into()),
        state: None,
        next_poll: Utc::now(),
        last_error: None,
        enabled: true,
        created_at: Utc::now(),
        last_round: None,
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
        published: true,
        ..Story::default()
    }
}

const FEED_A: &str = "https://a.example/feed";
const FEED_B: &str = "https://b.example/feed";

/// Two sources in two groups; story s1 has a1 (A), b1 (B, a syndicated copy of a1) and a2
/// (A); story s2 has b2 (B); f1 came from a file (no source). Returns the ids of users ana
/// and bo.
async fn fill(b: &Backend) -> (i64, i64) {
    let store = &*b.store;
    assert!(store.add_source(&source(FEED_A, "World")).await.unwrap());
    assert!(store.add_source(&source(FEED_B, "Tech")).await.unwrap());
    let mut copy = article("b1", "s1", Some(FEED_B), 2);
    copy.duplicate_of = Some("a1".into());
    let commit = Commit {
        articles: vec![
            article("a1", "s1", Some(FEED_A), 1),
            copy,
            article("a2", "s1", Some(FEED_A), 3),
            article("b2", "s2", Some(FEED_B), 4),
            article("f1", "s2", None, 5),
        ],
        stories: vec![story("s1", "a1", 80), story("s2", "b2", 40)],
        ..Commit::default()
    };
    store.commit(&commit).await.unwrap();
    assert!(store.add_user("ana", Role::Reader, "hash-a").await.unwrap());
    assert!(store.add_user("bo", Role::Admin, "hash-b").await.unwrap());
    assert!(
        !store.add_user("ana", Role::Admin, "x").await.unwrap(),
        "{}: a taken name",
        b.name
    );
    let ana = store.user("ana").await.unwrap().unwrap().id;
    let bo = store.user("bo").await.unwrap().unwrap().id;
    (ana, bo)
}

async fn ids(store: &dyn Store, user: i64, query: &ItemQuery) -> Vec<String> {
    store
        .reader_items(user, query)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.row.article.id)
        .collect()
}

async fn seq(store: &dyn Store, id: &str) -> i64 {
    store.article_seqs(&[id.to_string()]).await.unwrap()[0]
}

async fn source_id(store: &dyn Store, url: &str) -> i64 {
    store
        .sources()
        .await
        .unwrap()
        .iter()
        .find(|s| s.url == url)
        .unwrap()
        .id
}

fn unread(stream: Stream) -> ItemQuery {
    let mut q = ItemQuery::new(stream, 100);
    q.unread_only = true;
    q
}

#[tokio::test]
async fn accounts_are_added_listed_given_app_passwords_and_removed() {
    for b in common::backends().await {
        let (_, _) = fill(&b).await;
        let store = &*b.store;
        let name = b.name;
        let names: Vec<(String, Role)> = store
            .users()
            .await
            .unwrap()
            .into_iter()
            .map(|u| (u.name, u.role))
            .collect();
        assert_eq!(
            names,
            vec![("ana".into(), Role::Reader), ("bo".into(), Role::Admin)],
            "{name}"
        );
        assert!(
            store
                .set_app_password("ana", "app-hash", "token", "feverkey")
                .await
                .unwrap(),
            "{name}"
        );
        let ana = store.user_by_fever_key("feverkey").await.unwrap().unwrap();
        assert_eq!(ana.name, "ana", "{name}");
        assert_eq!(ana.api_token.as_deref(), Some("token"), "{name}");
        assert_eq!(ana.app_password_hash.as_deref(), Some("app-hash"), "{name}");
        assert_eq!(ana.password_hash, "hash-a", "{name}");
        assert!(
            store.user_by_fever_key("other").await.unwrap().is_none(),
            "{name}"
        );
        assert!(
            store.set_user_password("ana", "new-hash").await.unwrap(),
            "{name}"
        );
        assert_eq!(
            store.user("ana").await.unwrap().unwrap().password_hash,
            "new-hash",
            "{name}"
        );
        assert!(
            !store.set_user_password("nobody", "h").await.unwrap(),
            "{name}"
        );
        assert!(
            !store
                .set_app_password("nobody", "h", "t", "k")
                .await
                .unwrap(),
            "{name}"
        );
        assert!(store.remove_user("ana").await.unwrap(), "{name}");
        assert!(!store.remove_user("ana").await.unwrap(), "{name}");
        assert!(store.user("ana").await.unwrap().is_none(), "{name}");
    }
}

#[tokio::test]
async fn account_names_sort_bytewise_and_any_text_is_taken() {
    for b in common::backends().await {
        let store = &*b.store;
        let name = b.name;
        // Byte order: capitals before lower case, as both stores compare text.
        for user in ["zoe", "Zed", "émile", "al"] {
            assert!(
                store.add_user(user, Role::Reader, "h").await.unwrap(),
                "{name}: {user}"
            );
        }
        let names: Vec<String> = store
            .users()
            .await
            .unwrap()
            .into_iter()
            .map(|u| u.name)
            .collect();
        assert_eq!(names, ["Zed", "al", "zoe", "émile"], "{name}");
        // Names are compared exactly: case matters.
        assert!(store.user("ZOE").await.unwrap().is_none(), "{name}");
        assert!(store.user("Zed").await.unwrap().is_some(), "{name}");
        // A NUL in a name is refused by neither store, and the account is found by the
        // name it was given.
        assert!(
            store
                .add_user("nul\0name", Role::Reader, "h\0h")
                .await
                .unwrap(),
            "{name}"
        );
        let found = store.user("nul\0name").await.unwrap();
        assert!(found.is_some(), "{name}: a name with a NUL is found again");
        assert!(store.remove_user("nul\0name").await.unwrap(), "{name}");
        // Quotes and the like are values, not SQL.
        assert!(
            store
                .add_user("o'brien; --", Role::Admin, "h")
                .await
                .unwrap(),
            "{name}"
        );
        assert_eq!(
            store.user("o'brien; --").await.unwrap().unwrap().role,
            Role::Admin,
            "{name}"
        );
    }
}

#[tokio::test]
async fn streams_list_articles_by_source_group_and_story_newest_first() {
    for b in common::backends().await {
        let (ana, _) = fill(&b).await;
        let store = &*b.store;
        let name = b.name;
        // The reading list holds what came through a source, newest first; not the file's
        // piece.
        assert_eq!(
            ids(store, ana, &ItemQuery::new(Stream::All, 100)).await,
            ["b2", "a2", "b1", "a1"],
            "{name}"
        );
        let a = source_id(store, FEED_A).await;
        assert_eq!(
            ids(store, ana, &ItemQuery::new(Stream::Source(a), 100)).await,
            ["a2", "a1"],
            "{name}"
        );
        let items = store
            .reader_items(ana, &ItemQuery::new(Stream::Source(a), 100))
            .await
            .unwrap();
        assert!(
            items
                .iter()
                .all(|i| i.source_id == Some(a) && !i.read && !i.starred),
            "{name}: {items:?}"
        );
        assert_eq!(
            items[0].row.article.body, "Body text of piece a2.",
            "{name}: texts are read"
        );
        assert!(items[0].row.article.published, "{name}");
        assert_eq!(
            ids(
                store,
                ana,
                &ItemQuery::new(Stream::Group("Tech".into()), 100)
            )
            .await,
            ["b2", "b1"],
            "{name}"
        );
        // Group names are compared exactly.
        assert!(
            ids(
                store,
                ana,
                &ItemQuery::new(Stream::Group("tech".into()), 100)
            )
            .await
            .is_empty(),
            "{name}"
        );
        assert_eq!(
            ids(store, ana, &ItemQuery::new(Stream::Story("s2".into()), 100)).await,
            ["f1", "b2"],
            "{name}"
        );
        let items = store
            .reader_items(ana, &ItemQuery::new(Stream::Story("s2".into()), 100))
            .await
            .unwrap();
        assert_eq!(items[0].source_id, None, "{name}: the file's piece");
        // Oldest first, and paging by seq: after the first two, the rest.
        let mut q = ItemQuery::new(Stream::All, 2);
        q.oldest_first = true;
        assert_eq!(ids(store, ana, &q).await, ["a1", "b1"], "{name}");
        q.min_seq_exclusive = Some(seq(store, "b1").await);
        assert_eq!(ids(store, ana, &q).await, ["a2", "b2"], "{name}");
        // Newest first below a seq.
        let mut q = ItemQuery::new(Stream::All, 100);
        q.max_seq_exclusive = Some(seq(store, "a2").await);
        assert_eq!(ids(store, ana, &q).await, ["b1", "a1"], "{name}");
        // Time bounds are arrival times.
        let mut q = ItemQuery::new(Stream::All, 100);
        q.newer_than = Some(arrived(3));
        assert_eq!(ids(store, ana, &q).await, ["b2", "a2"], "{name}");
        let mut q = ItemQuery::new(Stream::All, 100);
        q.older_than = Some(arrived(3));
        assert_eq!(ids(store, ana, &q).await, ["b1", "a1"], "{name}");
        // Only the articles asked for, and none for an empty list.
        let mut q = ItemQuery::new(Stream::All, 100);
        q.seqs = Some(vec![
            seq(store, "a1").await,
            seq(store, "b2").await,
            999_999,
        ]);
        assert_eq!(ids(store, ana, &q).await, ["b2", "a1"], "{name}");
        q.seqs = Some(Vec::new());
        assert!(ids(store, ana, &q).await.is_empty(), "{name}");
        // Ids alone, and a listing without texts.
        let mut q = ItemQuery::new(Stream::All, 3);
        q.with_text = false;
        let seqs = store.reader_ids(ana, &q).await.unwrap();
        let expected = vec![
            seq(store, "b2").await,
            seq(store, "a2").await,
            seq(store, "b1").await,
        ];
        assert_eq!(seqs, expected, "{name}");
        let listed = store.reader_items(ana, &q).await.unwrap();
        assert_eq!(listed.len(), 3, "{name}");
        assert!(listed[0].row.article.body.is_empty(), "{name}");
        assert_eq!(listed[0].row.article.title, "Piece b2", "{name}");
        // An offset alone (no limit), and one past the end.
        let mut q = ItemQuery::new(Stream::All, u32::MAX);
        q.offset = 1;
        assert_eq!(ids(store, ana, &q).await, ["a2", "b1", "a1"], "{name}");
        q.offset = 10;
        assert!(ids(store, ana, &q).await.is_empty(), "{name}");
        // Top stories: each story's lead, hottest first.
        assert_eq!(
            ids(store, ana, &ItemQuery::new(Stream::TopStories, 100)).await,
            ["a1", "b2"],
            "{name}"
        );
        let mut q = ItemQuery::new(Stream::TopStories, 1);
        q.offset = 1;
        assert_eq!(ids(store, ana, &q).await, ["b2"], "{name}");
    }
}

#[tokio::test]
async fn top_stories_put_pinned_first_and_stories_without_a_time_last() {
    for b in common::backends().await {
        let (ana, _) = fill(&b).await;
        let store = &*b.store;
        let name = b.name;
        // Three more stories of equal heat: two with a last publication time, one without.
        let mut commit = Commit::default();
        for (n, last) in [(1, Some(10)), (2, None), (3, Some(20))] {
            let id = format!("t{n}");
            let lead = format!("lead{n}");
            commit
                .articles
                .push(article(&lead, &id, Some(FEED_A), 10 + n));
            let mut s = story(&id, &lead, 30);
            s.last_published = last.map(arrived);
            commit.stories.push(s);
        }
        store.commit(&commit).await.unwrap();
        assert_eq!(
            ids(store, ana, &ItemQuery::new(Stream::TopStories, 100)).await,
            ["a1", "b2", "lead3", "lead1", "lead2"],
            "{name}"
        );
        assert!(store.set_story_pinned("t2", true).await.unwrap(), "{name}");
        assert!(
            store.set_story_published("s2", false).await.unwrap(),
            "{name}"
        );
        assert_eq!(
            ids(store, ana, &ItemQuery::new(Stream::TopStories, 100)).await,
            ["lead2", "a1", "lead3", "lead1"],
            "{name}"
        );
    }
}

#[tokio::test]
async fn streams_show_only_what_the_public_sees() {
    for b in common::backends().await {
        let (ana, _) = fill(&b).await;
        let store = &*b.store;
        let name = b.name;
        assert!(
            store.set_article_published("a2", false).await.unwrap(),
            "{name}"
        );
        assert_eq!(
            ids(store, ana, &ItemQuery::new(Stream::All, 100)).await,
            ["b2", "b1", "a1"],
            "{name}: an unpublished article"
        );
        assert!(
            store.set_story_published("s2", false).await.unwrap(),
            "{name}"
        );
        assert_eq!(
            ids(store, ana, &ItemQuery::new(Stream::All, 100)).await,
            ["b1", "a1"],
            "{name}: an unpublished story"
        );
        store
            .set_provider_blocked("outlet.example", true)
            .await
            .unwrap();
        assert!(
            ids(store, ana, &ItemQuery::new(Stream::All, 100))
                .await
                .is_empty(),
            "{name}: a blocked provider"
        );
        assert!(store.unread_counts(ana).await.unwrap().is_empty(), "{name}");
        store
            .set_provider_blocked("outlet.example", false)
            .await
            .unwrap();
        assert_eq!(
            ids(store, ana, &ItemQuery::new(Stream::All, 100)).await,
            ["b1", "a1"],
            "{name}"
        );
    }
}

#[tokio::test]
async fn read_marks_reach_copies_and_stay_with_their_user() {
    for b in common::backends().await {
        let (ana, bo) = fill(&b).await;
        let store = &*b.store;
        let name = b.name;
        // Reading the original reads its syndicated copy too.
        let a1 = seq(store, "a1").await;
        let written = store
            .mark_articles(ana, &[a1], Some(true), None)
            .await
            .unwrap();
        assert_eq!(written, 2, "{name}: the original and its copy");
        assert_eq!(
            ids(store, ana, &unread(Stream::All)).await,
            ["b2", "a2"],
            "{name}"
        );
        assert_eq!(
            ids(store, ana, &ItemQuery::new(Stream::Read, 100)).await,
            ["b1", "a1"],
            "{name}"
        );
        let items = store
            .reader_items(ana, &ItemQuery::new(Stream::Read, 100))
            .await
            .unwrap();
        assert!(items.iter().all(|i| i.read && !i.starred), "{name}");
        // The other user still has everything unread.
        assert_eq!(
            ids(store, bo, &unread(Stream::All)).await,
            ["b2", "a2", "b1", "a1"],
            "{name}"
        );
        // Marking the copy unread makes the original unread again.
        let b1 = seq(store, "b1").await;
        store
            .mark_articles(ana, &[b1], Some(false), None)
            .await
            .unwrap();
        assert_eq!(
            ids(store, ana, &unread(Stream::All)).await.len(),
            4,
            "{name}"
        );
        // Unknown articles and empty lists are no marks.
        assert_eq!(
            store
                .mark_articles(ana, &[999_999], Some(true), Some(true))
                .await
                .unwrap(),
            0,
            "{name}"
        );
        assert_eq!(
            store
                .mark_articles(ana, &[], Some(true), None)
                .await
                .unwrap(),
            0,
            "{name}"
        );
        // Stars are per article and per user.
        let b2 = seq(store, "b2").await;
        store
            .mark_articles(ana, &[b2], None, Some(true))
            .await
            .unwrap();
        let starred = store
            .reader_items(ana, &ItemQuery::new(Stream::Starred, 100))
            .await
            .unwrap();
        assert_eq!(starred.len(), 1, "{name}");
        assert!(
            starred[0].starred && starred[0].starred_at.is_some() && !starred[0].read,
            "{name}: {:?}",
            starred[0]
        );
        let first_starred = starred[0].starred_at;
        // Starring again keeps the first time; reading keeps the star.
        store
            .mark_articles(ana, &[b2], Some(true), Some(true))
            .await
            .unwrap();
        let starred = store
            .reader_items(ana, &ItemQuery::new(Stream::Starred, 100))
            .await
            .unwrap();
        assert_eq!(starred[0].starred_at, first_starred, "{name}");
        assert!(starred[0].read && starred[0].starred, "{name}");
        // Starred-only on another stream.
        let mut q = ItemQuery::new(Stream::All, 100);
        q.starred_only = true;
        assert_eq!(ids(store, ana, &q).await, ["b2"], "{name}");
        assert!(
            store
                .reader_items(bo, &ItemQuery::new(Stream::Starred, 100))
                .await
                .unwrap()
                .is_empty(),
            "{name}"
        );
        store
            .mark_articles(ana, &[b2], Some(false), Some(false))
            .await
            .unwrap();
        assert!(
            store
                .reader_items(ana, &ItemQuery::new(Stream::Starred, 100))
                .await
                .unwrap()
                .is_empty(),
            "{name}"
        );
        let marks = store
            .article_marks(ana, &["b2".to_string(), "a1".to_string()])
            .await
            .unwrap();
        assert!(
            marks.contains(&("b2".to_string(), false, false)),
            "{name}: {marks:?}"
        );
        store
            .mark_articles(ana, &[a1], Some(true), None)
            .await
            .unwrap();
        let mut marks = store
            .article_marks(
                ana,
                &["b2".to_string(), "a1".to_string(), "missing".to_string()],
            )
            .await
            .unwrap();
        marks.sort();
        assert_eq!(
            marks,
            [
                ("a1".to_string(), true, false),
                ("b2".to_string(), false, false)
            ],
            "{name}"
        );
        assert!(
            store
                .article_marks(bo, &["a1".to_string()])
                .await
                .unwrap()
                .is_empty(),
            "{name}"
        );
        let mut seqs = store
            .article_seqs(&["a1".to_string(), "missing".to_string(), "b1".to_string()])
            .await
            .unwrap();
        seqs.sort();
        assert_eq!(seqs, [a1, b1], "{name}");
    }
}

#[tokio::test]
async fn marks_of_many_articles_are_written_in_chunks() {
    for b in common::backends().await {
        let (ana, _) = fill(&b).await;
        let store = &*b.store;
        let name = b.name;
        // More articles than one statement takes.
        let mut commit = Commit::default();
        for n in 0..1_200 {
            commit
                .articles
                .push(article(&format!("m{n:04}"), "s1", Some(FEED_A), 100 + n));
        }
        store.commit(&commit).await.unwrap();
        let all: Vec<String> = (0..1_200).map(|n| format!("m{n:04}")).collect();
        let seqs = store.article_seqs(&all).await.unwrap();
        assert_eq!(seqs.len(), 1_200, "{name}");
        let written = store
            .mark_articles(ana, &seqs, Some(true), Some(true))
            .await
            .unwrap();
        assert!(written >= 1_200, "{name}: {written}");
        let marks = store.article_marks(ana, &all).await.unwrap();
        assert_eq!(marks.len(), 1_200, "{name}");
        assert!(
            marks.iter().all(|(_, read, starred)| *read && *starred),
            "{name}"
        );
        let mut q = ItemQuery::new(Stream::Starred, u32::MAX);
        q.with_text = false;
        assert_eq!(
            store.reader_ids(ana, &q).await.unwrap().len(),
            1_200,
            "{name}"
        );
        assert_eq!(
            store.story_unread(ana, &["s1".to_string()]).await.unwrap(),
            [("s1".to_string(), 3)],
            "{name}"
        );
    }
}

#[tokio::test]
async fn concurrent_marks_on_the_same_articles_all_land() {
    for b in common::backends().await {
        if b.sqlite.is_some() {
            // SQLite's mark opens its transaction by reading, and a concurrent second
            // writer then fails with "database is locked" instead of waiting; this checks
            // that PostgreSQL's marks wait for each other rather than deadlock.
            continue;
        }
        let (ana, bo) = fill(&b).await;
        let name = b.name;
        let mut seqs = Vec::new();
        for id in ["a1", "b1", "a2", "b2", "f1"] {
            seqs.push(seq(&*b.store, id).await);
        }
        let mut reversed = seqs.clone();
        reversed.reverse();
        let mut tasks = Vec::new();
        for round in 0..8 {
            let store = b.store.clone();
            let list = if round % 2 == 0 {
                seqs.clone()
            } else {
                reversed.clone()
            };
            let user = if round % 3 == 0 { bo } else { ana };
            tasks.push(tokio::spawn(async move {
                store
                    .mark_articles(user, &list, Some(true), Some(round % 2 == 0))
                    .await
            }));
        }
        for task in tasks {
            task.await
                .unwrap()
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        assert!(
            ids(&*b.store, ana, &unread(Stream::All)).await.is_empty(),
            "{name}"
        );
        assert!(
            ids(&*b.store, bo, &unread(Stream::All)).await.is_empty(),
            "{name}"
        );
    }
}

#[tokio::test]
async fn mark_all_read_goes_up_to_a_time_and_by_source_group_and_story() {
    for b in common::backends().await {
        let (ana, bo) = fill(&b).await;
        let store = &*b.store;
        let name = b.name;
        let a = source_id(store, FEED_A).await;
        let bsrc = source_id(store, FEED_B).await;
        let counts = store.unread_counts(ana).await.unwrap();
        assert_eq!(
            counts
                .iter()
                .map(|c| (c.source_id, c.unread, c.newest))
                .collect::<Vec<_>>(),
            [(a, 2, Some(arrived(3))), (bsrc, 2, Some(arrived(4)))],
            "{name}: {counts:?}"
        );
        // Up to minute 2: a1 and its copy b1.
        let marked = store
            .mark_all_read(ana, &ReadScope::All, Some(arrived(2)))
            .await
            .unwrap();
        assert_eq!(marked, 2, "{name}");
        assert_eq!(
            ids(store, ana, &unread(Stream::All)).await,
            ["b2", "a2"],
            "{name}"
        );
        // By group: Tech holds b2 now.
        store
            .mark_all_read(ana, &ReadScope::Group("Tech".into()), None)
            .await
            .unwrap();
        assert_eq!(
            ids(store, ana, &unread(Stream::All)).await,
            ["a2"],
            "{name}"
        );
        // By story, for the other user: s1's coverage, and nothing else.
        store
            .mark_all_read(bo, &ReadScope::Story("s1".into()), None)
            .await
            .unwrap();
        assert_eq!(ids(store, bo, &unread(Stream::All)).await, ["b2"], "{name}");
        // By source.
        store
            .mark_all_read(ana, &ReadScope::Source(a), None)
            .await
            .unwrap();
        assert!(
            ids(store, ana, &unread(Stream::All)).await.is_empty(),
            "{name}"
        );
        assert!(store.unread_counts(ana).await.unwrap().is_empty(), "{name}");
        // Nothing left: nothing marked.
        assert_eq!(
            store
                .mark_all_read(ana, &ReadScope::All, None)
                .await
                .unwrap(),
            0,
            "{name}"
        );
        let bo_counts = store.unread_counts(bo).await.unwrap();
        assert_eq!(bo_counts.len(), 1, "{name}");
        assert_eq!(bo_counts[0].unread, 1, "{name}");
        // Removing a user removes their marks with them; the other's stay.
        assert!(store.remove_user("ana").await.unwrap(), "{name}");
        assert_eq!(ids(store, bo, &unread(Stream::All)).await, ["b2"], "{name}");
    }
}

#[tokio::test]
async fn a_merged_storys_stream_and_marks_follow_the_survivor() {
    for b in common::backends().await {
        let (ana, _) = fill(&b).await;
        let store = &*b.store;
        let name = b.name;
        store
            .commit(&Commit {
                merges: vec![("s2".into(), "s1".into())],
                ..Commit::default()
            })
            .await
            .unwrap();
        assert_eq!(
            ids(store, ana, &ItemQuery::new(Stream::Story("s2".into()), 100)).await,
            ["f1", "b2", "a2", "b1", "a1"],
            "{name}: the merged id lists the survivor's coverage"
        );
        store
            .mark_all_read(ana, &ReadScope::Story("s2".into()), None)
            .await
            .unwrap();
        assert!(
            ids(store, ana, &unread(Stream::All)).await.is_empty(),
            "{name}"
        );
    }
}

#[tokio::test]
async fn unread_per_story_counts_each_users_unread_coverage() {
    for b in common::backends().await {
        let (ana, bo) = fill(&b).await;
        let store = &*b.store;
        let name = b.name;
        let stories = ["s1".to_string(), "s2".to_string(), "missing".to_string()];
        let mut counts = store.story_unread(ana, &stories).await.unwrap();
        counts.sort();
        // s2 holds the file's piece too: every visible article counts, with a source or not.
        assert_eq!(
            counts,
            [("s1".to_string(), 3), ("s2".to_string(), 2)],
            "{name}"
        );
        store
            .mark_all_read(ana, &ReadScope::Story("s1".into()), None)
            .await
            .unwrap();
        assert_eq!(
            store.story_unread(ana, &stories).await.unwrap(),
            [("s2".to_string(), 2)],
            "{name}"
        );
        assert_eq!(
            store.story_unread(bo, &stories).await.unwrap().len(),
            2,
            "{name}"
        );
        assert!(
            store.story_unread(bo, &[]).await.unwrap().is_empty(),
            "{name}"
        );
    }
}
