//! The conductor against a real SQLite store: what it repairs when it opens, and the story
//! ids it keeps across a restart.

use std::collections::BTreeMap;
use std::sync::Arc;

use storyline_ingest::files::{self, FileLimits};
use storyline_model::{Article, Keyring, Provider};
use storyline_pipeline::{Incoming, Outcome, Pipeline, PipelineConfig, intake};
use storyline_store::{ArticleRow, Commit, SqliteStore, Store, StoryQuery};

#[tokio::test]
async fn an_article_left_without_its_story_row_gets_one_when_the_pipeline_opens() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::open(&dir.path().join("s.db")).await.unwrap());
    // What a kill between an article's commit and its story's left behind in older versions.
    let article = Article {
        id: "00000000000000aa".into(),
        title: "Harbor cranes return to the east quay".into(),
        body: "The port's three cranes were back at work on Tuesday.".into(),
        kind: "article".into(),
        category: "news".into(),
        published: true,
        published_date_time: Some(chrono::Utc::now()),
        provider: Provider {
            name: "Quayside Daily".into(),
            domain: "quayside.example".into(),
        },
        ..Article::default()
    };
    let row = ArticleRow {
        article,
        seq: 0,
        story_id: Some("00000000000000aa".into()),
        duplicate_of: None,
        ingested_at: chrono::Utc::now(),
        content_hash: "h".into(),
        html: None,
        secured: None,
        feed_only: false,
    };
    store
        .commit(&Commit {
            articles: vec![row],
            ..Commit::default()
        })
        .await
        .unwrap();
    assert!(store.story("00000000000000aa").await.unwrap().is_none());

    let pipeline = Pipeline::open(
        store.clone(),
        Keyring::generate().unwrap(),
        PipelineConfig::default(),
    )
    .await
    .unwrap();
    let story = store
        .story("00000000000000aa")
        .await
        .unwrap()
        .expect("the story row is back");
    assert_eq!(story.title, "Harbor cranes return to the east quay");
    assert_eq!(story.article_count, 1);
    assert_eq!(story.lead_article_id, "00000000000000aa");
    drop(pipeline);
}

/// The corpus's articles as files give them, in a fixed order: by publication time, or
/// shuffled by a hash of the file name (stories then grow out of order, and the clusterer
/// merges and splits more).
fn corpus_articles(keyring: &Keyring, shuffled: bool) -> Vec<(String, Incoming)> {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let (paths, errors) = files::discover(&[corpus]);
    assert!(errors.is_empty(), "{errors:?}");
    let mut articles: Vec<(String, Incoming)> = paths
        .iter()
        .filter_map(|path| {
            let raw = files::read_file(path, &FileLimits::default()).ok()?;
            let incoming = intake::from_file(&raw, keyring).ok()?;
            let name = path.file_name()?.to_string_lossy().into_owned();
            Some((name, incoming))
        })
        .collect();
    if shuffled {
        articles.sort_by_key(|(name, _)| xxhash_rust::xxh3::xxh3_64(name.as_bytes()));
    } else {
        articles.sort_by(|(na, a), (nb, b)| {
            let key = |i: &Incoming| {
                (
                    i.article.published_date_time.is_none(),
                    i.article.published_date_time,
                )
            };
            key(a).cmp(&key(b)).then_with(|| na.cmp(nb))
        });
    }
    articles
}

/// One article's place: its story as stored, that story as it resolves now (after merges),
/// and the original it is a syndicated copy of.
#[derive(Debug, PartialEq, Eq)]
struct Placed {
    story: Option<String>,
    resolved: Option<String>,
    duplicate_of: Option<String>,
}

/// What a store holds of the clustering: each article's place, each live story's id, size
/// and lead, and the count of live stories.
#[derive(Debug, PartialEq, Eq)]
struct Placements {
    articles: BTreeMap<String, Placed>,
    stories: BTreeMap<String, (u32, String)>,
    live: u64,
}

async fn placements(store: &SqliteStore) -> Placements {
    let mut articles = BTreeMap::new();
    let mut after = 0;
    loop {
        let rows = store.articles_after(after, 500).await.unwrap();
        let Some(last) = rows.last() else { break };
        after = last.seq;
        for row in rows {
            let resolved = match &row.story_id {
                Some(id) => store.resolve_story(id).await.unwrap(),
                None => None,
            };
            articles.insert(
                row.article.id.clone(),
                Placed {
                    story: row.story_id.clone(),
                    resolved,
                    duplicate_of: row.duplicate_of.clone(),
                },
            );
        }
    }
    let stories = store
        .stories(&StoryQuery {
            limit: 10_000,
            ..StoryQuery::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.id, (s.article_count, s.lead_article_id)))
        .collect();
    Placements {
        articles,
        stories,
        live: store.stats().await.unwrap().stories,
    }
}

/// Ingests `articles` into a new store, closing the pipeline (and the store) and opening
/// them again before each index in `restarts`.
async fn ingest_with_restarts(
    keyring: &Keyring,
    articles: Vec<(String, Incoming)>,
    restarts: &[usize],
) -> (tempfile::TempDir, Placements) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let open = || async {
        let store = Arc::new(SqliteStore::open(&path).await.unwrap());
        let dyn_store: Arc<dyn Store> = store.clone();
        let pipeline = Pipeline::open(dyn_store, keyring.clone(), PipelineConfig::default())
            .await
            .unwrap();
        (store, pipeline)
    };
    let (mut store, mut pipeline) = open().await;
    for (index, (name, mut incoming)) in articles.into_iter().enumerate() {
        if restarts.contains(&index) {
            drop(pipeline);
            store.close().await;
            drop(store);
            (store, pipeline) = open().await;
        }
        pipeline.preparer().prepare(&mut incoming);
        let outcome = pipeline.ingest(incoming).await.unwrap();
        assert!(
            !matches!(outcome, Outcome::Skipped(_)),
            "{name}: {outcome:?}"
        );
    }
    drop(pipeline);
    let placed = placements(&store).await;
    store.close().await;
    (dir, placed)
}

#[tokio::test]
async fn a_restart_mid_stream_keeps_the_story_ids_of_an_uninterrupted_run() {
    let keyring = Keyring::generate().unwrap();
    for shuffled in [false, true] {
        let articles = corpus_articles(&keyring, shuffled);
        let n = articles.len();
        assert!(n >= 60, "the corpus has its 71 articles: {n}");
        let (_a, straight) = ingest_with_restarts(&keyring, articles, &[]).await;
        assert!(
            straight.live >= 10,
            "the corpus makes stories: {straight:?}"
        );
        for restarts in [vec![n / 2], vec![n / 4, n / 2, 3 * n / 4]] {
            let articles = corpus_articles(&keyring, shuffled);
            let (_b, restarted) = ingest_with_restarts(&keyring, articles, &restarts).await;
            let differing: Vec<_> = straight
                .articles
                .iter()
                .filter(|(id, placed)| restarted.articles.get(*id) != Some(placed))
                .map(|(id, placed)| (id, placed, restarted.articles.get(id)))
                .collect();
            assert!(
                differing.is_empty(),
                "shuffled {shuffled}, restarts before {restarts:?}: articles placed \
                 differently (uninterrupted, restarted): {differing:#?}"
            );
            assert_eq!(
                straight, restarted,
                "shuffled {shuffled}, restarts before {restarts:?}"
            );
        }
    }
}
