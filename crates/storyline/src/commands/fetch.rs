//! `storyline fetch --once` and `storyline run`: poll the followed sources, fetch new
//! articles (with their pages when the feed carries only a summary), take each through the
//! pipeline, and cache lead images. `run` keeps doing it, each source at its own adaptive
//! interval, until Ctrl-C; an article is committed whole or not at all, so stopping never
//! leaves anything half-written.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use indicatif::ProgressBar;
use storyline_ingest::fetch::{FetchConfig, Fetcher, GuardConfig, IpRange};
use storyline_ingest::images::{ImageCache, ImageCacheConfig};
use storyline_pipeline::Pipeline;
use storyline_pipeline::cpu::CpuPool;
use storyline_pipeline::round::{
    Observer, RoundCounters, RoundOptions, RoundSummary, Stop, Web, images_by_url_dir,
};
use storyline_store::{SourceRow, Store};

use crate::progress;
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
    /// Pages in hand at once over all hosts: being fetched, extracted or committed (each
    /// host still gets its own politeness limits).
    #[arg(long, default_value_t = RoundOptions::default().budget)]
    pub concurrency: usize,
    /// Seconds between the starts of two requests to one host (robots.txt `Crawl-delay`
    /// raises it per host). Lower it only for servers you run.
    #[arg(long, value_name = "SECONDS")]
    pub politeness_interval: Option<f64>,
    /// New items taken from one feed in one round; the rest are taken in the next rounds.
    #[arg(long, default_value_t = RoundOptions::default().max_items_per_feed)]
    pub max_items_per_feed: usize,
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

/// The fetcher's configuration from the web options: the address guard with its allowed
/// ranges, the user agent, the politeness interval.
pub fn fetch_config(options: &WebOptions) -> anyhow::Result<FetchConfig> {
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
    if let Some(seconds) = options.politeness_interval {
        if !(0.0..=3600.0).contains(&seconds) {
            anyhow::bail!("--politeness-interval must be between 0 and 3600 seconds");
        }
        config.politeness.min_interval = Duration::from_secs_f64(seconds);
    }
    Ok(config)
}

/// Builds the web side of the pipeline: the fetcher with its guard and politeness, the
/// extraction pool and the image cache.
pub fn open_web(
    settings: &Settings,
    options: &WebOptions,
    store: Arc<dyn Store>,
) -> anyhow::Result<Web> {
    let config = fetch_config(options)?;
    let per_host = config.politeness.max_concurrent;
    let fetcher = Fetcher::new(config).context("cannot build the HTTP client")?;
    let images = (!options.no_images).then(|| {
        Arc::new(ImageCache::new(ImageCacheConfig::new(
            settings.data_dir.join("images"),
        )))
    });
    Ok(Web {
        store,
        fetcher: Arc::new(fetcher),
        pool: Arc::new(CpuPool::for_machine()),
        images,
        images_by_url: images_by_url_dir(&settings.data_dir),
        options: RoundOptions {
            budget: options.concurrency.max(1),
            max_items_per_feed: options.max_items_per_feed.max(1),
            per_host,
            ..RoundOptions::default()
        },
    })
}

/// Prints each item's line above the progress display.
struct Printer(ProgressBar);

impl Observer for Printer {
    fn line(&self, line: String) {
        let line = progress::printable(&line);
        if self.0.is_hidden() {
            println!("{line}");
        } else {
            self.0.println(line);
        }
    }
}

/// One round with progress on standard error; returns its summary.
async fn round_with_progress(
    web: &Web,
    pipeline: &mut Pipeline,
    sources: Vec<SourceRow>,
    stop: &Stop,
) -> anyhow::Result<RoundSummary> {
    let counters = Arc::new(RoundCounters::default());
    let bar = progress::spinner();
    let ticker = progress::round_ticker(counters.clone(), bar.clone(), Duration::from_secs(10));
    let observer: Arc<dyn Observer> = Arc::new(Printer(bar.clone()));
    let summary = web.round(pipeline, sources, stop, counters, observer).await;
    ticker.abort();
    bar.finish_and_clear();
    Ok(summary?)
}

/// The store, the web side and the pipeline (which takes the store's writer lock).
async fn open_writer(
    settings: &Settings,
    options: &WebOptions,
) -> anyhow::Result<(Arc<dyn Store>, Web, Pipeline)> {
    let store = super::open_store(settings).await?;
    let web = open_web(settings, options, store.clone())?;
    let pipeline = Pipeline::open(
        store.clone(),
        settings.keyring()?,
        settings.pipeline_config()?,
    )
    .await?;
    Ok((store, web, pipeline))
}

pub async fn fetch(args: FetchArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let (store, web, mut pipeline) = open_writer(settings, &args.web).await?;
    let search = super::SearchFeed::start(settings, &store);
    let stop = Stop::default();
    let signals = progress::stop_on_signals(stop.clone());
    let sources: Vec<SourceRow> = if args.once {
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
    let polled = sources.len();
    let summary = round_with_progress(&web, &mut pipeline, sources, &stop).await?;
    signals.abort();
    search.finish(store.as_ref()).await;
    println!("{summary}");
    store.close().await;
    // Nothing came through when every source failed: say so with the exit status.
    if polled > 0 && summary.failed == polled {
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn run(args: RunArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let (store, web, mut pipeline) = open_writer(settings, &args.web).await?;
    let stop = Stop::default();
    let _signals = progress::stop_on_signals(stop.clone());
    let server = if args.no_serve {
        None
    } else {
        let config = super::serve::server_config(&args.serve, settings)?;
        let shutdown = {
            let stop = stop.clone();
            async move { stop.stopped().await }
        };
        let (addr, handle) = super::serve::start(store.clone(), config, false, shutdown).await?;
        println!("serving at http://{addr}/");
        Some(handle)
    };
    // The server keeps the search index up; without one, this job does.
    let search = server
        .is_none()
        .then(|| super::SearchFeed::start(settings, &store));
    println!("polling sources; Ctrl-C stops cleanly");
    while !stop.is_stopped() {
        let due = store.due_sources(Utc::now()).await?;
        if !due.is_empty() {
            let summary = round_with_progress(&web, &mut pipeline, due, &stop).await?;
            println!("{} {summary}", Utc::now().format("%H:%M:%S"));
        }
        // Sleep until the next source is due (at most a minute), waking on a stop.
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
        tokio::select! {
            () = tokio::time::sleep(Duration::from_millis(wait)) => {}
            () = stop.stopped() => {}
        }
    }
    if let Some(server) = server {
        let _ = server.await;
    }
    if let Some(search) = search {
        search.finish(store.as_ref()).await;
    }
    store.close().await;
    println!("stopped");
    Ok(ExitCode::SUCCESS)
}
