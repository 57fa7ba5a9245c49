//! Story clustering: which articles are the same story, which stories are
//! related, and which articles are copies of one another.
//!
//! # How an article is placed
//! [`StoryClusterer::add`] takes articles one at a time, in arrival order:
//! 1. **Features** ([`features`]): a TF-IDF vector over headline and body terms
//!    (stemmed per language — whatlang when the article does not say —, money
//!    folded: `$600M` = `US$600 million`), headline words ×3, lead words ×2,
//!    names and acronyms ×1.5; IDF learned online (with a prior of 200 empty
//!    articles for the cold start, halved every 200k articles). Also the lead's
//!    names (who did what), the article's *subjects* (names it mentions at
//!    least 3 times, at most 4: who or what it is about), every term it
//!    mentions, and the body's syndication fingerprint.
//! 2. **Syndication** ([`crate::syndication`]): a body that copies a recent one
//!    (MinHash resemblance ≥ 0.6, or shared paragraphs covering ≥ half the shorter
//!    text) joins the original's story and reports `duplicate_of`.
//! 3. **Candidates** ([`index`]): open stories sharing the article's 8 heaviest
//!    terms, through an inverted index (at most 128 recent stories per term, 16
//!    candidates scored), so the cost per article does not grow with the archive.
//! 4. **Decision**: similarity = coverage × name factor × time factor, where
//!    *coverage* is the share of the article's term weight carried by the story's
//!    members (Σ w(t)·members-with-t/members ÷ Σ w(t)); unlike the cosine to a
//!    centroid it does not shrink as a story's vocabulary grows, which matters for
//!    headlines. *Name factor*: 1 − 0.6 × shortfall, shortfall = 1 − agreement/0.5
//!    when positive, agreement = share of the article's lead names that the story's
//!    members name (MiniMax's and Moonshot AI's rounds share Alibaba, AI and
//!    $2.5 billion but not who raised). *Time factor*: exp(−gap / 2 days), gap =
//!    distance from the article's date to the story's span (1 when undated). The
//!    article joins the best story when the similarity reaches `join_threshold`
//!    (0.22), else it opens a story.
//!    **Full texts** (an article whose body is longer than its lead, against a
//!    story with such members) are compared differently: two full texts share
//!    enough words to be matched one to one, so the similarity is the larger of
//!    coverage and the cosine to the most similar of the last 16 full-text
//!    members; the lead-name factor is replaced by a *subject check* (an article
//!    that never mentions a name which ≥ 66 % of the story's members have among
//!    their subjects is about something else: × 0.3 — the Moonshot AI seed never
//!    names MiniMax); and the threshold is `body_join_threshold` (0.18).
//! 5. **Merge / split**: after a join, candidate stories whose centroid cosine
//!    (× time factor, × name factor when both stories have full texts) with the
//!    grown story reaches `merge_threshold` (0.22, both stories told in full
//!    text) or the headline merge threshold (either story headlines only: a
//!    headline centroid has few terms, so two halves of one story have a lower
//!    cosine than two halves told in full): `headline_merge_threshold` (0.15)
//!    × (1 + `merge_size_growth` (0.3) × ln n), n = the smaller story's size —
//!    a centroid averaged over many headlines is denser, so two large
//!    neighbouring stories sharing one topic word ("black" of Black Friday and
//!    of the film Black Nativity) reach a cosine that two halves of a small
//!    story do not. Matching stories are merged into the older one
//!    (its id survives; the other id redirects, see [`StoryClusterer::resolve`]).
//!    A story whose members fall into two 2-means halves with centroid cosine
//!    below `split_threshold` (0.15, the headline merge threshold before it
//!    grows: halves that would not be merged are not one story) splits; the half without the
//!    story's first article becomes a story named after its earliest member.
//!    Checked at 12 members, then every 6.
//! 6. **Window**: a story closes after `quiet_period` (5 days of publication
//!    time) or `quiet_articles` (2,000 arrivals, a bound on the window) without
//!    new coverage; an undated story (no date on its last coverage) after
//!    `undated_quiet_articles` (400 arrivals, its only clock); any story when
//!    more than `max_open_stories` (20,000) are open. Closed stories leave memory;
//!    so do their syndication fingerprints.
//!
//! # The thresholds
//! One configuration for every input ([`ClusterConfig::default`]): ingest, `storyline cluster`
//! and `storyline eval cluster` all use it. Why each value is what it is, with the figures it
//! was chosen on, is in BENCHMARKS.md ("Calibration: the settings and why");
//! `cargo run --release -p storyline-eval --example eval_cluster -- --sweep` prints the sweeps.
//!
//! # Replay
//! `add` is a pure function of the articles given so far (and the config): no
//! clock, no randomness, no hash-order dependence. After a restart, replay the
//! articles published from [`StoryClusterer::replay_horizon`] on (or, for
//! undated streams, the last `quiet_articles` arrivals): that rebuilds the open
//! window; decisions on earlier articles stand as stored.

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
