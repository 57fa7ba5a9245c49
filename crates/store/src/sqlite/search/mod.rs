//! Full-text search over articles with SQLite FTS5: FTS5 finds the most recent matches (a
//! bounded window, read forwards along its doclists) and ranks them with BM25 (title
//! weighted up) from its own position lists; Rust cuts snippets for the hits shown. A word
//! that matches a large share of a big archive costs no more than a rare one, and filters
//! are index terms (`facets`), so a filtered search reaches back through the whole archive.

mod facets;
mod fts5_rank;
mod query;
mod rank;

pub(crate) use fts5_rank::{LengthCache, register};

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sqlx::pool::PoolConnection;
use sqlx::{AssertSqlSafe, Row, Sqlite, SqlitePool};

use super::articles::{LISTING_COLUMNS, from_row};
use super::days::{self, DateSpan};
use super::to_ts;
use crate::error::{QueryContext, StoreError, StoreResult};
use crate::types::{SearchHit, SearchQuery};
use query::UserQuery;

/// Matches ranked per query: the most recent ones (by arrival), so a query that matches a
/// large share of a big archive still costs a bounded amount.
const RANK_WINDOW: i64 = 300;
/// Ranking reads the start of a body, where news says what matters, so a long article costs
/// no more than a short one.
const BODY_PREFIX_CHARS: u32 = 2_000;
/// Matches read to estimate how common a phrase is.
const FREQUENCY_SAMPLE: i64 = 1_000;
/// How long an estimate is reused; they move slowly as an archive grows.
const FREQUENCY_TTL: Duration = Duration::from_secs(600);
const FREQUENCY_ENTRIES: usize = 4_096;

/// Estimated number of documents containing each phrase, shared by all searches of a store.
#[derive(Default)]
pub(crate) struct DocFrequencies {
    entries: Mutex<HashMap<String, (Instant, f64, f64)>>,
}

impl DocFrequencies {
    /// `(documents with the phrase, documents)`: exact below `FREQUENCY_SAMPLE` matches,
    /// else extrapolated from how far back the sample reaches (arrival order is uniform
    /// enough for an IDF).
    async fn get(
        &self,
        conn: &mut PoolConnection<Sqlite>,
        phrase: &[String],
    ) -> StoreResult<(f64, f64)> {
        let expr = UserQuery {
            include: vec![phrase.to_vec()],
            exclude: Vec::new(),
        }
        .expression()
        .to_lowercase();
        if let Ok(entries) = self.entries.lock()
            && let Some((at, docs, total)) = entries.get(&expr)
            && at.elapsed() < FREQUENCY_TTL
        {
            return Ok((*docs, *total));
        }
        // The sample size is written into the SQL (see `run` on bound limits).
        let (n, oldest, newest): (i64, Option<i64>, Option<i64>) =
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT count(*), -max(rowid), (SELECT max(seq) FROM articles) FROM \
                 (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? \
                  ORDER BY rowid LIMIT {FREQUENCY_SAMPLE})"
            )))
            .bind(&expr)
            .fetch_one(&mut **conn)
            .await
            .ctx("search: phrase frequency")?;
        let total = newest.unwrap_or(0).max(1) as f64;
        let docs = match oldest {
            Some(oldest) if n >= FREQUENCY_SAMPLE => {
                let span = (total - oldest as f64 + 1.0).max(1.0);
                (n as f64 * total / span).min(total)
            }
            _ => n as f64,
        };
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= FREQUENCY_ENTRIES {
                entries.clear();
            }
            entries.insert(expr, (Instant::now(), docs, total));
        }
        Ok((docs, total))
    }
}

pub(crate) async fn run(
    pool: &SqlitePool,
    frequencies: &DocFrequencies,
    lengths: &LengthCache,
    q: &SearchQuery,
) -> StoreResult<Vec<SearchHit>> {
    let Some(user) = UserQuery::parse(&q.text) else {
        return Ok(Vec::new());
    };
    lengths.expire();
    let phrases = user.folded_phrases();
    let mut conn = pool.acquire().await.ctx("search: connection")?;
    let Some(dates) = days::span(&mut conn, q.from, q.to).await? else {
        return Ok(Vec::new());
    };
    let dates = dates.map(|span| IndexDates::of(&span, q.from, q.to));
    let expr = match_expression(&user, q, dates.as_ref());

    // One phrase: its IDF scales every score alike, so it is not needed for the order.
    let mut idf = vec![1.0; phrases.len()];
    if phrases.len() > 1 {
        for (i, phrase) in user.include.iter().enumerate() {
            let (docs, total) = frequencies.get(&mut conn, phrase).await?;
            idf[i] = rank::idf(docs, total);
        }
    }

    // FTS5 walks the matches newest first (its forward order: the index's rowid is minus
    // `seq`), filters included as index terms, and scores each with BM25 from its position
    // lists; it stops after `RANK_WINDOW` rows. A date range also bounds the rowids walked
    // (`days`), and only it needs the article row: the index knows days of arrival, not of
    // publication; provider and topic terms are exact. Then the best of the window are
    // joined to their articles, with the start of the body for snippets.
    let idf_args = vec!["?"; idf.len()].join(", ");
    let mut window = format!(
        "SELECT articles_fts.rowid AS rid, {}(articles_fts, {idf_args}) AS score \
         FROM articles_fts",
        fts5_rank::NAME
    );
    if dates.is_some() {
        window.push_str(" JOIN articles a ON a.seq = -articles_fts.rowid");
    }
    window.push_str(" WHERE articles_fts MATCH ?");
    if dates.is_some() {
        window.push_str(" AND articles_fts.rowid >= ? AND articles_fts.rowid <= ?");
    }
    if q.from.is_some() {
        window.push_str(" AND a.published_at >= ?");
    }
    if q.to.is_some() {
        window.push_str(" AND a.published_at <= ?");
    }
    // The window is written into the SQL, not bound: FTS5 looks at a LIMIT's value when
    // planning, so a bound one would make SQLite re-prepare the statement on every run.
    let _ = write!(window, " ORDER BY articles_fts.rowid LIMIT {RANK_WINDOW}");
    // The page is cut before the join, so only the hits shown are read. Its bounds are
    // written into the SQL like the window's (see above): bound, they too made SQLite
    // re-prepare the statement on every run.
    let limit = if q.limit == 0 { 20 } else { q.limit };
    let offset = q.offset;
    let sql = format!(
        "WITH ranked AS (SELECT rid, score FROM ({window}) \
                         ORDER BY score DESC, rid LIMIT {limit} OFFSET {offset}) \
         SELECT {LISTING_COLUMNS}, substr(a.body, 1, {BODY_PREFIX_CHARS}) AS body_start, w.score, \
                s.id IS NOT NULL AND s.merged_into IS NULL AS story_live, \
                coalesce(s.published, 0) AS story_published, a.story_id IS NULL AS storyless \
         FROM ranked w JOIN articles a ON a.seq = -w.rid \
         LEFT JOIN stories s ON s.id = a.story_id \
         ORDER BY w.score DESC, w.rid"
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for value in &idf {
        query = query.bind(value);
    }
    query = query.bind(&expr);
    if let Some(span) = &dates {
        query = query.bind(span.rowids.0).bind(span.rowids.1);
    }
    if let Some(from) = q.from {
        query = query.bind(to_ts(from));
    }
    if let Some(to) = q.to {
        query = query.bind(to_ts(to));
    }
    let rows = query
        .fetch_all(&mut *conn)
        .await
        .ctx("search: ranked window")?;
    drop(conn);

    let decode = |source: sqlx::Error| StoreError::Query {
        context: "decode search hit",
        source,
    };
    let mut hits = Vec::with_capacity(rows.len());
    for row in &rows {
        let article = from_row(row)?;
        let body_start: &str = row.try_get("body_start").map_err(decode)?;
        let score: f64 = row.try_get("score").map_err(decode)?;
        let storyless: bool = row.try_get("storyless").map_err(decode)?;
        let story_live: bool = row.try_get("story_live").map_err(decode)?;
        let story_published: bool = row.try_get("story_published").map_err(decode)?;
        let snippet = rank::snippet(
            [&article.article.title, &article.article.excerpt, body_start],
            &phrases,
        );
        hits.push(SearchHit {
            article,
            snippet,
            // FTS5's convention: lower is better.
            rank: -score,
            story_live: storyless || story_live,
            story_published: storyless || story_published,
        });
    }
    Ok(hits)
}

/// The FTS5 MATCH expression a search runs for `q`'s words and its provider and topic
/// filters (date terms, which depend on the archive, left out); `None` when no word is
/// searchable. The reader's text is never passed on as FTS5 syntax, so any text gives a valid
/// expression. Public so the parser can be exercised without a database (fuzzing).
pub fn search_expression(q: &SearchQuery) -> Option<String> {
    UserQuery::parse(&q.text).map(|user| match_expression(&user, q, None))
}

/// The reader's words with the filters as `facets` terms (month terms for a date range
/// only when its articles are scattered thinly over their span, see `days`).
fn match_expression(user: &UserQuery, q: &SearchQuery, dates: Option<&IndexDates>) -> String {
    let mut clauses = vec![user.expression()];
    if let Some(provider) = &q.provider {
        clauses.push(facets::provider(provider));
    }
    if let Some(topic) = &q.topic {
        clauses.push(facets::topic(topic));
    }
    clauses.extend(dates.and_then(|span| span.terms.clone()));
    clauses.join(" AND ")
}

/// A date range as the index walks it: the rowids of its `seq` span (rowid = minus `seq`),
/// and month and year terms to AND to the words as well when the range's articles are
/// scattered thinly over their span (an archive filled out of publication order), so FTS5
/// skips the rows between them; `None` when they fill most of it.
#[derive(Debug, PartialEq)]
struct IndexDates {
    rowids: (i64, i64),
    terms: Option<String>,
}

impl IndexDates {
    fn of(span: &DateSpan, from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>) -> Self {
        let terms = if span.thin() {
            // Open ends are closed at the first and last day with articles.
            let from = from.or_else(|| DateSpan::day_start(span.days.0));
            let to = to.or_else(|| DateSpan::day_start(span.days.1));
            match (from, to) {
                (Some(from), Some(to)) => facets::dates(from, to),
                _ => None,
            }
        } else {
            None
        };
        Self {
            rowids: (span.seqs.1.saturating_neg(), span.seqs.0.saturating_neg()),
            terms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_dense_span_is_walked_whole_and_a_thin_one_gets_month_terms() {
        let from = Some(Utc.with_ymd_and_hms(2025, 3, 1, 0, 0, 0).unwrap());
        let to = Some(Utc.with_ymd_and_hms(2025, 4, 28, 0, 0, 0).unwrap());
        let span = |seqs, articles| DateSpan {
            seqs,
            articles,
            days: (20_148, 20_206),
        };
        assert_eq!(
            IndexDates::of(&span((100, 199), 90), from, to),
            IndexDates {
                rowids: (-199, -100),
                terms: None,
            }
        );
        assert_eq!(
            IndexDates::of(&span((100, 10_099), 90), from, to),
            IndexDates {
                rowids: (-10_099, -100),
                terms: Some("facets : (m202503 OR m202504)".into()),
            }
        );
        // Open ends are closed at the first and last day with articles.
        assert_eq!(
            IndexDates::of(&span((100, 10_099), 90), None, None)
                .terms
                .as_deref(),
            Some("facets : (m202503 OR m202504)")
        );
    }
}
