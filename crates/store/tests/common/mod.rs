//! Each store test runs against every backend: SQLite in a temporary file always, and
//! PostgreSQL in a new database on the server named by `STORYLINE_TEST_POSTGRES` (see
//! `storyline_store::testing`). Without that variable the PostgreSQL half is skipped and says
//! so; under CI it fails.

#![allow(dead_code)]

#[path = "../../../../test-support/required.rs"]
mod required;

use std::sync::Arc;

use storyline_store::{PgStore, SqliteStore, Store, testing};

/// A store under test with what keeps it alive.
pub struct Backend {
    /// "sqlite" or "postgres", for assertion messages.
    pub name: &'static str,
    pub store: Arc<dyn Store>,
    pub sqlite: Option<SqliteStore>,
    pub postgres: Option<PgStore>,
    /// How to open the same store again (a path or a URL).
    pub location: String,
    _dir: Option<tempfile::TempDir>,
}

impl Backend {
    /// Opens the same store again, as a second process would.
    pub async fn reopen(&self) -> Arc<dyn Store> {
        match (&self.sqlite, &self.postgres) {
            (Some(_), _) => Arc::new(
                SqliteStore::open(std::path::Path::new(&self.location))
                    .await
                    .unwrap(),
            ),
            (_, Some(_)) => Arc::new(PgStore::open(&self.location).await.unwrap()),
            _ => unreachable!("a backend is one of the two"),
        }
    }
}

/// A fresh SQLite store in a temporary folder.
pub async fn sqlite() -> Backend {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/store.db");
    let store = SqliteStore::open(&path).await.unwrap();
    Backend {
        name: "sqlite",
        store: Arc::new(store.clone()),
        sqlite: Some(store),
        postgres: None,
        location: path.display().to_string(),
        _dir: Some(dir),
    }
}

/// A fresh PostgreSQL store in a new database, or `None` (skipped, or failing under CI)
/// when no server is configured.
pub async fn postgres() -> Option<Backend> {
    let Some(server) = testing::postgres_server() else {
        required::absent(
            "a PostgreSQL server for the PostgreSQL half of this test",
            &format!(
                "${} (a URL; .ci/postgres.sh starts one)",
                testing::POSTGRES_VAR
            ),
        );
        return None;
    };
    let url = testing::fresh_database(&server, "store_test")
        .await
        .unwrap();
    let store = PgStore::open(&url).await.unwrap();
    Some(Backend {
        name: "postgres",
        store: Arc::new(store.clone()),
        sqlite: None,
        postgres: Some(store),
        location: url,
        _dir: None,
    })
}

/// Every backend this run can reach: SQLite, then PostgreSQL when configured.
pub async fn backends() -> Vec<Backend> {
    let mut all = vec![sqlite().await];
    all.extend(postgres().await);
    all
}
