//! Article rows: insert and read back.

use sqlx::AssertSqlSafe;
use sqlx::sqlite::SqliteRow;
use sqlx::{SqliteConnection, SqlitePool};
use storyline_model::Image;

use super::{json_list, to_ts};
use crate::error::{QueryContext, StoreError, StoreResult};
use crate::types::ArticleRow;

/// Columns read for an [`ArticleRow`], in the order [`from_row`] expects by name.
pub(crate) const COLUMNS: &str = "a.seq, a.id, a.story_id, a.duplicate_of, a.category, a.title, \
    a.excerpt, a.body, a.html, a.published_at, a.ingested_at, a.original_url, a.web_url, a.kind, \
    a.quality, a.published, a.provider_name, a.provider_domain, a.authors, a.language, a.topics, \
    a.images, a.content_hash, a.secured, a.feed_only";

/// The same columns for listings (story pages, cards), which show no text: body, HTML and the
/// sealed part are left empty, so a story with long articles costs no more to list than a
/// short one.
pub(crate) const LISTING_COLUMNS: &str = "a.seq, a.id, a.story_id, a.duplicate_of, a.category, \
    a.title, a.excerpt, '' AS body, NULL AS html, a.published_at, a.ingested_at, a.original_url, \
    a.web_url, a.kind, a.quality, a.published, a.provider_name, a.provider_domain, a.authors, \
    a.language, a.topics, a.images, a.content_hash, NULL AS secured, a.feed_only";

/// An article's images as their JSON column.
pub(crate) fn images_json(images: &[Image]) -> StoreResult<String> {
    serde_json::to_string(images).map_err(|e| StoreError::Corrupt {
        context: "article images",
        message: e.to_string(),
    })
}

pub(crate) async fn insert(conn: &mut SqliteConnection, row: &ArticleRow) -> StoreResult<()> {
    let a = &row.article;
    let images = images_json(&a.images)?;
    let done = sqlx::query(
        "INSERT INTO articles (id, story_id, duplicate_of, category, title, excerpt, body, html, \
         published_at, ingested_at, original_url, web_url, kind, quality, published, provider_name, \
         provider_domain, authors, language, topics, images, content_hash, secured, feed_only) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT(id) DO NOTHING",
    )
    .bind(&a.id)
    .bind(&row.story_id)
    .bind(&row.duplicate_of)
    .bind(&a.category)
    .bind(&a.title)
    .bind(&a.excerpt)
    .bind(&a.body)
    .bind(&row.html)
    .bind(a.published_date_time.map(to_ts))
    .bind(to_ts(row.ingested_at))
    .bind(&a.original_url)
    .bind(&a.web_url)
    .bind(&a.kind)
    .bind(a.quality.map(i64::from))
    .bind(a.published)
    .bind(&a.provider.name)
    .bind(&a.provider.domain)
    .bind(json_list(&a.authors))
    .bind(&a.language)
    .bind(json_list(&a.topics))
    .bind(images)
    .bind(&row.content_hash)
    .bind(row.secured.as_ref().or(a.secured_verbatim.as_ref()))
    .bind(row.feed_only)
    .execute(&mut *conn)
    .await
    .ctx("insert article")?;
    if done.rows_affected() > 0
        && let Some(feed_url) = a.provenance.feed_url.as_deref()
    {
        super::accounts::link_source(conn, done.last_insert_rowid(), feed_url).await?;
    }
    Ok(())
}

/// Rewrites a stored article's text and what is judged from it, keeping its identity (id,
/// arrival order, story, address, outlet).
pub(crate) async fn upgrade(conn: &mut SqliteConnection, row: &ArticleRow) -> StoreResult<()> {
    let a = &row.article;
    let images = images_json(&a.images)?;
    sqlx::query(
        "UPDATE articles SET category = ?, title = ?, excerpt = ?, body = ?, html = ?, \
         published_at = ?, quality = ?, authors = ?, language = ?, topics = ?, images = ?, \
         content_hash = ?, secured = ?, feed_only = ? WHERE id = ?",
    )
    .bind(&a.category)
    .bind(&a.title)
    .bind(&a.excerpt)
    .bind(&a.body)
    .bind(&row.html)
    .bind(a.published_date_time.map(to_ts))
    .bind(a.quality.map(i64::from))
    .bind(json_list(&a.authors))
    .bind(&a.language)
    .bind(json_list(&a.topics))
    .bind(images)
    .bind(&row.content_hash)
    .bind(row.secured.as_ref().or(a.secured_verbatim.as_ref()))
    .bind(row.feed_only)
    .bind(&a.id)
    .execute(&mut *conn)
    .await
    .ctx("upgrade article")?;
    Ok(())
}

pub(crate) fn from_row(row: &SqliteRow) -> StoreResult<ArticleRow> {
    crate::rows::article(row)
}

pub(crate) async fn by_id(pool: &SqlitePool, id: &str) -> StoreResult<Option<ArticleRow>> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM articles a WHERE a.id = ?"
    )))
    .bind(id)
    .fetch_optional(pool)
    .await
    .ctx("article by id")?;
    row.as_ref().map(from_row).transpose()
}

pub(crate) async fn after(
    pool: &SqlitePool,
    after_seq: i64,
    limit: u32,
) -> StoreResult<Vec<ArticleRow>> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM articles a WHERE a.seq > ? ORDER BY a.seq LIMIT ?"
    )))
    .bind(after_seq)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .ctx("articles after seq")?;
    rows.iter().map(from_row).collect()
}

pub(crate) async fn of_story(pool: &SqlitePool, story_id: &str) -> StoreResult<Vec<ArticleRow>> {
    of_story_with(pool, story_id, COLUMNS).await
}

/// A story's articles without their texts (body, HTML, sealed part): what its summary needs.
pub(crate) async fn members_of_story(
    pool: &SqlitePool,
    story_id: &str,
) -> StoreResult<Vec<ArticleRow>> {
    of_story_with(pool, story_id, LISTING_COLUMNS).await
}

async fn of_story_with(
    pool: &SqlitePool,
    story_id: &str,
    columns: &str,
) -> StoreResult<Vec<ArticleRow>> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {columns} FROM articles a WHERE a.story_id = ? \
         ORDER BY COALESCE(a.published_at, a.ingested_at), a.seq"
    )))
    .bind(story_id)
    .fetch_all(pool)
    .await
    .ctx("articles of story")?;
    rows.iter().map(from_row).collect()
}
