//! A local newswire for benchmarks and tests: simulated news outlets, each on its own loopback
//! address (127.0.0.2, 127.0.0.3, … on one port), serving what a news aggregator reads.
//!
//! Each outlet serves
//! - `/feed.xml`: RSS 2.0 with a one- or two-sentence summary per item (so an aggregator must
//!   fetch the pages), a strong `ETag` and `Last-Modified`, and 304 to a matching
//!   `If-None-Match` or `If-Modified-Since` (or `Last-Modified` alone, on demand, and a feed
//!   that moved to another path with a redirect, on demand);
//! - `/robots.txt`: everything allowed, with a `Crawl-delay` when configured;
//! - `/YYYY/MM/slug.html`: article pages of 20–80 KB with the furniture of real news sites
//!   (menu, breadcrumb, OpenGraph and JSON-LD metadata, an inline "Related" box, a "Most read"
//!   rail, a newsletter promo, comments, footer);
//! - `/img/slug.png`: a small lead image per article, when images are on;
//! - `/`: a home page listing the latest headlines.
//!
//! Article texts are made at start: full texts of the ECB+ development set when it is on
//! the machine, then deterministic synthetic fictional news for the rest. Articles are dealt
//! to outlets round-robin, newest first, and dated over the three days before the base time.
//!
//! The newswire records every request per outlet and the most requests it served at once,
//! and an outlet's pages can be made to hang or answer an error status, so politeness,
//! concurrency caps and timeouts can be checked from outside.

mod corpus;
pub mod png;
mod rng;
mod site;
mod synth;

use std::io;
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::site::{Site, escape};

/// Where article texts come from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TextSource {
    /// ECB+ full texts from `STORYLINE_DATASETS`, else `shared/datasets` beside the project
    /// checkout, when present; synthetic text for the rest.
    #[default]
    Auto,
    /// ECB+ full texts from this datasets folder (its `ecbplus-dev/`); synthetic for the rest.
    Datasets(PathBuf),
    /// Synthetic text only.
    Synthetic,
}

/// What a newswire simulates.
#[derive(Debug, Clone)]
pub struct NewswireConfig {
    /// Number of outlets, one address each.
    pub outlets: usize,
    /// Articles in all, dealt to the outlets round-robin.
    pub articles: usize,
    /// The port every outlet listens on; 0 picks one that is free on every address.
    pub port: u16,
    /// Whether pages carry a lead image (`og:image`, `<img>`) served under `/img/`.
    pub images: bool,
    /// Seed of everything random: same seed, same newswire.
    pub seed: u64,
    /// The first outlet's address; the others follow it.
    pub first_address: Ipv4Addr,
    /// A `Crawl-delay` (seconds) announced in robots.txt.
    pub crawl_delay: Option<u32>,
    /// Latency added to every article page.
    pub page_delay: Duration,
    /// Articles are dated within the three days before this time (whole seconds are kept).
    pub base_time: SystemTime,
    /// Where article texts come from.
    pub text: TextSource,
}

impl Default for NewswireConfig {
    fn default() -> Self {
        Self {
            outlets: 20,
            articles: 1000,
            port: 0,
            images: false,
            seed: 1,
            first_address: Ipv4Addr::new(127, 0, 0, 2),
            crawl_delay: None,
            page_delay: Duration::ZERO,
            base_time: SystemTime::now(),
            text: TextSource::Auto,
        }
    }
}

/// How an outlet answers requests for anything but its feed and robots.txt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Behaviour {
    /// Pages as configured.
    #[default]
    Normal,
    /// Pages never answer (until the newswire stops).
    Hang,
    /// Pages answer with this status code.
    Status(u16),
}

/// Which validators an outlet's feed carries and honours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FeedValidators {
    /// `ETag` and `Last-Modified`; 304 to a matching `If-None-Match`, else `If-Modified-Since`.
    #[default]
    Both,
    /// `Last-Modified` only; 304 to a matching `If-Modified-Since` (`If-None-Match` is
    /// ignored, as servers without entity tags do).
    LastModifiedOnly,
}

/// A feed that moved: `/feed.xml` answers `status` with a `Location` of `path` on the same
/// outlet, where the feed is served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedMove {
    /// 301, 302, 303, 307 or 308.
    pub status: u16,
    /// The feed's new path, such as `/rss/latest.xml`.
    pub path: String,
}

/// One simulated outlet.
#[derive(Debug, Clone)]
pub struct Outlet {
    pub name: String,
    pub address: Ipv4Addr,
    /// `http://ADDRESS:PORT`, without a trailing slash.
    pub base_url: String,
    /// `{base_url}/feed.xml`
    pub feed_url: String,
    /// Newest first, as in the feed.
    pub articles: Vec<ArticleInfo>,
}

/// One article as its outlet publishes it.
#[derive(Debug, Clone)]
pub struct ArticleInfo {
    /// The page's URL.
    pub url: String,
    pub title: String,
    pub published: SystemTime,
    /// The lead image's URL, when images are on.
    pub image_url: Option<String>,
    /// The body text as published: paragraphs separated by a blank line.
    pub text: String,
}

/// One request an outlet received.
#[derive(Debug, Clone)]
pub struct RequestRecord {
    /// The request path, without the query.
    pub path: String,
    pub started: Instant,
    /// When the response was ready; `None` while it is not (a hanging page).
    pub finished: Option<Instant>,
    /// The status answered; 0 while unanswered.
    pub status: u16,
    /// The request's `If-None-Match`, when it had one.
    pub if_none_match: Option<String>,
    /// The request's `If-Modified-Since`, when it had one.
    pub if_modified_since: Option<String>,
}

/// A running newswire. Dropping it (or [`Newswire::shutdown`]) stops every outlet.
pub struct Newswire {
    outlets: Vec<Outlet>,
    hosts: Vec<Arc<Host>>,
    port: u16,
    stop: watch::Sender<bool>,
    servers: Vec<JoinHandle<()>>,
}

impl Newswire {
    /// Builds the articles, binds every outlet's address and starts serving.
    pub async fn start(config: NewswireConfig) -> io::Result<Newswire> {
        if config.outlets == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a newswire needs at least one outlet",
            ));
        }
        let first = u32::from(config.first_address);
        let addresses: Vec<Ipv4Addr> = (0..config.outlets)
            .map(|i| {
                u32::try_from(i)
                    .ok()
                    .and_then(|i| first.checked_add(i))
                    .map(Ipv4Addr::from)
            })
            .collect::<Option<_>>()
            .ok_or_else(|| {
                io::Error::new(io::ErrorKind::InvalidInput, "outlet addresses overflow")
            })?;
        let listeners = bind_all(&addresses, config.port).await?;
        let port = listeners[0].local_addr()?.port();

        let base_secs = config
            .base_time
            .duration_since(UNIX_EPOCH)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "base time before 1970"))?
            .as_secs();
        let base_time = UNIX_EPOCH + Duration::from_secs(base_secs);
        let datasets = match &config.text {
            TextSource::Auto => Some(corpus::datasets_dir(None)),
            TextSource::Datasets(dir) => Some(dir.clone()),
            TextSource::Synthetic => None,
        };
        let pieces = corpus::build(config.articles, config.seed, datasets.as_deref());
        let mut dealt: Vec<Vec<_>> = (0..config.outlets).map(|_| Vec::new()).collect();
        for (number, piece) in pieces.into_iter().enumerate() {
            dealt[number % config.outlets].push((number, piece));
        }

        let (stop, _) = watch::channel(false);
        let mut outlets = Vec::with_capacity(config.outlets);
        let mut hosts = Vec::with_capacity(config.outlets);
        let mut servers = Vec::with_capacity(config.outlets);
        for (index, ((address, listener), pieces)) in
            addresses.iter().zip(listeners).zip(dealt).enumerate()
        {
            let mut site = Site::new(
                index,
                format!("http://{address}:{port}"),
                pieces,
                base_time,
                config.seed,
                config.images,
                config.crawl_delay,
            );
            outlets.push(Outlet {
                name: site.name.clone(),
                address: *address,
                base_url: site.base_url.clone(),
                feed_url: site.feed_url.clone(),
                articles: site
                    .articles
                    .iter()
                    .map(|a| ArticleInfo {
                        url: site.url(a),
                        title: a.title.clone(),
                        published: a.published,
                        image_url: site.image_url(a),
                        text: a.paragraphs.join("\n\n"),
                    })
                    .collect(),
            });
            let feed_body = Bytes::from(std::mem::take(&mut site.feed.body));
            let host = Arc::new(Host {
                feed_body,
                site,
                page_delay: config.page_delay,
                behaviour: Mutex::new(Behaviour::Normal),
                validators: Mutex::new(FeedValidators::Both),
                feed_move: Mutex::new(None),
                log: Mutex::new(Vec::new()),
                in_flight: AtomicUsize::new(0),
                max_in_flight: AtomicUsize::new(0),
                stop: stop.subscribe(),
            });
            let app = Router::new().fallback(handle).with_state(host.clone());
            let mut stopped = stop.subscribe();
            servers.push(tokio::spawn(async move {
                let shutdown = async move {
                    let _ = stopped.wait_for(|s| *s).await;
                };
                // Accept errors are retried inside `serve`; nothing is left to report here.
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(shutdown)
                    .await;
            }));
            hosts.push(host);
        }
        Ok(Newswire {
            outlets,
            hosts,
            port,
            stop,
            servers,
        })
    }

    /// The outlets, in address order.
    pub fn outlets(&self) -> &[Outlet] {
        &self.outlets
    }

    /// The port every outlet listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Changes how outlet `outlet` answers page requests from now on.
    ///
    /// Panics when `outlet` is out of range.
    pub fn set_behaviour(&self, outlet: usize, behaviour: Behaviour) {
        *lock(&self.hosts[outlet].behaviour) = behaviour;
    }

    /// Changes which validators outlet `outlet`'s feed carries and honours from now on.
    ///
    /// Panics when `outlet` is out of range.
    pub fn set_feed_validators(&self, outlet: usize, validators: FeedValidators) {
        *lock(&self.hosts[outlet].validators) = validators;
    }

    /// Moves outlet `outlet`'s feed from now on (`None`: back at `/feed.xml`).
    ///
    /// Panics when `outlet` is out of range.
    pub fn move_feed(&self, outlet: usize, feed_move: Option<FeedMove>) {
        *lock(&self.hosts[outlet].feed_move) = feed_move;
    }

    /// Every request outlet `outlet` received, in arrival order.
    ///
    /// Panics when `outlet` is out of range.
    pub fn requests(&self, outlet: usize) -> Vec<RequestRecord> {
        lock(&self.hosts[outlet].log).clone()
    }

    /// The most requests outlet `outlet` has served at once. A request counts from its arrival
    /// until its response is ready (a hanging page, until the client gives up).
    ///
    /// Panics when `outlet` is out of range.
    pub fn max_in_flight(&self, outlet: usize) -> usize {
        self.hosts[outlet].max_in_flight.load(Ordering::SeqCst)
    }

    /// OPML 2.0 subscribing to every outlet's feed.
    pub fn opml(&self) -> String {
        let mut opml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n<head><title>Local newswire</title></head>\n<body>\n",
        );
        for outlet in &self.outlets {
            let name = escape(&outlet.name);
            opml.push_str(&format!(
                "<outline type=\"rss\" text=\"{name}\" title=\"{name}\" xmlUrl=\"{}\" htmlUrl=\"{}/\"/>\n",
                outlet.feed_url, outlet.base_url
            ));
        }
        opml.push_str("</body>\n</opml>\n");
        opml
    }

    /// Writes every article page, as its outlet serves it, into `dir` (one `.html` file per
    /// article, named by outlet and slug), for tests that ingest files. Returns the paths.
    pub fn write_pages(&self, dir: &std::path::Path) -> io::Result<Vec<PathBuf>> {
        let mut paths = Vec::new();
        for (outlet, host) in self.hosts.iter().enumerate() {
            for (i, article) in host.site.articles.iter().enumerate() {
                let path = dir.join(format!("{outlet:03}-{}.html", article.slug));
                std::fs::write(&path, host.site.page(i))?;
                paths.push(path);
            }
        }
        Ok(paths)
    }

    /// Articles across all outlets.
    pub fn total_articles(&self) -> usize {
        self.outlets.iter().map(|o| o.articles.len()).sum()
    }

    /// Stops every outlet and waits (up to five seconds) for open connections to close.
    pub async fn shutdown(mut self) {
        self.stop.send_replace(true);
        let servers = std::mem::take(&mut self.servers);
        let _ = tokio::time::timeout(Duration::from_secs(5), async {
            for server in servers {
                let _ = server.await;
            }
        })
        .await;
    }
}

impl Drop for Newswire {
    fn drop(&mut self) {
        self.stop.send_replace(true);
        for server in &self.servers {
            server.abort();
        }
    }
}

/// Binds one listener per address, all on one port: `port`, or when it is 0 the first
/// ephemeral port of the first address that is also free on the others.
async fn bind_all(addresses: &[Ipv4Addr], port: u16) -> io::Result<Vec<TcpListener>> {
    let bind = |address: Ipv4Addr, port: u16| async move {
        TcpListener::bind((address, port)).await.map_err(|e| {
            io::Error::new(e.kind(), format!("cannot listen on {address}:{port}: {e}"))
        })
    };
    if port != 0 {
        let mut listeners = Vec::with_capacity(addresses.len());
        for &address in addresses {
            listeners.push(bind(address, port).await?);
        }
        return Ok(listeners);
    }
    let mut last_error = None;
    for _ in 0..64 {
        let first = bind(addresses[0], 0).await?;
        let port = first.local_addr()?.port();
        let mut listeners = vec![first];
        for &address in &addresses[1..] {
            match bind(address, port).await {
                Ok(listener) => listeners.push(listener),
                Err(e) => {
                    last_error = Some(e);
                    break;
                }
            }
        }
        if listeners.len() == addresses.len() {
            return Ok(listeners);
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::other("no port is free on every address")))
}

/// One outlet's server state.
struct Host {
    site: Site,
    feed_body: Bytes,
    page_delay: Duration,
    behaviour: Mutex<Behaviour>,
    validators: Mutex<FeedValidators>,
    feed_move: Mutex<Option<FeedMove>>,
    log: Mutex<Vec<RequestRecord>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    stop: watch::Receiver<bool>,
}

/// A request being served: counted in flight until dropped.
struct Flight<'a> {
    host: &'a Host,
    record: usize,
}

impl Flight<'_> {
    fn finish(&self, status: u16) {
        if let Some(record) = lock(&self.host.log).get_mut(self.record) {
            record.finished = Some(Instant::now());
            record.status = status;
        }
    }
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        self.host.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Every request of an outlet: recorded, counted in flight, answered.
async fn handle(State(host): State<Arc<Host>>, request: Request) -> Response {
    let flight = host.begin(request.uri().path(), request.headers());
    let response = host.respond(request.uri().path(), request.headers()).await;
    flight.finish(response.status().as_u16());
    response
}

impl Host {
    fn begin(&self, path: &str, headers: &HeaderMap) -> Flight<'_> {
        let header = |name: header::HeaderName| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        let mut log = lock(&self.log);
        log.push(RequestRecord {
            path: path.to_string(),
            started: Instant::now(),
            finished: None,
            status: 0,
            if_none_match: header(header::IF_NONE_MATCH),
            if_modified_since: header(header::IF_MODIFIED_SINCE),
        });
        Flight {
            host: self,
            record: log.len() - 1,
        }
    }

    async fn respond(&self, path: &str, headers: &HeaderMap) -> Response {
        let feed_move = lock(&self.feed_move).clone();
        if let Some(moved) = feed_move {
            if path == "/feed.xml" {
                let status =
                    StatusCode::from_u16(moved.status).unwrap_or(StatusCode::MOVED_PERMANENTLY);
                let location = format!("{}{}", self.site.base_url, moved.path);
                return (status, [(header::LOCATION, location)]).into_response();
            }
            if path == moved.path {
                return self.feed(headers);
            }
        }
        match path {
            "/feed.xml" => return self.feed(headers),
            "/robots.txt" => {
                return (
                    [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                    self.site.robots.clone(),
                )
                    .into_response();
            }
            _ => {}
        }
        let behaviour = *lock(&self.behaviour);
        match behaviour {
            Behaviour::Normal => {}
            Behaviour::Hang => {
                self.stopped().await;
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
            Behaviour::Status(code) => {
                let status =
                    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                return (status, format!("status {code}\n")).into_response();
            }
        }
        if path == "/" {
            return html(self.site.home());
        }
        if let Some(slug) = path
            .strip_prefix("/img/")
            .and_then(|name| name.strip_suffix(".png"))
            && self.site.images
            && let Some(i) = self.site.article_by_slug(slug)
        {
            return match png::solid(png::WIDTH, png::HEIGHT, self.site.articles[i].colour) {
                Ok(bytes) => ([(header::CONTENT_TYPE, "image/png")], bytes).into_response(),
                Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            };
        }
        let Some(i) = self.site.article_at(path) else {
            return (
                StatusCode::NOT_FOUND,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                "<!DOCTYPE html><html><head><title>Page not found</title></head><body><h1>Page not found</h1></body></html>",
            )
                .into_response();
        };
        if !self.page_delay.is_zero() {
            tokio::select! {
                () = tokio::time::sleep(self.page_delay) => {}
                () = self.stopped() => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
            }
        }
        html(self.site.page(i))
    }

    /// Resolves when the newswire stops.
    async fn stopped(&self) {
        let mut stop = self.stop.clone();
        let _ = stop.wait_for(|s| *s).await;
    }

    /// The feed, or 304 when the client's validators match.
    fn feed(&self, headers: &HeaderMap) -> Response {
        let feed = &self.site.feed;
        let etag = match *lock(&self.validators) {
            FeedValidators::Both => Some(feed.etag.as_str()),
            FeedValidators::LastModifiedOnly => None,
        };
        let mut validators = HeaderMap::new();
        if let Some(etag) = etag.and_then(|e| HeaderValue::from_str(e).ok()) {
            validators.insert(header::ETAG, etag);
        }
        if let Ok(date) = HeaderValue::from_str(&httpdate::fmt_http_date(feed.last_modified)) {
            validators.insert(header::LAST_MODIFIED, date);
        }
        validators.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("max-age=60"),
        );
        if not_modified(headers, etag, feed.last_modified) {
            return (StatusCode::NOT_MODIFIED, validators).into_response();
        }
        (
            validators,
            [(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8")],
            self.feed_body.clone(),
        )
            .into_response()
    }
}

fn html(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// Whether a conditional GET matches: `If-None-Match` when sent and the feed has an entity
/// tag (weak comparison), else `If-Modified-Since`.
fn not_modified(headers: &HeaderMap, etag: Option<&str>, last_modified: SystemTime) -> bool {
    if let (Some(etag), Some(value)) = (etag, headers.get(header::IF_NONE_MATCH)) {
        return value.to_str().is_ok_and(|value| {
            value
                .split(',')
                .map(str::trim)
                .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
        });
    }
    headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .is_some_and(|since| last_modified <= since)
}
