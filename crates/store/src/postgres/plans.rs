//! PostgreSQL's plans for the hot reads, on a database with some tens of thousands of rows:
//! each walks an index (or looks rows up by one) and none reads a whole table of articles or
//! stories, as a prepared statement plans it for its values (custom plan) and for any values
//! (the generic plan PostgreSQL may switch to after a few runs).

#[path = "../../../../test-support/required.rs"]
mod required;

use chrono::{TimeZone, Utc};
use sqlx::pool::PoolConnection;
use sqlx::{AssertSqlSafe, Postgres};

use super::PgStore;
use crate::testing;
use crate::types::{ArticleQuery, StoryQuery};

/// A value written into `EXECUTE`.
#[derive(Clone, Debug)]
enum Lit {
    Text(String),
    Int(i64),
    Ints(Vec<i64>),
}

impl Lit {
    fn sql(&self) -> String {
        match self {
            Lit::Text(text) => format!("'{}'", text.replace('\'', "''")),
            Lit::Int(value) => value.to_string(),
            Lit::Ints(values) => format!(
                "'{{{}}}'::bigint[]",
                values
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        }
    }
}

impl From<super::listing::Bind<'_>> for Lit {
    fn from(bind: super::listing::Bind<'_>) -> Self {
        match bind {
            super::listing::Bind::Text(text) => Lit::Text(text.into_owned()),
            super::listing::Bind::Int(value) => Lit::Int(value),
        }
    }
}

/// 6,000 stories and 30,000 articles: a third of them from one provider, the rest spread
/// over 40; topics common and rare; one provider blocked; published a minute apart.
const FILL: &str = "
INSERT INTO stories (id, title, lead_article_id, heat, article_count, provider_count,
    first_published, last_published, topics, published, pinned, updated_at)
SELECT 'story-' || i, 'Story ' || i, 'a' || (i * 5), i % 100, 5, 3,
       1700000000 + i * 300, 1700000000 + i * 300 + 3600,
       CASE WHEN i % 5 = 0 THEN '[\"Ports\",\"Trade\"]' WHEN i % 500 = 1 THEN '[\"Rare\"]'
            ELSE '[\"Trade\"]' END,
       CASE WHEN i % 13 = 0 THEN 0 ELSE 1 END, 0, 1700000000
FROM generate_series(0, 5999) i;
INSERT INTO articles (id, story_id, category, title, excerpt, body, published_at, ingested_at,
    web_url, kind, quality, published, provider_name, provider_domain, topics, content_hash)
SELECT 'a' || i, 'story-' || (i / 5), 'news', 'Title ' || i, 'Excerpt', repeat('body ', 40),
       1700000000 + i * 60, 1700000000 + i * 60 + 30,
       'https://p' || (i % 40) || '.example/a' || i, 'article', 50,
       CASE WHEN i % 17 = 0 THEN 0 ELSE 1 END, 'P',
       CASE WHEN i % 3 = 0 THEN 'big.example' ELSE 'p' || (i % 40) || '.example' END,
       CASE WHEN i % 4 = 0 THEN '[\"Ports\",\"Trade\"]' WHEN i % 4 = 1 THEN '[\"Ports\"]'
            WHEN i % 1000 = 2 THEN '[\"Rare\"]' ELSE '[]' END,
       'hash-' || i
FROM generate_series(0, 29999) i;
INSERT INTO blocked_providers VALUES ('p3.example', 1700000000);
ANALYZE;
";

/// A filled store, or `None` (skipped; failing under CI) when no server is configured.
async fn filled() -> Option<PgStore> {
    let Some(server) = testing::postgres_server() else {
        required::absent(
            "a PostgreSQL server for the plan checks",
            &format!("${} (a URL)", testing::POSTGRES_VAR),
        );
        return None;
    };
    let url = testing::fresh_database(&server, "store_plans")
        .await
        .expect("a test database");
    let store = PgStore::open(&url).await.expect("the store opens");
    sqlx::raw_sql(FILL)
        .execute(store.pool())
        .await
        .expect("the rows are written");
    Some(store)
}

/// The plans of `sql` for `binds`, custom and generic, each as its lines.
async fn plans(conn: &mut PoolConnection<Postgres>, sql: &str, binds: &[Lit]) -> [String; 2] {
    sqlx::raw_sql(AssertSqlSafe(format!("PREPARE checked AS {sql}")))
        .execute(&mut **conn)
        .await
        .unwrap_or_else(|e| panic!("{e}: {sql}"));
    let args = binds.iter().map(Lit::sql).collect::<Vec<_>>().join(", ");
    let execute = if binds.is_empty() {
        "EXECUTE checked".to_string()
    } else {
        format!("EXECUTE checked({args})")
    };
    let mut out = [String::new(), String::new()];
    for (i, mode) in ["force_custom_plan", "force_generic_plan"]
        .iter()
        .enumerate()
    {
        sqlx::raw_sql(AssertSqlSafe(format!("SET plan_cache_mode = {mode}")))
            .execute(&mut **conn)
            .await
            .expect("set the plan mode");
        let lines: Vec<String> =
            sqlx::query_scalar(AssertSqlSafe(format!("EXPLAIN (COSTS OFF) {execute}")))
                .fetch_all(&mut **conn)
                .await
                .unwrap_or_else(|e| panic!("{e}: {sql}"));
        out[i] = lines.join("\n");
    }
    sqlx::raw_sql("DEALLOCATE checked; RESET plan_cache_mode")
        .execute(&mut **conn)
        .await
        .expect("deallocate");
    out
}

/// How a statement is checked.
#[derive(Clone, Copy, PartialEq)]
enum Plans {
    /// As planned for its values and for any values: its rows are a key range, a list of keys
    /// or a filter whose every value is walked the same way.
    Both,
    /// As planned for its values only: a filter chosen because it is small (a rare topic, a
    /// small provider), which a plan for any values takes for an average one. PostgreSQL keeps
    /// a plan for any values only when it costs no more than those for the values seen, which
    /// a plan reading the whole table never does here.
    Custom,
}

/// Checks the plans of `sql`: no table of articles or stories read whole, and `index` used.
/// Returns what is wrong, if anything.
async fn check(
    conn: &mut PoolConnection<Postgres>,
    what: &str,
    sql: &str,
    binds: &[Lit],
    index: &str,
    which: Plans,
) -> Vec<String> {
    let mut wrong = Vec::new();
    let [custom, generic] = plans(conn, sql, binds).await;
    let mut checked = vec![("custom", custom)];
    if which == Plans::Both {
        checked.push(("generic", generic));
    }
    for (mode, plan) in checked {
        for whole in [
            "Seq Scan on articles",
            "Seq Scan on stories",
            "Seq Scan on article_topics",
            "Seq Scan on story_topics",
            "Seq Scan on search_changes",
            "hashed SubPlan",
        ] {
            if plan.contains(whole) {
                wrong.push(format!("{what} ({mode} plan): {whole}\n{plan}\n{sql}"));
            }
        }
        if !(plan.contains(&format!("using {index}")) || plan.contains(&format!("on {index}"))) {
            wrong.push(format!(
                "{what} ({mode} plan): not along {index}\n{plan}\n{sql}"
            ));
        }
    }
    wrong
}

#[tokio::test]
async fn hot_reads_follow_indexes_for_any_values() {
    let Some(store) = filled().await else {
        return;
    };
    let mut conn = store.pool().acquire().await.expect("a connection");
    let conn = &mut conn;
    let mut wrong = Vec::new();

    // Lookups and walks in arrival order.
    let columns = super::articles::COLUMNS;
    wrong.extend(
        check(
            conn,
            "article by id",
            &format!("SELECT {columns} FROM articles a WHERE a.id = $1"),
            &[Lit::Text("a77".into())],
            "articles_id_key",
            Plans::Both,
        )
        .await,
    );
    wrong.extend(
        check(
            conn,
            "articles after",
            &format!("SELECT {columns} FROM articles a WHERE a.seq > $1 ORDER BY a.seq LIMIT $2"),
            &[Lit::Int(100), Lit::Int(1000)],
            "articles_pkey",
            Plans::Both,
        )
        .await,
    );
    wrong.extend(
        check(
            conn,
            "first arrival since",
            "SELECT min(seq) FROM (SELECT seq FROM articles WHERE ingested_at >= $1 OFFSET 0) r",
            &[Lit::Int(1_701_700_000)],
            "articles_ingested_at",
            Plans::Both,
        )
        .await,
    );

    // What a search index reads.
    use super::index_feed;
    wrong.extend(
        check(
            conn,
            "search changes",
            "SELECT change, seq FROM search_changes WHERE change > $1 ORDER BY change LIMIT $2",
            &[Lit::Int(29_000), Lit::Int(1000)],
            "search_changes_change_key",
            Plans::Both,
        )
        .await,
    );
    wrong.extend(
        check(
            conn,
            "index docs",
            &index_feed::docs_sql(),
            &[Lit::Ints(vec![5, 900, 12_000, 29_999])],
            "articles_pkey",
            Plans::Both,
        )
        .await,
    );
    wrong.extend(
        check(
            conn,
            "page end",
            index_feed::PAGE_END_SQL,
            &[Lit::Int(1000), Lit::Int(2000)],
            "articles_pkey",
            Plans::Both,
        )
        .await,
    );
    wrong.extend(
        check(
            conn,
            "index docs after",
            &index_feed::docs_after_sql(),
            &[Lit::Int(1000), Lit::Int(3000)],
            "articles_pkey",
            Plans::Both,
        )
        .await,
    );
    wrong.extend(
        check(
            conn,
            "hit rows",
            &index_feed::hit_rows_sql(),
            &[Lit::Int(200), Lit::Ints(vec![29_000, 5, 17_000])],
            "articles_pkey",
            Plans::Both,
        )
        .await,
    );

    // The article listing, each way it walks.
    use super::listing::{Driver, statement};
    let at = |minutes: i64| Utc.timestamp_opt(1_700_000_000 + minutes * 60, 0).single();
    let span = super::days::DateSpan {
        seqs: (2_000, 9_000),
        articles: 7_000,
        days: (19_676, 19_680),
    };
    let query = |topic: Option<&str>, provider: Option<&str>, dated: bool| ArticleQuery {
        topic: topic.map(String::from),
        provider: provider.map(String::from),
        from: if dated { at(2_000) } else { None },
        to: if dated { at(9_000) } else { None },
        visible_only: true,
        limit: 20,
        offset: 40,
    };
    let listings = [
        (query(None, None, false), Driver::Arrival, "articles_pkey"),
        (query(None, None, true), Driver::Arrival, "articles_pkey"),
        (
            query(Some("Ports"), None, false),
            Driver::Topic,
            "article_topics_pkey",
        ),
        (
            query(Some("Ports"), None, true),
            Driver::Topic,
            "article_topics_pkey",
        ),
        (
            query(Some("Rare"), None, false),
            Driver::Topic,
            "article_topics_pkey",
        ),
        (
            query(None, Some("big.example"), false),
            Driver::Provider,
            "articles_provider_seq",
        ),
        (
            query(None, Some("big.example"), true),
            Driver::Provider,
            "articles_provider",
        ),
        (
            query(None, Some("p7.example"), false),
            Driver::Provider,
            "articles_provider_seq",
        ),
        (
            query(Some("Rare"), Some("big.example"), false),
            Driver::Topic,
            "article_topics_pkey",
        ),
        (
            query(Some("Ports"), Some("p7.example"), true),
            Driver::Provider,
            "articles_provider",
        ),
    ];
    for (q, driver, index) in listings {
        let (sql, binds) = statement(&q, q.from.is_some().then_some(&span), driver);
        let binds: Vec<Lit> = binds.into_iter().map(Lit::from).collect();
        wrong.extend(
            check(
                conn,
                &format!("listing {driver:?} {q:?}"),
                &sql,
                &binds,
                index,
                Plans::Both,
            )
            .await,
        );
    }
    // A thin date range is read by its dates.
    let thin = ArticleQuery {
        from: at(2_000),
        to: at(2_100),
        ..query(None, None, false)
    };
    let (sql, binds) = statement(&thin, Some(&span), Driver::Published);
    let binds: Vec<Lit> = binds.into_iter().map(Lit::from).collect();
    wrong.extend(
        check(
            conn,
            "listing by date",
            &sql,
            &binds,
            "articles_published_at",
            Plans::Both,
        )
        .await,
    );

    // Story lists: the front page along its index, small filters from their own rows,
    // common ones checked per story along the front page's order.
    use super::stories::{Driver as StoryDriver, statement as story_statement};
    let stories = |published_only: bool| StoryQuery {
        limit: 30,
        offset: 60,
        published_only,
        ..StoryQuery::default()
    };
    let cases = [
        (StoryDriver::Heat, None, None, "stories_front"),
        (StoryDriver::Heat, Some("Trade"), None, "stories_front"),
        (
            StoryDriver::Heat,
            None,
            Some("big.example"),
            "stories_front",
        ),
        (StoryDriver::Topic, Some("Rare"), None, "story_topics_pkey"),
        (
            StoryDriver::Provider,
            None,
            Some("p7.example"),
            "stories_pkey",
        ),
    ];
    for (driver, topic, provider, index) in cases {
        let q = stories(true);
        let (sql, binds) = story_statement(&q, &driver, topic, provider);
        let binds: Vec<Lit> = binds.into_iter().map(|b| Lit::Text(b.into())).collect();
        let which = match driver {
            StoryDriver::Heat => Plans::Both,
            StoryDriver::Topic | StoryDriver::Provider => Plans::Custom,
        };
        wrong.extend(
            check(
                conn,
                &format!("stories {driver:?} {topic:?} {provider:?}"),
                &sql,
                &binds,
                index,
                which,
            )
            .await,
        );
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}
