//! `storyline stories`: stories ranked by heat, each with its coverage (provider, title,
//! time) and its related stories — the command-line front page.

use std::collections::HashMap;
use std::process::ExitCode;

use serde::Serialize;
use storyline_model::Story;
use storyline_store::{ArticleRow, Store, StoryQuery};

use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many stories to show.
    #[arg(long, default_value_t = 30)]
    pub limit: u32,
    /// Only stories on this topic.
    #[arg(long)]
    pub topic: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// A story with its coverage, as printed (`--json`: camelCase keys, as the API's).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoryView {
    #[serde(flatten)]
    pub story: Story,
    pub coverage: Vec<CoverageView>,
    pub related: Vec<RelatedView>,
    /// Two or three sentences of the coverage (from the articles' openings), each with its
    /// outlet.
    pub summary: Vec<storyline_pipeline::brief::SummaryLine>,
    /// Why the story is as hot as it is, in words.
    pub heat_reasons: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CoverageView {
    pub id: String,
    pub provider: String,
    pub title: String,
    pub published: Option<chrono::DateTime<chrono::Utc>>,
    pub url: Option<String>,
    pub quality: Option<u8>,
    /// `news`, `analysis`, `opinion`, `review`, `press-release` …
    pub category: String,
    /// Set on syndicated copies: the id of the original.
    pub duplicate_of: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RelatedView {
    pub story_id: String,
    pub title: String,
    pub score: f32,
}

pub async fn run(args: Args, settings: &Settings) -> anyhow::Result<ExitCode> {
    let store = super::open_existing_store(settings).await?;
    let views = load(
        store.as_ref(),
        &StoryQuery {
            limit: args.limit,
            topic: args.topic.clone(),
            ..StoryQuery::default()
        },
    )
    .await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&views)?);
    } else if views.is_empty() {
        println!("No stories yet. Add some with `storyline ingest PATH` or try `storyline demo`.");
    } else {
        print!("{}", render(&views));
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Loads stories with coverage and related stories: the coverage of up to 200 stories per
/// store call, then per story its links and the linked stories (one call each).
pub async fn load(store: &dyn Store, query: &StoryQuery) -> anyhow::Result<Vec<StoryView>> {
    let stories = store.stories(query).await?;
    let mut by_story: HashMap<String, Vec<ArticleRow>> = HashMap::new();
    for chunk in stories.chunks(200) {
        let ids: Vec<String> = chunk.iter().map(|s| s.id.clone()).collect();
        for row in store.articles_of_stories(&ids).await? {
            if let Some(story_id) = row.story_id.clone() {
                by_story.entry(story_id).or_default().push(row);
            }
        }
    }
    // heat is judged at the news clock: the newest publication, never later than now
    let now = chrono::Utc::now();
    let clock = store.newest_published().await?.map_or(now, |t| t.min(now));
    let mut views = Vec::with_capacity(stories.len());
    for story in stories {
        let links = store.story_links(&story.id).await?;
        let ids: Vec<String> = links.iter().map(|l| l.related_story_id.clone()).collect();
        let others = if ids.is_empty() {
            Vec::new()
        } else {
            store.stories_by_ids(&ids).await?
        };
        let mut related: Vec<RelatedView> = Vec::new();
        for (link, other) in links.iter().zip(others) {
            if let Some(other) = other
                && other.id != story.id
                && !related.iter().any(|r| r.story_id == other.id)
            {
                related.push(RelatedView {
                    story_id: other.id,
                    title: other.title,
                    score: link.score,
                });
            }
        }
        let articles = by_story.remove(&story.id).unwrap_or_default();
        views.push(StoryView {
            summary: storyline_pipeline::brief::summary(&articles, |_| true),
            heat_reasons: storyline_pipeline::summary::heat_reasons(&articles, clock),
            coverage: coverage(&story, &articles),
            story,
            related,
        });
    }
    Ok(views)
}

/// The lead first, then the rest by time.
fn coverage(story: &Story, articles: &[ArticleRow]) -> Vec<CoverageView> {
    let mut rows: Vec<&ArticleRow> = articles.iter().collect();
    rows.sort_by_key(|a| {
        (
            a.article.id != story.lead_article_id,
            a.article.published_date_time,
            a.seq,
        )
    });
    rows.into_iter()
        .map(|a| CoverageView {
            id: a.article.id.clone(),
            provider: a.article.provider.name.clone(),
            title: a.article.title.clone(),
            published: a.article.published_date_time,
            url: a.article.web_url.clone(),
            quality: a.article.quality,
            category: a.article.category.clone(),
            duplicate_of: a.duplicate_of.clone(),
        })
        .collect()
}

/// An outlet's name as printed: a text that names no outlet is said to, not shown under a
/// placeholder that reads like a name.
fn shown_provider(name: &str) -> &str {
    if name.is_empty() || name == storyline_pipeline::UNKNOWN_PROVIDER {
        "(outlet not named)"
    } else {
        name
    }
}

/// Techmeme-like text: heat and headline, the lead's provider, then "More:" and "Also
/// published by" (syndicated copies), then related stories. Text from outlets is printed with
/// control characters escaped (stores written before they were scrubbed may hold some).
pub fn render(views: &[StoryView]) -> String {
    render_lines(views)
        .lines()
        .map(|line| crate::progress::printable(line) + "\n")
        .collect()
}

fn render_lines(views: &[StoryView]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for (rank, view) in views.iter().enumerate() {
        let s = &view.story;
        let topics = if s.topics.is_empty() {
            String::new()
        } else {
            format!("  [{}]", s.topics.join(", "))
        };
        let _ = writeln!(
            out,
            "{:>2}. heat {:>3}  {}{}",
            rank + 1,
            s.heat.max(0),
            s.title,
            topics
        );
        let _ = writeln!(
            out,
            "    story {} · {} from {}",
            s.id,
            counted(s.article_count, "article"),
            counted(s.provider_count, "provider")
        );
        for c in view.coverage.iter().filter(|c| c.duplicate_of.is_none()) {
            let when = c
                .published
                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_else(|| "undated".into());
            let _ = writeln!(
                out,
                "    · {:<24} {}  — {}",
                truncate(shown_provider(&c.provider), 24),
                when,
                c.title
            );
        }
        let copies: Vec<&str> = view
            .coverage
            .iter()
            .filter(|c| c.duplicate_of.is_some())
            .map(|c| shown_provider(&c.provider))
            .collect();
        if !copies.is_empty() {
            let _ = writeln!(out, "    Also published by: {}", copies.join(", "));
        }
        for r in &view.related {
            let _ = writeln!(out, "    Related ({:.2}): {}", r.score, r.title);
        }
        out.push('\n');
    }
    out
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut t: String = text.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// "1 article", "5 articles".
fn counted(n: u32, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keys_are_camel_case() {
        let view = StoryView {
            story: Story::default(),
            coverage: vec![CoverageView {
                id: "a".into(),
                provider: "p".into(),
                title: "t".into(),
                published: None,
                url: None,
                quality: None,
                category: "news".into(),
                duplicate_of: Some("b".into()),
            }],
            related: vec![RelatedView {
                story_id: "s".into(),
                title: "r".into(),
                score: 0.5,
            }],
            summary: vec![storyline_pipeline::brief::SummaryLine {
                text: "A sentence.".into(),
                outlet: "Gazette".into(),
                article_id: "a".into(),
            }],
            heat_reasons: vec!["1 outlet with 1 article".into()],
        };
        let json = serde_json::to_value(&view).unwrap();
        assert_eq!(json["summary"][0]["articleId"], "a");
        assert_eq!(json["heatReasons"][0], "1 outlet with 1 article");
        assert_eq!(json["coverage"][0]["duplicateOf"], "b");
        assert_eq!(json["related"][0]["storyId"], "s");
        assert!(json.get("leadArticleId").is_some());
        let text = json.to_string();
        assert!(!text.contains("_of\"") && !text.contains("_id\""), "{text}");
    }

    #[test]
    fn counts_agree_with_their_nouns() {
        assert_eq!(counted(1, "article"), "1 article");
        assert_eq!(counted(0, "provider"), "0 providers");
        assert_eq!(counted(5, "provider"), "5 providers");
    }
}
