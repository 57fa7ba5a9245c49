//! One module per subcommand; each parses nothing itself (clap did) and only wires stages.

pub mod cluster;
pub mod demo;
pub mod eval;
pub mod export;
pub mod extract;
pub mod fetch;
pub mod ingest;
pub mod migrate;
pub mod record;
pub mod search;
pub mod serve;
pub mod sources;
pub mod stories;
pub mod topics;
pub mod users;
pub mod worker;

use std::sync::Arc;

use anyhow::Context;
use storyline_store::{Location, PgStore, SqliteStore, Store};

use crate::settings::Settings;

/// Opens the configured store, creating it when missing (and the data folder, when the store
/// is the default one inside it). A `--db` in a folder that does not exist is an error rather
/// than a folder made from a typo. A PostgreSQL database must exist; its tables are created.
pub async fn open_store(settings: &Settings) -> anyhow::Result<Arc<dyn Store>> {
    let path = match settings.db()? {
        Location::Sqlite(path) => path,
        Location::Postgres(url) => return open_postgres(url).await,
    };
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(std::path::Path::to_path_buf);
    if let Some(folder) = folder.filter(|f| !f.is_dir()) {
        if folder == settings.data_dir {
            std::fs::create_dir_all(&folder)
                .with_context(|| format!("cannot create the data folder {}", folder.display()))?;
        } else {
            anyhow::bail!(
                "cannot open the store at {}: the folder {} does not exist",
                path.display(),
                folder.display()
            );
        }
    }
    open_sqlite(path).await
}

/// Opens the configured store for reading: a store that does not exist yet is an error that
/// says how to make one, not an empty store created on the way.
pub async fn open_existing_store(settings: &Settings) -> anyhow::Result<Arc<dyn Store>> {
    let path = match settings.db()? {
        Location::Sqlite(path) => path,
        Location::Postgres(url) => return open_postgres(url).await,
    };
    if !path.is_file() {
        anyhow::bail!(
            "no store at {} yet: add articles with `storyline ingest PATH` or `storyline fetch`, \
             or name another with --db",
            path.display()
        );
    }
    if !writable(path) {
        let store = SqliteStore::open_read_only(path)
            .await
            .with_context(|| format!("cannot read the store at {}", path.display()))?;
        return Ok(Arc::new(store));
    }
    open_sqlite(path).await
}

/// Whether this process may write the store (the file and, for SQLite's journal, its folder).
fn writable(db: &std::path::Path) -> bool {
    let file = std::fs::OpenOptions::new().append(true).open(db).is_ok();
    let folder = db
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let probe = folder.join(format!(".storyline-write-check-{}", std::process::id()));
    let folder_ok = std::fs::File::create(&probe).is_ok();
    let _ = std::fs::remove_file(&probe);
    file && folder_ok
}

async fn open_sqlite(path: &std::path::Path) -> anyhow::Result<Arc<dyn Store>> {
    let store = SqliteStore::open(path)
        .await
        .with_context(|| format!("cannot open the store at {}", path.display()))?;
    Ok(Arc::new(store))
}

async fn open_postgres(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    let store = PgStore::open(url)
        .await
        .with_context(|| format!("cannot open the store at {}", storyline_store::redact(url)))?;
    Ok(Arc::new(store))
}

/// The search index beside the store, kept up with what a job stores while it runs.
pub struct SearchFeed {
    index: Option<storyline_search::SearchIndex>,
    task: Option<storyline_search::Follower>,
}

impl SearchFeed {
    /// Opens the index and follows the store every second. The index is derived: when it
    /// cannot be opened the job goes on without it (a later search or `reindex` fills it).
    pub fn start(settings: &Settings, store: &Arc<dyn Store>) -> Self {
        let opened = settings
            .search_index()
            .and_then(|dir| Ok(storyline_search::SearchIndex::open(&dir)?));
        match opened {
            Ok(index) => {
                let task = index.follow(store.clone(), std::time::Duration::from_secs(1));
                Self {
                    index: Some(index),
                    task: Some(task),
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "search index not updated");
                Self {
                    index: None,
                    task: None,
                }
            }
        }
    }

    /// Stops following and applies what the job stored since the last look.
    pub async fn finish(mut self, store: &dyn Store) {
        if let Some(task) = self.task.take() {
            task.stop().await;
        }
        if let Some(index) = self.index.take()
            && let Err(e) = index.catch_up(store).await
        {
            tracing::warn!(error = %e, "search index not updated");
        }
    }
}
