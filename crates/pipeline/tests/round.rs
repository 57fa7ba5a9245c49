//! Fetch rounds against a local newswire: outlets on their own loopback addresses with real
//! HTTP servers, a real SQLite store, the real fetcher.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use storyline_ingest::fetch::{FetchConfig, Fetcher, GuardConfig, PolitenessConfig, RetryConfig};
use storyline_ingest::poll::SourceState;
use storyline_model::Keyring;
use storyline_newswire::{
    Behaviour, FeedMove, FeedValidators, Newswire, NewswireConfig, TextSource,
};
use storyline_pipeline::cpu::CpuPool;
use storyline_pipeline::round::{
    Observer, RoundCounters, RoundOptions, RoundSummary, SourceRound, Stop, Web,
};
use storyline_pipeline::{Pipeline, PipelineConfig};
use storyline_store::{SourceRow, SqliteStore, Store};

/// Collects the round's lines, for failure messages.
#[derive(Default)]
struct Lines(std::sync::Mutex<Vec<String>>);

impl Observer for Lines {
    fn line(&self, line: String) {
        self.0.lock().unwrap().push(line);
    }
}

struct Harness {
    _dir: tempfile::TempDir,
    store: Arc<SqliteStore>,
    web: Web,
    pipeline: Pipeline,
}

fn fetch_config(interval: Duration, timeout: Duration) -> FetchConfig {
    let mut guard = GuardConfig::default();
    guard.allow.push("127.0.0.0/8".parse().unwrap());
    FetchConfig {
        guard,
        politeness: PolitenessConfig {
            min_interval: interval,
            max_concurrent: 2,
        },
        read_timeout: timeout,
        total_timeout: timeout,
        connect_timeout: timeout,
        retry: RetryConfig {
            max_retries: 0,
            ..RetryConfig::default()
        },
        ..FetchConfig::default()
    }
}

/// A new source following `url`, due now.
fn source_row(url: &str) -> SourceRow {
    let now = chrono::Utc::now();
    SourceRow {
        id: 0,
        url: url.to_string(),
        kind: "feed".into(),
        title: None,
        group: None,
        state: None,
        next_poll: now,
        last_error: None,
        enabled: true,
        created_at: now,
        last_round: None,
    }
}

async fn harness(newswire: &Newswire, config: FetchConfig) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(&dir.path().join("s.db")).await.unwrap());
    for outlet in newswire.outlets() {
        store
            .add_source(&source_row(&outlet.feed_url))
            .await
            .unwrap();
    }
    let dyn_store: Arc<dyn Store> = store.clone();
    let pipeline = Pipeline::open(
        dyn_store.clone(),
        Keyring::generate().unwrap(),
        PipelineConfig::default(),
    )
    .await
    .unwrap();
    let web = Web {
        store: dyn_store,
        fetcher: Arc::new(Fetcher::new(config).unwrap()),
        pool: Arc::new(CpuPool::new(2)),
        images: None,
        images_by_url: dir.path().join("images"),
        options: RoundOptions::default(),
    };
    Harness {
        _dir: dir,
        store,
        web,
        pipeline,
    }
}

impl Harness {
    async fn round(&mut self) -> (RoundSummary, Vec<String>) {
        let sources = self.store.sources().await.unwrap();
        let lines = Arc::new(Lines::default());
        let summary = self
            .web
            .round(
                &mut self.pipeline,
                sources,
                &Stop::default(),
                Arc::new(RoundCounters::default()),
                lines.clone(),
            )
            .await
            .unwrap();
        let lines = lines.0.lock().unwrap().clone();
        (summary, lines)
    }

    /// Every stored article: (web URL, feed_only, story id, body words).
    async fn articles(&self) -> Vec<(String, bool, String, usize)> {
        let mut all = Vec::new();
        let mut after = 0;
        loop {
            let rows = self.store.articles_after(after, 500).await.unwrap();
            let Some(last) = rows.last() else { break };
            after = last.seq;
            for row in rows {
                all.push((
                    row.article.web_url.clone().unwrap_or_default(),
                    row.feed_only,
                    row.story_id.clone().unwrap_or_default(),
                    row.article.body.split_whitespace().count(),
                ));
            }
        }
        all
    }
}

/// Article pages the first `outlets` outlets have served.
fn pages_served(newswire: &Newswire, outlets: usize) -> usize {
    (0..outlets)
        .map(|n| {
            newswire
                .requests(n)
                .iter()
                .filter(|r| r.path.ends_with(".html"))
                .count()
        })
        .sum()
}

fn newswire_config(outlets: usize, articles: usize) -> NewswireConfig {
    NewswireConfig {
        outlets,
        articles,
        text: TextSource::Synthetic,
        ..NewswireConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_round_over_many_hosts_stores_every_article_once_then_only_revalidates() {
    let newswire = Newswire::start(newswire_config(5, 60)).await.unwrap();
    let total = newswire.total_articles();
    let mut h = harness(
        &newswire,
        fetch_config(Duration::from_millis(50), Duration::from_secs(10)),
    )
    .await;
    let (summary, lines) = h.round().await;
    assert_eq!(summary.sources, 5, "{lines:#?}");
    assert_eq!(summary.ingested, total, "{summary}\n{lines:#?}");
    assert_eq!(summary.feed_only, 0, "{summary}\n{lines:#?}");
    let articles = h.articles().await;
    assert_eq!(articles.len(), total);
    let mut urls: Vec<&str> = articles.iter().map(|a| a.0.as_str()).collect();
    urls.sort_unstable();
    urls.dedup();
    assert_eq!(urls.len(), total, "every article once");
    for outlet in newswire.outlets() {
        for article in &outlet.articles {
            assert!(
                urls.binary_search(&article.url.as_str()).is_ok(),
                "{}",
                article.url
            );
        }
    }
    // Full text from the pages (the feeds carry a sentence or two), each in a live story.
    for (url, feed_only, story, words) in &articles {
        assert!(!feed_only, "{url}");
        assert!(*words >= 150, "{url} has {words} words");
        let live = h.store.story(story).await.unwrap();
        assert!(live.is_some(), "{url}'s story {story} exists");
    }
    let stories: std::collections::HashSet<&str> = articles.iter().map(|a| a.2.as_str()).collect();
    assert!(
        stories.len() < total,
        "coverage of one event shares a story"
    );
    // Each source says what the round did.
    for source in h.store.sources().await.unwrap() {
        let round = SourceRound::from_stored(source.last_round.as_deref()).unwrap();
        assert_eq!(round.ingested, round.seen, "{source:?}");
        assert_eq!(round.failed + round.left + round.feed_only, 0);
    }

    // The second round revalidates each feed and fetches no page.
    let pages_before = pages_served(&newswire, 5);
    let (again, lines) = h.round().await;
    assert_eq!(again.not_modified, 5, "{again}\n{lines:#?}");
    assert_eq!(again.ingested, 0);
    let pages_after = pages_served(&newswire, 5);
    assert_eq!(pages_after, pages_before, "no page fetched again");
    assert_eq!(h.articles().await.len(), total);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn politeness_holds_per_host_while_hosts_run_in_parallel() {
    let interval = Duration::from_millis(120);
    let newswire = Newswire::start(newswire_config(4, 48)).await.unwrap();
    let mut h = harness(&newswire, fetch_config(interval, Duration::from_secs(10))).await;
    let started = Instant::now();
    let (summary, lines) = h.round().await;
    let elapsed = started.elapsed();
    assert_eq!(summary.ingested, 48, "{summary}\n{lines:#?}");
    for n in 0..4 {
        let mut requests = newswire.requests(n);
        requests.sort_by_key(|r| r.started);
        let starts: Vec<Instant> = requests.iter().map(|r| r.started).collect();
        let trace: Vec<String> = requests
            .windows(2)
            .map(|w| format!("{} +{:?}", w[1].path, w[1].started - w[0].started))
            .collect();
        // robots.txt, the feed and twelve pages: fourteen requests.
        assert!(starts.len() >= 14, "outlet {n}: {} requests", starts.len());
        // Any k + 1 consecutive requests span at least k intervals. The server sees a start
        // when it has read the request, so one request seen a few milliseconds late makes
        // its gap to the next look short by as much: 15 ms of slack for that.
        let slack = Duration::from_millis(15);
        for i in 0..starts.len() {
            for j in i + 1..starts.len() {
                let span = starts[j] - starts[i];
                let needed = interval * u32::try_from(j - i).unwrap();
                assert!(
                    span + slack >= needed,
                    "outlet {n}: requests {i}..{j} within {span:?}: {trace:#?}"
                );
            }
        }
        assert!(newswire.max_in_flight(n) <= 2, "outlet {n}");
    }
    // Four hosts at once: about a quarter of the time one host's pace would take (14
    // intervals each), with generous room for a loaded machine; sequential hosts would
    // need over 6.7 s.
    assert!(
        elapsed < Duration::from_secs(6),
        "the hosts were served one after another: {elapsed:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_or_refusing_host_holds_up_no_one_and_its_items_come_from_feed_text() {
    let newswire = Newswire::start(newswire_config(4, 40)).await.unwrap();
    newswire.set_behaviour(0, Behaviour::Hang);
    newswire.set_behaviour(1, Behaviour::Status(403));
    let mut h = harness(
        &newswire,
        fetch_config(Duration::from_millis(20), Duration::from_secs(2)),
    )
    .await;
    let started = Instant::now();
    let (summary, lines) = h.round().await;
    let elapsed = started.elapsed();
    assert_eq!(summary.ingested, 40, "{summary}\n{lines:#?}");
    assert_eq!(summary.feed_only, 20, "{summary}\n{lines:#?}");
    // Ten items of the hanging host at two at a time and two seconds each would take ten
    // seconds; after three timeouts in a row it is not asked again.
    assert!(elapsed < Duration::from_secs(8), "{elapsed:?}");
    let hanging = &newswire.outlets()[0].base_url;
    let refusing = &newswire.outlets()[1].base_url;
    for (url, feed_only, _, words) in h.articles().await {
        let from_failing = url.starts_with(hanging.as_str()) || url.starts_with(refusing.as_str());
        assert_eq!(feed_only, from_failing, "{url}");
        if !from_failing {
            assert!(words >= 150, "{url}");
        }
    }
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("feed text") && l.contains("403")),
        "{lines:#?}"
    );
    let sources = h.store.sources().await.unwrap();
    let round = SourceRound::from_stored(sources[1].last_round.as_deref()).unwrap();
    assert_eq!((round.ingested, round.feed_only), (10, 10));
    assert!(round.describe().contains("10 from feed text only"));

    // The hosts recover: the next round replaces the feed-text articles in place.
    newswire.set_behaviour(0, Behaviour::Normal);
    newswire.set_behaviour(1, Behaviour::Normal);
    let (again, lines) = h.round().await;
    assert_eq!(again.upgraded, 20, "{again}\n{lines:#?}");
    assert_eq!(again.ingested, 0, "{again}");
    let articles = h.articles().await;
    assert_eq!(articles.len(), 40, "upgraded in place, not added");
    for (url, feed_only, story, words) in articles {
        assert!(!feed_only, "{url}");
        assert!(words >= 150, "{url}");
        assert!(h.store.story(&story).await.unwrap().is_some());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_drains_and_leaves_the_rest_for_the_next_round() {
    let newswire = Newswire::start(newswire_config(2, 40)).await.unwrap();
    let mut h = harness(
        &newswire,
        fetch_config(Duration::from_millis(100), Duration::from_secs(10)),
    )
    .await;
    let stop = Stop::default();
    let counters = Arc::new(RoundCounters::default());
    let stopper = {
        let (stop, counters) = (stop.clone(), counters.clone());
        tokio::spawn(async move {
            while RoundCounters::get(&counters.committed) < 5 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            stop.stop();
        })
    };
    let sources = h.store.sources().await.unwrap();
    let summary = h
        .web
        .round(
            &mut h.pipeline,
            sources,
            &stop,
            counters,
            Arc::new(Lines::default()),
        )
        .await
        .unwrap();
    stopper.await.unwrap();
    let stored = h.articles().await.len();
    assert_eq!(stored, summary.ingested);
    assert!((5..40).contains(&stored), "{summary}");
    assert_eq!(summary.left, 40 - stored, "{summary}");
    // The next round takes exactly the rest: the stopped sources kept no validators.
    let (rest, lines) = h.round().await;
    assert_eq!(rest.ingested, 40 - stored, "{rest}\n{lines:#?}");
    assert_eq!(h.articles().await.len(), 40);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_per_feed_cap_takes_the_rest_in_the_next_rounds() {
    let newswire = Newswire::start(newswire_config(1, 25)).await.unwrap();
    let mut h = harness(
        &newswire,
        fetch_config(Duration::from_millis(10), Duration::from_secs(10)),
    )
    .await;
    h.web.options.max_items_per_feed = 10;
    let taken = Arc::new(AtomicUsize::new(0));
    for expected in [10, 10, 5] {
        let (summary, lines) = h.round().await;
        assert_eq!(summary.ingested, expected, "{summary}\n{lines:#?}");
        taken.fetch_add(summary.ingested, Ordering::SeqCst);
        let source = &h.store.sources().await.unwrap()[0];
        if expected == 10 {
            assert!(source.next_poll <= chrono::Utc::now(), "due again at once");
        }
    }
    assert_eq!(taken.load(Ordering::SeqCst), 25);
    assert_eq!(h.articles().await.len(), 25);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_pipeline_writes_to_a_store_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).await.unwrap());
    let keyring = Keyring::generate().unwrap();
    let first = Pipeline::open(store.clone(), keyring.clone(), PipelineConfig::default())
        .await
        .unwrap();
    // A second store handle on the same file, as another process would have.
    let other: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).await.unwrap());
    let refused = Pipeline::open(other.clone(), keyring.clone(), PipelineConfig::default()).await;
    let message = refused
        .err()
        .expect("a second writer is refused")
        .to_string();
    assert!(
        message.contains("another storyline process is writing to this store")
            && message.contains(&std::process::id().to_string()),
        "{message}"
    );
    // Reading goes on meanwhile.
    assert_eq!(other.stats().await.unwrap().articles, 0);
    drop(first);
    Pipeline::open(other, keyring, PipelineConfig::default())
        .await
        .expect("the lock is free once the first pipeline is gone");
}

/// A source's stored polling state.
fn polling_state(source: &SourceRow) -> SourceState {
    serde_json::from_str(source.state.as_deref().expect("polled")).expect("polling state")
}

/// The paths outlet `outlet` was asked for from request `from` on.
fn paths_asked(newswire: &Newswire, outlet: usize, from: usize) -> Vec<String> {
    newswire.requests(outlet)[from..]
        .iter()
        .map(|r| r.path.clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_with_only_last_modified_is_asked_if_modified_since_and_a_304_ends_its_poll() {
    let newswire = Newswire::start(newswire_config(1, 5)).await.unwrap();
    newswire.set_feed_validators(0, FeedValidators::LastModifiedOnly);
    let mut h = harness(
        &newswire,
        fetch_config(Duration::from_millis(10), Duration::from_secs(10)),
    )
    .await;
    let (first, lines) = h.round().await;
    assert_eq!(first.ingested, 5, "{first}\n{lines:#?}");
    let state = polling_state(&h.store.sources().await.unwrap()[0]);
    assert_eq!(state.etag, None, "the feed has no entity tag");
    let last_modified = state.last_modified.clone().expect("Last-Modified kept");

    let pages_before = pages_served(&newswire, 1);
    let asked_before = newswire.requests(0).len();
    let (second, lines) = h.round().await;
    assert_eq!(second.not_modified, 1, "{second}\n{lines:#?}");
    assert_eq!(
        (second.items, second.ingested, second.known),
        (0, 0, 0),
        "{second}"
    );
    assert_eq!(
        pages_served(&newswire, 1),
        pages_before,
        "no page fetched again"
    );
    let feed_requests: Vec<_> = newswire.requests(0)[asked_before..]
        .iter()
        .filter(|r| r.path == "/feed.xml")
        .cloned()
        .collect();
    assert_eq!(feed_requests.len(), 1, "{feed_requests:#?}");
    assert_eq!(feed_requests[0].status, 304);
    assert_eq!(
        feed_requests[0].if_modified_since.as_deref(),
        Some(last_modified.as_str())
    );
    assert_eq!(feed_requests[0].if_none_match, None);
    let source = &h.store.sources().await.unwrap()[0];
    let state = polling_state(source);
    assert_eq!(state.last_modified, Some(last_modified), "validators kept");
    assert_eq!(state.last_error, None);
    let round = SourceRound::from_stored(source.last_round.as_deref()).unwrap();
    assert_eq!((round.seen, round.ingested), (0, 0));
    assert_eq!(h.articles().await.len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_moved_permanently_moves_its_source_and_the_next_poll_goes_straight_there() {
    let newswire = Newswire::start(newswire_config(1, 4)).await.unwrap();
    let old = newswire.outlets()[0].feed_url.clone();
    let new = format!("{}/rss/latest.xml", newswire.outlets()[0].base_url);
    newswire.move_feed(
        0,
        Some(FeedMove {
            status: 301,
            path: "/rss/latest.xml".into(),
        }),
    );
    let mut h = harness(
        &newswire,
        fetch_config(Duration::from_millis(10), Duration::from_secs(10)),
    )
    .await;
    let (first, lines) = h.round().await;
    assert_eq!(first.ingested, 4, "{first}\n{lines:#?}");
    assert_eq!(first.moved, 1, "{first}");
    assert!(first.to_string().contains("1 sources moved"), "{first}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("moved") && l.contains(&old) && l.contains(&new)),
        "{lines:#?}"
    );
    let sources = h.store.sources().await.unwrap();
    assert_eq!(sources.len(), 1);
    assert_eq!(sources[0].url, new, "the source list shows the new address");
    let state = polling_state(&sources[0]);
    assert_eq!(state.url, new);
    let round = SourceRound::from_stored(sources[0].last_round.as_deref()).unwrap();
    assert_eq!(round.moved_from.as_deref(), Some(old.as_str()));
    assert!(
        round.describe().contains("moved here from"),
        "{}",
        round.describe()
    );
    assert_eq!(
        h.store.former_source_urls(sources[0].id).await.unwrap(),
        [old.as_str()]
    );

    // The next poll asks the new address directly.
    let asked_before = newswire.requests(0).len();
    let (second, lines) = h.round().await;
    assert_eq!(second.moved, 0, "{second}");
    assert_eq!(second.not_modified, 1, "{second}\n{lines:#?}");
    let asked = paths_asked(&newswire, 0, asked_before);
    assert!(asked.contains(&"/rss/latest.xml".to_string()), "{asked:?}");
    assert!(!asked.contains(&"/feed.xml".to_string()), "{asked:?}");

    // The old address stays known: the same feed is not added twice.
    assert!(!h.store.add_source(&source_row(&old)).await.unwrap());
    assert_eq!(h.store.sources().await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_moved_temporarily_keeps_its_source_where_it_was() {
    for status in [302, 307] {
        let newswire = Newswire::start(newswire_config(1, 3)).await.unwrap();
        let old = newswire.outlets()[0].feed_url.clone();
        newswire.move_feed(
            0,
            Some(FeedMove {
                status,
                path: "/rss/latest.xml".into(),
            }),
        );
        let mut h = harness(
            &newswire,
            fetch_config(Duration::from_millis(10), Duration::from_secs(10)),
        )
        .await;
        let (first, lines) = h.round().await;
        assert_eq!(first.ingested, 3, "{status}: {first}\n{lines:#?}");
        assert_eq!(first.moved, 0, "{status}: {first}");
        assert!(!lines.iter().any(|l| l.starts_with("moved")), "{lines:#?}");
        let sources = h.store.sources().await.unwrap();
        assert_eq!(sources[0].url, old, "{status}");
        assert_eq!(polling_state(&sources[0]).url, old, "{status}");
        assert!(
            h.store
                .former_source_urls(sources[0].id)
                .await
                .unwrap()
                .is_empty()
        );

        // The next poll asks the old address again, and is sent on from there.
        let asked_before = newswire.requests(0).len();
        let (second, lines) = h.round().await;
        assert_eq!(second.moved, 0, "{status}: {second}");
        assert_eq!(second.failed, 0, "{status}: {second}\n{lines:#?}");
        let asked = paths_asked(&newswire, 0, asked_before);
        let feed = asked.iter().position(|p| p == "/feed.xml");
        let moved = asked.iter().position(|p| p == "/rss/latest.xml");
        assert!(
            matches!((feed, moved), (Some(f), Some(m)) if f < m),
            "{status}: {asked:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_moving_onto_a_followed_address_keeps_that_source_and_the_round_goes_on() {
    let newswire = Newswire::start(newswire_config(1, 4)).await.unwrap();
    let old = newswire.outlets()[0].feed_url.clone();
    let new = format!("{}/rss/latest.xml", newswire.outlets()[0].base_url);
    newswire.move_feed(
        0,
        Some(FeedMove {
            status: 308,
            path: "/rss/latest.xml".into(),
        }),
    );
    let mut h = harness(
        &newswire,
        fetch_config(Duration::from_millis(10), Duration::from_secs(10)),
    )
    .await;
    assert!(h.store.add_source(&source_row(&new)).await.unwrap());
    let kept = h.store.sources().await.unwrap()[1].id;
    let (first, lines) = h.round().await;
    assert_eq!(first.ingested, 4, "{first}\n{lines:#?}");
    assert_eq!(first.failed, 0, "{first}");
    assert_eq!(first.moved, 1, "{first}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("moved") && l.contains("follows already")),
        "{lines:#?}"
    );
    let sources = h.store.sources().await.unwrap();
    assert_eq!(sources.len(), 1, "{sources:#?}");
    assert_eq!(
        (sources[0].id, sources[0].url.as_str()),
        (kept, new.as_str())
    );
    assert!(!h.store.add_source(&source_row(&old)).await.unwrap());
    assert_eq!(h.articles().await.len(), 4, "each article once");
}
