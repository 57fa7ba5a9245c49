//! Accounts and each account's marks on articles (read, starred), and the reading streams
//! the Google Reader and Fever APIs serve (migration 0011).
//!
//! No row in `article_marks` means unread and not starred. A read mark always reaches the
//! article's syndicated copies and, for a copy, its original and the original's other copies
//! ([`mark`] expands every change through `copies_of`), so one report read anywhere is read
//! everywhere, and unread the same way.

use chrono::{DateTime, Utc};
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::{Arguments, AssertSqlSafe, Encode, PgConnection, PgPool, Postgres, Row, Type};

use super::articles::{COLUMNS, LISTING_COLUMNS, from_row};
use super::listing::VISIBLE;
use super::{from_ts, text, texts, to_ts};
use crate::error::{QueryContext, StoreError, StoreResult};
use crate::types::{ItemQuery, ReadScope, ReaderItem, Role, Stream, UnreadCount, UserRow};

/// Most article ids one statement takes at once (each call binds them as one array).
const MARK_CHUNK: usize = 500;

/// "Not read by user `$1`", for a `WHERE` over articles `a`. Written as an anti-join rather
/// than `COALESCE(m.read, 0) = 0` over the outer-joined mark: PostgreSQL cannot estimate the
/// latter (it guesses almost no row passes), and then plans a stream page as a sort of every
/// mark of the user and an unread count as a sequential scan of the articles.
const UNREAD_BY_1: &str = "NOT EXISTS (SELECT 1 FROM article_marks r \
    WHERE r.user_id = $1 AND r.article_seq = a.seq AND r.read <> 0)";

const USER_COLUMNS: &str =
    "id, name, role, password_hash, app_password_hash, api_token, fever_key, created_at";

fn user_from_row(row: &PgRow) -> StoreResult<UserRow> {
    let get_err = |e: sqlx::Error| StoreError::Query {
        context: "decode user row",
        source: e,
    };
    let role: String = row.try_get("role").map_err(get_err)?;
    let created_at: i64 = row.try_get("created_at").map_err(get_err)?;
    Ok(UserRow {
        id: row.try_get("id").map_err(get_err)?,
        name: row.try_get("name").map_err(get_err)?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt {
            context: "user role",
            message: format!("unknown role {role:?}"),
        })?,
        password_hash: row.try_get("password_hash").map_err(get_err)?,
        app_password_hash: row.try_get("app_password_hash").map_err(get_err)?,
        api_token: row.try_get("api_token").map_err(get_err)?,
        fever_key: row.try_get("fever_key").map_err(get_err)?,
        created_at: from_ts(created_at),
    })
}

/// Adds an account; false when the name is taken.
pub(crate) async fn add_user(
    pool: &PgPool,
    name: &str,
    role: Role,
    password_hash: &str,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO users (name, role, password_hash, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(text(name))
    .bind(role.as_str())
    .bind(text(password_hash))
    .bind(to_ts(Utc::now()))
    .execute(pool)
    .await
    .ctx("add user")?;
    Ok(done.rows_affected() > 0)
}

/// Removes an account and its marks; false when there is none of that name.
pub(crate) async fn remove_user(pool: &PgPool, name: &str) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM users WHERE name = $1")
        .bind(text(name))
        .execute(pool)
        .await
        .ctx("remove user")?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn users(pool: &PgPool) -> StoreResult<Vec<UserRow>> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS} FROM users ORDER BY name"
    )))
    .fetch_all(pool)
    .await
    .ctx("list users")?;
    rows.iter().map(user_from_row).collect()
}

/// The account with `column` = `value` (`name` or `fever_key`).
pub(crate) async fn user_by(
    pool: &PgPool,
    column: UserKey,
    value: &str,
) -> StoreResult<Option<UserRow>> {
    let column = match column {
        UserKey::Name => "name",
        UserKey::FeverKey => "fever_key",
    };
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS} FROM users WHERE {column} = $1"
    )))
    .bind(text(value))
    .fetch_optional(pool)
    .await
    .ctx("find user")?;
    row.as_ref().map(user_from_row).transpose()
}

/// How an account is looked up.
#[derive(Debug, Clone, Copy)]
pub(crate) enum UserKey {
    Name,
    FeverKey,
}

/// Sets an account's login password; false when there is no such account.
pub(crate) async fn set_password(pool: &PgPool, name: &str, hash: &str) -> StoreResult<bool> {
    let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE name = $2")
        .bind(text(hash))
        .bind(text(name))
        .execute(pool)
        .await
        .ctx("set user password")?;
    Ok(done.rows_affected() > 0)
}

/// Replaces an account's app password with its API token and Fever key; false when there is
/// no such account.
pub(crate) async fn set_app_password(
    pool: &PgPool,
    name: &str,
    hash: &str,
    api_token: &str,
    fever_key: &str,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE users SET app_password_hash = $1, api_token = $2, fever_key = $3 WHERE name = $4",
    )
    .bind(text(hash))
    .bind(text(api_token))
    .bind(text(fever_key))
    .bind(text(name))
    .execute(pool)
    .await
    .ctx("set app password")?;
    Ok(done.rows_affected() > 0)
}

/// Links a newly stored article to the source its feed is (by address or a former one).
pub(crate) async fn link_source(
    conn: &mut PgConnection,
    seq: i64,
    feed_url: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO article_sources (article_seq, source_id) \
         SELECT $1, f.id FROM (SELECT id FROM sources WHERE url = $2 \
                               UNION ALL SELECT source_id FROM source_aliases WHERE url = $2) f \
         LIMIT 1 \
         ON CONFLICT DO NOTHING",
    )
    .bind(seq)
    .bind(text(feed_url))
    .execute(&mut *conn)
    .await
    .ctx("link article to its source")?;
    Ok(())
}

/// `seqs` with every syndicated copy of them, and for copies their originals and the
/// originals' other copies.
async fn copies_of(conn: &mut PgConnection, seqs: &[i64]) -> StoreResult<Vec<i64>> {
    sqlx::query_scalar(
        "WITH roots AS (SELECT COALESCE(duplicate_of, id) AS id FROM articles \
                        WHERE seq = ANY($1)) \
         SELECT seq FROM articles WHERE seq = ANY($1) \
         UNION SELECT seq FROM articles WHERE id IN (SELECT id FROM roots) \
         UNION SELECT seq FROM articles WHERE duplicate_of IN (SELECT id FROM roots) \
         ORDER BY seq",
    )
    .bind(seqs)
    .fetch_all(&mut *conn)
    .await
    .ctx("syndicated copies")
}

/// Sets `read` and/or `starred` on articles for a user; read marks reach syndicated copies.
/// Unknown `seq`s are ignored. Returns how many articles' marks were written.
///
/// Rows are written in `seq` order, so two calls marking overlapping articles at once wait
/// for each other instead of deadlocking.
pub(crate) async fn mark(
    pool: &PgPool,
    user_id: i64,
    seqs: &[i64],
    read: Option<bool>,
    starred: Option<bool>,
) -> StoreResult<u64> {
    let mut tx = pool.begin().await.ctx("mark: begin")?;
    let mut written = 0;
    for chunk in seqs.chunks(MARK_CHUNK) {
        if let Some(read) = read {
            let all = copies_of(&mut tx, chunk).await?;
            written += set_read(&mut tx, user_id, &all, read).await?;
        }
        if let Some(starred) = starred {
            let starred_at = starred.then(|| to_ts(Utc::now()));
            let done = sqlx::query(
                "INSERT INTO article_marks (user_id, article_seq, starred, starred_at) \
                 SELECT $1, seq, $2, $3 FROM articles WHERE seq = ANY($4) ORDER BY seq \
                 ON CONFLICT (user_id, article_seq) DO UPDATE SET starred = excluded.starred, \
                 starred_at = CASE WHEN excluded.starred = 1 \
                     THEN COALESCE(article_marks.starred_at, excluded.starred_at) END",
            )
            .bind(user_id)
            .bind(i64::from(starred))
            .bind(starred_at)
            .bind(chunk)
            .execute(&mut *tx)
            .await
            .ctx("star articles")?;
            written = written.max(done.rows_affected());
        }
    }
    tx.commit().await.ctx("mark: commit")?;
    Ok(written)
}

async fn set_read(
    conn: &mut PgConnection,
    user_id: i64,
    seqs: &[i64],
    read: bool,
) -> StoreResult<u64> {
    let mut written = 0;
    for chunk in seqs.chunks(MARK_CHUNK) {
        let done = sqlx::query(
            "INSERT INTO article_marks (user_id, article_seq, read) \
             SELECT $1, seq, $2 FROM articles WHERE seq = ANY($3) ORDER BY seq \
             ON CONFLICT (user_id, article_seq) DO UPDATE SET read = excluded.read",
        )
        .bind(user_id)
        .bind(i64::from(read))
        .bind(chunk)
        .execute(&mut *conn)
        .await
        .ctx("mark articles read")?;
        written += done.rows_affected();
    }
    Ok(written)
}

/// Marks read every unread article of `scope` that arrived at or before `up_to` (all when
/// `None`), with their copies. Returns how many articles were newly marked.
pub(crate) async fn mark_all_read(
    pool: &PgPool,
    user_id: i64,
    scope: &ReadScope,
    up_to: Option<DateTime<Utc>>,
) -> StoreResult<u64> {
    let stream = match scope {
        ReadScope::All => Stream::All,
        ReadScope::Source(id) => Stream::Source(*id),
        ReadScope::Group(name) => Stream::Group(name.clone()),
        ReadScope::Story(id) => Stream::Story(id.clone()),
    };
    let mut query = ItemQuery::new(stream, u32::MAX);
    query.unread_only = true;
    query.with_text = false;
    // "Up to a time" includes the time itself.
    query.older_than = up_to.map(|t| t + chrono::Duration::seconds(1));
    let seqs = item_seqs(pool, user_id, &query).await?;
    if seqs.is_empty() {
        return Ok(0);
    }
    mark(pool, user_id, &seqs, Some(true), None).await?;
    Ok(seqs.len() as u64)
}

/// An item query's statement and the values its `$n` placeholders stand for.
struct Built {
    sql: String,
    args: Result<PgArguments, BoxDynError>,
}

impl Built {
    /// Adds a value and returns its placeholder.
    fn arg<'t, T>(&mut self, value: T) -> String
    where
        T: Encode<'t, Postgres> + Type<Postgres>,
    {
        match &mut self.args {
            Ok(args) => match args.add(value) {
                Ok(()) => format!("${}", args.len()),
                Err(e) => {
                    self.args = Err(e);
                    "NULL".into()
                }
            },
            Err(_) => "NULL".into(),
        }
    }
}

fn build(user_id: i64, q: &ItemQuery, columns: &str) -> Built {
    let mut b = Built {
        sql: String::new(),
        args: Ok(PgArguments::default()),
    };
    let user = b.arg(user_id);
    let mut sql = format!(
        "SELECT {columns}, src.source_id AS src_id, COALESCE(m.read, 0) AS m_read, \
         COALESCE(m.starred, 0) AS m_starred, m.starred_at AS m_starred_at FROM "
    );
    let top = q.stream == Stream::TopStories;
    if top {
        sql.push_str(
            "stories st JOIN articles a ON a.id = st.lead_article_id \
             LEFT JOIN article_sources src ON src.article_seq = a.seq ",
        );
    } else {
        sql.push_str("articles a LEFT JOIN article_sources src ON src.article_seq = a.seq ");
    }
    sql.push_str(&format!(
        "LEFT JOIN article_marks m ON m.user_id = {user} AND m.article_seq = a.seq WHERE TRUE"
    ));
    sql.push_str(VISIBLE);
    match &q.stream {
        Stream::All => sql.push_str(" AND src.source_id IS NOT NULL"),
        Stream::Source(id) => {
            let id = b.arg(*id);
            sql.push_str(&format!(" AND src.source_id = {id}"));
        }
        Stream::Group(name) => {
            let name = b.arg(text(name).into_owned());
            sql.push_str(&format!(
                " AND src.source_id IN (SELECT id FROM sources WHERE group_name = {name})"
            ));
        }
        Stream::Starred => sql.push_str(" AND m.starred = 1"),
        Stream::Read => sql.push_str(" AND m.read = 1"),
        Stream::Story(id) => {
            let id = b.arg(text(id).into_owned());
            sql.push_str(&format!(
                " AND a.story_id = \
                 COALESCE((SELECT merged_into FROM stories WHERE id = {id}), {id})"
            ));
        }
        Stream::TopStories => sql.push_str(" AND st.merged_into IS NULL AND st.published = 1"),
    }
    if q.unread_only {
        sql.push_str(&format!(
            " AND NOT EXISTS (SELECT 1 FROM article_marks r WHERE r.user_id = {user} \
             AND r.article_seq = a.seq AND r.read <> 0)"
        ));
    }
    if q.starred_only {
        sql.push_str(" AND m.starred = 1");
    }
    if let Some(t) = q.newer_than {
        let t = b.arg(to_ts(t));
        sql.push_str(&format!(" AND a.ingested_at >= {t}"));
    }
    if let Some(t) = q.older_than {
        let t = b.arg(to_ts(t));
        sql.push_str(&format!(" AND a.ingested_at < {t}"));
    }
    if let Some(seqs) = &q.seqs {
        let seqs = b.arg(seqs.as_slice());
        sql.push_str(&format!(" AND a.seq = ANY({seqs})"));
    }
    if let Some(min) = q.min_seq_exclusive {
        let min = b.arg(min);
        sql.push_str(&format!(" AND a.seq > {min}"));
    }
    if let Some(max) = q.max_seq_exclusive {
        let max = b.arg(max);
        sql.push_str(&format!(" AND a.seq < {max}"));
    }
    if top {
        // The leading keys are the same for every row listed (live, published): they let
        // PostgreSQL walk `stories_front` in order and stop at the page's end, as SQLite
        // does, sorting only ties of heat. A missing time sorts last when descending, as in
        // SQLite.
        sql.push_str(
            " ORDER BY st.merged_into, st.published, st.pinned DESC, st.heat DESC, \
             st.last_published DESC NULLS LAST, st.id",
        );
    } else if q.oldest_first {
        sql.push_str(" ORDER BY a.seq ASC");
    } else {
        sql.push_str(" ORDER BY a.seq DESC");
    }
    if q.limit != u32::MAX {
        let limit = b.arg(i64::from(q.limit));
        sql.push_str(&format!(" LIMIT {limit}"));
    }
    if q.offset > 0 {
        let offset = b.arg(i64::from(q.offset));
        sql.push_str(&format!(" OFFSET {offset}"));
    }
    b.sql = sql;
    b
}

async fn item_seqs(pool: &PgPool, user_id: i64, q: &ItemQuery) -> StoreResult<Vec<i64>> {
    let built = build(user_id, q, "a.seq");
    let args = built.args.map_err(|e| StoreError::Query {
        context: "reader item ids: bind",
        source: sqlx::Error::Encode(e),
    })?;
    sqlx::query_scalar_with(
        AssertSqlSafe(format!("SELECT seq FROM ({}) items", built.sql)),
        args,
    )
    .fetch_all(pool)
    .await
    .ctx("reader item ids")
}

/// The `seq`s of a user's stream page.
pub(crate) async fn reader_ids(
    pool: &PgPool,
    user_id: i64,
    q: &ItemQuery,
) -> StoreResult<Vec<i64>> {
    item_seqs(pool, user_id, q).await
}

/// A user's stream page with each article's marks.
pub(crate) async fn reader_items(
    pool: &PgPool,
    user_id: i64,
    q: &ItemQuery,
) -> StoreResult<Vec<ReaderItem>> {
    let columns = if q.with_text {
        COLUMNS
    } else {
        LISTING_COLUMNS
    };
    let built = build(user_id, q, columns);
    let args = built.args.map_err(|e| StoreError::Query {
        context: "reader items: bind",
        source: sqlx::Error::Encode(e),
    })?;
    let rows = sqlx::query_with(AssertSqlSafe(built.sql), args)
        .fetch_all(pool)
        .await
        .ctx("reader items")?;
    rows.iter().map(reader_item).collect()
}

fn reader_item(row: &PgRow) -> StoreResult<ReaderItem> {
    let get_err = |e: sqlx::Error| StoreError::Query {
        context: "decode reader item",
        source: e,
    };
    let read: i64 = row.try_get("m_read").map_err(get_err)?;
    let starred: i64 = row.try_get("m_starred").map_err(get_err)?;
    let starred_at: Option<i64> = row.try_get("m_starred_at").map_err(get_err)?;
    Ok(ReaderItem {
        row: from_row(row)?,
        source_id: row.try_get("src_id").map_err(get_err)?,
        read: read != 0,
        starred: starred != 0,
        starred_at: starred_at.map(from_ts),
    })
}

/// Unread articles per source for a user (sources with none are left out).
pub(crate) async fn unread_counts(pool: &PgPool, user_id: i64) -> StoreResult<Vec<UnreadCount>> {
    let sql = format!(
        "SELECT src.source_id, COUNT(*), MAX(a.ingested_at) FROM article_sources src \
         JOIN articles a ON a.seq = src.article_seq \
         WHERE {UNREAD_BY_1} {VISIBLE} GROUP BY src.source_id ORDER BY src.source_id"
    );
    let rows: Vec<(i64, i64, Option<i64>)> = sqlx::query_as(AssertSqlSafe(sql))
        .bind(user_id)
        .fetch_all(pool)
        .await
        .ctx("unread counts")?;
    Ok(rows
        .into_iter()
        .map(|(source_id, unread, newest)| UnreadCount {
            source_id,
            unread: u64::try_from(unread).unwrap_or(0),
            newest: newest.map(from_ts),
        })
        .collect())
}

/// A user's marks on the given articles (by id): `(article_id, read, starred)` for those
/// with a mark.
pub(crate) async fn marks_of(
    pool: &PgPool,
    user_id: i64,
    article_ids: &[String],
) -> StoreResult<Vec<(String, bool, bool)>> {
    let mut out = Vec::new();
    for chunk in article_ids.chunks(MARK_CHUNK) {
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT a.id, m.read, m.starred FROM articles a \
             JOIN article_marks m ON m.user_id = $1 AND m.article_seq = a.seq \
             WHERE a.id = ANY($2) ORDER BY a.id",
        )
        .bind(user_id)
        .bind(texts(chunk))
        .fetch_all(pool)
        .await
        .ctx("marks of articles")?;
        out.extend(
            rows.into_iter()
                .map(|(id, read, starred)| (id, read != 0, starred != 0)),
        );
    }
    Ok(out)
}

/// `seq`s of articles by id (unknown ids left out).
pub(crate) async fn seqs_of(pool: &PgPool, article_ids: &[String]) -> StoreResult<Vec<i64>> {
    let mut out = Vec::new();
    for chunk in article_ids.chunks(MARK_CHUNK) {
        let seqs: Vec<i64> =
            sqlx::query_scalar("SELECT seq FROM articles WHERE id = ANY($1) ORDER BY id")
                .bind(texts(chunk))
                .fetch_all(pool)
                .await
                .ctx("article seqs")?;
        out.extend(seqs);
    }
    Ok(out)
}

/// Unread visible articles per story for a user, for the listed stories (those with none
/// are left out).
pub(crate) async fn story_unread(
    pool: &PgPool,
    user_id: i64,
    story_ids: &[String],
) -> StoreResult<Vec<(String, u64)>> {
    let sql = format!(
        "SELECT a.story_id, COUNT(*) FROM articles a \
         WHERE {UNREAD_BY_1} {VISIBLE} AND a.story_id = ANY($2) \
         GROUP BY a.story_id ORDER BY a.story_id"
    );
    let mut out = Vec::new();
    for chunk in story_ids.chunks(MARK_CHUNK) {
        let rows: Vec<(String, i64)> = sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(user_id)
            .bind(texts(chunk))
            .fetch_all(pool)
            .await
            .ctx("unread per story")?;
        out.extend(
            rows.into_iter()
                .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0))),
        );
    }
    Ok(out)
}
