//! `storyline ingest PATH...`: files and folders into the store, each input reported as
//! ingested, duplicate or skipped (with the reason), and a summary at the end.

use std::path::PathBuf;
use std::process::ExitCode;

use std::sync::Arc;

use storyline_ingest::files::{self, FileLimits};
use storyline_model::Provider;
use storyline_pipeline::cpu::CpuPool;
use storyline_pipeline::files::{FileOptions, ingest_files};
use storyline_pipeline::round::Stop;
use storyline_pipeline::{Outcome, Pipeline};

use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders (searched recursively) of records, HTML pages and plain-text articles.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Skip files larger than this many bytes.
    #[arg(long, default_value_t = FileLimits::default().max_bytes)]
    pub max_bytes: u64,
    /// The outlet of inputs that name none (plain text without a footer, a page without a
    /// site name or address): `NAME`, `NAME/DOMAIN` or `DOMAIN`.
    #[arg(long, value_name = "NAME/DOMAIN", value_parser = parse_provider)]
    pub provider: Option<Provider>,
    /// Print one JSON object per input instead of text.
    #[arg(long)]
    pub json: bool,
    /// Threads that read and extract files (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// Counts of what an ingest run did.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub ingested: usize,
    pub new_stories: usize,
    pub syndicated: usize,
    pub duplicates: usize,
    pub skipped: usize,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ingested ({} new stories, {} syndicated copies), {} duplicates, {} skipped",
            self.ingested, self.new_stories, self.syndicated, self.duplicates, self.skipped
        )
    }
}

pub async fn run(args: Args, settings: &Settings) -> anyhow::Result<ExitCode> {
    let store = super::open_store(settings).await?;
    let search = super::SearchFeed::start(settings, &store);
    let mut pipeline = Pipeline::open(
        store.clone(),
        settings.keyring()?,
        settings.pipeline_config()?,
    )
    .await?;
    let summary = ingest_paths(
        &mut pipeline,
        &args.paths,
        FileOptions {
            limits: FileLimits {
                max_bytes: args.max_bytes,
            },
            provider: args.provider,
        },
        args.json,
        args.threads,
    )
    .await?;
    pipeline.refresh_heat().await?;
    search.finish(store.as_ref()).await;
    let stats = storyline_store::Store::stats(store.as_ref()).await?;
    if args.json {
        println!(
            "{}",
            serde_json::json!({ "summary": summary, "store": stats })
        );
    } else {
        println!("{summary}");
        println!(
            "store {}: {} articles in {} stories",
            settings.db()?,
            stats.articles,
            stats.stories
        );
    }
    store.close().await;
    // Every input failed: say so with the exit status as well as the summary.
    if summary.ingested + summary.duplicates == 0 && summary.skipped > 0 {
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// `--provider`: `NAME/DOMAIN`, `DOMAIN` (a name with a dot and no space) or `NAME`.
fn parse_provider(text: &str) -> Result<Provider, String> {
    let text = text.trim();
    let (name, domain) = match text.rsplit_once('/') {
        Some((name, domain)) => (name.trim(), domain.trim()),
        None if text.contains('.') && !text.contains(' ') => (text, text),
        None => (text, ""),
    };
    if name.is_empty() || name.chars().any(char::is_control) {
        return Err("name the outlet: NAME, NAME/DOMAIN or DOMAIN".into());
    }
    let domain = domain.trim_start_matches("www.").to_ascii_lowercase();
    if !domain.is_empty()
        && (!domain.contains('.')
            || !domain
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-')))
    {
        return Err(format!(
            "{domain:?} is not a domain like ledgerwire.example"
        ));
    }
    Ok(Provider {
        name: name.to_string(),
        domain,
    })
}

/// Ingests every file under `paths`, reporting each; used by `ingest` and `demo`. Files are
/// read and extracted on a pool of `threads` (one per core by default) while one writer
/// commits them in order.
pub async fn ingest_paths(
    pipeline: &mut Pipeline,
    paths: &[PathBuf],
    options: FileOptions,
    json: bool,
    threads: Option<usize>,
) -> anyhow::Result<Summary> {
    let (found, missing) = files::discover(paths);
    let mut summary = Summary::default();
    let progress = crate::progress::bar(found.len() as u64, found.len() >= 20, "files");
    let report = |line: String| {
        if progress.is_hidden() {
            println!("{line}");
        } else {
            progress.println(line);
        }
    };
    for (path, error) in missing {
        summary.skipped += 1;
        report(line(
            json,
            "skipped",
            &path.display().to_string(),
            &format!("cannot read: {error}"),
            None,
            None,
        ));
    }
    let pool = Arc::new(match threads {
        Some(n) => CpuPool::new(n),
        None => CpuPool::for_machine(),
    });
    let stop = Stop::default();
    let ctrl_c = crate::progress::stop_on_signals(stop.clone());
    let left = ingest_files(pipeline, pool, found, options, &stop, |path, outcome| {
        report_outcome(
            outcome,
            &path.display().to_string(),
            json,
            &mut summary,
            &report,
        );
        progress.inc(1);
    })
    .await?;
    ctrl_c.abort();
    progress.finish_and_clear();
    if left > 0 {
        println!("stopped: {left} files left unread");
    }
    Ok(summary)
}

fn report_outcome(
    outcome: &Outcome,
    shown: &str,
    json: bool,
    summary: &mut Summary,
    report: &dyn Fn(String),
) {
    let shown = shown.to_string();
    match &outcome {
        Outcome::Ingested {
            id,
            story_id,
            new_story,
            duplicate_of,
        } => {
            summary.ingested += 1;
            summary.new_stories += usize::from(*new_story);
            summary.syndicated += usize::from(duplicate_of.is_some());
            let detail = match duplicate_of {
                Some(original) => {
                    format!("{id} → story {story_id} (syndicated copy of {original})")
                }
                None if *new_story => format!("{id} → new story {story_id}"),
                None => format!("{id} → story {story_id}"),
            };
            report(line(
                json,
                "ingested",
                &shown,
                &detail,
                Some(id),
                Some(story_id),
            ));
        }
        Outcome::Duplicate { existing, .. } => {
            summary.duplicates += 1;
            report(line(
                json,
                "duplicate",
                &shown,
                &format!("already stored as {existing}"),
                Some(existing),
                None,
            ));
        }
        Outcome::Upgraded { id, story_id } => {
            summary.ingested += 1;
            report(line(
                json,
                "ingested",
                &shown,
                &format!("{id} → story {story_id} (full text replaces feed text)"),
                Some(id),
                Some(story_id),
            ));
        }
        Outcome::Skipped(reason) => {
            summary.skipped += 1;
            report(line(json, "skipped", &shown, reason, None, None));
        }
    }
}

fn line(
    json: bool,
    status: &str,
    path: &str,
    detail: &str,
    id: Option<&String>,
    story: Option<&String>,
) -> String {
    if json {
        serde_json::json!({ "status": status, "path": path, "detail": detail, "id": id, "story": story })
            .to_string()
    } else {
        format!("{status:<9} {path}: {detail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn providers_are_named_with_or_without_their_domain() {
        let p = parse_provider("The Ledger Wire/ledgerwire.example").unwrap();
        assert_eq!(
            (p.name.as_str(), p.domain.as_str()),
            ("The Ledger Wire", "ledgerwire.example")
        );
        let p = parse_provider("www.Civic-Post.example").unwrap();
        assert_eq!(
            (p.name.as_str(), p.domain.as_str()),
            ("www.Civic-Post.example", "civic-post.example")
        );
        let p = parse_provider("Harbour Gazette").unwrap();
        assert_eq!(
            (p.name.as_str(), p.domain.as_str()),
            ("Harbour Gazette", "")
        );
        assert!(parse_provider("  ").is_err());
        assert!(parse_provider("Name/not a domain").is_err());
    }
}
