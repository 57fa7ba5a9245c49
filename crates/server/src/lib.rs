//! storyline-server: the product people see.
//!
//! - [`pages`]: server-rendered HTML (front page, story, article, topic, provider, search) and
//!   [`admin`] pages (sources, OPML, editorial actions), with askama templates that escape
//!   everything by default and need no JavaScript.
//! - [`api`]: the JSON API under `/api/v1/`, documented by [`openapi`] at
//!   `/api/v1/openapi.json`; errors are `{code, message}` from the one table in [`error`].
//! - [`feeds`]: RSS 2.0, Atom 1.0 and JSON Feed 1.1 out, each item a story with its coverage.
//! - [`auth`]: read tokens, admin login (argon2, session cookie, CSRF) and API tokens, with
//!   [`throttle`] slowing down wrong passwords and tokens per account and client address;
//!   [`security`] adds the headers; [`conditional`] gives every rendered answer an `ETag`
//!   and answers `If-None-Match` with 304; [`metrics`] counts requests for `/metrics` (which needs a
//!   read token like any page when reading is not public).
//! - [`views`] turns store rows into what is shown; [`editorial`] applies editors' actions.
//!
//! The embedding program builds an [`AppState`] from a store and a [`ServerConfig`], then
//! calls [`serve`] (or mounts [`router`] itself).

pub mod accounts;
pub mod admin;
pub mod api;
pub mod auth;
pub mod cache;
pub mod conditional;
pub mod editorial;
pub mod error;
pub mod feeds;
pub mod fever;
pub mod images;
pub mod metrics;
pub mod openapi;
pub mod pages;
pub mod params;
pub mod reader;
pub mod reading;
pub mod security;
pub mod throttle;
pub mod views;

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use storyline_model::Provider;
use storyline_search::SearchIndex;
use storyline_store::Store;
use tower_http::trace::TraceLayer;

pub use auth::{hash_password, verify_password};
pub use error::{ApiError, ErrorCode, ServerError};

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub bind: SocketAddr,
    /// Reading is open to anyone; when false a read token (or login) is required.
    pub public_read: bool,
    /// The token readers send when reading is not public.
    pub read_token: Option<String>,
    /// Argon2 PHC hash of the admin password; no login is possible without it.
    pub admin_password_hash: Option<String>,
    /// Tokens that may write through the API (`Authorization: Bearer …`).
    pub api_tokens: Vec<String>,
    /// Directory of cached images: a file named by the 16-hex id
    /// (`storyline_model::article_id(image_url)`) of the image URL.
    pub image_cache_dir: Option<PathBuf>,
    pub site_title: String,
    /// Absolute URL the site is reached at (feeds need absolute links), without trailing `/`.
    pub base_url: String,
    /// Stories on a page.
    pub page_size: u32,
    /// How long an admin session lasts.
    pub session_ttl: Duration,
    /// Mark the session cookie `Secure` (set it when served over HTTPS).
    pub secure_cookies: bool,
    /// How long rendered public listings and feeds are reused (zero: never). Editorial actions
    /// through this server clear them at once.
    pub page_cache_ttl: Duration,
    /// How long rendered search results are reused (zero: never). A search is dearer than
    /// a listing and readers repeat the same ones, so they are kept longer; editorial
    /// actions through this server clear them at once too.
    pub search_cache_ttl: Duration,
    /// How wrong admin passwords and tokens are slowed down (per account and address).
    pub throttle: throttle::ThrottleConfig,
    /// Reverse proxies in front of the server: when the peer is one of them, the client
    /// address (for throttling) is read from `X-Forwarded-For`. Empty: the peer is the client.
    pub trusted_proxies: Vec<IpAddr>,
    /// Folder of the search index (made when missing, rebuilt from the store when it
    /// cannot be read). `None`: the index is kept in memory and filled from the store when
    /// the server starts.
    pub search_index: Option<PathBuf>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_read: true,
            read_token: None,
            admin_password_hash: None,
            api_tokens: Vec::new(),
            image_cache_dir: None,
            site_title: "storyline".into(),
            base_url: "http://127.0.0.1:8080".into(),
            page_size: 30,
            session_ttl: Duration::from_secs(12 * 3600),
            secure_cookies: false,
            page_cache_ttl: Duration::from_secs(2),
            search_cache_ttl: Duration::from_secs(30),
            throttle: throttle::ThrottleConfig::default(),
            trusted_proxies: Vec::new(),
            search_index: None,
        }
    }
}

/// Most topics the directory (`/topics`, `/api/v1/topics`) lists, most used first.
pub const TOPIC_DIRECTORY_SIZE: u32 = 500;
/// Most providers the directory (`/providers`, `/api/v1/providers`) lists, most prolific first.
pub const PROVIDER_DIRECTORY_SIZE: u32 = 1000;
/// Most topic names kept for case-insensitive topic filters.
const TOPIC_NAMES_SIZE: u32 = 200_000;

/// How long topic and provider directories are cached.
const DIRECTORY_TTL: Duration = Duration::from_secs(30);

/// Shortest time the blocked-provider list is kept (see `AppState::blocked_providers`).
const BLOCKED_MIN_TTL: Duration = Duration::from_secs(1);

/// Blocked providers as read under a page-cache generation, and when.
type BlockedList = (u64, Instant, Arc<Vec<String>>);

/// A value read from the store and reused for `DIRECTORY_TTL`. Reading it can be slow (a
/// directory counts every story), so one request refreshes it while the others keep the
/// previous copy, and only the very first read makes others wait.
struct Cached<T> {
    value: Mutex<Option<(Instant, Arc<T>)>>,
    refresh: tokio::sync::Mutex<()>,
}

impl<T> Cached<T> {
    fn new() -> Self {
        Self {
            value: Mutex::new(None),
            refresh: tokio::sync::Mutex::new(()),
        }
    }

    fn current(&self) -> Option<(Instant, Arc<T>)> {
        let guard = self.value.lock().ok()?;
        guard.as_ref().map(|(at, v)| (*at, Arc::clone(v)))
    }

    async fn get<F>(&self, load: F) -> Result<Arc<T>, ApiError>
    where
        F: Future<Output = Result<T, ApiError>>,
    {
        let current = self.current();
        if let Some((at, value)) = &current
            && at.elapsed() < DIRECTORY_TTL
        {
            return Ok(Arc::clone(value));
        }
        let _refreshing = match (self.refresh.try_lock(), current) {
            (Ok(guard), _) => guard,
            // Someone is refreshing: the previous copy will do meanwhile.
            (Err(_), Some((_, stale))) => return Ok(stale),
            // Nothing yet: wait for the first read, then use it.
            (Err(_), None) => {
                let guard = self.refresh.lock().await;
                if let Some((_, value)) = self.current() {
                    return Ok(value);
                }
                guard
            }
        };
        if let Some((at, value)) = self.current()
            && at.elapsed() < DIRECTORY_TTL
        {
            return Ok(value);
        }
        let value = Arc::new(load.await?);
        if let Ok(mut guard) = self.value.lock() {
            *guard = Some((Instant::now(), Arc::clone(&value)));
        }
        Ok(value)
    }
}

struct Inner {
    store: Arc<dyn Store>,
    search: SearchIndex,
    config: ServerConfig,
    metrics: metrics::Metrics,
    sessions: auth::Sessions,
    throttle: throttle::Throttle,
    pages: cache::PageCache,
    searches: cache::PageCache,
    topics: Cached<Vec<(String, u64)>>,
    providers: Cached<Vec<(Provider, u64)>>,
    /// Every topic's stored spelling by its lowercase form.
    topic_names: Cached<HashMap<String, String>>,
    /// Blocked providers with the page-cache generation they were read under.
    blocked: Mutex<Option<BlockedList>>,
}

/// Everything a handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

impl AppState {
    /// Opens the search index the configuration names (or one in memory) for `store`.
    pub fn new(store: Arc<dyn Store>, config: ServerConfig) -> Result<AppState, ServerError> {
        let search = match &config.search_index {
            Some(dir) => SearchIndex::open(dir).or_else(|e| {
                // A read-only data folder, say: search still works, from memory.
                tracing::warn!(dir = %dir.display(), error = %e, "cannot open the search index there; keeping it in memory");
                SearchIndex::in_memory()
            })?,
            None => SearchIndex::in_memory()?,
        };
        Ok(Self::with_search(store, search, config))
    }

    /// A state over `store` searching with `search`.
    pub fn with_search(
        store: Arc<dyn Store>,
        search: SearchIndex,
        config: ServerConfig,
    ) -> AppState {
        let sessions = auth::Sessions::new(config.session_ttl);
        let throttle = throttle::Throttle::new(config.throttle.clone());
        let pages = cache::PageCache::new(config.page_cache_ttl);
        let searches = cache::PageCache::new(config.search_cache_ttl);
        AppState {
            inner: Arc::new(Inner {
                store,
                search,
                config,
                metrics: metrics::Metrics::default(),
                sessions,
                throttle,
                pages,
                searches,
                topics: Cached::new(),
                providers: Cached::new(),
                topic_names: Cached::new(),
                blocked: Mutex::new(None),
            }),
        }
    }

    pub fn store(&self) -> &dyn Store {
        self.inner.store.as_ref()
    }

    /// The search index, fed from the store.
    pub fn search(&self) -> &SearchIndex {
        &self.inner.search
    }

    /// Lets the search index apply what the store changed (after an editorial action),
    /// in the background: hits are checked against the store when shown, so results are
    /// right meanwhile; this keeps pages full.
    pub fn refresh_search(&self) {
        let state = self.clone();
        tokio::spawn(async move {
            if let Err(e) = state.search().catch_up(state.store()).await {
                tracing::warn!(error = %e, "search index update failed");
            }
        });
    }

    pub fn config(&self) -> &ServerConfig {
        &self.inner.config
    }

    pub fn metrics(&self) -> &metrics::Metrics {
        &self.inner.metrics
    }

    pub fn sessions(&self) -> &auth::Sessions {
        &self.inner.sessions
    }

    /// Failure counts of passwords and tokens.
    pub fn throttle(&self) -> &throttle::Throttle {
        &self.inner.throttle
    }

    /// Rendered public listings.
    pub fn page_cache(&self) -> &cache::PageCache {
        &self.inner.pages
    }

    /// Rendered search results.
    pub fn search_cache(&self) -> &cache::PageCache {
        &self.inner.searches
    }

    /// Forgets every rendered page and search (after an editorial action), lets the search
    /// index apply the action, and tells the other processes serving the store to do the
    /// same.
    pub fn invalidate_pages(&self) {
        self.forget_rendered();
        let store = self.inner.store.clone();
        tokio::spawn(async move {
            if let Err(error) = store.announce_change().await {
                tracing::warn!(%error, "other servers not told of an editorial change");
            }
        });
    }

    /// Forgets every rendered page and search and lets the search index catch up (an
    /// editorial action here or in another process).
    pub fn forget_rendered(&self) {
        self.inner.pages.invalidate();
        self.inner.searches.invalidate();
        self.refresh_search();
    }

    /// Blocked providers. Every public page needs them, so they are kept as long as rendered
    /// listings are, and at least `BLOCKED_MIN_TTL` (a server that renders every page afresh
    /// still need not read the list for each one); an editorial action (which invalidates the
    /// page cache) makes the next reader fetch them again, so a block made through this
    /// server shows at once, and one made by another process within that time.
    pub async fn blocked_providers(&self) -> Result<Arc<Vec<String>>, ApiError> {
        let pages = self.page_cache();
        let keep = pages.ttl().max(BLOCKED_MIN_TTL);
        // Read before the store: a list fetched while an action commits is kept under the
        // old generation and so never outlives the invalidation.
        let generation = pages.generation();
        if let Ok(guard) = self.inner.blocked.lock()
            && let Some((at_generation, at, list)) = guard.as_ref()
            && *at_generation == generation
            && at.elapsed() < keep
        {
            return Ok(Arc::clone(list));
        }
        let list = Arc::new(self.store().blocked_providers().await?);
        if let Ok(mut guard) = self.inner.blocked.lock() {
            *guard = Some((generation, Instant::now(), Arc::clone(&list)));
        }
        Ok(list)
    }

    /// Topics of public stories with counts (cached briefly).
    pub async fn topic_directory(&self) -> Result<Arc<Vec<(String, u64)>>, ApiError> {
        let load = async {
            Ok(self
                .store()
                .topic_counts(true, TOPIC_DIRECTORY_SIZE)
                .await?)
        };
        self.inner.topics.get(load).await
    }

    /// Providers with article counts (cached briefly).
    pub async fn provider_directory(&self) -> Result<Arc<Vec<(Provider, u64)>>, ApiError> {
        let load = async {
            Ok(self
                .store()
                .provider_counts(PROVIDER_DIRECTORY_SIZE)
                .await?)
        };
        self.inner.providers.get(load).await
    }

    /// A topic filter as stored: topics match whatever their case (`ai` finds the stories
    /// on `AI`). Where two spellings differ only in case, the one on more stories is meant.
    /// A topic the store does not know (yet: the names are reread every 30 seconds) is
    /// passed on as written.
    pub async fn canonical_topic(&self, topic: &str) -> Result<String, ApiError> {
        let load = async {
            let counts = self.store().topic_counts(false, TOPIC_NAMES_SIZE).await?;
            let mut names: HashMap<String, String> = HashMap::with_capacity(counts.len());
            for (name, _) in counts {
                names.entry(name.to_lowercase()).or_insert(name);
            }
            Ok(names)
        };
        let names = self.inner.topic_names.get(load).await?;
        Ok(names
            .get(&topic.to_lowercase())
            .cloned()
            .unwrap_or_else(|| topic.to_string()))
    }

    /// [`AppState::canonical_topic`] of an optional filter.
    pub async fn topic_filter(&self, topic: Option<String>) -> Result<Option<String>, ApiError> {
        match topic {
            Some(t) => Ok(Some(self.canonical_topic(&t).await?)),
            None => Ok(None),
        }
    }
}

/// Largest request body accepted (OPML uploads are the biggest).
const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The whole application. Serve it with `ConnectInfo<SocketAddr>` (as [`serve_listener`]
/// does): without it every client counts as one address for throttling.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::routes())
        .merge(feeds::routes())
        .merge(admin::routes())
        .merge(reader::routes())
        .merge(reading::routes())
        .merge(fever::routes())
        .nest("/api/v1", api::routes())
        .merge(images::routes())
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .fallback(pages::not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_reader,
        ))
        .layer(middleware::from_fn(conditional::etag))
        .layer(middleware::from_fn(security::headers))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Binds `config.bind` and serves until `shutdown` completes, then drains open requests.
pub async fn serve(
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let addr = state.config().bind;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServerError::Bind { addr, source })?;
    serve_listener(listener, state, shutdown).await
}

/// A request whose path starts with several slashes is routed as if it started with one:
/// reading apps join a server address ending in `/` to paths starting with `/`
/// (newsboat asks for `//reader/api/0/…`). Slashes further on are kept (a stream id may hold
/// an address).
fn one_leading_slash(mut request: axum::extract::Request) -> axum::extract::Request {
    let path = request.uri().path();
    if path.starts_with("//") {
        let rest = path.trim_start_matches('/');
        let target = match request.uri().query() {
            Some(query) => format!("/{rest}?{query}"),
            None => format!("/{rest}"),
        };
        if let Ok(target) = target.parse::<axum::http::Uri>() {
            *request.uri_mut() = target;
        }
    }
    request
}

/// Serves on an already bound listener (tests and benchmarks bind port 0). Each request
/// carries its peer address (`ConnectInfo<SocketAddr>`), which throttling counts failures by.
pub async fn serve_listener(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "storyline serving");
    }
    let feeder = state
        .search()
        .follow(state.inner.store.clone(), SEARCH_FEED_INTERVAL);
    // Editorial actions taken through other processes serving the same store.
    let watcher = match state.inner.store.changes().await {
        Ok(Some(mut changes)) => {
            let state = state.clone();
            Some(tokio::spawn(async move {
                while changes.recv().await.is_some() {
                    state.forget_rendered();
                }
            }))
        }
        Ok(None) => None,
        Err(error) => {
            tracing::warn!(%error, "editorial actions of other servers show only as pages expire");
            None
        }
    };
    let app = tower::ServiceExt::map_request(router(state), one_leading_slash);
    let app = axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<
        SocketAddr,
    >(app);
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(ServerError::Serve);
    if let Some(watcher) = watcher {
        watcher.abort();
    }
    feeder.stop().await;
    served
}

/// How often the search index looks for changes in the store (edits made by other
/// processes, ingest running beside the server).
const SEARCH_FEED_INTERVAL: Duration = Duration::from_secs(1);
