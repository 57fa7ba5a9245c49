//! `storyline migrate` through the real binary: the bundled corpus ingested into a SQLite
//! store is copied into a new PostgreSQL database, with a table of the rows on both sides and
//! a success status; the same target again, a URL of another database, a missing store and a
//! file path as the target are refused with a message and a failing status, and a copy whose
//! counts disagree fails and leaves its target empty.

mod common;

use common::Env;
use storyline_store::{PgStore, SqliteStore, Store, testing};

/// A new empty database on the test server, or `None` (skipped outside CI, failing under it).
async fn fresh_target() -> Option<String> {
    let Some(server) = testing::postgres_server() else {
        common::required::absent(
            "a PostgreSQL server for the migrate command",
            &format!(
                "${} (a URL; .ci/postgres.sh starts one)",
                testing::POSTGRES_VAR
            ),
        );
        return None;
    };
    Some(
        testing::fresh_database(&server, "cli_migrate")
            .await
            .expect("a test database"),
    )
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn a_store_is_copied_into_postgres_and_a_second_copy_is_refused() {
    let Some(url) = fresh_target().await else {
        return;
    };
    let env = Env::new();
    env.ok(&["--quiet", "ingest", common::corpus_dir().to_str().unwrap()]);
    let db = env.data().join("storyline.db");
    let db = db.to_str().unwrap();
    let stats = {
        let store = SqliteStore::open(std::path::Path::new(db)).await.unwrap();
        let stats = store.stats().await.unwrap();
        store.close().await;
        stats
    };
    assert!(stats.articles > 20, "{stats:?}");

    let out = env.run(&["migrate", "--from", db, "--to", &url]);
    let stdout = text(&out.stdout);
    assert!(
        out.status.success(),
        "stdout: {stdout}\nstderr: {}",
        text(&out.stderr)
    );
    let row = |table: &str| -> Vec<String> {
        stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(table))
            .unwrap_or_else(|| panic!("no {table} line in {stdout}"))
            .split_whitespace()
            .map(String::from)
            .collect()
    };
    let articles = stats.articles.to_string();
    let stories = stats.stories.to_string();
    assert_eq!(row("articles"), ["articles", &articles, &articles]);
    assert_eq!(row("stories"), ["stories", &stories, &stories]);
    for table in [
        "story_links",
        "sources",
        "source_aliases",
        "article_sources",
        "blocked_providers",
        "users",
        "article_marks",
        "article_entities",
        "provider_counts",
        "topic_counts",
        "published_days",
        "article_topics",
        "story_topics",
        "search_changes",
    ] {
        let cells = row(table);
        assert_eq!(cells.len(), 3, "{table}: {cells:?}");
        assert_eq!(cells[1], cells[2], "{table}: {cells:?}");
    }
    assert!(stdout.contains("every count agrees"), "{stdout}");
    assert!(!stdout.contains("differs"), "{stdout}");

    // The PostgreSQL store holds what the SQLite store held.
    let target = PgStore::open(&url).await.unwrap();
    let copied = target.stats().await.unwrap();
    assert_eq!(
        (copied.articles, copied.stories, copied.sources),
        (stats.articles, stats.stories, stats.sources)
    );
    target.close().await;

    // Once is enough: the same target again is refused and left as it was.
    let again = env.run(&["migrate", "--from", db, "--to", &url]);
    assert!(!again.status.success());
    let err = text(&again.stderr);
    assert!(err.contains("already holds a storyline store"), "{err}");
    assert!(err.contains(&format!("{articles} articles")), "{err}");

    // A copy whose counts disagree (a derived count the articles do not bear out) fails,
    // shows where, and keeps nothing.
    {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{db}"))
            .await
            .unwrap();
        sqlx::query("UPDATE provider_counts SET articles = articles + 1 WHERE domain = (SELECT min(domain) FROM provider_counts)")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }
    let Some(other) = fresh_target().await else {
        return;
    };
    let failed = env.run(&["migrate", "--from", db, "--to", &other]);
    assert!(!failed.status.success());
    let stdout = text(&failed.stdout);
    let err = text(&failed.stderr);
    assert!(err.contains("did not verify"), "{err}");
    assert!(err.contains("provider_counts"), "{err}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("provider_counts") && l.ends_with("differs")),
        "{stdout}"
    );
    let target = PgStore::open(&other).await.unwrap();
    assert_eq!(target.stats().await.unwrap().articles, 0);
    target.close().await;
}

#[test]
fn wrong_places_are_refused() {
    let env = Env::new();
    let store = env.dir.path().join("store.db");
    std::fs::write(&store, b"").unwrap();
    let store = store.to_str().unwrap();
    let missing = env.dir.path().join("missing.db");
    let missing = missing.to_str().unwrap();
    for (args, says) in [
        (
            vec![
                "migrate",
                "--from",
                store,
                "--to",
                "mysql://root:secret@x/news",
            ],
            "mysql://",
        ),
        (
            vec![
                "migrate",
                "--from",
                missing,
                "--to",
                "postgres://u@127.0.0.1:1/x",
            ],
            "no SQLite store",
        ),
        (
            vec!["migrate", "--from", store, "--to", store],
            "is a file path",
        ),
        (
            vec![
                "migrate",
                "--from",
                "postgres://u@h/db",
                "--to",
                "postgres://u@h/db",
            ],
            "--from names the SQLite store",
        ),
    ] {
        let out = env.run(&args);
        assert!(!out.status.success(), "{args:?} succeeded");
        let err = text(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!err.contains("secret"), "{args:?}: {err}");
    }
    assert!(!std::path::Path::new(missing).exists(), "no store was made");
}
