//! Ranking and snippets in Rust, over the candidates FTS5 found.
//!
//! FTS5's own `bm25()` first counts, for every phrase, all the documents of the whole index
//! that contain it (its IDF); for a common word in a million articles that walk costs tens
//! of milliseconds per query, whatever the LIMIT. Here the same formula (k1 = 1.2, b = 0.75,
//! column weights) is applied to a bounded window of candidates, with document frequencies
//! estimated once and cached by the caller. Words are split and folded as the `unicode61
//! remove_diacritics 2` tokenizer does for the scripts news is written in.

/// Column weights: title, excerpt, body.
pub(crate) const WEIGHTS: [f64; 3] = [8.0, 3.0, 1.0];
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
pub(crate) fn words(text: &str, out: &mut Vec<(usize, usize)>) {
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

/// One candidate's figures: hits of each phrase per column, and its length in words.
#[derive(Debug, Clone, Default)]
pub(crate) struct Counts {
    hits: Vec<[u32; 3]>,
    words: usize,
}

/// Counts the phrases in a candidate's title, excerpt and body.
pub(crate) fn count(
    columns: [&str; 3],
    phrases: &[Vec<String>],
    spans: &mut Vec<(usize, usize)>,
) -> Counts {
    let mut counts = Counts {
        hits: vec![[0; 3]; phrases.len()],
        words: 0,
    };
    for (col, text) in columns.iter().enumerate() {
        words(text, spans);
        counts.words += spans.len();
        for (p, phrase) in phrases.iter().enumerate() {
            counts.hits[p][col] = occurrences(text, spans, phrase).count() as u32;
        }
    }
    counts
}

/// BM25 scores (higher is better) of candidates, with `idf` per phrase.
pub(crate) fn bm25(candidates: &[Counts], idf: &[f64]) -> Vec<f64> {
    if candidates.is_empty() {
        return Vec::new();
    }
    let mean_words =
        candidates.iter().map(|c| c.words as f64).sum::<f64>() / candidates.len() as f64;
    let mean_words = mean_words.max(1.0);
    candidates
        .iter()
        .map(|c| {
            let norm = K1 * (1.0 - B + B * c.words as f64 / mean_words);
            c.hits
                .iter()
                .enumerate()
                .map(|(p, hits)| {
                    // FTS5 found the row, so every phrase is in it somewhere: a phrase our
                    // folding missed (a script we do not fold) still counts once, in the body.
                    let mut tf: f64 = hits.iter().zip(WEIGHTS).map(|(&h, w)| h as f64 * w).sum();
                    if tf == 0.0 {
                        tf = WEIGHTS[2];
                    }
                    idf.get(p).copied().unwrap_or(1.0) * tf * (K1 + 1.0) / (tf + norm)
                })
                .sum()
        })
        .collect()
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
    fn title_hits_outrank_body_hits_and_phrases_need_their_order() {
        let q = phrases(&["chip fab"]);
        let mut spans = Vec::new();
        let in_title = count(["Chip fab opens", "", "the plant"], &q, &mut spans);
        let in_body = count(["Plant opens", "", "a chip fab opened"], &q, &mut spans);
        let reversed = count(["Fab chip", "", "fab chip"], &q, &mut spans);
        assert_eq!(in_title.hits[0], [1, 0, 0]);
        assert_eq!(reversed.hits[0], [0, 0, 0]);
        let scores = bm25(&[in_title, in_body], &[1.0]);
        assert!(scores[0] > scores[1], "{scores:?}");
    }

    #[test]
    fn rare_words_weigh_more_than_common_ones() {
        assert!(idf(10.0, 1_000_000.0) > idf(500_000.0, 1_000_000.0));
        assert!(idf(999_999.0, 1_000_000.0) > 0.0);
        let q = phrases(&["the", "harbor"]);
        let mut spans = Vec::new();
        let many_the = count(["", "", "the the the the harbor"], &q, &mut spans);
        let many_harbor = count(["", "", "the harbor harbor harbor harbor"], &q, &mut spans);
        let scores = bm25(
            &[many_the, many_harbor],
            &[idf(900.0, 1000.0), idf(5.0, 1000.0)],
        );
        assert!(scores[1] > scores[0], "{scores:?}");
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
