//! The extraction metrics defined in the datasets' README, reimplemented.
//!
//! * [`ShingleScores`]: the article-extraction-benchmark metric. Tokens are `\w+` runs (case
//!   kept); shingles are runs of 4 tokens counted as multisets (fewer than 4 tokens give one
//!   shorter shingle). Per page tp/fp/fn are normalised to sum to 1; precision is averaged over
//!   pages with tp+fp > 0, recall over pages with tp+fn > 0, F1 is of the averages; accuracy is
//!   the share of pages whose token list equals the truth's.
//! * [`WordScores`]: the WCXB metric. Tokens are lower-case `\w+` runs; per page, precision and
//!   recall of the multiset overlap, F1 per page (both empty: 1, one empty: 0), means over pages.
//! * [`snippet_present`]: whether a `with`/`without` snippet appears in an output, compared as
//!   lower-case token sequences.

use std::collections::HashMap;

/// `\w+` runs: letters, digits (any script) and underscore.
pub fn word_tokens(text: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let mut start: Option<usize> = None;
    for (position, c) in text.char_indices() {
        let word = c.is_alphanumeric() || c == '_';
        match (word, start) {
            (true, None) => start = Some(position),
            (false, Some(begin)) => {
                tokens.push(&text[begin..position]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(begin) = start {
        tokens.push(&text[begin..]);
    }
    tokens
}

/// Lower-case `\w+` tokens.
pub fn lower_tokens(text: &str) -> Vec<String> {
    word_tokens(text)
        .into_iter()
        .map(str::to_lowercase)
        .collect()
}

fn shingles<'a>(tokens: &[&'a str]) -> HashMap<Vec<&'a str>, u32> {
    let mut counts = HashMap::new();
    if tokens.is_empty() {
        return counts;
    }
    if tokens.len() < 4 {
        *counts.entry(tokens.to_vec()).or_insert(0) += 1;
        return counts;
    }
    for window in tokens.windows(4) {
        *counts.entry(window.to_vec()).or_insert(0) += 1;
    }
    counts
}

/// One page's shingle comparison.
#[derive(Debug, Clone, Copy, Default)]
pub struct ShinglePage {
    /// Normalised true positives, false positives and false negatives (summing to 1, or all 0).
    pub tp: f64,
    pub fp: f64,
    pub fn_: f64,
    /// Whether the token lists are identical.
    pub exact: bool,
}

impl ShinglePage {
    /// The page's own F1 (a side with no shingles counts as fully precise or recalled, as
    /// the worst-pages listing reads it).
    pub fn f1(&self) -> f64 {
        let ratio = |part: f64, other: f64| {
            if part + other > 0.0 {
                part / (part + other)
            } else {
                1.0
            }
        };
        harmonic(ratio(self.tp, self.fp), ratio(self.tp, self.fn_))
    }
}

/// Compares a prediction with the truth by 4-word shingles.
pub fn shingle_page(predicted: &str, truth: &str) -> ShinglePage {
    let predicted_tokens = word_tokens(predicted);
    let truth_tokens = word_tokens(truth);
    let predicted_shingles = shingles(&predicted_tokens);
    let truth_shingles = shingles(&truth_tokens);
    let mut tp = 0u64;
    for (shingle, &count) in &predicted_shingles {
        tp += u64::from(count.min(truth_shingles.get(shingle).copied().unwrap_or(0)));
    }
    let predicted_total: u64 = predicted_shingles.values().map(|&c| u64::from(c)).sum();
    let truth_total: u64 = truth_shingles.values().map(|&c| u64::from(c)).sum();
    let fp = predicted_total - tp;
    let fn_ = truth_total - tp;
    let sum = (tp + fp + fn_) as f64;
    let (tp, fp, fn_) = if sum > 0.0 {
        (tp as f64 / sum, fp as f64 / sum, fn_ as f64 / sum)
    } else {
        (0.0, 0.0, 0.0)
    };
    ShinglePage {
        tp,
        fp,
        fn_,
        exact: predicted_tokens == truth_tokens,
    }
}

/// Aggregate shingle scores over a set of pages.
#[derive(Debug, Clone, Copy, Default)]
pub struct ShingleScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub accuracy: f64,
    pub pages: usize,
}

impl ShingleScores {
    /// Aggregates per-page comparisons as the benchmark defines.
    pub fn aggregate(pages: &[ShinglePage]) -> ShingleScores {
        let page_precision = |page: &ShinglePage| {
            if page.fp == 0.0 && page.fn_ == 0.0 {
                1.0
            } else {
                page.tp / (page.tp + page.fp)
            }
        };
        let page_recall = |page: &ShinglePage| {
            if page.fp == 0.0 && page.fn_ == 0.0 {
                1.0
            } else {
                page.tp / (page.tp + page.fn_)
            }
        };
        let precisions: Vec<f64> = pages
            .iter()
            .filter(|page| page.tp + page.fp > 0.0)
            .map(page_precision)
            .collect();
        let recalls: Vec<f64> = pages
            .iter()
            .filter(|page| page.tp + page.fn_ > 0.0)
            .map(page_recall)
            .collect();
        let precision = mean(&precisions);
        let recall = mean(&recalls);
        ShingleScores {
            precision,
            recall,
            f1: harmonic(precision, recall),
            accuracy: if pages.is_empty() {
                0.0
            } else {
                pages.iter().filter(|page| page.exact).count() as f64 / pages.len() as f64
            },
            pages: pages.len(),
        }
    }
}

/// One page's word-level comparison.
#[derive(Debug, Clone, Copy, Default)]
pub struct WordPage {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// Compares a prediction with the truth by lower-case word multisets.
pub fn word_page(predicted: &str, truth: &str) -> WordPage {
    let predicted = lower_tokens(predicted);
    let truth = lower_tokens(truth);
    match (predicted.is_empty(), truth.is_empty()) {
        (true, true) => {
            return WordPage {
                precision: 1.0,
                recall: 1.0,
                f1: 1.0,
            };
        }
        (true, false) | (false, true) => return WordPage::default(),
        _ => {}
    }
    let mut counts: HashMap<&str, i64> = HashMap::new();
    for token in &truth {
        *counts.entry(token.as_str()).or_insert(0) += 1;
    }
    let mut overlap = 0usize;
    for token in &predicted {
        if let Some(count) = counts.get_mut(token.as_str())
            && *count > 0
        {
            *count -= 1;
            overlap += 1;
        }
    }
    let precision = overlap as f64 / predicted.len() as f64;
    let recall = overlap as f64 / truth.len() as f64;
    WordPage {
        precision,
        recall,
        f1: harmonic(precision, recall),
    }
}

/// Mean word-level scores over pages.
#[derive(Debug, Clone, Copy, Default)]
pub struct WordScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub pages: usize,
}

impl WordScores {
    /// Means of the per-page scores.
    pub fn aggregate(pages: &[WordPage]) -> WordScores {
        let precisions: Vec<f64> = pages.iter().map(|page| page.precision).collect();
        let recalls: Vec<f64> = pages.iter().map(|page| page.recall).collect();
        let f1s: Vec<f64> = pages.iter().map(|page| page.f1).collect();
        WordScores {
            precision: mean(&precisions),
            recall: mean(&recalls),
            f1: mean(&f1s),
            pages: pages.len(),
        }
    }
}

/// Whether `snippet` appears in `output`, compared as lower-case token sequences.
pub fn snippet_present(output_tokens: &[String], snippet: &str) -> bool {
    let needle = lower_tokens(snippet);
    if needle.is_empty() {
        return true;
    }
    output_tokens
        .windows(needle.len())
        .any(|window| window == needle.as_slice())
}

/// Mean of a list (0 when empty).
pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

/// Harmonic mean of two rates (0 when both are 0).
pub fn harmonic(a: f64, b: f64) -> f64 {
    if a + b == 0.0 {
        0.0
    } else {
        2.0 * a * b / (a + b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unicode_word_runs() {
        assert_eq!(
            word_tokens("Héllo, wörld_1 — 42%"),
            vec!["Héllo", "wörld_1", "42"]
        );
        assert_eq!(lower_tokens("ABC def"), vec!["abc", "def"]);
    }

    #[test]
    fn identical_texts_score_one_and_disjoint_zero() {
        let text = "one two three four five six";
        let same = shingle_page(text, text);
        assert!(same.exact);
        let scores = ShingleScores::aggregate(&[same]);
        assert_eq!(
            (scores.precision, scores.recall, scores.f1, scores.accuracy),
            (1.0, 1.0, 1.0, 1.0)
        );
        let other = shingle_page("alpha beta gamma delta", text);
        let scores = ShingleScores::aggregate(&[other]);
        assert_eq!(scores.f1, 0.0);
    }

    #[test]
    fn extra_text_lowers_precision_only() {
        let truth = "a b c d e f g h";
        let page = shingle_page("a b c d e f g h x y z w", truth);
        let scores = ShingleScores::aggregate(&[page]);
        assert_eq!(scores.recall, 1.0);
        assert!(
            (scores.precision - 5.0 / 9.0).abs() < 1e-9,
            "{}",
            scores.precision
        );
    }

    #[test]
    fn short_texts_form_one_shingle() {
        let page = shingle_page("a b", "a b");
        assert!(page.tp > 0.0 && page.fp == 0.0);
    }

    #[test]
    fn word_scores_follow_the_wcxb_rules() {
        let page = word_page("The cat sat", "the cat sat on the mat");
        assert_eq!(page.precision, 1.0);
        assert_eq!(page.recall, 0.5);
        assert_eq!(word_page("", "").f1, 1.0);
        assert_eq!(word_page("x", "").f1, 0.0);
        assert_eq!(word_page("", "x").f1, 0.0);
    }

    #[test]
    fn snippets_match_as_token_sequences() {
        let output = lower_tokens("Protein continues to dominate — the wellness conversation.");
        assert!(snippet_present(
            &output,
            "protein continues to dominate the wellness"
        ));
        assert!(!snippet_present(&output, "Order now"));
    }
}
