//! A short-lived cache of rendered public listings (front, topic and provider pages, feeds).
//! Every reader gets the same bytes for these, so under load they are rendered at most once
//! per `ttl`. Editorial actions taken through this server bump a generation counter, which
//! empties the cache at once; articles the pipeline commits show up within `ttl`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// Most entries kept; beyond it the cache is cleared.
const MAX_ENTRIES: usize = 2_000;

struct Entry {
    at: Instant,
    generation: u64,
    content_type: &'static str,
    /// `Last-Modified`, for feeds (the newest item's time).
    last_modified: Option<HeaderValue>,
    body: Bytes,
}

fn response(
    content_type: &'static str,
    last_modified: Option<&HeaderValue>,
    body: Bytes,
) -> Response {
    let mut response = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    if let Some(value) = last_modified {
        response
            .headers_mut()
            .insert(header::LAST_MODIFIED, value.clone());
    }
    response
}

/// Rendered listings by path and query.
pub struct PageCache {
    ttl: Duration,
    generation: AtomicU64,
    entries: Mutex<HashMap<String, Entry>>,
}

impl PageCache {
    /// A cache keeping pages for `ttl`; a zero `ttl` disables it.
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            generation: AtomicU64::new(0),
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The cached response for `key`, when fresh. When it has just expired, the first caller
    /// gets `None` (and renders it again) while the others keep getting the previous copy
    /// until the new one is stored, so a busy page is rendered once, not by every reader.
    pub fn get(&self, key: &str) -> Option<Response> {
        if self.ttl.is_zero() {
            return None;
        }
        let generation = self.generation.load(Ordering::Acquire);
        let mut entries = self.entries.lock().ok()?;
        let entry = entries.get_mut(key)?;
        if entry.generation != generation {
            return None;
        }
        if entry.at.elapsed() >= self.ttl {
            // This caller refreshes; the stale copy serves others for one more period.
            entry.at = Instant::now();
            return None;
        }
        Some(response(
            entry.content_type,
            entry.last_modified.as_ref(),
            entry.body.clone(),
        ))
    }

    /// Keeps a rendered body and returns it as a response.
    pub fn put(&self, key: String, content_type: &'static str, body: String) -> Response {
        self.put_dated(key, content_type, None, body)
    }

    /// [`PageCache::put`] with a `Last-Modified` time (a feed's newest item).
    pub fn put_dated(
        &self,
        key: String,
        content_type: &'static str,
        last_modified: Option<HeaderValue>,
        body: String,
    ) -> Response {
        let body = Bytes::from(body);
        if !self.ttl.is_zero()
            && let Ok(mut entries) = self.entries.lock()
        {
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(
                key,
                Entry {
                    at: Instant::now(),
                    generation: self.generation.load(Ordering::Acquire),
                    content_type,
                    last_modified: last_modified.clone(),
                    body: body.clone(),
                },
            );
        }
        response(content_type, last_modified.as_ref(), body)
    }

    /// Counts invalidations: a value read from the store under one generation is stale once
    /// the generation has moved on.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// How long entries are reused (zero: never).
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Forgets everything (after an editorial action).
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_invalidation_empties_the_cache() {
        let cache = PageCache::new(Duration::from_secs(60));
        cache.put("/".into(), "text/html", "front".into());
        assert!(cache.get("/").is_some());
        let short = PageCache::new(Duration::from_millis(300));
        short.put("/".into(), "text/html", "front".into());
        std::thread::sleep(Duration::from_millis(350));
        assert!(
            short.get("/").is_none(),
            "the first reader after expiry refreshes"
        );
        assert!(
            short.get("/").is_some(),
            "others get the previous copy meanwhile"
        );
        assert!(cache.get("/?page=2").is_none());
        cache.invalidate();
        assert!(cache.get("/").is_none());
        let off = PageCache::new(Duration::ZERO);
        off.put("/".into(), "text/html", "front".into());
        assert!(off.get("/").is_none());
    }
}
