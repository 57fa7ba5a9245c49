//! One scheduler for every request of a round: feed polls, page fetches and images, from
//! all sources at once.
//!
//! Work is queued per host ("lanes"). A host with queued work and fewer than `per_host` jobs
//! running starts its next job at once, whatever other hosts are doing, so a round's pace is
//! the sum over its hosts rather than the pace of one. Each job still goes through the
//! fetcher, which spaces the starts of requests to one host by its politeness interval
//! (raised by a robots.txt `Crawl-delay`) and caps what is in flight per host; the lanes only
//! decide which jobs exist, so no job sits in a global queue behind another host's wait.
//!
//! [`Scheduler::stop`] lets running jobs see the stop (through [`Scheduler::stopped`]) and
//! starts nothing more; the jobs still queued are counted by kind as left for the next round.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

/// What a queued job is, for counting what a stop leaves behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// A feed, sitemap or page source to poll.
    Poll,
    /// An article page to fetch and extract.
    Page,
    /// A lead image to cache.
    Image,
}

type BoxJob = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

struct Lane {
    queue: VecDeque<(JobKind, BoxJob)>,
    running: usize,
}

struct Inner {
    lanes: Mutex<State>,
    per_host: usize,
    /// Jobs queued or running; 0 means the scheduler is idle.
    pending: watch::Sender<usize>,
    stop: watch::Sender<bool>,
}

#[derive(Default)]
struct State {
    lanes: HashMap<String, Lane>,
    left: HashMap<JobKind, usize>,
}

/// Per-host lanes of jobs. Cheap to clone; clones share the lanes.
#[derive(Clone)]
pub struct Scheduler {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler")
            .field("per_host", &self.inner.per_host)
            .field("pending", &*self.inner.pending.borrow())
            .finish()
    }
}

impl Scheduler {
    /// A scheduler that runs at most `per_host` jobs of one host at once.
    pub fn new(per_host: usize) -> Self {
        Self {
            inner: Arc::new(Inner {
                lanes: Mutex::new(State::default()),
                per_host: per_host.max(1),
                pending: watch::Sender::new(0),
                stop: watch::Sender::new(false),
            }),
        }
    }

    /// Queues `job` on the lane of `host` (a URL's host, compared without case).
    pub fn submit<F>(&self, host: &str, kind: JobKind, job: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let host = host.to_ascii_lowercase();
        {
            let mut state = self.lock();
            if *self.inner.stop.borrow() {
                *state.left.entry(kind).or_default() += 1;
                return;
            }
            self.inner.pending.send_modify(|n| *n += 1);
            state
                .lanes
                .entry(host.clone())
                .or_insert_with(|| Lane {
                    queue: VecDeque::new(),
                    running: 0,
                })
                .queue
                .push_back((kind, Box::pin(job)));
        }
        self.pump(&host);
    }

    /// Starts queued jobs of `host` while it has free slots.
    fn pump(&self, host: &str) {
        let mut ready = Vec::new();
        {
            let mut state = self.lock();
            let Some(lane) = state.lanes.get_mut(host) else {
                return;
            };
            while lane.running < self.inner.per_host {
                let Some((_, job)) = lane.queue.pop_front() else {
                    break;
                };
                lane.running += 1;
                ready.push(job);
            }
        }
        for job in ready {
            let this = self.clone();
            let host = host.to_string();
            tokio::spawn(async move {
                job.await;
                this.finished(&host);
            });
        }
    }

    fn finished(&self, host: &str) {
        {
            let mut state = self.lock();
            if let Some(lane) = state.lanes.get_mut(host) {
                lane.running = lane.running.saturating_sub(1);
                if lane.running == 0 && lane.queue.is_empty() {
                    state.lanes.remove(host);
                }
            }
        }
        self.inner.pending.send_modify(|n| *n = n.saturating_sub(1));
        self.pump(host);
    }

    /// Starts nothing more: queued jobs are dropped and counted as left, and running jobs
    /// see [`Scheduler::stopped`] resolve.
    pub fn stop(&self) {
        let mut state = self.lock();
        self.inner.stop.send_replace(true);
        let mut dropped = 0;
        let mut counts: Vec<JobKind> = Vec::new();
        for lane in state.lanes.values_mut() {
            for (kind, _) in lane.queue.drain(..) {
                counts.push(kind);
                dropped += 1;
            }
        }
        for kind in counts {
            *state.left.entry(kind).or_default() += 1;
        }
        state.lanes.retain(|_, lane| lane.running > 0);
        drop(state);
        self.inner
            .pending
            .send_modify(|n| *n = n.saturating_sub(dropped));
    }

    /// Whether [`Scheduler::stop`] was called.
    pub fn is_stopped(&self) -> bool {
        *self.inner.stop.borrow()
    }

    /// Resolves once the scheduler is stopped (at once if it already is).
    pub fn stopped(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut stop = self.inner.stop.subscribe();
        async move {
            let _ = stop.wait_for(|stopped| *stopped).await;
        }
    }

    /// Resolves when no job is queued or running.
    pub async fn idle(&self) {
        let mut pending = self.inner.pending.subscribe();
        let _ = pending.wait_for(|n| *n == 0).await;
    }

    /// Jobs queued or running now.
    pub fn pending(&self) -> usize {
        *self.inner.pending.borrow()
    }

    /// Jobs of `kind` dropped by a stop, or submitted after it.
    pub fn left(&self, kind: JobKind) -> usize {
        self.lock().left.get(&kind).copied().unwrap_or(0)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.inner.lanes.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The lane a URL's requests queue on: its host, or the whole text when it has none.
pub fn host_of(url: &str) -> String {
    url::Url::parse(url.trim())
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_else(|| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn each_host_runs_its_own_jobs_up_to_its_cap_and_others_are_not_held_up() {
        let scheduler = Scheduler::new(2);
        let slow_running = Arc::new(AtomicUsize::new(0));
        let slow_most = Arc::new(AtomicUsize::new(0));
        let fast_done = Arc::new(AtomicUsize::new(0));
        for _ in 0..6 {
            let (running, most) = (Arc::clone(&slow_running), Arc::clone(&slow_most));
            scheduler.submit("slow.example", JobKind::Page, async move {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(60)).await;
                running.fetch_sub(1, Ordering::SeqCst);
            });
        }
        let started = std::time::Instant::now();
        for _ in 0..10 {
            let done = Arc::clone(&fast_done);
            scheduler.submit("Fast.example", JobKind::Page, async move {
                done.fetch_add(1, Ordering::SeqCst);
            });
        }
        // The fast host's jobs finish long before the slow host's three waves.
        while fast_done.load(Ordering::SeqCst) < 10 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        assert!(started.elapsed() < Duration::from_millis(150));
        scheduler.idle().await;
        assert_eq!(slow_most.load(Ordering::SeqCst), 2);
        assert_eq!(scheduler.pending(), 0);
    }

    #[tokio::test]
    async fn a_stop_counts_what_was_left_and_wakes_running_jobs() {
        let scheduler = Scheduler::new(1);
        let woke = Arc::new(AtomicUsize::new(0));
        for _ in 0..4 {
            let (woke, stopped) = (Arc::clone(&woke), scheduler.stopped());
            scheduler.submit("host.example", JobKind::Page, async move {
                stopped.await;
                woke.fetch_add(1, Ordering::SeqCst);
            });
        }
        scheduler.submit("host.example", JobKind::Image, async {});
        tokio::time::sleep(Duration::from_millis(10)).await;
        scheduler.stop();
        scheduler.idle().await;
        assert_eq!(woke.load(Ordering::SeqCst), 1, "only the running job ran");
        assert_eq!(scheduler.left(JobKind::Page), 3);
        assert_eq!(scheduler.left(JobKind::Image), 1);
        scheduler.submit("host.example", JobKind::Poll, async {});
        assert_eq!(scheduler.left(JobKind::Poll), 1);
        assert_eq!(scheduler.pending(), 0);
    }
}
