//! Cleaning of plain-text articles (wire copy, syndicated text, pasted stories).
//!
//! Plain text arrives as paragraphs separated by line breaks, often with a headline as its first
//! line and with the boilerplate the web page carried: "In this article:", "Advertisement",
//! photo credits ("Image: Agency/X", "(Getty Images)"), promotional paragraphs addressed to the
//! reader ("Do you have questions …? Get the answers with …"), "Additional reporting by …",
//! copyright footers, and syndication notes ("This article originally appeared in …"), from
//! which the original provider is inferred. [`clean_plain_text`] separates title, body and the
//! removed lines; when there is no headline it derives a short one from the first sentence.

use serde::Serialize;

use crate::boilerplate::line_is_boilerplate;

/// A cleaned plain-text article.
#[derive(Debug, Clone, Serialize)]
pub struct PlainArticle {
    /// The headline: the first line when it is one, otherwise derived from the first sentence.
    pub title: String,
    /// The article's paragraphs, separated by blank lines.
    pub body: String,
    /// Whether the title was derived from the body rather than found as a headline line.
    pub title_was_derived: bool,
    /// The outlet the text says it comes from ("This article originally appeared in …").
    pub provider: Option<ProviderHint>,
    /// Boilerplate lines that were dropped, in order.
    pub removed: Vec<String>,
}

/// An outlet named by the text.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ProviderHint {
    /// The outlet's name as written ("South China Morning Post").
    pub name: String,
    /// Its registrable domain, when known or inferable ("scmp.com").
    pub domain: Option<String>,
}

/// Outlets whose domain cannot be guessed from their name.
const KNOWN_OUTLETS: &[(&str, &str)] = &[
    ("south china morning post", "scmp.com"),
    ("scmp", "scmp.com"),
    ("reuters", "reuters.com"),
    ("bloomberg", "bloomberg.com"),
    ("associated press", "apnews.com"),
    ("the associated press", "apnews.com"),
    ("agence france-presse", "afp.com"),
    ("afp", "afp.com"),
    ("the new york times", "nytimes.com"),
    ("new york times", "nytimes.com"),
    ("the wall street journal", "wsj.com"),
    ("wall street journal", "wsj.com"),
    ("financial times", "ft.com"),
    ("the financial times", "ft.com"),
    ("the guardian", "theguardian.com"),
    ("the washington post", "washingtonpost.com"),
    ("business insider", "businessinsider.com"),
    ("benzinga", "benzinga.com"),
    ("techcrunch", "techcrunch.com"),
    ("the conversation", "theconversation.com"),
    ("caixin", "caixinglobal.com"),
    ("nikkei asia", "asia.nikkei.com"),
];

/// Cleans a plain-text article.
pub fn clean_plain_text(text: &str) -> PlainArticle {
    let paragraphs = split_paragraphs(text);
    let mut removed = Vec::new();
    let mut provider: Option<ProviderHint> = None;
    let mut kept: Vec<&str> = Vec::new();

    let (title, title_was_derived, start) = match paragraphs.first() {
        Some(first) if first.is_headline => (first.text.to_string(), false, 1),
        _ => (String::new(), true, 0),
    };

    // Footers that name the publisher of this copy, used when no syndication note names one.
    let mut republisher = None;
    let mut copyright = None;
    for paragraph in &paragraphs[start.min(paragraphs.len())..] {
        let line = paragraph.text;
        if let Some(hint) = syndication_provider(line) {
            provider.get_or_insert(hint);
            removed.push(line.to_string());
        } else if is_plain_boilerplate(line) {
            if republisher.is_none() {
                republisher = footer_name(line, &["republished by "]);
            }
            if copyright.is_none() {
                copyright = footer_name(line, &["copyright", "©", "(c) "]);
            }
            removed.push(line.to_string());
        } else {
            kept.push(line);
        }
    }
    let provider = provider.or(republisher).or(copyright);

    let title = if title_was_derived {
        derive_title(kept.first().copied().unwrap_or_default())
    } else {
        title
    };
    PlainArticle {
        title,
        body: kept.join("\n\n"),
        title_was_derived,
        provider,
        removed,
    }
}

struct Paragraph<'a> {
    text: &'a str,
    is_headline: bool,
}

/// Splits into paragraphs (one per non-empty line) and marks whether the first is a headline:
/// short, without a final period, and followed by a blank line or the end of the text.
fn split_paragraphs(text: &str) -> Vec<Paragraph<'_>> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let mut paragraphs = Vec::new();
    for (position, line) in lines.iter().enumerate() {
        if line.is_empty() {
            continue;
        }
        let is_headline = paragraphs.is_empty() && {
            let followed_by_blank = lines.get(position + 1).is_none_or(|next| next.is_empty());
            let words = line.split_whitespace().count();
            followed_by_blank
                && words <= 30
                && line.chars().count() <= 250
                && !line.ends_with(['.', ':', ';', ','])
        };
        paragraphs.push(Paragraph {
            text: line,
            is_headline,
        });
    }
    paragraphs
}

/// Boilerplate specific to plain text, besides the stock lines shared with HTML.
fn is_plain_boilerplate(line: &str) -> bool {
    if line_is_boilerplate(line) {
        return true;
    }
    let lower = line.to_lowercase();
    let short = line.chars().count() <= 300;
    const CREDIT_PREFIXES: &[&str] = &[
        "additional reporting by",
        "reporting by",
        "editing by",
        "writing by",
        "compiled by",
        "with reporting by",
        "contributing:",
    ];
    if short
        && CREDIT_PREFIXES
            .iter()
            .any(|prefix| lower.starts_with(prefix))
    {
        return true;
    }
    if short && (lower.starts_with("copyright") || lower.contains("all rights reserved")) {
        return true;
    }
    is_reader_promo(&lower)
}

/// A paragraph pitching something to the reader: it opens with a question or call addressed to
/// "you" and offers an app, newsletter, platform or subscription.
fn is_reader_promo(lower: &str) -> bool {
    const OPENINGS: &[&str] = &[
        "do you have",
        "do you want",
        "want ",
        "are you",
        "looking for",
        "interested in",
        "have you",
        "never miss",
        "don't miss",
        "stay up to date",
        "stay informed",
        "get the",
        "sign up",
        "subscribe",
        "download",
        "like this article",
        "enjoyed this",
    ];
    const OFFERS: &[&str] = &[
        "newsletter",
        "subscribe",
        "subscription",
        "sign up",
        "download",
        " app",
        "platform",
        "podcast",
        "get the answers",
        "inbox",
        "follow us",
    ];
    lower.chars().count() <= 600
        && (OPENINGS.iter().any(|opening| lower.starts_with(opening))
            || lower
                .find('?')
                .is_some_and(|question| question < 160 && lower[..question].contains("you")))
        && OFFERS.iter().any(|offer| lower.contains(offer))
}

/// "This article originally appeared in the South China Morning Post (SCMP), …" -> provider.
fn syndication_provider(line: &str) -> Option<ProviderHint> {
    // ASCII lower-casing keeps every byte offset, so a marker found in `lower` is at the same
    // place in `line` (full lower-casing changes lengths: "İ" becomes "i̇").
    let lower = line.to_ascii_lowercase();
    const MARKERS: &[&str] = &[
        "originally appeared in ",
        "originally appeared on ",
        "first appeared in ",
        "first appeared on ",
        "originally published in ",
        "originally published on ",
        "originally published by ",
        "republished from ",
        "republished with permission from ",
    ];
    let (position, marker) = MARKERS
        .iter()
        .find_map(|marker| lower.find(marker).map(|position| (position, marker)))?;
    if position > 80 {
        return None;
    }
    let rest = &line[position + marker.len()..];
    // "appeared in the South China Morning Post": the article is grammar; "appeared in The
    // Civic Post": a capital mid-sentence makes it part of the name, as outlets write it.
    let rest = rest.strip_prefix("the ").unwrap_or(rest);
    let end = rest.find(['(', ',', '.', ';', '\n']).unwrap_or(rest.len());
    let name = rest[..end].trim();
    if name.is_empty() || name.split_whitespace().count() > 8 {
        return None;
    }
    let acronym = rest[end..]
        .strip_prefix('(')
        .and_then(|inner| inner.split(')').next())
        .map(str::trim)
        .filter(|inner| !inner.is_empty() && inner.chars().all(|c| c.is_ascii_alphanumeric()));
    let domain = known_domain(name)
        .or_else(|| acronym.and_then(known_domain))
        .or_else(|| domain_in(line))
        .or_else(|| acronym.map(|acronym| format!("{}.com", acronym.to_ascii_lowercase())));
    Some(ProviderHint {
        name: name.to_string(),
        domain,
    })
}

/// The outlet a boilerplate footer names after one of `markers`: "Republished by Bayshore
/// Chronicle under licence", "Copyright © 2024–2026 The Ledger Wire. All rights reserved."
/// Years, "©" and "(c)" after the marker are skipped; the name ends at punctuation or at
/// "all rights", "under" or "with", and must look like a name (capitalised, 1 to 8 words).
/// Only lines already dropped as boilerplate are read, so an article about copyright law
/// names nobody.
fn footer_name(line: &str, markers: &[&str]) -> Option<ProviderHint> {
    // ASCII lower-casing keeps every byte offset (full lower-casing does not, and equal
    // lengths do not mean equal offsets: "İ" grows by a byte, the Ohm sign shrinks by one).
    let lower = line.to_ascii_lowercase();
    let (position, marker) = markers
        .iter()
        .filter_map(|marker| lower.find(marker).map(|position| (position, *marker)))
        .min()?;
    let mut rest = &line[position + marker.len()..];
    loop {
        let trimmed = rest.trim_start_matches(|c: char| {
            c.is_whitespace() || c.is_ascii_digit() || matches!(c, '©' | '-' | '–' | ',')
        });
        let trimmed = trimmed
            .strip_prefix("(c)")
            .or_else(|| trimmed.strip_prefix("(C)"))
            .unwrap_or(trimmed);
        if trimmed.len() == rest.len() {
            break;
        }
        rest = trimmed;
    }
    // "Copyright 2026 by Jane Doe" names a person, not an outlet: not capitalised below.
    let rest_lower = rest.to_ascii_lowercase();
    let end = [" all rights", " under ", " with "]
        .iter()
        .filter_map(|stop| rest_lower.find(stop))
        .chain(rest.find(['.', ',', ';', '|', '(', ':']))
        .min()
        .unwrap_or(rest.len());
    let name = rest[..end].trim();
    let words = name.split_whitespace().count();
    let capitalised = name.chars().next().is_some_and(char::is_uppercase);
    let generic =
        ["the author", "the authors", "author", "authors"].contains(&name.to_lowercase().as_str());
    if !(1..=8).contains(&words) || name.chars().count() < 3 || !capitalised || generic {
        return None;
    }
    Some(ProviderHint {
        name: name.to_string(),
        domain: known_domain(name),
    })
}

fn known_domain(name: &str) -> Option<String> {
    let lower = name.trim().to_lowercase();
    KNOWN_OUTLETS
        .iter()
        .find(|(outlet, _)| *outlet == lower)
        .map(|(_, domain)| (*domain).to_string())
}

/// A domain written in the text ("… at example.com").
fn domain_in(line: &str) -> Option<String> {
    line.split_whitespace().find_map(|word| {
        let word = word.trim_matches(|c: char| !c.is_ascii_alphanumeric());
        let word = word.strip_prefix("www.").unwrap_or(word);
        let looks_like_domain = word.contains('.')
            && word.split('.').all(|part| !part.is_empty())
            && word.rsplit('.').next().is_some_and(|tld| {
                (2..=10).contains(&tld.len()) && tld.chars().all(|c| c.is_ascii_lowercase())
            });
        looks_like_domain.then(|| word.to_ascii_lowercase())
    })
}

/// A short headline-like title from a paragraph's first sentence.
fn derive_title(paragraph: &str) -> String {
    let sentence_end = paragraph
        .char_indices()
        .find(|&(position, c)| {
            matches!(c, '.' | '!' | '?')
                && paragraph[position + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_none_or(char::is_whitespace)
                && !ends_with_abbreviation(&paragraph[..position])
        })
        .map_or(paragraph.len(), |(position, _)| position);
    let sentence = paragraph[..sentence_end].trim();
    // A first sentence of news is its headline written out: kept whole when it is not much
    // longer than a headline.
    const WHOLE_WORDS: usize = 24;
    // Longer ones end at the last clause break that leaves a headline's worth of words …
    const CLAUSE_WORDS: std::ops::RangeInclusive<usize> = 8..=20;
    // … or, without one, after this many words, marked as cut.
    const CUT_WORDS: usize = 14;
    let words: Vec<&str> = sentence.split_whitespace().collect();
    if words.len() <= WHOLE_WORDS {
        return sentence.to_string();
    }
    let clause_end = words
        .iter()
        .enumerate()
        .filter(|(position, word)| CLAUSE_WORDS.contains(&(position + 1)) && word.ends_with(','))
        .map(|(position, _)| position + 1)
        .next_back();
    let mut title = words[..clause_end.unwrap_or(CUT_WORDS)].join(" ");
    while title.ends_with([',', ';', ':']) {
        title.pop();
    }
    if clause_end.is_none() {
        for filler in [
            " the", " a", " an", " of", " for", " to", " in", " and", " with",
        ] {
            if let Some(stripped) = title.strip_suffix(filler) {
                title = stripped.to_string();
            }
        }
        title.push('…');
    }
    title
}

fn ends_with_abbreviation(text: &str) -> bool {
    let last = text.rsplit(char::is_whitespace).next().unwrap_or_default();
    matches!(
        last,
        "Ltd"
            | "Inc"
            | "Co"
            | "Corp"
            | "Mr"
            | "Mrs"
            | "Ms"
            | "Dr"
            | "St"
            | "U.S"
            | "U.K"
            | "Jr"
            | "Sr"
    ) || (last.len() == 1 && last.chars().all(|c| c.is_ascii_uppercase()))
}

#[cfg(test)]
#[path = "../../../test-support/required.rs"]
mod required;

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn testdata(name: &str) -> String {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("testdata")
            .join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
    }

    /// One seed by file name. The seeds live outside the repository: without them the test
    /// skips locally and fails under CI (see `test-support/required.rs`).
    fn seed(name: &str) -> Option<String> {
        super::required::seed(name)
    }

    fn provider_of(text: &str) -> Option<String> {
        clean_plain_text(text).provider.map(|p| p.name)
    }

    #[test]
    fn letters_whose_lower_case_changes_length_do_not_shift_the_markers() {
        // Found by fuzzing: offsets found in the fully lower-cased line sliced the line itself,
        // and "İ" (two bytes, three lower-cased) put them inside a character: a panic.
        let _ = clean_plain_text("i\nİoriginally appeared in \u{fffd}");
        // The same in a copyright footer, where "İ" and the Ohm sign (one byte shorter
        // lower-cased) kept the line's length and still moved the offsets.
        let _ = clean_plain_text("Fares rose.\n\nİ Copyright \u{2126} all rights reserved.");
        assert_eq!(
            provider_of("Fares rose.\n\nİİ This article originally appeared in Harbour Times."),
            Some("Harbour Times".into())
        );
    }

    #[test]
    fn a_copyright_footer_names_the_provider() {
        let text = "Harbour reopens after storm\n\nThe harbour reopened on Monday.\n\n\
                    Copyright © 2024-2026 The Ledger Wire. All rights reserved. This material \
                    may not be republished without permission.";
        let article = clean_plain_text(text);
        let provider = article.provider.expect("named by the footer");
        assert_eq!(provider.name, "The Ledger Wire");
        assert_eq!(provider.domain, None);
        assert_eq!(article.body, "The harbour reopened on Monday.");
        assert_eq!(
            provider_of("Fares rise\n\nFares rose.\n\n(c) 2026 Reuters. All rights reserved."),
            Some("Reuters".into())
        );
    }

    #[test]
    fn the_republisher_and_then_the_syndication_note_come_first() {
        let wire = "Fares rise\n\nFares rose.\n\nDistributed by Continental Press Service. \
                    Copyright © 2026 Continental Press Service. All rights reserved. \
                    Republished by Bayshore Chronicle under licence.";
        assert_eq!(provider_of(wire), Some("Bayshore Chronicle".into()));
        let noted = "Fares rise\n\nFares rose.\n\nThis article originally appeared in The \
                     Civic Post (civicpost.example). Copyright © 2026 Metro Daily. All rights \
                     reserved.";
        assert_eq!(provider_of(noted), Some("The Civic Post".into()));
    }

    #[test]
    fn copyright_in_the_story_or_held_by_a_person_names_nobody() {
        let story = "AI law passes\n\nBig developers must say whether their training data \
                     contained copyrighted works. Copyright Office staff will check.";
        assert_eq!(provider_of(story), None);
        let personal = "Notes\n\nA walk by the river.\n\nCopyright 2026 by jane doe. All \
                        rights reserved.";
        assert_eq!(provider_of(personal), None);
    }

    #[test]
    fn seed_002_keeps_its_headline_and_all_paragraphs() {
        let Some(text) = seed("002_3e5fed83c1bc69b1.txt") else {
            return;
        };
        let article = clean_plain_text(&text);
        assert_eq!(
            article.title,
            "Alibaba Leads $2.5 Billion Investment in AI Startup MiniMax"
        );
        assert!(!article.title_was_derived);
        assert_eq!(article.body.split("\n\n").count(), 6);
        assert!(article.removed.is_empty());
        assert!(article.provider.is_none());
    }

    #[test]
    fn seed_003_drops_boilerplate_and_names_scmp() {
        let Some(text) = seed("003_1d20b235b6bef546.txt") else {
            return;
        };
        let article = clean_plain_text(&text);
        assert!(
            article
                .title
                .starts_with("Alibaba said to lead new financing round")
        );
        for phrase in [
            "In this article",
            "Do you have questions",
            "Additional reporting",
            "Copyright",
            "Advertisement",
            "originally appeared",
        ] {
            assert!(!article.body.contains(phrase), "body still has {phrase:?}");
            assert!(
                article.removed.iter().any(|line| line.contains(phrase)),
                "{phrase:?} not reported"
            );
        }
        assert!(
            article
                .body
                .starts_with("Alibaba Group Holding is said to lead")
        );
        assert!(
            article.body.ends_with("\"users first\" and \"AI-driven\".")
                || article.body.contains("Tongyi Qianwen")
        );
        let provider = article
            .provider
            .expect("provider inferred from the syndication note");
        assert_eq!(provider.name, "South China Morning Post");
        assert_eq!(provider.domain.as_deref(), Some("scmp.com"));
    }

    #[test]
    fn seed_004_gets_a_derived_title_and_loses_its_photo_credit() {
        let Some(text) = seed("004_7f441a2829374d0e.txt") else {
            return;
        };
        let article = clean_plain_text(&text);
        assert!(article.title_was_derived);
        assert!(
            article
                .title
                .starts_with("Alibaba Group Holding Ltd. is the headline backer"),
            "{}",
            article.title
        );
        // The first sentence (22 words) is the headline, without its full stop.
        assert!(
            article
                .title
                .ends_with("Chinese artificial intelligence (AI) initiative"),
            "{}",
            article.title
        );
        assert!(article.body.contains("Change of direction"));
        assert_eq!(article.removed, vec!["Image: Alibaba/X".to_string()]);
    }

    #[test]
    fn own_wire_story_is_cleaned() {
        let article = clean_plain_text(&testdata("wire_story.txt"));
        assert_eq!(
            article.title,
            "Harbour authority reopens the northern quay after storm repairs"
        );
        assert!(!article.body.contains("newsletter"));
        assert!(!article.body.contains("Photo:"));
        assert!(!article.body.contains("Reporting by"));
        assert!(
            article
                .body
                .contains("The quay handles a third of the port's container traffic.")
        );
        assert_eq!(
            article.provider.as_ref().map(|p| p.name.as_str()),
            Some("Coastal Ledger")
        );
        assert_eq!(
            article.provider.and_then(|p| p.domain).as_deref(),
            Some("coastalledger.example")
        );
        assert_eq!(article.removed.len(), 5);
    }

    #[test]
    fn text_without_headline_gets_a_short_derived_title() {
        let title = |text: &str| {
            let article = clean_plain_text(text);
            assert!(article.title_was_derived);
            article.title
        };
        // A first sentence of headline length is the headline; the text keeps it.
        let tram = "City council approved the new tram line on Tuesday, ending a decade of debate over the route and its cost to taxpayers.\n\nConstruction starts in spring.";
        assert_eq!(
            title(tram),
            "City council approved the new tram line on Tuesday, ending a decade of debate over the route and its cost to taxpayers"
        );
        assert_eq!(clean_plain_text(tram).body.split("\n\n").count(), 2);
        // A longer one ends at its last clause break within 20 words …
        assert_eq!(
            title(
                "A group of investors led by Larchmont Ventures has agreed to put 1.2 billion dollars into Quillon Labs, a developer of AI systems for scientific research, in a deal that more than triples its valuation in eight months."
            ),
            "A group of investors led by Larchmont Ventures has agreed to put 1.2 billion dollars into Quillon Labs"
        );
        // … and without one, after 14 words, marked as cut.
        assert_eq!(
            title(
                "The harbour authority said on Tuesday that the northern quay would reopen to container ships next month after repairs to the storm damage cost more than expected."
            ),
            "The harbour authority said on Tuesday that the northern quay would reopen to container…"
        );
    }

    #[test]
    fn hostile_text_does_not_panic() {
        // Control characters and every script up to U+1387, no boilerplate: nothing is dropped,
        // each non-empty line becomes a paragraph, and the title is derived from the first.
        let binary: String = (0u32..5000).filter_map(char::from_u32).collect();
        let article = clean_plain_text(&binary);
        let lines: Vec<&str> = binary
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect();
        assert_eq!(article.body, lines.join("\n\n"));
        assert!(article.title_was_derived);
        assert!(lines[0].starts_with(&article.title), "{:?}", article.title);
        assert!(article.removed.is_empty() && article.provider.is_none());

        // One line of 200 000 words: kept whole; the title is cut at 14 words and marked.
        let words = "word ".repeat(200_000);
        let article = clean_plain_text(&words);
        assert_eq!(article.body, words.trim_end());
        assert_eq!(article.title, format!("{}…", ["word"; 14].join(" ")));
        assert!(article.title_was_derived);

        let empty = clean_plain_text("");
        assert_eq!(
            (
                empty.title.as_str(),
                empty.body.as_str(),
                empty.title_was_derived
            ),
            ("", "", true)
        );
        assert!(empty.removed.is_empty() && empty.provider.is_none());

        // A syndication note cut off before the outlet's name names no provider and is kept.
        let dangling = clean_plain_text("This article originally appeared in ");
        assert_eq!(dangling.provider, None);
        assert_eq!(dangling.title, "This article originally appeared in");
        assert_eq!(dangling.body, "");
        assert!(dangling.removed.is_empty());
    }
}
