//! robots.txt: fetched once per origin, parsed with texting_robots, cached for a while.
//!
//! Per RFC 9309: a 4xx robots.txt (or none) allows everything; a 5xx or an unreachable server
//! disallows everything until the entry expires, which is kept short in that case.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use texting_robots::Robot;
use tokio::time::Instant;

/// What the cache knows about one origin.
#[derive(Debug)]
pub enum RobotsRules {
    /// Every path may be fetched.
    AllowAll,
    /// Nothing may be fetched (robots.txt unreachable or failing).
    DisallowAll,
    /// Rules parsed from the file.
    Parsed(Box<Robot>),
}

impl RobotsRules {
    /// Whether `url` may be fetched.
    pub fn allows(&self, url: &str) -> bool {
        match self {
            Self::AllowAll => true,
            Self::DisallowAll => false,
            Self::Parsed(robot) => robot.allowed(url),
        }
    }

    /// The crawl delay asked for, if any.
    pub fn crawl_delay(&self) -> Option<Duration> {
        match self {
            Self::Parsed(robot) => robot
                .delay
                .filter(|d| d.is_finite() && *d > 0.0)
                .map(|d| Duration::from_secs_f32(d.min(60.0))),
            _ => None,
        }
    }

    /// Rules from a robots.txt response (`status`, `body`) for `agent`.
    pub fn from_response(agent: &str, status: u16, body: &[u8]) -> Self {
        match status {
            200..=299 => match Robot::new(agent, body) {
                Ok(robot) => Self::Parsed(Box::new(robot)),
                Err(_) => Self::AllowAll,
            },
            400..=499 => Self::AllowAll,
            _ => Self::DisallowAll,
        }
    }
}

struct Entry {
    rules: std::sync::Arc<RobotsRules>,
    expires: Instant,
}

/// Cached robots rules per origin (`scheme://host:port`).
pub struct RobotsCache {
    ttl: Duration,
    entries: Mutex<HashMap<String, Entry>>,
}

impl RobotsCache {
    /// A cache keeping entries for `ttl`.
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The cached rules for `origin`, if still fresh.
    pub fn get(&self, origin: &str) -> Option<std::sync::Arc<RobotsRules>> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(origin)
            .filter(|entry| entry.expires > Instant::now())
            .map(|entry| std::sync::Arc::clone(&entry.rules))
    }

    /// Stores rules for `origin`; failures are remembered for at most five minutes.
    pub fn put(&self, origin: &str, rules: RobotsRules) -> std::sync::Arc<RobotsRules> {
        let ttl = match rules {
            RobotsRules::DisallowAll => self.ttl.min(Duration::from_secs(300)),
            _ => self.ttl,
        };
        let rules = std::sync::Arc::new(rules);
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.insert(
            origin.to_string(),
            Entry {
                rules: std::sync::Arc::clone(&rules),
                expires: Instant::now() + ttl,
            },
        );
        rules
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsed_rules_apply_to_our_agent() {
        let body = b"User-agent: *\nDisallow: /private/\nCrawl-delay: 3\n";
        let rules = RobotsRules::from_response("storyline", 200, body);
        assert!(rules.allows("http://example.com/feed.xml"));
        assert!(!rules.allows("http://example.com/private/page"));
        assert_eq!(rules.crawl_delay(), Some(Duration::from_secs(3)));
    }

    #[test]
    fn missing_file_allows_and_server_error_disallows() {
        assert!(RobotsRules::from_response("storyline", 404, b"").allows("http://x.test/a"));
        assert!(!RobotsRules::from_response("storyline", 503, b"").allows("http://x.test/a"));
    }

    #[tokio::test(start_paused = true)]
    async fn entries_expire() {
        let cache = RobotsCache::new(Duration::from_secs(60));
        cache.put("http://x.test", RobotsRules::AllowAll);
        assert!(cache.get("http://x.test").is_some());
        tokio::time::advance(Duration::from_secs(61)).await;
        assert!(cache.get("http://x.test").is_none());
    }
}
