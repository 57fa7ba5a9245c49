//! The conductor against a real SQLite store: what it repairs when it opens.

use std::sync::Arc;

use storyline_model::{Article, Keyring, Provider};
use storyline_pipeline::{Pipeline, PipelineConfig};
use storyline_store::{ArticleRow, Commit, SqliteStore, Store};

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
