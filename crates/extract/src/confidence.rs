//! How sure we are that the extracted text is the page's article.
//!
//! The rating combines the amount of text (an article has hundreds of words), the number of
//! real paragraphs, the strength of the winning container's score, and whether the page
//! declares itself an article (JSON-LD or OpenGraph). Empty text is always 0.
//!
//! It is then discounted by what the text reads like ([`Shape`]): a text that is mostly link
//! items, short caption-like fragments or citation lines, or that holds a small share of the
//! page's prose, is rarely the article even when it is long and scored well.

use crate::render::{BlockKind, TextBlock};

/// What a text reads like, measured on its blocks (characters are visible ones).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Shape {
    /// All characters.
    pub chars: u32,
    /// Characters of blocks that read as an article's prose: long enough, with a sentence's
    /// end, not a citation, not a teaser cut off with an ellipsis.
    pub prose: u32,
    /// Characters of short fragments that read as captions or labels (no second sentence,
    /// under [`FRAGMENT_CHARS`]).
    pub fragments: u32,
    /// Characters of short list items (link lists, headlines of other stories).
    pub list_items: u32,
    /// Characters of lines that read as bibliographic references.
    pub citations: u32,
    /// How many blocks the fragments and list items above are.
    pub short_blocks: u32,
}

/// A text of fewer short blocks than this is not discounted for them: one short paragraph is
/// a short article, not a run of captions.
const MIN_SHORT_BLOCKS: u32 = 3;

/// A block shorter than this that is not a heading reads as a fragment unless it holds two
/// sentences.
const FRAGMENT_CHARS: usize = 120;
/// Shortest block that counts as prose.
const PROSE_CHARS: usize = 100;

impl Shape {
    /// Measures the blocks of a text.
    pub(crate) fn of(blocks: &[TextBlock]) -> Shape {
        let mut shape = Shape::default();
        for block in blocks {
            let text = block.text.as_str();
            let chars = visible(text);
            shape.chars = shape.chars.saturating_add(chars);
            if matches!(block.kind, BlockKind::Heading(_)) {
                continue;
            }
            let citation = is_citation(text);
            if citation {
                shape.citations = shape.citations.saturating_add(chars);
            }
            let short = (chars as usize) < FRAGMENT_CHARS;
            if block.kind == BlockKind::ListItem && short {
                shape.list_items = shape.list_items.saturating_add(chars);
                shape.short_blocks += 1;
            } else if short && sentence_ends(text) < 2 {
                shape.fragments = shape.fragments.saturating_add(chars);
                shape.short_blocks += 1;
            }
            let trimmed = text.trim_end();
            let teaser = trimmed.ends_with("...") || trimmed.ends_with('…');
            if !citation
                && !teaser
                && chars as usize >= PROSE_CHARS
                && text.split_whitespace().count() >= 12
                && sentence_ends(text) >= 1
            {
                shape.prose = shape.prose.saturating_add(chars);
            }
        }
        shape
    }

    fn share(&self, part: u32) -> f32 {
        if self.chars == 0 {
            0.0
        } else {
            part as f32 / self.chars as f32
        }
    }

    /// How much of the text is article-like, 0..1: the prose share, less what citations take.
    pub(crate) fn prose_share(&self) -> f32 {
        self.share(self.prose)
    }

    /// A discount in 0..1 for what the text reads like besides prose.
    pub(crate) fn penalty(&self) -> f32 {
        if self.short_blocks < MIN_SHORT_BLOCKS {
            return self.fragment_penalty();
        }
        let lists = (self.share(self.list_items) - 0.3).max(0.0) / 0.7;
        (0.6 * lists).max(self.fragment_penalty())
    }

    /// The discount for fragments and citations alone (an article's own bullet lists are
    /// not held against it when choosing between blocks).
    pub(crate) fn fragment_penalty(&self) -> f32 {
        let fragments = if self.short_blocks < MIN_SHORT_BLOCKS {
            0.0
        } else {
            (self.share(self.fragments) - 0.4).max(0.0) / 0.6
        };
        let citations = (self.share(self.citations) - 0.1).max(0.0) / 0.5;
        (0.6 * fragments + 0.8 * citations).min(0.8)
    }
}

fn visible(text: &str) -> u32 {
    u32::try_from(text.chars().filter(|c| !c.is_whitespace()).count()).unwrap_or(u32::MAX)
}

/// Sentence ends in a text: `.`, `!`, `?` (and their CJK forms) followed by a space, a
/// closing quote or the end.
fn sentence_ends(text: &str) -> usize {
    let mut count = 0;
    let mut previous: Option<char> = None;
    let mut chars = text.trim_end().chars().peekable();
    while let Some(c) = chars.next() {
        if matches!(c, '。' | '！' | '？') {
            count += 1;
        } else if matches!(c, '.' | '!' | '?') {
            let ends = chars.peek().is_none_or(|&next| {
                next.is_whitespace() || matches!(next, '"' | '”' | '’' | '\'' | ')')
            });
            if ends && previous.is_some_and(|p| p.is_alphanumeric() || matches!(p, ')' | '"' | '”'))
            {
                count += 1;
            }
        }
        previous = Some(c);
    }
    count
}

/// Whether a line reads as a bibliographic reference: a year together with the marks of a
/// citation (authors' initials, "et al.", a DOI, pages or volume, a leading reference
/// number).
pub(crate) fn is_citation(text: &str) -> bool {
    let text = text.trim();
    if text.len() < 30 || text.len() > 1_000 || !holds_year(text) {
        return false;
    }
    let lower = text.to_lowercase();
    let mut marks = 0;
    if lower.contains("et al") {
        marks += 2;
    }
    if lower.contains("doi") || lower.contains("isbn") || lower.contains("arxiv") {
        marks += 2;
    }
    if lower.contains("pp.") || lower.contains("vol.") || lower.contains(" no. ") {
        marks += 1;
    }
    if text.starts_with('[') && text[1..].starts_with(|c: char| c.is_ascii_digit()) {
        marks += 1;
    }
    // Initials: a capital letter alone before a period ("Smith, J.", "A. B. Jones").
    let bytes = text.as_bytes();
    let initials = bytes
        .windows(3)
        .filter(|w| w[0] == b' ' && w[1].is_ascii_uppercase() && w[2] == b'.')
        .count();
    if initials >= 2 {
        marks += 1;
    }
    // "(2019)", "2019;", "2019." after an author list.
    if bytes.windows(6).any(|w| {
        w[0] == b'(' && w[1..5].iter().all(u8::is_ascii_digit) && matches!(w[5], b')' | b'a' | b'b')
    }) {
        marks += 1;
    }
    marks >= 2
}

/// Whether the text holds a year from 1800 to 2099, as four digits standing alone.
fn holds_year(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.windows(4).enumerate().any(|(start, w)| {
        w.iter().all(u8::is_ascii_digit)
            && matches!(&w[..2], b"18" | b"19" | b"20")
            && !start
                .checked_sub(1)
                .and_then(|before| bytes.get(before))
                .is_some_and(u8::is_ascii_digit)
            && !bytes.get(start + 4).is_some_and(u8::is_ascii_digit)
    })
}

/// What the rating looks at.
pub(crate) struct Evidence<'a> {
    pub text: &'a str,
    pub paragraphs: u32,
    pub best_score: f32,
    pub declared_article: bool,
    pub has_title: bool,
    /// What the text reads like.
    pub shape: Shape,
    /// The share of the page's prose that the selection holds (1 when unknown).
    pub prose_share: f32,
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
    // A selection that leaves most of the page's prose out may be the wrong block.
    let left_out = if evidence.prose_share < 0.5 {
        0.4 * (0.5 - evidence.prose_share.max(0.0)) / 0.5
    } else {
        0.0
    };
    let discount = (1.0 - evidence.shape.penalty()) * (1.0 - left_out);
    (rating * discount).clamp(0.0, 1.0)
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
            shape: Shape::default(),
            prose_share: 1.0,
        };
        assert_eq!(rate(&empty), 0.0);
        let long = "word ".repeat(600);
        let article = Evidence {
            text: &long,
            paragraphs: 8,
            best_score: 60.0,
            declared_article: true,
            has_title: true,
            shape: Shape::default(),
            prose_share: 1.0,
        };
        assert!(rate(&article) > 0.9);
        let stub = Evidence {
            text: "Cookies help us.",
            paragraphs: 0,
            best_score: 1.0,
            declared_article: false,
            has_title: false,
            shape: Shape::default(),
            prose_share: 1.0,
        };
        assert!(rate(&stub) < 0.2);
    }

    #[test]
    fn one_short_paragraph_is_a_short_article_not_a_run_of_captions() {
        let one = [TextBlock {
            kind: BlockKind::Paragraph,
            text: "Deep text of the article sits at the bottom of the nest.".to_string(),
        }];
        assert_eq!(Shape::of(&one).penalty(), 0.0);
        let captions: Vec<TextBlock> = (0..6)
            .map(|n| TextBlock {
                kind: BlockKind::Paragraph,
                text: format!("Photo {n}: the harbour at dawn"),
            })
            .collect();
        assert!(Shape::of(&captions).penalty() > 0.3);
    }

    #[test]
    fn references_read_as_citations_and_prose_does_not() {
        assert!(is_citation(
            "[12] Okafor, N. A., Lind, P. (2019). Salt marsh carbon burial rates. Estuar. Coast. 41, pp. 88–97."
        ));
        assert!(is_citation(
            "Varga T, et al. Tidal pumping in mangrove soils. J Coast Res. 2021;37(2):311-20. doi:10.1000/jcr.2021"
        ));
        assert!(!is_citation(
            "In 2019 the council voted to close the bridge, and the mayor, J. Smith, said it would reopen by spring."
        ));
    }

    #[test]
    fn shape_tells_prose_from_fragments_and_lists() {
        let block = |kind, text: &str| TextBlock {
            kind,
            text: text.to_string(),
        };
        let prose = block(
            BlockKind::Paragraph,
            "The ferry service resumed on Monday after a week of storms had kept the boats in harbour, and the operator said the timetable would be back to normal by Friday.",
        );
        let caption = block(BlockKind::Paragraph, "The harbour at dawn on Monday");
        let item = block(BlockKind::ListItem, "Council approves the new budget");
        let shape = Shape::of(&[prose.clone(), prose.clone()]);
        assert!(shape.prose_share() > 0.9);
        assert_eq!(shape.penalty(), 0.0);
        let captions: Vec<TextBlock> = (0..10).map(|_| caption.clone()).collect();
        assert!(Shape::of(&captions).penalty() > 0.4);
        let items: Vec<TextBlock> = (0..10).map(|_| item.clone()).collect();
        assert!(Shape::of(&items).penalty() > 0.4);
    }
}
