//! Ranking, filtering and grouping a search.
//!
//! **Score.** BM25 over the article's analysed text (title counted three times, excerpt,
//! body), times a recency factor: 1 for the newest article of the index, halving its
//! distance to a floor every `HALF_LIFE_DAYS`, so this week's coverage outranks an older
//! match of the same strength while a much better old match still shows.
//!
//! **Pruning.** Segments hold consecutive arrivals and are ranked newest first. Within a
//! segment tantivy skips blocks of postings whose best BM25 cannot pass a bar; the bar is
//! the page's weakest score so far divided by the best recency the segment can give, so
//! an old segment is passed over unless it holds a match much stronger than the page's.
//!
//! **Grouping.** A window of the best matches (several per story wanted) is ranked and
//! folded into one hit per story, the story's best article, with how many other matches
//! the story holds (counted exactly for the stories shown).

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::ops::Bound;

use chrono::{DateTime, Utc};
use serde::Serialize;
use storyline_store::{ArticleRow, Store};
use tantivy::collector::DocSetCollector;
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, EnableScoring, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
    TermSetQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, Term};

use crate::analysis::Analyzer;
use crate::error::SearchResult;
use crate::index::{DATED, FRESH, Inner, LANG, PROVIDER, SEQ, STORY, SearchIndex, TOPIC};
use crate::query::{Phrase, UserQuery};
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
const SNIPPET_BODY_CHARS: u32 = 2_000;
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
    more: u32,
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
            if last > applied && (applied > 0 || last <= KEEP_UP_CHANGES) {
                if last - applied <= KEEP_UP_CHANGES {
                    self.catch_up(store).await?;
                }
            }
        }
        let Some(user) = UserQuery::parse(&q.text) else {
            return Ok(SearchResults::default());
        };
        let (ranked, facets, terms) = self.inner.rank(&user, q)?;
        let seqs: Vec<i64> = ranked.iter().map(|r| r.seq).collect();
        let rows = store.hit_rows(&seqs, SNIPPET_BODY_CHARS).await?;
        let by_seq: HashMap<i64, &Ranked> = ranked.iter().map(|r| (r.seq, r)).collect();
        let mut hits = Vec::with_capacity(rows.len());
        for row in rows {
            let Some(r) = by_seq.get(&row.article.seq) else {
                continue;
            };
            let analyzer = Analyzer::for_code(&r.lang);
            let wanted = terms.get(analyzer.code()).cloned().unwrap_or_default();
            let a = &row.article.article;
            let snippet = snippet::cut([&a.title, &a.excerpt, &a.body], &analyzer, &wanted);
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
        let (ranked, _, _) = self.inner.rank(&user, q)?;
        Ok(ranked.into_iter().map(|r| r.seq).collect())
    }
}

/// The wanted terms per analysis (by the analyzer's code), for snippets.
type WantedTerms = HashMap<&'static str, HashSet<String>>;

impl Inner {
    fn rank(
        &self,
        user: &UserQuery,
        q: &SearchQuery,
    ) -> SearchResult<(Vec<Ranked>, Facets, WantedTerms)> {
        let searcher = self.reader.searcher();
        let analyzers = self.analyzers(&searcher)?;
        let mut wanted: WantedTerms = HashMap::new();
        for analyzer in &analyzers {
            let set = wanted.entry(analyzer.code()).or_default();
            for phrase in user.wanted() {
                set.extend(analyzer.terms(&phrase.join(" ")));
            }
        }
        let Some(query) = self.build(user, q, &analyzers) else {
            return Ok((Vec::new(), Facets::default(), wanted));
        };
        let weight = query.weight(EnableScoring::enabled_from_searcher(&searcher))?;

        let window = if q.grouped {
            (q.offset.saturating_add(q.limit))
                .saturating_mul(GROUP_WINDOW_PER_STORY)
                .clamp(MIN_GROUP_WINDOW, MAX_WINDOW)
        } else {
            q.offset.saturating_add(q.limit).min(MAX_WINDOW)
        } as usize;
        if window == 0 {
            return Ok((Vec::new(), Facets::default(), wanted));
        }

        // Segments newest first, those outside a date range left out.
        let (from, to) = (q.from.map(|t| t.timestamp()), q.to.map(|t| t.timestamp()));
        let mut segments = Vec::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            if segment.num_docs() == 0 {
                continue;
            }
            if from.is_some() || to.is_some() {
                let dated = segment.fast_fields().i64(DATED)?;
                if dated.num_docs() == 0
                    || dated.values.num_vals() == 0
                    || from.is_some_and(|f| dated.max_value() < f)
                    || to.is_some_and(|t| dated.min_value() > t)
                {
                    continue;
                }
            }
            let fresh = segment.fast_fields().i64(FRESH)?;
            segments.push((ord as u32, fresh.max_value(), fresh));
        }
        let Some(clock) = segments.iter().map(|s| s.1).max() else {
            return Ok((Vec::new(), Facets::default(), wanted));
        };
        segments.sort_by_key(|s| Reverse(s.1));

        let mut heap: BinaryHeap<Reverse<Entry>> = BinaryHeap::with_capacity(window + 1);
        for (ord, newest, fresh) in segments {
            let segment = searcher.segment_reader(ord);
            let best_recency = recency(clock - newest);
            let alive = segment.alive_bitset();
            let bar = |heap: &BinaryHeap<Reverse<Entry>>| match heap.peek() {
                Some(Reverse(weakest)) if heap.len() >= window => weakest.score / best_recency,
                _ => f32::MIN,
            };
            let start = bar(&heap);
            weight.for_each_pruning(start, segment, &mut |doc, score| {
                if alive.is_some_and(|a| a.is_deleted(doc)) {
                    return bar(&heap);
                }
                let at = fresh.first(doc).unwrap_or(clock);
                let entry = Entry {
                    score: score * recency(clock - at),
                    address: DocAddress::new(ord, doc),
                };
                if heap.len() < window {
                    heap.push(Reverse(entry));
                } else if heap.peek().is_some_and(|Reverse(w)| entry > *w) {
                    heap.pop();
                    heap.push(Reverse(entry));
                }
                bar(&heap)
            })?;
        }
        let mut best: Vec<Entry> = heap.into_iter().map(|Reverse(e)| e).collect();
        best.sort_unstable_by(|a, b| b.cmp(a));

        let details = Details::read(&searcher, &best)?;
        let mut facets = details.facets();
        facets.complete = best.len() < window;
        let mut page: Vec<Ranked> = Vec::new();
        if q.grouped {
            // Best article per story, in rank order; storyless articles stand alone.
            let mut seen = HashSet::new();
            let mut groups: Vec<usize> = Vec::new();
            for (i, d) in details.docs.iter().enumerate() {
                if d.story.is_empty() || seen.insert(d.story.clone()) {
                    groups.push(i);
                }
            }
            let shown: Vec<usize> = groups
                .into_iter()
                .skip(q.offset as usize)
                .take(q.limit as usize)
                .collect();
            let stories: Vec<&str> = shown
                .iter()
                .map(|&i| details.docs[i].story.as_str())
                .filter(|s| !s.is_empty())
                .collect();
            let counts = self.story_counts(&searcher, query.as_ref(), &stories)?;
            for i in shown {
                let d = &details.docs[i];
                let more = counts.get(d.story.as_str()).copied().unwrap_or(1);
                page.push(Ranked {
                    seq: d.seq,
                    score: best[i].score,
                    lang: d.lang.clone(),
                    more: more.saturating_sub(1),
                });
            }
        } else {
            for (i, d) in details
                .docs
                .iter()
                .enumerate()
                .skip(q.offset as usize)
                .take(q.limit as usize)
            {
                page.push(Ranked {
                    seq: d.seq,
                    score: best[i].score,
                    lang: d.lang.clone(),
                    more: 0,
                });
            }
        }
        Ok((page, facets, wanted))
    }

    /// One analyzer per way the index's articles are analysed (per stemmed language,
    /// and one for all others).
    fn analyzers(&self, searcher: &Searcher) -> SearchResult<Vec<Analyzer>> {
        let mut codes: Vec<&'static str> = Vec::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.fields.lang)?;
            let mut terms = inverted.terms().stream()?;
            while terms.advance() {
                let code = std::str::from_utf8(terms.key()).unwrap_or("");
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
        user: &UserQuery,
        q: &SearchQuery,
        analyzers: &[Analyzer],
    ) -> Option<Box<dyn Query>> {
        let text = self.fields.text;
        let phrase_query = |phrase: &Phrase| -> Option<Box<dyn Query>> {
            let joined = phrase.join(" ");
            let mut variants: Vec<Vec<String>> = Vec::new();
            for analyzer in analyzers {
                let terms = analyzer.terms(&joined);
                if !terms.is_empty() && !variants.contains(&terms) {
                    variants.push(terms);
                }
            }
            let queries: Vec<Box<dyn Query>> = variants
                .into_iter()
                .map(|terms| -> Box<dyn Query> {
                    let terms: Vec<Term> = terms
                        .iter()
                        .map(|t| Term::from_field_text(text, t))
                        .collect();
                    match <[Term; 1]>::try_from(terms) {
                        Ok([one]) => Box::new(TermQuery::new(one, IndexRecordOption::WithFreqs)),
                        Err(many) => Box::new(PhraseQuery::new(many)),
                    }
                })
                .collect();
            any_of(queries)
        };

        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for alternatives in &user.include {
            let queries: Vec<Box<dyn Query>> =
                alternatives.iter().filter_map(phrase_query).collect();
            // A clause no analysis keeps a word of (only symbols) is left out.
            if let Some(query) = any_of(queries) {
                clauses.push((Occur::Must, query));
            }
        }
        if clauses.is_empty() {
            return None;
        }
        for phrase in &user.exclude {
            if let Some(query) = phrase_query(phrase) {
                clauses.push((Occur::MustNot, query));
            }
        }
        let filter = |query: Box<dyn Query>| (Occur::Must, const_zero(query));
        let exact = |field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        if let Some(topic) = &q.topic {
            clauses.push(filter(exact(self.fields.topic, topic)));
        }
        if let Some(provider) = &q.provider {
            clauses.push(filter(exact(self.fields.provider, provider)));
        }
        if let Some(category) = &q.category {
            clauses.push(filter(exact(self.fields.category, category)));
        }
        if let Some(language) = &q.language {
            let code = storyline_analyze::text::lang_from_code(language)
                .map_or_else(|| language.to_ascii_lowercase(), |l| l.code().to_string());
            clauses.push(filter(exact(self.fields.lang, &code)));
        }
        if q.from.is_some() || q.to.is_some() {
            let bound = |t: Option<DateTime<Utc>>| {
                t.map_or(Bound::Unbounded, |t| {
                    Bound::Included(Term::from_field_i64(self.fields.dated, t.timestamp()))
                })
            };
            clauses.push(filter(Box::new(RangeQuery::new(
                bound(q.from),
                bound(q.to),
            ))));
        }
        // One word alone stays a term query (tantivy prunes it with block-max WAND); words
        // alone stay an intersection of term queries (pruned block by block too).
        if clauses.len() == 1 {
            return clauses.pop().map(|(_, query)| query);
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    /// How many matches of `query` each of `stories` holds.
    fn story_counts(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        stories: &[&str],
    ) -> SearchResult<HashMap<String, u32>> {
        if stories.is_empty() {
            return Ok(HashMap::new());
        }
        let set = TermSetQuery::new(
            stories
                .iter()
                .map(|s| Term::from_field_text(self.fields.story, s)),
        );
        let both = BooleanQuery::new(vec![
            (Occur::Must, query.box_clone()),
            (Occur::Must, Box::new(set)),
        ]);
        let docs = searcher.search(&both, &DocSetCollector)?;
        let mut counts = HashMap::new();
        let mut columns = HashMap::new();
        let mut name = String::new();
        for address in docs {
            if let std::collections::hash_map::Entry::Vacant(slot) =
                columns.entry(address.segment_ord)
            {
                let segment = searcher.segment_reader(address.segment_ord);
                slot.insert(segment.fast_fields().str(STORY)?);
            }
            let Some(Some(column)) = columns.get(&address.segment_ord) else {
                continue;
            };
            if let Some(ord) = column.term_ords(address.doc_id).next() {
                name.clear();
                if column.ord_to_str(ord, &mut name).unwrap_or(false) {
                    *counts.entry(name.clone()).or_insert(0) += 1;
                }
            }
        }
        Ok(counts)
    }
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
    seq: i64,
    story: String,
    lang: String,
    provider: String,
    topics: Vec<String>,
}

impl Details {
    fn read(searcher: &Searcher, best: &[Entry]) -> SearchResult<Self> {
        struct Columns {
            seq: tantivy::columnar::Column<u64>,
            story: Option<tantivy::columnar::StrColumn>,
            lang: Option<tantivy::columnar::StrColumn>,
            provider: Option<tantivy::columnar::StrColumn>,
            topic: Option<tantivy::columnar::StrColumn>,
        }
        let mut columns: HashMap<u32, Columns> = HashMap::new();
        let mut docs = Vec::with_capacity(best.len());
        for entry in best {
            let ord = entry.address.segment_ord;
            if let std::collections::hash_map::Entry::Vacant(slot) = columns.entry(ord) {
                let fast = searcher.segment_reader(ord).fast_fields();
                slot.insert(Columns {
                    seq: fast.u64(SEQ)?,
                    story: fast.str(STORY)?,
                    lang: fast.str(LANG)?,
                    provider: fast.str(PROVIDER)?,
                    topic: fast.str(TOPIC)?,
                });
            }
            let Some(c) = columns.get(&ord) else { continue };
            let doc = entry.address.doc_id;
            docs.push(Doc {
                seq: c.seq.first(doc).unwrap_or(0) as i64,
                story: first_str(c.story.as_ref(), doc),
                lang: first_str(c.lang.as_ref(), doc),
                provider: first_str(c.provider.as_ref(), doc),
                topics: all_str(c.topic.as_ref(), doc),
            });
        }
        Ok(Self { docs })
    }

    fn facets(&self) -> Facets {
        let mut topics: HashMap<&str, u32> = HashMap::new();
        let mut providers: HashMap<&str, u32> = HashMap::new();
        for d in &self.docs {
            for t in &d.topics {
                *topics.entry(t).or_insert(0) += 1;
            }
            if !d.provider.is_empty() {
                *providers.entry(&d.provider).or_insert(0) += 1;
            }
        }
        let top = |counts: HashMap<&str, u32>| {
            let mut list: Vec<(String, u32)> = counts
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
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

fn first_str(column: Option<&tantivy::columnar::StrColumn>, doc: u32) -> String {
    let mut out = String::new();
    if let Some(column) = column
        && let Some(ord) = column.term_ords(doc).next()
    {
        let _ = column.ord_to_str(ord, &mut out);
    }
    out
}

fn all_str(column: Option<&tantivy::columnar::StrColumn>, doc: u32) -> Vec<String> {
    let Some(column) = column else {
        return Vec::new();
    };
    column
        .term_ords(doc)
        .filter_map(|ord| {
            let mut out = String::new();
            column
                .ord_to_str(ord, &mut out)
                .ok()
                .filter(|&f| f)
                .map(|_| out)
        })
        .collect()
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
