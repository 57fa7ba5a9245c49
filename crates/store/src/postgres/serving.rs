//! Reads the web front end needs beyond the pipeline's: topic and provider directories with
//! counts, and the coverage of many stories in one query (a front page shows thirty stories at
//! once; asking for each one separately would cost thirty round trips).

use std::collections::{HashMap, HashSet};

use sqlx::AssertSqlSafe;
use sqlx::PgPool;
use storyline_model::{Provider, Story};

use super::articles::{LISTING_COLUMNS, from_row};
use super::stories;
use super::{text, texts};
use crate::error::{QueryContext, StoreError, StoreResult};
use crate::types::{ArticleRow, StoryCoverage};

/// The most a single `articles_of_stories` call accepts; longer lists are cut.
const MAX_STORIES_PER_CALL: usize = 200;

/// Topics of live stories with how many stories carry each, most common first: one row per
/// topic from `topic_counts`, which triggers keep as stories change (migration 0007).
pub(crate) async fn topic_counts(
    pool: &PgPool,
    published_only: bool,
    limit: u32,
) -> StoreResult<Vec<(String, u64)>> {
    let column = if published_only {
        "published"
    } else {
        "stories"
    };
    let rows: Vec<(String, i64)> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT topic, {column} FROM topic_counts WHERE {column} > 0 \
         ORDER BY {column} DESC, topic LIMIT $1"
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
    pool: &PgPool,
    limit: u32,
) -> StoreResult<Vec<(Provider, u64)>> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT domain, name, articles FROM provider_counts \
         ORDER BY articles DESC, domain LIMIT $1",
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

/// The domain of the outlet known by `name`. `provider_counts` has one row per outlet, so
/// comparing every name costs no more than the directory page does.
pub(crate) async fn provider_domain_named(
    pool: &PgPool,
    name: &str,
) -> StoreResult<Option<String>> {
    let bare = |n: &str| {
        let lower = n.trim().to_lowercase();
        lower
            .strip_prefix("the ")
            .map(str::to_string)
            .unwrap_or(lower)
    };
    let wanted = bare(name);
    if wanted.is_empty() {
        return Ok(None);
    }
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT domain, name FROM provider_counts WHERE domain <> '' \
         ORDER BY articles DESC, domain",
    )
    .fetch_all(pool)
    .await
    .ctx("provider by name")?;
    Ok(rows
        .into_iter()
        .find(|(_, known)| bare(known) == wanted)
        .map(|(domain, _)| domain))
}

/// All coverage of the listed stories (at most 200 stories), each story's oldest first,
/// without the texts (cards show none).
pub(crate) async fn articles_of_stories(
    pool: &PgPool,
    story_ids: &[String],
) -> StoreResult<Vec<ArticleRow>> {
    let ids = &story_ids[..story_ids.len().min(MAX_STORIES_PER_CALL)];
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {LISTING_COLUMNS} FROM articles a WHERE a.story_id = ANY($1) \
         ORDER BY a.story_id, COALESCE(a.published_at, a.ingested_at), a.seq"
    )))
    .bind(texts(ids))
    .fetch_all(pool)
    .await
    .ctx("articles of stories")?;
    rows.iter().map(from_row).collect()
}

/// A story, following merges, with its coverage oldest first and without the texts: the reads
/// of a story page on one connection, the story row and its redirect in one query.
pub(crate) async fn story_coverage(pool: &PgPool, id: &str) -> StoreResult<Option<StoryCoverage>> {
    let mut conn = pool.acquire().await.ctx("story coverage: connection")?;
    let story_sql = format!(
        "SELECT {}, s.merged_into FROM stories s WHERE s.id = $1",
        stories::COLUMNS
    );
    let mut current = text(id).into_owned();
    let mut found = None;
    for _ in 0..stories::MAX_REDIRECTS {
        let row = sqlx::query(AssertSqlSafe(story_sql.as_str()))
            .bind(&current)
            .fetch_optional(&mut *conn)
            .await
            .ctx("story coverage: story")?;
        let Some(row) = row else {
            return Ok(None);
        };
        match stories::merged_into(&row)? {
            Some(target) => current = target,
            None => {
                found = Some(stories::from_row(&row)?);
                break;
            }
        }
    }
    let Some(story) = found else {
        return Err(StoreError::Corrupt {
            context: "story redirects",
            message: format!("redirect chain from {id} does not end"),
        });
    };
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {LISTING_COLUMNS} FROM articles a WHERE a.story_id = $1 \
         ORDER BY COALESCE(a.published_at, a.ingested_at), a.seq"
    )))
    .bind(&story.id)
    .fetch_all(&mut *conn)
    .await
    .ctx("story coverage: articles")?;
    let articles = rows.iter().map(from_row).collect::<StoreResult<Vec<_>>>()?;
    let links = stories::links(&mut conn, &story.id).await?;
    Ok(Some(StoryCoverage {
        story,
        articles,
        links,
    }))
}

/// Stories by id in one query (at most 200), each following merges: one entry per id asked
/// (`None` for an unknown id or one past the 200th).
pub(crate) async fn stories_by_ids(
    pool: &PgPool,
    ids: &[String],
) -> StoreResult<Vec<Option<Story>>> {
    let asked = &ids[..ids.len().min(MAX_STORIES_PER_CALL)];
    if asked.is_empty() {
        return Ok(vec![None; ids.len()]);
    }
    let asked = texts(asked);
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {}, s.merged_into FROM stories s WHERE s.id = ANY($1)",
        stories::COLUMNS
    )))
    .bind(&asked)
    .fetch_all(pool)
    .await
    .ctx("stories by ids")?;
    let mut live: HashMap<String, Story> = HashMap::new();
    let mut merged: HashSet<String> = HashSet::new();
    for row in &rows {
        let merged_into = stories::merged_into(row)?;
        let story = stories::from_row(row)?;
        if merged_into.is_some() {
            merged.insert(story.id);
        } else {
            live.insert(story.id.clone(), story);
        }
    }
    let mut out = Vec::with_capacity(ids.len());
    for id in &asked {
        let story = if let Some(story) = live.get(id) {
            Some(story.clone())
        } else if merged.contains(id) {
            // Rare (merges drop their links, and move their articles): followed on its own.
            match stories::resolve(pool, id).await? {
                Some(target) => stories::by_id(pool, &target).await?,
                None => None,
            }
        } else {
            None
        };
        out.push(story);
    }
    // Past the 200th, none.
    out.resize(ids.len(), None);
    Ok(out)
}
