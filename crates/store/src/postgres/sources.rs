//! Source rows: the feeds, sitemaps and pages storyline follows, with their polling state.

use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;
use sqlx::postgres::PgRow;
use sqlx::{Connection, PgPool, Row};

use super::{from_ts, to_ts};
use crate::error::{QueryContext, StoreError, StoreResult};
use crate::types::{SourceMove, SourceRow};

const COLUMNS: &str = "id, url, kind, title, group_name, state, next_poll, last_error, enabled, \
     created_at, last_round";

fn from_row(row: &PgRow) -> StoreResult<SourceRow> {
    let e = |source: sqlx::Error| StoreError::Query {
        context: "decode source row",
        source,
    };
    let next_poll: i64 = row.try_get("next_poll").map_err(e)?;
    let created_at: i64 = row.try_get("created_at").map_err(e)?;
    let enabled: i64 = row.try_get("enabled").map_err(e)?;
    Ok(SourceRow {
        id: row.try_get("id").map_err(e)?,
        url: row.try_get("url").map_err(e)?,
        kind: row.try_get("kind").map_err(e)?,
        title: row.try_get("title").map_err(e)?,
        group: row.try_get("group_name").map_err(e)?,
        state: row.try_get("state").map_err(e)?,
        next_poll: from_ts(next_poll),
        last_error: row.try_get("last_error").map_err(e)?,
        enabled: enabled != 0,
        created_at: from_ts(created_at),
        last_round: row.try_get("last_round").map_err(e)?,
    })
}

/// Adds a source unless its URL is followed already, as a source's address or as one a
/// source moved away from.
pub(crate) async fn add(pool: &PgPool, s: &SourceRow) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO sources (url, kind, title, group_name, state, next_poll, last_error, enabled, created_at) \
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 \
         WHERE NOT EXISTS (SELECT 1 FROM source_aliases WHERE url = $1) \
         ON CONFLICT (url) DO NOTHING",
    )
    .bind(&s.url)
    .bind(&s.kind)
    .bind(&s.title)
    .bind(&s.group)
    .bind(&s.state)
    .bind(to_ts(s.next_poll))
    .bind(&s.last_error)
    .bind(i64::from(s.enabled))
    .bind(to_ts(s.created_at))
    .execute(pool)
    .await
    .ctx("add source")?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn all(pool: &PgPool) -> StoreResult<Vec<SourceRow>> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM sources ORDER BY id"
    )))
    .fetch_all(pool)
    .await
    .ctx("list sources")?;
    rows.iter().map(from_row).collect()
}

/// Removes a source by id, URL, or an address it moved away from; the addresses it moved
/// away from go with it.
pub(crate) async fn remove(pool: &PgPool, url_or_id: &str) -> StoreResult<bool> {
    let mut conn = pool.acquire().await.ctx("remove source: connection")?;
    let mut tx = Connection::begin(&mut *conn)
        .await
        .ctx("remove source: begin")?;
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM sources WHERE id = ?2 OR url = ?1 \
         UNION SELECT source_id FROM source_aliases WHERE url = ?1",
    )
    .bind(url_or_id)
    .bind(url_or_id.parse::<i64>().ok())
    .fetch_all(&mut *tx)
    .await
    .ctx("remove source: find")?;
    for id in &ids {
        sqlx::query("DELETE FROM source_aliases WHERE source_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await
            .ctx("remove source: former addresses")?;
        sqlx::query("DELETE FROM sources WHERE id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await
            .ctx("remove source")?;
    }
    tx.commit().await.ctx("remove source: commit")?;
    Ok(!ids.is_empty())
}

/// Moves source `id` to `url` (its feed moved permanently), keeping its old address known.
/// When another source is at `url` already, that one is kept and `id` is removed, its
/// addresses becoming known as the other's.
pub(crate) async fn move_to(pool: &PgPool, id: i64, url: &str) -> StoreResult<SourceMove> {
    let mut conn = pool.acquire().await.ctx("move source: connection")?;
    let mut tx = Connection::begin(&mut *conn)
        .await
        .ctx("move source: begin")?;
    let old: Option<String> = sqlx::query_scalar("SELECT url FROM sources WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .ctx("move source: find")?;
    let Some(old) = old else {
        return Ok(SourceMove::Missing);
    };
    if old == url {
        return Ok(SourceMove::Moved);
    }
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM sources WHERE url = ?")
        .bind(url)
        .fetch_optional(&mut *tx)
        .await
        .ctx("move source: find the new address")?;
    let now = to_ts(Utc::now());
    let keeper = existing.unwrap_or(id);
    sqlx::query("UPDATE source_aliases SET source_id = ? WHERE source_id = ?")
        .bind(keeper)
        .bind(id)
        .execute(&mut *tx)
        .await
        .ctx("move source: former addresses")?;
    // An address the feed comes back to is the source's own again, not a former one.
    sqlx::query("DELETE FROM source_aliases WHERE url = ?")
        .bind(url)
        .execute(&mut *tx)
        .await
        .ctx("move source: former addresses")?;
    sqlx::query(
        "INSERT INTO source_aliases (url, source_id, moved_at) VALUES (?, ?, ?) \
         ON CONFLICT(url) DO UPDATE SET source_id = excluded.source_id, moved_at = excluded.moved_at",
    )
    .bind(&old)
    .bind(keeper)
    .bind(now)
    .execute(&mut *tx)
    .await
    .ctx("move source: keep the old address")?;
    let outcome = match existing {
        Some(into) => {
            sqlx::query("DELETE FROM sources WHERE id = ?")
                .bind(id)
                .execute(&mut *tx)
                .await
                .ctx("move source: remove the duplicate")?;
            SourceMove::Joined { into }
        }
        None => {
            sqlx::query("UPDATE sources SET url = ? WHERE id = ?")
                .bind(url)
                .bind(id)
                .execute(&mut *tx)
                .await
                .ctx("move source")?;
            SourceMove::Moved
        }
    };
    tx.commit().await.ctx("move source: commit")?;
    Ok(outcome)
}

/// The addresses source `id` moved away from, oldest move first.
pub(crate) async fn former_urls(pool: &PgPool, id: i64) -> StoreResult<Vec<String>> {
    sqlx::query_scalar("SELECT url FROM source_aliases WHERE source_id = ? ORDER BY moved_at, url")
        .bind(id)
        .fetch_all(pool)
        .await
        .ctx("former source addresses")
}

pub(crate) async fn update(pool: &PgPool, s: &SourceRow) -> StoreResult<()> {
    sqlx::query(
        "UPDATE sources SET kind = ?, title = ?, group_name = ?, state = ?, next_poll = ?, \
         last_error = ?, enabled = ?, last_round = ? WHERE id = ?",
    )
    .bind(&s.kind)
    .bind(&s.title)
    .bind(&s.group)
    .bind(&s.state)
    .bind(to_ts(s.next_poll))
    .bind(&s.last_error)
    .bind(s.enabled)
    .bind(&s.last_round)
    .bind(s.id)
    .execute(pool)
    .await
    .ctx("update source")?;
    Ok(())
}

pub(crate) async fn due(pool: &PgPool, now: DateTime<Utc>) -> StoreResult<Vec<SourceRow>> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM sources WHERE enabled = 1 AND next_poll <= ? ORDER BY next_poll, id"
    )))
    .bind(to_ts(now))
    .fetch_all(pool)
    .await
    .ctx("due sources")?;
    rows.iter().map(from_row).collect()
}
