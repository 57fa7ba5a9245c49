//! The writer lock of a PostgreSQL store: a session-level advisory lock held on a connection
//! of its own for as long as the guard lives. The server drops it when the session ends, so
//! a killed writer (or a writer whose machine vanished, once its connection times out) never
//! leaves a stale lock; the next process to ask takes it.

use sqlx::{PgConnection, PgPool};

use crate::error::{QueryContext, StoreError, StoreResult};

/// The advisory lock key of the writer (the clusterer).
pub const WRITER_LOCK: i64 = 7_405_002;

/// Holds the lock's connection, which is the pool's no longer: the pool can close (and be
/// waited for) while the lock is held, and dropping this closes the connection, whose
/// session's end releases the lock at once (a connection returned to the pool would keep
/// holding it).
pub(crate) struct Held {
    _conn: PgConnection,
}

/// Takes the lock, or says which process holds it.
pub(crate) async fn take(pool: &PgPool) -> StoreResult<Held> {
    let mut conn = pool
        .acquire()
        .await
        .ctx("writer lock: connection")?
        .detach();
    let taken: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(WRITER_LOCK)
        .fetch_one(&mut conn)
        .await
        .ctx("take the writer lock")?;
    if taken {
        return Ok(Held { _conn: conn });
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
