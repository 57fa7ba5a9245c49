//! What both backends share below their SQL: time and list columns, and the decoding of an
//! article or story row. Both stores keep the same columns with the same values (integers
//! for times and 0/1 flags, JSON text for lists), so a row reads the same way from either.

use chrono::{DateTime, TimeZone, Utc};
use sqlx::Row;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use storyline_model::{Article, Image, Provenance, Provider, Story};

use crate::error::{StoreError, StoreResult};
use crate::types::ArticleRow;

pub(crate) fn to_ts(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

pub(crate) fn from_ts(ts: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(ts, 0).single().unwrap_or_default()
}

pub(crate) fn parse_list(context: &'static str, text: &str) -> StoreResult<Vec<String>> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt {
        context,
        message: e.to_string(),
    })
}

/// A row's columns by name, as the two backends' rows give them.
pub(crate) trait Columns {
    fn text(&self, column: &str) -> Result<String, sqlx::Error>;
    fn opt_text(&self, column: &str) -> Result<Option<String>, sqlx::Error>;
    fn int(&self, column: &str) -> Result<i64, sqlx::Error>;
    fn opt_int(&self, column: &str) -> Result<Option<i64>, sqlx::Error>;
}

macro_rules! columns_of {
    ($row:ty) => {
        impl Columns for $row {
            fn text(&self, column: &str) -> Result<String, sqlx::Error> {
                self.try_get(column)
            }
            fn opt_text(&self, column: &str) -> Result<Option<String>, sqlx::Error> {
                self.try_get(column)
            }
            fn int(&self, column: &str) -> Result<i64, sqlx::Error> {
                self.try_get(column)
            }
            fn opt_int(&self, column: &str) -> Result<Option<i64>, sqlx::Error> {
                self.try_get(column)
            }
        }
    };
}

columns_of!(SqliteRow);
columns_of!(PgRow);

/// An article row (the columns of either backend's `articles::COLUMNS`).
pub(crate) fn article(row: &impl Columns) -> StoreResult<ArticleRow> {
    let get_err = |e: sqlx::Error| StoreError::Query {
        context: "decode article row",
        source: e,
    };
    let images_text = row.text("images").map_err(get_err)?;
    let images: Vec<Image> =
        serde_json::from_str(&images_text).map_err(|e| StoreError::Corrupt {
            context: "article images",
            message: e.to_string(),
        })?;
    let published_at = row.opt_int("published_at").map_err(get_err)?;
    let ingested_at = row.int("ingested_at").map_err(get_err)?;
    let quality = row.opt_int("quality").map_err(get_err)?;
    let authors = row.text("authors").map_err(get_err)?;
    let topics = row.text("topics").map_err(get_err)?;
    let article = Article {
        id: row.text("id").map_err(get_err)?,
        category: row.text("category").map_err(get_err)?,
        title: row.text("title").map_err(get_err)?,
        excerpt: row.text("excerpt").map_err(get_err)?,
        body: row.text("body").map_err(get_err)?,
        published_date_time: published_at.map(from_ts),
        original_url: row.opt_text("original_url").map_err(get_err)?,
        web_url: row.opt_text("web_url").map_err(get_err)?,
        kind: row.text("kind").map_err(get_err)?,
        quality: quality.map(|q| q.clamp(0, 100) as u8),
        heat: -1,
        published: row.int("published").map_err(get_err)? != 0,
        provider: Provider {
            name: row.text("provider_name").map_err(get_err)?,
            domain: row.text("provider_domain").map_err(get_err)?,
        },
        authors: parse_list("article authors", &authors)?,
        language: row.opt_text("language").map_err(get_err)?,
        topics: parse_list("article topics", &topics)?,
        images,
        provenance: Provenance::default(),
        secured_verbatim: None,
    };
    Ok(ArticleRow {
        article,
        seq: row.int("seq").map_err(get_err)?,
        story_id: row.opt_text("story_id").map_err(get_err)?,
        duplicate_of: row.opt_text("duplicate_of").map_err(get_err)?,
        ingested_at: from_ts(ingested_at),
        content_hash: row.text("content_hash").map_err(get_err)?,
        html: row.opt_text("html").map_err(get_err)?,
        secured: row.opt_text("secured").map_err(get_err)?,
        feed_only: row.int("feed_only").map_err(get_err)? != 0,
    })
}

/// A story row (the columns of either backend's `stories::COLUMNS`).
pub(crate) fn story(row: &impl Columns) -> StoreResult<Story> {
    let e = |source: sqlx::Error| StoreError::Query {
        context: "decode story row",
        source,
    };
    let topics = row.text("topics").map_err(e)?;
    let first = row.opt_int("first_published").map_err(e)?;
    let last = row.opt_int("last_published").map_err(e)?;
    Ok(Story {
        id: row.text("id").map_err(e)?,
        title: row.text("title").map_err(e)?,
        heat: row.int("heat").map_err(e)?.clamp(-1, 100) as i32,
        lead_article_id: row.text("lead_article_id").map_err(e)?,
        article_count: row.int("article_count").map_err(e)?.max(0) as u32,
        provider_count: row.int("provider_count").map_err(e)?.max(0) as u32,
        first_published: first.map(from_ts),
        last_published: last.map(from_ts),
        topics: parse_list("story topics", &topics)?,
        published: row.int("published").map_err(e)? != 0,
        pinned: row.int("pinned").map_err(e)? != 0,
    })
}
