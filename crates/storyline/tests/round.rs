//! Fetch rounds and file ingest through the binary: a kill -9 in the middle of a round, and
//! the same stories from one reading thread or several.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader};
use std::process::Stdio;

use common::{Env, corpus_dir};
use storyline_newswire::{Newswire, NewswireConfig, TextSource};

/// Article id → story id over every stored article, and the number of stories.
fn placements(env: &Env) -> (HashMap<String, String>, usize) {
    let stories = common::stories_json(env);
    let count = stories.as_array().map_or(0, Vec::len);
    (common::story_of_article(&stories), count)
}

/// A local newswire, and a data folder that follows its feeds.
async fn following(config: NewswireConfig) -> (Newswire, Env) {
    let newswire = Newswire::start(config).await.expect("newswire");
    let env = Env::new();
    let opml = env.dir.path().join("feeds.opml");
    std::fs::write(&opml, newswire.opml()).expect("write OPML");
    env.ok(&["opml", "import", opml.to_str().expect("path")]);
    (newswire, env)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_mid_round_loses_nothing_committed_and_the_next_round_duplicates_nothing() {
    // The newswire serves until the end of the test.
    let (_newswire, env) = following(NewswireConfig {
        outlets: 3,
        articles: 90,
        text: TextSource::Synthetic,
        ..NewswireConfig::default()
    })
    .await;
    let args = [
        "fetch",
        "--once",
        "--no-images",
        "--allow-net",
        "127.0.0.0/8",
        "--politeness-interval",
        "0.05",
    ];

    let seen_before_kill = tokio::task::block_in_place(|| {
        let mut child = env
            .command(&[])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start storyline");
        let stdout = child.stdout.take().expect("stdout");
        let mut ingested = 0;
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("line");
            if line.starts_with("ingested") {
                ingested += 1;
                if ingested == 20 {
                    break;
                }
            }
        }
        child.kill().expect("kill -9");
        let status = child.wait().expect("wait");
        assert!(!status.success(), "killed before the end");
        ingested
    });
    let (after_kill, _) = placements(&env);
    assert!(
        after_kill.len() >= seen_before_kill,
        "every article reported before the kill is stored: {} < {seen_before_kill}",
        after_kill.len()
    );
    assert!(after_kill.len() < 90, "the kill came mid-round");

    tokio::task::block_in_place(|| env.ok(&args));
    let (placed, _) = placements(&env);
    assert_eq!(
        placed.len(),
        90,
        "every article stored once after the next round"
    );
    for (article, story) in &after_kill {
        // Committed articles stay, in a live story (a merge may have moved them).
        assert!(placed.contains_key(article), "{article} lost");
        assert!(!story.is_empty());
    }
    let stats = env.ok(&["stories", "--json", "--limit", "1000"]);
    let stories: serde_json::Value = serde_json::from_str(&stats).expect("JSON");
    let listed: usize = stories
        .as_array()
        .expect("stories")
        .iter()
        .map(|s| s["coverage"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(listed, 90, "each article in exactly one live story");
}

#[test]
fn files_make_the_same_stories_on_one_thread_or_two() {
    let corpus = corpus_dir();
    let corpus = corpus.to_str().expect("path");
    let mut results = Vec::new();
    for threads in ["1", "2"] {
        let env = Env::new();
        env.ok(&["ingest", "--threads", threads, corpus]);
        let (placed, _) = placements(&env);
        // Stories as sets of articles, keyed by story id.
        let mut stories: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (article, story) in placed {
            stories.entry(story).or_default().insert(article);
        }
        results.push(stories);
    }
    assert!(results[0].len() > 10, "the corpus makes stories");
    assert_eq!(results[0], results[1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_writer_is_refused_while_a_round_runs_and_reading_goes_on() {
    // The newswire serves until the end of the test.
    let (_newswire, env) = following(NewswireConfig {
        outlets: 1,
        articles: 40,
        text: TextSource::Synthetic,
        ..NewswireConfig::default()
    })
    .await;
    tokio::task::block_in_place(|| {
        // Forty pages at the default 500 ms per host: a round of about twenty seconds.
        let mut round = env
            .command(&[])
            .args([
                "fetch",
                "--once",
                "--no-images",
                "--allow-net",
                "127.0.0.0/8",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the round");
        let stdout = round.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        // Wait for the first committed article: the round holds the writer lock.
        for line in lines.by_ref() {
            if line.expect("line").starts_with("ingested") {
                break;
            }
        }
        let second = env.run(&["ingest", corpus_dir().to_str().expect("path")]);
        let stderr = String::from_utf8_lossy(&second.stderr);
        assert!(!second.status.success(), "a second writer is refused");
        assert!(
            stderr.contains("another storyline process is writing to this store"),
            "{stderr}"
        );
        // Reading goes on while the round writes.
        env.ok(&["stories", "--json"]);
        round.kill().expect("stop the round");
        let _ = round.wait();
    });
    // The lock went with the killed process.
    env.ok(&["ingest", corpus_dir().join("text").to_str().expect("path")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetched_articles_belong_to_their_sources_in_a_readers_streams() {
    // The newswire serves until the end of the test.
    let (_newswire, env) = following(NewswireConfig {
        outlets: 2,
        articles: 8,
        text: TextSource::Synthetic,
        ..NewswireConfig::default()
    })
    .await;
    tokio::task::block_in_place(|| {
        env.ok(&[
            "fetch",
            "--once",
            "--no-images",
            "--allow-net",
            "127.0.0.0/8",
            "--politeness-interval",
            "0.05",
        ]);
    });
    let store = storyline_store::SqliteStore::open(&env.data().join("storyline.db"))
        .await
        .expect("store");
    use storyline_store::Store;
    let sources = store.sources().await.expect("sources");
    assert_eq!(sources.len(), 2);
    assert!(
        store
            .add_user("ana", storyline_store::Role::Reader, "unused-hash")
            .await
            .expect("add user")
    );
    let ana = store.user("ana").await.expect("user").expect("ana").id;
    let stored = store.stats().await.expect("stats").articles;
    assert!(stored > 0, "the round stored nothing");
    // Every fetched article is in the reading list, each one under the source it came from.
    let all = store
        .reader_items(
            ana,
            &storyline_store::ItemQuery::new(storyline_store::Stream::All, 1000),
        )
        .await
        .expect("reading list");
    assert_eq!(all.len() as u64, stored);
    for source in &sources {
        let of_source = store
            .reader_items(
                ana,
                &storyline_store::ItemQuery::new(storyline_store::Stream::Source(source.id), 1000),
            )
            .await
            .expect("a source's stream");
        assert!(!of_source.is_empty(), "{} has no articles", source.url);
        assert!(of_source.iter().all(|i| i.source_id == Some(source.id)));
    }
    let unread: u64 = store
        .unread_counts(ana)
        .await
        .expect("unread counts")
        .iter()
        .map(|c| c.unread)
        .sum();
    assert_eq!(unread, stored);
    store.close().await;
}
