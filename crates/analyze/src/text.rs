//! Text analysis shared by the story stages: language, words, stems and the
//! hashed terms that clustering and syndication detection work on.
//!
//! A [`TermExtractor`] turns a headline or body into [`Term`]s: lowercased words
//! with stop words removed, stemmed for the article's language (whatlang decides
//! when the article does not say, rust-stemmers stems), money and quantities folded
//! into one token (`US$600 million` and `$600M` are both `600m`), each hashed with
//! xxh3 so the rest of the pipeline never stores strings. A term remembers whether
//! it was written as a name (capitalised inside a sentence, or an acronym): names
//! are who-did-what evidence and clustering weighs them up.

use rust_stemmers::{Algorithm, Stemmer};
use whatlang::Lang;
use xxhash_rust::xxh3::xxh3_64;

/// One analysed word of an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    /// xxh3 hash of the normalised (stemmed) word.
    pub hash: u64,
    /// Written as a proper name or acronym (e.g. `MiniMax`, `SCMP`).
    pub named: bool,
}

/// The languages storyline stems; anything else is lowercased but not stemmed.
pub fn algorithm_for(lang: Lang) -> Option<Algorithm> {
    Some(match lang {
        Lang::Eng => Algorithm::English,
        Lang::Fra => Algorithm::French,
        Lang::Deu => Algorithm::German,
        Lang::Spa => Algorithm::Spanish,
        Lang::Por => Algorithm::Portuguese,
        Lang::Ita => Algorithm::Italian,
        Lang::Nld => Algorithm::Dutch,
        Lang::Swe => Algorithm::Swedish,
        Lang::Dan => Algorithm::Danish,
        Lang::Nob => Algorithm::Norwegian,
        Lang::Fin => Algorithm::Finnish,
        Lang::Rus => Algorithm::Russian,
        Lang::Tur => Algorithm::Turkish,
        Lang::Hun => Algorithm::Hungarian,
        Lang::Ron => Algorithm::Romanian,
        Lang::Ell => Algorithm::Greek,
        Lang::Ara => Algorithm::Arabic,
        Lang::Tam => Algorithm::Tamil,
        _ => return None,
    })
}

/// Maps an ISO 639-1 or 639-3 code (`en`, `eng`, `en-US`) to a whatlang language.
pub fn lang_from_code(code: &str) -> Option<Lang> {
    let base = code
        .split(['-', '_'])
        .next()
        .unwrap_or(code)
        .to_ascii_lowercase();
    if base.len() == 3 {
        return Lang::from_code(base);
    }
    let three = match base.as_str() {
        "en" => "eng",
        "fr" => "fra",
        "de" => "deu",
        "es" => "spa",
        "pt" => "por",
        "it" => "ita",
        "nl" => "nld",
        "sv" => "swe",
        "da" => "dan",
        "no" | "nb" => "nob",
        "fi" => "fin",
        "ru" => "rus",
        "tr" => "tur",
        "hu" => "hun",
        "ro" => "ron",
        "el" => "ell",
        "ar" => "ara",
        "ta" => "tam",
        "zh" => "cmn",
        "ja" => "jpn",
        "ko" => "kor",
        _ => return None,
    };
    Lang::from_code(three)
}

/// Detects the language of an article from its title and the start of its body.
/// Short texts (headlines) are not detected reliably: they get `fallback`.
pub fn detect_lang(title: &str, text: &str, fallback: Lang) -> Lang {
    const MIN_CHARS: usize = 120;
    const SAMPLE: usize = 1_000;
    let sample_end = floor_char_boundary(text, SAMPLE);
    let sample = &text[..sample_end];
    if title.len() + sample.len() < MIN_CHARS {
        return fallback;
    }
    let joined = format!("{title}\n{sample}");
    match whatlang::detect(&joined) {
        Some(info) if info.is_reliable() => info.lang(),
        _ => fallback,
    }
}

/// Largest char boundary of `s` not beyond `max`.
pub fn floor_char_boundary(s: &str, max: usize) -> usize {
    if max >= s.len() {
        return s.len();
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// English function words that say nothing about which story a text is about.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "according",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "d",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "friday",
    "from",
    "further",
    "get",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "live",
    "ll",
    "m",
    "may",
    "me",
    "might",
    "monday",
    "more",
    "most",
    "must",
    "my",
    "myself",
    "new",
    "news",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "per",
    "photo",
    "photos",
    "re",
    "report",
    "reported",
    "reports",
    "s",
    "said",
    "same",
    "saturday",
    "say",
    "says",
    "she",
    "should",
    "so",
    "some",
    "such",
    "sunday",
    "t",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "thursday",
    "to",
    "today",
    "too",
    "tuesday",
    "two",
    "under",
    "until",
    "up",
    "update",
    "updated",
    "us",
    "ve",
    "very",
    "via",
    "video",
    "was",
    "watch",
    "we",
    "wednesday",
    "week",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "year",
    "years",
    "yesterday",
    "you",
    "your",
    "yours",
    "yourself",
];

fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// Scale words folded into the number before them (`2.5 billion` becomes `2.5b`).
fn scale_suffix(word: &str) -> Option<&'static str> {
    Some(match word {
        "thousand" | "k" => "k",
        "million" | "millions" | "mn" | "mln" | "m" => "m",
        "billion" | "billions" | "bn" | "b" => "b",
        "trillion" | "trillions" | "tn" => "t",
        "percent" | "pct" | "%" => "%",
        _ => return None,
    })
}

/// A raw word as written, before normalisation.
struct RawWord<'a> {
    text: &'a str,
    /// Preceded by the start of the text or a sentence end.
    sentence_start: bool,
}

/// Splits text into words: runs of letters and digits, keeping `.` and `,` between
/// digits (`2.5`, `1,000`) and apostrophes inside words; a `%` right after a
/// number stays with it.
fn raw_words(text: &str) -> impl Iterator<Item = RawWord<'_>> {
    let mut pos = 0usize;
    let mut sentence_start = true;
    std::iter::from_fn(move || {
        loop {
            let rest = text.get(pos..)?;
            // skip separators
            let mut start = None;
            for (i, c) in rest.char_indices() {
                if c.is_alphanumeric() {
                    start = Some(pos + i);
                    break;
                }
                if matches!(c, '.' | '!' | '?' | '\n' | ':' | ';') {
                    sentence_start = true;
                }
            }
            let start = start?;
            let mut end = start;
            let mut last_digit = false;
            for (i, c) in text[start..].char_indices() {
                let at = start + i;
                if c.is_alphanumeric() {
                    last_digit = c.is_ascii_digit();
                    end = at + c.len_utf8();
                    continue;
                }
                let next = text[at + c.len_utf8()..].chars().next();
                let joins = match c {
                    '.' | ',' => last_digit && next.is_some_and(|n| n.is_ascii_digit()),
                    '\'' | '\u{2019}' => next.is_some_and(char::is_alphabetic),
                    '%' => last_digit,
                    _ => false,
                };
                if joins {
                    end = at + c.len_utf8();
                    continue;
                }
                break;
            }
            pos = end;
            if end == start {
                pos = start + 1;
                continue;
            }
            let word = RawWord {
                text: &text[start..end],
                sentence_start,
            };
            sentence_start = false;
            return Some(word);
        }
    })
}

/// Whether a written word looks like a name: capitalised (not at a sentence
/// start) or an acronym of two or more capitals.
fn looks_named(word: &RawWord<'_>) -> bool {
    let mut chars = word.text.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if !first.is_uppercase() {
        return false;
    }
    let rest_upper = word.text.chars().filter(|c| c.is_uppercase()).count();
    if rest_upper >= 2 {
        return true; // AI, SCMP, MiniMax
    }
    !word.sentence_start
}

/// Normalised words of a text, before stemming and hashing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Lowercased, possessive dropped, quantities folded (`600m`).
    pub text: String,
    /// Written as a name or acronym.
    pub named: bool,
    /// A number or quantity (never stemmed).
    pub numeric: bool,
}

/// Splits `text` into normalised words, stop words removed.
/// `names` decides whether capitalisation marks names (off for Title Case headlines).
pub fn words(text: &str, names: bool) -> Vec<Word> {
    let raw: Vec<RawWord<'_>> = raw_words(text).collect();
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let w = &raw[i];
        i += 1;
        let mut lower = w.text.to_lowercase();
        if let Some(stripped) = lower
            .strip_suffix("'s")
            .or_else(|| lower.strip_suffix("\u{2019}s"))
        {
            lower = stripped.to_string();
        }
        let first_digit = lower.starts_with(|c: char| c.is_ascii_digit());
        if first_digit {
            let mut number: String = lower.chars().filter(|c| *c != ',').collect();
            // "us$600" style prefixes are dropped by the splitter already ("us" is a stop word)
            if let Some(next) = raw.get(i)
                && let Some(suffix) = scale_suffix(&next.text.to_lowercase())
            {
                number.push_str(suffix);
                i += 1;
            } else if let Some(split) = number.find(|c: char| c.is_alphabetic()) {
                // "600m", "2.5bn": normalise the attached scale word
                let (digits, scale) = number.split_at(split);
                if let Some(suffix) = scale_suffix(scale) {
                    number = format!("{digits}{suffix}");
                }
            }
            out.push(Word {
                text: number,
                named: false,
                numeric: true,
            });
            continue;
        }
        if lower.chars().count() < 2 || is_stop_word(&lower) {
            continue;
        }
        out.push(Word {
            named: names && looks_named(w),
            text: lower,
            numeric: false,
        });
    }
    out
}

/// Whether a headline is written in Title Case, where capitals do not mark names.
pub fn is_title_case(title: &str) -> bool {
    let mut words = 0usize;
    let mut capitalised = 0usize;
    for w in raw_words(title) {
        if w.text.chars().next().is_some_and(char::is_alphabetic) {
            words += 1;
            if w.text.chars().next().is_some_and(char::is_uppercase) {
                capitalised += 1;
            }
        }
    }
    words >= 3 && capitalised * 10 >= words * 6
}

/// Turns text into hashed, stemmed terms for one language.
pub struct TermExtractor {
    stemmer: Option<Stemmer>,
}

impl std::fmt::Debug for TermExtractor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TermExtractor")
            .field("stems", &self.stemmer.is_some())
            .finish()
    }
}

impl TermExtractor {
    /// An extractor stemming for `lang` (no stemming when storyline has no stemmer for it).
    pub fn new(lang: Lang) -> Self {
        Self {
            stemmer: algorithm_for(lang).map(Stemmer::create),
        }
    }

    /// Hash of the stem of one normalised word.
    pub fn term_hash(&self, word: &Word) -> u64 {
        if word.numeric {
            return xxh3_64(word.text.as_bytes());
        }
        match &self.stemmer {
            Some(s) => xxh3_64(s.stem(&word.text).as_bytes()),
            None => xxh3_64(word.text.as_bytes()),
        }
    }

    /// Terms of `text`, in order.
    pub fn terms(&self, text: &str, names: bool) -> Vec<Term> {
        words(text, names)
            .iter()
            .map(|w| Term {
                hash: self.term_hash(w),
                named: w.named,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, STOP_WORDS.to_vec());
    }

    #[test]
    fn money_amounts_fold_into_one_token() {
        let a: Vec<String> = words("raises US$600 million at a $2.5 billion valuation", true)
            .into_iter()
            .map(|w| w.text)
            .collect();
        assert!(a.contains(&"600m".to_string()), "{a:?}");
        assert!(a.contains(&"2.5b".to_string()), "{a:?}");
        let b: Vec<String> = words("MiniMax raises $600M at $2.5bn", true)
            .into_iter()
            .map(|w| w.text)
            .collect();
        assert!(b.contains(&"600m".to_string()), "{b:?}");
        assert!(b.contains(&"2.5b".to_string()), "{b:?}");
    }

    #[test]
    fn names_inside_sentences_are_marked() {
        let w = words(
            "The e-commerce giant led the funding in Moonshot AI. Existing backers returned.",
            true,
        );
        let named: Vec<&str> = w
            .iter()
            .filter(|w| w.named)
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(named, vec!["moonshot", "ai"]);
    }

    #[test]
    fn title_case_is_recognised() {
        assert!(is_title_case(
            "Alibaba Leads $2.5 Billion Investment in AI Startup MiniMax"
        ));
        assert!(!is_title_case(
            "Alibaba backs US$2.5 billion AI startup in second major 2024 deal"
        ));
    }

    #[test]
    fn stemming_joins_inflections() {
        let x = TermExtractor::new(Lang::Eng);
        let a = x.terms("investors invest", false);
        let b = x.terms("investing", false);
        assert_eq!(a[1].hash, b[0].hash);
    }

    #[test]
    fn hostile_text_does_not_panic() {
        let x = TermExtractor::new(Lang::Eng);
        let junk: String = (0..5000u32)
            .filter_map(char::from_u32)
            .chain("1,,2..3%%'s’".chars())
            .collect();
        // One term per word; words are lowercased and at least two characters long, or
        // numbers starting with a digit; runs of letters and digits survive as words.
        let terms = x.terms(&junk, true);
        let found = words(&junk, true);
        assert_eq!(terms.len(), found.len());
        assert!(terms.len() <= junk.chars().count() / 2, "{}", terms.len());
        for word in &found {
            if word.numeric {
                assert!(
                    word.text.starts_with(|c: char| c.is_ascii_digit()),
                    "{word:?}"
                );
            } else {
                assert!(word.text.chars().count() >= 2, "{word:?}");
                assert_eq!(word.text, word.text.to_lowercase(), "{word:?}");
            }
        }
        assert!(found.iter().any(|w| w.numeric && w.text == "0123456789"));
        assert!(
            found
                .iter()
                .any(|w| w.named && w.text == "abcdefghijklmnopqrstuvwxyz")
        );
        assert!(x.terms("", true).is_empty());
        // A jumble of scripts is no language: detection falls back to the one given.
        assert_eq!(detect_lang(&junk, &junk, Lang::Eng), Lang::Eng);
        assert_eq!(detect_lang(&junk, &junk, Lang::Fra), Lang::Fra);
        assert_eq!(lang_from_code("en-US"), Some(Lang::Eng));
        assert_eq!(lang_from_code("zz"), None);
    }
}
