//! Entities named by articles: written with the article in its commit, replaced when the
//! article is upgraded, and read back as an entity, the stories naming it (newest first,
//! following moves), a story's key entities and the trending ones.

use chrono::{DateTime, Duration, TimeZone, Utc};
use storyline_model::{Article, Provider, Story};
use storyline_store::{ArticleRow, Commit, EntityMention, SqliteStore, Store, StoryQuery};

fn at(hour: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 12, 0, 0, 0).unwrap() + Duration::hours(hour)
}

fn article(id: &str, story: &str, hour: i64) -> ArticleRow {
    ArticleRow {
        article: Article {
            id: id.into(),
            category: "news".into(),
            title: format!("Piece {id}"),
            body: format!("Body of {id}."),
            published_date_time: Some(at(hour)),
            kind: "article".into(),
            heat: -1,
            published: true,
            provider: Provider {
                name: "Outlet".into(),
                domain: "outlet.example".into(),
            },
            ..Article::default()
        },
        seq: 0,
        story_id: Some(story.into()),
        duplicate_of: None,
        ingested_at: at(hour),
        content_hash: format!("hash-{id}"),
        html: None,
        secured: None,
        feed_only: false,
    }
}

fn story(id: &str, heat: i32, last: i64) -> Story {
    Story {
        id: id.into(),
        title: format!("Story {id}"),
        heat,
        lead_article_id: format!("{id}-a"),
        article_count: 1,
        provider_count: 1,
        last_published: Some(at(last)),
        first_published: Some(at(last)),
        published: true,
        ..Story::default()
    }
}

fn named(pairs: &[(&str, &str)]) -> Vec<EntityMention> {
    pairs
        .iter()
        .map(|(name, kind)| EntityMention {
            slug: name.to_lowercase().replace(' ', "-"),
            name: (*name).into(),
            kind: (*kind).into(),
            mentions: 2,
        })
        .collect()
}

fn named_by(slug: &str, limit: u32, offset: u32) -> StoryQuery {
    StoryQuery {
        entity: Some(slug.into()),
        published_only: true,
        limit,
        offset,
        ..StoryQuery::default()
    }
}

async fn put(store: &SqliteStore, row: ArticleRow, s: Story, entities: Vec<EntityMention>) {
    let commit = Commit {
        entities: vec![(row.article.id.clone(), entities)],
        articles: vec![row],
        stories: vec![s],
        ..Commit::default()
    };
    store.commit(&commit).await.unwrap();
}

#[tokio::test]
async fn entities_find_their_stories_newest_first_and_trend_by_heat() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("entities.db"))
        .await
        .unwrap();
    put(
        &store,
        article("old-a", "old", 1),
        story("old", 10, 1),
        named(&[("Moonshot AI", "organization"), ("Beijing", "place")]),
    )
    .await;
    put(
        &store,
        article("new-a", "new", 30),
        story("new", 60, 30),
        named(&[("Moonshot AI", "organization"), ("Alibaba", "organization")]),
    )
    .await;
    put(
        &store,
        article("new-b", "new", 31),
        story("new", 70, 31),
        named(&[("Alibaba", "organization"), ("Joseph Tsai", "person")]),
    )
    .await;
    put(
        &store,
        article("other-a", "other", 32),
        story("other", 20, 32),
        named(&[("Beijing", "place")]),
    )
    .await;

    let moonshot = store.entity("moonshot-ai").await.unwrap().expect("named");
    assert_eq!(
        (moonshot.name.as_str(), moonshot.kind.as_str()),
        ("Moonshot AI", "organization")
    );
    assert_eq!(moonshot.articles, 2);
    assert!(store.entity("nobody").await.unwrap().is_none());

    let ids = |v: Vec<Story>| v.into_iter().map(|s| s.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store
            .stories(&named_by("moonshot-ai", 10, 0))
            .await
            .unwrap()),
        vec!["new", "old"]
    );
    assert_eq!(
        ids(store.stories(&named_by("moonshot-ai", 1, 1)).await.unwrap()),
        vec!["old"]
    );

    // named by both of the story's articles first
    let keys = store.story_entities("new", 10).await.unwrap();
    assert_eq!(keys[0].slug, "alibaba");
    assert_eq!(keys[0].articles, 2);
    assert_eq!(keys.len(), 3);

    // the last day (from hour 24): Alibaba is in the hottest story
    let trending = store.trending_entities(at(24), 10).await.unwrap();
    let slugs: Vec<&str> = trending.iter().map(|e| e.slug.as_str()).collect();
    assert_eq!(slugs[0], "alibaba", "{trending:?}");
    assert!(!slugs.contains(&"old"), "{trending:?}");
    assert_eq!(trending[0].heat, 70);
    assert!(slugs.contains(&"beijing"), "{trending:?}");

    // an upgrade replaces the article's entities; a move takes them to the new story
    let commit = Commit {
        entities: vec![("old-a".into(), named(&[("Kimi", "organization")]))],
        moves: vec![("other-a".into(), "new".into())],
        ..Commit::default()
    };
    store.commit(&commit).await.unwrap();
    assert_eq!(
        store
            .entity("moonshot-ai")
            .await
            .unwrap()
            .expect("named")
            .articles,
        1
    );
    assert_eq!(
        ids(store.stories(&named_by("kimi", 10, 0)).await.unwrap()),
        vec!["old"]
    );
    assert_eq!(
        ids(store.stories(&named_by("beijing", 10, 0)).await.unwrap()),
        vec!["new"]
    );
}
