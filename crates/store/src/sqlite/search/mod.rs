//! Full-text search over articles with SQLite FTS5: FTS5 finds the most recent matches (a
//! bounded window, read backwards along its doclists), Rust ranks them with BM25 (title
//! weighted up) and cuts snippets for the hits shown. A word that matches a large share of a
//! big archive costs no more than a rare one, and filters are index terms (`facets`), so a
//! filtered search costs no more than an unfiltered one and reaches back through the whole
//! archive.

mod facets;
mod query;
mod rank;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sqlx::pool::PoolConnection;
use sqlx::{AssertSqlSafe, Row, Sqlite, SqlitePool};

use super::articles::{LISTING_COLUMNS, from_row};
use super::{from_ts, to_ts};
use crate::error::{QueryContext, StoreError, StoreResult};
use crate::types::{ArticleRow, SearchHit, SearchQuery};
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
        let (n, oldest, newest): (i64, Option<i64>, Option<i64>) = sqlx::query_as(
            "SELECT count(*), min(rowid), (SELECT max(seq) FROM articles) FROM \
             (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT ?)",
        )
        .bind(&expr)
        .bind(FREQUENCY_SAMPLE)
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
    q: &SearchQuery,
) -> StoreResult<Vec<SearchHit>> {
    let Some(user) = UserQuery::parse(&q.text) else {
        return Ok(Vec::new());
    };
    let phrases = user.folded_phrases();
    let mut conn = pool.acquire().await.ctx("search: connection")?;
    let Some(expr) = match_expression(&mut conn, &user, q).await? else {
        return Ok(Vec::new());
    };

    // FTS5 walks the matches newest first (no sort), filters included as index terms, each
    // joined to its article by primary key for the exact filter check, and stops after
    // `RANK_WINDOW` rows.
    let mut sql = format!(
        "SELECT a.seq, a.title, a.excerpt, substr(a.body, 1, {BODY_PREFIX_CHARS}) AS body_start \
         FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid \
         WHERE articles_fts MATCH ?"
    );
    if q.topic.is_some() {
        sql.push_str(" AND EXISTS (SELECT 1 FROM json_each(a.topics) WHERE json_each.value = ?)");
    }
    if q.provider.is_some() {
        sql.push_str(" AND a.provider_domain = ?");
    }
    if q.from.is_some() {
        sql.push_str(" AND a.published_at >= ?");
    }
    if q.to.is_some() {
        sql.push_str(" AND a.published_at <= ?");
    }
    sql.push_str(" ORDER BY articles_fts.rowid DESC LIMIT ?");
    let mut query = sqlx::query(AssertSqlSafe(sql)).bind(&expr);
    if let Some(topic) = &q.topic {
        query = query.bind(topic);
    }
    if let Some(provider) = &q.provider {
        query = query.bind(provider);
    }
    if let Some(from) = q.from {
        query = query.bind(to_ts(from));
    }
    if let Some(to) = q.to {
        query = query.bind(to_ts(to));
    }
    let rows = query
        .bind(RANK_WINDOW)
        .fetch_all(&mut *conn)
        .await
        .ctx("search: candidates")?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }

    // One phrase: its IDF scales every score alike, so it is not needed for the order.
    let mut idf = vec![1.0; phrases.len()];
    if phrases.len() > 1 {
        for (i, phrase) in user.include.iter().enumerate() {
            let (docs, total) = frequencies.get(&mut conn, phrase).await?;
            idf[i] = rank::idf(docs, total);
        }
    }

    let decode = |source: sqlx::Error| StoreError::Query {
        context: "decode search candidate",
        source,
    };
    let mut texts: Vec<[&str; 3]> = Vec::with_capacity(rows.len());
    for row in &rows {
        texts.push([
            row.try_get("title").map_err(decode)?,
            row.try_get("excerpt").map_err(decode)?,
            row.try_get("body_start").map_err(decode)?,
        ]);
    }
    let mut spans = Vec::new();
    let counts: Vec<rank::Counts> = texts
        .iter()
        .map(|columns| rank::count(*columns, &phrases, &mut spans))
        .collect();
    let scores = rank::bm25(&counts, &idf);
    // Best first; among equals, the newer (rows came newest first).
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));

    let limit = if q.limit == 0 { 20 } else { q.limit } as usize;
    let shown: Vec<usize> = order
        .into_iter()
        .skip(q.offset as usize)
        .take(limit)
        .collect();
    if shown.is_empty() {
        return Ok(Vec::new());
    }
    // Whole rows only for the hits shown, not for every candidate.
    let mut seqs = Vec::with_capacity(shown.len());
    for &i in &shown {
        seqs.push(rows[i].try_get::<i64, _>("seq").map_err(decode)?);
    }
    let marks = vec!["?"; seqs.len()].join(", ");
    let mut query = sqlx::query(AssertSqlSafe(format!(
        "SELECT {LISTING_COLUMNS} FROM articles a WHERE a.seq IN ({marks})"
    )));
    for seq in &seqs {
        query = query.bind(seq);
    }
    let full = query.fetch_all(&mut *conn).await.ctx("search: hits")?;
    drop(conn);
    let mut by_seq: HashMap<i64, ArticleRow> = HashMap::with_capacity(full.len());
    for row in &full {
        let article = from_row(row)?;
        by_seq.insert(article.seq, article);
    }
    Ok(shown
        .into_iter()
        .zip(seqs)
        .filter_map(|(i, seq)| {
            Some(SearchHit {
                article: by_seq.remove(&seq)?,
                snippet: rank::snippet(texts[i], &phrases),
                // FTS5's convention: lower is better.
                rank: -scores[i],
            })
        })
        .collect())
}

/// The reader's words with the filters as `facets` terms; `None` when a date range cannot
/// match anything (it ends before it starts, or the archive has no dated article).
async fn match_expression(
    conn: &mut PoolConnection<Sqlite>,
    user: &UserQuery,
    q: &SearchQuery,
) -> StoreResult<Option<String>> {
    let mut clauses = vec![user.expression()];
    if let Some(provider) = &q.provider {
        clauses.push(facets::provider(provider));
    }
    if let Some(topic) = &q.topic {
        clauses.push(facets::topic(topic));
    }
    if q.from.is_some() || q.to.is_some() {
        // An open end is closed at the archive's first or last publication date, so the
        // range covers only months that can hold articles.
        let (first, last) = match (q.from, q.to) {
            (Some(from), Some(to)) => (from, to),
            _ => {
                let (oldest, newest): (Option<i64>, Option<i64>) = sqlx::query_as(
                    "SELECT (SELECT min(published_at) FROM articles), \
                            (SELECT max(published_at) FROM articles)",
                )
                .fetch_one(&mut **conn)
                .await
                .ctx("search: date bounds")?;
                let (Some(oldest), Some(newest)) = (oldest, newest) else {
                    return Ok(None);
                };
                (
                    q.from.unwrap_or_else(|| from_ts(oldest)),
                    q.to.unwrap_or_else(|| from_ts(newest)),
                )
            }
        };
        if first > last {
            return Ok(None);
        }
        clauses.extend(facets::dates(first, last));
    }
    Ok(Some(clauses.join(" AND ")))
}
