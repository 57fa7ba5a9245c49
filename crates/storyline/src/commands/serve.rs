//! `storyline serve` and `storyline admin`: the web UI, JSON API and feeds over the store.
//! `run` and `demo` start the same server beside their own work.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use storyline_server::{AppState, ServerConfig};
use storyline_store::Store;

use crate::settings::Settings;

/// How the web server is reached and who may do what.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeOptions {
    /// Address to listen on.
    #[arg(long, env = "STORYLINE_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// The absolute URL the site is reached at (for links in feeds) [default: http://BIND].
    #[arg(long, env = "STORYLINE_BASE_URL")]
    pub base_url: Option<String>,
    /// Require this token to read (`?access_token=`, `Authorization: Bearer` or an admin
    /// login), `/metrics` included; reading is public without it.
    #[arg(long, env = "STORYLINE_READ_TOKEN")]
    pub read_token: Option<String>,
    /// Tokens allowed to write through the API (comma-separated).
    #[arg(
        long = "api-token",
        env = "STORYLINE_API_TOKENS",
        value_delimiter = ','
    )]
    pub api_tokens: Vec<String>,
    /// Milliseconds a rendered page (and a search's results) is reused before it is rendered
    /// again; 0 renders every request. Editorial actions, here or through another server of
    /// the same store, drop rendered pages at once whatever this is.
    #[arg(long, env = "STORYLINE_PAGE_CACHE_MS", value_name = "MS")]
    pub page_cache_ms: Option<u64>,
    /// Mark session cookies `Secure` (when served behind HTTPS).
    #[arg(long)]
    pub secure_cookies: bool,
    /// Reverse proxies in front of the server (comma-separated addresses): from them the
    /// client's address, which wrong passwords and tokens are counted against, is read from
    /// `X-Forwarded-For`. Without it the connecting address is the client.
    #[arg(
        long = "trusted-proxy",
        env = "STORYLINE_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub serve: ServeOptions,
}

#[derive(Debug, clap::Args)]
pub struct AdminArgs {
    #[command(subcommand)]
    pub action: AdminAction,
}

#[derive(Debug, clap::Subcommand)]
pub enum AdminAction {
    /// Set the admin password (read from standard input), stored as an argon2 hash.
    SetPassword,
}

/// Where the admin password hash is kept.
fn password_file(data_dir: &Path) -> std::path::PathBuf {
    data_dir.join("admin.passwd")
}

/// The server configuration from options and the data folder.
pub fn server_config(options: &ServeOptions, settings: &Settings) -> anyhow::Result<ServerConfig> {
    let admin_password_hash = match std::env::var("STORYLINE_ADMIN_PASSWORD_HASH") {
        Ok(hash) if !hash.trim().is_empty() => Some(hash.trim().to_string()),
        _ => {
            let path = password_file(&settings.data_dir);
            match std::fs::read_to_string(&path) {
                Ok(text) => Some(text.trim().to_string()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
            }
        }
    };
    let defaults = ServerConfig::default();
    Ok(ServerConfig {
        bind: options.bind,
        public_read: options.read_token.is_none(),
        read_token: options.read_token.clone(),
        admin_password_hash,
        api_tokens: options
            .api_tokens
            .iter()
            .filter(|t| !t.is_empty())
            .cloned()
            .collect(),
        image_cache_dir: Some(storyline_pipeline::round::images_by_url_dir(
            &settings.data_dir,
        )),
        search_index: Some(settings.search_index()?),
        base_url: options
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", options.bind))
            .trim_end_matches('/')
            .to_string(),
        secure_cookies: options.secure_cookies,
        trusted_proxies: options.trusted_proxies.clone(),
        page_cache_ttl: options
            .page_cache_ms
            .map_or(defaults.page_cache_ttl, std::time::Duration::from_millis),
        search_cache_ttl: options
            .page_cache_ms
            .map_or(defaults.search_cache_ttl, std::time::Duration::from_millis),
        ..defaults
    })
}

/// Binds the configured address (or, with `fallback`, any free port when it is taken) and
/// serves until `shutdown` completes. Returns the address once listening.
pub async fn start(
    store: Arc<dyn Store>,
    mut config: ServerConfig,
    fallback: bool,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = match tokio::net::TcpListener::bind(config.bind).await {
        Ok(listener) => listener,
        Err(e) if fallback => {
            tracing::info!(error = %e, "address taken; using a free port");
            tokio::net::TcpListener::bind(SocketAddr::new(config.bind.ip(), 0)).await?
        }
        Err(e) => return Err(e).with_context(|| format!("cannot listen on {}", config.bind)),
    };
    let addr = listener.local_addr()?;
    if addr != config.bind {
        config.base_url = format!("http://{addr}");
        config.bind = addr;
    }
    let state = AppState::new(store, config)?;
    let handle = tokio::spawn(async move {
        if let Err(e) = storyline_server::serve_listener(listener, state, shutdown).await {
            tracing::error!(error = %e, "server stopped");
        }
    });
    Ok((addr, handle))
}

/// Resolves when Ctrl-C is pressed.
/// What stops the server: Ctrl-C or SIGTERM, both of which drain open requests and let the
/// command clean up (the demo removes its temporary store).
pub async fn ctrl_c() {
    crate::progress::terminated().await;
}

pub async fn serve(args: ServeArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let store = super::open_store(settings).await?;
    let config = server_config(&args.serve, settings)?;
    if config.admin_password_hash.is_none() {
        println!(
            "No admin password set: admin pages are closed. Set one with `storyline admin set-password`."
        );
    }
    let (addr, handle) = start(store.clone(), config, false, ctrl_c()).await?;
    println!(
        "storyline is serving {} at http://{addr}/ (Ctrl-C stops)",
        settings.db()?
    );
    handle.await.context("server task")?;
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

pub fn admin(args: AdminArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    match args.action {
        AdminAction::SetPassword => {
            let mut password = String::new();
            std::io::stdin()
                .read_line(&mut password)
                .context("cannot read the password")?;
            let password = password.trim_end_matches(['\n', '\r']);
            if password.chars().count() < 8 {
                anyhow::bail!("the password must have at least 8 characters");
            }
            let hash = storyline_server::hash_password(password)?;
            std::fs::create_dir_all(&settings.data_dir)?;
            write_private(&password_file(&settings.data_dir), &hash)?;
            println!(
                "admin password set ({})",
                password_file(&settings.data_dir).display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes a file readable by its owner only.
pub fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

/// A random password for the demo's admin account.
pub fn random_password() -> anyhow::Result<String> {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect())
}
