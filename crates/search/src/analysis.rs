//! How text becomes index terms, the same way for an article and for a reader's query.
//!
//! Words are runs of letters and digits, lower-cased, stemmed for the article's language
//! (the languages `storyline-analyze` stems; others are not stemmed) and then folded
//! without diacritics, so `Zürich`, `zurich` and `ZURICH` are one term and `funding` finds
//! `funded` in English text. Runs of Chinese, Japanese or Korean characters, which are
//! written without spaces, become overlapping pairs of characters (`阿里巴巴` → `阿里`,
//! `里巴`, `巴巴`), so a word of two or more characters is found as a phrase of pairs.

use rust_stemmers::Stemmer;
use storyline_analyze::text::{algorithm_for, lang_from_code};
use tantivy::tokenizer::Token;
use whatlang::Lang;

/// Terms longer than this (in bytes) are left out: no reader searches for them, and they
/// only grow the dictionary.
const MAX_TERM_BYTES: usize = 64;

/// How one language's text is analysed.
pub struct Analyzer {
    /// The language's code in the index (`eng`), empty when unknown.
    code: &'static str,
    stemmer: Option<Stemmer>,
}

impl Analyzer {
    /// The analyzer for a language; `None` analyses without stemming.
    pub fn new(lang: Option<Lang>) -> Self {
        let stemmer = lang.and_then(algorithm_for).map(Stemmer::create);
        // Only stemmed languages need telling apart; every other text is analysed alike.
        let code = match (&stemmer, lang) {
            (Some(_), Some(lang)) => lang.code(),
            _ => "",
        };
        Self { code, stemmer }
    }

    /// The analyzer for the language stored under `code` in the index.
    pub fn for_code(code: &str) -> Self {
        Self::new(Lang::from_code(code))
    }

    /// The code the index stores for this analysis (empty: not stemmed).
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The terms of `text`, positions counted on from `position`, offsets into `text`.
    /// Returns the position after the last term.
    pub fn tokens(&self, text: &str, mut position: usize, out: &mut Vec<Token>) -> usize {
        self.each_term(text, |from, to, term| {
            out.push(Token {
                offset_from: from,
                offset_to: to,
                position,
                text: term.to_string(),
                position_length: 1,
            });
            position += 1;
        });
        position
    }

    /// Calls `f(from, to, term)` for each term of `text` in order, with its byte offsets,
    /// reusing one buffer (no allocation per term).
    pub fn each_term(&self, text: &str, mut f: impl FnMut(usize, usize, &str)) {
        let mut emit = |from: usize, to: usize, term: &str| {
            if !term.is_empty() && term.len() <= MAX_TERM_BYTES {
                f(from, to, term);
            }
        };
        let mut word = String::new();
        let mut folded = String::new();
        for (start, end) in word_spans(text) {
            let span = &text[start..end];
            if is_cjk(span.chars().next().unwrap_or(' ')) {
                let mut chars = span.char_indices().peekable();
                if span.chars().nth(1).is_none() {
                    emit(start, end, span);
                }
                while let Some((from, _)) = chars.next() {
                    let Some(&(second, c)) = chars.peek() else {
                        break;
                    };
                    let to = second + c.len_utf8();
                    emit(start + from, start + to, &span[from..to]);
                }
                continue;
            }
            word.clear();
            word.extend(span.chars().flat_map(char::to_lowercase));
            let stemmed = match &self.stemmer {
                Some(stemmer) => stemmer.stem(&word),
                None => std::borrow::Cow::Borrowed(word.as_str()),
            };
            fold_into(&stemmed, &mut folded);
            emit(start, end, &folded);
        }
    }

    /// The terms of a reader's word or phrase, as a list of term texts.
    pub fn terms(&self, text: &str) -> Vec<String> {
        let mut tokens = Vec::new();
        self.tokens(text, 0, &mut tokens);
        tokens.into_iter().map(|t| t.text).collect()
    }
}

/// The language an article is analysed in: the one it declares (a page's `lang`, a feed's
/// `<language>`, a record's `lang`), else none. Guessing from the text is left out: on
/// short or mixed texts a guess scatters one outlet's articles over several analyses, and
/// every analysis present makes each query word a choice of forms.
pub fn article_language(declared: Option<&str>) -> Option<Lang> {
    declared.and_then(lang_from_code)
}

/// Byte spans of the words of `text`: runs of letters and digits, split where a run passes
/// between CJK characters and others.
pub fn word_spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, first) = loop {
            let (i, c) = chars.next()?;
            if c.is_alphanumeric() {
                break (i, c);
            }
        };
        let cjk = is_cjk(first);
        let mut end = start + first.len_utf8();
        while let Some(&(i, c)) = chars.peek() {
            if !c.is_alphanumeric() || is_cjk(c) != cjk {
                break;
            }
            end = i + c.len_utf8();
            chars.next();
        }
        Some((start, end))
    })
}

/// Han, kana and Hangul: scripts written without spaces between words.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0x20000..=0x2FA1F) // CJK Extensions B–F and supplements
}

/// Lower case without diacritics, into `out` (emptied first).
pub fn fold_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
        return;
    }
    out.extend(
        word.chars()
            .flat_map(char::to_lowercase)
            .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
            .map(strip_diacritic),
    );
}

/// The base letter of a lower-case Latin letter with a diacritic (Latin-1 and Latin
/// Extended-A, where nearly all news text's accents live); other characters unchanged.
fn strip_diacritic(c: char) -> char {
    match c {
        'à'..='å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => 'c',
        'ď' | 'đ' => 'd',
        'è'..='ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => 'e',
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => 'g',
        'ĥ' => 'h',
        'ì'..='ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => 'i',
        'ĵ' => 'j',
        'ķ' => 'k',
        'ĺ' | 'ļ' | 'ľ' | 'ł' => 'l',
        'ñ' | 'ń' | 'ņ' | 'ň' => 'n',
        'ò'..='ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => 'o',
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

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(analyzer: &Analyzer, text: &str) -> Vec<String> {
        analyzer.terms(text)
    }

    #[test]
    fn english_is_stemmed_and_folded() {
        let en = Analyzer::new(Some(Lang::Eng));
        assert_eq!(en.code(), "eng");
        assert_eq!(
            texts(&en, "Funding rounds, FUNDED!"),
            ["fund", "round", "fund"]
        );
        let none = Analyzer::new(None);
        assert_eq!(texts(&none, "Zürich Funding"), ["zurich", "funding"]);
    }

    #[test]
    fn german_words_keep_their_stem_without_umlauts() {
        let de = Analyzer::new(Some(Lang::Deu));
        let a = texts(&de, "Finanzierungsrunden");
        let b = texts(&de, "Finanzierungsrunde");
        assert_eq!(a, b);
        assert_eq!(texts(&de, "Bürger"), texts(&de, "Burger"));
    }

    #[test]
    fn cjk_runs_become_pairs_with_positions_and_offsets() {
        let none = Analyzer::new(None);
        let mut tokens = Vec::new();
        let end = none.tokens("阿里巴巴 leads 月之暗面AI", 0, &mut tokens);
        let got: Vec<(&str, usize)> = tokens
            .iter()
            .map(|t| (t.text.as_str(), t.position))
            .collect();
        assert_eq!(
            got,
            [
                ("阿里", 0),
                ("里巴", 1),
                ("巴巴", 2),
                ("leads", 3),
                ("月之", 4),
                ("之暗", 5),
                ("暗面", 6),
                ("ai", 7)
            ]
        );
        assert_eq!(end, 8);
        let text = "阿里巴巴 leads 月之暗面AI";
        assert_eq!(&text[tokens[3].offset_from..tokens[3].offset_to], "leads");
        assert_eq!(texts(&none, "中"), ["中"]);
    }

    #[test]
    fn any_text_analyses_without_panicking() {
        let en = Analyzer::new(Some(Lang::Eng));
        for text in [
            "",
            "-",
            "\"",
            "\u{0}\u{feff}",
            "e\u{301}\u{301}\u{301}",
            &"x".repeat(500),
            "🦀🦀 a🦀b",
        ] {
            let terms = texts(&en, text);
            assert!(
                terms
                    .iter()
                    .all(|t| !t.is_empty() && t.len() <= MAX_TERM_BYTES)
            );
        }
        assert_eq!(texts(&en, "a🦀b"), ["a", "b"]);
    }

    #[test]
    fn the_declared_language_is_used_and_nothing_is_guessed() {
        assert_eq!(article_language(Some("de-AT")), Some(Lang::Deu));
        assert_eq!(article_language(Some("eng")), Some(Lang::Eng));
        assert_eq!(article_language(Some("xx")), None);
        assert_eq!(article_language(None), None);
    }
}
