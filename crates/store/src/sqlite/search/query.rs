//! User search text as phrases to include and exclude.
//!
//! User text is never handed to FTS5 as query syntax: it is parsed here into words,
//! `"quoted phrases"` and `-excluded` words, and each is re-quoted, so any input is a valid
//! query. The same phrases, case-folded, drive ranking and snippets.

use super::rank::fold;

/// What a reader asked for: every `include` phrase must match, no `exclude` phrase may.
/// A phrase is a run of words, each made only of letters and digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UserQuery {
    pub include: Vec<Vec<String>>,
    pub exclude: Vec<Vec<String>>,
}

impl UserQuery {
    /// Parses user text; `None` when nothing searchable is left.
    pub fn parse(text: &str) -> Option<Self> {
        let mut include = Vec::new();
        let mut exclude = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
            rest = &rest[start..];
            let negated = rest.starts_with('-');
            if negated {
                rest = &rest[1..];
            }
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
            let words: Vec<String> = term
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect();
            if words.is_empty() {
                continue;
            }
            if negated {
                exclude.push(words);
            } else {
                include.push(words);
            }
        }
        (!include.is_empty()).then_some(Self { include, exclude })
    }

    /// The FTS5 MATCH expression: included phrases ANDed, excluded ones NOTed, all looked
    /// for in the text columns only (not in the filters' `facets` column).
    pub fn expression(&self) -> String {
        let quote = |words: &[String]| format!("\"{}\"", words.join(" "));
        let mut expr = self
            .include
            .iter()
            .map(|p| quote(p))
            .collect::<Vec<_>>()
            .join(" AND ");
        // Excluded phrases as one `NOT (b OR c …)`: FTS5 merges a run of ORs into one node,
        // while each NOT is a level of its own, and both its parser stack and its expression
        // tree (256 levels) are bounded.
        let excluded: Vec<String> = self.exclude.iter().map(|p| quote(p)).collect();
        match excluded.as_slice() {
            [] => {}
            [one] => expr = format!("({expr}) NOT {one}"),
            many => expr = format!("({expr}) NOT ({})", many.join(" OR ")),
        }
        format!("{{title excerpt body}} : ({expr})")
    }

    /// The included phrases case-folded as the index folds them, for ranking in Rust.
    pub fn folded_phrases(&self) -> Vec<Vec<String>> {
        self.include
            .iter()
            .map(|p| p.iter().map(|w| fold(w)).collect())
            .collect()
    }
}

/// Turns user text into an FTS5 MATCH expression, or `None` when nothing searchable is left.
#[cfg(test)]
pub(crate) fn fts_expression(text: &str) -> Option<String> {
    UserQuery::parse(text).map(|q| q.expression())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_becomes_quoted_terms() {
        assert_eq!(
            fts_expression("alibaba \"funding round\" -moonshot").as_deref(),
            Some("{title excerpt body} : ((\"alibaba\" AND \"funding round\") NOT \"moonshot\")")
        );
    }

    #[test]
    fn excluded_phrases_are_one_not_of_an_or() {
        assert_eq!(
            fts_expression("a b -c -\"d e\"").as_deref(),
            Some("{title excerpt body} : ((\"a\" AND \"b\") NOT (\"c\" OR \"d e\"))")
        );
    }

    #[tokio::test]
    async fn many_excluded_words_still_make_a_query_fts5_accepts() {
        // Found by fuzzing: each excluded word nested the expression one level deeper, and
        // from about 90 of them (well within the 500 bytes a reader may send) FTS5 failed the
        // search with "fts5: parser stack overflow"; chained NOTs failed from 256 on with
        // "fts5 expression tree is too large".
        use crate::{SearchQuery, SqliteStore, Store};
        let store = SqliteStore::open_in_memory().await.unwrap();
        for excluded in [166, 300] {
            let query = SearchQuery {
                text: format!("x y{}", " -a".repeat(excluded)),
                limit: 10,
                ..SearchQuery::default()
            };
            assert!(store.search(&query).await.unwrap().is_empty(), "{excluded}");
        }
    }

    #[test]
    fn fts_syntax_in_user_text_is_neutralised() {
        assert_eq!(
            fts_expression("NEAR(a* OR b)").as_deref(),
            Some("{title excerpt body} : (\"NEAR a\" AND \"OR\" AND \"b\")")
        );
        assert_eq!(fts_expression("  \"\" - * ( ) "), None);
    }

    #[test]
    fn phrases_are_folded_for_ranking() {
        let q = UserQuery::parse("Zürich \"Chip FAB\" -x").unwrap();
        assert_eq!(
            q.folded_phrases(),
            vec![
                vec!["zurich".to_string()],
                vec!["chip".into(), "fab".into()]
            ]
        );
    }
}
