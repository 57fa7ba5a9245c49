//! Search cost without HTTP: builds the search index of a store the serving bench filled
//! (when it has none; the build's time, size and the process's peak memory are printed),
//! times adding one new article, then runs a mix of searches (the same kinds as the serving
//! bench's `search.lua`: single words, two words, phrases, exclusions, a third filtered by
//! topic, provider or dates; grouped by story, as the search page asks) one at a time, and
//! prints the median, p90 and p99 latency and the mean.
//!
//! ```text
//! cargo run --release -p storyline-search --example search_bench -- /tmp/sl-bench.db [passes]
//! ```

use std::path::PathBuf;
use std::time::Instant;

use chrono::{TimeZone, Utc};
use storyline_model::{Article, Provider};
use storyline_search::{SearchIndex, SearchQuery};
use storyline_store::{ArticleRow, Commit, SqliteStore, Store};

const FIRMS: &[&str] = &[
    "Quillon",
    "Tessel",
    "Cobaltline",
    "Tindra",
    "Orbis",
    "Norvale",
    "Altura",
    "Stratus",
    "Larchmont",
    "Meridian",
    "Velatide",
    "Kesvik",
    "Harrow",
    "Pellam",
    "Sable",
    "Brightwater",
    "Corvane",
    "Estmark",
    "Falcon",
    "Ironleaf",
];
const THINGS: &[&str] = &[
    "battery",
    "plant",
    "funding",
    "round",
    "profit",
    "model",
    "deal",
    "satellite",
    "launch",
    "antitrust",
    "review",
    "fab",
    "drug",
    "trial",
    "grid",
    "software",
    "wind",
    "farm",
    "export",
    "business",
    "approval",
    "probe",
    "record",
    "rival",
];
const WORDS: &[&str] = &[
    "analysts",
    "investors",
    "shares",
    "regulators",
    "market",
    "customers",
    "growth",
    "billion",
    "quarter",
    "executives",
    "demand",
    "supply",
    "prices",
    "energy",
    "factory",
    "workers",
    "union",
    "strike",
    "court",
    "ruling",
    "appeal",
    "rocket",
    "orbit",
    "patients",
    "vaccine",
    "storm",
    "flood",
    "drought",
    "election",
    "minister",
    "parliament",
    "budget",
    "tariff",
];
const PHRASES: &[&str] = &[
    "chip fab",
    "battery plant",
    "funding round",
    "wind farm",
    "antitrust review",
    "drug trial",
    "grid software",
    "satellite launch",
    "Sable Chips",
    "Harrow Bio",
    "new AI model",
    "export business",
    "quarterly profit",
    "Kesvik Ports",
    "Stratus Grid",
    "Pellam Air",
    "Falcon Motors",
    "Estmark Rail",
    "wins approval",
    "faces probe",
];
const TOPICS: &[&str] = &[
    "AI", "Funding", "Energy", "Climate", "Markets", "Politics", "Science", "Health", "Sports",
    "Space", "Chips", "Deals",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }
}

/// The kinds of search in the mix, as `make` numbers them.
const KINDS: [&str; 6] = [
    "firm",
    "thing",
    "firm thing",
    "word thing",
    "\"phrase\"",
    "firm thing -word",
];

/// The filters, as `make` numbers them.
const FILTERS: [&str; 4] = ["topic", "provider", "dates", "no filter"];

fn make(rng: &mut Rng) -> (usize, usize, SearchQuery) {
    let kind = rng.below(6);
    let text = match kind {
        0 => rng.pick(FIRMS).to_string(),
        1 => rng.pick(THINGS).to_string(),
        2 => format!("{} {}", rng.pick(FIRMS), rng.pick(THINGS)),
        3 => format!("{} {}", rng.pick(WORDS), rng.pick(THINGS)),
        4 => format!("\"{}\"", rng.pick(PHRASES)),
        _ => format!(
            "{} {} -{}",
            rng.pick(FIRMS),
            rng.pick(THINGS),
            rng.pick(WORDS)
        ),
    };
    let mut q = SearchQuery {
        text,
        grouped: true,
        limit: 21,
        ..SearchQuery::default()
    };
    let filter = rng.below(9);
    match filter {
        0 => q.topic = Some(rng.pick(TOPICS).to_string()),
        1 => q.provider = Some(format!("outlet{:03}.example", rng.below(200))),
        2 => {
            let m = 1 + rng.below(11) as u32;
            q.from = Utc.with_ymd_and_hms(2025, m, 1, 0, 0, 0).single();
            q.to = Utc.with_ymd_and_hms(2025, m + 1, 28, 0, 0, 0).single();
        }
        _ => {}
    }
    (kind, filter.min(3), q)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(args.next().unwrap_or_else(|| "/tmp/sl-bench.db".into()));
    let passes: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(2);
    let store = SqliteStore::open(&path).await?;
    let index = SearchIndex::open(&path.with_extension("search"))?;
    if index.behind(&store).await? {
        let started = Instant::now();
        let applied = index.catch_up(&store).await?;
        println!(
            "index: {} articles applied in {:.1} s, {} MiB on disk, peak memory {} MiB",
            applied.changes,
            started.elapsed().as_secs_f64(),
            index.size_on_disk() / (1 << 20),
            peak_memory_kib().unwrap_or(0) / 1024
        );
    }
    println!("index: {} documents", index.docs());
    one_new_article(&store, &index).await?;
    let mut rng = Rng(11);
    let queries: Vec<(usize, usize, SearchQuery)> = (0..600).map(|_| make(&mut rng)).collect();
    // A first pass warms the page cache and the statement cache.
    for (_, _, q) in &queries {
        index.search(&store, q).await?;
    }
    let mut times = Vec::with_capacity(queries.len() * passes);
    let mut by_kind = [(0usize, 0.0f64); KINDS.len()];
    let mut by_filter = [(0usize, 0.0f64); FILTERS.len()];
    let mut hits = 0usize;
    let started = Instant::now();
    let cpu_start = cpu_seconds().unwrap_or(0.0);
    for _ in 0..passes {
        for (kind, filter, q) in &queries {
            let t = Instant::now();
            hits += index.search(&store, q).await?.hits.len();
            let ms = t.elapsed().as_secs_f64() * 1e3;
            times.push(ms);
            by_kind[*kind].0 += 1;
            by_kind[*kind].1 += ms;
            by_filter[*filter].0 += 1;
            by_filter[*filter].1 += ms;
        }
    }
    let wall = started.elapsed().as_secs_f64();
    // The index's share: ranking alone (no store reads, snippets or story counts).
    let ranking = Instant::now();
    for (_, _, q) in &queries {
        index.ranked_seqs(q)?;
    }
    let ranking_ms = ranking.elapsed().as_secs_f64() * 1e3 / queries.len() as f64;
    let cpu = cpu_seconds().map(|end| end - cpu_start);
    times.sort_by(f64::total_cmp);
    let at = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    println!(
        "{} searches, {hits} hits: median {:.3} ms, p90 {:.3} ms, p99 {:.3} ms, mean {:.3} ms",
        times.len(),
        at(0.5),
        at(0.9),
        at(0.99),
        wall * 1e3 / times.len() as f64
    );
    println!("ranking alone (the index's part): mean {ranking_ms:.3} ms");
    if let Some(cpu) = cpu {
        // CPU time moves less than wall time on a shared machine.
        println!(
            "CPU per search (all threads): {:.3} ms",
            cpu * 1e3 / times.len() as f64
        );
    }
    for (name, (n, total)) in KINDS
        .iter()
        .zip(by_kind)
        .chain(FILTERS.iter().zip(by_filter))
    {
        println!(
            "  {name:<18} {n:>5} searches, mean {:.3} ms",
            total / n.max(1) as f64
        );
    }
    store.close().await;
    Ok(())
}

/// Times storing one new article and bringing the index up to it (median of 21).
async fn one_new_article(
    store: &SqliteStore,
    index: &SearchIndex,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut times = Vec::new();
    for i in 0..21 {
        let now = Utc::now();
        let id = format!("bench-new-{}-{i}", now.timestamp_nanos_opt().unwrap_or(0));
        let row = ArticleRow {
            article: Article {
                id: id.clone(),
                category: "news".into(),
                title: "Quillon opens a battery plant in Altura".into(),
                excerpt: "Quillon said the plant would open next year.".into(),
                body: "Quillon said the plant would open next year, analysts said.".into(),
                published_date_time: Some(now),
                kind: "article".into(),
                published: true,
                provider: Provider {
                    name: "Bench".into(),
                    domain: "bench.example".into(),
                },
                ..Article::default()
            },
            seq: 0,
            story_id: None,
            duplicate_of: None,
            ingested_at: now,
            content_hash: id,
            html: None,
            secured: None,
            feed_only: false,
        };
        store
            .commit(&Commit {
                articles: vec![row],
                ..Commit::default()
            })
            .await?;
        let t = Instant::now();
        index.catch_up(store).await?;
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    // The bench's articles go again, so the archive stays the one the serving bench made
    // (their recent dates would otherwise move the news clock every search ages from).
    sqlx::query("DELETE FROM articles WHERE provider_domain = 'bench.example'")
        .execute(store.pool())
        .await?;
    index.catch_up(store).await?;
    times.sort_by(f64::total_cmp);
    println!(
        "one new article to searchable (catch-up and commit): median {:.1} ms, max {:.1} ms",
        times[times.len() / 2],
        times[times.len() - 1]
    );
    Ok(())
}

/// The process's peak resident memory (Linux), in KiB.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// User and system CPU time of this process so far (Linux), in seconds.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which ends with the last ')'): utime is the 12th, stime the 13th.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // The kernel reports in USER_HZ, 100 on Linux.
    Some(ticks / 100.0)
}
