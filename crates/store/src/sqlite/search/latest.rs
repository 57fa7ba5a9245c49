//! The newest articles that pass filters alone (no words): the API's article listing.
//! Topic and provider filters walk their `facets` doclists newest first, as a filtered
//! search does; a date range bounds the walk by `published_days`; with no filter the walk
//! is the articles table's own `seq` order. Each page costs its rows (plus its offset),
//! never a pass over the archive.

use std::fmt::Write;

use sqlx::{AssertSqlSafe, SqlitePool};

use super::super::articles::{LISTING_COLUMNS, from_row};
use super::super::to_ts;
use super::{days, facets};
use crate::error::{QueryContext, StoreResult};
use crate::types::{ArticleQuery, ArticleRow};

/// What the public sees of an article: published, from a provider not blocked, in a
/// published story that was not merged away (or in no story).
pub(crate) const VISIBLE: &str = " AND a.published = 1 \
    AND NOT EXISTS (SELECT 1 FROM blocked_providers b WHERE b.domain = a.provider_domain) \
    AND (a.story_id IS NULL OR EXISTS (SELECT 1 FROM stories s \
         WHERE s.id = a.story_id AND s.published = 1 AND s.merged_into IS NULL))";

pub(crate) async fn run(pool: &SqlitePool, q: &ArticleQuery) -> StoreResult<Vec<ArticleRow>> {
    let mut conn = pool.acquire().await.ctx("articles: connection")?;
    let Some(span) = days::span(&mut conn, q.from, q.to).await? else {
        return Ok(Vec::new());
    };
    let mut terms = Vec::new();
    terms.extend(q.provider.as_deref().map(facets::provider));
    terms.extend(q.topic.as_deref().map(facets::topic));
    terms.extend(span.as_ref().and_then(|s| s.terms.clone()));

    // The rowid of the index is minus `seq`: ascending rowid is newest first.
    let (mut sql, order) = if terms.is_empty() {
        let mut sql = format!("SELECT {LISTING_COLUMNS} FROM articles a WHERE 1");
        if span.is_some() {
            sql.push_str(" AND a.seq >= ? AND a.seq <= ?");
        }
        (sql, "a.seq DESC")
    } else {
        let mut sql = format!(
            "SELECT {LISTING_COLUMNS} FROM articles_fts \
             JOIN articles a ON a.seq = -articles_fts.rowid WHERE articles_fts MATCH ?"
        );
        if span.is_some() {
            sql.push_str(" AND articles_fts.rowid >= ? AND articles_fts.rowid <= ?");
        }
        (sql, "articles_fts.rowid")
    };
    if q.from.is_some() {
        sql.push_str(" AND a.published_at >= ?");
    }
    if q.to.is_some() {
        sql.push_str(" AND a.published_at <= ?");
    }
    if q.visible_only {
        sql.push_str(VISIBLE);
    }
    // Bounds are written into the SQL, as the search's are (see `search::run`).
    let _ = write!(
        sql,
        " ORDER BY {order} LIMIT {} OFFSET {}",
        q.limit, q.offset
    );

    let expr = terms.join(" AND ");
    let mut query = sqlx::query(AssertSqlSafe(sql));
    if !terms.is_empty() {
        query = query.bind(&expr);
    }
    if let Some(span) = &span {
        let (low, high) = span.rowids;
        query = if terms.is_empty() {
            query.bind(high.saturating_neg()).bind(low.saturating_neg())
        } else {
            query.bind(low).bind(high)
        };
    }
    if let Some(from) = q.from {
        query = query.bind(to_ts(from));
    }
    if let Some(to) = q.to {
        query = query.bind(to_ts(to));
    }
    let rows = query.fetch_all(&mut *conn).await.ctx("articles: listing")?;
    rows.iter().map(from_row).collect()
}
