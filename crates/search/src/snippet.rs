//! Snippets: about sixteen words of an article around its matches, matched words between
//! `[` and `]`, `…` where the text was cut. Words are matched as the index matched them
//! (same analysis: `funded` is marked for a search of `funding` in English text).

use std::collections::HashSet;

use crate::analysis::Analyzer;

/// Words in a snippet.
const SNIPPET_WORDS: usize = 16;
/// Words shown before the first match.
const LEAD_WORDS: usize = 3;

/// The snippet of the first of body, excerpt and title holding a match (texts given in
/// the order title, excerpt, body); the start of the body (or excerpt) when none does.
pub fn cut(texts: [&str; 3], analyzer: &Analyzer, wanted: &HashSet<String>) -> String {
    let mut spans: Vec<(usize, usize, bool)> = Vec::new();
    for text in [texts[2], texts[1], texts[0]] {
        spans.clear();
        analyzer.each_term(text, |from, to, term| {
            spans.push((from, to, wanted.contains(term)));
        });
        if spans.iter().any(|s| s.2) {
            return window(text, &spans);
        }
    }
    let text = if texts[2].trim().is_empty() {
        texts[1]
    } else {
        texts[2]
    };
    spans.clear();
    analyzer.each_term(text, |from, to, _| spans.push((from, to, false)));
    window(text, &spans)
}

/// The `SNIPPET_WORDS` words of `text` holding the most matches, marked.
fn window(text: &str, spans: &[(usize, usize, bool)]) -> String {
    if spans.is_empty() {
        return String::new();
    }
    let last_start = spans.len().saturating_sub(SNIPPET_WORDS);
    let mut best = (0usize, 0usize);
    for (i, _) in spans.iter().enumerate().filter(|(_, s)| s.2) {
        let start = i.saturating_sub(LEAD_WORDS).min(last_start);
        let inside = spans[start..(start + SNIPPET_WORDS).min(spans.len())]
            .iter()
            .filter(|s| s.2)
            .count();
        if inside > best.1 {
            best = (start, inside);
        }
    }
    let start = best.0;
    let end = (start + SNIPPET_WORDS).min(spans.len());
    let from = if start == 0 { 0 } else { spans[start].0 };
    let to = if end == spans.len() {
        text.len()
    } else {
        spans[end - 1].1
    };
    // Marked ranges, overlapping or touching ones (pairs of CJK characters, a phrase's
    // words separated by one space) joined.
    let mut marks: Vec<(usize, usize)> = Vec::new();
    for &(a, b, hit) in &spans[start..end] {
        if !hit {
            continue;
        }
        match marks.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => marks.push((a, b)),
        }
    }
    let mut out = String::with_capacity(to - from + 8);
    if start > 0 {
        out.push('…');
    }
    let mut at = from;
    for (a, b) in marks {
        out.push_str(&text[at..a]);
        out.push('[');
        out.push_str(&text[a..b]);
        out.push(']');
        at = b;
    }
    out.push_str(&text[at..to]);
    if end < spans.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use whatlang::Lang;

    fn wanted(analyzer: &Analyzer, words: &str) -> HashSet<String> {
        analyzer.terms(words).into_iter().collect()
    }

    #[test]
    fn matches_are_marked_as_the_index_matched_them() {
        let en = Analyzer::new(Some(Lang::Eng));
        let body = "Investors funded the company. Alibaba led the funding round for MiniMax.";
        let s = cut(["Title", "", body], &en, &wanted(&en, "funding alibaba"));
        assert_eq!(
            s,
            "Investors [funded] the company. [Alibaba] led the [funding] round for MiniMax."
        );
    }

    #[test]
    fn long_text_is_cut_around_the_matches() {
        let none = Analyzer::new(None);
        let body = format!("{}needle here {}", "hay ".repeat(40), "straw ".repeat(40));
        let s = cut(["", "", &body], &none, &wanted(&none, "needle"));
        assert!(s.starts_with("…hay hay hay [needle] here"), "{s}");
        assert!(s.ends_with('…'));
        assert_eq!(s.matches('[').count(), 1);
    }

    #[test]
    fn cjk_pairs_are_marked_as_one_word_and_no_match_gives_the_start() {
        let none = Analyzer::new(None);
        let s = cut(
            ["", "", "报道：阿里巴巴领投"],
            &none,
            &wanted(&none, "阿里巴巴"),
        );
        assert_eq!(s, "报道：[阿里巴巴]领投");
        let s = cut(["T", "Excerpt words", ""], &none, &wanted(&none, "zzz"));
        assert_eq!(s, "Excerpt words");
    }
}
