//! The newest articles that pass filters alone (no words): the API's article listing.
//! Newest arrivals first (`seq` descending), each page walked along an index in that order
//! and stopped when it is full, so a page costs its rows (plus its offset), never a pass
//! over the archive:
//!
//! - a topic walks its `article_topics` rows (kept by a trigger) newest first;
//! - a provider walks the articles' `(provider_domain, seq)` index newest first;
//! - both together walk whichever of the two has fewer rows and check the other per row;
//! - a publication date range bounds the walk by its `seq` span (`days`), and each row's
//!   date is checked; with no other filter a span its articles fill too thinly for a walk
//!   to be short is read by publication date instead and only the range's rows are sorted;
//! - with no filter the walk is the articles table's own `seq` order.

use std::borrow::Cow;
use std::fmt::Write;

use sqlx::{AssertSqlSafe, PgConnection, PgPool};

use super::articles::{LISTING_COLUMNS, from_row};
use super::days::{self, DateSpan};
use super::{text, to_ts};
use crate::error::{QueryContext, StoreResult};
use crate::types::{ArticleQuery, ArticleRow};

/// The rule of what the public sees of article `a`, written once for [`VISIBLE`] and
/// [`VISIBLE_EXPR`]. Both checks are written so that PostgreSQL looks them up per row and
/// never reads a whole table for them: the blocked providers (a handful) are read once into
/// an array, and the story is one primary-key lookup (as `x IS NULL OR EXISTS (...)` the
/// planner may hash every story instead, which costs the whole stories table per query).
macro_rules! visible_rule {
    () => {
        "a.published = 1 \
         AND a.provider_domain <> ALL (ARRAY(SELECT b.domain FROM blocked_providers b)) \
         AND COALESCE((SELECT s.published = 1 AND s.merged_into IS NULL FROM stories s \
              WHERE s.id = a.story_id), a.story_id IS NULL)"
    };
}

/// What the public sees of an article: published, from a provider not blocked, in a
/// published story that was not merged away (or in no story). A condition to append to a
/// `WHERE` over articles `a`.
pub(crate) const VISIBLE: &str = concat!(" AND ", visible_rule!());

/// The same rule as a value (a boolean: whether the public sees article `a`).
pub(crate) const VISIBLE_EXPR: &str = concat!("(", visible_rule!(), ")");

/// Up to how many rows of a topic are counted to tell whether it or the provider it is
/// combined with has fewer articles; past this, both are common and the provider's walk
/// is taken.
const COUNT_CAP: i64 = 20_000;

/// Where a listing's walk starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Driver {
    /// Every article newest first, within the date span when there is one.
    Arrival,
    /// A date range's articles by publication date, sorted by arrival.
    Published,
    /// A topic's articles newest first.
    Topic,
    /// A provider's articles newest first.
    Provider,
}

/// A value bound to the listing's statement.
pub(super) enum Bind<'a> {
    Text(Cow<'a, str>),
    Int(i64),
}

pub(crate) async fn run(pool: &PgPool, q: &ArticleQuery) -> StoreResult<Vec<ArticleRow>> {
    let mut conn = pool.acquire().await.ctx("articles: connection")?;
    let Some(span) = days::span(&mut conn, q.from, q.to).await? else {
        return Ok(Vec::new());
    };
    let driver = match (&q.topic, &q.provider) {
        (None, None) => match &span {
            Some(span) if sorting_is_cheaper(span, q) => Driver::Published,
            _ => Driver::Arrival,
        },
        (Some(_), None) => Driver::Topic,
        (None, Some(_)) => Driver::Provider,
        (Some(topic), Some(provider)) => match smaller_filter(&mut conn, topic, provider).await? {
            Some(driver) => driver,
            None => return Ok(Vec::new()),
        },
    };

    let (sql, binds) = statement(q, span.as_ref(), driver);
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for bind in binds {
        query = match bind {
            Bind::Text(value) => query.bind(value),
            Bind::Int(value) => query.bind(value),
        };
    }
    let rows = query.fetch_all(&mut *conn).await.ctx("articles: listing")?;
    rows.iter().map(from_row).collect()
}

/// Adds `value` to the binds and returns its placeholder.
fn placeholder<'a>(binds: &mut Vec<Bind<'a>>, value: Bind<'a>) -> String {
    binds.push(value);
    format!("${}", binds.len())
}

/// The listing's statement for `driver`, with the values to bind in order.
pub(super) fn statement<'a>(
    q: &'a ArticleQuery,
    span: Option<&DateSpan>,
    driver: Driver,
) -> (String, Vec<Bind<'a>>) {
    let mut binds = Vec::new();
    let (mut sql, order) = match driver {
        Driver::Arrival | Driver::Published => (
            format!("SELECT {LISTING_COLUMNS} FROM articles a WHERE TRUE"),
            "a.seq DESC",
        ),
        Driver::Topic => {
            let topic = placeholder(
                &mut binds,
                Bind::Text(text(q.topic.as_deref().unwrap_or(""))),
            );
            (
                format!(
                    "SELECT {LISTING_COLUMNS} FROM article_topics t \
                     JOIN articles a ON a.seq = t.seq WHERE t.topic = {topic}"
                ),
                "t.seq DESC",
            )
        }
        Driver::Provider => {
            let provider = placeholder(
                &mut binds,
                Bind::Text(text(q.provider.as_deref().unwrap_or(""))),
            );
            (
                format!(
                    "SELECT {LISTING_COLUMNS} FROM articles a WHERE a.provider_domain = {provider}"
                ),
                "a.seq DESC",
            )
        }
    };
    if let Some(span) = span
        && driver != Driver::Published
    {
        let column = if driver == Driver::Topic {
            "t.seq"
        } else {
            "a.seq"
        };
        let first = placeholder(&mut binds, Bind::Int(span.seqs.0));
        let last = placeholder(&mut binds, Bind::Int(span.seqs.1));
        let _ = write!(sql, " AND {column} >= {first} AND {column} <= {last}");
    }
    if let Some(provider) = q.provider.as_deref()
        && driver != Driver::Provider
    {
        let provider = placeholder(&mut binds, Bind::Text(text(provider)));
        let _ = write!(sql, " AND a.provider_domain = {provider}");
    }
    if let Some(topic) = q.topic.as_deref()
        && driver != Driver::Topic
    {
        let topic = placeholder(&mut binds, Bind::Text(text(topic)));
        let _ = write!(
            sql,
            " AND EXISTS (SELECT 1 FROM article_topics t WHERE t.topic = {topic} AND t.seq = a.seq)"
        );
    }
    if let Some(from) = q.from {
        let from = placeholder(&mut binds, Bind::Int(to_ts(from)));
        let _ = write!(sql, " AND a.published_at >= {from}");
    }
    if let Some(to) = q.to {
        let to = placeholder(&mut binds, Bind::Int(to_ts(to)));
        let _ = write!(sql, " AND a.published_at <= {to}");
    }
    if q.visible_only {
        sql.push_str(VISIBLE);
    }
    // Bounds are written into the SQL, as the SQLite store does: a statement is planned with
    // the page it reads.
    let _ = write!(
        sql,
        " ORDER BY {order} LIMIT {} OFFSET {}",
        q.limit, q.offset
    );

    (sql, binds)
}

/// Whether reading a date range's articles by publication date and sorting them costs less
/// than walking its `seq` span newest first until the page is full: the walk meets the
/// range's articles at the rate they fill the span, so it expects to read
/// `(offset + limit) × width / articles` rows, and the sort reads `articles`.
fn sorting_is_cheaper(span: &DateSpan, q: &ArticleQuery) -> bool {
    let wanted = i64::from(q.offset).saturating_add(i64::from(q.limit));
    let articles = span.articles.max(1);
    let walk = wanted.saturating_mul(span.width()) / articles;
    articles < walk
}

/// Which of a topic and a provider has fewer articles, so the listing walks that one and
/// checks the other per row; `None` when either has none. The provider's count is kept by
/// triggers (`provider_counts`); the topic's rows are counted up to the
/// provider's count (at most [`COUNT_CAP`]), so the count costs no more than the walk.
async fn smaller_filter(
    conn: &mut PgConnection,
    topic: &str,
    provider: &str,
) -> StoreResult<Option<Driver>> {
    let provider_articles: i64 =
        sqlx::query_scalar("SELECT articles FROM provider_counts WHERE domain = $1")
            .bind(text(provider))
            .fetch_optional(&mut *conn)
            .await
            .ctx("articles: provider size")?
            .unwrap_or(0);
    if provider_articles <= 0 {
        return Ok(None);
    }
    let bound = provider_articles.min(COUNT_CAP);
    let topic_articles: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT 1 FROM article_topics WHERE topic = $1 ORDER BY seq LIMIT $2) t",
    )
    .bind(text(topic))
    .bind(bound)
    .fetch_one(&mut *conn)
    .await
    .ctx("articles: topic size")?;
    Ok(if topic_articles == 0 {
        None
    } else if topic_articles < bound {
        Some(Driver::Topic)
    } else {
        Some(Driver::Provider)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_is_sorted_only_when_the_walk_would_read_more_rows() {
        let q = |offset| ArticleQuery {
            limit: 20,
            offset,
            ..ArticleQuery::default()
        };
        let span = |seqs: (i64, i64), articles| DateSpan {
            seqs,
            articles,
            days: (20_000, 20_001),
        };
        // Dense: the walk reads about the page.
        assert!(!sorting_is_cheaper(&span((1, 10_000), 9_000), &q(0)));
        // One in ten: a page of 20 is found in about 200 rows, fewer than the range's 1,000.
        assert!(!sorting_is_cheaper(&span((1, 10_000), 1_000), &q(0)));
        // Deep pages and scattered ranges read the range instead.
        assert!(sorting_is_cheaper(&span((1, 10_000), 1_000), &q(200)));
        assert!(sorting_is_cheaper(&span((1, 1_000_000), 30), &q(0)));
        // A small range is sorted whatever its span.
        assert!(sorting_is_cheaper(&span((1, 40), 10), &q(0)));
    }
}
