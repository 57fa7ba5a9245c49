//! A reader's search text as clauses: words and `"quoted phrases"` that must all match,
//! `a OR b` where either may, and `-word` / `NOT word` that must not.
//!
//! The text is never handed to a query language: it is split here, so any input is a
//! valid query (an unclosed quote runs to the end, a lone `-` or `OR` is ignored, `AND`
//! is the default and may be written), and nothing a reader types can build a query
//! deeper than one level of alternatives.

/// Most terms (words or phrases, included and excluded) kept from one query; the rest of
/// a very long text is ignored.
const MAX_TERMS: usize = 32;
/// Most words in one phrase.
const MAX_PHRASE_WORDS: usize = 16;

/// What a reader asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserQuery {
    /// Every clause must match; a clause matches when any of its phrases does.
    pub include: Vec<Vec<Phrase>>,
    /// No phrase here may match.
    pub exclude: Vec<Phrase>,
}

/// A run of words as the reader wrote them (one word is a phrase of one).
pub type Phrase = Vec<String>;

#[derive(Debug)]
enum Piece {
    Term { words: Phrase, negated: bool },
    Or,
    Not,
}

impl UserQuery {
    /// Parses a reader's text; `None` when nothing searchable is left.
    pub fn parse(text: &str) -> Option<Self> {
        let mut include: Vec<Vec<Phrase>> = Vec::new();
        let mut exclude = Vec::new();
        let mut join_next = false;
        let mut negate_next = false;
        let mut terms = 0;
        for piece in pieces(text) {
            match piece {
                Piece::Or => join_next = !include.is_empty(),
                Piece::Not => negate_next = true,
                Piece::Term { words, negated } => {
                    if terms == MAX_TERMS {
                        break;
                    }
                    terms += 1;
                    if negated || negate_next {
                        exclude.push(words);
                    } else if join_next {
                        if let Some(last) = include.last_mut() {
                            last.push(words);
                        }
                    } else {
                        include.push(vec![words]);
                    }
                    join_next = false;
                    negate_next = false;
                }
            }
        }
        for clause in &mut include {
            clause.dedup();
        }
        (!include.is_empty()).then_some(Self { include, exclude })
    }

    /// Every phrase the reader wants found (for highlighting).
    pub fn wanted(&self) -> impl Iterator<Item = &Phrase> {
        self.include.iter().flatten()
    }
}

/// The text cut into terms and connectors.
fn pieces(text: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
        rest = &rest[start..];
        let negated = rest.starts_with('-');
        if negated {
            rest = &rest[1..];
        }
        let quoted = rest.starts_with('"');
        let (term, tail) = if let Some(inner) = rest.strip_prefix('"') {
            match inner.find('"') {
                Some(end) => (&inner[..end], &inner[end + 1..]),
                None => (inner, ""),
            }
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            (&rest[..end], &rest[end..])
        };
        rest = tail;
        if !quoted && !negated {
            match term {
                "OR" | "|" => {
                    out.push(Piece::Or);
                    continue;
                }
                "AND" | "&&" => continue,
                "NOT" => {
                    out.push(Piece::Not);
                    continue;
                }
                _ => {}
            }
        }
        let words: Phrase = crate::analysis::word_spans(term)
            .take(MAX_PHRASE_WORDS)
            .map(|(s, e)| term[s..e].to_string())
            .collect();
        if !words.is_empty() {
            out.push(Piece::Term { words, negated });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(words: &[&str]) -> Phrase {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn words_phrases_exclusions_and_alternatives() {
        let q = UserQuery::parse("alibaba \"funding round\" -moonshot minimax OR zhipu").unwrap();
        assert_eq!(
            q.include,
            vec![
                vec![p(&["alibaba"])],
                vec![p(&["funding", "round"])],
                vec![p(&["minimax"]), p(&["zhipu"])]
            ]
        );
        assert_eq!(q.exclude, vec![p(&["moonshot"])]);
        let q = UserQuery::parse("a OR b OR \"c d\" AND e NOT f").unwrap();
        assert_eq!(
            q.include,
            vec![vec![p(&["a"]), p(&["b"]), p(&["c", "d"])], vec![p(&["e"])]]
        );
        assert_eq!(q.exclude, vec![p(&["f"])]);
    }

    #[test]
    fn odd_input_is_harmless() {
        assert_eq!(UserQuery::parse("AND OR NOT"), None);
        assert_eq!(UserQuery::parse("  \"\" - * ( ) "), None);
        assert_eq!(UserQuery::parse("-only -excluded"), None);
        let q = UserQuery::parse("\"unclosed phrase").unwrap();
        assert_eq!(q.include, vec![vec![p(&["unclosed", "phrase"])]]);
        let q = UserQuery::parse("OR x OR").unwrap();
        assert_eq!(q.include, vec![vec![p(&["x"])]]);
        let q = UserQuery::parse("NEAR(a* OR b)").unwrap();
        assert_eq!(q.include, vec![vec![p(&["NEAR", "a"]), p(&["b"])]]);
        // "or" in lower case is a word.
        assert_eq!(UserQuery::parse("war or peace").unwrap().include.len(), 3);
    }

    #[test]
    fn long_queries_are_bounded() {
        let q = UserQuery::parse(&"word ".repeat(2_000)).unwrap();
        assert_eq!(q.include.len(), MAX_TERMS);
        let q = UserQuery::parse(&format!("\"{}\"", "w ".repeat(100))).unwrap();
        assert_eq!(q.include[0][0].len(), MAX_PHRASE_WORDS);
        let q = UserQuery::parse(&format!("x{}", " -a".repeat(300))).unwrap();
        assert_eq!(q.exclude.len(), MAX_TERMS - 1);
    }
}
