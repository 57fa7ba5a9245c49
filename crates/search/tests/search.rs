//! The search index over a real SQLite store: ranking, query syntax, filters, languages,
//! grouping, facets, snippets, and edits reaching results.

use chrono::{DateTime, Duration, TimeZone, Utc};
use storyline_model::{Article, Provider, Story};
use storyline_search::{SearchIndex, SearchQuery};
use storyline_store::{ArticleRow, Commit, SqliteStore, Store};

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, day, 9, 0, 0).unwrap()
}

fn article(id: &str, title: &str, body: &str, domain: &str) -> ArticleRow {
    ArticleRow {
        article: Article {
            id: id.into(),
            category: "news".into(),
            title: title.into(),
            excerpt: body.chars().take(60).collect(),
            body: body.into(),
            published_date_time: Some(at(12)),
            web_url: Some(format!("https://{domain}/{id}")),
            kind: "article".into(),
            quality: Some(40),
            heat: -1,
            published: true,
            provider: Provider {
                name: domain.into(),
                domain: domain.into(),
            },
            topics: vec!["AI".into()],
            language: Some("en".into()),
            ..Article::default()
        },
        seq: 0,
        story_id: Some(format!("story-{id}")),
        duplicate_of: None,
        ingested_at: at(12),
        content_hash: format!("hash-{id}"),
        html: None,
        secured: None,
        feed_only: false,
    }
}

fn story_of(id: &str, rows: &[&ArticleRow]) -> Story {
    Story {
        id: id.into(),
        title: rows[0].article.title.clone(),
        heat: 10,
        lead_article_id: rows[0].article.id.clone(),
        article_count: rows.len() as u32,
        provider_count: rows.len() as u32,
        topics: vec!["AI".into()],
        published: true,
        ..Story::default()
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    store: SqliteStore,
    index: SearchIndex,
}

impl Fixture {
    async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("store.db"))
            .await
            .unwrap();
        let index = SearchIndex::open(&dir.path().join("store.search")).unwrap();
        Self {
            _dir: dir,
            store,
            index,
        }
    }

    async fn add(&self, articles: Vec<ArticleRow>) {
        let stories = articles
            .iter()
            .filter_map(|a| a.story_id.clone().map(|s| (s, a)))
            .fold(
                Vec::<(String, Vec<&ArticleRow>)>::new(),
                |mut acc, (s, a)| {
                    match acc.iter_mut().find(|(id, _)| *id == s) {
                        Some((_, rows)) => rows.push(a),
                        None => acc.push((s, vec![a])),
                    }
                    acc
                },
            )
            .into_iter()
            .map(|(id, rows)| story_of(&id, &rows))
            .collect();
        self.store
            .commit(&Commit {
                articles,
                stories,
                ..Commit::default()
            })
            .await
            .unwrap();
        // A search waits for a few pending changes only; a large batch is applied here.
        self.index.catch_up(&self.store).await.unwrap();
    }

    async fn run(&self, q: SearchQuery) -> Vec<storyline_search::SearchHit> {
        let q = SearchQuery {
            limit: if q.limit == 0 { 50 } else { q.limit },
            ..q
        };
        self.index.search(&self.store, &q).await.unwrap().hits
    }

    async fn ids(&self, text: &str) -> Vec<String> {
        self.run(SearchQuery {
            text: text.into(),
            ..SearchQuery::default()
        })
        .await
        .into_iter()
        .filter(|h| h.visible)
        .map(|h| h.article.article.id)
        .collect()
    }
}

#[tokio::test]
async fn title_matches_rank_first_and_phrases_filters_and_exclusions_hold() {
    let f = Fixture::new().await;
    f.add(vec![
        article(
            "a1",
            "Norvale fined over export filings",
            "The regulator fined the chipmaker.",
            "ledger.example",
        ),
        article(
            "a2",
            "Chip earnings beat forecasts",
            "Norvale said export demand was strong.",
            "harbor.example",
        ),
        article(
            "a3",
            "Football cup semi-final",
            "The Falcons lost on penalties.",
            "sport.example",
        ),
    ])
    .await;
    assert_eq!(
        f.ids("norvale").await,
        ["a1", "a2"],
        "title match ranks first"
    );
    assert_eq!(f.ids("\"export filings\"").await, ["a1"]);
    assert_eq!(f.ids("\"filings export\"").await, Vec::<String>::new());
    assert_eq!(f.ids("norvale -regulator").await, ["a2"]);
    assert_eq!(f.ids("norvale NOT regulator").await, ["a2"]);
    assert_eq!(f.ids("falcons OR regulator").await.len(), 2);
    assert_eq!(f.ids("falcons OR zzz").await, ["a3"]);
    let filtered = f
        .run(SearchQuery {
            text: "norvale".into(),
            provider: Some("harbor.example".into()),
            ..SearchQuery::default()
        })
        .await;
    assert_eq!(filtered.len(), 1);
    assert_eq!(filtered[0].article.article.id, "a2");
    // Filter values are not words of the text.
    for word in ["harbor.example", "AI", "news", "ledger"] {
        assert_eq!(f.ids(word).await.len(), 0, "{word}");
    }
    // Snippets mark what matched, as the index matched it (stemmed).
    let hits = f
        .run(SearchQuery {
            text: "fine".into(),
            ..SearchQuery::default()
        })
        .await;
    assert_eq!(hits.len(), 1);
    assert!(hits[0].snippet.contains("[fined]"), "{}", hits[0].snippet);
}

#[tokio::test]
async fn rare_words_weigh_more_and_edits_and_deletions_reach_the_index() {
    let f = Fixture::new().await;
    let mut articles = vec![
        article(
            "many-rare",
            "Evening notes",
            "quillon quillon quillon market",
            "a.example",
        ),
        article(
            "many-common",
            "Evening notes",
            "market market market quillon",
            "b.example",
        ),
    ];
    for i in 0..40 {
        articles.push(article(
            &format!("m{i}"),
            "Morning notes",
            "the market was calm",
            "c.example",
        ));
    }
    f.add(articles).await;
    assert_eq!(f.ids("market quillon").await, ["many-rare", "many-common"]);

    sqlx::query(
        "UPDATE articles SET body = 'larchmont harbor', excerpt = '' WHERE id = 'many-rare'",
    )
    .execute(f.store.pool())
    .await
    .unwrap();
    sqlx::query("DELETE FROM articles WHERE id = 'many-common'")
        .execute(f.store.pool())
        .await
        .unwrap();
    assert_eq!(f.ids("quillon").await, Vec::<String>::new());
    assert_eq!(f.ids("larchmont").await, ["many-rare"]);
    assert_eq!(f.ids("market").await.len(), 40);
    assert_eq!(f.index.docs(), 41);
}

#[tokio::test]
async fn recent_coverage_outranks_an_old_match_of_the_same_strength() {
    let f = Fixture::new().await;
    let mut old = article(
        "old",
        "Tindra opens a battery plant",
        "Tindra opened the plant.",
        "a.example",
    );
    old.article.published_date_time = Some(at(12) - Duration::days(700));
    let mut new = article(
        "new",
        "Tindra opens a battery plant",
        "Tindra opened the plant.",
        "b.example",
    );
    new.article.published_date_time = Some(at(12));
    let mut strong_old = article(
        "strong-old",
        "Tindra Tindra: the Tindra battery plant story",
        "Tindra, Tindra and Tindra again: Tindra.",
        "c.example",
    );
    strong_old.article.published_date_time = Some(at(12) - Duration::days(30));
    // Arrival order must not decide: the old one arrives last.
    f.add(vec![new, strong_old, old]).await;
    let ids = f.ids("tindra plant").await;
    assert_eq!(ids.len(), 3);
    let pos = |id: &str| ids.iter().position(|i| i == id).unwrap();
    assert!(pos("new") < pos("old"), "{ids:?}");
}

#[tokio::test]
async fn results_group_by_story_with_counts_and_facets() {
    let f = Fixture::new().await;
    let mut rows = Vec::new();
    for i in 0..3 {
        let mut a = article(
            &format!("m{i}"),
            "MiniMax raises $600M",
            "Alibaba led MiniMax's round.",
            &format!("o{i}.example"),
        );
        a.story_id = Some("minimax".into());
        a.article.topics = vec!["Funding".into(), "AI".into()];
        rows.push(a);
    }
    let mut moon = article(
        "k1",
        "Moonshot AI raises $1B",
        "Alibaba led Moonshot's round.",
        "o9.example",
    );
    moon.story_id = Some("moonshot".into());
    moon.article.topics = vec!["Funding".into()];
    rows.push(moon);
    f.add(rows).await;

    let all = f
        .run(SearchQuery {
            text: "alibaba".into(),
            ..SearchQuery::default()
        })
        .await;
    assert_eq!(all.len(), 4);
    let grouped = f
        .index
        .search(
            &f.store,
            &SearchQuery {
                text: "alibaba".into(),
                grouped: true,
                limit: 10,
                ..SearchQuery::default()
            },
        )
        .await
        .unwrap();
    let stories: Vec<(Option<String>, u32)> = grouped
        .hits
        .iter()
        .map(|h| (h.article.story_id.clone(), h.more_in_story))
        .collect();
    assert_eq!(stories.len(), 2, "{stories:?}");
    assert!(
        stories.contains(&(Some("minimax".into()), 2)),
        "{stories:?}"
    );
    assert!(
        stories.contains(&(Some("moonshot".into()), 0)),
        "{stories:?}"
    );
    let facets = grouped.facets;
    assert_eq!(facets.counted, 4);
    assert_eq!(facets.topics[0], ("Funding".to_string(), 4));
    assert!(facets.topics.contains(&("AI".to_string(), 3)));
    assert_eq!(facets.providers.len(), 4);
    // Paging counts stories.
    let second = f
        .index
        .search(
            &f.store,
            &SearchQuery {
                text: "alibaba".into(),
                grouped: true,
                limit: 1,
                offset: 1,
                ..SearchQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(second.hits.len(), 1);
    assert_ne!(
        second.hits[0].article.story_id,
        grouped.hits[0].article.story_id
    );
}

#[tokio::test]
async fn each_article_is_analysed_in_its_language() {
    let f = Fixture::new().await;
    let en = article(
        "en",
        "Investors funded the startup",
        "The round was funded by Alibaba.",
        "a.example",
    );
    let mut de = article(
        "de",
        "Neue Finanzierungsrunden für Start-ups",
        "Die Bürger der Stadt.",
        "b.example",
    );
    de.article.language = Some("de".into());
    let mut zh = article(
        "zh",
        "阿里巴巴领投月之暗面",
        "阿里巴巴领投月之暗面十亿美元融资。",
        "c.example",
    );
    zh.article.language = Some("zh".into());
    let mut fr = article(
        "fr",
        "Économie: la croissance ralentit",
        "Les économistes prévoient un ralentissement.",
        "d.example",
    );
    fr.article.language = Some("fr".into());
    f.add(vec![en, de, zh, fr]).await;
    assert_eq!(f.ids("funding").await, ["en"]);
    assert_eq!(f.ids("Finanzierungsrunde").await, ["de"]);
    assert_eq!(f.ids("burger").await, ["de"]);
    assert_eq!(f.ids("阿里巴巴").await, ["zh"]);
    assert_eq!(f.ids("月之暗面").await, ["zh"]);
    assert_eq!(f.ids("economie").await, ["fr"]);
    let german = f
        .run(SearchQuery {
            text: "stadt OR funded".into(),
            language: Some("deu".into()),
            ..SearchQuery::default()
        })
        .await;
    assert_eq!(german.len(), 1);
    assert_eq!(german[0].article.article.id, "de");
    let hits = f
        .run(SearchQuery {
            text: "阿里巴巴".into(),
            ..SearchQuery::default()
        })
        .await;
    assert!(
        hits[0].snippet.contains("[阿里巴巴]"),
        "{}",
        hits[0].snippet
    );
}

#[tokio::test]
async fn dates_categories_and_topics_filter() {
    let f = Fixture::new().await;
    let mut a = article(
        "may",
        "Stratus Grid wins approval",
        "Stratus Grid won.",
        "a.example",
    );
    a.article.published_date_time = Some(at(3));
    let mut b = article(
        "june",
        "Stratus Grid faces probe",
        "Stratus Grid probed.",
        "b.example",
    );
    b.article.published_date_time = Some(at(3) + Duration::days(33));
    b.article.category = "opinion".into();
    b.article.topics = vec!["Energy".into()];
    let mut undated = article(
        "undated",
        "Stratus Grid notes",
        "Stratus Grid.",
        "c.example",
    );
    undated.article.published_date_time = None;
    f.add(vec![a, b, undated]).await;
    let ids = |hits: Vec<storyline_search::SearchHit>| {
        let mut ids: Vec<String> = hits.into_iter().map(|h| h.article.article.id).collect();
        ids.sort();
        ids
    };
    let q = |from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>| SearchQuery {
        text: "stratus".into(),
        from,
        to,
        ..SearchQuery::default()
    };
    assert_eq!(ids(f.run(q(None, None)).await), ["june", "may", "undated"]);
    assert_eq!(ids(f.run(q(Some(at(1)), Some(at(20)))).await), ["may"]);
    assert_eq!(ids(f.run(q(Some(at(20)), None)).await), ["june"]);
    assert_eq!(
        ids(f.run(q(Some(at(20)), Some(at(1)))).await),
        Vec::<String>::new()
    );
    let opinion = f
        .run(SearchQuery {
            text: "stratus".into(),
            category: Some("opinion".into()),
            ..SearchQuery::default()
        })
        .await;
    assert_eq!(ids(opinion), ["june"]);
    let energy = f
        .run(SearchQuery {
            text: "stratus".into(),
            topic: Some("Energy".into()),
            ..SearchQuery::default()
        })
        .await;
    assert_eq!(ids(energy), ["june"]);
}

#[tokio::test]
async fn odd_queries_are_answered() {
    let f = Fixture::new().await;
    f.add(vec![article(
        "a",
        "Harbour bridge opens",
        "The bridge opens in Zürich.",
        "a.example",
    )])
    .await;
    let long = "bridge ".repeat(1_500);
    let unicode: String = (0..2_000u32)
        .filter_map(|i| char::from_u32(i * 37 + 1))
        .collect();
    for text in [
        "\"unclosed",
        "-",
        "AND OR NOT",
        "\"\"",
        "***",
        "NEAR(a b)",
        "a:b",
        "title:bridge",
        "(bridge",
        "bridge^2",
        "bridge~",
        "\u{0}",
        "🦀",
        &long,
        &unicode,
        "-bridge",
        "bridge -",
        "OR bridge",
        "bridge OR",
        "\"bridge opens",
    ] {
        let hits = f
            .index
            .search(
                &f.store,
                &SearchQuery {
                    text: text.to_string(),
                    limit: 10,
                    grouped: text.len() % 2 == 0,
                    ..SearchQuery::default()
                },
            )
            .await;
        assert!(hits.is_ok(), "{text:?}: {hits:?}");
    }
    assert_eq!(f.ids("\"bridge opens").await, ["a"]);
    assert_eq!(f.ids("zurich").await, ["a"]);
    assert_eq!(f.ids(&long).await, ["a"]);
}

#[tokio::test]
async fn editorial_actions_and_blocks_show_at_once() {
    let f = Fixture::new().await;
    let mut rows = Vec::new();
    for (id, domain) in [
        ("a", "ledger.example"),
        ("b", "harbor.example"),
        ("c", "harbor.example"),
    ] {
        let mut r = article(
            id,
            "Kesvik Ports expands",
            "Kesvik Ports expands its terminal.",
            domain,
        );
        r.story_id = Some(format!("s-{id}"));
        rows.push(r);
    }
    f.add(rows).await;
    assert_eq!(f.ids("kesvik").await.len(), 3);

    f.store.set_article_published("a", false).await.unwrap();
    assert!(!f.ids("kesvik").await.contains(&"a".to_string()));
    f.store.set_article_published("a", true).await.unwrap();
    assert!(f.ids("kesvik").await.contains(&"a".to_string()));

    f.store.set_story_published("s-b", false).await.unwrap();
    assert!(!f.ids("kesvik").await.contains(&"b".to_string()));
    f.store
        .set_provider_blocked("harbor.example", true)
        .await
        .unwrap();
    assert_eq!(f.ids("kesvik").await, ["a"]);
    f.store
        .set_provider_blocked("harbor.example", false)
        .await
        .unwrap();
    f.store.set_story_published("s-b", true).await.unwrap();
    assert_eq!(f.ids("kesvik").await.len(), 3);

    // A merge moves coverage: grouped results then show one story.
    f.store
        .commit(&Commit {
            merges: vec![("s-b".into(), "s-a".into()), ("s-c".into(), "s-a".into())],
            ..Commit::default()
        })
        .await
        .unwrap();
    let grouped = f
        .index
        .search(
            &f.store,
            &SearchQuery {
                text: "kesvik".into(),
                grouped: true,
                limit: 10,
                ..SearchQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        grouped.hits.len(),
        1,
        "{:?}",
        grouped
            .hits
            .iter()
            .map(|h| &h.article.story_id)
            .collect::<Vec<_>>()
    );
    assert_eq!(grouped.hits[0].article.story_id.as_deref(), Some("s-a"));
    assert_eq!(grouped.hits[0].more_in_story, 2);
    // The index holds exactly what the public sees.
    f.store.set_article_published("c", false).await.unwrap();
    f.index.catch_up(&f.store).await.unwrap();
    let held = f.index.seqs().unwrap();
    let visible: Vec<i64> = f
        .store
        .index_docs_after(0, 100)
        .await
        .unwrap()
        .0
        .iter()
        .map(|d| d.seq)
        .collect();
    assert_eq!(held, visible);
    assert_eq!(held.len(), 2);
}

#[tokio::test]
async fn an_index_resumes_after_reopening_and_is_rebuilt_when_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("store.db"))
        .await
        .unwrap();
    let path = dir.path().join("store.search");
    store
        .commit(&Commit {
            articles: (0..30)
                .map(|i| {
                    let mut a = article(
                        &format!("a{i}"),
                        "Pellam Air adds routes",
                        "Pellam Air flies.",
                        "a.example",
                    );
                    a.story_id = None;
                    a
                })
                .collect(),
            ..Commit::default()
        })
        .await
        .unwrap();
    {
        let index = SearchIndex::open(&path).unwrap();
        assert!(index.writable());
        index.catch_up(&store).await.unwrap();
        assert_eq!(index.docs(), 30);
        // A second opener of the same folder reads only.
        let other = SearchIndex::open(&path).unwrap();
        assert!(!other.writable());
        assert_eq!(other.docs(), 30);
    }
    store
        .commit(&Commit {
            articles: vec![{
                let mut a = article("late", "Pellam Air late", "Pellam.", "b.example");
                a.story_id = None;
                a
            }],
            ..Commit::default()
        })
        .await
        .unwrap();
    let index = SearchIndex::open(&path).unwrap();
    let applied = index.applied();
    assert!(applied > 0);
    let done = index.catch_up(&store).await.unwrap();
    assert_eq!(
        done.changes, 1,
        "only what came after the last commit is read"
    );
    assert_eq!(index.docs(), 31);
    drop(index);

    // Damaged: every file cut short. Opening makes a new index, which fills from the store.
    for entry in std::fs::read_dir(&path).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() && !p.ends_with(".tantivy-writer.lock") {
            std::fs::write(&p, b"\x00garbage").unwrap();
        }
    }
    let index = SearchIndex::open(&path).unwrap();
    assert_eq!(index.docs(), 0);
    let hits = index
        .search(
            &store,
            &SearchQuery {
                text: "pellam".into(),
                limit: 100,
                ..SearchQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(hits.hits.len(), 31);
    // A rebuild gives the same.
    let rebuilt = index.rebuild(&store, &|_, _| {}).await.unwrap();
    assert_eq!(rebuilt.indexed, 31);
    assert_eq!(index.docs(), 31);
}

#[tokio::test]
async fn date_filters_hold_when_articles_arrive_out_of_publication_order() {
    let f = Fixture::new().await;
    let at = |y, m, d| Some(Utc.with_ymd_and_hms(y, m, d, 8, 0, 0).unwrap());
    // A backfill: articles from March 2024 arrive one in ten among this year's, so their
    // days span nearly the whole archive in arrival order and hold few of its rows.
    let mut articles = Vec::new();
    for i in 0..400 {
        let mut row = if i % 10 == 3 {
            let mut row = article(
                &format!("old{i}"),
                "Harbor cranes",
                "harbor cranes",
                "a.example",
            );
            row.article.published_date_time = at(2024, 3, 1 + (i / 10) % 28);
            row
        } else {
            article(
                &format!("new{i}"),
                "Harbor cranes",
                "harbor cranes",
                "b.example",
            )
        };
        row.content_hash = format!("h{i}");
        articles.push(row);
    }
    // Undated articles are never in a date range.
    let mut undated = article("undated", "Harbor cranes", "harbor cranes", "c.example");
    undated.article.published_date_time = None;
    articles.push(undated);
    f.add(articles).await;
    let ids = |from, to| {
        let f = &f;
        async move {
            let mut ids: Vec<String> = f
                .run(SearchQuery {
                    text: "harbor".into(),
                    from,
                    to,
                    limit: 100,
                    ..SearchQuery::default()
                })
                .await
                .into_iter()
                .map(|hit| hit.article.article.id)
                .collect();
            ids.sort();
            ids
        }
    };
    let march: Vec<String> = {
        let mut ids: Vec<String> = (0..40).map(|k| format!("old{}", k * 10 + 3)).collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(at(2024, 3, 1), at(2024, 3, 31)).await, march);
    assert_eq!(ids(None, at(2025, 1, 1)).await, march);
    // Days are whole UTC days: 1 March has old3 and old283, 28 March old273 alone.
    assert_eq!(ids(at(2024, 3, 28), at(2024, 3, 28)).await, ["old273"]);
    assert_eq!(ids(at(2024, 3, 2), at(2024, 3, 27)).await.len(), 40 - 3);

    // An article redated by hand moves to its new day; a deleted one is gone from its old.
    sqlx::query("UPDATE articles SET published_at = ? WHERE id = 'new399'")
        .bind(
            Utc.with_ymd_and_hms(2023, 7, 4, 12, 0, 0)
                .unwrap()
                .timestamp(),
        )
        .execute(f.store.pool())
        .await
        .unwrap();
    sqlx::query("DELETE FROM articles WHERE id = 'old3'")
        .execute(f.store.pool())
        .await
        .unwrap();
    assert_eq!(ids(at(2023, 7, 1), at(2023, 7, 31)).await, ["new399"]);
    assert_eq!(ids(at(2024, 3, 1), at(2024, 3, 1)).await, ["old283"]);
    assert_eq!(ids(at(2024, 3, 1), at(2024, 3, 31)).await.len(), 39);
    let (articles,): (i64,) =
        sqlx::query_as("SELECT coalesce(sum(articles), 0) FROM published_days")
            .fetch_one(f.store.pool())
            .await
            .unwrap();
    assert_eq!(articles, 399, "every dated article counted on its day once");
}

#[tokio::test]
async fn filters_reach_the_whole_archive() {
    let f = Fixture::new().await;
    let dated = |id: &str, domain: &str, topics: &[&str], y: i32, m: u32, d: u32| {
        let mut row = article(id, "Harbor cranes", "harbor cranes stood idle", domain);
        row.article.topics = topics.iter().map(|t| t.to_string()).collect();
        row.article.published_date_time = Some(Utc.with_ymd_and_hms(y, m, d, 23, 30, 0).unwrap());
        row
    };
    // The filtered matches are the oldest of more than 20,000 matches of the same word.
    let mut articles = vec![
        dated(
            "port-2019",
            "port-news.co.uk",
            &["Stratus Grid"],
            2019,
            12,
            31,
        ),
        dated(
            "port-2020",
            "port-news.co.uk",
            &["Shipping & Ports"],
            2020,
            1,
            1,
        ),
        dated(
            "mid-2021",
            "mid.example",
            &["Shipping & Ports"],
            2021,
            6,
            15,
        ),
    ];
    for i in 0..20_100 {
        articles.push(dated(&format!("n{i}"), "n.example", &["AI"], 2026, 5, 12));
    }
    f.add(articles).await;
    let ids = |query: SearchQuery| {
        let f = &f;
        async move {
            let mut ids: Vec<String> = f
                .run(SearchQuery {
                    text: "harbor".into(),
                    ..query
                })
                .await
                .into_iter()
                .map(|hit| hit.article.article.id)
                .collect();
            ids.sort();
            ids
        }
    };
    let date = |y, m, d| Some(Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap());
    assert_eq!(
        ids(SearchQuery {
            provider: Some("port-news.co.uk".into()),
            ..SearchQuery::default()
        })
        .await,
        ["port-2019", "port-2020"]
    );
    assert_eq!(
        ids(SearchQuery {
            topic: Some("Shipping & Ports".into()),
            ..SearchQuery::default()
        })
        .await,
        ["mid-2021", "port-2020"]
    );
    // "Stratus Grid" must not match a topic that merely contains "Grid".
    assert_eq!(
        ids(SearchQuery {
            topic: Some("Grid".into()),
            ..SearchQuery::default()
        })
        .await,
        Vec::<String>::new()
    );
    // Day boundaries are exact, month and year terms only narrow the walk.
    assert_eq!(
        ids(SearchQuery {
            from: date(2020, 1, 1),
            to: date(2021, 12, 31),
            ..SearchQuery::default()
        })
        .await,
        ["mid-2021", "port-2020"]
    );
    assert_eq!(
        ids(SearchQuery {
            to: date(2020, 1, 1),
            ..SearchQuery::default()
        })
        .await,
        ["port-2019"]
    );
    assert_eq!(
        ids(SearchQuery {
            from: date(2021, 1, 1),
            to: date(2025, 12, 31),
            ..SearchQuery::default()
        })
        .await,
        ["mid-2021"]
    );
    assert_eq!(
        ids(SearchQuery {
            from: date(2027, 1, 1),
            ..SearchQuery::default()
        })
        .await,
        Vec::<String>::new()
    );
}

/// Pruning (segments skipped, blocks skipped, segments left early) must not change the
/// page: the first results of a small page equal those of a page large enough to hold
/// every match, for words, phrases, exclusions, alternatives and filters.
#[test]
fn pruned_pages_equal_unpruned_ones() {
    use storyline_store::IndexDoc;
    let index = SearchIndex::in_memory().unwrap();
    let words = [
        "harbor", "cranes", "battery", "plant", "funding", "round", "quillon", "tessel", "market",
        "grid", "storm", "vaccine",
    ];
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let start = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    let mut seq = 0;
    // Several commits make several segments; arrival order is not publication order.
    for _ in 0..6 {
        let mut docs = Vec::new();
        for _ in 0..500 {
            seq += 1;
            let mut pick = |n: usize| -> String {
                (0..n)
                    .map(|_| words[(next() % words.len() as u64) as usize])
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let title = pick(3);
            let body = pick(5 + (seq as usize % 30));
            docs.push(IndexDoc {
                seq,
                id: format!("a{seq}"),
                story_id: Some(format!("s{}", seq % 700)),
                title,
                excerpt: String::new(),
                body,
                provider_domain: format!("p{}.example", seq % 7),
                topics: vec![format!("T{}", seq % 3)],
                category: "news".into(),
                language: Some("en".into()),
                published_at: Some(start + Duration::hours((next() % 8_000) as i64)),
                ingested_at: start,
            });
        }
        let seqs: Vec<i64> = docs.iter().map(|d| d.seq).collect();
        index.apply(&seqs, docs, seq).unwrap();
    }
    for text in [
        "harbor",
        "battery plant",
        "\"funding round\"",
        "quillon -storm",
        "tessel OR vaccine",
        "market grid cranes",
    ] {
        for (topic, provider) in [(None, None), (Some("T1"), None), (None, Some("p3.example"))] {
            for grouped in [false, true] {
                let q = |limit| SearchQuery {
                    text: text.into(),
                    topic: topic.map(str::to_string),
                    provider: provider.map(str::to_string),
                    // With a topic filter, also a date range.
                    from: topic.map(|_| start + Duration::days(40)),
                    to: topic.map(|_| start + Duration::days(250)),
                    grouped,
                    limit,
                    ..SearchQuery::default()
                };
                let all = index.ranked_seqs(&q(1_000)).unwrap();
                let page = index.ranked_seqs(&q(5)).unwrap();
                assert!(!all.is_empty(), "{text}");
                if !grouped {
                    assert_eq!(
                        page,
                        all[..page.len().min(all.len())],
                        "{text} {topic:?} {provider:?}"
                    );
                }
                assert_eq!(
                    page.len(),
                    all.len().min(5),
                    "{text} {topic:?} {provider:?} {grouped}"
                );
            }
        }
    }
}

/// A search's update dropped halfway (its client went away) leaves writer work running on a
/// blocking thread; the next update must still leave each article indexed once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn updates_dropped_halfway_leave_each_article_indexed_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("store.db"))
        .await
        .unwrap();
    for round in 0..6 {
        let articles = (0..700)
            .map(|i| {
                let mut a = article(
                    &format!("r{round}-{i}"),
                    "Velatide opens a wind farm",
                    "Velatide said the wind farm would open.",
                    "a.example",
                );
                a.story_id = None;
                a.content_hash = format!("h{round}-{i}");
                a
            })
            .collect();
        store
            .commit(&Commit {
                articles,
                ..Commit::default()
            })
            .await
            .unwrap();
        let index = SearchIndex::open(&dir.path().join("store.search")).unwrap();
        for micros in [50, 300, 1_000, 3_000, 10_000] {
            let _ = tokio::time::timeout(
                std::time::Duration::from_micros(micros),
                index.catch_up(&store),
            )
            .await;
        }
        index.catch_up(&store).await.unwrap();
        let held = index.seqs().unwrap();
        assert!(
            held.windows(2).all(|w| w[0] < w[1]),
            "round {round}: an article indexed twice"
        );
        assert_eq!(held.len(), 700 * (round + 1), "round {round}");
    }
}

/// Found by fuzzing: excluded phrases over an index analysed in several languages made
/// tantivy's boolean exclusion seek an exhausted phrase scorer backwards (a debug assertion).
#[test]
fn excluded_phrases_over_several_analyses_are_answered() {
    use storyline_store::IndexDoc;
    let index = SearchIndex::in_memory().unwrap();
    let doc = |seq: i64, title: &str, body: &str, language: Option<&str>| IndexDoc {
        seq,
        id: format!("a{seq}"),
        story_id: Some(format!("s{}", seq % 2)),
        title: title.into(),
        excerpt: String::new(),
        body: body.into(),
        provider_domain: "news.test".into(),
        topics: vec!["Tech".into()],
        category: "news".into(),
        language: language.map(str::to_string),
        published_at: Utc.timestamp_opt(1_760_000_000 + seq * 3_600, 0).single(),
        ingested_at: Utc.timestamp_opt(1_760_000_000, 0).single().unwrap(),
    };
    index
        .apply(
            &[1, 2, 3, 4],
            vec![
                doc(
                    1,
                    "Harbour bridge opens",
                    "The bridge opens in Zürich.",
                    Some("en"),
                ),
                doc(
                    2,
                    "Chip fab funding round",
                    "Alibaba leads the funding round.",
                    Some("en"),
                ),
                doc(
                    3,
                    "Neue Brücke eröffnet",
                    "Die Brücke wurde eröffnet.",
                    Some("de"),
                ),
                doc(4, "阿里巴巴领投月之暗面", "阿里巴巴领投。", None),
            ],
            4,
        )
        .unwrap();
    let text = "alibaba \"funding round\" -\"cANDd u 2fundingfunding round\" \
                -\"cANDd u 2funding round round\" -\" round round\" -\"c\u{1d}l est";
    for grouped in [false, true] {
        let seqs = index
            .ranked_seqs(&SearchQuery {
                text: text.into(),
                grouped,
                limit: 10,
                ..SearchQuery::default()
            })
            .unwrap();
        assert_eq!(seqs, [2]);
    }
    let seqs = index
        .ranked_seqs(&SearchQuery {
            text: "alibaba \"funding round\" -\"round chip\" -\"leads the\"".into(),
            limit: 10,
            ..SearchQuery::default()
        })
        .unwrap();
    assert!(seqs.is_empty(), "{seqs:?}");
}
