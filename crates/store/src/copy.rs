//! Copying a SQLite store into a PostgreSQL database (`storyline migrate`).
//!
//! The base tables are copied row for row with plain SQL on both pools, in dependency order
//! and in batches, every key kept as it is (`articles.seq`, `sources.id`, `users.id`, and
//! the rows that refer to them). The derived tables are not copied: the PostgreSQL triggers
//! build them as the base rows go in, and the copy then checks them against the SQLite
//! store's own. Each identity sequence is moved past the largest key the SQLite store has
//! handed out, so rows added later continue the numbering.
//!
//! **One transaction.** Everything is written in a single PostgreSQL transaction, committed
//! only once every count agrees: a failure part of the way (an error, a lost connection, a
//! killed process, or counts that disagree) leaves the target as empty as it was, and the
//! copy can simply be run again. The SQLite store is read in one read transaction too, so a
//! store that is being written meanwhile (a running `storyline run`) is copied as it stood
//! when the copy began; nothing is written to it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, PgConnection, Row, SqliteConnection};

use crate::error::{StoreError, StoreResult};
use crate::{PgStore, SqliteStore};

/// Rows per INSERT, at most.
const BATCH_ROWS: usize = 2_000;
/// Bytes of text per INSERT, at most (a batch of long articles is cut short).
const BATCH_TEXT_BYTES: usize = 16 << 20;

/// A base table: copied row for row, in this order (rows refer only to tables before them).
struct BaseTable {
    name: &'static str,
    /// The SQLite order the rows are read in: arrival order where there is one.
    order_by: &'static str,
    /// The identity column whose sequence continues after the copied keys.
    identity: Option<&'static str>,
}

const BASE_TABLES: &[BaseTable] = &[
    BaseTable {
        name: "stories",
        order_by: "rowid",
        identity: None,
    },
    BaseTable {
        name: "articles",
        order_by: "seq",
        identity: Some("seq"),
    },
    BaseTable {
        name: "story_links",
        order_by: "rowid",
        identity: None,
    },
    BaseTable {
        name: "sources",
        order_by: "id",
        identity: Some("id"),
    },
    BaseTable {
        name: "source_aliases",
        order_by: "rowid",
        identity: None,
    },
    BaseTable {
        name: "article_sources",
        order_by: "article_seq",
        identity: None,
    },
    BaseTable {
        name: "blocked_providers",
        order_by: "rowid",
        identity: None,
    },
    BaseTable {
        name: "users",
        order_by: "id",
        identity: Some("id"),
    },
    BaseTable {
        name: "article_marks",
        order_by: "user_id, article_seq",
        identity: None,
    },
    BaseTable {
        name: "article_entities",
        order_by: "article_seq, slug",
        identity: None,
    },
];

/// The tables that say whether a database already holds a store.
const HOLDS_A_STORE: &[&str] = &["articles", "stories", "sources", "users"];

/// How far a copy has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyProgress {
    /// The SQLite store was counted: `total` rows of base tables to copy.
    Counted { total: u64 },
    /// A batch of `table` went in: `table_done` of its `table_total` rows, `done` of all
    /// `total` rows.
    Copied {
        table: &'static str,
        table_done: u64,
        table_total: u64,
        done: u64,
        total: u64,
    },
    /// Every row is in; the counts are being compared.
    Verifying,
    /// The counts agree; the transaction is being committed.
    Committing,
}

/// One table's rows on both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCount {
    pub table: &'static str,
    /// A derived table: built by the PostgreSQL triggers, not copied.
    pub derived: bool,
    /// Rows in the SQLite store. For `published_days`, days with articles; for
    /// `search_changes`, the articles (a fresh change log holds one entry per article,
    /// whatever the SQLite log kept of articles since removed).
    pub source: u64,
    /// Rows in the PostgreSQL store, counted the same way.
    pub target: u64,
    /// Text values that held NUL characters, which were removed (PostgreSQL text cannot
    /// hold them).
    pub nuls_stripped: u64,
    /// Both sides agree: as many rows, and for the derived tables compared row by row, the
    /// same rows.
    pub agrees: bool,
}

/// What a copy did.
#[derive(Debug, Clone)]
pub struct CopyReport {
    /// The base tables in copy order, then the derived tables.
    pub tables: Vec<TableCount>,
    /// Where each identity sequence goes on (`articles.seq` → the next article's `seq`).
    pub next_keys: Vec<(&'static str, &'static str, i64)>,
    /// Counts that disagree, in words; empty when the copy verified.
    pub mismatches: Vec<String>,
    pub elapsed: Duration,
}

impl CopyReport {
    /// Whether every count agreed.
    pub fn verified(&self) -> bool {
        self.mismatches.is_empty()
    }

    /// Rows of base tables copied.
    pub fn rows_copied(&self) -> u64 {
        self.tables
            .iter()
            .filter(|t| !t.derived)
            .map(|t| t.target)
            .sum()
    }

    /// Text values whose NUL characters were removed.
    pub fn nuls_stripped(&self) -> u64 {
        self.tables.iter().map(|t| t.nuls_stripped).sum()
    }
}

/// Copies the SQLite store `from` into the PostgreSQL store `to`, whose database must hold
/// no storyline rows yet (no articles, stories, sources or users; [`PgStore::open`] has
/// created its schema).
///
/// All of it is one PostgreSQL transaction, committed only when every base table has as many
/// rows on both sides and the derived tables the triggers built agree with the SQLite
/// store's (`provider_counts` and `topic_counts` row by row, `published_days` day by day,
/// `article_topics` and `story_topics` by count, one `search_changes` entry per article).
/// On any failure, counts that disagree included
/// ([`StoreError::CopyUnverified`], which carries the report), nothing is kept and the
/// target stays empty. Text holding NUL characters is copied without them (counted in the
/// report). `from` is only read, in one read transaction (a consistent snapshot of a store
/// in use). Writers of the target wait for the copy; a second copy into the same target
/// waits and is then refused.
pub async fn copy_sqlite_to_postgres(
    from: &SqliteStore,
    to: &PgStore,
    progress: &mut (dyn FnMut(CopyProgress) + Send),
) -> StoreResult<CopyReport> {
    // A connection of its own on each side, as the pools would open it, without the log of
    // slow statements: reading a whole table while the rows go in, and inserting thousands
    // of rows that triggers follow, take long by design.
    let options = from.pool().connect_options();
    let mut src = SqliteConnection::connect_with(&(*options).clone().disable_statement_logging())
        .await
        .map_err(|e| step("the store", "connect to the SQLite store", e))?;
    let options = to.pool().connect_options();
    let mut dst =
        match PgConnection::connect_with(&(*options).clone().disable_statement_logging()).await {
            Ok(dst) => dst,
            Err(e) => {
                let _ = src.close().await;
                return Err(step("the store", "connect to the PostgreSQL database", e));
            }
        };
    let outcome = copy(&mut src, &mut dst, to.label(), progress).await;
    // An uncommitted transaction is rolled back as its connection closes.
    let _ = src.close().await;
    let _ = dst.close().await;
    outcome
}

async fn copy(
    src: &mut SqliteConnection,
    dst: &mut PgConnection,
    label: &str,
    progress: &mut (dyn FnMut(CopyProgress) + Send),
) -> StoreResult<CopyReport> {
    let started = Instant::now();
    let mut dst = dst
        .begin()
        .await
        .map_err(|e| step("the store", "begin a transaction", e))?;
    // Blocks writers (and another copy) until the end; readers go on.
    let mut lock = String::from("LOCK TABLE ");
    lock.push_str(
        &BASE_TABLES
            .iter()
            .map(|t| t.name)
            .collect::<Vec<_>>()
            .join(", "),
    );
    lock.push_str(" IN SHARE ROW EXCLUSIVE MODE");
    sqlx::query(AssertSqlSafe(lock))
        .execute(&mut *dst)
        .await
        .map_err(|e| step("the store", "lock the tables", e))?;
    refuse_a_store(&mut dst, label).await?;

    let mut src = src
        .begin()
        .await
        .map_err(|e| step("the store", "begin a read transaction", e))?;
    let mut plans = Vec::with_capacity(BASE_TABLES.len());
    for table in BASE_TABLES {
        let columns = columns(&mut src, &mut dst, table.name).await?;
        let rows = count_sqlite(&mut src, table.name).await?;
        plans.push((table, columns, rows));
    }
    let total: u64 = plans.iter().map(|(_, _, rows)| rows).sum();
    progress(CopyProgress::Counted { total });

    let mut tables = Vec::with_capacity(BASE_TABLES.len() + 6);
    let mut done = 0u64;
    for (table, columns, rows) in &plans {
        let nuls = copy_table(
            &mut src,
            &mut dst,
            table,
            columns,
            *rows,
            &mut |table_done| {
                progress(CopyProgress::Copied {
                    table: table.name,
                    table_done,
                    table_total: *rows,
                    done: done + table_done,
                    total,
                })
            },
        )
        .await?;
        done += rows;
        tables.push(TableCount {
            table: table.name,
            derived: false,
            source: *rows,
            target: 0,
            nuls_stripped: nuls,
            agrees: false,
        });
    }

    let next_keys = continue_sequences(&mut src, &mut dst).await?;
    keep_provider_names(&mut src, &mut dst).await?;

    progress(CopyProgress::Verifying);
    let mut mismatches = Vec::new();
    for count in &mut tables {
        count.target = count_pg(&mut dst, count.table).await?;
        count.agrees = count.target == count.source;
        if !count.agrees {
            mismatches.push(format!(
                "{}: {} rows in the SQLite store, {} in PostgreSQL",
                count.table, count.source, count.target
            ));
        }
    }
    let articles = tables
        .iter()
        .find(|t| t.table == "articles")
        .map_or(0, |t| t.source);
    verify_derived(&mut src, &mut dst, articles, &mut tables, &mut mismatches).await?;
    // The SQLite side was only read.
    let _ = src.rollback().await;

    let report = CopyReport {
        tables,
        next_keys,
        mismatches,
        elapsed: started.elapsed(),
    };
    if !report.verified() {
        let _ = dst.rollback().await;
        return Err(StoreError::CopyUnverified {
            report: Box::new(report),
        });
    }
    progress(CopyProgress::Committing);
    dst.commit()
        .await
        .map_err(|e| step("the store", "commit", e))?;
    Ok(CopyReport {
        elapsed: started.elapsed(),
        ..report
    })
}

fn step(table: &'static str, what: &str, error: sqlx::Error) -> StoreError {
    StoreError::Copy {
        table,
        reason: format!("{what}: {error}"),
    }
}

/// Refuses a target that already holds storyline rows, naming what it holds.
async fn refuse_a_store(dst: &mut PgConnection, label: &str) -> StoreResult<()> {
    let mut held = Vec::new();
    for &table in HOLDS_A_STORE {
        let rows = count_pg(dst, table).await?;
        if rows > 0 {
            held.push(format!("{rows} {}", plural(rows, table)));
        }
    }
    if held.is_empty() {
        return Ok(());
    }
    Err(StoreError::TargetNotEmpty {
        target: label.to_string(),
        holds: held.join(", "),
    })
}

fn plural(n: u64, table: &str) -> String {
    match (n, table) {
        (1, "stories") => "story".into(),
        (1, t) => t.trim_end_matches('s').into(),
        (_, t) => t.into(),
    }
}

/// A column as both stores hold it.
#[derive(Debug, Clone)]
struct Column {
    name: String,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Real,
    Text,
}

impl Kind {
    fn array_type(self) -> &'static str {
        match self {
            Kind::Int => "bigint[]",
            Kind::Real => "double precision[]",
            Kind::Text => "text[]",
        }
    }
}

/// The columns of `table` in the PostgreSQL schema (with their types), which the SQLite
/// store must hold too, no more and no fewer: a column only one side has would be lost or
/// left empty.
async fn columns(
    src: &mut SqliteConnection,
    dst: &mut PgConnection,
    table: &'static str,
) -> StoreResult<Vec<Column>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT column_name::text, data_type::text FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(&mut *dst)
    .await
    .map_err(|e| step(table, "read the PostgreSQL columns", e))?;
    let mut columns = Vec::with_capacity(rows.len());
    for (name, data_type) in rows {
        let kind = match data_type.as_str() {
            "bigint" | "integer" | "smallint" => Kind::Int,
            "double precision" | "real" => Kind::Real,
            "text" | "character varying" => Kind::Text,
            other => {
                return Err(StoreError::Copy {
                    table,
                    reason: format!(
                        "column {name} is of PostgreSQL type {other}, which the copy does not know"
                    ),
                });
            }
        };
        columns.push(Column { name, kind });
    }
    if columns.is_empty() {
        return Err(StoreError::Copy {
            table,
            reason: "the PostgreSQL database has no such table".into(),
        });
    }
    let sqlite: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?1)")
        .bind(table)
        .fetch_all(&mut *src)
        .await
        .map_err(|e| step(table, "read the SQLite columns", e))?;
    let sqlite: BTreeSet<&str> = sqlite.iter().map(String::as_str).collect();
    let postgres: BTreeSet<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    if sqlite != postgres {
        let only = |a: &BTreeSet<&str>, b: &BTreeSet<&str>| {
            a.difference(b).copied().collect::<Vec<_>>().join(", ")
        };
        return Err(StoreError::Copy {
            table,
            reason: format!(
                "the two schemas differ (only in SQLite: [{}]; only in PostgreSQL: [{}]); \
                 open both stores with the same storyline",
                only(&sqlite, &postgres),
                only(&postgres, &sqlite)
            ),
        });
    }
    Ok(columns)
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

async fn count_sqlite(src: &mut SqliteConnection, table: &'static str) -> StoreResult<u64> {
    let n: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
        .fetch_one(src)
        .await
        .map_err(|e| step(table, "count the SQLite rows", e))?;
    Ok(n.max(0) as u64)
}

async fn count_pg(dst: &mut PgConnection, table: &'static str) -> StoreResult<u64> {
    let n: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
        .fetch_one(dst)
        .await
        .map_err(|e| step(table, "count the PostgreSQL rows", e))?;
    Ok(n.max(0) as u64)
}

/// A batch of rows, column by column, as the arrays an `INSERT … SELECT * FROM UNNEST(…)`
/// binds.
enum Values {
    Int(Vec<Option<i64>>),
    Real(Vec<Option<f64>>),
    Text(Vec<Option<String>>),
}

struct Batch {
    values: Vec<Values>,
    rows: usize,
    /// Rows this batch inserted (once flushed).
    inserted: u64,
    text_bytes: usize,
    nuls_stripped: u64,
}

impl Batch {
    fn new(columns: &[Column]) -> Self {
        let values = columns
            .iter()
            .map(|c| match c.kind {
                Kind::Int => Values::Int(Vec::with_capacity(BATCH_ROWS)),
                Kind::Real => Values::Real(Vec::with_capacity(BATCH_ROWS)),
                Kind::Text => Values::Text(Vec::with_capacity(BATCH_ROWS)),
            })
            .collect();
        Self {
            values,
            rows: 0,
            inserted: 0,
            text_bytes: 0,
            nuls_stripped: 0,
        }
    }

    fn full(&self) -> bool {
        self.rows >= BATCH_ROWS || self.text_bytes >= BATCH_TEXT_BYTES
    }

    /// Adds one SQLite row (its columns in the order of `columns`).
    fn push(
        &mut self,
        table: &'static str,
        columns: &[Column],
        row: &SqliteRow,
    ) -> StoreResult<()> {
        let bad = |column: &Column, error: sqlx::Error| StoreError::Copy {
            table,
            reason: format!(
                "a row of the SQLite store holds a value column {} cannot take: {error}",
                column.name
            ),
        };
        for (i, (column, values)) in columns.iter().zip(&mut self.values).enumerate() {
            match values {
                Values::Int(v) => v.push(row.try_get(i).map_err(|e| bad(column, e))?),
                Values::Real(v) => v.push(row.try_get(i).map_err(|e| bad(column, e))?),
                Values::Text(v) => {
                    let mut text: Option<String> = row.try_get(i).map_err(|e| bad(column, e))?;
                    if let Some(text) = &mut text {
                        if text.contains('\0') {
                            text.retain(|c| c != '\0');
                            self.nuls_stripped += 1;
                        }
                        self.text_bytes += text.len();
                    }
                    v.push(text);
                }
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Inserts the rows held and empties the batch.
    async fn flush(
        &mut self,
        table: &'static str,
        insert: &Arc<str>,
        dst: &mut PgConnection,
    ) -> StoreResult<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut query = sqlx::query(AssertSqlSafe(insert.clone()));
        for values in &mut self.values {
            query = match values {
                Values::Int(v) => query.bind(std::mem::take(v)),
                Values::Real(v) => query.bind(std::mem::take(v)),
                Values::Text(v) => query.bind(std::mem::take(v)),
            };
        }
        let inserted = query
            .execute(&mut *dst)
            .await
            .map_err(|e| step(table, "insert a batch", e))?
            .rows_affected();
        if inserted != self.rows as u64 {
            return Err(StoreError::Copy {
                table,
                reason: format!("a batch of {} rows inserted {inserted}", self.rows),
            });
        }
        self.inserted += inserted;
        self.rows = 0;
        self.text_bytes = 0;
        Ok(())
    }
}

/// Copies one table's rows; returns how many text values had NULs removed.
async fn copy_table(
    src: &mut SqliteConnection,
    dst: &mut PgConnection,
    table: &BaseTable,
    columns: &[Column],
    expected: u64,
    progress: &mut (dyn FnMut(u64) + Send),
) -> StoreResult<u64> {
    let names = columns
        .iter()
        .map(|c| quoted(&c.name))
        .collect::<Vec<_>>()
        .join(", ");
    let arrays = columns
        .iter()
        .enumerate()
        .map(|(i, c)| format!("${}::{}", i + 1, c.kind.array_type()))
        .collect::<Vec<_>>()
        .join(", ");
    let select = format!(
        "SELECT {names} FROM {} ORDER BY {}",
        table.name, table.order_by
    );
    let insert: Arc<str> = format!(
        "INSERT INTO {} ({names}) SELECT * FROM UNNEST({arrays})",
        table.name
    )
    .into();
    // While one batch goes in, the next is read.
    let mut rows = sqlx::query(AssertSqlSafe(select)).fetch(&mut *src);
    let mut batch = Batch::new(columns);
    let mut more = fill(&mut rows, &mut batch, table.name, columns).await?;
    let mut copied = 0u64;
    let mut nuls = 0u64;
    while batch.rows > 0 {
        let mut full = std::mem::replace(&mut batch, Batch::new(columns));
        if more {
            let (flushed, filled) = tokio::join!(
                full.flush(table.name, &insert, dst),
                fill(&mut rows, &mut batch, table.name, columns)
            );
            flushed?;
            more = filled?;
        } else {
            full.flush(table.name, &insert, dst).await?;
        }
        copied += full.inserted;
        nuls += full.nuls_stripped;
        progress(copied);
    }
    if copied == 0 {
        progress(0);
    }
    if copied != expected {
        return Err(StoreError::Copy {
            table: table.name,
            reason: format!(
                "read {copied} rows of the {expected} counted (the read transaction should have kept them still)"
            ),
        });
    }
    Ok(nuls)
}

/// Reads rows into `batch` until it is full; false when the table has no more.
async fn fill<S>(
    rows: &mut S,
    batch: &mut Batch,
    table: &'static str,
    columns: &[Column],
) -> StoreResult<bool>
where
    S: futures_util::Stream<Item = Result<SqliteRow, sqlx::Error>> + Unpin,
{
    while !batch.full() {
        match rows
            .try_next()
            .await
            .map_err(|e| step(table, "read the SQLite rows", e))?
        {
            Some(row) => batch.push(table, columns, &row)?,
            None => return Ok(false),
        }
    }
    Ok(true)
}

/// Moves each identity sequence past the largest key the SQLite store handed out (its
/// `sqlite_sequence`, which also remembers keys of rows since removed, so a key is never
/// handed out twice); returns the next key of each.
async fn continue_sequences(
    src: &mut SqliteConnection,
    dst: &mut PgConnection,
) -> StoreResult<Vec<(&'static str, &'static str, i64)>> {
    let handed_out: HashMap<String, i64> =
        sqlx::query_as::<_, (String, i64)>("SELECT name, seq FROM sqlite_sequence")
            .fetch_all(&mut *src)
            .await
            .map_err(|e| step("the store", "read sqlite_sequence", e))?
            .into_iter()
            .collect();
    let mut next = Vec::new();
    for table in BASE_TABLES {
        let Some(column) = table.identity else {
            continue;
        };
        let largest: Option<i64> = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT max({}) FROM {}",
            quoted(column),
            table.name
        )))
        .fetch_one(&mut *dst)
        .await
        .map_err(|e| step(table.name, "read the largest key", e))?;
        let last = largest
            .unwrap_or(0)
            .max(handed_out.get(table.name).copied().unwrap_or(0));
        // setval(…, 1, false): the next value is 1.
        sqlx::query("SELECT setval(pg_get_serial_sequence($1, $2), $3, $4)")
            .bind(table.name)
            .bind(column)
            .bind(last.max(1))
            .bind(last >= 1)
            .execute(&mut *dst)
            .await
            .map_err(|e| step(table.name, "move the identity sequence", e))?;
        next.push((table.name, column, last.saturating_add(1)));
    }
    Ok(next)
}

/// The triggers name each provider after its latest article; the SQLite store may know it
/// by another of its names (the name it had before its articles were renamed, or the one
/// an older storyline chose). The SQLite store's names are kept.
async fn keep_provider_names(
    src: &mut SqliteConnection,
    dst: &mut PgConnection,
) -> StoreResult<()> {
    let names: Vec<(String, String)> = sqlx::query_as("SELECT domain, name FROM provider_counts")
        .fetch_all(&mut *src)
        .await
        .map_err(|e| step("provider_counts", "read the provider names", e))?;
    let (domains, names): (Vec<String>, Vec<String>) = names
        .into_iter()
        .map(|(d, n)| (d.replace('\0', ""), n.replace('\0', "")))
        .unzip();
    sqlx::query(
        "UPDATE provider_counts p SET name = s.name \
         FROM UNNEST($1::text[], $2::text[]) AS s(domain, name) \
         WHERE p.domain = s.domain AND p.name IS DISTINCT FROM s.name",
    )
    .bind(domains)
    .bind(names)
    .execute(&mut *dst)
    .await
    .map_err(|e| step("provider_counts", "keep the provider names", e))?;
    Ok(())
}

/// Compares the derived tables the triggers built with the SQLite store's.
async fn verify_derived(
    src: &mut SqliteConnection,
    dst: &mut PgConnection,
    articles: u64,
    tables: &mut Vec<TableCount>,
    mismatches: &mut Vec<String>,
) -> StoreResult<()> {
    // Row by row: one row per provider, per topic and per day.
    let keyed: [(&'static str, &str, &str); 3] = [
        (
            "provider_counts",
            "SELECT domain, articles, 0 FROM provider_counts",
            "SELECT domain, articles, 0::bigint FROM provider_counts",
        ),
        (
            "topic_counts",
            "SELECT CAST(topic AS TEXT), stories, published FROM topic_counts",
            "SELECT topic, stories, published FROM topic_counts",
        ),
        (
            "published_days",
            "SELECT CAST(day AS TEXT), articles, 0 FROM published_days WHERE articles > 0",
            "SELECT day::text, articles, 0::bigint FROM published_days WHERE articles > 0",
        ),
    ];
    for (table, sqlite_sql, pg_sql) in keyed {
        let source: BTreeMap<String, (i64, i64)> = sqlx::query(sqlite_sql)
            .fetch_all(&mut *src)
            .await
            .map_err(|e| step(table, "read the SQLite rows", e))?
            .iter()
            .map(keyed_sqlite)
            .collect::<Result<_, _>>()
            .map_err(|e| step(table, "read the SQLite rows", e))?;
        let target: BTreeMap<String, (i64, i64)> = sqlx::query(pg_sql)
            .fetch_all(&mut *dst)
            .await
            .map_err(|e| step(table, "read the PostgreSQL rows", e))?
            .iter()
            .map(keyed_pg)
            .collect::<Result<_, _>>()
            .map_err(|e| step(table, "read the PostgreSQL rows", e))?;
        let differing: Vec<&String> = source
            .keys()
            .chain(target.keys())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .filter(|k| source.get(*k) != target.get(*k))
            .collect();
        if !differing.is_empty() {
            let shown: Vec<String> = differing
                .iter()
                .take(5)
                .map(|k| {
                    format!(
                        "{k:?}: {} in SQLite, {} in PostgreSQL",
                        show(table, source.get(*k)),
                        show(table, target.get(*k))
                    )
                })
                .collect();
            mismatches.push(format!(
                "{table}: {} ({}{})",
                match differing.len() {
                    1 => "1 row differs".to_string(),
                    n => format!("{n} rows differ"),
                },
                shown.join("; "),
                if differing.len() > 5 { "; …" } else { "" }
            ));
        }
        tables.push(TableCount {
            table,
            derived: true,
            source: source.len() as u64,
            target: target.len() as u64,
            nuls_stripped: 0,
            agrees: differing.is_empty(),
        });
    }
    // By count: one row per topic of each article or live story.
    for table in ["article_topics", "story_topics"] {
        let source = count_sqlite(src, table).await?;
        let target = count_pg(dst, table).await?;
        if source != target {
            mismatches.push(format!(
                "{table}: {source} rows in the SQLite store, {target} built in PostgreSQL"
            ));
        }
        tables.push(TableCount {
            table,
            derived: true,
            source,
            target,
            nuls_stripped: 0,
            agrees: source == target,
        });
    }
    // One change-log entry per copied article.
    let logged: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM search_changes c JOIN articles a ON a.seq = c.seq",
    )
    .fetch_one(&mut *dst)
    .await
    .map_err(|e| step("search_changes", "count the PostgreSQL rows", e))?;
    let logged = logged.max(0) as u64;
    if logged != articles {
        mismatches.push(format!(
            "search_changes: {logged} entries for {articles} articles"
        ));
    }
    tables.push(TableCount {
        table: "search_changes",
        derived: true,
        source: articles,
        target: logged,
        nuls_stripped: 0,
        agrees: logged == articles,
    });
    Ok(())
}

/// A derived row's counts as a message shows them: `stories/published` for a topic.
fn show(table: &str, value: Option<&(i64, i64)>) -> String {
    match value {
        Some((a, b)) if table == "topic_counts" => format!("{a}/{b}"),
        Some((a, _)) => a.to_string(),
        None => "none".into(),
    }
}

/// A SQLite key is compared as it was copied, without NULs.
fn keyed_sqlite(row: &SqliteRow) -> Result<(String, (i64, i64)), sqlx::Error> {
    let key: String = row.try_get(0)?;
    Ok((key.replace('\0', ""), (row.try_get(1)?, row.try_get(2)?)))
}

fn keyed_pg(row: &PgRow) -> Result<(String, (i64, i64)), sqlx::Error> {
    Ok((row.try_get(0)?, (row.try_get(1)?, row.try_get(2)?)))
}
