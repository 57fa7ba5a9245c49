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
    let keyring = pipeline_keyring(pipeline);
    for path in found {
        let shown = path.display().to_string();
        progress.set_message(short_name(&path));
        let outcome = match files::read_file(&path, &limits) {
            Err(reason) => Outcome::Skipped(reason.to_string()),
            Ok(raw) => match intake::from_file(&raw, &keyring) {
                Err(e) => Outcome::Skipped(e.to_string()),
                Ok(incoming) => match pipeline.ingest(incoming).await {
                    Ok(outcome) => outcome,
                    Err(e) => Outcome::Skipped(format!("{e:#}")),
                },
            },
        };
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
        progress.inc(1);
    }
    progress.finish_and_clear();
    Ok(summary)
}

fn pipeline_keyring(pipeline: &Pipeline) -> storyline_model::Keyring {
    pipeline.keyring().clone()
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
