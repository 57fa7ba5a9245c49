//! Shared test helpers: a real HTTP server on 127.0.0.1 and a fetcher allowed to reach it.

#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use storyline_ingest::fetch::{FetchConfig, Fetcher, GuardConfig, PolitenessConfig, RetryConfig};

/// Serves `router` on 127.0.0.1 on a free port; returns the base URL (`http://127.0.0.1:PORT`).
pub async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a test port");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        axum::serve(listener, router).await.expect("test server");
    });
    format!("http://{addr}")
}

/// A config for tests: 127.0.0.1 allowed, no politeness delay, fast retries, short timeouts.
pub fn test_config() -> FetchConfig {
    FetchConfig {
        user_agent: "storyline-test/1.0".to_string(),
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(1),
        total_timeout: Duration::from_secs(5),
        max_body_bytes: 1024 * 1024,
        max_redirects: 5,
        retry: RetryConfig {
            max_retries: 2,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
            max_retry_after: Duration::from_secs(2),
        },
        politeness: PolitenessConfig {
            min_interval: Duration::ZERO,
            max_concurrent: 4,
        },
        respect_robots: true,
        robots_ttl: Duration::from_secs(60),
        guard: GuardConfig::allowing(["127.0.0.1/32".parse().expect("range")]),
    }
}

/// A fetcher with [`test_config`].
pub fn test_fetcher() -> Fetcher {
    Fetcher::new(test_config()).expect("fetcher builds")
}

/// A request counter shared with handlers.
#[derive(Clone, Default)]
pub struct Hits(Arc<AtomicUsize>);

impl Hits {
    pub fn bump(&self) -> usize {
        self.0.fetch_add(1, Ordering::SeqCst) + 1
    }
    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}
