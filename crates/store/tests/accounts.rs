//! Accounts and per-user read state: each article is linked to the source its feed is, read
//! and starred marks are per user, read marks reach syndicated copies, "mark all as read"
//! works up to a time and per source, group and story, and one user's marks never show for
//! another.

use chrono::{DateTime, Duration, TimeZone, Utc};
use storyline_model::{Article, Provenance, Provider, Story};
use storyline_store::{
    ArticleRow, Commit, ItemQuery, ReadScope, Role, SourceRow, SqliteStore, Store, Stream,
};

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
/// (A); story s2 has b2 (B); f1 came from a file (no source).
async fn filled() -> (tempfile::TempDir, SqliteStore, i64, i64) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("accounts.db"))
        .await
        .unwrap();
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
    assert!(!store.add_user("ana", Role::Admin, "x").await.unwrap());
    let ana = store.user("ana").await.unwrap().unwrap().id;
    let bo = store.user("bo").await.unwrap().unwrap().id;
    (dir, store, ana, bo)
}

async fn ids(store: &SqliteStore, user: i64, query: &ItemQuery) -> Vec<String> {
    store
        .reader_items(user, query)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.row.article.id)
        .collect()
}

async fn seq(store: &SqliteStore, id: &str) -> i64 {
    store.article_seqs(&[id.to_string()]).await.unwrap()[0]
}

fn unread(stream: Stream) -> ItemQuery {
    let mut q = ItemQuery::new(stream, 100);
    q.unread_only = true;
    q
}

#[tokio::test]
async fn accounts_are_added_listed_given_app_passwords_and_removed() {
    let (_dir, store, _, _) = filled().await;
    let names: Vec<(String, Role)> = store
        .users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| (u.name, u.role))
        .collect();
    assert_eq!(
        names,
        vec![("ana".into(), Role::Reader), ("bo".into(), Role::Admin)]
    );
    assert!(
        store
            .set_app_password("ana", "app-hash", "token", "feverkey")
            .await
            .unwrap()
    );
    let ana = store.user_by_fever_key("feverkey").await.unwrap().unwrap();
    assert_eq!(ana.name, "ana");
    assert_eq!(ana.api_token.as_deref(), Some("token"));
    assert!(store.user_by_fever_key("other").await.unwrap().is_none());
    assert!(store.set_user_password("ana", "new-hash").await.unwrap());
    assert!(!store.set_user_password("nobody", "h").await.unwrap());
    assert!(store.remove_user("ana").await.unwrap());
    assert!(!store.remove_user("ana").await.unwrap());
    assert!(store.user("ana").await.unwrap().is_none());
}

#[tokio::test]
async fn streams_list_articles_by_source_group_and_story_newest_first() {
    let (_dir, store, ana, _) = filled().await;
    // The reading list holds what came through a source, newest first; not the file's piece.
    assert_eq!(
        ids(&store, ana, &ItemQuery::new(Stream::All, 100)).await,
        ["b2", "a2", "b1", "a1"]
    );
    let sources = store.sources().await.unwrap();
    let a = sources.iter().find(|s| s.url == FEED_A).unwrap().id;
    assert_eq!(
        ids(&store, ana, &ItemQuery::new(Stream::Source(a), 100)).await,
        ["a2", "a1"]
    );
    assert_eq!(
        ids(
            &store,
            ana,
            &ItemQuery::new(Stream::Group("Tech".into()), 100)
        )
        .await,
        ["b2", "b1"]
    );
    assert_eq!(
        ids(
            &store,
            ana,
            &ItemQuery::new(Stream::Story("s2".into()), 100)
        )
        .await,
        ["f1", "b2"]
    );
    // Oldest first, and paging by seq: after the first two, the rest.
    let mut q = ItemQuery::new(Stream::All, 2);
    q.oldest_first = true;
    assert_eq!(ids(&store, ana, &q).await, ["a1", "b1"]);
    q.min_seq_exclusive = Some(seq(&store, "b1").await);
    assert_eq!(ids(&store, ana, &q).await, ["a2", "b2"]);
    // Time bounds are arrival times.
    let mut q = ItemQuery::new(Stream::All, 100);
    q.newer_than = Some(arrived(3));
    assert_eq!(ids(&store, ana, &q).await, ["b2", "a2"]);
    // Top stories: each story's lead, hottest first.
    assert_eq!(
        ids(&store, ana, &ItemQuery::new(Stream::TopStories, 100)).await,
        ["a1", "b2"]
    );
}

#[tokio::test]
async fn read_marks_reach_copies_and_stay_with_their_user() {
    let (_dir, store, ana, bo) = filled().await;
    // Reading the original reads its syndicated copy too.
    let a1 = seq(&store, "a1").await;
    store
        .mark_articles(ana, &[a1], Some(true), None)
        .await
        .unwrap();
    assert_eq!(ids(&store, ana, &unread(Stream::All)).await, ["b2", "a2"]);
    assert_eq!(
        ids(&store, ana, &ItemQuery::new(Stream::Read, 100)).await,
        ["b1", "a1"]
    );
    // The other user still has everything unread.
    assert_eq!(
        ids(&store, bo, &unread(Stream::All)).await,
        ["b2", "a2", "b1", "a1"]
    );
    // Marking the copy unread makes the original unread again.
    let b1 = seq(&store, "b1").await;
    store
        .mark_articles(ana, &[b1], Some(false), None)
        .await
        .unwrap();
    assert_eq!(ids(&store, ana, &unread(Stream::All)).await.len(), 4);
    // Stars are per article and per user.
    let b2 = seq(&store, "b2").await;
    store
        .mark_articles(ana, &[b2], None, Some(true))
        .await
        .unwrap();
    let starred = store
        .reader_items(ana, &ItemQuery::new(Stream::Starred, 100))
        .await
        .unwrap();
    assert_eq!(starred.len(), 1);
    assert!(starred[0].starred && starred[0].starred_at.is_some() && !starred[0].read);
    assert!(
        store
            .reader_items(bo, &ItemQuery::new(Stream::Starred, 100))
            .await
            .unwrap()
            .is_empty()
    );
    store
        .mark_articles(ana, &[b2], None, Some(false))
        .await
        .unwrap();
    assert!(
        store
            .reader_items(ana, &ItemQuery::new(Stream::Starred, 100))
            .await
            .unwrap()
            .is_empty()
    );
    let marks = store
        .article_marks(ana, &["b2".to_string(), "a1".to_string()])
        .await
        .unwrap();
    assert!(marks.contains(&("b2".to_string(), false, false)));
}

#[tokio::test]
async fn mark_all_read_goes_up_to_a_time_and_by_source_group_and_story() {
    let (_dir, store, ana, bo) = filled().await;
    let counts = store.unread_counts(ana).await.unwrap();
    assert_eq!(
        counts.iter().map(|c| c.unread).collect::<Vec<_>>(),
        [2, 2],
        "{counts:?}"
    );
    // Up to minute 2: a1 and its copy b1.
    let marked = store
        .mark_all_read(ana, &ReadScope::All, Some(arrived(2)))
        .await
        .unwrap();
    assert_eq!(marked, 2);
    assert_eq!(ids(&store, ana, &unread(Stream::All)).await, ["b2", "a2"]);
    // By group: Tech holds b2 now.
    store
        .mark_all_read(ana, &ReadScope::Group("Tech".into()), None)
        .await
        .unwrap();
    assert_eq!(ids(&store, ana, &unread(Stream::All)).await, ["a2"]);
    // By story, for the other user: s1's coverage, and nothing else.
    store
        .mark_all_read(bo, &ReadScope::Story("s1".into()), None)
        .await
        .unwrap();
    assert_eq!(ids(&store, bo, &unread(Stream::All)).await, ["b2"]);
    // By source.
    let a = store
        .sources()
        .await
        .unwrap()
        .iter()
        .find(|s| s.url == FEED_A)
        .unwrap()
        .id;
    store
        .mark_all_read(ana, &ReadScope::Source(a), None)
        .await
        .unwrap();
    assert!(ids(&store, ana, &unread(Stream::All)).await.is_empty());
    assert!(store.unread_counts(ana).await.unwrap().is_empty());
    let bo_counts = store.unread_counts(bo).await.unwrap();
    assert_eq!(bo_counts.len(), 1);
    assert_eq!(bo_counts[0].unread, 1);
    // Removing a user removes their marks with them; the other's stay.
    assert!(store.remove_user("ana").await.unwrap());
    assert_eq!(ids(&store, bo, &unread(Stream::All)).await, ["b2"]);
}

#[tokio::test]
async fn unread_per_story_counts_each_users_unread_coverage() {
    let (_dir, store, ana, bo) = filled().await;
    let stories = ["s1".to_string(), "s2".to_string()];
    let mut counts = store.story_unread(ana, &stories).await.unwrap();
    counts.sort();
    // s2 holds the file's piece too: every visible article counts, with a source or not.
    assert_eq!(counts, [("s1".to_string(), 3), ("s2".to_string(), 2)]);
    store
        .mark_all_read(ana, &ReadScope::Story("s1".into()), None)
        .await
        .unwrap();
    assert_eq!(
        store.story_unread(ana, &stories).await.unwrap(),
        [("s2".to_string(), 2)]
    );
    assert_eq!(store.story_unread(bo, &stories).await.unwrap().len(), 2);
}
