//! `storyline fetch --once` and `storyline run`: poll the followed sources, fetch new
//! articles (with their pages when the feed carries only a summary), take each through the
//! pipeline, and cache lead images. `run` keeps doing it, each source at its own adaptive
//! interval, until Ctrl-C; an article is committed whole or not at all, so stopping never
//! leaves anything half-written.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;
use chrono::Utc;
use futures::stream::{self, StreamExt};
use storyline_ingest::article::fetch_article;
use storyline_ingest::fetch::{FetchConfig, Fetcher, GuardConfig, IpRange};
use storyline_ingest::images::{ImageCache, ImageCacheConfig};
use storyline_ingest::poll::{PollOutcome, SourceState, poll};
use storyline_ingest::sources::FeedItem;
use storyline_model::Image;
use storyline_store::{SourceRow, Store};

use crate::pipeline::intake::clean_url;
use crate::pipeline::web::{SourceContext, from_fetched};
use crate::pipeline::{Outcome, Pipeline};
use crate::settings::Settings;

/// How storyline reaches the web.
#[derive(Debug, Clone, clap::Args)]
pub struct WebOptions {
    /// Address ranges that may be fetched although they are not public, e.g. `127.0.0.1/32`
    /// for a feed server on this machine. Everything private is refused otherwise.
    #[arg(
        long = "allow-net",
        env = "STORYLINE_ALLOW_NETS",
        value_delimiter = ',',
        value_name = "CIDR"
    )]
    pub allow_net: Vec<String>,
    /// The User-Agent sent (and matched against robots.txt).
    #[arg(long, env = "STORYLINE_USER_AGENT")]
    pub user_agent: Option<String>,
    /// Do not fetch and cache lead images.
    #[arg(long)]
    pub no_images: bool,
    /// Pages fetched at once (each host still gets its own politeness limits).
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
}

#[derive(Debug, clap::Args)]
pub struct FetchArgs {
    /// Poll every source once (due or not) and exit with a summary.
    #[arg(long)]
    pub once: bool,
    #[command(flatten)]
    pub web: WebOptions,
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub web: WebOptions,
    /// Only poll; do not serve the web UI and API.
    #[arg(long)]
    pub no_serve: bool,
    #[command(flatten)]
    pub serve: super::serve::ServeOptions,
}

/// What one round did.
#[derive(Debug, Default, Clone, Copy)]
pub struct RoundSummary {
    pub sources: usize,
    pub not_modified: usize,
    pub failed: usize,
    pub items: usize,
    pub ingested: usize,
    pub known: usize,
    pub skipped: usize,
    pub images: usize,
}

impl std::fmt::Display for RoundSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} sources polled ({} not modified, {} failed); {} items: {} ingested, {} already known, {} skipped; {} images cached",
            self.sources,
            self.not_modified,
            self.failed,
            self.items,
            self.ingested,
            self.known,
            self.skipped,
            self.images
        )
    }
}

/// The web side of the pipeline: fetcher, image cache, and the pipeline itself.
pub struct Web {
    pub store: Arc<dyn Store>,
    pub pipeline: Pipeline,
    pub fetcher: Fetcher,
    pub images: Option<ImageCache>,
    pub concurrency: usize,
    pub stop: Arc<AtomicBool>,
    /// Where the server finds cached images by URL.
    pub images_by_url: std::path::PathBuf,
}

impl Web {
    pub async fn open(
        settings: &Settings,
        options: &WebOptions,
        store: Arc<dyn Store>,
    ) -> anyhow::Result<Self> {
        let mut guard = GuardConfig::default();
        for range in &options.allow_net {
            let range: IpRange = range
                .parse()
                .with_context(|| format!("--allow-net {range:?}"))?;
            guard.allow.push(range);
        }
        let mut config = FetchConfig {
            guard,
            ..FetchConfig::default()
        };
        if let Some(agent) = &options.user_agent {
            config.user_agent = agent.clone();
        }
        let fetcher = Fetcher::new(config).context("cannot build the HTTP client")?;
        let pipeline = Pipeline::open(
            store.clone(),
            settings.keyring()?,
            settings.pipeline_config()?,
        )
        .await?;
        let images = (!options.no_images)
            .then(|| ImageCache::new(ImageCacheConfig::new(settings.data_dir.join("images"))));
        Ok(Self {
            store,
            pipeline,
            fetcher,
            images,
            concurrency: options.concurrency.max(1),
            stop: Arc::new(AtomicBool::new(false)),
            images_by_url: images_by_url_dir(&settings.data_dir),
        })
    }

    fn stopping(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// Polls the given sources and ingests what is new.
    pub async fn round(&mut self, sources: Vec<SourceRow>) -> anyhow::Result<RoundSummary> {
        let mut summary = RoundSummary {
            sources: sources.len(),
            ..RoundSummary::default()
        };
        let fetcher = &self.fetcher;
        let polled: Vec<(SourceRow, PollOutcome)> = stream::iter(sources)
            .map(|row| async move {
                let state = row
                    .state
                    .as_deref()
                    .and_then(|s| serde_json::from_str::<SourceState>(s).ok())
                    .unwrap_or_else(|| SourceState::new(row.url.clone()));
                let outcome = poll(fetcher, &state).await;
                (row, outcome)
            })
            .buffer_unordered(self.concurrency)
            .collect()
            .await;
        for (mut row, outcome) in polled {
            if self.stopping() {
                break;
            }
            summary.not_modified += usize::from(outcome.not_modified);
            if let Some(error) = &outcome.error {
                summary.failed += 1;
                println!("source {}: {error}", row.url);
            }
            let context = SourceContext {
                feed_url: row.url.clone(),
                feed_title: outcome
                    .meta
                    .as_ref()
                    .and_then(|m| m.title.clone())
                    .or_else(|| row.title.clone()),
            };
            summary.items += outcome.items.len();
            let mut fresh: Vec<FeedItem> = Vec::new();
            for item in &outcome.items {
                let known = match item.url.as_deref() {
                    Some(url) => self
                        .store
                        .article_id_by_url(&clean_url(url))
                        .await?
                        .is_some(),
                    None => false,
                };
                if known {
                    summary.known += 1;
                } else {
                    fresh.push(item.clone());
                }
            }
            let fetched: Vec<_> = stream::iter(fresh)
                .map(|item| async move {
                    let result = fetch_article(fetcher, &item).await;
                    (item, result)
                })
                .buffered(self.concurrency)
                .collect()
                .await;
            for (item, result) in fetched {
                if self.stopping() {
                    break;
                }
                let shown = item
                    .url
                    .clone()
                    .or(item.title.clone())
                    .unwrap_or_else(|| "(item)".into());
                let incoming = match result {
                    Ok(fetched) => from_fetched(&fetched, &context).map_err(|e| e.to_string()),
                    Err(e) => Err(format!("cannot fetch the page: {e}")),
                };
                let incoming = match incoming {
                    Ok(incoming) => incoming,
                    Err(reason) => {
                        summary.skipped += 1;
                        println!("skipped   {shown}: {reason}");
                        continue;
                    }
                };
                let image = incoming.article.images.first().map(|i| i.url.clone());
                match self.pipeline.ingest(incoming).await? {
                    Outcome::Ingested {
                        id,
                        story_id,
                        duplicate_of,
                        ..
                    } => {
                        summary.ingested += 1;
                        let copy = duplicate_of
                            .map(|o| format!(" (syndicated copy of {o})"))
                            .unwrap_or_default();
                        println!("ingested  {shown} → story {story_id}{copy}");
                        if let (Some(cache), Some(url)) = (&self.images, image) {
                            match cache.cache(fetcher, &url).await {
                                Ok(cached) => {
                                    link_by_url(&cached.path, &url, &self.images_by_url);
                                    let images = vec![Image {
                                        url,
                                        width: Some(cached.width),
                                        height: Some(cached.height),
                                        is_cached: true,
                                    }];
                                    self.store.set_article_images(&id, &images).await?;
                                    summary.images += 1;
                                }
                                Err(e) => println!("image     {url}: not cached: {e}"),
                            }
                        }
                    }
                    Outcome::Duplicate { existing, .. } => {
                        summary.known += 1;
                        tracing::debug!(%shown, %existing, "already stored");
                    }
                    Outcome::Skipped(reason) => {
                        summary.skipped += 1;
                        println!("skipped   {shown}: {reason}");
                    }
                }
            }
            let state = &outcome.state;
            row.state = Some(serde_json::to_string(state)?);
            row.next_poll = state.next_poll.unwrap_or_else(|| {
                Utc::now() + chrono::Duration::seconds(state.interval_secs as i64)
            });
            row.last_error = state.last_error.clone();
            if row.title.is_none() {
                row.title = context.feed_title.clone();
            }
            if let Some(kind) = state.kind {
                row.kind = format!("{kind:?}").to_lowercase();
            }
            self.store.update_source(&row).await?;
        }
        self.pipeline.refresh_heat().await?;
        Ok(summary)
    }
}

/// The folder where each cached image is also reachable by its URL's id, for the server.
pub fn images_by_url_dir(data_dir: &std::path::Path) -> std::path::PathBuf {
    data_dir.join("images").join("by-url")
}

/// Makes a content-addressed image reachable under `article_id(url)` (a hard link, or a copy
/// where links are impossible).
fn link_by_url(stored: &std::path::Path, url: &str, dir: &std::path::Path) {
    let target = dir.join(storyline_model::article_id(url));
    if target.exists() {
        return;
    }
    let linked = std::fs::create_dir_all(dir).and_then(|()| {
        std::fs::hard_link(stored, &target).or_else(|_| std::fs::copy(stored, &target).map(|_| ()))
    });
    if let Err(e) = linked {
        tracing::warn!(error = %e, %url, "cannot index a cached image by URL");
    }
}

/// Stops the loop at the next article boundary on Ctrl-C.
fn stop_on_ctrl_c(stop: Arc<AtomicBool>) {
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("stopping after the current article…");
            stop.store(true, Ordering::Relaxed);
        }
    });
}

pub async fn fetch(args: FetchArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let store = super::open_store(settings).await?;
    let mut web = Web::open(settings, &args.web, super::as_dyn(&store)).await?;
    stop_on_ctrl_c(web.stop.clone());
    let sources = if args.once {
        store
            .sources()
            .await?
            .into_iter()
            .filter(|s| s.enabled)
            .collect()
    } else {
        store.due_sources(Utc::now()).await?
    };
    if sources.is_empty() {
        println!("No sources to poll. Add one with `storyline source add URL`.");
    }
    let summary = web.round(sources).await?;
    println!("{summary}");
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

pub async fn run(args: RunArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let store = super::open_store(settings).await?;
    let mut web = Web::open(settings, &args.web, super::as_dyn(&store)).await?;
    stop_on_ctrl_c(web.stop.clone());
    let server = if args.no_serve {
        None
    } else {
        let config = super::serve::server_config(&args.serve, settings)?;
        let stop = web.stop.clone();
        let shutdown = async move {
            while !stop.load(Ordering::Relaxed) {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
        };
        let (addr, handle) =
            super::serve::start(super::as_dyn(&store), config, false, shutdown).await?;
        println!("serving at http://{addr}/");
        Some(handle)
    };
    println!("polling sources; Ctrl-C stops cleanly");
    while !web.stopping() {
        let due = store.due_sources(Utc::now()).await?;
        if !due.is_empty() {
            let summary = web.round(due).await?;
            println!("{} {summary}", Utc::now().format("%H:%M:%S"));
        }
        // Sleep until the next source is due (at most a minute), waking on Ctrl-C.
        let next = store
            .sources()
            .await?
            .into_iter()
            .filter(|s| s.enabled)
            .map(|s| s.next_poll)
            .min();
        let wait = next
            .map(|t| (t - Utc::now()).num_milliseconds().clamp(200, 60_000))
            .unwrap_or(60_000) as u64;
        let mut slept = 0;
        while slept < wait && !web.stopping() {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            slept += 200;
        }
    }
    if let Some(server) = server {
        let _ = server.await;
    }
    store.close().await;
    println!("stopped");
    Ok(ExitCode::SUCCESS)
}
