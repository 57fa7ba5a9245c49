//! Polling one source: fetch conditionally, parse, and schedule the next poll.
//!
//! [`SourceState`] is plain data the caller persists between polls (validators, schedule, failure
//! count and last error, recent publishing times). [`poll`] fetches the source with its validators,
//! parses what came back, and returns a [`PollOutcome`] with the items and the updated state:
//!
//! - the interval adapts to how often the source publishes (half the median gap between recent
//!   items, slower when the source has gone quiet), within [`PollConfig`] bounds;
//! - a failure keeps the last error and backs off exponentially; a `Retry-After` is respected;
//! - a sitemap index is followed into its most recent child sitemaps.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::fetch::{Fetcher, Validators};
use crate::sources::{FeedItem, FeedMeta, SourceKind, parse_source};

/// Scheduling bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollConfig {
    /// Shortest interval between polls of one source.
    pub min_interval: Duration,
    /// Longest interval between polls of a healthy source.
    pub max_interval: Duration,
    /// Interval for a source with no publishing history yet.
    pub default_interval: Duration,
    /// Longest wait after repeated failures.
    pub max_backoff: Duration,
    /// Child sitemaps of an index fetched per poll (most recent first).
    pub max_child_sitemaps: usize,
    /// Publishing times remembered per source.
    pub history: usize,
}

impl Default for PollConfig {
    fn default() -> Self {
        Self {
            min_interval: Duration::from_secs(5 * 60),
            max_interval: Duration::from_secs(6 * 3600),
            default_interval: Duration::from_secs(30 * 60),
            max_backoff: Duration::from_secs(24 * 3600),
            max_child_sitemaps: 3,
            history: 32,
        }
    }
}

/// What the caller stores about a source between polls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceState {
    /// The URL polled.
    pub url: String,
    /// The kind found at the last successful poll.
    pub kind: Option<SourceKind>,
    /// The source's title, from its last parse.
    pub title: Option<String>,
    /// `ETag` of the last 200.
    pub etag: Option<String>,
    /// `Last-Modified` of the last 200.
    pub last_modified: Option<String>,
    /// When the source was last polled.
    pub last_polled: Option<DateTime<Utc>>,
    /// When it should be polled next.
    pub next_poll: Option<DateTime<Utc>>,
    /// The current interval, in seconds.
    pub interval_secs: u64,
    /// Consecutive failures (0 when healthy).
    pub failures: u32,
    /// The last error, kept until a poll succeeds.
    pub last_error: Option<String>,
    /// Recent publishing times, newest first.
    pub last_item_times: Vec<DateTime<Utc>>,
    /// Where the source moved permanently (every redirect hop was 301/308), as of the last
    /// poll; a fetch round moves the source there once the poll succeeded.
    pub moved_to: Option<String>,
}

impl SourceState {
    /// A never-polled source.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            kind: None,
            title: None,
            etag: None,
            last_modified: None,
            last_polled: None,
            next_poll: None,
            interval_secs: PollConfig::default().default_interval.as_secs(),
            failures: 0,
            last_error: None,
            last_item_times: Vec::new(),
            moved_to: None,
        }
    }

    /// Whether the source is due at `now`.
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.next_poll.is_none_or(|next| next <= now)
    }
}

/// The result of one poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollOutcome {
    /// The updated state, to persist.
    pub state: SourceState,
    /// The items found (empty on 304 or error). The caller de-duplicates against what it has.
    pub items: Vec<FeedItem>,
    /// The feed's metadata, when parsed.
    pub meta: Option<FeedMeta>,
    /// True when the server answered 304 Not Modified.
    pub not_modified: bool,
    /// What went wrong, if anything (also kept in `state.last_error`).
    pub error: Option<String>,
    /// Feeds advertised by an HTML page source.
    pub discovered_feeds: Vec<String>,
}

/// Polls `state.url` with the default [`PollConfig`].
pub async fn poll(fetcher: &Fetcher, state: &SourceState) -> PollOutcome {
    poll_with(fetcher, state, &PollConfig::default()).await
}

/// Polls `state.url` within `config`'s scheduling bounds.
pub async fn poll_with(fetcher: &Fetcher, state: &SourceState, config: &PollConfig) -> PollOutcome {
    let validators = Validators {
        etag: state.etag.clone(),
        last_modified: state.last_modified.clone(),
    };
    let fetched = fetcher.fetch(&state.url, &validators).await;
    let now = Utc::now();
    let fetched = match fetched {
        Ok(fetched) => fetched,
        Err(error) => return failed(state, &error.to_string(), error.retry_after(), config, now),
    };
    let mut next = state.clone();
    next.moved_to = fetched.permanently_moved.then(|| fetched.final_url.clone());
    if fetched.not_modified {
        next.etag = fetched.etag.clone().or(next.etag);
        next.last_modified = fetched.last_modified.clone().or(next.last_modified);
        let state = schedule_success(&next, &[], None, true, config, now);
        return PollOutcome {
            state,
            items: Vec::new(),
            meta: None,
            not_modified: true,
            error: None,
            discovered_feeds: Vec::new(),
        };
    }
    let text = fetched.text().text;
    let mut parsed = match parse_source(&text, Some(&fetched.final_url)) {
        Ok(parsed) => parsed,
        Err(error) => {
            let message = format!("{}: {error}", fetched.final_url);
            return failed(state, &message, None, config, now);
        }
    };
    if parsed.meta.kind == SourceKind::SitemapIndex {
        parsed.items =
            fetch_child_sitemaps(fetcher, &fetched.final_url, &parsed.child_sitemaps, config).await;
    }
    next.etag = fetched.etag.clone();
    next.last_modified = fetched.last_modified.clone();
    next.kind = Some(parsed.meta.kind);
    if parsed.meta.title.is_some() {
        next.title.clone_from(&parsed.meta.title);
    }
    let dates: Vec<DateTime<Utc>> = parsed.items.iter().filter_map(FeedItem::date).collect();
    let ttl = parsed
        .meta
        .ttl_minutes
        .map(|m| Duration::from_secs(u64::from(m) * 60));
    let state = schedule_success(&next, &dates, ttl, false, config, now);
    PollOutcome {
        state,
        items: parsed.items,
        meta: Some(parsed.meta),
        not_modified: false,
        error: None,
        discovered_feeds: parsed.discovered_feeds,
    }
}

/// Fetches the most recent child sitemaps of an index and returns their items. A failing child
/// is skipped: the others still count.
async fn fetch_child_sitemaps(
    fetcher: &Fetcher,
    index_url: &str,
    children: &[(String, Option<DateTime<Utc>>)],
    config: &PollConfig,
) -> Vec<FeedItem> {
    let mut ordered: Vec<&(String, Option<DateTime<Utc>>)> = children.iter().collect();
    ordered.sort_by_key(|child| std::cmp::Reverse(child.1));
    let mut items = Vec::new();
    let base = url::Url::parse(index_url).ok();
    for (url, _) in ordered.into_iter().take(config.max_child_sitemaps) {
        let absolute = match &base {
            Some(base) => base
                .join(url)
                .map_or_else(|_| url.clone(), |u| u.to_string()),
            None => url.clone(),
        };
        let Ok(fetched) = fetcher.fetch(&absolute, &Validators::default()).await else {
            continue;
        };
        if let Ok(parsed) = parse_source(&fetched.text().text, Some(&fetched.final_url))
            && parsed.meta.kind != SourceKind::SitemapIndex
        {
            items.extend(parsed.items);
        }
    }
    items
}

fn failed(
    state: &SourceState,
    message: &str,
    retry_after: Option<Duration>,
    config: &PollConfig,
    now: DateTime<Utc>,
) -> PollOutcome {
    let state = schedule_failure(state, message, retry_after, config, now);
    PollOutcome {
        state,
        items: Vec::new(),
        meta: None,
        not_modified: false,
        error: Some(message.to_string()),
        discovered_feeds: Vec::new(),
    }
}

/// The state after a successful poll at `now` that saw items dated `dates`: history merged,
/// interval adapted, failures cleared.
pub fn schedule_success(
    state: &SourceState,
    dates: &[DateTime<Utc>],
    ttl: Option<Duration>,
    not_modified: bool,
    config: &PollConfig,
    now: DateTime<Utc>,
) -> SourceState {
    let mut next = state.clone();
    // Dates more than a day ahead are bogus (time zone bugs, scheduled posts): ignore them.
    let horizon = now + chrono::Duration::days(1);
    next.last_item_times
        .extend(dates.iter().copied().filter(|d| *d <= horizon));
    next.last_item_times.sort_unstable_by(|a, b| b.cmp(a));
    next.last_item_times.dedup();
    next.last_item_times.truncate(config.history);
    let current = Duration::from_secs(state.interval_secs.max(1));
    let mut interval = match publishing_interval(&next.last_item_times, now) {
        Some(adaptive) => adaptive,
        None if not_modified => current.mul_f64(1.5),
        None if state.last_polled.is_none() => config.default_interval,
        None => current,
    };
    if let Some(ttl) = ttl {
        interval = interval.max(ttl);
    }
    let interval = interval.clamp(config.min_interval, config.max_interval);
    next.interval_secs = interval.as_secs();
    next.failures = 0;
    next.last_error = None;
    next.last_polled = Some(now);
    next.next_poll = Some(now + to_chrono(interval));
    next
}

/// Half the median gap between recent publications, stretched when the source has been quiet
/// for longer than usual. `None` without at least two distinct times.
fn publishing_interval(
    times_newest_first: &[DateTime<Utc>],
    now: DateTime<Utc>,
) -> Option<Duration> {
    if times_newest_first.len() < 2 {
        return None;
    }
    let mut gaps: Vec<i64> = times_newest_first
        .windows(2)
        .map(|w| (w[0] - w[1]).num_seconds())
        .filter(|g| *g > 0)
        .collect();
    if gaps.is_empty() {
        return None;
    }
    gaps.sort_unstable();
    let median = gaps[gaps.len() / 2];
    let mut seconds = median / 2;
    let quiet = (now - times_newest_first[0]).num_seconds();
    if quiet > 4 * median {
        seconds = seconds.max(quiet / 4);
    }
    u64::try_from(seconds).ok().map(Duration::from_secs)
}

/// The state after a failed poll: error kept, failures counted, next poll backed off
/// exponentially (or after `retry_after` when the server said so).
pub fn schedule_failure(
    state: &SourceState,
    message: &str,
    retry_after: Option<Duration>,
    config: &PollConfig,
    now: DateTime<Utc>,
) -> SourceState {
    let mut next = state.clone();
    next.failures = state.failures.saturating_add(1);
    next.last_error = Some(message.to_string());
    next.last_polled = Some(now);
    let base = Duration::from_secs(state.interval_secs.max(1)).max(config.min_interval);
    let factor = 1u32 << next.failures.min(16);
    let mut wait = base.saturating_mul(factor).min(config.max_backoff);
    if let Some(after) = retry_after {
        wait = wait.max(after.min(config.max_backoff));
    }
    next.next_poll = Some(now + to_chrono(wait));
    next
}

fn to_chrono(duration: Duration) -> chrono::Duration {
    chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("date")
            .with_timezone(&Utc)
    }

    #[test]
    fn busy_source_is_polled_often_and_quiet_one_rarely() {
        let config = PollConfig::default();
        let now = at("2024-03-05T12:00:00Z");
        let hourly: Vec<DateTime<Utc>> =
            (0..10).map(|h| now - chrono::Duration::hours(h)).collect();
        let state = schedule_success(&SourceState::new("u"), &hourly, None, false, &config, now);
        assert_eq!(state.interval_secs, 30 * 60, "half the hourly gap");
        let weekly: Vec<DateTime<Utc>> = (1..6).map(|w| now - chrono::Duration::weeks(w)).collect();
        let state = schedule_success(&SourceState::new("u"), &weekly, None, false, &config, now);
        assert_eq!(state.interval_secs, config.max_interval.as_secs());
        let burst: Vec<DateTime<Utc>> = (0..10)
            .map(|m| now - chrono::Duration::minutes(m))
            .collect();
        let state = schedule_success(&SourceState::new("u"), &burst, None, false, &config, now);
        assert_eq!(state.interval_secs, config.min_interval.as_secs());
        assert_eq!(state.next_poll, Some(now + chrono::Duration::minutes(5)));
    }

    #[test]
    fn quiet_source_slows_down() {
        let config = PollConfig::default();
        let now = at("2024-03-05T12:00:00Z");
        // Published hourly, but the last item is two days old.
        let old: Vec<DateTime<Utc>> = (48..58).map(|h| now - chrono::Duration::hours(h)).collect();
        let state = schedule_success(&SourceState::new("u"), &old, None, false, &config, now);
        assert_eq!(
            state.interval_secs,
            (12 * 3600u64).min(config.max_interval.as_secs())
        );
    }

    #[test]
    fn not_modified_stretches_and_ttl_is_a_floor() {
        let config = PollConfig::default();
        let now = at("2024-03-05T12:00:00Z");
        let mut state = SourceState::new("u");
        state.interval_secs = 600;
        state.last_polled = Some(now);
        let next = schedule_success(&state, &[], None, true, &config, now);
        assert_eq!(next.interval_secs, 900);
        let next = schedule_success(
            &state,
            &[],
            Some(Duration::from_secs(3600)),
            false,
            &config,
            now,
        );
        assert_eq!(next.interval_secs, 3600);
    }

    #[test]
    fn failures_back_off_and_keep_the_error() {
        let config = PollConfig::default();
        let now = at("2024-03-05T12:00:00Z");
        let mut state = SourceState::new("u");
        state.interval_secs = 600;
        let once = schedule_failure(&state, "HTTP 500", None, &config, now);
        assert_eq!(once.failures, 1);
        assert_eq!(once.last_error.as_deref(), Some("HTTP 500"));
        assert_eq!(once.next_poll, Some(now + chrono::Duration::seconds(1200)));
        let twice = schedule_failure(&once, "HTTP 502", None, &config, now);
        assert_eq!(twice.next_poll, Some(now + chrono::Duration::seconds(2400)));
        let mut many = twice;
        for _ in 0..40 {
            many = schedule_failure(&many, "down", None, &config, now);
        }
        assert_eq!(many.next_poll, Some(now + to_chrono(config.max_backoff)));
        let limited =
            schedule_failure(&state, "429", Some(Duration::from_secs(7200)), &config, now);
        assert_eq!(limited.next_poll, Some(now + chrono::Duration::hours(2)));
        let healed = schedule_success(&many, &[], None, false, &config, now);
        assert_eq!(healed.failures, 0);
        assert_eq!(healed.last_error, None);
    }

    #[test]
    fn future_dates_are_ignored_and_history_is_bounded() {
        let config = PollConfig {
            history: 5,
            ..PollConfig::default()
        };
        let now = at("2024-03-05T12:00:00Z");
        let mut dates: Vec<DateTime<Utc>> =
            (0..20).map(|h| now - chrono::Duration::hours(h)).collect();
        dates.push(now + chrono::Duration::days(30));
        let state = schedule_success(&SourceState::new("u"), &dates, None, false, &config, now);
        assert_eq!(state.last_item_times.len(), 5);
        assert_eq!(state.last_item_times[0], now);
    }
}
