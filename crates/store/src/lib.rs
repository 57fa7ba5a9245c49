//! Storage for storyline. Everything the pipeline and the views keep goes through the
//! [`Store`] trait; [`SqliteStore`] is the embedded default (one file, WAL, no server) and
//! [`PgStore`] the shared one (PostgreSQL, for many processes on many machines). A
//! [`Location`] says which a `--db` names.
//!
//! **Architecture invariant:** only this crate knows SQL. The pipeline hands it plain
//! data ([`ArticleRow`], [`Commit`]) and reads plain data back; both backends implement the
//! same trait and the pipeline never knows which it writes to.
//!
//! Writes that belong together (an article, the story it joined, merges and links that
//! followed from it) go in one [`Commit`], applied in one transaction: a crash leaves
//! either all of it or none of it.

mod copy;
mod error;
mod location;
mod postgres;
mod rows;
mod sqlite;
pub mod testing;
mod types;

pub use copy::{CopyProgress, CopyReport, TableCount, copy_sqlite_to_postgres};
pub use error::{StoreError, StoreResult};
pub use location::Location;
pub use postgres::{
    Job, JobKind, MAX_ATTEMPTS, NewJob, PgStore, QueueStatus, WaitingArticle, WorkerSeen,
    application_name as process_name, redact,
};
pub use sqlite::SqliteStore;
pub use types::{
    ArticleQuery, ArticleRow, Commit, EntityMention, EntitySummary, HitRow, IndexDoc,
    InsertOutcome, ItemQuery, ReadScope, ReaderItem, Role, SearchChange, SourceMove, SourceRow,
    Stats, StoryCoverage, StoryQuery, Stream, UnreadCount, UserRow,
};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use storyline_model::{Provider, Story, StoryLink};

/// What every storage backend provides.
#[async_trait]
pub trait Store: Send + Sync {
    /// Takes the store's writer lock: one pipeline (one clusterer) writes articles to a
    /// store at a time, so two ingests cannot interleave and make stories no single run would
    /// make. Held until the returned guard is dropped (or the process ends); a second
    /// attempt while it is held fails with [`StoreError::WriterBusy`]. Readers, the server
    /// and editorial actions do not take it.
    async fn writer_lock(&self) -> StoreResult<WriterLock>;

    /// Applies a set of related writes atomically.
    async fn commit(&self, commit: &Commit) -> StoreResult<()>;

    /// Looks an article up by id.
    async fn article(&self, id: &str) -> StoreResult<Option<ArticleRow>>;
    /// The id of an article already stored under this canonical URL, if any.
    async fn article_id_by_url(&self, url: &str) -> StoreResult<Option<String>>;
    /// The article stored under this canonical URL, if any: its id, and whether it is known
    /// only from its feed's text (a fetch round then tries its page again).
    async fn known_url(&self, url: &str) -> StoreResult<Option<(String, bool)>>;
    /// The newest publication time of any stored article (the news clock heat is judged at).
    async fn newest_published(&self) -> StoreResult<Option<DateTime<Utc>>>;
    /// The id of an article already stored with this content hash, if any.
    async fn article_id_by_content_hash(&self, hash: &str) -> StoreResult<Option<String>>;
    /// The record text an article was ingested from, when it came from a record.
    async fn article_source_record(&self, id: &str) -> StoreResult<Option<String>>;
    /// Articles in arrival order with `seq > after_seq`, at most `limit` (for export and replay).
    async fn articles_after(&self, after_seq: i64, limit: u32) -> StoreResult<Vec<ArticleRow>>;
    /// The arrival sequence number of the first article ingested at or after `since`.
    async fn first_seq_since(&self, since: DateTime<Utc>) -> StoreResult<Option<i64>>;

    /// A story by id, following merges to the surviving story.
    async fn story(&self, id: &str) -> StoreResult<Option<Story>>;
    /// Where a (possibly merged) story id leads now.
    async fn resolve_story(&self, id: &str) -> StoreResult<Option<String>>;
    /// Stories for a front page: pinned first, then by heat.
    async fn stories(&self, query: &StoryQuery) -> StoreResult<Vec<Story>>;
    /// All coverage of a story, oldest first.
    async fn story_articles(&self, story_id: &str) -> StoreResult<Vec<ArticleRow>>;
    /// A story's coverage as [`Store::story_articles`] orders it, without the texts (body,
    /// HTML, sealed part): what a story's summary is computed from.
    async fn story_members(&self, story_id: &str) -> StoreResult<Vec<ArticleRow>>;
    /// Stories related to a story, best first.
    async fn story_links(&self, story_id: &str) -> StoreResult<Vec<StoryLink>>;
    /// Stories whose latest coverage is at or after `since` (for heat refresh).
    async fn stories_active_since(&self, since: DateTime<Utc>) -> StoreResult<Vec<Story>>;

    /// Articles newest arrivals first, filtered by topic, provider and publication dates.
    /// Rows come without `body`, `html` and `secured`.
    async fn articles(&self, query: &ArticleQuery) -> StoreResult<Vec<ArticleRow>>;

    /// The largest arrival sequence number, 0 for an empty store.
    async fn last_seq(&self) -> StoreResult<i64>;

    /// The search change log after `after`: each entry names an article (by `seq`) that was
    /// stored, edited, hidden, shown again or removed since, with the entry's number
    /// (`change`); ascending by `change`, at most `limit`. An article is listed once, under
    /// its latest change. A search index reads these articles anew ([`Store::index_docs`])
    /// and remembers the last `change` it has read.
    async fn search_changes(&self, after: i64, limit: u32) -> StoreResult<Vec<SearchChange>>;
    /// The largest `change` of the search change log, 0 when it is empty. Cheap enough to
    /// poll often.
    async fn last_search_change(&self) -> StoreResult<i64>;
    /// The articles of `seqs` that exist and that the public sees (see
    /// [`ArticleQuery::visible_only`]), as a search index reads them, ascending by `seq`. An
    /// article left out is one the index should not hold.
    async fn index_docs(&self, seqs: &[i64]) -> StoreResult<Vec<IndexDoc>>;
    /// A page of the whole archive for building a search index: of the (at most) `limit`
    /// articles after `after_seq` in arrival order, those the public sees, and the last
    /// `seq` of the page, from which the next page goes on (`None` when no article comes
    /// after `after_seq`). A page costs its own rows.
    async fn index_docs_after(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> StoreResult<(Vec<IndexDoc>, Option<i64>)>;
    /// The articles of search hits (by `seq`) as the store holds them now, in the order of
    /// `seqs`, unknown ones left out: listing columns, the body cut to its first
    /// `body_chars` characters (for snippets), how their stories stand and whether the
    /// public sees them.
    async fn hit_rows(&self, seqs: &[i64], body_chars: u32) -> StoreResult<Vec<HitRow>>;

    /// Adds a source; returns false when its URL is already followed (as a source's address
    /// or as one a source moved away from).
    async fn add_source(&self, source: &SourceRow) -> StoreResult<bool>;
    /// All sources, in the order they were added.
    async fn sources(&self) -> StoreResult<Vec<SourceRow>>;
    /// Removes a source by id, URL or a former URL; returns false when there was none.
    async fn remove_source(&self, url_or_id: &str) -> StoreResult<bool>;
    /// Moves a source to `url` after its feed moved there permanently; its old URL stays
    /// known (see [`Store::add_source`]). When another source already has `url`, that one
    /// is kept and this one is removed ([`SourceMove::Joined`]).
    async fn move_source(&self, id: i64, url: &str) -> StoreResult<SourceMove>;
    /// The URLs a source moved away from, oldest move first.
    async fn former_source_urls(&self, id: i64) -> StoreResult<Vec<String>>;
    /// Saves a source's polling state after a poll.
    async fn update_source(&self, source: &SourceRow) -> StoreResult<()>;
    /// Sources due for a poll at `now`.
    async fn due_sources(&self, now: DateTime<Utc>) -> StoreResult<Vec<SourceRow>>;

    /// Replaces an article's images (after the image cache has measured them).
    async fn set_article_images(
        &self,
        id: &str,
        images: &[storyline_model::Image],
    ) -> StoreResult<bool>;
    /// Sets the editorial `published` flag of an article.
    async fn set_article_published(&self, id: &str, published: bool) -> StoreResult<bool>;
    /// Sets the editorial `published` flag of a story.
    async fn set_story_published(&self, id: &str, published: bool) -> StoreResult<bool>;
    /// Pins or unpins a story on the front page.
    async fn set_story_pinned(&self, id: &str, pinned: bool) -> StoreResult<bool>;
    /// Blocks (or unblocks) a provider by registrable domain.
    async fn set_provider_blocked(&self, domain: &str, blocked: bool) -> StoreResult<()>;
    /// Providers that are blocked.
    async fn blocked_providers(&self) -> StoreResult<Vec<String>>;

    /// Row counts.
    async fn stats(&self) -> StoreResult<Stats>;
    /// Tells every other process serving this store that an editorial action changed what
    /// readers see, so they drop what they rendered before it (PostgreSQL: `NOTIFY`). A store
    /// only one process serves has no one to tell.
    async fn announce_change(&self) -> StoreResult<()> {
        Ok(())
    }

    /// Editorial changes announced by any process (this one included), one message each, for
    /// as long as the receiver is kept; after a lost connection one message stands for
    /// whatever may have been missed. `None` for a store only one process serves.
    async fn changes(&self) -> StoreResult<Option<tokio::sync::mpsc::Receiver<()>>> {
        Ok(None)
    }

    /// Closes the store's connections, waiting for them to finish (SQLite folds its journal
    /// into the file). Calls made after it fail.
    async fn close(&self) {}

    /// Whether the store answers a read, at a cost that does not grow with its size (for
    /// health checks; [`Store::stats`] counts every row).
    async fn ping(&self) -> StoreResult<()>;

    // ---- serving, editorial and auth (server team) ----

    /// Topics of live stories with how many stories carry each, most common first.
    async fn topic_counts(
        &self,
        published_only: bool,
        limit: u32,
    ) -> StoreResult<Vec<(String, u64)>>;
    /// Providers with how many articles each has, most prolific first.
    async fn provider_counts(&self, limit: u32) -> StoreResult<Vec<(Provider, u64)>>;
    /// The domain of the outlet the archive knows by `name` (case and a leading "The"
    /// aside), the one with the most articles when several share it.
    async fn provider_domain_named(&self, name: &str) -> StoreResult<Option<String>>;
    /// All coverage of the listed stories (at most 200), each story's oldest first. Listings
    /// show no text, so a backend may leave `body`, `html` and `secured` empty.
    async fn articles_of_stories(&self, story_ids: &[String]) -> StoreResult<Vec<ArticleRow>>;
    /// An entity by slug with how many articles name it; `None` when no article does.
    async fn entity(&self, slug: &str) -> StoreResult<Option<EntitySummary>>;
    /// A story's key entities: those most of its original articles name, first.
    async fn story_entities(&self, story_id: &str, limit: u32) -> StoreResult<Vec<EntitySummary>>;
    /// The entities with the most heat among published stories covered since `since`.
    async fn trending_entities(
        &self,
        since: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<EntitySummary>>;
    /// Adds an account (name already normalised); false when the name is taken.
    async fn add_user(&self, name: &str, role: Role, password_hash: &str) -> StoreResult<bool>;
    /// Removes an account with its marks; false when there is none of that name.
    async fn remove_user(&self, name: &str) -> StoreResult<bool>;
    /// Every account, by name.
    async fn users(&self) -> StoreResult<Vec<UserRow>>;
    /// The account of that name.
    async fn user(&self, name: &str) -> StoreResult<Option<UserRow>>;
    /// The account whose Fever key this is.
    async fn user_by_fever_key(&self, key: &str) -> StoreResult<Option<UserRow>>;
    /// Replaces an account's login password hash; false when there is no such account.
    async fn set_user_password(&self, name: &str, hash: &str) -> StoreResult<bool>;
    /// Replaces an account's app password (hash), Google Reader token and Fever key; false
    /// when there is no such account.
    async fn set_app_password(
        &self,
        name: &str,
        hash: &str,
        api_token: &str,
        fever_key: &str,
    ) -> StoreResult<bool>;
    /// Sets read and/or starred on articles (by `seq`) for a user; a read mark reaches the
    /// articles' syndicated copies and originals. Returns the marks written.
    async fn mark_articles(
        &self,
        user_id: i64,
        seqs: &[i64],
        read: Option<bool>,
        starred: Option<bool>,
    ) -> StoreResult<u64>;
    /// Marks read what of `scope` arrived at or before `up_to` (everything when `None`);
    /// returns how many articles were newly marked.
    async fn mark_all_read(
        &self,
        user_id: i64,
        scope: &ReadScope,
        up_to: Option<DateTime<Utc>>,
    ) -> StoreResult<u64>;
    /// A page of a user's reading stream, with the user's marks.
    async fn reader_items(&self, user_id: i64, query: &ItemQuery) -> StoreResult<Vec<ReaderItem>>;
    /// The `seq`s of a page of a user's reading stream.
    async fn reader_ids(&self, user_id: i64, query: &ItemQuery) -> StoreResult<Vec<i64>>;
    /// Unread articles per source for a user.
    async fn unread_counts(&self, user_id: i64) -> StoreResult<Vec<UnreadCount>>;
    /// A user's marks on the listed articles (by id): `(id, read, starred)` for the marked.
    async fn article_marks(
        &self,
        user_id: i64,
        article_ids: &[String],
    ) -> StoreResult<Vec<(String, bool, bool)>>;
    /// Unread articles per story for a user, for the listed stories (none: left out).
    async fn story_unread(
        &self,
        user_id: i64,
        story_ids: &[String],
    ) -> StoreResult<Vec<(String, u64)>>;
    /// The `seq`s of the listed articles (by id); unknown ids are left out.
    async fn article_seqs(&self, article_ids: &[String]) -> StoreResult<Vec<i64>>;
    /// A story (following merges) with all its coverage, oldest first, and its links: what
    /// a story page reads. Like [`Store::articles_of_stories`], rows may come without their
    /// texts.
    async fn story_coverage(&self, id: &str) -> StoreResult<Option<StoryCoverage>> {
        let Some(story) = self.story(id).await? else {
            return Ok(None);
        };
        let articles = self.story_articles(&story.id).await?;
        let links = self.story_links(&story.id).await?;
        Ok(Some(StoryCoverage {
            story,
            articles,
            links,
        }))
    }
    /// Stories by id (at most 200), each following merges: one entry per id asked (after
    /// the 200th, `None`), `None` for an unknown id.
    async fn stories_by_ids(&self, ids: &[String]) -> StoreResult<Vec<Option<Story>>> {
        let mut out = Vec::with_capacity(ids.len());
        for (i, id) in ids.iter().enumerate() {
            out.push(if i < 200 { self.story(id).await? } else { None });
        }
        Ok(out)
    }
}

/// Holds a store's writer lock until dropped (see [`Store::writer_lock`]).
pub struct WriterLock {
    _held: Option<Box<dyn std::any::Any + Send + Sync>>,
}

impl WriterLock {
    /// A lock holding `held` (a backend's handle) until dropped.
    pub fn holding(held: impl std::any::Any + Send + Sync) -> Self {
        Self {
            _held: Some(Box::new(held)),
        }
    }

    /// A lock with nothing to hold (a store no other process can reach, such as an
    /// in-memory one).
    pub fn private() -> Self {
        Self { _held: None }
    }
}

impl std::fmt::Debug for WriterLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriterLock").finish_non_exhaustive()
    }
}
