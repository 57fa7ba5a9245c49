//! Publication and modification dates as pages write them.
//!
//! News pages state dates in many dialects: RFC 3339 (`2024-03-05T09:30:00Z`), ISO 8601 without a
//! colon in the offset (`+0000`), a bare date, RFC 2822 (`Tue, 05 Mar 2024 09:30:00 GMT`), or
//! prose ("March 5, 2024"). [`parse_date`] accepts these and returns UTC; a date with no time is
//! taken as midnight UTC. Unparseable text gives `None`, never a guess.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

const OFFSET_FORMATS: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S%.f%z",
    "%Y-%m-%dT%H:%M%z",
    "%Y-%m-%d %H:%M:%S%.f%z",
    "%Y-%m-%d %H:%M:%S %z",
    "%a, %d %b %Y %H:%M:%S %z",
];

const NAIVE_FORMATS: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%a, %d %b %Y %H:%M:%S GMT",
    "%a, %d %b %Y %H:%M:%S UTC",
];

const DATE_FORMATS: &[&str] = &[
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y%m%d",
    "%B %d, %Y",
    "%b %d, %Y",
    "%b. %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d %Y",
    "%A, %B %d, %Y",
    "%d.%m.%Y",
];

/// Parses a date as news pages write them; `None` when the text holds no recognisable date.
pub fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if text.is_empty() || text.len() > 64 {
        return None;
    }
    if let Ok(date) = DateTime::parse_from_rfc3339(text) {
        return plausible(date.with_timezone(&Utc));
    }
    if let Ok(date) = DateTime::parse_from_rfc2822(text) {
        return plausible(date.with_timezone(&Utc));
    }
    let zulu = text.strip_suffix('Z').unwrap_or(text);
    for format in OFFSET_FORMATS {
        if let Ok(date) = DateTime::parse_from_str(text, format) {
            return plausible(date.with_timezone(&Utc));
        }
    }
    for format in NAIVE_FORMATS {
        if let Ok(date) = NaiveDateTime::parse_from_str(zulu, format) {
            return plausible(Utc.from_utc_datetime(&date));
        }
    }
    let cleaned = strip_ordinals(text);
    for format in DATE_FORMATS {
        if let Ok(date) = NaiveDate::parse_from_str(&cleaned, format) {
            return plausible(Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0)?));
        }
    }
    // A date followed by a time in some other dialect: keep the date part.
    if text.len() >= 10
        && text.is_char_boundary(10)
        && let Ok(date) = NaiveDate::parse_from_str(&text[..10], "%Y-%m-%d")
    {
        return plausible(Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0)?));
    }
    None
}

/// Drops English ordinal suffixes ("5th March" -> "5 March") so prose dates parse.
fn strip_ordinals(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut index = 0;
    while index < chars.len() {
        let c = chars[index];
        out.push(c);
        if c.is_ascii_digit() && index + 2 < chars.len() + 1 {
            let pair: String = chars[index + 1..(index + 3).min(chars.len())]
                .iter()
                .collect();
            let lower = pair.to_ascii_lowercase();
            let ends_word = chars.get(index + 3).is_none_or(|c| !c.is_alphabetic());
            if ends_word && matches!(lower.as_str(), "st" | "nd" | "rd" | "th") {
                index += 3;
                continue;
            }
        }
        index += 1;
    }
    out
}

/// Rejects dates outside the range a news page can mean (before the web, or far future).
fn plausible(date: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let year = chrono::Datelike::year(&date);
    (1991..=2100).contains(&year).then_some(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(date: Option<DateTime<Utc>>) -> Option<String> {
        date.map(|d| d.format("%Y-%m-%d %H:%M").to_string())
    }

    #[test]
    fn parses_the_common_news_dialects() {
        assert_eq!(
            ymd(parse_date("2024-03-05T09:30:00Z")).as_deref(),
            Some("2024-03-05 09:30")
        );
        assert_eq!(
            ymd(parse_date("2024-03-05T09:30:00+0100")).as_deref(),
            Some("2024-03-05 08:30")
        );
        assert_eq!(
            ymd(parse_date("2024-03-05")).as_deref(),
            Some("2024-03-05 00:00")
        );
        assert_eq!(
            ymd(parse_date("Tue, 05 Mar 2024 09:30:00 GMT")).as_deref(),
            Some("2024-03-05 09:30")
        );
        assert_eq!(
            ymd(parse_date("March 5th, 2024")).as_deref(),
            Some("2024-03-05 00:00")
        );
        assert_eq!(
            ymd(parse_date("2024-03-05 09:30:00")).as_deref(),
            Some("2024-03-05 09:30")
        );
    }

    #[test]
    fn rejects_text_that_is_not_a_date() {
        assert_eq!(parse_date("yesterday"), None);
        assert_eq!(parse_date(""), None);
        assert_eq!(parse_date("1850-01-01"), None);
        assert_eq!(parse_date(&"9".repeat(10_000)), None);
    }
}
