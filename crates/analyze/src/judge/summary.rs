//! Leads and summaries: a news-aware sentence splitter, the excerpt of one article and an
//! extractive summary of a story.
//!
//! - [`sentences`] splits on `.`, `!`, `?` and `…` followed by a space and a capital, digit or
//!   quote, and on blank lines; it does not split after abbreviations ("U.S.", "Inc.", "Dr."),
//!   initials ("J. Smith") or inside numbers ("$2.5", "3.14").
//! - [`excerpt`] is the lead of an article: its first sentence, plus the second when both fit,
//!   cut on a word boundary with "…" when even the first is too long.
//! - [`summary`] picks the `n` sentences of a story closest to its centroid: each sentence is a
//!   TF-IDF vector over its content words (IDF over the story's sentences), the centroid is their
//!   sum, a sentence scores cos(sentence, centroid) (halved for very short or very long ones), and
//!   sentences are taken best first, skipping any with cosine > 0.6 to one already taken (the
//!   same sentence from a syndicated copy).

use std::collections::HashMap;

use super::words::prefix_chars;

/// Words that end with a period without ending a sentence (compared lower-case, without the dot).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "gen", "gov", "sen", "rep",
    "rev", "capt", "col", "lt", "sgt", "inc", "ltd", "corp", "co", "bros", "plc", "llc", "vs",
    "etc", "no", "nos", "vol", "fig", "approx", "est", "dept", "univ", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "wed", "thu", "fri",
    "sat", "sun", "u.s", "u.k", "u.n", "e.u", "e.g", "i.e", "a.m", "p.m", "d.c", "n.y", "l.a",
];

/// Capitalised words that usually open a sentence: after "U.S." or "Inc." they mean the sentence
/// did end there ("… in the U.S. The company said").
const SENTENCE_OPENERS: &[&str] = &[
    "the",
    "a",
    "an",
    "it",
    "its",
    "he",
    "she",
    "they",
    "we",
    "i",
    "this",
    "that",
    "these",
    "those",
    "in",
    "on",
    "at",
    "but",
    "and",
    "however",
    "meanwhile",
    "there",
    "his",
    "her",
    "their",
    "our",
    "as",
    "after",
    "while",
    "when",
    "if",
    "for",
    "according",
    "shares",
];

/// Longest sentence kept whole; longer ones are cut (a page without punctuation is one sentence).
const MAX_SENTENCE_CHARS: usize = 2_000;

/// Splits text into sentences, trimmed, without empty ones.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut iter = text.char_indices().peekable();
    while let Some((at, c)) = iter.next() {
        let end = match c {
            '\n' => {
                // A blank line (paragraph break) always ends a sentence.
                let mut blank = false;
                for next in text[at + 1..].chars() {
                    if next == '\n' {
                        blank = true;
                        break;
                    }
                    if !next.is_whitespace() {
                        break;
                    }
                }
                blank.then_some(at)
            }
            '.' | '!' | '?' | '…' => {
                // Swallow runs of terminators and closing quotes or brackets.
                let mut end = at + c.len_utf8();
                while let Some(&(next_at, next)) = iter.peek() {
                    if matches!(
                        next,
                        '.' | '!' | '?' | '…' | '"' | '\'' | '’' | '”' | ')' | ']'
                    ) {
                        end = next_at + next.len_utf8();
                        iter.next();
                    } else {
                        break;
                    }
                }
                is_sentence_end(text, start, at, end).then_some(end)
            }
            _ => None,
        };
        if let Some(end) = end {
            push_sentence(&mut out, &text[start..end]);
            start = end;
        }
    }
    push_sentence(&mut out, &text[start..]);
    out
}

fn push_sentence<'a>(out: &mut Vec<&'a str>, piece: &'a str) {
    let mut piece = piece.trim();
    while !piece.is_empty() {
        let head = prefix_chars(piece, MAX_SENTENCE_CHARS);
        out.push(head.trim());
        piece = piece[head.len()..].trim_start();
    }
}

/// Does the terminator at `at` (terminator run ending at `end`) end the sentence begun at `start`?
fn is_sentence_end(text: &str, start: usize, at: usize, end: usize) -> bool {
    let after = &text[end..];
    let mut rest = after.chars();
    // Must be followed by whitespace (or the end of the text): "$2.5" and "siliconangle.com" stay.
    match rest.next() {
        None => return true,
        Some(c) if c.is_whitespace() => {}
        Some(_) => return false,
    }
    let next_word = after.trim_start();
    let Some(first) = next_word.chars().next() else {
        return true;
    };
    let opens = first.is_uppercase()
        || first.is_numeric()
        || matches!(
            first,
            '"' | '\'' | '“' | '‘' | '(' | '[' | '—' | '-' | '$' | '€' | '£'
        );
    if !opens {
        return false;
    }
    if !text[at..].starts_with('.') {
        return true;
    }
    // The word the period ends, e.g. "U.S", "Inc", "J".
    // Look back a few bytes only: a word longer than that is no abbreviation.
    let mut window = at.saturating_sub(32).max(start);
    while !text.is_char_boundary(window) {
        window += 1;
    }
    let word_start = text[window..at]
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace() || c == '(' || c == '"')
        .map_or(window, |(i, c)| window + i + c.len_utf8());
    let word = &text[word_start..at];
    let lower = word.to_lowercase();
    let is_initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
    let is_abbreviation = ABBREVIATIONS.contains(&lower.as_str())
        || (word.contains('.') && word.split('.').all(|p| p.chars().count() <= 1));
    if is_initial {
        return false;
    }
    if is_abbreviation {
        let opener: String = next_word
            .chars()
            .take_while(|c| c.is_alphabetic())
            .collect::<String>()
            .to_lowercase();
        return SENTENCE_OPENERS.contains(&opener.as_str());
    }
    true
}

/// The lead of an article: its first sentence, plus the second if both fit in `max_chars`
/// characters; a first sentence longer than that is cut on a word boundary and ends with "…".
pub fn excerpt(body: &str, max_chars: usize) -> String {
    if max_chars == 0 {
        return String::new();
    }
    // The lead is at the start: never split a whole 5 MB body to find it.
    let lead = prefix_chars(body, max_chars.saturating_mul(4).max(4_000));
    let found = sentences(lead);
    // Headings, datelines and "In this article:" have no closing punctuation: skip up to three
    // of them when a real sentence follows.
    let skip = found
        .iter()
        .take(3)
        .take_while(|s| !ends_like_a_sentence(s))
        .count();
    let skip = if skip < found.len() { skip } else { 0 };
    let mut parts = found[skip..].iter().map(|s| collapse_whitespace(s));
    let Some(first) = parts.next() else {
        return String::new();
    };
    let first_len = first.chars().count();
    if first_len > max_chars {
        return cut_on_word(&first, max_chars);
    }
    match parts.next() {
        Some(second) if first_len + 1 + second.chars().count() <= max_chars => {
            format!("{first} {second}")
        }
        _ => first,
    }
}

fn ends_like_a_sentence(text: &str) -> bool {
    text.trim_end()
        .trim_end_matches(['"', '\'', '’', '”', ')', ']'])
        .ends_with(['.', '!', '?', '…'])
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` cut to at most `max_chars` characters including a final "…", on a word boundary when
/// there is one.
fn cut_on_word(text: &str, max_chars: usize) -> String {
    if max_chars <= 1 {
        return "…".chars().take(max_chars).collect();
    }
    let room = prefix_chars(text, max_chars - 1);
    let cut = match room.rfind(char::is_whitespace) {
        Some(space) if space > 0 => &room[..space],
        _ => room,
    };
    let cut = cut.trim_end_matches(|c: char| c.is_whitespace() || ",;:-–—".contains(c));
    format!("{cut}…")
}

/// Words ignored when comparing sentences.
const STOPWORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "for", "from", "by",
    "with", "as", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "it",
    "its", "this", "that", "these", "those", "he", "she", "they", "we", "you", "i", "his", "her",
    "their", "our", "said", "says", "will", "would", "could", "should", "also", "than", "more",
    "not", "no", "which", "who", "whom", "what", "after", "before", "about", "into", "over", "new",
    "up", "out", "so", "if", "do", "does", "did", "can", "may", "s", "t",
];

/// Lower-cased content words of a sentence.
fn content_words(sentence: &str) -> Vec<String> {
    sentence
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
        .collect()
}

/// Sparse TF-IDF vector, L2-normalised: (term index, weight), sorted by term index.
type Vector = Vec<(usize, f64)>;

fn cosine(a: &Vector, b: &Vector) -> f64 {
    let (mut i, mut j, mut dot) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    dot
}

/// Phrases of footers and promotions that never belong in a summary (compared lower-case).
const BOILERPLATE_CUES: &[&str] = &[
    "all rights reserved",
    "copyright",
    "©",
    "originally appeared",
    "subscribe",
    "newsletter",
    "sign up",
    "click here",
    "download the app",
    "follow us",
    "advertisement",
];

fn is_boilerplate(sentence: &str) -> bool {
    let lower = sentence.to_lowercase();
    BOILERPLATE_CUES.iter().any(|cue| lower.contains(cue))
}

/// Cosine above which a candidate repeats a sentence already in the summary.
const REDUNDANT: f64 = 0.6;

/// An extractive summary of a story: up to `n` of its sentences, most central first. Items of
/// `sentences_of_story` holding several sentences are split first; duplicates are dropped.
pub fn summary(sentences_of_story: &[&str], n: usize) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    let mut seen = std::collections::HashSet::new();
    let candidates: Vec<String> = sentences_of_story
        .iter()
        .flat_map(|text| sentences(text))
        .map(collapse_whitespace)
        .filter(|s| !is_boilerplate(s))
        .filter(|s| seen.insert(s.to_lowercase()))
        .collect();

    let mut vocabulary: HashMap<String, usize> = HashMap::new();
    let mut document_frequency: Vec<usize> = Vec::new();
    let mut counts: Vec<HashMap<usize, usize>> = Vec::with_capacity(candidates.len());
    for sentence in &candidates {
        let mut tf: HashMap<usize, usize> = HashMap::new();
        for word in content_words(sentence) {
            let next = vocabulary.len();
            let term = *vocabulary.entry(word).or_insert(next);
            if term == document_frequency.len() {
                document_frequency.push(0);
            }
            *tf.entry(term).or_default() += 1;
        }
        for &term in tf.keys() {
            document_frequency[term] += 1;
        }
        counts.push(tf);
    }
    let total = candidates.len() as f64;
    let vectors: Vec<Vector> = counts
        .iter()
        .map(|tf| {
            let mut v: Vector = tf
                .iter()
                .map(|(&term, &count)| {
                    let idf = (1.0 + total / document_frequency[term] as f64).ln();
                    (term, (1.0 + (count as f64).ln()) * idf)
                })
                .collect();
            v.sort_by_key(|&(term, _)| term);
            normalise(&mut v);
            v
        })
        .collect();

    let mut centroid: HashMap<usize, f64> = HashMap::new();
    for v in &vectors {
        for &(term, weight) in v {
            *centroid.entry(term).or_default() += weight;
        }
    }
    let mut centroid: Vector = centroid.into_iter().collect();
    centroid.sort_by_key(|&(term, _)| term);
    normalise(&mut centroid);

    let mut ranked: Vec<(usize, f64)> = vectors
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let words = candidates[i].split_whitespace().count();
            let fit = if (6..=60).contains(&words) { 1.0 } else { 0.5 };
            (i, cosine(v, &centroid) * fit)
        })
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));

    let mut chosen: Vec<usize> = Vec::new();
    for (i, score) in ranked {
        if chosen.len() == n {
            break;
        }
        if score <= 0.0 {
            continue;
        }
        if chosen
            .iter()
            .any(|&c| cosine(&vectors[c], &vectors[i]) > REDUNDANT)
        {
            continue;
        }
        chosen.push(i);
    }
    chosen.into_iter().map(|i| candidates[i].clone()).collect()
}

fn normalise(v: &mut Vector) {
    let norm = v.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
    if norm > 0.0 {
        for (_, w) in v.iter_mut() {
            *w /= norm;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitter_keeps_abbreviations_decimals_and_initials_inside_sentences() {
        let text = "Alibaba Group Holding Ltd. is leading a $2.5 billion round in the U.S. market, \
                    J. Smith said. Shares rose 3.5% on Monday! Did investors care? The U.S. \
                    The end.";
        let found = sentences(text);
        assert_eq!(
            found,
            vec![
                "Alibaba Group Holding Ltd. is leading a $2.5 billion round in the U.S. market, \
                 J. Smith said.",
                "Shares rose 3.5% on Monday!",
                "Did investors care?",
                "The U.S.",
                "The end."
            ]
        );
    }

    #[test]
    fn splitter_ends_sentences_at_paragraph_breaks_and_after_quotes() {
        let text = "Change of direction\n\nHe said \"we will grow.\" Then he left.";
        assert_eq!(
            sentences(text),
            vec![
                "Change of direction",
                "He said \"we will grow.\"",
                "Then he left."
            ]
        );
    }

    #[test]
    fn splitter_handles_wide_whitespace_before_a_period() {
        let text = "Valued at\u{a0}Inc. The next\u{3000}U.S. And more.\u{a0}Done.";
        assert_eq!(
            sentences(text),
            vec![
                "Valued at\u{a0}Inc.",
                "The next\u{3000}U.S.",
                "And more.",
                "Done."
            ]
        );
    }

    #[test]
    fn abbreviation_followed_by_a_sentence_opener_ends_the_sentence() {
        let text = "The firm is based in the U.S. The company said so.";
        assert_eq!(sentences(text).len(), 2);
        let text = "Backed by Baidu Inc. and Tencent.";
        assert_eq!(sentences(text).len(), 1);
    }

    #[test]
    fn excerpt_takes_two_sentences_when_they_fit() {
        let body = "MiniMax is raising $600 million. Alibaba leads the round. A third one.";
        assert_eq!(
            excerpt(body, 300),
            "MiniMax is raising $600 million. Alibaba leads the round."
        );
        assert_eq!(excerpt(body, 40), "MiniMax is raising $600 million.");
    }

    #[test]
    fn excerpt_skips_headings_without_punctuation() {
        let body = "In this article:\n\nMiniMax is raising money. It is two years old.";
        assert_eq!(
            excerpt(body, 300),
            "MiniMax is raising money. It is two years old."
        );
        assert_eq!(excerpt("Just a heading", 300), "Just a heading");
    }

    #[test]
    fn excerpt_cuts_a_long_sentence_on_a_word_boundary() {
        let body = "Alibaba Group Holding is leading a financing round of at least US$600 million \
                    for Chinese AI startup MiniMax, spearheading its second major deal";
        let cut = excerpt(body, 50);
        assert!(cut.ends_with('…'), "{cut}");
        assert!(cut.chars().count() <= 50, "{cut}");
        let without = cut.trim_end_matches('…');
        assert!(body.starts_with(without), "{cut}");
        assert!(
            body[without.len()..].starts_with(' '),
            "cut mid-word: {cut}"
        );
    }

    #[test]
    fn excerpt_of_hostile_input_is_bounded() {
        assert_eq!(excerpt("", 300), "");
        assert_eq!(excerpt("   \n\n  ", 300), "");
        assert_eq!(excerpt("anything", 0), "");
        let huge = "x".repeat(5 * 1024 * 1024);
        assert!(excerpt(&huge, 300).chars().count() <= 300);
        let odd = "🤖\u{200b}\u{0}ǅ. ".repeat(100_000);
        assert!(excerpt(&odd, 300).chars().count() <= 300);
    }

    #[test]
    fn summary_picks_central_sentences_and_skips_repeats() {
        let story = [
            "Alibaba leads a $600 million funding round in Chinese AI startup MiniMax.",
            "Alibaba leads a $600 million funding round in Chinese AI startup MiniMax.",
            "Alibaba is leading the $600 million round for AI startup MiniMax, Bloomberg said.",
            "MiniMax makes AI companions such as the Talkie app.",
            "Do you have questions about the biggest topics? Subscribe to our newsletter.",
            "Copyright 2024 MiniMax AI startup Alibaba funding round. All rights reserved.",
            "The MiniMax round values the AI startup at $2.5 billion, with Alibaba as lead.",
        ];
        let picked = summary(&story, 2);
        assert_eq!(picked.len(), 2);
        assert!(picked[0].contains("MiniMax") && picked[0].contains("Alibaba"));
        assert!(!picked.iter().any(|s| s.contains("newsletter")));
        assert!(!picked.iter().any(|s| s.contains("rights reserved")));
        assert_ne!(picked[0], picked[1]);
    }

    #[test]
    fn summary_of_hostile_input_does_not_panic() {
        assert!(summary(&[], 3).is_empty());
        assert!(summary(&["", "  "], 3).is_empty());
        assert!(summary(&["One sentence."], 0).is_empty());
        let huge = "word another thing. ".repeat(250_000);
        assert!(summary(&[&huge], 3).len() <= 3);
    }
}
