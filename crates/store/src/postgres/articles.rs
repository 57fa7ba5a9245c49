//! Article rows: insert and read back.

use sqlx::AssertSqlSafe;
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool, Row};
use storyline_model::Image;

use super::{json_list, opt_text, text, to_ts};
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

pub(crate) async fn insert(conn: &mut PgConnection, row: &ArticleRow) -> StoreResult<()> {
    let a = &row.article;
    let images = images_json(&a.images)?;
    let done = sqlx::query(
        "INSERT INTO articles (id, story_id, duplicate_of, category, title, excerpt, body, html, \
         published_at, ingested_at, original_url, web_url, kind, quality, published, provider_name, \
         provider_domain, authors, language, topics, images, content_hash, secured, feed_only) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
         $18, $19, $20, $21, $22, $23, $24) \
         ON CONFLICT (id) DO NOTHING RETURNING seq",
    )
    .bind(text(&a.id))
    .bind(opt_text(row.story_id.as_deref()))
    .bind(opt_text(row.duplicate_of.as_deref()))
    .bind(text(&a.category))
    .bind(text(&a.title))
    .bind(text(&a.excerpt))
    .bind(text(&a.body))
    .bind(opt_text(row.html.as_deref()))
    .bind(a.published_date_time.map(to_ts))
    .bind(to_ts(row.ingested_at))
    .bind(opt_text(a.original_url.as_deref()))
    .bind(opt_text(a.web_url.as_deref()))
    .bind(text(&a.kind))
    .bind(a.quality.map(i64::from))
    .bind(i64::from(a.published))
    .bind(text(&a.provider.name))
    .bind(text(&a.provider.domain))
    .bind(json_list(&a.authors))
    .bind(opt_text(a.language.as_deref()))
    .bind(json_list(&a.topics))
    .bind(text(&images))
    .bind(text(&row.content_hash))
    .bind(opt_text(
        row.secured.as_deref().or(a.secured_verbatim.as_deref()),
    ))
    .bind(i64::from(row.feed_only))
    .fetch_optional(&mut *conn)
    .await
    .ctx("insert article")?;
    if let Some(row) = done
        && let Some(feed_url) = a.provenance.feed_url.as_deref()
    {
        let seq: i64 = row.try_get(0).ctx("inserted article seq")?;
        super::accounts::link_source(conn, seq, &text(feed_url)).await?;
    }
    Ok(())
}

/// Rewrites a stored article's text and what is judged from it, keeping its identity (id,
/// arrival order, story, address, outlet).
pub(crate) async fn upgrade(conn: &mut PgConnection, row: &ArticleRow) -> StoreResult<()> {
    let a = &row.article;
    let images = images_json(&a.images)?;
    sqlx::query(
        "UPDATE articles SET category = $1, title = $2, excerpt = $3, body = $4, html = $5, \
         published_at = $6, quality = $7, authors = $8, language = $9, topics = $10, \
         images = $11, content_hash = $12, secured = $13, feed_only = $14 WHERE id = $15",
    )
    .bind(text(&a.category))
    .bind(text(&a.title))
    .bind(text(&a.excerpt))
    .bind(text(&a.body))
    .bind(opt_text(row.html.as_deref()))
    .bind(a.published_date_time.map(to_ts))
    .bind(a.quality.map(i64::from))
    .bind(json_list(&a.authors))
    .bind(opt_text(a.language.as_deref()))
    .bind(json_list(&a.topics))
    .bind(text(&images))
    .bind(text(&row.content_hash))
    .bind(opt_text(
        row.secured.as_deref().or(a.secured_verbatim.as_deref()),
    ))
    .bind(i64::from(row.feed_only))
    .bind(text(&a.id))
    .execute(&mut *conn)
    .await
    .ctx("upgrade article")?;
    Ok(())
}

pub(crate) fn from_row(row: &PgRow) -> StoreResult<ArticleRow> {
    crate::rows::article(row)
}

pub(crate) async fn by_id(pool: &PgPool, id: &str) -> StoreResult<Option<ArticleRow>> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM articles a WHERE a.id = $1"
    )))
    .bind(text(id))
    .fetch_optional(pool)
    .await
    .ctx("article by id")?;
    row.as_ref().map(from_row).transpose()
}

pub(crate) async fn after(
    pool: &PgPool,
    after_seq: i64,
    limit: u32,
) -> StoreResult<Vec<ArticleRow>> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM articles a WHERE a.seq > $1 ORDER BY a.seq LIMIT $2"
    )))
    .bind(after_seq)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .ctx("articles after seq")?;
    rows.iter().map(from_row).collect()
}

pub(crate) async fn of_story(pool: &PgPool, story_id: &str) -> StoreResult<Vec<ArticleRow>> {
    of_story_with(pool, story_id, COLUMNS).await
}

/// A story's articles without their texts (body, HTML, sealed part): what its summary needs.
pub(crate) async fn members_of_story(
    pool: &PgPool,
    story_id: &str,
) -> StoreResult<Vec<ArticleRow>> {
    of_story_with(pool, story_id, LISTING_COLUMNS).await
}

async fn of_story_with(
    pool: &PgPool,
    story_id: &str,
    columns: &str,
) -> StoreResult<Vec<ArticleRow>> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {columns} FROM articles a WHERE a.story_id = $1 \
         ORDER BY COALESCE(a.published_at, a.ingested_at), a.seq"
    )))
    .bind(text(story_id))
    .fetch_all(pool)
    .await
    .ctx("articles of story")?;
    rows.iter().map(from_row).collect()
}
