//! Schema migrations, applied in order on open. The schema version is SQLite's
//! `user_version`; each migration runs in its own transaction together with the bump, so a
//! failed migration leaves the database at the version before it.

use sqlx::{AssertSqlSafe, Connection, SqlitePool};

use crate::error::{QueryContext, StoreError, StoreResult};

/// Every migration, in order; the version of a migration is its index + 1.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_init.sql"),
    include_str!("../../migrations/0002_serving_indexes.sql"),
    include_str!("../../migrations/0003_search_facets.sql"),
    include_str!("../../migrations/0004_provider_counts.sql"),
    include_str!("../../migrations/0005_search_newest_first.sql"),
    include_str!("../../migrations/0006_published_days.sql"),
    include_str!("../../migrations/0007_topic_counts.sql"),
    include_str!("../../migrations/0008_story_topics.sql"),
    include_str!("../../migrations/0009_feed_only.sql"),
    include_str!("../../migrations/0010_source_aliases.sql"),
    include_str!("../../migrations/0011_accounts.sql"),
    include_str!("../../migrations/0012_entities.sql"),
    include_str!("../../migrations/0013_search_changes.sql"),
    include_str!("../../migrations/0014_drop_fts5.sql"),
];

/// The schema version of a store whose every migration has been applied.
pub(crate) const LATEST: i64 = MIGRATIONS.len() as i64;

/// Brings the schema up to `target` (at most [`LATEST`]); a database already at or past it
/// is left as it is.
pub(crate) async fn run(pool: &SqlitePool, target: i64) -> StoreResult<()> {
    let known = LATEST;
    if target > known {
        return Err(StoreError::TooNew {
            found: target,
            known,
        });
    }
    // One connection reads the version and applies every migration: a connection the pool
    // opened while another applied migrations could be handed out later with the schema as
    // it was before them ("no such table").
    let mut conn = pool.acquire().await.ctx("migration connection")?;
    let current: i64 = sqlx::query_scalar("PRAGMA user_version")
        .fetch_one(&mut *conn)
        .await
        .ctx("read schema version")?;
    if current > known {
        return Err(StoreError::TooNew {
            found: current,
            known,
        });
    }
    let wanted = MIGRATIONS.iter().take(target.max(0) as usize);
    for (index, sql) in wanted.enumerate().skip(current.max(0) as usize) {
        let version = index as i64 + 1;
        let mut tx = Connection::begin(&mut *conn)
            .await
            .map_err(|source| StoreError::Migration { version, source })?;
        sqlx::raw_sql(AssertSqlSafe(*sql))
            .execute(&mut *tx)
            .await
            .map_err(|source| StoreError::Migration { version, source })?;
        sqlx::raw_sql(AssertSqlSafe(format!("PRAGMA user_version = {version}")))
            .execute(&mut *tx)
            .await
            .map_err(|source| StoreError::Migration { version, source })?;
        tx.commit()
            .await
            .map_err(|source| StoreError::Migration { version, source })?;
        tracing::info!(version, "applied schema migration");
    }
    if current < target {
        // A migration that rebuilds an index leaves its pages in the write-ahead log, where
        // every later read would look them up until the next checkpoint; fold them into the
        // database file now. Best effort: a busy reader only delays it.
        if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut *conn)
            .await
        {
            tracing::warn!(%error, "checkpoint after migrations failed");
        }
    }
    Ok(())
}
