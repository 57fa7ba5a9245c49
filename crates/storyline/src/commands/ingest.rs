//! `storyline ingest PATH...`: files and folders into the store, each input reported as
//! ingested, duplicate or skipped (with the reason), and a summary at the end.

use std::path::PathBuf;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};
use storyline_ingest::files::{self, FileLimits};

use crate::pipeline::{Outcome, Pipeline, intake};
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders (searched recursively) of records, HTML pages and plain-text articles.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Skip files larger than this many bytes.
    #[arg(long, default_value_t = FileLimits::default().max_bytes)]
    pub max_bytes: u64,
    /// Print one JSON object per input instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Counts of what an ingest run did.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
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
    let mut pipeline = Pipeline::open(
        super::as_dyn(&store),
        settings.keyring()?,
        settings.pipeline_config()?,
    )
    .await?;
    let summary = ingest_paths(
        &mut pipeline,
        &args.paths,
        FileLimits {
            max_bytes: args.max_bytes,
        },
        args.json,
    )
    .await?;
    pipeline.refresh_heat().await?;
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
            settings.db.display(),
            stats.articles,
            stats.stories
        );
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Ingests every file under `paths`, reporting each; used by `ingest` and `demo`.
pub async fn ingest_paths(
    pipeline: &mut Pipeline,
    paths: &[PathBuf],
    limits: FileLimits,
    json: bool,
) -> anyhow::Result<Summary> {
    let (found, missing) = files::discover(paths);
    let mut summary = Summary::default();
    let progress = if found.len() >= 20 {
        let bar = ProgressBar::new(found.len() as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
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
    let keyring = pipeline.keyring().clone();
    // Files are read in batches; within a batch, articles enter the pipeline in publication
    // order (undated ones last, then by path), which is the order they were news in, not
    // the order a folder listing happens to give.
    for batch in found.chunks(BATCH_FILES) {
        let mut ready = Vec::with_capacity(batch.len());
        for path in batch {
            progress.set_message(short_name(path));
            let read = files::read_file(path, &limits)
                .map_err(|reason| reason.to_string())
                .and_then(|raw| intake::from_file(&raw, &keyring).map_err(|e| e.to_string()));
            match read {
                Ok(incoming) => ready.push((path.clone(), Ok(incoming))),
                Err(reason) => ready.push((path.clone(), Err(reason))),
            }
        }
        ready.sort_by(|(pa, a), (pb, b)| {
            let key = |r: &Result<intake::Incoming, String>| match r {
                Ok(i) => (
                    i.article.published_date_time.is_none(),
                    i.article.published_date_time,
                ),
                Err(_) => (false, None),
            };
            key(a).cmp(&key(b)).then_with(|| pa.cmp(pb))
        });
        for (path, read) in ready {
            let shown = path.display().to_string();
            let outcome = match read {
                Err(reason) => Outcome::Skipped(reason),
                Ok(incoming) => match pipeline.ingest(incoming).await {
                    Ok(outcome) => outcome,
                    Err(e) => Outcome::Skipped(format!("{e:#}")),
                },
            };
            report_outcome(&outcome, &shown, json, &mut summary, &report);
            progress.inc(1);
        }
    }
    progress.finish_and_clear();
    Ok(summary)
}

/// Files read ahead and ordered by publication time before they enter the pipeline.
const BATCH_FILES: usize = 2000;

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
        Outcome::Skipped(reason) => {
            summary.skipped += 1;
            tracing::warn!(path = %shown, %reason, "skipped");
            report(line(json, "skipped", &shown, reason, None, None));
        }
    }
}

fn short_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
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
