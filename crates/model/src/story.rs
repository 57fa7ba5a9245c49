//! Stories: clusters of coverage about one event ([`Story`]), and links between stories that
//! are related but distinct ([`StoryLink`], e.g. two funding rounds led by the same investor).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A cluster of articles about one event, ranked on the front page by `heat`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Story {
    pub id: String,
    pub title: String,
    /// 0–100, or -1 = not scored.
    pub heat: i32,
    /// The article whose headline leads the story.
    pub lead_article_id: String,
    pub article_count: u32,
    pub provider_count: u32,
    pub first_published: Option<DateTime<Utc>>,
    pub last_published: Option<DateTime<Utc>>,
    pub topics: Vec<String>,
    pub published: bool,
    pub pinned: bool,
}

/// Two distinct stories that are related, with a similarity score (higher = closer).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoryLink {
    pub story_id: String,
    pub related_story_id: String,
    pub score: f32,
}
