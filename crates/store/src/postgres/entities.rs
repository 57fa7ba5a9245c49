//! The entities articles name: written with each article, read back for entity pages (the
//! stories that name one, newest first), a story's key entities and the trending ones.

use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, PgConnection, PgPool, Row};
use storyline_model::Story;

use super::stories::{self, COLUMNS};
use super::text;
use super::to_ts;
use crate::error::{QueryContext, StoreResult};
use crate::types::{EntityMention, EntitySummary};

/// Replaces the entities stored for an article (by id; nothing when it is not stored).
///
/// As SQLite's `INSERT OR IGNORE` does, a second mention of a slug in the list and a mention
/// of a kind the schema does not know are left out (the first of a slug is kept).
pub(crate) async fn replace(
    conn: &mut PgConnection,
    article_id: &str,
    entities: &[EntityMention],
) -> StoreResult<()> {
    let seq: Option<i64> = sqlx::query_scalar("SELECT seq FROM articles WHERE id = $1")
        .bind(text(article_id))
        .fetch_optional(&mut *conn)
        .await
        .ctx("entities: article")?;
    let Some(seq) = seq else {
        return Ok(());
    };
    sqlx::query("DELETE FROM article_entities WHERE article_seq = $1")
        .bind(seq)
        .execute(&mut *conn)
        .await
        .ctx("entities: clear")?;
    if entities.is_empty() {
        return Ok(());
    }
    let text = |f: fn(&EntityMention) -> &str| -> Vec<String> {
        entities.iter().map(|e| text(f(e)).into_owned()).collect()
    };
    let mentions: Vec<i64> = entities.iter().map(|e| i64::from(e.mentions)).collect();
    sqlx::query(
        "INSERT INTO article_entities (article_seq, slug, name, kind, mentions) \
         SELECT $1, e.slug, e.name, e.kind, e.mentions \
         FROM UNNEST($2::text[], $3::text[], $4::text[], $5::bigint[]) \
              WITH ORDINALITY AS e(slug, name, kind, mentions, n) \
         WHERE e.kind IN ('organization', 'person', 'place') ORDER BY e.n \
         ON CONFLICT DO NOTHING",
    )
    .bind(seq)
    .bind(text(|e| e.slug.as_str()))
    .bind(text(|e| e.name.as_str()))
    .bind(text(|e| e.kind.as_str()))
    .bind(mentions)
    .execute(&mut *conn)
    .await
    .ctx("entities: insert")?;
    Ok(())
}

fn summary(row: &sqlx::postgres::PgRow) -> StoreResult<EntitySummary> {
    let e = |err: sqlx::Error| crate::error::StoreError::Query {
        context: "entity row",
        source: err,
    };
    let articles: i64 = row.try_get("articles").map_err(e)?;
    let heat: i64 = row.try_get("heat").map_err(e)?;
    Ok(EntitySummary {
        slug: row.try_get("slug").map_err(e)?,
        name: row.try_get("name").map_err(e)?,
        kind: row.try_get("kind").map_err(e)?,
        articles: articles.max(0) as u64,
        heat,
    })
}

/// An entity by slug, with how many articles name it; `None` when none does.
pub(crate) async fn entity(pool: &PgPool, slug: &str) -> StoreResult<Option<EntitySummary>> {
    // the most used spelling and kind
    let row = sqlx::query(
        "SELECT slug, name, kind, \
         (SELECT COUNT(*) FROM article_entities WHERE slug = $1) AS articles, \
         0::bigint AS heat FROM article_entities WHERE slug = $1 \
         GROUP BY slug, name, kind ORDER BY COUNT(*) DESC, name, kind LIMIT 1",
    )
    .bind(text(slug))
    .fetch_optional(pool)
    .await
    .ctx("entity")?;
    row.as_ref().map(summary).transpose()
}

/// The live stories whose coverage names the entity, newest coverage first.
pub(crate) async fn stories_naming(
    pool: &PgPool,
    slug: &str,
    published_only: bool,
    limit: u32,
    offset: u32,
) -> StoreResult<Vec<Story>> {
    let published = if published_only {
        " AND s.published = 1"
    } else {
        ""
    };
    // A story with no time at all comes last, as SQLite sorts a missing value when
    // descending.
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM (SELECT DISTINCT a.story_id FROM article_entities e \
         JOIN articles a ON a.seq = e.article_seq WHERE e.slug = $1) x \
         JOIN stories s ON s.id = x.story_id \
         WHERE s.merged_into IS NULL AND s.article_count > 0{published} \
         ORDER BY COALESCE(s.last_published, s.first_published) DESC NULLS LAST, s.id \
         LIMIT $2 OFFSET $3"
    )))
    .bind(text(slug))
    .bind(i64::from(limit))
    .bind(i64::from(offset))
    .fetch_all(pool)
    .await
    .ctx("stories naming an entity")?;
    rows.iter().map(stories::from_row).collect()
}

/// The entities a story's coverage names, those named by most of its articles first.
pub(crate) async fn of_story(
    pool: &PgPool,
    story_id: &str,
    limit: u32,
) -> StoreResult<Vec<EntitySummary>> {
    let rows = sqlx::query(
        "SELECT e.slug, MAX(e.name) AS name, MAX(e.kind) AS kind, COUNT(*) AS articles, \
         0::bigint AS heat FROM articles a JOIN article_entities e ON e.article_seq = a.seq \
         WHERE a.story_id = $1 AND a.duplicate_of IS NULL \
         GROUP BY e.slug ORDER BY COUNT(*) DESC, SUM(e.mentions) DESC, e.slug LIMIT $2",
    )
    .bind(text(story_id))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .ctx("entities of a story")?;
    rows.iter().map(summary).collect()
}

/// The entities with the most heat: each entity's heat is the sum, over the live, published
/// stories naming it in articles published since `since`, of the story's heat times the
/// share of its articles that name it (a name every report carries takes the story's whole
/// heat; one cited in a single piece of twenty, a twentieth).
///
/// The shares are doubles and the sum is rounded half away from zero, as SQLite's `ROUND`
/// does (PostgreSQL's `round` of a double rounds half to even).
pub(crate) async fn trending(
    pool: &PgPool,
    since: DateTime<Utc>,
    limit: u32,
) -> StoreResult<Vec<EntitySummary>> {
    let rows = sqlx::query(
        "SELECT x.slug, MAX(x.name) AS name, MAX(x.kind) AS kind, \
         SUM(x.articles)::bigint AS articles, \
         floor(SUM(s.heat * LEAST(1.0::float8, \
               x.articles::float8 / GREATEST(s.article_count, 1))) + 0.5)::bigint AS heat \
         FROM (SELECT e.slug, MAX(e.name) AS name, MAX(e.kind) AS kind, a.story_id, \
                      COUNT(*) AS articles \
               FROM articles a JOIN article_entities e ON e.article_seq = a.seq \
               WHERE a.published_at >= $1 AND a.published = 1 \
               GROUP BY e.slug, a.story_id) x \
         JOIN stories s ON s.id = x.story_id \
         WHERE s.merged_into IS NULL AND s.published = 1 AND s.heat > 0 \
         GROUP BY x.slug ORDER BY heat DESC, x.slug LIMIT $2",
    )
    .bind(to_ts(since))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .ctx("trending entities")?;
    rows.iter().map(summary).collect()
}
