//! What a search index kept outside the database reads: the change log (`search_changes`,
//! written by triggers), the articles it indexes as documents, and the rows
//! of the hits it finds as the store holds them now.
//!
//! Lists of `seq`s are bound as one array (`= ANY($1)`, `unnest`), so a statement is
//! prepared once whatever the length of the list, and each article is one primary-key lookup.

use sqlx::postgres::PgRow;
use sqlx::{AssertSqlSafe, PgPool, Row};

use super::articles::{LISTING_COLUMNS, from_row};
use super::from_ts;
use super::listing::{VISIBLE, VISIBLE_EXPR};
use crate::error::{QueryContext, StoreError, StoreResult};
use crate::types::{HitRow, IndexDoc, SearchChange};

/// The columns of an [`IndexDoc`].
const DOC_COLUMNS: &str = "a.seq, a.id, a.story_id, a.title, a.excerpt, a.body, \
    a.provider_domain, a.topics, a.category, a.language, a.published_at, a.ingested_at";

/// The largest change number.
const LAST_CHANGE_SQL: &str = "SELECT coalesce(max(change), 0) FROM search_changes";

/// The end of a page of the archive: the `seq` of its last article (binds: after, limit).
pub(super) const PAGE_END_SQL: &str =
    "SELECT max(seq) FROM (SELECT seq FROM articles WHERE seq > $1 ORDER BY seq LIMIT $2) p";

/// The visible articles of an array of `seq`s.
pub(super) fn docs_sql() -> String {
    format!("SELECT {DOC_COLUMNS} FROM articles a WHERE a.seq = ANY($1) {VISIBLE} ORDER BY a.seq")
}

/// The visible articles of a page of the archive (binds: after, last).
pub(super) fn docs_after_sql() -> String {
    format!(
        "SELECT {DOC_COLUMNS} FROM articles a WHERE a.seq > $1 AND a.seq <= $2 {VISIBLE} \
         ORDER BY a.seq"
    )
}

/// Hit rows in the order of an array of `seq`s (binds: body characters, the array).
pub(super) fn hit_rows_sql() -> String {
    format!(
        "SELECT {LISTING_COLUMNS}, substr(a.body, 1, $1) AS body_start, \
                s.id IS NOT NULL AND s.merged_into IS NULL AS story_live, \
                coalesce(s.published, 0) <> 0 AS story_published, \
                a.story_id IS NULL AS storyless, {VISIBLE_EXPR} AS visible \
         FROM unnest($2::bigint[]) WITH ORDINALITY AS j(seq, position) \
         JOIN articles a ON a.seq = j.seq \
         LEFT JOIN stories s ON s.id = a.story_id \
         ORDER BY j.position"
    )
}

pub(crate) async fn changes(
    pool: &PgPool,
    after: i64,
    limit: u32,
) -> StoreResult<Vec<SearchChange>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT change, seq FROM search_changes WHERE change > $1 ORDER BY change LIMIT $2",
    )
    .bind(after)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .ctx("search changes")?;
    Ok(rows
        .into_iter()
        .map(|(change, seq)| SearchChange { change, seq })
        .collect())
}

/// The largest change number: one step down the index on `change`.
pub(crate) async fn last_change(pool: &PgPool) -> StoreResult<i64> {
    sqlx::query_scalar(LAST_CHANGE_SQL)
        .fetch_one(pool)
        .await
        .ctx("last search change")
}

pub(crate) async fn docs(pool: &PgPool, seqs: &[i64]) -> StoreResult<Vec<IndexDoc>> {
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(AssertSqlSafe(docs_sql()))
        .bind(seqs)
        .fetch_all(pool)
        .await
        .ctx("index documents")?;
    rows.iter().map(doc_from_row).collect()
}

/// The visible articles among the `limit` after `after_seq`, and the last `seq` of those
/// (`None` when there is none after it). Both reads are ranges of the primary key.
pub(crate) async fn docs_after(
    pool: &PgPool,
    after_seq: i64,
    limit: u32,
) -> StoreResult<(Vec<IndexDoc>, Option<i64>)> {
    let mut conn = pool.acquire().await.ctx("index documents: connection")?;
    let mut tx = sqlx::Connection::begin(&mut *conn)
        .await
        .ctx("index documents: begin")?;
    // Both reads see one snapshot, as in SQLite's transaction.
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await
        .ctx("index documents: snapshot")?;
    let last: Option<i64> = sqlx::query_scalar(PAGE_END_SQL)
        .bind(after_seq)
        .bind(i64::from(limit))
        .fetch_one(&mut *tx)
        .await
        .ctx("index documents: page end")?;
    let Some(last) = last else {
        return Ok((Vec::new(), None));
    };
    let rows = sqlx::query(AssertSqlSafe(docs_after_sql()))
        .bind(after_seq)
        .bind(last)
        .fetch_all(&mut *tx)
        .await
        .ctx("index documents after seq")?;
    tx.commit().await.ctx("index documents: end")?;
    let docs = rows.iter().map(doc_from_row).collect::<StoreResult<_>>()?;
    Ok((docs, Some(last)))
}

pub(crate) async fn hit_rows(
    pool: &PgPool,
    seqs: &[i64],
    body_chars: u32,
) -> StoreResult<Vec<HitRow>> {
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    // substr takes an int4 length.
    let body_chars = i32::try_from(body_chars).unwrap_or(i32::MAX);
    let rows = sqlx::query(AssertSqlSafe(hit_rows_sql()))
        .bind(body_chars)
        .bind(seqs)
        .fetch_all(pool)
        .await
        .ctx("search hit rows")?;
    let decode = |source: sqlx::Error| StoreError::Query {
        context: "decode search hit row",
        source,
    };
    let mut hits = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut article = from_row(row)?;
        article.article.body = row.try_get("body_start").map_err(decode)?;
        let storyless: bool = row.try_get("storyless").map_err(decode)?;
        let story_live: bool = row.try_get("story_live").map_err(decode)?;
        let story_published: bool = row.try_get("story_published").map_err(decode)?;
        hits.push(HitRow {
            article,
            story_live: storyless || story_live,
            story_published: storyless || story_published,
            visible: row.try_get("visible").map_err(decode)?,
        });
    }
    Ok(hits)
}

fn doc_from_row(row: &PgRow) -> StoreResult<IndexDoc> {
    let decode = |source: sqlx::Error| StoreError::Query {
        context: "decode index document",
        source,
    };
    let topics: String = row.try_get("topics").map_err(decode)?;
    let published_at: Option<i64> = row.try_get("published_at").map_err(decode)?;
    let ingested_at: i64 = row.try_get("ingested_at").map_err(decode)?;
    Ok(IndexDoc {
        seq: row.try_get("seq").map_err(decode)?,
        id: row.try_get("id").map_err(decode)?,
        story_id: row.try_get("story_id").map_err(decode)?,
        title: row.try_get("title").map_err(decode)?,
        excerpt: row.try_get("excerpt").map_err(decode)?,
        body: row.try_get("body").map_err(decode)?,
        provider_domain: row.try_get("provider_domain").map_err(decode)?,
        topics: topic_list(&topics),
        category: row.try_get("category").map_err(decode)?,
        language: row.try_get("language").map_err(decode)?,
        published_at: published_at.map(from_ts),
        ingested_at: from_ts(ingested_at),
    })
}

/// An article's topics from their JSON list, read as the `article_topics` rows are
/// (`storyline_list`): the strings of a list, none when the text is not a list.
fn topic_list(text: &str) -> Vec<String> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Array(values)) => values
            .into_iter()
            .filter_map(|value| match value {
                serde_json::Value::String(topic) => Some(topic),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_are_the_strings_of_a_list() {
        assert_eq!(topic_list(r#"["AI", "Trade"]"#), ["AI", "Trade"]);
        assert_eq!(topic_list(r#"["AI", 3, null]"#), ["AI"]);
        assert!(topic_list("not json").is_empty());
        assert!(topic_list(r#"{"a": "b"}"#).is_empty());
    }
}
