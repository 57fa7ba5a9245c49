//! A publication date range as a span of arrival order: the `published_days` table, kept
//! by a trigger, holds, per UTC day of publication, the first and last `seq` of its
//! articles and how many there are. Articles mostly arrive in the order they were
//! published, so a range's days give a `seq` span that holds about the range's own articles;
//! a walk in arrival order starts and stops there instead of at the newest article. The
//! bounds only widen (a deleted or redated article leaves them), so a span may hold more
//! rows than the range, never fewer: the exact date check on each row stays.

use chrono::{DateTime, Utc};
use sqlx::Postgres;
use sqlx::pool::PoolConnection;

use crate::error::{QueryContext, StoreResult};

const DAY_SECONDS: i64 = 86_400;

/// First and last `seq`, articles, first and last day: each `NULL` when no day matched.
type DaysRow = (
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

/// Where a date range's articles are in arrival order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DateSpan {
    /// Smallest and largest `seq` of the range's articles.
    pub(crate) seqs: (i64, i64),
    /// Articles published in the range (exact).
    pub(crate) articles: i64,
    /// The first and last day of the range that has articles (they close a range's open
    /// ends).
    pub(crate) days: (i64, i64),
}

impl DateSpan {
    /// How many `seq`s the span covers.
    pub(crate) fn width(&self) -> i64 {
        self.seqs.1.saturating_sub(self.seqs.0).saturating_add(1)
    }
}

/// The UTC day a timestamp falls on, as the migration numbers days.
fn day(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(DAY_SECONDS)
}

/// The span of a publication date range (ends inclusive, either may be open): `Some(None)`
/// when there is no range, `Some(Some(span))` for a range, and `None` when no article was
/// published in the range, so there is nothing to find.
pub(crate) async fn span(
    conn: &mut PoolConnection<Postgres>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> StoreResult<Option<Option<DateSpan>>> {
    if from.is_none() && to.is_none() {
        return Ok(Some(None));
    }
    let (first_day, last_day) = (from.map_or(i64::MIN, day), to.map_or(i64::MAX, day));
    if first_day > last_day {
        return Ok(None);
    }
    let (first_seq, last_seq, articles, first, last): DaysRow = sqlx::query_as(
        "SELECT min(first_seq), max(last_seq), sum(articles)::bigint, min(day), max(day) \
         FROM published_days WHERE day BETWEEN $1 AND $2 AND articles > 0",
    )
    .bind(first_day)
    .bind(last_day)
    .fetch_one(&mut **conn)
    .await
    .ctx("date span")?;
    let (Some(first_seq), Some(last_seq), Some(articles), Some(first), Some(last)) =
        (first_seq, last_seq, articles, first, last)
    else {
        return Ok(None);
    };
    Ok(Some(Some(DateSpan {
        seqs: (first_seq, last_seq),
        articles,
        days: (first, last),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn days_are_floored_like_the_migration() {
        assert_eq!(
            day(Utc.with_ymd_and_hms(1970, 1, 1, 23, 59, 59).unwrap()),
            0
        );
        assert_eq!(
            day(Utc.with_ymd_and_hms(1969, 12, 31, 0, 0, 0).unwrap()),
            -1
        );
        assert_eq!(
            day(Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap()),
            20_148
        );
    }

    #[test]
    fn a_span_counts_its_seqs() {
        let span = DateSpan {
            seqs: (100, 10_099),
            articles: 90,
            days: (20_148, 20_206),
        };
        assert_eq!(span.width(), 10_000);
    }
}
