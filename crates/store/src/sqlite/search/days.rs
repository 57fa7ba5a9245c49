//! A date filter as the part of the index it can match: the `published_days` table
//! (migration 0006) keeps, per UTC day of publication, the first and last `seq` of its
//! articles and how many there are. The days of a range give a span of `seq`, which is a
//! range of the index's rowids (minus `seq`); FTS5 starts its walk there instead of at the
//! newest article. The exact date check on each candidate stays.

use chrono::{DateTime, Utc};
use sqlx::Sqlite;
use sqlx::pool::PoolConnection;

use super::facets;
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

/// Where a date range's articles are in the index.
#[derive(Debug, PartialEq)]
pub(crate) struct DateSpan {
    /// Smallest and largest index rowid to walk (rowid = minus `seq`).
    pub(crate) rowids: (i64, i64),
    /// Month and year terms to AND to the words as well, when the range's articles are
    /// scattered thinly over their span (an archive filled out of publication order), so
    /// FTS5 skips the rows between them; `None` when they fill most of it.
    pub(crate) terms: Option<String>,
}

/// The UTC day a timestamp falls on, as the migration numbers days.
fn day(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(DAY_SECONDS)
}

/// The span of a publication date range (ends inclusive, either may be open): `Some(None)`
/// when there is no range, `Some(Some(span))` for a range, and `None` when no article was
/// published in the range, so a search has nothing to find.
pub(crate) async fn span(
    conn: &mut PoolConnection<Sqlite>,
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
        "SELECT min(first_seq), max(last_seq), sum(articles), min(day), max(day) \
         FROM published_days WHERE day BETWEEN ? AND ? AND articles > 0",
    )
    .bind(first_day)
    .bind(last_day)
    .fetch_one(&mut **conn)
    .await
    .ctx("search: date span")?;
    let (Some(first_seq), Some(last_seq), Some(articles), Some(first), Some(last)) =
        (first_seq, last_seq, articles, first, last)
    else {
        return Ok(None);
    };
    Ok(Some(Some(plan(
        (first_seq, last_seq),
        articles,
        (from, to),
        (first, last),
    ))))
}

/// The span from what the table says: `seqs` and `articles` over the range, `days` the
/// first and last day of the range that has articles (they close its open ends for the
/// month terms).
fn plan(
    seqs: (i64, i64),
    articles: i64,
    (from, to): (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    days: (i64, i64),
) -> DateSpan {
    let width = seqs.1.saturating_sub(seqs.0).saturating_add(1);
    let terms = if articles.saturating_mul(2) < width {
        let at = |day: i64| DateTime::from_timestamp(day.saturating_mul(DAY_SECONDS), 0);
        match (from.or_else(|| at(days.0)), to.or_else(|| at(days.1))) {
            (Some(from), Some(to)) => facets::dates(from, to),
            _ => None,
        }
    } else {
        None
    };
    DateSpan {
        rowids: (seqs.1.saturating_neg(), seqs.0.saturating_neg()),
        terms,
    }
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
    fn a_dense_span_is_walked_whole_and_a_thin_one_gets_month_terms() {
        let from = Some(Utc.with_ymd_and_hms(2025, 3, 1, 0, 0, 0).unwrap());
        let to = Some(Utc.with_ymd_and_hms(2025, 4, 28, 0, 0, 0).unwrap());
        let days = (20_148, 20_206);
        assert_eq!(
            plan((100, 199), 90, (from, to), days),
            DateSpan {
                rowids: (-199, -100),
                terms: None,
            }
        );
        assert_eq!(
            plan((100, 10_099), 90, (from, to), days),
            DateSpan {
                rowids: (-10_099, -100),
                terms: Some("facets : (m202503 OR m202504)".into()),
            }
        );
        // Open ends are closed at the first and last day with articles.
        assert_eq!(
            plan((100, 10_099), 90, (None, None), days).terms.as_deref(),
            Some("facets : (m202503 OR m202504)")
        );
    }
}
