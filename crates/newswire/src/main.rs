//! `newswire`: runs a local newswire until killed. Prints each feed URL on its own line, then
//! `ready`, on standard output; writes an OPML file of the feeds when asked.

use std::io::Write;
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::Parser;
use storyline_newswire::{Newswire, NewswireConfig, TextSource};

/// Simulated news outlets on loopback addresses (127.0.0.2, 127.0.0.3, …), each serving an
/// RSS feed, article pages and optionally lead images, for fetch benchmarks.
#[derive(Debug, Parser)]
#[command(name = "newswire", version, about)]
struct Args {
    /// Number of outlets, one loopback address each.
    #[arg(long, default_value_t = 20)]
    outlets: usize,
    /// Articles in all, dealt to the outlets round-robin.
    #[arg(long, default_value_t = 1000)]
    articles: usize,
    /// Port on every address (0: one that is free on all of them).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Serve a lead image per article.
    #[arg(long)]
    images: bool,
    /// Seed of the generated content.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write an OPML file subscribing to every feed.
    #[arg(long, value_name = "FILE")]
    opml: Option<PathBuf>,
    /// The first outlet's address.
    #[arg(long, default_value = "127.0.0.2")]
    first_address: Ipv4Addr,
    /// Announce this `Crawl-delay` (seconds) in robots.txt.
    #[arg(long, value_name = "SECONDS")]
    crawl_delay: Option<u32>,
    /// Latency added to every article page, in milliseconds.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    page_delay_ms: u64,
    /// Date articles relative to this time (Unix seconds) instead of now.
    #[arg(long, value_name = "UNIX_SECONDS")]
    base_time: Option<u64>,
    /// Synthetic article text only (no ECB+ texts).
    #[arg(long, conflicts_with = "datasets")]
    synthetic: bool,
    /// The datasets folder holding `ecbplus-dev/` [default: STORYLINE_DATASETS, else
    /// shared/datasets beside the checkout].
    #[arg(long, value_name = "DIR")]
    datasets: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("newswire: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> std::io::Result<()> {
    let text = match (args.synthetic, args.datasets) {
        (true, _) => TextSource::Synthetic,
        (false, Some(dir)) => TextSource::Datasets(dir),
        (false, None) => TextSource::Auto,
    };
    let config = NewswireConfig {
        outlets: args.outlets,
        articles: args.articles,
        port: args.port,
        images: args.images,
        seed: args.seed,
        first_address: args.first_address,
        crawl_delay: args.crawl_delay,
        page_delay: Duration::from_millis(args.page_delay_ms),
        base_time: args
            .base_time
            .map(|secs| UNIX_EPOCH + Duration::from_secs(secs))
            .unwrap_or_else(SystemTime::now),
        text,
    };
    let newswire = Newswire::start(config).await?;
    if let Some(path) = &args.opml {
        std::fs::write(path, newswire.opml()).map_err(|e| {
            std::io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display()))
        })?;
    }
    eprintln!(
        "newswire: {} outlets, {} articles, port {}",
        newswire.outlets().len(),
        newswire.total_articles(),
        newswire.port()
    );
    {
        let mut out = std::io::stdout().lock();
        for outlet in newswire.outlets() {
            writeln!(out, "{}", outlet.feed_url)?;
        }
        writeln!(out, "ready")?;
        out.flush()?;
    }
    stopped().await?;
    newswire.shutdown().await;
    Ok(())
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM.
async fn stopped() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result,
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}
