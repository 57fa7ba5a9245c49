//! Article rows: insert and read back.

use sqlx::AssertSqlSafe;
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool, Row};
use storyline_model::{Article, Image, Provenance, Provider};

use super::{from_ts, json_list, parse_list, to_ts};
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
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24) \
         ON CONFLICT(id) DO NOTHING RETURNING seq",
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
    .bind(i64::from(a.published))
    .bind(&a.provider.name)
    .bind(&a.provider.domain)
    .bind(json_list(&a.authors))
    .bind(&a.language)
    .bind(json_list(&a.topics))
    .bind(images)
    .bind(&row.content_hash)
    .bind(row.secured.as_ref().or(a.secured_verbatim.as_ref()))
    .bind(i64::from(row.feed_only))
    .fetch_optional(&mut *conn)
    .await
    .ctx("insert article")?;
    if let Some(row) = done
        && let Some(feed_url) = a.provenance.feed_url.as_deref()
    {
        let seq: i64 = row.try_get(0).ctx("inserted article seq")?;
        super::accounts::link_source(conn, seq, feed_url).await?;
    }
    Ok(())
}

/// Rewrites a stored article's text and what is judged from it, keeping its identity (id,
/// arrival order, story, address, outlet).
pub(crate) async fn upgrade(conn: &mut PgConnection, row: &ArticleRow) -> StoreResult<()> {
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

pub(crate) fn from_row(row: &PgRow) -> StoreResult<ArticleRow> {
    let get_err = |e: sqlx::Error| StoreError::Query {
        context: "decode article row",
        source: e,
    };
    let images_text: String = row.try_get("images").map_err(get_err)?;
    let images: Vec<Image> =
        serde_json::from_str(&images_text).map_err(|e| StoreError::Corrupt {
            context: "article images",
            message: e.to_string(),
        })?;
    let published_at: Option<i64> = row.try_get("published_at").map_err(get_err)?;
    let ingested_at: i64 = row.try_get("ingested_at").map_err(get_err)?;
    let quality: Option<i64> = row.try_get("quality").map_err(get_err)?;
    let authors: String = row.try_get("authors").map_err(get_err)?;
    let topics: String = row.try_get("topics").map_err(get_err)?;
    let secured: Option<String> = row.try_get("secured").map_err(get_err)?;
    let published: i64 = row.try_get("published").map_err(get_err)?;
    let feed_only: i64 = row.try_get("feed_only").map_err(get_err)?;
    let article = Article {
        id: row.try_get("id").map_err(get_err)?,
        category: row.try_get("category").map_err(get_err)?,
        title: row.try_get("title").map_err(get_err)?,
        excerpt: row.try_get("excerpt").map_err(get_err)?,
        body: row.try_get("body").map_err(get_err)?,
        published_date_time: published_at.map(from_ts),
        original_url: row.try_get("original_url").map_err(get_err)?,
        web_url: row.try_get("web_url").map_err(get_err)?,
        kind: row.try_get("kind").map_err(get_err)?,
        quality: quality.map(|q| q.clamp(0, 100) as u8),
        heat: -1,
        published: published != 0,
        provider: Provider {
            name: row.try_get("provider_name").map_err(get_err)?,
            domain: row.try_get("provider_domain").map_err(get_err)?,
        },
        authors: parse_list("article authors", &authors)?,
        language: row.try_get("language").map_err(get_err)?,
        topics: parse_list("article topics", &topics)?,
        images,
        provenance: Provenance::default(),
        secured_verbatim: None,
    };
    Ok(ArticleRow {
        article,
        seq: row.try_get("seq").map_err(get_err)?,
        story_id: row.try_get("story_id").map_err(get_err)?,
        duplicate_of: row.try_get("duplicate_of").map_err(get_err)?,
        ingested_at: from_ts(ingested_at),
        content_hash: row.try_get("content_hash").map_err(get_err)?,
        html: row.try_get("html").map_err(get_err)?,
        secured,
        feed_only: feed_only != 0,
    })
}

pub(crate) async fn by_id(pool: &PgPool, id: &str) -> StoreResult<Option<ArticleRow>> {
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
    pool: &PgPool,
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
        "SELECT {columns} FROM articles a WHERE a.story_id = ? \
         ORDER BY COALESCE(a.published_at, a.ingested_at), a.seq"
    )))
    .bind(story_id)
    .fetch_all(pool)
    .await
    .ctx("articles of story")?;
    rows.iter().map(from_row).collect()
}
