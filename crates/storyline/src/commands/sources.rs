//! `storyline source add|list|remove` and `storyline opml import|export`: the outlets
//! storyline follows.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::Utc;
use storyline_ingest::fetch::Fetcher;
use storyline_ingest::opml::{OpmlFeed, export_opml, import_opml};
use storyline_ingest::poll::{SourceState, poll};
use storyline_ingest::sources::SourceKind;
use storyline_pipeline::round::{SourceRound, stored_state};
use storyline_store::SourceRow;

use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct SourceArgs {
    #[command(subcommand)]
    pub action: SourceAction,
}

#[derive(Debug, clap::Subcommand)]
pub enum SourceAction {
    /// Follow a feed (RSS, Atom, JSON Feed), a news sitemap or a page.
    Add {
        /// The URL (http or https).
        url: String,
        /// A group (folder) for the source.
        #[arg(long)]
        group: Option<String>,
        /// A display title [default: the feed's own].
        #[arg(long)]
        title: Option<String>,
        /// Follow it without fetching it first (a server that is down now, say).
        #[arg(long)]
        no_check: bool,
        #[command(flatten)]
        web: super::fetch::WebOptions,
    },
    /// List followed sources with their health.
    List {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Stop following a source (by URL or id).
    Remove {
        /// The URL or numeric id.
        source: String,
    },
}

#[derive(Debug, clap::Args)]
pub struct OpmlArgs {
    #[command(subcommand)]
    pub action: OpmlAction,
}

#[derive(Debug, clap::Subcommand)]
pub enum OpmlAction {
    /// Follow every feed of an OPML file (folders become groups; duplicates are kept once).
    Import {
        /// The OPML file (`-` for standard input).
        file: PathBuf,
    },
    /// Write the followed sources as OPML 2.0 (to standard output without FILE).
    Export {
        /// Where to write.
        file: Option<PathBuf>,
    },
}

/// A new source row for `url` (validated: http or https with a host).
pub fn new_source(
    url: &str,
    title: Option<String>,
    group: Option<String>,
) -> anyhow::Result<SourceRow> {
    let parsed = url::Url::parse(url.trim()).with_context(|| format!("{url:?} is not a URL"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        anyhow::bail!("{url:?}: only http and https URLs with a host can be followed");
    }
    let now = Utc::now();
    let state = SourceState::new(parsed.as_str());
    Ok(SourceRow {
        id: 0,
        url: parsed.to_string(),
        kind: "auto".into(),
        title,
        group,
        state: Some(serde_json::to_string(&state)?),
        next_poll: now,
        last_error: None,
        enabled: true,
        created_at: now,
        last_round: None,
    })
}

/// A source as `source list --json` prints it: camelCase keys like the API's, its polling
/// state and last round as objects (the store keeps them as JSON text).
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct SourceJson {
    id: i64,
    url: String,
    kind: String,
    title: Option<String>,
    group: Option<String>,
    enabled: bool,
    last_error: Option<String>,
    next_poll: chrono::DateTime<Utc>,
    created_at: chrono::DateTime<Utc>,
    /// The poller's state; null before the first poll or when it cannot be read.
    state: Option<serde_json::Value>,
    /// What the last fetch round did with the source; null before one.
    last_round: Option<serde_json::Value>,
}

impl SourceJson {
    fn from_row(s: &SourceRow) -> Self {
        let state = stored_state(s.state.as_deref())
            .and_then(|st| serde_json::to_value(st).ok())
            .map(camel_keys);
        let last_round = SourceRound::from_stored(s.last_round.as_deref())
            .and_then(|r| serde_json::to_value(r).ok())
            .map(camel_keys);
        SourceJson {
            id: s.id,
            url: s.url.clone(),
            kind: s.kind.clone(),
            title: s.title.clone(),
            group: s.group.clone(),
            enabled: s.enabled,
            last_error: s.last_error.clone(),
            next_poll: s.next_poll,
            created_at: s.created_at,
            state,
            last_round,
        }
    }
}

/// The keys of objects (at any depth) in camelCase: `last_polled` → `lastPolled`.
fn camel_keys(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, v)| (camel(&key), camel_keys(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(camel_keys).collect()),
        other => other,
    }
}

fn camel(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// What fetching a source's address found.
struct Found {
    kind: SourceKind,
    title: Option<String>,
    items: usize,
    feeds: Vec<String>,
}

impl Found {
    fn describe(&self) -> String {
        let kind = match self.kind {
            SourceKind::Rss => "an RSS feed",
            SourceKind::Atom => "an Atom feed",
            SourceKind::JsonFeed => "a JSON Feed",
            SourceKind::NewsSitemap => "a news sitemap",
            SourceKind::Sitemap => "a sitemap",
            SourceKind::SitemapIndex => "a sitemap index",
            SourceKind::Page => "a web page",
        };
        let mut line = format!(
            "found {kind}{} with {} {}",
            self.title
                .as_deref()
                .map(|t| format!(" \"{t}\""))
                .unwrap_or_default(),
            self.items,
            if self.items == 1 { "item" } else { "items" }
        );
        if !self.feeds.is_empty() {
            line.push_str(&format!(
                "; it advertises {}: follow one of those for its news",
                self.feeds.join(", ")
            ));
        }
        line
    }
}

/// Fetches `url` once, as a poll would, and says what is there; an address that does not
/// answer with a feed, a sitemap or a page is an error (`--no-check` adds it anyway). Nothing
/// is stored: the first round reads the source afresh.
async fn check_source(url: &str, web: &super::fetch::WebOptions) -> anyhow::Result<Found> {
    let config = super::fetch::fetch_config(web)?;
    let fetcher = Fetcher::new(config).context("cannot build the HTTP client")?;
    let outcome = poll(&fetcher, &SourceState::new(url)).await;
    if let Some(error) = outcome.error {
        anyhow::bail!(
            "{url} cannot be followed: {error} (add --no-check to follow it anyway)",
            error = crate::progress::printable(&error)
        );
    }
    let meta = outcome
        .meta
        .with_context(|| format!("{url}: nothing readable there"))?;
    Ok(Found {
        kind: meta.kind,
        title: meta.title,
        items: outcome.items.len(),
        feeds: outcome.discovered_feeds,
    })
}

pub async fn source(args: SourceArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let store = super::open_store(settings).await?;
    match args.action {
        SourceAction::Add {
            url,
            group,
            title,
            no_check,
            web,
        } => {
            let mut row = new_source(&url, title, group)?;
            if !no_check {
                let found = check_source(&row.url, &web).await?;
                println!("{}", crate::progress::printable(&found.describe()));
                if row.title.is_none() {
                    row.title = found.title;
                }
            }
            if store.add_source(&row).await? {
                println!("following {}", row.url);
            } else {
                println!("already following {}", row.url);
            }
        }
        SourceAction::List { json } => {
            let sources = store.sources().await?;
            if json {
                let listed: Vec<SourceJson> = sources.iter().map(SourceJson::from_row).collect();
                println!("{}", serde_json::to_string_pretty(&listed)?);
            } else if sources.is_empty() {
                println!(
                    "No sources. Add one with `storyline source add URL` or `storyline opml import FILE`."
                );
            } else {
                for s in sources {
                    let state = stored_state(s.state.as_deref());
                    let polled = state
                        .as_ref()
                        .and_then(|st| st.last_polled)
                        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_else(|| "never".into());
                    let never_polled = state.as_ref().is_none_or(|st| st.last_polled.is_none());
                    let health = match &s.last_error {
                        Some(e) => format!(
                            "FAILING ({} in a row): {e}",
                            state.as_ref().map_or(0, |st| st.failures)
                        ),
                        None if !s.enabled => "disabled".into(),
                        None if never_polled => "not polled yet".into(),
                        None => "ok".into(),
                    };
                    let round = SourceRound::from_stored(s.last_round.as_deref())
                        .map(|r| format!("\n      last round: {}", r.describe()))
                        .unwrap_or_default();
                    // Titles, addresses and errors come from the network: shown, not obeyed.
                    let shown = crate::progress::printable;
                    println!(
                        "{:>4}  {}{}\n      group: {} · last polled: {polled} · next: {} · {}{round}",
                        s.id,
                        shown(&s.url),
                        s.title
                            .as_deref()
                            .map(|t| format!("  ({})", shown(t)))
                            .unwrap_or_default(),
                        shown(s.group.as_deref().unwrap_or("-")),
                        s.next_poll.format("%Y-%m-%d %H:%M"),
                        shown(&health),
                    );
                }
            }
        }
        SourceAction::Remove { source } => {
            if store.remove_source(&source).await? {
                println!("removed {source}");
            } else {
                anyhow::bail!("no source {source:?}");
            }
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

pub async fn opml(args: OpmlArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let store = super::open_store(settings).await?;
    match args.action {
        OpmlAction::Import { file } => {
            let text = if file.as_os_str() == "-" {
                let mut text = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)?;
                text
            } else {
                let bytes = std::fs::read(&file)
                    .with_context(|| format!("cannot read {}", file.display()))?;
                String::from_utf8_lossy(&bytes).into_owned()
            };
            let doc = import_opml(&text)
                .with_context(|| format!("cannot read OPML from {}", file.display()))?;
            let (mut added, mut known, mut refused) = (0, 0, 0);
            for feed in &doc.feeds {
                match new_source(&feed.url, feed.title.clone(), feed.group()) {
                    Ok(row) => {
                        if store.add_source(&row).await? {
                            added += 1;
                        } else {
                            known += 1;
                        }
                    }
                    Err(e) => {
                        refused += 1;
                        println!("skipped {}: {e:#}", feed.url);
                    }
                }
            }
            for why in &doc.skipped {
                println!("skipped an outline: {why}");
            }
            println!("{added} sources added, {known} already followed, {refused} refused");
        }
        OpmlAction::Export { file } => {
            let feeds: Vec<OpmlFeed> = store
                .sources()
                .await?
                .into_iter()
                .map(|s| {
                    let kind = stored_state(s.state.as_deref()).and_then(|st| st.kind);
                    OpmlFeed::in_group(s.url, s.title, s.group.as_deref()).of_kind(kind)
                })
                .collect();
            let text = export_opml("storyline sources", &feeds);
            match file {
                Some(path) => {
                    std::fs::write(&path, text)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    println!("wrote {} sources to {}", feeds.len(), path.display());
                }
                None => print!("{text}"),
            }
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_sources_are_camel_case_with_state_as_an_object() {
        let mut row = new_source("https://ledgerwire.example/feed.xml", None, None).unwrap();
        row.last_round = Some(r#"{"at":null,"seen":3,"known":1,"ingested":2,"feed_only":1,"upgraded":0,"failed":0,"left":0}"#.into());
        let json = serde_json::to_value(SourceJson::from_row(&row)).unwrap();
        assert!(json["state"].is_object(), "{json}");
        assert_eq!(json["state"]["url"], "https://ledgerwire.example/feed.xml");
        assert!(json["state"].get("intervalSecs").is_some(), "{json}");
        assert_eq!(json["lastRound"]["feedOnly"], 1);
        assert!(json.get("nextPoll").is_some() && json.get("createdAt").is_some());
        assert!(!json.to_string().contains('_'), "{json}");
        assert_eq!(camel("last_item_times"), "lastItemTimes");
        assert_eq!(camel("_x"), "x");
    }
}
