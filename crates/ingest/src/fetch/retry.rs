//! Retries: which failures are worth another try, how long to wait (exponential backoff with
//! jitter), and how to read a server's `Retry-After` (seconds or an HTTP date).

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::time::Duration;

use chrono::{DateTime, Utc};

/// How transient failures are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryConfig {
    /// Retries after the first attempt (0 = never retry).
    pub max_retries: u32,
    /// Backoff before the first retry; doubled for each further retry.
    pub base_delay: Duration,
    /// Longest backoff between two attempts.
    pub max_delay: Duration,
    /// Longest `Retry-After` honoured by waiting; a longer one fails the fetch with
    /// [`crate::fetch::FetchError::RateLimited`] so the caller can reschedule.
    pub max_retry_after: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_retries: 2,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryConfig {
    /// The wait before retry number `retry` (1-based): `base * 2^(retry-1)`, capped, with "full
    /// jitter" between half and all of it so that many clients do not retry in lockstep.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << retry.saturating_sub(1).min(20))
            .min(self.max_delay);
        let half = exp / 2;
        half + half.mul_f64(jitter_unit())
    }
}

/// A pseudo-random number in [0, 1), from the standard library's per-process random hash keys.
fn jitter_unit() -> f64 {
    let state = RandomState::new();
    let bits = state.hash_one(std::time::SystemTime::now());
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// Whether an HTTP status is worth retrying.
pub fn is_transient_status(status: u16) -> bool {
    matches!(status, 408 | 425 | 429 | 500 | 502 | 503 | 504)
}

/// Parses a `Retry-After` value: delta-seconds or an HTTP date (relative to `now`). A date in the
/// past gives zero; garbage gives `None`.
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = DateTime::parse_from_rfc2822(value)
        .ok()
        .or_else(|| {
            // RFC 850 and asctime forms are obsolete but still allowed by HTTP.
            chrono::NaiveDateTime::parse_from_str(value, "%A, %d-%b-%y %H:%M:%S GMT")
                .or_else(|_| chrono::NaiveDateTime::parse_from_str(value, "%a %b %e %H:%M:%S %Y"))
                .ok()
                .map(|naive| naive.and_utc().fixed_offset())
        })?
        .with_timezone(&Utc);
    Some((date - now).to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z")
            .expect("date")
            .with_timezone(&Utc);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wednesday, 21-Oct-15 07:29:00 GMT", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            parse_retry_after("Wed Oct 21 07:28:10 2015", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Tue, 20 Oct 2015 07:28:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let config = RetryConfig {
            max_retries: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            max_retry_after: Duration::from_secs(1),
        };
        for retry in 1..=8 {
            let nominal =
                (Duration::from_millis(100) * (1 << (retry - 1))).min(Duration::from_millis(1000));
            let wait = config.backoff(retry);
            assert!(
                wait >= nominal / 2 && wait <= nominal,
                "retry {retry}: {wait:?}"
            );
        }
    }

    #[test]
    fn transient_statuses() {
        assert!(is_transient_status(503));
        assert!(is_transient_status(429));
        assert!(!is_transient_status(404));
        assert!(!is_transient_status(200));
    }
}
