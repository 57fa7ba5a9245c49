//! Plain data exchanged with a store.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use storyline_model::{Article, Story, StoryLink};

/// An article as stored: the article itself plus where the pipeline placed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleRow {
    pub article: Article,
    /// Arrival order; 0 for a row not yet stored.
    pub seq: i64,
    pub story_id: Option<String>,
    /// The earliest near-identical copy, when this one is syndication.
    pub duplicate_of: Option<String>,
    pub ingested_at: DateTime<Utc>,
    /// Hash of the normalised text, for exact-duplicate checks.
    pub content_hash: String,
    /// Sanitized HTML for display, when the source had HTML.
    pub html: Option<String>,
    /// The sealed private part (`base64(ciphertext);base64(nonce)`).
    pub secured: Option<String>,
    /// Known only from its feed's text: the page could not be fetched or held no article.
    pub feed_only: bool,
}

/// Outcome of offering an article to the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsertOutcome {
    Inserted,
    /// Already stored (same id); nothing was written.
    Existing,
}

/// Writes that belong together, applied in one transaction.
#[derive(Debug, Clone, Default)]
pub struct Commit {
    /// New articles (ignored when their id is already stored).
    pub articles: Vec<ArticleRow>,
    /// Moves of stored articles to another story: `(article_id, story_id)`.
    pub moves: Vec<(String, String)>,
    /// Marks of stored articles as syndicated copies: `(article_id, original_id)`.
    pub duplicates: Vec<(String, String)>,
    /// Story merges: `(from, into)`; `from` keeps its row and redirects.
    pub merges: Vec<(String, String)>,
    /// Story summaries to create or replace.
    pub stories: Vec<Story>,
    /// Replaces the related-story links of each listed story.
    pub links: Vec<(String, Vec<StoryLink>)>,
    /// Stored articles replaced in place by a fuller text (same id, story and arrival order):
    /// text, metadata, quality and the sealed part are rewritten.
    pub upgrades: Vec<ArticleRow>,
    /// The record an article was read from, kept verbatim so an export keeps its unknown
    /// fields: `(article_id, record_text)`.
    pub source_records: Vec<(String, String)>,
    /// The entities an article names, replacing any stored for it: `(article_id, entities)`.
    pub entities: Vec<(String, Vec<EntityMention>)>,
}

/// A person, organisation or place an article names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityMention {
    /// The entity's key in addresses: lower case, words joined by `-` (`moonshot-ai`).
    pub slug: String,
    /// As written (`Moonshot AI`).
    pub name: String,
    /// `organization`, `person` or `place`.
    pub kind: String,
    /// Times the article names it.
    pub mentions: u32,
}

/// An entity as a page shows it, with how much of the coverage names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntitySummary {
    pub slug: String,
    pub name: String,
    pub kind: String,
    /// Articles naming it (in the scope asked: all, a story's, the last day's).
    pub articles: u64,
    /// Summed heat of the stories naming it (trending lists only; 0 elsewhere).
    pub heat: i64,
}

/// Which stories a front page shows.
#[derive(Debug, Clone)]
pub struct StoryQuery {
    pub limit: u32,
    pub offset: u32,
    /// Only stories whose editorial flag is set.
    pub published_only: bool,
    pub topic: Option<String>,
    /// Only stories with coverage from this provider domain.
    pub provider: Option<String>,
    /// Only stories whose coverage names this entity (by slug), newest coverage first
    /// instead of hottest first.
    pub entity: Option<String>,
}

impl Default for StoryQuery {
    fn default() -> Self {
        Self {
            limit: 50,
            offset: 0,
            published_only: false,
            topic: None,
            provider: None,
            entity: None,
        }
    }
}

/// A listing of articles, newest arrivals first, narrowed by filters only (no words).
#[derive(Debug, Clone, Default)]
pub struct ArticleQuery {
    pub topic: Option<String>,
    pub provider: Option<String>,
    /// Publication dates, both ends inclusive.
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Only what the public sees: published articles of providers not blocked, in
    /// published stories (or in none).
    pub visible_only: bool,
    pub limit: u32,
    pub offset: u32,
}

/// What a story page reads: a story (after following merges), all its coverage oldest
/// first (rows may come without their texts), and its links to related stories, best first.
#[derive(Debug, Clone)]
pub struct StoryCoverage {
    pub story: Story,
    pub articles: Vec<ArticleRow>,
    pub links: Vec<StoryLink>,
}

/// An article as the search index reads it: the text it is searched by and the fields
/// it is filtered, grouped and ranked by.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexDoc {
    pub seq: i64,
    pub id: String,
    pub story_id: Option<String>,
    pub title: String,
    pub excerpt: String,
    pub body: String,
    pub provider_domain: String,
    pub topics: Vec<String>,
    pub category: String,
    /// As the article says (`en`, `de-AT`), when it says.
    pub language: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub ingested_at: DateTime<Utc>,
}

/// One entry of the store's search change log: the article with this `seq` was stored,
/// edited, hidden, shown again or removed, and an index should read it anew. `change`
/// numbers only grow, in commit order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchChange {
    pub change: i64,
    pub seq: i64,
}

/// A search hit's article as the store holds it now.
#[derive(Debug, Clone)]
pub struct HitRow {
    /// The listing columns, with `body` cut to the start asked for (for snippets).
    pub article: ArticleRow,
    /// The article has no story, or its story is stored and not merged into another.
    pub story_live: bool,
    /// The article has no story, or its story's editorial flag is set.
    pub story_published: bool,
    /// What the public sees: published, from a provider not blocked, in a published
    /// story that was not merged away (or in none).
    pub visible: bool,
}

/// A followed source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceRow {
    pub id: i64,
    pub url: String,
    /// `feed`, `sitemap` or `page`.
    pub kind: String,
    pub title: Option<String>,
    pub group: Option<String>,
    /// The fetcher's polling state, serialized (JSON).
    pub state: Option<String>,
    pub next_poll: DateTime<Utc>,
    pub last_error: Option<String>,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
    /// What the last fetch round did with the source (JSON, written by the pipeline).
    pub last_round: Option<String>,
}

/// What moving a source to a new address did (see `Store::move_source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceMove {
    /// The source now has the new address; the old one is kept as a former address.
    Moved,
    /// Another source already had the new address: that one is kept, this one was removed
    /// and its addresses are now the other's former ones.
    Joined { into: i64 },
    /// There is no such source (removed meanwhile).
    Missing,
}

/// Row counts of a store.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Stats {
    pub articles: u64,
    pub stories: u64,
    pub sources: u64,
}

/// What an account may do: admins keep the sources and the editorial side; readers read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Reader,
}

impl Role {
    /// The stored and displayed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Reader => "reader",
        }
    }

    /// The role a name stands for (`admin`, `reader`).
    pub fn parse(name: &str) -> Option<Role> {
        match name.trim().to_ascii_lowercase().as_str() {
            "admin" => Some(Role::Admin),
            "reader" => Some(Role::Reader),
            _ => None,
        }
    }
}

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub id: i64,
    /// Normalised (trimmed, lowercase) login name.
    pub name: String,
    pub role: Role,
    /// Argon2 PHC string of the login password.
    pub password_hash: String,
    /// Argon2 PHC string of the app password for the reading APIs, once one was made.
    pub app_password_hash: Option<String>,
    /// The token a Google Reader login hands out, made with the app password.
    pub api_token: Option<String>,
    /// md5 hex of `name:app password`, the key Fever clients send.
    pub fever_key: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Which articles a reading stream holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stream {
    /// Every article of every source (a reader's "reading list").
    All,
    /// The articles of one source.
    Source(i64),
    /// The articles of the sources in a group.
    Group(String),
    /// The articles the user starred.
    Starred,
    /// The articles the user read.
    Read,
    /// The coverage of one story (any source, or none).
    Story(String),
    /// The lead article of each public story, hottest first (pinned stories on top); pages
    /// go by `offset`.
    TopStories,
}

/// A page of a reader's stream. Articles come in arrival order (`seq`), newest first unless
/// `oldest_first`; a page continues after `after` (the last `seq` of the previous one).
#[derive(Debug, Clone)]
pub struct ItemQuery {
    pub stream: Stream,
    /// Leave out what the user read.
    pub unread_only: bool,
    /// Only what the user starred.
    pub starred_only: bool,
    /// Arrived at or after this time.
    pub newer_than: Option<DateTime<Utc>>,
    /// Arrived before this time.
    pub older_than: Option<DateTime<Utc>>,
    /// Only these articles (by `seq`).
    pub seqs: Option<Vec<i64>>,
    /// `seq` greater than this.
    pub min_seq_exclusive: Option<i64>,
    /// `seq` less than this.
    pub max_seq_exclusive: Option<i64>,
    pub oldest_first: bool,
    pub limit: u32,
    /// Rows skipped (the top-stories stream pages by it; the others by `seq`).
    pub offset: u32,
    /// Read texts (body, HTML) too; listings of ids do without.
    pub with_text: bool,
}

impl ItemQuery {
    /// The newest articles of `stream`, `limit` of them, with their texts.
    pub fn new(stream: Stream, limit: u32) -> Self {
        Self {
            stream,
            unread_only: false,
            starred_only: false,
            newer_than: None,
            older_than: None,
            seqs: None,
            min_seq_exclusive: None,
            max_seq_exclusive: None,
            oldest_first: false,
            limit,
            offset: 0,
            with_text: true,
        }
    }
}

/// An article as one user sees it in a reading stream.
#[derive(Debug, Clone)]
pub struct ReaderItem {
    pub row: ArticleRow,
    /// The source it came through (none for articles read from files).
    pub source_id: Option<i64>,
    pub read: bool,
    pub starred: bool,
    /// When the user starred it.
    pub starred_at: Option<DateTime<Utc>>,
}

/// One source's unread articles for a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadCount {
    pub source_id: i64,
    pub unread: u64,
    /// Arrival time of the newest unread article.
    pub newest: Option<DateTime<Utc>>,
}

/// Which articles a "mark all as read" covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadScope {
    All,
    Source(i64),
    Group(String),
    Story(String),
}
