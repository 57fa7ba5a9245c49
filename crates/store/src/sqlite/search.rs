//! Full-text search over articles with SQLite FTS5, ranked by BM25 (title weighted up) among
//! the most recent matches (a bounded window, so a common word costs no more in a big archive).
//!
//! User text is never handed to FTS5 as query syntax: it is parsed here into words,
//! `"quoted phrases"` and `-excluded` words, and each is re-quoted, so any input is a
//! valid query.

use sqlx::AssertSqlSafe;
use sqlx::{Row, SqlitePool};

use super::articles::{COLUMNS, from_row};
use super::to_ts;
use crate::error::{QueryContext, StoreError, StoreResult};
use crate::types::{SearchHit, SearchQuery};

/// Turns user text into an FTS5 MATCH expression, or `None` when nothing searchable is left.
pub(crate) fn fts_expression(text: &str) -> Option<String> {
    let mut include = Vec::new();
    let mut exclude = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
        rest = &rest[start..];
        let negated = rest.starts_with('-');
        if negated {
            rest = &rest[1..];
        }
        let (term, tail) = if let Some(inner) = rest.strip_prefix('"') {
            match inner.find('"') {
                Some(end) => (&inner[..end], &inner[end + 1..]),
                None => (inner, ""),
            }
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            (&rest[..end], &rest[end..])
        };
        rest = tail;
        let words: Vec<&str> = term
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            continue;
        }
        let phrase = format!("\"{}\"", words.join(" "));
        if negated {
            exclude.push(phrase);
        } else {
            include.push(phrase);
        }
    }
    if include.is_empty() {
        return None;
    }
    let mut expr = include.join(" AND ");
    for phrase in exclude {
        expr = format!("({expr}) NOT {phrase}");
    }
    Some(expr)
}

/// Matches ranked per query: the most recent ones (by arrival), so a query that matches a
/// large share of a big archive still costs a bounded amount. Filters widen the window.
const RANK_WINDOW: i64 = 2_000;
const RANK_WINDOW_FILTERED: i64 = 20_000;

pub(crate) async fn run(pool: &SqlitePool, q: &SearchQuery) -> StoreResult<Vec<SearchHit>> {
    let Some(expr) = fts_expression(&q.text) else {
        return Ok(Vec::new());
    };
    let filtered = q.topic.is_some() || q.provider.is_some() || q.from.is_some() || q.to.is_some();
    let window = if filtered {
        RANK_WINDOW_FILTERED
    } else {
        RANK_WINDOW
    };
    // The arrival number of the `window`-th most recent match: FTS5 walks its doclist
    // backwards, so this reads `window` entries, not every match.
    let cutoff: Option<i64> = sqlx::query_scalar(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
    )
    .bind(&expr)
    .bind(window - 1)
    .fetch_optional(pool)
    .await
    .ctx("search window")?;

    let mut sql = format!(
        "SELECT {COLUMNS}, bm25(articles_fts, 8.0, 3.0, 1.0) AS rank \
         FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid \
         WHERE articles_fts MATCH ? AND articles_fts.rowid >= ?"
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
    sql.push_str(" ORDER BY rank LIMIT ? OFFSET ?");
    let mut query = sqlx::query(AssertSqlSafe(sql))
        .bind(&expr)
        .bind(cutoff.unwrap_or(0));
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
    let limit = if q.limit == 0 { 20 } else { q.limit };
    let rows = query
        .bind(i64::from(limit))
        .bind(i64::from(q.offset))
        .fetch_all(pool)
        .await
        .ctx("search")?;
    let mut hits = Vec::with_capacity(rows.len());
    for row in &rows {
        let e = |source: sqlx::Error| StoreError::Query {
            context: "decode search hit",
            source,
        };
        let article = from_row(row)?;
        // Snippets only for the hits shown, each a lookup by rowid.
        let snippet: Option<String> = sqlx::query_scalar(
            "SELECT snippet(articles_fts, 2, '[', ']', '…', 16) FROM articles_fts \
             WHERE articles_fts MATCH ? AND rowid = ?",
        )
        .bind(&expr)
        .bind(article.seq)
        .fetch_optional(pool)
        .await
        .ctx("search snippet")?;
        hits.push(SearchHit {
            snippet: snippet.unwrap_or_default(),
            rank: row.try_get("rank").map_err(e)?,
            article,
        });
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::fts_expression;

    #[test]
    fn user_text_becomes_quoted_terms() {
        assert_eq!(
            fts_expression("alibaba \"funding round\" -moonshot").as_deref(),
            Some("(\"alibaba\" AND \"funding round\") NOT \"moonshot\"")
        );
    }

    #[test]
    fn fts_syntax_in_user_text_is_neutralised() {
        assert_eq!(
            fts_expression("NEAR(a* OR b)").as_deref(),
            Some("\"NEAR a\" AND \"OR\" AND \"b\"")
        );
        assert_eq!(fts_expression("  \"\" - * ( ) "), None);
    }
}
