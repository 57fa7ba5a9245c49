//! `storyline search` and `storyline reindex`: the search index from the command line.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use serde::Serialize;
use storyline_search::{SearchIndex, SearchQuery};

use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// Words, "quoted phrases", a OR b, -excluded words.
    pub query: String,
    /// Only articles on this topic.
    #[arg(long)]
    pub topic: Option<String>,
    /// Only articles from this provider's domain.
    #[arg(long)]
    pub provider: Option<String>,
    /// Only articles in this language (`en`, `deu`).
    #[arg(long)]
    pub lang: Option<String>,
    /// Every matching article instead of one per story.
    #[arg(long)]
    pub all: bool,
    /// How many results to show.
    #[arg(long, default_value_t = 20)]
    pub limit: u32,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ReindexArgs {}

/// A result as printed (`--json`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct HitView {
    id: String,
    title: String,
    provider: String,
    published: Option<chrono::DateTime<chrono::Utc>>,
    story_id: Option<String>,
    snippet: String,
    score: f64,
    more_in_story: u32,
}

/// Opens the index beside the store.
async fn open(settings: &Settings) -> anyhow::Result<SearchIndex> {
    let dir = settings.search_index()?;
    SearchIndex::open(&dir)
        .with_context(|| format!("cannot open the search index at {}", dir.display()))
}

pub async fn search(args: SearchArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let store = super::open_existing_store(settings).await?;
    let index = open(settings).await?;
    // The index follows the store: what was stored since it last looked is added first.
    if index.behind(store.as_ref()).await? {
        index.catch_up(store.as_ref()).await?;
    }
    let results = index
        .search(
            store.as_ref(),
            &SearchQuery {
                text: args.query.clone(),
                topic: args.topic.clone(),
                provider: args.provider.clone(),
                language: args.lang.clone(),
                grouped: !args.all,
                limit: args.limit,
                ..SearchQuery::default()
            },
        )
        .await?;
    let hits: Vec<HitView> = results
        .hits
        .into_iter()
        .filter(|h| h.visible)
        .map(|h| HitView {
            id: h.article.article.id.clone(),
            title: h.article.article.title.clone(),
            provider: match h.article.article.provider.name.as_str() {
                "" | storyline_pipeline::UNKNOWN_PROVIDER => "(outlet not named)".to_string(),
                name => name.to_string(),
            },
            published: h.article.article.published_date_time,
            story_id: h.article.story_id.clone(),
            snippet: h.snippet,
            score: h.score,
            more_in_story: h.more_in_story,
        })
        .collect();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&hits)?);
    } else if hits.is_empty() {
        println!("No articles match.");
    } else {
        let mut out = String::new();
        for (i, h) in hits.iter().enumerate() {
            let when = h
                .published
                .map(|t| t.format("%Y-%m-%d").to_string())
                .unwrap_or_default();
            out.push_str(&format!(
                "{:>2}. {}\n    {} {}",
                i + 1,
                h.title,
                h.provider,
                when
            ));
            if h.more_in_story > 0 {
                out.push_str(&format!(" · {} more from this story", h.more_in_story));
            }
            out.push_str(&format!("\n    {}\n", h.snippet));
        }
        for line in out.lines() {
            println!("{}", crate::progress::printable(line));
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

pub async fn reindex(_args: ReindexArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let store = super::open_existing_store(settings).await?;
    let index = open(settings).await?;
    let started = Instant::now();
    let bar = crate::progress::bar(0, true, "articles read");
    let applied = index
        .rebuild(store.as_ref(), &|at, last| {
            bar.set_length(last.max(0) as u64);
            bar.set_position(at.max(0) as u64);
        })
        .await?;
    bar.finish_and_clear();
    eprintln!(
        "search index rebuilt: {} articles in {:.1?} ({} MiB on disk) at {}",
        applied.indexed,
        started.elapsed(),
        index.size_on_disk() / (1024 * 1024),
        settings.search_index()?.display()
    );
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
