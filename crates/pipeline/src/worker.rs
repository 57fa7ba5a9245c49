//! A worker process over a shared PostgreSQL store: the stages of a fetch round ([`round`])
//! spread over any number of processes on any number of machines.
//!
//! ```text
//!  clusterer (one, by lock) ──due sources──> poll jobs ─┐
//!                                                       ├─ claimed by any worker under a lease,
//!      page jobs <── new items ── poll (any worker) <───┘  one host at a time per spacing
//!          │
//!          └─> fetch + extract (the worker that claimed it) ──> waiting articles
//!                                                                    │
//!  clusterer: commits them in arrival order (Pipeline), queues image jobs <──┘
//! ```
//!
//! - Every worker runs `fetchers` tasks that claim jobs ([`PgStore::claim_job`]); the
//!   database holds each host's next allowed start, so politeness holds across workers. The
//!   request starts as soon as the job is claimed: the worker's fetcher keeps no interval of
//!   its own (it would only delay a start the database already spaced), but a robots.txt
//!   `Crawl-delay` it learns pushes the host's next start further.
//! - A page is fetched and extracted in the worker that claimed it; the article goes to the
//!   clusterer as a row written in the same transaction that ends the job.
//! - Clustering stays a single writer: each worker tries the store's writer lock (a
//!   PostgreSQL advisory lock) every second; the one holding it is the clusterer. When it
//!   dies its session ends, the lock is free, and another worker takes it, replays the open
//!   window from the store ([`Pipeline::open`]) and carries on from the oldest waiting
//!   article. An article committed just before a crash, but not yet dropped from the waiting
//!   list, is found stored when it comes again ([`Outcome::Duplicate`]): stored once.
//! - A killed worker's leased jobs return to the queue when their lease runs out.
//!
//! [`round`]: crate::round

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use storyline_ingest::article::{complete, fetch_page, from_feed_only, has_full_text};
use storyline_ingest::poll::{SourceState, poll};
use storyline_ingest::sources::FeedItem;
use storyline_model::{Article, Image, Keyring};
use storyline_store::{Job, JobKind, NewJob, PgStore, SourceMove, SourceRow, StoreError};

use crate::conductor::{Outcome, Pipeline, PipelineConfig};
use crate::intake::{Incoming, clean_url};
use crate::round::{
    RoundOptions, SourceRound, Stop, Web, link_by_url, permanent_move, source_after,
};
use crate::scheduler::host_of;
use crate::web::{SourceContext, from_feed_text, from_fetched};
use crate::{PipelineError, Result};

/// How a worker behaves.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// How this worker names itself (in the queue's leases and `storyline status`).
    pub name: String,
    /// Jobs in hand at once.
    pub fetchers: usize,
    /// How long a claimed job is this worker's; a job not finished by then goes back to the
    /// queue (the worker died).
    pub lease: Duration,
    /// The least time between the starts of two requests to one host, over all workers.
    pub spacing: Duration,
    /// Whether this worker may become the clusterer.
    pub cluster: bool,
    /// Stop once the queue is drained (nothing due, leased or waiting) instead of waiting for
    /// more work: for tests and benchmarks.
    pub until_drained: bool,
}

impl WorkerOptions {
    /// Options for a worker named after its machine and process.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            fetchers: RoundOptions::default().budget.min(32),
            lease: Duration::from_secs(120),
            spacing: Duration::from_millis(500),
            cluster: true,
            until_drained: false,
        }
    }
}

/// What a worker did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct WorkerSummary {
    pub polls: usize,
    pub pages: usize,
    pub images: usize,
    /// Articles committed while this worker was the clusterer.
    pub committed: usize,
    /// Jobs that failed (given back for a retry or given up).
    pub failed: usize,
}

/// A page job's payload: the item, where it came from, and the stored feed-text article it
/// would replace.
#[derive(Debug, Serialize, Deserialize)]
struct PagePayload {
    item: FeedItem,
    feed_url: String,
    feed_title: Option<String>,
    upgrade_of: Option<String>,
}

/// An image job's payload.
#[derive(Debug, Serialize, Deserialize)]
struct ImagePayload {
    article_id: String,
    url: String,
}

/// An extracted article on its way to the clusterer.
#[derive(Debug, Serialize, Deserialize)]
struct WorkArticle {
    article: Article,
    html: Option<String>,
    boilerplate_ratio: f32,
    feed_only: bool,
    upgrade_of: Option<String>,
}

impl WorkArticle {
    fn of(incoming: Incoming, upgrade_of: Option<String>) -> Self {
        Self {
            article: incoming.article,
            html: incoming.html,
            boilerplate_ratio: incoming.boilerplate_ratio,
            feed_only: incoming.feed_only,
            upgrade_of,
        }
    }

    fn into_incoming(self) -> (Incoming, Option<String>) {
        (
            Incoming {
                article: self.article,
                html: self.html,
                source_record: None,
                boilerplate_ratio: self.boilerplate_ratio,
                feed_only: self.feed_only,
                prepared: None,
            },
            self.upgrade_of,
        )
    }
}

/// A worker: the web side of a round, the shared queue, and what the clusterer needs.
pub struct Worker {
    queue: Arc<PgStore>,
    web: Web,
    keyring: Keyring,
    config: PipelineConfig,
    options: WorkerOptions,
    clusterer: AtomicBool,
    polls: AtomicUsize,
    pages: AtomicUsize,
    images: AtomicUsize,
    committed: AtomicUsize,
    failed: AtomicUsize,
}

impl Worker {
    /// A worker over `queue` (the store, which `web.store` must also be).
    pub fn new(
        queue: Arc<PgStore>,
        web: Web,
        keyring: Keyring,
        config: PipelineConfig,
        options: WorkerOptions,
    ) -> Arc<Self> {
        Arc::new(Self {
            queue,
            web,
            keyring,
            config,
            options,
            clusterer: AtomicBool::new(false),
            polls: AtomicUsize::new(0),
            pages: AtomicUsize::new(0),
            images: AtomicUsize::new(0),
            committed: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
        })
    }

    /// Works until `stop` (or, with `until_drained`, until the queue is empty and the
    /// clusterer has nothing waiting).
    pub async fn run(self: &Arc<Self>, stop: &Stop) -> Result<WorkerSummary> {
        self.queue.worker_seen(&self.options.name, false).await?;
        let done = Stop::default();
        let mut tasks = Vec::new();
        for _ in 0..self.options.fetchers.max(1) {
            let (me, stop, done) = (self.clone(), stop.clone(), done.clone());
            tasks.push(tokio::spawn(
                async move { me.fetch_loop(&stop, &done).await },
            ));
        }
        let beat = {
            let (me, stop, done) = (self.clone(), stop.clone(), done.clone());
            tokio::spawn(async move { me.heartbeat(&stop, &done).await })
        };
        let clusterer = self.options.cluster.then(|| {
            let (me, stop, done) = (self.clone(), stop.clone(), done.clone());
            tokio::spawn(async move { me.cluster_loop(&stop, &done).await })
        });
        let drained = if self.options.until_drained {
            let (me, stop, done) = (self.clone(), stop.clone(), done.clone());
            Some(tokio::spawn(
                async move { me.watch_drained(&stop, &done).await },
            ))
        } else {
            None
        };
        let mut outcome: Result<()> = Ok(());
        if let Some(task) = clusterer {
            outcome = join(task).await;
            if outcome.is_err() {
                done.stop();
            }
        }
        for task in tasks {
            let result = join(task).await;
            if outcome.is_ok() {
                outcome = result;
            }
        }
        done.stop();
        if let Some(task) = drained {
            task.abort();
        }
        let _ = join(beat).await;
        outcome?;
        Ok(self.summary())
    }

    /// What the worker has done so far.
    pub fn summary(&self) -> WorkerSummary {
        WorkerSummary {
            polls: self.polls.load(Ordering::Relaxed),
            pages: self.pages.load(Ordering::Relaxed),
            images: self.images.load(Ordering::Relaxed),
            committed: self.committed.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
        }
    }

    async fn heartbeat(&self, stop: &Stop, done: &Stop) -> Result<()> {
        loop {
            let clusterer = self.clusterer.load(Ordering::Relaxed);
            if let Err(e) = self.queue.worker_seen(&self.options.name, clusterer).await {
                tracing::warn!(error = %e, "cannot record this worker as alive");
            }
            tokio::select! {
                () = tokio::time::sleep(Duration::from_secs(5)) => {}
                () = stop.stopped() => return Ok(()),
                () = done.stopped() => return Ok(()),
            }
        }
    }

    /// Ends the run once nothing is queued, leased or waiting, twice in a row a second apart.
    async fn watch_drained(&self, stop: &Stop, done: &Stop) {
        let mut quiet = 0;
        loop {
            tokio::select! {
                () = tokio::time::sleep(Duration::from_millis(500)) => {}
                () = stop.stopped() => return,
            }
            let drained = match self.queue.queue_status(Utc::now()).await {
                Ok(status) => status.drained(),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read the queue");
                    false
                }
            };
            let due = self
                .web
                .store
                .due_sources(Utc::now())
                .await
                .map(|d| d.is_empty())
                .unwrap_or(false);
            quiet = if drained && due { quiet + 1 } else { 0 };
            if quiet >= 3 {
                done.stop();
                return;
            }
        }
    }

    async fn fetch_loop(&self, stop: &Stop, done: &Stop) -> Result<()> {
        let mut idle = Duration::from_millis(50);
        loop {
            if stop.is_stopped() || done.is_stopped() {
                return Ok(());
            }
            let claimed = self
                .queue
                .claim_job(
                    &self.options.name,
                    Utc::now(),
                    self.options.lease,
                    self.options.spacing,
                )
                .await;
            let job = match claimed {
                Ok(Some(job)) => job,
                Ok(None) => {
                    tokio::select! {
                        () = tokio::time::sleep(idle) => {}
                        () = stop.stopped() => return Ok(()),
                        () = done.stopped() => return Ok(()),
                    }
                    idle = (idle * 2).min(Duration::from_millis(400));
                    continue;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot claim a job");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            idle = Duration::from_millis(50);
            let claimed_at = Utc::now();
            let outcome = match job.kind {
                JobKind::Poll => self.poll_job(&job).await,
                JobKind::Page => self.page_job(&job).await,
                JobKind::Image => self.image_job(&job).await,
            };
            let delay = self.web.fetcher.host_interval(&job.host);
            if delay > self.options.spacing {
                let not_before = claimed_at
                    + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::zero());
                if let Err(e) = self.queue.space_host(&job.host, not_before).await {
                    tracing::warn!(error = %e, host = %job.host, "crawl delay not recorded");
                }
            }
            if let Err(error) = outcome {
                self.failed.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(kind = job.kind.as_str(), key = %job.key, %error, "job failed");
                let retry = Duration::from_secs(30 * u64::from(job.attempts.min(10)));
                if let Err(e) = self
                    .queue
                    .fail_job(&job, &self.options.name, &error, retry)
                    .await
                {
                    tracing::warn!(error = %e, "cannot give a failed job back");
                }
            }
        }
    }

    /// Polls a source: new items become page jobs (or articles, when the feed carries the
    /// whole text), the source's polling state is saved, and the job ends.
    async fn poll_job(&self, job: &Job) -> std::result::Result<(), String> {
        let id: i64 = job
            .key
            .parse()
            .map_err(|_| format!("poll job with a bad source id {:?}", job.key))?;
        let store = &self.web.store;
        let sources = store.sources().await.map_err(|e| e.to_string())?;
        let Some(mut row) = sources.into_iter().find(|s| s.id == id) else {
            // The source was removed meanwhile: nothing to do.
            return self.finish(job, &[], &[]).await;
        };
        let state = crate::round::stored_state(row.state.as_deref())
            .map(|mut state| {
                state.url.clone_from(&row.url);
                state
            })
            .unwrap_or_else(|| SourceState::new(row.url.clone()));
        let outcome = poll(&self.web.fetcher, &state).await;
        self.polls.fetch_add(1, Ordering::Relaxed);
        let context = SourceContext {
            feed_url: row.url.clone(),
            feed_title: outcome
                .meta
                .as_ref()
                .and_then(|m| m.title.clone())
                .or_else(|| row.title.clone()),
        };
        let mut tally = SourceRound {
            at: Some(Utc::now()),
            seen: outcome.items.len(),
            ..SourceRound::default()
        };
        let mut pages = Vec::new();
        let mut articles = Vec::new();
        let mut taken = 0usize;
        for item in &outcome.items {
            let url = item.url.as_deref().map(clean_url);
            let upgrade_of = match &url {
                Some(url) => match store.known_url(url).await.map_err(|e| e.to_string())? {
                    None => None,
                    Some((id, true)) => {
                        tally.still_feed_only += 1;
                        Some(id)
                    }
                    Some(_) => {
                        tally.known += 1;
                        continue;
                    }
                },
                None => None,
            };
            if upgrade_of.is_none() {
                if taken >= self.web.options.max_items_per_feed {
                    tally.left += 1;
                    continue;
                }
                taken += 1;
            }
            if item.url.is_some() && !has_full_text(item) {
                let page_url = item.url.clone().unwrap_or_default();
                let payload = PagePayload {
                    item: item.clone(),
                    feed_url: context.feed_url.clone(),
                    feed_title: context.feed_title.clone(),
                    upgrade_of,
                };
                pages.push(NewJob {
                    kind: JobKind::Page,
                    key: url.clone().unwrap_or_else(|| page_url.clone()),
                    host: host_of(&page_url),
                    payload: serde_json::to_string(&payload).map_err(|e| e.to_string())?,
                    due_at: Utc::now(),
                });
            } else {
                match from_fetched(&from_feed_only(item), &context) {
                    Ok(incoming) => {
                        tally.ingested += 1;
                        articles.push((url, encode(WorkArticle::of(incoming, None))?));
                    }
                    Err(e) => {
                        tally.failed += 1;
                        tracing::info!(item = ?item.url, error = %e, "feed item skipped");
                    }
                }
            }
        }
        if let Some(to) = permanent_move(&row, &outcome) {
            let from = row.url.clone();
            match store
                .move_source(row.id, to)
                .await
                .map_err(|e| e.to_string())?
            {
                SourceMove::Moved => {
                    tracing::info!(%from, %to, "source moved permanently");
                    row.url = to.to_string();
                    tally.moved_from = Some(from);
                }
                SourceMove::Joined { .. } | SourceMove::Missing => {
                    return self.finish(job, &articles, &pages).await;
                }
            }
        }
        let row: SourceRow = source_after(row, &outcome, &tally, false);
        store.update_source(&row).await.map_err(|e| e.to_string())?;
        self.finish(job, &articles, &pages).await
    }

    /// Fetches and extracts an item's page; the item's feed text when the page cannot be had.
    async fn page_job(&self, job: &Job) -> std::result::Result<(), String> {
        let payload: PagePayload = serde_json::from_str(&job.payload)
            .map_err(|e| format!("page job with a bad payload: {e}"))?;
        let context = SourceContext {
            feed_url: payload.feed_url.clone(),
            feed_title: payload.feed_title.clone(),
        };
        let url = payload.item.url.as_deref().map(clean_url);
        let fetched = fetch_page(&self.web.fetcher, &payload.item).await;
        self.pages.fetch_add(1, Ordering::Relaxed);
        let built = match fetched {
            Ok(page) => {
                let item = payload.item.clone();
                let context = context.clone();
                self.web
                    .pool
                    .run(move || from_fetched(&complete(&item, page), &context))
                    .await
                    .map_err(|e| e.to_string())
                    .and_then(|r| r.map_err(|e| e.to_string()))
                    .and_then(|incoming| {
                        if incoming.feed_only {
                            Err("the page held no article text".to_string())
                        } else {
                            Ok(incoming)
                        }
                    })
            }
            Err(e) => Err(e.to_string()),
        };
        let article = match built {
            Ok(incoming) => Some(WorkArticle::of(incoming, payload.upgrade_of)),
            Err(reason) if payload.upgrade_of.is_none() => {
                tracing::info!(page = %job.key, %reason, "page not used; the feed's text instead");
                match from_feed_text(&payload.item, &context) {
                    Ok(incoming) => Some(WorkArticle::of(incoming, None)),
                    Err(e) => {
                        tracing::info!(page = %job.key, error = %e, "item skipped");
                        None
                    }
                }
            }
            // Stored from feed text already; a later poll tries the page again.
            Err(_) => None,
        };
        let articles = match article {
            Some(a) => vec![(url, encode(a)?)],
            None => Vec::new(),
        };
        self.finish(job, &articles, &[]).await
    }

    /// Caches an article's lead image and records it.
    async fn image_job(&self, job: &Job) -> std::result::Result<(), String> {
        let payload: ImagePayload = serde_json::from_str(&job.payload)
            .map_err(|e| format!("image job with a bad payload: {e}"))?;
        if let Some(cache) = &self.web.images {
            match cache.cache(&self.web.fetcher, &payload.url).await {
                Ok(cached) => {
                    link_by_url(&cached.path, &payload.url, &self.web.images_by_url);
                    let images = vec![Image {
                        url: payload.url.clone(),
                        width: Some(cached.width),
                        height: Some(cached.height),
                        is_cached: true,
                    }];
                    self.web
                        .store
                        .set_article_images(&payload.article_id, &images)
                        .await
                        .map_err(|e| e.to_string())?;
                    self.images.fetch_add(1, Ordering::Relaxed);
                }
                Err(e) => tracing::info!(image = %payload.url, error = %e, "image not cached"),
            }
        }
        self.finish(job, &[], &[]).await
    }

    async fn finish(
        &self,
        job: &Job,
        articles: &[(Option<String>, String)],
        follow_up: &[NewJob],
    ) -> std::result::Result<(), String> {
        let mine = self
            .queue
            .finish_job(job, &self.options.name, articles, follow_up)
            .await
            .map_err(|e| e.to_string())?;
        if !mine {
            tracing::warn!(kind = job.kind.as_str(), key = %job.key, "lease ran out before the job ended; its work is dropped (another worker has it)");
        }
        Ok(())
    }

    /// Tries to become the clusterer every second; while it is, commits waiting articles and
    /// queues polls of due sources.
    async fn cluster_loop(&self, stop: &Stop, done: &Stop) -> Result<()> {
        loop {
            if stop.is_stopped() || done.is_stopped() {
                return Ok(());
            }
            match Pipeline::open(
                self.web.store.clone(),
                self.keyring.clone(),
                self.config.clone(),
            )
            .await
            {
                Ok(mut pipeline) => {
                    tracing::info!(worker = %self.options.name, "this worker is the clusterer now");
                    self.clusterer.store(true, Ordering::Relaxed);
                    let _ = self.queue.worker_seen(&self.options.name, true).await;
                    let outcome = self.cluster(&mut pipeline, stop, done).await;
                    self.clusterer.store(false, Ordering::Relaxed);
                    if let Err(e) = pipeline.refresh_heat().await {
                        tracing::warn!(error = %e, "heat not refreshed");
                    }
                    return outcome;
                }
                Err(PipelineError::Store(StoreError::WriterBusy { .. })) => {}
                Err(e) => return Err(e),
            }
            tokio::select! {
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
                () = stop.stopped() => return Ok(()),
                () = done.stopped() => return Ok(()),
            }
        }
    }

    async fn cluster(&self, pipeline: &mut Pipeline, stop: &Stop, done: &Stop) -> Result<()> {
        let mut last_schedule = std::time::Instant::now() - Duration::from_secs(60);
        let mut last_heat = std::time::Instant::now();
        loop {
            if stop.is_stopped() || done.is_stopped() {
                return Ok(());
            }
            if last_schedule.elapsed() >= Duration::from_secs(1) {
                self.schedule_polls().await?;
                pipeline.refresh_blocked().await?;
                last_schedule = std::time::Instant::now();
            }
            if last_heat.elapsed() >= Duration::from_secs(60) {
                pipeline.refresh_heat().await?;
                last_heat = std::time::Instant::now();
            }
            let waiting = self.queue.waiting_articles(0, 64).await?;
            if waiting.is_empty() {
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_millis(100)) => {}
                    () = stop.stopped() => return Ok(()),
                    () = done.stopped() => return Ok(()),
                }
                continue;
            }
            for entry in &waiting {
                let Ok(work) = serde_json::from_str::<WorkArticle>(&entry.payload) else {
                    tracing::warn!(entry = entry.id, "a waiting article does not read; dropped");
                    self.queue.drop_waiting_articles(&[entry.id]).await?;
                    continue;
                };
                let (incoming, upgrade_of) = work.into_incoming();
                let image = incoming.article.images.first().map(|i| i.url.clone());
                let outcome = match &upgrade_of {
                    Some(existing) => pipeline.upgrade(existing, incoming).await?,
                    None => pipeline.ingest(incoming).await?,
                };
                match outcome {
                    Outcome::Ingested { id, .. } => {
                        self.committed.fetch_add(1, Ordering::Relaxed);
                        if let (true, Some(url)) = (self.web.images.is_some(), image) {
                            let job = NewJob {
                                kind: JobKind::Image,
                                key: url.clone(),
                                host: host_of(&url),
                                payload: encode(ImagePayload {
                                    article_id: id,
                                    url,
                                })
                                .map_err(PipelineError::Stage)?,
                                due_at: Utc::now(),
                            };
                            self.queue.enqueue_jobs(&[job]).await?;
                        }
                    }
                    Outcome::Upgraded { .. } => {
                        self.committed.fetch_add(1, Ordering::Relaxed);
                    }
                    Outcome::Duplicate { .. } | Outcome::Skipped(_) => {}
                }
                // Dropped one by one, after what follows from it is queued: a crash leaves
                // at most this one to come again, and it is then found stored.
                self.queue.drop_waiting_articles(&[entry.id]).await?;
            }
        }
    }

    /// Queues a poll of each source that is due (a source with a poll queued or running
    /// already is left alone).
    async fn schedule_polls(&self) -> Result<()> {
        let due = self.web.store.due_sources(Utc::now()).await?;
        let jobs: Vec<NewJob> = due
            .iter()
            .map(|s| NewJob {
                kind: JobKind::Poll,
                key: s.id.to_string(),
                host: host_of(&s.url),
                payload: String::new(),
                due_at: Utc::now(),
            })
            .collect();
        self.queue.enqueue_jobs(&jobs).await?;
        Ok(())
    }
}

fn encode<T: Serialize>(value: T) -> std::result::Result<String, String> {
    serde_json::to_string(&value).map_err(|e| e.to_string())
}

async fn join(task: tokio::task::JoinHandle<Result<()>>) -> Result<()> {
    match task.await {
        Ok(result) => result,
        Err(e) => Err(PipelineError::Stage(format!("a worker task stopped: {e}"))),
    }
}
