//! storyline-server: the product people see.
//!
//! - [`pages`]: server-rendered HTML (front page, story, article, topic, provider, search) and
//!   [`admin`] pages (sources, OPML, editorial actions), with askama templates that escape
//!   everything by default and need no JavaScript.
//! - [`api`]: the JSON API under `/api/v1/`, documented by [`openapi`] at
//!   `/api/v1/openapi.json`; errors are `{code, message}` from the one table in [`error`].
//! - [`feeds`]: RSS 2.0, Atom 1.0 and JSON Feed 1.1 out, each item a story with its coverage.
//! - [`auth`]: read tokens, admin login (argon2, session cookie, CSRF) and API tokens;
//!   [`security`] adds the headers; [`metrics`] counts requests for `/metrics`.
//! - [`views`] turns store rows into what is shown; [`editorial`] applies editors' actions.
//!
//! The embedding program builds an [`AppState`] from a store and a [`ServerConfig`], then
//! calls [`serve`] (or mounts [`router`] itself).

pub mod admin;
pub mod api;
pub mod auth;
pub mod cache;
pub mod editorial;
pub mod error;
pub mod feeds;
pub mod images;
pub mod metrics;
pub mod openapi;
pub mod pages;
pub mod params;
pub mod security;
pub mod views;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use storyline_model::Provider;
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
        }
    }
}

/// How long topic and provider directories are cached.
const DIRECTORY_TTL: Duration = Duration::from_secs(30);

type Cached<T> = Mutex<Option<(Instant, Arc<T>)>>;

struct Inner {
    store: Arc<dyn Store>,
    config: ServerConfig,
    metrics: metrics::Metrics,
    sessions: auth::Sessions,
    pages: cache::PageCache,
    topics: Cached<Vec<(String, u64)>>,
    providers: Cached<Vec<(Provider, u64)>>,
}

/// Everything a handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, config: ServerConfig) -> AppState {
        let sessions = auth::Sessions::new(config.session_ttl);
        let pages = cache::PageCache::new(config.page_cache_ttl);
        AppState {
            inner: Arc::new(Inner {
                store,
                config,
                metrics: metrics::Metrics::default(),
                sessions,
                pages,
                topics: Mutex::new(None),
                providers: Mutex::new(None),
            }),
        }
    }

    pub fn store(&self) -> &dyn Store {
        self.inner.store.as_ref()
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

    /// Rendered public listings.
    pub fn page_cache(&self) -> &cache::PageCache {
        &self.inner.pages
    }

    /// Topics of public stories with counts (cached briefly).
    pub async fn topic_directory(&self) -> Result<Arc<Vec<(String, u64)>>, ApiError> {
        if let Some(hit) = fresh(&self.inner.topics) {
            return Ok(hit);
        }
        let list = Arc::new(self.store().topic_counts(true, 500).await?);
        remember(&self.inner.topics, &list);
        Ok(list)
    }

    /// Providers with article counts (cached briefly).
    pub async fn provider_directory(&self) -> Result<Arc<Vec<(Provider, u64)>>, ApiError> {
        if let Some(hit) = fresh(&self.inner.providers) {
            return Ok(hit);
        }
        let list = Arc::new(self.store().provider_counts(1000).await?);
        remember(&self.inner.providers, &list);
        Ok(list)
    }
}

fn fresh<T>(cell: &Cached<T>) -> Option<Arc<T>> {
    let guard = cell.lock().ok()?;
    guard
        .as_ref()
        .filter(|(at, _)| at.elapsed() < DIRECTORY_TTL)
        .map(|(_, v)| Arc::clone(v))
}

fn remember<T>(cell: &Cached<T>, value: &Arc<T>) {
    if let Ok(mut guard) = cell.lock() {
        *guard = Some((Instant::now(), Arc::clone(value)));
    }
}

/// Largest request body accepted (OPML uploads are the biggest).
const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The whole application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::routes())
        .merge(feeds::routes())
        .merge(admin::routes())
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

/// Serves on an already bound listener (tests and benchmarks bind port 0).
pub async fn serve_listener(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "storyline serving");
    }
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(ServerError::Serve)
}
