//! Files and folders into the store through the same stages as a fetch round: files are read
//! and extracted on the CPU pool, and one writer takes them through the [`Pipeline`].
//!
//! Files go in batches of [`BATCH_FILES`]. Within a batch, articles enter the pipeline in
//! publication order (undated ones last, then by path): the order they were news in, not
//! the order a folder listing happens to give. The next batch is read and extracted while
//! the writer commits this one, and the order never depends on how many threads did the
//! reading, so the stories are the same on one core or many.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use storyline_ingest::files::{self, FileLimits};
use storyline_model::Keyring;
use tokio::sync::mpsc;

use crate::conductor::{Outcome, Pipeline};
use crate::cpu::CpuPool;
use crate::intake::{self, Incoming};
use crate::round::Stop;
use crate::{PipelineError, Result};

/// Files read ahead and ordered by publication time before they enter the pipeline.
pub const BATCH_FILES: usize = 256;

/// One file read and turned into an article (or the reason it could not be).
type Read = (PathBuf, std::result::Result<Incoming, String>);

/// Ingests `paths` (files in the order given), reporting each file's outcome to `report`.
/// Returns the number of files left unread by a stop.
pub async fn ingest_files(
    pipeline: &mut Pipeline,
    pool: Arc<CpuPool>,
    paths: Vec<PathBuf>,
    limits: FileLimits,
    stop: &Stop,
    mut report: impl FnMut(&Path, &Outcome),
) -> Result<usize> {
    let total = paths.len();
    let keyring = pipeline.keyring().clone();
    // One batch being written, one waiting, one being read: memory stays bounded.
    let (tx, mut rx) = mpsc::channel::<Vec<Read>>(1);
    let reader = tokio::spawn(read_batches(pool, paths, limits, keyring, tx));
    let mut done = 0usize;
    'batches: while let Some(batch) = rx.recv().await {
        for (path, read) in batch {
            if stop.is_stopped() {
                break 'batches;
            }
            let outcome = match read {
                Err(reason) => Outcome::Skipped(reason),
                Ok(incoming) => pipeline.ingest(incoming).await?,
            };
            report(&path, &outcome);
            done += 1;
        }
    }
    drop(rx);
    match reader.await {
        Ok(Ok(())) => {}
        Ok(Err(e)) if stop.is_stopped() => tracing::debug!(error = %e, "reader stopped"),
        Ok(Err(e)) => return Err(e),
        Err(e) => return Err(PipelineError::Stage(format!("the file reader failed: {e}"))),
    }
    Ok(total - done)
}

/// Reads and extracts each batch on the pool, orders it, and hands it on.
async fn read_batches(
    pool: Arc<CpuPool>,
    paths: Vec<PathBuf>,
    limits: FileLimits,
    keyring: Keyring,
    tx: mpsc::Sender<Vec<Read>>,
) -> Result<()> {
    for chunk in paths.chunks(BATCH_FILES) {
        let reads = chunk.iter().map(|path| {
            let (path, keyring, pool) = (path.clone(), keyring.clone(), pool.clone());
            async move {
                let shown = path.clone();
                let read = pool
                    .run(move || read_one(&path, &limits, &keyring))
                    .await
                    .unwrap_or_else(|e| Err(e.to_string()));
                (shown, read)
            }
        });
        let mut batch: Vec<Read> = futures::future::join_all(reads).await;
        order(&mut batch);
        if tx.send(batch).await.is_err() {
            return Err(PipelineError::Stage("the writer stopped".into()));
        }
    }
    Ok(())
}

fn read_one(
    path: &Path,
    limits: &FileLimits,
    keyring: &Keyring,
) -> std::result::Result<Incoming, String> {
    files::read_file(path, limits)
        .map_err(|reason| reason.to_string())
        .and_then(|raw| intake::from_file(&raw, keyring).map_err(|e| e.to_string()))
}

/// Publication order, undated last, then by path; unreadable files keep their place among
/// the undated by path.
fn order(batch: &mut [Read]) {
    batch.sort_by(|(pa, a), (pb, b)| {
        let key = |r: &std::result::Result<Incoming, String>| match r {
            Ok(i) => (
                i.article.published_date_time.is_none(),
                i.article.published_date_time,
            ),
            Err(_) => (false, None),
        };
        key(a).cmp(&key(b)).then_with(|| pa.cmp(pb))
    });
}
