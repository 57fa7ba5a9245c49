//! Politeness per host: a minimum interval between requests (a one-token bucket) and a cap on
//! requests in flight (a semaphore).
//!
//! [`HostLimiter::acquire`] waits for both and returns a [`HostPermit`]; dropping the permit frees
//! the concurrency slot. The interval can be raised per host (a robots.txt `Crawl-delay`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// Limits shared by every host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PolitenessConfig {
    /// Minimum time between the starts of two requests to one host.
    pub min_interval: Duration,
    /// Requests to one host in flight at once (at least 1).
    pub max_concurrent: usize,
}

impl Default for PolitenessConfig {
    fn default() -> Self {
        Self {
            min_interval: Duration::from_millis(500),
            max_concurrent: 2,
        }
    }
}

struct HostSlot {
    in_flight: Arc<Semaphore>,
    next_start: Mutex<Instant>,
    interval: Mutex<Duration>,
}

/// Per-host request scheduling.
pub struct HostLimiter {
    config: PolitenessConfig,
    hosts: Mutex<HashMap<String, Arc<HostSlot>>>,
}

/// Held while a request to a host is in flight.
#[derive(Debug)]
pub struct HostPermit {
    _permit: Option<OwnedSemaphorePermit>,
}

impl HostLimiter {
    /// A limiter applying `config` to every host.
    pub fn new(config: PolitenessConfig) -> Self {
        Self {
            config,
            hosts: Mutex::new(HashMap::new()),
        }
    }

    fn slot(&self, host: &str) -> Arc<HostSlot> {
        let mut hosts = self
            .hosts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(hosts.entry(host.to_ascii_lowercase()).or_insert_with(|| {
            Arc::new(HostSlot {
                in_flight: Arc::new(Semaphore::new(self.config.max_concurrent.max(1))),
                next_start: Mutex::new(Instant::now()),
                interval: Mutex::new(self.config.min_interval),
            })
        }))
    }

    /// Raises the interval of `host` to at least `interval` (e.g. a robots.txt crawl delay),
    /// capped at one minute.
    pub fn raise_interval(&self, host: &str, interval: Duration) {
        let slot = self.slot(host);
        let mut current = slot.interval.lock().unwrap_or_else(|p| p.into_inner());
        *current = (*current).max(interval.min(Duration::from_secs(60)));
    }

    /// The interval between two request starts to `host` (the configured one, or a longer
    /// `Crawl-delay` its robots.txt asked for).
    pub fn interval(&self, host: &str) -> Duration {
        let slot = self.slot(host);
        *slot.interval.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// When the next request to `host` may start, as far as its interval goes (a request in
    /// flight may still hold it up). Reserves nothing: [`HostLimiter::acquire`] decides.
    pub fn next_start(&self, host: &str) -> Instant {
        let slot = self.slot(host);
        *slot.next_start.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until a request to `host` may start.
    pub async fn acquire(&self, host: &str) -> HostPermit {
        let slot = self.slot(host);
        // The semaphores are never closed; were one closed, the request would go uncapped
        // rather than fail.
        let permit = Arc::clone(&slot.in_flight).acquire_owned().await.ok();
        let wait_until = {
            let interval = *slot.interval.lock().unwrap_or_else(|p| p.into_inner());
            let mut next = slot.next_start.lock().unwrap_or_else(|p| p.into_inner());
            let start = (*next).max(Instant::now());
            *next = start + interval;
            start
        };
        tokio::time::sleep_until(wait_until).await;
        HostPermit { _permit: permit }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn second_request_waits_for_the_interval() {
        let limiter = HostLimiter::new(PolitenessConfig {
            min_interval: Duration::from_secs(2),
            max_concurrent: 4,
        });
        let t0 = Instant::now();
        drop(limiter.acquire("example.com").await);
        drop(limiter.acquire("example.com").await);
        assert!(t0.elapsed() >= Duration::from_secs(2));
        let t1 = Instant::now();
        drop(limiter.acquire("other.example").await);
        assert!(t1.elapsed() < Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn concurrency_is_capped() {
        let limiter = HostLimiter::new(PolitenessConfig {
            min_interval: Duration::ZERO,
            max_concurrent: 1,
        });
        let held = limiter.acquire("example.com").await;
        let second = tokio::time::timeout(Duration::from_secs(5), limiter.acquire("example.com"));
        assert!(
            second.await.is_err(),
            "second permit must wait while the first is held"
        );
        drop(held);
        let third = tokio::time::timeout(Duration::from_secs(5), limiter.acquire("example.com"));
        assert!(third.await.is_ok());
    }
}
