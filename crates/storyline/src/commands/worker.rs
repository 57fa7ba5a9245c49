//! `storyline worker` and `storyline status`: worker processes over a shared PostgreSQL
//! store, and what they are doing.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use storyline_pipeline::round::Stop;
use storyline_pipeline::worker::{Worker, WorkerOptions};
use storyline_store::{Location, PgStore, Store};

use super::fetch::{WebOptions, open_web};
use crate::progress;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct WorkerArgs {
    #[command(flatten)]
    pub web: WebOptions,
    /// Jobs (polls, pages, images) this worker has in hand at once.
    #[arg(long, default_value_t = 32)]
    pub fetchers: usize,
    /// Seconds a claimed job stays this worker's; a job not finished by then (its worker
    /// died) goes back to the queue.
    #[arg(long, default_value_t = 120, value_name = "SECONDS")]
    pub lease: u64,
    /// Never become the clusterer (fetch and extract only).
    #[arg(long)]
    pub no_cluster: bool,
    /// Exit once nothing is queued, running or waiting to be clustered.
    #[arg(long)]
    pub drain: bool,
    /// The name this worker goes by in `storyline status` [default: storyline HOST pid PID].
    #[arg(long)]
    pub name: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// The PostgreSQL store `--db` names; workers need one.
async fn shared_store(settings: &Settings, what: &str) -> anyhow::Result<Arc<PgStore>> {
    match settings.db()? {
        Location::Postgres(url) => Ok(Arc::new(PgStore::open(url).await.with_context(|| {
            format!("cannot open the store at {}", storyline_store::redact(url))
        })?)),
        Location::Sqlite(path) => anyhow::bail!(
            "{what} needs a PostgreSQL store shared by every process (--db postgres://…); {} is \
             an SQLite file, which one process at a time writes: use `storyline run` there",
            path.display()
        ),
    }
}

pub async fn worker(args: WorkerArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let queue = shared_store(settings, "`storyline worker`").await?;
    let store: Arc<dyn Store> = queue.clone();
    // The database spaces each host's requests over all workers; the fetcher adds no interval
    // of its own (it still honours robots.txt and reads each host's Crawl-delay).
    let spacing = super::fetch::fetch_config(&args.web)?
        .politeness
        .min_interval;
    let mut web_options = args.web.clone();
    web_options.politeness_interval = Some(0.0);
    let web = open_web(settings, &web_options, store.clone())?;
    let mut options = WorkerOptions::named(
        args.name
            .clone()
            .unwrap_or_else(storyline_store::process_name),
    );
    options.fetchers = args.fetchers.max(1);
    options.lease = Duration::from_secs(args.lease.max(1));
    options.spacing = spacing;
    options.cluster = !args.no_cluster;
    options.until_drained = args.drain;
    let name = options.name.clone();
    let worker = Worker::new(
        queue.clone(),
        web,
        settings.keyring()?,
        settings.pipeline_config()?,
        options,
    );
    let stop = Stop::default();
    let signals = progress::stop_on_signals(stop.clone());
    println!("worker {name} on {}; Ctrl-C stops cleanly", settings.db()?);
    let summary = worker.run(&stop).await;
    signals.abort();
    let summary = summary?;
    println!(
        "worker {name}: {} polls, {} pages, {} images, {} articles clustered, {} jobs failed",
        summary.polls, summary.pages, summary.images, summary.committed, summary.failed
    );
    queue.close().await;
    Ok(ExitCode::SUCCESS)
}

pub async fn status(args: StatusArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let queue = shared_store(settings, "`storyline status`").await?;
    let status = queue
        .queue_status(Utc::now() - chrono::Duration::minutes(1))
        .await?;
    let stats = queue.stats().await?;
    if args.json {
        let workers: Vec<_> = status
            .workers
            .iter()
            .map(|w| {
                serde_json::json!({
                    "name": w.name,
                    "startedAt": w.started_at,
                    "seenAt": w.seen_at,
                    "jobsDone": w.jobs_done,
                    "articles": w.articles,
                    "clusterer": w.clusterer,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::json!({
                "queue": {
                    "due": { "poll": status.due[0], "page": status.due[1], "image": status.due[2] },
                    "later": status.later,
                    "leased": status.leased,
                    "expired": status.expired,
                    "failed": status.failed,
                    "articlesWaiting": status.articles_waiting,
                },
                "workers": workers,
                "clusterer": status.clusterer,
                "store": stats,
            })
        );
        queue.close().await;
        return Ok(ExitCode::SUCCESS);
    }
    println!("store     {}", settings.db()?);
    println!(
        "archive   {} articles in {} stories, {} sources",
        stats.articles, stats.stories, stats.sources
    );
    println!(
        "queue     due: {} polls, {} pages, {} images; later: {}; leased: {}{}; failed: {}",
        status.due[0],
        status.due[1],
        status.due[2],
        status.later,
        status.leased,
        if status.expired > 0 {
            format!(" ({} past their lease)", status.expired)
        } else {
            String::new()
        },
        status.failed
    );
    println!(
        "clusterer {}",
        status
            .clusterer
            .as_deref()
            .unwrap_or("none (no worker holds the lock)")
    );
    println!(
        "waiting   {} articles for the clusterer",
        status.articles_waiting
    );
    if status.workers.is_empty() {
        println!("workers   none seen in the last minute");
    } else {
        println!("workers seen in the last minute:");
        for w in &status.workers {
            let ago = (Utc::now() - w.seen_at).num_seconds().max(0);
            println!(
                "  {}{}: seen {ago} s ago, {} jobs, {} articles extracted, up since {}",
                w.name,
                if w.clusterer { " (clusterer)" } else { "" },
                w.jobs_done,
                w.articles,
                w.started_at.format("%Y-%m-%d %H:%M:%S UTC")
            );
        }
    }
    for (kind, key, error) in queue.failed_jobs(5).await? {
        println!("failed    {kind} {key}: {error}");
    }
    queue.close().await;
    Ok(ExitCode::SUCCESS)
}
