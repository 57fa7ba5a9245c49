//! Quality 0–100 of one article: how good a source of its story the piece is.
//!
//! The score rewards substance (length of the text), provenance (author, date, image), original
//! reporting and a clean, well-formed headline; it discounts syndicated copies and boilerplate, and
//! blends in an optional reputation weight of the provider. Every weight lives in
//! [`QualityConfig`]; the defaults are given in brackets.
//!
//! ```text
//! length    = min(1, ln(1 + body_words) / ln(1 + full_length_words [600]))
//! headline  = 1 if 4 ≤ title words ≤ 20, 0.5 if 1–3 or 21–30 words, else 0;
//!             halved when the title is shouted (mostly capitals) or ends in "?"/"!"
//! clean     = 1 − clamp(boilerplate_ratio, 0, 1)
//! base      = length_points [40] · length
//!           + author_points [10] · has_author
//!           + date_points [8] · has_date
//!           + image_points [8] · has_image
//!           + original_points [14] · is_original_reporting_hint
//!           + headline_points [10] · headline
//!           + clean_points [10] · clean                    (the points add up to 100)
//! copy      = base · syndicated_factor [0.55] if is_syndicated_copy, else base
//! quality   = round(clamp((1 − provider_share [0.3]) · copy + provider_share · 100 · p, 0, 100))
//!             where p = clamp(provider_weight, 0, 1);
//!             without a provider weight, round(clamp(copy, 0, 100))
//! ```
//!
//! Non-finite inputs count as the worst value (boilerplate ratio NaN → 1, provider weight NaN → 0).

/// Phrases of a piece's own sourcing (compared lower-case).
const OWN_REPORTING_CUES: &[&str] = &[
    "in an interview with",
    "said in an interview",
    "told this newspaper",
    "told the paper",
    "documents seen by",
    "documents reviewed by",
    "documents obtained by",
    "obtained by",
    "has learned",
    "has learnt",
    "familiar with the matter",
    "familiar with the plans",
    "familiar with the talks",
    "who asked not to be named",
    "requested anonymity",
    "speaking on condition of anonymity",
    "sources told",
    "exclusive:",
];

/// Phrases that credit the story to another outlet (compared lower-case).
const SECOND_HAND_CUES: &[&str] = &[
    "according to a report",
    "according to reports",
    "first reported by",
    "as reported by",
    "reported earlier by",
    "according to sources close to",
    "citing a report",
    "citing people",
    "citing sources",
    "reported on monday",
    "reported on tuesday",
    "reported on wednesday",
    "reported on thursday",
    "reported on friday",
    "reported on saturday",
    "reported on sunday",
    "originally appeared",
];

/// A guess whether a piece is own reporting: it cites its own sources ("people familiar with the
/// matter", "documents seen by", "in an interview with") more often than it credits another
/// outlet ("according to a report from", "first reported by"). Reads the first 20,000
/// characters; feeds [`QualityInput::is_original_reporting_hint`].
pub fn original_reporting_hint(title: &str, body: &str) -> bool {
    let lead = super::words::prefix_chars(body, 20_000);
    let text = format!("{title}\n{lead}").to_lowercase();
    let own = OWN_REPORTING_CUES
        .iter()
        .filter(|cue| text.contains(**cue))
        .count();
    let second_hand = SECOND_HAND_CUES
        .iter()
        .filter(|cue| text.contains(**cue))
        .count();
    own > second_hand
}

/// What quality is judged from; all of it comes from extraction and provenance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QualityInput<'a> {
    /// Headline as shown.
    pub title: &'a str,
    /// Words in the main text.
    pub body_words: usize,
    /// A lead image was found.
    pub has_image: bool,
    /// A byline was found.
    pub has_author: bool,
    /// A publication date was found.
    pub has_date: bool,
    /// The piece is a near-identical copy of an earlier one (syndication).
    pub is_syndicated_copy: bool,
    /// The text suggests own reporting (own sources, interviews, documents seen).
    pub is_original_reporting_hint: bool,
    /// Share of the extracted text that was boilerplate (promos, credits, footers), 0–1.
    pub boilerplate_ratio: f32,
    /// Reputation of the provider, 0–1, when the deployment keeps one.
    pub provider_weight: Option<f32>,
}

/// Weights of the quality formula (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct QualityConfig {
    /// Body length at which the length term is full.
    pub full_length_words: usize,
    pub length_points: f32,
    pub author_points: f32,
    pub date_points: f32,
    pub image_points: f32,
    pub original_points: f32,
    pub headline_points: f32,
    pub clean_points: f32,
    /// Multiplier applied to a syndicated copy.
    pub syndicated_factor: f32,
    /// Share of the final score given to the provider's reputation, when known.
    pub provider_share: f32,
}

impl Default for QualityConfig {
    fn default() -> Self {
        QualityConfig {
            full_length_words: 600,
            length_points: 40.0,
            author_points: 10.0,
            date_points: 8.0,
            image_points: 8.0,
            original_points: 14.0,
            headline_points: 10.0,
            clean_points: 10.0,
            syndicated_factor: 0.55,
            provider_share: 0.3,
        }
    }
}

/// Quality 0–100 with the default weights.
pub fn quality(input: &QualityInput) -> u8 {
    quality_with(input, &QualityConfig::default())
}

/// Quality 0–100 with the given weights.
pub fn quality_with(input: &QualityInput, config: &QualityConfig) -> u8 {
    let length = {
        let full = (config.full_length_words.max(1) as f32).ln_1p();
        ((input.body_words as f32).ln_1p() / full).min(1.0)
    };
    let clean = 1.0 - unit_or(input.boilerplate_ratio, 1.0);
    let flag = |on: bool| if on { 1.0 } else { 0.0 };
    let base = config.length_points * length
        + config.author_points * flag(input.has_author)
        + config.date_points * flag(input.has_date)
        + config.image_points * flag(input.has_image)
        + config.original_points * flag(input.is_original_reporting_hint)
        + config.headline_points * headline(input.title)
        + config.clean_points * clean;
    let copy = if input.is_syndicated_copy {
        base * config.syndicated_factor
    } else {
        base
    };
    let blended = match input.provider_weight {
        Some(weight) => {
            let share = unit_or(config.provider_share, 0.0);
            (1.0 - share) * copy + share * 100.0 * unit_or(weight, 0.0)
        }
        None => copy,
    };
    if blended.is_finite() {
        blended.round().clamp(0.0, 100.0) as u8
    } else {
        0
    }
}

/// `value` clamped to 0–1, or `fallback` when it is not a number.
fn unit_or(value: f32, fallback: f32) -> f32 {
    if value.is_finite() {
        value.clamp(0.0, 1.0)
    } else {
        fallback
    }
}

/// How well-formed a headline is, 0–1: a plain statement of 4–20 words scores 1.
fn headline(title: &str) -> f32 {
    let words = title.split_whitespace().take(64).count();
    let size = match words {
        4..=20 => 1.0,
        1..=3 | 21..=30 => 0.5,
        _ => 0.0,
    };
    let letters = title.chars().filter(|c| c.is_alphabetic()).take(1_000);
    let (mut upper, mut total) = (0usize, 0usize);
    for c in letters {
        total += 1;
        if c.is_uppercase() {
            upper += 1;
        }
    }
    let shouted = total >= 8 && upper * 10 > total * 7;
    let trimmed = title.trim_end();
    let teasing = trimmed.ends_with('?') || trimmed.ends_with('!');
    if shouted || teasing { size * 0.5 } else { size }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full_article() -> QualityInput<'static> {
        QualityInput {
            title: "Alibaba leads $600M round in Chinese AI start-up MiniMax",
            body_words: 900,
            has_image: true,
            has_author: true,
            has_date: true,
            is_syndicated_copy: false,
            is_original_reporting_hint: true,
            boilerplate_ratio: 0.0,
            provider_weight: None,
        }
    }

    #[test]
    fn a_complete_original_article_scores_full_marks() {
        assert_eq!(quality(&full_article()), 100);
    }

    #[test]
    fn an_empty_article_scores_nothing() {
        let empty = QualityInput {
            title: "",
            body_words: 0,
            has_image: false,
            has_author: false,
            has_date: false,
            is_syndicated_copy: false,
            is_original_reporting_hint: false,
            boilerplate_ratio: 1.0,
            provider_weight: None,
        };
        assert_eq!(quality(&empty), 0);
    }

    #[test]
    fn each_missing_signal_lowers_the_score() {
        let full = quality(&full_article());
        let variants = [
            QualityInput {
                body_words: 120,
                ..full_article()
            },
            QualityInput {
                has_author: false,
                ..full_article()
            },
            QualityInput {
                has_image: false,
                ..full_article()
            },
            QualityInput {
                has_date: false,
                ..full_article()
            },
            QualityInput {
                is_original_reporting_hint: false,
                ..full_article()
            },
            QualityInput {
                boilerplate_ratio: 0.5,
                ..full_article()
            },
            QualityInput {
                title: "YOU WON'T BELIEVE WHAT ALIBABA DID NEXT",
                ..full_article()
            },
            QualityInput {
                is_syndicated_copy: true,
                ..full_article()
            },
        ];
        for variant in variants {
            assert!(quality(&variant) < full, "{variant:?}");
        }
    }

    #[test]
    fn a_syndicated_copy_ranks_below_its_original() {
        let original = QualityInput {
            has_image: false,
            is_original_reporting_hint: false,
            body_words: 400,
            ..full_article()
        };
        let copy = QualityInput {
            is_syndicated_copy: true,
            ..original
        };
        assert!(quality(&copy) < quality(&original));
    }

    #[test]
    fn provider_reputation_moves_the_score_both_ways() {
        let plain = QualityInput {
            body_words: 300,
            has_image: false,
            ..full_article()
        };
        let base = quality(&plain);
        let good = quality(&QualityInput {
            provider_weight: Some(1.0),
            ..plain
        });
        let bad = quality(&QualityInput {
            provider_weight: Some(0.0),
            ..plain
        });
        assert!(bad < base && base < good, "{bad} {base} {good}");
    }

    #[test]
    fn own_sources_count_as_original_reporting_and_credited_reports_do_not() {
        let own = "MiniMax is raising at least $600 million, according to an investor \
                   familiar with the matter, who requested anonymity.";
        assert!(original_reporting_hint("MiniMax raises", own));
        let credited = "MiniMax is raising $600 million, according to a report from Bloomberg \
                        on Monday, people familiar with the matter told the agency.";
        assert!(!original_reporting_hint("MiniMax raises", credited));
        assert!(!original_reporting_hint("", ""));
        let huge = "familiar with the matter ".repeat(400_000);
        assert!(original_reporting_hint("", &huge));
    }

    #[test]
    fn non_finite_and_out_of_range_inputs_stay_in_range() {
        for ratio in [f32::NAN, f32::INFINITY, -3.0, 7.0] {
            for weight in [Some(f32::NAN), Some(-1.0), Some(9.0), None] {
                let input = QualityInput {
                    boilerplate_ratio: ratio,
                    provider_weight: weight,
                    body_words: usize::MAX,
                    ..full_article()
                };
                assert!(quality(&input) <= 100);
            }
        }
        let huge_title = "word ".repeat(1_000_000);
        let input = QualityInput {
            title: &huge_title,
            ..full_article()
        };
        assert!(quality(&input) < 100);
    }
}
