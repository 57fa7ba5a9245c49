//! Entities named by articles: written with the article in its commit, replaced when the
//! article is upgraded, and read back as an entity, the stories naming it (newest first,
//! following moves), a story's key entities and the trending ones.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use storyline_model::{Article, Provider, Story};
use storyline_store::{ArticleRow, Commit, EntityMention, Store, StoryQuery};

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

async fn put(store: &dyn Store, row: ArticleRow, s: Story, entities: Vec<EntityMention>) {
    let commit = Commit {
        entities: vec![(row.article.id.clone(), entities)],
        articles: vec![row],
        stories: vec![s],
        ..Commit::default()
    };
    store.commit(&commit).await.unwrap();
}

fn ids(v: Vec<Story>) -> Vec<String> {
    v.into_iter().map(|s| s.id).collect()
}

#[tokio::test]
async fn entities_find_their_stories_newest_first_and_trend_by_heat() {
    for b in common::backends().await {
        let store = &*b.store;
        let name = b.name;
        put(
            store,
            article("old-a", "old", 1),
            story("old", 10, 1),
            named(&[("Moonshot AI", "organization"), ("Beijing", "place")]),
        )
        .await;
        put(
            store,
            article("new-a", "new", 30),
            story("new", 60, 30),
            named(&[("Moonshot AI", "organization"), ("Alibaba", "organization")]),
        )
        .await;
        let mut both = story("new", 70, 31);
        both.article_count = 2;
        put(
            store,
            article("new-b", "new", 31),
            both,
            named(&[("Alibaba", "organization"), ("Joseph Tsai", "person")]),
        )
        .await;
        put(
            store,
            article("other-a", "other", 32),
            story("other", 20, 32),
            named(&[("Beijing", "place")]),
        )
        .await;

        let moonshot = store.entity("moonshot-ai").await.unwrap().expect("named");
        assert_eq!(
            (moonshot.name.as_str(), moonshot.kind.as_str()),
            ("Moonshot AI", "organization"),
            "{name}"
        );
        assert_eq!(moonshot.articles, 2, "{name}");
        assert_eq!(moonshot.heat, 0, "{name}");
        assert!(store.entity("nobody").await.unwrap().is_none(), "{name}");

        assert_eq!(
            ids(store
                .stories(&named_by("moonshot-ai", 10, 0))
                .await
                .unwrap()),
            vec!["new", "old"],
            "{name}"
        );
        assert_eq!(
            ids(store.stories(&named_by("moonshot-ai", 1, 1)).await.unwrap()),
            vec!["old"],
            "{name}"
        );
        assert!(
            store
                .stories(&named_by("nobody", 10, 0))
                .await
                .unwrap()
                .is_empty(),
            "{name}"
        );

        // named by both of the story's articles first
        let keys = store.story_entities("new", 10).await.unwrap();
        assert_eq!(keys[0].slug, "alibaba", "{name}");
        assert_eq!(keys[0].articles, 2, "{name}");
        assert_eq!(keys.len(), 3, "{name}");
        // then by mentions and slug
        assert_eq!(
            keys.iter().map(|k| k.slug.as_str()).collect::<Vec<_>>(),
            ["alibaba", "joseph-tsai", "moonshot-ai"],
            "{name}"
        );
        assert_eq!(
            store.story_entities("new", 1).await.unwrap().len(),
            1,
            "{name}"
        );

        // the last day (from hour 24): Alibaba is in the hottest story
        let trending = store.trending_entities(at(24), 10).await.unwrap();
        let slugs: Vec<&str> = trending.iter().map(|e| e.slug.as_str()).collect();
        assert_eq!(slugs[0], "alibaba", "{name}: {trending:?}");
        assert!(!slugs.contains(&"old"), "{name}: {trending:?}");
        assert_eq!(trending[0].heat, 70, "{name}");
        assert_eq!(trending[0].articles, 2, "{name}");
        assert!(slugs.contains(&"beijing"), "{name}: {trending:?}");
        // Half of story "new" (heat 70) names Moonshot AI and Joseph Tsai: 35 each.
        let heat_of = |slug: &str| trending.iter().find(|e| e.slug == slug).map(|e| e.heat);
        assert_eq!(heat_of("moonshot-ai"), Some(35), "{name}: {trending:?}");
        assert_eq!(heat_of("joseph-tsai"), Some(35), "{name}: {trending:?}");
        assert_eq!(heat_of("beijing"), Some(20), "{name}: {trending:?}");
        assert_eq!(
            slugs,
            ["alibaba", "joseph-tsai", "moonshot-ai", "beijing"],
            "{name}: heat, then slug"
        );

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
            1,
            "{name}"
        );
        assert_eq!(
            ids(store.stories(&named_by("kimi", 10, 0)).await.unwrap()),
            vec!["old"],
            "{name}"
        );
        assert_eq!(
            ids(store.stories(&named_by("beijing", 10, 0)).await.unwrap()),
            vec!["new"],
            "{name}"
        );
    }
}

#[tokio::test]
async fn entity_lists_keep_the_first_of_a_slug_and_known_kinds_only() {
    for b in common::backends().await {
        let store = &*b.store;
        let name = b.name;
        let mentions = vec![
            EntityMention {
                slug: "ada".into(),
                name: "Ada".into(),
                kind: "person".into(),
                mentions: 3,
            },
            // A second mention of a slug is left out; the first stays.
            EntityMention {
                slug: "ada".into(),
                name: "ADA".into(),
                kind: "organization".into(),
                mentions: 9,
            },
            // A kind the store does not know is left out.
            EntityMention {
                slug: "thing".into(),
                name: "Thing".into(),
                kind: "object".into(),
                mentions: 1,
            },
            EntityMention {
                slug: "o'hare".into(),
                name: "O'Hare; --".into(),
                kind: "place".into(),
                mentions: 1,
            },
        ];
        put(store, article("x-a", "x", 1), story("x", 10, 1), mentions).await;
        let ada = store.entity("ada").await.unwrap().expect("named");
        assert_eq!(
            (ada.name.as_str(), ada.kind.as_str(), ada.articles),
            ("Ada", "person", 1),
            "{name}"
        );
        assert!(store.entity("thing").await.unwrap().is_none(), "{name}");
        assert_eq!(
            store.entity("o'hare").await.unwrap().expect("named").name,
            "O'Hare; --",
            "{name}"
        );
        // Entities of an article not stored are not written.
        store
            .commit(&Commit {
                entities: vec![("missing".into(), named(&[("Nobody", "person")]))],
                ..Commit::default()
            })
            .await
            .unwrap();
        assert!(store.entity("nobody").await.unwrap().is_none(), "{name}");
        // An empty list clears the article's entities.
        store
            .commit(&Commit {
                entities: vec![("x-a".into(), Vec::new())],
                ..Commit::default()
            })
            .await
            .unwrap();
        assert!(store.entity("ada").await.unwrap().is_none(), "{name}");
        assert!(
            store.story_entities("x", 10).await.unwrap().is_empty(),
            "{name}"
        );
    }
}

#[tokio::test]
async fn an_entity_takes_its_most_used_spelling() {
    for b in common::backends().await {
        let store = &*b.store;
        let name = b.name;
        let spelled = |spelling: &str| {
            vec![EntityMention {
                slug: "openai".into(),
                name: spelling.into(),
                kind: "organization".into(),
                mentions: 1,
            }]
        };
        put(
            store,
            article("p1", "p", 1),
            story("p", 10, 1),
            spelled("OpenAI"),
        )
        .await;
        put(
            store,
            article("p2", "p", 2),
            story("p", 10, 2),
            spelled("Open AI"),
        )
        .await;
        put(
            store,
            article("p3", "p", 3),
            story("p", 10, 3),
            spelled("OpenAI"),
        )
        .await;
        let e = store.entity("openai").await.unwrap().expect("named");
        assert_eq!((e.name.as_str(), e.articles), ("OpenAI", 3), "{name}");
        // Stories without any time come after those with one.
        let mut timeless = story("q", 10, 0);
        timeless.first_published = None;
        timeless.last_published = None;
        put(store, article("q1", "q", 0), timeless, spelled("OpenAI")).await;
        assert_eq!(
            ids(store.stories(&named_by("openai", 10, 0)).await.unwrap()),
            vec!["p", "q"],
            "{name}"
        );
        // Unpublished stories are listed only when asked for.
        assert!(
            store.set_story_published("p", false).await.unwrap(),
            "{name}"
        );
        assert_eq!(
            ids(store.stories(&named_by("openai", 10, 0)).await.unwrap()),
            vec!["q"],
            "{name}"
        );
        let mut all = named_by("openai", 10, 0);
        all.published_only = false;
        assert_eq!(
            ids(store.stories(&all).await.unwrap()),
            vec!["p", "q"],
            "{name}"
        );
    }
}

#[tokio::test]
async fn trending_heat_is_rounded_half_away_from_zero() {
    for b in common::backends().await {
        let store = &*b.store;
        let name = b.name;
        let mention = |slug: &str| {
            vec![EntityMention {
                slug: slug.into(),
                name: slug.into(),
                kind: "place".into(),
                mentions: 1,
            }]
        };
        // Story h (heat 45) has two articles, one naming "half": 22.5 rounds to 23. Story t
        // (heat 50) has three, one naming "third": 16.67 rounds to 17.
        for (id, s, heat, count, slug) in [
            ("h1", "h", 45, 2, "half"),
            ("h2", "h", 45, 2, "other-h"),
            ("t1", "t", 50, 3, "third"),
            ("t2", "t", 50, 3, "other-t"),
            ("t3", "t", 50, 3, "more-t"),
        ] {
            let mut st = story(s, heat, 30);
            st.article_count = count;
            put(store, article(id, s, 30), st, mention(slug)).await;
        }
        let trending = store.trending_entities(at(24), 10).await.unwrap();
        let heat_of = |slug: &str| trending.iter().find(|e| e.slug == slug).map(|e| e.heat);
        assert_eq!(heat_of("half"), Some(23), "{name}: {trending:?}");
        assert_eq!(heat_of("third"), Some(17), "{name}: {trending:?}");
        // Nothing published since then: nothing trends.
        assert!(
            store
                .trending_entities(at(48), 10)
                .await
                .unwrap()
                .is_empty(),
            "{name}"
        );
        assert_eq!(
            store.trending_entities(at(24), 2).await.unwrap().len(),
            2,
            "{name}"
        );
    }
}
