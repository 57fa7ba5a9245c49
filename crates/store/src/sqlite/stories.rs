//! Story rows: summaries, merges (a merged id keeps redirecting) and related-story links.

use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};
use storyline_model::{Story, StoryLink};

use super::{json_list, to_ts};
use crate::error::{QueryContext, StoreError, StoreResult};
use crate::types::StoryQuery;

pub(crate) const COLUMNS: &str = "s.id, s.title, s.lead_article_id, s.heat, s.article_count, s.provider_count, \
    s.first_published, s.last_published, s.topics, s.published, s.pinned";

/// How many redirects `resolve` follows before it gives up (a cycle would be a bug).
pub(crate) const MAX_REDIRECTS: usize = 64;

pub(crate) fn from_row(row: &SqliteRow) -> StoreResult<Story> {
    crate::rows::story(row)
}

/// The story a row was merged into, for queries that select `s.merged_into` beside
/// [`COLUMNS`].
pub(crate) fn merged_into(row: &SqliteRow) -> StoreResult<Option<String>> {
    row.try_get("merged_into")
        .map_err(|source| StoreError::Query {
            context: "decode story row",
            source,
        })
}

/// Creates or replaces a story's summary. Editorial flags (`published`, `pinned`) of an
/// existing story are kept: they belong to the editor, not to the pipeline.
pub(crate) async fn upsert(conn: &mut SqliteConnection, story: &Story) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO stories (id, title, lead_article_id, heat, article_count, provider_count, \
         first_published, last_published, topics, published, pinned, merged_into, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?) \
         ON CONFLICT(id) DO UPDATE SET title = excluded.title, \
         lead_article_id = excluded.lead_article_id, heat = excluded.heat, \
         article_count = excluded.article_count, provider_count = excluded.provider_count, \
         first_published = excluded.first_published, last_published = excluded.last_published, \
         topics = excluded.topics, merged_into = NULL, updated_at = excluded.updated_at",
    )
    .bind(&story.id)
    .bind(&story.title)
    .bind(&story.lead_article_id)
    .bind(i64::from(story.heat))
    .bind(i64::from(story.article_count))
    .bind(i64::from(story.provider_count))
    .bind(story.first_published.map(to_ts))
    .bind(story.last_published.map(to_ts))
    .bind(json_list(&story.topics))
    .bind(story.published)
    .bind(story.pinned)
    .bind(to_ts(Utc::now()))
    .execute(&mut *conn)
    .await
    .ctx("upsert story")?;
    Ok(())
}

/// Moves every article of `from` into `into` and leaves `from` as a redirect.
pub(crate) async fn merge(conn: &mut SqliteConnection, from: &str, into: &str) -> StoreResult<()> {
    if from == into {
        return Ok(());
    }
    sqlx::query("UPDATE articles SET story_id = ? WHERE story_id = ?")
        .bind(into)
        .bind(from)
        .execute(&mut *conn)
        .await
        .ctx("merge: move articles")?;
    // Earlier redirects to `from` now lead to `into` directly.
    sqlx::query("UPDATE stories SET merged_into = ? WHERE merged_into = ?")
        .bind(into)
        .bind(from)
        .execute(&mut *conn)
        .await
        .ctx("merge: retarget redirects")?;
    sqlx::query(
        "UPDATE stories SET merged_into = ?, article_count = 0, updated_at = ? WHERE id = ?",
    )
    .bind(into)
    .bind(to_ts(Utc::now()))
    .bind(from)
    .execute(&mut *conn)
    .await
    .ctx("merge: redirect story")?;
    sqlx::query("DELETE FROM story_links WHERE story_id = ? OR related_story_id = ?")
        .bind(from)
        .bind(from)
        .execute(&mut *conn)
        .await
        .ctx("merge: drop links")?;
    Ok(())
}

pub(crate) async fn replace_links(
    conn: &mut SqliteConnection,
    story_id: &str,
    links: &[StoryLink],
) -> StoreResult<()> {
    sqlx::query("DELETE FROM story_links WHERE story_id = ?")
        .bind(story_id)
        .execute(&mut *conn)
        .await
        .ctx("replace links: delete")?;
    for link in links.iter().filter(|l| l.related_story_id != story_id) {
        sqlx::query(
            "INSERT INTO story_links (story_id, related_story_id, score) VALUES (?, ?, ?) \
             ON CONFLICT(story_id, related_story_id) DO UPDATE SET score = excluded.score",
        )
        .bind(story_id)
        .bind(&link.related_story_id)
        .bind(f64::from(link.score))
        .execute(&mut *conn)
        .await
        .ctx("replace links: insert")?;
    }
    Ok(())
}

pub(crate) async fn resolve(pool: &SqlitePool, id: &str) -> StoreResult<Option<String>> {
    let mut current = id.to_string();
    for _ in 0..MAX_REDIRECTS {
        let next: Option<Option<String>> =
            sqlx::query_scalar("SELECT merged_into FROM stories WHERE id = ?")
                .bind(&current)
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

pub(crate) async fn by_id(pool: &SqlitePool, id: &str) -> StoreResult<Option<Story>> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM stories s WHERE s.id = ?"
    )))
    .bind(id)
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
enum Driver {
    Heat,
    Topic,
    Provider,
}

pub(crate) async fn list(pool: &SqlitePool, q: &StoryQuery) -> StoreResult<Vec<Story>> {
    if let Some(slug) = &q.entity {
        return super::entities::stories_naming(pool, slug, q.published_only, q.limit, q.offset)
            .await;
    }
    let mut conn = pool.acquire().await.ctx("list stories: connection")?;
    // How many stories a topic has and how many articles a provider has, from the counts
    // the triggers keep (migrations 0004 and 0007): none means an empty page at once.
    let topic_size = match &q.topic {
        Some(topic) => Some(
            kept_count(
                &mut conn,
                "SELECT stories FROM topic_counts WHERE topic = ?",
                topic,
            )
            .await?,
        ),
        None => None,
    };
    let provider_size = match &q.provider {
        Some(domain) => Some(
            kept_count(
                &mut conn,
                "SELECT articles FROM provider_counts WHERE domain = ?",
                domain,
            )
            .await?,
        ),
        None => None,
    };
    if topic_size == Some(0) || provider_size.is_some_and(|n| n <= 0) {
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
    // CROSS JOIN keeps SQLite from turning a small filter back into a walk of every story.
    let from = match driver {
        Driver::Heat => "stories s",
        Driver::Topic => "story_topics st CROSS JOIN stories s ON s.id = st.story_id",
        Driver::Provider => {
            "(SELECT DISTINCT story_id FROM articles WHERE provider_domain = ?) p \
             CROSS JOIN stories s ON s.id = p.story_id"
        }
    };
    let mut sql =
        format!("SELECT {COLUMNS} FROM {from} WHERE s.merged_into IS NULL AND s.article_count > 0");
    if q.published_only {
        sql.push_str(" AND s.published = 1");
    }
    match driver {
        Driver::Topic => sql.push_str(" AND st.topic = ?"),
        _ if q.topic.is_some() => sql
            .push_str(" AND EXISTS (SELECT 1 FROM json_each(s.topics) WHERE json_each.value = ?)"),
        _ => {}
    }
    if q.provider.is_some() && !matches!(driver, Driver::Provider) {
        sql.push_str(
            " AND EXISTS (SELECT 1 FROM articles a WHERE a.story_id = s.id AND a.provider_domain = ?)",
        );
    }
    sql.push_str(
        " ORDER BY s.pinned DESC, s.heat DESC, s.last_published DESC, s.id LIMIT ? OFFSET ?",
    );
    // Binds in the order their `?` appear: the provider driver's in FROM, then the topic,
    // then the provider's EXISTS.
    let mut query = sqlx::query(AssertSqlSafe(sql));
    if let (Driver::Provider, Some(provider)) = (&driver, &q.provider) {
        query = query.bind(provider);
    }
    if let Some(topic) = &q.topic {
        query = query.bind(topic);
    }
    if let (false, Some(provider)) = (matches!(driver, Driver::Provider), &q.provider) {
        query = query.bind(provider);
    }
    let rows = query
        .bind(i64::from(q.limit))
        .bind(i64::from(q.offset))
        .fetch_all(&mut *conn)
        .await
        .ctx("list stories")?;
    rows.iter().map(from_row).collect()
}

/// One count the triggers keep, by its key; 0 when there is no row.
async fn kept_count(conn: &mut SqliteConnection, sql: &'static str, key: &str) -> StoreResult<i64> {
    Ok(sqlx::query_scalar::<_, i64>(sql)
        .bind(key)
        .fetch_optional(&mut *conn)
        .await
        .ctx("list stories: filter size")?
        .unwrap_or(0))
}

pub(crate) async fn links(
    conn: &mut SqliteConnection,
    story_id: &str,
) -> StoreResult<Vec<StoryLink>> {
    let rows: Vec<(String, String, f64)> = sqlx::query_as(
        "SELECT story_id, related_story_id, score FROM story_links WHERE story_id = ?1 \
         UNION SELECT related_story_id, story_id, score FROM story_links WHERE related_story_id = ?1 \
         ORDER BY 3 DESC",
    )
    .bind(story_id)
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

pub(crate) async fn active_since(
    pool: &SqlitePool,
    since: DateTime<Utc>,
) -> StoreResult<Vec<Story>> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM stories s WHERE s.merged_into IS NULL AND s.last_published >= ?"
    )))
    .bind(to_ts(since))
    .fetch_all(pool)
    .await
    .ctx("active stories")?;
    rows.iter().map(from_row).collect()
}
