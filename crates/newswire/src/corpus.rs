//! The articles a newswire serves, built at start: full texts from the ECB+ development set
//! when it is on this machine, then synthetic fictional articles for the rest. Each article
//! gets an age (seconds before the newswire's base time) spread over the last three days;
//! articles about one event are published close together, as real coverage is.

use std::path::{Path, PathBuf};

use crate::rng::Rng;
use crate::synth;

/// Articles are published within this many seconds before the base time.
const WINDOW_SECS: u64 = 72 * 3600;
/// A dataset event's articles appear within this many seconds after the event.
const DATASET_SPREAD_SECS: u64 = 36 * 3600;
/// A synthetic event's articles appear within this many seconds after the event.
const SYNTH_SPREAD_SECS: u64 = 10 * 3600;
/// Dataset documents with a shorter body are left out.
const MIN_DATASET_WORDS: usize = 80;

/// One article's text and time, before it is given to an outlet.
#[derive(Debug, Clone)]
pub(crate) struct Piece {
    pub title: String,
    pub paragraphs: Vec<String>,
    pub section: &'static str,
    /// Seconds before the base time.
    pub age: u64,
}

/// The folder holding the development sets: `explicit`, else `STORYLINE_DATASETS`, else
/// `shared/datasets` beside the project checkout.
pub(crate) fn datasets_dir(explicit: Option<&Path>) -> PathBuf {
    explicit
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("STORYLINE_DATASETS").map(PathBuf::from))
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/datasets"))
}

/// `count` articles, newest first: dataset texts (when `datasets` holds them) in a seeded
/// order, then synthetic events.
pub(crate) fn build(count: usize, seed: u64, datasets: Option<&Path>) -> Vec<Piece> {
    let mut rng = Rng::new(seed, 0xC0);
    let mut pieces = Vec::with_capacity(count);
    if let Some(dir) = datasets {
        let mut docs = load_ecbplus(&dir.join("ecbplus-dev/ecbplus_dev.jsonl"));
        rng.shuffle(&mut docs);
        docs.truncate(count);
        let mut event_ages: Vec<(String, u64)> = Vec::new();
        for doc in docs {
            let event_age = match event_ages.iter().find(|(c, _)| *c == doc.cluster) {
                Some((_, age)) => *age,
                None => {
                    let age = rng.range(0, WINDOW_SECS);
                    event_ages.push((doc.cluster.clone(), age));
                    age
                }
            };
            pieces.push(Piece {
                title: doc.title,
                paragraphs: doc.paragraphs,
                section: doc.section,
                age: event_age - rng.range(0, event_age.min(DATASET_SPREAD_SECS)),
            });
        }
    }
    let mut event = 0;
    while pieces.len() < count {
        let size = match rng.below(20) {
            0..=7 => 1,
            8..=12 => 2,
            13..=16 => 3,
            17..=18 => 4,
            _ => 5,
        }
        .min(count - pieces.len());
        let event_age = rng.range(0, WINDOW_SECS);
        for draft in synth::event(seed, event, size) {
            pieces.push(Piece {
                title: draft.title,
                paragraphs: draft.paragraphs,
                section: draft.section,
                age: event_age - rng.range(0, event_age.min(SYNTH_SPREAD_SECS)),
            });
        }
        event += 1;
    }
    pieces.sort_by_key(|p| p.age);
    pieces
}

/// A dataset document made into an article.
struct Doc {
    cluster: String,
    title: String,
    paragraphs: Vec<String>,
    section: &'static str,
}

#[derive(serde::Deserialize)]
struct Line {
    topic: usize,
    cluster: String,
    text: String,
}

/// Sections for the 22 ECB+ development topics (celebrities, sports, crime, disasters…).
const ECB_SECTIONS: &[&str] = &[
    "Culture", "Culture", "Local", "Culture", "Sports", "Culture", "Sports", "Local", "Politics",
    "Sports", "World", "World", "Politics", "Local", "World", "Local", "World", "Local", "World",
    "World", "Local", "Local",
];

/// The usable documents of `ecbplus_dev.jsonl`; none when the file is missing.
fn load_ecbplus(path: &Path) -> Vec<Doc> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|line| serde_json::from_str::<Line>(line).ok())
        .filter_map(|line| {
            let (title, paragraphs) = article_of(&line.text)?;
            let section = line
                .topic
                .checked_sub(1)
                .and_then(|i| ECB_SECTIONS.get(i))
                .copied()
                .unwrap_or("World");
            Some(Doc {
                cluster: line.cluster,
                title,
                paragraphs,
                section,
            })
        })
        .collect()
}

/// Headline and paragraphs of a detokenized ECB+ text (one sentence a line, sometimes
/// after a URL line, a headline and a date line); `None` when the body is too short.
fn article_of(text: &str) -> Option<(String, Vec<String>)> {
    let lines: Vec<String> = text
        .lines()
        .map(repair)
        .filter(|l| !l.is_empty() && !is_url(l) && !is_dateline(l))
        .collect();
    let first = lines.first()?;
    let (title, body) = if words(first) <= 20 && !is_sentence(first) {
        (first.clone(), &lines[1..])
    } else {
        (headline_of(first), &lines[..])
    };
    let sentences: Vec<&String> = body.iter().filter(|l| is_sentence(l)).collect();
    if sentences.iter().map(|s| words(s)).sum::<usize>() < MIN_DATASET_WORDS {
        return None;
    }
    let mut paragraphs = Vec::new();
    let mut rest = sentences.as_slice();
    let mut take = 1;
    while !rest.is_empty() {
        let n = take.min(rest.len());
        paragraphs.push(
            rest[..n]
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        );
        rest = &rest[n..];
        take = if take == 2 { 3 } else { 2 };
    }
    Some((title, paragraphs))
}

fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Undoes the tokenizer's spacing where it is unambiguous: `90 - day` → `90-day`,
/// `that ’ s` → `that’s`, `‘ Hunger Games ’` → `‘Hunger Games’`, `5. 9` → `5.9`.
fn repair(line: &str) -> String {
    let chars: Vec<char> = line.trim().chars().collect();
    let at = |i: usize| chars.get(i).copied().unwrap_or(' ');
    let mut out = String::with_capacity(line.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' && i > 0 {
            let (before, next, after) = (chars[i - 1], at(i + 1), at(i + 2));
            let word = |i: usize| at(i).is_alphanumeric();
            // `90 - day`, `that ’ s`: the space before the mark …
            let before_mark = matches!(next, '-' | '’')
                && before.is_alphanumeric()
                && after == ' '
                && word(i + 3)
                && (next == '-' || !word(i + 4));
            // … and the space after it
            let after_mark = matches!(before, '-' | '’')
                && i >= 3
                && chars[i - 2] == ' '
                && chars[i - 3].is_alphanumeric()
                && next.is_alphanumeric()
                && (before == '-' || !word(i + 2));
            // `‘ Hunger`: an opening quote keeps its word; `Games ’ sequel`: a closing one
            // follows its word
            let opening = matches!(before, '‘' | '“') && next.is_alphanumeric();
            let closing =
                matches!(next, '’' | '”') && before.is_alphanumeric() && !after.is_alphanumeric();
            // `5. 9`, `10: 46`: a number split at its point or colon
            let number = matches!(before, '.' | ':')
                && next.is_ascii_digit()
                && i >= 2
                && chars[i - 2].is_ascii_digit();
            if before_mark || after_mark || opening || closing || number {
                continue;
            }
        }
        out.push(c);
    }
    out
}

fn is_url(line: &str) -> bool {
    line.starts_with("http") || line.starts_with("www.")
}

/// A short line naming a month and a year or day: `September 14, 2013 10: 46 AM`.
fn is_dateline(line: &str) -> bool {
    const MONTHS: &[&str] = &[
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    words(line) <= 8
        && line.chars().any(|c| c.is_ascii_digit())
        && line.split_whitespace().any(|w| {
            let w = w.to_lowercase();
            MONTHS.iter().any(|m| w.starts_with(m))
        })
}

/// A line that ends as a sentence does (or is too long to be a heading).
fn is_sentence(line: &str) -> bool {
    line.ends_with(['.', '!', '?', '"', '”', '\'', '’', ')']) || words(line) > 20
}

/// A headline from a lead sentence: its first clause when that is long enough, at most 14
/// words, without the final stop.
fn headline_of(sentence: &str) -> String {
    let clause = sentence
        .split_once(", ")
        .map(|(head, _)| head)
        .filter(|head| words(head) >= 5)
        .unwrap_or(sentence);
    let title: Vec<&str> = clause.split_whitespace().take(14).collect();
    title
        .join(" ")
        .trim_end_matches(['.', ',', ';', ':'])
        .to_string()
}

#[cfg(test)]
#[path = "../../../test-support/required.rs"]
mod required;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecbplus_text_becomes_an_article() {
        let text = "http: / / example. com / 2013 / story\nLindsay Lohan checks into Betty Ford Center\nMay 03, 2013\nAfter skipping out on a 90 - day stay, Lindsay Lohan has checked into the Betty Ford Center to begin a court - mandated stay in her reckless driving conviction, which follows an earlier case.\nLohan was previously at Betty Ford from September 2010 to January 2011 after a probation violation in a prior drunk driving case.\nHer latest stay comes after Lohan rear - ended a truck with her Porsche on Pacific Coast Highway on June 8, and then lied to police, telling them she was not driving at the time of the crash.\nThat ’ s what the court heard.";
        let (title, paragraphs) = article_of(text).expect("long enough");
        assert_eq!(title, "Lindsay Lohan checks into Betty Ford Center");
        assert!(paragraphs[0].starts_with("After skipping out on a 90-day stay"));
        assert!(paragraphs.iter().any(|p| p.contains("court-mandated")));
        assert!(paragraphs.iter().any(|p| p.contains("That’s what")));
        assert_eq!(
            repair(
                "Ross to direct ‘ Hunger Games ’ sequel after 5. 9 quake at 10: 46 in WINS ’ Glenn"
            ),
            "Ross to direct ‘Hunger Games’ sequel after 5.9 quake at 10:46 in WINS’ Glenn"
        );
        assert!(!paragraphs.iter().any(|p| p.contains("May 03")));
    }

    #[test]
    fn headline_from_a_lead_sentence() {
        assert_eq!(
            headline_of(
                "Perennial party girl Tara Reid checked herself into Promises Treatment Center, her rep told People."
            ),
            "Perennial party girl Tara Reid checked herself into Promises Treatment Center"
        );
    }

    #[test]
    fn dataset_texts_come_first_when_present() {
        // Outside the repository: skipped locally without it, failed under CI.
        if super::required::dataset_file("ecbplus-dev/ecbplus_dev.jsonl").is_none() {
            return;
        }
        let dir = datasets_dir(None);
        let docs = load_ecbplus(&dir.join("ecbplus-dev/ecbplus_dev.jsonl"));
        assert!(docs.len() > 300, "{} usable documents", docs.len());
        let pieces = build(docs.len() + 20, 9, Some(&dir));
        let from_dataset = pieces
            .iter()
            .filter(|p| docs.iter().any(|d| d.paragraphs == p.paragraphs))
            .count();
        assert_eq!(from_dataset, docs.len());
    }

    #[test]
    fn synthetic_only_fills_the_count_newest_first() {
        let pieces = build(57, 3, None);
        assert_eq!(pieces.len(), 57);
        assert!(pieces.windows(2).all(|w| w[0].age <= w[1].age));
        assert!(pieces.iter().all(|p| p.age <= WINDOW_SECS));
    }
}
