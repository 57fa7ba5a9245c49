//! Shared fixture: a real store filled through `Store::commit` with a small newsroom of
//! fictional outlets, and a server started on 127.0.0.1 on a free port. The store is SQLite
//! (in a temp dir); inside [`on_postgres`] it is a new PostgreSQL database on the server named
//! by `STORYLINE_TEST_POSTGRES`, so each test can run on both backends
//! ([`also_on_postgres!`]).

#![allow(dead_code)]

#[path = "../../../../test-support/required.rs"]
pub mod required;

use std::cell::Cell;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use storyline_model::{Article, Image, Provider, Story, StoryLink, article_id};
use storyline_server::{AppState, ServerConfig, hash_password};
use storyline_store::{ArticleRow, Commit, PgStore, SqliteStore, Store, testing};
use tokio::sync::oneshot;

pub const PASSWORD: &str = "ink-and-deadlines";
pub const API_TOKEN: &str = "test-api-token-0123456789";
pub const READ_TOKEN: &str = "test-read-token-abcdef";

pub struct Piece {
    pub url: &'static str,
    pub outlet: &'static str,
    pub domain: &'static str,
    pub title: &'static str,
    pub body: &'static str,
    pub hour: u32,
    pub quality: u8,
    pub topics: &'static [&'static str],
}

pub fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, day, hour, 0, 0).unwrap()
}

pub fn row(p: &Piece, story: &str, day: u32) -> ArticleRow {
    let id = article_id(p.url);
    let excerpt: String = p.body.split(". ").next().unwrap_or(p.body).to_string() + ".";
    ArticleRow {
        article: Article {
            id: id.clone(),
            category: "news".into(),
            title: p.title.into(),
            excerpt,
            body: p.body.into(),
            published_date_time: Some(at(day, p.hour)),
            original_url: Some(p.url.into()),
            web_url: Some(p.url.into()),
            kind: "article".into(),
            quality: Some(p.quality),
            heat: -1,
            published: true,
            provider: Provider {
                name: p.outlet.into(),
                domain: p.domain.into(),
            },
            topics: p.topics.iter().map(|t| t.to_string()).collect(),
            images: vec![Image {
                url: format!("{}/lead.jpg", p.url),
                width: Some(880),
                height: Some(587),
                is_cached: true,
            }],
            ..Article::default()
        },
        seq: 0,
        story_id: Some(story.into()),
        duplicate_of: None,
        ingested_at: at(day, p.hour),
        content_hash: format!("hash-{id}"),
        html: None,
        secured: None,
        feed_only: false,
    }
}

pub fn story(
    id: &str,
    lead: &ArticleRow,
    rows: &[&ArticleRow],
    heat: i32,
    topics: &[&str],
) -> Story {
    let mut domains: Vec<&str> = rows
        .iter()
        .map(|r| r.article.provider.domain.as_str())
        .collect();
    domains.sort();
    domains.dedup();
    Story {
        id: id.into(),
        title: lead.article.title.clone(),
        heat,
        lead_article_id: lead.article.id.clone(),
        article_count: rows.len() as u32,
        provider_count: domains.len() as u32,
        first_published: rows
            .iter()
            .filter_map(|r| r.article.published_date_time)
            .min(),
        last_published: rows
            .iter()
            .filter_map(|r| r.article.published_date_time)
            .max(),
        topics: topics.iter().map(|t| t.to_string()).collect(),
        published: true,
        pinned: false,
    }
}

/// Ids of the fixture's stories and notable articles.
pub struct Newsroom {
    pub quillon: String,
    pub tessel: String,
    pub quake: String,
    pub embargoed: String,
    pub hostile: String,
    pub quillon_lead: String,
    pub quillon_civic: String,
    pub quillon_copy: String,
    pub hostile_article: String,
    pub tessel_lead: String,
}

pub async fn fill(store: &dyn Store) -> Newsroom {
    let q1 = row(
        &Piece {
            url: "https://www.ledgerwire.example/2026/05/12/quillon-raises-1-2bn-larchmont",
            outlet: "The Ledger Wire",
            domain: "ledgerwire.example",
            title: "Quillon raises $1.2bn in round led by Larchmont Capital",
            body: "Quillon, the Port Aldine maker of battery software, raised $1.2 billion in a round led by Larchmont Capital. The deal values the company at $9 billion, people familiar with the matter said.\n\nQuillon plans to spend the money on new grid-storage plants.",
            hour: 9,
            quality: 82,
            topics: &["Funding", "Energy"],
        },
        "story-quillon",
        12,
    );
    let mut q2 = row(
        &Piece {
            url: "https://civicpost.example/business/quillon-funding",
            outlet: "Civic Post",
            domain: "civicpost.example",
            title: "Larchmont bets big on Quillon's battery software",
            body: "Larchmont Capital led a $1.2 billion investment in Quillon. The battery software firm says demand from utilities doubled last year.",
            hour: 10,
            quality: 70,
            topics: &["Funding"],
        },
        "story-quillon",
        12,
    );
    q2.article.category = "analysis".into();
    let q3 = row(
        &Piece {
            url: "https://harborbusiness.example/quillon-valuation",
            outlet: "Harbor Business Journal",
            domain: "harborbusiness.example",
            title: "Quillon valuation hits $9bn after Larchmont-led deal",
            body: "Quillon is now valued at $9 billion. The Larchmont Capital round is the largest for a storage software company this year.",
            hour: 11,
            quality: 64,
            topics: &["Funding"],
        },
        "story-quillon",
        12,
    );
    let mut q4 = row(
        &Piece {
            url: "https://metrodaily.example/wire/quillon-raises-1-2bn",
            outlet: "Metro Daily",
            domain: "metrodaily.example",
            title: "Quillon raises $1.2bn in round led by Larchmont Capital",
            body: "Quillon, the Port Aldine maker of battery software, raised $1.2 billion in a round led by Larchmont Capital. The deal values the company at $9 billion, people familiar with the matter said.",
            hour: 12,
            quality: 40,
            topics: &["Funding"],
        },
        "story-quillon",
        12,
    );
    q4.duplicate_of = Some(q1.article.id.clone());

    let t1 = row(
        &Piece {
            url: "https://www.ledgerwire.example/2026/05/12/tessel-series-c",
            outlet: "The Ledger Wire",
            domain: "ledgerwire.example",
            title: "Tessel closes $300m Series C, again with Larchmont",
            body: "Tessel, which builds sensors for wind turbines, closed a $300 million Series C led by Larchmont Capital. It is Larchmont's second large energy bet this week.",
            hour: 14,
            quality: 75,
            topics: &["Funding", "Energy"],
        },
        "story-tessel",
        12,
    );
    let t2 = row(
        &Piece {
            url: "https://civicpost.example/business/tessel-series-c",
            outlet: "Civic Post",
            domain: "civicpost.example",
            title: "Turbine sensor maker Tessel raises $300m",
            body: "Tessel raised $300 million. The company said it would hire 200 engineers in Kesvik.",
            hour: 15,
            quality: 60,
            topics: &["Funding"],
        },
        "story-tessel",
        12,
    );

    let e1 = row(
        &Piece {
            url: "https://northgate.example/science/port-aldine-quake",
            outlet: "Northgate Observer",
            domain: "northgate.example",
            title: "Magnitude 6.1 earthquake shakes Port Aldine",
            body: "A magnitude 6.1 earthquake struck near Port Aldine early on Wednesday. Officials reported damaged roads but no deaths.",
            hour: 6,
            quality: 78,
            topics: &["Science", "World"],
        },
        "story-quake",
        13,
    );
    let e2 = row(
        &Piece {
            url: "https://civicpost.example/world/port-aldine-earthquake",
            outlet: "Civic Post",
            domain: "civicpost.example",
            title: "Port Aldine counts damage after strong quake",
            body: "Engineers inspected bridges in Port Aldine after the magnitude 6.1 earthquake. Schools will stay closed on Thursday.",
            hour: 8,
            quality: 66,
            topics: &["World"],
        },
        "story-quake",
        13,
    );

    let x1 = row(
        &Piece {
            url: "https://www.ledgerwire.example/2026/05/13/embargoed-merger",
            outlet: "The Ledger Wire",
            domain: "ledgerwire.example",
            title: "Embargoed: Cobaltline to buy Tindra",
            body: "Cobaltline agreed to buy Tindra. The announcement is embargoed until Friday.",
            hour: 7,
            quality: 80,
            topics: &["Deals"],
        },
        "story-embargoed",
        13,
    );

    let mut h1 = row(
        &Piece {
            url: "https://shadyfeed.example/exclusive",
            outlet: "Shady Feed",
            domain: "shadyfeed.example",
            title: "<script>alert('title')</script>Exclusive scoop on Kesvik harbour",
            body: "Kesvik harbour will expand. <script>alert('body')</script>",
            hour: 5,
            quality: 30,
            topics: &["World"],
        },
        "story-hostile",
        13,
    );
    h1.html = Some(
        "<p>Kesvik harbour will expand.</p><script>document.title='pwned-script'</script>\
         <img src=\"x\" onerror=\"document.title='pwned-img'\">\
         <p onclick=\"document.title='pwned-click'\">Read <a href=\"javascript:document.title='pwned-link'\">more</a>.</p>\
         <iframe src=\"https://shadyfeed.example/frame\"></iframe>"
            .into(),
    );

    let rows = vec![
        q1.clone(),
        q2.clone(),
        q3.clone(),
        q4.clone(),
        t1.clone(),
        t2.clone(),
        e1.clone(),
        e2.clone(),
        x1.clone(),
        h1.clone(),
    ];
    let mut embargoed = story("story-embargoed", &x1, &[&x1], 95, &["Deals"]);
    embargoed.published = false;
    // the people, organisations and places each piece names, as ingest stores them
    let entities = rows
        .iter()
        .map(|r| {
            (
                r.article.id.clone(),
                storyline_pipeline::conductor::entity_mentions(&r.article),
            )
        })
        .collect();
    let commit = Commit {
        articles: rows,
        entities,
        stories: vec![
            story(
                "story-quillon",
                &q1,
                &[&q1, &q2, &q3, &q4],
                80,
                &["Funding", "Energy"],
            ),
            story("story-tessel", &t1, &[&t1, &t2], 60, &["Funding", "Energy"]),
            story("story-quake", &e1, &[&e1, &e2], 70, &["Science", "World"]),
            embargoed,
            story("story-hostile", &h1, &[&h1], 20, &["World"]),
        ],
        links: vec![(
            "story-quillon".into(),
            vec![StoryLink {
                story_id: "story-quillon".into(),
                related_story_id: "story-tessel".into(),
                score: 0.6,
            }],
        )],
        ..Commit::default()
    };
    store.commit(&commit).await.unwrap();
    Newsroom {
        quillon: "story-quillon".into(),
        tessel: "story-tessel".into(),
        quake: "story-quake".into(),
        embargoed: "story-embargoed".into(),
        hostile: "story-hostile".into(),
        quillon_lead: q1.article.id.clone(),
        quillon_civic: q2.article.id.clone(),
        quillon_copy: q4.article.id.clone(),
        hostile_article: h1.article.id.clone(),
        tessel_lead: t1.article.id.clone(),
    }
}

/// A running server over a filled store.
pub struct Running {
    pub base: String,
    pub news: Newsroom,
    pub store: Arc<dyn Store>,
    _dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Running {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap();
        }
    }
}

pub fn test_config() -> ServerConfig {
    ServerConfig {
        admin_password_hash: Some(hash_password(PASSWORD).unwrap()),
        api_tokens: vec![API_TOKEN.into()],
        site_title: "Storyline Test Desk".into(),
        ..ServerConfig::default()
    }
}

pub async fn start_with(mut config: ServerConfig, image_files: &[(&str, &[u8])]) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path()).await;
    let news = fill(store.as_ref()).await;
    let images = dir.path().join("images");
    std::fs::create_dir_all(&images).unwrap();
    for (name, bytes) in image_files {
        std::fs::write(images.join(name), bytes).unwrap();
    }
    config.image_cache_dir = Some(images);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    config.bind = addr;
    config.base_url = format!("http://{addr}");
    let state = AppState::new(store.clone(), config).expect("search index in memory");
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        storyline_server::serve_listener(listener, state, async {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    Running {
        base: format!("http://{addr}"),
        news,
        store,
        _dir: dir,
        stop: Some(tx),
        task: Some(task),
    }
}

pub async fn start() -> Running {
    start_with(test_config(), &[]).await
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

thread_local! {
    /// Whether the test running on this thread asked for PostgreSQL ([`on_postgres`]).
    static ON_POSTGRES: Cell<bool> = const { Cell::new(false) };
}

/// Runs `test` (a `#[tokio::test]`, which runs its body on the calling thread) with every
/// store [`open_store`] makes being PostgreSQL. Without a server configured the run is
/// skipped, and says so (under CI it fails).
pub fn on_postgres(test: fn()) {
    if testing::postgres_server().is_none() {
        required::absent(
            "a PostgreSQL server for the PostgreSQL run of this test",
            &format!(
                "${} (a URL; .ci/postgres.sh starts one)",
                testing::POSTGRES_VAR
            ),
        );
        return;
    }
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            ON_POSTGRES.set(false);
        }
    }
    ON_POSTGRES.set(true);
    let _reset = Reset;
    test();
}

/// A new empty store: SQLite in `dir`, or a new PostgreSQL database inside [`on_postgres`].
pub async fn open_store(dir: &std::path::Path) -> Arc<dyn Store> {
    if ON_POSTGRES.get() {
        let server = testing::postgres_server().expect("on_postgres checked the server");
        let url = testing::fresh_database(&server, "server_test")
            .await
            .unwrap();
        Arc::new(PgStore::open(&url).await.unwrap())
    } else {
        Arc::new(SqliteStore::open(&dir.join("news.db")).await.unwrap())
    }
}

/// Runs each named `#[tokio::test]` of the file a second time on PostgreSQL, as
/// `on_postgres::<name>`.
#[macro_export]
macro_rules! also_on_postgres {
    ($($name:ident),* $(,)?) => {
        mod on_postgres {
            $(
                #[test]
                fn $name() {
                    $crate::common::on_postgres(super::$name);
                }
            )*
        }
    };
}
