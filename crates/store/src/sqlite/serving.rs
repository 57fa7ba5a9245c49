//! Reads the web front end needs beyond the pipeline's: topic and provider directories with
//! counts, and the coverage of many stories in one query (a front page shows thirty stories at
//! once; asking for each one separately would cost thirty round trips).

use sqlx::AssertSqlSafe;
use sqlx::SqlitePool;
use storyline_model::Provider;

use super::articles::{COLUMNS, from_row};
use crate::error::{QueryContext, StoreResult};
use crate::types::ArticleRow;

/// The most a single `articles_of_stories` call accepts; longer lists are cut.
const MAX_STORIES_PER_CALL: usize = 200;

/// Topics of live stories with how many stories carry each, most common first.
pub(crate) async fn topic_counts(
    pool: &SqlitePool,
    published_only: bool,
    limit: u32,
) -> StoreResult<Vec<(String, u64)>> {
    let published = if published_only {
        " AND s.published = 1"
    } else {
        ""
    };
    let rows: Vec<(String, i64)> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT t.value, COUNT(*) AS n FROM stories s, json_each(s.topics) t \
         WHERE s.merged_into IS NULL AND s.article_count > 0{published} \
         GROUP BY t.value ORDER BY n DESC, t.value LIMIT ?"
    )))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .ctx("topic counts")?;
    Ok(rows
        .into_iter()
        .map(|(topic, n)| (topic, n.max(0) as u64))
        .collect())
}

/// Providers with how many articles each has, most prolific first.
pub(crate) async fn provider_counts(
    pool: &SqlitePool,
    limit: u32,
) -> StoreResult<Vec<(Provider, u64)>> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT provider_domain, MAX(provider_name), COUNT(*) AS n FROM articles \
         GROUP BY provider_domain ORDER BY n DESC, provider_domain LIMIT ?",
    )
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .ctx("provider counts")?;
    Ok(rows
        .into_iter()
        .map(|(domain, name, n)| (Provider { name, domain }, n.max(0) as u64))
        .collect())
}

/// All coverage of the listed stories (at most 200 stories), each story's oldest first.
pub(crate) async fn articles_of_stories(
    pool: &SqlitePool,
    story_ids: &[String],
) -> StoreResult<Vec<ArticleRow>> {
    let ids = &story_ids[..story_ids.len().min(MAX_STORIES_PER_CALL)];
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; ids.len()].join(", ");
    let sql = format!(
        "SELECT {COLUMNS} FROM articles a WHERE a.story_id IN ({marks}) \
         ORDER BY a.story_id, COALESCE(a.published_at, a.ingested_at), a.seq"
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for id in ids {
        query = query.bind(id);
    }
    let rows = query.fetch_all(pool).await.ctx("articles of stories")?;
    rows.iter().map(from_row).collect()
}
