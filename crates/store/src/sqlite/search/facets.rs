//! Search filters as FTS5 terms of the `facets` column (written by the `articles_search`
//! view, migration 0003): `p<hex of provider domain>`, `t<hex of topic>`, `y<year>` and
//! `m<yearmonth>`, each one token.
//!
//! A filter becomes a clause ANDed to the reader's words, so FTS5 intersects doclists and
//! never hands over a match that cannot pass. Provider and topic terms are exact (whole
//! names, byte for byte); date terms are whole months and years, so a date range is still
//! checked against the article's `published_at`. A date range mostly needs no terms at all:
//! it bounds the rowids FTS5 walks (`days`), and its terms are added only where that span
//! is thinly filled.

use std::fmt::Write;

use chrono::{DateTime, Datelike, Utc};

/// More date terms than this (a range of many decades, or absurd dates) and the date
/// prefilter is left out; the exact condition still holds.
const MAX_DATE_TERMS: usize = 64;

/// A name's facet term: the prefix and the bytes in hex, as SQLite's `hex()` writes them
/// (letters and digits only, so never FTS5 syntax and always a single token).
fn term(prefix: char, value: &str) -> String {
    let mut term = String::with_capacity(1 + 2 * value.len());
    term.push(prefix);
    for byte in value.bytes() {
        // Writing to a String cannot fail.
        let _ = write!(term, "{byte:02X}");
    }
    term
}

/// Clause for the provider filter.
pub(crate) fn provider(domain: &str) -> String {
    format!("facets : {}", term('p', domain))
}

/// Clause for the topic filter.
pub(crate) fn topic(name: &str) -> String {
    format!("facets : {}", term('t', name))
}

/// Clause for a publication date range (both ends inclusive, UTC): whole years as year
/// terms, the months at either end as month terms. `None` when the range is empty or would
/// need more than `MAX_DATE_TERMS` terms.
pub(crate) fn dates(from: DateTime<Utc>, to: DateTime<Utc>) -> Option<String> {
    if from > to {
        return None;
    }
    let (first, last) = ((from.year(), from.month()), (to.year(), to.month()));
    let mut terms = Vec::new();
    for year in first.0..=last.0 {
        let start = if year == first.0 { first.1 } else { 1 };
        let end = if year == last.0 { last.1 } else { 12 };
        if start == 1 && end == 12 {
            terms.push(format!("y{year}"));
        } else {
            terms.extend((start..=end).map(|month| format!("m{year}{month:02}")));
        }
        if terms.len() > MAX_DATE_TERMS {
            return None;
        }
    }
    Some(format!("facets : ({})", terms.join(" OR ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()
    }

    #[test]
    fn a_range_is_covered_by_months_at_its_ends_and_whole_years_between() {
        assert_eq!(
            dates(at(2024, 11, 15), at(2026, 2, 1)).as_deref(),
            Some("facets : (m202411 OR m202412 OR y2025 OR m202601 OR m202602)")
        );
        assert_eq!(
            dates(at(2025, 3, 1), at(2025, 3, 28)).as_deref(),
            Some("facets : (m202503)")
        );
        assert_eq!(
            dates(at(2020, 1, 1), at(2021, 12, 31)).as_deref(),
            Some("facets : (y2020 OR y2021)")
        );
    }

    #[test]
    fn empty_or_huge_ranges_get_no_prefilter() {
        assert_eq!(dates(at(2025, 3, 2), at(2025, 3, 1)), None);
        assert_eq!(dates(at(1800, 3, 2), at(2025, 3, 1)), None);
    }

    #[test]
    fn names_become_one_hex_token() {
        assert_eq!(provider("a.io"), "facets : p612E696F");
        assert_eq!(topic("M&A \"é\""), "facets : t4D26412022C3A922");
    }
}
