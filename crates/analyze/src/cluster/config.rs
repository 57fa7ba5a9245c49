//! The one clustering configuration: thresholds, weights and window sizes.
//! `ClusterConfig::default()` is what ingest, `storyline cluster` and
//! `storyline eval cluster` all use. BENCHMARKS.md ("Calibration: the settings and
//! why") gives the reason and the measured figures behind each value.

use chrono::TimeDelta;

use crate::syndication::SyndicationConfig;

/// Everything that decides how articles become stories.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterConfig {
    /// Minimum similarity (coverage, see `coverage_weight`, × name factor × time
    /// factor) for an article to join an open story; below it the article opens a
    /// story.
    pub join_threshold: f32,
    /// The same when the article and the story both have full texts (the
    /// similarity then also counts the single most similar member).
    pub body_join_threshold: f32,
    /// Share of a story's members with subjects (the names an article mentions
    /// most) that must share one for a full text that never mentions it to be
    /// held back.
    pub subject_share: f32,
    /// How much such an article is held back: similarity × (1 − this).
    pub subject_penalty: f32,
    /// Share of the similarity that is coverage (the article's term weight
    /// found in the story's members, by share of members) rather than cosine to
    /// the centroid; coverage does not shrink as a story's vocabulary grows,
    /// which matters for headlines.
    pub coverage_weight: f32,
    /// How much an article whose lead names (who did what) the story does not
    /// share is held back: similarity × (1 − `name_penalty` × shortfall), where
    /// shortfall = 1 − agreement / `name_agreement` when positive.
    pub name_penalty: f32,
    /// Name agreement from which no penalty applies.
    pub name_agreement: f32,
    /// Minimum centroid cosine (× time factor × name factor) for two open
    /// stories told in full text to be merged.
    pub merge_threshold: f32,
    /// The same when either story has only headlines: a headline centroid has
    /// few terms, so the cosine of two halves of one story is lower.
    pub headline_merge_threshold: f32,
    /// The headline merge threshold grows with the smaller story's size n:
    /// × (1 + this × ln n), since a centroid averaged over many headlines is
    /// denser and two large neighbouring stories reach a higher cosine.
    pub merge_size_growth: f32,
    /// Minimum centroid cosine for two stories to be listed as related.
    pub related_threshold: f32,
    /// Members of a story whose two halves (2-means) have a centroid cosine below
    /// this are split apart; 0 disables splitting.
    pub split_threshold: f32,
    /// Stories are checked for drift when they reach this size, then every
    /// `split_every` articles.
    pub split_min_members: usize,
    /// See `split_min_members`.
    pub split_every: usize,
    /// A story with no new coverage for this long (by publication time) closes.
    pub quiet_period: TimeDelta,
    /// A story with no new coverage during this many arrivals closes even when
    /// its quiet period has not passed: this bounds the open window (memory and
    /// the cost per article) on a busy stream.
    pub quiet_articles: u64,
    /// An undated story (its last coverage carries no date) closes after this
    /// many arrivals without new coverage: arrivals are the only clock it has, so
    /// this is its quiet period. Calibrated on MStream, the undated set (B-cubed
    /// F1 0.849–0.852 from 300 to 500 arrivals, 0.835 at 2,000).
    pub undated_quiet_articles: u64,
    /// Hard cap on open stories; the quietest close first.
    pub max_open_stories: usize,
    /// Time gap between an article and a story at which the similarity is
    /// divided by e.
    pub time_scale: TimeDelta,
    /// Weight of a headline word against a body word.
    pub title_weight: f32,
    /// Extra weight of body words in the lead (the first `lead_words` words).
    pub lead_weight: f32,
    /// Length of the lead, in words.
    pub lead_words: usize,
    /// Body words read beyond the lead; the rest of a long text is ignored.
    pub max_body_words: usize,
    /// Multiplier for names and acronyms (who-did-what evidence).
    pub name_weight: f32,
    /// Terms kept per article vector.
    pub article_terms: usize,
    /// Terms kept per story centroid.
    pub story_terms: usize,
    /// Terms of an article used to look up candidate stories.
    pub query_terms: usize,
    /// Most recent stories read per posting list during a lookup.
    pub max_postings: usize,
    /// Candidate stories scored exactly.
    pub candidates: usize,
    /// Document frequencies are halved after this many articles (a sliding IDF
    /// with bounded memory).
    pub idf_half_life: u64,
    /// Imaginary articles, containing none of the terms, added to the IDF
    /// statistics (cold start of a stream).
    pub idf_prior_docs: f32,
    /// Near-duplicate detection.
    pub syndication: SyndicationConfig,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        Self {
            join_threshold: 0.22,
            body_join_threshold: 0.18,
            subject_share: 0.66,
            subject_penalty: 0.7,
            coverage_weight: 1.0,
            name_penalty: 0.6,
            name_agreement: 0.5,
            merge_threshold: 0.22,
            headline_merge_threshold: 0.15,
            merge_size_growth: 0.3,
            related_threshold: 0.11,
            split_threshold: 0.15,
            split_min_members: 12,
            split_every: 6,
            quiet_period: TimeDelta::days(5),
            quiet_articles: 2_000,
            undated_quiet_articles: 400,
            max_open_stories: 20_000,
            time_scale: TimeDelta::days(2),
            title_weight: 3.0,
            lead_weight: 2.0,
            lead_words: 60,
            max_body_words: 500,
            name_weight: 1.5,
            article_terms: 40,
            story_terms: 120,
            query_terms: 8,
            max_postings: 128,
            candidates: 16,
            idf_half_life: 200_000,
            idf_prior_docs: 200.0,
            syndication: SyndicationConfig::default(),
        }
    }
}
