//! The crash harness: `kill -9` a running file ingest and a running fetch round at random
//! points, again and again, then let one run finish, and check the store as a careful operator
//! would: SQLite's own integrity checks, the search index (only stored, visible articles,
//! each once; exactly those once it has read the store's change log), every article stored once (the
//! same set as an uninterrupted run), every article in a live story, and every story's counts
//! true to its articles. For file ingest, which commits in input order, the stories must also
//! be exactly those of the uninterrupted run.
//!
//! Each test kills `STORYLINE_CRASH_KILLS` times (default 5). The random points come from
//! `STORYLINE_CRASH_SEED` (default: the clock), printed so that a failure can be replayed.
//! `crates/storyline/bench/crash.sh` runs the same tests with hundreds of kills.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::Env;
use sqlx::Row;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection};
use storyline_newswire::{Newswire, NewswireConfig, TextSource};
use storyline_search::SearchIndex;
use storyline_store::{SqliteStore, Store};

/// A small deterministic generator (xorshift64*), enough to pick kill times.
struct Rng(u64);

impl Rng {
    fn from_env() -> Self {
        let seed = std::env::var("STORYLINE_CRASH_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(1, |d| d.as_nanos() as u64)
            });
        eprintln!("crash harness: STORYLINE_CRASH_SEED={seed}");
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A fraction in [low, high).
    fn fraction(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn kills() -> usize {
    std::env::var("STORYLINE_CRASH_KILLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5)
}

fn spawn(env: &Env, args: &[&str]) -> Child {
    env.command(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start storyline")
}

/// Runs `args` to the end and returns how long it took.
fn timed_run(env: &Env, args: &[&str]) -> Duration {
    let started = Instant::now();
    env.ok(args);
    started.elapsed()
}

/// Starts `args` and kills it with SIGKILL after `delay`, unless it ended first. Returns
/// whether the kill landed on a running process.
fn kill_after(env: &Env, args: &[&str], delay: Duration) -> bool {
    let mut child = spawn(env, args);
    let deadline = Instant::now() + delay;
    while Instant::now() < deadline {
        if child.try_wait().expect("poll child").is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    // `Child::kill` sends SIGKILL on Unix: no handler runs, nothing is flushed.
    let landed = child.try_wait().expect("poll child").is_none();
    let _ = child.kill();
    let _ = child.wait();
    landed
}

/// Kills `args` at random points of a run expected to take about `typical`, on one store after
/// another, until `kills()` kills have landed mid-run. A run that ends before its kill has
/// finished its store: `check` checks it, and the next kills start on a fresh store (made by
/// `fresh`). The last store is then finished by one whole run and checked too. Returns the
/// number of stores checked.
fn crash_cycles(
    args: &[&str],
    typical: Duration,
    rng: &mut Rng,
    fresh: impl Fn() -> Env,
    check: impl Fn(&Env),
) -> usize {
    let mut landed = 0;
    let mut checked = 0;
    let mut env = fresh();
    for _ in 0..kills() * 4 {
        if landed == kills() {
            break;
        }
        let delay = typical.mul_f64(rng.fraction(0.02, 0.9));
        if kill_after(&env, args, delay) {
            landed += 1;
        } else {
            check(&env);
            checked += 1;
            env = fresh();
        }
    }
    assert_eq!(landed, kills(), "the kills landed mid-run");
    env.ok(args);
    check(&env);
    checked + 1
}

/// What a store holds once checked: article id → the live story it belongs to.
struct Checked {
    story_of: BTreeMap<String, String>,
}

impl Checked {
    /// The stories as sets of article ids (story ids aside).
    fn partition(&self) -> BTreeSet<BTreeSet<String>> {
        let mut stories: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        for (article, story) in &self.story_of {
            stories.entry(story).or_default().insert(article.clone());
        }
        stories.into_values().collect()
    }
}

/// Checks every invariant a crash may not break and returns the placements.
async fn check_store(env: &Env) -> Checked {
    let db = env.data().join("storyline.db");
    let mut conn = connect(&db).await;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .expect("integrity_check");
    assert_eq!(integrity, "ok", "SQLite integrity");
    let broken_keys = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&mut conn)
        .await
        .expect("foreign_key_check");
    assert!(broken_keys.is_empty(), "foreign keys");

    let stories: BTreeMap<String, (Option<String>, i64)> =
        sqlx::query("SELECT id, merged_into, article_count FROM stories")
            .fetch_all(&mut conn)
            .await
            .expect("stories")
            .into_iter()
            .map(|row| {
                (
                    row.get("id"),
                    (row.get("merged_into"), row.get("article_count")),
                )
            })
            .collect();
    let live_of = |story: &str| -> String {
        let mut at = story.to_string();
        for _ in 0..64 {
            match stories.get(&at) {
                Some((Some(next), _)) => at = next.clone(),
                Some((None, _)) => return at,
                None => panic!("story {at} has no row (an orphaned article)"),
            }
        }
        panic!("a merge cycle through {story}");
    };
    let mut story_of = BTreeMap::new();
    let rows = sqlx::query("SELECT id, story_id FROM articles")
        .fetch_all(&mut conn)
        .await
        .expect("articles");
    for row in rows {
        let id: String = row.get("id");
        let story: Option<String> = row.get("story_id");
        let story = story.unwrap_or_else(|| panic!("article {id} has no story"));
        story_of.insert(id, live_of(&story));
    }
    let mut counted: BTreeMap<&str, i64> = BTreeMap::new();
    for story in story_of.values() {
        *counted.entry(story).or_default() += 1;
    }
    for (story, count) in &counted {
        assert_eq!(
            stories[*story].1, *count,
            "story {story}'s article count matches its articles"
        );
    }
    conn.close().await.expect("close");
    check_search_index(env, &db).await;

    // And as a reader sees it: each article listed once, in a live story.
    let listed = common::story_of_article(&common::stories_json(env));
    assert_eq!(
        listed.len(),
        story_of.len(),
        "every stored article is listed in a live story"
    );
    Checked { story_of }
}

/// The search index the job fed while it ran, as a kill left it: only stored, visible
/// articles, each once; and once it has applied the store's change log, exactly those.
async fn check_search_index(env: &Env, db: &Path) {
    let store = SqliteStore::open(db).await.expect("open the store");
    let mut visible = Vec::new();
    let mut after = 0;
    loop {
        let (docs, scanned) = store
            .index_docs_after(after, 1_000)
            .await
            .expect("articles");
        let Some(scanned) = scanned else { break };
        visible.extend(docs.iter().map(|d| d.seq));
        after = scanned;
    }
    let index = SearchIndex::open(&env.data().join("storyline.search")).expect("open the index");
    let held = index.seqs().expect("index seqs");
    assert!(
        held.windows(2).all(|w| w[0] < w[1]),
        "each article indexed once"
    );
    assert!(
        held.iter().all(|s| visible.binary_search(s).is_ok()),
        "the index holds only stored, visible articles"
    );
    index.catch_up(&store).await.expect("catch up");
    assert_eq!(
        index.seqs().expect("index seqs"),
        visible,
        "the index holds every visible article"
    );
    store.close().await;
}

async fn connect(db: &Path) -> SqliteConnection {
    SqliteConnectOptions::new()
        .filename(db)
        .read_only(false)
        .connect()
        .await
        .expect("open the store")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kills_during_file_ingest_lose_nothing_duplicate_nothing_and_change_no_story() {
    let mut rng = Rng::from_env();
    let newswire = Newswire::start(NewswireConfig {
        outlets: 6,
        articles: 240,
        text: TextSource::Synthetic,
        ..NewswireConfig::default()
    })
    .await
    .expect("newswire");
    let pages = tempfile::tempdir().expect("temp dir");
    let written = newswire.write_pages(pages.path()).expect("write pages");
    newswire.shutdown().await;
    assert_eq!(written.len(), 240);
    let folder = pages.path().to_str().expect("path");
    let args = ["--quiet", "ingest", folder];

    let reference = Env::new();
    let typical = tokio::task::block_in_place(|| timed_run(&reference, &args));
    let expected = check_store(&reference).await;
    assert_eq!(
        expected.story_of.len(),
        240,
        "the reference run stores every page"
    );

    let runtime = tokio::runtime::Handle::current();
    let stores = tokio::task::block_in_place(|| {
        crash_cycles(&args, typical, &mut rng, Env::new, |env| {
            let after = runtime.block_on(check_store(env));
            assert_eq!(
                after.story_of.keys().collect::<Vec<_>>(),
                expected.story_of.keys().collect::<Vec<_>>(),
                "the same articles as an uninterrupted run"
            );
            assert_eq!(
                after.partition(),
                expected.partition(),
                "the same stories as an uninterrupted run"
            );
        })
    });
    eprintln!(
        "file ingest: {} kills over {stores} stores, each checked",
        kills()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kills_during_fetch_rounds_lose_nothing_and_duplicate_nothing() {
    let mut rng = Rng::from_env();
    let newswire = Newswire::start(NewswireConfig {
        outlets: 4,
        articles: 160,
        text: TextSource::Synthetic,
        ..NewswireConfig::default()
    })
    .await
    .expect("newswire");
    let args = [
        "fetch",
        "--once",
        "--no-images",
        "--allow-net",
        "127.0.0.0/8",
        "--politeness-interval",
        "0.02",
    ];
    let follow = |env: &Env| {
        let opml = env.dir.path().join("feeds.opml");
        std::fs::write(&opml, newswire.opml()).expect("write OPML");
        env.ok(&["opml", "import", opml.to_str().expect("path")]);
    };

    let reference = Env::new();
    follow(&reference);
    let typical = tokio::task::block_in_place(|| timed_run(&reference, &args));
    let expected = check_store(&reference).await;
    assert_eq!(
        expected.story_of.len(),
        160,
        "the reference round stores every article"
    );

    let runtime = tokio::runtime::Handle::current();
    let fresh = || {
        let env = Env::new();
        follow(&env);
        env
    };
    let stores = tokio::task::block_in_place(|| {
        crash_cycles(&args, typical, &mut rng, fresh, |env| {
            let after = runtime.block_on(check_store(env));
            // Pages arrive in a different order from run to run, so stories may form
            // differently; the articles may not.
            assert_eq!(
                after.story_of.keys().collect::<Vec<_>>(),
                expected.story_of.keys().collect::<Vec<_>>(),
                "the same articles as an uninterrupted round, each once"
            );
        })
    });
    eprintln!(
        "fetch rounds: {} kills over {stores} stores, each checked",
        kills()
    );
    newswire.shutdown().await;
}
