//! Story clustering: which articles are the same story, which stories are
//! related, and which articles are copies of one another.
//!
//! # How an article is placed
//! [`StoryClusterer::add`] takes articles one at a time, in arrival order:
//! 1. **Features** ([`features`]): a TF-IDF vector over headline and body terms
//!    (stemmed per language, money folded: `$600M` = `US$600 million`), headline
//!    words ×3, lead words ×2, names and acronyms ×1.5; IDF learned online.
//! 2. **Syndication** ([`crate::syndication`]): a body that copies a recent one
//!    (MinHash resemblance ≥ 0.6, or shared paragraphs covering ≥ half the shorter
//!    text) joins the original's story and reports `duplicate_of`.
//! 3. **Candidates** ([`index`]): open stories sharing the article's 8 heaviest
//!    terms, through an inverted index (at most 512 recent stories per term, 16
//!    candidates scored), so the cost per article does not grow with the archive.
//! 4. **Decision**: similarity = cosine(article, story centroid) ×
//!    exp(−time gap / 2 days). The article joins the best story when the
//!    similarity reaches `join_threshold`, else it opens a story.
//! 5. **Merge / split**: after a join, candidate stories whose centroid cosine
//!    with the grown story reaches `merge_threshold` are merged into the older one
//!    (its id survives; the other id redirects, see [`StoryClusterer::resolve`]).
//!    A story whose members fall into two 2-means halves with centroid cosine
//!    below `split_threshold` splits; the newer half becomes a story.
//! 6. **Window**: a story closes after `quiet_period` (3 days of publication
//!    time) or `quiet_articles` (3,000 arrivals) without new coverage, or when
//!    more than `max_open_stories` are open. Closed stories leave memory.
//!
//! # The join threshold
//! See [`ClusterConfig`]'s defaults; the calibration is described in the
//! report of `storyline eval cluster` and in ARCHITECTURE.md.
//!
//! # Replay
//! `add` is a pure function of the articles given so far (and the config). After
//! a restart, replay articles from [`StoryClusterer::replay_horizon`] on.

mod clusterer;
mod config;
pub mod features;
mod index;
pub mod vector;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use clusterer::StoryClusterer;
pub use config::ClusterConfig;

/// One article as clustering needs it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClusterDoc {
    /// Article id (unique within a stream).
    pub id: String,
    /// Headline.
    pub title: String,
    /// Plain body text; may be empty (headline-only sources).
    #[serde(default)]
    pub text: String,
    /// Publication time, when known.
    #[serde(default)]
    pub published: Option<DateTime<Utc>>,
    /// Outlet name or domain.
    #[serde(default)]
    pub provider: Option<String>,
    /// Canonical URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Language code (`en`, `fr`, `deu`); detected when absent.
    #[serde(default)]
    pub lang: Option<String>,
}

/// Where an article went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Placement {
    /// The story (= id of the story's first article).
    pub story_id: String,
    /// Whether this article opened the story.
    pub new_story: bool,
    /// Article id of the earliest near-identical copy, when this is a copy.
    pub duplicate_of: Option<String>,
    /// What else changed in the window while placing it.
    pub events: Vec<StoryEvent>,
}

/// A change to stories other than "article joined story".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StoryEvent {
    /// Story `from` is now part of `into`; `from` redirects to `into`.
    Merged { from: String, into: String },
    /// Articles `article_ids` left story `from` for the new story `new_story`.
    Split {
        from: String,
        new_story: String,
        article_ids: Vec<String>,
    },
    /// The story left the window of open stories (no new coverage for a while).
    Closed { story_id: String },
}

/// A story linked to another, with a score in 0..=1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RelatedStory {
    pub story_id: String,
    pub score: f32,
}
