//! A story's summary row from its coverage: lead article, counts, time span, topics, heat.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use storyline_analyze::judge::{self, HeatConfig, HeatInput};
use storyline_model::Story;
use storyline_store::ArticleRow;

/// Hours of coverage that count as "recent" for heat.
const RECENT_HOURS: i64 = 6;
/// At most this many topics are shown for a story.
const MAX_TOPICS: usize = 4;

/// Summarises a story's coverage as seen at `clock`; `None` for a story with no articles.
/// The lead is the best original piece (highest quality, then earliest); syndicated copies
/// count toward volume but never lead.
pub fn summarize(story_id: &str, articles: &[ArticleRow], clock: DateTime<Utc>) -> Option<Story> {
    let time = |a: &ArticleRow| a.article.published_date_time.unwrap_or(a.ingested_at);
    let lead = articles
        .iter()
        .filter(|a| a.duplicate_of.is_none())
        .max_by(|a, b| {
            a.article
                .quality
                .cmp(&b.article.quality)
                .then_with(|| time(b).cmp(&time(a)))
                .then_with(|| b.seq.cmp(&a.seq))
        })
        .or_else(|| articles.first())?;
    let providers: HashSet<&str> = articles
        .iter()
        .map(|a| {
            if a.article.provider.domain.is_empty() {
                a.article.provider.name.as_str()
            } else {
                a.article.provider.domain.as_str()
            }
        })
        .collect();
    let dated: Vec<DateTime<Utc>> = articles
        .iter()
        .filter_map(|a| a.article.published_date_time)
        .collect();
    let first = dated.iter().min().copied();
    let last = dated.iter().max().copied();
    let mut topic_counts: BTreeMap<&str, usize> = BTreeMap::new();
    for a in articles {
        for t in &a.article.topics {
            *topic_counts.entry(t.as_str()).or_default() += 1;
        }
    }
    let mut topics: Vec<(&str, usize)> = topic_counts.into_iter().collect();
    topics.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let qualities: Vec<f32> = articles
        .iter()
        .filter_map(|a| a.article.quality.map(f32::from))
        .collect();
    let mean_quality = if qualities.is_empty() {
        30.0
    } else {
        qualities.iter().sum::<f32>() / qualities.len() as f32
    };
    let span_first = first.unwrap_or_else(|| articles.iter().map(time).min().unwrap_or(clock));
    let span_last = last.unwrap_or_else(|| articles.iter().map(time).max().unwrap_or(clock));
    let recent_count = articles
        .iter()
        .filter(|a| clock - time(a) <= Duration::hours(RECENT_HOURS))
        .count();
    let heat = judge::heat(
        &HeatInput {
            article_count: articles.len(),
            provider_count: providers.len(),
            first_published: span_first,
            last_published: span_last,
            recent_count,
            mean_quality,
            now: clock,
        },
        &HeatConfig::default(),
    );
    Some(Story {
        id: story_id.to_string(),
        title: lead.article.title.clone(),
        heat,
        lead_article_id: lead.article.id.clone(),
        article_count: articles.len() as u32,
        provider_count: providers.len() as u32,
        first_published: first,
        last_published: last,
        topics: topics
            .into_iter()
            .take(MAX_TOPICS)
            .map(|(t, _)| t.to_string())
            .collect(),
        published: true,
        pinned: false,
    })
}
