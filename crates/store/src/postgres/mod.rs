//! The PostgreSQL backend: a shared store for many processes on many machines. The same
//! tables and derived tables as the SQLite store (see `migrations-pg/`), kept by triggers in
//! the database, so every process sees one truth; schema migrations run on open under an
//! advisory lock, so processes starting together migrate once.

mod accounts;
mod articles;
mod days;
mod entities;
mod index_feed;
mod listing;
mod migrate;
#[cfg(test)]
mod plans;
mod serving;
mod sources;
mod stories;
mod work;
mod writer_lock;

pub use work::{Job, JobKind, MAX_ATTEMPTS, NewJob, QueueStatus, WaitingArticle, WorkerSeen};

use std::borrow::Cow;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use storyline_model::{Story, StoryLink};

use crate::error::{QueryContext, StoreError, StoreResult};
use crate::types::{
    ArticleQuery, ArticleRow, Commit, EntitySummary, HitRow, IndexDoc, ItemQuery, ReadScope,
    ReaderItem, Role, SearchChange, SourceMove, SourceRow, Stats, StoryCoverage, StoryQuery,
    UnreadCount, UserRow,
};
use crate::{Store, WriterLock};

/// A store in a PostgreSQL database.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    /// The URL without its password, for messages.
    label: String,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("url", &self.label)
            .finish_non_exhaustive()
    }
}

impl PgStore {
    /// The schema version this build creates and reads.
    pub const SCHEMA_VERSION: i64 = migrate::LATEST;

    /// Connects to the database at `url` (`postgres://user:password@host:port/database`, with
    /// libpq's query parameters such as `sslmode` or `host=/run/postgresql` for a socket) and
    /// brings its schema up to date.
    pub async fn open(url: &str) -> StoreResult<Self> {
        Self::open_with(url, 16).await
    }

    /// As [`PgStore::open`], with at most `connections` connections to the server.
    pub async fn open_with(url: &str, connections: u32) -> StoreResult<Self> {
        let label = redact(url);
        let options: PgConnectOptions = url.parse().map_err(|source| StoreError::Open {
            path: label.clone(),
            source,
        })?;
        // Just-in-time compilation of queries pays off for long analytical scans; the store's
        // queries are short and indexed, and compiling them costs tens of milliseconds.
        let options = options
            .application_name(&application_name())
            .options([("jit", "off")]);
        let pool = PgPoolOptions::new()
            .max_connections(connections.max(2))
            .min_connections(0)
            .acquire_timeout(Duration::from_secs(30))
            .idle_timeout(Some(Duration::from_secs(300)))
            .max_lifetime(Some(Duration::from_secs(1800)))
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Open {
                path: label.clone(),
                source,
            })?;
        migrate::run(&pool).await?;
        Ok(Self { pool, label })
    }

    /// The database's schema version.
    pub async fn schema_version(&self) -> StoreResult<i64> {
        migrate::current(&self.pool).await
    }

    /// The URL this store was opened with, its password left out.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The underlying pool, for backend-specific tools (benchmarks, maintenance, tests).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes the pool, waiting for connections to finish.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The channel editorial changes are announced on.
const CHANGES_CHANNEL: &str = "storyline_changes";

/// `url` with any password replaced by `***`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(at) => rest.split_at(at),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((user, host)) => match user.split_once(':') {
            Some((name, _)) => format!("{scheme}://{name}:***@{host}{tail}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// How this process names itself to the server (seen in `pg_stat_activity`, and by
/// `storyline status` for the holder of a lock): host and process id.
pub fn application_name() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown-host".into());
    let mut name = format!("storyline {host} pid {}", std::process::id());
    // PostgreSQL keeps 63 bytes.
    while name.len() > 63 {
        name.pop();
    }
    name
}

/// Text as PostgreSQL can hold it: its text type refuses the NUL character, which SQLite
/// keeps, so NULs are left out of everything written (and of the keys looked up, so a key
/// finds what was written under it).
pub(crate) fn text(value: &str) -> Cow<'_, str> {
    if value.contains('\0') {
        Cow::Owned(value.replace('\0', ""))
    } else {
        Cow::Borrowed(value)
    }
}

/// [`text`] of each value, for an array bind.
pub(crate) fn texts(values: &[String]) -> Vec<String> {
    values.iter().map(|v| text(v).into_owned()).collect()
}

/// [`text`] of an optional value.
pub(crate) fn opt_text(value: Option<&str>) -> Option<Cow<'_, str>> {
    value.map(text)
}

pub(crate) use crate::rows::{from_ts, to_ts};

/// A list as its JSON column, each string without NULs: the triggers read lists as `jsonb`,
/// which refuses an escaped NUL (`\u0000`) and would drop the whole list.
pub(crate) fn json_list(values: &[String]) -> String {
    let clean: Vec<Cow<'_, str>> = values.iter().map(|v| text(v)).collect();
    serde_json::to_string(&clean).unwrap_or_else(|_| "[]".into())
}

#[async_trait]
impl Store for PgStore {
    async fn writer_lock(&self) -> StoreResult<WriterLock> {
        writer_lock::take(&self.pool).await.map(WriterLock::holding)
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
            sqlx::query("UPDATE articles SET story_id = $1 WHERE id = $2")
                .bind(text(story_id))
                .bind(text(article_id))
                .execute(&mut *tx)
                .await
                .ctx("move article")?;
        }
        for (article_id, original_id) in &commit.duplicates {
            sqlx::query(
                "UPDATE articles SET duplicate_of = $1, original_url = COALESCE(\
                 (SELECT COALESCE(o.original_url, o.web_url) FROM articles o WHERE o.id = $1), \
                 original_url) WHERE id = $2",
            )
            .bind(text(original_id))
            .bind(text(article_id))
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
            sqlx::query("UPDATE articles SET extra = $1 WHERE id = $2 AND extra IS NULL")
                .bind(text(record))
                .bind(text(article_id))
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
        sqlx::query_scalar("SELECT id FROM articles WHERE web_url = $1 ORDER BY seq LIMIT 1")
            .bind(text(url))
            .fetch_optional(&self.pool)
            .await
            .ctx("article by url")
    }

    async fn known_url(&self, url: &str) -> StoreResult<Option<(String, bool)>> {
        let found: Option<(String, i64)> = sqlx::query_as(
            "SELECT id, feed_only FROM articles WHERE web_url = $1 ORDER BY seq LIMIT 1",
        )
        .bind(text(url))
        .fetch_optional(&self.pool)
        .await
        .ctx("article by url")?;
        Ok(found.map(|(id, feed_only)| (id, feed_only != 0)))
    }

    async fn newest_published(&self) -> StoreResult<Option<DateTime<Utc>>> {
        let newest: Option<i64> = sqlx::query_scalar("SELECT max(published_at) FROM articles")
            .fetch_one(&self.pool)
            .await
            .ctx("newest publication")?;
        Ok(newest.map(from_ts))
    }

    async fn article_id_by_content_hash(&self, hash: &str) -> StoreResult<Option<String>> {
        sqlx::query_scalar("SELECT id FROM articles WHERE content_hash = $1 ORDER BY seq LIMIT 1")
            .bind(text(hash))
            .fetch_optional(&self.pool)
            .await
            .ctx("article by content hash")
    }

    async fn article_source_record(&self, id: &str) -> StoreResult<Option<String>> {
        let value: Option<Option<String>> =
            sqlx::query_scalar("SELECT extra FROM articles WHERE id = $1")
                .bind(text(id))
                .fetch_optional(&self.pool)
                .await
                .ctx("article source record")?;
        Ok(value.flatten())
    }

    async fn articles_after(&self, after_seq: i64, limit: u32) -> StoreResult<Vec<ArticleRow>> {
        articles::after(&self.pool, after_seq, limit).await
    }

    async fn first_seq_since(&self, since: DateTime<Utc>) -> StoreResult<Option<i64>> {
        // OFFSET 0 keeps the planner reading the arrivals since `since` by their index; as a
        // plain MIN(seq) it walks arrival order from the oldest article instead, which costs
        // the whole archive before `since`.
        sqlx::query_scalar(
            "SELECT min(seq) FROM (SELECT seq FROM articles WHERE ingested_at >= $1 OFFSET 0) r",
        )
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
        let done = sqlx::query("UPDATE articles SET images = $1 WHERE id = $2")
            .bind(text(&json))
            .bind(text(id))
            .execute(&self.pool)
            .await
            .ctx("set article images")?;
        Ok(done.rows_affected() > 0)
    }

    async fn set_article_published(&self, id: &str, published: bool) -> StoreResult<bool> {
        let done = sqlx::query("UPDATE articles SET published = $1 WHERE id = $2")
            .bind(i64::from(published))
            .bind(text(id))
            .execute(&self.pool)
            .await
            .ctx("set article published")?;
        Ok(done.rows_affected() > 0)
    }

    async fn set_story_published(&self, id: &str, published: bool) -> StoreResult<bool> {
        let Some(id) = self.resolve_story(id).await? else {
            return Ok(false);
        };
        let done = sqlx::query("UPDATE stories SET published = $1 WHERE id = $2")
            .bind(i64::from(published))
            .bind(text(&id))
            .execute(&self.pool)
            .await
            .ctx("set story published")?;
        Ok(done.rows_affected() > 0)
    }

    async fn set_story_pinned(&self, id: &str, pinned: bool) -> StoreResult<bool> {
        let Some(id) = self.resolve_story(id).await? else {
            return Ok(false);
        };
        let done = sqlx::query("UPDATE stories SET pinned = $1 WHERE id = $2")
            .bind(i64::from(pinned))
            .bind(text(&id))
            .execute(&self.pool)
            .await
            .ctx("set story pinned")?;
        Ok(done.rows_affected() > 0)
    }

    async fn set_provider_blocked(&self, domain: &str, blocked: bool) -> StoreResult<()> {
        let query = if blocked {
            sqlx::query("INSERT INTO blocked_providers(domain, blocked_at) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(text(domain))
                .bind(to_ts(Utc::now()))
        } else {
            sqlx::query("DELETE FROM blocked_providers WHERE domain = $1").bind(text(domain))
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
        PgStore::close(self).await;
    }

    async fn announce_change(&self) -> StoreResult<()> {
        sqlx::query("SELECT pg_notify($1, '')")
            .bind(CHANGES_CHANNEL)
            .execute(&self.pool)
            .await
            .ctx("announce a change")?;
        Ok(())
    }

    async fn changes(&self) -> StoreResult<Option<tokio::sync::mpsc::Receiver<()>>> {
        let mut listener = sqlx::postgres::PgListener::connect_with(&self.pool)
            .await
            .ctx("listen for changes: connect")?;
        listener
            .listen(CHANGES_CHANNEL)
            .await
            .ctx("listen for changes")?;
        let (tx, rx) = tokio::sync::mpsc::channel(16);
        tokio::spawn(async move {
            loop {
                // `try_recv` gives `None` when the connection was lost; the listener then
                // reconnects on the next call, and whatever was announced meanwhile is
                // unknown, so that counts as a change too.
                let message = match listener.try_recv().await {
                    Ok(_) => (),
                    Err(error) => {
                        tracing::warn!(%error, "listening for changes failed; retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                };
                match tx.try_send(message) {
                    Ok(()) | Err(tokio::sync::mpsc::error::TrySendError::Full(())) => {}
                    Err(tokio::sync::mpsc::error::TrySendError::Closed(())) => return,
                }
            }
        });
        Ok(Some(rx))
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
