//! Several processes on one PostgreSQL store, as a newsroom runs them: worker processes that
//! share the fetch queue and hand over clustering when the clusterer dies, and servers that
//! see each other's editorial actions at once.
//!
//! These tests need a PostgreSQL server (`STORYLINE_TEST_POSTGRES`, see
//! `storyline_store::testing`); without one they are skipped and say so, and under CI they
//! fail.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::Env;
use storyline_model::Keyring;
use storyline_newswire::{Newswire, NewswireConfig, TextSource};
use storyline_pipeline::{Incoming, Pipeline, PipelineConfig};
use storyline_store::{PgStore, SqliteStore, Store, testing};

/// A new database on the test server, or `None` (skipped, or failing under CI).
async fn database(prefix: &str) -> Option<String> {
    let Some(server) = testing::postgres_server() else {
        common::required::absent(
            "a PostgreSQL server for the multi-process tests",
            &format!(
                "${} (a URL; .ci/postgres.sh starts one)",
                testing::POSTGRES_VAR
            ),
        );
        return None;
    };
    Some(
        testing::fresh_database(&server, prefix)
            .await
            .expect("create a test database"),
    )
}

/// Starts `storyline ARGS`; its standard error goes to a file in the data folder's parent,
/// named after the process, shown when it does not end in time.
fn spawn(env: &Env, args: &[&str]) -> Child {
    let log = std::fs::File::create(env.dir.path().join(format!(
        "stderr-{}.log",
        args.iter().find(|a| a.starts_with('w') && a.len() == 2).unwrap_or(&"serve")
    )))
    .expect("log file");
    env.command(args)
        .stdout(Stdio::null())
        .stderr(Stdio::from(log))
        .spawn()
        .expect("start storyline")
}

fn status(env: &Env, db: &str) -> serde_json::Value {
    let text = env.ok(&["--db", db, "status", "--json"]);
    serde_json::from_str(&text).expect("status --json prints JSON")
}

/// The process id named in the clusterer lock's holder ("storyline HOST pid N …").
fn clusterer_pid(status: &serde_json::Value) -> Option<u32> {
    let holder = status["clusterer"].as_str()?;
    let after = holder.split(" pid ").nth(1)?;
    after.split_whitespace().next()?.parse().ok()
}

/// Waits for `child` to exit by itself within `limit`; kills it and fails otherwise.
fn wait_for(child: &mut Child, limit: Duration, what: &str) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {limit:?} (its log is beside the data folder)");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Article id → the live story it is in, checking on the way that every story id an
/// article names leads (through merges) to a live story whose count is true.
async fn placements(
    store: &dyn Store,
) -> (Vec<storyline_store::ArticleRow>, BTreeMap<String, String>) {
    let rows = store.articles_after(0, 100_000).await.expect("articles");
    let mut story_of = BTreeMap::new();
    let mut members: BTreeMap<String, usize> = BTreeMap::new();
    for row in &rows {
        let named = row
            .story_id
            .clone()
            .unwrap_or_else(|| panic!("article {} has no story", row.article.id));
        let live = store
            .story(&named)
            .await
            .expect("story")
            .unwrap_or_else(|| panic!("story {named} of {} leads nowhere", row.article.id));
        let resolved = store.resolve_story(&named).await.expect("resolve");
        assert_eq!(
            resolved.as_deref(),
            Some(live.id.as_str()),
            "{named} redirects to its live story"
        );
        *members.entry(live.id.clone()).or_default() += 1;
        story_of.insert(row.article.id.clone(), live.id);
    }
    for (story, count) in &members {
        let s = store
            .story(story)
            .await
            .expect("story")
            .expect("live story");
        assert_eq!(
            s.article_count as usize, *count,
            "story {story}'s count is its articles"
        );
    }
    (rows, story_of)
}

fn partition(story_of: &BTreeMap<String, String>) -> BTreeSet<BTreeSet<String>> {
    let mut stories: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (article, story) in story_of {
        stories.entry(story).or_default().insert(article.clone());
    }
    stories.into_values().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_killed_mid_run_leave_every_article_stored_once_in_the_stories_of_one_process() {
    let Some(db) = database("workers").await else {
        return;
    };
    let articles = 160;
    let newswire = Newswire::start(NewswireConfig {
        outlets: 4,
        articles,
        text: TextSource::Synthetic,
        ..NewswireConfig::default()
    })
    .await
    .expect("newswire");
    let env = Env::new();
    let opml = env.dir.path().join("feeds.opml");
    std::fs::write(&opml, newswire.opml()).expect("write OPML");
    env.ok(&["--db", &db, "opml", "import", opml.to_str().expect("path")]);

    let interval = 0.2;
    let worker_args = |name: &str| -> Vec<String> {
        [
            "--db",
            &db,
            "worker",
            "--drain",
            "--no-images",
            "--allow-net",
            "127.0.0.0/8",
            "--politeness-interval",
            &interval.to_string(),
            "--lease",
            "3",
            "--fetchers",
            "4",
            "--name",
            name,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let mut workers: Vec<(String, Child)> = ["w1", "w2", "w3", "w4"]
        .iter()
        .map(|name| {
            let args = worker_args(name);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            (name.to_string(), spawn(&env, &args))
        })
        .collect();

    // Let work start, then kill a worker that is not the clusterer, then the clusterer.
    let stored = |n: u64| {
        let db = db.clone();
        async move {
            let store = PgStore::open(&db).await.expect("open");
            let have = store.stats().await.expect("stats").articles;
            store.close().await;
            have >= n
        }
    };
    let started = Instant::now();
    while !stored(20).await {
        assert!(started.elapsed() < Duration::from_secs(60), "work started");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let now = status(&env, &db);
    let clusterer = clusterer_pid(&now).expect("a worker clusters");
    let victim = workers
        .iter()
        .position(|(_, c)| c.id() != clusterer)
        .expect("a worker that does not cluster");
    let (name, mut child) = workers.remove(victim);
    child.kill().expect("kill -9 a worker");
    let _ = child.wait();
    eprintln!("killed worker {name} after {:?}", started.elapsed());
    while !stored(60).await {
        assert!(started.elapsed() < Duration::from_secs(90), "work went on");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let at = workers
        .iter()
        .position(|(_, c)| c.id() == clusterer)
        .expect("the clusterer is still running");
    let (name, mut child) = workers.remove(at);
    child.kill().expect("kill -9 the clusterer");
    let _ = child.wait();
    eprintln!(
        "killed the clusterer ({name}) after {:?}",
        started.elapsed()
    );

    for (name, child) in &mut workers {
        let exit = wait_for(child, Duration::from_secs(180), &format!("worker {name}"));
        assert!(exit.success(), "worker {name} ended well: {exit:?}");
    }
    let after = status(&env, &db);
    let queue = &after["queue"];
    for key in ["later", "leased", "failed", "articlesWaiting"] {
        assert_eq!(queue[key], 0, "{key} in {after}");
    }
    let new_clusterer = clusterer_pid(&after);
    assert!(
        new_clusterer.is_none(),
        "nobody clusters once all ended: {after}"
    );

    // Every article stored once, in consistent stories.
    let store = PgStore::open(&db).await.expect("open");
    let (rows, story_of) = placements(&store).await;
    assert_eq!(rows.len(), articles, "every article stored");
    assert_eq!(story_of.len(), articles, "each article once");
    let urls: BTreeSet<_> = rows
        .iter()
        .filter_map(|r| r.article.web_url.clone())
        .collect();
    assert_eq!(urls.len(), articles, "each page once");

    // The same stories as one process clustering the same articles in the same order.
    let dir = tempfile::tempdir().expect("temp dir");
    let single: Arc<dyn Store> = Arc::new(
        SqliteStore::open(&dir.path().join("one.db"))
            .await
            .expect("sqlite"),
    );
    let mut pipeline = Pipeline::open(
        single.clone(),
        Keyring::generate().expect("key"),
        PipelineConfig::default(),
    )
    .await
    .expect("pipeline");
    for row in &rows {
        let mut article = row.article.clone();
        article.images.clear();
        pipeline
            .ingest(Incoming {
                article,
                html: row.html.clone(),
                source_record: None,
                boilerplate_ratio: 0.0,
                feed_only: row.feed_only,
                prepared: None,
            })
            .await
            .expect("ingest");
    }
    drop(pipeline);
    let (_, single_story_of) = placements(single.as_ref()).await;
    assert_eq!(
        partition(&story_of),
        partition(&single_story_of),
        "the stories of the workers are those of one process"
    );

    // Politeness held across the workers. The database spaces the claims; a request starts
    // a moment after its claim, later on a busy machine, so single gaps may shrink by that
    // moment: none may fall under half the interval (two workers asking at once would), and
    // any five requests in a row span at least four intervals, less 15 %.
    for outlet in 0..newswire.outlets().len() {
        let mut starts: Vec<Instant> = newswire
            .requests(outlet)
            .into_iter()
            .filter(|r| r.path.ends_with(".html"))
            .map(|r| r.started)
            .collect();
        starts.sort();
        assert!(
            starts.len() >= 30,
            "outlet {outlet}: its pages were asked for"
        );
        for pair in starts.windows(2) {
            let gap = pair[1] - pair[0];
            assert!(
                gap >= Duration::from_secs_f64(interval * 0.5),
                "outlet {outlet}: two page requests {gap:?} apart"
            );
        }
        for five in starts.windows(5) {
            let span = five[4] - five[0];
            assert!(
                span >= Duration::from_secs_f64(4.0 * interval * 0.85),
                "outlet {outlet}: five page requests within {span:?}"
            );
        }
    }
    store.close().await;
    newswire.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editorial_action_on_one_server_shows_on_another_at_once() {
    let Some(db) = database("two_servers").await else {
        return;
    };
    // A small archive, written through one store.
    let env = Env::new();
    let corpus = common::corpus_dir();
    env.ok(&["--db", &db, "ingest", corpus.to_str().expect("path")]);
    let ports: Vec<u16> = (0..2)
        .map(|_| {
            std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map(|a| a.port())
                .expect("a free port")
        })
        .collect();
    let token = "two-servers-token-0123456789";
    let servers: Vec<(Env, Child)> = ports
        .iter()
        .map(|port| {
            let own = Env::new();
            let bind = format!("127.0.0.1:{port}");
            let child = spawn(
                &own,
                &[
                    "--db",
                    &db,
                    "serve",
                    "--bind",
                    &bind,
                    "--api-token",
                    token,
                    // Pages are reused for a minute: only the announcement can refresh them.
                    "--page-cache-ms",
                    "60000",
                ],
            );
            (own, child)
        })
        .collect();
    let client = reqwest::Client::new();
    let base = |i: usize| format!("http://127.0.0.1:{}", ports[i]);
    let started = Instant::now();
    for i in 0..2 {
        loop {
            if client
                .get(format!("{}/healthz", base(i)))
                .send()
                .await
                .is_ok()
            {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "server {i} started"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let front = |i: usize| {
        let client = client.clone();
        let url = format!("{}/api/v1/stories?limit=100", base(i));
        async move {
            let body: serde_json::Value = client
                .get(url)
                .send()
                .await
                .expect("stories")
                .json()
                .await
                .expect("JSON");
            body["items"]
                .as_array()
                .expect("a list of stories")
                .iter()
                .filter_map(|s| s["id"].as_str().map(str::to_string))
                .collect::<Vec<_>>()
        }
    };
    // Both servers render the front page (and keep it).
    let before = front(1).await;
    assert_eq!(before, front(0).await, "both servers list the same stories");
    let hidden = before.first().expect("a story").clone();
    let resp = client
        .post(format!("{}/api/v1/stories/{hidden}/unpublish", base(0)))
        .bearer_auth(token)
        .send()
        .await
        .expect("unpublish");
    assert!(resp.status().is_success(), "{}", resp.status());
    // The other server drops it at once: within a second, far inside its minute of reuse.
    let acted = Instant::now();
    loop {
        let now = front(1).await;
        if !now.contains(&hidden) {
            break;
        }
        assert!(
            acted.elapsed() < Duration::from_secs(1),
            "server 1 still lists {hidden} a second after server 0 unpublished it"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eprintln!("server 1 saw the action after {:?}", acted.elapsed());
    assert!(!front(0).await.contains(&hidden), "and so does server 0");
    for (_, mut child) in servers {
        let _ = child.kill();
        let _ = child.wait();
    }
}
