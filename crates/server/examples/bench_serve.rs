//! Benchmark server: fills a store (an SQLite file or a `postgres://` database) with
//! synthetic but plausible news (default 1,000,000 articles in stories of ~10, written
//! through `Store::commit` in transactions of 5,000 articles), builds its search index
//! (`<store>.search` beside an SQLite file, `/tmp/<database>.search` for PostgreSQL; timed),
//! then serves it until Ctrl-C so a load generator in another process can measure it (the
//! wrk commands are in BENCHMARKS.md, "Serving"). The fill reports the cost per article of
//! its first and last 25,000 articles: whether writing stays as cheap as the archive grows.
//!
//! ```text
//! cargo run --release -p storyline-server --example bench_serve -- /tmp/bench.db 1000000 8088
//! cargo run --release -p storyline-server --example bench_serve -- postgres://u@127.0.0.1/bench 1000000 8089
//! ```
//!
//! A fourth argument sets how many milliseconds rendered pages are reused (default 2000, the
//! server's default; 0 serves every request uncached, search results included).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use storyline_model::{Article, Provider, Story, article_id};
use storyline_server::{AppState, ServerConfig};
use storyline_store::{ArticleRow, Commit, Location, PgStore, SqliteStore, Store};

/// The allocator the `storyline` binary serves with (see its `main.rs`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PER_STORY: u64 = 10;
const BATCH_STORIES: u64 = 500;

const TOPICS: &[&str] = &[
    "AI", "Funding", "Energy", "Climate", "Markets", "Politics", "Science", "Health", "Sports",
    "Space", "Chips", "Deals",
];
const FIRMS: &[&str] = &[
    "Quillon",
    "Tessel",
    "Cobaltline",
    "Tindra",
    "Orbis",
    "Norvale",
    "Altura",
    "Stratus Grid",
    "Larchmont",
    "Meridian",
    "Velatide",
    "Kesvik Ports",
    "Harrow Bio",
    "Pellam Air",
    "Sable Chips",
    "Brightwater",
    "Corvane",
    "Estmark Rail",
    "Falcon Motors",
    "Ironleaf",
];
const VERBS: &[&str] = &[
    "raises",
    "cuts",
    "launches",
    "buys",
    "delays",
    "wins approval for",
    "reports record",
    "faces probe over",
    "opens",
    "sells",
    "expands",
    "pauses",
];
const OBJECTS: &[&str] = &[
    "a $400m funding round",
    "its battery plant",
    "quarterly profit",
    "a new AI model",
    "a rival in a $2bn deal",
    "its satellite launch",
    "an antitrust review",
    "a chip fab in Altura",
    "a drug trial",
    "its grid software",
    "a wind farm",
    "its export business",
];
const WORDS: &[&str] = &[
    "analysts",
    "said",
    "the",
    "company",
    "investors",
    "shares",
    "rose",
    "fell",
    "percent",
    "regulators",
    "market",
    "customers",
    "growth",
    "billion",
    "million",
    "quarter",
    "year",
    "executives",
    "expected",
    "plans",
    "deal",
    "report",
    "according",
    "people",
    "familiar",
    "officials",
    "statement",
    "week",
    "demand",
    "supply",
    "prices",
    "costs",
    "energy",
    "data",
    "software",
    "hardware",
    "factory",
    "workers",
    "union",
    "strike",
    "court",
    "ruling",
    "appeal",
    "launch",
    "rocket",
    "orbit",
    "trial",
    "patients",
    "vaccine",
    "storm",
    "flood",
    "drought",
    "election",
    "minister",
    "parliament",
    "budget",
    "tax",
    "tariff",
    "exports",
    "imports",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[(self.next() % list.len() as u64) as usize]
    }
}

fn provider(n: u64) -> Provider {
    Provider {
        name: format!("Outlet {n:03}"),
        domain: format!("outlet{n:03}.example"),
    }
}

fn build_story(rng: &mut Rng, s: u64) -> (Story, Vec<ArticleRow>) {
    let firm = rng.pick(FIRMS);
    let verb = rng.pick(VERBS);
    let object = rng.pick(OBJECTS);
    let topic_a = rng.pick(TOPICS);
    let topic_b = rng.pick(TOPICS);
    let start =
        Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap() + Duration::minutes((s * 5) as i64);
    let story_id = format!("s{s}");
    let mut rows = Vec::new();
    for k in 0..PER_STORY {
        let p = provider(rng.next() % 200);
        let url = format!(
            "https://{}/{}/{}-{k}",
            p.domain,
            story_id,
            firm.to_lowercase().replace(' ', "-")
        );
        let mut body = format!(
            "{firm} {verb} {object}, {} said on {}.",
            p.name,
            start.format("%A")
        );
        for _ in 0..40 {
            body.push(' ');
            body.push_str(rng.pick(WORDS));
        }
        body.push('.');
        let id = article_id(&url);
        rows.push(ArticleRow {
            article: Article {
                id: id.clone(),
                category: "news".into(),
                title: format!("{firm} {verb} {object}"),
                excerpt: body.chars().take(180).collect(),
                body,
                published_date_time: Some(start + Duration::minutes((k * 7) as i64)),
                original_url: Some(url.clone()),
                web_url: Some(url),
                kind: "article".into(),
                quality: Some((rng.next() % 100) as u8),
                heat: -1,
                published: true,
                provider: p,
                topics: vec![topic_a.into(), topic_b.into()],
                ..Article::default()
            },
            seq: 0,
            story_id: Some(story_id.clone()),
            duplicate_of: None,
            ingested_at: start,
            content_hash: format!("h{s}-{k}"),
            html: None,
            secured: None,
            feed_only: false,
        });
    }
    let story = Story {
        id: story_id,
        title: rows[0].article.title.clone(),
        heat: (rng.next() % 101) as i32,
        lead_article_id: rows[0].article.id.clone(),
        article_count: PER_STORY as u32,
        provider_count: PER_STORY as u32,
        first_published: rows[0].article.published_date_time,
        last_published: rows.last().and_then(|r| r.article.published_date_time),
        topics: vec![topic_a.into(), topic_b.into()],
        published: true,
        pinned: false,
    };
    (story, rows)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let location = Location::parse(
        &args
            .next()
            .unwrap_or_else(|| "/tmp/storyline-bench.db".into()),
    )?;
    let target: u64 = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let port: u16 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(8088);
    // Milliseconds rendered pages are reused; 0 measures every request uncached (searches
    // included, which are otherwise reused for the server's default 30 s).
    let page_cache_ms: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(2000);
    let mut store = open(&location).await?;
    let have = store.stats().await?.articles;
    if have < target {
        let first_story = have / PER_STORY;
        let stories = target / PER_STORY;
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ first_story.max(1));
        let started = Instant::now();
        let mut s = first_story;
        // Seconds per article of each transaction, for the first and last ones.
        let mut costs: Vec<f64> = Vec::new();
        while s < stories {
            let mut commit = Commit::default();
            for _ in 0..BATCH_STORIES.min(stories - s) {
                let (story, rows) = build_story(&mut rng, s);
                commit.articles.extend(rows);
                commit.stories.push(story);
                s += 1;
            }
            let batch = Instant::now();
            store.commit(&commit).await?;
            costs.push(batch.elapsed().as_secs_f64() / commit.articles.len().max(1) as f64);
            if s.is_multiple_of(10_000) {
                eprintln!("{} articles in {:.0?}", s * PER_STORY, started.elapsed());
            }
        }
        eprintln!(
            "filled {} articles in {:.1?}",
            stories * PER_STORY,
            started.elapsed()
        );
        report_costs(&costs);
        analyze(&location).await?;
        store.close().await;
        store = open(&location).await?;
    }
    let stats = store.stats().await?;
    eprintln!(
        "store: {} articles, {} stories",
        stats.articles, stats.stories
    );
    // The search index beside the store, built (or brought up to date) before serving.
    let index_dir = match &location {
        Location::Sqlite(path) => path.with_extension("search"),
        Location::Postgres(url) => {
            let name = url.rsplit('/').next().unwrap_or("bench");
            let name = name.split('?').next().unwrap_or("bench");
            PathBuf::from(format!("/tmp/{name}.search"))
        }
    };
    let search = storyline_search::SearchIndex::open(&index_dir)?;
    if search.behind(store.as_ref()).await? {
        let started = Instant::now();
        let applied = search.catch_up(store.as_ref()).await?;
        eprintln!(
            "search index: {} articles in {:.1?}, {} MiB on disk",
            applied.indexed,
            started.elapsed(),
            search.size_on_disk() / (1 << 20)
        );
    }
    eprintln!("search index: {} documents", search.docs());
    let config = ServerConfig {
        bind: SocketAddr::from(([127, 0, 0, 1], port)),
        base_url: format!("http://127.0.0.1:{port}"),
        site_title: "storyline bench".into(),
        page_cache_ttl: std::time::Duration::from_millis(page_cache_ms),
        search_cache_ttl: if page_cache_ms == 0 {
            std::time::Duration::ZERO
        } else {
            ServerConfig::default().search_cache_ttl
        },
        ..ServerConfig::default()
    };
    let state = AppState::with_search(store.clone(), search, config);
    eprintln!("serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)");
    storyline_server::serve(state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    store.close().await;
    Ok(())
}

async fn open(location: &Location) -> Result<Arc<dyn Store>, Box<dyn std::error::Error>> {
    Ok(match location {
        Location::Sqlite(path) => Arc::new(SqliteStore::open(path).await?),
        Location::Postgres(url) => Arc::new(PgStore::open(url).await?),
    })
}

/// The cost per article of the first and the last five transactions (25,000 articles each)
/// and their ratio (medians).
fn report_costs(costs: &[f64]) {
    if costs.len() < 10 {
        return;
    }
    let median = |part: &[f64]| {
        let mut sorted = part.to_vec();
        sorted.sort_by(f64::total_cmp);
        sorted[sorted.len() / 2]
    };
    let first = median(&costs[..5]);
    let last = median(&costs[costs.len() - 5..]);
    eprintln!(
        "cost per article: first 25,000 {:.1} µs, last 25,000 {:.1} µs, ratio {:.2} (medians of five transactions)",
        first * 1e6,
        last * 1e6,
        last / first
    );
}

/// Refreshes the query planner's statistics after a bulk load. For SQLite only the
/// per-index figures (`sqlite_stat1`) are kept: the bundled SQLite is built with STAT4, and
/// STAT4 samples make it re-prepare every cached statement whose bound values might change
/// the plan, which costs more than any plan they improve here. The statistics are read when a
/// connection opens, so the caller reopens the store.
async fn analyze(location: &Location) -> Result<(), Box<dyn std::error::Error>> {
    match location {
        Location::Sqlite(path) => {
            let store = SqliteStore::open(path).await?;
            for sql in ["ANALYZE", "DELETE FROM sqlite_stat4"] {
                if let Err(e) = sqlx::query(sql).execute(store.pool()).await {
                    eprintln!("{sql} failed: {e}");
                }
            }
            store.close().await;
        }
        Location::Postgres(url) => {
            let store = PgStore::open(url).await?;
            sqlx::query("ANALYZE").execute(store.pool()).await?;
            store.close().await;
        }
    }
    Ok(())
}
