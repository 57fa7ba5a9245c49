//! Story rows: summaries, merges (a merged id keeps redirecting) and related-story links.

use std::fmt::Write;

use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool, Row};
use storyline_model::{Story, StoryLink};

use super::{json_list, text, to_ts};
use crate::error::{QueryContext, StoreError, StoreResult};
use crate::types::StoryQuery;

pub(crate) const COLUMNS: &str = "s.id, s.title, s.lead_article_id, s.heat, s.article_count, s.provider_count, \
    s.first_published, s.last_published, s.topics, s.published, s.pinned";

/// How many redirects `resolve` follows before it gives up (a cycle would be a bug).
pub(crate) const MAX_REDIRECTS: usize = 64;

pub(crate) fn from_row(row: &PgRow) -> StoreResult<Story> {
    crate::rows::story(row)
}

/// The story a row was merged into, for queries that select `s.merged_into` beside
/// [`COLUMNS`].
pub(crate) fn merged_into(row: &PgRow) -> StoreResult<Option<String>> {
    row.try_get("merged_into")
        .map_err(|source| StoreError::Query {
            context: "decode story row",
            source,
        })
}

/// Creates or replaces a story's summary. Editorial flags (`published`, `pinned`) of an
/// existing story are kept: they belong to the editor, not to the pipeline.
pub(crate) async fn upsert(conn: &mut PgConnection, story: &Story) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO stories (id, title, lead_article_id, heat, article_count, provider_count, \
         first_published, last_published, topics, published, pinned, merged_into, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, $12) \
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, \
         lead_article_id = excluded.lead_article_id, heat = excluded.heat, \
         article_count = excluded.article_count, provider_count = excluded.provider_count, \
         first_published = excluded.first_published, last_published = excluded.last_published, \
         topics = excluded.topics, merged_into = NULL, updated_at = excluded.updated_at",
    )
    .bind(text(&story.id))
    .bind(text(&story.title))
    .bind(text(&story.lead_article_id))
    .bind(i64::from(story.heat))
    .bind(i64::from(story.article_count))
    .bind(i64::from(story.provider_count))
    .bind(story.first_published.map(to_ts))
    .bind(story.last_published.map(to_ts))
    .bind(json_list(&story.topics))
    .bind(i64::from(story.published))
    .bind(i64::from(story.pinned))
    .bind(to_ts(Utc::now()))
    .execute(&mut *conn)
    .await
    .ctx("upsert story")?;
    Ok(())
}

/// Moves every article of `from` into `into` and leaves `from` as a redirect.
pub(crate) async fn merge(conn: &mut PgConnection, from: &str, into: &str) -> StoreResult<()> {
    if from == into {
        return Ok(());
    }
    sqlx::query("UPDATE articles SET story_id = $1 WHERE story_id = $2")
        .bind(text(into))
        .bind(text(from))
        .execute(&mut *conn)
        .await
        .ctx("merge: move articles")?;
    // Earlier redirects to `from` now lead to `into` directly.
    sqlx::query("UPDATE stories SET merged_into = $1 WHERE merged_into = $2")
        .bind(text(into))
        .bind(text(from))
        .execute(&mut *conn)
        .await
        .ctx("merge: retarget redirects")?;
    sqlx::query(
        "UPDATE stories SET merged_into = $1, article_count = 0, updated_at = $2 WHERE id = $3",
    )
    .bind(text(into))
    .bind(to_ts(Utc::now()))
    .bind(text(from))
    .execute(&mut *conn)
    .await
    .ctx("merge: redirect story")?;
    sqlx::query("DELETE FROM story_links WHERE story_id = $1 OR related_story_id = $1")
        .bind(text(from))
        .execute(&mut *conn)
        .await
        .ctx("merge: drop links")?;
    Ok(())
}

pub(crate) async fn replace_links(
    conn: &mut PgConnection,
    story_id: &str,
    links: &[StoryLink],
) -> StoreResult<()> {
    sqlx::query("DELETE FROM story_links WHERE story_id = $1")
        .bind(text(story_id))
        .execute(&mut *conn)
        .await
        .ctx("replace links: delete")?;
    for link in links.iter().filter(|l| l.related_story_id != story_id) {
        sqlx::query(
            "INSERT INTO story_links (story_id, related_story_id, score) VALUES ($1, $2, $3) \
             ON CONFLICT (story_id, related_story_id) DO UPDATE SET score = excluded.score",
        )
        .bind(text(story_id))
        .bind(text(&link.related_story_id))
        .bind(f64::from(link.score))
        .execute(&mut *conn)
        .await
        .ctx("replace links: insert")?;
    }
    Ok(())
}

pub(crate) async fn resolve(pool: &PgPool, id: &str) -> StoreResult<Option<String>> {
    let mut current = id.to_string();
    for _ in 0..MAX_REDIRECTS {
        let next: Option<Option<String>> =
            sqlx::query_scalar("SELECT merged_into FROM stories WHERE id = $1")
                .bind(text(&current))
                .fetch_optional(pool)
                .await
                .ctx("resolve story")?;
        match next {
            None => return Ok(None),
            Some(None) => return Ok(Some(current)),
            Some(Some(target)) => current = target,
        }
    }
    Err(StoreError::Corrupt {
        context: "story redirects",
        message: format!("redirect chain from {id} does not end"),
    })
}

pub(crate) async fn by_id(pool: &PgPool, id: &str) -> StoreResult<Option<Story>> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM stories s WHERE s.id = $1"
    )))
    .bind(text(id))
    .fetch_optional(pool)
    .await
    .ctx("story by id")?;
    row.as_ref().map(from_row).transpose()
}

/// A topic with at most this many live stories, or a provider with at most this many
/// articles, is listed from its own rows and only those are sorted; a commoner one by walking
/// the heat order until a page is full, which its density keeps short.
const SMALL_FILTER: i64 = 2_000;

/// Where a story list starts: all stories in heat order, or the few a filter names.
#[derive(Debug, Clone, Copy)]
pub(super) enum Driver {
    Heat,
    Topic,
    Provider,
}

pub(crate) async fn list(pool: &PgPool, q: &StoryQuery) -> StoreResult<Vec<Story>> {
    if let Some(slug) = &q.entity {
        return super::entities::stories_naming(pool, slug, q.published_only, q.limit, q.offset)
            .await;
    }
    let topic = q.topic.as_deref().map(text);
    let provider = q.provider.as_deref().map(text);
    let mut conn = pool.acquire().await.ctx("list stories: connection")?;
    // How many stories a topic has and how many articles a provider has, from the counts
    // the triggers keep: none means an empty page at once.
    let topic_size = match &topic {
        Some(topic) => Some(
            kept_count(
                &mut conn,
                "SELECT stories FROM topic_counts WHERE topic = $1",
                topic,
            )
            .await?,
        ),
        None => None,
    };
    let provider_size = match &provider {
        Some(domain) => Some(
            kept_count(
                &mut conn,
                "SELECT articles FROM provider_counts WHERE domain = $1",
                domain,
            )
            .await?,
        ),
        None => None,
    };
    if topic_size.is_some_and(|n| n <= 0) || provider_size.is_some_and(|n| n <= 0) {
        return Ok(Vec::new());
    }
    let small = |size: Option<i64>| size.is_some_and(|n| n <= SMALL_FILTER);
    let driver = if small(topic_size) {
        Driver::Topic
    } else if small(provider_size) {
        Driver::Provider
    } else {
        Driver::Heat
    };
    let (sql, binds) = statement(q, &driver, topic.as_deref(), provider.as_deref());
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for value in binds {
        query = query.bind(value);
    }
    let rows = query.fetch_all(&mut *conn).await.ctx("list stories")?;
    rows.iter().map(from_row).collect()
}

/// A story looked up by the id that follows, as a filter's rows join their stories: `OFFSET 0`
/// keeps it a lookup per row, where a plain join may hash the whole stories table for a few
/// hundred rows.
const STORY_BY_ID: &str = "SELECT * FROM stories WHERE id =";

/// A story list's statement for `driver`, with the values to bind in order.
pub(super) fn statement<'a>(
    q: &StoryQuery,
    driver: &Driver,
    topic: Option<&'a str>,
    provider: Option<&'a str>,
) -> (String, Vec<&'a str>) {
    let mut binds: Vec<&str> = Vec::new();
    let mut sql = format!("SELECT {COLUMNS} FROM ");
    match (driver, topic, provider) {
        (Driver::Topic, Some(topic), _) => {
            binds.push(topic);
            let _ = write!(
                sql,
                "story_topics st CROSS JOIN LATERAL ({STORY_BY_ID} st.story_id OFFSET 0) s \
                 WHERE st.topic = ${}",
                binds.len()
            );
        }
        (Driver::Provider, _, Some(provider)) => {
            binds.push(provider);
            let _ = write!(
                sql,
                "(SELECT DISTINCT story_id FROM articles WHERE provider_domain = ${}) p \
                 CROSS JOIN LATERAL ({STORY_BY_ID} p.story_id OFFSET 0) s WHERE TRUE",
                binds.len()
            );
        }
        _ => sql.push_str("stories s WHERE TRUE"),
    }
    sql.push_str(" AND s.merged_into IS NULL AND s.article_count > 0");
    if q.published_only {
        sql.push_str(" AND s.published = 1");
    }
    if let (false, Some(topic)) = (matches!(driver, Driver::Topic), topic) {
        // The live stories of a topic are its `story_topics` rows.
        binds.push(topic);
        let _ = write!(
            sql,
            " AND EXISTS (SELECT 1 FROM story_topics t WHERE t.topic = ${} AND t.story_id = s.id)",
            binds.len()
        );
    }
    if let (false, Some(provider)) = (matches!(driver, Driver::Provider), provider) {
        binds.push(provider);
        let _ = write!(
            sql,
            " AND EXISTS (SELECT 1 FROM articles a WHERE a.story_id = s.id \
             AND a.provider_domain = ${})",
            binds.len()
        );
    }
    // SQLite sorts NULL below every value, so a story without a date comes last. In heat
    // order the published stories are read along `stories_front` (merged_into, published,
    // pinned, heat, ...): PostgreSQL does not take `merged_into IS NULL` as fixing the first
    // column, so the order names the two fixed columns first (which changes nothing) to let
    // it walk the index and sort only within a heat. A small filter's stories are sorted.
    let lead = if matches!(driver, Driver::Heat) && q.published_only {
        "s.merged_into, s.published, "
    } else {
        ""
    };
    // Bounds are written into the SQL: a statement planned for any page could walk the
    // index where a sort is cheaper, or sort where the walk is.
    let _ = write!(
        sql,
        " ORDER BY {lead}s.pinned DESC, s.heat DESC, s.last_published DESC NULLS LAST, s.id \
         LIMIT {} OFFSET {}",
        q.limit, q.offset
    );
    (sql, binds)
}

/// One count the triggers keep, by its key; 0 when there is no row.
async fn kept_count(conn: &mut PgConnection, sql: &'static str, key: &str) -> StoreResult<i64> {
    Ok(sqlx::query_scalar::<_, i64>(sql)
        .bind(key)
        .fetch_optional(&mut *conn)
        .await
        .ctx("list stories: filter size")?
        .unwrap_or(0))
}

pub(crate) async fn links(conn: &mut PgConnection, story_id: &str) -> StoreResult<Vec<StoryLink>> {
    let rows: Vec<(String, String, f64)> = sqlx::query_as(
        "SELECT story_id, related_story_id, score FROM story_links WHERE story_id = $1 \
         UNION SELECT related_story_id, story_id, score FROM story_links WHERE related_story_id = $1 \
         ORDER BY 3 DESC, 2",
    )
    .bind(text(story_id))
    .fetch_all(&mut *conn)
    .await
    .ctx("story links")?;
    let mut seen = std::collections::HashSet::new();
    Ok(rows
        .into_iter()
        .filter(|(_, related, _)| seen.insert(related.clone()))
        .map(|(story_id, related_story_id, score)| StoryLink {
            story_id,
            related_story_id,
            score: score as f32,
        })
        .collect())
}

pub(crate) async fn active_since(pool: &PgPool, since: DateTime<Utc>) -> StoreResult<Vec<Story>> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM stories s WHERE s.merged_into IS NULL AND s.last_published >= $1 \
         ORDER BY s.id"
    )))
    .bind(to_ts(since))
    .fetch_all(pool)
    .await
    .ctx("active stories")?;
    rows.iter().map(from_row).collect()
}
