//! One module per subcommand; each parses nothing itself (clap did) and only wires stages.

pub mod cluster;
pub mod demo;
pub mod eval;
pub mod export;
pub mod extract;
pub mod fetch;
pub mod ingest;
pub mod record;
pub mod serve;
pub mod sources;
pub mod stories;
pub mod topics;

use std::sync::Arc;

use anyhow::Context;
use storyline_store::{SqliteStore, Store};

use crate::settings::Settings;

/// Opens the configured store.
pub async fn open_store(settings: &Settings) -> anyhow::Result<Arc<SqliteStore>> {
    let store = SqliteStore::open(&settings.db)
        .await
        .with_context(|| format!("cannot open the store at {}", settings.db.display()))?;
    Ok(Arc::new(store))
}

/// The store as the trait object the pipeline and views take.
pub fn as_dyn(store: &Arc<SqliteStore>) -> Arc<dyn Store> {
    store.clone()
}
