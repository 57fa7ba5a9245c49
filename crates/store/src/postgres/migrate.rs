//! Schema migrations of the PostgreSQL store, applied in order on open. The version lives in
//! `storyline_schema`; each migration runs in one transaction with the bump, and the whole run
//! holds an advisory lock, so processes opening a new database together migrate it once.

use sqlx::{AssertSqlSafe, Connection, PgPool};

use crate::error::{QueryContext, StoreError, StoreResult};

/// Every migration, in order; the version of a migration is its index + 1.
const MIGRATIONS: &[&str] = &[include_str!("../../migrations-pg/0001_init.sql")];

/// The schema version of a store whose every migration has been applied.
pub(crate) const LATEST: i64 = MIGRATIONS.len() as i64;

/// The advisory lock key held while migrating.
const MIGRATION_LOCK: i64 = 7_405_000;

/// The schema version of the database (0 when storyline never wrote to it).
pub(crate) async fn current(pool: &PgPool) -> StoreResult<i64> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('storyline_schema') IS NOT NULL")
        .fetch_one(pool)
        .await
        .ctx("read schema version")?;
    if !exists {
        return Ok(0);
    }
    sqlx::query_scalar("SELECT coalesce(max(version), 0) FROM storyline_schema")
        .fetch_one(pool)
        .await
        .ctx("read schema version")
}

/// Brings the schema up to date; a newer schema is an error.
pub(crate) async fn run(pool: &PgPool) -> StoreResult<()> {
    let mut conn = pool.acquire().await.ctx("migration connection")?;
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *conn)
        .await
        .ctx("take the migration lock")?;
    let outcome = apply(&mut conn).await;
    // The lock goes with the session too, should this fail.
    let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *conn)
        .await;
    outcome
}

async fn apply(conn: &mut sqlx::PgConnection) -> StoreResult<()> {
    sqlx::query("CREATE TABLE IF NOT EXISTS storyline_schema (version BIGINT PRIMARY KEY)")
        .execute(&mut *conn)
        .await
        .ctx("create the schema version table")?;
    let found: i64 = sqlx::query_scalar("SELECT coalesce(max(version), 0) FROM storyline_schema")
        .fetch_one(&mut *conn)
        .await
        .ctx("read schema version")?;
    if found > LATEST {
        return Err(StoreError::TooNew {
            found,
            known: LATEST,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found.max(0) as usize) {
        let version = index as i64 + 1;
        let mut tx = Connection::begin(&mut *conn)
            .await
            .map_err(|source| StoreError::Migration { version, source })?;
        sqlx::raw_sql(AssertSqlSafe(*sql))
            .execute(&mut *tx)
            .await
            .map_err(|source| StoreError::Migration { version, source })?;
        sqlx::query("INSERT INTO storyline_schema (version) VALUES ($1)")
            .bind(version)
            .execute(&mut *tx)
            .await
            .map_err(|source| StoreError::Migration { version, source })?;
        tx.commit()
            .await
            .map_err(|source| StoreError::Migration { version, source })?;
        tracing::info!(version, "applied schema migration");
    }
    Ok(())
}
