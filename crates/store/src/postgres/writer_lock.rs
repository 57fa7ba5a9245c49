//! The writer lock of a PostgreSQL store: a session-level advisory lock held on a connection
//! of its own for as long as the guard lives. The server drops it when the session ends, so
//! a killed writer (or a writer whose machine vanished, once its connection times out) never
//! leaves a stale lock; the next process to ask takes it.

use sqlx::pool::PoolConnection;
use sqlx::{Connection, PgPool, Postgres};

use crate::error::{QueryContext, StoreError, StoreResult};

/// The advisory lock key of the writer (the clusterer).
pub const WRITER_LOCK: i64 = 7_405_002;

/// Holds the lock's connection; dropping it ends the session, which releases the lock.
pub(crate) struct Held {
    conn: Option<PoolConnection<Postgres>>,
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            // Detach from the pool and close: the session's end releases the lock at once,
            // where a connection returned to the pool would keep holding it.
            let conn = conn.detach();
            if let Ok(handle) = tokio::runtime::Handle::try_current() {
                handle.spawn(async move {
                    let _ = conn.close().await;
                });
            }
        }
    }
}

/// Takes the lock, or says which process holds it.
pub(crate) async fn take(pool: &PgPool) -> StoreResult<Held> {
    let mut conn = pool.acquire().await.ctx("writer lock: connection")?;
    let taken: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(WRITER_LOCK)
        .fetch_one(&mut *conn)
        .await
        .ctx("take the writer lock")?;
    if taken {
        return Ok(Held { conn: Some(conn) });
    }
    let holder = holder(pool)
        .await?
        .unwrap_or_else(|| "a process that has just let go; try again".into());
    Err(StoreError::WriterBusy { holder })
}

/// Who holds the writer lock now: the holder's application name and address.
pub(crate) async fn holder(pool: &PgPool) -> StoreResult<Option<String>> {
    let row: Option<(Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT a.application_name, host(a.client_addr) \
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
         WHERE l.locktype = 'advisory' AND l.granted \
           AND l.classid = ($1 >> 32)::oid AND l.objid = ($1 & 4294967295)::oid \
           AND l.objsubid = 1 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
         LIMIT 1",
    )
    .bind(WRITER_LOCK)
    .fetch_optional(pool)
    .await
    .ctx("writer lock holder")?;
    Ok(row.map(|(name, addr)| {
        let name = name
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "a process".into());
        match addr {
            Some(addr) => format!("{name} from {addr}"),
            None => name,
        }
    }))
}
