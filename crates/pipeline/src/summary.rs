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
/// A topic names a story when at least this share of its original articles carry it.
const TOPIC_SUPPORT: f64 = 0.4;

/// Summarises a story's coverage as seen at `clock`; `None` for a story with no articles.
/// The lead is chosen by [`lead`]; syndicated copies count toward volume but never lead.
pub fn summarize(story_id: &str, articles: &[ArticleRow], clock: DateTime<Utc>) -> Option<Story> {
    let lead = lead(articles)?;
    let providers = distinct_providers(articles);
    let dated: Vec<DateTime<Utc>> = articles
        .iter()
        .filter_map(|a| a.article.published_date_time)
        .collect();
    let first = dated.iter().min().copied();
    let last = dated.iter().max().copied();
    let topics = story_topics(articles, lead);
    let heat = judge::heat(&heat_input(articles, clock), &HeatConfig::default());
    Some(Story {
        id: story_id.to_string(),
        title: lead.article.title.clone(),
        heat,
        lead_article_id: lead.article.id.clone(),
        article_count: articles.len() as u32,
        provider_count: providers.len() as u32,
        first_published: first,
        last_published: last,
        topics,
        published: true,
        pinned: false,
    })
}

/// The outlets of a story's coverage (by domain, else by name).
fn distinct_providers(articles: &[ArticleRow]) -> HashSet<&str> {
    articles
        .iter()
        .map(|a| {
            if a.article.provider.domain.is_empty() {
                a.article.provider.name.as_str()
            } else {
                a.article.provider.domain.as_str()
            }
        })
        .collect()
}

/// What a story's heat is judged from at `clock`: its counts, times and mean quality (one
/// reading for the heat and for the reasons given for it).
pub fn heat_input(articles: &[ArticleRow], clock: DateTime<Utc>) -> HeatInput {
    let time = |a: &ArticleRow| a.article.published_date_time.unwrap_or(a.ingested_at);
    let dated: Vec<DateTime<Utc>> = articles
        .iter()
        .filter_map(|a| a.article.published_date_time)
        .collect();
    let qualities: Vec<f32> = articles
        .iter()
        .filter_map(|a| a.article.quality.map(f32::from))
        .collect();
    let mean_quality = if qualities.is_empty() {
        30.0
    } else {
        qualities.iter().sum::<f32>() / qualities.len() as f32
    };
    let span_first = dated
        .iter()
        .min()
        .copied()
        .unwrap_or_else(|| articles.iter().map(time).min().unwrap_or(clock));
    let span_last = dated
        .iter()
        .max()
        .copied()
        .unwrap_or_else(|| articles.iter().map(time).max().unwrap_or(clock));
    let recent_count = articles
        .iter()
        .filter(|a| clock - time(a) <= Duration::hours(RECENT_HOURS))
        .count();
    HeatInput {
        article_count: articles.len(),
        provider_count: distinct_providers(articles).len(),
        first_published: span_first,
        last_published: span_last,
        recent_count,
        mean_quality,
        now: clock,
    }
}

/// Why a story is as hot as it is at `clock`, in words (`judge::heat_reasons`).
pub fn heat_reasons(articles: &[ArticleRow], clock: DateTime<Utc>) -> Vec<String> {
    judge::heat_reasons(&heat_input(articles, clock), RECENT_HOURS)
}

/// The topics a story is filed under: those its coverage agrees on, most carried first.
///
/// Each original article (syndicated copies repeat one article's topics) votes for its
/// topics, the lead twice; a topic needs `TOPIC_SUPPORT` of the originals' votes (at least
/// one), so a misfit of one piece among several does not label the whole story.
fn story_topics(articles: &[ArticleRow], lead: &ArticleRow) -> Vec<String> {
    let originals: Vec<&ArticleRow> = articles
        .iter()
        .filter(|a| a.duplicate_of.is_none())
        .collect();
    let voters = if originals.is_empty() {
        articles.iter().collect()
    } else {
        originals
    };
    let mut votes: BTreeMap<&str, usize> = BTreeMap::new();
    for a in &voters {
        let weight = if a.article.id == lead.article.id {
            2
        } else {
            1
        };
        for t in &a.article.topics {
            *votes.entry(t.as_str()).or_default() += weight;
        }
    }
    let needed = ((voters.len() as f64 * TOPIC_SUPPORT).ceil() as usize).max(1);
    let mut topics: Vec<(&str, usize)> = votes.into_iter().filter(|(_, n)| *n >= needed).collect();
    topics.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    topics
        .into_iter()
        .take(MAX_TOPICS)
        .map(|(t, _)| t.to_string())
        .collect()
}

/// The article whose headline a story shows (`judge::lead`: the first good report of the
/// event, not the explainer written about it; never a syndicated copy while an original is
/// there).
pub fn lead(articles: &[ArticleRow]) -> Option<&ArticleRow> {
    let candidates: Vec<judge::LeadCandidate> = articles.iter().map(lead_candidate).collect();
    judge::lead(&candidates).map(|i| &articles[i])
}

/// What the lead choice looks at in a stored article.
fn lead_candidate(a: &ArticleRow) -> judge::LeadCandidate<'_> {
    judge::LeadCandidate {
        original: a.duplicate_of.is_none(),
        published: a.article.published,
        category: &a.article.category,
        quality: a.article.quality,
        time: a.article.published_date_time.unwrap_or(a.ingested_at),
        order: a.seq,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use storyline_model::Article;

    /// A stored article: id, category, quality, hour of publication on one day.
    fn row(id: &str, category: &str, quality: u8, hour: u32) -> ArticleRow {
        let at = Utc.with_ymd_and_hms(2026, 5, 13, hour, 0, 0).single();
        ArticleRow {
            article: Article {
                id: id.into(),
                title: format!("headline {id}"),
                category: category.into(),
                quality: Some(quality),
                published_date_time: at,
                published: true,
                ..Article::default()
            },
            seq: i64::from(hour),
            story_id: Some("s".into()),
            duplicate_of: None,
            ingested_at: Utc.with_ymd_and_hms(2026, 5, 14, 0, 0, 0).unwrap(),
            content_hash: String::new(),
            html: None,
            secured: None,
            feed_only: false,
        }
    }

    fn lead_id(rows: &[ArticleRow]) -> &str {
        lead(rows).map_or("", |a| a.article.id.as_str())
    }

    #[test]
    fn the_first_good_report_leads_not_the_explainer_about_it() {
        let rows = [
            row("explainer", "analysis", 81, 16),
            row("later-report", "news", 80, 20),
            row("first-report", "news", 74, 13),
            row("thin-brief", "news", 53, 9),
        ];
        // The brief came first but is far below the best report; the explainer is better
        // written but is not a report.
        assert_eq!(lead_id(&rows), "first-report");
        let story = summarize("s", &rows, Utc::now()).unwrap();
        assert_eq!(story.title, "headline first-report");
        assert_eq!(story.lead_article_id, "first-report");
    }

    #[test]
    fn a_story_keeps_the_topics_its_coverage_agrees_on() {
        let mut rows = vec![
            row("lead", "news", 80, 9),
            row("second", "news", 75, 10),
            row("third", "news", 70, 11),
            row("fourth", "news", 70, 12),
            row("fifth", "news", 70, 13),
        ];
        let topics: [&[&str]; 5] = [
            &["Sports", "Local"],
            &["Sports"],
            &["Sports", "Technology"],
            &["Sports"],
            &["Sports", "Local"],
        ];
        for (row, topics) in rows.iter_mut().zip(topics) {
            row.article.topics = topics.iter().map(|t| t.to_string()).collect();
        }
        // Two of five votes are needed: Local has the lead's two and one more, Technology one.
        assert_eq!(story_topics(&rows, &rows[0]), ["Sports", "Local"]);
        // Copies do not vote: five copies of the Technology piece change nothing.
        for n in 0..5 {
            let mut copy = rows[2].clone();
            copy.article.id = format!("copy{n}");
            copy.duplicate_of = Some("third".into());
            rows.push(copy);
        }
        assert_eq!(story_topics(&rows, &rows[0]), ["Sports", "Local"]);
        // One article: all its topics.
        assert_eq!(
            story_topics(&rows[2..3], &rows[2]),
            ["Sports", "Technology"]
        );
    }
}
