//! Source rows: the feeds, sitemaps and pages storyline follows, with their polling state.

use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};

use super::{from_ts, to_ts};
use crate::error::{QueryContext, StoreError, StoreResult};
use crate::types::SourceRow;

const COLUMNS: &str = "id, url, kind, title, group_name, state, next_poll, last_error, enabled, \
     created_at, last_round";

fn from_row(row: &SqliteRow) -> StoreResult<SourceRow> {
    let e = |source: sqlx::Error| StoreError::Query {
        context: "decode source row",
        source,
    };
    let next_poll: i64 = row.try_get("next_poll").map_err(e)?;
    let created_at: i64 = row.try_get("created_at").map_err(e)?;
    Ok(SourceRow {
        id: row.try_get("id").map_err(e)?,
        url: row.try_get("url").map_err(e)?,
        kind: row.try_get("kind").map_err(e)?,
        title: row.try_get("title").map_err(e)?,
        group: row.try_get("group_name").map_err(e)?,
        state: row.try_get("state").map_err(e)?,
        next_poll: from_ts(next_poll),
        last_error: row.try_get("last_error").map_err(e)?,
        enabled: row.try_get("enabled").map_err(e)?,
        created_at: from_ts(created_at),
        last_round: row.try_get("last_round").map_err(e)?,
    })
}

pub(crate) async fn add(pool: &SqlitePool, s: &SourceRow) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO sources (url, kind, title, group_name, state, next_poll, last_error, enabled, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO NOTHING",
    )
    .bind(&s.url)
    .bind(&s.kind)
    .bind(&s.title)
    .bind(&s.group)
    .bind(&s.state)
    .bind(to_ts(s.next_poll))
    .bind(&s.last_error)
    .bind(s.enabled)
    .bind(to_ts(s.created_at))
    .execute(pool)
    .await
    .ctx("add source")?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn all(pool: &SqlitePool) -> StoreResult<Vec<SourceRow>> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM sources ORDER BY id"
    )))
    .fetch_all(pool)
    .await
    .ctx("list sources")?;
    rows.iter().map(from_row).collect()
}

pub(crate) async fn remove(pool: &SqlitePool, url_or_id: &str) -> StoreResult<bool> {
    let done = match url_or_id.parse::<i64>() {
        Ok(id) => sqlx::query("DELETE FROM sources WHERE id = ? OR url = ?")
            .bind(id)
            .bind(url_or_id),
        Err(_) => sqlx::query("DELETE FROM sources WHERE url = ?").bind(url_or_id),
    }
    .execute(pool)
    .await
    .ctx("remove source")?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn update(pool: &SqlitePool, s: &SourceRow) -> StoreResult<()> {
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

pub(crate) async fn due(pool: &SqlitePool, now: DateTime<Utc>) -> StoreResult<Vec<SourceRow>> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM sources WHERE enabled = 1 AND next_poll <= ? ORDER BY next_poll, id"
    )))
    .bind(to_ts(now))
    .fetch_all(pool)
    .await
    .ctx("due sources")?;
    rows.iter().map(from_row).collect()
}
