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
use storyline_model::{Keyring, Provider};
use tokio::sync::mpsc;

use crate::conductor::{Outcome, Pipeline, Preparer};
use crate::cpu::CpuPool;
use crate::intake::{self, Incoming};
use crate::round::Stop;
use crate::{PipelineError, Result};

/// Files read ahead and ordered by publication time before they enter the pipeline.
pub const BATCH_FILES: usize = 256;

/// How files are read.
#[derive(Debug, Clone, Default)]
pub struct FileOptions {
    /// Size limits.
    pub limits: FileLimits,
    /// The outlet of files that name none (plain text without a footer, a page without a site
    /// name or address): what `ingest --provider` says.
    pub provider: Option<Provider>,
}

/// One file read and turned into an article (or the reason it could not be).
type Read = (PathBuf, std::result::Result<Incoming, String>);

/// Ingests `paths` (files in the order given), reporting each file's outcome to `report`.
/// Returns the number of files left unread by a stop.
pub async fn ingest_files(
    pipeline: &mut Pipeline,
    pool: Arc<CpuPool>,
    paths: Vec<PathBuf>,
    options: FileOptions,
    stop: &Stop,
    mut report: impl FnMut(&Path, &Outcome),
) -> Result<usize> {
    let total = paths.len();
    let keyring = pipeline.keyring().clone();
    let preparer = pipeline.preparer();
    // One batch being written, one waiting, one being read: memory stays bounded.
    let (tx, mut rx) = mpsc::channel::<Vec<Read>>(2);
    let reader = tokio::spawn(read_batches(pool, paths, options, keyring, preparer, tx));
    let mut done = 0usize;
    let started = std::time::Instant::now();
    let mut writing = std::time::Duration::ZERO;
    'batches: while let Some(batch) = rx.recv().await {
        for (path, read) in batch {
            if stop.is_stopped() {
                break 'batches;
            }
            let at = std::time::Instant::now();
            let outcome = match read {
                Err(reason) => Outcome::Skipped(reason),
                Ok(incoming) => pipeline.ingest(incoming).await?,
            };
            writing += at.elapsed();
            report(&path, &outcome);
            done += 1;
        }
    }
    tracing::info!(
        files = done,
        elapsed_ms = started.elapsed().as_millis() as u64,
        writer_busy_ms = writing.as_millis() as u64,
        "files ingested"
    );
    drop(rx);
    match reader.await {
        Ok(Ok(())) => {}
        Ok(Err(e)) if stop.is_stopped() => tracing::debug!(error = %e, "reader stopped"),
        Ok(Err(e)) => return Err(e),
        Err(e) => return Err(PipelineError::Stage(format!("the file reader failed: {e}"))),
    }
    Ok(total - done)
}

/// Reads and extracts files on the pool, several at a time and without waiting at batch
/// ends (a batch's slowest page does not idle the other threads), then hands each batch on,
/// complete and ordered, in input order. At most [`BATCHES_AHEAD`] batches are read ahead
/// of the oldest incomplete one, so memory stays bounded.
async fn read_batches(
    pool: Arc<CpuPool>,
    paths: Vec<PathBuf>,
    options: FileOptions,
    keyring: Keyring,
    preparer: Preparer,
    tx: mpsc::Sender<Vec<Read>>,
) -> Result<()> {
    use futures::stream::{FuturesUnordered, StreamExt};

    let batches = paths.len().div_ceil(BATCH_FILES);
    let mut slots: Vec<Option<Read>> = (0..paths.len()).map(|_| None).collect();
    let mut filled = vec![0usize; batches];
    let mut next_file = 0usize;
    let mut next_batch = 0usize;
    let mut running = FuturesUnordered::new();
    let in_flight = pool.threads() * 4;
    while next_batch < batches {
        while running.len() < in_flight
            && next_file < paths.len()
            && next_file / BATCH_FILES < next_batch + BATCHES_AHEAD
        {
            let index = next_file;
            let (path, keyring, pool) = (paths[index].clone(), keyring.clone(), pool.clone());
            let options = options.clone();
            let preparer = preparer.clone();
            running.push(async move {
                let shown = path.clone();
                let read = pool
                    .run(move || {
                        read_one(&path, &options, &keyring).map(|mut incoming| {
                            preparer.prepare(&mut incoming);
                            incoming
                        })
                    })
                    .await
                    .unwrap_or_else(|e| Err(e.to_string()));
                (index, (shown, read))
            });
            next_file += 1;
        }
        let Some((index, read)) = running.next().await else {
            break;
        };
        slots[index] = Some(read);
        filled[index / BATCH_FILES] += 1;
        while next_batch < batches {
            let start = next_batch * BATCH_FILES;
            let end = (start + BATCH_FILES).min(paths.len());
            if filled[next_batch] < end - start {
                break;
            }
            let mut batch: Vec<Read> = slots[start..end]
                .iter_mut()
                .filter_map(Option::take)
                .collect();
            order(&mut batch);
            if tx.send(batch).await.is_err() {
                return Err(PipelineError::Stage("the writer stopped".into()));
            }
            next_batch += 1;
        }
    }
    Ok(())
}

/// Batches read ahead of the oldest one not yet complete.
const BATCHES_AHEAD: usize = 3;

fn read_one(
    path: &Path,
    options: &FileOptions,
    keyring: &Keyring,
) -> std::result::Result<Incoming, String> {
    let mut incoming = files::read_file(path, &options.limits)
        .map_err(|reason| reason.to_string())
        .and_then(|raw| intake::from_file(&raw, keyring).map_err(|e| e.to_string()))?;
    if let Some(provider) = &options.provider {
        intake::name_unknown_provider(&mut incoming, provider);
    }
    Ok(incoming)
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
