//! The index on disk (or in memory): its schema, opening and rebuilding it, and feeding it
//! from the store's search change log.
//!
//! The store is the source of truth. Every change that matters to search (an article
//! stored, edited, hidden or shown again, moved to another story, removed) puts the
//! article's `seq` in the store's change log under a new, larger change number; the index
//! reads the log from the last number it applied, re-reads those articles as they are now
//! and replaces their documents. The last applied number is written in the same tantivy
//! commit as the documents, so after a crash the index resumes from exactly what it holds.
//! The index holds only what the public sees (the store decides, see
//! `Store::index_docs`).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use storyline_store::{IndexDoc, Store};
use tantivy::directory::{Directory, INDEX_WRITER_LOCK, MmapDirectory};
use tantivy::indexer::LogMergePolicy;
use tantivy::schema::{
    FAST, Field, IndexRecordOption, NumericOptions, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::PreTokenizedString;
use tantivy::{
    Index, IndexReader, IndexSettings, IndexSortByField, IndexWriter, Order, ReloadPolicy,
    TantivyDocument, Term,
};

use crate::analysis::{Analyzer, article_language};
use crate::error::{SearchError, SearchResult};

/// Bumped whenever the schema or the analysis changes: an index written by another
/// version is rebuilt.
const FORMAT: u32 = 3;
/// Memory the writer may buffer before it writes a segment.
const WRITER_MEMORY: usize = 96 * 1024 * 1024;
/// Segments stop growing by merges at this many documents, so an archive is kept in
/// several segments of consecutive arrivals: a search ranks the newest segment first and
/// passes over older ones whose best possible score (recency included) cannot make the
/// page, and a date range skips segments outside it.
const SEGMENT_DOCS: usize = 100_000;
/// How long stopping a follower waits for the update in hand.
const STOP_WAIT: std::time::Duration = std::time::Duration::from_secs(5);
/// Changes applied per store read while catching up.
const CHANGE_BATCH: u32 = 1_000;
/// Articles read per store call while rebuilding.
const REBUILD_BATCH: u32 = 2_000;
/// A title counts as this many occurrences of its words: BM25 over one field, with the
/// title weighted most (excerpt and body count once).
const TITLE_REPEATS: usize = 3;
/// Body text indexed per article; a longer body's rest adds little to its ranking.
const BODY_CHARS: usize = 60_000;

/// The fields of a document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// Title (repeated), excerpt (unless the body starts with it) and body, analysed.
    pub text: Field,
    pub seq: Field,
    /// A hash of the story id (0: no story), for grouping without reading strings.
    pub story_key: Field,
    pub provider: Field,
    pub topic: Field,
    pub category: Field,
    /// The article's language as the index knows it (`eng`), empty when unknown.
    pub lang: Field,
    /// Publication time (Unix seconds), only for dated articles: the date filter.
    pub dated: Field,
    /// Publication time, else arrival time: what recency is judged by.
    pub fresh: Field,
}

pub(crate) const SEQ: &str = "seq";
pub(crate) const STORY_KEY: &str = "story_key";
pub(crate) const PROVIDER: &str = "provider";
pub(crate) const TOPIC: &str = "topic";
pub(crate) const LANG: &str = "lang";
pub(crate) const FRESH: &str = "fresh";
pub(crate) const DATED: &str = "dated";

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = b.add_text_field(
        "text",
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("raw")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions)
                .set_fieldnorms(true),
        ),
    );
    let seq = b.add_u64_field(SEQ, NumericOptions::default().set_indexed().set_fast());
    let story_key = b.add_u64_field(STORY_KEY, NumericOptions::default().set_fast());
    let provider = b.add_text_field(PROVIDER, STRING | FAST);
    let topic = b.add_text_field(TOPIC, STRING | FAST);
    let category = b.add_text_field("category", STRING);
    let lang = b.add_text_field(LANG, STRING | FAST);
    let dated = b.add_i64_field(DATED, NumericOptions::default().set_indexed().set_fast());
    let fresh = b.add_i64_field(FRESH, NumericOptions::default().set_fast());
    let fields = Fields {
        text,
        seq,
        story_key,
        provider,
        topic,
        category,
        lang,
        dated,
        fresh,
    };
    (b.build(), fields)
}

fn settings() -> IndexSettings {
    IndexSettings {
        // Newest first within a segment: the best of a segment is met early, so the bar a
        // document must pass rises fast.
        sort_by_field: Some(IndexSortByField {
            field: FRESH.to_string(),
            order: Order::Desc,
        }),
        ..IndexSettings::default()
    }
}

/// What the commit payload records.
#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    format: u32,
    /// The last change of the store's log the index holds.
    change: i64,
}

/// What a catch-up or rebuild did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    /// Articles read anew (stored, changed or removed).
    pub changes: u64,
    /// Of those, the ones the index holds now (visible).
    pub indexed: u64,
    /// The last change applied.
    pub change: i64,
}

pub(crate) struct Inner {
    pub reader: IndexReader,
    pub fields: Fields,
    /// `None` when another process holds the index's writer lock: this one only reads.
    writer: Mutex<Option<IndexWriter>>,
    /// The last change of the store's log committed to the index.
    applied: AtomicI64,
    /// One catch-up or rebuild at a time.
    feeding: tokio::sync::Mutex<()>,
    /// Which update may use the writer: each catch-up or rebuild takes a new number, and
    /// writer work issued under an older one is skipped. A dropped update (a search whose
    /// client went away) leaves its last writer step running on a blocking thread; without
    /// this it could land between a later update's steps (an add after its clearing).
    epoch: std::sync::atomic::AtomicU64,
    location: Option<PathBuf>,
    /// Fast fields and names of the segments searched.
    pub segments: crate::segments::SegmentCache,
}

/// The task that keeps an index up with its store ([`SearchIndex::follow`]).
pub struct Follower {
    wake: Arc<tokio::sync::Notify>,
    stopping: Arc<std::sync::atomic::AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl Follower {
    /// Stops following once the update in progress, if any, is done, waiting at most
    /// `STOP_WAIT` (a rebuild of a large archive is left to the next start, which resumes
    /// from the last commit; writer work of an abandoned update is skipped, see `epoch`).
    pub async fn stop(mut self) {
        self.stopping.store(true, Ordering::Release);
        self.wake.notify_one();
        match tokio::time::timeout(STOP_WAIT, &mut self.task).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "search index follower failed"),
            Err(_) => self.task.abort(),
        }
    }
}

/// A search index: cheap to clone, shared by every request of a process.
#[derive(Clone)]
pub struct SearchIndex {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("location", &self.inner.location)
            .field("applied", &self.applied())
            .finish()
    }
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it when missing. An index that cannot be read
    /// (damaged files, another format) is set aside and made anew, empty: it then fills
    /// from the store like a new one. When another process writes this index, this one
    /// opens it to read and follows that process's commits.
    pub fn open(dir: &Path) -> SearchResult<Self> {
        std::fs::create_dir_all(dir).map_err(|e| SearchError::io(dir, e))?;
        match Self::open_existing(dir) {
            Ok(Some(index)) => return Ok(index),
            Ok(None) => {}
            Err(e) if e.is_access() => return Err(e),
            Err(e) => {
                // Only an index no process writes is set aside: holding the writer lock
                // while clearing makes sure of it.
                let directory = MmapDirectory::open(dir)
                    .map_err(|e| SearchError::Index(tantivy::TantivyError::from(e)))?;
                let _lock = directory
                    .acquire_lock(&INDEX_WRITER_LOCK)
                    .map_err(|_| SearchError::Busy)?;
                tracing::warn!(dir = %dir.display(), error = %e, "search index unreadable; making it anew (it fills from the store)");
                clear_dir(dir)?;
            }
        }
        let (schema, fields) = schema();
        let index = Index::builder()
            .schema(schema)
            .settings(settings())
            .create_in_dir(dir)?;
        Self::assemble(index, fields, Some(dir.to_path_buf()), 0)
    }

    /// An index kept in memory (filled from the store when first used).
    pub fn in_memory() -> SearchResult<Self> {
        let (schema, fields) = schema();
        let index = Index::builder()
            .schema(schema)
            .settings(settings())
            .create_in_ram()?;
        Self::assemble(index, fields, None, 0)
    }

    /// The index in `dir` when it is one this version wrote; `None` when there is none.
    fn open_existing(dir: &Path) -> SearchResult<Option<Self>> {
        if !dir.join("meta.json").exists() {
            return Ok(None);
        }
        let index = Index::open_in_dir(dir)?;
        let (schema, fields) = schema();
        if index.schema() != schema {
            return Err(SearchError::Format("its fields differ".into()));
        }
        let metas = index.load_metas()?;
        let change = match metas.payload.as_deref() {
            None => 0,
            Some(text) => {
                let payload: Payload = serde_json::from_str(text)
                    .map_err(|e| SearchError::Format(format!("commit payload: {e}")))?;
                if payload.format != FORMAT {
                    return Err(SearchError::Format(format!(
                        "format {} (this version writes {FORMAT})",
                        payload.format
                    )));
                }
                payload.change
            }
        };
        Self::assemble(index, fields, Some(dir.to_path_buf()), change).map(Some)
    }

    fn assemble(
        index: Index,
        fields: Fields,
        location: Option<PathBuf>,
        change: i64,
    ) -> SearchResult<Self> {
        let writer = match index.writer_with_num_threads::<TantivyDocument>(1, WRITER_MEMORY) {
            Ok(writer) => {
                writer.set_merge_policy(merge_policy());
                Some(writer)
            }
            Err(tantivy::TantivyError::LockFailure(..)) => {
                tracing::info!("search index written by another process; reading it");
                None
            }
            Err(e) => return Err(e.into()),
        };
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()?;
        // Opening every segment now finds damaged files here, not in a search.
        let searcher = reader.searcher();
        for segment in searcher.segment_readers() {
            segment.fast_fields().u64(SEQ)?;
        }
        Ok(Self {
            inner: Arc::new(Inner {
                reader,
                fields,
                writer: Mutex::new(writer),
                applied: AtomicI64::new(change),
                feeding: tokio::sync::Mutex::new(()),
                epoch: std::sync::atomic::AtomicU64::new(0),
                location,
                segments: Default::default(),
            }),
        })
    }

    /// Where the index lives (`None`: in memory).
    pub fn location(&self) -> Option<&Path> {
        self.inner.location.as_deref()
    }

    /// The last change of the store's log the index holds.
    pub fn applied(&self) -> i64 {
        self.inner.applied.load(Ordering::Acquire)
    }

    /// Whether this process writes the index (else another does, and this one follows).
    pub fn writable(&self) -> bool {
        self.inner
            .writer
            .lock()
            .map(|w| w.is_some())
            .unwrap_or(false)
    }

    /// Documents in the index.
    pub fn docs(&self) -> u64 {
        self.inner.reader.searcher().num_docs()
    }

    /// Bytes the index's files take on disk (0 in memory).
    pub fn size_on_disk(&self) -> u64 {
        let Some(dir) = &self.inner.location else {
            return 0;
        };
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .filter_map(|e| e.metadata().ok())
                    .filter(|m| m.is_file())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    }

    /// Brings the index up to the store's last change. Filled from scratch (see
    /// [`SearchIndex::rebuild`]) when it holds nothing yet. A process that does not write
    /// the index only picks up the writer's latest commit.
    pub async fn catch_up(&self, store: &dyn Store) -> SearchResult<Applied> {
        if !self.writable() {
            self.inner.reader.reload()?;
            return Ok(Applied {
                change: self.applied(),
                ..Applied::default()
            });
        }
        let _feeding = self.inner.feeding.lock().await;
        if self.applied() == 0 && store.last_search_change().await? > 0 {
            return self.rebuild_locked(store, &|_, _| {}).await;
        }
        let epoch = self.inner.next_epoch();
        let mut applied = Applied {
            change: self.applied(),
            ..Applied::default()
        };
        loop {
            let changes = store.search_changes(applied.change, CHANGE_BATCH).await?;
            let Some(last) = changes.last().map(|c| c.change) else {
                break;
            };
            let seqs: Vec<i64> = changes.iter().map(|c| c.seq).collect();
            let docs = store.index_docs(&seqs).await?;
            applied.changes += seqs.len() as u64;
            applied.indexed += docs.len() as u64;
            applied.change = last;
            let inner = self.inner.clone();
            run_blocking(move || inner.replace(epoch, &seqs, docs)).await?;
        }
        if applied.changes > 0 {
            let inner = self.inner.clone();
            let change = applied.change;
            run_blocking(move || inner.commit(epoch, change)).await?;
        }
        Ok(applied)
    }

    /// Replaces the documents of `seqs` by `docs` (those of them to be found) and commits,
    /// recording `change` as the last change applied: one step of [`SearchIndex::catch_up`],
    /// for callers that hold the documents already.
    pub fn apply(&self, seqs: &[i64], docs: Vec<IndexDoc>, change: i64) -> SearchResult<()> {
        let epoch = self.inner.next_epoch();
        self.inner.replace(epoch, seqs, docs)?;
        self.inner.commit(epoch, change)
    }

    /// Every article `seq` the index holds, ascending.
    pub fn seqs(&self) -> SearchResult<Vec<i64>> {
        let searcher = self.inner.reader.searcher();
        let mut out = Vec::with_capacity(searcher.num_docs() as usize);
        for segment in searcher.segment_readers() {
            let column = segment.fast_fields().u64(SEQ)?;
            for doc in segment.doc_ids_alive() {
                if let Some(seq) = column.first(doc) {
                    out.push(seq as i64);
                }
            }
        }
        out.sort_unstable();
        Ok(out)
    }

    /// Keeps the index up with `store`, looking every `every`, until [`Follower::stop`]:
    /// fills it when it is new (searches meanwhile read what is in), then applies the
    /// store's changes as they come, whichever process makes them. Failures are logged
    /// once and retried.
    pub fn follow(&self, store: Arc<dyn Store>, every: std::time::Duration) -> Follower {
        let index = self.clone();
        let wake = Arc::new(tokio::sync::Notify::new());
        let stopping = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (wake_task, stopping_task) = (Arc::clone(&wake), Arc::clone(&stopping));
        let task = tokio::spawn(async move {
            let mut failing = false;
            while !stopping_task.load(Ordering::Acquire) {
                let result = match index.behind(store.as_ref()).await {
                    Ok(true) => index.catch_up(store.as_ref()).await.map(Some),
                    Ok(false) => Ok(None),
                    Err(e) => Err(e),
                };
                match result {
                    Ok(applied) => {
                        failing = false;
                        if let Some(applied) = applied.filter(|a| a.changes > 0) {
                            tracing::debug!(
                                changes = applied.changes,
                                indexed = applied.indexed,
                                "search index updated"
                            );
                        }
                    }
                    Err(e) if !failing => {
                        failing = true;
                        tracing::warn!(error = %e, "search index update failed; retrying");
                    }
                    Err(_) => {}
                }
                tokio::select! {
                    () = tokio::time::sleep(every) => {}
                    () = wake_task.notified() => {}
                }
            }
        });
        Follower {
            wake,
            stopping,
            task,
        }
    }

    /// Whether the store holds changes the index has not applied (one small store read).
    pub async fn behind(&self, store: &dyn Store) -> SearchResult<bool> {
        Ok(store.last_search_change().await? > self.applied())
    }

    /// Empties the index and fills it again from every article of the store, then applies
    /// the changes made meanwhile. `progress` is told the last `seq` read and the largest
    /// (for a progress bar). Searches go on meanwhile and see the old contents until the
    /// new ones are committed.
    pub async fn rebuild(
        &self,
        store: &dyn Store,
        progress: &(dyn Fn(i64, i64) + Sync),
    ) -> SearchResult<Applied> {
        if !self.writable() {
            return Err(SearchError::Busy);
        }
        let _feeding = self.inner.feeding.lock().await;
        self.rebuild_locked(store, progress).await
    }

    async fn rebuild_locked(
        &self,
        store: &dyn Store,
        progress: &(dyn Fn(i64, i64) + Sync),
    ) -> SearchResult<Applied> {
        // Changes after this one are applied once the rebuild is in: reading an article
        // twice is harmless, missing one is not.
        let start = store.last_search_change().await?;
        let last_seq = store.last_seq().await?;
        let epoch = self.inner.next_epoch();
        {
            let inner = self.inner.clone();
            // Work a dropped update left uncommitted in the writer is discarded first, so
            // the archive is added once onto an empty index.
            run_blocking(move || {
                inner.with_writer(epoch, |w| {
                    w.rollback()?;
                    w.set_merge_policy(merge_policy());
                    w.delete_all_documents().map(|_| ())
                })
            })
            .await?;
        }
        let mut applied = Applied::default();
        let mut after = 0;
        loop {
            let (docs, scanned) = store.index_docs_after(after, REBUILD_BATCH).await?;
            let Some(scanned) = scanned else { break };
            applied.indexed += docs.len() as u64;
            applied.changes += docs.len() as u64;
            after = scanned;
            let inner = self.inner.clone();
            run_blocking(move || inner.add(epoch, docs)).await?;
            progress(after, last_seq.max(after));
        }
        let inner = self.inner.clone();
        run_blocking(move || inner.commit(epoch, start)).await?;
        applied.change = start;
        // What changed while the archive was read.
        let mut rest = Applied {
            change: start,
            ..Applied::default()
        };
        loop {
            let changes = store.search_changes(rest.change, CHANGE_BATCH).await?;
            let Some(last) = changes.last().map(|c| c.change) else {
                break;
            };
            let seqs: Vec<i64> = changes.iter().map(|c| c.seq).collect();
            let docs = store.index_docs(&seqs).await?;
            rest.changes += seqs.len() as u64;
            rest.change = last;
            let inner = self.inner.clone();
            run_blocking(move || inner.replace(epoch, &seqs, docs)).await?;
        }
        if rest.changes > 0 {
            let inner = self.inner.clone();
            let change = rest.change;
            run_blocking(move || inner.commit(epoch, change)).await?;
            applied.change = rest.change;
        }
        Ok(applied)
    }
}

impl Inner {
    /// A new update's number (see `epoch`).
    fn next_epoch(&self) -> u64 {
        self.epoch.fetch_add(1, Ordering::AcqRel) + 1
    }

    /// Runs `f` with the writer for the update numbered `epoch`; `None` when a newer update
    /// has started (the work is then skipped).
    fn with_writer<T>(
        &self,
        epoch: u64,
        f: impl FnOnce(&mut IndexWriter) -> tantivy::Result<T>,
    ) -> SearchResult<Option<T>> {
        let mut guard = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        let writer = guard.as_mut().ok_or(SearchError::Busy)?;
        if self.epoch.load(Ordering::Acquire) != epoch {
            return Ok(None);
        }
        Ok(Some(f(writer)?))
    }

    /// Replaces the documents of `seqs` by `docs` (the ones of them still visible).
    fn replace(&self, epoch: u64, seqs: &[i64], docs: Vec<IndexDoc>) -> SearchResult<()> {
        let built: Vec<TantivyDocument> = docs.iter().map(|d| self.document(d)).collect();
        self.with_writer(epoch, |w| {
            for &seq in seqs {
                w.delete_term(Term::from_field_u64(self.fields.seq, seq as u64));
            }
            for doc in built {
                w.add_document(doc)?;
            }
            Ok(())
        })
        .map(|_| ())
    }

    fn add(&self, epoch: u64, docs: Vec<IndexDoc>) -> SearchResult<()> {
        let built: Vec<TantivyDocument> = docs.iter().map(|d| self.document(d)).collect();
        self.with_writer(epoch, |w| {
            for doc in built {
                w.add_document(doc)?;
            }
            Ok(())
        })
        .map(|_| ())
    }

    fn commit(&self, epoch: u64, change: i64) -> SearchResult<()> {
        let payload = serde_json::to_string(&Payload {
            format: FORMAT,
            change,
        })
        .map_err(|e| SearchError::Format(e.to_string()))?;
        let committed = self.with_writer(epoch, |w| {
            let mut prepared = w.prepare_commit()?;
            prepared.set_payload(&payload);
            prepared.commit()
        })?;
        if committed.is_some() {
            self.applied.store(change, Ordering::Release);
            self.reader.reload()?;
        }
        Ok(())
    }

    /// An article as an index document.
    fn document(&self, doc: &IndexDoc) -> TantivyDocument {
        let f = &self.fields;
        let lang = article_language(doc.language.as_deref());
        let analyzer = Analyzer::new(lang);
        let mut tokens = Vec::new();
        // A position is skipped between parts, so no phrase matches across two.
        let mut position = 0;
        for _ in 0..TITLE_REPEATS {
            position = analyzer.tokens(&doc.title, position, &mut tokens) + 1;
        }
        if !starts_alike(&doc.body, &doc.excerpt) {
            position = analyzer.tokens(&doc.excerpt, position, &mut tokens) + 1;
        }
        let body_end = doc
            .body
            .char_indices()
            .nth(BODY_CHARS)
            .map_or(doc.body.len(), |(i, _)| i);
        analyzer.tokens(&doc.body[..body_end], position, &mut tokens);

        let mut out = TantivyDocument::default();
        out.add_pre_tokenized_text(
            f.text,
            PreTokenizedString {
                text: String::new(),
                tokens,
            },
        );
        out.add_u64(f.seq, doc.seq.max(0) as u64);
        out.add_u64(f.story_key, doc.story_id.as_deref().map_or(0, story_key));
        out.add_text(f.provider, &doc.provider_domain);
        for topic in &doc.topics {
            out.add_text(f.topic, topic);
        }
        out.add_text(f.category, &doc.category);
        out.add_text(f.lang, lang.map_or("", |l| l.code()));
        if let Some(at) = doc.published_at {
            out.add_i64(f.dated, at.timestamp());
        }
        out.add_i64(
            f.fresh,
            doc.published_at.unwrap_or(doc.ingested_at).timestamp(),
        );
        out
    }
}

/// Merges stop at `SEGMENT_DOCS` documents (see there).
fn merge_policy() -> Box<LogMergePolicy> {
    let mut policy = LogMergePolicy::default();
    policy.set_max_docs_before_merge(SEGMENT_DOCS);
    Box::new(policy)
}

/// The grouping key of a story id (never 0, which stands for no story).
pub(crate) fn story_key(id: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(id.as_bytes()).max(1)
}

/// Whether `body` begins with the text of `excerpt` (spacing aside): an excerpt cut from
/// the body is not indexed twice.
fn starts_alike(body: &str, excerpt: &str) -> bool {
    let mut b = body.split_whitespace().flat_map(str::chars);
    let excerpt = excerpt.trim_end_matches(['…', '.', ' ']);
    excerpt
        .split_whitespace()
        .flat_map(str::chars)
        .all(|c| b.next() == Some(c))
}

/// Removes what is in `dir` (an unreadable index), keeping the folder and the writer's lock
/// file (held by the caller).
fn clear_dir(dir: &Path) -> SearchResult<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| SearchError::io(dir, e))? {
        let path = entry.map_err(|e| SearchError::io(dir, e))?.path();
        if path.file_name() == Some(INDEX_WRITER_LOCK.filepath.as_os_str()) {
            continue;
        }
        let removed = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.map_err(|e| SearchError::io(&path, e))?;
    }
    Ok(())
}

async fn run_blocking<T: Send + 'static>(
    f: impl FnOnce() -> SearchResult<T> + Send + 'static,
) -> SearchResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| SearchError::Task(e.to_string()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_excerpt_cut_from_the_body_is_recognised() {
        assert!(starts_alike(
            "Alibaba led the round.  More text",
            "Alibaba led the round…"
        ));
        assert!(starts_alike("Alibaba  led\nthe round.", "Alibaba led"));
        assert!(!starts_alike(
            "Alibaba led the round.",
            "A summary written apart"
        ));
    }
}

#[cfg(test)]
mod reopen_tests {
    use super::*;

    #[test]
    fn a_written_index_reopens_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let index = SearchIndex::open(dir.path()).unwrap();
        let epoch = index.inner.next_epoch();
        index.inner.commit(epoch, 7).unwrap();
        drop(index);
        let again = SearchIndex::open_existing(dir.path());
        assert!(matches!(again, Ok(Some(_))), "{again:?}");
        assert_eq!(again.unwrap().unwrap().applied(), 7);
    }
}

#[cfg(test)]
mod second_opener_tests {
    use super::*;

    #[test]
    fn a_second_opener_reads() {
        let dir = tempfile::tempdir().unwrap();
        let index = SearchIndex::open(dir.path()).unwrap();
        let doc = IndexDoc {
            seq: 1,
            id: "a".into(),
            story_id: None,
            title: "Title words".into(),
            excerpt: String::new(),
            body: "Body words".into(),
            provider_domain: "a.example".into(),
            topics: vec![],
            category: "news".into(),
            language: None,
            published_at: None,
            ingested_at: chrono::Utc::now(),
        };
        index
            .inner
            .with_writer(index.inner.next_epoch(), |w| {
                w.delete_all_documents().map(|_| ())
            })
            .unwrap();
        index.apply(&[1], vec![doc], 7).unwrap();
        assert_eq!(index.docs(), 1);
        let again = SearchIndex::open_existing(dir.path());
        eprintln!("{again:?}");
        let again = again.unwrap().unwrap();
        assert!(!again.writable());
        assert_eq!(again.docs(), 1);
    }
}

#[cfg(test)]
mod order_tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};

    /// Searches stop reading a segment early because its documents come newest first.
    #[test]
    fn segments_hold_their_documents_newest_first() {
        let index = SearchIndex::in_memory().unwrap();
        let start = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
        let mut seq = 0;
        for round in 0..4 {
            let docs: Vec<IndexDoc> = (0..300)
                .map(|i| {
                    seq += 1;
                    IndexDoc {
                        seq,
                        id: format!("a{seq}"),
                        story_id: None,
                        title: "Words".into(),
                        excerpt: String::new(),
                        body: "More words".into(),
                        provider_domain: "a.example".into(),
                        topics: vec![],
                        category: "news".into(),
                        language: None,
                        published_at: (i % 5 != 0)
                            .then(|| start + Duration::minutes((i * 7919 + round * 13) % 100_000)),
                        ingested_at: start + Duration::minutes(i),
                    }
                })
                .collect();
            let seqs: Vec<i64> = docs.iter().map(|d| d.seq).collect();
            index.apply(&seqs, docs, seq).unwrap();
        }
        let searcher = index.inner.reader.searcher();
        assert!(searcher.segment_readers().len() > 1);
        for segment in searcher.segment_readers() {
            let fresh = segment.fast_fields().i64(FRESH).unwrap();
            let values: Vec<i64> = (0..segment.max_doc())
                .map(|d| fresh.first(d).unwrap())
                .collect();
            assert!(values.windows(2).all(|w| w[0] >= w[1]), "{values:?}");
        }
    }
}

#[cfg(test)]
mod language_names_tests {
    use super::*;

    /// A search reads which analyses are present from the `lang` column's names, an
    /// article that declares no language included (the empty name).
    #[test]
    fn the_language_column_names_every_analysis_present() {
        let index = SearchIndex::in_memory().unwrap();
        let doc = |seq: i64, language: Option<&str>| IndexDoc {
            seq,
            id: format!("a{seq}"),
            story_id: None,
            title: "Words".into(),
            excerpt: String::new(),
            body: "More words".into(),
            provider_domain: "a.example".into(),
            topics: vec![],
            category: "news".into(),
            language: language.map(str::to_string),
            published_at: None,
            ingested_at: chrono::Utc::now(),
        };
        index
            .apply(
                &[1, 2, 3],
                vec![doc(1, Some("en")), doc(2, None), doc(3, Some("de"))],
                3,
            )
            .unwrap();
        let searcher = index.inner.reader.searcher();
        let mut names: Vec<String> = Vec::new();
        for segment in searcher.segment_readers() {
            names.extend(
                index
                    .inner
                    .segments
                    .get(segment)
                    .unwrap()
                    .lang
                    .all()
                    .iter()
                    .cloned(),
            );
        }
        names.sort();
        assert_eq!(names, ["", "deu", "eng"]);
    }
}
