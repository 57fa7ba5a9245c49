//! Dates as feeds really write them, for the values the strict RFC 3339 / RFC 2822 readers
//! reject: a missing time zone (read as UTC), a missing comma after the weekday, a space
//! instead of `T`, slashes, or a spelled-out month (`March 5, 2024`).
//!
//! [`parse_loose_date`] tries the strict forms first, then a handful of common shapes; it
//! returns `None` rather than guess when nothing fits.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use super::supplement::parse_date;

/// Naive date-time shapes, read as UTC.
const NAIVE_DATE_TIMES: [&str; 8] = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%d %b %Y %H:%M:%S",
    "%d %b %Y %H:%M",
    "%B %d, %Y %H:%M",
];

/// Date-only shapes, read as midnight UTC.
const NAIVE_DATES: [&str; 5] = ["%Y/%m/%d", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y"];

/// Parses a feed date leniently; `None` when it is not recognisably a date.
pub fn parse_loose_date(text: &str) -> Option<DateTime<Utc>> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() || text.len() > 64 {
        return None;
    }
    if let Some(date) = parse_date(&text) {
        return Some(date);
    }
    let without_weekday = strip_weekday(&text);
    // RFC 2822 without the comma, or without the weekday at all.
    if let Some(date) = parse_date(without_weekday) {
        return Some(date);
    }
    for format in NAIVE_DATE_TIMES {
        if let Ok(naive) = NaiveDateTime::parse_from_str(without_weekday, format) {
            return Some(naive.and_utc());
        }
    }
    // RFC 2822 shape with no zone at all: read as UTC.
    if let Some(date) = parse_date(&format!("{without_weekday} +0000")) {
        return Some(date);
    }
    NAIVE_DATES.iter().find_map(|format| {
        NaiveDate::parse_from_str(without_weekday, format)
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|naive| naive.and_utc())
    })
}

/// The text without a leading English weekday name (`Tue`, `Tue,`, `Tuesday,`).
fn strip_weekday(text: &str) -> &str {
    let first = text.split([' ', ',']).next().unwrap_or("");
    let lower = first.to_ascii_lowercase();
    let is_weekday = first.len() >= 3
        && ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            .iter()
            .any(|day| lower.starts_with(day))
        && lower.chars().all(|c| c.is_ascii_alphabetic());
    if is_weekday {
        text[first.len()..].trim_start_matches([',', ' '])
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(text: &str) -> Option<String> {
        parse_loose_date(text).map(|d| d.to_rfc3339())
    }

    #[test]
    fn common_shapes_parse() {
        let ten = Some("2024-03-05T10:00:00+00:00".to_string());
        assert_eq!(iso("2024-03-05 10:00:00"), ten);
        assert_eq!(iso("Tue, 05 Mar 2024 10:00:00"), ten);
        assert_eq!(iso("Tue 05 Mar 2024 10:00:00 GMT"), ten);
        assert_eq!(iso("Tuesday, 05 Mar 2024 10:00:00 GMT"), ten);
        assert_eq!(iso("2024/03/05 10:00:00"), ten);
        assert_eq!(
            iso("Tue 05 Mar 2024 11:00:00 +0100"),
            ten,
            "zones still apply"
        );
        assert_eq!(
            iso("March 5, 2024"),
            Some("2024-03-05T00:00:00+00:00".to_string())
        );
    }

    #[test]
    fn non_dates_are_none() {
        for text in [
            "",
            "soon",
            "Tuesday",
            "32 Mar 2024",
            "2024-13-01 10:00",
            "é€ 12",
        ] {
            assert_eq!(parse_loose_date(text), None, "{text}");
        }
        assert_eq!(parse_loose_date(&"9".repeat(10_000)), None);
    }
}
