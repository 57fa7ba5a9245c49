//! The ranking formula and snippets.
//!
//! BM25 (k1 = 1.2, b = 0.75, column weights) is applied by `fts5_rank` to a bounded window
//! of candidates, inside FTS5, with document frequencies estimated once and cached by the
//! caller. Snippets are cut here from the hits shown: words are split and folded as the
//! `unicode61 remove_diacritics 2` tokenizer does for the scripts news is written in.

/// Column weights: title, excerpt, body.
const WEIGHTS: [f64; 3] = [8.0, 3.0, 1.0];
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Words in a snippet.
const SNIPPET_WORDS: usize = 16;

/// Lower case without diacritics, as the index compares words.
pub(crate) fn fold(word: &str) -> String {
    folded_chars(word).collect()
}

fn folded_chars(word: &str) -> impl Iterator<Item = char> + '_ {
    word.chars()
        .flat_map(char::to_lowercase)
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .map(strip_diacritic)
}

/// The base letter of a lower-case Latin letter with a diacritic (Latin-1 and Latin
/// Extended-A, where nearly all news text's accents live); other characters unchanged.
fn strip_diacritic(c: char) -> char {
    match c {
        'à'..='å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => 'c',
        'ď' => 'd',
        'è'..='ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => 'e',
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => 'g',
        'ĥ' => 'h',
        'ì'..='ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' => 'i',
        'ĵ' => 'j',
        'ķ' => 'k',
        'ĺ' | 'ļ' | 'ľ' => 'l',
        'ñ' | 'ń' | 'ņ' | 'ň' => 'n',
        'ò'..='ö' | 'ō' | 'ŏ' | 'ő' => 'o',
        'ŕ' | 'ŗ' | 'ř' => 'r',
        'ś' | 'ŝ' | 'ş' | 'š' => 's',
        'ţ' | 'ť' => 't',
        'ù'..='ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => 'u',
        'ŵ' => 'w',
        'ý' | 'ÿ' | 'ŷ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        c => c,
    }
}

/// Whether a word of the text equals a folded query word.
fn same_word(token: &str, folded: &str) -> bool {
    if token.is_ascii() {
        // The common case, without decoding: equal lengths first, then bytes.
        return token.len() == folded.len() && token.eq_ignore_ascii_case(folded);
    }
    folded_chars(token).eq(folded.chars())
}

/// Byte spans of the words of `text` (runs of letters and digits), into `out`.
fn words(text: &str, out: &mut Vec<(usize, usize)>) {
    out.clear();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let word_char = if c.is_ascii() {
            c.is_ascii_alphanumeric()
        } else {
            c.is_alphanumeric()
        };
        match (word_char, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
}

/// Where `phrase` occurs among `spans` of `text`: the index of each occurrence's first word.
fn occurrences<'a>(
    text: &'a str,
    spans: &'a [(usize, usize)],
    phrase: &'a [String],
) -> impl Iterator<Item = usize> + 'a {
    let n = phrase.len();
    (0..spans.len().saturating_sub(n.saturating_sub(1))).filter(move |&i| {
        n > 0
            && phrase
                .iter()
                .zip(&spans[i..i + n])
                .all(|(word, &(s, e))| same_word(&text[s..e], word))
    })
}

/// The text columns, in the index's order: title, excerpt, body (`facets` comes after).
pub(crate) const TEXT_COLUMNS: usize = 3;

/// One phrase's BM25 term for a document: `hits` per column (weighted by `WEIGHTS`), the
/// document's length in tokens and the archive's mean, and the phrase's `idf`.
pub(crate) fn bm25_term(
    hits: &[u32; TEXT_COLUMNS],
    tokens: f64,
    mean_tokens: f64,
    idf: f64,
) -> f64 {
    let norm = K1 * (1.0 - B + B * tokens / mean_tokens.max(1.0));
    // FTS5 found the row, so every included phrase is in it somewhere; a hit the position
    // lists do not place in a text column still counts once, in the body.
    let mut tf: f64 = hits.iter().zip(WEIGHTS).map(|(&h, w)| h as f64 * w).sum();
    if tf == 0.0 {
        tf = WEIGHTS[2];
    }
    idf * tf * (K1 + 1.0) / (tf + norm)
}

/// Inverse document frequency as FTS5 computes it, from `docs` containing the phrase among
/// `total` documents (never below a small positive floor, so a very common word still counts).
pub(crate) fn idf(docs: f64, total: f64) -> f64 {
    (((total - docs + 0.5) / (docs + 0.5)).ln()).max(1e-6)
}

/// About sixteen words of the first column (body, excerpt, title) holding a match, matched
/// phrases between `[` and `]`, `…` where text was cut.
pub(crate) fn snippet(columns: [&str; 3], phrases: &[Vec<String>]) -> String {
    let mut spans = Vec::new();
    for text in [columns[2], columns[1], columns[0]] {
        words(text, &mut spans);
        let mut marks: Vec<(usize, usize)> = phrases
            .iter()
            .flat_map(|p| occurrences(text, &spans, p).map(move |i| (i, i + p.len())))
            .collect();
        if marks.is_empty() {
            continue;
        }
        marks.sort_unstable();
        // Overlapping occurrences (a phrase inside another) keep the first.
        let mut kept: Vec<(usize, usize)> = Vec::with_capacity(marks.len());
        for m in marks {
            if kept.last().is_none_or(|last| m.0 >= last.1) {
                kept.push(m);
            }
        }
        return cut(text, &spans, &kept);
    }
    let text = if columns[2].trim().is_empty() {
        columns[1]
    } else {
        columns[2]
    };
    words(text, &mut spans);
    cut(text, &spans, &[])
}

/// The window of `SNIPPET_WORDS` words holding the most marks, marked.
fn cut(text: &str, spans: &[(usize, usize)], marks: &[(usize, usize)]) -> String {
    if spans.is_empty() {
        return String::new();
    }
    let last_start = spans.len().saturating_sub(SNIPPET_WORDS);
    let mut best = (0usize, 0usize);
    for &(m, _) in marks {
        // A little context before the match.
        let start = m.saturating_sub(3).min(last_start);
        let end = start + SNIPPET_WORDS;
        let inside = marks
            .iter()
            .filter(|&&(a, _)| a >= start && a < end)
            .count();
        if inside > best.1 {
            best = (start, inside);
        }
    }
    let start = best.0;
    let end = (start + SNIPPET_WORDS).min(spans.len());
    let mut out = String::new();
    let from = if start == 0 { 0 } else { spans[start].0 };
    if start > 0 {
        out.push('…');
    }
    let to = if end == spans.len() {
        text.len()
    } else {
        spans[end - 1].1
    };
    let mut at = from;
    for &(a, b) in marks.iter().filter(|&&(a, _)| a >= start && a < end) {
        let b = b.min(end);
        let (open, close) = (spans[a].0, spans[b - 1].1);
        out.push_str(&text[at..open]);
        out.push('[');
        out.push_str(&text[open..close]);
        out.push(']');
        at = close;
    }
    out.push_str(&text[at..to]);
    if end < spans.len() {
        out.push('…');
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases(list: &[&str]) -> Vec<Vec<String>> {
        list.iter()
            .map(|p| p.split(' ').map(fold).collect())
            .collect()
    }

    #[test]
    fn words_fold_case_and_accents_like_the_index() {
        assert_eq!(fold("Zürich"), "zurich");
        assert_eq!(fold("ÉCOLE"), "ecole");
        assert!(same_word("Zürich", "zurich"));
        assert!(same_word("QUILLON", "quillon"));
        assert!(!same_word("quillons", "quillon"));
        let mut spans = Vec::new();
        words("Chip-fab: $400m, in Zürich.", &mut spans);
        let text = "Chip-fab: $400m, in Zürich.";
        let list: Vec<&str> = spans.iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(list, ["Chip", "fab", "400m", "in", "Zürich"]);
    }

    #[test]
    fn title_hits_outrank_body_hits_and_longer_documents_weigh_less() {
        let in_title = bm25_term(&[1, 0, 0], 40.0, 40.0, 1.0);
        let in_body = bm25_term(&[0, 0, 1], 40.0, 40.0, 1.0);
        assert!(in_title > in_body, "{in_title} {in_body}");
        let short = bm25_term(&[0, 0, 2], 20.0, 40.0, 1.0);
        let long = bm25_term(&[0, 0, 2], 400.0, 40.0, 1.0);
        assert!(short > long, "{short} {long}");
        // More hits count, with diminishing returns.
        let one = bm25_term(&[0, 0, 1], 40.0, 40.0, 1.0);
        let four = bm25_term(&[0, 0, 4], 40.0, 40.0, 1.0);
        assert!(four > one && four < 4.0 * one, "{one} {four}");
        // A row FTS5 matched always scores above zero.
        assert!(bm25_term(&[0, 0, 0], 40.0, 40.0, 1.0) > 0.0);
    }

    #[test]
    fn rare_words_weigh_more_than_common_ones() {
        assert!(idf(10.0, 1_000_000.0) > idf(500_000.0, 1_000_000.0));
        assert!(idf(999_999.0, 1_000_000.0) > 0.0);
        let (common, rare) = (idf(900.0, 1000.0), idf(5.0, 1000.0));
        // Four of the common word and one rare against one common and four rare.
        let many_common =
            bm25_term(&[0, 0, 4], 5.0, 5.0, common) + bm25_term(&[0, 0, 1], 5.0, 5.0, rare);
        let many_rare =
            bm25_term(&[0, 0, 1], 5.0, 5.0, common) + bm25_term(&[0, 0, 4], 5.0, 5.0, rare);
        assert!(many_rare > many_common, "{many_rare} {many_common}");
    }

    #[test]
    fn snippets_mark_phrases_and_cut_long_text() {
        let q = phrases(&["chip fab"]);
        let body = "one two three four five six seven eight nine ten eleven twelve thirteen \
                    fourteen fifteen sixteen seventeen eighteen the new chip fab in Altura opens \
                    next year, officials said.";
        let s = snippet(["Title", "Excerpt", body], &q);
        assert!(s.starts_with('…'), "{s}");
        assert!(s.contains("[chip fab]"), "{s}");
        assert!(s.ends_with("said."), "{s}");
        let short = snippet(
            ["Harbor update", "", "harbor report"],
            &phrases(&["harbor"]),
        );
        assert_eq!(short, "[harbor] report");
        let title_only = snippet(["Harbor update", "", ""], &phrases(&["harbor"]));
        assert_eq!(title_only, "[Harbor] update");
        assert_eq!(snippet(["T", "", "no match here"], &q), "no match here");
    }
}
