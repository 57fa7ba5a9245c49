//! `storyline export DIR`: one record per article in the seed format. `related` lists the
//! other coverage of the article's story; `heat` is the story's; the private part is sealed
//! into `secured`. An article that came from a record is written over that record, so
//! fields storyline does not know survive.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use storyline_model::{Coverage, Keyring, Provenance, Record};
use storyline_store::{ArticleRow, Store};

use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder to write the records into (created when missing).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

pub async fn run(args: Args, settings: &Settings) -> anyhow::Result<ExitCode> {
    let store = super::open_existing_store(settings).await?;
    let keyring = settings.keyring()?;
    let written = export(store.as_ref(), &keyring, &args.dir).await?;
    println!("exported {written} records to {}", args.dir.display());
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Writes every stored article; returns how many.
pub async fn export(store: &dyn Store, keyring: &Keyring, dir: &Path) -> anyhow::Result<usize> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut after = 0;
    let mut index = 0usize;
    loop {
        let rows = store.articles_after(after, 500).await?;
        let Some(last) = rows.last() else { break };
        after = last.seq;
        for row in &rows {
            let text = record_text(store, keyring, row).await?;
            let path = dir.join(format!("{index:03}_{}.txt", row.article.id));
            std::fs::write(&path, text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            index += 1;
        }
    }
    Ok(index)
}

/// The record of one stored article.
pub async fn record_text(
    store: &dyn Store,
    keyring: &Keyring,
    row: &ArticleRow,
) -> anyhow::Result<String> {
    let mut article = row.article.clone();
    let mut related: Vec<Coverage> = Vec::new();
    if let Some(story_id) = &row.story_id {
        if let Some(story) = store.story(story_id).await? {
            article.heat = story.heat;
        }
        for other in store.story_articles(story_id).await? {
            if other.article.id != article.id {
                related.push(coverage_of(&other));
            }
        }
    }
    match &row.secured {
        Some(sealed) => match keyring.open(sealed, &article.id) {
            Ok(provenance) => article.provenance = provenance,
            Err(_) => {
                article.provenance = Provenance::default();
                article.secured_verbatim = Some(sealed.clone());
            }
        },
        None => article.provenance = Provenance::default(),
    }
    let source = store.article_source_record(&article.id).await?;
    let record = match source.and_then(|text| Record::parse(&text, &article.id).ok()) {
        Some(mut record) => {
            // Coverage the record itself listed (and we never ingested) stays listed.
            for listed in record.related() {
                if !related.iter().any(|c| c.web_url == listed.web_url) {
                    related.push(listed);
                }
            }
            record.apply_article(&article, &related, Some(keyring))?;
            record
        }
        None => Record::from_article(&article, &related, Some(keyring))?,
    };
    Ok(record.to_text())
}

fn coverage_of(row: &ArticleRow) -> Coverage {
    let a = &row.article;
    Coverage {
        title: a.title.clone(),
        excerpt: a.excerpt.clone(),
        published_date_time: a.published_date_time,
        web_url: a
            .web_url
            .clone()
            .or_else(|| a.original_url.clone())
            .unwrap_or_default(),
        kind: a.kind.clone(),
        provider: a.provider.clone(),
        quality: a.quality,
        images: a.images.clone(),
    }
}
