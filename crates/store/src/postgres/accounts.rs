//! Accounts and each account's marks on articles (read, starred), and the reading streams
//! the Google Reader and Fever APIs serve (migration 0011).
//!
//! No row in `article_marks` means unread and not starred. A read mark always reaches the
//! article's syndicated copies and, for a copy, its original and the original's other copies
//! ([`mark`] expands every change through `copies_of`), so one report read anywhere is read
//! everywhere, and unread the same way.

use std::fmt::Write;

use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::{AssertSqlSafe, PgConnection, PgPool, Row};

use super::articles::{COLUMNS, LISTING_COLUMNS, from_row};
use super::listing::VISIBLE;
use super::{from_ts, to_ts};
use crate::error::{QueryContext, StoreError, StoreResult};
use crate::types::{ItemQuery, ReadScope, ReaderItem, Role, Stream, UnreadCount, UserRow};

/// Most article ids one mark call takes at once (SQL is written with them inline).
const MARK_CHUNK: usize = 500;

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
        "INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?) \
         ON CONFLICT(name) DO NOTHING",
    )
    .bind(name)
    .bind(role.as_str())
    .bind(password_hash)
    .bind(to_ts(Utc::now()))
    .execute(pool)
    .await
    .ctx("add user")?;
    Ok(done.rows_affected() > 0)
}

/// Removes an account and its marks; false when there is none of that name.
pub(crate) async fn remove_user(pool: &PgPool, name: &str) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM users WHERE name = ?")
        .bind(name)
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

/// The account with `column` = `value` (`name`, `api_token` or `fever_key`).
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
        "SELECT {USER_COLUMNS} FROM users WHERE {column} = ?"
    )))
    .bind(value)
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
    let done = sqlx::query("UPDATE users SET password_hash = ? WHERE name = ?")
        .bind(hash)
        .bind(name)
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
        "UPDATE users SET app_password_hash = ?, api_token = ?, fever_key = ? WHERE name = ?",
    )
    .bind(hash)
    .bind(api_token)
    .bind(fever_key)
    .bind(name)
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
        "INSERT OR IGNORE INTO article_sources (article_seq, source_id) \
         SELECT ?1, id FROM (SELECT id FROM sources WHERE url = ?2 \
                             UNION ALL SELECT source_id FROM source_aliases WHERE url = ?2) \
         LIMIT 1",
    )
    .bind(seq)
    .bind(feed_url)
    .execute(&mut *conn)
    .await
    .ctx("link article to its source")?;
    Ok(())
}

/// `seqs` with every syndicated copy of them, and for copies their originals and the
/// originals' other copies.
async fn copies_of(conn: &mut PgConnection, seqs: &[i64]) -> StoreResult<Vec<i64>> {
    let list = seq_list(seqs);
    sqlx::query_scalar(AssertSqlSafe(format!(
        "WITH roots AS (SELECT COALESCE(duplicate_of, id) AS id FROM articles WHERE seq IN ({list})) \
         SELECT seq FROM articles WHERE seq IN ({list}) \
         UNION SELECT seq FROM articles WHERE id IN (SELECT id FROM roots) \
         UNION SELECT seq FROM articles WHERE duplicate_of IN (SELECT id FROM roots)"
    )))
    .fetch_all(&mut *conn)
    .await
    .ctx("syndicated copies")
}

fn seq_list(seqs: &[i64]) -> String {
    let mut list = String::new();
    for (i, seq) in seqs.iter().enumerate() {
        if i > 0 {
            list.push(',');
        }
        let _ = write!(list, "{seq}");
    }
    if list.is_empty() {
        list.push_str("NULL");
    }
    list
}

/// Sets `read` and/or `starred` on articles for a user; read marks reach syndicated copies.
/// Unknown `seq`s are ignored. Returns how many articles' marks were written.
pub(crate) async fn mark(
    pool: &PgPool,
    user_id: i64,
    seqs: &[i64],
    read: Option<bool>,
    starred: Option<bool>,
) -> StoreResult<u64> {
    let mut conn = pool.acquire().await.ctx("mark: connection")?;
    let mut tx = sqlx::Connection::begin(&mut *conn)
        .await
        .ctx("mark: begin")?;
    let mut written = 0;
    for chunk in seqs.chunks(MARK_CHUNK) {
        if let Some(read) = read {
            let all = copies_of(&mut tx, chunk).await?;
            written += set_read(&mut tx, user_id, &all, read).await?;
        }
        if let Some(starred) = starred {
            let list = seq_list(chunk);
            let starred_at = starred.then(|| to_ts(Utc::now()));
            let done = sqlx::query(AssertSqlSafe(format!(
                "INSERT INTO article_marks (user_id, article_seq, starred, starred_at) \
                 SELECT ?1, seq, ?2, ?3 FROM articles WHERE seq IN ({list}) \
                 ON CONFLICT(user_id, article_seq) DO UPDATE SET starred = excluded.starred, \
                 starred_at = CASE WHEN excluded.starred = 1 \
                     THEN COALESCE(article_marks.starred_at, excluded.starred_at) END"
            )))
            .bind(user_id)
            .bind(starred)
            .bind(starred_at)
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
        let list = seq_list(chunk);
        let done = sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO article_marks (user_id, article_seq, read) \
             SELECT ?1, seq, ?2 FROM articles WHERE seq IN ({list}) \
             ON CONFLICT(user_id, article_seq) DO UPDATE SET read = excluded.read"
        )))
        .bind(user_id)
        .bind(read)
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
    let mut conn = pool.acquire().await.ctx("mark all read: connection")?;
    let seqs = item_seqs(&mut conn, user_id, &query).await?;
    drop(conn);
    if seqs.is_empty() {
        return Ok(0);
    }
    mark(pool, user_id, &seqs, Some(true), None).await?;
    Ok(seqs.len() as u64)
}

/// Where clause, joins and binds of an item query.
struct Built {
    sql: String,
    texts: Vec<String>,
}

fn build(user_id: i64, q: &ItemQuery, columns: &str) -> Built {
    let mut texts = Vec::new();
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
    let _ = write!(
        sql,
        "LEFT JOIN article_marks m ON m.user_id = {user_id} AND m.article_seq = a.seq WHERE 1 = 1"
    );
    sql.push_str(VISIBLE);
    match &q.stream {
        Stream::All => sql.push_str(" AND src.source_id IS NOT NULL"),
        Stream::Source(id) => {
            let _ = write!(sql, " AND src.source_id = {id}");
        }
        Stream::Group(name) => {
            sql.push_str(" AND src.source_id IN (SELECT id FROM sources WHERE group_name = ?)");
            texts.push(name.clone());
        }
        Stream::Starred => sql.push_str(" AND m.starred = 1"),
        Stream::Read => sql.push_str(" AND m.read = 1"),
        Stream::Story(id) => {
            sql.push_str(
                " AND a.story_id = COALESCE((SELECT merged_into FROM stories WHERE id = ?), ?)",
            );
            texts.push(id.clone());
            texts.push(id.clone());
        }
        Stream::TopStories => sql.push_str(" AND st.merged_into IS NULL AND st.published = 1"),
    }
    if q.unread_only {
        sql.push_str(" AND COALESCE(m.read, 0) = 0");
    }
    if q.starred_only {
        sql.push_str(" AND m.starred = 1");
    }
    if let Some(t) = q.newer_than {
        let _ = write!(sql, " AND a.ingested_at >= {}", to_ts(t));
    }
    if let Some(t) = q.older_than {
        let _ = write!(sql, " AND a.ingested_at < {}", to_ts(t));
    }
    if let Some(seqs) = &q.seqs {
        let _ = write!(sql, " AND a.seq IN ({})", seq_list(seqs));
    }
    if let Some(min) = q.min_seq_exclusive {
        let _ = write!(sql, " AND a.seq > {min}");
    }
    if let Some(max) = q.max_seq_exclusive {
        let _ = write!(sql, " AND a.seq < {max}");
    }
    if top {
        sql.push_str(" ORDER BY st.pinned DESC, st.heat DESC, st.last_published DESC, st.id");
    } else if q.oldest_first {
        sql.push_str(" ORDER BY a.seq ASC");
    } else {
        sql.push_str(" ORDER BY a.seq DESC");
    }
    if q.limit != u32::MAX {
        let _ = write!(sql, " LIMIT {} OFFSET {}", q.limit, q.offset);
    } else if q.offset > 0 {
        let _ = write!(sql, " LIMIT -1 OFFSET {}", q.offset);
    }
    Built { sql, texts }
}

async fn item_seqs(conn: &mut PgConnection, user_id: i64, q: &ItemQuery) -> StoreResult<Vec<i64>> {
    let built = build(user_id, q, "a.seq");
    let mut query = sqlx::query_scalar(AssertSqlSafe(format!("SELECT seq FROM ({})", built.sql)));
    for text in &built.texts {
        query = query.bind(text);
    }
    query.fetch_all(&mut *conn).await.ctx("reader item ids")
}

/// The `seq`s of a user's stream page.
pub(crate) async fn reader_ids(
    pool: &PgPool,
    user_id: i64,
    q: &ItemQuery,
) -> StoreResult<Vec<i64>> {
    let mut conn = pool.acquire().await.ctx("reader ids: connection")?;
    item_seqs(&mut conn, user_id, q).await
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
    let mut query = sqlx::query(AssertSqlSafe(built.sql));
    for text in &built.texts {
        query = query.bind(text);
    }
    let rows = query.fetch_all(pool).await.ctx("reader items")?;
    rows.iter()
        .map(|row| {
            let get_err = |e: sqlx::Error| StoreError::Query {
                context: "decode reader item",
                source: e,
            };
            let starred_at: Option<i64> = row.try_get("m_starred_at").map_err(get_err)?;
            Ok(ReaderItem {
                row: from_row(row)?,
                source_id: row.try_get("src_id").map_err(get_err)?,
                read: row.try_get("m_read").map_err(get_err)?,
                starred: row.try_get("m_starred").map_err(get_err)?,
                starred_at: starred_at.map(from_ts),
            })
        })
        .collect()
}

/// Unread articles per source for a user (sources with none are left out).
pub(crate) async fn unread_counts(pool: &PgPool, user_id: i64) -> StoreResult<Vec<UnreadCount>> {
    let sql = format!(
        "SELECT src.source_id, COUNT(*), MAX(a.ingested_at) FROM article_sources src \
         JOIN articles a ON a.seq = src.article_seq \
         LEFT JOIN article_marks m ON m.user_id = ?1 AND m.article_seq = a.seq \
         WHERE COALESCE(m.read, 0) = 0 {VISIBLE} GROUP BY src.source_id ORDER BY src.source_id"
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
        let mut sql = String::from(
            "SELECT a.id, m.read, m.starred FROM article_marks m \
             JOIN articles a ON a.seq = m.article_seq WHERE m.user_id = ? AND a.id IN (",
        );
        for i in 0..chunk.len() {
            sql.push_str(if i == 0 { "?" } else { ",?" });
        }
        sql.push(')');
        let mut query = sqlx::query_as::<_, (String, bool, bool)>(AssertSqlSafe(sql)).bind(user_id);
        for id in chunk {
            query = query.bind(id);
        }
        out.extend(query.fetch_all(pool).await.ctx("marks of articles")?);
    }
    Ok(out)
}

/// `seq`s of articles by id (unknown ids left out).
pub(crate) async fn seqs_of(pool: &PgPool, article_ids: &[String]) -> StoreResult<Vec<i64>> {
    let mut out = Vec::new();
    for chunk in article_ids.chunks(MARK_CHUNK) {
        let mut sql = String::from("SELECT seq FROM articles WHERE id IN (");
        for i in 0..chunk.len() {
            sql.push_str(if i == 0 { "?" } else { ",?" });
        }
        sql.push(')');
        let mut query = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(id);
        }
        out.extend(query.fetch_all(pool).await.ctx("article seqs")?);
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
    let mut out = Vec::new();
    for chunk in story_ids.chunks(MARK_CHUNK) {
        let mut sql = format!(
            "SELECT a.story_id, COUNT(*) FROM articles a \
             LEFT JOIN article_marks m ON m.user_id = {user_id} AND m.article_seq = a.seq \
             WHERE COALESCE(m.read, 0) = 0 {VISIBLE} AND a.story_id IN ("
        );
        for i in 0..chunk.len() {
            sql.push_str(if i == 0 { "?" } else { ",?" });
        }
        sql.push_str(") GROUP BY a.story_id");
        let mut query = sqlx::query_as::<_, (String, i64)>(AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(id);
        }
        out.extend(
            query
                .fetch_all(pool)
                .await
                .ctx("unread per story")?
                .into_iter()
                .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0))),
        );
    }
    Ok(out)
}
