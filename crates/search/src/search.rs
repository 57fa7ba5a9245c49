//! Ranking, filtering and grouping a search.
//!
//! **Score.** BM25 over the article's analysed text (title counted three times, excerpt,
//! body), times a recency factor: 1 for the newest article of the index, halving its
//! distance to a floor every `HALF_LIFE_DAYS`, so this week's coverage outranks an older
//! match of the same strength while a much better old match still shows.
//!
//! **Pruning.** Segments hold consecutive arrivals, newest first within, and are ranked
//! newest first. A query of words (phrases, exclusions and common filters checked per
//! candidate) runs as its words' block-max intersection: tantivy skips blocks of postings
//! whose best BM25 cannot pass a bar, the page's weakest score so far over the recency left
//! in the segment, so older documents must be ever stronger to be read. A segment, or the
//! rest of one, that cannot beat the page even with the best BM25 the query allows is left.
//!
//! **Grouping.** A window of the best matches (several per story wanted) is ranked and
//! folded into one hit per story, the story's best article, with how many other matches of
//! the story the window holds; facets count the same window.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::ops::Bound;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;
use storyline_store::{ArticleRow, Store};
use tantivy::index::SegmentId;
use tantivy::query::{
    Bm25Weight, BooleanQuery, ConstScoreQuery, EnableScoring, Occur, PhraseQuery, Query,
    RangeQuery, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocSet, Searcher, TERMINATED, Term};

use crate::analysis::Analyzer;
use crate::error::SearchResult;
use crate::index::{Inner, SearchIndex};
use crate::query::{Phrase, UserQuery};
use crate::segments::SegmentData;
use crate::snippet;

/// Recency never scales a score below this share.
const RECENCY_FLOOR: f32 = 0.35;
/// Days over which the part of the score recency can take away halves.
const HALF_LIFE_DAYS: f32 = 10.0;
/// Matches ranked per story wanted on a grouped page (a story's coverage often matches
/// alike), and at most this many in all.
const GROUP_WINDOW_PER_STORY: u32 = 8;
const MIN_GROUP_WINDOW: u32 = 200;
const MAX_WINDOW: u32 = 2_000;
/// Start of the body read for snippets.
const SNIPPET_BODY_CHARS: u32 = 1_000;
/// A filter held by fewer than this share of documents drives the search itself.
const DENSE_FILTER: f64 = 0.02;
/// Facet values returned per kind.
const FACET_VALUES: usize = 10;
/// A search waits for the index to apply at most this many pending changes; a larger
/// backlog is applied by the background feeder while searches read the index as it is.
const KEEP_UP_CHANGES: i64 = 2_000;

/// A search.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    /// Words, `"quoted phrases"`, `a OR b`, `-excluded` (see [`UserQuery`]).
    pub text: String,
    pub topic: Option<String>,
    /// A provider's domain.
    pub provider: Option<String>,
    /// Publication time range, both ends inclusive (undated articles are left out).
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub category: Option<String>,
    /// An ISO 639 code (`en`, `deu`).
    pub language: Option<String>,
    /// One hit per story (its best article); `offset` and `limit` then count stories.
    pub grouped: bool,
    pub limit: u32,
    pub offset: u32,
}

/// One result.
#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    /// The article as stored now (listing columns; `body` is the start read for the snippet).
    pub article: ArticleRow,
    /// Text around the matches, matched words between `[` and `]`.
    pub snippet: String,
    /// Relevance (BM25 times recency): higher is better.
    pub score: f64,
    /// The article has no story, or its story is stored and not merged into another.
    pub story_live: bool,
    /// The article has no story, or its story's editorial flag is set.
    pub story_published: bool,
    /// What the public sees, as the store says now.
    pub visible: bool,
    /// Grouped results: other matching articles of the same story.
    pub more_in_story: u32,
}

/// Counts per topic and provider among the best matches of a search.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facets {
    pub topics: Vec<(String, u32)>,
    /// Provider domains.
    pub providers: Vec<(String, u32)>,
    /// How many of the best matches were counted.
    pub counted: u32,
    /// Whether those were all the matches.
    pub complete: bool,
}

/// A page of results and the facets of the whole search.
#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    pub facets: Facets,
}

/// A match as the index ranks it.
#[derive(Debug, Clone)]
struct Ranked {
    seq: i64,
    score: f32,
    lang: String,
    /// Grouped: the other matches of its story among the ranked window.
    more: u32,
}

/// A ranked page with its facets and the words wanted per analysis (for snippets).
struct RankedPage {
    page: Vec<Ranked>,
    facets: Facets,
    wanted: WantedTerms,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    score: f32,
    address: DocAddress,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    /// Better first is greater: higher score, then the newer segment and document.
    fn cmp(&self, other: &Self) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then_with(|| other.address.segment_ord.cmp(&self.address.segment_ord))
            .then_with(|| other.address.doc_id.cmp(&self.address.doc_id))
    }
}

fn recency(age_secs: i64) -> f32 {
    let days = age_secs.max(0) as f32 / 86_400.0;
    RECENCY_FLOOR + (1.0 - RECENCY_FLOOR) * (-days / HALF_LIFE_DAYS).exp2()
}

impl SearchIndex {
    /// Runs a search: the index is brought up to the store first when only a few changes
    /// are pending, and hits are read from the store as it is now.
    pub async fn search(&self, store: &dyn Store, q: &SearchQuery) -> SearchResult<SearchResults> {
        if self.writable() {
            let last = store.last_search_change().await?;
            let applied = self.applied();
            if last > applied && last - applied <= KEEP_UP_CHANGES {
                self.catch_up(store).await?;
            }
        }
        let Some(user) = UserQuery::parse(&q.text) else {
            return Ok(SearchResults::default());
        };
        let RankedPage {
            page,
            facets,
            wanted: terms,
        } = self.inner.rank(&user, q)?;
        let seqs: Vec<i64> = page.iter().map(|r| r.seq).collect();
        let rows = store.hit_rows(&seqs, SNIPPET_BODY_CHARS).await?;
        let by_seq: HashMap<i64, &Ranked> = page.iter().map(|r| (r.seq, r)).collect();
        let no_terms = HashSet::new();
        let mut hits = Vec::with_capacity(rows.len());
        for row in rows {
            let Some(r) = by_seq.get(&row.article.seq) else {
                continue;
            };
            let analyzer = Analyzer::for_code(&r.lang);
            let wanted = terms.get(analyzer.code()).unwrap_or(&no_terms);
            let a = &row.article.article;
            let snippet = snippet::cut([&a.title, &a.excerpt, &a.body], &analyzer, wanted);
            hits.push(SearchHit {
                snippet,
                score: f64::from(r.score),
                story_live: row.story_live,
                story_published: row.story_published,
                visible: row.visible,
                more_in_story: r.more,
                article: row.article,
            });
        }
        Ok(SearchResults { hits, facets })
    }
}

impl SearchIndex {
    /// The `seq`s of a page of results, best first, as the index ranks them (without
    /// reading the store or checking what is visible now).
    pub fn ranked_seqs(&self, q: &SearchQuery) -> SearchResult<Vec<i64>> {
        let Some(user) = UserQuery::parse(&q.text) else {
            return Ok(Vec::new());
        };
        let ranked = self.inner.rank(&user, q)?;
        Ok(ranked.page.into_iter().map(|r| r.seq).collect())
    }
}

/// The wanted terms per analysis (by the analyzer's code), for snippets.
type WantedTerms = HashMap<&'static str, HashSet<String>>;

impl Inner {
    fn rank(&self, user: &UserQuery, q: &SearchQuery) -> SearchResult<RankedPage> {
        let searcher = self.reader.searcher();
        let analyzers = self.analyzers(&searcher)?;
        let mut wanted: WantedTerms = HashMap::new();
        for analyzer in &analyzers {
            let set = wanted.entry(analyzer.code()).or_default();
            for phrase in user.wanted() {
                set.extend(analyzer.terms(&phrase.join(" ")));
            }
        }
        let empty = |wanted| RankedPage {
            page: Vec::new(),
            facets: Facets::default(),
            wanted,
        };
        let Some(Built {
            query,
            excluded,
            bound,
            plan,
        }) = self.build(&searcher, user, q, &analyzers)?
        else {
            return Ok(empty(wanted));
        };
        let scoring = EnableScoring::enabled_from_searcher(&searcher);
        let checking = EnableScoring::disabled_from_searcher(&searcher);
        let (weight, checks) = match &plan {
            Some(plan) => (
                plan.terms.weight(scoring)?,
                plan.checks
                    .iter()
                    .map(|(q, must)| Ok((q.weight(checking)?, *must)))
                    .collect::<SearchResult<Vec<_>>>()?,
            ),
            None => (
                query.weight(scoring)?,
                excluded
                    .iter()
                    .map(|q| Ok((q.weight(checking)?, false)))
                    .collect::<SearchResult<Vec<_>>>()?,
            ),
        };

        let window = if q.grouped {
            (q.offset.saturating_add(q.limit))
                .saturating_mul(GROUP_WINDOW_PER_STORY)
                .clamp(MIN_GROUP_WINDOW, MAX_WINDOW)
        } else {
            q.offset.saturating_add(q.limit).min(MAX_WINDOW)
        } as usize;
        if window == 0 {
            return Ok(empty(wanted));
        }

        // Segments newest first, those outside a date range left out.
        let (from, to) = (q.from.map(|t| t.timestamp()), q.to.map(|t| t.timestamp()));
        let mut segments = Vec::new();
        let mut data: HashMap<u32, Arc<SegmentData>> = HashMap::new();
        let live: Vec<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(|s| s.segment_id())
            .collect();
        self.segments.keep_only(&live);
        // The news clock is the newest live document of the whole index, whatever the
        // filters; a date range then leaves out segments wholly outside it.
        let mut clock = None;
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            if segment.num_docs() == 0 {
                continue;
            }
            let loaded = self.segments.get(segment)?;
            let fresh = loaded.fresh.clone();
            // The newest live document: the first one not deleted, as a segment holds its
            // documents newest first (the column's maximum may be a deleted one's).
            let newest = segment
                .doc_ids_alive()
                .next()
                .and_then(|doc| fresh.first(doc))
                .unwrap_or_else(|| fresh.max_value());
            clock = clock.max(Some(newest));
            if from.is_some() || to.is_some() {
                let dated = &loaded.dated;
                if dated.num_docs() == 0
                    || dated.values.num_vals() == 0
                    || from.is_some_and(|f| dated.max_value() < f)
                    || to.is_some_and(|t| dated.min_value() > t)
                {
                    continue;
                }
            }
            segments.push((ord as u32, newest, fresh));
            data.insert(ord as u32, loaded);
        }
        let Some(clock) = clock.filter(|_| !segments.is_empty()) else {
            return Ok(empty(wanted));
        };
        segments.sort_by_key(|s| Reverse(s.1));

        let mut heap: BinaryHeap<Reverse<Entry>> = BinaryHeap::with_capacity(window + 1);
        // The weakest score on the page once it is full.
        let weakest = |heap: &BinaryHeap<Reverse<Entry>>| match heap.peek() {
            Some(Reverse(w)) if heap.len() >= window => Some(w.score),
            _ => None,
        };
        let offer = |heap: &mut BinaryHeap<Reverse<Entry>>, entry: Entry| {
            if heap.len() < window {
                heap.push(Reverse(entry));
            } else if heap.peek().is_some_and(|Reverse(w)| entry > *w) {
                heap.pop();
                heap.push(Reverse(entry));
            }
        };
        for (ord, newest, fresh) in segments {
            let best_recency = recency(clock - newest);
            // Nothing in this segment can make the page.
            if weakest(&heap).is_some_and(|w| bound * best_recency <= w) {
                continue;
            }
            let segment = searcher.segment_reader(ord);
            let alive = segment.alive_bitset();
            // Documents come newest first within a segment: once the best score the
            // current one's recency allows cannot make the page, no later one can.
            let past_reach = |heap: &BinaryHeap<Reverse<Entry>>, factor: f32| {
                weakest(heap).is_some_and(|w| bound * factor <= w)
            };
            if let Some(plan) = &plan {
                let dated = match (plan.dates, data.get(&ord)) {
                    (Some(range), Some(d)) => Some((d.dated.clone(), range)),
                    _ => None,
                };
                let mut checkers = checks
                    .iter()
                    .map(|(w, must)| Ok((w.scorer(segment, 1.0)?, *must)))
                    .collect::<SearchResult<Vec<_>>>()?;
                // The bar tantivy prunes blocks with, in BM25: the page's weakest score
                // over the best recency left in the segment (the current document's, as
                // the rest are older).
                let bar = |heap: &BinaryHeap<Reverse<Entry>>, factor: f32| {
                    weakest(heap).map_or(f32::MIN, |w| w / factor)
                };
                let start = bar(&heap, best_recency);
                weight.for_each_pruning(start, segment, &mut |doc, score| {
                    let factor = recency(clock - fresh.first(doc).unwrap_or(clock));
                    if alive.is_some_and(|a| a.is_deleted(doc)) {
                        return bar(&heap, factor);
                    }
                    if let Some((column, (from, to))) = &dated
                        && !column
                            .first(doc)
                            .is_some_and(|t| (*from..=*to).contains(&t))
                    {
                        return bar(&heap, factor);
                    }
                    for (checker, must) in checkers.iter_mut() {
                        let mut at = checker.doc();
                        if at < doc {
                            at = checker.seek(doc);
                        }
                        if (at == doc) != *must {
                            return bar(&heap, factor);
                        }
                    }
                    offer(
                        &mut heap,
                        Entry {
                            score: score * factor,
                            address: DocAddress::new(ord, doc),
                        },
                    );
                    if past_reach(&heap, factor) {
                        // No block can pass: the rest of the segment is skipped.
                        return f32::MAX;
                    }
                    bar(&heap, factor)
                })?;
            } else {
                let mut scorer = weight.scorer(segment, 1.0)?;
                let mut exclusions = checks
                    .iter()
                    .map(|(w, _)| w.scorer(segment, 1.0))
                    .collect::<tantivy::Result<Vec<_>>>()?;
                let mut doc = scorer.doc();
                while doc != TERMINATED {
                    let excluded = exclusions.iter_mut().any(|e| {
                        let mut at = e.doc();
                        if at < doc {
                            at = e.seek(doc);
                        }
                        at == doc
                    });
                    if !excluded && !alive.is_some_and(|a| a.is_deleted(doc)) {
                        let factor = recency(clock - fresh.first(doc).unwrap_or(clock));
                        if past_reach(&heap, factor) {
                            break;
                        }
                        let score = scorer.score() * factor;
                        if weakest(&heap).is_none_or(|w| score > w) {
                            offer(
                                &mut heap,
                                Entry {
                                    score,
                                    address: DocAddress::new(ord, doc),
                                },
                            );
                        }
                    }
                    doc = scorer.advance();
                }
            }
        }
        let mut best: Vec<Entry> = heap.into_iter().map(|Reverse(e)| e).collect();
        best.sort_unstable_by(|a, b| b.cmp(a));

        let details = Details::read(&data, &best);
        let mut facets = details.facets(&data);
        facets.complete = best.len() < window;
        // Grouped: a story's matches in the window, its best one shown.
        let mut in_story: HashMap<u64, u32> = HashMap::new();
        if q.grouped {
            for d in details.docs.iter().filter(|d| d.story != 0) {
                *in_story.entry(d.story).or_insert(0) += 1;
            }
        }
        let ranked = |i: usize| {
            let d = &details.docs[i];
            Ranked {
                seq: d.seq,
                score: best[i].score,
                lang: d.lang.clone(),
                more: in_story.get(&d.story).map_or(0, |n| n.saturating_sub(1)),
            }
        };
        let page: Vec<Ranked> = if q.grouped {
            // Best article per story, in rank order; storyless articles stand alone.
            let mut seen = HashSet::new();
            (0..details.docs.len())
                .filter(|&i| {
                    let story = details.docs[i].story;
                    story == 0 || seen.insert(story)
                })
                .skip(q.offset as usize)
                .take(q.limit as usize)
                .map(ranked)
                .collect()
        } else {
            (0..details.docs.len())
                .skip(q.offset as usize)
                .take(q.limit as usize)
                .map(ranked)
                .collect()
        };
        Ok(RankedPage {
            page,
            facets,
            wanted,
        })
    }

    /// One analyzer per way the index's articles are analysed (per stemmed language,
    /// and one for all others).
    fn analyzers(&self, searcher: &Searcher) -> SearchResult<Vec<Analyzer>> {
        let mut codes: Vec<&'static str> = Vec::new();
        // The languages of a segment are the names of its `lang` column, loaded once.
        for segment in searcher.segment_readers() {
            for code in self.segments.get(segment)?.lang.all() {
                let analyzer = Analyzer::for_code(code);
                if !codes.contains(&analyzer.code()) {
                    codes.push(analyzer.code());
                }
            }
        }
        if codes.is_empty() {
            codes.push("");
        }
        Ok(codes.into_iter().map(Analyzer::for_code).collect())
    }

    /// The tantivy query for a reader's query and filters; `None` when no word is left
    /// after analysis.
    fn build(
        &self,
        searcher: &Searcher,
        user: &UserQuery,
        q: &SearchQuery,
        analyzers: &[Analyzer],
    ) -> SearchResult<Option<Built>> {
        let text = self.fields.text;
        // A phrase (or word) as queries, one per distinct analysis, with the best BM25
        // score they can give together.
        let phrase_query = |phrase: &Phrase| -> SearchResult<Option<PhraseParts>> {
            let joined = phrase.join(" ");
            let mut variants: Vec<Vec<String>> = Vec::new();
            for analyzer in analyzers {
                let terms = analyzer.terms(&joined);
                if !terms.is_empty() && !variants.contains(&terms) {
                    variants.push(terms);
                }
            }
            let mut bound: f32 = 0.0;
            let mut queries: Vec<Box<dyn Query>> = Vec::new();
            let one_form = (variants.len() == 1).then(|| {
                variants[0]
                    .iter()
                    .map(|t| Term::from_field_text(text, t))
                    .collect::<Vec<Term>>()
            });
            for terms in variants {
                let terms: Vec<Term> = terms
                    .iter()
                    .map(|t| Term::from_field_text(text, t))
                    .collect();
                // A document may hold several forms: their scores add up.
                bound += Bm25Weight::for_terms(searcher, &terms)?.max_score();
                queries.push(match <[Term; 1]>::try_from(terms) {
                    Ok([one]) => Box::new(TermQuery::new(one, IndexRecordOption::WithFreqs)),
                    Err(many) => Box::new(PhraseQuery::new(many)),
                });
            }
            Ok(any_of(queries).map(|query| PhraseParts {
                query,
                bound,
                one_form,
            }))
        };

        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut bound = 0.0;
        // The pruned plan: every included clause one phrase in one form, whose words are
        // required terms (ranked by BM25 with block-max pruning) and whose phrase is a check.
        let mut plan = Some(Plan::default());
        for alternatives in &user.include {
            let mut parts: Vec<PhraseParts> = Vec::new();
            for phrase in alternatives {
                parts.extend(phrase_query(phrase)?);
            }
            // Alternatives a document holds several of add up too.
            let best: f32 = parts.iter().map(|p| p.bound).sum();
            match (&mut plan, parts.as_slice()) {
                (
                    Some(plan),
                    [
                        PhraseParts {
                            one_form: Some(terms),
                            query,
                            ..
                        },
                    ],
                ) => {
                    for term in terms {
                        if !plan.terms.contains(term) {
                            plan.terms.push(term.clone());
                        }
                    }
                    if terms.len() > 1 {
                        plan.checks.push((query.box_clone(), true));
                    }
                }
                (_, []) => {}
                _ => plan = None,
            }
            // A clause no analysis keeps a word of (only symbols) is left out.
            if let Some(query) = any_of(parts.into_iter().map(|p| p.query).collect()) {
                clauses.push((Occur::Must, query));
                bound += best;
            }
        }
        if clauses.is_empty() {
            return Ok(None);
        }
        // Exclusions are checked per candidate in every case, never left to tantivy's
        // boolean exclusion: that one seeks an exhausted phrase scorer backwards (a debug
        // assertion in tantivy 0.27 found by fuzzing `a "b c" -"d e"` over several
        // analyses).
        let mut excluded = Vec::new();
        for phrase in &user.exclude {
            if let Some(parts) = phrase_query(phrase)? {
                if let Some(plan) = &mut plan {
                    plan.checks.push((parts.query.box_clone(), false));
                }
                excluded.push(parts.query);
            }
        }
        // A filter most documents fail drives the search better than the words do: the
        // plan then gives way to tantivy's own intersection, which starts from it.
        let num_docs = searcher.num_docs().max(1) as f64;
        let mut narrow = false;
        let mut filter_term = |term: &Term| -> SearchResult<()> {
            narrow |= (searcher.doc_freq(term)? as f64) < num_docs * DENSE_FILTER;
            Ok(())
        };
        let mut filters: Vec<Box<dyn Query>> = Vec::new();
        let mut exact = |field, value: &str| -> SearchResult<()> {
            let term = Term::from_field_text(field, value);
            filter_term(&term)?;
            filters.push(Box::new(TermQuery::new(term, IndexRecordOption::Basic)));
            Ok(())
        };
        if let Some(topic) = &q.topic {
            exact(self.fields.topic, topic)?;
        }
        if let Some(provider) = &q.provider {
            exact(self.fields.provider, provider)?;
        }
        if let Some(category) = &q.category {
            exact(self.fields.category, category)?;
        }
        if let Some(language) = &q.language {
            let code = storyline_analyze::text::lang_from_code(language)
                .map_or_else(|| language.to_ascii_lowercase(), |l| l.code().to_string());
            exact(self.fields.lang, &code)?;
        }
        if q.from.is_some() || q.to.is_some() {
            let bound = |t: Option<DateTime<Utc>>| {
                t.map_or(Bound::Unbounded, |t| {
                    Bound::Included(Term::from_field_i64(self.fields.dated, t.timestamp()))
                })
            };
            filters.push(Box::new(RangeQuery::new(bound(q.from), bound(q.to))));
            if let Some(plan) = &mut plan {
                plan.dates = Some((
                    q.from.map_or(i64::MIN, |t| t.timestamp()),
                    q.to.map_or(i64::MAX, |t| t.timestamp()),
                ));
            }
        }
        if narrow {
            plan = None;
        }
        let date_filter = (q.from.is_some() || q.to.is_some()).then(|| filters.len() - 1);
        for (i, filter) in filters.into_iter().enumerate() {
            // The plan checks a date range on the fast field, document by document.
            if let Some(plan) = &mut plan
                && Some(i) != date_filter
            {
                plan.checks.push((filter.box_clone(), true));
            }
            clauses.push((Occur::Must, const_zero(filter)));
        }
        // One word alone stays a term query (tantivy prunes it with block-max WAND); words
        // alone stay an intersection of term queries (pruned block by block too).
        let query = if clauses.len() == 1 {
            match clauses.pop() {
                Some((_, query)) => query,
                None => return Ok(None),
            }
        } else {
            Box::new(BooleanQuery::new(clauses))
        };
        let plan = plan.filter(|p| !p.terms.is_empty()).map(|p| {
            let mut terms: Vec<Box<dyn Query>> = p
                .terms
                .into_iter()
                .map(|t| {
                    Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)) as Box<dyn Query>
                })
                .collect();
            let terms = if terms.len() == 1 {
                terms.remove(0)
            } else {
                Box::new(BooleanQuery::intersection(terms))
            };
            Pruned {
                terms,
                checks: p.checks,
                dates: p.dates,
            }
        });
        Ok(Some(Built {
            query,
            excluded,
            bound,
            plan,
        }))
    }
}

/// A query ready to run.
struct Built {
    /// What matches (and, when there is no plan, how it scores), exclusions aside.
    query: Box<dyn Query>,
    /// Phrases a match may not hold.
    excluded: Vec<Box<dyn Query>>,
    /// No document can score more than this (BM25, before recency).
    bound: f32,
    /// The same matches found faster, when the query allows it.
    plan: Option<Pruned>,
}

/// A query as required words, which tantivy ranks skipping blocks of postings that cannot
/// pass a bar (block-max WAND, block-max intersection), and checks each candidate must pass
/// (`true`: match, `false`: not match): phrases, exclusions, filters. Scored by the words'
/// BM25.
struct Pruned {
    terms: Box<dyn Query>,
    checks: Vec<(Box<dyn Query>, bool)>,
    /// A publication range (Unix seconds, both ends inclusive) checked on the fast field.
    dates: Option<(i64, i64)>,
}

#[derive(Default)]
struct Plan {
    terms: Vec<Term>,
    checks: Vec<(Box<dyn Query>, bool)>,
    dates: Option<(i64, i64)>,
}

/// A phrase (or word) as a query over its forms, the best score they give together, and
/// its terms when it has one form.
struct PhraseParts {
    query: Box<dyn Query>,
    bound: f32,
    one_form: Option<Vec<Term>>,
}

/// A query matching when any of `queries` does; `None` for none.
fn any_of(mut queries: Vec<Box<dyn Query>>) -> Option<Box<dyn Query>> {
    match queries.len() {
        0 => None,
        1 => queries.pop(),
        _ => Some(Box::new(BooleanQuery::union(queries))),
    }
}

/// A filter: matches as `query` does, adding nothing to the score.
fn const_zero(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, 0.0))
}

/// What the ranked window's documents are, read from the fast fields.
struct Details {
    docs: Vec<Doc>,
}

struct Doc {
    segment: u32,
    doc: u32,
    seq: i64,
    story: u64,
    lang: String,
}

impl Details {
    fn read(data: &HashMap<u32, Arc<SegmentData>>, best: &[Entry]) -> Self {
        let docs = best
            .iter()
            .filter_map(|entry| {
                let segment = entry.address.segment_ord;
                let d = data.get(&segment)?;
                let doc = entry.address.doc_id;
                Some(Doc {
                    segment,
                    doc,
                    seq: d.seq.first(doc).unwrap_or(0) as i64,
                    story: d.story.first(doc).unwrap_or(0),
                    lang: d
                        .lang
                        .ords(doc)
                        .next()
                        .map_or_else(String::new, |o| d.lang.name(o).to_string()),
                })
            })
            .collect();
        Self { docs }
    }

    /// Topics and providers of the window, most common first.
    fn facets(&self, data: &HashMap<u32, Arc<SegmentData>>) -> Facets {
        let mut providers: HashMap<&str, u32> = HashMap::new();
        let mut topics: HashMap<&str, u32> = HashMap::new();
        for d in &self.docs {
            let Some(s) = data.get(&d.segment) else {
                continue;
            };
            for o in s.provider.ords(d.doc).take(1) {
                *providers.entry(s.provider.name(o)).or_insert(0) += 1;
            }
            for o in s.topic.ords(d.doc) {
                *topics.entry(s.topic.name(o)).or_insert(0) += 1;
            }
        }
        let top = |counts: HashMap<&str, u32>| {
            let mut list: Vec<(String, u32)> = counts
                .into_iter()
                .filter(|(name, _)| !name.is_empty())
                .map(|(name, n)| (name.to_string(), n))
                .collect();
            list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            list.truncate(FACET_VALUES);
            list
        };
        Facets {
            topics: top(topics),
            providers: top(providers),
            counted: self.docs.len() as u32,
            complete: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recency_halves_towards_its_floor() {
        assert!((recency(0) - 1.0).abs() < 1e-6);
        let ten_days = recency(10 * 86_400);
        assert!((ten_days - (RECENCY_FLOOR + (1.0 - RECENCY_FLOOR) / 2.0)).abs() < 1e-4);
        assert!(recency(3 * 365 * 86_400) >= RECENCY_FLOOR);
        // A future date counts as now.
        assert!((recency(-86_400) - 1.0).abs() < 1e-6);
        let week = recency(7 * 86_400);
        let years = recency(2 * 365 * 86_400);
        assert!(week > years * 1.5, "{week} vs {years}");
    }
}
