//! Publication and modification dates as pages write them.
//!
//! News pages state dates in many dialects: RFC 3339 (`2024-03-05T09:30:00Z`), ISO 8601 without a
//! colon in the offset (`+0000`), a bare date, RFC 2822 (`Tue, 05 Mar 2024 09:30:00 GMT`), or
//! prose ("March 5, 2024"). [`parse_date`] accepts these and returns UTC; a date with no time is
//! taken as midnight UTC. Unparseable text gives `None`, never a guess.
//!
//! [`parse_stated`] also says how the date was written: with a zone (its offset kept, so the
//! page's own calendar day can be told), as a wall-clock time without a zone (the instant is
//! not known until the page's other dates give the zone), or as a day alone.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

const OFFSET_FORMATS: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S%.f%z",
    "%Y-%m-%dT%H:%M%z",
    "%Y-%m-%d %H:%M:%S%.f%z",
    "%Y-%m-%d %H:%M:%S %z",
    "%a, %d %b %Y %H:%M:%S %z",
];

/// Times written in UTC by name rather than by offset.
const UTC_FORMATS: &[&str] = &["%a, %d %b %Y %H:%M:%S GMT", "%a, %d %b %Y %H:%M:%S UTC"];

const NAIVE_FORMATS: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
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

/// How a date was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Precision {
    /// A time with a zone or offset: the instant is known.
    Zoned(FixedOffset),
    /// A wall-clock time without a zone: `instant` holds it as if it were UTC.
    Local,
    /// A day alone: `instant` is midnight UTC of that day.
    Day,
}

/// A date as the page states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StatedDate {
    pub instant: DateTime<Utc>,
    pub precision: Precision,
}

impl StatedDate {
    /// The same wall-clock time placed in `offset` (for a [`Precision::Local`] time whose zone
    /// the page gives elsewhere); other dates are returned unchanged.
    pub fn in_zone(self, offset: FixedOffset) -> StatedDate {
        if self.precision != Precision::Local {
            return self;
        }
        let wall = self.instant.naive_utc();
        match offset.from_local_datetime(&wall).single() {
            Some(zoned) => StatedDate {
                instant: zoned.with_timezone(&Utc),
                precision: Precision::Zoned(offset),
            },
            None => self,
        }
    }
}

/// Parses a date as news pages write them; `None` when the text holds no recognisable date.
pub fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    parse_stated(text).map(|date| date.instant)
}

/// Parses a date and says how it was written ([`Precision`]).
pub(crate) fn parse_stated(text: &str) -> Option<StatedDate> {
    let text = text.trim();
    if text.is_empty() || text.len() > 64 {
        return None;
    }
    let zoned = |date: DateTime<FixedOffset>| {
        plausible(date.with_timezone(&Utc)).map(|instant| StatedDate {
            instant,
            precision: Precision::Zoned(*date.offset()),
        })
    };
    let utc = FixedOffset::east_opt(0)?;
    let naive = |date: NaiveDateTime, precision: Precision| {
        plausible(Utc.from_utc_datetime(&date)).map(|instant| StatedDate { instant, precision })
    };
    if let Ok(date) = DateTime::parse_from_rfc3339(text) {
        return zoned(date);
    }
    if let Ok(date) = DateTime::parse_from_rfc2822(text) {
        return zoned(date);
    }
    let zulu = text.strip_suffix('Z');
    for format in OFFSET_FORMATS {
        if let Ok(date) = DateTime::parse_from_str(text, format) {
            return zoned(date);
        }
    }
    for format in UTC_FORMATS {
        if let Ok(date) = NaiveDateTime::parse_from_str(text, format) {
            return naive(date, Precision::Zoned(utc));
        }
    }
    for format in NAIVE_FORMATS {
        if let Some(zulu) = zulu
            && let Ok(date) = NaiveDateTime::parse_from_str(zulu, format)
        {
            return naive(date, Precision::Zoned(utc));
        }
        if let Ok(date) = NaiveDateTime::parse_from_str(text, format) {
            return naive(date, Precision::Local);
        }
    }
    let cleaned = strip_ordinals(text);
    for format in DATE_FORMATS {
        if let Ok(date) = NaiveDate::parse_from_str(&cleaned, format) {
            return naive(date.and_hms_opt(0, 0, 0)?, Precision::Day);
        }
    }
    // A date followed by a time in some other dialect: keep the date part.
    if text.len() >= 10
        && text.is_char_boundary(10)
        && let Ok(date) = NaiveDate::parse_from_str(&text[..10], "%Y-%m-%d")
    {
        return naive(date.and_hms_opt(0, 0, 0)?, Precision::Day);
    }
    None
}

/// Month names and their common abbreviations, in English.
const MONTH_NAMES: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
];

/// A day written inside a short line of prose, as pages show their date beside other words:
/// "Dec. 19, 2025 · Niko Quill", "on Friday December 19, 2025 @08:00PM", "[Submitted on 18 Dec
/// 2025]", "30th March 2025, 16:26", "Updated: 10/31/2024". Month names are read in English;
/// a numeric date is read only when it cannot be mistaken (the day above 12, or the year
/// first). The first date found wins; `None` when there is none.
pub(crate) fn find_day(text: &str) -> Option<StatedDate> {
    let cleaned: String = strip_ordinals(text)
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '/' || c == '-' {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect();
    let tokens: Vec<&str> = cleaned.split_whitespace().take(32).collect();
    let month = |token: &str| {
        MONTH_NAMES
            .iter()
            .find(|(name, _)| *name == token)
            .map(|(_, number)| *number)
    };
    let number = |token: Option<&&str>, range: std::ops::RangeInclusive<u32>| {
        token
            .and_then(|token| token.parse::<u32>().ok())
            .filter(|value| range.contains(value))
    };
    let day_of = |year: u32, month: u32, day: u32| {
        let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
        plausible(Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0)?)).map(|instant| StatedDate {
            instant,
            precision: Precision::Day,
        })
    };
    for (index, token) in tokens.iter().enumerate() {
        if let Some(month) = month(token) {
            // December 19 2025
            if let (Some(day), Some(year)) = (
                number(tokens.get(index + 1), 1..=31),
                number(tokens.get(index + 2), 1991..=2100),
            ) {
                return day_of(year, month, day);
            }
            // 19 December 2025
            if index > 0
                && let (Some(day), Some(year)) = (
                    number(tokens.get(index - 1), 1..=31),
                    number(tokens.get(index + 1), 1991..=2100),
                )
            {
                return day_of(year, month, day);
            }
            continue;
        }
        let parts: Vec<&str> = token.split(['/', '-']).collect();
        if parts.len() == 3
            && parts
                .iter()
                .all(|part| part.bytes().all(|b| b.is_ascii_digit()))
        {
            let values: Vec<u32> = parts.iter().filter_map(|part| part.parse().ok()).collect();
            if values.len() != 3 {
                continue;
            }
            let (a, b, c) = (values[0], values[1], values[2]);
            let found = if parts[0].len() == 4 {
                day_of(a, b, c)
            } else if parts[2].len() == 4 && a > 12 {
                day_of(c, b, a)
            } else if parts[2].len() == 4 && b > 12 {
                day_of(c, a, b)
            } else {
                None
            };
            if found.is_some() {
                return found;
            }
        }
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
    fn says_how_a_date_was_written() {
        let precision = |text: &str| parse_stated(text).map(|date| date.precision);
        let east = |seconds| FixedOffset::east_opt(seconds).map(Precision::Zoned);
        assert_eq!(precision("2024-03-05T09:30:00+0100"), east(3600));
        assert_eq!(precision("2024-03-05T09:30:00Z"), east(0));
        assert_eq!(precision("Tue, 05 Mar 2024 09:30:00 GMT"), east(0));
        assert_eq!(precision("2024-03-05 09:30:00"), Some(Precision::Local));
        assert_eq!(precision("2024-03-05"), Some(Precision::Day));
        let local = parse_stated("2023-04-28 18:11:01").unwrap();
        let placed = local.in_zone(FixedOffset::east_opt(7200).unwrap());
        assert_eq!(
            placed.instant.format("%Y-%m-%d %H:%M").to_string(),
            "2023-04-28 16:11"
        );
        // A zoned time is not moved.
        let zoned = parse_stated("2023-04-28T18:11:01Z").unwrap();
        assert_eq!(zoned.in_zone(FixedOffset::east_opt(7200).unwrap()), zoned);
    }

    #[test]
    fn finds_a_day_written_among_other_words() {
        let day =
            |text: &str| find_day(text).map(|date| date.instant.format("%Y-%m-%d").to_string());
        assert_eq!(
            day("Dec. 19, 2025 · Niko Quill").as_deref(),
            Some("2025-12-19")
        );
        assert_eq!(
            day("on Friday December 19, 2025 @08:00PM").as_deref(),
            Some("2025-12-19")
        );
        assert_eq!(
            day("[Submitted on 18 Dec 2025]").as_deref(),
            Some("2025-12-18")
        );
        assert_eq!(day("30th March 2025, 16:26").as_deref(), Some("2025-03-30"));
        assert_eq!(day("Updated: 10/31/2024").as_deref(), Some("2024-10-31"));
        assert_eq!(
            day("Saturday 20 December, 2025").as_deref(),
            Some("2025-12-20")
        );
        // Ambiguous, or not a date.
        assert_eq!(day("Updated: 03/04/2024"), None);
        assert_eq!(day("May the best team win in 2024"), None);
        assert_eq!(day("12 of 2025 readers"), None);
    }

    #[test]
    fn rejects_text_that_is_not_a_date() {
        assert_eq!(parse_date("yesterday"), None);
        assert_eq!(parse_date(""), None);
        assert_eq!(parse_date("1850-01-01"), None);
        assert_eq!(parse_date(&"9".repeat(10_000)), None);
    }
}
