//! How sure we are that the extracted text is the page's article.
//!
//! The rating combines the amount of text (an article has hundreds of words), the number of
//! real paragraphs, the strength of the winning container's score, and whether the page
//! declares itself an article (JSON-LD or OpenGraph). Empty text is always 0.

/// What the rating looks at.
pub(crate) struct Evidence<'a> {
    pub text: &'a str,
    pub paragraphs: u32,
    pub best_score: f32,
    pub declared_article: bool,
    pub has_title: bool,
}

/// A confidence in 0..1.
pub(crate) fn rate(evidence: &Evidence<'_>) -> f32 {
    let words = evidence.text.split_whitespace().count();
    if words == 0 {
        return 0.0;
    }
    let length = (words as f32 / 300.0).min(1.0);
    let paragraphs = (evidence.paragraphs as f32 / 4.0).min(1.0);
    let score = (evidence.best_score / 40.0).clamp(0.0, 1.0);
    let declared = if evidence.declared_article { 1.0 } else { 0.0 };
    let title = if evidence.has_title { 1.0 } else { 0.0 };
    let rating = 0.35 * length + 0.25 * paragraphs + 0.2 * score + 0.1 * declared + 0.1 * title;
    rating.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_text_has_no_confidence_and_long_articles_have_much() {
        let empty = Evidence {
            text: "",
            paragraphs: 0,
            best_score: 50.0,
            declared_article: true,
            has_title: true,
        };
        assert_eq!(rate(&empty), 0.0);
        let long = "word ".repeat(600);
        let article = Evidence {
            text: &long,
            paragraphs: 8,
            best_score: 60.0,
            declared_article: true,
            has_title: true,
        };
        assert!(rate(&article) > 0.9);
        let stub = Evidence {
            text: "Cookies help us.",
            paragraphs: 0,
            best_score: 1.0,
            declared_article: false,
            has_title: false,
        };
        assert!(rate(&stub) < 0.2);
    }
}
