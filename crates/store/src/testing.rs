//! Throw-away PostgreSQL databases for tests and benchmarks: each call makes a new, empty
//! database on the server named by `STORYLINE_TEST_POSTGRES` (a URL whose user may create
//! databases, e.g. `postgres://postgres@127.0.0.1:54329/postgres`), so tests never share
//! rows and can run in parallel.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::{AssertSqlSafe, Connection, PgConnection};

use crate::error::{QueryContext, StoreError, StoreResult};

/// The variable naming the server tests may create databases on.
pub const POSTGRES_VAR: &str = "STORYLINE_TEST_POSTGRES";

/// The server URL from [`POSTGRES_VAR`], when set.
pub fn postgres_server() -> Option<String> {
    std::env::var(POSTGRES_VAR)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Creates a new empty database on the server at `server_url` and returns its URL. The name
/// starts with `prefix` (letters, digits and `_`) and is unique to this process and call.
pub async fn fresh_database(server_url: &str, prefix: &str) -> StoreResult<String> {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let clean: String = prefix
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(30)
        .collect::<String>()
        .to_ascii_lowercase();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let name = format!(
        "{clean}_{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let mut conn = PgConnection::connect(server_url)
        .await
        .map_err(|source| StoreError::Open {
            path: crate::postgres::redact(server_url),
            source,
        })?;
    sqlx::query(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut conn)
        .await
        .ctx("create a test database")?;
    let _ = conn.close().await;
    Ok(with_database(server_url, &name))
}

/// `url` naming database `name` instead of its own.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_names_replace_the_path() {
        assert_eq!(
            super::with_database("postgres://u@h:1/postgres", "t1"),
            "postgres://u@h:1/t1"
        );
        assert_eq!(
            super::with_database("postgres://u@h:1/postgres?sslmode=disable", "t1"),
            "postgres://u@h:1/t1?sslmode=disable"
        );
        assert_eq!(
            super::with_database("postgres://u@h:1", "t1"),
            "postgres://u@h:1/t1"
        );
    }
}
