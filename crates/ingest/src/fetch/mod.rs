//! The fetcher: one shared HTTP client that gets feeds, pages, robots.txt and images politely and
//! safely.
//!
//! [`Fetcher::fetch`] takes a URL and the validators of the previous fetch ([`Validators`]) and
//! returns a [`Fetched`] body (or `not_modified` on a 304). Along the way it
//!
//! - checks every URL, including every redirect hop, with the SSRF [`guard`] and resolves names
//!   through [`guard::GuardedResolver`], so private addresses are refused at connect time;
//! - follows redirects itself, up to a limit, detecting loops and recording the final URL;
//! - honours robots.txt ([`robots`]) and per-host politeness ([`politeness`]);
//! - retries transient failures with backoff and jitter, waiting out a short `Retry-After`
//!   ([`retry`]);
//! - enforces a body-size cap while streaming and connect/read/total timeouts;
//! - leaves decoding to [`crate::charset`] (see [`Fetched::text`]).

pub use crate::charset;
pub mod guard;
pub mod politeness;
pub mod retry;
pub mod robots;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderValue};
use url::Url;

pub use charset::DecodedText;
pub use guard::{GuardConfig, GuardRefusal, IpRange};
pub use politeness::PolitenessConfig;
pub use retry::RetryConfig;

use politeness::HostLimiter;
use robots::{RobotsCache, RobotsRules};

/// The `Accept` header sent for feeds and pages.
pub const ACCEPT_FEEDS_AND_PAGES: &str = "application/rss+xml, application/atom+xml, \
application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, \
text/html;q=0.8, */*;q=0.5";

/// Fetcher settings. [`FetchConfig::default`] suits following public news sites.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// The `User-Agent` header, also the agent matched in robots.txt.
    pub user_agent: String,
    /// Time allowed to establish a connection.
    pub connect_timeout: Duration,
    /// Time allowed between two reads of the response.
    pub read_timeout: Duration,
    /// Time allowed for one fetch, redirects included (retries get their own).
    pub total_timeout: Duration,
    /// Largest body accepted, after decompression.
    pub max_body_bytes: u64,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// Retries of transient failures.
    pub retry: RetryConfig,
    /// Per-host rate and concurrency.
    pub politeness: PolitenessConfig,
    /// Whether robots.txt is honoured.
    pub respect_robots: bool,
    /// How long a robots.txt is cached.
    pub robots_ttl: Duration,
    /// Which addresses may be reached.
    pub guard: GuardConfig,
}

impl Default for FetchConfig {
    fn default() -> Self {
        Self {
            user_agent: concat!(
                "storyline/",
                env!("CARGO_PKG_VERSION"),
                " (news aggregator; +https://github.com/storyline)"
            )
            .to_string(),
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(20),
            total_timeout: Duration::from_secs(45),
            max_body_bytes: 10 * 1024 * 1024,
            max_redirects: 8,
            retry: RetryConfig::default(),
            politeness: PolitenessConfig::default(),
            respect_robots: true,
            robots_ttl: Duration::from_secs(6 * 3600),
            guard: GuardConfig::default(),
        }
    }
}

/// Validators from a previous fetch, sent back for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Validators {
    /// The `ETag` received last time.
    pub etag: Option<String>,
    /// The `Last-Modified` received last time.
    pub last_modified: Option<String>,
}

/// Per-request options.
#[derive(Debug, Clone, Default)]
pub struct FetchOptions {
    /// Validators for a conditional GET.
    pub validators: Validators,
    /// `Accept` header; [`ACCEPT_FEEDS_AND_PAGES`] when `None`.
    pub accept: Option<String>,
    /// A tighter body cap for this request (never looser than the config's).
    pub max_body_bytes: Option<u64>,
}

/// A fetched response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The URL asked for.
    pub requested_url: String,
    /// The URL the body came from, after redirects.
    pub final_url: String,
    /// Every redirect target, in order.
    pub redirects: Vec<String>,
    /// Whether every redirect hop was permanent (301/308): the source should be moved.
    pub permanently_moved: bool,
    /// The final HTTP status.
    pub status: u16,
    /// True on `304 Not Modified`: the body is empty and the previous one still holds.
    pub not_modified: bool,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The `ETag` header (or the one sent, on a 304 without one).
    pub etag: Option<String>,
    /// The `Last-Modified` header (or the one sent, on a 304 without one).
    pub last_modified: Option<String>,
    /// The body, decompressed.
    pub body: Vec<u8>,
    /// Attempts made (1 = no retry).
    pub attempts: u32,
}

impl Fetched {
    /// The body decoded to UTF-8 (BOM, header, declaration, then detection).
    pub fn text(&self) -> DecodedText {
        charset::decode(&self.body, self.content_type.as_deref())
    }

    /// The validators to send next time.
    pub fn validators(&self) -> Validators {
        Validators {
            etag: self.etag.clone(),
            last_modified: self.last_modified.clone(),
        }
    }
}

/// Why a fetch failed. Every variant names the URL concerned.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The URL does not parse.
    #[error("invalid URL `{url}`: {reason}")]
    InvalidUrl {
        /// The text given.
        url: String,
        /// The parser's complaint.
        reason: String,
    },
    /// The SSRF guard refused the URL or every address its host resolves to.
    #[error("refused to fetch {url}: {reason}")]
    Refused {
        /// The URL refused (a redirect hop, possibly).
        url: String,
        /// Why.
        reason: GuardRefusal,
    },
    /// robots.txt disallows the URL for our agent.
    #[error("robots.txt of {url} disallows it ({detail})")]
    RobotsDisallowed {
        /// The URL.
        url: String,
        /// Which rule (parsed file, or a failing robots.txt).
        detail: String,
    },
    /// More redirects than allowed.
    #[error("too many redirects from {url} (limit {limit})")]
    TooManyRedirects {
        /// The URL asked for.
        url: String,
        /// The limit.
        limit: usize,
    },
    /// A redirect chain came back to a URL it had visited.
    #[error("redirect loop at {url}")]
    RedirectLoop {
        /// The URL seen twice.
        url: String,
    },
    /// A redirect without a usable `Location`.
    #[error("bad redirect from {url}: {reason}")]
    BadRedirect {
        /// The redirecting URL.
        url: String,
        /// What was wrong with `Location`.
        reason: String,
    },
    /// The body is larger than the cap.
    #[error("body of {url} exceeds {limit} bytes")]
    BodyTooLarge {
        /// The URL.
        url: String,
        /// The cap.
        limit: u64,
    },
    /// The server did not answer in time.
    #[error("timed out fetching {url} ({phase})")]
    Timeout {
        /// The URL.
        url: String,
        /// Which timeout fired.
        phase: &'static str,
    },
    /// The server answered with an error status.
    #[error("{url} answered HTTP {status}{}", retry_after.map(|d| format!(" (retry after {}s)", d.as_secs())).unwrap_or_default())]
    Status {
        /// The URL.
        url: String,
        /// The status.
        status: u16,
        /// The server's `Retry-After`, if any.
        retry_after: Option<Duration>,
    },
    /// Connection or protocol failure.
    #[error("network error fetching {url}: {source}")]
    Network {
        /// The URL.
        url: String,
        /// The client's error.
        #[source]
        source: reqwest::Error,
    },
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
}

impl FetchError {
    /// Whether another attempt later may succeed (timeouts, network errors, 408/429/5xx).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Timeout { .. } | Self::Network { .. } => true,
            Self::Status { status, .. } => retry::is_transient_status(*status),
            _ => false,
        }
    }

    /// The server's `Retry-After`, when it sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// The shared fetcher. Cheap to share behind an `Arc`; all methods take `&self`.
pub struct Fetcher {
    client: reqwest::Client,
    config: FetchConfig,
    limiter: HostLimiter,
    robots: RobotsCache,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("config", &self.config)
            .finish()
    }
}

impl Fetcher {
    /// Builds the client (rustls, gzip/brotli/deflate, no proxy, no automatic redirects, the
    /// guarded resolver).
    pub fn new(config: FetchConfig) -> Result<Self, FetchError> {
        let resolver = guard::GuardedResolver::new(Arc::new(config.guard.clone()));
        let client = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(resolver))
            .connect_timeout(config.connect_timeout)
            .read_timeout(config.read_timeout)
            .timeout(config.total_timeout)
            .build()
            .map_err(FetchError::Client)?;
        Ok(Self {
            client,
            limiter: HostLimiter::new(config.politeness),
            robots: RobotsCache::new(config.robots_ttl),
            config,
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// The interval this fetcher keeps between two request starts to `host` (raised by a
    /// robots.txt `Crawl-delay` once it has been read).
    pub fn host_interval(&self, host: &str) -> Duration {
        self.limiter.interval(host)
    }

    /// Waits until the host of `url` is due for its next request by its politeness interval
    /// (reserving nothing), so a caller can hold scarcer resources only once the host is ready.
    pub async fn until_host_ready(&self, url: &str) {
        if let Some(host) = Url::parse(url.trim())
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
        {
            tokio::time::sleep_until(self.limiter.next_start(&host)).await;
        }
    }

    /// Fetches `url`, conditionally when `validators` carry an ETag or Last-Modified.
    pub async fn fetch(&self, url: &str, validators: &Validators) -> Result<Fetched, FetchError> {
        self.fetch_with(
            url,
            &FetchOptions {
                validators: validators.clone(),
                ..FetchOptions::default()
            },
        )
        .await
    }

    /// Fetches `url` with per-request options, retrying transient failures.
    pub async fn fetch_with(
        &self,
        url: &str,
        options: &FetchOptions,
    ) -> Result<Fetched, FetchError> {
        let start = Url::parse(url.trim()).map_err(|e| FetchError::InvalidUrl {
            url: url.to_string(),
            reason: e.to_string(),
        })?;
        let retry = self.config.retry;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let error = match self.fetch_following(&start, options).await {
                Ok(mut fetched) => {
                    fetched.attempts = attempt;
                    return Ok(fetched);
                }
                Err(error) => error,
            };
            if attempt > retry.max_retries || !error.is_transient() {
                return Err(error);
            }
            let wait = match error.retry_after() {
                Some(after) if after > retry.max_retry_after => return Err(error),
                Some(after) => after,
                None => retry.backoff(attempt),
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// One attempt: follows redirects, checking each hop.
    async fn fetch_following(
        &self,
        start: &Url,
        options: &FetchOptions,
    ) -> Result<Fetched, FetchError> {
        let total = self.config.total_timeout;
        match tokio::time::timeout(total, self.follow(start, options)).await {
            Ok(result) => result,
            Err(_) => Err(FetchError::Timeout {
                url: start.to_string(),
                phase: "total",
            }),
        }
    }

    async fn follow(&self, start: &Url, options: &FetchOptions) -> Result<Fetched, FetchError> {
        let mut url = start.clone();
        let mut redirects: Vec<String> = Vec::new();
        let mut seen: HashSet<String> = HashSet::from([url.to_string()]);
        let mut permanent = true;
        loop {
            self.config
                .guard
                .check_url(&url)
                .map_err(|reason| FetchError::Refused {
                    url: url.to_string(),
                    reason,
                })?;
            if self.config.respect_robots {
                self.check_robots(&url).await?;
            }
            // The host permit is held until the body has been read.
            let (response, _permit) = self.send(&url, options).await?;
            let status = response.status().as_u16();
            if matches!(status, 301 | 302 | 303 | 307 | 308) {
                let next = redirect_target(&url, response.headers())?;
                if redirects.len() >= self.config.max_redirects {
                    return Err(FetchError::TooManyRedirects {
                        url: start.to_string(),
                        limit: self.config.max_redirects,
                    });
                }
                if !seen.insert(next.to_string()) {
                    return Err(FetchError::RedirectLoop {
                        url: next.to_string(),
                    });
                }
                permanent &= matches!(status, 301 | 308);
                redirects.push(next.to_string());
                url = next;
                continue;
            }
            let headers = response.headers().clone();
            let header_text = |name: header::HeaderName| {
                headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            let mut fetched = Fetched {
                requested_url: start.to_string(),
                final_url: url.to_string(),
                permanently_moved: permanent && !redirects.is_empty(),
                redirects,
                status,
                not_modified: status == 304,
                content_type: header_text(header::CONTENT_TYPE),
                etag: header_text(header::ETAG),
                last_modified: header_text(header::LAST_MODIFIED),
                body: Vec::new(),
                attempts: 1,
            };
            if status == 304 {
                fetched.etag = fetched.etag.or_else(|| options.validators.etag.clone());
                fetched.last_modified = fetched
                    .last_modified
                    .or_else(|| options.validators.last_modified.clone());
                return Ok(fetched);
            }
            if !(200..300).contains(&status) {
                let retry_after = header_text(header::RETRY_AFTER)
                    .and_then(|v| retry::parse_retry_after(&v, chrono::Utc::now()));
                return Err(FetchError::Status {
                    url: url.to_string(),
                    status,
                    retry_after,
                });
            }
            let cap = options
                .max_body_bytes
                .map_or(self.config.max_body_bytes, |c| {
                    c.min(self.config.max_body_bytes)
                });
            fetched.body = read_capped(response, &url, cap).await?;
            return Ok(fetched);
        }
    }

    async fn send(
        &self,
        url: &Url,
        options: &FetchOptions,
    ) -> Result<(reqwest::Response, politeness::HostPermit), FetchError> {
        let host = url.host_str().unwrap_or_default().to_string();
        let permit = self.limiter.acquire(&host).await;
        let accept = options.accept.as_deref().unwrap_or(ACCEPT_FEEDS_AND_PAGES);
        let mut request = self.client.get(url.clone()).header(header::ACCEPT, accept);
        if let Some(etag) = options.validators.etag.as_deref()
            && let Ok(value) = HeaderValue::from_str(etag)
        {
            request = request.header(header::IF_NONE_MATCH, value);
        }
        if let Some(date) = options.validators.last_modified.as_deref()
            && let Ok(value) = HeaderValue::from_str(date)
        {
            request = request.header(header::IF_MODIFIED_SINCE, value);
        }
        let response = request.send().await.map_err(|e| classify(url, e))?;
        Ok((response, permit))
    }

    /// Gets a robots.txt: guarded, polite, at most five redirects, capped at 512 KiB, never
    /// itself subject to robots rules. Returns the final status and body.
    async fn fetch_robots_file(&self, robots_url: &Url) -> Result<(u16, Vec<u8>), FetchError> {
        let options = FetchOptions {
            accept: Some("text/plain, */*;q=0.5".to_string()),
            ..FetchOptions::default()
        };
        let mut url = robots_url.clone();
        for _ in 0..=5 {
            self.config
                .guard
                .check_url(&url)
                .map_err(|reason| FetchError::Refused {
                    url: url.to_string(),
                    reason,
                })?;
            let (response, _permit) = self.send(&url, &options).await?;
            let status = response.status().as_u16();
            if matches!(status, 301 | 302 | 303 | 307 | 308) {
                url = redirect_target(&url, response.headers())?;
                continue;
            }
            if !(200..300).contains(&status) {
                return Ok((status, Vec::new()));
            }
            return Ok((status, read_capped(response, &url, 512 * 1024).await?));
        }
        // Too many redirects for a robots.txt: RFC 9309 says treat it as unavailable (4xx).
        Ok((404, Vec::new()))
    }

    async fn check_robots(&self, url: &Url) -> Result<(), FetchError> {
        let origin = url.origin().ascii_serialization();
        let rules = match self.robots.get(&origin) {
            Some(rules) => rules,
            None => {
                let robots_url = url
                    .join("/robots.txt")
                    .map_err(|e| FetchError::InvalidUrl {
                        url: url.to_string(),
                        reason: e.to_string(),
                    })?;
                let fetched = tokio::time::timeout(
                    self.config.total_timeout,
                    self.fetch_robots_file(&robots_url),
                )
                .await
                .unwrap_or_else(|_| {
                    Err(FetchError::Timeout {
                        url: robots_url.to_string(),
                        phase: "total",
                    })
                });
                let rules = match fetched {
                    Ok((status, body)) => {
                        RobotsRules::from_response(&self.config.user_agent, status, &body)
                    }
                    Err(FetchError::BodyTooLarge { .. }) => RobotsRules::AllowAll,
                    Err(other) => return Err(other),
                };
                self.robots.put(&origin, rules)
            }
        };
        if let (Some(delay), Some(host)) = (rules.crawl_delay(), url.host_str()) {
            self.limiter.raise_interval(host, delay);
        }
        if rules.allows(url.as_str()) {
            Ok(())
        } else {
            Err(FetchError::RobotsDisallowed {
                url: url.to_string(),
                detail: match *rules {
                    RobotsRules::DisallowAll => "robots.txt failed with a server error".to_string(),
                    _ => "a Disallow rule matches".to_string(),
                },
            })
        }
    }
}

fn redirect_target(from: &Url, headers: &HeaderMap) -> Result<Url, FetchError> {
    let location = headers
        .get(header::LOCATION)
        .ok_or_else(|| FetchError::BadRedirect {
            url: from.to_string(),
            reason: "no Location header".to_string(),
        })?;
    let location = String::from_utf8_lossy(location.as_bytes());
    from.join(location.trim())
        .map_err(|e| FetchError::BadRedirect {
            url: from.to_string(),
            reason: format!("Location `{location}`: {e}"),
        })
}

async fn read_capped(
    mut response: reqwest::Response,
    url: &Url,
    cap: u64,
) -> Result<Vec<u8>, FetchError> {
    let too_large = || FetchError::BodyTooLarge {
        url: url.to_string(),
        limit: cap,
    };
    if response.content_length().is_some_and(|len| len > cap) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| classify(url, e))? {
        if body.len() as u64 + chunk.len() as u64 > cap {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Maps a client error to ours, recognising a guard refusal from the resolver.
fn classify(url: &Url, error: reqwest::Error) -> FetchError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
    while let Some(current) = source {
        if let Some(refusal) = current.downcast_ref::<GuardRefusal>() {
            return FetchError::Refused {
                url: url.to_string(),
                reason: refusal.clone(),
            };
        }
        source = current.source();
    }
    if error.is_timeout() {
        return FetchError::Timeout {
            url: url.to_string(),
            phase: if error.is_connect() {
                "connect"
            } else {
                "read"
            },
        };
    }
    FetchError::Network {
        url: url.to_string(),
        source: error,
    }
}
