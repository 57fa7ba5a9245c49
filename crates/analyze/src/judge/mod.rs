//! Judging articles and stories: what they are about, how good and how hot they are.
//!
//! - [`topics`](mod@topics): a user-editable [`Taxonomy`] (TOML) tags an article with topics
//!   such as `AI` and `Funding`, matched in one pass with an Aho-Corasick automaton.
//! - [`quality`](mod@quality): 0–100 per article, how good a source of its story the piece is.
//! - [`heat`](mod@heat): 0–100 per story, how much it is trending now.
//! - [`summary`](mod@summary): a sentence splitter, the lead excerpt of an article and an
//!   extractive summary of a story.
//! - [`entities`](mod@entities): organisations, people, places and money amounts in an article.
//! - [`facts`](mod@facts): funding rounds and acquisitions read into facts (who, whom, how
//!   much, at what valuation), and merged per story with the outlets' disagreements kept.
//! - [`category`](mod@category): what kind of piece an article is (news, analysis, opinion,
//!   review, press release), so that a story's headline comes from a report.
//! - [`lead`](mod@lead): which article heads a story.
//!
//! Everything here is pure: no I/O, no clock (callers pass `now`), the same output for the same
//! input and configuration.
//!
//! Per article, once extracted: `Taxonomy::classify(title, body)` for its topics,
//! [`excerpt()`]`(body, 300)` for its lead, [`entities()`]`(title, body)` for its names and
//! amounts, and [`quality()`] from extraction facts plus [`original_reporting_hint`] and the
//! near-duplicate verdict. Per story, whenever its coverage changes or time passes: [`heat()`]
//! from its counts, times and mean quality, and [`summary()`] over the sentences of its articles.

pub mod category;
pub mod entities;
pub mod facts;
pub mod heat;
pub mod lead;
mod lexicon;
pub mod quality;
pub mod summary;
pub mod topics;
mod words;

pub use category::{CategoryInput, category, is_reporting};
pub use entities::{Entity, EntityKind, entities, entity_slug};
pub use facts::{
    Amount, Claim, DealFacts, DealKind, StoryFacts, deal_facts, deal_headline, full_name,
    story_facts,
};
pub use heat::{HeatConfig, HeatInput, heat, heat_reasons};
pub use lead::{LeadCandidate, lead};
pub use quality::{QualityConfig, QualityInput, original_reporting_hint, quality, quality_with};
pub use summary::{excerpt, sentences, summary};
pub use topics::{Keyword, Taxonomy, TaxonomyError, TopicDef, TopicScoring};
