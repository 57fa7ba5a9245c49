//! The SQLite backend: one file, WAL journal, schema migrations applied on open.

mod accounts;
mod articles;
mod days;
mod entities;
mod index_feed;
mod library;
mod listing;
mod migrate;
mod serving;
mod sources;
mod stories;
mod writer_lock;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use storyline_model::{Story, StoryLink};

use crate::error::{QueryContext, StoreError, StoreResult};
use crate::types::{
    ArticleQuery, ArticleRow, Commit, EntitySummary, HitRow, IndexDoc, ItemQuery, ReadScope,
    ReaderItem, Role, SearchChange, SourceMove, SourceRow, Stats, StoryCoverage, StoryQuery,
    UnreadCount, UserRow,
};
use crate::{Store, WriterLock};

/// A store in one SQLite file.
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// The database file (`None` in memory), beside which the writer lock file lives.
    path: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// The schema version this build creates and reads (SQLite's `user_version` once every
    /// migration in `migrations/` is applied).
    pub const SCHEMA_VERSION: i64 = migrate::LATEST;

    /// Opens (creating when missing) the database at `path` and brings its schema up to date.
    pub async fn open(path: &Path) -> StoreResult<Self> {
        Self::open_at_version(path, Self::SCHEMA_VERSION).await
    }

    /// Opens (creating when missing) the database at `path` and applies migrations only up
    /// to schema `version`, leaving a newer database as it is: a store as an older storyline
    /// left it, for upgrade tests and tools. Write its rows with plain SQL through
    /// [`SqliteStore::pool`] (the [`Store`] methods speak the current schema), close it, and
    /// [`SqliteStore::open`] upgrades it.
    pub async fn open_at_version(path: &Path, version: i64) -> StoreResult<Self> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Io {
                context: format!("cannot create directory {}", parent.display()),
                source,
            })?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .pragma("temp_store", "memory")
            .pragma("cache_size", "-65536")
            // Readers take pages straight from the OS page cache through a shared mapping
            // instead of copying each into every connection's own cache (SQLite caps this at
            // its compile-time limit; the rest of a bigger file is read as before).
            .pragma("mmap_size", "4294967296")
            .foreign_keys(true);
        let mut store = Self::connect(options, &path.display().to_string(), Some(version)).await?;
        store.path = Some(path.to_path_buf());
        Ok(store)
    }

    /// Opens the database at `path` for reading only, as a file this process may not write (a
    /// backup, a store owned by another account): nothing is created, migrated or written, and
    /// SQLite treats the file as unchanging. A store of another schema version is an error
    /// that says how to upgrade it.
    pub async fn open_read_only(path: &Path) -> StoreResult<Self> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .read_only(true)
            .immutable(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("temp_store", "memory")
            .pragma("cache_size", "-65536")
            .foreign_keys(true);
        let mut store = Self::connect(options, &path.display().to_string(), None).await?;
        let found = store.schema_version().await?;
        if found != Self::SCHEMA_VERSION {
            return Err(StoreError::NotCurrent {
                path: path.display().to_string(),
                found,
                known: Self::SCHEMA_VERSION,
            });
        }
        store.path = Some(path.to_path_buf());
        Ok(store)
    }

    /// Opens a private in-memory database (tests, `storyline cluster`).
    pub async fn open_in_memory() -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:").map_err(|source| {
            StoreError::Open {
                path: ":memory:".into(),
                source,
            }
        })?;
        Self::connect(options, ":memory:", Some(Self::SCHEMA_VERSION)).await
    }

    /// Connects and, given a `version`, migrates up to it.
    async fn connect(
        options: SqliteConnectOptions,
        label: &str,
        version: Option<i64>,
    ) -> StoreResult<Self> {
        library::configure();
        let in_memory = label == ":memory:";
        let pool = SqlitePoolOptions::new()
            // An in-memory database lives in one connection; a file serves many readers.
            .max_connections(if in_memory { 1 } else { 8 })
            .min_connections(if in_memory { 1 } else { 0 })
            // sqlx would ping the connection's worker thread before every query by default: a
            // second round trip per query that SQLite (no network in between) does not need.
            .test_before_acquire(false)
            .idle_timeout(if in_memory {
                None
            } else {
                Some(Duration::from_secs(300))
            })
            .max_lifetime(if in_memory {
                None
            } else {
                Some(Duration::from_secs(1800))
            })
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Open {
                path: label.to_string(),
                source,
            })?;
        if let Some(version) = version {
            migrate::run(&pool, version).await?;
        }
        Ok(Self { pool, path: None })
    }

    /// The database's schema version (SQLite's `user_version`).
    pub async fn schema_version(&self) -> StoreResult<i64> {
        sqlx::query_scalar("PRAGMA user_version")
            .fetch_one(&self.pool)
            .await
            .ctx("read schema version")
    }

    /// The underlying pool, for backend-specific tools (benchmarks, maintenance).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Closes the pool, waiting for connections to finish (checkpoints the WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

pub(crate) use crate::rows::{from_ts, to_ts};

pub(crate) fn json_list(values: &[String]) -> String {
    serde_json::to_string(values).unwrap_or_else(|_| "[]".into())
}

#[async_trait]
impl Store for SqliteStore {
    async fn writer_lock(&self) -> StoreResult<WriterLock> {
        match &self.path {
            Some(path) => writer_lock::take(path).map(WriterLock::holding),
            None => Ok(WriterLock::private()),
        }
    }

    async fn commit(&self, commit: &Commit) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.ctx("begin commit")?;
        for row in &commit.articles {
            articles::insert(&mut tx, row).await?;
        }
        for row in &commit.upgrades {
            articles::upgrade(&mut tx, row).await?;
        }
        for (article_id, story_id) in &commit.moves {
            sqlx::query("UPDATE articles SET story_id = ? WHERE id = ?")
                .bind(story_id)
                .bind(article_id)
                .execute(&mut *tx)
                .await
                .ctx("move article")?;
        }
        for (article_id, original_id) in &commit.duplicates {
            sqlx::query("UPDATE articles SET duplicate_of = ?, original_url = COALESCE((SELECT COALESCE(original_url, web_url) FROM articles WHERE id = ?), original_url) WHERE id = ?")
                .bind(original_id)
                .bind(original_id)
                .bind(article_id)
                .execute(&mut *tx)
                .await
                .ctx("mark duplicate")?;
        }
        for (from, into) in &commit.merges {
            stories::merge(&mut tx, from, into).await?;
        }
        for story in &commit.stories {
            stories::upsert(&mut tx, story).await?;
        }
        for (article_id, record) in &commit.source_records {
            sqlx::query("UPDATE articles SET extra = ? WHERE id = ? AND extra IS NULL")
                .bind(record)
                .bind(article_id)
                .execute(&mut *tx)
                .await
                .ctx("keep source record")?;
        }
        for (story_id, links) in &commit.links {
            stories::replace_links(&mut tx, story_id, links).await?;
        }
        for (article_id, entities) in &commit.entities {
            entities::replace(&mut tx, article_id, entities).await?;
        }
        tx.commit().await.ctx("commit")
    }

    async fn entity(&self, slug: &str) -> StoreResult<Option<EntitySummary>> {
        entities::entity(&self.pool, slug).await
    }

    async fn story_entities(&self, story_id: &str, limit: u32) -> StoreResult<Vec<EntitySummary>> {
        entities::of_story(&self.pool, story_id, limit).await
    }

    async fn trending_entities(
        &self,
        since: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<EntitySummary>> {
        entities::trending(&self.pool, since, limit).await
    }

    async fn add_user(&self, name: &str, role: Role, password_hash: &str) -> StoreResult<bool> {
        accounts::add_user(&self.pool, name, role, password_hash).await
    }

    async fn remove_user(&self, name: &str) -> StoreResult<bool> {
        accounts::remove_user(&self.pool, name).await
    }

    async fn users(&self) -> StoreResult<Vec<UserRow>> {
        accounts::users(&self.pool).await
    }

    async fn user(&self, name: &str) -> StoreResult<Option<UserRow>> {
        accounts::user_by(&self.pool, accounts::UserKey::Name, name).await
    }

    async fn user_by_fever_key(&self, key: &str) -> StoreResult<Option<UserRow>> {
        accounts::user_by(&self.pool, accounts::UserKey::FeverKey, key).await
    }

    async fn set_user_password(&self, name: &str, hash: &str) -> StoreResult<bool> {
        accounts::set_password(&self.pool, name, hash).await
    }

    async fn set_app_password(
        &self,
        name: &str,
        hash: &str,
        api_token: &str,
        fever_key: &str,
    ) -> StoreResult<bool> {
        accounts::set_app_password(&self.pool, name, hash, api_token, fever_key).await
    }

    async fn mark_articles(
        &self,
        user_id: i64,
        seqs: &[i64],
        read: Option<bool>,
        starred: Option<bool>,
    ) -> StoreResult<u64> {
        accounts::mark(&self.pool, user_id, seqs, read, starred).await
    }

    async fn mark_all_read(
        &self,
        user_id: i64,
        scope: &ReadScope,
        up_to: Option<DateTime<Utc>>,
    ) -> StoreResult<u64> {
        accounts::mark_all_read(&self.pool, user_id, scope, up_to).await
    }

    async fn reader_items(&self, user_id: i64, query: &ItemQuery) -> StoreResult<Vec<ReaderItem>> {
        accounts::reader_items(&self.pool, user_id, query).await
    }

    async fn reader_ids(&self, user_id: i64, query: &ItemQuery) -> StoreResult<Vec<i64>> {
        accounts::reader_ids(&self.pool, user_id, query).await
    }

    async fn unread_counts(&self, user_id: i64) -> StoreResult<Vec<UnreadCount>> {
        accounts::unread_counts(&self.pool, user_id).await
    }

    async fn article_marks(
        &self,
        user_id: i64,
        article_ids: &[String],
    ) -> StoreResult<Vec<(String, bool, bool)>> {
        accounts::marks_of(&self.pool, user_id, article_ids).await
    }

    async fn story_unread(
        &self,
        user_id: i64,
        story_ids: &[String],
    ) -> StoreResult<Vec<(String, u64)>> {
        accounts::story_unread(&self.pool, user_id, story_ids).await
    }

    async fn article_seqs(&self, article_ids: &[String]) -> StoreResult<Vec<i64>> {
        accounts::seqs_of(&self.pool, article_ids).await
    }

    async fn article(&self, id: &str) -> StoreResult<Option<ArticleRow>> {
        articles::by_id(&self.pool, id).await
    }

    async fn article_id_by_url(&self, url: &str) -> StoreResult<Option<String>> {
        sqlx::query_scalar("SELECT id FROM articles WHERE web_url = ? LIMIT 1")
            .bind(url)
            .fetch_optional(&self.pool)
            .await
            .ctx("article by url")
    }

    async fn known_url(&self, url: &str) -> StoreResult<Option<(String, bool)>> {
        sqlx::query_as("SELECT id, feed_only FROM articles WHERE web_url = ? LIMIT 1")
            .bind(url)
            .fetch_optional(&self.pool)
            .await
            .ctx("article by url")
    }

    async fn newest_published(&self) -> StoreResult<Option<DateTime<Utc>>> {
        let newest: Option<i64> = sqlx::query_scalar("SELECT max(published_at) FROM articles")
            .fetch_one(&self.pool)
            .await
            .ctx("newest publication")?;
        Ok(newest.map(from_ts))
    }

    async fn article_id_by_content_hash(&self, hash: &str) -> StoreResult<Option<String>> {
        sqlx::query_scalar("SELECT id FROM articles WHERE content_hash = ? ORDER BY seq LIMIT 1")
            .bind(hash)
            .fetch_optional(&self.pool)
            .await
            .ctx("article by content hash")
    }

    async fn article_source_record(&self, id: &str) -> StoreResult<Option<String>> {
        let value: Option<Option<String>> =
            sqlx::query_scalar("SELECT extra FROM articles WHERE id = ?")
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .ctx("article source record")?;
        Ok(value.flatten())
    }

    async fn articles_after(&self, after_seq: i64, limit: u32) -> StoreResult<Vec<ArticleRow>> {
        articles::after(&self.pool, after_seq, limit).await
    }

    async fn first_seq_since(&self, since: DateTime<Utc>) -> StoreResult<Option<i64>> {
        sqlx::query_scalar("SELECT MIN(seq) FROM articles WHERE ingested_at >= ?")
            .bind(to_ts(since))
            .fetch_one(&self.pool)
            .await
            .ctx("first seq since")
    }

    async fn story(&self, id: &str) -> StoreResult<Option<Story>> {
        match self.resolve_story(id).await? {
            Some(id) => stories::by_id(&self.pool, &id).await,
            None => Ok(None),
        }
    }

    async fn resolve_story(&self, id: &str) -> StoreResult<Option<String>> {
        stories::resolve(&self.pool, id).await
    }

    async fn stories(&self, query: &StoryQuery) -> StoreResult<Vec<Story>> {
        stories::list(&self.pool, query).await
    }

    async fn story_articles(&self, story_id: &str) -> StoreResult<Vec<ArticleRow>> {
        articles::of_story(&self.pool, story_id).await
    }

    async fn story_members(&self, story_id: &str) -> StoreResult<Vec<ArticleRow>> {
        articles::members_of_story(&self.pool, story_id).await
    }

    async fn story_coverage(&self, id: &str) -> StoreResult<Option<StoryCoverage>> {
        serving::story_coverage(&self.pool, id).await
    }

    async fn stories_by_ids(&self, ids: &[String]) -> StoreResult<Vec<Option<Story>>> {
        serving::stories_by_ids(&self.pool, ids).await
    }

    async fn story_links(&self, story_id: &str) -> StoreResult<Vec<StoryLink>> {
        let mut conn = self.pool.acquire().await.ctx("story links: connection")?;
        stories::links(&mut conn, story_id).await
    }

    async fn stories_active_since(&self, since: DateTime<Utc>) -> StoreResult<Vec<Story>> {
        stories::active_since(&self.pool, since).await
    }

    async fn articles(&self, query: &ArticleQuery) -> StoreResult<Vec<ArticleRow>> {
        listing::run(&self.pool, query).await
    }

    async fn last_seq(&self) -> StoreResult<i64> {
        let seq: Option<i64> = sqlx::query_scalar("SELECT max(seq) FROM articles")
            .fetch_one(&self.pool)
            .await
            .ctx("last seq")?;
        Ok(seq.unwrap_or(0))
    }

    async fn search_changes(&self, after: i64, limit: u32) -> StoreResult<Vec<SearchChange>> {
        index_feed::changes(&self.pool, after, limit).await
    }

    async fn last_search_change(&self) -> StoreResult<i64> {
        index_feed::last_change(&self.pool).await
    }

    async fn index_docs(&self, seqs: &[i64]) -> StoreResult<Vec<IndexDoc>> {
        index_feed::docs(&self.pool, seqs).await
    }

    async fn index_docs_after(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> StoreResult<(Vec<IndexDoc>, Option<i64>)> {
        index_feed::docs_after(&self.pool, after_seq, limit).await
    }

    async fn hit_rows(&self, seqs: &[i64], body_chars: u32) -> StoreResult<Vec<HitRow>> {
        index_feed::hit_rows(&self.pool, seqs, body_chars).await
    }

    async fn add_source(&self, source: &SourceRow) -> StoreResult<bool> {
        sources::add(&self.pool, source).await
    }

    async fn sources(&self) -> StoreResult<Vec<SourceRow>> {
        sources::all(&self.pool).await
    }

    async fn remove_source(&self, url_or_id: &str) -> StoreResult<bool> {
        sources::remove(&self.pool, url_or_id).await
    }

    async fn move_source(&self, id: i64, url: &str) -> StoreResult<SourceMove> {
        sources::move_to(&self.pool, id, url).await
    }

    async fn former_source_urls(&self, id: i64) -> StoreResult<Vec<String>> {
        sources::former_urls(&self.pool, id).await
    }

    async fn update_source(&self, source: &SourceRow) -> StoreResult<()> {
        sources::update(&self.pool, source).await
    }

    async fn due_sources(&self, now: DateTime<Utc>) -> StoreResult<Vec<SourceRow>> {
        sources::due(&self.pool, now).await
    }

    async fn set_article_images(
        &self,
        id: &str,
        images: &[storyline_model::Image],
    ) -> StoreResult<bool> {
        let json = articles::images_json(images)?;
        let done = sqlx::query("UPDATE articles SET images = ? WHERE id = ?")
            .bind(json)
            .bind(id)
            .execute(&self.pool)
            .await
            .ctx("set article images")?;
        Ok(done.rows_affected() > 0)
    }

    async fn set_article_published(&self, id: &str, published: bool) -> StoreResult<bool> {
        let done = sqlx::query("UPDATE articles SET published = ? WHERE id = ?")
            .bind(published)
            .bind(id)
            .execute(&self.pool)
            .await
            .ctx("set article published")?;
        Ok(done.rows_affected() > 0)
    }

    async fn set_story_published(&self, id: &str, published: bool) -> StoreResult<bool> {
        let Some(id) = self.resolve_story(id).await? else {
            return Ok(false);
        };
        let done = sqlx::query("UPDATE stories SET published = ? WHERE id = ?")
            .bind(published)
            .bind(&id)
            .execute(&self.pool)
            .await
            .ctx("set story published")?;
        Ok(done.rows_affected() > 0)
    }

    async fn set_story_pinned(&self, id: &str, pinned: bool) -> StoreResult<bool> {
        let Some(id) = self.resolve_story(id).await? else {
            return Ok(false);
        };
        let done = sqlx::query("UPDATE stories SET pinned = ? WHERE id = ?")
            .bind(pinned)
            .bind(&id)
            .execute(&self.pool)
            .await
            .ctx("set story pinned")?;
        Ok(done.rows_affected() > 0)
    }

    async fn set_provider_blocked(&self, domain: &str, blocked: bool) -> StoreResult<()> {
        let query = if blocked {
            sqlx::query("INSERT OR IGNORE INTO blocked_providers(domain, blocked_at) VALUES (?, ?)")
                .bind(domain)
                .bind(to_ts(Utc::now()))
        } else {
            sqlx::query("DELETE FROM blocked_providers WHERE domain = ?").bind(domain)
        };
        query.execute(&self.pool).await.ctx("block provider")?;
        Ok(())
    }

    async fn blocked_providers(&self) -> StoreResult<Vec<String>> {
        sqlx::query_scalar("SELECT domain FROM blocked_providers ORDER BY domain")
            .fetch_all(&self.pool)
            .await
            .ctx("blocked providers")
    }

    async fn close(&self) {
        SqliteStore::close(self).await;
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1 FROM articles LIMIT 1")
            .fetch_optional(&self.pool)
            .await
            .ctx("ping")?;
        Ok(())
    }

    async fn stats(&self) -> StoreResult<Stats> {
        let (articles, stories, sources): (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM articles), \
                    (SELECT COUNT(*) FROM stories WHERE merged_into IS NULL), \
                    (SELECT COUNT(*) FROM sources)",
        )
        .fetch_one(&self.pool)
        .await
        .ctx("stats")?;
        Ok(Stats {
            articles: articles.max(0) as u64,
            stories: stories.max(0) as u64,
            sources: sources.max(0) as u64,
        })
    }

    // ---- serving, editorial and auth (server team) ----

    async fn topic_counts(
        &self,
        published_only: bool,
        limit: u32,
    ) -> StoreResult<Vec<(String, u64)>> {
        serving::topic_counts(&self.pool, published_only, limit).await
    }

    async fn provider_counts(
        &self,
        limit: u32,
    ) -> StoreResult<Vec<(storyline_model::Provider, u64)>> {
        serving::provider_counts(&self.pool, limit).await
    }

    async fn provider_domain_named(&self, name: &str) -> StoreResult<Option<String>> {
        serving::provider_domain_named(&self.pool, name).await
    }

    async fn articles_of_stories(&self, story_ids: &[String]) -> StoreResult<Vec<ArticleRow>> {
        serving::articles_of_stories(&self.pool, story_ids).await
    }
}
