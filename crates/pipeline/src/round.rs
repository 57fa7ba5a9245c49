//! One fetch round over followed sources, as concurrent stages joined by bounded queues:
//!
//! ```text
//!  poll jobs ─┐                          ┌─> CPU pool ─┐            ┌─> image jobs
//!  (per host) ├─> page jobs (per host) ──┤  (extract)  ├─> writer ──┤   (per host)
//!             └─ items known or full ────┘             │  (cluster, └─> source rows
//!                text in the feed ─────────────────────┘   commit)
//! ```
//!
//! - every request (feed, page, image) goes through one [`Scheduler`]: any host with work
//!   and a free slot is served, and the fetcher spaces each host's requests by its interval;
//! - a page job holds one of `budget` slots from when its host is ready until its article is
//!   handed to the writer, so pages in memory are bounded whatever the feeds hold;
//! - extraction runs on the [`CpuPool`], off the async threads;
//! - one writer takes articles in arrival order through the [`Pipeline`] and commits each
//!   as it comes; an article's lead image is fetched after it is committed;
//! - a page that cannot be had (timeout, refusal, robots.txt, no article text) does not
//!   lose its item: the item is ingested from the feed's own text, marked as such, and a
//!   later round that gets the page replaces it in place;
//! - a host that fails several times in a row stops being asked for the rest of the round;
//! - a feed that moved permanently (every redirect hop 301 or 308) and answered at its new
//!   address moves its source there, so the next round asks the new address directly; the
//!   old address stays known, and a move onto a source followed already keeps that one;
//! - a stop drains: running jobs end at their next step, nothing is half-written, and what
//!   was queued is counted as left for the next round (those sources keep no validators, so
//!   the next poll sees every item again).

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use storyline_ingest::article::{complete, fetch_page, has_full_text};
use storyline_ingest::fetch::{FetchError, Fetcher};
use storyline_ingest::images::ImageCache;
use storyline_ingest::poll::{PollOutcome, SourceState, poll};
use storyline_ingest::sources::FeedItem;
use storyline_model::Image;
use storyline_store::{SourceMove, SourceRow, Store};
use tokio::sync::{Semaphore, mpsc, watch};

use crate::conductor::{Outcome, Pipeline, Preparer};
use crate::cpu::CpuPool;
use crate::intake::{Incoming, clean_url};
use crate::scheduler::{JobKind, Scheduler, host_of};
use crate::web::{SourceContext, from_feed_text, from_fetched};
use crate::{PipelineError, Result};

/// How a round behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundOptions {
    /// Pages being fetched, extracted or waiting for the writer at once, over all hosts.
    pub budget: usize,
    /// New items taken from one feed in one round; the rest wait for the next round.
    pub max_items_per_feed: usize,
    /// Requests to one host running at once (the fetcher's per-host cap).
    pub per_host: usize,
    /// Consecutive failed pages after which a host is not asked again this round (its
    /// remaining items come from their feed's text).
    pub host_failure_limit: usize,
}

impl Default for RoundOptions {
    fn default() -> Self {
        Self {
            budget: 64,
            max_items_per_feed: 1000,
            per_host: 2,
            host_failure_limit: 3,
        }
    }
}

/// What the last round did with one source; kept with the source (as JSON) and shown by
/// `source list` and the admin.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRound {
    /// When the round polled the source.
    pub at: Option<DateTime<Utc>>,
    /// Items the feed listed.
    pub seen: usize,
    /// Items stored before (or listed twice).
    pub known: usize,
    /// Items stored this round.
    pub ingested: usize,
    /// Of those, items stored from the feed's own text because the page could not be had.
    pub feed_only: usize,
    /// Items stored earlier from feed text whose page came this round.
    pub upgraded: usize,
    /// Items stored earlier from feed text whose page still could not be had.
    #[serde(default)]
    pub still_feed_only: usize,
    /// Items that could not be stored at all (no headline and no text, a blocked outlet).
    pub failed: usize,
    /// Items left for the next round (over the per-feed cap, or a stop).
    pub left: usize,
    /// The address the source had before this round: its feed moved permanently here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_from: Option<String>,
}

/// A source's polling state as the store keeps it (JSON), or `None` for a source never polled
/// (or a state that does not read).
pub fn stored_state(text: Option<&str>) -> Option<SourceState> {
    text.and_then(|t| serde_json::from_str(t).ok())
}

impl SourceRound {
    /// The round as it is kept with a source (JSON), or `None` for a source never polled.
    pub fn from_stored(text: Option<&str>) -> Option<Self> {
        text.and_then(|t| serde_json::from_str(t).ok())
    }

    /// One line for people: "12 items seen: 3 ingested (1 from feed text only) …".
    pub fn describe(&self) -> String {
        let mut line = format!(
            "{} items seen: {} ingested ({} from feed text only)",
            self.seen, self.ingested, self.feed_only
        );
        if self.upgraded > 0 {
            line.push_str(&format!(", {} upgraded to full text", self.upgraded));
        }
        if self.still_feed_only > 0 {
            line.push_str(&format!(
                ", {} still waiting for their pages",
                self.still_feed_only
            ));
        }
        line.push_str(&format!(", {} failed", self.failed));
        if self.left > 0 {
            line.push_str(&format!(", {} left for the next round", self.left));
        }
        if let Some(from) = &self.moved_from {
            line.push_str(&format!("; moved here from {from} (moved permanently)"));
        }
        line
    }
}

/// Live counts of a round, for progress displays.
#[derive(Debug, Default)]
pub struct RoundCounters {
    pub sources: AtomicUsize,
    pub polled: AtomicUsize,
    pub pages_queued: AtomicUsize,
    pub pages_done: AtomicUsize,
    pub committed: AtomicUsize,
    pub feed_only: AtomicUsize,
    pub images: AtomicUsize,
}

impl RoundCounters {
    fn add(counter: &AtomicUsize, n: usize) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    /// A counter's current value.
    pub fn get(counter: &AtomicUsize) -> usize {
        counter.load(Ordering::Relaxed)
    }
}

/// Where a round reports each item (a terminal, a log, a test).
pub trait Observer: Send + Sync {
    /// One line about one item or source.
    fn line(&self, line: String);
}

/// An observer that logs through `tracing`.
#[derive(Debug, Default)]
pub struct LogObserver;

impl Observer for LogObserver {
    fn line(&self, line: String) {
        tracing::info!("{line}");
    }
}

/// What one round did.
#[derive(Debug, Default, Clone, Copy)]
pub struct RoundSummary {
    pub sources: usize,
    pub not_modified: usize,
    pub failed: usize,
    pub items: usize,
    pub ingested: usize,
    pub feed_only: usize,
    pub upgraded: usize,
    pub known: usize,
    pub skipped: usize,
    pub images: usize,
    /// Pages and polls left for the next round by a stop or the per-feed cap.
    pub left: usize,
    /// Sources whose feed moved permanently: moved to the new address, or folded into the
    /// source already there.
    pub moved: usize,
    pub elapsed: Duration,
}

impl RoundSummary {
    /// Articles stored per second of the round.
    pub fn rate(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            (self.ingested + self.upgraded) as f64 / secs
        } else {
            0.0
        }
    }
}

impl std::fmt::Display for RoundSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} sources polled ({} not modified, {} failed); {} items: {} ingested ({} from feed text only), {} upgraded to full text, {} already known, {} skipped",
            self.sources,
            self.not_modified,
            self.failed,
            self.items,
            self.ingested,
            self.feed_only,
            self.upgraded,
            self.known,
            self.skipped,
        )?;
        if self.left > 0 {
            write!(f, ", {} left for the next round", self.left)?;
        }
        if self.moved > 0 {
            write!(f, "; {} sources moved to a new address", self.moved)?;
        }
        write!(
            f,
            "; {} images cached; round took {:.1} s, {:.1} articles/s",
            self.images,
            self.elapsed.as_secs_f64(),
            self.rate()
        )
    }
}

/// A stop signal shared by a round and whoever may end it (Ctrl-C, SIGTERM).
#[derive(Debug, Clone)]
pub struct Stop(Arc<watch::Sender<bool>>);

impl Default for Stop {
    fn default() -> Self {
        Self(Arc::new(watch::Sender::new(false)))
    }
}

impl Stop {
    /// Asks every round holding this signal to drain and end.
    pub fn stop(&self) {
        self.0.send_replace(true);
    }

    /// Whether a stop was asked for.
    pub fn is_stopped(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves once a stop is asked for.
    pub async fn stopped(&self) {
        let mut rx = self.0.subscribe();
        let _ = rx.wait_for(|s| *s).await;
    }
}

/// The web side of the pipeline: fetcher, extraction pool, image cache and the store.
pub struct Web {
    pub store: Arc<dyn Store>,
    pub fetcher: Arc<Fetcher>,
    pub pool: Arc<CpuPool>,
    pub images: Option<Arc<ImageCache>>,
    /// Where the server finds cached images by URL.
    pub images_by_url: PathBuf,
    pub options: RoundOptions,
}

/// An article on its way to the writer.
enum ToWriter {
    Article {
        source: usize,
        shown: String,
        incoming: Box<Incoming>,
        /// The stored feed-text article this page replaces.
        upgrade_of: Option<String>,
        /// Why the article comes from its feed's text, when it does.
        feed_note: Option<String>,
    },
    Failed {
        source: usize,
        shown: String,
        reason: String,
    },
}

/// What the jobs of one round share.
struct Shared {
    store: Arc<dyn Store>,
    fetcher: Arc<Fetcher>,
    pool: Arc<CpuPool>,
    preparer: Preparer,
    scheduler: Scheduler,
    budget: Arc<Semaphore>,
    options: RoundOptions,
    counters: Arc<RoundCounters>,
    tallies: Mutex<Vec<SourceRound>>,
    polls: Mutex<Vec<Option<PollOutcome>>>,
    /// Item URLs already taken this round (the same article listed by two feeds).
    seen_urls: Mutex<HashSet<String>>,
    /// Consecutive page failures per host.
    failures: Mutex<HashMap<String, usize>>,
    observer: Arc<dyn Observer>,
}

impl Shared {
    fn tally(&self, source: usize, change: impl FnOnce(&mut SourceRound)) {
        let mut tallies = self.tallies.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(t) = tallies.get_mut(source) {
            change(t);
        }
    }

    fn host_failed(&self, host: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        *failures.entry(host.to_string()).or_default() += 1;
    }

    fn host_answered(&self, host: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(host);
    }

    fn host_given_up(&self, host: &str) -> Option<usize> {
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        failures
            .get(host)
            .copied()
            .filter(|n| *n >= self.options.host_failure_limit)
    }
}

impl Web {
    /// Polls `sources` and ingests what is new through `pipeline`, until done or `stop`.
    pub async fn round(
        &self,
        pipeline: &mut Pipeline,
        sources: Vec<SourceRow>,
        stop: &Stop,
        counters: Arc<RoundCounters>,
        observer: Arc<dyn Observer>,
    ) -> Result<RoundSummary> {
        let started = Instant::now();
        pipeline.refresh_blocked().await?;
        let scheduler = Scheduler::new(self.options.per_host);
        let shared = Arc::new(Shared {
            store: self.store.clone(),
            fetcher: self.fetcher.clone(),
            pool: self.pool.clone(),
            preparer: pipeline.preparer(),
            scheduler: scheduler.clone(),
            budget: Arc::new(Semaphore::new(self.options.budget.max(1))),
            options: self.options,
            counters: counters.clone(),
            tallies: Mutex::new(vec![SourceRound::default(); sources.len()]),
            polls: Mutex::new(vec![None; sources.len()]),
            seen_urls: Mutex::new(HashSet::new()),
            failures: Mutex::new(HashMap::new()),
            observer: observer.clone(),
        });
        RoundCounters::add(&counters.sources, sources.len());
        // Room for what the pool can have in hand, so extraction never waits on the writer
        // for long before the writer's queue pushes back.
        let (tx, mut rx) = mpsc::channel::<ToWriter>(self.pool.threads() * 2 + 8);
        for (index, row) in sources.iter().enumerate() {
            let job = poll_job(shared.clone(), index, row.clone(), tx.clone());
            scheduler.submit(&host_of(&row.url), JobKind::Poll, job);
        }
        drop(tx);
        let watcher = {
            let (stop, scheduler) = (stop.clone(), scheduler.clone());
            tokio::spawn(async move {
                stop.stopped().await;
                scheduler.stop();
            })
        };

        let mut summary = RoundSummary {
            sources: sources.len(),
            ..RoundSummary::default()
        };
        let mut fatal: Option<PipelineError> = None;
        while let Some(message) = rx.recv().await {
            if fatal.is_some() {
                continue;
            }
            if let Err(error) = self.write(pipeline, &shared, message, &mut summary).await {
                // The store failed: stop fetching, let the jobs end, keep what is committed.
                scheduler.stop();
                fatal = Some(error);
            }
        }
        scheduler.idle().await;
        watcher.abort();
        if let Some(error) = fatal {
            return Err(error);
        }

        let left_polls = scheduler.left(JobKind::Poll);
        let tallies = shared
            .tallies
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let polls = std::mem::take(&mut *shared.polls.lock().unwrap_or_else(|p| p.into_inner()));
        for ((mut row, outcome), mut tally) in sources.into_iter().zip(polls).zip(tallies) {
            let Some(outcome) = outcome else { continue };
            summary.not_modified += usize::from(outcome.not_modified);
            summary.failed += usize::from(outcome.error.is_some());
            summary.items += tally.seen;
            summary.known += tally.known;
            summary.left += tally.left;
            if let Some(to) = permanent_move(&row, &outcome) {
                let from = row.url.clone();
                match self.store.move_source(row.id, to).await? {
                    SourceMove::Moved => {
                        summary.moved += 1;
                        tracing::info!(%from, %to, "source moved permanently");
                        observer.line(format!(
                            "moved     {from} → {to} (moved permanently; the old address stays known)"
                        ));
                        row.url = to.to_string();
                        tally.moved_from = Some(from);
                    }
                    SourceMove::Joined { into } => {
                        summary.moved += 1;
                        tracing::info!(%from, %to, kept = into, "source moved onto a followed one");
                        observer.line(format!(
                            "moved     {from} → {to}, which source {into} follows already: kept that \
                             one, removed this one (its address stays known)"
                        ));
                        continue;
                    }
                    SourceMove::Missing => continue,
                }
            }
            self.store
                .update_source(&source_after(row, &outcome, &tally, stop.is_stopped()))
                .await?;
        }
        summary.left += left_polls;
        summary.images = RoundCounters::get(&counters.images);
        pipeline.refresh_heat().await?;
        summary.elapsed = started.elapsed();
        Ok(summary)
    }

    /// The writer: one article at a time, in arrival order.
    async fn write(
        &self,
        pipeline: &mut Pipeline,
        shared: &Arc<Shared>,
        message: ToWriter,
        summary: &mut RoundSummary,
    ) -> Result<()> {
        let (source, shown, incoming, upgrade_of, feed_note) = match message {
            ToWriter::Failed {
                source,
                shown,
                reason,
            } => {
                summary.skipped += 1;
                shared.tally(source, |t| t.failed += 1);
                shared.observer.line(format!("skipped   {shown}: {reason}"));
                return Ok(());
            }
            ToWriter::Article {
                source,
                shown,
                incoming,
                upgrade_of,
                feed_note,
            } => (source, shown, *incoming, upgrade_of, feed_note),
        };
        let image = incoming.article.images.first().map(|i| i.url.clone());
        let outcome = match &upgrade_of {
            Some(existing) => pipeline.upgrade(existing, incoming).await?,
            None => pipeline.ingest(incoming).await?,
        };
        match outcome {
            Outcome::Ingested {
                id,
                story_id,
                duplicate_of,
                ..
            } => {
                summary.ingested += 1;
                RoundCounters::add(&shared.counters.committed, 1);
                let copy = duplicate_of
                    .map(|o| format!(" (syndicated copy of {o})"))
                    .unwrap_or_default();
                match &feed_note {
                    Some(note) => {
                        summary.feed_only += 1;
                        RoundCounters::add(&shared.counters.feed_only, 1);
                        shared.tally(source, |t| {
                            t.ingested += 1;
                            t.feed_only += 1;
                        });
                        shared.observer.line(format!(
                            "feed text {shown} → story {story_id}{copy} (page not used: {note})"
                        ));
                    }
                    None => {
                        shared.tally(source, |t| t.ingested += 1);
                        shared
                            .observer
                            .line(format!("ingested  {shown} → story {story_id}{copy}"));
                    }
                }
                if let (Some(cache), Some(url)) = (&self.images, image) {
                    let job = image_job(
                        shared.clone(),
                        cache.clone(),
                        self.images_by_url.clone(),
                        id,
                        url.clone(),
                    );
                    shared.scheduler.submit(&host_of(&url), JobKind::Image, job);
                }
            }
            Outcome::Upgraded { story_id, .. } => {
                summary.upgraded += 1;
                RoundCounters::add(&shared.counters.committed, 1);
                shared.tally(source, |t| t.upgraded += 1);
                shared.observer.line(format!(
                    "full text {shown} → story {story_id} (was feed text only)"
                ));
            }
            Outcome::Duplicate { existing, .. } => {
                shared.tally(source, |t| t.known += 1);
                tracing::debug!(%shown, %existing, "already stored");
            }
            Outcome::Skipped(reason) => {
                summary.skipped += 1;
                shared.tally(source, |t| t.failed += 1);
                shared.observer.line(format!("skipped   {shown}: {reason}"));
            }
        }
        Ok(())
    }
}

/// Where a source's feed moved permanently, when the poll succeeded there (a temporary
/// redirect anywhere on the way, or a failed poll, moves nothing).
pub(crate) fn permanent_move<'a>(row: &SourceRow, outcome: &'a PollOutcome) -> Option<&'a str> {
    if outcome.error.is_some() {
        return None;
    }
    outcome
        .state
        .moved_to
        .as_deref()
        .filter(|to| !to.is_empty() && *to != row.url)
}

/// The source row after a round: its polling state, and what the round did with it. A source
/// with items left over keeps no validators and is due again at once, so the next poll lists
/// every item again and the rest are taken.
pub(crate) fn source_after(
    mut row: SourceRow,
    outcome: &PollOutcome,
    tally: &SourceRound,
    stopped: bool,
) -> SourceRow {
    let mut state = outcome.state.clone();
    // The row's address is the one polled next (a move has set it already).
    state.url.clone_from(&row.url);
    if state.moved_to.as_deref() == Some(row.url.as_str()) {
        state.moved_to = None;
    }
    // A source whose items wait for their pages lists them again next time, so it keeps no
    // validators (a 304 would hide them); one with items left over is also due at once.
    if tally.left > 0 || tally.feed_only + tally.still_feed_only > 0 {
        state.etag = None;
        state.last_modified = None;
    }
    if tally.left > 0 && !stopped {
        state.next_poll = Some(Utc::now());
    }
    row.state = serde_json::to_string(&state).ok();
    row.next_poll = state.next_poll.unwrap_or_else(|| {
        Utc::now() + chrono::Duration::seconds(i64::try_from(state.interval_secs).unwrap_or(3600))
    });
    row.last_error = state.last_error.clone();
    if row.title.is_none() {
        row.title = outcome
            .meta
            .as_ref()
            .and_then(|m| m.title.clone())
            .filter(|t| !t.trim().is_empty());
    }
    if let Some(kind) = state.kind {
        row.kind = format!("{kind:?}").to_lowercase();
    }
    row.last_round = serde_json::to_string(tally).ok();
    row
}

/// Polls one source and queues its new items.
async fn poll_job(shared: Arc<Shared>, index: usize, row: SourceRow, tx: mpsc::Sender<ToWriter>) {
    let state = row
        .state
        .as_deref()
        .and_then(|s| serde_json::from_str::<SourceState>(s).ok())
        .map(|mut state| {
            // The row's address is the one to poll (a source that moved has it).
            state.url.clone_from(&row.url);
            state
        })
        .unwrap_or_else(|| SourceState::new(row.url.clone()));
    let stopped = shared.scheduler.stopped();
    let outcome = tokio::select! {
        outcome = poll(&shared.fetcher, &state) => outcome,
        () = stopped => return,
    };
    RoundCounters::add(&shared.counters.polled, 1);
    if let Some(error) = &outcome.error {
        shared
            .observer
            .line(format!("source    {}: {error}", row.url));
    }
    let context = SourceContext {
        feed_url: row.url.clone(),
        feed_title: outcome
            .meta
            .as_ref()
            .and_then(|m| m.title.clone())
            .or_else(|| row.title.clone()),
    };
    let items = outcome.items.clone();
    {
        let mut kept = outcome;
        kept.items = Vec::new();
        shared.polls.lock().unwrap_or_else(|p| p.into_inner())[index] = Some(kept);
    }
    shared.tally(index, |t| {
        t.at = Some(Utc::now());
        t.seen = items.len();
    });
    let mut taken = 0usize;
    for item in items {
        let url = item.url.as_deref().map(clean_url);
        let upgrade_of = match &url {
            Some(url) => {
                let first = shared
                    .seen_urls
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(url.clone());
                let known = if first {
                    shared.store.known_url(url).await
                } else {
                    Ok(Some((String::new(), false)))
                };
                match known {
                    Ok(None) => None,
                    Ok(Some((id, true))) => Some(id),
                    Ok(Some(_)) => {
                        shared.tally(index, |t| t.known += 1);
                        continue;
                    }
                    Err(e) => {
                        shared
                            .observer
                            .line(format!("skipped   {url}: cannot look it up: {e}"));
                        shared.tally(index, |t| t.failed += 1);
                        continue;
                    }
                }
            }
            None => None,
        };
        if upgrade_of.is_none() {
            if taken >= shared.options.max_items_per_feed {
                shared.tally(index, |t| t.left += 1);
                continue;
            }
            taken += 1;
        }
        let shown = item
            .url
            .clone()
            .or(item.title.clone())
            .unwrap_or_else(|| "(item)".into());
        let needs_page = item.url.is_some() && !has_full_text(&item);
        if needs_page {
            let host = host_of(item.url.as_deref().unwrap_or_default());
            RoundCounters::add(&shared.counters.pages_queued, 1);
            let job = page_job(
                shared.clone(),
                PageItem {
                    source: index,
                    item,
                    context: context.clone(),
                    upgrade_of,
                    shown,
                },
                tx.clone(),
            );
            shared.scheduler.submit(&host, JobKind::Page, job);
        } else {
            // The feed carries the whole article (or there is no page): no fetch.
            let fetched = storyline_ingest::article::from_feed_only(&item);
            let message = match from_fetched(&fetched, &context) {
                Ok(incoming) => ToWriter::Article {
                    source: index,
                    shown,
                    incoming: Box::new(incoming),
                    upgrade_of: None,
                    feed_note: None,
                },
                Err(e) => ToWriter::Failed {
                    source: index,
                    shown,
                    reason: e.to_string(),
                },
            };
            if tx.send(message).await.is_err() {
                return;
            }
        }
    }
}

/// A feed item on its way to its page: which source listed it, how it is shown, and the
/// stored feed-text article its page would replace.
struct PageItem {
    source: usize,
    item: FeedItem,
    context: SourceContext,
    upgrade_of: Option<String>,
    shown: String,
}

/// Fetches one item's page, extracts it on the CPU pool and hands the article to the writer;
/// falls back to the feed's text when the page cannot be had.
fn page_job(
    shared: Arc<Shared>,
    page: PageItem,
    tx: mpsc::Sender<ToWriter>,
) -> impl std::future::Future<Output = ()> + Send + 'static {
    // Made at submission, so a job dropped from its queue unstarted is counted too.
    let guard = LeftGuard {
        shared: shared.clone(),
        source: page.source,
        done: false,
    };
    page_work(shared, page, tx, guard)
}

async fn page_work(
    shared: Arc<Shared>,
    page: PageItem,
    tx: mpsc::Sender<ToWriter>,
    mut guard: LeftGuard,
) {
    let url = page.item.url.clone().unwrap_or_default();
    let host = host_of(&url);
    let stopped = shared.scheduler.stopped();
    let work = async {
        shared.fetcher.until_host_ready(&url).await;
        let Ok(_slot) = shared.budget.clone().acquire_owned().await else {
            return;
        };
        let fetched = match shared.host_given_up(&host) {
            Some(n) => Err(format!(
                "{host} failed {n} times in a row this round; not asked again"
            )),
            None => match fetch_page(&shared.fetcher, &page.item).await {
                Ok(fetched) => {
                    shared.host_answered(&host);
                    Ok(fetched)
                }
                Err(error) => {
                    if counts_against_host(&error) {
                        shared.host_failed(&host);
                    }
                    Err(error.to_string())
                }
            },
        };
        RoundCounters::add(&shared.counters.pages_done, 1);
        let message = match fetched {
            Ok(fetched) => {
                let built = {
                    let (item, context) = (page.item.clone(), page.context.clone());
                    let preparer = shared.preparer.clone();
                    shared
                        .pool
                        .run(move || {
                            from_fetched(&complete(&item, fetched), &context).map(|mut incoming| {
                                if !incoming.feed_only {
                                    preparer.prepare(&mut incoming);
                                }
                                incoming
                            })
                        })
                        .await
                };
                match built {
                    Ok(Ok(incoming)) if !incoming.feed_only => Some(ToWriter::Article {
                        source: page.source,
                        shown: page.shown.clone(),
                        incoming: Box::new(incoming),
                        upgrade_of: page.upgrade_of.clone(),
                        feed_note: None,
                    }),
                    Ok(Ok(_)) => feed_text(&page, "the page held no article text"),
                    Ok(Err(e)) => feed_text(&page, &e.to_string()),
                    Err(e) => feed_text(&page, &e.to_string()),
                }
            }
            Err(reason) => feed_text(&page, &reason),
        };
        match message {
            Some(message) => {
                let _ = tx.send(message).await;
            }
            None => shared.tally(page.source, |t| t.still_feed_only += 1),
        }
    };
    tokio::select! {
        biased;
        () = work => guard.done = true,
        () = stopped => {}
    }
}

/// Counts a page job as left for the next round unless it ran to the end (a stop that drops
/// it from its queue, or ends it mid-fetch).
struct LeftGuard {
    shared: Arc<Shared>,
    source: usize,
    done: bool,
}

impl Drop for LeftGuard {
    fn drop(&mut self) {
        if !self.done {
            self.shared.tally(self.source, |t| t.left += 1);
        }
    }
}

/// The item from its feed's own text, or nothing when it is already stored that way.
fn feed_text(page: &PageItem, reason: &str) -> Option<ToWriter> {
    let (source, shown) = (page.source, page.shown.clone());
    if page.upgrade_of.is_some() {
        // Stored from feed text already; the page may come next round.
        tracing::debug!(%shown, %reason, "page still not available");
        return None;
    }
    Some(match from_feed_text(&page.item, &page.context) {
        Ok(incoming) => ToWriter::Article {
            source,
            shown,
            incoming: Box::new(incoming),
            upgrade_of: None,
            feed_note: Some(reason.to_string()),
        },
        Err(e) => ToWriter::Failed {
            source,
            shown,
            reason: format!("{reason}; the feed's text: {e}"),
        },
    })
}

/// Failures that say the host is unwell (not a missing page or a refusal of one URL).
pub(crate) fn counts_against_host(error: &FetchError) -> bool {
    match error {
        FetchError::Timeout { .. } | FetchError::Network { .. } => true,
        FetchError::Status { status, .. } => *status == 429 || *status >= 500,
        _ => false,
    }
}

/// Caches an article's lead image and records it.
async fn image_job(
    shared: Arc<Shared>,
    cache: Arc<ImageCache>,
    by_url: PathBuf,
    article_id: String,
    url: String,
) {
    let stopped = shared.scheduler.stopped();
    let work = async {
        match cache.cache(&shared.fetcher, &url).await {
            Ok(cached) => {
                link_by_url(&cached.path, &url, &by_url);
                let images = vec![Image {
                    url: url.clone(),
                    width: Some(cached.width),
                    height: Some(cached.height),
                    is_cached: true,
                }];
                match shared.store.set_article_images(&article_id, &images).await {
                    Ok(_) => RoundCounters::add(&shared.counters.images, 1),
                    Err(e) => shared
                        .observer
                        .line(format!("image     {url}: not recorded: {e}")),
                }
            }
            Err(e) => shared
                .observer
                .line(format!("image     {url}: not cached: {e}")),
        }
    };
    tokio::select! {
        () = work => {}
        () = stopped => {}
    }
}

/// The folder where each cached image is also reachable by its URL's id, for the server.
pub fn images_by_url_dir(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("images").join("by-url")
}

/// Makes a content-addressed image reachable under `article_id(url)` (a hard link, or a copy
/// where links are impossible).
pub(crate) fn link_by_url(stored: &std::path::Path, url: &str, dir: &std::path::Path) {
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
